use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::{Shape, Status, Types};
use crate::schema_walk::{At, Visitor, walk};
use crate::span::Span;
use crate::syntax::Table;
use crate::value_sites::is_durable_object_container;

declare_rule! {
    /// ## What it does
    /// Reports an object that lacks a field wrangler's validation requires (or all the fields
    /// of which it requires one: `observability` without any `enabled`): `cache.enabled`,
    /// a binding's `binding` (or `name`), a Hyperdrive binding's `id`, a service binding's
    /// `service`, a migration's `tag`, a container's `image`, `site.bucket`, ... in the top
    /// level, `[previews]` and every `[env.NAME]`. Which fields are required is learnt from the
    /// pinned wrangler itself when the key catalog is generated. `placement` is the PL1xx
    /// rules', and `route` objects (a zone or a custom domain) another rule's.
    ///
    /// ## Why is this bad?
    /// wrangler refuses the config (`"cache.enabled" is a required field.`).
    ///
    /// ## Example
    /// ```toml
    /// [cache]
    ///
    /// [[kv_namespaces]]
    /// id = "0f2ac74b498b48028cb68387c421e279"
    /// ```
    /// ```jsonc
    /// { "services": [{ "binding": "API" }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [cache]
    /// enabled = true
    ///
    /// [[kv_namespaces]]
    /// binding = "CACHE"
    /// id = "0f2ac74b498b48028cb68387c421e279"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the value is yours to choose.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static MISSING_REQUIRED_KEY = {
        code: "PL304",
        name: "missing-required-key",
        severity: Error,
        fix: FixAvailability::None,
        summary: "An object without a field wrangler requires (`cache.enabled`, a binding's `binding`, ...)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    walk(ctx, &mut MissingKeys { sink });
}

struct MissingKeys<'c, 's> {
    sink: &'c mut Sink<'s>,
}

impl<'a> Visitor<'a> for MissingKeys<'_, '_> {
    fn object(&mut self, at: &At<'_, 'a>, span: Option<Span>, table: &'a Table, shape: Shape) {
        let Some(span) = span else {
            return;
        };
        // A Durable Object-managed container requires other fields: PL359 checks it.
        if at.is_in_placement() || is_durable_object_container(at.steps, table) {
            return;
        }
        check_choice(self.sink, at, span, table, shape);
        for key in shape.keys().filter(|key| key.is_required_by_wrangler()) {
            let name = key.name();
            if table.get(name).is_some() {
                continue;
            }
            // A deprecated field this one replaces still counts (`pipeline` for `stream`).
            let replaced_by_deprecated = table.entries.iter().any(|entry| {
                shape.key(&entry.key).is_some_and(|written| {
                    matches!(
                        written.status(),
                        Status::Deprecated { replacement: Some(new_name), .. } if new_name == name
                    )
                })
            });
            if replaced_by_deprecated {
                continue;
            }
            let path = at.path();
            self.sink
                .report(
                    span,
                    format!(
                        "`{path}` has no `{name}`{}: wrangler refuses the config, which requires \
                         `{path}.{name}`",
                        at.inherited_suffix()
                    ),
                )
                .with_help(format!("add `{name}`"))
                .with_environments(at.environments);
        }
    }
}

/// "X or Y is required": one of the fields wrangler names must be there with its type.
fn check_choice(sink: &mut Sink<'_>, at: &At<'_, '_>, span: Span, table: &Table, shape: Shape) {
    let choices = shape.one_of();
    if choices.is_empty() || choices.iter().any(|path| is_set(table, shape, path)) {
        return;
    }
    let path = at.path();
    let listed = choices
        .iter()
        .map(|choice| format!("`{choice}`"))
        .collect::<Vec<_>>()
        .join(", ");
    sink.report(
        span,
        format!(
            "`{path}` sets none of {listed}{}: wrangler refuses the config, which requires one \
             of them",
            at.inherited_suffix()
        ),
    )
    .with_help(format!("set one of {listed}"))
    .with_environments(at.environments);
}

/// Whether the dotted `path` below `table` holds a value of the type the catalog wants there.
fn is_set(table: &Table, shape: Shape, path: &str) -> bool {
    let mut table = table;
    let mut shape = shape;
    let mut names = path.split('.').peekable();
    while let Some(name) = names.next() {
        let (Some(entry), Some(key)) = (table.get(name), shape.key(name)) else {
            return false;
        };
        shape = key.shape();
        if names.peek().is_none() {
            return shape.types().accepts(Types::of(&entry.value));
        }
        let Some(inner) = entry.value.as_table() else {
            return false;
        };
        table = inner;
    }
    false
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_missing_fields_in_toml() {
        let diagnostics = assert_rule(
            "PL304",
            Format::Toml,
            r#"name = "w"
[cache]
^^^^^^^ PL304: `cache` has no `enabled` (inherited by environment `staging`): wrangler refuses the config
[[kv_namespaces]]
^^^^^^^^^^^^^^^^^ PL304: `kv_namespaces[0]` has no `binding`
id = "x"
[env.staging]
hyperdrive = [{ binding = "HD" }]
              ^^^^^^^^^^^^^^^^^^ PL304: `env.staging.hyperdrive[0]` has no `id`
"#,
        );
        assert_eq!(diagnostics[2].environments, ["staging"]);
    }

    #[test]
    fn fires_on_missing_fields_in_jsonc() {
        assert_rule(
            "PL304",
            Format::Json,
            r#"{ "services": [{ "binding": "API" }], "previews": { "cache": {} } }
               ^^^^^^^^^^^^^^^^^^^^ PL304: `services[0]` has no `service`
                                                             ^^ PL304: `previews.cache` has no `enabled`
"#,
        );
    }

    #[test]
    fn one_of_a_choice_is_required() {
        assert_rule(
            "PL304",
            Format::Toml,
            r#"[observability]
^^^^^^^^^^^^^^^ PL304: `observability` sets none of `enabled`, `logs.enabled`, `traces.enabled`, `issues.enabled`
head_sampling_rate = 1
[env.a.observability]
^^^^^^^^^^^^^^^^^^^^^ PL304: `env.a.observability` sets none of
enabled = "yes"
[env.b.observability.logs]
enabled = true
"#,
        );
    }

    #[test]
    fn a_container_needs_a_name_or_a_class_name() {
        assert_rule(
            "PL304",
            Format::Json,
            r#"{ "name": "w", "containers": [{ "image": "./Dockerfile" }, { "name": "c", "image": "./Dockerfile" }] }
                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL304: `containers[0]` sets none of `name`, `class_name`
"#,
        );
    }

    #[test]
    fn complete_objects_do_not_fire() {
        assert_rule(
            "PL304",
            Format::Toml,
            r#"name = "w"
[cache]
enabled = false
[[kv_namespaces]]
binding = "KV"
[[pipelines]]
binding = "P"
pipeline = "events"
[placement]
mode = "smart"
[env.x]
services = [{ binding = "API", service = "api" }]
"#,
        );
    }
}
