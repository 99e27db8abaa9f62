//! The project's files as the analysis sees them: open buffers win over the disk, which is
//! read as the command line reads it (`placement_io`: regular files only, at most 10 MB each).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use placement_analysis::project::{DirEntry, PathKind, ProjectFiles, Unread};
use placement_io::{DiskFiles, MAX_FILE_BYTES};
use ropey::Rope;
use tower_lsp_server::ls_types::Uri;

/// An open document, frozen at one version (ropes clone in constant time).
#[derive(Clone)]
pub struct Buffer {
    pub uri: Uri,
    pub rope: Rope,
    pub version: i32,
}

/// Open buffers overlaid on the disk.
#[derive(Default)]
pub struct Overlay {
    pub buffers: HashMap<PathBuf, Buffer>,
}

impl Overlay {
    pub fn exists(&self, path: &Path) -> bool {
        self.buffers.contains_key(path) || path.is_file()
    }
}

/// The text of a file that is not open, for positions in it: read as the analysis reads it,
/// lossily (a diagnostic may point at an invalid byte); empty when it cannot be read.
pub fn disk_text(path: &Path) -> String {
    placement_io::read_bytes(path, MAX_FILE_BYTES)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}

impl ProjectFiles for Overlay {
    fn read(&self, path: &Path) -> Option<String> {
        self.read_or_skip(path).ok()
    }

    fn kind(&self, path: &Path) -> Option<PathKind> {
        if self.buffers.contains_key(path) {
            return Some(PathKind::File);
        }
        DiskFiles.kind(path)
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        match self.buffers.get(path) {
            Some(buffer) => Ok(buffer.rope.to_string()),
            None => DiskFiles.read_or_skip(path),
        }
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        let mut entries: Vec<DirEntry> = DiskFiles.list_dir(path).unwrap_or_default();
        let disk_listed = path.is_dir();
        // A buffer created in the editor and not saved yet is part of the folder already.
        for buffer_path in self.buffers.keys() {
            if buffer_path.parent() != Some(path) {
                continue;
            }
            let Some(name) = buffer_path.file_name().and_then(|n| n.to_str()) else {
                continue;
            };
            if !entries.iter().any(|entry| entry.name == name) {
                entries.push(DirEntry {
                    name: name.to_owned(),
                    is_dir: false,
                });
            }
        }
        if !disk_listed && entries.is_empty() {
            return None;
        }
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        Some(entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn buffers_win_and_join_listings() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.js"), "disk").unwrap();
        let mut overlay = Overlay::default();
        for (name, text) in [("a.js", "buffer"), ("new.js", "unsaved")] {
            let path = dir.path().join(name);
            overlay.buffers.insert(
                path.clone(),
                Buffer {
                    uri: Uri::from_str("file:///x").unwrap(),
                    rope: Rope::from_str(text),
                    version: 1,
                },
            );
        }
        assert_eq!(
            overlay.read(&dir.path().join("a.js")).as_deref(),
            Some("buffer")
        );
        let names: Vec<String> = overlay
            .list_dir(dir.path())
            .unwrap()
            .into_iter()
            .map(|entry| entry.name)
            .collect();
        assert_eq!(names, ["a.js", "new.js"]);
        assert!(overlay.list_dir(&dir.path().join("missing")).is_none());
    }
}
