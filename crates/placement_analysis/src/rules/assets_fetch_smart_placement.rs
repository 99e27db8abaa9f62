use rustc_hash::FxHashMap;
use std::path::PathBuf;

use crate::context::{Context, Sink};
use crate::project::deployments::{
    affected_environments, findings_by_location, placement_kind, split_advice,
};
use crate::project::{ModuleGraph, Project};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

/// The binding Pages always gives Functions and `_worker.js` for the site's assets.
const PAGES_ASSETS_BINDING: &str = "ASSETS";

declare_rule! {
    /// ## What it does
    /// Reports calls that fetch static assets through the assets binding (`env.ASSETS.fetch`,
    /// `context.env.ASSETS.fetch`, a destructured `ASSETS.fetch`, or the name set in
    /// `assets.binding`) in code that Smart Placement (or explicit placement) moves: a Pages
    /// Function, a Pages `_worker.js`, or the Worker's `main` and the local modules it imports.
    /// Text in comments and strings never counts: the code is parsed.
    ///
    /// ## Why is this bad?
    /// Assets fetched through the binding are served from where the Worker runs. With placement
    /// that can be near the back end and far from the visitor, so each asset takes the long way.
    /// Assets Cloudflare serves directly (without the Worker) stay near the visitor.
    ///
    /// ## Example
    /// With this config (TOML or JSONC):
    /// ```toml
    /// main = "src/index.ts"
    /// assets = { directory = "public", binding = "ASSETS" }
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// {
    ///   "main": "src/index.ts",
    ///   "assets": { "directory": "public", "binding": "ASSETS" },
    ///   "placement": { "mode": "smart" }
    /// }
    /// ```
    /// and `src/index.ts`:
    /// ```ts
    /// export default {
    ///   async fetch(request, env) {
    ///     return env.ASSETS.fetch(request);
    ///   },
    /// };
    /// ```
    ///
    /// ## Use instead
    /// Let Cloudflare serve assets without the Worker (drop the `ASSETS.fetch` fallback and keep
    /// `run_worker_first` narrow), or serve the front end from a Worker without placement and
    /// move the back-end calls into a Worker with placement behind a Service Binding.
    ///
    /// ## Fix safety
    /// No fix: how to restructure the Worker is a design decision.
    ///
    /// ## References
    /// - [Smart Placement: static assets](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Static Assets binding](https://developers.cloudflare.com/workers/static-assets/binding/)
    pub static ASSETS_FETCH_SMART_PLACEMENT = {
        code: "PL202",
        name: "assets-fetch-smart-placement",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "Static assets fetched through the assets binding in a Worker that placement moves",
    }
}

/// Where `binding.fetch(...)` is called: each file and span.
type CallSites = Vec<(PathBuf, Span)>;

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    // The calls depend only on the module graph and the binding name: find once each.
    let mut by_graph: FxHashMap<(Option<&str>, &str), CallSites> = FxHashMap::default();
    let findings = findings_by_location(ctx.deployments, ctx.placements, |deployment| {
        let (main, binding) = match &project.pages {
            Some(_) => (None, Some(PAGES_ASSETS_BINDING)),
            None => (deployment.main_path(), deployment.assets_binding()),
        };
        let Some(binding) = binding else {
            return Vec::new();
        };
        let graph = match (&project.pages, main) {
            (Some(pages), _) => Some(&pages.graph),
            (None, Some(main)) => project.worker(main).map(|(_, graph)| graph),
            (None, None) => None,
        };
        let Some(graph) = graph else {
            return Vec::new();
        };
        by_graph
            .entry((main, binding))
            .or_insert_with(|| binding_calls(project, graph, binding))
            .iter()
            .map(|location| (location.clone(), binding.to_owned()))
            .collect()
    });
    for ((path, span), finding) in findings {
        let (environments, wording) = affected_environments(&finding.deployments);
        let site = &ctx.placements[finding.sites[0]];
        let place = match project
            .pages
            .as_ref()
            .and_then(|pages| pages.function(&path))
        {
            Some(function) => format!(" in the Pages Function for `{}`", function.route),
            None => String::new(),
        };
        let message = format!(
            "this call serves static assets through the `{}` binding{place}: they are served \
             from where the Worker runs, and {} may run it near the back end, far from the \
             visitor{wording}",
            finding.item,
            placement_kind(site)
        );
        sink.report_in(&path, span, message)
            .with_help(format!(
                "let Cloudflare serve assets without the Worker where possible, or {}",
                split_advice(&finding.deployments)
            ))
            .with_environments(&environments)
            .with_related(finding.related(ctx.path, ctx.placements));
    }
}

/// Calls of `binding.fetch(...)` in the graph's modules.
fn binding_calls(project: &Project, graph: &ModuleGraph, binding: &str) -> Vec<(PathBuf, Span)> {
    let mut calls = Vec::new();
    for module in &graph.modules {
        let Some(source) = project.source(module) else {
            continue;
        };
        calls.extend(
            source
                .facts
                .binding_fetches
                .iter()
                .filter(|call| call.binding == binding)
                .map(|call| (module.clone(), call.span)),
        );
    }
    calls
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    const WORKER_TOML: &str = r#"main = "src/index.ts"
assets = { directory = "public", binding = "STATIC" }
[placement]
mode = "smart"
"#;

    #[test]
    fn fires_on_the_configured_binding_in_imported_modules() {
        let diagnostics = assert_project_rule(
            "PL202",
            &[
                ("wrangler.toml", WORKER_TOML),
                (
                    "src/index.ts",
                    r"import { serve } from './serve';
// env.STATIC.fetch(request) in a comment
const note = 'env.STATIC.fetch(request)';
export default { fetch: serve };
",
                ),
                (
                    "src/serve.ts",
                    r"export async function serve(request, env) {
  return env.STATIC.fetch(request);
         ^^^^^^^^^^^^^^^^^^^^^^^^^ PL202
}
",
                ),
            ],
        );
        assert_eq!(
            diagnostics[0].related[0].file.to_str(),
            Some("wrangler.toml")
        );
    }

    #[test]
    fn fires_in_jsonc_for_environments_and_destructured_env() {
        let diagnostics = assert_project_rule(
            "PL202",
            &[
                (
                    "wrangler.jsonc",
                    r#"{
  "main": "src/index.js",
  "assets": { "directory": "public", "binding": "ASSETS" },
  "env": { "eu": { "placement": { "region": "aws:eu-west-1" } } }
}"#,
                ),
                (
                    "src/index.js",
                    r"export default { async fetch(request, { ASSETS }) { return ASSETS.fetch(request); } };
                                                           ^^^^^^^^^^^^^^^^^^^^^ PL202
",
                ),
            ],
        );
        assert_eq!(diagnostics[0].environments, ["eu"]);
    }

    #[test]
    fn fires_in_pages_functions_with_the_route() {
        assert_project_rule(
            "PL202",
            &[
                (
                    "wrangler.toml",
                    r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
"#,
                ),
                (
                    "functions/docs/[[path]].ts",
                    r"export const onRequest = (context) => context.env.ASSETS.fetch(context.request);
                                      ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL202: in the Pages Function for `/docs/:path*`
",
                ),
            ],
        );
    }

    #[test]
    fn silent_without_placement_binding_or_for_other_bindings() {
        let source = (
            "src/index.ts",
            "export default { fetch(r, env) { return env.ASSETS.fetch(r); } };",
        );
        assert_project_rule(
            "PL202",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
assets = { directory = "public", binding = "ASSETS" }
[placement]
mode = "off"
"#,
                ),
                source,
            ],
        );
        // No `assets.binding`: a Worker has no assets binding at all.
        assert_project_rule(
            "PL202",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[placement]
mode = "smart"
"#,
                ),
                source,
            ],
        );
        assert_project_rule(
            "PL202",
            &[
                ("wrangler.toml", WORKER_TOML),
                (
                    "src/index.ts",
                    "export default { fetch(r, env) { return env.API.fetch(r); } };",
                ),
            ],
        );
    }
}
