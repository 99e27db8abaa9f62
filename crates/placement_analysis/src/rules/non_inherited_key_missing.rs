use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Fix, Related};
use rustc_hash::FxHashSet;

use crate::edits::entry_end;
use crate::env_edits::{
    JsonProperty, Sections, TomlCopy, add_lines_to_toml_table, add_to_json_object,
    add_to_toml_environment, environment_path,
};
use crate::rule::{FixAvailability, declare_rule};
use crate::rules::key_swallowed_by_table::is_swallowed_var;
use crate::schema::{Inheritance, Shape};
use crate::span::Span;
use crate::syntax::{Entry, Format, Node, NodeKind, Table, TableStyle};
use crate::wording::first_names;

declare_rule! {
    /// ## What it does
    /// Reports an `[env.NAME]` that does not set a key which the top level sets and which
    /// environments do not inherit: `vars`, `define`, and every binding (`kv_namespaces`,
    /// `d1_databases`, `durable_objects`, `services`, `queues`, `ai`, ...: exactly wrangler's
    /// list). One diagnostic per environment and key, at the environment, naming the vars or
    /// bindings it will lack.
    ///
    /// ## Why is this bad?
    /// wrangler deploys `--env staging` with the environment's own `vars` and bindings only:
    /// the top-level ones are not copied. The deployed Worker then lacks them, and code that
    /// reads `env.API_URL` or `env.DB` fails at run time. wrangler only warns
    /// (`"vars" exists at the top level, but not on "env.staging"`), and only when that
    /// environment is the one being deployed.
    ///
    /// ## Example
    /// ```toml
    /// [vars]
    /// API_URL = "https://api.example.com"
    ///
    /// [env.staging]
    /// name = "api-staging"
    /// ```
    /// ```jsonc
    /// {
    ///   "kv_namespaces": [{ "binding": "CACHE", "id": "0f2ac74b498b48028cb68387c421e279" }],
    ///   "env": { "staging": { "name": "api-staging" } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [vars]
    /// API_URL = "https://api.example.com"
    ///
    /// [env.staging]
    /// name = "api-staging"
    ///
    /// [env.staging.vars]
    /// API_URL = "https://staging.example.com"
    /// ```
    /// An environment that must have no bindings of a kind says so with an empty list
    /// (`kv_namespaces = []`). An environment that sets `vars` but not every top-level var, or
    /// a list of bindings (`kv_namespaces`, `services`, ...) without every top-level `binding`
    /// name, is reported too, with the missing names, as wrangler does.
    ///
    /// ## Fix safety
    /// Copying the top-level value into the environment is unsafe: the environment would most
    /// often bind its own resources (a staging database, a staging URL), which only you know.
    /// The copy keeps the layout: `[vars]` sections become `[env.NAME.vars]` sections after
    /// the environment's last one, `[[kv_namespaces]]` become `[[env.NAME.kv_namespaces]]`, a
    /// `key = value` line goes into the environment's table, and in JSON(C) the property is
    /// added with its neighbours' indentation. Missing vars are added to the environment's
    /// `vars` the same way. It is not offered where the layout leaves no place for the copy
    /// (sections into an environment written as an inline table).
    ///
    /// ## References
    /// - [Environments: non-inheritable keys](https://developers.cloudflare.com/workers/wrangler/configuration/#non-inheritable-keys)
    pub static NON_INHERITED_KEY_MISSING = {
        code: "PL310",
        name: "non-inherited-key-missing",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "An environment lacks `vars` or bindings set at the top level, which environments do not inherit",
    }
}

/// A top-level key that environments do not inherit, and what copying it takes.
struct TopLevelKey<'a> {
    entry: &'a Entry,
    /// The vars or bindings it declares.
    names: Vec<String>,
    toml: Option<TomlCopy>,
    json: Option<JsonProperty<'a>>,
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let root = ctx.model.root;
    let Some(environments) = root.get_table("env") else {
        return;
    };
    let not_inherited: Vec<&Entry> = root
        .kept_entries()
        .map(|(_, entry)| entry)
        .filter(|entry| is_not_inherited(&entry.key))
        .collect();
    // Most configs set only inherited keys: the sections (and the line index) are not built.
    if not_inherited.is_empty() {
        return;
    }
    let source = ctx.source();
    let sections = Sections::new(ctx.source(), root);
    let swallowed_vars: FxHashSet<String> = root
        .get_table("vars")
        .map(|vars| {
            vars.entries()
                .iter()
                .filter(|var| is_swallowed_var(ctx.format(), vars, var))
                .map(|var| var.key.clone())
                .collect()
        })
        .unwrap_or_default();
    // Computed once per key, not once per environment: a config may have thousands.
    let keys: Vec<TopLevelKey<'_>> = not_inherited
        .into_iter()
        .map(|entry| TopLevelKey {
            entry,
            names: declared_names(entry)
                .into_iter()
                .filter(|name| !swallowed_vars.contains(name))
                .collect(),
            toml: (ctx.format() == Format::Toml)
                .then(|| TomlCopy::of(&sections, entry))
                .flatten(),
            json: (ctx.format() == Format::Json)
                .then(|| JsonProperty::of(&source, entry))
                .flatten(),
        })
        .collect();
    if keys.is_empty() {
        return;
    }
    let top_level_vars = TopLevelVars::new(ctx, root);
    for (_, env) in environments.kept_entries() {
        let Some(table) = env.value.as_table() else {
            continue;
        };
        for key in &keys {
            match table.get(&key.entry.key) {
                None => report_missing_key(ctx, sink, &sections, env, key),
                Some(vars) if vars.key == "vars" => {
                    top_level_vars.report_missing(ctx, sink, &sections, env, vars);
                }
                Some(own) if BINDING_ARRAYS.contains(&own.key.as_str()) => {
                    report_missing_bindings(ctx, sink, env, key.entry, own);
                }
                Some(_) => {}
            }
        }
    }
}

/// Where a diagnostic about a table points: its header, or its key.
fn table_location(entry: &Entry) -> Span {
    match entry.value.as_table().map(|table| table.style) {
        Some(TableStyle::Header | TableStyle::Implicit) => entry.value.span,
        _ => entry.key_span,
    }
}

fn report_missing_key(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    sections: &Sections<'_>,
    env: &Entry,
    key: &TopLevelKey<'_>,
) {
    let name = &env.key;
    let field = &key.entry.key;
    let lacking = if key.names.is_empty() {
        format!("the top-level `{field}`")
    } else {
        first_names(&key.names, |more| format!(" and {more} more"))
    };
    let message = format!(
        "`{field}` exists at the top level but not in `env.{name}`, and environments do not \
         inherit it: environment `{name}` deploys without {lacking}"
    );
    let edits = match ctx.format() {
        Format::Toml => key
            .toml
            .as_ref()
            .and_then(|copy| add_to_toml_environment(sections, env, copy)),
        Format::Json => key.json.as_ref().and_then(|property| {
            add_to_json_object(&ctx.source(), env, std::slice::from_ref(property))
        }),
    };
    let diagnostic = sink
        .report(table_location(env), message)
        .with_help(format!(
            "add `{field}` to `env.{name}`, with the environment's own values or a copy of the \
             top level's"
        ))
        .with_environments(std::slice::from_ref(name))
        .with_related([Related {
            file: ctx.path.to_path_buf(),
            span: key.entry.key_span,
            message: format!("`{field}` is set here, at the top level"),
        }]);
    if let Some(edits) = edits {
        diagnostic.with_fix(Fix::new(
            format!("Copy the top-level `{field}` into `env.{name}`"),
            Applicability::Unsafe,
            edits,
        ));
    }
}

/// The top-level `vars`, for the environments that set `vars` but not all of them (wrangler's
/// `validateVars` lists the missing names).
struct TopLevelVars<'a> {
    entry: Option<&'a Entry>,
    /// Each var, unless a later one repeats its name.
    vars: Vec<&'a Entry>,
}

impl<'a> TopLevelVars<'a> {
    fn new(ctx: &Context<'_>, root: &'a Table) -> Self {
        let entry = root.get("vars");
        let vars = entry
            .and_then(|entry| entry.value.as_table())
            .map(|table| {
                table
                    .kept_entries()
                    .map(|(_, var)| var)
                    // A key swallowed by `[vars]` is PL108's, not a var to copy.
                    .filter(|var| !is_swallowed_var(ctx.format(), table, var))
                    .collect()
            })
            .unwrap_or_default();
        Self { entry, vars }
    }

    fn report_missing(
        &self,
        ctx: &Context<'_>,
        sink: &mut Sink<'_>,
        sections: &Sections<'_>,
        env: &Entry,
        env_vars: &Entry,
    ) {
        let (Some(entry), Some(own)) = (self.entry, env_vars.value.as_table()) else {
            return;
        };
        let own: FxHashSet<&str> = own.entries().iter().map(|var| var.key.as_str()).collect();
        let missing: Vec<&Entry> = self
            .vars
            .iter()
            .copied()
            .filter(|var| !own.contains(var.key.as_str()))
            .collect();
        if missing.is_empty() {
            return;
        }
        let name = &env.key;
        let names: Vec<&str> = missing.iter().map(|var| var.key.as_str()).collect();
        let message = format!(
            "`env.{name}.vars` lacks {} from the top-level `vars`, and environments do not \
             inherit vars: environment `{name}` deploys without {}",
            plural(names.len(), "var", "vars"),
            first_names(&names, |more| format!(" and {more} more")),
        );
        let source = ctx.source();
        let edits = match ctx.format() {
            Format::Toml => missing
                .iter()
                .map(|var| {
                    let written_alone = var
                        .value
                        .as_table()
                        .is_none_or(|table| table.style == TableStyle::Inline);
                    written_alone
                        .then(|| source.text.get(var.key_span.start..entry_end(var)))
                        .flatten()
                        .map(str::to_owned)
                })
                .collect::<Option<Vec<String>>>()
                .and_then(|lines| {
                    let path = format!("{}.vars", environment_path(name));
                    add_lines_to_toml_table(sections, env_vars, &path, &lines)
                }),
            Format::Json => missing
                .iter()
                .map(|var| JsonProperty::of(&source, var))
                .collect::<Option<Vec<_>>>()
                .and_then(|properties| add_to_json_object(&source, env_vars, &properties)),
        };
        let diagnostic = sink
            .report(table_location(env_vars), message)
            .with_help(format!(
                "add {} to `env.{name}.vars`, with the environment's own values or the top \
                 level's",
                first_names(&names, |more| format!(" and {more} more")),
            ))
            .with_environments(std::slice::from_ref(name))
            .with_related([Related {
                file: ctx.path.to_path_buf(),
                span: entry.key_span,
                message: "the top-level `vars`".to_owned(),
            }]);
        if let Some(edits) = edits {
            diagnostic.with_fix(Fix::new(
                format!("Copy the missing top-level vars into `env.{name}.vars`"),
                Applicability::Unsafe,
                edits,
            ));
        }
    }
}

/// The keys wrangler validates with `validateBindingArray`, which warns about each top-level
/// `binding` an environment's own list leaves out (`There is a kv_namespaces binding with name
/// "CACHE" at the top level, but not on "env.staging"`).
const BINDING_ARRAYS: &[&str] = &[
    "workflows",
    "kv_namespaces",
    "send_email",
    "r2_buckets",
    "d1_databases",
    "vectorize",
    "ai_search_namespaces",
    "ai_search",
    "agent_memory",
    "hyperdrive",
    "services",
    "analytics_engine_datasets",
    "dispatch_namespaces",
    "mtls_certificates",
    "pipelines",
    "k2",
    "secrets_store_secrets",
    "artifacts",
    "unsafe_hello_world",
    "flagship",
    "worker_loaders",
    "ratelimits",
    "vpc_services",
    "vpc_networks",
];

/// An environment's own list of bindings (`env.NAME.kv_namespaces`) without some of the
/// top-level list's `binding` names. An empty list says the environment has none on purpose:
/// wrangler warns about it too, but it is the documented way to opt out here.
fn report_missing_bindings(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    env: &Entry,
    top_level: &Entry,
    own: &Entry,
) {
    let (Some(top_items), Some(own_items)) = (top_level.value.as_array(), own.value.as_array())
    else {
        return;
    };
    if own_items.is_empty() {
        return;
    }
    let binding_of = |item: &'_ Node| -> Option<String> {
        Some(item.as_table()?.get("binding")?.value.as_str()?.to_owned())
    };
    let own_names: FxHashSet<String> = own_items.iter().filter_map(binding_of).collect();
    let mut missing: Vec<String> = Vec::new();
    for name in top_items.iter().filter_map(binding_of) {
        if !own_names.contains(&name) && !missing.contains(&name) {
            missing.push(name);
        }
    }
    if missing.is_empty() {
        return;
    }
    let (name, field) = (&env.key, &own.key);
    let names = first_names(&missing, |more| format!(" and {more} more"));
    sink.report(
        table_location(own),
        format!(
            "`env.{name}.{field}` lacks {} from the top-level `{field}`, and environments do not \
             inherit bindings: environment `{name}` deploys without {names}",
            plural(missing.len(), "binding", "bindings"),
        ),
    )
    .with_help(format!(
        "add {names} to `env.{name}.{field}`, bound to the environment's own resources or the \
         top level's"
    ))
    .with_environments(std::slice::from_ref(name))
    .with_related([Related {
        file: ctx.path.to_path_buf(),
        span: top_level.key_span,
        message: format!("the top-level `{field}`"),
    }]);
}

fn plural(count: usize, one: &str, many: &str) -> String {
    if count == 1 {
        format!("1 {one}")
    } else {
        format!("{count} {many}")
    }
}

/// Whether wrangler's `normalizeAndValidateEnvironment` reads the key with `notInheritable`.
fn is_not_inherited(key: &str) -> bool {
    Shape::root()
        .key(key)
        .is_some_and(|key| key.inheritance() == Inheritance::NotInherited)
}

/// The var names of a map (`vars`, `define`) or the binding names a binding key declares.
fn declared_names(entry: &Entry) -> Vec<String> {
    let is_map = Shape::root()
        .key(&entry.key)
        .is_some_and(|key| key.shape().values().is_some());
    match &entry.value.kind {
        NodeKind::Table(table) if is_map => {
            table.entries().iter().map(|var| var.key.clone()).collect()
        }
        NodeKind::Array(items) => items.iter().filter_map(binding_name).collect(),
        NodeKind::Table(table) => match binding_name(&entry.value) {
            Some(name) => vec![name],
            // `durable_objects.bindings`, `queues.producers`, `secrets.required`, ...
            None => table
                .entries()
                .iter()
                .filter_map(|field| field.value.as_array())
                .flatten()
                .filter_map(binding_name)
                .collect(),
        },
        _ => Vec::new(),
    }
}

/// The name a binding entry gives its binding (or the string itself in a list of names).
fn binding_name(node: &Node) -> Option<String> {
    match &node.kind {
        NodeKind::String(name) => Some(name.clone()),
        NodeKind::Table(table) => ["binding", "name", "service", "class_name", "queue"]
            .iter()
            .find_map(|field| table.get(field)?.value.as_str())
            .map(str::to_owned),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::{Inheritance, Shape};
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    /// The fields `normalizeAndValidateEnvironment` reads with `notInheritable` in the pinned
    /// wrangler (4.164.0), in its order.
    const WRANGLER_NOT_INHERITABLE: &[&str] = &[
        "vars",
        "secrets",
        "define",
        "durable_objects",
        "workflows",
        "kv_namespaces",
        "cloudchamber",
        "containers",
        "send_email",
        "queues",
        "connect",
        "r2_buckets",
        "d1_databases",
        "vectorize",
        "ai_search_namespaces",
        "ai_search",
        "agent_memory",
        "hyperdrive",
        "services",
        "analytics_engine_datasets",
        "dispatch_namespaces",
        "mtls_certificates",
        "tail_consumers",
        "streaming_tail_consumers",
        "unsafe",
        "browser",
        "analytics",
        "ai",
        "images",
        "stream",
        "media",
        "pipelines",
        "k2",
        "secrets_store_secrets",
        "artifacts",
        "unsafe_hello_world",
        "flagship",
        "worker_loaders",
        "ratelimits",
        "vpc_services",
        "vpc_networks",
        "version_metadata",
    ];

    #[test]
    fn the_catalog_lists_exactly_wranglers_non_inheritable_keys() {
        let mut catalog: Vec<_> = Shape::root()
            .keys()
            .filter(|key| key.inheritance() == Inheritance::NotInherited)
            .map(|key| key.name())
            .collect();
        let mut wrangler = WRANGLER_NOT_INHERITABLE.to_vec();
        catalog.sort_unstable();
        wrangler.sort_unstable();
        assert_eq!(catalog, wrangler);
    }

    #[test]
    fn one_diagnostic_per_environment_and_key_in_toml() {
        let diagnostics = assert_rule(
            "PL310",
            Format::Toml,
            r#"name = "api"
[vars]
API_URL = "https://api.example.com"
DEBUG = "false"

[[kv_namespaces]]
binding = "CACHE"
id = "abc"

[env.staging]
^^^^^^^^^^^^^ PL310: `vars` exists at the top level but not in `env.staging`, and environments do not inherit it: environment `staging` deploys without `API_URL`, `DEBUG`
^^^^^^^^^^^^^ PL310: deploys without `CACHE`
name = "api-staging"

[env.production]
name = "api"
kv_namespaces = []
[env.production.vars]
^^^^^^^^^^^^^^^^^^^^^ PL310: `env.production.vars` lacks 2 vars from the top-level `vars`, and environments do not inherit vars: environment `production` deploys without `API_URL`, `DEBUG`

[env.preview.vars]
     ^^^^^^^ PL310: `kv_namespaces` exists at the top level but not in `env.preview`
^^^^^^^^^^^^^^^^^^ PL310: `env.preview.vars` lacks 1 var from the top-level `vars`
API_URL = "x"
"#,
        );
        assert_eq!(diagnostics[0].environments, ["staging"]);
        assert_eq!(diagnostics[0].related.len(), 1);
    }

    #[test]
    fn jsonc_environments_and_names_of_every_binding_kind() {
        assert_rule(
            "PL310",
            Format::Json,
            r#"{
  "durable_objects": { "bindings": [{ "name": "ROOMS", "class_name": "Room" }] },
  "d1_databases": [{ "binding": "DB", "database_id": "x" }],
  "ai": { "binding": "AI" },
  "define": {},
  "placement": { "mode": "smart" },
  "env": {
    "staging": { "d1_databases": [], "ai": { "binding": "AI" }, "define": {} }
    ^^^^^^^^^ PL310: environment `staging` deploys without `ROOMS`
  }
}"#,
        );
        // An environment's `vars` must name every top-level var (wrangler's `validateVars`).
        assert_rule(
            "PL310",
            Format::Json,
            r#"{ "vars": { "A": "1", "B": "2" }, "env": { "x": { "vars": { "B": "3" } } } }
                                                  ^^^^^^ PL310: `env.x.vars` lacks 1 var from the top-level `vars`, and environments do not inherit vars: environment `x` deploys without `A`"#,
        );
    }

    #[test]
    fn binding_lists_are_wranglers_non_inheritable_arrays() {
        for name in super::BINDING_ARRAYS {
            assert!(WRANGLER_NOT_INHERITABLE.contains(name), "{name}");
            let key = Shape::root().key(name).expect(name);
            assert!(key.shape().items().is_some(), "{name} is not an array");
        }
    }

    #[test]
    fn an_environment_lacking_some_top_level_bindings_in_toml() {
        assert_rule(
            "PL310",
            Format::Toml,
            r#"[[kv_namespaces]]
binding = "CACHE"
id = "a"
[[kv_namespaces]]
binding = "SESSIONS"
id = "b"
[[d1_databases]]
binding = "DB"
database_id = "c"
[[containers]]
class_name = "C"
image = "docker.io/app:1"
[env.staging]
[[env.staging.kv_namespaces]]
              ^^^^^^^^^^^^^ PL310: `env.staging.kv_namespaces` lacks 1 binding from the top-level `kv_namespaces`, and environments do not inherit bindings: environment `staging` deploys without `SESSIONS`
binding = "CACHE"
id = "d"
[[env.staging.d1_databases]]
binding = "DB"
database_id = "e"
[[env.staging.containers]]
class_name = "D"
image = "docker.io/app:1"
"#,
        );
    }

    #[test]
    fn an_environment_lacking_some_top_level_bindings_in_jsonc() {
        assert_rule(
            "PL310",
            Format::Json,
            r#"{
  "services": [{ "binding": "AUTH", "service": "auth" }, { "binding": "API", "service": "api" }],
  "r2_buckets": [{ "binding": "FILES", "bucket_name": "f" }],
  "d1_databases": [{ "binding": "DB", "database_id": "x" }],
  "env": {
    "prod": {
      "services": [{ "binding": "AUDIT", "service": "audit" }],
      ^^^^^^^^^^ PL310: `env.prod.services` lacks 2 bindings from the top-level `services`, and environments do not inherit bindings: environment `prod` deploys without `AUTH`, `API`
      "r2_buckets": [{ "binding": "FILES", "bucket_name": "f-prod" }],
      // An empty list: no d1 bindings in this environment, on purpose.
      "d1_databases": []
    }
  }
}"#,
        );
    }

    #[test]
    fn without_environments_or_top_level_keys_nothing_fires() {
        assert_rule("PL310", Format::Toml, "[vars]\nA = \"1\"\n");
        assert_rule(
            "PL310",
            Format::Toml,
            "main = \"a.js\"\n[env.staging]\nname = \"s\"\n",
        );
    }

    #[test]
    fn fix_copies_header_sections_after_the_environment() {
        let fixed = apply_fix(
            "PL310",
            Format::Toml,
            r#"name = "api"

[vars]
API_URL = "https://api.example.com" # the production API
DEBUG = "false"

[env.staging]
name = "api-staging"

# Production settings
[env.production]
name = "api"
vars = { API_URL = "https://api.example.com", DEBUG = "false" }
"#,
        );
        assert_eq!(
            fixed,
            r#"name = "api"

[vars]
API_URL = "https://api.example.com" # the production API
DEBUG = "false"

[env.staging]
name = "api-staging"

[env.staging.vars]
API_URL = "https://api.example.com" # the production API
DEBUG = "false"

# Production settings
[env.production]
name = "api"
vars = { API_URL = "https://api.example.com", DEBUG = "false" }
"#
        );
    }

    #[test]
    fn fix_copies_arrays_of_tables_inline_values_and_dotted_keys() {
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "[[kv_namespaces]]\nbinding = \"A\"\nid = \"1\"\n\n[[kv_namespaces]]\nbinding = \"B\"\nid = \"2\"\n\n[env.staging]\nname = \"s\"\n[env.staging.placement]\nmode = \"smart\"\n",
            ),
            "[[kv_namespaces]]\nbinding = \"A\"\nid = \"1\"\n\n[[kv_namespaces]]\nbinding = \"B\"\nid = \"2\"\n\n[env.staging]\nname = \"s\"\n[env.staging.placement]\nmode = \"smart\"\n\n[[env.staging.kv_namespaces]]\nbinding = \"A\"\nid = \"1\"\n\n[[env.staging.kv_namespaces]]\nbinding = \"B\"\nid = \"2\"\n",
        );
        // `key = value` goes into the environment's own section.
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "vars = { A = \"1\" }\n\n[env.staging]\nname = \"s\"\n\n[env.staging.placement]\nmode = \"smart\"\n",
            ),
            "vars = { A = \"1\" }\n\n[env.staging]\nname = \"s\"\nvars = { A = \"1\" }\n\n[env.staging.placement]\nmode = \"smart\"\n",
        );
        // An environment made only by `[env.NAME.x]` headers gets its own header.
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "ai = { binding = \"AI\" }\n[env.staging.placement]\nmode = \"smart\"",
            ),
            "ai = { binding = \"AI\" }\n[env.staging.placement]\nmode = \"smart\"\n\n[env.staging]\nai = { binding = \"AI\" }\n",
        );
        // Dotted keys at the top level become a section; under `[env]`, a dotted key.
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "vars.A = \"1\"\nvars.B = 2\n[env]\nstaging.name = \"s\"\n",
            ),
            "vars.A = \"1\"\nvars.B = 2\n[env]\nstaging.name = \"s\"\n\n[env.staging.vars]\nA = \"1\"\nB = 2\n",
        );
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "ai = { binding = \"AI\" }\n[env]\nstaging.name = \"s\"\n[build]\ncommand = \"x\"\n",
            ),
            "ai = { binding = \"AI\" }\n[env]\nstaging.name = \"s\"\nstaging.ai = { binding = \"AI\" }\n[build]\ncommand = \"x\"\n",
        );
        // `[[durable_objects.bindings]]` sections, and an environment name that needs quotes.
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "[[durable_objects.bindings]]\nname = \"R\"\nclass_name = \"Room\"\n\n[env.\"my env\"]\nname = \"s\"\n",
            ),
            "[[durable_objects.bindings]]\nname = \"R\"\nclass_name = \"Room\"\n\n[env.\"my env\"]\nname = \"s\"\n\n[[env.\"my env\".durable_objects.bindings]]\nname = \"R\"\nclass_name = \"Room\"\n",
        );
    }

    #[test]
    fn inline_environments_take_inline_values_only() {
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "vars = { A = \"1\" }\nenv = { staging = { name = \"s\" } }\n",
            ),
            "vars = { A = \"1\" }\nenv = { staging = { name = \"s\", vars = { A = \"1\" } } }\n",
        );
        let diagnostics = assert_rule(
            "PL310",
            Format::Toml,
            "[vars]\nA = \"1\"\n[env]\nstaging = {}\n^^^^^^^ PL310\n",
        );
        assert!(diagnostics[0].fix.is_none());
    }

    #[test]
    fn fix_adds_the_missing_vars() {
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "[vars]\nA = \"1\" # one\nB = \"2\"\n\n[env.staging.vars]\nB = \"3\"\n\n[env.production]\nvars = { A = \"1\", B = \"2\" }\n",
            ),
            "[vars]\nA = \"1\" # one\nB = \"2\"\n\n[env.staging.vars]\nB = \"3\"\nA = \"1\"\n\n[env.production]\nvars = { A = \"1\", B = \"2\" }\n",
        );
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Toml,
                "vars = { A = \"1\", B = \"2\" }\n[env.staging]\nvars = {}\n",
            ),
            "vars = { A = \"1\", B = \"2\" }\n[env.staging]\nvars = { A = \"1\", B = \"2\" }\n",
        );
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Json,
                "{\n  \"vars\": { \"A\": \"1\", \"B\": \"2\" },\n  \"env\": {\n    \"staging\": {\n      \"vars\": {\n        \"B\": \"3\"\n      }\n    }\n  }\n}\n",
            ),
            "{\n  \"vars\": { \"A\": \"1\", \"B\": \"2\" },\n  \"env\": {\n    \"staging\": {\n      \"vars\": {\n        \"B\": \"3\",\n        \"A\": \"1\"\n      }\n    }\n  }\n}\n",
        );
    }

    #[test]
    fn fix_adds_the_jsonc_property_with_matching_indentation() {
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Json,
                r#"{
  "vars": {
    "API_URL": "https://api.example.com", // production
    "DEBUG": "false"
  },
  "env": {
    "staging": {
      "name": "api-staging" // the staging Worker
    }
  }
}
"#,
            ),
            r#"{
  "vars": {
    "API_URL": "https://api.example.com", // production
    "DEBUG": "false"
  },
  "env": {
    "staging": {
      "name": "api-staging", // the staging Worker
      "vars": {
        "API_URL": "https://api.example.com", // production
        "DEBUG": "false"
      }
    }
  }
}
"#
        );
        // Trailing commas kept, empty and one-line objects.
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Json,
                "{\n  \"ai\": { \"binding\": \"AI\" },\n  \"env\": {\n    \"staging\": {\n      \"name\": \"s\",\n    },\n  },\n}\n",
            ),
            "{\n  \"ai\": { \"binding\": \"AI\" },\n  \"env\": {\n    \"staging\": {\n      \"name\": \"s\",\n      \"ai\": { \"binding\": \"AI\" },\n    },\n  },\n}\n",
        );
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Json,
                "{\n  \"ai\": { \"binding\": \"AI\" },\n  \"env\": {\n    \"staging\": {}\n  }\n}\n",
            ),
            "{\n  \"ai\": { \"binding\": \"AI\" },\n  \"env\": {\n    \"staging\": {\n      \"ai\": { \"binding\": \"AI\" }\n    }\n  }\n}\n",
        );
        assert_eq!(
            apply_fix(
                "PL310",
                Format::Json,
                r#"{"ai": {"binding": "AI"}, "env": {"staging": {"name": "s"}}}"#,
            ),
            r#"{"ai": {"binding": "AI"}, "env": {"staging": {"name": "s", "ai": {"binding": "AI"}}}}"#,
        );
    }

    #[test]
    fn fixing_twice_changes_nothing() {
        for (format, text) in [
            (
                Format::Toml,
                "[vars]\nA = \"1\"\n[[kv_namespaces]]\nbinding = \"K\"\nid = \"1\"\n[env.a]\nname = \"a\"\n[env.b.placement]\nmode = \"smart\"\n",
            ),
            (
                Format::Json,
                "{\n  \"vars\": { \"A\": \"1\" },\n  \"kv_namespaces\": [{ \"binding\": \"K\", \"id\": \"1\" }],\n  \"env\": { \"a\": { \"name\": \"a\" }, \"b\": {} }\n}\n",
            ),
        ] {
            let path = std::path::Path::new(match format {
                Format::Toml => "wrangler.toml",
                Format::Json => "wrangler.jsonc",
            });
            let select = |rule: &crate::Rule| rule.code == "PL310";
            let once = crate::fix::fix_config(path, text, true, &select);
            assert_eq!(once.applied.len(), 4, "{}", once.text);
            assert!(
                once.remaining.iter().all(|d| d.code() != "PL310"),
                "{}",
                once.text
            );
            let twice = crate::fix::fix_config(path, &once.text, true, &select);
            assert_eq!(twice.text, once.text);
        }
    }

    #[test]
    fn a_key_swallowed_by_vars_is_not_a_var_to_copy() {
        let diagnostics = assert_rule(
            "PL310",
            Format::Toml,
            r#"[vars]
API_URL = "x"
workers_dev = false
[env.staging]
^^^^^^^^^^^^^ PL310: deploys without `API_URL`
[env.production.vars]
API_URL = "y"
"#,
        );
        assert!(
            diagnostics[0].message.ends_with("`API_URL`"),
            "{diagnostics:#?}"
        );
    }

    /// Two copies into one environment in one round: a `key = value` line and a new section
    /// added at the same place must not swallow each other (the line goes first).
    #[test]
    fn copies_applied_together_keep_their_tables() {
        let path = std::path::Path::new("wrangler.toml");
        let select = |rule: &crate::Rule| rule.code == "PL310";
        let text = "ai = { binding = \"AI\" }\nvars.A = \"1\"\n[env]\nprod.name = \"p\"\n";
        let fixed = crate::fix::fix_config(path, text, true, &select);
        assert_eq!(
            fixed.text,
            "ai = { binding = \"AI\" }\nvars.A = \"1\"\n[env]\nprod.name = \"p\"\nprod.ai = { binding = \"AI\" }\n\n[env.prod.vars]\nA = \"1\"\n"
        );
        assert_eq!(fixed.applied.len(), 2);
        // Windows line breaks are kept.
        let text = "[vars]\r\nA = \"1\"\r\n[env.s]\r\nname = \"s\"\r\n";
        let fixed = crate::fix::fix_config(path, text, true, &select);
        assert_eq!(
            fixed.text,
            "[vars]\r\nA = \"1\"\r\n[env.s]\r\nname = \"s\"\r\n\r\n[env.s.vars]\r\nA = \"1\"\r\n"
        );
        let path = std::path::Path::new("wrangler.jsonc");
        let text = "{\r\n  \"ai\": { \"binding\": \"AI\" },\r\n  \"env\": {\r\n    \"s\": {\r\n      \"name\": \"s\"\r\n    }\r\n  }\r\n}\r\n";
        let fixed = crate::fix::fix_config(path, text, true, &select);
        assert_eq!(
            fixed.text,
            "{\r\n  \"ai\": { \"binding\": \"AI\" },\r\n  \"env\": {\r\n    \"s\": {\r\n      \"name\": \"s\",\r\n      \"ai\": { \"binding\": \"AI\" }\r\n    }\r\n  }\r\n}\r\n"
        );
    }
}
