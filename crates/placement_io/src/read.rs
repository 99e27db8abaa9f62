//! Bounded reading: regular files only, at most [`MAX_FILE_BYTES`].

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::path::Path;

/// The largest config or source file read: 10 MB. Real configs are a few kilobytes and real
/// Worker sources well under a megabyte (Workers themselves are limited to 10 MB compressed).
pub const MAX_FILE_BYTES: u64 = 10 * 1000 * 1000;

/// Why a file was not read.
#[derive(Debug)]
pub enum ReadError {
    /// Nothing there, or a link leading nowhere.
    NotFound,
    /// Something other than a regular file (after following links): reading a FIFO blocks,
    /// a device such as `/dev/zero` never ends.
    NotRegular(&'static str),
    /// Larger than the limit (checked before reading, and again while reading).
    TooLarge {
        limit: u64,
    },
    /// Not UTF-8 (only from [`read_text`]).
    NotUtf8 {
        offset: usize,
    },
    Io(io::Error),
}

impl ReadError {
    fn from_io(error: io::Error) -> Self {
        if error.kind() == io::ErrorKind::NotFound {
            ReadError::NotFound
        } else {
            ReadError::Io(error)
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file or folder"),
            ReadError::NotRegular(kind) => {
                write!(
                    f,
                    "it is {kind}, not a regular file; only regular files are read"
                )
            }
            ReadError::TooLarge { limit } => write!(
                f,
                "it is larger than placement-lint's limit of {} for a file",
                describe_size(*limit)
            ),
            ReadError::NotUtf8 { offset } => write!(f, "it is not valid UTF-8 (byte {offset})"),
            ReadError::Io(error) => f.write_str(&crate::describe_io(error)),
        }
    }
}

/// `10 MB` for the limit; bytes for anything that is not a round number of megabytes.
fn describe_size(bytes: u64) -> String {
    if bytes >= 1_000_000 && bytes.is_multiple_of(1_000_000) {
        format!("{} MB", bytes / 1_000_000)
    } else {
        format!("{bytes} bytes")
    }
}

/// Whether `error` is the operating system's "too many levels of symbolic links".
pub fn is_link_loop(error: &io::Error) -> bool {
    #[cfg(unix)]
    {
        error.raw_os_error() == Some(libc::ELOOP)
    }
    #[cfg(not(unix))]
    {
        let _ = error;
        false
    }
}

/// The bytes of the regular file at `path` (links followed), at most `limit` of them.
///
/// The file is looked at before it is opened (opening a device can have effects) and the file
/// actually opened is looked at again, so a path swapped for a FIFO in between is still refused;
/// it is opened non-blocking, so even then the open itself cannot hang. Memory: the file's size
/// plus one byte; a file that grows while it is read stops at `limit + 1` bytes.
pub fn read_bytes(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let metadata = std::fs::metadata(path).map_err(ReadError::from_io)?;
    check_regular(&metadata, limit)?;
    read_opened(path, limit)
}

/// Like [`read_bytes`], for a file its folder's listing shows as a regular file (not a link):
/// the look before opening is left out, since the listing made it. The file opened is still
/// looked at, so one swapped since the listing for a FIFO, a device or a large file is still
/// refused (and, opened non-blocking, a FIFO cannot hang the open).
pub fn read_listed_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_opened(path, limit)
}

/// Opens `path` non-blocking and reads it if the file opened is a regular file within `limit`.
fn read_opened(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let file = open_nonblocking(path).map_err(ReadError::from_io)?;
    let metadata = file.metadata().map_err(ReadError::Io)?;
    check_regular(&metadata, limit)?;
    let expected = usize::try_from(metadata.len()).unwrap_or(usize::MAX);
    let mut reader = file.take(limit + 1);
    // One spare byte: a file that grew since it was looked at shows here.
    let mut bytes = vec![0; expected.saturating_add(1)];
    let first = loop {
        match reader.read(&mut bytes) {
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            other => break other.map_err(ReadError::Io)?,
        }
    };
    bytes.truncate(first);
    // A file of the size it was looked at is read in one call: asked for one byte more, the
    // kernel gives fewer only at the end. Anything else (grown, shrunk, an empty size such as
    // `/proc` gives) is read on to its end.
    if expected == 0 || first != expected {
        reader.read_to_end(&mut bytes).map_err(ReadError::Io)?;
    }
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(bytes)
}

/// The UTF-8 text of the regular file at `path`, at most `limit` bytes (see [`read_bytes`]).
pub fn read_text(path: &Path, limit: u64) -> Result<String, ReadError> {
    text_of(read_bytes(path, limit)?)
}

pub(crate) fn text_of(bytes: Vec<u8>) -> Result<String, ReadError> {
    String::from_utf8(bytes).map_err(|error| ReadError::NotUtf8 {
        offset: error.utf8_error().valid_up_to(),
    })
}

fn check_regular(metadata: &Metadata, limit: u64) -> Result<(), ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(kind_of(metadata)));
    }
    if metadata.len() > limit {
        return Err(ReadError::TooLarge { limit });
    }
    Ok(())
}

fn kind_of(metadata: &Metadata) -> &'static str {
    let file_type = metadata.file_type();
    if file_type.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_socket() {
            return "a socket";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
    }
    "a special file"
}

fn open_nonblocking(path: &Path) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // O_NONBLOCK: opening a FIFO with no writer returns at once instead of waiting.
        // O_NOCTTY: a terminal device never becomes the process's controlling terminal.
        options.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    options.open(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_and_links_to_them() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "hello").unwrap();
        assert_eq!(read_text(&file, 100).unwrap(), "hello");
        #[cfg(unix)]
        {
            let link = dir.path().join("link.txt");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert_eq!(read_text(&link, 100).unwrap(), "hello");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_listed_file_is_still_checked_once_open() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_listed_file(&file, 10).unwrap(), b"0123456789");
        assert!(matches!(
            read_listed_file(&file, 9),
            Err(ReadError::TooLarge { limit: 9 })
        ));
        // Swapped for a FIFO after the listing: refused without blocking.
        std::fs::remove_file(&file).unwrap();
        let status = std::process::Command::new("mkfifo")
            .arg(&file)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(
            read_listed_file(&file, 10),
            Err(ReadError::NotRegular("a FIFO (named pipe)"))
        ));
        std::fs::remove_file(&file).unwrap();
        assert!(matches!(
            read_listed_file(&file, 10),
            Err(ReadError::NotFound)
        ));
    }

    #[test]
    fn reads_files_of_every_size_whole() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        for size in [0, 1, 4095, 4096, 70_000] {
            let text = "x".repeat(size);
            std::fs::write(&file, &text).unwrap();
            assert_eq!(read_text(&file, MAX_FILE_BYTES).unwrap(), text);
            assert_eq!(read_listed_file(&file, MAX_FILE_BYTES).unwrap().len(), size);
        }
        // A file whose size says nothing of its text is read to its end.
        #[cfg(target_os = "linux")]
        assert!(
            read_text(Path::new("/proc/self/status"), MAX_FILE_BYTES)
                .unwrap()
                .contains("Name:")
        );
    }

    #[test]
    fn refuses_what_is_too_large() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.txt");
        std::fs::write(&file, "0123456789").unwrap();
        assert_eq!(read_text(&file, 10).unwrap().len(), 10);
        let error = read_text(&file, 9).unwrap_err();
        assert!(matches!(error, ReadError::TooLarge { limit: 9 }));
        assert_eq!(
            ReadError::TooLarge {
                limit: MAX_FILE_BYTES
            }
            .to_string(),
            "it is larger than placement-lint's limit of 10 MB for a file"
        );
    }

    #[test]
    fn missing_folders_and_bad_utf8() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            read_bytes(&dir.path().join("none"), 10),
            Err(ReadError::NotFound)
        ));
        assert!(matches!(
            read_bytes(dir.path(), 10),
            Err(ReadError::NotRegular("a folder"))
        ));
        let file = dir.path().join("bad");
        std::fs::write(&file, b"ab\xffc").unwrap();
        assert!(matches!(
            read_text(&file, 10),
            Err(ReadError::NotUtf8 { offset: 2 })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn refuses_devices_fifos_and_link_loops() {
        let dir = tempfile::tempdir().unwrap();
        let zero = dir.path().join("zero");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        assert!(matches!(
            read_bytes(&zero, MAX_FILE_BYTES),
            Err(ReadError::NotRegular("a device"))
        ));
        let fifo = dir.path().join("fifo");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(matches!(
            read_bytes(&fifo, MAX_FILE_BYTES),
            Err(ReadError::NotRegular("a FIFO (named pipe)"))
        ));
        // Even when handed straight to the open (as after a swap), a FIFO does not block.
        assert!(open_nonblocking(&fifo).is_ok());
        let a = dir.path().join("a");
        let b = dir.path().join("b");
        std::os::unix::fs::symlink(&b, &a).unwrap();
        std::os::unix::fs::symlink(&a, &b).unwrap();
        match read_bytes(&a, 10) {
            Err(ReadError::Io(error)) => assert!(is_link_loop(&error)),
            other => panic!("expected a link loop, got {other:?}"),
        }
    }
}
