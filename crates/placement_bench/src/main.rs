//! placement-lint's benchmark: generates N Worker projects (and then 2N), walks them as a stream
//! and measures projects per second for parsing alone and for the full check, with the peak
//! resident memory of each phase to show that memory stays flat as N grows.
//!
//! `cargo run --release -p placement_bench -- --projects 10000`

mod generate;
mod monorepo;

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use placement_analysis::check_project;
use placement_analysis::discovery::is_config_file_name;
use placement_analysis::{check_config, format_of, syntax};
use placement_cli::DiskFiles;
use placement_cli::check::{Checked, FixRequest};
use placement_cli::selection::RuleSelection;

/// The allocator `placement-lint` ships with, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use rayon::prelude::*;

const MEASURE_FLAG: &str = "--measure-generated";

const USAGE: &str = "usage: placement_bench [--projects N] [--runs R] [--dir PATH] [--no-double]

  --projects N   projects to generate (default 10000); the phases run for N and then 2N
  --runs R       runs per phase, the fastest is reported (default 3)
  --dir PATH     generate into PATH (kept afterwards) instead of a temporary folder
  --no-double    measure N only, not 2N

monorepo mode: placement_bench --monorepo [--projects N] [--runs R] [--dir PATH]
                               [--binary PATH] [--baseline PATH] [--no-strace] [--workspace]
  --monorepo     `placement-lint check` on N projects (default 2000) against the read and parse floors
                 (walk with `ignore` on 2 threads, read every file), alternately, R runs each
                 (default 10): best and median, CPU per project, system calls (strace)
  --binary PATH  the placement-lint measured (default: the one beside this bench)
  --baseline PATH  another placement-lint measured in the same run; its JSON report must be
                 the same
  --no-strace    do not count system calls
  --workspace    give the monorepo a root package.json, as workspaces have (PL212 then scans
                 the whole tree for the Workers a placed front end calls)";

struct Options {
    projects: usize,
    runs: usize,
    dir: Option<PathBuf>,
    double: bool,
    /// Internal: measure the projects already generated under this folder and print the
    /// phases as tab-separated records (each size is measured in a fresh process so that one
    /// size's allocations cannot inflate the next one's peak memory).
    measure: Option<PathBuf>,
    monorepo: bool,
    binary: Option<PathBuf>,
    baseline: Option<PathBuf>,
    strace: bool,
    workspace: bool,
    /// Internal: run a floor (reading, or reading and parsing) on this folder.
    floor: Option<(monorepo::Floor, PathBuf)>,
}

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        projects: 0,
        runs: 0,
        dir: None,
        double: true,
        measure: None,
        monorepo: false,
        binary: None,
        baseline: None,
        strace: true,
        workspace: false,
        floor: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--projects" => {
                options.projects = parse_count(&value("--projects")?, "--projects")?;
            }
            "--runs" => options.runs = parse_count(&value("--runs")?, "--runs")?,
            "--dir" => options.dir = Some(PathBuf::from(value("--dir")?)),
            "--no-double" => options.double = false,
            MEASURE_FLAG => options.measure = Some(PathBuf::from(value(MEASURE_FLAG)?)),
            "--monorepo" => options.monorepo = true,
            "--binary" => options.binary = Some(PathBuf::from(value("--binary")?)),
            "--baseline" => options.baseline = Some(PathBuf::from(value("--baseline")?)),
            "--no-strace" => options.strace = false,
            "--workspace" => options.workspace = true,
            monorepo::FLOOR_FLAG => {
                let root = PathBuf::from(value(monorepo::FLOOR_FLAG)?);
                options.floor = Some((monorepo::Floor::Read, root));
            }
            monorepo::PARSE_FLOOR_FLAG => {
                let root = PathBuf::from(value(monorepo::PARSE_FLOOR_FLAG)?);
                options.floor = Some((monorepo::Floor::Parse, root));
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    // Defaults differ by mode: the monorepo mode runs whole processes, so more of them.
    if options.projects == 0 {
        options.projects = if options.monorepo { 2_000 } else { 10_000 };
    }
    if options.runs == 0 {
        options.runs = if options.monorepo { 10 } else { 3 };
    }
    Ok(options)
}

fn parse_count(text: &str, name: &str) -> Result<usize, String> {
    match text.replace('_', "").parse::<usize>() {
        Ok(count) if count > 0 => Ok(count),
        _ => Err(format!("{name} must be a positive number, got `{text}`")),
    }
}

fn main() -> ExitCode {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("placement_bench: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(if message.is_empty() { 0 } else { 2 });
        }
    };
    let outcome = if let Some((floor, root)) = &options.floor {
        monorepo::floor(root, *floor)
    } else if options.monorepo {
        monorepo::run(&monorepo::MonorepoOptions {
            projects: options.projects,
            runs: options.runs,
            dir: options.dir.clone(),
            binary: options.binary.clone(),
            baseline: options.baseline.clone(),
            strace: options.strace,
            workspace: options.workspace,
        })
    } else {
        match &options.measure {
            Some(root) => measure_all(root, options.runs).map(|phases| {
                for phase in &phases {
                    println!("{}", phase.to_record());
                }
            }),
            None => run(&options),
        }
    };
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("placement_bench: error: {message}");
            ExitCode::FAILURE
        }
    }
}

fn run(options: &Options) -> Result<(), String> {
    let temporary;
    let base = match &options.dir {
        Some(dir) => dir.clone(),
        None => {
            temporary = tempfile::Builder::new()
                .prefix("placement-bench-")
                .tempdir()
                .map_err(|error| format!("cannot create a temporary folder: {error}"))?;
            temporary.path().to_path_buf()
        }
    };
    println!(
        "placement_bench: {} threads, best of {} run(s) per phase, projects under {}",
        rayon::current_num_threads(),
        options.runs,
        base.display()
    );
    let mut sizes = vec![options.projects];
    if options.double {
        sizes.push(options.projects * 2);
    }
    let mut reports = Vec::new();
    for &size in &sizes {
        let root = base.join(format!("n{size}"));
        let started = Instant::now();
        let generated = generate::generate(&root, size)
            .map_err(|error| format!("cannot write projects under {}: {error}", root.display()))?;
        println!(
            "\n{size} projects ({} wrangler.toml, {} wrangler.jsonc; {} Pages projects with a \
             functions/ tree, the others Workers with 2 environments, D1/service/KV bindings, \
             src/index.js and package.json), generated in {} ms",
            generated.toml,
            generated.jsonc,
            generated.pages,
            started.elapsed().as_millis()
        );
        let phases = measure_in_child(&root, options.runs)?;
        print_table(&phases);
        reports.push((size, phases));
    }
    print_summary(&reports);
    Ok(())
}

/// One measured phase: the fastest run, and the peak memory while it ran.
struct Phase {
    name: String,
    best: Duration,
    projects: usize,
    /// Diagnostics found (`None` for phases that do not check).
    diagnostics: Option<usize>,
    peak_rss_kib: Option<u64>,
}

impl Phase {
    fn to_record(&self) -> String {
        let optional = |value: Option<u64>| value.map_or_else(|| "-".to_owned(), |v| v.to_string());
        format!(
            "{}\t{}\t{}\t{}\t{}",
            self.name,
            self.best.as_nanos(),
            self.projects,
            optional(self.diagnostics.map(|count| count as u64)),
            optional(self.peak_rss_kib)
        )
    }

    fn from_record(record: &str) -> Option<Phase> {
        let fields: Vec<&str> = record.split('\t').collect();
        let [name, nanos, projects, diagnostics, rss] = fields[..] else {
            return None;
        };
        Some(Phase {
            name: name.to_owned(),
            best: Duration::from_nanos(nanos.parse().ok()?),
            projects: projects.parse().ok()?,
            diagnostics: diagnostics.parse().ok(),
            peak_rss_kib: rss.parse().ok(),
        })
    }
}

/// Measures the projects under `root` in a fresh process of this benchmark.
fn measure_in_child(root: &Path, runs: usize) -> Result<Vec<Phase>, String> {
    let exe = std::env::current_exe().map_err(|error| format!("cannot find myself: {error}"))?;
    let output = std::process::Command::new(exe)
        .arg(MEASURE_FLAG)
        .arg(root)
        .arg("--runs")
        .arg(runs.to_string())
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|error| format!("cannot run the measuring process: {error}"))?;
    if !output.status.success() {
        return Err(format!("the measuring process failed ({})", output.status));
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    stdout
        .lines()
        .map(|line| Phase::from_record(line).ok_or_else(|| format!("unexpected output `{line}`")))
        .collect()
}

type Work = dyn Fn(&Path, &str) -> Option<usize> + Sync;

fn measure_all(root: &Path, runs: usize) -> Result<Vec<Phase>, String> {
    // Warm the page cache so the first phase is not charged for cold reads.
    let _ = count_configs(root);
    let parse: &Work = &|path, text| {
        let parsed = syntax::parse(text, format_of(path));
        black_box(&parsed);
        None
    };
    let check: &Work = &|path, text| Some(check_project(path, text, &DiskFiles).len());
    let check_config_only: &Work = &|path, text| Some(check_config(path, text).len());
    let mut phases = vec![measure("walk only", runs, || {
        Ok((count_configs(root), None))
    })?];
    for (name, work) in [
        ("parse (read + syntax::parse)", parse),
        ("check (read + check_project)", check),
        ("check config rules only", check_config_only),
    ] {
        phases.push(measure(name, runs, || Ok(stream(root, work)))?);
    }
    phases.push(measure("CLI check::run (collects)", runs, || {
        cli_check(root)
    })?);
    Ok(phases)
}

/// Runs `phase` `runs` times and keeps the fastest; the peak memory covers every run.
fn measure(
    name: &'static str,
    runs: usize,
    mut phase: impl FnMut() -> Result<(usize, Option<usize>), String>,
) -> Result<Phase, String> {
    let rss_measured = reset_peak_rss();
    let mut best = Duration::MAX;
    let mut outcome = (0, None);
    for _ in 0..runs {
        let started = Instant::now();
        outcome = phase()?;
        best = best.min(started.elapsed());
    }
    Ok(Phase {
        name: name.to_owned(),
        best,
        projects: outcome.0,
        diagnostics: outcome.1,
        peak_rss_kib: if rss_measured { peak_rss_kib() } else { None },
    })
}

/// The configs under `root`, yielded one by one as the walk finds them.
fn walk_configs(root: &Path) -> impl Iterator<Item = PathBuf> + Send {
    ignore::WalkBuilder::new(root)
        .follow_links(false)
        .require_git(false)
        .filter_entry(|entry| {
            !(entry.file_type().is_some_and(|t| t.is_dir())
                && matches!(
                    entry.file_name().to_str(),
                    Some("node_modules" | ".wrangler" | ".git")
                ))
        })
        .build()
        .filter_map(Result::ok)
        .filter(|entry| {
            entry.file_type().is_some_and(|t| t.is_file())
                && entry.file_name().to_str().is_some_and(is_config_file_name)
        })
        .map(ignore::DirEntry::into_path)
}

fn count_configs(root: &Path) -> usize {
    walk_configs(root).count()
}

/// Reads and processes every config in parallel as the walk yields it; nothing but counts is
/// kept, so memory does not depend on how many projects there are.
fn stream(root: &Path, work: &Work) -> (usize, Option<usize>) {
    walk_configs(root)
        .par_bridge()
        .map(|path| match std::fs::read_to_string(&path) {
            Ok(text) => (1, work(&path, &text)),
            Err(_) => (0, None),
        })
        .reduce(
            || (0, None),
            |(projects_a, found_a), (projects_b, found_b)| {
                let found = match (found_a, found_b) {
                    (None, None) => None,
                    (a, b) => Some(a.unwrap_or(0) + b.unwrap_or(0)),
                };
                (projects_a + projects_b, found)
            },
        )
}

/// What `placement-lint check DIR` does before printing: discover the configs, checking each
/// as the walk finds it, and keep the results for the report.
fn cli_check(root: &Path) -> Result<(usize, Option<usize>), String> {
    let files = placement_cli::SharedDiskFiles::default();
    let resolver = placement_cli::settings::resolver(
        &placement_cli::args::SettingsArgs::default(),
        root,
        RuleSelection::all(),
    )
    .sharing_manifests(files.manifests());
    let checked = placement_cli::check::discover_and_run(
        &[root.to_path_buf()],
        root,
        &resolver,
        FixRequest::OFF,
        &files,
    )
    .map_err(|error| format!("discovery failed: {error}"))?;
    let run = match checked {
        Checked::Run(run) => run,
        Checked::NothingFound => return Err("no config found".to_owned()),
        Checked::SettingsFailed(failures) => {
            return Err(format!("{} settings file(s) in error", failures.len()));
        }
    };
    let diagnostics = run.results.iter().map(|r| r.diagnostics.len()).sum();
    Ok((run.results.len(), Some(diagnostics)))
}

/// Resets the kernel's peak-RSS counter (VmHWM) so the next reading covers one phase only.
fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn per_second(projects: usize, elapsed: Duration) -> f64 {
    projects as f64 / elapsed.as_secs_f64().max(1e-9)
}

fn megabytes(kib: Option<u64>) -> String {
    kib.map_or_else(
        || "n/a".to_owned(),
        |kib| format!("{:.1} MB", kib as f64 / 1024.0),
    )
}

fn print_table(phases: &[Phase]) {
    println!(
        "  {:<30} {:>10} {:>12} {:>12} {:>10}",
        "phase", "total ms", "projects/s", "diagnostics", "peak RSS"
    );
    for phase in phases {
        println!(
            "  {:<30} {:>10.1} {:>12.0} {:>12} {:>10}",
            phase.name,
            phase.best.as_secs_f64() * 1000.0,
            per_second(phase.projects, phase.best),
            phase
                .diagnostics
                .map_or_else(|| "-".to_owned(), |count| count.to_string()),
            megabytes(phase.peak_rss_kib)
        );
    }
}

fn print_summary(reports: &[(usize, Vec<Phase>)]) {
    let find = |phases: &[Phase], prefix: &str| -> Option<(Duration, Option<u64>)> {
        phases
            .iter()
            .find(|phase| phase.name.starts_with(prefix))
            .map(|phase| (phase.best, phase.peak_rss_kib))
    };
    println!();
    if let Some((size, phases)) = reports.first()
        && let (Some((parse, _)), Some((check, _))) =
            (find(phases, "parse"), find(phases, "check (read"))
    {
        let ratio = check.as_secs_f64() / parse.as_secs_f64().max(1e-9);
        println!(
            "{size} projects checked in {:.0} ms (target: under 1000 ms); check costs {ratio:.2}x \
             parsing alone (target: at most 2x)",
            check.as_secs_f64() * 1000.0
        );
    }
    let memory: Vec<String> = reports
        .iter()
        .filter_map(|(size, phases)| {
            let (_, rss) = find(phases, "check (read")?;
            Some(format!("{size} projects: {}", megabytes(rss)))
        })
        .collect();
    if !memory.is_empty() {
        println!("peak RSS while checking: {}", memory.join(", "));
    }
}
