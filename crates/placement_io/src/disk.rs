//! The disk as the analysis sees it.

use std::collections::HashMap;
use std::hash::Hash;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use placement_analysis::project::package::{
    InstalledWrangler, Lookup, VersionSource, read_declared_wrangler, read_installed_wrangler,
};
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

/// [`DiskFiles`] for one run over many projects: what a folder says about wrangler (its
/// `package.json`, its `node_modules/wrangler`) is read once and shared by every project below
/// it, on every thread.
#[derive(Default)]
pub struct SharedDiskFiles {
    installed: Answers<Lookup<InstalledWrangler>>,
    declared: Answers<Lookup<Option<VersionSource>>>,
}

impl ProjectFiles for SharedDiskFiles {
    fn read(&self, path: &Path) -> Option<String> {
        DiskFiles.read(path)
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        DiskFiles.read_or_skip(path)
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        DiskFiles.list_dir(path)
    }

    fn kind(&self, path: &Path) -> Option<PathKind> {
        DiskFiles.kind(path)
    }

    fn installed_wrangler(&self, folder: &Path) -> Lookup<InstalledWrangler> {
        self.installed
            .get_or_insert_with(folder, || read_installed_wrangler(&DiskFiles, folder))
    }

    fn declared_wrangler(&self, folder: &Path) -> Lookup<Option<VersionSource>> {
        self.declared
            .get_or_insert_with(folder, || read_declared_wrangler(&DiskFiles, folder))
    }
}

/// One answer per folder, shared between threads.
struct Answers<T> {
    by_folder: Mutex<HashMap<PathBuf, T>>,
}

impl<T> Default for Answers<T> {
    fn default() -> Self {
        Self {
            by_folder: Mutex::default(),
        }
    }
}

impl<T: Clone> Answers<T> {
    /// The answer for `folder`, computed by `answer` the first time (outside the lock: two
    /// threads may both compute it, and agree).
    fn get_or_insert_with(&self, folder: &Path, answer: impl FnOnce() -> T) -> T {
        if let Some(known) = lock(&self.by_folder).get(folder) {
            return known.clone();
        }
        let found = answer();
        lock(&self.by_folder)
            .entry(folder.to_path_buf())
            .or_insert(found)
            .clone()
    }
}

fn lock<K: Eq + Hash, T>(mutex: &Mutex<HashMap<K, T>>) -> std::sync::MutexGuard<'_, HashMap<K, T>> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
