use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Fix};
use crate::edits::rename_key;
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::{Key, Shape, Status, Types};
use crate::schema_walk::{At, Visitor, Visits};
use crate::syntax::Table;

declare_rule! {
    /// ## What it does
    /// Reports a field wrangler calls deprecated, with wrangler's message and the field that
    /// replaces it: `containers.instances` (use `max_instances`), `containers.wrangler_ssh`
    /// (`ssh`), `containers.durable_objects` (`class_name`), `containers.configuration`,
    /// `constraints.tier` (`tiers`), a queue producer's `delivery_delay`, a pipeline binding's
    /// `pipeline` (`stream`), `site.entry-point` (`main`). The list is taken from wrangler's
    /// validation code when the key catalog is generated.
    ///
    /// ## Why is this bad?
    /// wrangler prints a deprecation warning on every command, and a deprecated field goes
    /// away in a later release, when the config stops working.
    ///
    /// ## Example
    /// ```toml
    /// [[containers]]
    /// class_name = "Sandbox"
    /// image = "./Dockerfile"
    /// instances = 5
    /// ```
    /// ```jsonc
    /// { "pipelines": [{ "binding": "EVENTS", "pipeline": "events" }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[containers]]
    /// class_name = "Sandbox"
    /// image = "./Dockerfile"
    /// max_instances = 5
    /// ```
    ///
    /// ## Fix safety
    /// The rename is safe, and offered, only where it is exact: the replacement takes the same
    /// value with the same meaning (its type accepts the value) and is not already set.
    /// `constraints.tier = 1` (a number) to `tiers` (an array) is not offered.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static DEPRECATED_KEY = {
        code: "PL302",
        name: "deprecated-key",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Safe),
        summary: "A field wrangler calls deprecated, with its replacement",
    }
}

/// The rule's visitor of the schema walk.
pub(crate) fn visitor<'c, 'a>(ctx: &'c Context<'a>, sink: Sink<'c>) -> Box<dyn Visitor<'a> + 'c> {
    Box::new(DeprecatedKeys { ctx, sink })
}

struct DeprecatedKeys<'c, 's, 'a> {
    ctx: &'c Context<'a>,
    sink: Sink<'s>,
}

impl<'a> Visitor<'a> for DeprecatedKeys<'_, '_, 'a> {
    fn visits(&self) -> Visits {
        Visits {
            known_key: true,
            ..Visits::default()
        }
    }

    fn known_key(
        &mut self,
        at: &At<'_, 'a>,
        table: &'a Table,
        index: usize,
        key: Key,
        parent: Shape,
    ) {
        let Status::Deprecated {
            message,
            replacement,
        } = key.status()
        else {
            return;
        };
        let entry = &table.entries()[index];
        let help = match replacement {
            Some(new_name) => format!("use `{new_name}` instead"),
            None => "follow wrangler's message".to_owned(),
        };
        let diagnostic = self
            .sink
            .report(
                entry.key_span,
                format!(
                    "`{}` is deprecated{}: wrangler warns: {message}",
                    at.path(),
                    at.inherited_suffix()
                ),
            )
            .with_help(help)
            .with_environments(&at.environments());
        // Exact: the replacement takes this value as it is, and is not written yet.
        let exact = replacement.filter(|new_name| {
            table.get(new_name).is_none()
                && parent
                    .key(new_name)
                    .is_some_and(|new_key| new_key.shape().types().accepts(Types::of(&entry.value)))
        });
        if let Some(new_name) = exact {
            diagnostic.with_fix(Fix::new(
                format!("Rename `{}` to `{new_name}`", entry.key),
                Applicability::Safe,
                vec![rename_key(self.ctx.format(), entry, new_name)],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_deprecated_fields_in_toml() {
        let diagnostics = assert_rule(
            "PL302",
            Format::Toml,
            r#"name = "w"
[[containers]]
class_name = "Sandbox"
image = "./Dockerfile"
instances = 5
^^^^^^^^^ PL302: `containers[0].instances` is deprecated: wrangler warns: "containers.instances" is deprecated. Use "containers.max_instances" instead.
[env.staging]
[[env.staging.containers]]
class_name = "Sandbox"
image = "./Dockerfile"
constraints = { tier = 2 }
                ^^^^ PL302: `env.staging.containers[0].constraints.tier` is deprecated
"#,
        );
        assert_eq!(diagnostics[1].environments, ["staging"]);
        assert!(diagnostics[0].fix.is_some());
        // A number does not fit `tiers` (an array): no rename.
        assert!(diagnostics[1].fix.is_none());
    }

    #[test]
    fn fires_on_deprecated_fields_in_jsonc() {
        assert_rule(
            "PL302",
            Format::Json,
            r#"{ "pipelines": [{ "binding": "P", "pipeline": "events" }] }
                                  ^^^^^^^^^^ PL302: `pipelines[0].pipeline`
"#,
        );
    }

    #[test]
    fn current_fields_do_not_fire() {
        assert_rule(
            "PL302",
            Format::Toml,
            r#"[[containers]]
class_name = "Sandbox"
image = "./Dockerfile"
max_instances = 5
[env.x]
vars = { instances = "3" }
"#,
        );
    }

    #[test]
    fn fix_renames_when_exact() {
        assert_eq!(
            apply_fix(
                "PL302",
                Format::Toml,
                "[[containers]]\nclass_name = \"S\"\nimage = \"./Dockerfile\"\ninstances = 5\n"
            ),
            "[[containers]]\nclass_name = \"S\"\nimage = \"./Dockerfile\"\nmax_instances = 5\n"
        );
        assert_eq!(
            apply_fix(
                "PL302",
                Format::Json,
                r#"{ "pipelines": [{ "binding": "P", "pipeline": "events" }] }"#
            ),
            r#"{ "pipelines": [{ "binding": "P", "stream": "events" }] }"#
        );
    }
}
