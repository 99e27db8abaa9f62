//! One line per diagnostic, `path:line:column: severity[CODE] message`, in the form compilers
//! print and editors' quickfix lists (`errorformat`), `nvim-lint` and grep-like tools read;
//! then the summary line. `[*]` marks a diagnostic with a safe fix (as ruff does), `[unsafe fix]`
//! one whose fix needs `--unsafe-fixes`. The help text is left out: `--output-format human`
//! shows it.

use std::io::Write;

use placement_analysis::{Applicability, Severity};

use super::human::summary_line;
use super::{Source, Sources, Summary, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;
use placement_io::settings::SettingsFailure;

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    for diagnostic in all_diagnostics(run) {
        let severity = match diagnostic.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "note",
        };
        let start = sources
            .get(&diagnostic.file)
            .position(diagnostic.span.start);
        let fix = match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
            Some(Applicability::Safe) => " [*]",
            Some(Applicability::Unsafe) => " [unsafe fix]",
            None => "",
        };
        // One line each: a message never spans lines here.
        let message = diagnostic.message.replace(['\r', '\n'], " ");
        writeln!(
            out,
            "{}:{}:{}: {severity}[{}]{fix} {message}",
            display(&diagnostic.file),
            start.line,
            start.column,
            diagnostic.rule.code,
        )?;
    }
    writeln!(out, "{}", summary_line(&Summary::of(run)))
}

/// A settings file's errors, one line each like a diagnostic, with `settings` for the code
/// (the help, when there is one, follows on the same line: settings errors stop the check, so the
/// way out is worth the width).
pub fn write_settings_failure(
    out: &mut dyn Write,
    failure: &SettingsFailure,
) -> std::io::Result<()> {
    let source = Source::new(failure.text.as_str());
    for error in &failure.errors {
        let start = source.position(error.span.start);
        let mut message = error.message.replace(['\r', '\n'], " ");
        if let Some(help) = &error.help {
            message.push_str(" (help: ");
            message.push_str(&help.replace(['\r', '\n'], " "));
            message.push(')');
        }
        writeln!(
            out,
            "{}:{}:{}: error[settings] {message}",
            display(&failure.path),
            start.line,
            start.column
        )?;
    }
    Ok(())
}
