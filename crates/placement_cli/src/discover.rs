//! Finding the configs to check: explicit files, and every config under the given folders,
//! resolved the way wrangler resolves them (a parent's `wrangler.json(c)` shadows a folder's
//! own `wrangler.toml`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use placement_analysis::discovery::{is_config_file_name, resolve_config};

use placement_io::describe_io;

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

pub fn discover(paths: &[PathBuf], cwd: &Path) -> Result<Discovery, CliError> {
    let mut discovery = Discovery::default();
    // Sibling configs ask about the same parent folders: ask the disk once per path.
    let exists_cache: RefCell<HashMap<PathBuf, bool>> = RefCell::default();
    let exists = |path: &Path| -> bool {
        *exists_cache
            .borrow_mut()
            .entry(path.to_path_buf())
            .or_insert_with(|| path.is_file())
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
            // An explicit file is checked even under another name (`wrangler --config`).
            discovery.configs.insert(absolute.clone());
            if let Some(winner) = losing_to(&absolute, &exists) {
                discovery.shadowed.insert(absolute, winner);
            }
            continue;
        }
        for path in walk_configs(&absolute) {
            match losing_to(&path, &exists) {
                Some(winner) => {
                    discovery.configs.insert(winner.clone());
                    discovery.shadowed.insert(path, winner);
                }
                None => {
                    discovery.configs.insert(path);
                }
            }
        }
    }
    // A shadowed file given explicitly is still checked; a walked one only gets PL002.
    Ok(discovery)
}

/// Every config file under `root`, walked on all cores (`.gitignore` respected, dependencies
/// and wrangler's state skipped); unreadable folders are skipped, as git and ripgrep do.
///
/// Links to folders are not followed (no walk can loop). A config that is a link counts as
/// wrangler sees it: one leading to a file is a config; one leading nowhere is not there; one
/// in a loop of links, or leading to a FIFO or device, is kept so that the check reports it
/// (`cannot read: a loop of symbolic links`) rather than passing over it in silence.
fn walk_configs(root: &Path) -> Vec<PathBuf> {
    let found = Mutex::new(Vec::new());
    ignore::WalkBuilder::new(root)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && SKIPPED_DIRS.contains(&entry.file_name().to_string_lossy().as_ref()))
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                if let Ok(entry) = entry
                    && is_config_file_name(&entry.file_name().to_string_lossy())
                    && is_config_candidate(&entry)
                {
                    found
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push(entry.into_path());
                }
                ignore::WalkState::Continue
            })
        });
    let mut found = found
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    // The parallel walk's order varies from run to run; discovery's does not.
    found.sort();
    found
}

/// Whether a walked entry with a config's name is a file to check (see [`walk_configs`]).
fn is_config_candidate(entry: &ignore::DirEntry) -> bool {
    let Some(file_type) = entry.file_type() else {
        return false;
    };
    if file_type.is_dir() {
        return false;
    }
    if !file_type.is_symlink() {
        return true;
    }
    match std::fs::metadata(entry.path()) {
        Ok(target) => !target.is_dir(),
        Err(error) => placement_io::read::is_link_loop(&error),
    }
}

/// The config that wins over `config` when wrangler runs in its folder, if another one does.
fn losing_to(config: &Path, exists: &dyn Fn(&Path) -> bool) -> Option<PathBuf> {
    let name = config.file_name()?.to_str()?;
    if !is_config_file_name(name) {
        return None;
    }
    let folder = config.parent()?;
    let winner = resolve_config(folder, exists)?;
    (winner != config).then_some(winner)
}
