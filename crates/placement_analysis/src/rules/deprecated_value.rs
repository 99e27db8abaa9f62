use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::{Shape, shape_at};
use crate::value_sites::{tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports a value wrangler has renamed or deprecated, at the top level, in `[previews]`
    /// and in every `[env.NAME]`:
    /// - a container's `instance_type = "dev"` (now `"lite"`) and `"standard"` (now
    ///   `"standard-1"`);
    /// - an `unsafe.bindings` entry of `type = "metadata"`, whose `deployment` object is
    ///   deprecated for the `version_metadata` binding.
    ///
    /// (Deprecated keys are PL302's.)
    ///
    /// ## Why is this bad?
    /// Wrangler still takes the old value and warns on every command that it "will be removed
    /// in a subsequent version": the config stops working when it is.
    ///
    /// ## Example
    /// ```toml
    /// [[containers]]
    /// class_name = "Sandbox"
    /// image = "./Dockerfile"
    /// instance_type = "dev"
    /// ```
    /// ```jsonc
    /// { "unsafe": { "bindings": [{ "name": "META", "type": "metadata" }] } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[containers]]
    /// class_name = "Sandbox"
    /// image = "./Dockerfile"
    /// instance_type = "lite"
    /// ```
    ///
    /// ## Fix safety
    /// Safe for the instance types: wrangler says the new name is the same type. The
    /// `metadata` binding has no fix, since `version_metadata` gives other fields.
    ///
    /// ## References
    /// - [Containers instance types](https://developers.cloudflare.com/containers/platform-details/limits/)
    /// - [Version metadata binding](https://developers.cloudflare.com/workers/runtime-apis/bindings/version-metadata/)
    pub static DEPRECATED_VALUE = {
        code: "PL363",
        name: "deprecated-value",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        summary: "A value wrangler has renamed or deprecated (container instance types `dev` and `standard`, the `metadata` unsafe binding)",
    }
}

/// Instance types wrangler has renamed, with their new names: from the catalog, which reads
/// them from wrangler's code.
fn renamed_instance_types() -> &'static [(&'static str, &'static str)] {
    shape_at(&["containers", "0", "instance_type"]).map_or(&[], Shape::renamed_values)
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        for site in tables_at(scope.table, &["containers", "[]"]) {
            // wrangler checks the instance type of the containers it schedules itself only.
            if site
                .table
                .get("scheduling_policy")
                .and_then(|entry| entry.value.as_str())
                == Some("durable_object")
            {
                continue;
            }
            let Some(entry) = site.table.get("instance_type") else {
                continue;
            };
            let Some(&(old, new)) = entry.value.as_str().and_then(|value| {
                renamed_instance_types()
                    .iter()
                    .find(|(old, _)| *old == value)
            }) else {
                continue;
            };
            sink.report(
                entry.value.span,
                format!(
                    "`{}` is \"{old}\", which wrangler has renamed \"{new}\": it warns, and will \
                     stop taking \"{old}\"",
                    site.path(scope, "instance_type")
                ),
            )
            .with_help(format!("write \"{new}\""))
            .with_environments(&scope.environments())
            .with_fix(Fix::new(
                format!("Rename the instance type to \"{new}\""),
                Applicability::Safe,
                vec![Edit::replace(entry.value.span, format!("\"{new}\""))],
            ));
        }
        for site in tables_at(scope.table, &["unsafe", "bindings", "[]"]) {
            let Some(kind) = site.table.get("type") else {
                continue;
            };
            let named = site
                .table
                .get("name")
                .is_some_and(|name| name.value.as_str().is_some());
            if kind.value.as_str() != Some("metadata") || !named {
                continue;
            }
            sink.report(
                kind.value.span,
                format!(
                    "`{}` is \"metadata\", whose `deployment` object is deprecated: wrangler \
                     warns; the `version_metadata` binding gives the version's id, tag and \
                     timestamp",
                    site.path(scope, "type")
                ),
            )
            .with_help("use `version_metadata = { binding = \"...\" }` instead")
            .with_environments(&scope.environments());
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_renamed_and_deprecated_values() {
        assert_rule(
            "PL363",
            Format::Toml,
            r#"[[containers]]
class_name = "A"
image = "./Dockerfile"
instance_type = "dev"
                ^^^^^ PL363: `containers[0].instance_type` is "dev", which wrangler has renamed "lite"
[[containers]]
class_name = "B"
image = "./Dockerfile"
instance_type = "basic"
[[containers]]
class_name = "C"
scheduling_policy = "durable_object"
instance_type = "dev"
[[unsafe.bindings]]
name = "META"
type = "metadata"
       ^^^^^^^^^^ PL363: `unsafe.bindings[0].type` is "metadata", whose `deployment` object is deprecated
[env.staging]
containers = [{ class_name = "A", image = "./Dockerfile", instance_type = "standard" }]
                                                                          ^^^^^^^^^^ PL363: `env.staging.containers[0].instance_type` is "standard", which wrangler has renamed "standard-1"
"#,
        );
    }

    #[test]
    fn the_catalog_knows_the_renamed_instance_types() {
        assert_eq!(
            super::renamed_instance_types(),
            [("dev", "lite"), ("standard", "standard-1")]
        );
    }

    #[test]
    fn renames_the_instance_type() {
        assert_eq!(
            apply_fix(
                "PL363",
                Format::Json,
                "{ \"containers\": [{ \"class_name\": \"A\", \"image\": \"./Dockerfile\", \"instance_type\": \"standard\" }] }\n"
            ),
            "{ \"containers\": [{ \"class_name\": \"A\", \"image\": \"./Dockerfile\", \"instance_type\": \"standard-1\" }] }\n"
        );
    }
}
