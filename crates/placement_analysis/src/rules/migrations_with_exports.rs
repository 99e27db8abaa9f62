use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::Entry;

declare_rule! {
    /// ## What it does
    /// Reports `migrations` and a Durable Object in `exports` (an entry with `type =
    /// "durable-object"`) in the same environment, own or inherited.
    ///
    /// ## Why is this bad?
    /// Both declare the Durable Objects' lifecycle, the old way (`migrations`) and the new
    /// (`exports`). wrangler refuses the config (`migrations and exports are mutually
    /// exclusive`): nothing deploys.
    ///
    /// ## Example
    /// ```toml
    /// [[migrations]]
    /// tag = "v1"
    /// new_sqlite_classes = ["Room"]
    ///
    /// [exports.Room]
    /// type = "durable-object"
    /// ```
    /// ```jsonc
    /// {
    ///   "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }],
    ///   "exports": { "Room": { "type": "durable-object" } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// One of them: keep `migrations`, or move to `exports` and remove `migrations`.
    ///
    /// ## Fix safety
    /// No fix: which declaration describes the deployed classes is yours to say.
    ///
    /// ## References
    /// - [Durable Objects migrations](https://developers.cloudflare.com/durable-objects/reference/durable-objects-migrations/)
    pub static MIGRATIONS_WITH_EXPORTS = {
        code: "PL318",
        name: "migrations-with-exports",
        severity: Error,
        fix: FixAvailability::None,
        summary: "`migrations` together with Durable Object `exports`, which wrangler refuses",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let root = ctx.model.root;
    // The top level's pair is reported once, with the environments that inherit both.
    let mut inheriting = Vec::new();
    let mut own = Vec::new();
    for scope in &ctx.model.scopes {
        if scope.kind == ScopeKind::Previews {
            continue;
        }
        let migrations = scope
            .table
            .get("migrations")
            .or_else(|| root.get("migrations"));
        let exports = scope.table.get("exports").or_else(|| root.get("exports"));
        let (Some(migrations), Some(exports)) = (migrations, exports) else {
            continue;
        };
        if !declares_lifecycle(migrations, exports) {
            continue;
        }
        let sets_either =
            scope.table.get("migrations").is_some() || scope.table.get("exports").is_some();
        match scope.environment() {
            Some(name) if !sets_either => inheriting.push(name.to_owned()),
            _ => own.push((scope.clone(), migrations, exports)),
        }
    }
    for (scope, migrations, exports) in own {
        let environments = match scope.kind {
            ScopeKind::TopLevel => inheriting.clone(),
            _ => scope.environment().map(str::to_owned).into_iter().collect(),
        };
        // At whichever of the two this scope writes, `exports` first.
        let (at, other) = if scope.table.get("exports").is_some() {
            (exports, migrations)
        } else {
            (migrations, exports)
        };
        let where_ = match &scope.kind {
            ScopeKind::Env(name) => format!(" in `env.{name}`"),
            _ => String::new(),
        };
        sink.report(
            at.key_span,
            format!(
                "`migrations` and Durable Object `exports` are both set{where_}{}: wrangler \
                 refuses the config, they are two ways to declare the Durable Objects' \
                 lifecycle",
                scope.inherited_suffix(&environments),
            ),
        )
        .with_help("keep one: `migrations`, or `exports` without `migrations`")
        .with_environments(&environments)
        .with_related([Related {
            file: ctx.path.to_path_buf(),
            span: other.key_span,
            message: format!("`{}` is set here", other.key),
        }]);
    }
}

/// wrangler's test: a non-empty `migrations` array and an `exports` entry of type
/// `durable-object`.
fn declares_lifecycle(migrations: &Entry, exports: &Entry) -> bool {
    let has_migrations = migrations
        .value
        .as_array()
        .is_some_and(|items| !items.is_empty());
    let has_durable_object = exports.value.as_table().is_some_and(|exports| {
        exports.entries().iter().any(|export| {
            export
                .value
                .as_table()
                .and_then(|export| export.get("type"))
                .and_then(|kind| kind.value.as_str())
                == Some("durable-object")
        })
    });
    has_migrations && has_durable_object
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_per_environment_where_both_apply() {
        let diagnostics = assert_rule(
            "PL318",
            Format::Toml,
            r#"[[migrations]]
tag = "v1"
new_sqlite_classes = ["Room"]

[exports.Room]
 ^^^^^^^ PL318: `migrations` and Durable Object `exports` are both set (inherited by environment `a`)
type = "durable-object"

[env.a]
name = "a"
[env.b]
migrations = []
[env.c]
exports = { Other = { type = "worker" } }
[env.d]
exports = { Room = { type = "durable-object" } }
^^^^^^^ PL318: are both set in `env.d`
"#,
        );
        assert_eq!(diagnostics[0].environments, ["a"]);
        assert_rule(
            "PL318",
            Format::Json,
            r#"{ "migrations": [{ "tag": "v1" }], "exports": { "W": { "type": "worker" } } }"#,
        );
    }
}
