use crate::context::{Context, Sink};
use crate::diagnostic::Applicability;
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::{Key, Shape, Status};
use crate::schema_walk::{At, Visitor, Visits};
use crate::syntax::Table;

declare_rule! {
    /// ## What it does
    /// Reports a field wrangler no longer supports and refuses the config for: `node_compat`
    /// (removed in wrangler 4) and `legacy_env` (service environments are gone), with
    /// wrangler's own explanation. The list is taken from wrangler's validation code when the
    /// key catalog is generated.
    ///
    /// ## Why is this bad?
    /// `wrangler deploy` and `wrangler dev` stop with an error before anything is built.
    ///
    /// ## Example
    /// ```toml
    /// name = "api"
    /// node_compat = true
    /// ```
    /// ```jsonc
    /// { "name": "api", "env": { "staging": { "node_compat": true } } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// name = "api"
    /// compatibility_flags = ["nodejs_compat"]
    /// ```
    ///
    /// ## Fix safety
    /// Removing the field is unsafe: `node_compat` has a replacement (the `nodejs_compat`
    /// compatibility flag) that the fix does not add.
    ///
    /// ## References
    /// - [Node.js compatibility](https://developers.cloudflare.com/workers/runtime-apis/nodejs/)
    /// - [Environments](https://developers.cloudflare.com/workers/wrangler/environments/)
    pub static REMOVED_KEY = {
        code: "PL301",
        name: "removed-key",
        severity: Error,
        fix: FixAvailability::Always(Applicability::Unsafe),
        summary: "A field wrangler removed and refuses the config for (`node_compat`, `legacy_env`)",
    }
}

/// The rule's visitor of the schema walk.
pub(crate) fn visitor<'c, 'a>(ctx: &'c Context<'a>, sink: Sink<'c>) -> Box<dyn Visitor<'a> + 'c> {
    Box::new(RemovedKeys { ctx, sink })
}

struct RemovedKeys<'c, 's, 'a> {
    ctx: &'c Context<'a>,
    sink: Sink<'s>,
}

impl<'a> Visitor<'a> for RemovedKeys<'_, '_, 'a> {
    fn visits(&self) -> Visits {
        Visits {
            known_key: true,
            ..Visits::default()
        }
    }

    fn known_key(&mut self, at: &At<'_, 'a>, table: &'a Table, index: usize, key: Key, _: Shape) {
        let Status::Removed { message } = key.status() else {
            return;
        };
        let entry = &table.entries()[index];
        let fix = self
            .ctx
            .remove_entry_fix(table, index, Applicability::Unsafe);
        self.sink
            .report(
                entry.key_span,
                format!(
                    "wrangler refuses the config because of `{}`{}: {message}",
                    at.path(),
                    at.inherited_suffix()
                ),
            )
            .with_help(format!("remove `{}`", entry.key))
            .with_environments(&at.environments())
            .with_fix(fix);
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_removed_fields_in_toml() {
        let diagnostics = assert_rule(
            "PL301",
            Format::Toml,
            r#"name = "w"
node_compat = true
^^^^^^^^^^^ PL301: wrangler refuses the config because of `node_compat`: The "node_compat" field is no longer supported as of Wrangler v4
legacy_env = true
^^^^^^^^^^ PL301: because of `legacy_env`: The "legacy_env" field is no longer supported
[env.staging]
node_compat = false
^^^^^^^^^^^ PL301: because of `env.staging.node_compat`
"#,
        );
        assert_eq!(diagnostics[2].environments, ["staging"]);
    }

    #[test]
    fn fires_on_removed_fields_in_jsonc() {
        assert_rule(
            "PL301",
            Format::Json,
            r#"{ "name": "w", "env": { "prod": { "node_compat": true } } }
                                  ^^^^^^^^^^^^^ PL301
"#,
        );
    }

    #[test]
    fn current_fields_do_not_fire() {
        assert_rule(
            "PL301",
            Format::Toml,
            r#"name = "w"
compatibility_flags = ["nodejs_compat"]
[env.x]
vars = { node_compat = "a var, not the field" }
"#,
        );
    }

    #[test]
    fn fix_removes_the_field() {
        assert_eq!(
            apply_fix(
                "PL301",
                Format::Toml,
                "name = \"w\"\nnode_compat = true\nmain = \"a.js\"\n"
            ),
            "name = \"w\"\nmain = \"a.js\"\n"
        );
        assert_eq!(
            apply_fix(
                "PL301",
                Format::Json,
                r#"{ "name": "w", "legacy_env": true }"#
            ),
            r#"{ "name": "w" }"#
        );
    }
}
