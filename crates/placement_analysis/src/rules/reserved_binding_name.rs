use crate::context::{Context, Sink};
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

use super::duplicate_binding_name::binding_names;

declare_rule! {
    /// ## What it does
    /// Reports a binding or var named `ASSETS` in a Pages project (a config with
    /// `pages_build_output_dir`), at the top level and in every `[env.NAME]`.
    ///
    /// ## Why is this bad?
    /// Pages binds the project's static assets as `ASSETS` itself: wrangler refuses the config
    /// ("The name 'ASSETS' is reserved in Pages projects").
    ///
    /// ## Example
    /// ```toml
    /// pages_build_output_dir = "./dist"
    ///
    /// [[kv_namespaces]]
    /// binding = "ASSETS"
    /// id = "0f2ac74b498b48028cb68387c421e279"
    /// ```
    /// ```jsonc
    /// { "pages_build_output_dir": "./dist", "vars": { "ASSETS": "cdn" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// pages_build_output_dir = "./dist"
    ///
    /// [[kv_namespaces]]
    /// binding = "ASSET_CACHE"
    /// id = "0f2ac74b498b48028cb68387c421e279"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the code that reads the binding must be renamed with it.
    ///
    /// ## References
    /// - [Pages Functions bindings](https://developers.cloudflare.com/pages/functions/bindings/)
    pub static RESERVED_BINDING_NAME = {
        code: "PL358",
        name: "reserved-binding-name",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A binding named `ASSETS` in a Pages project",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.model.root.get("pages_build_output_dir").is_none() {
        return;
    }
    // A binding written at the top level applies in the environments that inherit it: one
    // diagnostic at its span names them all.
    let mut found: Vec<(Span, &'static str, &'static str, Vec<Option<String>>)> = Vec::new();
    for scope in &ctx.model.scopes {
        // wrangler checks the names of the top level and of each environment, not `[previews]`.
        if scope.kind == ScopeKind::Previews {
            continue;
        }
        for (name, span, kind, key) in binding_names(ctx, scope) {
            if name != "ASSETS" {
                continue;
            }
            let environment = scope.environment().map(str::to_owned);
            match found.iter_mut().find(|(at, ..)| *at == span) {
                Some((.., scopes)) => scopes.push(environment),
                None => found.push((span, kind, key, vec![environment])),
            }
        }
    }
    for (span, kind, key, scopes) in found {
        let environments: Vec<String> = scopes.into_iter().flatten().collect();
        let article = if kind.starts_with(['A', 'E', 'I', 'O', 'U']) {
            "an"
        } else {
            "a"
        };
        sink.report(
            span,
            format!(
                "wrangler refuses this config: `ASSETS` names {article} {kind} binding (`{key}`), \
                 but the name is reserved in Pages projects, which bind their static assets as \
                 `ASSETS`"
            ),
        )
        .with_help("rename the binding, and the code that reads it")
        .with_environments(&environments);
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_in_pages_projects_only() {
        assert_rule(
            "PL358",
            Format::Toml,
            r#"pages_build_output_dir = "./dist"
[[kv_namespaces]]
binding = "ASSETS"
          ^^^^^^^^ PL358: `ASSETS` names a KV Namespace binding (`kv_namespaces`), but the name is reserved in Pages projects
id = "abc"
[vars]
ASSETS = "x"
^^^^^^ PL358: `ASSETS` names an Environment Variable binding (`vars`)
[env.preview.vars]
ASSETS = "y"
^^^^^^ PL358: an Environment Variable binding
"#,
        );
        assert_rule(
            "PL358",
            Format::Json,
            r#"{ "main": "src/index.ts", "kv_namespaces": [{ "binding": "ASSETS", "id": "abc" }] }
"#,
        );
    }
}
