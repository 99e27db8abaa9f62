use crate::catalog::{
    ASSETS_KEYS, ENVIRONMENT_KEYS, PLACEMENT_KEYS, PREVIEWS_KEYS, TOP_LEVEL_KEYS,
};
use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Fix};
use crate::edits::rename_key;
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::rules::key_swallowed_by_table::reports;
use crate::suggest::closest;
use crate::syntax::Table;
use crate::wording::first_names;

declare_rule! {
    /// ## What it does
    /// Reports a key that wrangler does not know: at the top level, in an `[env.NAME]`, in
    /// `[previews]`, in `placement` or in `assets`. It suggests the closest known key.
    ///
    /// ## Why is this bad?
    /// wrangler only warns about unknown top-level keys, and accepts unknown keys inside
    /// `placement` without a word: `{ mode = "smart", regoin = "aws:us-east-1" }` deploys as plain
    /// Smart Placement and the region is silently dropped. A typo such as `plcement` leaves the
    /// Worker with default placement.
    ///
    /// ## Example
    /// ```toml
    /// [plcement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": "smart", "hnt": "x" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [placement]
    /// mode = "smart"
    /// ```
    ///
    /// ## Fix safety
    /// Renaming to the suggested key is unsafe: it changes what is deployed.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static UNKNOWN_KEY = {
        code: "PL003",
        name: "unknown-key",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A key wrangler does not know (with a did-you-mean)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        let (known, label): (&[&str], String) = match &scope.kind {
            ScopeKind::TopLevel => (TOP_LEVEL_KEYS, "at the top level".to_owned()),
            ScopeKind::Env(name) => (ENVIRONMENT_KEYS, format!("in `[env.{name}]`")),
            ScopeKind::Previews => (PREVIEWS_KEYS, "in `[previews]`".to_owned()),
        };
        let environments: Vec<String> =
            scope.environment().map(str::to_owned).into_iter().collect();
        // `[env.NAME]` and `[previews]` swallow top-level keys written below their headers.
        let swallowed = match scope.kind {
            ScopeKind::TopLevel => None,
            _ => Some(&ScopeKind::TopLevel),
        };
        check_table(
            ctx,
            sink,
            scope.table,
            known,
            &label,
            &environments,
            swallowed,
        );
        for (key, known) in [("placement", PLACEMENT_KEYS), ("assets", ASSETS_KEYS)] {
            let Some(table) = scope.table.get_table(key) else {
                continue;
            };
            let environments = ctx.model.environments_using(scope, key);
            // Only a top-level table needs to say who inherits it; the path names the rest.
            let label = format!(
                "in `{}`{}",
                scope.path(key),
                scope.inherited_suffix(&environments)
            );
            // In TOML, a top-level key under a `[placement]` header is PL108's to report.
            let swallowed = Some(&scope.kind);
            check_table(ctx, sink, table, known, &label, &environments, swallowed);
        }
    }
}

/// The keys a scope's own table accepts.
pub(crate) fn scope_keys(kind: &ScopeKind) -> &'static [&'static str] {
    match kind {
        ScopeKind::TopLevel => TOP_LEVEL_KEYS,
        ScopeKind::Env(_) => ENVIRONMENT_KEYS,
        ScopeKind::Previews => PREVIEWS_KEYS,
    }
}

fn check_table(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    table: &Table,
    known: &[&str],
    label: &str,
    environments: &[String],
    swallowed_from: Option<&ScopeKind>,
) {
    let format = ctx.format();
    for entry in &table.entries {
        if known.contains(&entry.key.as_str())
            || swallowed_from.is_some_and(|scope| reports(format, table, entry, scope))
        {
            continue;
        }
        let suggestion = closest(&entry.key, known.iter().copied())
            .filter(|candidate| table.get(candidate).is_none());
        let message = format!(
            "unknown key `{}` {label}: wrangler ignores it{}",
            entry.key,
            match suggestion {
                Some(candidate) => format!("; did you mean `{candidate}`?"),
                None => String::new(),
            }
        );
        let help = match suggestion {
            Some(candidate) => format!("rename it to `{candidate}`"),
            None => format!(
                "known keys here: {}",
                first_names(known, |_| ", ...".to_owned())
            ),
        };
        let diagnostic = sink
            .report(entry.key_span, message)
            .with_help(help)
            .with_environments(environments);
        if let Some(candidate) = suggestion {
            diagnostic.with_fix(Fix {
                title: format!("Rename `{}` to `{candidate}`", entry.key),
                applicability: Applicability::Unsafe,
                edits: vec![rename_key(format, entry, candidate)],
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_unknown_keys_in_toml() {
        let diagnostics = assert_rule(
            "PL003",
            Format::Toml,
            r#"name = "w"
plcement = { mode = "smart" }
^^^^^^^^ PL003: unknown key `plcement` at the top level: wrangler ignores it; did you mean `placement`?
[env.staging]
mian = "src/index.ts"
^^^^ PL003
[env.staging.placement]
mode = "smart"
regoin = "aws:us-east-1"
^^^^^^ PL003
[assets]
directory = "public"
bindng = "ASSETS"
^^^^^^ PL003
"#,
        );
        assert_eq!(diagnostics[2].environments, ["staging"]);
    }

    #[test]
    fn fires_on_unknown_keys_in_jsonc() {
        assert_rule(
            "PL003",
            Format::Json,
            r#"{
  "placement": { "mode": "smart", "hnt": "x" },
                                  ^^^^^ PL003
  "env": { "production": { "placment": { "mode": "off" } } }
                           ^^^^^^^^^^ PL003
}"#,
        );
    }

    #[test]
    fn known_keys_do_not_fire() {
        assert_rule(
            "PL003",
            Format::Toml,
            r#"name = "w"
main = "a.js"
[placement]
region = "aws:us-east-1"
[assets]
directory = "p"
run_worker_first = false
[env.x]
workers_dev = true
"#,
        );
        assert_rule(
            "PL003",
            Format::Json,
            r#"{ "$schema": "x", "placement": { "mode": "smart" }, "previews": { "placement": { "mode": "off" } } }"#,
        );
    }

    #[test]
    fn fix_renames_to_the_suggestion() {
        assert_eq!(
            apply_fix(
                "PL003",
                Format::Toml,
                r#"[placement]
mde = "smart"
"#
            ),
            r#"[placement]
mode = "smart"
"#
        );
        assert_eq!(
            apply_fix(
                "PL003",
                Format::Json,
                r#"{ "placement": { "mde": "smart" } }"#
            ),
            r#"{ "placement": { "mode": "smart" } }"#
        );
    }
}
