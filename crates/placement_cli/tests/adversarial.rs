//! Odd files on the disk: links to devices, FIFOs, huge files, linked configs, and configs
//! with very many keys. Each run is watched: it must end within a generous time (a hang is a
//! failure, not a stuck test) and its peak memory is read from `/proc` while it runs.

#![cfg(unix)]

mod common;

use std::fs;
use std::os::unix::fs::{MetadataExt, symlink};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a watched run did.
struct Watched {
    status: i32,
    stdout: String,
    stderr: String,
    /// Peak resident memory in bytes (`VmHWM`, sampled until the process ends).
    peak_rss: u64,
}

/// Runs `placement-lint ARGS` in `cwd`; kills it and fails after `limit`.
fn run_watched(cwd: &Path, args: &[&str], limit: Duration) -> Watched {
    let out = tempfile::NamedTempFile::new().unwrap();
    let err = tempfile::NamedTempFile::new().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_placement-lint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(out.reopen().unwrap())
        .stderr(err.reopen().unwrap())
        .spawn()
        .unwrap();
    let status_path = format!("/proc/{}/status", child.id());
    let started = Instant::now();
    let mut peak_rss = 0;
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if let Some(hwm) = fs::read_to_string(&status_path)
            .ok()
            .and_then(|status| peak_kib(&status))
        {
            peak_rss = peak_rss.max(hwm * 1024);
        }
        if started.elapsed() > limit {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("placement-lint {args:?} still running after {limit:?}");
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    Watched {
        status: status.code().unwrap_or(-1),
        stdout: fs::read_to_string(out.path()).unwrap(),
        stderr: fs::read_to_string(err.path()).unwrap(),
        peak_rss,
    }
}

fn peak_kib(status: &str) -> Option<u64> {
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

const GENEROUS: Duration = Duration::from_secs(60);
/// Far below what reading a 100 MB file, or 5 s of `/dev/zero`, takes.
const SMALL_MEMORY: u64 = 80 * 1024 * 1024;

/// A Worker with Smart Placement whose `main` is `src/index.js`, which `make_entry` creates.
fn placed_worker(make_entry: impl FnOnce(&Path)) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("wrangler.toml"),
        "name = \"w\"\nmain = \"src/index.js\"\n[placement]\nmode = \"smart\"\n",
    )
    .unwrap();
    fs::create_dir(dir.path().join("src")).unwrap();
    make_entry(&dir.path().join("src/index.js"));
    dir
}

fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo").arg(path).status().unwrap();
    assert!(status.success(), "mkfifo {}", path.display());
}

fn assert_entry_skipped(dir: &Path, reason: &str) {
    let run = run_watched(dir, &["check", "."], GENEROUS);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains("PL007")
            && run
                .stdout
                .contains(&format!("`src/index.js` was not read: {reason}")),
        "{}",
        run.stdout
    );
    assert!(
        run.peak_rss < SMALL_MEMORY,
        "peak RSS {} bytes",
        run.peak_rss
    );
}

#[test]
fn main_linked_to_dev_zero_is_not_read() {
    let dir = placed_worker(|entry| symlink("/dev/zero", entry).unwrap());
    assert_entry_skipped(dir.path(), "it is a device, not a regular file");
}

#[test]
fn main_that_is_a_fifo_does_not_block() {
    let dir = placed_worker(mkfifo);
    assert_entry_skipped(dir.path(), "it is a FIFO (named pipe), not a regular file");
}

#[test]
fn main_of_100_mb_is_skipped_with_a_note() {
    let dir = placed_worker(|entry| {
        let mut text = "export default { fetch() { return new Response('ok') } };\n"
            .repeat(100 * 1024 * 1024 / 58 + 1);
        text.truncate(100 * 1024 * 1024);
        fs::write(entry, text).unwrap();
    });
    assert_entry_skipped(
        dir.path(),
        "it is larger than placement-lint's limit of 10 MB for a file",
    );
}

#[test]
fn a_config_that_is_not_a_readable_file_is_an_error_not_a_hang() {
    for (make, expected) in [
        (
            (|path: &Path| symlink("/dev/zero", path).unwrap()) as fn(&Path),
            "not read: it is a device, not a regular file",
        ),
        (
            mkfifo,
            "not read: it is a FIFO (named pipe), not a regular file",
        ),
        (
            |path: &Path| {
                let text = format!("name = \"w\"\n{}", "# padding\n".repeat(1_100_000));
                fs::write(path, text).unwrap();
            },
            "not read: it is larger than placement-lint's limit of 10 MB for a file",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        make(&dir.path().join("wrangler.toml"));
        for args in [&["check", "."][..], &["check", "wrangler.toml"]] {
            let run = run_watched(dir.path(), args, GENEROUS);
            assert_eq!(run.status, 2, "{args:?}: {}{}", run.stdout, run.stderr);
            assert!(
                run.stderr.contains("`wrangler.toml`") && run.stderr.contains(expected),
                "{args:?}: {}",
                run.stderr
            );
            assert!(run.peak_rss < SMALL_MEMORY, "peak RSS {}", run.peak_rss);
        }
    }
}

#[test]
fn a_linked_config_is_found_and_a_link_loop_reported() {
    let dir = tempfile::tempdir().unwrap();
    let app = dir.path().join("app");
    fs::create_dir(&app).unwrap();
    fs::write(dir.path().join("shared.toml"), FIXABLE).unwrap();
    symlink("../shared.toml", app.join("wrangler.toml")).unwrap();
    let run = run_watched(dir.path(), &["check", "app"], GENEROUS);
    assert!(
        run.stdout.contains("PL101") && run.stdout.contains("app/wrangler.toml"),
        "{}{}",
        run.stdout,
        run.stderr
    );

    // A link leading nowhere is not there, as for wrangler.
    let dangling = dir.path().join("dangling");
    fs::create_dir(&dangling).unwrap();
    symlink("missing.toml", dangling.join("wrangler.toml")).unwrap();
    let run = run_watched(dir.path(), &["check", "dangling"], GENEROUS);
    assert_eq!(run.status, 2);
    assert!(run.stderr.contains("no wrangler.toml"), "{}", run.stderr);

    let looped = dir.path().join("looped");
    fs::create_dir(&looped).unwrap();
    symlink("wrangler.toml", looped.join("wrangler.toml")).unwrap();
    let run = run_watched(dir.path(), &["check", "looped"], GENEROUS);
    assert_eq!(run.status, 2, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stderr
            .contains("`looped/wrangler.toml`: cannot read: a loop of symbolic links"),
        "{}",
        run.stderr
    );
}

const FIXABLE: &str = "name = \"w\"\n[placement]\nmode = \"smart\"\nhint = \"wnam\"\n";
const FIXED: &str = "name = \"w\"\n[placement]\nmode = \"smart\"\n";

#[test]
fn fix_writes_through_a_linked_config() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("configs/real.toml");
    fs::create_dir(dir.path().join("configs")).unwrap();
    fs::write(&real, FIXABLE).unwrap();
    fs::set_permissions(&real, std::os::unix::fs::PermissionsExt::from_mode(0o640)).unwrap();
    let link = dir.path().join("wrangler.toml");
    symlink("configs/real.toml", &link).unwrap();
    let run = run_watched(dir.path(), &["check", "--fix", "."], GENEROUS);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert!(fs::symlink_metadata(&link).unwrap().is_symlink());
    assert_eq!(fs::read_to_string(&real).unwrap(), FIXED);
    assert_eq!(fs::metadata(&real).unwrap().mode() & 0o777, 0o640);
    // The temporary file went beside the target and is gone.
    assert_eq!(fs::read_dir(dir.path().join("configs")).unwrap().count(), 1);
}

#[test]
fn fix_keeps_hard_links_together() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("wrangler.toml");
    fs::write(&config, FIXABLE).unwrap();
    let other = dir.path().join("backup.toml");
    fs::hard_link(&config, &other).unwrap();
    let inode = fs::metadata(&config).unwrap().ino();
    let run = run_watched(dir.path(), &["check", "--fix", "wrangler.toml"], GENEROUS);
    assert_eq!(run.status, 0, "{}{}", run.stdout, run.stderr);
    assert_eq!(fs::read_to_string(&config).unwrap(), FIXED);
    assert_eq!(fs::read_to_string(&other).unwrap(), FIXED);
    assert_eq!(fs::metadata(&config).unwrap().ino(), inode);
    assert_eq!(fs::metadata(&config).unwrap().nlink(), 2);
}

/// A `wrangler.json` with `count` unknown top-level keys, some close to real ones (so that
/// did-you-mean has work to do).
pub fn many_unknown_keys(count: usize) -> String {
    let mut text = String::from("{\n  \"name\": \"w\"");
    for index in 0..count {
        if index % 10 == 0 {
            text.push_str(&format!(",\n  \"nam{index}\": {index}"));
        } else {
            text.push_str(&format!(",\n  \"key_{index}\": {index}"));
        }
    }
    text.push_str("\n}\n");
    text
}

#[test]
fn a_hundred_thousand_unknown_keys_are_checked_in_linear_time() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("wrangler.json"), many_unknown_keys(100_000)).unwrap();
    // Debug builds are slow; a quadratic step takes minutes here, the linear run seconds.
    for format in ["json", "human"] {
        let started = Instant::now();
        let run = run_watched(
            dir.path(),
            &["check", "--output-format", format, "."],
            Duration::from_secs(120),
        );
        assert_eq!(run.status, 0, "{}", run.stderr);
        let count = run.stdout.matches("PL003").count();
        assert!(count >= 100_000, "{format}: {count} PL003");
        eprintln!(
            "{format}: 100,000 unknown keys in {:?}, peak RSS {} MB",
            started.elapsed(),
            run.peak_rss / 1_000_000
        );
    }
}

/// A lone carriage return ends a line, as in every editor and the language server: the
/// JSON positions and the human frame count it.
#[test]
fn a_lone_carriage_return_ends_a_line_in_every_output() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("wrangler.jsonc"),
        "{\r  \"name\": \"w\",\r  \"plcement\": {}\r}\r",
    )
    .unwrap();
    let run = run_watched(
        dir.path(),
        &["check", "--output-format", "json", "."],
        GENEROUS,
    );
    let value: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let start = &value["diagnostics"][0]["range"]["start"];
    assert_eq!(value["diagnostics"][0]["code"], "PL003");
    assert_eq!(start["line"], 3, "{start}");
    assert_eq!(start["column"], 3, "{start}");
    let human = run_watched(dir.path(), &["check", "."], GENEROUS);
    assert!(
        human.stdout.contains("[wrangler.jsonc:3:3]") && !human.stdout.contains('\r'),
        "{:?}",
        human.stdout
    );
    let github = run_watched(
        dir.path(),
        &["check", "--output-format", "github", "."],
        GENEROUS,
    );
    assert!(github.stdout.contains("line=3,col=3"), "{}", github.stdout);
}
