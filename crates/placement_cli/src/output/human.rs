//! Human output: miette code frames, then a summary line.

use std::fmt;
use std::io::Write;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};
use placement_analysis::{Applicability, Diagnostic, FileChange, Severity};

use super::{Source, Sources, Summary, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;
use placement_io::settings::SettingsFailure;

/// Lines longer than this get no code frame.
const MAX_FRAMED_LINE: usize = 1_000;

/// One diagnostic as miette renders it.
struct Report {
    message: String,
    code: String,
    severity: miette::Severity,
    url: Option<String>,
    help: Option<String>,
    labels: Vec<LabeledSpan>,
    source: Window,
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
        self.url
            .as_ref()
            .map(|url| Box::new(url) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        (!self.labels.is_empty()).then_some(&self.source as &dyn SourceCode)
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

fn handler(color: bool) -> GraphicalReportHandler {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false)
}

/// The errors of a settings file, framed like diagnostics (code `settings`), each with the
/// file, line and column.
pub fn write_settings_failure(
    out: &mut dyn Write,
    failure: &SettingsFailure,
    color: bool,
) -> std::io::Result<()> {
    let handler = handler(color);
    let source = Source::new(failure.text.as_str());
    for error in &failure.errors {
        let position = source.position(error.span.start);
        let labels = if failure.text.is_empty() {
            Vec::new()
        } else {
            vec![LabeledSpan::new_primary_with_span(
                None,
                SourceSpan::new(error.span.start.into(), error.span.len()),
            )]
        };
        let report = Report {
            message: format!(
                "{}:{}:{}: {}",
                display(&failure.path),
                position.line,
                position.column,
                error.message
            ),
            code: "settings".to_owned(),
            severity: miette::Severity::Error,
            url: None,
            help: error.help.clone(),
            source: Window::around(display(&failure.path), &source, &labels),
            labels,
        };
        let mut rendered = String::new();
        handler
            .render_report(&mut rendered, &report)
            .map_err(std::io::Error::other)?;
        write!(out, "{rendered}")?;
    }
    Ok(())
}

pub fn write(
    out: &mut dyn Write,
    run: &CheckRun,
    sources: &Sources,
    color: bool,
) -> std::io::Result<()> {
    let handler = handler(color);
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

fn report(diagnostic: &Diagnostic, sources: &Sources) -> Report {
    let mut help = diagnostic.help.clone().unwrap_or_default();
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        Some(diagnostic.rule.name.to_owned()),
        SourceSpan::new(diagnostic.span.start.into(), diagnostic.span.len()),
    )];
    let primary_line = sources
        .get(&diagnostic.file)
        .lines
        .line_of(diagnostic.span.start);
    for related in &diagnostic.related {
        // A place well above the diagnostic would get a code frame of its own, printed first:
        // its `file:line:col` header would then stand where readers (and the GitHub problem
        // matcher) take the diagnostic's own location. Such a place is named in the help.
        let same_file = related.file == diagnostic.file;
        let framed_apart = same_file
            && sources.get(&related.file).lines.line_of(related.span.start) + 2 < primary_line;
        if same_file && !framed_apart {
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
        for change in &fix.other_files {
            let what = match change {
                FileChange::Create { .. } => "creates",
                FileChange::Edit { .. } => "edits",
            };
            push_line(
                &mut help,
                &format!("  the fix {what} {}", display(change.path())),
            );
        }
    }
    let source = sources.get(&diagnostic.file);
    // A code frame of a huge line (minified JSON) would flood the terminal: name the place.
    let line = source.lines.line_of(diagnostic.span.start);
    let line_length = source.lines.line_end(&source.text, line) - source.lines.line_start(line);
    let message = if line_length > MAX_FRAMED_LINE {
        let position = source.position(diagnostic.span.start);
        labels.clear();
        format!(
            "{}:{}:{}: {}",
            display(&diagnostic.file),
            position.line,
            position.column,
            diagnostic.message
        )
    } else {
        diagnostic.message.clone()
    };
    let window = Window::around(display(&diagnostic.file), &source, &labels);
    Report {
        message,
        code: diagnostic.rule.code.to_owned(),
        severity: match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        url: Some(diagnostic.rule.url()),
        help: (!help.is_empty()).then_some(help),
        labels,
        source: window,
    }
}

/// Lines above and below the labels that miette may show (it shows one; margin to spare).
const WINDOW_CONTEXT: usize = 2;

/// The lines of a file around a diagnostic's labels, which miette frames. miette finds line
/// numbers by reading a source from its start: handing it the whole file for each diagnostic
/// made many diagnostics in one large file quadratic. The window starts at a line start; its
/// spans and line numbers are translated back to the file's.
struct Window {
    name: String,
    text: String,
    /// Byte offset of the window in the file.
    base: usize,
    /// 0-based line of the window's first line in the file.
    first_line: usize,
}

impl Window {
    fn around(name: String, source: &Source, labels: &[LabeledSpan]) -> Window {
        let Some(low) = labels.iter().map(|label| label.offset()).min() else {
            return Window {
                name,
                text: String::new(),
                base: 0,
                first_line: 0,
            };
        };
        let high = labels
            .iter()
            .map(|label| label.offset() + label.len())
            .max()
            .unwrap_or(low);
        let first_line = source.lines.line_of(low).saturating_sub(WINDOW_CONTEXT);
        let last_line = source.lines.line_of(high) + WINDOW_CONTEXT;
        let base = source.lines.line_start(first_line);
        let end = source.lines.next_line_start(last_line);
        Window {
            name,
            text: lone_carriage_returns_as_newlines(&source.text[base..end]),
            base,
            first_line,
        }
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let offset = span
            .offset()
            .checked_sub(self.base)
            .ok_or(MietteError::OutOfBounds)?;
        let local = SourceSpan::new(offset.into(), span.len());
        let contents =
            self.text
                .as_str()
                .read_span(&local, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            contents.data(),
            SourceSpan::new(
                (contents.span().offset() + self.base).into(),
                contents.span().len(),
            ),
            contents.line() + self.first_line,
            contents.column(),
            contents.line_count(),
        )))
    }
}

/// The text miette frames. miette's frames break lines at `\n` only; a lone `\r` also ends a
/// line (`LineIndex`, and every editor), so it becomes a `\n`: one byte for one, spans unchanged.
fn lone_carriage_returns_as_newlines(text: &str) -> String {
    if !text.contains('\r') {
        return text.to_owned();
    }
    let bytes = text.as_bytes();
    let mut framed = text.to_owned().into_bytes();
    for (i, byte) in framed.iter_mut().enumerate() {
        if *byte == b'\r' && bytes.get(i + 1) != Some(&b'\n') {
            *byte = b'\n';
        }
    }
    String::from_utf8(framed).expect("replacing an ASCII byte with another keeps UTF-8 valid")
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
