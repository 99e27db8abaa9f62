use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::project::deployments::{
    affected_environments, placed_groups, placement_anchor, placement_kind, split_advice,
};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a Pages project with Smart Placement (or explicit placement) whose
    /// `functions/_middleware.js` (or `.ts`, `.mjs`, ...) runs for every request.
    ///
    /// It does not fire when `_routes.json` in the build output keeps Functions off the static
    /// paths (its `include` does not cover `/*`), in advanced mode (a `_worker.js` makes Pages
    /// ignore `functions/`), or for middleware in sub-folders only.
    ///
    /// ## Why is this bad?
    /// A root middleware makes every request, static assets included, run through Functions.
    /// With placement on, Functions run near the back end, so Cloudflare serves **all** the
    /// site's assets from there instead of from the data center nearest the visitor: every
    /// image, script and stylesheet gets slower.
    ///
    /// ## Example
    /// `functions/_middleware.ts` exists, and the config says:
    /// ```toml
    /// pages_build_output_dir = "dist"
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "pages_build_output_dir": "dist", "placement": { "mode": "smart" } }
    /// ```
    ///
    /// ## Use instead
    /// Keep Functions off the static paths with `dist/_routes.json`:
    /// ```json
    /// { "version": 1, "include": ["/api/*"], "exclude": [] }
    /// ```
    /// or move the middleware to the folder that needs it (`functions/api/_middleware.ts`), or
    /// split the back end into its own Worker with placement, reached through a Service Binding.
    ///
    /// ## Fix safety
    /// No fix: which paths need Functions is the project's decision.
    ///
    /// ## References
    /// - [Smart Placement and Pages Functions](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Pages Functions routing and `_routes.json`](https://developers.cloudflare.com/pages/functions/routing/)
    /// - [Pages Functions middleware](https://developers.cloudflare.com/pages/functions/middleware/)
    pub static PAGES_MIDDLEWARE_SMART_PLACEMENT = {
        code: "PL201",
        name: "pages-middleware-smart-placement",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "A root Pages middleware with placement serves every asset from near the back end",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project else {
        return;
    };
    let Some(pages) = &project.pages else {
        return;
    };
    if pages.advanced_worker.is_some() {
        return;
    }
    let Some(middleware) = pages.root_middleware() else {
        return;
    };
    let catch_all = match &pages.routes {
        Some(routes) if routes.valid => match routes.includes_everything() {
            Some(pattern) => Some((routes, pattern)),
            None => return,
        },
        _ => None,
    };
    for (site_index, group) in placed_groups(ctx.deployments, ctx.placements) {
        let site = &ctx.placements[site_index];
        let (environments, wording) = affected_environments(&group);
        let middleware_name = project.display(&middleware.path);
        let message = format!(
            "{} runs this Pages project's Functions near its back end, and `{middleware_name}` \
             runs for every request, so every static asset is served from there instead of \
             near the visitor{wording}",
            placement_kind(site)
        );
        let first_line = middleware_first_line(project, &middleware.path);
        let diagnostic = sink
            .report(placement_anchor(site), message)
            .with_help(format!(
                "keep Functions off static paths with `_routes.json` in the build output \
                 (`\"include\": [\"/api/*\"]`), move the middleware into the folder that needs \
                 it, or {}",
                split_advice(&group)
            ))
            .with_environments(&environments)
            .with_related([Related {
                file: middleware.path.clone(),
                span: first_line,
                message: "this middleware runs for every request (`/*`)".to_owned(),
            }]);
        if let Some((routes, (pattern, span))) = catch_all {
            diagnostic.with_related([Related {
                file: routes.path.clone(),
                span: *span,
                message: format!("`_routes.json` sends `{pattern}` to Functions"),
            }]);
        }
    }
}

/// The middleware's first line (it is only listed, not parsed, when nothing else needs it).
fn middleware_first_line(project: &crate::project::Project, path: &std::path::Path) -> Span {
    let end = project.source(path).map_or(0, |source| {
        source.text.find('\n').unwrap_or(source.text.len())
    });
    Span::new(0, end)
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    const MIDDLEWARE: &str = "export const onRequest = (context) => context.next();\n";

    #[test]
    fn fires_for_a_root_middleware_in_toml_and_jsonc() {
        let diagnostics = assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.toml",
                    r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
       ^^^^^^^ PL201: Smart Placement runs this Pages project's Functions near its back end, and `functions/_middleware.ts` runs for every request
"#,
                ),
                ("functions/_middleware.ts", MIDDLEWARE),
                (
                    "functions/index.ts",
                    "export const onRequest = () => new Response('hi');",
                ),
            ],
        );
        assert_eq!(
            diagnostics[0].related[0].file.to_str(),
            Some("functions/_middleware.ts")
        );
        assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.jsonc",
                    r#"{
  "pages_build_output_dir": "dist",
  "placement": { "mode": "smart" },
                         ^^^^^^^ PL201
  "env": { "production": {} }
}
"#,
                ),
                ("functions/_middleware.js", MIDDLEWARE),
                (
                    "dist/_routes.json",
                    r#"{ "version": 1, "include": ["/*"], "exclude": [] }"#,
                ),
            ],
        );
    }

    #[test]
    fn fires_per_environment_with_explicit_placement() {
        let diagnostics = assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.toml",
                    r#"pages_build_output_dir = "dist"
[env.production.placement]
region = "aws:us-east-1"
         ^^^^^^^^^^^^^^^ PL201: explicit placement (`region = "aws:us-east-1"`) runs this Pages project's Functions
"#,
                ),
                ("functions/_middleware.ts", MIDDLEWARE),
            ],
        );
        assert_eq!(diagnostics[0].environments, ["production"]);
    }

    #[test]
    fn silent_for_nested_middleware_routes_advanced_mode_or_placement_off() {
        let config = r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
"#;
        assert_project_rule(
            "PL201",
            &[
                ("wrangler.toml", config),
                ("functions/api/_middleware.ts", MIDDLEWARE),
            ],
        );
        assert_project_rule(
            "PL201",
            &[
                ("wrangler.toml", config),
                ("functions/_middleware.ts", MIDDLEWARE),
                (
                    "dist/_routes.json",
                    r#"{ "version": 1, "include": ["/api/*"], "exclude": [] }"#,
                ),
            ],
        );
        assert_project_rule(
            "PL201",
            &[
                ("wrangler.toml", config),
                ("functions/_middleware.ts", MIDDLEWARE),
                (
                    "dist/_worker.js",
                    "export default { fetch() { return new Response('') } };",
                ),
            ],
        );
        assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.jsonc",
                    r#"{ "pages_build_output_dir": "dist", "placement": { "mode": "off" } }"#,
                ),
                ("functions/_middleware.ts", MIDDLEWARE),
            ],
        );
    }
}
