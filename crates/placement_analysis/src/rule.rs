//! Rule declarations: a stable code and name, a default severity, fix availability and docs.

use crate::diagnostic::{Applicability, Severity};

/// Whether a rule can offer a fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixAvailability {
    None,
    /// Offered for some diagnostics, with this applicability.
    Sometimes(Applicability),
    /// Offered for every diagnostic, with this applicability.
    Always(Applicability),
}

impl FixAvailability {
    pub fn describe(self) -> &'static str {
        match self {
            FixAvailability::None => "no fix",
            FixAvailability::Sometimes(Applicability::Safe) => "safe fix (sometimes)",
            FixAvailability::Sometimes(Applicability::Unsafe) => "unsafe fix (sometimes)",
            FixAvailability::Always(Applicability::Safe) => "safe fix",
            FixAvailability::Always(Applicability::Unsafe) => "unsafe fix",
        }
    }
}

/// One rule's identity and documentation. Codes and names are a public contract.
#[derive(Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub fix: FixAvailability,
    /// One line: what the rule catches.
    pub summary: &'static str,
    /// Markdown: the rule file's doc comment.
    pub docs: &'static str,
}

impl Rule {
    /// Where the rule's docs are published.
    pub fn url(&self) -> String {
        format!(
            "https://github.com/placement-lint/placement-lint/blob/main/docs/rules.md#{}",
            self.code.to_ascii_lowercase()
        )
    }

    /// The docs without the one-space indent that doc comments carry.
    pub fn docs_text(&self) -> String {
        let mut out = String::with_capacity(self.docs.len());
        for line in self.docs.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }
}

/// Declares a rule from its doc comment, in the manner of clippy's `declare_clippy_lint!`:
/// the doc comment becomes the runtime docs printed by `placement-lint rule CODE`.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        pub static $ident:ident = {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            fix: $fix:expr,
            summary: $summary:literal $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        pub static $ident: $crate::rule::Rule = $crate::rule::Rule {
            code: $code,
            name: $name,
            severity: $crate::diagnostic::Severity::$severity,
            fix: $fix,
            summary: $summary,
            docs: concat!($($doc, "\n"),+),
        };
    };
}
pub(crate) use declare_rule;
