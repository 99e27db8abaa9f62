//! Finding the configs to check: explicit files, and every config under the given folders,
//! resolved the way wrangler resolves them (a parent's `wrangler.json(c)` shadows a folder's
//! own `wrangler.toml`).

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use placement_analysis::discovery::{is_config_file_name, resolve_config};

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

/// Every config file under `root`, walked on all cores (`.gitignore` respected, symlinks not
/// followed, dependencies and wrangler's state skipped); unreadable folders are skipped, as git
/// and ripgrep do.
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
                    && entry.file_type().is_some_and(|t| t.is_file())
                    && is_config_file_name(&entry.file_name().to_string_lossy())
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

pub fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}
