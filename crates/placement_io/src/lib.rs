//! How placement-lint touches the disk, shared by the command line and the language server.
//!
//! - [`read`]: only regular files (after following links) are read, never a FIFO, socket or
//!   device, and never more than [`MAX_FILE_BYTES`]; memory per file is about its size.
//! - [`write`]: a fix is written through a symbolic link to the file it leads to, atomically
//!   (a temporary file beside the target, then a rename); a file with several hard links is
//!   rewritten in place so that every link keeps seeing the same text.

mod disk;
pub mod listing;
pub mod read;
pub mod settings;
pub mod walk;
pub mod write;

pub use disk::{DiskFiles, Manifests, SharedDiskFiles};
pub use listing::{EntryKind, Listing, Listings, Presence};
pub use read::{MAX_FILE_BYTES, ReadError, read_bytes, read_listed_file, read_text};
pub use write::{Written, create_file, write_fix};

/// Today's UTC date from the system clock, the analysis's [`placement_analysis::Inputs`].
pub fn today_utc() -> placement_analysis::date::Date {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    placement_analysis::date::Date::from_unix_seconds(seconds)
}

/// The inputs of a check made now.
pub fn inputs_now() -> placement_analysis::Inputs {
    placement_analysis::Inputs {
        today: Some(today_utc()),
    }
}

/// A short description of an I/O error for one-line messages.
pub fn describe_io(error: &std::io::Error) -> String {
    if read::is_link_loop(error) {
        return "a loop of symbolic links".to_owned();
    }
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or folder".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => error.to_string(),
    }
}
