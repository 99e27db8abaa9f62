//! The JSON output, a versioned contract: see the README.

use std::io::Write;

use placement_analysis::{Diagnostic, Span};
use serde_json::{Value, json};

use super::{Source, Sources, Summary, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;

/// Bump when a field changes meaning or disappears (adding fields keeps the version).
pub const JSON_VERSION: u32 = 1;

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &mut Sources) -> std::io::Result<()> {
    let summary = Summary::of(run);
    let diagnostics: Vec<Value> = all_diagnostics(run)
        .map(|diagnostic| diagnostic_json(diagnostic, sources))
        .collect();
    let document = json!({
        "version": JSON_VERSION,
        "diagnostics": diagnostics,
        "summary": {
            "files": summary.files,
            "errors": summary.errors,
            "warnings": summary.warnings,
            "infos": summary.infos,
            "fixed": summary.fixed,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn range_json(source: &Source, span: Span) -> Value {
    let (start, end) = source.range(span);
    json!({
        "start": { "line": start.line, "column": start.column, "offset": start.offset },
        "end": { "line": end.line, "column": end.column, "offset": end.offset },
    })
}

fn diagnostic_json(diagnostic: &Diagnostic, sources: &mut Sources) -> Value {
    let related: Vec<Value> = diagnostic
        .related
        .iter()
        .map(|related| {
            json!({
                "file": display(&related.file),
                "range": range_json(sources.get(&related.file), related.span),
                "message": related.message,
            })
        })
        .collect();
    let source = sources.get(&diagnostic.file);
    let fix = diagnostic.fix.as_ref().map(|fix| {
        json!({
            "title": fix.title,
            "applicability": fix.applicability.as_str(),
            "edits": fix.edits.iter().map(|edit| json!({
                "range": range_json(source, edit.span),
                "content": edit.content,
            })).collect::<Vec<_>>(),
        })
    });
    json!({
        "code": diagnostic.rule.code,
        "name": diagnostic.rule.name,
        "severity": diagnostic.severity.as_str(),
        "message": diagnostic.message,
        "help": diagnostic.help,
        "file": display(&diagnostic.file),
        "environments": diagnostic.environments,
        "range": range_json(source, diagnostic.span),
        "fix": fix,
        "related": related,
        "url": diagnostic.rule.url(),
    })
}
