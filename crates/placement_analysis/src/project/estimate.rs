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
//! - Awaited one after the other: each counts; inside `Promise.all([...])` (and `allSettled`,
//!   `any`, `race`): one round for the group; inside a loop or an array callback (`map`,
//!   `forEach`, ...): "many"; inside `waitUntil(...)`: none (it runs after the response).
//! - Calls to helper functions of the same module or imported from local modules are followed,
//!   [`MAX_HELPER_DEPTH`] calls deep. A call that cannot be followed (a package's function, a
//!   value the analysis cannot see) makes the estimate incomplete, and no rule then claims that
//!   the handler makes no back-end call. So does a call on `env.NAME` when the environment's
//!   config declares no binding `NAME` (Pages projects often bind in the dashboard).

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::deployments::Deployment;
use super::source::{CallSite, CallTarget, ExportValue, Handler, Repeat, SourceFile};
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

    /// "about 3 sequential round trips: `api.example.com` x2, D1 `DB` x1".
    pub fn summary(&self) -> String {
        let counted: Vec<String> = self.counted().map(BackEndCalls::describe).collect();
        if counted.is_empty() {
            return "no back-end round trip".to_owned();
        }
        let mut out = if self.many {
            "round trips in a loop".to_owned()
        } else if self.rounds == 1 {
            "about 1 round trip".to_owned()
        } else {
            format!("about {} sequential round trips", self.rounds)
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
    let mut kinds = HashMap::new();
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
    let mut known: HashMap<Key<'_>, Option<Arc<RoundTrips>>> = HashMap::new();
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
            calls: Vec::new(),
            complete: !opaque && !handler.opaque,
            next_group: 0,
        };
        let module = project.source(path);
        walk.expand(module, path, &handler.calls, Inherited::None, 0);
        trips.handlers.push(walk.finish(path, handler.span));
    }
    Some(trips)
}

/// How the call that led into a helper repeats, imposed on the helper's calls.
#[derive(Clone, Copy)]
enum Inherited {
    None,
    Parallel(u32),
    Many,
}

/// One round trip, flattened out of the helpers.
struct Flat {
    back_end: BackEnd,
    repeat: FlatRepeat,
    location: (PathBuf, Span),
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum FlatRepeat {
    Once,
    Group(u32),
    Many,
}

struct Walk<'p, 'k> {
    project: &'p Project,
    kinds: &'k HashMap<String, BindingKind>,
    calls: Vec<Flat>,
    complete: bool,
    next_group: u32,
}

impl<'p> Walk<'p, '_> {
    fn expand(
        &mut self,
        module: Option<&'p SourceFile>,
        path: &Path,
        calls: &'p [CallSite],
        inherited: Inherited,
        depth: usize,
    ) {
        // Group ids are per function; make them unique across the expansion.
        let mut groups: BTreeMap<u32, u32> = BTreeMap::new();
        for call in calls {
            let repeat = match (inherited, call.repeat) {
                (Inherited::Many, _) | (_, Repeat::Many) => FlatRepeat::Many,
                (Inherited::Parallel(group), _) => FlatRepeat::Group(group),
                (Inherited::None, Repeat::Once) => FlatRepeat::Once,
                (Inherited::None, Repeat::Parallel(local)) => {
                    let next = &mut self.next_group;
                    FlatRepeat::Group(*groups.entry(local).or_insert_with(|| {
                        *next += 1;
                        *next
                    }))
                }
            };
            match &call.target {
                CallTarget::Fetch { url } => {
                    let back_end = url
                        .as_deref()
                        .and_then(host_of)
                        .map_or(BackEnd::UnknownHost, BackEnd::Host);
                    self.push(back_end, repeat, path, call.span);
                }
                CallTarget::Binding {
                    name,
                    method,
                    via_env,
                } => match self.kinds.get(name) {
                    Some(kind) => {
                        if let Some(back_end) = binding_back_end(*kind, name, method) {
                            self.push(back_end, repeat, path, call.span);
                        }
                    }
                    // A binding the config does not declare (bound in the dashboard, or
                    // missing): what it reaches is unknown.
                    None if *via_env => self.complete = false,
                    None => {}
                },
                CallTarget::Helper { module: from, name } => {
                    let inherited = match repeat {
                        FlatRepeat::Once => Inherited::None,
                        FlatRepeat::Group(group) => Inherited::Parallel(group),
                        FlatRepeat::Many => Inherited::Many,
                    };
                    if depth >= MAX_HELPER_DEPTH {
                        self.complete = false;
                        continue;
                    }
                    match self.helper(module, path, from.as_deref(), name) {
                        Some((source, handler)) => self.expand(
                            Some(source),
                            &source.path,
                            &handler.calls,
                            inherited,
                            depth + 1,
                        ),
                        None => self.complete = false,
                    }
                }
            }
        }
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

    fn push(&mut self, back_end: BackEnd, repeat: FlatRepeat, path: &Path, span: Span) {
        self.calls.push(Flat {
            back_end,
            repeat,
            location: (path.to_path_buf(), span),
        });
    }

    fn finish(self, path: &Path, span: Span) -> HandlerEstimate {
        let mut back_ends: Vec<BackEndCalls> = Vec::new();
        let mut groups_seen: Vec<(BackEnd, u32)> = Vec::new();
        let mut all_groups: Vec<u32> = Vec::new();
        let mut rounds = 0;
        let mut many = false;
        for call in self.calls {
            let counted = call.back_end.reach() != Reach::Analytics;
            let index = match back_ends.iter().position(|b| b.back_end == call.back_end) {
                Some(index) => index,
                None => {
                    back_ends.push(BackEndCalls {
                        back_end: call.back_end.clone(),
                        rounds: 0,
                        many: false,
                        first_call: call.location.clone(),
                    });
                    back_ends.len() - 1
                }
            };
            let entry = &mut back_ends[index];
            match call.repeat {
                FlatRepeat::Once => {
                    entry.rounds += 1;
                    rounds += u32::from(counted);
                }
                FlatRepeat::Group(group) => {
                    let key = (call.back_end.clone(), group);
                    if !groups_seen.contains(&key) {
                        groups_seen.push(key);
                        entry.rounds += 1;
                    }
                    if counted && !all_groups.contains(&group) {
                        all_groups.push(group);
                        rounds += 1;
                    }
                }
                FlatRepeat::Many => {
                    entry.many = true;
                    entry.rounds += 1;
                    many |= counted;
                }
            }
        }
        HandlerEstimate {
            file: path.to_path_buf(),
            span,
            back_ends,
            rounds,
            many,
            complete: self.complete,
        }
    }
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
