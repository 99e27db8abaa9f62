use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix, Related};
use crate::model::ScopeKind;
use crate::project::deployments::{Deployment, affected_environments, pages_build_output_dir};
use crate::project::estimate::{BackEnd, BackEndCalls, HandlerEstimate};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;
use crate::syntax::{Format, Table, TableStyle, parse};

declare_rule! {
    /// ## What it does
    /// Reports a Worker or Pages project without `placement` whose fetch handler, by
    /// placement-lint's estimate, makes two or more sequential round trips (or a loop of them)
    /// to one centralised back end: a host written in the code, D1, a database reached through
    /// Hyperdrive, a Durable Object, R2 or a queue.
    ///
    /// The estimate (the placement advisor) reads each fetch handler (a module Worker's `fetch`,
    /// a `WorkerEntrypoint` class's `fetch`, a service worker's `fetch` listener, Pages
    /// Functions' `onRequest*`, `_worker.js`) and the helpers it calls in local modules (8 calls
    /// deep), and counts:
    /// - `fetch(url)`: one round trip to the URL's host when the code spells it (a string, a
    ///   template's head, a top-level constant), else to an unknown host. Analytics and logging
    ///   hosts (PL207's list) are not counted; globally distributed services (PL211's list) are
    ///   counted but are not a back end to run near;
    /// - D1 `first`, `all`, `run`, `raw`, `batch`, `exec`; each query of a database client made
    ///   from a Hyperdrive binding's `connectionString`; a Durable Object stub's `fetch` or RPC
    ///   method; R2 `get`, `put`, `head`, `list`, `delete`; Queues `send`, `sendBatch`: one round
    ///   trip each to a centralised back end;
    /// - a Service Binding's `fetch` or RPC method: a call to another Worker, which runs where
    ///   its own placement puts it (see PL212), so it never makes a candidate;
    /// - KV and the assets binding: nothing (KV reads are served from a cache near the Worker,
    ///   assets from the location nearest the visitor);
    /// - a request takes one path: of the arms of an `if`/`else`, a `switch` or a `?:`, the
    ///   costliest counts, not their sum, and a `return` or `throw` ends the path (the calls
    ///   after an arm that returns are not on its path); when paths differ, messages say
    ///   "up to";
    /// - calls awaited one after the other count each; a `Promise.all([...])` counts one round;
    ///   a loop or an array callback counts "many"; `waitUntil(...)` counts nothing.
    ///
    /// Bindings are recognised as `env.NAME`, `this.env.NAME`, `context.env.NAME` or an
    /// upper-case name, and their kind is read from the config of the environment (a Pages
    /// project's `env.ASSETS` is its static assets). A call on `env.NAME` that the
    /// environment's config does not declare (a binding set in the dashboard, or missing) leaves
    /// the estimate incomplete, and so does a call into a package: PL209 and PL211 then stay
    /// silent.
    ///
    /// ## Why is this bad?
    /// Cloudflare's docs say a Worker that makes several round trips to one centralised back end
    /// per request can gain from running near it (the docs quote 20-50% shorter requests for
    /// database-heavy Workers), and that a single round trip does not benefit. This is an
    /// estimate from the code: placement-lint does not know where your back end is or what
    /// Cloudflare's placement engine will decide; measure before and after.
    ///
    /// ## Example
    /// ```toml
    /// main = "src/index.ts"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts" }
    /// ```
    /// ```ts
    /// export default {
    ///   async fetch(request) {
    ///     const user = await (await fetch("https://api.example.com/user")).json();
    ///     const orders = await fetch(`https://api.example.com/orders/${user.id}`);
    ///     return new Response(orders.body);
    ///   },
    /// };
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// main = "src/index.ts"
    ///
    /// [placement]
    /// hostname = "api.example.com"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "placement": { "hostname": "api.example.com" } }
    /// ```
    ///
    /// ## Fix safety
    /// Unsafe: it changes where the Worker runs. It adds `placement` to the environment that
    /// lacks it (the top level when that is where the handler is found): `hostname = "<host>"`
    /// when one host written in the code has more round trips than any other back end, else
    /// `mode = "smart"` (always for a Pages project).
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Placement hints](https://developers.cloudflare.com/workers/configuration/placement/#placement-hints)
    pub static PLACEMENT_CANDIDATE = {
        code: "PL210",
        name: "placement-candidate",
        severity: Info,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A Worker without placement making several round trips to one back end (estimate)",
    }
}

/// The back end with the most round trips, when it has two or more (or a loop of them).
fn busiest_back_end(handler: &HandlerEstimate) -> Option<&BackEndCalls> {
    handler
        .centralised()
        // A computed URL may go anywhere: not one back end.
        .filter(|calls| calls.repeated() && calls.back_end != BackEnd::UnknownHost)
        .max_by_key(|calls| (calls.many, calls.rounds))
}

/// What to add: `hostname` when one host written in the code has more round trips than any
/// other centralised back end, else Smart Placement.
fn suggestion(handler: &HandlerEstimate, busiest: &BackEndCalls) -> Option<String> {
    let BackEnd::Host(host) = &busiest.back_end else {
        return None;
    };
    let dominates = handler.centralised().all(|other| {
        other.back_end == busiest.back_end
            || (other.many, other.rounds) < (busiest.many, busiest.rounds)
    });
    dominates.then(|| host.clone())
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    let candidates: Vec<(&Deployment<'_>, &HandlerEstimate, &BackEndCalls)> = ctx
        .deployments
        .iter()
        .filter(|deployment| deployment.placement.is_none())
        .filter_map(|deployment| {
            let trips = project.round_trips_of(ctx.deployments, deployment)?;
            let handler = trips.busiest()?;
            Some((deployment, handler, busiest_back_end(handler)?))
        })
        .collect();
    let Some(&(_, _, _)) = candidates.first() else {
        return;
    };
    // The top level without placement is where the fix goes, for every environment that
    // inherits it; an environment is reported on its own only when the top level is not a
    // candidate (it runs another `main`).
    let top_level = candidates
        .iter()
        .find(|(deployment, _, _)| deployment.scope.kind == ScopeKind::TopLevel);
    let groups: Vec<(&Deployment<'_>, Vec<&Deployment<'_>>)> = match top_level {
        Some((top, _, _)) => vec![(*top, candidates.iter().map(|(d, _, _)| *d).collect())],
        None => candidates.iter().map(|(d, _, _)| (*d, vec![*d])).collect(),
    };
    for (target, affected) in groups {
        let Some(&(_, handler, busiest)) = candidates
            .iter()
            .find(|(deployment, _, _)| std::ptr::eq(*deployment, target))
        else {
            continue;
        };
        let (environments, wording) = affected_environments(&affected);
        // Pages takes Smart Placement only.
        let hostname =
            suggestion(handler, busiest).filter(|_| pages_build_output_dir(ctx.model).is_none());
        let rounds = if busiest.many {
            "round trips in a loop".to_owned()
        } else if handler.paths_differ {
            format!("up to {} sequential round trips", busiest.rounds)
        } else {
            format!("{} sequential round trips", busiest.rounds)
        };
        let message = format!(
            "this Worker may be a placement candidate: by placement-lint's estimate its fetch \
             handler makes {rounds} to {} on the way to the response (in all, {}); Cloudflare's \
             docs say a Worker making several round trips to one centralised back end can gain \
             from running near it{wording}",
            busiest.back_end.label(),
            handler.summary()
        );
        let (placement, title) = match &hostname {
            Some(host) => (
                Placement::Hostname(host.clone()),
                format!("Add `placement = {{ hostname = \"{host}\" }}`"),
            ),
            None => (
                Placement::Smart,
                "Add `placement = { mode = \"smart\" }`".to_owned(),
            ),
        };
        let fix = add_placement(ctx, target, &placement)
            .map(|edit| Fix::new(title, Applicability::Unsafe, vec![edit]));
        let diagnostic = sink
            .report(anchor(ctx, target), message)
            .with_help(
                "try placement and compare request durations: only Cloudflare decides where a \
                 placed Worker runs, and a back end that is itself spread over many locations \
                 gains nothing",
            )
            .with_environments(&environments)
            .with_related([Related {
                file: busiest.first_call.0.clone(),
                span: busiest.first_call.1,
                message: format!("the first call to {}", busiest.back_end.label()),
            }]);
        if let Some(fix) = fix {
            diagnostic.with_fix(fix);
        }
    }
}

/// Where the diagnostic points: the scope's own `main` (or `pages_build_output_dir`), else the
/// environment's name, else the start of the file.
fn anchor(ctx: &Context<'_>, deployment: &Deployment<'_>) -> Span {
    let own = |key: &str| deployment.scope.table.get(key).map(|entry| entry.key_span);
    own("main")
        .or_else(|| own("pages_build_output_dir"))
        .or_else(|| {
            let ScopeKind::Env(name) = &deployment.scope.kind else {
                return None;
            };
            ctx.model
                .root
                .get_table("env")?
                .get(name)
                .map(|entry| entry.key_span)
        })
        .unwrap_or_else(|| Span::empty(0))
}

enum Placement {
    Smart,
    Hostname(String),
}

/// The edit adding `placement` to the deployment's own table, checked to parse; `None` where
/// it cannot be added cleanly (an inline environment table, `[previews]`, an empty object).
fn add_placement(
    ctx: &Context<'_>,
    deployment: &Deployment<'_>,
    placement: &Placement,
) -> Option<Edit> {
    if pages_build_output_dir(ctx.model).is_some() && deployment.scope.kind != ScopeKind::TopLevel {
        return None;
    }
    let edit = match ctx.format() {
        Format::Toml => {
            let header = match &deployment.scope.kind {
                ScopeKind::TopLevel => "[placement]".to_owned(),
                ScopeKind::Env(name) => {
                    if deployment.scope.table.style == TableStyle::Inline {
                        return None;
                    }
                    format!("[env.{}.placement]", toml_key(name))
                }
                ScopeKind::Previews => return None,
            };
            let field = match placement {
                Placement::Smart => "mode = \"smart\"".to_owned(),
                Placement::Hostname(host) => format!("hostname = \"{host}\""),
            };
            let lead = if ctx.text.is_empty() || ctx.text.ends_with('\n') {
                "\n"
            } else {
                "\n\n"
            };
            Edit {
                span: Span::empty(ctx.text.len()),
                content: format!("{lead}{header}\n{field}\n"),
            }
        }
        Format::Json => {
            if deployment.scope.kind == ScopeKind::Previews {
                return None;
            }
            let first = deployment.scope.table.entries().first()?;
            let start = first.key_span.start;
            let line_start = ctx.text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
            let before = &ctx.text[line_start..start];
            let separator = if before.trim().is_empty() {
                format!("\n{before}")
            } else {
                " ".to_owned()
            };
            let value = match placement {
                Placement::Smart => "{ \"mode\": \"smart\" }".to_owned(),
                Placement::Hostname(host) => format!("{{ \"hostname\": \"{host}\" }}"),
            };
            Edit {
                span: Span::empty(start),
                content: format!("\"placement\": {value},{separator}"),
            }
        }
    };
    // Never offer a fix whose result does not parse.
    let mut fixed = ctx.text.to_owned();
    fixed.replace_range(edit.span.start..edit.span.end, &edit.content);
    let reparsed = parse(&fixed, ctx.format());
    (reparsed.errors.is_empty() && placement_written(&reparsed.root, deployment)).then_some(edit)
}

/// Whether the fixed config has a `placement` where the fix meant to add it.
fn placement_written(root: &Table, deployment: &Deployment<'_>) -> bool {
    let table = match &deployment.scope.kind {
        ScopeKind::TopLevel => Some(root),
        ScopeKind::Env(name) => root.get_table("env").and_then(|env| env.get_table(name)),
        ScopeKind::Previews => None,
    };
    table.is_some_and(|table| table.get("placement").is_some())
}

/// A TOML key for an environment name: bare when it can be, else quoted.
fn toml_key(name: &str) -> String {
    if !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    {
        name.to_owned()
    } else {
        crate::edits::string_literal(name)
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    const SEQUENTIAL: &str = "export default { async fetch(request) {
  const user = await (await fetch('https://api.example.com/user')).json();
  return fetch(`https://api.example.com/orders/${user.id}`);
} };";

    #[test]
    fn counts_one_path_of_a_conditional() {
        // One route makes two D1 round trips, the other one: up to 2, and a candidate.
        assert_project_rule(
            "PL210",
            &[
                (
                    "wrangler.jsonc",
                    r#"{
  "main": "src/index.ts",
  ^^^^^^ PL210: makes up to 2 sequential round trips to D1 `DB` on the way to the response (in all, up to 2 sequential round trips: D1 `DB` x2)
  "d1_databases": [{ "binding": "DB", "database_name": "d", "database_id": "x" }]
}
"#,
                ),
                (
                    "src/index.ts",
                    "export default { async fetch(request, env) {\n\
                     if (request.method === 'POST') { await env.DB.prepare('a').run(); return new Response('ok'); }\n\
                     const row = await env.DB.prepare('b').first();\n\
                     const more = await env.DB.prepare('c').all();\n\
                     return Response.json({ row, more });\n} };\n",
                ),
            ],
        );
        // Each route makes one: no candidate, however many routes there are.
        assert_project_rule(
            "PL210",
            &[
                (
                    "wrangler.jsonc",
                    r#"{
  "main": "src/index.ts",
  "d1_databases": [{ "binding": "DB", "database_name": "d", "database_id": "x" }]
}
"#,
                ),
                (
                    "src/index.ts",
                    "export default { async fetch(request, env) {\n\
                     switch (new URL(request.url).pathname) {\n\
                     case '/a': return Response.json(await env.DB.prepare('a').all());\n\
                     case '/b': return Response.json(await env.DB.prepare('b').all());\n\
                     default: return Response.json(await env.DB.prepare('c').all());\n} } };\n",
                ),
            ],
        );
    }

    #[test]
    fn fires_for_two_sequential_round_trips() {
        let diagnostics = assert_project_rule(
            "PL210",
            &[
                (
                    "wrangler.toml",
                    r#"name = "shop"
main = "src/index.ts"
^^^^ PL210: makes 2 sequential round trips to `api.example.com` on the way to the response (in all, about 2 sequential round trips: `api.example.com` x2)
[env.staging]
name = "shop-staging"
"#,
                ),
                ("src/index.ts", SEQUENTIAL),
            ],
        );
        assert_eq!(diagnostics[0].environments, ["staging"]);
        let fix = diagnostics[0].fix.as_ref().expect("a fix");
        assert_eq!(
            fix.title,
            "Add `placement = { hostname = \"api.example.com\" }`"
        );
        assert_eq!(
            fix.edits[0].content,
            "\n[placement]\nhostname = \"api.example.com\"\n"
        );
    }

    #[test]
    fn fixes_jsonc_and_environments() {
        let diagnostics = assert_project_rule(
            "PL210",
            &[
                (
                    "wrangler.jsonc",
                    r#"{
  "main": "src/other.ts",
  "env": {
    "api": {
      "main": "src/index.ts",
      ^^^^^^ PL210: makes 2 sequential round trips to D1 `DB` on the way
      "d1_databases": [{ "binding": "DB", "database_name": "d", "database_id": "x" }]
    }
  }
}
"#,
                ),
                (
                    "src/other.ts",
                    "export default { fetch() { return new Response(''); } };",
                ),
                (
                    "src/index.ts",
                    "export default { async fetch(r, env) {
  const a = await env.DB.prepare('a').first();
  await fetch('https://api.example.com/x');
  return Response.json(await env.DB.prepare('b').all());
} };",
                ),
            ],
        );
        let fix = diagnostics[0].fix.as_ref().expect("a fix");
        assert_eq!(fix.title, "Add `placement = { mode = \"smart\" }`");
        assert_eq!(
            fix.edits[0].content,
            "\"placement\": { \"mode\": \"smart\" },\n      "
        );
    }

    #[test]
    fn silent_for_one_round_trip_parallel_calls_services_or_placement() {
        let config =
            "main = \"src/index.ts\"\nservices = [{ binding = \"API\", service = \"api\" }]\n";
        for source in [
            "export default { async fetch() { return fetch('https://api.example.com/x'); } };",
            "export default { async fetch() { const [a, b] = await Promise.all([fetch('https://api.example.com/a'), fetch('https://api.example.com/b')]); return a; } };",
            "export default { async fetch(r, env) { await env.API.fetch(r); return env.API.fetch(r); } };",
            "export default { async fetch(r) { await fetch(r); return fetch(r); } };",
        ] {
            assert_project_rule(
                "PL210",
                &[("wrangler.toml", config), ("src/index.ts", source)],
            );
        }
        assert_project_rule(
            "PL210",
            &[
                (
                    "wrangler.toml",
                    "main = \"src/index.ts\"\nplacement = { mode = \"off\" }\n",
                ),
                ("src/index.ts", SEQUENTIAL),
            ],
        );
    }
}
