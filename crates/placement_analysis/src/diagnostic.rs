//! What a rule reports: a diagnostic with a location, a message, help, and maybe a fix.

use std::path::PathBuf;

use crate::rule::Rule;
use crate::span::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// Whether applying a fix keeps the config's meaning.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applicability {
    /// Keeps meaning (removing a field wrangler ignores): `--fix` applies it.
    Safe,
    /// Changes behaviour (a rename, a removed target): only with `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// Replace the text in `span` with `content`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edit {
    pub span: Span,
    pub content: String,
}

impl Edit {
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Self {
            span,
            content: content.into(),
        }
    }

    pub fn delete(span: Span) -> Self {
        Self::replace(span, "")
    }

    pub fn insert(at: usize, content: impl Into<String>) -> Self {
        Self::replace(Span::empty(at), content)
    }
}

/// A fix: text edits in the diagnostic's file, and maybe changes to other files of the project
/// (as LSP's `WorkspaceEdit` carries `TextDocumentEdit`s and `CreateFile`s). Applied together or
/// not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub title: String,
    pub applicability: Applicability,
    /// Edits in the diagnostic's file; they never overlap.
    pub edits: Vec<Edit>,
    /// Changes to other files (a `_routes.json` written next to the build output), in order.
    pub other_files: Vec<FileChange>,
}

impl Fix {
    /// A fix that edits only the diagnostic's file.
    pub fn new(title: impl Into<String>, applicability: Applicability, edits: Vec<Edit>) -> Self {
        Self {
            title: title.into(),
            applicability,
            edits,
            other_files: Vec::new(),
        }
    }
}

/// A change a fix makes to a file other than the diagnostic's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileChange {
    /// Creates `path` holding `content`. Applying it fails when the file exists by then.
    Create { path: PathBuf, content: String },
    /// Non-overlapping edits in the existing file `path`, against the text the analysis read.
    Edit { path: PathBuf, edits: Vec<Edit> },
}

impl FileChange {
    /// The file changed.
    pub fn path(&self) -> &std::path::Path {
        match self {
            FileChange::Create { path, .. } | FileChange::Edit { path, .. } => path,
        }
    }

    /// `"create"` or `"edit"`, as the JSON output names them.
    pub fn kind(&self) -> &'static str {
        match self {
            FileChange::Create { .. } => "create",
            FileChange::Edit { .. } => "edit",
        }
    }

    /// The file's text after the change, from its text before (`None`: it does not exist).
    /// `None` when the change does not apply: creating a file that exists, editing one that
    /// does not.
    pub fn apply(&self, before: Option<&str>) -> Option<String> {
        match (self, before) {
            (FileChange::Create { content, .. }, None) => Some(content.clone()),
            (FileChange::Edit { edits, .. }, Some(text)) => {
                let fits = edits.iter().all(|edit| {
                    edit.span.end <= text.len()
                        && text.is_char_boundary(edit.span.start)
                        && text.is_char_boundary(edit.span.end)
                });
                fits.then(|| crate::fix::apply_edits(text, edits))
            }
            _ => None,
        }
    }
}

/// A second location that explains the diagnostic (the middleware file behind a warning, the
/// first of two duplicate keys).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub file: PathBuf,
    pub span: Span,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: &'static Rule,
    pub severity: Severity,
    /// The file the span is in.
    pub file: PathBuf,
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
    /// The `[env.NAME]` environments (and `previews`) this affects besides the top level; empty
    /// when only the top level is affected.
    pub environments: Vec<String>,
    pub fix: Option<Fix>,
    pub related: Vec<Related>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at `span` in `file`, with the rule's default severity.
    pub fn new(
        rule: &'static Rule,
        file: impl Into<PathBuf>,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Self {
            rule,
            severity: rule.severity,
            file: file.into(),
            span,
            message: message.into(),
            help: None,
            environments: Vec::new(),
            fix: None,
            related: Vec::new(),
        }
    }

    pub fn code(&self) -> &'static str {
        self.rule.code
    }

    /// Overrides the rule's default severity, for rules whose cases differ in consequence.
    pub fn with_severity(&mut self, severity: Severity) -> &mut Self {
        self.severity = severity;
        self
    }

    pub fn with_help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = Some(help.into());
        self
    }

    pub fn with_environments(&mut self, environments: &[String]) -> &mut Self {
        self.environments = environments.to_vec();
        self
    }

    pub fn with_fix(&mut self, fix: Fix) -> &mut Self {
        self.fix = Some(fix);
        self
    }

    /// Adds related locations (one `Related`, or any iterator of them).
    pub fn with_related(&mut self, related: impl IntoIterator<Item = Related>) -> &mut Self {
        self.related.extend(related);
        self
    }
}
