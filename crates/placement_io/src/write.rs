//! Writing a fixed file without splitting it from its other names.

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

/// How a fix reached the disk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Written {
    /// A new file beside `target` renamed over it (atomic: readers see the old or the new
    /// text, never half of it).
    Replaced { target: PathBuf },
    /// `target` has other hard links: its own contents were overwritten, so that every link
    /// sees the fix (not atomic, as with any in-place write).
    InPlace { target: PathBuf },
}

/// Writes `contents` as the new text of the file `path` names.
///
/// - A symbolic link (or a path through linked folders) is followed: the file it leads to is
///   written, and the link stays a link.
/// - A file with more than one hard link is rewritten in place (as editors do, for example
///   Vim's `backupcopy=auto`): renaming a new file over one of its names would leave the other
///   names with the old text.
/// - Otherwise the text goes to a temporary file beside the target, which is then renamed over
///   it. Permissions are kept either way.
pub fn write_fix(path: &Path, contents: &[u8]) -> io::Result<Written> {
    let target = fs::canonicalize(path)?;
    let metadata = fs::metadata(&target)?;
    if !metadata.is_file() {
        return Err(io::Error::other("not a regular file"));
    }
    if link_count(&metadata) > 1 {
        rewrite_in_place(&target, contents)?;
        return Ok(Written::InPlace { target });
    }
    replace_atomically(&target, contents, metadata.permissions())?;
    Ok(Written::Replaced { target })
}

/// Creates the file `path` holding `contents`, failing when something already has that name.
/// The text goes to a temporary file first, which is then linked under the new name (which
/// fails rather than replace a file created meanwhile), so readers never see half of it.
pub fn create_file(path: &Path, contents: &[u8]) -> io::Result<()> {
    let folder = path.parent().unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.placement-lint-{}.tmp", std::process::id()));
    let written = (|| {
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()
    })();
    let result = written.and_then(|()| match fs::hard_link(&temporary, path) {
        Err(error) if error.kind() != io::ErrorKind::AlreadyExists => {
            // A file system without hard links: create it in place, never over another file.
            let mut file = OpenOptions::new().write(true).create_new(true).open(path)?;
            file.write_all(contents)?;
            file.sync_all()
        }
        other => other,
    });
    let _ = fs::remove_file(&temporary);
    result
}

#[cfg(unix)]
fn link_count(metadata: &fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    metadata.nlink()
}

#[cfg(not(unix))]
fn link_count(_metadata: &fs::Metadata) -> u64 {
    1
}

fn rewrite_in_place(target: &Path, contents: &[u8]) -> io::Result<()> {
    let mut file = OpenOptions::new().write(true).open(target)?;
    file.write_all(contents)?;
    // Cut only after the new text is written: a shorter fix leaves no tail of the old one.
    file.set_len(contents.len() as u64)?;
    file.sync_all()
}

fn replace_atomically(
    target: &Path,
    contents: &[u8],
    permissions: fs::Permissions,
) -> io::Result<()> {
    let folder = target.parent().unwrap_or(Path::new("."));
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.placement-lint-{}.tmp", std::process::id()));
    let result = (|| {
        // `create_new`: never write through something already there under that name.
        let mut file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temporary)?;
        file.write_all(contents)?;
        file.sync_all()?;
        fs::set_permissions(&temporary, permissions)?;
        fs::rename(&temporary, target)
    })();
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_contents_and_keeps_permissions() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("wrangler.toml");
        fs::write(&path, "old").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
        }
        let written = write_fix(&path, b"new").unwrap();
        assert!(matches!(written, Written::Replaced { .. }));
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o640);
        }
        assert_eq!(fs::read_dir(folder.path()).unwrap().count(), 1);
    }

    #[test]
    fn creates_new_files_only() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("_routes.json");
        create_file(&path, b"{}").unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        let error = create_file(&path, b"other").unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read_to_string(&path).unwrap(), "{}");
        assert_eq!(fs::read_dir(folder.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn writes_through_links_and_keeps_hard_links_together() {
        use std::os::unix::fs::PermissionsExt;
        let folder = tempfile::tempdir().unwrap();
        let real = folder.path().join("real.toml");
        let link = folder.path().join("wrangler.toml");
        fs::write(&real, "old text, longer").unwrap();
        std::os::unix::fs::symlink("real.toml", &link).unwrap();
        write_fix(&link, b"via link").unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
        assert_eq!(fs::read_to_string(&real).unwrap(), "via link");

        let other = folder.path().join("other.toml");
        fs::hard_link(&real, &other).unwrap();
        fs::set_permissions(&real, fs::Permissions::from_mode(0o600)).unwrap();
        let written = write_fix(&other, b"short").unwrap();
        assert!(matches!(written, Written::InPlace { .. }));
        for path in [&real, &other, &link] {
            assert_eq!(fs::read_to_string(path).unwrap(), "short");
        }
        let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
