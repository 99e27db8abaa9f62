use crate::context::{Context, Sink};
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::{Key, Shape};
use crate::schema_walk::{At, Visitor, Visits};
use crate::syntax::Table;

declare_rule! {
    /// ## What it does
    /// Reports the fields wrangler warns are experimental ("fields are experimental and may
    /// change or break at any time"): `unsafe`, and an R2 bucket's
    /// `local_dev.experimental_s3_credentials`. As wrangler, it warns about an environment's
    /// `unsafe` only when the top level has none (the top level's warning covers the rest).
    /// The list is taken from wrangler's validation code when the key catalog is generated.
    ///
    /// ## Why is this bad?
    /// An experimental field may change meaning or stop working in any wrangler release,
    /// without a deprecation period.
    ///
    /// ## Example
    /// ```toml
    /// [[unsafe.bindings]]
    /// name = "X"
    /// type = "internal"
    /// ```
    /// ```jsonc
    /// { "unsafe": { "bindings": [{ "name": "X", "type": "internal" }] } }
    /// ```
    ///
    /// ## Use instead
    /// A supported binding kind where one exists; otherwise keep it knowingly and suppress the
    /// warning with `# placement-lint-disable-next-line PL303`.
    ///
    /// ## Fix safety
    /// No fix: removing the field changes what is deployed.
    ///
    /// ## References
    /// - [Wrangler configuration: unsafe](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static EXPERIMENTAL_KEY = {
        code: "PL303",
        name: "experimental-key",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "A field wrangler warns is experimental (`unsafe`, ...)",
    }
}

/// The rule's visitor of the schema walk.
pub(crate) fn visitor<'c, 'a>(ctx: &'c Context<'a>, sink: Sink<'c>) -> Box<dyn Visitor<'a> + 'c> {
    Box::new(ExperimentalKeys { ctx, sink })
}

struct ExperimentalKeys<'c, 's, 'a> {
    ctx: &'c Context<'a>,
    sink: Sink<'s>,
}

impl<'a> Visitor<'a> for ExperimentalKeys<'_, '_, 'a> {
    fn visits(&self) -> Visits {
        Visits {
            known_key: true,
            ..Visits::default()
        }
    }

    fn known_key(&mut self, at: &At<'_, 'a>, table: &'a Table, index: usize, key: Key, _: Shape) {
        if !key.is_experimental() {
            return;
        }
        let entry = &table.entries()[index];
        let is_environment_key = at.steps.len() == 1 && matches!(at.scope.kind, ScopeKind::Env(_));
        if is_environment_key && self.ctx.model.root.get(&entry.key).is_some() {
            return;
        }
        self.sink
            .report(
                entry.key_span,
                format!(
                    "`{}` is experimental{}: wrangler warns that \"{}\" fields may change or break at any time",
                    at.path(),
                    at.inherited_suffix(),
                    entry.key
                ),
            )
            .with_help("expect it to change without notice in a wrangler release")
            .with_environments(&at.environments());
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_experimental_fields_in_toml() {
        let diagnostics = assert_rule(
            "PL303",
            Format::Toml,
            r#"name = "w"
[[r2_buckets]]
binding = "B"
bucket_name = "bucket"
local_dev = { experimental_s3_credentials = { accessKeyId = "a", secretAccessKey = "b" } }
              ^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL303: `r2_buckets[0].local_dev.experimental_s3_credentials` is experimental
[env.staging.unsafe]
             ^^^^^^ PL303: `env.staging.unsafe` is experimental
bindings = []
"#,
        );
        assert_eq!(diagnostics[1].environments, ["staging"]);
    }

    #[test]
    fn an_environment_repeating_the_top_level_unsafe_is_not_warned_again() {
        assert_rule(
            "PL303",
            Format::Json,
            r#"{ "unsafe": { "bindings": [] }, "env": { "prod": { "unsafe": { "bindings": [] } } } }
  ^^^^^^^^ PL303
"#,
        );
    }

    #[test]
    fn other_fields_do_not_fire() {
        assert_rule(
            "PL303",
            Format::Toml,
            r#"name = "w"
[[r2_buckets]]
binding = "B"
bucket_name = "bucket"
[vars]
unsafe = "a var"
"#,
        );
    }
}
