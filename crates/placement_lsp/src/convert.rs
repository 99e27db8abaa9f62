//! Analysis diagnostics to LSP diagnostics: ranges in the negotiated encoding, the rule's code
//! and docs link, related locations, and the fix carried in `data` so that a code action needs
//! no re-analysis.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use placement_analysis::{Applicability, Severity};
use ropey::Rope;
use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{
    self as lsp, CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location,
    NumberOrString, TextEdit, Uri,
};

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
    for diagnostic in diagnostics {
        let converted = convert(diagnostic, texts, encoding);
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

fn convert(
    diagnostic: &placement_analysis::Diagnostic,
    texts: &mut FileTexts<'_>,
    encoding: PositionEncoding,
) -> lsp::Diagnostic {
    let rope = texts.rope(&diagnostic.file);
    let range = span_to_range(rope, diagnostic.span, encoding);
    let fix = diagnostic.fix.as_ref().map(|fix| FixData {
        title: fix.title.clone(),
        safe: fix.applicability == Applicability::Safe,
        edits: fix
            .edits
            .iter()
            .map(|edit| {
                TextEdit::new(
                    span_to_range(rope, edit.span, encoding),
                    edit.content.clone(),
                )
            })
            .collect(),
    });
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
        code_description: Uri::from_str(&diagnostic.rule.url())
            .ok()
            .map(|href| CodeDescription { href }),
        source: Some(SOURCE.to_owned()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: serde_json::to_value(data).ok(),
    }
}

/// The fix data of a diagnostic sent back by the client, when it is one of ours.
pub fn diagnostic_data(diagnostic: &lsp::Diagnostic) -> Option<DiagnosticData> {
    if diagnostic.source.as_deref() != Some(SOURCE) {
        return None;
    }
    serde_json::from_value(diagnostic.data.clone()?).ok()
}
