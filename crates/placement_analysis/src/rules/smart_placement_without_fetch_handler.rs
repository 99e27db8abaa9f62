use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};

use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::project::deployments::{
    affected_environments, placed_groups, placement_anchor, placement_kind,
};
use crate::project::source::ExportValue;
use crate::project::{Project, Resolved};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports Smart Placement (or explicit placement) on a Worker whose `main` entry has no
    /// fetch handler: its default export is an object or a `WorkerEntrypoint` class without a
    /// `fetch` method (following re-exports such as `export { default } from "./app"`), or it
    /// has no default export, and no module registers `addEventListener("fetch", ...)`.
    ///
    /// When the analysis cannot see the handler (a default export built by a function call, a
    /// class extending another class, a file that does not parse), it stays silent.
    ///
    /// ## Why is this bad?
    /// Placement only applies to the fetch handler. RPC methods, named entrypoints, `scheduled`,
    /// `queue` and other handlers are not placed, and a Worker without a fetch handler is
    /// ignored: the setting does nothing.
    ///
    /// ## Example
    /// With this config (TOML or JSONC):
    /// ```toml
    /// main = "src/index.ts"
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "placement": { "mode": "smart" } }
    /// ```
    /// and `src/index.ts`:
    /// ```ts
    /// export default {
    ///   async scheduled(controller, env, ctx) { await env.DB.prepare("DELETE ...").run(); },
    /// };
    /// ```
    ///
    /// ## Use instead
    /// Remove `placement`, or place the Worker that serves HTTP requests (its `fetch` handler
    /// calls the back end).
    ///
    /// ## Fix safety
    /// No fix: the handler may live where the analysis cannot see it.
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Fetch handler](https://developers.cloudflare.com/workers/runtime-apis/handlers/fetch/)
    pub static SMART_PLACEMENT_WITHOUT_FETCH_HANDLER = {
        code: "PL204",
        name: "smart-placement-without-fetch-handler",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "Placement on a Worker whose entry has no fetch handler does nothing",
    }
}

/// Why an entry has no fetch handler, and where to show it.
#[derive(Clone)]
struct Missing {
    reason: String,
    related: Related,
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    if project.pages.is_some() {
        return;
    }
    // Environments mostly share one `main`: look at each entry once.
    let mut by_main: FxHashMap<&str, Option<Missing>> = FxHashMap::default();
    for (site_index, group) in placed_groups(ctx.deployments, ctx.placements) {
        let mut firing = Vec::new();
        let mut first: Option<Missing> = None;
        for deployment in group {
            let Some(main) = deployment.main_path() else {
                continue;
            };
            let missing = by_main.entry(main).or_insert_with(|| {
                let (entry, _) = project.worker(main)?;
                missing_fetch_handler(project, entry)
            });
            if let Some(missing) = missing.clone() {
                firing.push(deployment);
                first.get_or_insert(missing);
            }
        }
        let Some(missing) = first else {
            continue;
        };
        let site = &ctx.placements[site_index];
        let (environments, wording) = affected_environments(&firing);
        let message = format!(
            "{} does nothing here: {}; placement only applies to fetch requests, not to RPC \
             methods, `scheduled`, `queue` or other handlers{wording}",
            placement_kind(site),
            missing.reason
        );
        sink.report(placement_anchor(site), message)
            .with_help(
                "remove `placement`, or add a `fetch` handler if this Worker serves HTTP requests \
             that call a back end",
            )
            .with_environments(&environments)
            .with_related([missing.related]);
    }
}

/// Whether the Worker whose entry is `entry` certainly has no fetch handler, and why.
fn missing_fetch_handler(project: &Project, entry: &Path) -> Option<Missing> {
    let graph = project.workers.get(entry)?;
    let mut any_parse_error = false;
    for module in &graph.modules {
        let source = project.source(module)?;
        if !source.facts.fetch_listeners.is_empty() {
            return None;
        }
        any_parse_error |= source.facts.parse_error.is_some();
    }
    if any_parse_error {
        return None;
    }
    let entry_name = project.display(entry);
    match project.resolve_export(entry, "default") {
        Resolved::Missing => Some(Missing {
            reason: format!(
                "the entry `{entry_name}` has no default export and registers no `fetch` listener"
            ),
            related: related(entry, Span::empty(0), "the Worker's entry"),
        }),
        Resolved::Value { module, export } => {
            let ExportValue::Object(object) = &export.value else {
                return None;
            };
            let plain_class = matches!(object.base.as_deref(), None | Some("WorkerEntrypoint"));
            if object.fetch.is_some() || !object.complete || (object.is_class && !plain_class) {
                return None;
            }
            let kind = match (object.is_class, object.base.as_deref()) {
                (true, Some(base)) => format!("a class extending `{base}`"),
                (true, None) => "a class".to_owned(),
                (false, _) => "an object".to_owned(),
            };
            let defines = if object.members.is_empty() {
                String::new()
            } else {
                let names: Vec<_> = object.members.iter().map(|m| format!("`{m}`")).collect();
                format!(" (it defines {})", names.join(", "))
            };
            Some(Missing {
                reason: format!(
                    "the Worker's default export, {kind} in `{}`, has no `fetch` method{defines}",
                    project.display(&module.path)
                ),
                related: related(
                    &module.path,
                    export.span,
                    "the default export, without `fetch`",
                ),
            })
        }
        Resolved::Unknown => None,
    }
}

fn related(file: &Path, span: Span, message: &str) -> Related {
    Related {
        file: PathBuf::from(file),
        span,
        message: message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    const TOML: &str = r#"main = "src/index.ts"
[placement]
mode = "smart"
       ^^^^^^^ PL204
"#;
    const TOML_QUIET: &str = r#"main = "src/index.ts"
[placement]
mode = "smart"
"#;

    #[test]
    fn fires_for_scheduled_only_objects_and_rpc_classes() {
        let diagnostics = assert_project_rule(
            "PL204",
            &[
                ("wrangler.toml", TOML),
                (
                    "src/index.ts",
                    "export default { async scheduled(controller, env) {} };",
                ),
            ],
        );
        assert!(diagnostics[0].message.contains("`scheduled`"));
        assert_project_rule(
            "PL204",
            &[
                (
                    "wrangler.jsonc",
                    r#"{ "main": "src/index.ts", "placement": { "mode": "smart" } }
                                                 ^^^^^^^ PL204
"#,
                ),
                (
                    "src/index.ts",
                    r"import { WorkerEntrypoint } from 'cloudflare:workers';
export default class extends WorkerEntrypoint { async add(a, b) { return a + b; } }
",
                ),
            ],
        );
    }

    #[test]
    fn follows_re_exported_defaults() {
        let diagnostics = assert_project_rule(
            "PL204",
            &[
                ("wrangler.toml", TOML),
                ("src/index.ts", "export { default } from './app';\n"),
                (
                    "src/app.ts",
                    r"const app = { queue(batch) {} };
export default app;
",
                ),
            ],
        );
        assert_eq!(diagnostics[0].related[0].file.to_str(), Some("src/app.ts"));
        assert_project_rule(
            "PL204",
            &[
                ("wrangler.toml", TOML_QUIET),
                ("src/index.ts", "export { default } from './app.js';\n"),
                (
                    "src/app.ts",
                    "export default { fetch() { return new Response('ok'); } };\n",
                ),
            ],
        );
    }

    #[test]
    fn fires_in_environments_and_without_default_export() {
        let diagnostics = assert_project_rule(
            "PL204",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[env.cron]
main = "src/cron.ts"
[env.cron.placement]
region = "aws:us-east-1"
         ^^^^^^^^^^^^^^^ PL204
"#,
                ),
                ("src/cron.ts", "export class Counter {}\n"),
            ],
        );
        assert_eq!(diagnostics[0].environments, ["cron"]);
    }

    #[test]
    fn silent_for_fetch_handlers_service_workers_and_unknowns() {
        let cases = [
            "export default { async fetch(request) { return new Response('ok'); } };",
            "addEventListener('fetch', (event) => event.respondWith(new Response('ok')));",
            r"import { Hono } from 'hono';
const app = new Hono();
export default app;",
            r"import { WorkerEntrypoint } from 'cloudflare:workers';
export default class extends WorkerEntrypoint { fetch() { return new Response(''); } }",
            r"class Base { fetch() {} }
export default class extends Base {}",
            r"const handlers = { fetch() {} };
export default { ...handlers };",
            "export default { scheduled() {} ",
        ];
        for source in cases {
            assert_project_rule(
                "PL204",
                &[("wrangler.toml", TOML_QUIET), ("src/index.ts", source)],
            );
        }
        // Placement off, or no entry file to read.
        assert_project_rule(
            "PL204",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[placement]
mode = "off"
"#,
                ),
                ("src/index.ts", "export default {};"),
            ],
        );
        assert_project_rule("PL204", &[("wrangler.toml", TOML_QUIET)]);
    }
}
