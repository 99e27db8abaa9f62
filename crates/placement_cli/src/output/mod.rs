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

use std::borrow::Cow;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use placement_analysis::path_key::PathMap;
use placement_analysis::{Diagnostic, LineIndex, Severity, Span};

use crate::check::CheckRun;

/// A file's text with its line index.
pub struct Source<'t> {
    pub text: Cow<'t, str>,
    pub lines: LineIndex,
}

impl<'t> Source<'t> {
    pub fn new(text: impl Into<Cow<'t, str>>) -> Self {
        let text = text.into();
        Self {
            lines: LineIndex::new(&text),
            text,
        }
    }
}

/// Texts of the files diagnostics point into: the checked configs, and other project files
/// read on demand. Each file's line index is built when a diagnostic first points into it, and
/// the outputs may ask from several threads.
pub struct Sources<'r> {
    /// The checked configs' texts (clean files carry none: they are read from disk if a
    /// diagnostic ever points there).
    checked: PathMap<&'r str>,
    built: Mutex<PathMap<Arc<Source<'r>>>>,
}

impl<'r> Sources<'r> {
    pub fn new(run: &'r CheckRun) -> Self {
        let checked = run
            .results
            .iter()
            .filter(|result| !result.text.is_empty())
            .map(|result| (result.path.clone(), result.text.as_str()))
            .collect();
        Self {
            checked,
            built: Mutex::default(),
        }
    }

    fn built(&self) -> MutexGuard<'_, PathMap<Arc<Source<'r>>>> {
        self.built.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn get(&self, path: &Path) -> Arc<Source<'r>> {
        if let Some(source) = self.built().get(path) {
            return source.clone();
        }
        // Built outside the lock: another thread may build the same file meanwhile, and one
        // of the two equal sources is kept.
        let source = Arc::new(match self.checked.get(path) {
            Some(text) => Source::new(*text),
            None => Source::new(crate::check::read_lossy(path)),
        });
        self.built().get_or_insert(path, source).clone()
    }
}

/// A 1-based line, a 1-based column in Unicode scalar values and a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub offset: usize,
}

impl Source<'_> {
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
