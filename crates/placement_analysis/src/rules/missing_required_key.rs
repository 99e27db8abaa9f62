use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::{Key, Shape, Status, Types};
use crate::schema_walk::{At, Visitor, Visits};
use crate::span::Span;
use crate::syntax::{Node, NodeKind, Table};
use crate::value_sites::is_durable_object_container;

declare_rule! {
    /// ## What it does
    /// Reports an object that lacks a field wrangler's validation requires (or all the fields
    /// of which it requires one: `observability` without any `enabled`): `cache.enabled`,
    /// a binding's `binding` (or `name`), a Hyperdrive binding's `id`, a service binding's
    /// `service`, a migration's `tag`, a container's `image`, `site.bucket`, ... in the top
    /// level, `[previews]` and every `[env.NAME]`. Which fields are required is learnt from the
    /// pinned wrangler itself when the key catalog is generated. `placement` is the PL1xx
    /// rules', and `route` objects (a zone or a custom domain) another rule's. A field of such a
    /// choice written with the wrong type (`observability.enabled = "true"`) is reported at its
    /// value; an array wrangler refuses empty (an event trigger's `targets`), at the array.
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

/// The rule's visitor of the schema walk.
pub(crate) fn visitor<'c, 'a>(_ctx: &'c Context<'a>, sink: Sink<'c>) -> Box<dyn Visitor<'a> + 'c> {
    Box::new(MissingKeys { sink })
}

struct MissingKeys<'s> {
    sink: Sink<'s>,
}

impl<'a> Visitor<'a> for MissingKeys<'_> {
    fn visits(&self) -> Visits {
        Visits {
            value: true,
            object: true,
            ..Visits::default()
        }
    }

    /// An empty array where wrangler requires items (`triggers.events[].targets = []`).
    fn value(&mut self, at: &At<'_, 'a>, node: &'a Node, shape: Shape) {
        let NodeKind::Array(items) = &node.kind else {
            return;
        };
        if !items.is_empty() || !shape.must_not_be_empty() || at.is_in_placement() {
            return;
        }
        let path = at.path();
        self.sink
            .report(
                node.span,
                format!(
                    "`{path}` is empty{}: wrangler refuses the config, which requires at least one \
                     item there",
                    at.inherited_suffix()
                ),
            )
            .with_help("add at least one item")
            .with_environments(&at.environments());
    }

    fn object(&mut self, at: &At<'_, 'a>, span: Option<Span>, table: &'a Table, shape: Shape) {
        let Some(span) = span else {
            return;
        };
        // A Durable Object-managed container requires other fields: PL359 checks it.
        if at.is_in_placement() || is_durable_object_container(at.steps, table) {
            return;
        }
        check_choice(&mut self.sink, at, span, table, shape);
        for key in shape.keys().filter(|key| key.is_required_by_wrangler()) {
            let name = key.name();
            if table.get(name).is_some() {
                continue;
            }
            // A deprecated field this one replaces still counts (`pipeline` for `stream`).
            let replaced_by_deprecated = table.entries().iter().any(|entry| {
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
                .with_environments(&at.environments());
        }
    }
}

/// "X or Y is required": one of the fields wrangler names must be there with its type. When
/// one is written with another type, the error is at that value: it is what to correct.
fn check_choice(sink: &mut Sink<'_>, at: &At<'_, '_>, span: Span, table: &Table, shape: Shape) {
    let choices = shape.one_of();
    let Some(written) = unmet_choice(table, shape) else {
        return;
    };
    let path = at.path();
    let listed = choices
        .iter()
        .map(|choice| format!("`{choice}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let suffix = at.inherited_suffix();
    let (span, message) = match written.first() {
        Some((choice, node, _)) => {
            let expected = shape_at_path(shape, choice)
                .map(|wanted| wanted.types().to_string())
                .unwrap_or_default();
            let article = if expected.starts_with(['a', 'e', 'i', 'o', 'u']) {
                "an"
            } else {
                "a"
            };
            (
                node.span,
                format!(
                    "`{path}.{choice}` is not {article} {expected}, and none of {listed} is set \
                     with its type{suffix}: wrangler refuses the config, which requires one of \
                     them"
                ),
            )
        }
        None => (
            span,
            format!(
                "`{path}` sets none of {listed}{suffix}: wrangler refuses the config, which \
                 requires one of them"
            ),
        ),
    };
    sink.report(span, message)
        .with_help(format!("set one of {listed}"))
        .with_environments(&at.environments());
}

/// When `table` (of `shape`) has none of the fields of which wrangler requires one with its
/// type: the ones written with another type (PL004 leaves them to this rule). `None` when
/// there is no such choice, or it is met.
pub(crate) fn unmet_choice(
    table: &Table,
    shape: Shape,
) -> Option<Vec<(&'static str, &Node, bool)>> {
    let choices = shape.one_of();
    if choices.is_empty() {
        return None;
    }
    let written: Vec<(&str, &Node, bool)> = choices
        .iter()
        .filter_map(|path| {
            let (node, accepted) = written_at(table, shape, path)?;
            Some((*path, node, accepted))
        })
        .collect();
    (!written.iter().any(|(_, _, accepted)| *accepted)).then_some(written)
}

/// The shape at the dotted `path` below an object of `shape`.
fn shape_at_path(shape: Shape, path: &str) -> Option<Shape> {
    path.split('.')
        .try_fold(shape, |shape, name| shape.key(name).map(Key::shape))
}

/// The value at the dotted `path` below `table`, if written, and whether it has a type the
/// catalog wants there.
fn written_at<'a>(table: &'a Table, shape: Shape, path: &str) -> Option<(&'a Node, bool)> {
    let mut table = table;
    let mut shape = shape;
    let mut names = path.split('.').peekable();
    while let Some(name) = names.next() {
        let entry = table.get(name)?;
        shape = shape.key(name)?.shape();
        if names.peek().is_none() {
            return Some((&entry.value, shape.types().accepts(Types::of(&entry.value))));
        }
        table = entry.value.as_table()?;
    }
    None
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
enabled = "yes"
          ^^^^^ PL304: `env.a.observability.enabled` is not a boolean, and none of `enabled`, `logs.enabled`, `traces.enabled`, `issues.enabled` is set with its type
[env.b.observability.logs]
enabled = true
"#,
        );
    }

    #[test]
    fn a_choice_of_the_wrong_type_is_reported_at_its_value() {
        let diagnostics = assert_rule(
            "PL304",
            Format::Toml,
            r#"[observability]
enabled = "true"
          ^^^^^^ PL304: `observability.enabled` is not a boolean, and none of `enabled`, `logs.enabled`, `traces.enabled`, `issues.enabled` is set with its type (inherited by environment `staging`): wrangler refuses the config
[env.staging]
[env.other.observability]
enabled = "true"
logs = { enabled = true }
"#,
        );
        assert_eq!(diagnostics[0].environments, ["staging"]);
        assert_rule(
            "PL304",
            Format::Json,
            r#"{ "previews": { "observability": { "logs": { "enabled": 1 } } },
                                                        ^ PL304: `previews.observability.logs.enabled` is not a boolean
  "env": { "staging": { "observability": { "traces": { "enabled": "no" } } } } }
                                                                  ^^^^ PL304: `env.staging.observability.traces.enabled` is not a boolean
"#,
        );
    }

    #[test]
    fn an_array_wrangler_refuses_empty() {
        let diagnostics = assert_rule(
            "PL304",
            Format::Toml,
            r#"[[triggers.events]]
type = "cf.artifacts.repo.created"
targets = []
          ^^ PL304: `triggers.events[0].targets` is empty (inherited by environment `staging`): wrangler refuses the config, which requires at least one item there
[[triggers.events]]
type = "cf.artifacts.repo.created"
targets = [{ type = "workflow", workflow_name = "build" }]
[env.staging]
[env.other]
triggers = { events = [{ type = "cf.artifacts.repo.created", targets = [] }] }
                                                                       ^^ PL304: `env.other.triggers.events[0].targets` is empty
"#,
        );
        assert_eq!(diagnostics[0].environments, ["staging"]);
        assert_eq!(diagnostics[1].environments, ["other"]);
        assert_rule(
            "PL304",
            Format::Json,
            r#"{ "triggers": { "crons": [], "events": [{ "type": "cf.artifacts.repo.created", "targets": [] }] },
                                                                                          ^^ PL304: `triggers.events[0].targets` is empty
  "env": { "staging": { "triggers": { "events": [{ "type": "cf.artifacts.repo.created", "targets": [{ "workflow_name": "w" }] }] } } } }
                                                                                                    ^^^^^^^^^^^^^^^^^^^^^^^^ PL304: `env.staging.triggers.events[0].targets[0]` has no `type`
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
