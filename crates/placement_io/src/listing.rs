//! What the walk saw: the complete listing of every folder it listed (hidden and ignored
//! entries included), kept so that later questions ("is there a `wrangler.json` here?", "list
//! `functions/`") are answered without asking the file system again, and so that a file the
//! listing proves absent costs no system call at all.

use std::ffi::{OsStr, OsString};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock, RwLock};

use placement_analysis::path_key::{self, PathMap};

use crate::read::{ReadError, read_bytes, read_listed_file, text_of};

/// What an entry of a folder is, as the folder listing says (links not followed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EntryKind {
    File,
    Folder,
    /// A symbolic link: what it leads to is only known by asking.
    Link,
    /// A FIFO, socket or device: reading it is refused, with the reason, by the disk reader.
    Other,
}

impl EntryKind {
    fn of(file_type: std::fs::FileType) -> Self {
        if file_type.is_file() {
            EntryKind::File
        } else if file_type.is_dir() {
            EntryKind::Folder
        } else if file_type.is_symlink() {
            EntryKind::Link
        } else {
            EntryKind::Other
        }
    }
}

/// Every entry of one folder, sorted by name.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Listing {
    entries: Vec<(OsString, EntryKind)>,
}

impl Listing {
    /// Lists `folder` (one `getdents` pass); `None` when it cannot be read.
    pub fn read(folder: &Path) -> Option<Listing> {
        let mut entries = read_entries(folder)?;
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        Some(Listing { entries })
    }

    /// The kind of the entry called `name`, `None` when the folder has none.
    pub fn get(&self, name: &OsStr) -> Option<EntryKind> {
        self.entries
            .binary_search_by(|(entry, _)| entry.as_os_str().cmp(name))
            .ok()
            .map(|index| self.entries[index].1)
    }

    /// The entries, sorted by name.
    pub fn entries(&self) -> impl Iterator<Item = (&OsStr, EntryKind)> {
        self.entries
            .iter()
            .map(|(name, kind)| (name.as_os_str(), *kind))
    }
}

/// The entries of `folder`, typed by the listing itself (one `lstat` each only on file
/// systems that do not say).
#[cfg(not(target_os = "linux"))]
fn read_entries(folder: &Path) -> Option<Vec<(OsString, EntryKind)>> {
    Some(std_entries(folder)?)
}

/// The entries of `folder`: `open` and `getdents64` only (the standard library's `opendir`
/// also asks `fstat` of every folder).
#[cfg(target_os = "linux")]
fn read_entries(folder: &Path) -> Option<Vec<(OsString, EntryKind)>> {
    use rustix::fs::{CWD, Dir, FileType, Mode, OFlags, openat};
    use std::os::unix::ffi::OsStrExt;
    let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC | OFlags::NONBLOCK;
    let mut dir = Dir::new(openat(CWD, folder, flags, Mode::empty()).ok()?).ok()?;
    let mut entries = Vec::new();
    while let Some(entry) = dir.read() {
        let Ok(entry) = entry else {
            // A folder that fails half way is listed as the standard library lists it.
            return std_entries(folder);
        };
        let name = entry.file_name().to_bytes();
        if name == b"." || name == b".." {
            continue;
        }
        let name = OsStr::from_bytes(name).to_os_string();
        let kind = match entry.file_type() {
            FileType::RegularFile => EntryKind::File,
            FileType::Directory => EntryKind::Folder,
            FileType::Symlink => EntryKind::Link,
            FileType::Unknown => match std::fs::symlink_metadata(folder.join(&name)) {
                Ok(metadata) => EntryKind::of(metadata.file_type()),
                Err(_) => continue,
            },
            _ => EntryKind::Other,
        };
        entries.push((name, kind));
    }
    Some(entries)
}

fn std_entries(folder: &Path) -> Option<Vec<(OsString, EntryKind)>> {
    Some(
        std::fs::read_dir(folder)
            .ok()?
            .filter_map(Result::ok)
            .filter_map(|entry| Some((entry.file_name(), EntryKind::of(entry.file_type().ok()?))))
            .collect(),
    )
}

/// What the listings say about a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Presence {
    /// A folder listed by the walk does not hold it (nor a folder on the way to it).
    Absent,
    /// A regular file (not a link), as its folder's listing says.
    File,
    /// A folder the walk listed.
    Listed(Arc<Listing>),
    /// The listings cannot tell (outside the walked tree, below a folder not walked, a link,
    /// a special file, a folder not listed): ask the disk.
    Unknown,
}

/// The listing of every folder the walk listed, shared by every thread of a run.
#[derive(Debug, Default)]
pub struct Listings {
    /// Keyed by each folder's path in normal form: hashed as bytes, asked about at every file
    /// question of a run.
    by_folder: RwLock<PathMap<Arc<Listing>>>,
    /// The folders being listed, so that threads asking for one folder at once (the walk,
    /// and a tree scanned for PL212 ahead of it) list it once.
    reading: Mutex<PathMap<Arc<Reading>>>,
}

/// A folder's listing as one thread reads it for all that ask meanwhile (`None`: unreadable).
type Reading = OnceLock<Option<Arc<Listing>>>;

impl Listings {
    /// Records the complete listing of `folder`.
    pub fn insert(&self, folder: PathBuf, listing: Arc<Listing>) {
        self.by_folder
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .insert(folder, listing);
    }

    /// Lists every folder above `folder` not listed yet (those the walk of `folder` does not
    /// list), so that the questions asked of them (settings files, `package.json`, a config
    /// in a parent) are answered from their listings too; one that cannot be listed is left
    /// to the disk.
    pub fn list_ancestors(&self, folder: &Path) {
        for ancestor in folder.ancestors().skip(1) {
            if self.get(ancestor).is_none()
                && let Some(listing) = Listing::read(ancestor)
            {
                self.insert(ancestor.to_path_buf(), Arc::new(listing));
            }
        }
    }

    /// The listing of `folder`: the one recorded, or else read now and recorded (once,
    /// however many threads ask at the same time); `None` when it cannot be listed.
    pub fn list(&self, folder: &Path) -> Option<Arc<Listing>> {
        if let Some(listing) = self.get(folder) {
            return Some(listing);
        }
        let slot = {
            let mut reading = self
                .reading
                .lock()
                .unwrap_or_else(|poisoned| poisoned.into_inner());
            // Asked again under the lock: a thread that listed it records it before it lets
            // its slot go.
            if let Some(listing) = self.get(folder) {
                return Some(listing);
            }
            Arc::clone(reading.get_or_insert(folder, Arc::default()))
        };
        let listing = slot
            .get_or_init(|| Listing::read(folder).map(Arc::new))
            .clone();
        if let Some(listing) = &listing {
            self.insert(folder.to_path_buf(), Arc::clone(listing));
        }
        // Recorded (or unreadable): later questions need no slot.
        self.reading
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .remove(folder);
        listing
    }

    /// The listing of `folder`, if the walk listed it.
    pub fn get(&self, folder: &Path) -> Option<Arc<Listing>> {
        self.read_lock().get(folder).cloned()
    }

    fn read_lock(&self) -> std::sync::RwLockReadGuard<'_, PathMap<Arc<Listing>>> {
        self.by_folder
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// What the listings say about `path`: from the nearest listed folder above it, the
    /// entry on the way to `path` must exist and be a folder for `path` to exist.
    pub fn presence(&self, path: &Path) -> Presence {
        let plain = path_key::is_plain(path);
        let path = path_key::normal_form(path);
        // `..` would make a listed folder's name mean something else: leave it to the disk.
        if !plain && path_key::has_parent_dir(&path) {
            return Presence::Unknown;
        }
        let by_folder = self.read_lock();
        if let Some(listing) = by_folder.get_normal(&path) {
            return Presence::Listed(Arc::clone(listing));
        }
        let mut below: &OsStr = &path;
        while let Some(folder) = path_key::parent(below) {
            if let Some(listing) = by_folder.get_normal(folder) {
                let Some(name) = path_key::file_name(below) else {
                    return Presence::Unknown;
                };
                return match (listing.get(name), below == &*path) {
                    (None, _) => Presence::Absent,
                    (Some(EntryKind::File), true) => Presence::File,
                    // Not a folder on the way: nothing can be below it.
                    (Some(EntryKind::File | EntryKind::Other), false) => Presence::Absent,
                    _ => Presence::Unknown,
                };
            }
            below = folder;
        }
        Presence::Unknown
    }
}

impl Listings {
    /// The bytes of the file at `path`, as [`read_bytes`] reads them, with no system call
    /// when the listings prove it absent and no look before opening when they show a regular
    /// file.
    pub fn read_bytes(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        match self.presence(path) {
            Presence::Absent => Err(ReadError::NotFound),
            Presence::File => read_listed_file(path, limit),
            Presence::Listed(_) => Err(ReadError::NotRegular("a folder")),
            Presence::Unknown => read_bytes(path, limit),
        }
    }

    /// Like [`Listings::read_bytes`], as UTF-8 text (see [`crate::read_text`]).
    pub fn read_text(&self, path: &Path, limit: u64) -> Result<String, ReadError> {
        text_of(self.read_bytes(path, limit)?)
    }

    /// Whether `path` is a file (links followed), as [`Path::is_file`] says.
    pub fn is_file(&self, path: &Path) -> bool {
        match self.presence(path) {
            Presence::File => true,
            Presence::Absent | Presence::Listed(_) => false,
            Presence::Unknown => path.is_file(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn threads_listing_one_folder_at_once_share_one_listing() {
        let dir = tempfile::tempdir().unwrap();
        for name in ["a", "b", "c"] {
            std::fs::write(dir.path().join(name), "").unwrap();
        }
        let listings = Listings::default();
        let listed: Vec<Arc<Listing>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| listings.list(dir.path()).unwrap()))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(
            listed
                .iter()
                .all(|listing| Arc::ptr_eq(listing, &listed[0]))
        );
        assert_eq!(listed[0].entries().count(), 3);
        assert!(Arc::ptr_eq(&listings.get(dir.path()).unwrap(), &listed[0]));
        assert!(listings.list(&dir.path().join("missing")).is_none());
    }

    #[test]
    fn listings_prove_absence_only_where_they_can() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join("src")).unwrap();
        std::fs::create_dir_all(root.join("node_modules/wrangler")).unwrap();
        std::fs::write(root.join("src/index.js"), "").unwrap();
        std::fs::write(root.join("package.json"), "{}").unwrap();
        let listings = Listings::default();
        for folder in [root.to_path_buf(), root.join("src")] {
            let listing = Listing::read(&folder).unwrap();
            listings.insert(folder, Arc::new(listing));
        }
        assert_eq!(
            listings.presence(&root.join("package.json")),
            Presence::File
        );
        assert_eq!(
            listings.presence(&root.join("src/index.js")),
            Presence::File
        );
        assert_eq!(
            listings.presence(&root.join("src/index.ts")),
            Presence::Absent
        );
        assert_eq!(
            listings.presence(&root.join("lib/index.js")),
            Presence::Absent
        );
        assert_eq!(
            listings.presence(&root.join("package.json/x")),
            Presence::Absent
        );
        assert!(matches!(
            listings.presence(&root.join("src")),
            Presence::Listed(_)
        ));
        // `node_modules` was not listed: only the disk knows what it holds.
        assert_eq!(
            listings.presence(&root.join("node_modules/wrangler/package.json")),
            Presence::Unknown
        );
        assert_eq!(
            listings.presence(&root.join("src/../package.json")),
            Presence::Unknown
        );
        assert_eq!(listings.presence(Path::new("/")), Presence::Unknown);
        let listing = listings.get(root).unwrap();
        let names: Vec<&OsStr> = listing.entries().map(|(name, _)| name).collect();
        assert_eq!(names, ["node_modules", "package.json", "src"]);
        assert_eq!(listing.get(OsStr::new("src")), Some(EntryKind::Folder));
    }
}
