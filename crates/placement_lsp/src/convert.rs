//! Between the analysis's values and the protocol's (rust-analyzer's `to_proto`/`from_proto`):
//! diagnostics with their ranges in the negotiated encoding, the rule's code and docs link,
//! related locations and the fix carried in `data` (so that a code action needs no
//! re-analysis); text edits and workspace edits; hover and completion results; file URIs.
//! Positions themselves are converted in `encoding`.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use placement_analysis::{Applicability, Severity, Span};
use placement_io::settings::SettingsFailure;
use ropey::Rope;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, CompletionItem, CompletionItemKind, CompletionItemTag,
    CompletionTextEdit, CreateFile, CreateFileOptions, DiagnosticRelatedInformation,
    DiagnosticSeverity, DocumentChangeOperation, DocumentChanges, Documentation, Location,
    MarkupContent, MarkupKind, NumberOrString, OneOf, OptionalVersionedTextDocumentIdentifier,
    Range, ResourceOp, TextDocumentEdit, TextEdit, Uri, WorkspaceEdit,
};

use crate::completion;
use crate::encoding::{PositionEncoding, span_to_range};
use crate::files::Overlay;

pub const SOURCE: &str = "placement-lint";

/// What `Diagnostic.data` holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct DiagnosticData {
    /// The document version the edits apply to (`None` for a file that is not open).
    pub version: Option<i32>,
    pub fix: Option<FixData>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FixData {
    pub title: String,
    /// Safe fixes keep the config's meaning; they are preferred and applied by fix-all.
    pub safe: bool,
    pub edits: Vec<TextEdit>,
    /// Changes to other files; offered only to clients that apply `documentChanges` with
    /// resource operations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_files: Vec<FileChangeData>,
}

/// A fix's change to another file, in protocol terms.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub enum FileChangeData {
    Create {
        uri: Uri,
        content: String,
    },
    Edit {
        uri: Uri,
        /// The open buffer's version the edits were made for (`None`: the file on disk).
        version: Option<i32>,
        edits: Vec<TextEdit>,
    },
}

impl FileChangeData {
    /// Whether the client must support creating files to apply it.
    pub fn creates(&self) -> bool {
        matches!(self, FileChangeData::Create { .. })
    }
}

/// The diagnostics of one file, ready to publish.
#[derive(Debug, Clone, PartialEq)]
pub struct FileDiagnostics {
    pub uri: Uri,
    pub version: Option<i32>,
    pub diagnostics: Vec<lsp::Diagnostic>,
}

/// The text of every file the diagnostics touch, read once: open buffers at their snapshot
/// version, other files from the disk (an unreadable file converts as empty text, so its
/// ranges clamp to the start).
pub struct FileTexts<'a> {
    overlay: &'a Overlay,
    disk: HashMap<PathBuf, Rope>,
}

impl<'a> FileTexts<'a> {
    pub fn new(overlay: &'a Overlay) -> Self {
        Self {
            overlay,
            disk: HashMap::new(),
        }
    }

    fn rope(&mut self, path: &Path) -> &Rope {
        if let Some(buffer) = self.overlay.buffers.get(path) {
            return &buffer.rope;
        }
        self.disk.entry(path.to_path_buf()).or_insert_with(|| {
            // Bounded: a diagnostic may point into a file the analysis refused to read.
            Rope::from_str(&crate::files::disk_text(path))
        })
    }

    fn version(&self, path: &Path) -> Option<i32> {
        self.overlay.buffers.get(path).map(|buffer| buffer.version)
    }

    pub fn uri(&self, path: &Path) -> Option<Uri> {
        match self.overlay.buffers.get(path) {
            Some(buffer) => Some(buffer.uri.clone()),
            None => Uri::from_file_path(path),
        }
    }
}

/// Converts the diagnostics of one analysis, grouped by the file they are in. `files` are
/// included even without diagnostics (so that their old ones get cleared).
pub fn to_lsp(
    diagnostics: &[placement_analysis::Diagnostic],
    always: &[PathBuf],
    texts: &mut FileTexts<'_>,
    encoding: PositionEncoding,
) -> Vec<FileDiagnostics> {
    let mut by_file: Vec<(PathBuf, Vec<lsp::Diagnostic>)> = always
        .iter()
        .map(|path| (path.clone(), Vec::new()))
        .collect();
    // A config with thousands of environments has thousands of findings of a few rules: each
    // rule's docs link is parsed once.
    let mut rule_links = HashMap::new();
    for diagnostic in diagnostics {
        let link = rule_links
            .entry(diagnostic.rule.code)
            .or_insert_with(|| Uri::from_str(&diagnostic.rule.url()).ok())
            .clone();
        let converted = convert(diagnostic, link, texts, encoding);
        match by_file
            .iter_mut()
            .find(|(path, _)| *path == diagnostic.file)
        {
            Some((_, list)) => list.push(converted),
            None => by_file.push((diagnostic.file.clone(), vec![converted])),
        }
    }
    by_file
        .into_iter()
        .filter_map(|(path, diagnostics)| {
            Some(FileDiagnostics {
                uri: texts.uri(&path)?,
                version: texts.version(&path),
                diagnostics,
            })
        })
        .collect()
}

/// The errors of a settings file the analysis could not use, as that file's diagnostics. Their
/// spans are in the text that was read from the disk: an open buffer with other (unsaved) text
/// gets no version, so the client does not tie them to what it shows.
pub fn settings_failure(
    failure: &SettingsFailure,
    texts: &FileTexts<'_>,
    encoding: PositionEncoding,
) -> Option<FileDiagnostics> {
    let rope = Rope::from_str(&failure.text);
    let diagnostics = failure
        .errors
        .iter()
        .map(|error| {
            let mut message = format!("placement-lint settings not used: {}", error.message);
            if let Some(help) = &error.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            lsp::Diagnostic {
                range: span_to_range(&rope, error.span, encoding),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some(SOURCE.to_owned()),
                message,
                ..lsp::Diagnostic::default()
            }
        })
        .collect();
    let unsaved = texts
        .overlay
        .buffers
        .get(&failure.path)
        .is_some_and(|buffer| buffer.rope != failure.text.as_str());
    Some(FileDiagnostics {
        uri: texts.uri(&failure.path)?,
        version: texts.version(&failure.path).filter(|_| !unsaved),
        diagnostics,
    })
}

fn convert(
    diagnostic: &placement_analysis::Diagnostic,
    rule_link: Option<Uri>,
    texts: &mut FileTexts<'_>,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    let rope = texts.rope(&diagnostic.file);
    let range = span_to_range(rope, diagnostic.span, encoding);
    let edits = diagnostic.fix.as_ref().map(|fix| {
        fix.edits
            .iter()
            .map(|edit| {
                TextEdit::new(
                    span_to_range(rope, edit.span, encoding),
                    edit.content.clone(),
                )
            })
            .collect()
    });
    let fix = match (diagnostic.fix.as_ref(), edits) {
        (Some(fix), Some(edits)) => {
            let other_files: Option<Vec<FileChangeData>> = fix
                .other_files
                .iter()
                .map(|change| file_change_data(change, texts, encoding))
                .collect();
            // A change that cannot be named by a URI is not offered at all.
            other_files.map(|other_files| FixData {
                title: fix.title.clone(),
                safe: fix.applicability == Applicability::Safe,
                edits,
                other_files,
            })
        }
        _ => None,
    };
    let data = DiagnosticData {
        version: texts.version(&diagnostic.file),
        fix,
    };
    let related: Vec<DiagnosticRelatedInformation> = diagnostic
        .related
        .iter()
        .filter_map(|related| {
            let range = span_to_range(texts.rope(&related.file), related.span, encoding);
            Some(DiagnosticRelatedInformation {
                location: Location::new(texts.uri(&related.file)?, range),
                message: related.message.clone(),
            })
        })
        .collect();
    let mut message = diagnostic.message.clone();
    if let Some(help) = &diagnostic.help {
        message.push_str("\nhelp: ");
        message.push_str(help);
    }
    lsp::Diagnostic {
        range,
        severity: Some(match diagnostic.severity {
            Severity::Error => DiagnosticSeverity::ERROR,
            Severity::Warning => DiagnosticSeverity::WARNING,
            Severity::Info => DiagnosticSeverity::INFORMATION,
        }),
        code: Some(NumberOrString::String(diagnostic.rule.code.to_owned())),
        code_description: rule_link.map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: serde_json::to_value(data).ok(),
    }
}

/// The fix data of a diagnostic sent back by the client, when it is one of ours.
fn file_change_data(
    change: &placement_analysis::FileChange,
    texts: &mut FileTexts<'_>,
    encoding: PositionEncoding,
) -> Option<FileChangeData> {
    let uri = texts.uri(change.path())?;
    Some(match change {
        placement_analysis::FileChange::Create { content, .. } => FileChangeData::Create {
            uri,
            content: content.clone(),
        },
        placement_analysis::FileChange::Edit { path, edits } => {
            let version = texts.version(path);
            let rope = texts.rope(path);
            FileChangeData::Edit {
                uri,
                version,
                edits: edits
                    .iter()
                    .map(|edit| {
                        TextEdit::new(
                            span_to_range(rope, edit.span, encoding),
                            edit.content.clone(),
                        )
                    })
                    .collect(),
            }
        }
    })
}

pub fn diagnostic_data(diagnostic: &lsp::Diagnostic) -> Option<DiagnosticData> {
    if diagnostic.source.as_deref() != Some(SOURCE) {
        return None;
    }
    serde_json::from_value(diagnostic.data.clone()?).ok()
}

/// The path of a `file:` URI (other schemes name no file the analysis can read).
pub fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|path| path.into_owned())
}

/// One edit turning `before` (the text of `rope`) into `after`: the changed middle, so that the
/// cursor and the rest of the buffer stay put.
pub fn minimal_edit(
    rope: &Rope,
    before: &str,
    after: &str,
    encoding: PositionEncoding,
) -> Option<TextEdit> {
    if before == after {
        return None;
    }
    let mut prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(prefix) || !after.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = before.len().min(after.len()) - prefix;
    let mut suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - suffix)
        || !after.is_char_boundary(after.len() - suffix)
    {
        suffix -= 1;
    }
    let span = Span::new(prefix, before.len() - suffix);
    Some(TextEdit::new(
        span_to_range(rope, span, encoding),
        after[prefix..after.len() - suffix].to_owned(),
    ))
}

/// Edits of one document, versioned when the client supports it (it then refuses edits made
/// for an older version).
pub fn workspace_edit(
    uri: &Uri,
    version: Option<i32>,
    edits: Vec<TextEdit>,
    versioned: bool,
) -> WorkspaceEdit {
    if versioned {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..Default::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }
    }
}

/// The edits of a fix that also changes other files, as `documentChanges` (the only form that
/// can create a file): the config's edits, then each other file's creation with its text, or
/// its edits.
pub fn workspace_edit_with_files(
    uri: &Uri,
    version: Option<i32>,
    edits: Vec<TextEdit>,
    other_files: Vec<FileChangeData>,
) -> WorkspaceEdit {
    let text_edit = |uri: Uri, version: Option<i32>, edits: Vec<TextEdit>| {
        DocumentChangeOperation::Edit(TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri, version },
            edits: edits.into_iter().map(OneOf::Left).collect(),
        })
    };
    let mut operations = Vec::new();
    if !edits.is_empty() {
        operations.push(text_edit(uri.clone(), version, edits));
    }
    for change in other_files {
        match change {
            FileChangeData::Create { uri, content } => {
                operations.push(DocumentChangeOperation::Op(ResourceOp::Create(
                    CreateFile {
                        uri: uri.clone(),
                        // Never over a file made since the fix was computed.
                        options: Some(CreateFileOptions {
                            overwrite: Some(false),
                            ignore_if_exists: Some(false),
                        }),
                        annotation_id: None,
                    },
                )));
                let start = lsp::Position::new(0, 0);
                operations.push(text_edit(
                    uri,
                    None,
                    vec![TextEdit::new(Range::new(start, start), content)],
                ));
            }
            FileChangeData::Edit {
                uri,
                version,
                edits,
            } => operations.push(text_edit(uri, version, edits)),
        }
    }
    WorkspaceEdit {
        document_changes: Some(DocumentChanges::Operations(operations)),
        ..Default::default()
    }
}

pub fn markdown(value: String) -> MarkupContent {
    MarkupContent {
        kind: MarkupKind::Markdown,
        value,
    }
}

/// A completion item whose text replaces `range` (the word typed so far).
pub fn completion_item(item: completion::Item, range: Range) -> CompletionItem {
    CompletionItem {
        label: item.label.clone(),
        kind: Some(match item.kind {
            completion::ItemKind::Key => CompletionItemKind::PROPERTY,
            completion::ItemKind::Value => CompletionItemKind::VALUE,
        }),
        detail: item.detail,
        documentation: item
            .documentation
            .map(|value| Documentation::MarkupContent(markdown(value))),
        // Deprecated keys sort after the others ("1" after "0") and are struck through.
        sort_text: Some(format!("{}{}", u8::from(item.deprecated), item.label)),
        tags: item.deprecated.then(|| vec![CompletionItemTag::DEPRECATED]),
        filter_text: Some(item.label),
        text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, item.insert))),
        ..Default::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::Position;

    #[test]
    fn deprecated_completion_items_are_tagged_and_sorted_last() {
        let item = |label: &str, deprecated| completion::Item {
            label: label.to_owned(),
            insert: label.to_owned(),
            detail: None,
            documentation: None,
            kind: completion::ItemKind::Key,
            deprecated,
        };
        let range = Range::new(Position::new(0, 0), Position::new(0, 0));
        let old = completion_item(item("instances", true), range);
        let new = completion_item(item("max_instances", false), range);
        assert_eq!(old.tags, Some(vec![CompletionItemTag::DEPRECATED]));
        assert_eq!(new.tags, None);
        assert!(new.sort_text < old.sort_text);
    }

    #[test]
    fn minimal_edit_covers_the_changed_middle() {
        // (before, after, the edit's text, its range in UTF-16)
        let cases = [
            ("a\nhint = \"x\"\nb\n", "a\nb\n", "", ((1, 0), (2, 0))),
            // Never inside a char: 😀 and 😁 share their first three bytes.
            ("é😀x", "é😁x", "😁", ((0, 1), (0, 3))),
        ];
        for (before, after, new_text, ((l1, c1), (l2, c2))) in cases {
            let rope = Rope::from_str(before);
            let edit = minimal_edit(&rope, before, after, PositionEncoding::Utf16).unwrap();
            assert_eq!(edit.new_text, new_text);
            assert_eq!(
                edit.range,
                Range::new(Position::new(l1, c1), Position::new(l2, c2))
            );
            assert!(minimal_edit(&rope, before, before, PositionEncoding::Utf16).is_none());
        }
    }
}
