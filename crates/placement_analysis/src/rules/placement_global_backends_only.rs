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
    /// handlers, by placement-lint's estimate, call only globally distributed services: CDNs,
    /// Google's APIs (`googleapis.com`, `gstatic.com`), Cloudflare's API and Workers
    /// (`cloudflare.com`, `workers.dev`), `jsdelivr.net`, `unpkg.com`, `cloudfront.net`,
    /// Akamai (`akamaized.net`, `akamaihd.net`), Fastly (`fastly.net`, `fastlylb.net`), Azure
    /// Front Door and CDN (`azureedge.net`, `azurefd.net`), Bunny (`b-cdn.net`) and
    /// `githubusercontent.com`. Hosts must be written in the code; a computed URL counts as a
    /// centralised back end, and a call the estimate cannot follow silences the rule.
    ///
    /// ## Why is this bad?
    /// A globally distributed service answers from near wherever the Worker runs, so running
    /// the Worker somewhere else saves nothing; Cloudflare's docs say Smart Placement does not
    /// consider globally distributed services. This is an estimate from the code, not what
    /// Cloudflare's placement engine will decide.
    ///
    /// ## Example
    /// ```toml
    /// main = "src/index.ts"
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "placement": { "mode": "smart" } }
    /// ```
    /// ```ts
    /// export default {
    ///   async fetch(request) {
    ///     const fonts = await fetch("https://fonts.googleapis.com/css2?family=Inter");
    ///     const lib = await fetch("https://cdn.jsdelivr.net/npm/htmx.org/dist/htmx.min.js");
    ///     return new Response(await lib.text());
    ///   },
    /// };
    /// ```
    ///
    /// ## Use instead
    /// Remove `placement`.
    ///
    /// ## Fix safety
    /// No fix: the code may reach a back end in ways the estimate does not see.
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static PLACEMENT_GLOBAL_BACKENDS_ONLY = {
        code: "PL211",
        name: "placement-global-backends-only",
        severity: Info,
        fix: FixAvailability::None,
        summary: "Placement on a Worker that only calls globally distributed services (estimate)",
    }
}

/// The labels of the global services called, when every counted call goes to one.
fn global_only(trips: &RoundTrips) -> Option<Vec<String>> {
    if !trips.complete() {
        return None;
    }
    let mut labels: Vec<String> = Vec::new();
    for handler in &trips.handlers {
        for calls in handler.counted() {
            if calls.back_end.reach() != Reach::Global {
                return None;
            }
            let label = calls.back_end.label();
            if !labels.contains(&label) {
                labels.push(label);
            }
        }
    }
    (!labels.is_empty()).then_some(labels)
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    for (site_index, group) in placed_groups(ctx.deployments, ctx.placements) {
        let mut firing = Vec::new();
        let mut first: Option<(&RoundTrips, Vec<String>)> = None;
        for deployment in group {
            let Some(trips) = project.round_trips_of(ctx.deployments, deployment) else {
                continue;
            };
            if let Some(labels) = global_only(trips) {
                firing.push(deployment);
                first.get_or_insert((trips, labels));
            }
        }
        let Some((trips, labels)) = first else {
            continue;
        };
        let site = &ctx.placements[site_index];
        let (environments, wording) = affected_environments(&firing);
        let message = format!(
            "{} may not help here: by placement-lint's estimate, every back-end call of the fetch \
             handler goes to a globally distributed service ({}), and Cloudflare's docs say \
             Smart Placement does not consider globally distributed services{wording}",
            placement_kind(site),
            labels.join(", ")
        );
        let related = trips
            .handlers
            .iter()
            .flat_map(|handler| handler.counted())
            .map(|calls| Related {
                file: calls.first_call.0.clone(),
                span: calls.first_call.1,
                message: format!("a call to {}", calls.back_end.label()),
            });
        sink.report(placement_anchor(site), message)
            .with_help("remove `placement`: these services answer from near the visitor anyway")
            .with_environments(&environments)
            .with_related(related);
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    #[test]
    fn fires_when_every_call_is_global() {
        assert_project_rule(
            "PL211",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[placement]
mode = "smart"
       ^^^^^^^ PL211: (`fonts.googleapis.com`, `cdn.jsdelivr.net`)
"#,
                ),
                (
                    "src/index.ts",
                    "export default { async fetch() {
  await fetch('https://fonts.googleapis.com/css2');
  return fetch('https://cdn.jsdelivr.net/npm/x');
} };",
                ),
            ],
        );
    }

    #[test]
    fn silent_with_a_centralised_back_end_or_none() {
        let config = "main = \"src/index.ts\"\n[placement]\nmode = \"smart\"\n";
        for source in [
            "export default { async fetch() { await fetch('https://fonts.googleapis.com/css2'); return fetch('https://db.example.com/'); } };",
            "export default { async fetch(r) { await fetch('https://fonts.googleapis.com/css2'); return fetch(r); } };",
            "export default { async fetch() { return new Response(''); } };",
        ] {
            assert_project_rule(
                "PL211",
                &[("wrangler.toml", config), ("src/index.ts", source)],
            );
        }
    }
}
