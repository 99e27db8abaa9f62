//! placement-lint's analysis: parses Wrangler configuration into one spanned tree, runs the rules
//! and computes fixes. It does no I/O: callers hand it text and get diagnostics back.

pub mod catalog;
mod context;
pub mod date;
pub mod diagnostic;
pub mod discovery;
pub mod docs;
mod edits;
mod env_edits;
pub mod fix;
pub mod model;
pub mod path_key;
pub mod placement;
pub mod project;
mod routes;
pub mod rule;
pub mod rules;
pub mod schema;
mod schema_walk;
pub mod selection;
pub mod settings;
pub mod span;
pub mod suggest;
mod suppression;
pub mod syntax;
#[cfg(test)]
mod testing;
mod value_sites;
pub mod wording;
pub mod workers;

use std::path::Path;

use model::ConfigModel;
use placement::PlacementSite;
use project::deployments::deployments;
use project::{Project, ProjectFiles};

pub use context::{Context, Sink};
pub use diagnostic::{Applicability, Diagnostic, Edit, FileChange, Fix, Related, Severity};
pub use rule::{FixAvailability, Rule};
pub use span::{LineColumn, LineIndex, Span};
pub use suppression::DIRECTIVE as SUPPRESSION_DIRECTIVE;
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
/// suppression comments applied. The project rules do not run: they need the files around it
/// ([`check_project`]).
pub fn check_config(path: &Path, text: &str) -> Vec<Diagnostic> {
    analyze_config(path, text, None, Inputs::default())
}

/// [`check_config`] with the inputs from outside the text (today's date).
pub fn check_config_with(path: &Path, text: &str, inputs: Inputs) -> Vec<Diagnostic> {
    analyze_config(path, text, None, inputs)
}

/// Checks a config together with its project: every config rule, plus the rules that read the
/// files around it through `files`. Diagnostics may point into those files.
pub fn check_project(path: &Path, text: &str, files: &dyn ProjectFiles) -> Vec<Diagnostic> {
    analyze_config(path, text, Some(files), Inputs::default())
}

/// [`check_project`] with the inputs from outside the files (today's date).
pub fn check_project_with(
    path: &Path,
    text: &str,
    files: &dyn ProjectFiles,
    inputs: Inputs,
) -> Vec<Diagnostic> {
    analyze_config(path, text, Some(files), inputs)
}

/// [`check_project_with`] of a config parsed already: `parsed` must be what
/// [`syntax::parse`] gives for `text` in [`format_of`]`(path)`, as [`syntax::reparse`] does
/// after an edit inside a string (the language server keeps the previous parse).
pub fn check_parsed_project_with(
    path: &Path,
    text: &str,
    parsed: &syntax::ParsedConfig,
    files: &dyn ProjectFiles,
    inputs: Inputs,
) -> Vec<Diagnostic> {
    analyze_parsed(path, text, parsed, Some(files), inputs)
}

/// What the analysis takes from outside the config and its files. The analysis reads no clock:
/// the front ends pass today's date, tests a fixed one, so results are reproducible.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Inputs {
    /// Today's UTC date; `None` leaves out the checks that compare dates with it (a
    /// `compatibility_date` in the future).
    pub today: Option<date::Date>,
}

/// The whole analysis of one config, each stage built once and handed down:
/// parse → model → project → context → rules → suppressions.
fn analyze_config(
    path: &Path,
    text: &str,
    files: Option<&dyn ProjectFiles>,
    inputs: Inputs,
) -> Vec<Diagnostic> {
    let parsed = syntax::parse(text, format_of(path));
    analyze_parsed(path, text, &parsed, files, inputs)
}

/// [`analyze_config`] from the parse on.
fn analyze_parsed(
    path: &Path,
    text: &str,
    parsed: &syntax::ParsedConfig,
    files: Option<&dyn ProjectFiles>,
    inputs: Inputs,
) -> Vec<Diagnostic> {
    debug_assert_eq!(parsed.format, format_of(path));
    let lines = LineIndex::new(text);

    let model = ConfigModel::new(&parsed.root);
    let placements = PlacementSite::collect(&model);
    let deployments = deployments(&model, &placements);

    let project = files.map(|files| Project::load(path, &model, &placements, &deployments, files));

    let context = Context {
        path,
        text,
        lines: &lines,
        parsed,
        model: &model,
        placements: &placements,
        deployments: &deployments,
        project: project.as_ref(),
        today: inputs.today,
    };

    let mut diagnostics = Vec::new();
    for (rule, check) in rules::alone() {
        check(&context, &mut Sink::new(rule, path, &mut diagnostics));
    }
    schema_walk::walk_with_rules(&context, rules::schema_walk_visitors(), &mut diagnostics);

    suppression::apply(&mut diagnostics, &context);
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
