use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Entry, Table};
use crate::value_sites::{tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports a field that wrangler accepts only together with another, when the other is
    /// missing, at the top level, in `[previews]` and in every `[env.NAME]`:
    /// - a Durable Object binding's `environment` without `script_name` (the environment is
    ///   that of another Worker, which `script_name` names);
    /// - a container's `observability.target_instance_percentage` or `target_instance_count`
    ///   while `observability.enabled` and `observability.logs.enabled` are not `true` (a
    ///   container's observability overrides the Worker's, so the targets need logs on).
    ///
    /// (`observability` that turns on none of its parts is PL304's.)
    ///
    /// ## Why is this bad?
    /// Wrangler refuses the config ("binding should have a "script_name" field if "environment"
    /// is present", "requires ... enabled ... to be true"): nothing deploys.
    ///
    /// ## Example
    /// ```toml
    /// [[durable_objects.bindings]]
    /// name = "ROOMS"
    /// class_name = "ChatRoom"
    /// environment = "production"
    /// ```
    /// ```jsonc
    /// { "containers": [{ "class_name": "Box", "image": "./Dockerfile",
    ///   "observability": { "enabled": false, "target_instance_count": 2 } }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[durable_objects.bindings]]
    /// name = "ROOMS"
    /// class_name = "ChatRoom"
    /// script_name = "chat"
    /// environment = "production"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which Worker the binding points at, or whether logs should be on, is the
    /// author's choice.
    ///
    /// ## References
    /// - [Durable Object bindings](https://developers.cloudflare.com/durable-objects/reference/durable-objects-container-bindings/)
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/#durable-objects)
    pub static MISSING_DEPENDENT_FIELD = {
        code: "PL352",
        name: "missing-dependent-field",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A field wrangler accepts only with another that is missing (`environment` without `script_name`, ...)",
    }
}

const TARGETS: [&str; 2] = ["target_instance_percentage", "target_instance_count"];

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        for site in tables_at(scope.table, &["durable_objects", "bindings", "[]"]) {
            if let Some(environment) = site.table.get("environment")
                && site.table.get("script_name").is_none()
            {
                sink.report(
                    environment.key_span,
                    format!(
                        "`{}` sets `environment` but no `script_name`: wrangler refuses the \
                         config, since `environment` names an environment of the Worker \
                         `script_name` names",
                        site.path(scope, "")
                    ),
                )
                .with_help(
                    "add `script_name` (the Worker that defines the class), or remove \
                     `environment` for a class of this Worker",
                )
                .with_environments(&scope.environments());
            }
        }
        for site in tables_at(scope.table, &["containers", "[]", "observability"]) {
            let Some((switch, targets)) = targets_without_logs(site.table) else {
                continue;
            };
            for target in targets {
                sink.report(
                    target.key_span,
                    format!(
                        "`{}` is set but neither `enabled` nor `logs.enabled` is true: wrangler \
                         refuses the config, since a container's observability overrides the \
                         Worker's and instance targets need its logs on",
                        site.path(scope, &target.key)
                    ),
                )
                .with_help("set `enabled = true`, or remove the instance target")
                .with_environments(&scope.environments())
                .with_related([Related {
                    file: ctx.path.to_path_buf(),
                    span: switch.value.span,
                    message: "logs are not turned on here".to_owned(),
                }]);
            }
        }
    }
}

/// The instance targets of a container's `observability` whose logs are not on, with the
/// `enabled` switch that is set otherwise. With neither switch written, PL304 reports the table.
fn targets_without_logs(observability: &Table) -> Option<(&Entry, Vec<&Entry>)> {
    let enabled = observability.get("enabled");
    let logs_enabled = observability
        .get_table("logs")
        .and_then(|logs| logs.get("enabled"));
    let is_true = |entry: Option<&Entry>| entry.and_then(|e| e.value.as_bool()) == Some(true);
    if is_true(enabled) || is_true(logs_enabled) {
        return None;
    }
    let switch = enabled.or(logs_enabled)?;
    let targets: Vec<&Entry> = TARGETS
        .iter()
        .filter_map(|key| observability.get(key))
        .collect();
    (!targets.is_empty()).then_some((switch, targets))
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_environment_without_script_name() {
        assert_rule(
            "PL352",
            Format::Toml,
            r#"[[durable_objects.bindings]]
name = "ROOMS"
class_name = "ChatRoom"
environment = "production"
^^^^^^^^^^^ PL352: `durable_objects.bindings[0]` sets `environment` but no `script_name`: wrangler refuses the config
[[durable_objects.bindings]]
name = "OTHER"
class_name = "Other"
script_name = "chat"
environment = "production"
[env.staging]
durable_objects = { bindings = [{ name = "R", class_name = "R", environment = "x" }] }
                                                                ^^^^^^^^^^^ PL352: `env.staging.durable_objects.bindings[0]`
"#,
        );
    }

    #[test]
    fn fires_on_instance_targets_without_logs() {
        assert_rule(
            "PL352",
            Format::Json,
            r#"{
  "containers": [
    { "class_name": "A", "image": "./Dockerfile", "observability": { "enabled": false, "target_instance_count": 2 } },
                                                                                       ^^^^^^^^^^^^^^^^^^^^^^^ PL352: `containers[0].observability.target_instance_count` is set but neither
    { "class_name": "B", "image": "./Dockerfile", "observability": { "logs": { "enabled": true }, "target_instance_count": 2 } },
    { "class_name": "C", "image": "./Dockerfile", "observability": { "target_instance_count": 2 } }
  ],
  "previews": { "containers": [{ "class_name": "A", "image": "./Dockerfile", "observability": { "logs": { "enabled": false }, "target_instance_percentage": 5 } }] }
                                                                                                                              ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL352: `previews.containers[0].observability.target_instance_percentage`
}
"#,
        );
    }
}
