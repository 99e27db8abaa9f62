use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::project::deployments::{
    affected_environments, placed_groups, placement_anchor, placement_kind,
};
use crate::project::estimate::{Reach, RoundTrips};
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a placement (Smart Placement or explicit) on a Worker or Pages project whose fetch
    /// handlers, by placement-lint's estimate, make no round trip to a back end on the way to
    /// the response: no call at all, or only calls that do not count: analytics and logging
    /// calls, anything inside `ctx.waitUntil(...)`, KV reads and static assets. The estimate
    /// reads the handler and the local helpers it calls (see the placement advisor's notes in
    /// `docs/rules.md` under PL210); when a call cannot be followed (a package's function) the
    /// rule says nothing.
    ///
    /// ## Why is this bad?
    /// Placement runs the Worker near its back end instead of near the visitor. With no back
    /// end to run near there is nothing to gain, and Cloudflare's documentation lists minimal
    /// back-end communication among the cases where placement does not help and can add
    /// latency. This is an estimate from the code, not what Cloudflare's placement engine
    /// will decide.
    ///
    /// ## Example
    /// ```toml
    /// main = "src/index.ts"
    /// kv_namespaces = [{ binding = "CACHE", id = "..." }]
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "kv_namespaces": [{ "binding": "CACHE", "id": "..." }], "placement": { "mode": "smart" } }
    /// ```
    /// ```ts
    /// export default {
    ///   async fetch(request, env, ctx) {
    ///     const page = await env.CACHE.get(new URL(request.url).pathname);
    ///     ctx.waitUntil(fetch("https://api.honeycomb.io/1/events/site", { method: "POST" }));
    ///     return new Response(page);
    ///   },
    /// };
    /// ```
    ///
    /// ## Use instead
    /// Remove `placement`, or keep it where the handler reaches a database or API through code
    /// the estimate cannot see.
    ///
    /// ## Fix safety
    /// No fix: the code may reach a back end in ways the estimate does not see.
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static PLACEMENT_WITHOUT_BACKEND_CALLS = {
        code: "PL209",
        name: "placement-without-backend-calls",
        severity: Info,
        fix: FixAvailability::None,
        summary: "Placement on a Worker whose fetch handler makes no back-end round trip (estimate)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    for (site_index, group) in placed_groups(ctx.deployments, ctx.placements) {
        let mut firing = Vec::new();
        let mut first: Option<&RoundTrips> = None;
        for deployment in group {
            let Some(trips) = project.round_trips_of(ctx.deployments, deployment) else {
                continue;
            };
            if trips.complete() && trips.no_back_end_calls() {
                firing.push(deployment);
                first.get_or_insert(trips);
            }
        }
        let Some(trips) = first else {
            continue;
        };
        let site = &ctx.placements[site_index];
        let (environments, wording) = affected_environments(&firing);
        let analytics_only = trips.handlers.iter().any(|handler| {
            handler
                .back_ends
                .iter()
                .any(|calls| calls.back_end.reach() == Reach::Analytics)
        });
        let seen = if analytics_only {
            "only analytics or logging calls, which placement does not consider"
        } else {
            "no call leaves the Worker except KV reads, static assets or work in `waitUntil`"
        };
        let message = format!(
            "{} may not help here: by placement-lint's estimate, no fetch handler makes a \
             back-end round trip on the way to its response ({seen}); Cloudflare's docs list \
             minimal back-end communication among the cases where placement does not help{wording}",
            placement_kind(site)
        );
        let related = trips.handlers.first().map(|handler| Related {
            file: handler.file.clone(),
            span: handler.span,
            message: "the fetch handler the estimate read".to_owned(),
        });
        sink.report(placement_anchor(site), message)
            .with_help(
                "remove `placement` if this Worker answers without a database or API; keep it if \
                 it reaches one through code the estimate cannot see",
            )
            .with_environments(&environments)
            .with_related(related);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    const TOML: &str = r#"main = "src/index.ts"
kv_namespaces = [{ binding = "CACHE", id = "k" }]
[placement]
mode = "smart"
       ^^^^^^^ PL209: no fetch handler makes a back-end round trip
"#;

    #[test]
    fn fires_for_kv_analytics_and_wait_until_only() {
        assert_project_rule(
            "PL209",
            &[
                ("wrangler.toml", TOML),
                (
                    "src/index.ts",
                    "export default { async fetch(request, env, ctx) {
  const page = await env.CACHE.get('/');
  ctx.waitUntil(fetch('https://api.example.com/log'));
  return new Response(page);
} };",
                ),
            ],
        );
        let diagnostics = assert_project_rule(
            "PL209",
            &[
                (
                    "wrangler.jsonc",
                    r#"{ "main": "src/index.ts", "env": { "eu": { "placement": { "region": "aws:eu-west-1" } } } }
                                                                    ^^^^^^^^^^^^^^^ PL209: only analytics or logging calls
"#,
                ),
                (
                    "src/index.ts",
                    "export default { async fetch() { await fetch('https://api.honeycomb.io/1/events/x'); return new Response(''); } };",
                ),
            ],
        );
        assert_eq!(diagnostics[0].environments, ["eu"]);
    }

    #[test]
    fn silent_with_back_end_calls_or_calls_it_cannot_follow() {
        let quiet = TOML
            .lines()
            .filter(|line| !line.contains("^^^"))
            .collect::<Vec<_>>()
            .join("\n");
        for source in [
            "export default { async fetch() { return fetch('https://api.example.com/x'); } };",
            "export default { async fetch(r) { return fetch(r); } };",
            "import { handle } from 'framework';\nexport default { fetch(r, env) { return handle(r, env); } };",
            "import app from 'framework';\nexport default app;",
            "export default { scheduled() {} };",
        ] {
            assert_project_rule(
                "PL209",
                &[("wrangler.toml", &quiet), ("src/index.ts", source)],
            );
        }
    }
}
