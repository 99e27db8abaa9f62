use crate::context::{Context, Sink};
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an entry of an environment's `define` that the top-level `define` does not have,
    /// when the top level has a `define` with entries.
    ///
    /// ## Why is this bad?
    /// Wrangler reads an environment's `define` as overrides of the top-level one, and warns
    /// about a name only the environment has ("define configuration within environments can
    /// only override existing top level define configuration"): a build without `--env` leaves
    /// the name undefined, so code that uses it breaks there.
    ///
    /// ## Example
    /// ```toml
    /// [define]
    /// API_HOST = "'api.example.com'"
    ///
    /// [env.staging.define]
    /// API_HOST = "'staging.example.com'"
    /// DEBUG = "true"
    /// ```
    /// ```jsonc
    /// { "define": { "A": "1" }, "env": { "staging": { "define": { "A": "2", "B": "3" } } } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [define]
    /// API_HOST = "'api.example.com'"
    /// DEBUG = "false"
    ///
    /// [env.staging.define]
    /// API_HOST = "'staging.example.com'"
    /// DEBUG = "true"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the top-level value of the name is the author's to choose.
    ///
    /// ## References
    /// - [Wrangler configuration: define](https://developers.cloudflare.com/workers/wrangler/configuration/#define)
    pub static DEFINE_ONLY_IN_ENVIRONMENT = {
        code: "PL362",
        name: "define-only-in-environment",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "An environment's `define` entry that the top-level `define` lacks",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    // wrangler compares only when the top level defines something.
    let Some(top_level) = ctx
        .model
        .root
        .get_table("define")
        .filter(|define| !define.entries().is_empty())
    else {
        return;
    };
    for scope in &ctx.model.scopes {
        let ScopeKind::Env(name) = &scope.kind else {
            continue;
        };
        let Some(define) = scope.table.get_table("define") else {
            continue;
        };
        for entry in define.entries() {
            if top_level.get(&entry.key).is_some() {
                continue;
            }
            sink.report(
                entry.key_span,
                format!(
                    "`env.{name}.define.{}` is not in the top-level `define`: wrangler warns, \
                     since an environment's `define` only overrides the top level's, and builds \
                     without `--env {name}` leave it undefined",
                    entry.key
                ),
            )
            .with_help(format!(
                "add `{}` to the top-level `define`, or remove it here",
                entry.key
            ))
            .with_environments(std::slice::from_ref(name));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_names_only_the_environment_defines() {
        assert_rule(
            "PL362",
            Format::Toml,
            r#"[define]
API_HOST = "'api.example.com'"
[env.staging.define]
API_HOST = "'staging.example.com'"
DEBUG = "true"
^^^^^ PL362: `env.staging.define.DEBUG` is not in the top-level `define`
"#,
        );
        assert_rule(
            "PL362",
            Format::Json,
            r#"{ "define": {}, "env": { "staging": { "define": { "B": "3" } } } }
"#,
        );
    }
}
