use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::model::{Scope, ScopeKind};
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::Shape;
use crate::schema_walk::scope_shape;
use crate::syntax::{Entry, NodeKind, Table};

declare_rule! {
    /// ## What it does
    /// Reports two fields that wrangler refuses together in one table, at the top level, in
    /// `[previews]` and in every `[env.NAME]` (and its `previews`):
    /// - a `send_email` binding with `destination_address` and `allowed_destination_addresses`;
    /// - a `vpc_networks` binding with `tunnel_id` and `network_id`;
    /// - a container with `instance_type` and custom limits in `configuration` (`disk`, `vcpu`,
    ///   `memory_mib`);
    /// - a container's `constraints.tier` and `constraints.tiers`;
    /// - a container's `observability.target_instance_percentage` and
    ///   `target_instance_count`, or `observability.enabled` and `observability.logs.enabled`
    ///   set to different values;
    /// - `cloudchamber.instance_type` with `memory` or `vcpu`;
    /// - `unsafe.capnp.compiled_schema` with `base_path` or `source_schemas`.
    ///
    /// (`route` with `routes`, `assets` with `site`, `main` with `site.entry-point`,
    /// `migrations` with `exports` and `placement.hint` with a target have rules of their own.)
    ///
    /// ## Why is this bad?
    /// Each pair says one thing two ways, and wrangler refuses the config rather than guess
    /// (its messages say "but not both", "cannot both be set", "cannot be set to different
    /// values"): nothing deploys.
    ///
    /// ## Example
    /// ```toml
    /// [[send_email]]
    /// name = "MAILER"
    /// destination_address = "ops@example.com"
    /// allowed_destination_addresses = ["ops@example.com", "sales@example.com"]
    /// ```
    /// ```jsonc
    /// { "vpc_networks": [{ "binding": "NET", "tunnel_id": "a1", "network_id": "n1" }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[send_email]]
    /// name = "MAILER"
    /// allowed_destination_addresses = ["ops@example.com", "sales@example.com"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which of the two you meant is yours to say.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static CONFLICTING_FIELDS = {
        code: "PL317",
        name: "conflicting-fields",
        severity: Error,
        fix: FixAvailability::None,
        summary: "Two fields wrangler refuses together (send_email destinations, VPC tunnel and network, container limits, ...)",
    }
}

/// How two fields of one table clash.
enum Clash {
    /// `first` with any of `others` present.
    Both(&'static str, &'static [&'static str]),
    /// A truthy `instance_type` with custom limits in `configuration`.
    PresetAndCustomLimits,
    /// `enabled` and `logs.enabled`, both booleans, that differ.
    EnabledDiffers,
}

/// Where each clash is checked: a path from the scope (`[]` steps into each item of an array).
const CLASHES: &[(&[&str], Clash)] = &[
    (
        &["send_email", "[]"],
        Clash::Both("destination_address", &["allowed_destination_addresses"]),
    ),
    (
        &["vpc_networks", "[]"],
        Clash::Both("tunnel_id", &["network_id"]),
    ),
    (&["containers", "[]"], Clash::PresetAndCustomLimits),
    (
        &["containers", "[]", "constraints"],
        Clash::Both("tier", &["tiers"]),
    ),
    (
        &["containers", "[]", "observability"],
        Clash::Both("target_instance_percentage", &["target_instance_count"]),
    ),
    (
        &["containers", "[]", "observability"],
        Clash::EnabledDiffers,
    ),
    (
        &["cloudchamber"],
        Clash::Both("instance_type", &["memory", "vcpu"]),
    ),
    (
        &["unsafe", "capnp"],
        Clash::Both("compiled_schema", &["base_path", "source_schemas"]),
    ),
];

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        let shape = scope_shape(&scope.kind);
        // An environment's own `previews` is validated as the top level's is.
        let previews = match scope.kind {
            ScopeKind::Env(_) => scope.table.get_table("previews").and_then(|previews| {
                let shape = shape.key("previews")?.shape().object()?;
                Some((previews, shape))
            }),
            _ => None,
        };
        let roots = std::iter::once((scope.table, shape, String::new()))
            .chain(previews.map(|(table, shape)| (table, shape, ".previews".to_owned())));
        for (root, shape, prefix) in roots {
            check_tables(ctx, sink, scope, (root, shape), &prefix);
        }
    }
}

/// The clashes in the tables below `root` (a scope's table, or an environment's `previews`,
/// whose path from the scope is `prefix`), with the catalog's shape for it.
fn check_tables(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    scope: &Scope<'_>,
    (root, shape): (&Table, Shape),
    prefix: &str,
) {
    for (path, clash) in CLASHES {
        // Most tables have none of the keys: looked for before the catalog is asked.
        if path.first().is_none_or(|first| root.get(first).is_none()) {
            continue;
        }
        // A key wrangler does not take here is ignored, whatever it holds (`previews` has no
        // `vpc_networks` for wrangler, though its schema lists them).
        let taken = path.first().and_then(|first| shape.key(first));
        if taken.is_none_or(|key| key.is_unexpected_to_wrangler()) {
            continue;
        }
        let mut tables = Vec::new();
        tables_at(root, path, prefix.to_owned(), &mut tables);
        let environments: Vec<String> =
            scope.environment().map(str::to_owned).into_iter().collect();
        for (at, table) in tables {
            let Some((first, second, why)) = clash_in(table, clash) else {
                continue;
            };
            let path = display_path(scope, &at);
            let (one, other) = match clash {
                Clash::EnabledDiffers => ("enabled", "logs.enabled"),
                _ => (first.key.as_str(), second.key.as_str()),
            };
            sink.report(
                second.key_span,
                format!(
                    "`{path}` sets both `{one}` and `{other}`: wrangler refuses the config, \
                     {why}"
                ),
            )
            .with_help(format!("keep one of `{one}` and `{other}`"))
            .with_environments(&environments)
            .with_related([Related {
                file: ctx.path.to_path_buf(),
                span: first.key_span,
                message: format!("`{}` is set here", first.key),
            }]);
        }
    }
}

fn display_path(scope: &Scope<'_>, at: &str) -> String {
    scope.path(at.trim_start_matches('.'))
}

/// The tables at `path` under `table`, with their paths as wrangler writes them
/// (`containers[0].constraints`).
fn tables_at<'a>(table: &'a Table, path: &[&str], at: String, out: &mut Vec<(String, &'a Table)>) {
    let Some((step, rest)) = path.split_first() else {
        out.push((at, table));
        return;
    };
    let Some(entry) = table.get(step) else {
        return;
    };
    let at = format!("{at}.{step}");
    match (rest.split_first(), &entry.value.kind) {
        (Some((&"[]", rest)), NodeKind::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                if let Some(item) = item.as_table() {
                    tables_at(item, rest, format!("{at}[{index}]"), out);
                }
            }
        }
        (_, NodeKind::Table(inner)) => tables_at(inner, rest, at, out),
        _ => {}
    }
}

/// The two clashing fields (reported at the second) and wrangler's reason.
fn clash_in<'a>(table: &'a Table, clash: &Clash) -> Option<(&'a Entry, &'a Entry, &'static str)> {
    match clash {
        Clash::Both(first, others) => {
            let first = table.get(first)?;
            let second = others.iter().find_map(|other| table.get(other))?;
            Some((first, second, "they are two ways to say the same thing"))
        }
        Clash::PresetAndCustomLimits => {
            let preset = table.get("instance_type")?;
            let truthy = match &preset.value.kind {
                NodeKind::String(name) => !name.is_empty(),
                NodeKind::Bool(value) => *value,
                NodeKind::Null => false,
                _ => true,
            };
            let configuration = table.get("configuration")?.value.as_table()?;
            let custom = ["disk", "vcpu", "memory_mib"]
                .iter()
                .find_map(|limit| configuration.get(limit))?;
            truthy.then_some((
                preset,
                custom,
                "custom limits in `configuration` and a preset `instance_type` cannot be used \
                 at the same time",
            ))
        }
        Clash::EnabledDiffers => {
            let enabled = table.get("enabled")?;
            let logs = table.get("logs")?.value.as_table()?.get("enabled")?;
            let (Some(a), Some(b)) = (enabled.value.as_bool(), logs.value.as_bool()) else {
                return None;
            };
            (a != b).then_some((
                enabled,
                logs,
                "`enabled` and `logs.enabled` cannot be set to different values",
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_each_pair_wrangler_refuses() {
        assert_rule(
            "PL317",
            Format::Toml,
            r#"[[send_email]]
name = "MAILER"
destination_address = "ops@example.com"
allowed_destination_addresses = ["ops@example.com"]
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL317: `send_email[0]` sets both `destination_address` and `allowed_destination_addresses`: wrangler refuses the config
[[send_email]]
name = "OK"
destination_address = "ops@example.com"

[[containers]]
class_name = "Box"
image = "./Dockerfile"
instance_type = "basic"
configuration = { vcpu = 1 }
                  ^^^^ PL317: `containers[0]` sets both `instance_type` and `vcpu`
constraints = { tier = 1, tiers = [1, 2] }
                          ^^^^^ PL317: `containers[0].constraints` sets both `tier` and `tiers`
observability = { enabled = true, logs = { enabled = false }, target_instance_percentage = 5, target_instance_count = 2 }
                                           ^^^^^^^ PL317: `containers[0].observability` sets both `enabled` and `logs.enabled`: wrangler refuses the config, `enabled` and `logs.enabled` cannot be set to different values
                                                                                              ^^^^^^^^^^^^^^^^^^^^^ PL317: sets both `target_instance_percentage` and `target_instance_count`

[cloudchamber]
instance_type = "basic"
memory = "1GB"
^^^^^^ PL317: `cloudchamber` sets both `instance_type` and `memory`

[env.staging]
vpc_networks = [{ binding = "NET", tunnel_id = "a", network_id = "b" }]
                                                    ^^^^^^^^^^ PL317: `env.staging.vpc_networks[0]` sets both `tunnel_id` and `network_id`
"#,
        );
        assert_rule(
            "PL317",
            Format::Json,
            r#"{
  "unsafe": { "capnp": { "compiled_schema": "a", "source_schemas": ["b"] } },
                                                 ^^^^^^^^^^^^^^^^ PL317: `unsafe.capnp` sets both `compiled_schema` and `source_schemas`
  "containers": [{ "instance_type": "", "configuration": { "disk": 1 }, "observability": { "enabled": true, "logs": { "enabled": true } } }]
}"#,
        );
    }

    #[test]
    fn fires_in_previews_and_an_environments_previews() {
        // (wrangler does not take `vpc_networks` in `previews`: it ignores them.)
        let diagnostics = assert_rule(
            "PL317",
            Format::Toml,
            r#"[previews.unsafe.capnp]
compiled_schema = "a"
base_path = "b"
^^^^^^^^^ PL317: `previews.unsafe.capnp` sets both `compiled_schema` and `base_path`
[[previews.send_email]]
name = "MAILER"
destination_address = "ops@example.com"
allowed_destination_addresses = ["ops@example.com"]
^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL317: `previews.send_email[0]` sets both
[env.staging.previews.unsafe.capnp]
compiled_schema = "a"
source_schemas = ["b"]
^^^^^^^^^^^^^^ PL317: `env.staging.previews.unsafe.capnp` sets both `compiled_schema` and `source_schemas`
[env.other.previews.unsafe.capnp]
compiled_schema = "a"
[[env.other.previews.vpc_networks]]
binding = "NET"
tunnel_id = "a"
network_id = "b"
"#,
        );
        assert_eq!(diagnostics[0].environments, ["previews"]);
        assert_eq!(diagnostics[2].environments, ["staging"]);
        assert_rule(
            "PL317",
            Format::Json,
            r#"{ "previews": { "containers": [{ "class_name": "A", "image": "x:1", "constraints": { "tier": 1, "tiers": [1] } }] },
                                                                                                ^^^^^^^ PL317: `previews.containers[0].constraints` sets both `tier` and `tiers`
  "env": { "staging": { "previews": { "unsafe": { "capnp": { "compiled_schema": "a", "base_path": "b" } } } } } }
                                                                                     ^^^^^^^^^^^ PL317: `env.staging.previews.unsafe.capnp` sets both
"#,
        );
    }
}
