//! The monorepo mode: `placement-lint check` on a generated monorepo against the "read floor",
//! a program that only walks the same tree with `ignore` on two threads and reads every file,
//! and the "parse floor", which also parses every config, `package.json` and source with the
//! parsers placement-lint uses (no rules): what any check built on those parsers costs at least.
//! Both run as separate processes, alternately, in one run of the bench, so that whatever else
//! the machine is doing weighs on both; the figures are the best and the median wall time, the
//! CPU time per project (the children's user + system time from `/proc/self/stat`) and, when
//! `strace` is installed, the file-system calls of one run of each.
//!
//! `cargo build --release -p placement_cli -p placement_bench &&
//!  cargo run --release -p placement_bench -- --monorepo`

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use oxc_allocator::Allocator;
use oxc_parser::Parser;
use placement_analysis::Format;
use placement_analysis::project::source;
use placement_analysis::syntax;

use crate::generate;

/// The internal flag that runs the read floor on a folder.
pub const FLOOR_FLAG: &str = "--read-floor";
/// The internal flag that runs the parse floor on a folder.
pub const PARSE_FLOOR_FLAG: &str = "--parse-floor";

/// The system calls reported: the ones that touch the file system.
const FILE_SYSTEM_CALLS: &[&str] = &[
    "openat",
    "statx",
    "newfstatat",
    "fstat",
    "stat",
    "lstat",
    "access",
    "getdents64",
    "read",
    "close",
    "readlink",
];

pub struct MonorepoOptions {
    pub projects: usize,
    pub runs: usize,
    pub dir: Option<PathBuf>,
    /// The `placement-lint` binary measured (default: the one beside this bench).
    pub binary: Option<PathBuf>,
    /// Another `placement-lint` binary measured in the same run (a build before a change).
    pub baseline: Option<PathBuf>,
    pub strace: bool,
    /// Whether the monorepo has a root `package.json` (a workspace), which makes it the tree
    /// PL212 scans for the Workers a placed front end calls.
    pub workspace: bool,
}

/// What a floor does with each file it reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Floor {
    /// Reads it, nothing more.
    Read,
    /// Reads it and parses it with the parser placement-lint uses for it: configs and
    /// `package.json` with `syntax::parse`, JavaScript and TypeScript with oxc (no semantic
    /// analysis, no rules). What any check built on these parsers cannot go below.
    Parse,
}

/// A floor: walks `root` with `ignore` on two threads (skipping what placement-lint's discovery
/// skips) and reads every file, parsing it too for [`Floor::Parse`]; prints the files and bytes
/// read and the files parsed.
pub fn floor(root: &Path, floor: Floor) -> Result<(), String> {
    let files = AtomicU64::new(0);
    let bytes = AtomicU64::new(0);
    let parsed = AtomicU64::new(0);
    ignore::WalkBuilder::new(root)
        .follow_links(false)
        .require_git(false)
        .threads(2)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && matches!(
                    entry.file_name().to_str(),
                    Some("node_modules" | ".wrangler" | ".git")
                ))
        })
        .build_parallel()
        .run(|| {
            Box::new(|entry| {
                if let Ok(entry) = entry
                    && entry.file_type().is_some_and(|t| t.is_file())
                    && let Ok(content) = std::fs::read(entry.path())
                {
                    files.fetch_add(1, Ordering::Relaxed);
                    bytes.fetch_add(content.len() as u64, Ordering::Relaxed);
                    if floor == Floor::Parse && parse_file(entry.path(), &content) {
                        parsed.fetch_add(1, Ordering::Relaxed);
                    }
                }
                ignore::WalkState::Continue
            })
        });
    println!(
        "{} files, {} bytes, {} parsed",
        files.into_inner(),
        bytes.into_inner(),
        parsed.into_inner()
    );
    Ok(())
}

/// Parses `content` when `path` is a config, a `package.json` or a source; whether it was one.
fn parse_file(path: &Path, content: &[u8]) -> bool {
    let Ok(text) = std::str::from_utf8(content) else {
        return false;
    };
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("");
    let format = match name {
        "wrangler.toml" => Some(Format::Toml),
        "wrangler.json" | "wrangler.jsonc" | "package.json" => Some(Format::Json),
        _ => None,
    };
    if let Some(format) = format {
        std::hint::black_box(syntax::parse(text, format));
        return true;
    }
    if !source::is_source_path(path) {
        return false;
    }
    let source_type = source::source_type_of(path);
    PARSE_ARENA.with(|arena| {
        let mut arena = arena.borrow_mut();
        arena.reset();
        std::hint::black_box(Parser::new(&arena, text, source_type).parse());
    });
    true
}

thread_local! {
    // One arena per thread, reset between files, as placement-lint's source reader does.
    static PARSE_ARENA: std::cell::RefCell<Allocator> = std::cell::RefCell::new(Allocator::default());
}

/// One program measured.
struct Contender {
    name: String,
    command: Vec<String>,
    walls: Vec<Duration>,
    /// Children's user + system time over all runs, in clock ticks.
    cpu_ticks: u64,
}

impl Contender {
    fn new(name: &str, command: Vec<String>) -> Self {
        Self {
            name: name.to_owned(),
            command,
            walls: Vec::new(),
            cpu_ticks: 0,
        }
    }

    fn best(&self) -> Duration {
        self.walls.iter().copied().min().unwrap_or_default()
    }

    fn median(&self) -> Duration {
        let mut walls = self.walls.clone();
        walls.sort();
        walls.get(walls.len() / 2).copied().unwrap_or_default()
    }

    fn run_once(&mut self) -> Result<(), String> {
        let before = children_cpu_ticks();
        let started = Instant::now();
        let status = Command::new(&self.command[0])
            .args(&self.command[1..])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .map_err(|error| format!("cannot run {}: {error}", self.command[0]))?;
        let elapsed = started.elapsed();
        // `placement-lint check` exits with 1 when it finds problems.
        if !matches!(status.code(), Some(0 | 1)) {
            return Err(format!("{} failed ({status})", self.command.join(" ")));
        }
        self.walls.push(elapsed);
        self.cpu_ticks += children_cpu_ticks().saturating_sub(before);
        Ok(())
    }
}

/// The user + system time of the children waited for, in clock ticks (fields 16 and 17 of
/// `/proc/self/stat`); 0 where `/proc` is not there.
fn children_cpu_ticks() -> u64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0;
    };
    // The command name (field 2) may hold spaces: count fields after its closing parenthesis.
    let Some(rest) = stat.rsplit_once(')').map(|(_, rest)| rest) else {
        return 0;
    };
    let fields: Vec<&str> = rest.split_whitespace().collect();
    // `rest` starts at field 3 (state): cutime is field 16, cstime field 17.
    let field = |number: usize| -> u64 {
        fields
            .get(number - 3)
            .and_then(|f| f.parse().ok())
            .unwrap_or(0)
    };
    field(16) + field(17)
}

/// Clock ticks per second of `/proc` times (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

pub fn run(options: &MonorepoOptions) -> Result<(), String> {
    let temporary;
    let base = match &options.dir {
        Some(dir) => dir.clone(),
        None => {
            temporary = tempfile::Builder::new()
                .prefix("placement-monorepo-")
                .tempdir()
                .map_err(|error| format!("cannot create a temporary folder: {error}"))?;
            temporary.path().to_path_buf()
        }
    };
    let suffix = if options.workspace { "-workspace" } else { "" };
    let root = base.join(format!("monorepo-{}{suffix}", options.projects));
    if !root.is_dir() {
        let generated = generate::generate(&root, options.projects)
            .map_err(|error| format!("cannot write projects under {}: {error}", root.display()))?;
        if options.workspace {
            std::fs::write(
                root.join("package.json"),
                "{\n  \"name\": \"monorepo\",\n  \"private\": true,\n  \"workspaces\": [\"group-*/*\"]\n}\n",
            )
            .map_err(|error| format!("cannot write the root package.json: {error}"))?;
        }
        println!(
            "generated {} projects ({} Pages projects with functions/) under {}",
            options.projects,
            generated.pages,
            root.display()
        );
    }
    let (files, bytes, folders) = tree_size(&root);
    println!(
        "monorepo{}: {} projects, {files} files, {:.1} MB, {folders} folders; {} runs of each, \
         alternating; load average {}",
        if options.workspace {
            " (workspace: a root package.json)"
        } else {
            ""
        },
        options.projects,
        bytes as f64 / 1e6,
        options.runs,
        load_average()
    );
    let me = std::env::current_exe().map_err(|error| format!("cannot find myself: {error}"))?;
    let binary = match &options.binary {
        Some(binary) => binary.clone(),
        None => me.with_file_name("placement-lint"),
    };
    if !binary.is_file() {
        return Err(format!(
            "no placement-lint binary at {} (build it: cargo build --release -p placement_cli)",
            binary.display()
        ));
    }
    let root_text = root.display().to_string();
    let check = |binary: &Path| {
        vec![
            binary.display().to_string(),
            "check".to_owned(),
            "--output-format".to_owned(),
            "json".to_owned(),
            root_text.clone(),
        ]
    };
    let mut contenders = vec![Contender::new(
        "read floor",
        vec![
            me.display().to_string(),
            FLOOR_FLAG.to_owned(),
            root_text.clone(),
        ],
    )];
    contenders.push(Contender::new(
        "parse floor",
        vec![
            me.display().to_string(),
            PARSE_FLOOR_FLAG.to_owned(),
            root_text.clone(),
        ],
    ));
    contenders.push(Contender::new("placement-lint", check(&binary)));
    if let Some(baseline) = &options.baseline {
        contenders.push(Contender::new("baseline", check(baseline)));
        compare_outputs(&check(baseline), &check(&binary))?;
    }
    // Warm the page cache, then alternate (rotating who goes first).
    for contender in &mut contenders {
        contender.run_once()?;
        contender.walls.clear();
        contender.cpu_ticks = 0;
    }
    for round in 0..options.runs {
        let count = contenders.len();
        for offset in 0..count {
            contenders[(round + offset) % count].run_once()?;
        }
    }
    let floor_best = contenders[0].best().as_secs_f64();
    let floor_median = contenders[0].median().as_secs_f64();
    println!(
        "\n  {:<16} {:>9} {:>10} {:>12} {:>14}",
        "program", "best ms", "median ms", "x floor", "CPU/project"
    );
    for contender in &contenders {
        let cpu_per_project = contender.cpu_ticks as f64
            / TICKS_PER_SECOND
            / contender.walls.len().max(1) as f64
            / options.projects as f64;
        println!(
            "  {:<16} {:>9.1} {:>10.1} {:>5.2} / {:<5.2} {:>11.1} us",
            contender.name,
            contender.best().as_secs_f64() * 1000.0,
            contender.median().as_secs_f64() * 1000.0,
            contender.best().as_secs_f64() / floor_best.max(1e-9),
            contender.median().as_secs_f64() / floor_median.max(1e-9),
            cpu_per_project * 1e6
        );
    }
    println!(
        "  (x floor: best / median; load average now {})",
        load_average()
    );
    if options.strace {
        print_system_calls(&contenders)?;
    }
    Ok(())
}

/// Files, bytes and folders under `root` (what the floor reads).
fn tree_size(root: &Path) -> (u64, u64, u64) {
    let mut files = 0;
    let mut bytes = 0;
    let mut folders = 0;
    for entry in ignore::WalkBuilder::new(root)
        .require_git(false)
        .build()
        .filter_map(Result::ok)
    {
        match entry.file_type() {
            Some(t) if t.is_dir() => folders += 1,
            Some(t) if t.is_file() => {
                files += 1;
                bytes += entry.metadata().map_or(0, |m| m.len());
            }
            _ => {}
        }
    }
    (files, bytes, folders)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| {
            let fields: Vec<&str> = text.split_whitespace().take(3).collect();
            (fields.len() == 3).then(|| fields.join(" "))
        })
        .unwrap_or_else(|| "n/a".to_owned())
}

/// Fails unless both commands print the same report.
fn compare_outputs(baseline: &[String], current: &[String]) -> Result<(), String> {
    let output = |command: &[String]| -> Result<Vec<u8>, String> {
        Command::new(&command[0])
            .args(&command[1..])
            .stderr(Stdio::null())
            .output()
            .map(|output| output.stdout)
            .map_err(|error| format!("cannot run {}: {error}", command[0]))
    };
    let before = output(baseline)?;
    let after = output(current)?;
    if before != after {
        return Err(format!(
            "the JSON reports differ: {} bytes from the baseline, {} from placement-lint",
            before.len(),
            after.len()
        ));
    }
    println!(
        "same JSON report from both builds ({} bytes, {} diagnostics)",
        after.len(),
        String::from_utf8_lossy(&after).matches("\"code\":").count()
    );
    Ok(())
}

/// Runs each contender once under `strace -f -c` and prints its file-system calls.
fn print_system_calls(contenders: &[Contender]) -> Result<(), String> {
    let available = Command::new("strace")
        .arg("-V")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success());
    if !available {
        println!("\nstrace is not installed: no system-call counts");
        return Ok(());
    }
    let counted: Vec<(String, CallCounts)> = contenders
        .iter()
        .map(|contender| Ok((contender.name.clone(), strace_counts(&contender.command)?)))
        .collect::<Result<_, String>>()?;
    println!("\nfile-system calls of one run (strace -f -c; calls, failed in parentheses):");
    print!("  {:<12}", "call");
    for (name, _) in &counted {
        print!(" {name:>20}");
    }
    println!();
    let mut rows: Vec<&str> = FILE_SYSTEM_CALLS.to_vec();
    rows.push("total");
    for call in rows {
        if counted.iter().all(|(_, counts)| !counts.contains_key(call)) {
            continue;
        }
        print!("  {call:<12}");
        for (_, counts) in &counted {
            let (calls, errors) = counts.get(call).copied().unwrap_or_default();
            print!(" {:>20}", format!("{calls} ({errors})"));
        }
        println!();
    }
    print!("  {:<12}", "file system");
    for (_, counts) in &counted {
        let (calls, errors) = FILE_SYSTEM_CALLS
            .iter()
            .filter_map(|call| counts.get(*call))
            .fold((0, 0), |(c, e), (calls, errors)| (c + calls, e + errors));
        print!(" {:>20}", format!("{calls} ({errors})"));
    }
    println!("\n  (\"total\" counts every system call, memory and threads included)");
    Ok(())
}

/// Calls and failed calls, by system call.
type CallCounts = BTreeMap<String, (u64, u64)>;

/// `strace -f -c` of one run of `command`.
fn strace_counts(command: &[String]) -> Result<CallCounts, String> {
    let summary = tempfile::NamedTempFile::new()
        .map_err(|error| format!("cannot create a temporary file: {error}"))?;
    let status = Command::new("strace")
        .args(["-f", "-c", "-o"])
        .arg(summary.path())
        .arg("--")
        .args(command)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .map_err(|error| format!("cannot run strace: {error}"))?;
    if !matches!(status.code(), Some(0 | 1)) {
        return Err(format!("strace {} failed ({status})", command.join(" ")));
    }
    let text = std::fs::read_to_string(summary.path())
        .map_err(|error| format!("cannot read strace's summary: {error}"))?;
    Ok(parse_strace_summary(&text))
}

/// The rows of `strace -c`'s table: `% time, seconds, usecs/call, calls, [errors,] syscall`.
fn parse_strace_summary(text: &str) -> CallCounts {
    let mut counts = BTreeMap::new();
    for line in text.lines() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (calls, errors, name) = match fields[..] {
            // Some versions leave the total row's usecs/call empty.
            [_, _, calls, errors, "total"] => (calls, errors, "total"),
            [_, _, _, calls, errors, name] => (calls, errors, name),
            [_, _, _, calls, name] => (calls, "0", name),
            _ => continue,
        };
        if let (Ok(calls), Ok(errors)) = (calls.parse::<u64>(), errors.parse::<u64>()) {
            counts.insert(name.to_owned(), (calls, errors));
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_strace_summaries() {
        let text = "% time     seconds  usecs/call     calls    errors syscall\n\
                    ------ ----------- ----------- --------- --------- ----------------\n\
                    \x2040.00    0.000400           2       200        50 openat\n\
                    \x2010.00    0.000100           1       100           getdents64\n\
                    ------ ----------- ----------- --------- --------- ----------------\n\
                    100.00    0.001000                   300        50 total\n";
        let counts = parse_strace_summary(text);
        assert_eq!(counts["openat"], (200, 50));
        assert_eq!(counts["getdents64"], (100, 0));
        assert_eq!(counts["total"], (300, 50));
        assert_eq!(counts.len(), 3);
    }
}
