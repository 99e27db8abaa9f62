//! The JSON output, a versioned contract: see the README.
//!
//! Serialised from typed records, one diagnostic at a time, straight to the writer: memory does
//! not grow with a second copy of every diagnostic. Fields are declared in alphabetical order,
//! the order of the output since version 1 (it was built as a sorted map then).

use std::io::Write;

use placement_analysis::{Diagnostic, Edit, FileChange, Span};
use serde::Serialize;
use serde::ser::{SerializeSeq, Serializer};

use super::{Position, Source, Sources, Summary, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;

/// Bump when a field changes meaning or disappears (adding fields keeps the version).
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct Document<D: Serialize> {
    diagnostics: D,
    summary: SummaryJson,
    version: u32,
}

#[derive(Serialize)]
struct SummaryJson {
    errors: usize,
    files: usize,
    fixed: usize,
    infos: usize,
    warnings: usize,
}

#[derive(Serialize)]
struct DiagnosticJson<'a> {
    code: &'static str,
    environments: &'a [String],
    file: String,
    fix: Option<FixJson<'a>>,
    help: Option<&'a str>,
    message: &'a str,
    name: &'static str,
    range: RangeJson,
    related: Vec<RelatedJson<'a>>,
    severity: &'static str,
    url: String,
}

#[derive(Serialize)]
struct FixJson<'a> {
    applicability: &'static str,
    edits: Vec<EditJson<'a>>,
    /// Since 1.x: changes to files other than `file`; left out when there are none, so
    /// readers of the earlier output see the same fixes.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    other_files: Vec<FileChangeJson<'a>>,
    title: &'a str,
}

/// A fix's change to another file: `"kind": "create"` with the new file's `content`, or
/// `"kind": "edit"` with `edits` as in `fix.edits`.
#[derive(Serialize)]
struct FileChangeJson<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    edits: Option<Vec<EditJson<'a>>>,
    file: String,
    kind: &'static str,
}

#[derive(Serialize)]
struct EditJson<'a> {
    content: &'a str,
    range: RangeJson,
}

#[derive(Serialize)]
struct RelatedJson<'a> {
    file: String,
    message: &'a str,
    range: RangeJson,
}

#[derive(Serialize)]
struct RangeJson {
    end: PositionJson,
    start: PositionJson,
}

#[derive(Serialize)]
struct PositionJson {
    column: usize,
    line: usize,
    offset: usize,
}

impl From<Position> for PositionJson {
    fn from(position: Position) -> Self {
        Self {
            column: position.column,
            line: position.line,
            offset: position.offset,
        }
    }
}

/// The diagnostics array, converted one element at a time while it is written.
struct DiagnosticsJson<'r, 's> {
    run: &'r CheckRun,
    sources: std::cell::RefCell<&'s mut Sources>,
}

impl Serialize for DiagnosticsJson<'_, '_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut sources = self.sources.borrow_mut();
        let mut seq = serializer.serialize_seq(None)?;
        for diagnostic in all_diagnostics(self.run) {
            seq.serialize_element(&diagnostic_json(diagnostic, &mut sources))?;
        }
        seq.end()
    }
}

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &mut Sources) -> std::io::Result<()> {
    let summary = Summary::of(run);
    let document = Document {
        diagnostics: DiagnosticsJson {
            run,
            sources: std::cell::RefCell::new(sources),
        },
        summary: SummaryJson {
            errors: summary.errors,
            files: summary.files,
            fixed: summary.fixed,
            infos: summary.infos,
            warnings: summary.warnings,
        },
        version: JSON_VERSION,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

fn range_json(source: &Source, span: Span) -> RangeJson {
    let (start, end) = source.range(span);
    RangeJson {
        end: end.into(),
        start: start.into(),
    }
}

fn edits_json<'a>(source: &Source, edits: &'a [Edit]) -> Vec<EditJson<'a>> {
    edits
        .iter()
        .map(|edit| EditJson {
            content: &edit.content,
            range: range_json(source, edit.span),
        })
        .collect()
}

fn diagnostic_json<'a>(diagnostic: &'a Diagnostic, sources: &mut Sources) -> DiagnosticJson<'a> {
    let related = diagnostic
        .related
        .iter()
        .map(|related| RelatedJson {
            file: display(&related.file),
            message: &related.message,
            range: range_json(sources.get(&related.file), related.span),
        })
        .collect();
    let fix = diagnostic.fix.as_ref().map(|fix| FixJson {
        applicability: fix.applicability.as_str(),
        edits: edits_json(sources.get(&diagnostic.file), &fix.edits),
        other_files: fix
            .other_files
            .iter()
            .map(|change| FileChangeJson {
                content: match change {
                    FileChange::Create { content, .. } => Some(content),
                    FileChange::Edit { .. } => None,
                },
                edits: match change {
                    FileChange::Create { .. } => None,
                    FileChange::Edit { path, edits } => Some(edits_json(sources.get(path), edits)),
                },
                file: display(change.path()),
                kind: change.kind(),
            })
            .collect(),
        title: &fix.title,
    });
    let source = sources.get(&diagnostic.file);
    DiagnosticJson {
        code: diagnostic.rule.code,
        environments: &diagnostic.environments,
        file: display(&diagnostic.file),
        fix,
        help: diagnostic.help.as_deref(),
        message: &diagnostic.message,
        name: diagnostic.rule.name,
        range: range_json(source, diagnostic.span),
        related,
        severity: diagnostic.severity.as_str(),
        url: diagnostic.rule.url(),
    }
}
