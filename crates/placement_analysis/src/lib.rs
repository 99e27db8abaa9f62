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
use project::ProjectFiles;
use project::deployments::deployments;

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
    let threads = rule_threads(text.len());
    analyze_parsed(path, text, parsed, Some(files), inputs, threads)
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
/// parse → model → context → rules → suppressions.
fn analyze_config(
    path: &Path,
    text: &str,
    files: Option<&dyn ProjectFiles>,
    inputs: Inputs,
) -> Vec<Diagnostic> {
    let parsed = syntax::parse(text, format_of(path));
    analyze_parsed(path, text, &parsed, files, inputs, rule_threads(text.len()))
}

/// Everything after the parse: model → context → rules (the project loaded among them, on
/// `threads` threads) → suppressions.
fn analyze_parsed(
    path: &Path,
    text: &str,
    parsed: &syntax::ParsedConfig,
    files: Option<&dyn ProjectFiles>,
    inputs: Inputs,
    threads: usize,
) -> Vec<Diagnostic> {
    debug_assert_eq!(parsed.format, format_of(path));
    let lines = std::sync::OnceLock::new();

    let model = ConfigModel::new(&parsed.root);
    let placements = PlacementSite::collect(&model);
    let deployments = deployments(&model, &placements);

    let context = Context {
        path,
        text,
        lines: &lines,
        parsed,
        model: &model,
        placements: &placements,
        deployments: &deployments,
        files,
        project: std::sync::OnceLock::new(),
        today: inputs.today,
        value_scopes: std::sync::OnceLock::new(),
    };

    let mut diagnostics = run_rules(&context, threads);
    suppression::apply(&mut diagnostics, &context);
    sort_diagnostics(&mut diagnostics);
    diagnostics
}

/// A config of at least this many bytes has its rules run on several threads: below it the
/// rules take under a millisecond, less than a thread's start costs to win back. Many small
/// configs (a monorepo) are already checked on several threads, one config each.
const RULE_THREADS_FROM_BYTES: usize = 64 * 1024;

/// At most this many threads for one config's rules: the schema walk alone is a fifth of
/// the work, so more threads would mostly wait for it.
const MAX_RULE_THREADS: usize = 4;

/// The threads a config of `bytes` has its rules run on: several when it is large.
fn rule_threads(bytes: usize) -> usize {
    if bytes >= RULE_THREADS_FROM_BYTES {
        available_threads().min(MAX_RULE_THREADS)
    } else {
        1
    }
}

/// Runs every rule on `threads` threads, returning their diagnostics in the same order
/// whatever the number (rule after rule, the schema walk's last), so that the output never
/// depends on the machine.
fn run_rules(context: &Context<'_>, threads: usize) -> Vec<Diagnostic> {
    if threads <= 1 {
        // Into one list, in that order, with no task list: most configs are small, and a
        // monorepo checks thousands of them (the project loads when a rule first asks).
        let mut diagnostics = Vec::new();
        for (rule, check) in rules::alone() {
            check(
                context,
                &mut Sink::new(rule, context.path, &mut diagnostics),
            );
        }
        schema_walk::walk_with_rules(context, rules::schema_walk_visitors(), &mut diagnostics);
        return diagnostics;
    }
    // The schema walk is the largest task: first, so that no thread takes it last. Then the
    // project's loading, which the project rules wait for: the config rules go on meanwhile.
    let tasks: Vec<RuleTask> = [RuleTask::SchemaWalk, RuleTask::LoadProject]
        .into_iter()
        .chain(rules::alone().map(|(rule, check)| RuleTask::Alone(rule, check)))
        .collect();
    let mut found: Vec<Vec<Diagnostic>> = {
        let next = std::sync::atomic::AtomicUsize::new(0);
        let take_tasks = || {
            let mut done = Vec::new();
            loop {
                let index = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(task) = tasks.get(index) else {
                    return done;
                };
                done.push((index, task.run(context)));
            }
        };
        let mut done = std::thread::scope(|scope| {
            let helpers: Vec<_> = (1..threads).map(|_| scope.spawn(take_tasks)).collect();
            let mut done = take_tasks();
            for helper in helpers {
                // A rule that panics panics the check, as it does on one thread.
                done.extend(
                    helper
                        .join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
                );
            }
            done
        });
        done.sort_unstable_by_key(|(index, _)| *index);
        done.into_iter().map(|(_, found)| found).collect()
    };
    // Back to the order of one thread: the rules checked alone, then the schema walk (the
    // project's loading reports nothing).
    found.rotate_left(1);
    found.into_iter().flatten().collect()
}

/// One unit of a config's check that a thread takes whole.
enum RuleTask {
    SchemaWalk,
    LoadProject,
    Alone(&'static Rule, fn(&Context<'_>, &mut Sink<'_>)),
}

impl RuleTask {
    fn run(&self, context: &Context<'_>) -> Vec<Diagnostic> {
        let mut found = Vec::new();
        match self {
            RuleTask::SchemaWalk => {
                schema_walk::walk_with_rules(context, rules::schema_walk_visitors(), &mut found)
            }
            RuleTask::LoadProject => {
                context.project();
            }
            RuleTask::Alone(rule, check) => {
                check(context, &mut Sink::new(rule, context.path, &mut found))
            }
        }
        found
    }
}

/// The threads this process may run at once, asked once: the answer reads cgroup files.
fn available_threads() -> usize {
    static THREADS: std::sync::OnceLock<usize> = std::sync::OnceLock::new();
    *THREADS.get_or_init(|| std::thread::available_parallelism().map_or(1, usize::from))
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

    /// A large config with something for many rules to report in each environment: the rules
    /// run on several threads give the diagnostics they give on one, in the same order.
    #[test]
    fn rules_on_several_threads_report_what_one_thread_does() {
        let mut toml = String::from(
            "name = \"api\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2025-13-01\"\n\
             unknown_top = 1\n[placement]\nmode = \"smart\"\nhint = \"wnam\"\n",
        );
        let mut json = String::from("{ \"name\": \"api\", \"env\": {");
        for i in 0..600 {
            toml.push_str(&format!(
                "[env.e{i}]\nname = \"Bad Name {i}\"\nroute = \"https://e{i}.example.com/*\"\n\
                 workers_dev = \"yes\"\ncompatibility_date = \"2025–01–0{}\"\n\
                 vars = {{ API_TOKEN = \"sk_live_{i}\", ORIGIN = \"e{i}\" }}\n\
                 kv_namespaces = [{{ binding = \"KV\", id = \"a\" }}, {{ binding = \"KV\" }}]\n\
                 limits = {{ cpu_ms = -{i} }}\nplacement = {{ mode = \"fast\" }}\n",
                i % 9 + 1
            ));
            json.push_str(&format!(
                "{}\"e{i}\": {{ \"name\": \"Bad_{i}\", \"routes\": [\"e{i}.example.com\", \"\"], \
                 \"main\": 7, \"vars\": {{ \"PASSWORD\": \"hunter{i}\" }}, \"unknown\": true, \
                 \"placement\": {{ \"mode\": \"smart\", \"region\": \"x\", \"host\": \"y\" }} }}",
                if i == 0 { "" } else { ", " }
            ));
        }
        json.push_str("} }");
        // A Worker with Smart Placement and no backend call, and a Pages project: the project
        // rules report too.
        let files = testing::MemoryFiles::new(&[
            (
                "src/index.ts",
                "export default { async fetch() { return new Response('hi') } }",
            ),
            (
                "functions/_middleware.ts",
                "export const onRequest = () => new Response('x')",
            ),
        ]);
        for (name, text) in [("wrangler.toml", toml), ("wrangler.jsonc", json)] {
            assert!(text.len() >= RULE_THREADS_FROM_BYTES, "{name} is large");
            let path = Path::new(name);
            let parsed = syntax::parse(&text, format_of(path));
            let inputs = testing::inputs();
            let alone = analyze_parsed(path, &text, &parsed, Some(&files), inputs, 1);
            let codes: std::collections::BTreeSet<_> = alone
                .iter()
                .map(|diagnostic| diagnostic.rule.code)
                .collect();
            assert!(alone.len() > 3_000, "{name}: {} diagnostics", alone.len());
            assert!(codes.len() >= 8, "{name}: {codes:?}");
            assert!(
                codes.iter().any(|code| code.starts_with("PL2")),
                "{name}: {codes:?}"
            );
            for threads in [2, 3, 8] {
                let shared = analyze_parsed(path, &text, &parsed, Some(&files), inputs, threads);
                assert!(shared == alone, "{name} on {threads} threads");
            }
        }
    }
}
