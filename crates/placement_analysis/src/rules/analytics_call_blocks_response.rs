use rustc_hash::FxHashMap;
use std::path::PathBuf;

use crate::context::{Context, Sink};
use crate::project::Project;
use crate::project::deployments::{
    Deployment, affected_environments, findings_by_location, placement_kind,
};
use crate::project::estimate::{self, host_of, request_handlers};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports an awaited `fetch` to an analytics or logging service (Datadog, New Relic,
    /// Honeycomb, Grafana, Amplitude, Tinybird, Segment, Mixpanel, PostHog, Axiom, Better Stack,
    /// Sentry, ...) in the fetch handler of a Worker with Smart Placement (or explicit
    /// placement), when it is not wrapped in `ctx.waitUntil`. It looks at the handler's own body:
    /// the module Worker's `fetch`, a service worker's `fetch` listener, a Pages Function's
    /// `onRequest*` handlers and a Pages `_worker.js`. The URL must be written in the file (a
    /// string, a template's head, a top-level constant).
    ///
    /// ## Why is this bad?
    /// Smart Placement does not consider analytics and logging services as back ends, so it will
    /// not move the Worker closer to them; awaiting the call holds the response until the
    /// service answers, on every request. Telemetry belongs off the critical path.
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
    ///   async fetch(request, env, ctx) {
    ///     const response = await handle(request, env);
    ///     await fetch("https://http-intake.logs.datadoghq.com/api/v2/logs", { method: "POST" });
    ///     return response;
    ///   },
    /// };
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// ctx.waitUntil(fetch("https://http-intake.logs.datadoghq.com/api/v2/logs", { method: "POST" }));
    /// ```
    ///
    /// ## Fix safety
    /// No fix: code after the call may rely on its result.
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [`ctx.waitUntil`](https://developers.cloudflare.com/workers/runtime-apis/context/#waituntil)
    pub static ANALYTICS_CALL_BLOCKS_RESPONSE = {
        code: "PL207",
        name: "analytics-call-blocks-response",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "An awaited analytics call in the fetch handler of a placed Worker",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    // What a deployment runs depends only on its `main` (or the Pages project): find once each.
    let mut by_main: FxHashMap<Option<&str>, Vec<(PathBuf, AnalyticsCall)>> = FxHashMap::default();
    let findings = findings_by_location(ctx.deployments, ctx.placements, |deployment| {
        let key = project
            .pages
            .is_none()
            .then(|| deployment.main_path())
            .flatten();
        by_main
            .entry(key)
            .or_insert_with(|| analytics_calls(project, deployment))
            .iter()
            .map(|(path, call)| ((path.clone(), call.span), call.clone()))
            .collect()
    });
    for ((path, span), finding) in findings {
        let (environments, wording) = affected_environments(&finding.deployments);
        let site = &ctx.placements[finding.sites[0]];
        let service = finding.item.service;
        let message = format!(
            "the response waits for this call to {service} (`{}`): {} does not treat analytics \
             and logging services as back ends to run near, so awaiting it only adds latency to \
             every request{wording}",
            finding.item.host,
            placement_kind(site)
        );
        sink.report_in(&path, span, message)
            .with_help(
                "send it after the response: `ctx.waitUntil(fetch(...))` (in a Pages Function, \
                 `context.waitUntil(...)`), without `await`",
            )
            .with_environments(&environments)
            .with_related(finding.related(ctx.path, ctx.placements));
    }
}

/// An awaited `fetch` to an analytics or logging service.
#[derive(Clone)]
struct AnalyticsCall {
    span: Span,
    /// The service's name (`Datadog`).
    service: &'static str,
    host: String,
}

/// The analytics service a URL goes to, and its host, if any.
fn analytics_service(url: &str) -> Option<(&'static str, String)> {
    let host = host_of(url)?;
    estimate::analytics_service(&host).map(|service| (service, host))
}

/// The awaited analytics calls on the request path of what `deployment` runs.
fn analytics_calls(
    project: &Project,
    deployment: &Deployment<'_>,
) -> Vec<(PathBuf, AnalyticsCall)> {
    let mut calls = Vec::new();
    for (path, handler) in request_handlers(project, deployment) {
        for fetch in &handler.awaited_fetches {
            if let Some((service, host)) = analytics_service(&fetch.url) {
                let call = AnalyticsCall {
                    span: fetch.span,
                    service,
                    host,
                };
                calls.push((path.to_path_buf(), call));
            }
        }
    }
    calls
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    const TOML: &str = r#"main = "src/index.ts"
[placement]
mode = "smart"
"#;

    #[test]
    fn fires_on_awaited_analytics_in_the_fetch_handler() {
        assert_project_rule(
            "PL207",
            &[
                ("wrangler.toml", TOML),
                (
                    "src/index.ts",
                    r"const LOGS = 'https://http-intake.logs.datadoghq.com/api/v2/logs';
export default {
  async fetch(request, env, ctx) {
    await fetch(LOGS, { method: 'POST', body: '{}' });
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL207: the response waits for this call to Datadog (`http-intake.logs.datadoghq.com`)
    return new Response('ok');
  },
};
",
                ),
            ],
        );
        assert_project_rule(
            "PL207",
            &[
                (
                    "wrangler.jsonc",
                    r#"{ "main": "src/index.ts", "env": { "eu": { "placement": { "region": "aws:eu-west-1" } } } }"#,
                ),
                ("src/index.ts", "export { default } from './app';\n"),
                (
                    "src/app.ts",
                    r"export default { async fetch(req) {
  const r = await fetch(new Request('https://api.honeycomb.io/1/events/prod', { method: 'POST' }));
                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL207
  return new Response('ok');
} };
",
                ),
            ],
        );
    }

    #[test]
    fn fires_in_service_workers_and_pages_functions() {
        assert_project_rule(
            "PL207",
            &[
                ("wrangler.toml", TOML),
                (
                    "src/index.ts",
                    r"addEventListener('fetch', async (event) => {
  await fetch('https://api2.amplitude.com/2/httpapi');
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL207
});
",
                ),
            ],
        );
        assert_project_rule(
            "PL207",
            &[
                (
                    "wrangler.toml",
                    r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
"#,
                ),
                (
                    "functions/api/[id].ts",
                    r"export async function onRequestGet(context) {
  await fetch(`https://api.tinybird.co/v0/events?name=hits`);
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL207
  return new Response('ok');
}
",
                ),
            ],
        );
    }

    #[test]
    fn silent_for_wait_until_other_hosts_comments_or_no_placement() {
        let wrapped = r#"export default { async fetch(req, env, ctx) {
  ctx.waitUntil(fetch('https://http-intake.logs.datadoghq.com/v1'));
  // await fetch('https://http-intake.logs.datadoghq.com/v1')
  const s = "await fetch('https://api.honeycomb.io')";
  await fetch('https://api.example.com/data');
  return new Response(s);
} };
"#;
        assert_project_rule(
            "PL207",
            &[("wrangler.toml", TOML), ("src/index.ts", wrapped)],
        );
        let awaited = "export default { async fetch() { await fetch('https://api.honeycomb.io/1/events/x'); return new Response(''); } };";
        assert_project_rule(
            "PL207",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[placement]
mode = "off"
"#,
                ),
                ("src/index.ts", awaited),
            ],
        );
        // Outside the fetch handler: a scheduled job may wait.
        assert_project_rule(
            "PL207",
            &[
                ("wrangler.toml", TOML),
                (
                    "src/index.ts",
                    "export default { fetch() { return new Response(''); }, async scheduled() { await fetch('https://api.honeycomb.io/1/events/x'); } };",
                ),
            ],
        );
    }

    #[test]
    fn recognizes_analytics_hosts() {
        use super::analytics_service;
        assert_eq!(
            analytics_service("https://http-intake.logs.datadoghq.com/v1").map(|s| s.0),
            Some("Datadog")
        );
        assert_eq!(analytics_service("https://notdatadoghq.com/"), None);
        assert_eq!(analytics_service("/relative"), None);
        assert_eq!(
            analytics_service("https://user@log-api.newrelic.com:443/log/v1").map(|s| s.0),
            Some("New Relic")
        );
    }
}
