//! Finding the configs to check: explicit files, and every config under the given folders,
//! resolved the way wrangler resolves them (a parent's `wrangler.json(c)` shadows a folder's
//! own `wrangler.toml`).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use placement_analysis::discovery::{ConfigResolver, is_config_file_name};

use placement_analysis::path_key::{self, PathMap};
use placement_io::walk::walk;
use placement_io::{EntryKind, Listings, Presence, describe_io};

use crate::CliError;

/// The configs to check and the ones wrangler would not use.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Absolute paths of the configs to check, sorted.
    pub configs: BTreeSet<PathBuf>,
    /// Absolute path of each shadowed config, with the config that wins over it.
    pub shadowed: BTreeMap<PathBuf, PathBuf>,
}

/// Directories never searched: dependencies and wrangler's own state.
const SKIPPED_DIRS: &[&str] = &["node_modules", ".wrangler", ".git"];

/// Called with each config to check, once, as soon as discovery knows it: from the walk's
/// threads, before the walk ends.
pub type OnConfig<'a> = dyn Fn(&Path) + Sync + 'a;

pub fn discover(paths: &[PathBuf], cwd: &Path) -> Result<Discovery, CliError> {
    discover_streaming(paths, cwd, &Listings::default(), &|_| {})
}

/// Like [`discover`], handing each config to check to `on_config` as soon as it is found and
/// resolved (which config wrangler uses is decided in the walk, in parallel), so that checking
/// need not wait for the whole walk. Every folder walked is recorded in `listings`, and a
/// folder's configs are handed on once the folders below it are listed too.
pub fn discover_streaming(
    paths: &[PathBuf],
    cwd: &Path,
    listings: &Listings,
    on_config: &OnConfig<'_>,
) -> Result<Discovery, CliError> {
    let found = Found {
        found: Mutex::default(),
        winners: ConfigResolver::default(),
        listings,
        outside: Mutex::default(),
        on_config,
    };
    for given in paths {
        let absolute = cwd.join(given);
        let metadata = std::fs::metadata(&absolute).map_err(|error| {
            CliError::Usage(format!(
                "cannot read `{}`: {}",
                given.display(),
                describe_io(&error)
            ))
        })?;
        if metadata.is_file() {
            found.explicit(absolute);
        } else if metadata.is_dir() {
            walk_configs(&absolute, &found);
        } else if absolute
            .file_name()
            .is_some_and(|name| is_config_file_name(&name.to_string_lossy()))
        {
            // A FIFO or device given by a config's name: the check says why it is not read.
            found.walked(absolute);
        }
    }
    // A shadowed file given explicitly is still checked; a walked one only gets PL002.
    Ok(found
        .found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .into_discovery())
}

/// The configs found so far, keyed by path as the walk meets them (sorted once at the end:
/// thousands of sorted inserts would compare paths component by component).
#[derive(Default)]
struct FoundSoFar {
    /// Each config to check, as first given.
    configs: PathMap<PathBuf>,
    /// Each shadowed config, as first given, with the config that wins over it.
    shadowed: PathMap<(PathBuf, PathBuf)>,
}

impl FoundSoFar {
    /// Adds a config to check; whether it is new.
    fn add_config(&mut self, path: &Path) -> bool {
        if self.configs.contains_key(path) {
            return false;
        }
        self.configs.insert(path, path.to_path_buf());
        true
    }

    fn add_shadowed(&mut self, path: &Path, winner: PathBuf) {
        self.shadowed
            .get_or_insert(path, (path.to_path_buf(), PathBuf::new()))
            .1 = winner;
    }

    fn into_discovery(self) -> Discovery {
        let mut configs: Vec<PathBuf> = self.configs.into_values().collect();
        path_key::sort_by_path(&mut configs, PathBuf::as_path);
        let mut shadowed: Vec<(PathBuf, PathBuf)> = self.shadowed.into_values().collect();
        path_key::sort_by_path(&mut shadowed, |(path, _)| path.as_path());
        Discovery {
            configs: configs.into_iter().collect(),
            shadowed: shadowed.into_iter().collect(),
        }
    }
}

/// What discovery found so far, shared by the walk's threads.
struct Found<'a> {
    found: Mutex<FoundSoFar>,
    /// Which config wrangler uses in each folder, worked out once a folder.
    winners: ConfigResolver,
    /// Which files exist, in the walked folders.
    listings: &'a Listings,
    /// Which files exist, asked once each, in folders the walk did not list (the parents of
    /// the folders given): sibling configs ask about the same parent folders.
    outside: Mutex<PathMap<bool>>,
    on_config: &'a OnConfig<'a>,
}

impl Found<'_> {
    /// An explicit file is checked even under another name (`wrangler --config`).
    fn explicit(&self, path: PathBuf) {
        let winner = self.losing_to(&path);
        let new = {
            let mut found = lock(&self.found);
            if let Some(winner) = winner {
                found.add_shadowed(&path, winner);
            }
            found.add_config(&path)
        };
        if new {
            (self.on_config)(&path);
        }
    }

    /// A config met by the walk: the config wrangler uses in its folder is checked.
    fn walked(&self, path: PathBuf) {
        let winner = self.losing_to(&path);
        let (checked, new) = {
            let mut found = lock(&self.found);
            match winner {
                Some(winner) => {
                    found.add_shadowed(&path, winner.clone());
                    let new = found.add_config(&winner);
                    (winner, new)
                }
                None => {
                    let new = found.add_config(&path);
                    (path, new)
                }
            }
        };
        if new {
            (self.on_config)(&checked);
        }
    }

    /// The config that wins over `config` when wrangler runs in its folder, if another one does.
    fn losing_to(&self, config: &Path) -> Option<PathBuf> {
        let name = config.file_name()?.to_str()?;
        if !is_config_file_name(name) {
            return None;
        }
        let folder = config.parent()?;
        let winner = self
            .winners
            .resolve(folder, &|candidate| self.is_file(candidate))?;
        (winner != config).then_some(winner)
    }

    /// Whether `path` is a file (links followed): from the walk's listings where they tell,
    /// otherwise asked of the disk once.
    fn is_file(&self, path: &Path) -> bool {
        match self.listings.presence(path) {
            Presence::File => true,
            Presence::Absent | Presence::Listed(_) => false,
            Presence::Unknown => {
                if let Some(known) = lock(&self.outside).get(path) {
                    return *known;
                }
                let exists = path.is_file();
                lock(&self.outside).insert(path.to_path_buf(), exists);
                exists
            }
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every config file under `root`, walked on all cores (`.gitignore` respected, dependencies
/// and wrangler's state skipped, see [`placement_io::walk`]); unreadable folders are skipped,
/// as git and ripgrep do. Each is resolved and handed on from the thread that found it.
///
/// Links to folders are not followed (no walk can loop). A config that is a link counts as
/// wrangler sees it: one leading to a file is a config; one leading nowhere is not there; one
/// in a loop of links, or leading to a FIFO or device, is kept so that the check reports it
/// (`cannot read: a loop of symbolic links`) rather than passing over it in silence.
fn walk_configs(root: &Path, found: &Found<'_>) {
    walk(root, SKIPPED_DIRS, found.listings, &|folder, entries| {
        for (name, kind) in entries {
            if is_config_file_name(&name.to_string_lossy()) {
                let path = folder.join(name);
                if is_config_candidate(&path, *kind) {
                    found.walked(path);
                }
            }
        }
    });
}

/// Whether a walked entry with a config's name is a file to check (see [`walk_configs`]).
fn is_config_candidate(path: &Path, kind: EntryKind) -> bool {
    match kind {
        EntryKind::Folder => false,
        EntryKind::File | EntryKind::Other => true,
        EntryKind::Link => match std::fs::metadata(path) {
            Ok(target) => !target.is_dir(),
            Err(error) => placement_io::read::is_link_loop(&error),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "name = \"x\"\n").unwrap();
    }

    #[test]
    fn each_config_is_handed_on_once_as_the_walk_finds_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for path in [
            "a/wrangler.toml",
            "b/wrangler.jsonc",
            "b/wrangler.toml",
            "c/wrangler.json",
            "c/d/wrangler.toml",
            "c/e/wrangler.toml",
            "node_modules/x/wrangler.toml",
        ] {
            write(root, path);
        }
        let handed: Mutex<Vec<PathBuf>> = Mutex::default();
        let listings = Listings::default();
        let discovery = discover_streaming(&[root.to_path_buf()], root, &listings, &|path| {
            lock(&handed).push(path.to_path_buf());
        })
        .unwrap();
        let mut handed = handed.into_inner().unwrap();
        handed.sort();
        let configs: Vec<PathBuf> = discovery.configs.iter().cloned().collect();
        assert_eq!(handed, configs);
        assert_eq!(
            configs,
            [
                root.join("a/wrangler.toml"),
                root.join("b/wrangler.jsonc"),
                root.join("c/wrangler.json"),
            ]
        );
        // A JSON config in a parent folder shadows the TOML ones below it.
        assert_eq!(discovery.shadowed.len(), 3);
        assert_eq!(
            discovery.shadowed[&root.join("c/d/wrangler.toml")],
            root.join("c/wrangler.json")
        );
        assert_eq!(
            discovery.shadowed[&root.join("b/wrangler.toml")],
            root.join("b/wrangler.jsonc")
        );
        // The same as the walk that waits for the whole tree.
        let waited = discover(&[root.to_path_buf()], root).unwrap();
        assert_eq!(waited.configs, discovery.configs);
        assert_eq!(waited.shadowed, discovery.shadowed);
    }
}
