//! The `placement-lint` command line: check, fix, rule docs and the language server.

pub mod args;
pub mod check;
pub mod discover;
mod files;
mod graph;
pub mod output;
pub mod paths;
pub mod version;

/// The rule selection moved to the analysis crate, which the language server shares.
pub use placement_analysis::selection;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;
use placement_analysis::{all_rules, find_rule};

use crate::args::{CheckArgs, Cli, Command, OutputFormat, RulesFormat, ServerArgs};
use crate::check::FixMode;
use crate::output::{Sources, Summary};
use crate::selection::RuleSelection;

pub use crate::files::DiskFiles;

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
    let paths = if args.paths.is_empty() {
        vec![cwd.clone()]
    } else {
        args.paths.clone()
    };
    let discovery = discover::discover(&paths, &cwd)?;
    if discovery.configs.is_empty() && discovery.shadowed.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(CliError::Usage(format!(
            "no wrangler.toml, wrangler.json or wrangler.jsonc found in {}",
            shown.join(", ")
        )));
    }
    let fix = match (args.fix, args.unsafe_fixes) {
        (_, true) => FixMode::SafeAndUnsafe,
        (true, false) => FixMode::Safe,
        (false, false) => FixMode::Off,
    };
    let run = check::run(&discovery, &selection, fix);
    let mut sources = Sources::new(&run);
    // Buffered: pretty JSON and code frames are many short lines, and a locked stdout flushes
    // at every line break.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    match args.output_format {
        OutputFormat::Human => {
            output::human::write(&mut out, &run, &mut sources, output::human::use_color())
        }
        OutputFormat::Json => output::json::write(&mut out, &run, &mut sources),
        OutputFormat::Sarif => output::sarif::write(&mut out, &run, &mut sources),
        OutputFormat::Github => output::github::write(&mut out, &run, &mut sources),
    }
    .and_then(|()| out.flush())
    .map_err(CliError::Io)?;
    if !run.errors.is_empty() {
        for error in &run.errors {
            eprintln!(
                "placement-lint: error: `{}`: {}",
                paths::display(&error.path),
                error.message
            );
        }
        return Ok(exit::USAGE);
    }
    let summary = Summary::of(&run);
    let failing = summary.errors > 0 || (args.deny_warnings && summary.warnings > 0);
    Ok(if failing { exit::PROBLEMS } else { exit::CLEAN })
}

fn print_rule(code: &str) -> Result<u8, CliError> {
    let rule = find_rule(code).ok_or_else(|| {
        CliError::Usage(format!(
            "unknown rule `{code}` (run `placement-lint rules` for the list)"
        ))
    })?;
    let mut out = std::io::stdout().lock();
    writeln!(
        out,
        "# {} ({})\n\nDefault severity: {}. Fix: {}.\n\n{}\nDocs: {}",
        rule.code,
        rule.name,
        rule.severity.as_str(),
        rule.fix.describe(),
        rule.docs_text(),
        rule.url()
    )
    .map_err(CliError::Io)?;
    Ok(exit::CLEAN)
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
