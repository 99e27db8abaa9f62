use rustc_hash::FxHashMap;

use crate::context::{Context, Sink};
use crate::date::{Date, IsoParts, days_in_month};
use crate::diagnostic::{Applicability, Edit, Fix, Related, Severity};
use crate::model::{Scope, ScopeKind};
use crate::project::deployments::pages_build_output_dir;
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;
use crate::syntax::{Entry, NodeKind};
use crate::wording::{Reach, environments_suffix};

declare_rule! {
    /// ## What it does
    /// Checks `compatibility_date` at the top level, in `[previews]` and in every
    /// `[env.NAME]`:
    /// - **missing** for a Worker with `main`: `wrangler deploy` refuses to upload it ("A
    ///   compatibility_date is required when uploading a Worker") and `wrangler dev` falls back
    ///   to the runtime's newest date (a warning; wrangler's config validation accepts it);
    /// - **not a date** wrangler can read (`2024-13-01`, `latest`, en dashes): wrangler refuses
    ///   the config (an error);
    /// - **a day that does not exist** (`2024-02-30`) or **not written `YYYY-MM-DD`**
    ///   (`2024-2-3`): wrangler's check (JavaScript's `Date`) lets it through, rolling
    ///   `2024-02-30` over to March 1st, but the runtime reads compatibility dates as
    ///   `YYYY-MM-DD` (a warning);
    /// - **in the future**: the Workers runtime refuses it ("Can't set compatibility date in
    ///   the future"), so `wrangler dev` fails (an error; today's date is an input of the check,
    ///   UTC);
    /// - **newer than the installed runtime says it supports** (when checking a project): the
    ///   `workerd` installed with the project's wrangler (`node_modules/workerd/package.json`,
    ///   version `1.YYYYMMDD.N`) declares dates up to `YYYY-MM-DD`, which wrangler also uses as
    ///   its default date. The runtime binary itself accepts a few days more (the binary of
    ///   workerd 1.20261117.1 refuses later dates with "the newest date supported by this
    ///   server binary is 2026-11-24"), so this is a warning: update wrangler, or use an
    ///   earlier date.
    ///
    /// Pages configs (`pages_build_output_dir`) are not checked for a missing date.
    ///
    /// ## Why is this bad?
    /// The compatibility date chooses the runtime behaviour a Worker gets. Without one, or with
    /// one the runtime cannot use, the Worker does not deploy or does not start locally.
    ///
    /// ## Example
    /// ```toml
    /// main = "src/index.ts"
    /// compatibility_date = "2024–09–23"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "compatibility_date": "2024-02-30" }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// main = "src/index.ts"
    /// compatibility_date = "2024-09-23"
    /// ```
    ///
    /// ## Fix safety
    /// En or em dashes are replaced with hyphens: a safe fix, since it writes the date the author
    /// meant. Other cases have no fix: the right date is the author's choice.
    ///
    /// ## References
    /// - [Compatibility dates](https://developers.cloudflare.com/workers/configuration/compatibility-dates/)
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static INVALID_COMPATIBILITY_DATE = {
        code: "PL320",
        name: "invalid-compatibility-date",
        severity: Error,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        summary: "`compatibility_date` is missing, not a date, in the future, or newer than the installed runtime",
    }
}

/// What a `compatibility_date` string is, as wrangler and the runtime read it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Reading {
    Valid(Date),
    /// En or em dashes instead of hyphens: wrangler refuses it.
    Dashes,
    /// JavaScript's `Date` cannot read it: wrangler refuses it.
    Unreadable,
    /// `YYYY-MM-DD` of a day the month lacks; JavaScript rolls it over.
    NoSuchDay {
        parts: IsoParts,
    },
    /// Not `YYYY-MM-DD`, in a form JavaScript may read (`2024-2-3`, `2024/02/03`).
    NotIso,
}

fn read(text: &str) -> Reading {
    if text.contains(['\u{2013}', '\u{2014}']) {
        return Reading::Dashes;
    }
    if let Some(parts) = IsoParts::parse(text) {
        // JavaScript's ISO parser takes any day up to 31 and rolls it into the next month.
        if !(1..=12).contains(&parts.month) || !(1..=31).contains(&parts.day) {
            return Reading::Unreadable;
        }
        return match Date::new(parts.year, parts.month, parts.day) {
            Some(date) => Reading::Valid(date),
            None => Reading::NoSuchDay { parts },
        };
    }
    // JavaScript reads no date from text without a digit (`latest`, `today`, ``).
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return Reading::Unreadable;
    }
    Reading::NotIso
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    // `[previews]` takes no `compatibility_date` (wrangler calls it unexpected there).
    for scope in ctx
        .model
        .scopes
        .iter()
        .filter(|s| s.kind != ScopeKind::Previews)
    {
        if let Some(entry) = scope.table.get("compatibility_date") {
            check_date(ctx, sink, scope, entry);
        }
    }
    report_missing(ctx, sink);
}

fn check_date(ctx: &Context<'_>, sink: &mut Sink<'_>, scope: &Scope<'_>, entry: &Entry) {
    let NodeKind::String(text) = &entry.value.kind else {
        return; // A wrong type is PL004's.
    };
    let environments = ctx.model.environments_using(scope, "compatibility_date");
    let path = scope.path("compatibility_date");
    let suffix = scope.inherited_suffix(&environments);
    let span = entry.value.span;
    match read(text) {
        Reading::Dashes => {
            let fixed = text.replace(['\u{2013}', '\u{2014}'], "-");
            let diagnostic = sink
                .report(
                    span,
                    format!(
                        "wrangler refuses this config: `{path}` uses en or em dashes instead of \
                     hyphens{suffix}"
                    ),
                )
                .with_help(format!("write `{fixed}`"))
                .with_environments(&environments);
            // Only when the value is written as it reads (no escapes), so the edit is exact.
            let inside = inner(span);
            if ctx.text.get(inside.start..inside.end) == Some(text.as_str()) {
                diagnostic.with_fix(Fix::new(
                    format!("Write `{fixed}`"),
                    Applicability::Safe,
                    vec![Edit::replace(inside, fixed)],
                ));
            }
        }
        Reading::Unreadable => {
            sink.report(
                span,
                format!(
                    "wrangler refuses this config: `{path}` is {}, not a date (YYYY-MM-DD){suffix}",
                    entry.value.describe()
                ),
            )
            .with_help("write the date the Worker was last tested on, such as `2025-01-15`")
            .with_environments(&environments);
        }
        Reading::NoSuchDay { parts } => {
            sink.report(
                span,
                format!(
                    "`{path}` is {}, a day that does not exist ({:04}-{:02} has {} days): \
                     wrangler lets it through as a later day, but Cloudflare reads compatibility \
                     dates as YYYY-MM-DD{suffix}",
                    entry.value.describe(),
                    parts.year,
                    parts.month,
                    days_in_month(parts.year, parts.month),
                ),
            )
            .with_severity(Severity::Warning)
            .with_help("write a day that exists")
            .with_environments(&environments);
        }
        Reading::NotIso => {
            sink.report(
                span,
                format!(
                    "`{path}` is {}, not written YYYY-MM-DD: wrangler may accept it, but the \
                     Workers runtime reads compatibility dates as YYYY-MM-DD{suffix}",
                    entry.value.describe()
                ),
            )
            .with_severity(Severity::Warning)
            .with_help("write the date as YYYY-MM-DD, such as `2025-01-15`")
            .with_environments(&environments);
        }
        Reading::Valid(date) => {
            // The message leaves today's date out, so that it reads the same every day.
            if ctx.today.is_some_and(|today| date > today) {
                sink.report(
                    span,
                    format!(
                        "`{path}` {date} is in the future (UTC): the Workers runtime refuses it, \
                         so `wrangler dev` fails, and Cloudflare does not run a date it has not \
                         reached{suffix}"
                    ),
                )
                .with_help("use today's date or an earlier one")
                .with_environments(&environments);
                return;
            }
            let runtime = ctx
                .project()
                .and_then(|project| project.wrangler.runtime_date());
            if let Some((supported, source)) = runtime.filter(|(supported, _)| date > *supported) {
                sink.report(
                    span,
                    format!(
                        "`{path}` {date} is newer than the installed Workers runtime says it \
                         supports (workerd {}, up to {supported}): `wrangler dev` fails once the \
                         date is past what the runtime binary accepts{suffix}",
                        source.text
                    ),
                )
                .with_severity(Severity::Warning)
                .with_help(format!(
                    "update wrangler (`npm install -D wrangler@latest`), or use {supported} or \
                     an earlier date"
                ))
                .with_environments(&environments)
                .with_related([Related {
                    file: source.file.clone(),
                    span: source.span,
                    message: format!("the installed runtime supports dates up to {supported}"),
                }]);
            }
        }
    }
}

/// Every deployed Worker (a scope with `main`, own or inherited) that has no date, own or
/// inherited, reported once at the `main` it deploys.
fn report_missing(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if pages_build_output_dir(ctx.model).is_some() {
        return;
    }
    // (the `main` entry's key span, the environments deploying it without a date), with the
    // index of each span: thousands of environments may each have their own `main`.
    let mut missing: Vec<(Span, bool, Vec<String>)> = Vec::new();
    let mut index_of: FxHashMap<usize, usize> = FxHashMap::default();
    for deployment in ctx
        .deployments
        .iter()
        .filter(|deployment| deployment.scope.kind != ScopeKind::Previews)
    {
        let (Some(main), None) = (
            deployment.main.filter(|_| deployment.main_path().is_some()),
            ctx.model.effective(deployment.scope, "compatibility_date"),
        ) else {
            continue;
        };
        let index = *index_of.entry(main.key_span.start).or_insert_with(|| {
            missing.push((main.key_span, false, Vec::new()));
            missing.len() - 1
        });
        match deployment.environment() {
            Some(name) => missing[index].2.push(name.to_owned()),
            None => missing[index].1 = true,
        }
    }
    for (span, top_level, environments) in missing {
        let suffix = environments_suffix(
            &environments,
            if top_level {
                Reach::TopLevelAnd
            } else {
                Reach::In
            },
        );
        sink.report(
            span,
            format!(
                "this Worker has no `compatibility_date`: `wrangler deploy` refuses to upload it \
                 and `wrangler dev` falls back to the runtime's newest date{suffix}"
            ),
        )
        .with_severity(Severity::Warning)
        .with_help(
            "add `compatibility_date = \"YYYY-MM-DD\"` at the top level, with the date the Worker \
             was last tested on",
        )
        .with_environments(&environments);
    }
}

/// The span inside a string value's quotes.
fn inner(span: Span) -> Span {
    Span::new(
        span.start + 1,
        span.end.saturating_sub(1).max(span.start + 1),
    )
}

#[cfg(test)]
mod tests {
    use crate::Severity;
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_project_rule, assert_rule};

    #[test]
    fn refuses_what_wrangler_refuses() {
        assert_rule(
            "PL320",
            Format::Toml,
            r#"main = "src/index.ts"
compatibility_date = "2024-13-01"
                     ^^^^^^^^^^^^ PL320: wrangler refuses this config
[env.staging]
compatibility_date = "latest"
                     ^^^^^^^^ PL320: `env.staging.compatibility_date` is "latest", not a date
[env.ok]
compatibility_date = "2024-09-23"
"#,
        );
        let diagnostics = assert_rule(
            "PL320",
            Format::Json,
            r#"{ "main": "a.ts", "compatibility_date": "2024–09–23", "env": { "a": {} } }
                                        ^^^^^^^^^^^^^^^^ PL320: hyphens (inherited by environment `a`)
"#,
        );
        assert_eq!(diagnostics[0].severity, Severity::Error);
        assert_eq!(diagnostics[0].environments, ["a"]);
    }

    #[test]
    fn dashes_become_hyphens() {
        assert_eq!(
            apply_fix(
                "PL320",
                Format::Toml,
                "main = \"a.ts\"\ncompatibility_date = \"2024\u{2014}09\u{2013}23\"\n"
            ),
            "main = \"a.ts\"\ncompatibility_date = \"2024-09-23\"\n"
        );
        assert_eq!(
            apply_fix(
                "PL320",
                Format::Json,
                "{ \"main\": \"a.ts\", \"compatibility_date\": \"2024\u{2013}09\u{2013}23\" }"
            ),
            "{ \"main\": \"a.ts\", \"compatibility_date\": \"2024-09-23\" }"
        );
    }

    #[test]
    fn warns_on_days_that_do_not_exist_and_other_forms() {
        let diagnostics = assert_rule(
            "PL320",
            Format::Toml,
            r#"main = "a.ts"
compatibility_date = "2024-02-30"
                     ^^^^^^^^^^^^ PL320: 2024-02 has 29 days
[env.x]
compatibility_date = "2024-2-3"
                     ^^^^^^^^^^ PL320: not written YYYY-MM-DD
[previews]
compatibility_date = "2024-2-3"
"#,
        );
        assert!(diagnostics.iter().all(|d| d.severity == Severity::Warning));
    }

    #[test]
    fn refuses_dates_in_the_future() {
        // The tests run on 2026-06-15.
        assert_rule(
            "PL320",
            Format::Json,
            r#"{
  "main": "a.ts",
  "compatibility_date": "2026-06-15",
  "env": { "next": { "compatibility_date": "2026-06-16" } }
                                           ^^^^^^^^^^^^ PL320: 2026-06-16 is in the future (UTC)
}
"#,
        );
    }

    #[test]
    fn warns_when_a_worker_has_no_date() {
        let diagnostics = assert_rule(
            "PL320",
            Format::Toml,
            r#"main = "src/index.ts"
^^^^ PL320: (top level and environment `staging`)
[env.staging]
name = "s"
[env.dated]
compatibility_date = "2025-01-01"
[env.api]
main = "src/api.ts"
^^^^ PL320: (in environment `api`)
"#,
        );
        assert!(diagnostics.iter().all(|d| d.severity == Severity::Warning));
        assert_eq!(diagnostics[0].environments, ["staging"]);
        // Pages projects and configs without a Worker script are left alone.
        assert_rule(
            "PL320",
            Format::Toml,
            "pages_build_output_dir = \"dist\"\nmain = \"a.ts\"\n",
        );
        assert_rule(
            "PL320",
            Format::Json,
            r#"{ "name": "x", "assets": { "directory": "p" } }"#,
        );
        assert_rule(
            "PL320",
            Format::Json,
            r#"{ "main": "a.ts", "compatibility_date": "2025-01-01" }"#,
        );
    }

    #[test]
    fn refuses_dates_newer_than_the_installed_runtime() {
        let diagnostics = assert_project_rule(
            "PL320",
            &[
                (
                    "wrangler.toml",
                    r#"main = "a.ts"
compatibility_date = "2026-05-02"
                     ^^^^^^^^^^^^ PL320: newer than the installed Workers runtime says it supports (workerd 1.20260501.0, up to 2026-05-01)
[env.old]
compatibility_date = "2026-05-01"
"#,
                ),
                (
                    "package.json",
                    r#"{ "devDependencies": { "wrangler": "^4" } }"#,
                ),
                (
                    "node_modules/wrangler/package.json",
                    r#"{ "name": "wrangler", "version": "4.90.0" }"#,
                ),
                (
                    "node_modules/workerd/package.json",
                    r#"{ "name": "workerd", "version": "1.20260501.0" }"#,
                ),
            ],
        );
        assert_eq!(diagnostics[0].severity, Severity::Warning);
        assert_eq!(
            diagnostics[0].related[0].file.to_str(),
            Some("node_modules/workerd/package.json")
        );
        // A runtime nested under wrangler wins over a hoisted one.
        assert_project_rule(
            "PL320",
            &[
                (
                    "wrangler.jsonc",
                    r#"{ "main": "a.ts", "compatibility_date": "2026-05-02" }"#,
                ),
                (
                    "node_modules/wrangler/package.json",
                    r#"{ "name": "wrangler", "version": "4.90.0" }"#,
                ),
                (
                    "node_modules/wrangler/node_modules/workerd/package.json",
                    r#"{ "name": "workerd", "version": "1.20260601.0" }"#,
                ),
                (
                    "node_modules/workerd/package.json",
                    r#"{ "name": "workerd", "version": "1.20260101.0" }"#,
                ),
            ],
        );
    }
}
