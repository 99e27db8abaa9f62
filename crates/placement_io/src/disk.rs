//! The disk as the analysis sees it.

use std::path::Path;

use placement_analysis::project::{DirEntry, PathKind, ProjectFiles, Unread};

use crate::read::{MAX_FILE_BYTES, ReadError, read_text};

/// Project files straight from the disk: regular files only, at most [`MAX_FILE_BYTES`] each.
/// Folder listings do not follow links to folders, so a link loop is never walked.
pub struct DiskFiles;

impl ProjectFiles for DiskFiles {
    fn read(&self, path: &Path) -> Option<String> {
        read_text(path, MAX_FILE_BYTES).ok()
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        read_text(path, MAX_FILE_BYTES).map_err(|error| match error {
            ReadError::NotRegular(_) | ReadError::TooLarge { .. } => {
                Unread::Skipped(error.to_string())
            }
            _ => Unread::Missing,
        })
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

    fn kind(&self, path: &Path) -> Option<PathKind> {
        let metadata = std::fs::metadata(path).ok()?;
        Some(if metadata.is_dir() {
            PathKind::Folder
        } else {
            PathKind::File
        })
    }
}
