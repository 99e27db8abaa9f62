//! Paths as users see them: relative to the working directory when inside it.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// The working directory, asked once: output renders thousands of paths.
fn working_directory() -> Option<&'static Path> {
    static CWD: OnceLock<Option<PathBuf>> = OnceLock::new();
    CWD.get_or_init(|| std::env::current_dir().ok()).as_deref()
}

/// `path` relative to the current directory when inside it, with `/` separators.
pub fn display(path: &Path) -> String {
    let shown = working_directory()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}
