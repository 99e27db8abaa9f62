use crate::context::{Context, Sink};
use crate::project::deployments::{affected_environments, findings_by_location, placement_kind};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Entry, NodeKind};

declare_rule! {
    /// ## What it does
    /// Reports `assets.run_worker_first = true`, or route patterns that send every path to the
    /// Worker (such as `"/*"`, with or without `!` negations), together with Smart Placement or
    /// explicit placement. Narrow patterns such as `["/api/*"]` are fine. It reads only the
    /// config.
    ///
    /// ## Why is this bad?
    /// `run_worker_first` makes requests go through the Worker before Cloudflare looks for a
    /// static asset. With placement on, the Worker runs near the back end, so every such request,
    /// and every asset the Worker then serves, takes the detour. Cloudflare's docs list it among
    /// the reasons Smart Placement can hurt; wrangler warns only for `true` with `mode = "smart"`,
    /// at deploy time.
    ///
    /// ## Example
    /// ```toml
    /// main = "src/index.ts"
    /// assets = { directory = "public", run_worker_first = true }
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// {
    ///   "main": "src/index.ts",
    ///   "assets": { "directory": "public", "run_worker_first": ["/*", "!/static/*"] },
    ///   "placement": { "mode": "smart" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// assets = { directory = "public", run_worker_first = ["/api/*"] }
    /// ```
    /// ```jsonc
    /// { "assets": { "directory": "public", "run_worker_first": ["/api/*"] } }
    /// ```
    ///
    /// ## Fix safety
    /// No fix: narrowing the patterns changes which requests the Worker sees, and only the
    /// project knows which routes need it. The help names the usual shape.
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Static Assets: `run_worker_first`](https://developers.cloudflare.com/workers/static-assets/routing/worker-script/)
    pub static RUN_WORKER_FIRST_SMART_PLACEMENT = {
        code: "PL203",
        name: "run-worker-first-smart-placement",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "`run_worker_first` sends every request through a Worker that placement moves",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    // Reads only the config, but belongs to the project checks (`check_project`).
    if ctx.project().is_none() {
        return;
    }
    let findings = findings_by_location(ctx.deployments, ctx.placements, |deployment| {
        deployment
            .run_worker_first()
            .and_then(|entry| {
                Some((
                    (ctx.path.to_path_buf(), entry.value.span),
                    (entry, sends_everything(entry)?),
                ))
            })
            .into_iter()
            .collect()
    });
    for finding in findings.into_values() {
        let (entry, reason) = &finding.item;
        let (environments, wording) = affected_environments(&finding.deployments);
        let site = &ctx.placements[finding.sites[0]];
        let message = format!(
            "{reason}, so every request runs the Worker first, and {} runs the Worker near the \
             back end: requests and the assets it serves take the detour{wording}",
            placement_kind(site)
        );
        sink.report(entry.value.span, message)
            .with_help(
                "list only the routes that need the Worker, such as `[\"/api/*\"]`, so that \
                 Cloudflare serves the other assets near the visitor; or turn placement off for \
                 this Worker",
            )
            .with_environments(&environments)
            .with_related(finding.related(ctx.path, ctx.placements));
    }
}

/// Why `run_worker_first` covers every path, if it does.
fn sends_everything(entry: &Entry) -> Option<String> {
    match &entry.value.kind {
        NodeKind::Bool(true) => Some("`run_worker_first` is `true`".to_owned()),
        NodeKind::Array(patterns) => patterns
            .iter()
            .filter_map(|pattern| pattern.as_str())
            .find(|pattern| matches!(*pattern, "/*" | "/**" | "*"))
            .map(|pattern| {
                format!("the `run_worker_first` pattern `{pattern}` matches every path (negations only carve out exceptions)")
            }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    #[test]
    fn fires_for_true_and_catch_all_patterns() {
        assert_project_rule(
            "PL203",
            &[(
                "wrangler.toml",
                r#"main = "src/index.ts"
assets = { directory = "public", run_worker_first = true }
                                                    ^^^^ PL203
[placement]
mode = "smart"
"#,
            )],
        );
        let diagnostics = assert_project_rule(
            "PL203",
            &[(
                "wrangler.jsonc",
                r#"{
  "main": "src/index.ts",
  "assets": { "directory": "public", "run_worker_first": ["/*", "!/static/*"] },
                                                         ^^^^^^^^^^^^^^^^^^^^ PL203
  "env": { "us": { "placement": { "host": "db.example.com:5432" } } }
}"#,
            )],
        );
        assert_eq!(diagnostics[0].environments, ["us"]);
        assert!(diagnostics[0].fix.is_none());
    }

    #[test]
    fn fires_once_for_an_inherited_value() {
        let diagnostics = assert_project_rule(
            "PL203",
            &[(
                "wrangler.toml",
                r#"main = "a.ts"
[assets]
directory = "public"
run_worker_first = true
                   ^^^^ PL203
[placement]
mode = "smart"
[env.staging]
name = "s"
"#,
            )],
        );
        assert_eq!(diagnostics[0].environments, ["staging"]);
    }

    #[test]
    fn silent_for_narrow_patterns_or_without_placement() {
        assert_project_rule(
            "PL203",
            &[(
                "wrangler.toml",
                r#"main = "a.ts"
assets = { directory = "p", run_worker_first = ["/api/*"] }
[placement]
mode = "smart"
"#,
            )],
        );
        assert_project_rule(
            "PL203",
            &[(
                "wrangler.jsonc",
                r#"{ "main": "a.ts", "assets": { "directory": "p", "run_worker_first": true }, "placement": { "mode": "off" } }"#,
            )],
        );
    }
}
