//! The project around a config: the files that project-aware rules read (Pages `functions/`,
//! the Worker's sources, `package.json`). The caller provides them through [`ProjectFiles`], so
//! the analysis itself does no I/O: the CLI reads the disk, the language server overlays its
//! open buffers on the disk.

use std::path::{Path, PathBuf};

use crate::diagnostic::Diagnostic;

/// One entry of a folder listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
}

/// Read access to the files around a config.
pub trait ProjectFiles: Sync {
    /// The text of `path`, or `None` when it does not exist or cannot be read as UTF-8.
    fn read(&self, path: &Path) -> Option<String>;
    /// The entries of the folder `path`, or `None` when it is not a readable folder.
    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>>;
}

/// A project with no files besides its config (tests, and editors showing an unsaved buffer).
pub struct NoFiles;

impl ProjectFiles for NoFiles {
    fn read(&self, _path: &Path) -> Option<String> {
        None
    }

    fn list_dir(&self, _path: &Path) -> Option<Vec<DirEntry>> {
        None
    }
}

/// The folder a config belongs to (paths in the config are relative to it).
pub fn project_root(config_path: &Path) -> PathBuf {
    config_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// Checks a config together with its project: every config rule, plus the rules that read the
/// files around it. Diagnostics may point into those files.
pub fn check_project(
    config_path: &Path,
    config_text: &str,
    files: &dyn ProjectFiles,
) -> Vec<Diagnostic> {
    let _ = files;
    crate::check_config(config_path, config_text)
}
