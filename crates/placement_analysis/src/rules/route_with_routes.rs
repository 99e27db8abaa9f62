use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `route` and `routes` set together in one table: the top level or an
    /// `[env.NAME]`.
    ///
    /// ## Why is this bad?
    /// wrangler takes one or the other and refuses a config with both (`Expected exactly one
    /// of the following fields ["routes","route"]`): nothing deploys. An environment's own
    /// `routes` beside an inherited top-level `route` is fine: only the keys written in the
    /// same table clash. `route = ""` does not count: wrangler ignores it (PL313).
    ///
    /// ## Example
    /// ```toml
    /// route = "shop.example.com/*"
    /// routes = ["api.example.com/*"]
    /// ```
    /// ```jsonc
    /// { "route": "shop.example.com/*", "routes": ["api.example.com/*"] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// routes = ["shop.example.com/*", "api.example.com/*"]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which routes the Worker should serve is yours to say.
    ///
    /// ## References
    /// - [Routes](https://developers.cloudflare.com/workers/wrangler/configuration/#types-of-routes)
    pub static ROUTE_WITH_ROUTES = {
        code: "PL312",
        name: "route-with-routes",
        severity: Error,
        fix: FixAvailability::None,
        summary: "`route` and `routes` in the same table, which wrangler refuses",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        if scope.kind == ScopeKind::Previews {
            continue;
        }
        let (Some(route), Some(routes)) = (scope.table.get("route"), scope.table.get("routes"))
        else {
            continue;
        };
        // wrangler drops `route = ""` (with a warning) before it compares.
        if route.value.as_str() == Some("") {
            continue;
        }
        let environments = ctx.model.environments_using(scope, "routes");
        sink.report(
            routes.key_span,
            format!(
                "`{}` and `{}` are both set{}: wrangler refuses the config, it takes exactly \
                 one of them",
                scope.path("route"),
                scope.path("routes"),
                scope.inherited_suffix(&environments),
            ),
        )
        .with_help("keep one: move the `route` pattern into `routes`, or remove `routes`")
        .with_environments(&environments)
        .with_related([Related {
            file: ctx.path.to_path_buf(),
            span: route.key_span,
            message: "`route` is set here".to_owned(),
        }]);
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_where_both_are_written_in_one_table() {
        assert_rule(
            "PL312",
            Format::Toml,
            r#"route = "shop.example.com/*"
routes = ["api.example.com/*"]
^^^^^^ PL312: `route` and `routes` are both set (inherited by environment `a`): wrangler refuses the config
[env.a]
name = "a"
[env.b]
routes = []
[env.c]
route = ""
routes = []
[env.d]
route = "d.example.com/*"
[[env.d.routes]]
        ^^^^^^ PL312: `env.d.route` and `env.d.routes` are both set: wrangler refuses
pattern = "e.example.com"
custom_domain = true
"#,
        );
        assert_rule(
            "PL312",
            Format::Json,
            r#"{ "env": { "x": { "route": "a/*", "routes": [] } } }
                                  ^^^^^^^^ PL312"#,
        );
    }
}
