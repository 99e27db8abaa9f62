//! The placement advisor's estimate: the back-end round trips a fetch handler makes on the way to
//! its response, computed from the call facts already kept for each module (one walk over facts,
//! never a second walk over a syntax tree).
//!
//! What counts, and how:
//! - `fetch(url)`: one round trip to the URL's host when the file spells it, else to an unknown
//!   host. Hosts are classified: analytics and logging services (PL207's list) and globally
//!   distributed services ([`GLOBAL_SERVICES`]) are not back ends Smart Placement runs near; the
//!   rest are centralised.
//! - D1 (`first`, `all`, `run`, `raw`, `batch`, `exec`), a database client built from a Hyperdrive
//!   binding's `connectionString` (each query), a Durable Object stub's `fetch` or RPC method, R2
//!   (`get`, `put`, `head`, `list`, `delete`, multipart uploads) and Queues (`send`,
//!   `sendBatch`): one round trip each to a centralised back end.
//! - A Service Binding's `fetch` or RPC method: one round trip to another Worker, which runs
//!   where its own placement puts it.
//! - KV and the assets binding: none. KV reads are served from a cache near the Worker and
//!   assets from the location nearest the request, so neither is a centralised back end.
//! - A request takes one path: of the arms of an `if`/`else`, a `switch` or a `?:`, the
//!   costliest counts (not their sum), and a `return` or `throw` ends the path, so the calls
//!   after an arm that returns are not on that arm's path. When paths differ, the counts are
//!   the costliest path's and messages say "up to". A `switch` case falling through to the
//!   next is not followed; the arms of `&&`, `||` and `??`, and `catch` blocks, count as if
//!   they ran.
//! - Awaited one after the other: each counts; inside `Promise.all([...])` (and `allSettled`,
//!   `any`, `race`): one round for the group; inside a loop or an array callback (`map`,
//!   `forEach`, ...): "many"; inside `waitUntil(...)`: none (it runs after the response).
//! - Calls to helper functions of the same module or imported from local modules are followed,
//!   [`MAX_HELPER_DEPTH`] calls deep. A call that cannot be followed (a package's function, a
//!   value the analysis cannot see) makes the estimate incomplete, and no rule then claims that
//!   the handler makes no back-end call. So does a call on `env.NAME` when the environment's
//!   config declares no binding `NAME` (Pages projects often bind in the dashboard).

use rustc_hash::FxHashMap as HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::deployments::Deployment;
use super::source::{ArmRef, Branch, CallTarget, ExportValue, Handler, Repeat, SourceFile};
use super::{ModuleGraph, Project, Resolved};
use crate::span::Span;

/// How many helper calls deep the estimate follows a handler.
pub const MAX_HELPER_DEPTH: usize = 8;

/// Globally distributed services, by host name suffix: CDNs, Google's APIs, Cloudflare's own
/// API and Workers. Smart Placement does not run a Worker near them (they answer from
/// everywhere).
pub const GLOBAL_SERVICES: &[&str] = &[
    "googleapis.com",
    "gstatic.com",
    "cloudflare.com",
    "workers.dev",
    "jsdelivr.net",
    "unpkg.com",
    "cloudfront.net",
    "akamaized.net",
    "akamaihd.net",
    "fastly.net",
    "fastlylb.net",
    "azureedge.net",
    "azurefd.net",
    "b-cdn.net",
    "githubusercontent.com",
];

/// Analytics and logging services, by host name suffix, with the service's name: Smart
/// Placement does not consider them (PL207 reports awaiting them).
pub const ANALYTICS_SERVICES: &[(&str, &str)] = &[
    ("datadoghq.com", "Datadog"),
    ("datadoghq.eu", "Datadog"),
    ("ddog-gov.com", "Datadog"),
    ("browser-intake-datadoghq.com", "Datadog"),
    ("newrelic.com", "New Relic"),
    ("nr-data.net", "New Relic"),
    ("honeycomb.io", "Honeycomb"),
    ("grafana.net", "Grafana"),
    ("amplitude.com", "Amplitude"),
    ("tinybird.co", "Tinybird"),
    ("segment.io", "Segment"),
    ("segment.com", "Segment"),
    ("mixpanel.com", "Mixpanel"),
    ("posthog.com", "PostHog"),
    ("axiom.co", "Axiom"),
    ("betterstack.com", "Better Stack"),
    ("logtail.com", "Better Stack"),
    ("logflare.app", "Logflare"),
    ("loggly.com", "Loggly"),
    ("papertrailapp.com", "Papertrail"),
    ("splunkcloud.com", "Splunk"),
    ("logz.io", "Logz.io"),
    ("sentry.io", "Sentry"),
    ("google-analytics.com", "Google Analytics"),
    ("plausible.io", "Plausible"),
    ("heapanalytics.com", "Heap"),
];

/// The host of an absolute URL (`https://user@api.example.com:443/x` → `api.example.com`),
/// lower-cased; `None` for a relative or computed URL.
pub fn host_of(url: &str) -> Option<String> {
    let rest = url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
        .or_else(|| url.strip_prefix("//"))?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or(authority);
    let host = host_port
        .split(':')
        .next()
        .unwrap_or("")
        .to_ascii_lowercase();
    (!host.is_empty()).then_some(host)
}

fn host_matches(host: &str, suffix: &str) -> bool {
    host == suffix
        || host
            .strip_suffix(suffix)
            .is_some_and(|head| head.ends_with('.'))
}

/// The analytics or logging service `host` belongs to, if any.
pub fn analytics_service(host: &str) -> Option<&'static str> {
    ANALYTICS_SERVICES
        .iter()
        .find(|(suffix, _)| host_matches(host, suffix))
        .map(|(_, service)| *service)
}

/// Whether `host` is a globally distributed service.
pub fn is_global_service(host: &str) -> bool {
    GLOBAL_SERVICES
        .iter()
        .any(|suffix| host_matches(host, suffix))
}

/// Something a handler makes round trips to.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum BackEnd {
    /// A host the code spells (`api.example.com`).
    Host(String),
    /// `fetch` to a URL the code computes (or the incoming request itself).
    UnknownHost,
    D1(String),
    Hyperdrive(String),
    DurableObject(String),
    R2(String),
    Queue(String),
    /// Another Worker, through a Service Binding.
    Service(String),
}

impl BackEnd {
    /// How it reads in a message: `` `api.example.com` ``, ``D1 `DB` ``.
    pub fn label(&self) -> String {
        match self {
            BackEnd::Host(host) => format!("`{host}`"),
            BackEnd::UnknownHost => "a computed URL".to_owned(),
            BackEnd::D1(name) => format!("D1 `{name}`"),
            BackEnd::Hyperdrive(name) => format!("Hyperdrive `{name}`"),
            BackEnd::DurableObject(name) => format!("Durable Object `{name}`"),
            BackEnd::R2(name) => format!("R2 `{name}`"),
            BackEnd::Queue(name) => format!("queue `{name}`"),
            BackEnd::Service(name) => format!("service `{name}`"),
        }
    }

    /// Where it sits, as far as placement is concerned.
    pub fn reach(&self) -> Reach {
        match self {
            BackEnd::Host(host) if analytics_service(host).is_some() => Reach::Analytics,
            BackEnd::Host(host) if is_global_service(host) => Reach::Global,
            BackEnd::Service(_) => Reach::Worker,
            _ => Reach::Centralised,
        }
    }
}

/// Where a back end sits, as far as placement is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// In one place: running near it can save time on each round trip.
    Centralised,
    /// Globally distributed: it answers from near wherever the Worker runs.
    Global,
    /// Analytics or logging: not considered by Smart Placement.
    Analytics,
    /// Another Worker: it runs where its own placement puts it.
    Worker,
}

/// The round trips one handler makes to one back end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackEndCalls {
    pub back_end: BackEnd,
    /// Sequential rounds: each call awaited on its own counts one, a `Promise.all` group one.
    pub rounds: u32,
    /// Some call is made in a loop: as many round trips as the loop turns.
    pub many: bool,
    /// The first call, in its file.
    pub first_call: (PathBuf, Span),
}

impl BackEndCalls {
    /// `` `api.example.com` x2 ``, ``D1 `DB` x many``.
    pub fn describe(&self) -> String {
        if self.many {
            format!("{} x many", self.back_end.label())
        } else {
            format!("{} x{}", self.back_end.label(), self.rounds)
        }
    }

    /// At least two sequential round trips (or a loop of them).
    pub fn repeated(&self) -> bool {
        self.many || self.rounds >= 2
    }
}

/// What one fetch handler does on the way to its response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandlerEstimate {
    pub file: PathBuf,
    pub span: Span,
    /// Back ends in the order of their first call.
    pub back_ends: Vec<BackEndCalls>,
    /// Sequential rounds that leave for some back end (analytics left out).
    pub rounds: u32,
    /// Some back-end call is made in a loop.
    pub many: bool,
    /// The handler's paths (the arms of its conditionals, its early returns) make different
    /// numbers of round trips: the counts are those of the costliest path ("up to").
    pub paths_differ: bool,
    /// Every call on its path was followed: nothing the analysis could not see.
    pub complete: bool,
}

impl HandlerEstimate {
    /// The back ends placement may run near (centralised ones).
    pub fn centralised(&self) -> impl Iterator<Item = &BackEndCalls> {
        self.back_ends
            .iter()
            .filter(|calls| calls.back_end.reach() == Reach::Centralised)
    }

    /// Back ends other than analytics (calls that hold the response for a back end).
    pub fn counted(&self) -> impl Iterator<Item = &BackEndCalls> {
        self.back_ends
            .iter()
            .filter(|calls| calls.back_end.reach() != Reach::Analytics)
    }

    /// "about 3 sequential round trips", or "up to 3 ..." when the paths differ.
    pub fn rounds_wording(&self, rounds: u32) -> String {
        let about = if self.paths_differ { "up to" } else { "about" };
        if rounds == 1 {
            format!("{about} 1 round trip")
        } else {
            format!("{about} {rounds} sequential round trips")
        }
    }

    /// "about 3 sequential round trips: `api.example.com` x2, D1 `DB` x1".
    pub fn summary(&self) -> String {
        let counted: Vec<String> = self.counted().map(BackEndCalls::describe).collect();
        if counted.is_empty() {
            return "no back-end round trip".to_owned();
        }
        let mut out = if self.many {
            "round trips in a loop".to_owned()
        } else {
            self.rounds_wording(self.rounds)
        };
        let _ = write!(out, ": {}", counted.join(", "));
        out
    }
}

/// The estimate for what one environment runs: each fetch handler's.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundTrips {
    pub handlers: Vec<HandlerEstimate>,
}

impl RoundTrips {
    /// The handler with the most round trips (a loop counts as most).
    pub fn busiest(&self) -> Option<&HandlerEstimate> {
        self.handlers
            .iter()
            .max_by_key(|handler| (handler.many, handler.rounds))
    }

    /// Every handler was found and followed completely.
    pub fn complete(&self) -> bool {
        !self.handlers.is_empty() && self.handlers.iter().all(|handler| handler.complete)
    }

    /// Whether no handler makes a back-end call other than analytics.
    pub fn no_back_end_calls(&self) -> bool {
        self.handlers
            .iter()
            .all(|handler| handler.counted().next().is_none())
    }

    /// "fetch handler: about 3 sequential round trips: ..." for the busiest handler.
    pub fn summary(&self) -> String {
        match self.busiest() {
            Some(handler) => {
                let partial = if self.complete() {
                    ""
                } else {
                    " (some calls could not be followed)"
                };
                format!("fetch handler: {}{partial}", handler.summary())
            }
            None => "no fetch handler found".to_owned(),
        }
    }
}

/// What each binding name of an environment is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BindingKind {
    D1,
    Hyperdrive,
    DurableObject,
    R2,
    Queue,
    Service,
    Kv,
    Assets,
}

/// The bindings an environment declares, by name (bindings are not inherited by environments).
pub fn binding_kinds(deployment: &Deployment<'_>) -> HashMap<String, BindingKind> {
    let table = deployment.scope.table;
    let mut kinds = HashMap::default();
    let lists: &[(&[&str], &str, BindingKind)] = &[
        (&["d1_databases"], "binding", BindingKind::D1),
        (&["hyperdrive"], "binding", BindingKind::Hyperdrive),
        (
            &["durable_objects", "bindings"],
            "name",
            BindingKind::DurableObject,
        ),
        (&["r2_buckets"], "binding", BindingKind::R2),
        (&["queues", "producers"], "binding", BindingKind::Queue),
        (&["services"], "binding", BindingKind::Service),
        (&["kv_namespaces"], "binding", BindingKind::Kv),
    ];
    for (path, key, kind) in lists {
        let mut node = table.get(path[0]).map(|entry| &entry.value);
        for segment in &path[1..] {
            node = node
                .and_then(|value| value.as_table())
                .and_then(|table| table.get(segment))
                .map(|entry| &entry.value);
        }
        let items = node.and_then(|value| value.as_array()).unwrap_or(&[]);
        for item in items {
            if let Some(name) = item
                .as_table()
                .and_then(|binding| binding.get(key))
                .and_then(|entry| entry.value.as_str())
            {
                kinds.insert(name.to_owned(), *kind);
            }
        }
    }
    if let Some(name) = deployment.assets_binding() {
        kinds.insert(name.to_owned(), BindingKind::Assets);
    }
    kinds
}

/// The back end a binding method call reaches, if it leaves the Worker for one.
fn binding_back_end(kind: BindingKind, name: &str, method: &str) -> Option<BackEnd> {
    let name = name.to_owned();
    match kind {
        BindingKind::D1 => matches!(method, "first" | "all" | "run" | "raw" | "batch" | "exec")
            .then_some(BackEnd::D1(name)),
        BindingKind::Hyperdrive => (!matches!(method, "connect" | "end" | "release" | "on"))
            .then_some(BackEnd::Hyperdrive(name)),
        BindingKind::DurableObject => (!matches!(
            method,
            "idFromName" | "idFromString" | "newUniqueId" | "get" | "getByName" | "jurisdiction"
        ))
        .then_some(BackEnd::DurableObject(name)),
        BindingKind::R2 => matches!(
            method,
            "get"
                | "put"
                | "head"
                | "list"
                | "delete"
                | "createMultipartUpload"
                | "resumeMultipartUpload"
        )
        .then_some(BackEnd::R2(name)),
        BindingKind::Queue => {
            matches!(method, "send" | "sendBatch").then_some(BackEnd::Queue(name))
        }
        BindingKind::Service => (method != "connect").then_some(BackEnd::Service(name)),
        BindingKind::Kv | BindingKind::Assets => None,
    }
}

/// The handlers that run for a request to what `deployment` runs, with their files: the Pages
/// Functions' `onRequest*` exports, or a Worker's (or `_worker.js`'s) `fetch` handler and
/// `fetch` listeners.
pub fn request_handlers<'p>(
    project: &'p Project,
    deployment: &Deployment<'_>,
) -> Vec<(&'p Path, &'p Handler)> {
    let mut handlers = Vec::new();
    match &project.pages {
        Some(pages) => match &pages.advanced_worker {
            Some(worker) => worker_handlers(project, worker, &pages.graph, &mut handlers),
            None => {
                for function in &pages.functions {
                    let Some(source) = project.source(&function.path) else {
                        continue;
                    };
                    for export in &source.facts.exports {
                        if let (true, ExportValue::Function(handler)) =
                            (export.name.starts_with("onRequest"), &export.value)
                        {
                            handlers.push((function.path.as_path(), handler));
                        }
                    }
                }
            }
        },
        None => {
            if let Some((entry, graph)) =
                deployment.main_path().and_then(|main| project.worker(main))
            {
                worker_handlers(project, entry, graph, &mut handlers);
            }
        }
    }
    handlers
}

fn worker_handlers<'p>(
    project: &'p Project,
    entry: &Path,
    graph: &'p ModuleGraph,
    handlers: &mut Vec<(&'p Path, &'p Handler)>,
) {
    if let Resolved::Value { module, export } = project.resolve_export(entry, "default")
        && let ExportValue::Object(object) = &export.value
        && let Some(fetch) = &object.fetch
    {
        handlers.push((module.path.as_path(), fetch));
    }
    for module in &graph.modules {
        let Some(source) = project.source(module) else {
            continue;
        };
        for listener in &source.facts.fetch_listeners {
            handlers.push((module.as_path(), listener));
        }
    }
}

/// Whether the default export of the Worker could not be seen (`new Hono()`, a package's
/// value): then its fetch handler is unknown.
fn default_export_unknown(project: &Project, deployment: &Deployment<'_>) -> bool {
    if project.pages.is_some() {
        return false;
    }
    let Some((entry, _)) = deployment.main_path().and_then(|main| project.worker(main)) else {
        return true;
    };
    match project.resolve_export(entry, "default") {
        Resolved::Value { export, .. } => match &export.value {
            ExportValue::Object(object) => !object.complete && object.fetch.is_none(),
            ExportValue::Opaque => true,
            _ => false,
        },
        Resolved::Missing => false,
        Resolved::Unknown => true,
    }
}

/// The estimate for what `deployment` runs, or `None` when no fetch handler could be found.
pub fn estimate(project: &Project, deployment: &Deployment<'_>) -> Option<RoundTrips> {
    estimate_with(project, deployment, &binding_kinds(deployment))
}

/// Estimates for every environment, computed once per `main` and set of bindings (the
/// environments of a config mostly share both).
pub fn estimate_all(
    project: &Project,
    deployments: &[Deployment<'_>],
    wanted: &[bool],
) -> Vec<Option<Arc<RoundTrips>>> {
    // Environments with the same `main` and bindings share one estimate: a config can have
    // thousands of environments that differ only in their names.
    type Key<'d> = (Option<&'d str>, Vec<(String, BindingKind)>);
    let mut known: HashMap<Key<'_>, Option<Arc<RoundTrips>>> = HashMap::default();
    deployments
        .iter()
        .zip(wanted)
        .map(|(deployment, wanted)| {
            if !wanted {
                return None;
            }
            let mut kinds = binding_kinds(deployment);
            if project.pages.is_some() {
                // Pages gives every Function its static assets as `env.ASSETS`.
                kinds.insert("ASSETS".to_owned(), BindingKind::Assets);
            }
            let mut sorted: Vec<(String, BindingKind)> = kinds
                .iter()
                .map(|(name, kind)| (name.clone(), *kind))
                .collect();
            sorted.sort();
            known
                .entry((deployment.main_path(), sorted))
                .or_insert_with(|| estimate_with(project, deployment, &kinds).map(Arc::new))
                .clone()
        })
        .collect()
}

fn estimate_with(
    project: &Project,
    deployment: &Deployment<'_>,
    kinds: &HashMap<String, BindingKind>,
) -> Option<RoundTrips> {
    let handlers = request_handlers(project, deployment);
    if handlers.is_empty() {
        return None;
    }
    let opaque = default_export_unknown(project, deployment);
    let mut trips = RoundTrips::default();
    for (path, handler) in handlers {
        let mut walk = Walk {
            project,
            kinds,
            back_ends: Vec::new(),
            complete: !opaque && !handler.opaque,
        };
        let module = project.source(path);
        let tree = walk.expand(module, path, handler, false, 0);
        trips.handlers.push(walk.finish(path, handler.span, &tree));
    }
    Some(trips)
}

/// The calls on a handler's paths: conditionals keep their arms apart, since a request takes
/// one of them.
enum Node {
    /// One round trip to the back end at this index of [`Walk::back_ends`]; `many` in a loop.
    Call { back_end: usize, many: bool },
    /// The calls of one `Promise.all` (its number in the function): one round.
    Parallel { group: u32, calls: Vec<Node> },
    /// A helper's calls: a `return` in it ends the helper, not the handler.
    Helper(Vec<Node>),
    /// A conditional (its number in the function): one arm runs.
    Choice {
        branch: u32,
        arms: Vec<Vec<Node>>,
        arm_returns: Vec<bool>,
    },
}

/// Round trips along one path, per measure: index 0 all the back ends that count (analytics
/// left out), then each back end of [`Walk::back_ends`]. Each is `(rounds, in a loop)`.
#[derive(Clone)]
struct Cost(Vec<(u32, bool)>);

impl Cost {
    fn zero(measures: usize) -> Self {
        Cost(vec![(0, false); measures])
    }

    /// The costlier path, measure by measure (a loop beats any count).
    fn max(mut self, other: &Cost) -> Cost {
        for (mine, theirs) in self.0.iter_mut().zip(&other.0) {
            if (theirs.1, theirs.0) > (mine.1, mine.0) {
                *mine = *theirs;
            }
        }
        self
    }
}

struct Walk<'p, 'k> {
    project: &'p Project,
    kinds: &'k HashMap<String, BindingKind>,
    /// Each back end called, in the order of its first call, with that call.
    back_ends: Vec<(BackEnd, (PathBuf, Span))>,
    complete: bool,
}

impl<'p> Walk<'p, '_> {
    /// The tree of `handler`'s calls, helpers expanded; `in_loop` when the call that led here
    /// runs in a loop.
    fn expand(
        &mut self,
        module: Option<&'p SourceFile>,
        path: &Path,
        handler: &'p Handler,
        in_loop: bool,
        depth: usize,
    ) -> Vec<Node> {
        let mut root: Vec<Node> = Vec::new();
        for call in &handler.calls {
            let many = in_loop || call.repeat == Repeat::Many;
            let node = match &call.target {
                CallTarget::Fetch { url } => {
                    let back_end = url
                        .as_deref()
                        .and_then(host_of)
                        .map_or(BackEnd::UnknownHost, BackEnd::Host);
                    Some(self.call(back_end, many, path, call.span))
                }
                CallTarget::Binding {
                    name,
                    method,
                    via_env,
                } => match self.kinds.get(name) {
                    Some(kind) => binding_back_end(*kind, name, method)
                        .map(|back_end| self.call(back_end, many, path, call.span)),
                    // A binding the config does not declare (bound in the dashboard, or
                    // missing): what it reaches is unknown.
                    None => {
                        if *via_env {
                            self.complete = false;
                        }
                        None
                    }
                },
                CallTarget::Helper { module: from, name } => {
                    if depth >= MAX_HELPER_DEPTH {
                        self.complete = false;
                        continue;
                    }
                    match self.helper(module, path, from.as_deref(), name) {
                        Some((source, helper)) => Some(Node::Helper(self.expand(
                            Some(source),
                            &source.path,
                            helper,
                            many,
                            depth + 1,
                        ))),
                        None => {
                            self.complete = false;
                            None
                        }
                    }
                }
            };
            let Some(node) = node else { continue };
            let slot = arm_slot(&mut root, &handler.branches, call.arm);
            match call.repeat {
                Repeat::Parallel(group) if !many => match slot.last_mut() {
                    Some(Node::Parallel { group: last, calls }) if *last == group => {
                        calls.push(node);
                    }
                    _ => slot.push(Node::Parallel {
                        group,
                        calls: vec![node],
                    }),
                },
                _ => slot.push(node),
            }
        }
        root
    }

    /// The function a helper call runs, with its module.
    fn helper(
        &self,
        module: Option<&'p SourceFile>,
        path: &Path,
        from: Option<&str>,
        name: &str,
    ) -> Option<(&'p SourceFile, &'p Handler)> {
        match from {
            None => {
                let module = module?;
                let function = module.facts.functions.iter().find(|f| f.name == name)?;
                Some((module, &function.handler))
            }
            Some(specifier) => {
                let target = self.project.link(path, specifier)?;
                match self.project.resolve_export(target, name) {
                    Resolved::Value { module, export } => match &export.value {
                        ExportValue::Function(handler) => Some((module, handler)),
                        _ => None,
                    },
                    _ => None,
                }
            }
        }
    }

    fn call(&mut self, back_end: BackEnd, many: bool, path: &Path, span: Span) -> Node {
        let index = match self
            .back_ends
            .iter()
            .position(|(known, _)| *known == back_end)
        {
            Some(index) => index,
            None => {
                self.back_ends.push((back_end, (path.to_path_buf(), span)));
                self.back_ends.len() - 1
            }
        };
        Node::Call {
            back_end: index,
            many,
        }
    }

    /// The cost of `nodes` followed by `after`; `exit` is what follows a `return` (nothing
    /// in the handler, the rest of the caller in a helper). Sets `differ` when two arms of a
    /// conditional cost differently.
    fn cost(&self, nodes: &[Node], after: &Cost, exit: &Cost, differ: &mut bool) -> Cost {
        let mut cost = after.clone();
        for node in nodes.iter().rev() {
            match node {
                Node::Call { back_end, many } => {
                    if self.back_ends[*back_end].0.reach() != Reach::Analytics {
                        let all = &mut cost.0[0];
                        if *many {
                            all.1 = true;
                        } else {
                            all.0 += 1;
                        }
                    }
                    let own = &mut cost.0[back_end + 1];
                    own.0 += 1;
                    own.1 |= *many;
                }
                Node::Parallel { calls, .. } => {
                    let zero = Cost::zero(cost.0.len());
                    let group = self.cost(calls, &zero, &zero, differ);
                    for (total, part) in cost.0.iter_mut().zip(&group.0) {
                        total.0 += part.0.min(1);
                        total.1 |= part.1;
                    }
                }
                Node::Helper(calls) => {
                    let rest = cost.clone();
                    cost = self.cost(calls, &rest, &rest, differ);
                }
                Node::Choice {
                    arms, arm_returns, ..
                } => {
                    let mut costliest: Option<Cost> = None;
                    let mut first_total = None;
                    for (index, arm) in arms.iter().enumerate() {
                        let returns = arm_returns.get(index).copied().unwrap_or(false);
                        let then = if returns { exit } else { &cost };
                        let arm_cost = self.cost(arm, then, exit, differ);
                        match first_total {
                            None => first_total = Some(arm_cost.0[0]),
                            Some(total) if total != arm_cost.0[0] => *differ = true,
                            Some(_) => {}
                        }
                        costliest = Some(match costliest {
                            None => arm_cost,
                            Some(known) => known.max(&arm_cost),
                        });
                    }
                    if let Some(costliest) = costliest {
                        cost = costliest;
                    }
                }
            }
        }
        cost
    }

    fn finish(self, path: &Path, span: Span, tree: &[Node]) -> HandlerEstimate {
        let zero = Cost::zero(self.back_ends.len() + 1);
        let mut paths_differ = false;
        let cost = self.cost(tree, &zero, &zero, &mut paths_differ);
        let back_ends = self
            .back_ends
            .iter()
            .zip(&cost.0[1..])
            .filter(|(_, (rounds, many))| *rounds > 0 || *many)
            .map(|((back_end, first_call), (rounds, many))| BackEndCalls {
                back_end: back_end.clone(),
                rounds: *rounds,
                many: *many,
                first_call: first_call.clone(),
            })
            .collect();
        let (rounds, many) = cost.0[0];
        HandlerEstimate {
            file: path.to_path_buf(),
            span,
            back_ends,
            rounds,
            many,
            paths_differ,
            complete: self.complete,
        }
    }
}

/// The sequence of `root` that a call in `arm` goes to: the arm's, inside the conditionals
/// around it, made as needed. Calls come in document order, so the calls of one conditional
/// are together at the end of the sequence.
fn arm_slot<'t>(
    root: &'t mut Vec<Node>,
    branches: &[Branch],
    arm: Option<ArmRef>,
) -> &'t mut Vec<Node> {
    // The arms from the outermost conditional in (a parent is always numbered first).
    let mut chain: Vec<ArmRef> = Vec::new();
    let mut current = arm;
    while let Some(arm) = current {
        if chain.len() > branches.len() {
            break;
        }
        chain.push(arm);
        current = branches
            .get(arm.branch as usize)
            .and_then(|branch| branch.parent);
    }
    let mut slot = root;
    for arm in chain.into_iter().rev() {
        let Some(branch) = branches.get(arm.branch as usize) else {
            break;
        };
        let open =
            matches!(slot.last(), Some(Node::Choice { branch, .. }) if *branch == arm.branch);
        if !open {
            slot.push(Node::Choice {
                branch: arm.branch,
                arms: Vec::new(),
                arm_returns: branch.arm_returns.clone(),
            });
        }
        let Some(Node::Choice {
            arms, arm_returns, ..
        }) = slot.last_mut()
        else {
            unreachable!("a conditional was just made the last node");
        };
        let index = arm.arm as usize;
        let count = arm_returns.len().max(index + 1);
        if arms.len() < count {
            arms.resize_with(count, Vec::new);
        }
        slot = &mut arms[index];
    }
    slot
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::model::ConfigModel;
    use crate::placement::PlacementSite;
    use crate::project::deployments::deployments;
    use crate::syntax::{Format, parse};
    use crate::testing::MemoryFiles;

    const CONFIG: &str = r#"main = "src/index.ts"
d1_databases = [{ binding = "DB", database_name = "d", database_id = "x" }]
hyperdrive = [{ binding = "HYPERDRIVE", id = "h" }]
services = [{ binding = "AUTH", service = "auth" }]
kv_namespaces = [{ binding = "CACHE", id = "k" }]
r2_buckets = [{ binding = "FILES", bucket_name = "f" }]
durable_objects.bindings = [{ name = "ROOMS", class_name = "Room" }]
"#;

    /// The summary of the busiest handler of `src/index.ts` (and the other files given).
    fn summary(files: &[(&str, &str)]) -> String {
        let mut all = vec![("wrangler.toml", CONFIG)];
        all.extend_from_slice(files);
        let parsed = parse(CONFIG, Format::Toml);
        let model = ConfigModel::new(&parsed.root);
        let placements = PlacementSite::collect(&model);
        let deployments = deployments(&model, &placements);
        let project = Project::load(
            Path::new("wrangler.toml"),
            &model,
            &placements,
            &deployments,
            &MemoryFiles::new(&all),
        );
        project.round_trips[0]
            .as_deref()
            .map_or_else(|| "none".to_owned(), RoundTrips::summary)
    }

    fn worker(body: &str) -> String {
        summary(&[(
            "src/index.ts",
            &format!("export default {{ async fetch(request, env, ctx) {{ {body} }} }};"),
        )])
    }

    /// Like [`worker`], with more functions in the module.
    fn worker_with(body: &str, functions: &str) -> String {
        summary(&[(
            "src/index.ts",
            &format!(
                "export default {{ async fetch(request, env, ctx) {{ {body} }} }};\n{functions}"
            ),
        )])
    }

    #[test]
    fn one_path_counts_through_if_else() {
        // Each arm makes 2; the request takes one: up to 2, not 4.
        assert_eq!(
            worker(
                "if (request.method === 'GET') { await env.DB.prepare('a').all(); \
                 await env.DB.prepare('b').all(); } else { await env.DB.prepare('c').run(); \
                 await env.DB.prepare('d').run(); } return new Response('');"
            ),
            "fetch handler: about 2 sequential round trips: D1 `DB` x2"
        );
        // Arms that differ: the costliest, said as "up to"; the calls after the
        // conditional count on every path.
        assert_eq!(
            worker(
                "if (request.method === 'POST') { await fetch('https://api.example.com/a'); \
                 await fetch('https://api.example.com/b'); } \
                 else if (request.method === 'PUT') { await fetch('https://api.example.com/c'); } \
                 await fetch('https://api.example.com/d'); return new Response('');"
            ),
            "fetch handler: up to 3 sequential round trips: `api.example.com` x3"
        );
    }

    #[test]
    fn early_returns_end_a_path() {
        // The arm that returns skips what follows; the other path makes the two after it.
        assert_eq!(
            worker(
                "const url = new URL(request.url); \
                 if (url.pathname === '/a') { await env.DB.prepare('a').all(); return new Response('a'); } \
                 if (url.pathname === '/b') { await env.DB.prepare('b').all(); \
                 await env.DB.prepare('b2').all(); await env.DB.prepare('b3').all(); return new Response('b'); } \
                 await env.DB.prepare('c').all(); await env.DB.prepare('d').all(); return new Response('');"
            ),
            "fetch handler: up to 3 sequential round trips: D1 `DB` x3"
        );
        // A guard that returns early and an `else` that throws: only one path goes on.
        assert_eq!(
            worker(
                "if (!request.headers.get('x')) return new Response('no', { status: 401 }); \
                 if (request.method === 'GET') { await fetch('https://api.example.com/a'); } \
                 else { throw new Error('method'); } \
                 await fetch('https://api.example.com/b'); return new Response('');"
            ),
            "fetch handler: up to 2 sequential round trips: `api.example.com` x2"
        );
        // A `return` in a helper ends the helper, not the handler.
        assert_eq!(
            worker_with(
                "await check(request); await fetch('https://api.example.com/after'); \
                 return new Response('');",
                "async function check(request) { if (request.method === 'GET') { \
                 await fetch('https://api.example.com/get'); return; } \
                 await fetch('https://api.example.com/other'); }"
            ),
            "fetch handler: about 2 sequential round trips: `api.example.com` x2"
        );
    }

    #[test]
    fn switch_cases_and_ternaries_take_one_arm() {
        assert_eq!(
            worker(
                "switch (new URL(request.url).pathname) { \
                 case '/a': await fetch('https://api.example.com/a'); break; \
                 case '/b': await fetch('https://api.example.com/b'); \
                 await fetch('https://api.example.com/b2'); return new Response('b'); \
                 default: await fetch('https://api.example.com/c'); } \
                 await fetch('https://api.example.com/d'); return new Response('');"
            ),
            // Every case makes 2 on its way (`/b` returns before the last fetch).
            "fetch handler: about 2 sequential round trips: `api.example.com` x2"
        );
        // Without `default`, a request may match no case.
        assert_eq!(
            worker(
                "switch (request.method) { case 'GET': await fetch('https://api.example.com/a'); break; } \
                 return new Response('');"
            ),
            "fetch handler: up to 1 round trip: `api.example.com` x1"
        );
        assert_eq!(
            worker(
                "const row = request.method === 'GET' \
                 ? await env.DB.prepare('a').first() : await env.DB.prepare('b').run(); \
                 await env.DB.prepare('c').run(); return new Response(row);"
            ),
            "fetch handler: about 2 sequential round trips: D1 `DB` x2"
        );
        // Per back end too: each back end's count is its costliest path's.
        assert_eq!(
            worker(
                "if (request.method === 'GET') { await fetch('https://api.example.com/a'); \
                 await fetch('https://api.example.com/b'); } \
                 else { await env.DB.prepare('a').run(); } return new Response('');"
            ),
            "fetch handler: up to 2 sequential round trips: `api.example.com` x2, D1 `DB` x1"
        );
    }

    #[test]
    fn counts_sequential_parallel_and_loops() {
        assert_eq!(
            worker(
                "const a = await fetch('https://db.example.com/a'); \
                 const b = await fetch(`https://db.example.com/b/${a}`); \
                 const c = await env.DB.prepare('select 1').bind(1).first(); return new Response(c);"
            ),
            "fetch handler: about 3 sequential round trips: `db.example.com` x2, D1 `DB` x1"
        );
        assert_eq!(
            worker(
                "const [a, b] = await Promise.all([fetch('https://api.example.com/a'), \
                 env.DB.prepare('q').all()]); return new Response(a);"
            ),
            "fetch handler: about 1 round trip: `api.example.com` x1, D1 `DB` x1"
        );
        assert_eq!(
            worker(
                "for (const id of [1, 2]) { await fetch(`https://api.example.com/${id}`); } \
                 return new Response('');"
            ),
            "fetch handler: round trips in a loop: `api.example.com` x many"
        );
        assert_eq!(
            worker(
                "ctx.waitUntil(fetch('https://api.example.com/log')); \
                 await env.CACHE.get('k'); return new Response('');"
            ),
            "fetch handler: no back-end round trip"
        );
        // `env.ASSETS` is declared nowhere in this config: what it reaches is unknown.
        assert_eq!(
            worker("return env.ASSETS.fetch(request);"),
            "fetch handler: no back-end round trip (some calls could not be followed)"
        );
    }

    #[test]
    fn reads_bindings_stubs_and_clients() {
        assert_eq!(
            worker(
                "const stub = env.ROOMS.get(env.ROOMS.idFromName('x')); \
                 await stub.join(1); await env.AUTH.check(request); \
                 await env.FILES.get('k'); return stub.fetch(request);"
            ),
            "fetch handler: about 4 sequential round trips: Durable Object `ROOMS` x2, \
             service `AUTH` x1, R2 `FILES` x1"
        );
        assert_eq!(
            summary(&[(
                "src/index.ts",
                "import postgres from 'postgres';
export default { async fetch(request, env) {
  const sql = postgres(env.HYPERDRIVE.connectionString);
  const users = await sql`select * from users`;
  const posts = await sql`select * from posts`;
  return Response.json({ users, posts });
} };"
            )]),
            "fetch handler: about 2 sequential round trips: Hyperdrive `HYPERDRIVE` x2"
        );
        // The destructured or class forms.
        assert_eq!(
            summary(&[(
                "src/index.ts",
                "import { WorkerEntrypoint } from 'cloudflare:workers';
export default class extends WorkerEntrypoint {
  async fetch(request) {
    await this.env.DB.batch([]);
    const { DB } = this.env;
    return Response.json(await DB.prepare('q').run());
  }
}"
            )]),
            "fetch handler: about 2 sequential round trips: D1 `DB` x2"
        );
    }

    #[test]
    fn follows_helpers_across_modules() {
        let files = [
            (
                "src/index.ts",
                "import { load } from './db';
async function render(env) { return fetch('https://api.example.com/render'); }
export default { async fetch(request, env) {
  const row = await load(env);
  return render(env);
} };",
            ),
            (
                "src/db.ts",
                "export async function load(env) {
  await env.DB.prepare('a').first();
  return env.DB.prepare('b').first();
}",
            ),
        ];
        assert_eq!(
            summary(&files),
            "fetch handler: about 3 sequential round trips: D1 `DB` x2, `api.example.com` x1"
        );
        // A package's function cannot be followed: the estimate says so.
        assert_eq!(
            summary(&[(
                "src/index.ts",
                "import { handle } from 'some-package';
export default { async fetch(request, env) { return handle(request, env); } };"
            )]),
            "fetch handler: no back-end round trip (some calls could not be followed)"
        );
    }

    #[test]
    fn classifies_hosts() {
        assert_eq!(
            BackEnd::Host("api.honeycomb.io".into()).reach(),
            Reach::Analytics
        );
        assert_eq!(
            BackEnd::Host("www.googleapis.com".into()).reach(),
            Reach::Global
        );
        assert_eq!(
            BackEnd::Host("db.example.com".into()).reach(),
            Reach::Centralised
        );
        assert_eq!(
            host_of("https://u@API.example.com:8443/x"),
            Some("api.example.com".into())
        );
        assert_eq!(host_of("/relative"), None);
    }
}
