//! The `placement-lint` command line: check, fix, rule docs and the language server.

pub mod args;
pub mod check;
pub mod discover;
mod files;
mod graph;
mod mcp;
pub mod output;
pub mod paths;
pub mod settings;
mod stdin;
mod suppress;
pub mod version;

/// The rule selection moved to the analysis crate, which the language server shares.
pub use placement_analysis::selection;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use placement_analysis::{all_rules, find_rule};

use crate::args::{CheckArgs, Cli, Command, OutputFormat, RulesFormat, ServerArgs};
use crate::check::{FixMode, FixRequest};
use crate::output::{Sources, Summary};
use crate::selection::RuleSelection;

pub use crate::files::{DiskFiles, SharedDiskFiles};

/// Exit statuses, a contract for CI.
pub mod exit {
    /// Nothing at error level (with `--deny-warnings`, nothing at warning level either).
    pub const CLEAN: u8 = 0;
    /// Problems found.
    pub const PROBLEMS: u8 = 1;
    /// A usage error or an unreadable path.
    pub const USAGE: u8 = 2;
}

/// An error that ends the run with status 2 and one line on stderr.
#[derive(Debug)]
pub enum CliError {
    Usage(String),
    Io(std::io::Error),
}

impl std::fmt::Display for CliError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CliError::Usage(message) => f.write_str(message),
            CliError::Io(error) => write!(f, "{error}"),
        }
    }
}

pub fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let status = if error.use_stderr() {
                exit::USAGE
            } else {
                exit::CLEAN
            };
            let _ = error.print();
            return ExitCode::from(status);
        }
    };
    let outcome = match cli.command {
        Some(Command::Check(args)) => run_check(&args),
        None => run_check(&cli.check),
        Some(Command::Rule { code }) => print_rule(&code),
        Some(Command::Rules { output_format }) => print_rules(output_format),
        Some(Command::ShowSettings { path, settings }) => settings::show(&path, &settings),
        Some(Command::Mcp { root, allow_writes }) => mcp::run(&root, allow_writes),
        // Status 1 when the client ended the connection without `shutdown`, as the LSP asks.
        Some(Command::Server(args)) => run_server(&args),
        Some(Command::Graph(args)) => graph::run(&args),
    };
    match outcome {
        Ok(status) => ExitCode::from(status),
        // A closed pipe (`placement-lint | head`) is not an error worth a message.
        Err(CliError::Io(error)) if error.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::from(exit::CLEAN)
        }
        Err(error) => {
            eprintln!("placement-lint: error: {error}");
            ExitCode::from(exit::USAGE)
        }
    }
}

/// `placement-lint server [--stdio]`: status 1 when the client ended the connection without
/// `shutdown`, as the LSP asks.
fn run_server(args: &ServerArgs) -> Result<u8, CliError> {
    if let Some(flag) = args.unsupported_transport() {
        return Err(CliError::Usage(format!(
            "the language server speaks LSP over stdio only; `{flag}` is not supported \
             (start it with `placement-lint server --stdio`)"
        )));
    }
    match placement_lsp::run_stdio() {
        Ok(()) => Ok(exit::CLEAN),
        Err(error) => {
            eprintln!("placement-lint server: {error}");
            Ok(1)
        }
    }
}

/// `placement-lint check`: returns the exit status.
pub fn run_check(args: &CheckArgs) -> Result<u8, CliError> {
    let selection = RuleSelection::new(&args.select, &args.ignore).map_err(CliError::Usage)?;
    let cwd = std::env::current_dir().map_err(CliError::Io)?;
    // One reader for the run: each folder's package.json and wrangler are read once.
    let files = SharedDiskFiles::with_listings(Default::default());
    let resolver =
        settings::resolver(&args.settings, &cwd, selection).sharing_manifests(files.manifests());
    let mode = match (args.fix, args.unsafe_fixes, args.diff) {
        (_, true, _) => FixMode::SafeAndUnsafe,
        (true, false, _) | (false, false, true) => FixMode::Safe,
        (false, false, false) => FixMode::Off,
    };
    let fix = FixRequest {
        mode,
        write: !args.diff && args.stdin_filename.is_none(),
    };
    // With --fix on standard input, standard output carries the fixed text: nothing else may
    // go there, not even GitHub annotations of settings errors.
    let fixed_text_on_stdout = args.stdin_filename.is_some() && args.fix;
    let settings_errors_format = match args.output_format {
        OutputFormat::Github if fixed_text_on_stdout => OutputFormat::Concise,
        format => format,
    };
    let mut stdin_input = None;
    let run = match &args.stdin_filename {
        Some(path) => match stdin::check(path, &cwd, &resolver, fix, settings_errors_format)? {
            Ok(stdin::StdinRun { run, input }) => {
                stdin_input = Some(input);
                run
            }
            Err(status) => return Ok(status),
        },
        None => {
            let paths = if args.paths.is_empty() {
                vec![cwd.clone()]
            } else {
                args.paths.clone()
            };
            match check::discover_and_run(&paths, &cwd, &resolver, fix, &files)? {
                check::Checked::Run(run) => run,
                check::Checked::NothingFound => {
                    let shown: Vec<String> =
                        paths.iter().map(|p| p.display().to_string()).collect();
                    return Err(CliError::Usage(format!(
                        "no wrangler.toml, wrangler.json or wrangler.jsonc found in {}",
                        shown.join(", ")
                    )));
                }
                check::Checked::SettingsFailed(failures) => {
                    settings::print_failures(&failures, args.output_format);
                    return Ok(exit::USAGE);
                }
            }
        }
    };
    if !run.errors.is_empty() {
        report_file_errors(&run);
        return Ok(exit::USAGE);
    }
    if args.add_suppressions {
        return suppress::add(&run);
    }
    // With --fix on standard input, the report goes to standard error.
    let mut out: Box<dyn Write> = if fixed_text_on_stdout {
        Box::new(std::io::stderr().lock())
    } else {
        // Buffered: pretty JSON and code frames are many short lines, and a locked stdout
        // flushes at every line break.
        Box::new(std::io::BufWriter::with_capacity(
            1 << 16,
            std::io::stdout().lock(),
        ))
    };
    write_report(args, &run, &mut out)
        .and_then(|()| out.flush())
        .map_err(CliError::Io)?;
    drop(out);
    if fixed_text_on_stdout && let Some(input) = &stdin_input {
        stdin::write_fixed_text(&run, input).map_err(CliError::Io)?;
    }
    Ok(exit_status(args, &run))
}

/// The exit status of a check that ran: see the README's contract.
fn exit_status(args: &CheckArgs, run: &check::CheckRun) -> u8 {
    let summary = Summary::of(run);
    let failing = if args.diff {
        summary.fixed > 0
    } else {
        summary.errors > 0
            || (args.deny_warnings && summary.warnings > 0)
            || (args.exit_non_zero_on_fix && summary.fixed > 0)
    };
    if failing && !args.exit_zero {
        exit::PROBLEMS
    } else {
        exit::CLEAN
    }
}

/// The report `check` prints: the diff (`--diff`), the counts per rule (`--statistics`) or
/// the diagnostics in the chosen format, then the fixes (`--show-fixes`).
fn write_report(
    args: &CheckArgs,
    run: &check::CheckRun,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if args.diff {
        return output::fixes::write_diff(out, run);
    }
    if args.statistics {
        return output::statistics::write(out, run, args.output_format);
    }
    let sources = Sources::new(run);
    match args.output_format {
        OutputFormat::Human => output::human::write(out, run, &sources, output::human::use_color()),
        OutputFormat::Concise => output::concise::write(out, run, &sources),
        OutputFormat::Json => output::json::write(out, run, &sources),
        OutputFormat::Sarif => output::sarif::write(out, run, &sources),
        OutputFormat::Github => output::github::write(out, run, &sources),
        OutputFormat::Gitlab => output::gitlab::write(out, run, &sources),
        OutputFormat::Junit => output::junit::write(out, run, &sources),
        OutputFormat::Checkstyle => output::checkstyle::write(out, run, &sources),
    }?;
    if args.show_fixes {
        // Appended to the human, concise and GitHub output; kept out of the machine-readable formats.
        if matches!(
            args.output_format,
            OutputFormat::Human | OutputFormat::Concise | OutputFormat::Github
        ) {
            output::fixes::write_list(out, run, &sources)?;
        } else {
            output::fixes::write_list(&mut std::io::stderr().lock(), run, &sources)?;
        }
    }
    Ok(())
}

fn report_file_errors(run: &check::CheckRun) {
    for error in &run.errors {
        eprintln!(
            "placement-lint: error: `{}`: {}",
            paths::display(&error.path),
            error.message
        );
    }
}

fn print_rule(code: &str) -> Result<u8, CliError> {
    let rule = find_rule(code).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown rule `{code}` (run `placement-lint rules` for the list)"
        ))
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", rule_page(rule)).map_err(CliError::Io)?;
    Ok(exit::CLEAN)
}

/// A rule's documentation as `placement-lint rule CODE` prints it (and the MCP server's
/// `explain_rule` returns it).
pub(crate) fn rule_page(rule: &placement_analysis::Rule) -> String {
    format!(
        "# {} ({})\n\nDefault severity: {}. Fix: {}.\n\n{}\nDocs: {}",
        rule.code,
        rule.name,
        rule.severity.as_str(),
        rule.fix.describe(),
        rule.docs_text(),
        rule.url()
    )
}

fn print_rules(format: RulesFormat) -> Result<u8, CliError> {
    let mut out = std::io::stdout().lock();
    match format {
        RulesFormat::Human => {
            for rule in all_rules() {
                writeln!(
                    out,
                    "{:<6} {:<38} {:<8} {:<22} {}",
                    rule.code,
                    rule.name,
                    rule.severity.as_str(),
                    rule.fix.describe(),
                    rule.summary
                )
                .map_err(CliError::Io)?;
            }
        }
        RulesFormat::Json => {
            let rules: Vec<serde_json::Value> = all_rules()
                .map(|rule| {
                    serde_json::json!({
                        "code": rule.code,
                        "name": rule.name,
                        "severity": rule.severity.as_str(),
                        "fix": rule.fix.describe(),
                        "summary": rule.summary,
                        "url": rule.url(),
                    })
                })
                .collect();
            serde_json::to_writer_pretty(&mut out, &rules).map_err(|e| CliError::Io(e.into()))?;
            writeln!(out).map_err(CliError::Io)?;
        }
    }
    Ok(exit::CLEAN)
}
