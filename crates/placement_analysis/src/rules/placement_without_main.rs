use crate::context::{Context, Sink};
use crate::project::deployments::{
    affected_environments, pages_build_output_dir, placed_groups, placement_anchor, placement_kind,
};
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a Worker config (not a Pages one) that sets a placement moving the Worker
    /// (Smart Placement or explicit placement) but has no `main`, in each environment that
    /// deploys it. It reads only the config.
    ///
    /// ## Why is this bad?
    /// Without `main` the Worker is assets-only: Cloudflare serves its static assets from the
    /// data center nearest the visitor, and there is no code for placement to move. The setting
    /// does nothing, and suggests a Worker runs where none does.
    ///
    /// ## Example
    /// ```toml
    /// name = "site"
    /// assets = { directory = "public" }
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "name": "site", "assets": { "directory": "public" }, "placement": { "mode": "smart" } }
    /// ```
    ///
    /// ## Use instead
    /// Remove `placement`, or set `main` to the Worker script that should run near its back end:
    /// ```toml
    /// name = "site"
    /// main = "src/index.ts"
    /// assets = { directory = "public" }
    /// [placement]
    /// mode = "smart"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether `main` is missing or the placement is stale cannot be known.
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Static Assets](https://developers.cloudflare.com/workers/static-assets/)
    pub static PLACEMENT_WITHOUT_MAIN = {
        code: "PL205",
        name: "placement-without-main",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "Placement on a Worker without `main` (assets only) has no effect",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    // Reads only the config, but belongs to the project checks (`check_project`).
    if ctx.project().is_none() {
        return;
    }
    if pages_build_output_dir(ctx.model).is_some() {
        return;
    }
    for (site_index, group) in placed_groups(ctx.deployments, ctx.placements) {
        let without_main: Vec<_> = group
            .into_iter()
            .filter(|deployment| deployment.main_path().is_none())
            .collect();
        if without_main.is_empty() {
            continue;
        }
        let site = &ctx.placements[site_index];
        let (environments, wording) = affected_environments(&without_main);
        let message = format!(
            "{} has no effect: this Worker has no `main`, so it only serves static assets, \
             which Cloudflare serves near the visitor anyway{wording}",
            placement_kind(site)
        );
        sink.report(placement_anchor(site), message)
            .with_help(
                "remove `placement`, or set `main` to the Worker script that should run near its \
                 back end",
            )
            .with_environments(&environments);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    #[test]
    fn fires_without_main_in_toml_and_jsonc() {
        assert_project_rule(
            "PL205",
            &[(
                "wrangler.toml",
                r#"name = "site"
assets = { directory = "public" }
[placement]
mode = "smart"
       ^^^^^^^ PL205
"#,
            )],
        );
        assert_project_rule(
            "PL205",
            &[(
                "wrangler.jsonc",
                r#"{ "name": "site", "placement": { "hostname": "api.example.com" } }
                                             ^^^^^^^^^^^^^^^^^ PL205
"#,
            )],
        );
    }

    #[test]
    fn fires_only_for_environments_without_main() {
        let diagnostics = assert_project_rule(
            "PL205",
            &[(
                "wrangler.toml",
                r#"[placement]
mode = "smart"
       ^^^^^^^ PL205: (top level and environment `site`)
[env.api]
main = "src/api.ts"
[env.site]
name = "site"
"#,
            )],
        );
        assert_eq!(diagnostics[0].environments, ["site"]);
    }

    #[test]
    fn silent_with_main_for_pages_or_placement_off() {
        assert_project_rule(
            "PL205",
            &[(
                "wrangler.toml",
                r#"main = "a.ts"
[placement]
mode = "smart"
"#,
            )],
        );
        assert_project_rule(
            "PL205",
            &[(
                "wrangler.toml",
                r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
"#,
            )],
        );
        assert_project_rule(
            "PL205",
            &[("wrangler.jsonc", r#"{ "placement": { "mode": "off" } }"#)],
        );
    }
}
