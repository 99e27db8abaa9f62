//! The JSON output, a versioned contract: see the README.
//!
//! Serialised from typed records, each checked file's diagnostics on the thread that takes it,
//! a bounded batch of files at a time, written in the files' order: the bytes are those of one
//! serial pass, and memory does not grow with a second copy of every diagnostic. Fields are
//! declared in alphabetical order, the order of the output since version 1 (it was built as a
//! sorted map then).

use std::io::Write;

use placement_analysis::{Diagnostic, Edit, FileChange, Span};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::{Position, Source, Sources, Summary};
use crate::check::CheckRun;
use crate::paths::display;

/// Bump when a field changes meaning or disappears (adding fields keeps the version).
pub const JSON_VERSION: u32 = 1;

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

/// How many checked files have their diagnostics rendered at a time, in parallel: their text
/// is held until it is written in order, so memory does not grow with the number of files.
const RENDERED_AT_ONCE: usize = 256;

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    let summary = Summary::of(run);
    // The document as serde_json's pretty printer writes it, with the diagnostics array
    // written here: each file's diagnostics are rendered on the thread that takes the file.
    out.write_all(b"{\n  \"diagnostics\": [")?;
    let mut written_any = false;
    for files in run.results.chunks(RENDERED_AT_ONCE) {
        let rendered: Vec<Vec<u8>> = files
            .par_iter()
            .map(|result| render_diagnostics(&result.diagnostics, sources))
            .collect::<Result<_, _>>()?;
        for diagnostics in rendered.iter().filter(|rendered| !rendered.is_empty()) {
            // Every element but the first starts with its separator; the array's first element
            // gets the line break alone.
            let diagnostics = if written_any {
                &diagnostics[..]
            } else {
                &diagnostics[1..]
            };
            out.write_all(diagnostics)?;
            written_any = true;
        }
    }
    if written_any {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"summary\": ")?;
    let mut rest = serde_json::Serializer::with_formatter(&mut *out, nested_formatter(1));
    SummaryJson {
        errors: summary.errors,
        files: summary.files,
        fixed: summary.fixed,
        infos: summary.infos,
        warnings: summary.warnings,
    }
    .serialize(&mut rest)?;
    writeln!(out, ",\n  \"version\": {JSON_VERSION}\n}}")
}

/// One file's diagnostics as elements of the report's array, each preceded by `,` and a line
/// break with the array's indentation.
fn render_diagnostics(diagnostics: &[Diagnostic], sources: &Sources) -> std::io::Result<Vec<u8>> {
    let mut rendered = Vec::new();
    for diagnostic in diagnostics {
        rendered.extend_from_slice(b",\n    ");
        let mut serializer =
            serde_json::Serializer::with_formatter(&mut rendered, nested_formatter(2));
        diagnostic_json(diagnostic, sources).serialize(&mut serializer)?;
    }
    Ok(rendered)
}

/// serde_json's pretty printer for a value `depth` levels into the document (its indentation
/// there): opening that many arrays, written nowhere, moves it as far in.
fn nested_formatter(depth: usize) -> PrettyFormatter<'static> {
    let mut formatter = PrettyFormatter::new();
    for _ in 0..depth {
        formatter
            .begin_array(&mut std::io::sink())
            .expect("writing nowhere cannot fail");
    }
    formatter
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

fn diagnostic_json<'a>(diagnostic: &'a Diagnostic, sources: &Sources) -> DiagnosticJson<'a> {
    let related = diagnostic
        .related
        .iter()
        .map(|related| RelatedJson {
            file: display(&related.file),
            message: &related.message,
            range: range_json(&sources.get(&related.file), related.span),
        })
        .collect();
    let fix = diagnostic.fix.as_ref().map(|fix| FixJson {
        applicability: fix.applicability.as_str(),
        edits: edits_json(&sources.get(&diagnostic.file), &fix.edits),
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
                    FileChange::Edit { path, edits } => Some(edits_json(&sources.get(path), edits)),
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
        range: range_json(&source, diagnostic.span),
        related,
        severity: diagnostic.severity.as_str(),
        url: diagnostic.rule.url(),
    }
}
