//! placement-lint's analysis: parses Wrangler configuration into one spanned tree, runs the rules
//! and computes fixes. It does no I/O: callers hand it text and get diagnostics back.

pub mod catalog;
mod context;
pub mod diagnostic;
pub mod discovery;
pub mod docs;
mod edits;
pub mod fix;
pub mod model;
pub mod placement;
pub mod project;
pub mod rule;
pub mod rules;
pub mod schema;
pub mod selection;
pub mod span;
pub mod suggest;
mod suppression;
pub mod syntax;
#[cfg(test)]
mod testing;

use std::path::Path;

pub use context::Context;
pub use diagnostic::{Applicability, Diagnostic, Edit, Fix, Related, Severity};
pub use rule::{FixAvailability, Rule};
pub use span::{LineColumn, LineIndex, Span};
pub use syntax::Format;

/// Every rule, in code order.
pub fn all_rules() -> impl Iterator<Item = &'static Rule> {
    rules::REGISTRY.iter().map(|(rule, _)| *rule)
}

/// A rule by its code (`PL101`) or name (`placement-hint-removed`), case-insensitively.
pub fn find_rule(code_or_name: &str) -> Option<&'static Rule> {
    all_rules().find(|rule| {
        rule.code.eq_ignore_ascii_case(code_or_name) || rule.name.eq_ignore_ascii_case(code_or_name)
    })
}

/// The format of a config file from its name (`wrangler.toml`), falling back to its extension.
pub fn format_of(path: &Path) -> Format {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    Format::from_file_name(name).unwrap_or_else(|| {
        if name.ends_with(".toml") {
            Format::Toml
        } else {
            Format::Json
        }
    })
}

/// Checks one config file's text and returns its diagnostics, sorted by position, with
/// suppression comments applied.
pub fn check_config(path: &Path, text: &str) -> Vec<Diagnostic> {
    let format = format_of(path);
    let parsed = syntax::parse(text, format);
    let lines = LineIndex::new(text);
    check_parsed(path, text, &lines, &parsed)
}

/// Like [`check_config`] on an already parsed file.
pub fn check_parsed(
    path: &Path,
    text: &str,
    lines: &LineIndex,
    parsed: &syntax::ParsedConfig,
) -> Vec<Diagnostic> {
    check_parsed_in_project(path, text, lines, parsed, None)
}

/// Runs every rule; the project rules only when `project` is given.
pub(crate) fn check_parsed_in_project(
    path: &Path,
    text: &str,
    lines: &LineIndex,
    parsed: &syntax::ParsedConfig,
    project: Option<&project::Project>,
) -> Vec<Diagnostic> {
    let mut context = Context::new(path, text, lines, parsed);
    context.project = project;
    rules::invalid_syntax::report(&mut context);
    for (_, check) in rules::REGISTRY {
        if let Some(check) = check {
            check(&mut context);
        }
    }
    let mut diagnostics = context.diagnostics;
    // Config suppression comments apply to the config's diagnostics; diagnostics in the
    // project's source files honour comments in those files.
    let (mut in_config, mut elsewhere): (Vec<_>, Vec<_>) =
        diagnostics.drain(..).partition(|d| d.file == path);
    suppression::apply(&mut in_config, text, lines, parsed.format);
    if let Some(project) = project {
        project::apply_source_suppressions(project, &mut elsewhere);
    }
    diagnostics = in_config;
    diagnostics.extend(elsewhere);
    sort_diagnostics(&mut diagnostics);
    diagnostics
}

/// Orders diagnostics by file, position and code, the order every output uses.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (&a.file, a.span.start, a.span.end, a.rule.code).cmp(&(
            &b.file,
            b.span.start,
            b.span.end,
            b.rule.code,
        ))
    });
}
