//! Printing diagnostics: human (miette), concise (a line each), JSON, SARIF, GitHub workflow commands, GitLab Code
//! Quality, JUnit and Checkstyle XML; and `--diff`, `--show-fixes`, `--statistics`.

pub mod checkstyle;
pub mod concise;
pub mod fixes;
pub mod github;
pub mod gitlab;
pub mod human;
pub mod json;
pub mod junit;
pub mod sarif;
pub mod statistics;
mod xml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use placement_analysis::{Diagnostic, LineIndex, Severity, Span};

use crate::check::CheckRun;

/// A file's text with its line index.
pub struct Source {
    pub text: String,
    pub lines: LineIndex,
}

/// Texts of the files diagnostics point into: the checked configs, and other project files
/// read on demand.
pub struct Sources {
    files: HashMap<PathBuf, Source>,
}

impl Sources {
    pub fn new(run: &CheckRun) -> Self {
        let mut files = HashMap::new();
        // Clean files carry no text; they are read from disk if a diagnostic ever points there.
        for result in run.results.iter().filter(|result| !result.text.is_empty()) {
            files.insert(
                result.path.clone(),
                Source {
                    lines: LineIndex::new(&result.text),
                    text: result.text.clone(),
                },
            );
        }
        Self { files }
    }

    pub fn get(&mut self, path: &Path) -> &Source {
        self.files.entry(path.to_path_buf()).or_insert_with(|| {
            let text = crate::check::read_lossy(path);
            Source {
                lines: LineIndex::new(&text),
                text,
            }
        })
    }
}

/// A 1-based line, a 1-based column in Unicode scalar values and a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Source {
    pub fn position(&self, offset: usize) -> Position {
        let offset = offset.min(self.text.len());
        let line_column = self.lines.line_column(&self.text, offset);
        Position {
            line: line_column.line,
            column: line_column.column,
            offset,
        }
    }

    pub fn range(&self, span: Span) -> (Position, Position) {
        (self.position(span.start), self.position(span.end))
    }
}

/// Counts for the summary line and the exit status.
#[derive(Debug, Default, Clone, Copy)]
pub struct Summary {
    pub files: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
    pub safe_fixes: usize,
    pub unsafe_fixes: usize,
    pub fixed: usize,
}

impl Summary {
    pub fn of(run: &CheckRun) -> Self {
        let mut summary = Summary {
            files: run.results.len(),
            ..Summary::default()
        };
        for diagnostic in all_diagnostics(run) {
            match diagnostic.severity {
                Severity::Error => summary.errors += 1,
                Severity::Warning => summary.warnings += 1,
                Severity::Info => summary.infos += 1,
            }
            match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
                Some(placement_analysis::Applicability::Safe) => summary.safe_fixes += 1,
                Some(placement_analysis::Applicability::Unsafe) => summary.unsafe_fixes += 1,
                None => {}
            }
        }
        summary.fixed = run.results.iter().map(|r| r.fixes_applied.len()).sum();
        summary
    }
}

/// Every diagnostic of the run, in output order.
pub fn all_diagnostics(run: &CheckRun) -> impl Iterator<Item = &Diagnostic> {
    run.results
        .iter()
        .flat_map(|result| result.diagnostics.iter())
}
