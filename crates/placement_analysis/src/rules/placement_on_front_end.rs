use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::project::deployments::{
    Deployment, affected_environments, placed_groups, placement_anchor, placement_kind,
};
use crate::project::estimate::BackEnd;
use crate::project::monorepo::TreeWorker;
use crate::project::{Project, modules::normalize};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

use std::path::Path;

declare_rule! {
    /// ## What it does
    /// In a monorepo, reports a placement (Smart Placement or explicit) on a Worker that serves
    /// the front end (it has `assets`, or is a Pages project) and whose fetch handler reaches its
    /// back end through a Service Binding to another Worker of the same repository. The other
    /// Workers are the configs found under the repository's root (the highest folder, up to
    /// three levels above the config, holding `.git`, `pnpm-workspace.yaml` or `package.json`),
    /// matched by their `name` with the binding's `service`.
    ///
    /// ## Why is this bad?
    /// Placement moves the whole Worker, including the assets and pages it serves, away from
    /// the visitor, while the round trips it would save happen in the other Worker. Cloudflare's
    /// docs recommend the split: a front-end Worker without placement, calling a back-end Worker
    /// with placement through a Service Binding. This reads the code and the configs; it does not
    /// know what Cloudflare's placement engine will decide.
    ///
    /// ## Example
    /// ```toml
    /// name = "storefront"
    /// main = "src/index.ts"
    /// assets = { directory = "./public", binding = "ASSETS" }
    /// services = [{ binding = "API", service = "api" }]
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// {
    ///   "name": "storefront",
    ///   "main": "src/index.ts",
    ///   "assets": { "directory": "./public", "binding": "ASSETS" },
    ///   "services": [{ "binding": "API", "service": "api" }],
    ///   "placement": { "mode": "smart" }
    /// }
    /// ```
    /// with `src/index.ts` calling `env.API.fetch(request)`, and `apps/api/wrangler.toml`
    /// deploying the Worker `api`.
    ///
    /// ## Use instead
    /// Remove `placement` here and set it in the back-end Worker's config (`apps/api`).
    ///
    /// ## Fix safety
    /// No fix: it takes edits in two configs, and a choice only you can make.
    ///
    /// ## References
    /// - [Smart Placement: split front end and back end](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Service Bindings](https://developers.cloudflare.com/workers/runtime-apis/bindings/service-bindings/)
    pub static PLACEMENT_ON_FRONT_END = {
        code: "PL212",
        name: "placement-on-front-end",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "Placement on a front-end Worker that calls its back-end Worker through a Service Binding",
    }
}

/// The Service Binding a deployment calls and the Worker of the tree behind it.
struct Split<'p> {
    binding: String,
    binding_span: Span,
    callee: &'p TreeWorker,
}

fn front_end_split<'p>(
    ctx: &Context<'_>,
    project: &'p Project,
    deployment: &Deployment<'_>,
) -> Option<Split<'p>> {
    if deployment.assets_table().is_none() && project.pages.is_none() {
        return None;
    }
    let trips = project.round_trips_of(ctx.deployments, deployment)?;
    let own = normalize(ctx.path);
    trips
        .handlers
        .iter()
        .flat_map(|handler| handler.back_ends.iter())
        .find_map(|calls| {
            let BackEnd::Service(binding) = &calls.back_end else {
                return None;
            };
            let entry = deployment
                .scope
                .table
                .get("services")?
                .value
                .as_array()?
                .iter()
                .filter_map(|item| item.as_table())
                .find(|item| item.get("binding").and_then(|b| b.value.as_str()) == Some(binding))?;
            let service = entry.get("service")?.value.as_str()?;
            // The nearest Worker of that name: the one sharing the most folders with this config.
            let callee = project
                .tree
                .iter()
                .filter(|worker| worker.name == service && normalize(&worker.config) != own)
                .max_by_key(|worker| {
                    let shared = shared_folders(&worker.config, &own);
                    (
                        shared,
                        std::cmp::Reverse(worker.config.components().count()),
                    )
                })?;
            Some(Split {
                binding: binding.clone(),
                binding_span: entry.get("binding")?.value.span,
                callee,
            })
        })
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    if project.tree.is_empty() {
        return;
    }
    for (site_index, group) in placed_groups(ctx.deployments, ctx.placements) {
        let mut firing = Vec::new();
        let mut first: Option<Split<'_>> = None;
        for deployment in group {
            if let Some(split) = front_end_split(ctx, project, deployment) {
                firing.push(deployment);
                first.get_or_insert(split);
            }
        }
        let Some(split) = first else {
            continue;
        };
        let site = &ctx.placements[site_index];
        let (environments, wording) = affected_environments(&firing);
        let callee = split.callee;
        let callee_config = relative_to(&project.root, &callee.config);
        let serves = if project.pages.is_some() {
            "a Pages project, serving the front end"
        } else {
            "a Worker serving the front end (it has `assets`)"
        };
        let there = if callee.placement.is_some() {
            "which already has a placement"
        } else {
            "which has none"
        };
        let message = format!(
            "{} is set on {serves}, whose back-end calls go through the Service Binding `{}` to \
             the Worker `{}` of this repository ({callee_config}), {there}: Cloudflare's docs \
             recommend a front end without placement calling a back-end Worker with placement{wording}",
            placement_kind(site),
            split.binding,
            callee.name
        );
        let mut related = vec![
            Related {
                file: ctx.path.to_path_buf(),
                span: split.binding_span,
                message: format!("the Service Binding `{}`", split.binding),
            },
            Related {
                file: callee.config.clone(),
                span: callee.name_span,
                message: format!("the back-end Worker `{}`", callee.name),
            },
        ];
        if let Some(span) = callee.placement {
            related.push(Related {
                file: callee.config.clone(),
                span,
                message: "its placement".to_owned(),
            });
        }
        sink.report(placement_anchor(site), message)
            .with_help(format!(
                "remove `placement` here and set it in {callee_config}, so the assets stay near \
                 the visitor and the back end's round trips are the ones placement shortens"
            ))
            .with_environments(&environments)
            .with_related(related);
    }
}

fn shared_folders(a: &Path, b: &Path) -> usize {
    a.components()
        .zip(b.components())
        .take_while(|(x, y)| x == y)
        .count()
}

/// `path` as seen from the folder `from`, with `/` (`../api/wrangler.toml`).
fn relative_to(from: &Path, path: &Path) -> String {
    let from = normalize(from);
    let path = normalize(path);
    let shared = shared_folders(&from, &path);
    let ups = from.components().count() - shared;
    let mut parts: Vec<String> = vec!["..".to_owned(); ups];
    parts.extend(
        path.components()
            .skip(shared)
            .map(|part| part.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    const API: &str = "export default { async fetch(r, env) {
  await env.DB.prepare('a').first();
  return Response.json(await env.DB.prepare('b').all());
} };";
    const WEB: &str = "export default { async fetch(request, env) {
  const url = new URL(request.url);
  if (url.pathname.startsWith('/api/')) return env.API.fetch(request);
  return env.ASSETS.fetch(request);
} };";

    #[test]
    fn fires_on_a_placed_front_end_calling_a_tree_worker() {
        assert_project_rule(
            "PL212",
            &[
                ("package.json", "{}"),
                (
                    "wrangler.toml",
                    r#"name = "web"
main = "src/index.ts"
assets = { directory = "./public", binding = "ASSETS" }
services = [{ binding = "API", service = "api" }]
[placement]
mode = "smart"
       ^^^^^^^ PL212: to the Worker `api` of this repository (apps/api/wrangler.toml), which has none
"#,
                ),
                ("src/index.ts", WEB),
                (
                    "apps/api/wrangler.toml",
                    "name = \"api\"\nmain = \"src/index.ts\"\n",
                ),
                ("apps/api/src/index.ts", API),
            ],
        );
    }

    #[test]
    fn silent_for_the_back_end_or_a_service_outside_the_tree() {
        // The split as the docs recommend: placement on the back end only.
        assert_project_rule(
            "PL212",
            &[
                ("package.json", "{}"),
                (
                    "wrangler.jsonc",
                    r#"{ "name": "api", "main": "src/index.ts", "services": [{ "binding": "API", "service": "other" }], "placement": { "mode": "smart" } }"#,
                ),
                ("src/index.ts", API),
                (
                    "apps/web/wrangler.toml",
                    "name = \"web\"\nservices = [{ binding = \"API\", service = \"api\" }]\n",
                ),
            ],
        );
        // A front end whose service is not in the tree.
        assert_project_rule(
            "PL212",
            &[
                (
                    "wrangler.toml",
                    "name = \"web\"\nmain = \"src/index.ts\"\nassets = { directory = \"./public\", binding = \"ASSETS\" }\nservices = [{ binding = \"API\", service = \"elsewhere\" }]\nplacement = { mode = \"smart\" }\n",
                ),
                ("src/index.ts", WEB),
            ],
        );
    }
}
