//! Human output: miette code frames, then a summary line.

use std::fmt;
use std::io::Write;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceSpan};
use placement_analysis::{Applicability, Diagnostic, Severity};

use super::{Sources, Summary, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;

/// Lines longer than this get no code frame.
const MAX_FRAMED_LINE: usize = 1_000;

/// One diagnostic as miette renders it.
struct Report {
    message: String,
    code: String,
    severity: miette::Severity,
    url: String,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: NamedSource<String>,
}

impl fmt::Debug for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn fmt::Display>)
    }

    fn url<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        Some(Box::new(&self.url))
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        (!self.labels.is_empty()).then_some(&self.source as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// Whether to use colour: only on a terminal, and never with `NO_COLOR` set.
pub fn use_color() -> bool {
    use std::io::IsTerminal;
    std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
        && std::io::stdout().is_terminal()
}

pub fn write(
    out: &mut dyn Write,
    run: &CheckRun,
    sources: &mut Sources,
    color: bool,
) -> std::io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    for result in &run.results {
        for (code, title) in &result.fixes_applied {
            writeln!(out, "{}: fixed {code}: {title}", display(&result.path))?;
        }
    }
    for diagnostic in all_diagnostics(run) {
        let report = report(diagnostic, sources);
        let mut rendered = String::new();
        handler
            .render_report(&mut rendered, &report)
            .map_err(std::io::Error::other)?;
        write!(out, "{rendered}")?;
    }
    writeln!(out, "{}", summary_line(&Summary::of(run)))
}

fn report(diagnostic: &Diagnostic, sources: &mut Sources) -> Report {
    let mut help = diagnostic.help.clone().unwrap_or_default();
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(diagnostic.rule.name.to_owned()),
        SourceSpan::new(diagnostic.span.start.into(), diagnostic.span.len()),
    )];
    for related in &diagnostic.related {
        if related.file == diagnostic.file {
            labels.push(LabeledSpan::new_with_span(
                Some(related.message.clone()),
                SourceSpan::new(related.span.start.into(), related.span.len()),
            ));
        } else {
            let position = sources.get(&related.file).position(related.span.start);
            push_line(
                &mut help,
                &format!(
                    "see {}:{}:{}: {}",
                    display(&related.file),
                    position.line,
                    position.column,
                    related.message
                ),
            );
        }
    }
    if let Some(fix) = &diagnostic.fix {
        let how = match fix.applicability {
            Applicability::Safe => "safe fix, applied by --fix",
            Applicability::Unsafe => "unsafe fix, applied by --unsafe-fixes",
        };
        push_line(&mut help, &format!("fix: {} ({how})", fix.title));
    }
    let source = sources.get(&diagnostic.file);
    // A code frame of a huge line (minified JSON) would flood the terminal: name the place.
    let line = source.lines.line_of(diagnostic.span.start);
    let line_length = source.lines.line_end(&source.text, line) - source.lines.line_start(line);
    let (text, message) = if line_length > MAX_FRAMED_LINE {
        let position = source.position(diagnostic.span.start);
        labels.clear();
        (
            String::new(),
            format!(
                "{}:{}:{}: {}",
                display(&diagnostic.file),
                position.line,
                position.column,
                diagnostic.message
            ),
        )
    } else {
        (source.text.clone(), diagnostic.message.clone())
    };
    Report {
        message,
        code: diagnostic.rule.code.to_owned(),
        severity: match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        url: diagnostic.rule.url(),
        help: (!help.is_empty()).then_some(help),
        labels,
        source: NamedSource::new(display(&diagnostic.file), text),
    }
}

fn push_line(text: &mut String, line: &str) {
    if !text.is_empty() {
        text.push('\n');
    }
    text.push_str(line);
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("{count} {noun}")
    } else {
        format!("{count} {noun}s")
    }
}

/// "Found 1 error and 2 warnings in 3 files." and what `--fix` would do.
pub fn summary_line(summary: &Summary) -> String {
    let mut counts = Vec::new();
    if summary.errors > 0 {
        counts.push(plural(summary.errors, "error"));
    }
    if summary.warnings > 0 {
        counts.push(plural(summary.warnings, "warning"));
    }
    if summary.infos > 0 {
        counts.push(plural(summary.infos, "note"));
    }
    let files = plural(summary.files, "file");
    let mut line = match counts.len() {
        0 => format!("No problems found in {files}."),
        _ => {
            let last = counts.pop().expect("non-empty");
            let listed = if counts.is_empty() {
                last
            } else {
                format!("{} and {last}", counts.join(", "))
            };
            format!("Found {listed} in {files}.")
        }
    };
    if summary.fixed > 0 {
        line.push_str(&format!(" Fixed {}.", plural(summary.fixed, "problem")));
    }
    if summary.safe_fixes > 0 {
        line.push_str(&format!(
            " {} fixable with --fix.",
            plural(summary.safe_fixes, "problem")
        ));
    }
    if summary.unsafe_fixes > 0 {
        line.push_str(&format!(
            " {} more with --unsafe-fixes.",
            summary.unsafe_fixes
        ));
    }
    line
}
