//! The disk as the analysis sees it.

use std::path::Path;

use placement_analysis::project::{DirEntry, ProjectFiles};

/// Reads project files straight from the disk.
pub struct DiskFiles;

impl ProjectFiles for DiskFiles {
    fn read(&self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        let entries = std::fs::read_dir(path).ok()?;
        Some(
            entries
                .filter_map(Result::ok)
                .map(|entry| DirEntry {
                    name: entry.file_name().to_string_lossy().into_owned(),
                    is_dir: entry.file_type().is_ok_and(|t| t.is_dir()),
                })
                .collect(),
        )
    }
}
