use crate::context::{Context, Sink};
use crate::routes::{is_custom_domain, written_routes};
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Custom Domain route (`custom_domain = true`) whose pattern holds a wildcard
    /// (`*`) or a path (`/`).
    ///
    /// ## Why is this bad?
    /// A Custom Domain is a whole host name. wrangler reads the config without complaint, but
    /// `wrangler deploy` refuses it (`Invalid Routes: ... Wildcard operators (*) are not
    /// allowed in Custom Domains`, `Paths are not allowed in Custom Domains`): the deploy
    /// fails after the build.
    ///
    /// ## Example
    /// ```toml
    /// routes = [{ pattern = "shop.example.com/*", custom_domain = true }]
    /// ```
    /// ```jsonc
    /// { "routes": [{ "pattern": "*.example.com", "custom_domain": true }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// routes = [
    ///   { pattern = "shop.example.com", custom_domain = true },
    ///   # a wildcard or a path needs a route in a zone:
    ///   { pattern = "example.com/shop/*", zone_name = "example.com" },
    /// ]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: dropping the path or wildcard changes which requests reach the Worker.
    ///
    /// ## References
    /// - [Custom Domains](https://developers.cloudflare.com/workers/configuration/routing/custom-domains/)
    pub static INVALID_CUSTOM_DOMAIN = {
        code: "PL315",
        name: "invalid-custom-domain",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A Custom Domain with a wildcard or a path, which `wrangler deploy` refuses",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        for route in written_routes(scope) {
            if !is_custom_domain(route.node) {
                continue;
            }
            let Some(pattern) = route.node.as_table().and_then(|table| table.get("pattern")) else {
                continue;
            };
            let Some(text) = pattern.value.as_str() else {
                continue;
            };
            let mut problems = Vec::new();
            if text.contains('*') {
                problems.push("a wildcard (`*`)");
            }
            if text.contains('/') {
                problems.push("a path (`/`)");
            }
            if problems.is_empty() {
                continue;
            }
            let environments = ctx.model.environments_using(scope, route.key);
            sink.report(
                pattern.value.span,
                format!(
                    "the Custom Domain `{text}` in `{}`{} has {}: wrangler deploy refuses it, \
                     a Custom Domain is a whole host name",
                    route.path(scope),
                    scope.inherited_suffix(&environments),
                    problems.join(" and "),
                ),
            )
            .with_help(
                "write the host name alone (`shop.example.com`), or make it a zone route \
                 (`zone_name = \"example.com\"` instead of `custom_domain = true`) to keep the \
                 wildcard or path",
            )
            .with_environments(&environments);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_wildcards_and_paths() {
        let diagnostics = assert_rule(
            "PL315",
            Format::Toml,
            r#"routes = [
  { pattern = "shop.example.com/*", custom_domain = true },
              ^^^^^^^^^^^^^^^^^^^^ PL315: the Custom Domain `shop.example.com/*` in `routes[0]` (inherited by environments `a`, `b`) has a wildcard (`*`) and a path (`/`)
  { pattern = "example.com/*", zone_name = "example.com" },
  { pattern = "api.example.com", custom_domain = true },
  { pattern = "*.example.com", custom_domain = false },
]
[env.a]
name = "a"
[env.b]
route = { pattern = "*.example.com", custom_domain = true }
                    ^^^^^^^^^^^^^^^ PL315: has a wildcard (`*`): wrangler deploy refuses it
"#,
        );
        // `env.b` has its own `route` but inherits `routes`: both deploy with it.
        assert_eq!(diagnostics[0].environments, ["a", "b"]);
        assert_eq!(diagnostics[1].environments, ["b"]);
    }
}
