use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::placement::{PlacementSite, Shape};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Entry, Format, Node, NodeKind};

declare_rule! {
    /// ## What it does
    /// Reports a `placement` that is not a table, and a `placement` or `assets` value of the wrong
    /// type or outside its allowed values: `mode`, `hint`, `region`, `host`, `hostname`,
    /// `assets.directory`, `assets.binding`, `assets.base_path` must be strings,
    /// `assets.html_handling` and `assets.not_found_handling` one of their values, and
    /// `assets.run_worker_first` a boolean or an array of route patterns.
    ///
    /// ## Why is this bad?
    /// wrangler rejects these configs at deploy time (`The field "placement" should be an object
    /// but got "smart".`), so a CI that only runs `wrangler deploy` finds out too late.
    ///
    /// ## Example
    /// ```toml
    /// placement = "smart"
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": 1 }, "assets": { "run_worker_first": "yes" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// placement = { mode = "smart" }
    /// ```
    ///
    /// ## Fix safety
    /// `placement = "smart"` (or `"off"`) is rewritten to `{ mode = "smart" }`; the fix is unsafe
    /// because it turns a rejected config into a deployed placement.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Static assets configuration](https://developers.cloudflare.com/workers/static-assets/binding/)
    pub static WRONG_TYPE = {
        code: "PL004",
        name: "wrong-type",
        severity: Error,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "`placement` is not a table, or a placement/assets value has the wrong type",
    }
}

const ASSETS_STRINGS: &[&str] = &["directory", "binding", "base_path"];
const HTML_HANDLING: &[&str] = &[
    "auto-trailing-slash",
    "force-trailing-slash",
    "drop-trailing-slash",
    "none",
];
const NOT_FOUND_HANDLING: &[&str] = &["single-page-application", "404-page", "none"];

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    check_root(ctx, sink);
    check_placements(ctx, sink);
    check_assets(ctx, sink);
}

/// A JSON root that is not an object. wrangler reads an array as a config with no settings
/// (a warning: it deploys nothing you wrote) and fails on a string, number, boolean or null.
fn check_root(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some((span, kind)) = ctx.parsed.root_not_object.clone() else {
        return;
    };
    let array = kind == "an array";
    let consequence = if array {
        "wrangler reads it as a config with no settings"
    } else {
        "wrangler cannot use it"
    };
    let diagnostic = sink
        .report(
            span,
            format!("the configuration is {kind}, not a JSON object: {consequence}"),
        )
        .with_help("write the configuration as one JSON object: `{ \"name\": \"my-worker\" }`");
    if array {
        diagnostic.severity = crate::Severity::Warning;
    }
}

fn check_placements(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let format = ctx.format();
    for site in ctx.placements {
        let suffix = site.environments_suffix();
        let path = site.scope.path("placement");
        let (table, hint_is_read) = match site.shape() {
            Shape::Hint(table) => (table, true),
            Shape::HintWithTargets(table) | Shape::Targeted(table) | Shape::ModeOnly(table) => {
                (table, false)
            }
            Shape::NotTable => {
                report_not_table(sink, site, &path, &suffix, format);
                continue;
            }
        };
        // `hint` must be a string only on the paths where wrangler looks at it.
        let mut string_keys = vec!["mode", "region", "host", "hostname"];
        if hint_is_read {
            string_keys.push("hint");
        }
        for entry in &table.entries {
            if string_keys.contains(&entry.key.as_str()) && entry.value.as_str().is_none() {
                let key_path = site.path(&entry.key);
                report_not_string(sink, entry, &key_path, &suffix, &site.environments);
            }
        }
    }
}

/// `placement = "smart"`: a fix rewrites it as a table when the string is a mode.
fn report_not_table(
    sink: &mut Sink<'_>,
    site: &PlacementSite<'_>,
    path: &str,
    suffix: &str,
    format: Format,
) {
    let value = &site.entry.value;
    let message = format!(
        "`{path}` must be a table, but it is {}{suffix}: wrangler rejects the config",
        article(value)
    );
    let diagnostic = sink
        .report(value.span, message)
        .with_help(format!(
            "write `{}`",
            placement_table_text(format, value.as_str().unwrap_or("smart"))
        ))
        .with_environments(&site.environments);
    if let Some(mode @ ("smart" | "off")) = value.as_str() {
        diagnostic.with_fix(Fix {
            title: format!("Rewrite as `{}`", placement_table_text(format, mode)),
            applicability: Applicability::Unsafe,
            edits: vec![Edit::replace(
                value.span,
                placement_table_text(format, mode),
            )],
        });
    }
}

fn check_assets(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        let Some(entry) = scope.table.get("assets") else {
            continue;
        };
        let environments = ctx.model.environments_using(scope, "assets");
        let suffix = scope.inherited_suffix(&environments);
        let path = scope.path("assets");
        let Some(table) = entry.value.as_table() else {
            let message = format!(
                "`{path}` must be a table, but it is {}{suffix}: wrangler rejects the config",
                article(&entry.value)
            );
            sink.report(entry.value.span, message)
                .with_help("write `assets = { directory = \"./public\" }`")
                .with_environments(&environments);
            continue;
        };
        for field in &table.entries {
            let field_path = format!("{path}.{}", field.key);
            match field.key.as_str() {
                key if ASSETS_STRINGS.contains(&key) && field.value.as_str().is_none() => {
                    report_not_string(sink, field, &field_path, &suffix, &environments);
                }
                "html_handling" => check_choice(
                    sink,
                    field,
                    &field_path,
                    HTML_HANDLING,
                    &suffix,
                    &environments,
                ),
                "not_found_handling" => check_choice(
                    sink,
                    field,
                    &field_path,
                    NOT_FOUND_HANDLING,
                    &suffix,
                    &environments,
                ),
                "run_worker_first" => {
                    check_run_worker_first(sink, field, &field_path, &suffix, &environments)
                }
                _ => {}
            }
        }
    }
}

fn check_choice(
    sink: &mut Sink<'_>,
    field: &Entry,
    path: &str,
    choices: &[&str],
    suffix: &str,
    environments: &[String],
) {
    if field
        .value
        .as_str()
        .is_some_and(|value| choices.contains(&value))
    {
        return;
    }
    let expected = choices
        .iter()
        .map(|choice| format!("\"{choice}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let message = format!(
        "`{path}` must be one of {expected}, but it is {}{suffix}: wrangler rejects the config",
        article(&field.value)
    );
    let diagnostic = sink
        .report(field.value.span, message)
        .with_help(format!("use one of {expected}"))
        .with_environments(environments);
    if let Some(suggestion) = field
        .value
        .as_str()
        .and_then(|value| crate::suggest::closest(value, choices.iter().copied()))
    {
        diagnostic.with_fix(Fix {
            title: format!("Replace with \"{suggestion}\""),
            applicability: Applicability::Unsafe,
            edits: vec![Edit::replace(
                field.value.span,
                crate::edits::string_literal(suggestion),
            )],
        });
    }
}

fn check_run_worker_first(
    sink: &mut Sink<'_>,
    field: &Entry,
    path: &str,
    suffix: &str,
    environments: &[String],
) {
    let bad = match &field.value.kind {
        NodeKind::Bool(_) => None,
        NodeKind::Array(items) => items.iter().find(|item| item.as_str().is_none()),
        _ => Some(&field.value),
    };
    if let Some(bad) = bad {
        let message = format!(
            "`{path}` must be a boolean or an array of route pattern strings, but {} is {}{suffix}: \
             wrangler rejects the config",
            if std::ptr::eq(bad, &field.value) {
                "it"
            } else {
                "an element"
            },
            article(bad)
        );
        sink.report(bad.span, message)
            .with_help("write `run_worker_first = true` or `run_worker_first = [\"/api/*\"]`")
            .with_environments(environments);
    }
}

fn report_not_string(
    sink: &mut Sink<'_>,
    entry: &Entry,
    path: &str,
    suffix: &str,
    environments: &[String],
) {
    let message = format!(
        "`{path}` must be a string, but it is {}{suffix}: wrangler rejects the config",
        article(&entry.value)
    );
    let help = match &entry.value.kind {
        NodeKind::Number(text) | NodeKind::Datetime(text) => format!("quote it: `\"{text}\"`"),
        NodeKind::Bool(value) => format!("quote it: `\"{value}\"`"),
        _ => format!("write `{}` as a string", entry.key),
    };
    sink.report(entry.value.span, message)
        .with_help(help)
        .with_environments(environments);
}

/// "the string \"smart\"", "the number 1", "an array", "a table", "null".
fn article(value: &Node) -> String {
    match &value.kind {
        NodeKind::String(_) => format!("the string {}", value.describe()),
        NodeKind::Number(_) => format!("the number {}", value.describe()),
        NodeKind::Bool(_) => format!("the boolean {}", value.describe()),
        NodeKind::Datetime(_) => format!("the date-time {}", value.describe()),
        NodeKind::Null => "null".to_owned(),
        NodeKind::Table(_) | NodeKind::Array(_) => value.describe(),
    }
}

fn placement_table_text(format: Format, mode: &str) -> String {
    match format {
        Format::Toml => format!("{{ mode = \"{mode}\" }}"),
        Format::Json => format!("{{ \"mode\": \"{mode}\" }}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn placement_must_be_a_table() {
        let diagnostics = assert_rule(
            "PL004",
            Format::Toml,
            r#"placement = "smart"
            ^^^^^^^ PL004: `placement` must be a table, but it is the string "smart"
[env.staging]
placement = 1
            ^ PL004
"#,
        );
        assert_eq!(diagnostics[1].environments, ["staging"]);
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "placement": null, "env": { "s": { "placement": [] } } }
               ^^^^ PL004
                                                  ^^ PL004
"#,
        );
    }

    #[test]
    fn placement_fields_must_be_strings() {
        assert_rule(
            "PL004",
            Format::Toml,
            r"[placement]
mode = 1
       ^ PL004
[env.a.placement]
region = true
         ^^^^ PL004
",
        );
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "placement": { "mode": "smart", "hint": 1 } }
                                          ^ PL004
"#,
        );
    }

    #[test]
    fn assets_values_are_checked() {
        assert_rule(
            "PL004",
            Format::Toml,
            r#"assets = "public"
         ^^^^^^^^ PL004
[env.a.assets]
directory = 1
            ^ PL004
run_worker_first = "yes"
                   ^^^^^ PL004
html_handling = "bogus"
                ^^^^^^^ PL004
"#,
        );
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "assets": { "directory": "p", "run_worker_first": ["/api/*", 1] } }
                                                               ^ PL004
"#,
        );
    }

    #[test]
    fn valid_values_do_not_fire() {
        assert_rule(
            "PL004",
            Format::Toml,
            r#"[placement]
mode = "smart"
[assets]
directory = "p"
run_worker_first = ["/api/*", "!/api/docs"]
not_found_handling = "404-page"
[env.x]
placement = { region = "aws:us-east-1" }
"#,
        );
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "placement": { "mode": "off", "hint": 1, "region": "aws:us-east-1" }, "assets": { "run_worker_first": true } }"#,
        );
    }

    #[test]
    fn fix_rewrites_a_bare_mode() {
        assert_eq!(
            apply_fix(
                "PL004",
                Format::Toml,
                r#"placement = "smart"
"#
            ),
            r#"placement = { mode = "smart" }
"#
        );
        assert_eq!(
            apply_fix("PL004", Format::Json, r#"{ "placement": "off" }"#),
            r#"{ "placement": { "mode": "off" } }"#
        );
    }
}
