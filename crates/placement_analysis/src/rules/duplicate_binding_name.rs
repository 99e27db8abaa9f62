use rustc_hash::FxHashMap;
use std::sync::OnceLock;

use crate::context::{Context, Sink};
use crate::diagnostic::{Related, Severity};
use crate::model::Scope;
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::{Inheritance, Shape};
use crate::span::Span;
use crate::syntax::{Entry, Node, NodeKind, Table};
use crate::wording::{Reach, environments_suffix};

declare_rule! {
    /// ## What it does
    /// Reports a binding name used twice within one deployable configuration (the top level,
    /// `[previews]` or an `[env.NAME]`), across every binding kind and `vars`: a KV namespace
    /// and a var both named `CACHE`, two D1 databases bound as `DB`, a Durable Object binding
    /// with the name of a service binding, a `secrets.required` name also set in `vars`. The
    /// bindings an environment inherits (`assets.binding`, the top-level `wasm_modules`,
    /// `text_blobs` and `data_blobs`) count with its own. The second use is reported, related
    /// to the first.
    ///
    /// The binding kinds and how their names are read are wrangler's own
    /// (`validateBindingsHaveUniqueNames`). Wrangler refuses such a config at the top level
    /// and in an environment (an error); it does not check `[previews]`, where this is a
    /// warning.
    ///
    /// ## Why is this bad?
    /// Each binding is one property of `env` in the Worker's code, so two bindings cannot share
    /// a name: wrangler refuses the config ("Bindings must have unique names").
    ///
    /// ## Example
    /// ```toml
    /// [vars]
    /// CACHE = "on"
    ///
    /// [[kv_namespaces]]
    /// binding = "CACHE"
    /// id = "0f2ac74b498b48028cb68387c421e279"
    /// ```
    /// ```jsonc
    /// {
    ///   "vars": { "CACHE": "on" },
    ///   "kv_namespaces": [{ "binding": "CACHE", "id": "0f2ac74b498b48028cb68387c421e279" }]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [vars]
    /// CACHE_MODE = "on"
    ///
    /// [[kv_namespaces]]
    /// binding = "CACHE"
    /// id = "0f2ac74b498b48028cb68387c421e279"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which binding to rename, and the code that uses it, is the author's choice.
    ///
    /// ## References
    /// - [Bindings](https://developers.cloudflare.com/workers/runtime-apis/bindings/)
    pub static DUPLICATE_BINDING_NAME = {
        code: "PL321",
        name: "duplicate-binding-name",
        severity: Error,
        fix: FixAvailability::None,
        summary: "Two bindings (or a binding and a var) share a name in one environment",
    }
}

/// The keys wrangler reads binding names from, with the names it gives their kinds, in its
/// order (`friendlyBindingNames` of wrangler's validation). `queues` names its producers.
pub const BINDING_KINDS: &[(&str, &str)] = &[
    ("data_blobs", "Data Blob"),
    ("durable_objects", "Durable Object"),
    ("kv_namespaces", "KV Namespace"),
    ("send_email", "Send Email"),
    ("queues", "Queue"),
    ("d1_databases", "D1 Database"),
    ("vectorize", "Vectorize Index"),
    ("ai_search_namespaces", "AI Search Namespace"),
    ("ai_search", "AI Search Instance"),
    ("agent_memory", "Agent Memory"),
    ("hyperdrive", "Hyperdrive Config"),
    ("r2_buckets", "R2 Bucket"),
    ("logfwdr", "logfwdr"),
    ("services", "Worker"),
    ("analytics_engine_datasets", "Analytics Engine Dataset"),
    ("text_blobs", "Text Blob"),
    ("browser", "Browser Run"),
    ("analytics", "Analytics SQL"),
    ("ai", "AI"),
    ("images", "Images"),
    ("stream", "Stream"),
    ("media", "Media"),
    ("version_metadata", "Worker Version Metadata"),
    ("unsafe", "Unsafe Metadata"),
    ("vars", "Environment Variable"),
    ("wasm_modules", "Wasm Module"),
    ("dispatch_namespaces", "Dispatch Namespace"),
    ("mtls_certificates", "mTLS Certificate"),
    ("workflows", "Workflow"),
    ("pipelines", "Pipeline"),
    ("k2", "K2 Stream"),
    ("secrets_store_secrets", "Secrets Store Secret"),
    ("artifacts", "Artifacts"),
    ("ratelimits", "Rate Limit"),
    ("assets", "Assets"),
    ("unsafe_hello_world", "Hello World"),
    ("flagship", "Flagship"),
    ("worker_loaders", "Worker Loader"),
    ("vpc_services", "VPC Service"),
    ("vpc_networks", "VPC Network"),
];

/// One binding name as written.
#[derive(Debug, Clone, Copy)]
struct Binding<'a> {
    name: &'a str,
    /// Where the name is written.
    span: Span,
    /// Its kind, as wrangler words it.
    kind: &'static str,
    /// The key it is written under (`kv_namespaces`), for messages.
    key: &'static str,
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    // A clash between bindings both written at the top level shows in every environment that
    // inherits them: it is reported once, at its span, naming every environment.
    let mut findings: Vec<(Binding<'_>, Binding<'_>, Vec<Option<String>>)> = Vec::new();
    let mut finding_at: FxHashMap<(usize, usize), usize> = FxHashMap::default();
    let sources = sources();
    let root = entries_by_slot(ctx.model.root, sources);
    // Both reused from scope to scope: a config may have thousands of environments.
    let mut first: FxHashMap<&str, Binding<'_>> = FxHashMap::default();
    let mut bindings = Vec::new();
    for scope in &ctx.model.scopes {
        first.clear();
        bindings.clear();
        push_scope_bindings(scope, (sources, &root), &mut bindings);
        // The first in the file is the one kept; the later ones are reported.
        bindings.sort_by_key(|binding| binding.span.start);
        for &binding in &bindings {
            match first.get(binding.name) {
                None => {
                    first.insert(binding.name, binding);
                }
                Some(earlier) => {
                    let key = (binding.span.start, earlier.span.start);
                    let index = *finding_at.entry(key).or_insert_with(|| {
                        findings.push((*earlier, binding, Vec::new()));
                        findings.len() - 1
                    });
                    findings[index]
                        .2
                        .push(scope.environment().map(str::to_owned));
                }
            }
        }
    }
    for (earlier, later, scopes) in findings {
        let top_level = scopes.iter().any(Option::is_none);
        let environments: Vec<String> = scopes.into_iter().flatten().collect();
        let suffix = environments_suffix(
            &environments,
            if top_level {
                Reach::TopLevelAnd
            } else {
                Reach::In
            },
        );
        let what = if earlier.kind == later.kind {
            format!("two {} bindings", plural(later.kind))
        } else {
            format!(
                "{} {} binding (`{}`) and {} {} binding (`{}`)",
                article(earlier.kind),
                earlier.kind,
                earlier.key,
                article(later.kind),
                later.kind,
                later.key
            )
        };
        // Wrangler checks the top level and each `[env.NAME]`, not `[previews]`.
        let previews_only = !top_level
            && environments.iter().all(|name| name == "previews")
            && ctx.model.root.get("previews").is_some();
        let message = if previews_only {
            format!(
                "`{}` names {what}; bindings must have unique names, and wrangler's validation \
                 does not check `[previews]`, so the preview deploy is where it fails",
                later.name
            )
        } else {
            format!(
                "wrangler refuses this config: `{}` names {what}; bindings must have unique \
                 names{suffix}",
                later.name
            )
        };
        let diagnostic = sink
            .report(later.span, message)
            .with_help("rename one of them, and the code that reads it from `env`");
        if previews_only {
            diagnostic.with_severity(Severity::Warning);
        }
        diagnostic
            .with_environments(&environments)
            .with_related([Related {
                file: ctx.path.to_path_buf(),
                span: earlier.span,
                message: format!("`{}` first bound here", earlier.name),
            }]);
    }
}

fn plural(kind: &str) -> String {
    if kind.ends_with('s') || kind.ends_with("Metadata") || kind == "AI" {
        kind.to_owned()
    } else {
        format!("{kind}s")
    }
}

fn article(kind: &str) -> &'static str {
    match kind.as_bytes().first() {
        Some(b'A' | b'E' | b'I' | b'U') => "an",
        _ => "a",
    }
}

/// Where a scope takes a binding kind from, by the catalog's inheritance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// Only the top level's (`wasm_modules`, `text_blobs`, `data_blobs`), in every scope.
    TopLevel,
    /// The scope's own, or the top level's when the scope inherits it (`assets`).
    Inherited,
    /// The scope's own.
    Own,
}

/// Where each scope takes the binding kinds and `secrets` from.
struct Sources {
    /// Each binding kind; its index is its slot in [`Slots`].
    kinds: Vec<(&'static str, &'static str, Source)>,
    secrets: Source,
    /// The slots of each key bindings are written under.
    slots_of_key: FxHashMap<&'static str, Vec<usize>>,
}

/// The sources of every binding kind, looked up once per process.
fn sources() -> &'static Sources {
    static SOURCES: OnceLock<Sources> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let kinds = binding_sources();
        let mut slots_of_key: FxHashMap<&'static str, Vec<usize>> = FxHashMap::default();
        for (slot, key) in kinds.iter().map(|&(key, _, _)| key).enumerate() {
            slots_of_key.entry(key).or_default().push(slot);
        }
        slots_of_key
            .entry("secrets")
            .or_default()
            .push(SECRETS_SLOT);
        Sources {
            kinds,
            secrets: source_of("secrets"),
            slots_of_key,
        }
    })
}

/// A table's entries under the keys bindings are written under: each binding kind's slot
/// (its index in [`BINDING_KINDS`]), then `secrets`'s. Found in one pass over the table, as a
/// config may have thousands of environments that each write few of the 30-odd keys.
type Slots<'a> = [Option<&'a Entry>; BINDING_KINDS.len() + 1];

const SECRETS_SLOT: usize = BINDING_KINDS.len();

fn entries_by_slot<'a>(table: &'a Table, sources: &Sources) -> Slots<'a> {
    let mut slots = [None; BINDING_KINDS.len() + 1];
    // The last of a repeated JSON key is kept, as `Table::get` does.
    for entry in table.entries() {
        if let Some(found) = sources.slots_of_key.get(entry.key.as_str()) {
            for &slot in found {
                slots[slot] = Some(entry);
            }
        }
    }
    slots
}

/// Every binding name that applies in `scope`: the name, where it is written, its kind as
/// wrangler words it and the key it is written under.
pub(crate) fn binding_names<'a>(
    ctx: &Context<'a>,
    scope: &Scope<'a>,
) -> Vec<(&'a str, Span, &'static str, &'static str)> {
    let sources = sources();
    let root = entries_by_slot(ctx.model.root, sources);
    scope_bindings(scope, sources, &root)
        .into_iter()
        .map(|binding| (binding.name, binding.span, binding.kind, binding.key))
        .collect()
}

/// Where scopes take `key` from, by the catalog's inheritance.
fn source_of(key: &str) -> Source {
    match Shape::environment()
        .key(key)
        .map(|known| known.inheritance())
    {
        None | Some(Inheritance::TopLevelOnly) => Source::TopLevel,
        Some(Inheritance::Inherited) => Source::Inherited,
        Some(_) => Source::Own,
    }
}

/// Each binding kind with where scopes take it from: looked up in the catalog once per
/// process (a config may have thousands of environments).
fn binding_sources() -> Vec<(&'static str, &'static str, Source)> {
    BINDING_KINDS
        .iter()
        .map(|&(key, kind)| (key, kind, source_of(key)))
        .collect()
}

/// The entry that applies in `scope` for the key in `slot`, from the scope's own entries and
/// the top level's: as `ConfigModel::effective` for an inherited kind.
fn entry_in<'a>(
    scope: &Scope<'a>,
    (own, root): (&Slots<'a>, &Slots<'a>),
    (slot, key): (usize, &str),
    source: Source,
) -> Option<&'a Entry> {
    match source {
        Source::TopLevel => root[slot],
        Source::Inherited => own[slot].or_else(|| root[slot].filter(|_| scope.inherits(key))),
        Source::Own => own[slot],
    }
}

/// Every binding name that applies in `scope`; `root` holds the top level's entries.
fn scope_bindings<'a>(scope: &Scope<'a>, sources: &Sources, root: &Slots<'a>) -> Vec<Binding<'a>> {
    let mut bindings = Vec::new();
    push_scope_bindings(scope, (sources, root), &mut bindings);
    bindings
}

/// [`scope_bindings`], added to `bindings`.
fn push_scope_bindings<'a>(
    scope: &Scope<'a>,
    (sources, root): (&Sources, &Slots<'a>),
    bindings: &mut Vec<Binding<'a>>,
) {
    let own = entries_by_slot(scope.table, sources);
    for (slot, &(key, kind, source)) in sources.kinds.iter().enumerate() {
        let Some(entry) = entry_in(scope, (&own, root), (slot, key), source) else {
            continue;
        };
        let value = if key == "queues" {
            match entry
                .value
                .as_table()
                .and_then(|queues| queues.get("producers"))
            {
                Some(producers) => &producers.value,
                None => continue,
            }
        } else {
            &entry.value
        };
        names(value, &mut |name, span| {
            bindings.push(Binding {
                name,
                span,
                kind,
                key,
            });
        });
    }
    if let Some(required) = entry_in(
        scope,
        (&own, root),
        (SECRETS_SLOT, "secrets"),
        sources.secrets,
    )
    .and_then(|entry| entry.value.as_table())
    .and_then(|secrets| secrets.get("required"))
    .and_then(|required| required.value.as_array())
    {
        for item in required {
            if let Some(name) = item.as_str() {
                bindings.push(Binding {
                    name,
                    span: item.span,
                    kind: "Secret",
                    key: "secrets.required",
                });
            }
        }
    }
}

/// The names a binding value declares, as wrangler reads them: `bindings[].name` of a table
/// with a `bindings` list, `binding` of each item of a list whose items all have one, a table's
/// own `binding`, or else a table's keys (`vars`, `wasm_modules`).
fn names<'a>(value: &'a Node, out: &mut dyn FnMut(&'a str, Span)) {
    match &value.kind {
        NodeKind::Table(table) => {
            if let Some(list) = named_bindings(table) {
                for (name, span) in list {
                    out(name, span);
                }
            } else if let Some(binding) = table.get("binding") {
                if let Some(name) = binding.value.as_str() {
                    out(name, binding.value.span);
                }
            } else {
                // A repeated JSON key is one binding: wrangler keeps the last.
                for (_, entry) in table.kept_entries() {
                    if !matches!(entry.value.kind, NodeKind::Null) {
                        out(&entry.key, entry.key_span);
                    }
                }
            }
        }
        NodeKind::Array(items) => {
            let bindings: Option<Vec<(&str, Span)>> = items
                .iter()
                .map(|item| {
                    let binding = item.as_table()?.get("binding")?;
                    Some((binding.value.as_str()?, binding.value.span))
                })
                .collect();
            for (name, span) in bindings.unwrap_or_default() {
                out(name, span);
            }
        }
        _ => {}
    }
}

/// `bindings = [{ name = ... }, ...]` when every item has a string `name`.
fn named_bindings(table: &Table) -> Option<Vec<(&str, Span)>> {
    table
        .get("bindings")?
        .value
        .as_array()?
        .iter()
        .map(|item| {
            let name = item.as_table()?.get("name")?;
            Some((name.value.as_str()?, name.value.span))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::BINDING_KINDS;
    use crate::schema::Shape;
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn every_binding_kind_is_a_key_wrangler_knows() {
        for (key, _) in BINDING_KINDS {
            assert!(
                Shape::root().key(key).is_some(),
                "{key} is not a top-level key of the catalog"
            );
        }
    }

    #[test]
    fn fires_across_kinds_and_vars() {
        let diagnostics = assert_rule(
            "PL321",
            Format::Toml,
            r#"[vars]
CACHE = "on"
[[kv_namespaces]]
binding = "CACHE"
          ^^^^^^^ PL321: `CACHE` names an Environment Variable binding (`vars`) and a KV Namespace binding (`kv_namespaces`)
id = "a"
[[d1_databases]]
binding = "DB"
database_id = "x"
[[d1_databases]]
binding = "DB"
          ^^^^ PL321: two D1 Databases bindings
database_id = "y"
[durable_objects]
bindings = [{ name = "ROOM", class_name = "Room" }]
[ai]
binding = "ROOM"
          ^^^^^^ PL321: an AI binding
"#,
        );
        assert_eq!(
            diagnostics[0].related[0].message,
            "`CACHE` first bound here"
        );
        assert!(diagnostics[0].environments.is_empty());
    }

    #[test]
    fn fires_in_environments_with_what_they_inherit() {
        let diagnostics = assert_rule(
            "PL321",
            Format::Json,
            r#"{
  "assets": { "directory": "public", "binding": "ASSETS" },
  "vars": { "ASSETS": "top" },
            ^^^^^^^^ PL321: an Assets binding (`assets`) and an Environment Variable binding (`vars`)
  "env": {
    "a": { "vars": { "ASSETS_URL": "x" } },
    "b": {
      "vars": { "ASSETS": "y" },
                ^^^^^^^^ PL321: (in environment `b`)
      "secrets": { "required": ["TOKEN", "ASSETS"] }
                                         ^^^^^^^^ PL321: a Secret binding (`secrets.required`)
    }
  }
}
"#,
        );
        assert!(diagnostics[0].environments.is_empty());
        assert_eq!(diagnostics[1].environments, ["b"]);
    }

    #[test]
    fn previews_are_a_warning_since_wrangler_does_not_check_them() {
        let diagnostics = assert_rule(
            "PL321",
            Format::Json,
            r#"{ "previews": { "vars": { "CACHE": "on" }, "kv_namespaces": [{ "binding": "CACHE", "id": "a" }] } }
                                                                          ^^^^^^^ PL321: does not check `[previews]`
"#,
        );
        assert_eq!(diagnostics[0].severity, crate::Severity::Warning);
    }

    #[test]
    fn each_environment_is_its_own_namespace() {
        assert_rule(
            "PL321",
            Format::Toml,
            r#"[vars]
API = "a"
[[env.staging.kv_namespaces]]
binding = "API"
id = "x"
[env.staging.vars]
OTHER = "b"
[queues]
producers = [{ binding = "JOBS", queue = "jobs" }]
consumers = [{ queue = "JOBS" }]
"#,
        );
    }
}
