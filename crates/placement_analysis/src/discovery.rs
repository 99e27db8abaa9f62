//! Which config file wrangler uses: it looks for `wrangler.json` in the folder and every parent
//! folder, then for `wrangler.jsonc` the same way, then for `wrangler.toml`. The file system is
//! asked through a callback, so this stays free of I/O.

use std::path::{Path, PathBuf};

use crate::path_key::PathMap;
use std::sync::{Arc, Mutex};

/// Config file names in wrangler's order of preference.
pub const CONFIG_FILE_NAMES: [&str; 3] = ["wrangler.json", "wrangler.jsonc", "wrangler.toml"];

/// Whether `name` is a wrangler config file name.
pub fn is_config_file_name(name: &str) -> bool {
    CONFIG_FILE_NAMES.contains(&name)
}

/// The config wrangler would use when run in `dir`, given which files exist.
pub fn resolve_config(dir: &Path, exists: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
    CONFIG_FILE_NAMES.iter().find_map(|name| {
        dir.ancestors()
            .map(|folder| folder.join(name))
            .find(|candidate| exists(candidate))
    })
}

/// [`resolve_config`] for many folders of one tree, each folder asked about once: a folder's
/// nearest config of each name is its own, or else its parent's (remembered), so that resolving
/// every config of a monorepo costs three questions a folder rather than three a level above
/// each config. `exists` must give the same answer for a path every time.
#[derive(Debug, Default)]
pub struct ConfigResolver {
    /// For each folder seen, the nearest file of each of [`CONFIG_FILE_NAMES`] at or above it.
    nearest: Mutex<PathMap<NearestConfigs>>,
}

type NearestConfigs = [Option<Arc<Path>>; CONFIG_FILE_NAMES.len()];

impl ConfigResolver {
    /// The config wrangler would use when run in `dir`, as [`resolve_config`] answers.
    pub fn resolve(&self, dir: &Path, exists: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
        self.nearest(dir, exists)
            .into_iter()
            .flatten()
            .next()
            .map(|winner| winner.to_path_buf())
    }

    fn nearest(&self, dir: &Path, exists: &dyn Fn(&Path) -> bool) -> NearestConfigs {
        // The folders up to the first one already known (its answer, or none above the top).
        let mut unknown = Vec::new();
        let mut nearest = NearestConfigs::default();
        {
            let known = lock(&self.nearest);
            for folder in dir.ancestors() {
                if let Some(answer) = known.get(folder) {
                    nearest = answer.clone();
                    break;
                }
                unknown.push(folder);
            }
        }
        // Down from the highest: a folder's own file of a name shadows the ones above it.
        for folder in unknown.into_iter().rev() {
            for (slot, name) in nearest.iter_mut().zip(CONFIG_FILE_NAMES) {
                let candidate = folder.join(name);
                if exists(&candidate) {
                    *slot = Some(Arc::from(candidate));
                }
            }
            lock(&self.nearest).insert(folder.to_path_buf(), nearest.clone());
        }
        nearest
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    fn resolve(files: &[&str], dir: &str) -> Option<PathBuf> {
        let files: HashSet<PathBuf> = files.iter().map(PathBuf::from).collect();
        resolve_config(Path::new(dir), &|path| files.contains(path))
    }

    #[test]
    fn json_in_a_parent_wins_over_a_local_toml() {
        let files = ["/repo/wrangler.jsonc", "/repo/apps/api/wrangler.toml"];
        assert_eq!(
            resolve(&files, "/repo/apps/api"),
            Some(PathBuf::from("/repo/wrangler.jsonc"))
        );
    }

    #[test]
    fn the_memo_answers_as_the_search_does_for_every_folder() {
        let files = [
            "/r/wrangler.toml",
            "/r/a/wrangler.jsonc",
            "/r/a/b/wrangler.toml",
            "/r/a/b/c/wrangler.json",
            "/r/d/wrangler.toml",
            "/r/d/e/wrangler.toml",
        ];
        let set: HashSet<PathBuf> = files.iter().map(PathBuf::from).collect();
        let asked = std::cell::RefCell::new(Vec::new());
        let exists = |path: &Path| {
            asked.borrow_mut().push(path.to_path_buf());
            set.contains(path)
        };
        let memo = ConfigResolver::default();
        let folders = [
            "/r/a/b/c", "/r/a/b", "/r/d/e", "/r/d", "/r", "/r/a/x/y", "/",
        ];
        for folder in folders {
            assert_eq!(
                memo.resolve(Path::new(folder), &exists),
                resolve(&files, folder),
                "{folder}"
            );
        }
        // Each folder's three names were asked about once.
        let mut unique = asked.borrow().clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), asked.borrow().len());
    }

    #[test]
    fn json_wins_over_jsonc_in_the_same_folder() {
        let files = ["/p/wrangler.json", "/p/wrangler.jsonc", "/p/wrangler.toml"];
        assert_eq!(
            resolve(&files, "/p"),
            Some(PathBuf::from("/p/wrangler.json"))
        );
        assert_eq!(
            resolve(&["/p/wrangler.toml"], "/p"),
            Some(PathBuf::from("/p/wrangler.toml"))
        );
        assert_eq!(resolve(&[], "/p"), None);
    }
}
