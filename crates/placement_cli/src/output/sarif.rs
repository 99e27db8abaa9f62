//! SARIF 2.1.0, for code scanning dashboards.

use std::io::Write;

use placement_analysis::{Diagnostic, Edit, FileChange, Severity, Span, all_rules};
use serde_json::{Value, json};

use super::{Source, Sources, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    let rules: Vec<Value> = all_rules()
        .map(|rule| {
            json!({
                "id": rule.code,
                "name": rule.name,
                "shortDescription": { "text": rule.summary },
                "fullDescription": { "text": rule.summary },
                "help": { "text": rule.docs_text(), "markdown": rule.docs_text() },
                "helpUri": rule.url(),
                "defaultConfiguration": { "level": level(rule.severity) },
            })
        })
        .collect();
    let rule_index = |code: &str| all_rules().position(|rule| rule.code == code);
    let results: Vec<Value> = all_diagnostics(run)
        .map(|diagnostic| result_json(diagnostic, rule_index(diagnostic.rule.code), sources))
        .collect();
    let document = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": {
                    "name": "placement-lint",
                    "version": env!("CARGO_PKG_VERSION"),
                    "informationUri": "https://github.com/placement-lint/placement-lint",
                    "rules": rules,
                }
            },
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A relative file path as a URI reference (percent-encoding what URIs do not allow).
fn uri(path: &std::path::Path) -> String {
    let mut out = String::new();
    for byte in display(path).bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                out.push(byte as char)
            }
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

fn region(source: &Source, span: Span) -> Value {
    let (start, end) = source.range(span);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
        "byteOffset": start.offset,
        "byteLength": end.offset - start.offset,
    })
}

fn location(path: &std::path::Path, source: &Source, span: Span) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": { "uri": uri(path) },
            "region": region(source, span),
        }
    })
}

fn result_json(diagnostic: &Diagnostic, rule_index: Option<usize>, sources: &Sources) -> Value {
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    let related: Vec<Value> = diagnostic
        .related
        .iter()
        .enumerate()
        .map(|(id, related)| {
            let mut value = location(&related.file, &sources.get(&related.file), related.span);
            value["id"] = json!(id);
            value["message"] = json!({ "text": related.message });
            value
        })
        .collect();
    let fixes: Vec<Value> = diagnostic
        .fix
        .iter()
        .map(|fix| {
            let config_edits = (!fix.edits.is_empty())
                .then(|| artifact_change(&diagnostic.file, &sources.get(&diagnostic.file), &fix.edits));
            // A file the fix creates is replaced from its empty start (SARIF has no "create").
            let other_files = fix.other_files.iter().map(|change| match change {
                FileChange::Create { path, content } => json!({
                    "artifactLocation": { "uri": uri(path) },
                    "replacements": [{
                        "deletedRegion": { "charOffset": 0, "charLength": 0 },
                        "insertedContent": { "text": content },
                    }],
                }),
                FileChange::Edit { path, edits } => artifact_change(path, &sources.get(path), edits),
            });
            json!({
                "description": { "text": format!("{} ({})", fix.title, fix.applicability.as_str()) },
                "artifactChanges": config_edits.into_iter().chain(other_files).collect::<Vec<_>>(),
            })
        })
        .collect();
    let source = sources.get(&diagnostic.file);
    let mut result = json!({
        "ruleId": diagnostic.rule.code,
        "level": level(diagnostic.severity),
        "message": { "text": message },
        "locations": [location(&diagnostic.file, &source, diagnostic.span)],
        "properties": { "environments": diagnostic.environments },
    });
    if let Some(index) = rule_index {
        result["ruleIndex"] = json!(index);
    }
    if !related.is_empty() {
        result["relatedLocations"] = json!(related);
    }
    if !fixes.is_empty() {
        result["fixes"] = json!(fixes);
    }
    result
}

fn artifact_change(file: &std::path::Path, source: &Source, edits: &[Edit]) -> Value {
    json!({
        "artifactLocation": { "uri": uri(file) },
        "replacements": edits.iter().map(|edit| json!({
            "deletedRegion": region(source, edit.span),
            "insertedContent": { "text": edit.content },
        })).collect::<Vec<_>>(),
    })
}
