//! Paths as keys of hash maps, cheaply. `Path`'s own `Hash` walks the path's components a byte
//! at a time (so that `a//b` and `a/./b` hash like `a/b`), which costs as much as the lookup it
//! serves when a run asks about tens of thousands of paths. A [`PathMap`] keys each path by its
//! normal form instead, the bytes of its components joined again: equal for exactly the paths
//! `Path` calls equal, hashed and compared as plain bytes. A path built by joining names to a
//! folder is already in normal form (checked without allocating); only an odd one (`a//b`,
//! `a/./b`, `a/`) is rebuilt.

use std::borrow::Cow;
use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};

use rustc_hash::FxHashMap;

/// `path`'s normal form: its components joined with one separator, as
/// `path.components().collect::<PathBuf>()` gives. Two paths are equal as `Path`s exactly when
/// their normal forms are equal bytes.
pub fn normal_form(path: &Path) -> Cow<'_, OsStr> {
    if is_plain(path) || is_normal(path) {
        Cow::Borrowed(path.as_os_str())
    } else {
        Cow::Owned(path.components().collect::<PathBuf>().into_os_string())
    }
}

/// Whether `path` is plain: no separator followed by `/` or `.`, none at the end, no `.` at
/// the start. A plain path is in normal form (see [`normal_form`]) and has no `.` or `..`
/// component; most paths of a run are plain, and this says so in one branch-free pass, where
/// [`is_normal`] looks closer at the others.
pub fn is_plain(path: &Path) -> bool {
    if cfg!(not(unix)) {
        return false;
    }
    let bytes = path.as_os_str().as_encoded_bytes();
    let odd_separator = bytes
        .iter()
        .zip(&bytes[1.min(bytes.len())..])
        .fold(false, |found, (byte, next)| {
            found | ((*byte == b'/') & ((*next == b'/') | (*next == b'.')))
        });
    !odd_separator && !bytes.starts_with(b".") && (bytes.len() < 2 || !bytes.ends_with(b"/"))
}

/// Whether `path` is its own normal form (see [`normal_form`]).
#[cfg(unix)]
pub fn is_normal(path: &Path) -> bool {
    let bytes = path.as_os_str().as_encoded_bytes();
    if bytes.len() > 1 && (bytes.ends_with(b"/") || bytes.ends_with(b"/.")) {
        return false;
    }
    // An empty component (`//`), or a `.` one after the first (`/./`), is dropped by
    // `components`; `//` or `/.` at the end is caught above.
    let after = |skip: usize| bytes.get(skip..).unwrap_or_default();
    let dropped =
        bytes
            .iter()
            .zip(after(1))
            .zip(after(2))
            .fold(false, |found, ((byte, next), third)| {
                found | ((*byte == b'/') & ((*next == b'/') | ((*next == b'.') & (*third == b'/'))))
            });
    !dropped
}

/// Whether `path` is its own normal form (see [`normal_form`]): asked of its components.
#[cfg(not(unix))]
pub fn is_normal(path: &Path) -> bool {
    path.components().collect::<PathBuf>().as_os_str() == path.as_os_str()
}

/// The parent of a path in normal form, as [`Path::parent`] gives it (in normal form too).
pub fn parent(normal: &OsStr) -> Option<&OsStr> {
    #[cfg(unix)]
    {
        let bytes = normal.as_encoded_bytes();
        if bytes.is_empty() || bytes == b"/" {
            return None;
        }
        let end = match bytes.iter().rposition(|byte| *byte == b'/') {
            Some(0) => 1,
            Some(separator) => separator,
            None => 0,
        };
        Some(std::os::unix::ffi::OsStrExt::from_bytes(&bytes[..end]))
    }
    #[cfg(not(unix))]
    {
        Path::new(normal).parent().map(Path::as_os_str)
    }
}

/// The last component of a path in normal form when it is a name (not the root, `.` or
/// `..`), as [`Path::file_name`] gives it.
pub fn file_name(normal: &OsStr) -> Option<&OsStr> {
    #[cfg(unix)]
    {
        let bytes = normal.as_encoded_bytes();
        let start = bytes
            .iter()
            .rposition(|byte| *byte == b'/')
            .map_or(0, |at| at + 1);
        let name = &bytes[start..];
        if name.is_empty() || name == b"." || name == b".." {
            return None;
        }
        Some(std::os::unix::ffi::OsStrExt::from_bytes(name))
    }
    #[cfg(not(unix))]
    {
        Path::new(normal).file_name()
    }
}

/// Whether a path has a `..` component.
pub fn has_parent_dir(normal: &OsStr) -> bool {
    if is_plain(Path::new(normal)) {
        return false;
    }
    #[cfg(unix)]
    {
        normal
            .as_encoded_bytes()
            .split(|byte| *byte == b'/')
            .any(|part| part == b"..")
    }
    #[cfg(not(unix))]
    {
        Path::new(normal)
            .components()
            .any(|component| matches!(component, std::path::Component::ParentDir))
    }
}

/// `a` and `b` in [`Path`]'s order (component by component), cheaply where it can: see
/// [`sort_by_path`].
pub fn compare(a: &Path, b: &Path) -> std::cmp::Ordering {
    if sorts_as_bytes(a) && sorts_as_bytes(b) {
        compare_as_bytes(a, b)
    } else {
        a.cmp(b)
    }
}

/// Sorts `items` by their paths, in [`Path`]'s order (component by component), stably. When
/// every path is plain (see [`is_plain`]: in normal form, with no `.` or `..`, which sort
/// before every name), they compare as their bytes do with the separator taken as the lowest
/// byte, which is what comparing their components comes to, for a fraction of the price.
pub fn sort_by_path<T>(items: &mut [T], path: impl Fn(&T) -> &Path) {
    if items.iter().all(|item| sorts_as_bytes(path(item))) {
        items.sort_by(|a, b| compare_as_bytes(path(a), path(b)));
    } else {
        items.sort_by(|a, b| path(a).cmp(path(b)));
    }
}

/// Whether `path` compares with others of its kind as bytes (see [`sort_by_path`]).
fn sorts_as_bytes(path: &Path) -> bool {
    is_plain(path)
}

fn compare_as_bytes(a: &Path, b: &Path) -> std::cmp::Ordering {
    let (a, b) = (
        a.as_os_str().as_encoded_bytes(),
        b.as_os_str().as_encoded_bytes(),
    );
    let common = common_prefix(a, b);
    let rank = |byte: Option<&u8>| match byte {
        None => 0,
        Some(b'/') => 1,
        Some(byte) => u16::from(*byte) + 2,
    };
    rank(a.get(common)).cmp(&rank(b.get(common)))
}

/// How many leading bytes `a` and `b` share, eight at a time.
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let (mut a_words, mut b_words) = (a.chunks_exact(8), b.chunks_exact(8));
    let mut common = 0;
    for (x, y) in (&mut a_words).zip(&mut b_words) {
        let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or_default());
        let differ = word(x) ^ word(y);
        if differ != 0 {
            return common + (differ.trailing_zeros() / 8) as usize;
        }
        common += 8;
    }
    common
        + a[common..]
            .iter()
            .zip(&b[common..])
            .take_while(|(x, y)| x == y)
            .count()
}

/// A hash map keyed by paths, looked up as `HashMap<PathBuf, V>` is (paths equal as `Path`s
/// are one key), for the price of hashing their bytes once.
#[derive(Debug, Clone)]
pub struct PathMap<V> {
    by_normal_form: FxHashMap<OsString, V>,
}

impl<V> Default for PathMap<V> {
    fn default() -> Self {
        Self {
            by_normal_form: FxHashMap::default(),
        }
    }
}

impl<V> PathMap<V> {
    pub fn get(&self, path: &Path) -> Option<&V> {
        self.by_normal_form.get::<OsStr>(&normal_form(path))
    }

    /// The value of a path already in normal form (see [`normal_form`]).
    pub fn get_normal(&self, normal: &OsStr) -> Option<&V> {
        self.by_normal_form.get(normal)
    }

    pub fn contains_key(&self, path: &Path) -> bool {
        self.get(path).is_some()
    }

    pub fn insert(&mut self, path: impl Into<PathBuf> + AsRef<Path>, value: V) -> Option<V> {
        self.by_normal_form.insert(owned_key(path), value)
    }

    pub fn remove(&mut self, path: &Path) -> Option<V> {
        self.by_normal_form.remove::<OsStr>(&normal_form(path))
    }

    /// The value of `path`, `default` inserted first when there is none.
    pub fn get_or_insert(&mut self, path: impl Into<PathBuf> + AsRef<Path>, default: V) -> &mut V {
        self.by_normal_form
            .entry(owned_key(path))
            .or_insert(default)
    }

    pub fn len(&self) -> usize {
        self.by_normal_form.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_normal_form.is_empty()
    }

    /// The values, in no particular order.
    pub fn into_values(self) -> impl Iterator<Item = V> {
        self.by_normal_form.into_values()
    }

    /// Every path (in normal form) with its value, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&Path, &V)> {
        self.by_normal_form
            .iter()
            .map(|(key, value)| (Path::new(key.as_os_str()), value))
    }
}

/// The owned key of `path`: its own buffer when it is already in normal form.
fn owned_key(path: impl Into<PathBuf> + AsRef<Path>) -> OsString {
    if is_plain(path.as_ref()) || is_normal(path.as_ref()) {
        path.into().into_os_string()
    } else {
        path.as_ref()
            .components()
            .collect::<PathBuf>()
            .into_os_string()
    }
}

impl<V> FromIterator<(PathBuf, V)> for PathMap<V> {
    fn from_iter<I: IntoIterator<Item = (PathBuf, V)>>(items: I) -> Self {
        let mut map = PathMap::default();
        for (path, value) in items {
            map.insert(path, value);
        }
        map
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Component;

    /// Every path of up to `length` characters over `/`, `.`, `a` and `-` (which sorts before
    /// `.` and `/`).
    fn every_path(length: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..length {
            last = last
                .iter()
                .flat_map(|prefix| ['/', '.', 'a', '-'].map(|c| format!("{prefix}{c}")))
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn the_normal_form_is_the_components_joined() {
        for text in every_path(6) {
            let path = Path::new(&text);
            let joined = path.components().collect::<PathBuf>();
            assert_eq!(
                is_normal(path),
                joined.as_os_str() == path.as_os_str(),
                "{text:?}"
            );
            assert_eq!(&*normal_form(path), joined.as_os_str(), "{text:?}");
            if is_plain(path) {
                assert!(is_normal(path), "{text:?}");
                assert!(
                    path.components()
                        .all(|c| !matches!(c, Component::CurDir | Component::ParentDir)),
                    "{text:?}"
                );
            }
        }
    }

    #[test]
    fn paths_compare_as_their_components_do() {
        let all = every_path(4);
        for a in &all {
            for b in &all {
                let (a, b) = (Path::new(a), Path::new(b));
                assert_eq!(compare(a, b), a.cmp(b), "{a:?} {b:?}");
            }
        }
        let long = [
            "/repo/group-000/worker-000010/wrangler.toml",
            "/repo/group-000/worker-00001/wrangler.toml",
            "/repo/group-000/worker-000010-x/wrangler.toml",
            "/repo/group-000/worker-000010/a/wrangler.toml",
            "/repo/group-000/worker-000010",
        ];
        let mut sorted: Vec<&Path> = long.iter().map(Path::new).collect();
        sort_by_path(&mut sorted, |path| path);
        let mut expected: Vec<&Path> = long.iter().map(Path::new).collect();
        expected.sort();
        assert_eq!(sorted, expected);
        let mut with_dots = vec![Path::new("./b"), Path::new("-a")];
        sort_by_path(&mut with_dots, |path| path);
        assert_eq!(with_dots, [Path::new("./b"), Path::new("-a")]);
    }

    #[test]
    fn parents_names_and_keys_agree_with_path() {
        let all = every_path(6);
        for text in &all {
            let normal = normal_form(Path::new(text));
            let path = Path::new(&*normal);
            assert_eq!(
                parent(&normal),
                path.parent().map(Path::as_os_str),
                "{text:?}"
            );
            assert_eq!(file_name(&normal), path.file_name(), "{text:?}");
            assert_eq!(
                has_parent_dir(&normal),
                path.components()
                    .any(|c| matches!(c, std::path::Component::ParentDir)),
                "{text:?}"
            );
        }
        let mut map = PathMap::default();
        for text in &all {
            map.get_or_insert(PathBuf::from(text), Vec::new())
                .push(text.clone());
        }
        // One key for each set of paths `Path` calls equal.
        for (key, texts) in map.iter() {
            for text in texts {
                assert_eq!(Path::new(text), key);
                assert_eq!(map.get(Path::new(text)), Some(texts));
            }
        }
        let mut distinct: Vec<PathBuf> = all.iter().map(PathBuf::from).collect();
        distinct.sort();
        distinct.dedup();
        assert_eq!(map.len(), distinct.len());
    }
}
