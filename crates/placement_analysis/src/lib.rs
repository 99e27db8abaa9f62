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
use std::sync::atomic::{AtomicUsize, Ordering};

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

/// [`check_project_with`] on a config already parsed (`parsed` must be `text`'s parse in the
/// format of `path`): the server keeps the parse of the text it last analysed.
pub fn check_project_parsed(
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

/// Everything after the parse: model → project → context → rules → suppressions.
fn analyze_parsed(
    path: &Path,
    text: &str,
    parsed: &syntax::ParsedConfig,
    files: Option<&dyn ProjectFiles>,
    inputs: Inputs,
) -> Vec<Diagnostic> {
    let two_threads = text.len() >= PARALLEL_RULES_FROM;
    analyze_parsed_on(path, text, parsed, files, inputs, two_threads)
}

/// [`analyze_parsed`], with the rules on one thread or two (the same diagnostics either way).
fn analyze_parsed_on(
    path: &Path,
    text: &str,
    parsed: &syntax::ParsedConfig,
    files: Option<&dyn ProjectFiles>,
    inputs: Inputs,
    two_threads: bool,
) -> Vec<Diagnostic> {
    let lines = std::sync::OnceLock::new();

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
        value_scopes: std::sync::OnceLock::new(),
    };

    let mut diagnostics = if !two_threads {
        let mut diagnostics = Vec::new();
        for (rule, check) in rules::alone() {
            check(&context, &mut Sink::new(rule, path, &mut diagnostics));
        }
        schema_walk::walk_with_rules(&context, rules::schema_walk_visitors(), &mut diagnostics);
        diagnostics
    } else {
        run_rules_on_two_threads(&context)
    };

    suppression::apply(&mut diagnostics, &context);
    sort_diagnostics(&mut diagnostics);
    diagnostics
}

/// The size of config text from which its rules run on two threads. The rules go through
/// every scope, each in turn: a config with thousands of environments takes milliseconds, which
/// a language server spends on each edit. Smaller configs (nearly all) stay on one thread, so
/// that the CLI, which checks configs in parallel already, pays no thread for them.
const PARALLEL_RULES_FROM: usize = 128 * 1024;

/// Runs the rules alone and the schema walk as tasks that two threads take in turn, then puts
/// their diagnostics in the order one thread would have produced them.
fn run_rules_on_two_threads(context: &Context<'_>) -> Vec<Diagnostic> {
    let alone: Vec<_> = rules::alone().collect();
    let tasks = alone.len() + 1;
    // The schema walk, the longest task, is taken first, so that the threads end together.
    let run = |task: usize, found: &mut Vec<Diagnostic>| match task.checked_sub(1) {
        None => schema_walk::walk_with_rules(context, rules::schema_walk_visitors(), found),
        Some(index) => {
            let (rule, check) = alone[index];
            check(context, &mut Sink::new(rule, context.path, found));
        }
    };
    let next = AtomicUsize::new(0);
    let work = || {
        let mut done = Vec::new();
        loop {
            let task = next.fetch_add(1, Ordering::Relaxed);
            if task >= tasks {
                break done;
            }
            let mut found = Vec::new();
            run(task, &mut found);
            done.push((task, found));
        }
    };
    let mut done = std::thread::scope(|threads| {
        let helper = threads.spawn(work);
        let mut done = work();
        done.extend(
            helper
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
        );
        done
    });
    // One thread's order: the rules alone in code order, then the schema walk.
    done.sort_by_key(|&(task, _)| if task == 0 { tasks } else { task });
    done.into_iter().flat_map(|(_, found)| found).collect()
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt::Write as _;

    /// The rules on two threads give exactly what they give on one: the same diagnostics of
    /// many rules, in the same order, on a config large enough to be checked on two.
    #[test]
    fn two_threads_report_what_one_thread_does() {
        let mut text = String::from(
            "name = \"api\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-13-01\"\n\
             node_compat = true\n[vars]\nA = \"1\"\n",
        );
        for index in 0..1_500 {
            let _ = write!(
                text,
                "[env.e{index}]\nname = \"api {index}\"\nroute = \"\"\nworkers_dev = \"no\"\n\
                 unknown_field = 1\nkv_namespaces = [{{ binding = \"B\", id = \"1\" }}, \
                 {{ binding = \"B\", id = \"2\" }}]\nvars = {{ ORIGIN = \"{index}\" }}\n\
                 [env.e{index}.placement]\nmode = \"fast\"\n"
            );
        }
        assert!(text.len() >= PARALLEL_RULES_FROM);
        let path = Path::new("wrangler.toml");
        let parsed = syntax::parse(&text, Format::Toml);
        let check = |two_threads| {
            analyze_parsed_on(path, &text, &parsed, None, Inputs::default(), two_threads)
        };
        let one = check(false);
        let codes: std::collections::BTreeSet<_> = one.iter().map(|d| d.rule.code).collect();
        assert!(
            codes.len() >= 6,
            "too few rules fired to compare: {codes:?}"
        );
        assert_eq!(check(true), one);
    }
}
