//! The disk as the analysis sees it: regular files only, at most 10 MB each. Shared with the
//! language server, which overlays its open buffers on the same reader.

pub use placement_io::{DiskFiles, SharedDiskFiles};
