use std::process::ExitCode;

/// Parsing allocates many small nodes and a few large buffers per file; mimalloc keeps both cheap
/// and keeps freed pages for reuse, where the system allocator hands large ones back to the OS and
/// faults them in again at the next parse (the language server re-parses on every edit).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    placement_cli::main()
}
