use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Related};
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Entry, Node};

declare_rule! {
    /// ## What it does
    /// Reports what wrangler refuses in the containers of `[previews]`:
    /// - a `name`: a preview container's application name is generated from the Worker's
    ///   name, the preview and the Durable Object class, so that previews do not collide;
    /// - `scheduling_policy = "durable_object"`: Durable Object-managed containers are
    ///   configured only in the top-level `containers`;
    /// - two containers for one Durable Object `class_name`.
    ///
    /// ## Why is this bad?
    /// Wrangler refuses the config as it reads it, with or without `--env`: neither the Worker
    /// nor its previews deploy.
    ///
    /// ## Example
    /// ```toml
    /// [[previews.containers]]
    /// name = "sandbox-preview"
    /// class_name = "Sandbox"
    /// image = "./Dockerfile"
    /// ```
    /// ```jsonc
    /// { "previews": { "containers": [
    ///   { "class_name": "Sandbox", "image": "./Dockerfile" },
    ///   { "class_name": "Sandbox", "image": "./Dockerfile.dev" }
    /// ] } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[previews.containers]]
    /// class_name = "Sandbox"
    /// image = "./Dockerfile"
    /// ```
    ///
    /// ## Fix safety
    /// Removing `name` is safe when the container has a `class_name`: wrangler then generates
    /// the name, which is what it requires. The other two have no fix: which container or
    /// policy to keep is the author's choice.
    ///
    /// ## References
    /// - [Containers configuration](https://developers.cloudflare.com/workers/wrangler/configuration/#containers)
    pub static INVALID_PREVIEW_CONTAINER = {
        code: "PL353",
        name: "invalid-preview-container",
        severity: Error,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        summary: "A `[previews]` container with a `name`, a Durable Object scheduling policy, or a class another one has",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        // `[previews]` is a scope of its own; an environment may have its own `previews`.
        let (previews, prefix, environment) = match &scope.kind {
            ScopeKind::Previews => (scope.table, "previews".to_owned(), "previews"),
            ScopeKind::Env(name) => match scope.table.get_table("previews") {
                Some(previews) => (previews, format!("env.{name}.previews"), name.as_str()),
                None => continue,
            },
            ScopeKind::TopLevel => continue,
        };
        if let Some(containers) = previews
            .get("containers")
            .and_then(|entry| entry.value.as_array())
        {
            check_containers(ctx, sink, containers, &prefix, &[environment.to_owned()]);
        }
    }
}

fn check_containers(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    containers: &[Node],
    prefix: &str,
    environments: &[String],
) {
    let mut classes: Vec<(&str, &Entry)> = Vec::new();
    for (index, container) in containers.iter().enumerate() {
        let Some(table) = container.as_table() else {
            continue;
        };
        let path = format!("{prefix}.containers[{index}]");
        if let Some(policy) = table.get("scheduling_policy")
            && policy.value.as_str() == Some("durable_object")
        {
            sink.report(
                policy.value.span,
                format!(
                    "`{path}.scheduling_policy` is \"durable_object\": wrangler refuses the \
                     config, since Durable Object-managed containers are configured only in the \
                     top-level `containers`"
                ),
            )
            .with_help("move this container to the top-level `containers`, or drop the policy")
            .with_environments(environments);
        }
        let class_name = table
            .get("class_name")
            .and_then(|entry| entry.value.as_str().map(|name| (name, entry)));
        if let Some(position) = table
            .entries()
            .iter()
            .rposition(|entry| entry.key == "name")
        {
            let name = &table.entries()[position];
            let diagnostic = sink
                .report(
                    name.key_span,
                    format!(
                        "`{path}.name` cannot be set: wrangler refuses the config, since a \
                         preview container's name is generated from the Worker's name, the \
                         preview and the Durable Object class, so that previews do not collide"
                    ),
                )
                .with_help("remove `name`; `class_name` identifies the container")
                .with_environments(environments);
            if class_name.is_some_and(|(class, _)| !class.is_empty())
                && table.entries().iter().filter(|e| e.key == "name").count() == 1
            {
                diagnostic.with_fix(ctx.remove_entry_fix(table, position, Applicability::Safe));
            }
        }
        if let Some((class, entry)) = class_name {
            match classes.iter().find(|(known, _)| *known == class) {
                Some((_, first)) => {
                    sink.report(
                        entry.value.span,
                        format!(
                            "`{path}.class_name` is \"{class}\", which another container of \
                             `{prefix}.containers` already has: wrangler refuses the config, \
                             each Durable Object class may have one container"
                        ),
                    )
                    .with_help("keep one container for the class")
                    .with_environments(environments)
                    .with_related([Related {
                        file: ctx.path.to_path_buf(),
                        span: first.value.span,
                        message: format!("the first container for \"{class}\""),
                    }]);
                }
                None => classes.push((class, entry)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_names_policies_and_shared_classes() {
        assert_rule(
            "PL353",
            Format::Toml,
            r#"[[containers]]
name = "top-level-is-fine"
class_name = "Sandbox"
image = "./Dockerfile"

[[previews.containers]]
name = "sandbox-preview"
^^^^ PL353: `previews.containers[0].name` cannot be set: wrangler refuses the config
class_name = "Sandbox"
image = "./Dockerfile"
[[previews.containers]]
class_name = "Sandbox"
             ^^^^^^^^^ PL353: `previews.containers[1].class_name` is "Sandbox", which another container
image = "./Dockerfile"
scheduling_policy = "durable_object"
                    ^^^^^^^^^^^^^^^^ PL353: `previews.containers[1].scheduling_policy` is "durable_object"

[env.staging]
name = "x"
[[env.staging.previews.containers]]
name = "p"
^^^^ PL353: `env.staging.previews.containers[0].name`
class_name = "Sandbox"
image = "./Dockerfile"
"#,
        );
        assert_rule(
            "PL353",
            Format::Json,
            r#"{
  "previews": { "containers": [{ "class_name": "A", "image": "./Dockerfile" }, { "class_name": "B", "image": "./Dockerfile", "scheduling_policy": "regional" }] }
}
"#,
        );
    }

    #[test]
    fn removes_the_name() {
        assert_eq!(
            apply_fix(
                "PL353",
                Format::Toml,
                "[[previews.containers]]\nname = \"p\"\nclass_name = \"Sandbox\"\nimage = \"./Dockerfile\"\n"
            ),
            "[[previews.containers]]\nclass_name = \"Sandbox\"\nimage = \"./Dockerfile\"\n"
        );
        assert_eq!(
            apply_fix(
                "PL353",
                Format::Json,
                "{ \"previews\": { \"containers\": [{ \"name\": \"p\", \"class_name\": \"S\", \"image\": \"./Dockerfile\" }] } }\n"
            ),
            "{ \"previews\": { \"containers\": [{ \"class_name\": \"S\", \"image\": \"./Dockerfile\" }] } }\n"
        );
    }
}
