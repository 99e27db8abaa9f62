//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per diagnostic.

use std::io::Write;
use std::path::Path;

use placement_analysis::Severity;

use super::{Position, Source, Sources, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;
use placement_io::settings::SettingsFailure;

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    for diagnostic in all_diagnostics(run) {
        let command = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        write_command(
            out,
            Annotation {
                command,
                file: &diagnostic.file,
                range: sources.get(&diagnostic.file).range(diagnostic.span),
                title: diagnostic.rule.code,
                message: &diagnostic.message,
                help: diagnostic.help.as_deref(),
            },
        )?;
    }
    Ok(())
}

/// A settings file's errors as `::error` commands, so that the run's annotations say why nothing
/// was checked.
pub fn write_settings_failure(
    out: &mut dyn Write,
    failure: &SettingsFailure,
) -> std::io::Result<()> {
    let source = Source::new(failure.text.as_str());
    for error in &failure.errors {
        write_command(
            out,
            Annotation {
                command: "error",
                file: &failure.path,
                range: source.range(error.span),
                title: "placement-lint settings",
                message: &error.message,
                help: error.help.as_deref(),
            },
        )?;
    }
    Ok(())
}

/// One workflow command's parts.
struct Annotation<'a> {
    command: &'static str,
    file: &'a Path,
    range: (Position, Position),
    title: &'a str,
    message: &'a str,
    help: Option<&'a str>,
}

/// Writes `annotation` as one line, its help on a second line of the message.
fn write_command(out: &mut dyn Write, annotation: Annotation<'_>) -> std::io::Result<()> {
    let (start, end) = annotation.range;
    let mut message = annotation.message.to_owned();
    if let Some(help) = annotation.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    writeln!(
        out,
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        annotation.command,
        escape_property(&display(annotation.file)),
        start.line,
        start.column,
        end.line,
        end.column,
        escape_property(annotation.title),
        escape_data(&message)
    )
}

fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_workflow_command_syntax() {
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }
}
