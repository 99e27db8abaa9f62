//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per diagnostic.

use std::io::Write;

use placement_analysis::Severity;

use super::{Source, Sources, all_diagnostics};
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
        let (start, end) = sources.get(&diagnostic.file).range(diagnostic.span);
        let mut message = diagnostic.message.clone();
        if let Some(help) = &diagnostic.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&display(&diagnostic.file)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_property(diagnostic.rule.code),
            escape_data(&message)
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
        let (start, end) = source.range(error.span);
        let mut message = error.message.clone();
        if let Some(help) = &error.help {
            message.push_str("\nhelp: ");
            message.push_str(help);
        }
        writeln!(
            out,
            "::error file={},line={},col={},endLine={},endColumn={},title=placement-lint settings::{}",
            escape_property(&display(&failure.path)),
            start.line,
            start.column,
            end.line,
            end.column,
            escape_data(&message)
        )?;
    }
    Ok(())
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
