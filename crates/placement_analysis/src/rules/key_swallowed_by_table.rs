use crate::catalog::{ASSETS_KEYS, PLACEMENT_KEYS};
use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::edits::start_of_trailing_trivia;
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::rules::unknown_key::scope_keys;
use crate::syntax::{Format, TableStyle};

declare_rule! {
    /// ## What it does
    /// In TOML, reports a key that belongs at the top level (or in the environment), such as
    /// `workers_dev`, `routes` or `compatibility_flags`, written under a `[placement]` or
    /// `[assets]` header.
    ///
    /// ## Why is this bad?
    /// In TOML every key after a `[table]` header belongs to that table until the next header. A
    /// `workers_dev = false` appended below `[placement]` becomes `placement.workers_dev`, which
    /// wrangler silently ignores: the Worker keeps its `workers.dev` route and the setting you
    /// wrote never applies. It is reported instead of an unknown key (PL003).
    ///
    /// ## Example
    /// ```toml
    /// name = "api"
    ///
    /// [placement]
    /// mode = "smart"
    /// workers_dev = false
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// name = "api"
    /// workers_dev = false
    ///
    /// [placement]
    /// mode = "smart"
    /// ```
    /// In JSON(C) nesting is explicit, so this trap does not exist there.
    ///
    /// ## Fix safety
    /// Moving the key above the first table header is unsafe: the setting starts to apply. It is
    /// offered for the top-level `[placement]` and `[assets]` when the top level does not already
    /// set the key.
    ///
    /// ## References
    /// - [TOML tables](https://toml.io/en/v1.0.0#table)
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static KEY_SWALLOWED_BY_TABLE = {
        code: "PL108",
        name: "key-swallowed-by-table",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A top-level key written under `[placement]` or `[assets]` in TOML, where it is silently ignored",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.format() != Format::Toml {
        return;
    }
    for scope in &ctx.model.scopes {
        let belongs_to_scope = scope_keys(&scope.kind);
        for (table_key, own_keys) in [("placement", PLACEMENT_KEYS), ("assets", ASSETS_KEYS)] {
            let Some(entry) = scope.table.get(table_key) else {
                continue;
            };
            let Some(table) = entry.value.as_table() else {
                continue;
            };
            if table.style != TableStyle::Header {
                continue;
            }
            let header = &ctx.text[entry.value.span.start..entry.value.span.end];
            let owner = match &scope.kind {
                ScopeKind::TopLevel => "the top level".to_owned(),
                ScopeKind::Env(name) => format!("`[env.{name}]`"),
                ScopeKind::Previews => "`[previews]`".to_owned(),
            };
            let environments = ctx.model.environments_using(scope, table_key);
            for field in &table.entries {
                let key = field.key.as_str();
                if own_keys.contains(&key) || !belongs_to_scope.contains(&key) {
                    continue;
                }
                let message = format!(
                    "`{key}` is written under `{header}`, so TOML makes it `{}` and wrangler \
                     ignores it: the {owner} `{key}` you meant stays unset",
                    scope.path(&format!("{table_key}.{key}")),
                    owner = owner.trim_start_matches("the "),
                );
                let fix = (scope.kind == ScopeKind::TopLevel && ctx.model.root.get(key).is_none())
                    .then(|| move_above_first_header(ctx, field.key_span, field.value.span))
                    .flatten();
                let diagnostic = sink.report(field.key_span, message)
                    .with_help(format!(
                        "move `{key}` above `{header}` (keys after a table header belong to that table)"
                    ))
                    .with_environments(&environments);
                if let Some(fix) = fix {
                    diagnostic.with_fix(fix);
                }
            }
        }
    }
}

/// Moves the lines of a key/value pair to just before the first `[table]` header.
fn move_above_first_header(
    ctx: &Context<'_>,
    key: crate::span::Span,
    value: crate::span::Span,
) -> Option<Fix> {
    let first_header = ctx.parsed.first_header?;
    // After the last top-level line: above the blank lines and comments that lead into the header.
    let insert_at = start_of_trailing_trivia(&ctx.source(), first_header);
    let lines = ctx.source().full_lines(key.cover(value));
    let mut moved = ctx.text[lines.start..lines.end].trim_start().to_owned();
    if !moved.ends_with('\n') {
        moved.push('\n');
    }
    Some(Fix {
        title: "Move it above the first table header".to_owned(),
        applicability: Applicability::Unsafe,
        edits: vec![Edit::insert(insert_at, moved), Edit::delete(lines)],
    })
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_under_placement_and_assets_headers() {
        assert_rule(
            "PL108",
            Format::Toml,
            r#"name = "api"
[placement]
mode = "smart"
workers_dev = false
^^^^^^^^^^^ PL108: so TOML makes it `placement.workers_dev`
[assets]
directory = "public"
compatibility_flags = ["nodejs_compat"]
^^^^^^^^^^^^^^^^^^^ PL108
[env.staging.placement]
mode = "smart"
routes = []
^^^^^^ PL108
"#,
        );
        // Not reported twice: PL003 leaves these keys to PL108.
        let all = crate::check_config(
            std::path::Path::new("wrangler.toml"),
            r#"[placement]
mode = "smart"
workers_dev = false
"#,
        );
        assert_eq!(all.len(), 1);
    }

    #[test]
    fn inline_tables_and_jsonc_do_not_fire() {
        assert_rule(
            "PL108",
            Format::Toml,
            r#"placement = { mode = "smart" }
workers_dev = false
"#,
        );
        assert_rule(
            "PL108",
            Format::Json,
            r#"{ "placement": { "mode": "smart", "workers_dev": false } }"#,
        );
    }

    #[test]
    fn fix_moves_the_key_to_the_top_level() {
        assert_eq!(
            apply_fix(
                "PL108",
                Format::Toml,
                r#"name = "api"

[placement]
mode = "smart"
workers_dev = false
"#
            ),
            r#"name = "api"
workers_dev = false

[placement]
mode = "smart"
"#
        );
    }
}
