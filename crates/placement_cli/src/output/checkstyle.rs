//! Checkstyle XML (`<checkstyle><file><error/></file></checkstyle>`), which Jenkins' Warnings
//! plugin, reviewdog, SonarQube and many CI dashboards read. There is no published schema:
//! `tests/checkstyle/checkstyle.xsd` writes down the shape those readers expect.

use std::io::Write;

use placement_analysis::{Diagnostic, Severity};

use super::Sources;
use super::xml::escape;
use crate::check::CheckRun;
use crate::paths::display;

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(out, r#"<checkstyle version="4.3">"#)?;
    for (file, diagnostics) in by_file(run) {
        if diagnostics.is_empty() {
            writeln!(out, r#"  <file name="{}"/>"#, escape(&display(file)))?;
            continue;
        }
        writeln!(out, r#"  <file name="{}">"#, escape(&display(file)))?;
        for diagnostic in diagnostics {
            let start = sources
                .get(&diagnostic.file)
                .position(diagnostic.span.start);
            let mut message = diagnostic.message.clone();
            if let Some(help) = &diagnostic.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            writeln!(
                out,
                r#"    <error line="{}" column="{}" severity="{}" message="{}" source="placement-lint.{}.{}"/>"#,
                start.line,
                start.column,
                severity(diagnostic.severity),
                escape(&message),
                diagnostic.rule.code,
                diagnostic.rule.name
            )?;
        }
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    }
}

/// Each file diagnostics are in (a config, or a project file a rule points into), in output
/// order, with its diagnostics; every checked config appears, clean ones with none.
fn by_file(run: &CheckRun) -> Vec<(&std::path::Path, Vec<&Diagnostic>)> {
    let mut files: Vec<(&std::path::Path, Vec<&Diagnostic>)> = Vec::new();
    for result in &run.results {
        if !result.diagnostics.iter().any(|d| d.file == result.path) {
            files.push((&result.path, Vec::new()));
        }
        for diagnostic in &result.diagnostics {
            match files.iter_mut().find(|(file, _)| *file == diagnostic.file) {
                Some((_, list)) => list.push(diagnostic),
                None => files.push((&diagnostic.file, vec![diagnostic])),
            }
        }
    }
    files
}
