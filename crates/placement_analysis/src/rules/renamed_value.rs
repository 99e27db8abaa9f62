use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::edits::string_literal;
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::Shape;
use crate::schema_walk::{At, Visitor, walk};
use crate::syntax::Node;

declare_rule! {
    /// ## What it does
    /// Reports a value wrangler renamed and still takes with a warning: a container's
    /// `instance_type = "dev"` (now `"lite"`) or `"standard"` (now `"standard-1"`), at the top
    /// level, in `[previews]` and in every `[env.NAME]`. The renamed values are taken from
    /// wrangler's validation code when the key catalog is generated.
    ///
    /// ## Why is this bad?
    /// wrangler prints a warning on every command, and says the old value "will be removed in
    /// a subsequent version": then the config stops deploying.
    ///
    /// ## Example
    /// ```toml
    /// [[containers]]
    /// class_name = "Sandbox"
    /// image = "./Dockerfile"
    /// instance_type = "dev"
    /// ```
    /// ```jsonc
    /// { "containers": [{ "class_name": "Sandbox", "image": "./Dockerfile", "instance_type": "standard" }] }
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
    /// Replacing the value with its new name is safe: wrangler says the value was renamed, so
    /// the new one means the same.
    ///
    /// ## References
    /// - [Containers configuration](https://developers.cloudflare.com/workers/wrangler/configuration/#containers)
    /// - [Container instance types](https://developers.cloudflare.com/containers/platform-details/limits/)
    pub static RENAMED_VALUE = {
        code: "PL340",
        name: "renamed-value",
        severity: Warning,
        fix: FixAvailability::Always(Applicability::Safe),
        summary: "A value wrangler renamed (a container's `instance_type = \"dev\"`, now `\"lite\"`)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    walk(ctx, &mut RenamedValues { sink });
}

struct RenamedValues<'c, 's> {
    sink: &'c mut Sink<'s>,
}

impl<'a> Visitor<'a> for RenamedValues<'_, '_> {
    fn value(&mut self, at: &At<'_, 'a>, node: &'a Node, shape: Shape) {
        let Some(text) = node.as_str() else {
            return;
        };
        let Some((old, new)) = shape.renamed_values().iter().find(|(old, _)| *old == text) else {
            return;
        };
        let path = at.path();
        self.sink
            .report(
                node.span,
                format!(
                    "`{path}` is \"{old}\", which wrangler renamed to \"{new}\"{}: wrangler warns, \
                     and will stop taking \"{old}\" in a later version",
                    at.inherited_suffix()
                ),
            )
            .with_help(format!("write \"{new}\""))
            .with_environments(at.environments)
            .with_fix(Fix {
                title: format!("Replace \"{old}\" with \"{new}\""),
                applicability: Applicability::Safe,
                edits: vec![Edit::replace(node.span, string_literal(new))],
            });
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_renamed_values_in_toml() {
        let diagnostics = assert_rule(
            "PL340",
            Format::Toml,
            r#"name = "w"
[[containers]]
class_name = "Sandbox"
image = "./Dockerfile"
instance_type = "dev"
                ^^^^^ PL340: `containers[0].instance_type` is "dev", which wrangler renamed to "lite"
[[previews.containers]]
class_name = "Sandbox"
image = "./Dockerfile"
instance_type = "standard"
                ^^^^^^^^^^ PL340: `previews.containers[0].instance_type` is "standard", which wrangler renamed to "standard-1"
[env.staging]
[[env.staging.containers]]
class_name = "Sandbox"
image = "./Dockerfile"
instance_type = "dev"
                ^^^^^ PL340: `env.staging.containers[0].instance_type` is "dev"
"#,
        );
        assert_eq!(diagnostics[2].environments, ["staging"]);
    }

    #[test]
    fn fires_on_renamed_values_in_jsonc() {
        let diagnostics = assert_rule(
            "PL340",
            Format::Json,
            r#"{ "containers": [{ "class_name": "S", "image": "./Dockerfile", "instance_type": "standard" }],
                                                                                ^^^^^^^^^^ PL340: `containers[0].instance_type` is "standard"
  "env": { "staging": { "containers": [{ "class_name": "S", "image": "./Dockerfile", "instance_type": "dev" }] } } }
                                                                                                      ^^^^^ PL340: `env.staging.containers[0].instance_type` is "dev"
"#,
        );
        assert_eq!(diagnostics[1].environments, ["staging"]);
    }

    #[test]
    fn current_values_and_other_keys_do_not_fire() {
        assert_rule(
            "PL340",
            Format::Toml,
            r#"[[containers]]
class_name = "Sandbox"
image = "./Dockerfile"
instance_type = "lite"
[[containers]]
class_name = "Other"
image = "./Dockerfile"
instance_type = { vcpu = 1 }
[vars]
instance_type = "dev"
[env.x]
vars = { kind = "standard" }
"#,
        );
    }

    #[test]
    fn fix_writes_the_new_name() {
        assert_eq!(
            apply_fix(
                "PL340",
                Format::Toml,
                "[[containers]]\nclass_name = \"S\"\nimage = \"./Dockerfile\"\ninstance_type = \"dev\"\n"
            ),
            "[[containers]]\nclass_name = \"S\"\nimage = \"./Dockerfile\"\ninstance_type = \"lite\"\n"
        );
        assert_eq!(
            apply_fix(
                "PL340",
                Format::Json,
                r#"{ "env": { "a": { "containers": [{ "class_name": "S", "image": "x:1", "instance_type": "standard" }] } } }"#
            ),
            r#"{ "env": { "a": { "containers": [{ "class_name": "S", "image": "x:1", "instance_type": "standard-1" }] } } }"#
        );
    }
}
