//! Paths as users see them: relative to the working directory when inside it.

use std::path::Path;

/// `path` relative to the current directory when inside it, with `/` separators.
pub fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().ok();
    let shown = cwd
        .as_deref()
        .and_then(|cwd| path.strip_prefix(cwd).ok())
        .unwrap_or(path);
    shown.to_string_lossy().replace('\\', "/")
}
