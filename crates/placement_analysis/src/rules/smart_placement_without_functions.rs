use crate::context::{Context, Sink};
use crate::project::deployments::{
    affected_environments, placed_groups, placement_anchor, placement_kind,
};
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports Smart Placement (or explicit placement) in a Pages project that has neither
    /// Functions (source files under `functions/`) nor an advanced-mode `_worker.js` in its build
    /// output folder.
    ///
    /// ## Why is this bad?
    /// Placement moves code that runs for requests. A Pages project without Functions or
    /// `_worker.js` only serves static assets, which Cloudflare serves near the visitor: there is
    /// nothing to place, and the setting suggests otherwise.
    ///
    /// ## Example
    /// No `functions/` folder and no `dist/_worker.js`, with:
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
    /// Remove `placement`, or add the Functions that call the back end (`functions/api/...`).
    ///
    /// ## Fix safety
    /// No fix: the Functions may be about to be written.
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Pages Functions](https://developers.cloudflare.com/pages/functions/)
    pub static SMART_PLACEMENT_WITHOUT_FUNCTIONS = {
        code: "PL208",
        name: "smart-placement-without-functions",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "Placement in a Pages project without Functions or `_worker.js` has nothing to place",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    let Some(pages) = &project.pages else {
        return;
    };
    if !pages.functions.is_empty() || pages.advanced_worker.is_some() {
        return;
    }
    let output_dir = project.display(&pages.output_dir);
    for (site_index, group) in placed_groups(ctx.deployments, ctx.placements) {
        let site = &ctx.placements[site_index];
        let (environments, wording) = affected_environments(&group);
        let message = format!(
            "{} has nothing to place: this Pages project has no `functions/` and no \
             `_worker.js` in `{output_dir}`, so it only serves static assets, near the \
             visitor{wording}",
            placement_kind(site)
        );
        sink.report(placement_anchor(site), message)
            .with_help("remove `placement`, or add the Functions that call the back end")
            .with_environments(&environments);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    #[test]
    fn fires_without_functions_in_toml_and_jsonc() {
        assert_project_rule(
            "PL208",
            &[
                (
                    "wrangler.toml",
                    r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
       ^^^^^^^ PL208
"#,
                ),
                ("dist/index.html", "<h1>hi</h1>"),
                ("functions/README.md", "not a function"),
            ],
        );
        let diagnostics = assert_project_rule(
            "PL208",
            &[(
                "wrangler.jsonc",
                r#"{
  "pages_build_output_dir": "dist",
  "env": { "production": { "placement": { "mode": "smart" } } }
                                                  ^^^^^^^ PL208
}
"#,
            )],
        );
        assert_eq!(diagnostics[0].environments, ["production"]);
    }

    #[test]
    fn silent_with_functions_worker_or_placement_off() {
        let config = r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
"#;
        assert_project_rule(
            "PL208",
            &[
                ("wrangler.toml", config),
                (
                    "functions/api/[id].ts",
                    "export const onRequest = () => new Response('');",
                ),
            ],
        );
        assert_project_rule(
            "PL208",
            &[
                ("wrangler.toml", config),
                ("dist/_worker.js/index.js", "export default { fetch() {} };"),
            ],
        );
        assert_project_rule(
            "PL208",
            &[(
                "wrangler.toml",
                r#"pages_build_output_dir = "dist"
[placement]
mode = "off"
"#,
            )],
        );
    }
}
