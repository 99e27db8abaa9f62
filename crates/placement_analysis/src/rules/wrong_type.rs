use crate::context::Context;
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::model::environments_suffix;
use crate::placement::Shape;
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

pub(crate) fn check(ctx: &mut Context<'_>) {
    check_root(ctx);
    check_placements(ctx);
    check_assets(ctx);
}

/// A JSON root that is not an object. wrangler reads an array as a config with no settings
/// (a warning: it deploys nothing you wrote) and fails on a string, number, boolean or null.
fn check_root(ctx: &mut Context<'_>) {
    let Some((span, kind)) = ctx.parsed.root_not_object.clone() else {
        return;
    };
    let array = kind == "an array";
    let consequence = if array {
        "wrangler reads it as a config with no settings"
    } else {
        "wrangler cannot use it"
    };
    let diagnostic = ctx
        .report(
            &WRONG_TYPE,
            span,
            format!("the configuration is {kind}, not a JSON object: {consequence}"),
        )
        .with_help("write the configuration as one JSON object: `{ \"name\": \"my-worker\" }`");
    if array {
        diagnostic.severity = crate::Severity::Warning;
    }
}

fn check_placements(ctx: &mut Context<'_>) {
    let format = ctx.format();
    let sites = ctx.placements.clone();
    for site in sites.iter() {
        let suffix = site.environments_suffix();
        let path = site.scope.path("placement");
        if site.shape() == Shape::NotTable {
            let value = &site.entry.value;
            let message = format!(
                "`{path}` must be a table, but it is {}{suffix}: wrangler rejects the config",
                article(value)
            );
            let diagnostic = ctx
                .report(&WRONG_TYPE, value.span, message)
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
            continue;
        }
        // `hint` must be a string only on the paths where wrangler looks at it.
        let mut string_keys = vec!["mode", "region", "host", "hostname"];
        if site.shape() == Shape::Hint {
            string_keys.push("hint");
        }
        let table = site.table().expect("not NotTable");
        for entry in &table.entries {
            if string_keys.contains(&entry.key.as_str()) && entry.value.as_str().is_none() {
                let key_path = site.path(&entry.key);
                report_not_string(ctx, entry, &key_path, &suffix, &site.environments);
            }
        }
    }
}

fn check_assets(ctx: &mut Context<'_>) {
    let scopes = ctx.model.scopes.clone();
    for scope in scopes.iter() {
        let Some(entry) = scope.table.get("assets") else {
            continue;
        };
        let environments = ctx.model.environments_using(scope, "assets");
        let suffix = match scope.environment() {
            None => environments_suffix(&environments, true),
            Some(_) => String::new(),
        };
        let path = scope.path("assets");
        let Some(table) = entry.value.as_table() else {
            let message = format!(
                "`{path}` must be a table, but it is {}{suffix}: wrangler rejects the config",
                article(&entry.value)
            );
            ctx.report(&WRONG_TYPE, entry.value.span, message)
                .with_help("write `assets = { directory = \"./public\" }`")
                .with_environments(&environments);
            continue;
        };
        for field in &table.entries {
            let field_path = format!("{path}.{}", field.key);
            match field.key.as_str() {
                key if ASSETS_STRINGS.contains(&key) && field.value.as_str().is_none() => {
                    report_not_string(ctx, field, &field_path, &suffix, &environments);
                }
                "html_handling" => check_choice(
                    ctx,
                    field,
                    &field_path,
                    HTML_HANDLING,
                    &suffix,
                    &environments,
                ),
                "not_found_handling" => check_choice(
                    ctx,
                    field,
                    &field_path,
                    NOT_FOUND_HANDLING,
                    &suffix,
                    &environments,
                ),
                "run_worker_first" => {
                    check_run_worker_first(ctx, field, &field_path, &suffix, &environments)
                }
                _ => {}
            }
        }
    }
}

fn check_choice(
    ctx: &mut Context<'_>,
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
    let diagnostic = ctx
        .report(&WRONG_TYPE, field.value.span, message)
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
    ctx: &mut Context<'_>,
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
        ctx.report(&WRONG_TYPE, bad.span, message)
            .with_help("write `run_worker_first = true` or `run_worker_first = [\"/api/*\"]`")
            .with_environments(environments);
    }
}

fn report_not_string(
    ctx: &mut Context<'_>,
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
    ctx.report(&WRONG_TYPE, entry.value.span, message)
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
            "placement = \"smart\"\n            ^^^^^^^ PL004\n[env.staging]\nplacement = 1\n            ^ PL004\n",
        );
        assert!(
            diagnostics[0]
                .message
                .contains("`placement` must be a table")
        );
        assert_eq!(diagnostics[1].environments, ["staging"]);
        assert_rule(
            "PL004",
            Format::Json,
            "{ \"placement\": null, \"env\": { \"s\": { \"placement\": [] } } }\n               ^^^^ PL004\n                                                  ^^ PL004\n",
        );
    }

    #[test]
    fn placement_fields_must_be_strings() {
        assert_rule(
            "PL004",
            Format::Toml,
            "[placement]\nmode = 1\n       ^ PL004\n[env.a.placement]\nregion = true\n         ^^^^ PL004\n",
        );
        assert_rule(
            "PL004",
            Format::Json,
            "{ \"placement\": { \"mode\": \"smart\", \"hint\": 1 } }\n                                          ^ PL004\n",
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
            "[placement]\nmode = \"smart\"\n[assets]\ndirectory = \"p\"\nrun_worker_first = [\"/api/*\", \"!/api/docs\"]\nnot_found_handling = \"404-page\"\n[env.x]\nplacement = { region = \"aws:us-east-1\" }\n",
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
            apply_fix("PL004", Format::Toml, "placement = \"smart\"\n"),
            "placement = { mode = \"smart\" }\n"
        );
        assert_eq!(
            apply_fix("PL004", Format::Json, "{ \"placement\": \"off\" }"),
            "{ \"placement\": { \"mode\": \"off\" } }"
        );
    }
}
