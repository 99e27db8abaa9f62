use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `assets` (own or inherited) in a config that also has `[site]` (Workers Sites),
    /// at the top level or in any `[env.NAME]`.
    ///
    /// ## Why is this bad?
    /// Static assets replace Workers Sites, and one Worker cannot have both. wrangler reads the
    /// config without complaint, but `wrangler deploy` and `wrangler dev` stop (`Cannot use
    /// assets and Workers Sites in the same Worker`). `site` applies to every environment, so
    /// an environment with its own `assets` fails as well.
    ///
    /// ## Example
    /// ```toml
    /// main = "src/index.ts"
    ///
    /// [site]
    /// bucket = "./public"
    ///
    /// [assets]
    /// directory = "./public"
    /// ```
    /// ```jsonc
    /// { "site": { "bucket": "./public" }, "assets": { "directory": "./public" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// main = "src/index.ts"
    ///
    /// [assets]
    /// directory = "./public"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: moving from Workers Sites to assets may need code changes (`__STATIC_CONTENT`).
    ///
    /// ## References
    /// - [Migrate from Workers Sites to static assets](https://developers.cloudflare.com/workers/static-assets/migration-guides/migrate-from-workers-sites/)
    pub static ASSETS_WITH_SITE = {
        code: "PL316",
        name: "assets-with-site",
        severity: Error,
        fix: FixAvailability::None,
        summary: "`assets` together with `site` (Workers Sites), which `wrangler deploy` and `wrangler dev` refuse",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(site) = ctx.model.root.get("site") else {
        return;
    };
    for scope in &ctx.model.scopes {
        if scope.kind == ScopeKind::Previews {
            continue;
        }
        let Some(assets) = scope.table.get("assets") else {
            continue;
        };
        let environments = ctx.model.environments_using(scope, "assets");
        sink.report(
            assets.key_span,
            format!(
                "`{}`{} cannot be used with `site` (Workers Sites): wrangler deploy and wrangler \
                 dev refuse the config",
                scope.path("assets"),
                scope.inherited_suffix(&environments),
            ),
        )
        .with_help(
            "keep one: `assets` replaces Workers Sites; remove `site` (and the `__STATIC_CONTENT` \
             code that reads it), or remove `assets`",
        )
        .with_environments(&environments)
        .with_related([Related {
            file: ctx.path.to_path_buf(),
            span: site.key_span,
            message: "`site` is set here, for every environment".to_owned(),
        }]);
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_assets_beside_site() {
        let diagnostics = assert_rule(
            "PL316",
            Format::Toml,
            r#"main = "src/index.ts"
[site]
bucket = "./public"
[assets]
 ^^^^^^ PL316: `assets` (inherited by environment `a`) cannot be used with `site`
directory = "./public"
[env.a]
name = "a"
[env.b]
assets = { directory = "./b" }
^^^^^^ PL316: `env.b.assets` cannot be used
"#,
        );
        assert_eq!(diagnostics[0].related.len(), 1);
        assert_rule(
            "PL316",
            Format::Json,
            r#"{ "assets": { "directory": "./public" }, "env": { "x": { "assets": {} } } }"#,
        );
        assert_rule(
            "PL316",
            Format::Json,
            r#"{ "site": { "bucket": "./public" }, "env": { "x": { "assets": {} } } }
                                                    ^^^^^^^^ PL316"#,
        );
    }
}
