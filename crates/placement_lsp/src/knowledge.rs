//! What hover and completion say: every key wrangler knows, from the generated catalog
//! (`placement_analysis::schema`: the schema's descriptions, types, inheritance, deprecations),
//! and, for the keys and values that matter for placement, hand-written placement docs.

use placement_analysis::schema::{self, Inheritance, Key, Shape, Status, Types};
use placement_analysis::syntax::{Node, NodeKind, Table};

const PLACEMENT_DOCS: &str = "https://developers.cloudflare.com/workers/configuration/placement/";
const ASSETS_DOCS: &str = "https://developers.cloudflare.com/workers/static-assets/binding/";
const CONFIG_DOCS: &str = "https://developers.cloudflare.com/workers/wrangler/configuration/";
const PAGES_FUNCTIONS_DOCS: &str = "https://developers.cloudflare.com/pages/functions/";

/// Documentation of one config key.
pub struct KeyDoc {
    /// The table it sits in: `""` for the top level (and each environment), else `placement` or
    /// `assets`.
    pub table: &'static str,
    pub key: &'static str,
    /// What the key does for placement (markdown).
    pub summary: &'static str,
    /// The accepted values, as written in the config.
    pub values: &'static str,
    pub link: &'static str,
}

/// Documentation of one value of a key.
pub struct ValueDoc {
    pub table: &'static str,
    pub key: &'static str,
    pub value: &'static str,
    pub summary: &'static str,
}

/// `path` without a leading `env.NAME` or `previews` scope: environments and `previews` hold
/// the same keys as the top level, documented once.
pub fn scope_relative<'p, 'a>(path: &'p [&'a str]) -> &'p [&'a str] {
    match path {
        ["env", _, rest @ ..] if !rest.is_empty() => rest,
        ["previews", rest @ ..] if !rest.is_empty() => rest,
        _ => path,
    }
}

/// The `(table, key)` the placement docs use for a key path: directly in a scope (`""`), or in
/// its `placement` or `assets`.
pub fn placement_doc_key<'a>(path: &[&'a str]) -> Option<(&'a str, &'a str)> {
    match scope_relative(path) {
        [key] => Some(("", key)),
        [table, key] => Some((table, key)),
        _ => None,
    }
}

pub static KEYS: &[KeyDoc] = &[
    KeyDoc {
        table: "",
        key: "placement",
        summary: "Where the Worker runs. By default it runs in the data center closest to each \
                  request. Smart Placement (`mode = \"smart\"`) runs it near the back end it makes \
                  round trips to, when Cloudflare measures that to be faster; explicit placement \
                  (`region`, `host` or `hostname`) runs it near a back end you name. Only the \
                  `fetch` handler is placed. Inherited by environments that do not set their own.",
        values: "a table: `mode`, or one of `region` / `host` / `hostname` (optionally with \
                 `mode = \"targeted\"`)",
        link: PLACEMENT_DOCS,
    },
    KeyDoc {
        table: "",
        key: "assets",
        summary: "Static assets served with the Worker. Assets are served from the location \
                  nearest the request, except those fetched through the assets binding or sent \
                  through the Worker first (`run_worker_first`): those are served from where the \
                  Worker runs, which Smart Placement may move near the back end and far from \
                  the user.",
        values: "a table: `directory`, `binding`, `html_handling`, `not_found_handling`, \
                 `base_path`, `run_worker_first`",
        link: ASSETS_DOCS,
    },
    KeyDoc {
        table: "",
        key: "main",
        summary: "The Worker's entry module. Placement only affects a Worker with code: without \
                  `main` (an assets-only Worker) `placement` does nothing. Smart Placement only \
                  places the entry's `fetch` handler.",
        values: "a path to a JavaScript or TypeScript module, relative to the config",
        link: CONFIG_DOCS,
    },
    KeyDoc {
        table: "",
        key: "pages_build_output_dir",
        summary: "Marks a Pages project and names its build output. Pages Functions come from \
                  `functions/` (a root `_middleware` runs for every request, assets included, so \
                  with Smart Placement every asset is served near the back end); `_worker.js` in \
                  the output folder is advanced mode and replaces `functions/`.",
        values: "a folder path, relative to the config",
        link: PAGES_FUNCTIONS_DOCS,
    },
    KeyDoc {
        table: "",
        key: "env",
        summary: "Named environments (`wrangler deploy --env NAME`). An environment without its \
                  own `placement` or `assets` inherits the top-level one; wrangler validates only \
                  the environment being deployed, placement-lint checks them all.",
        values: "a table of environment names, each holding top-level keys",
        link: CONFIG_DOCS,
    },
    KeyDoc {
        table: "",
        key: "previews",
        summary: "Settings for preview deployments. `previews.placement` is validated like the \
                  top-level `placement`.",
        values: "a table of keys such as `placement`, `vars`, `limits`",
        link: CONFIG_DOCS,
    },
    KeyDoc {
        table: "",
        key: "d1_databases",
        summary: "D1 bindings. Smart Placement treats D1 like any other back end (since \
                  2025-02-13 a D1 binding no longer pins placement near the database): it helps \
                  when a request makes several round trips to it.",
        values: "an array of tables: `binding`, `database_name`, `database_id`",
        link: CONFIG_DOCS,
    },
    KeyDoc {
        table: "",
        key: "services",
        summary: "Service bindings to other Workers. The recommended split: a front-end Worker \
                  close to users calling a back-end Worker with Smart Placement through a \
                  Service Binding.",
        values: "an array of tables: `binding`, `service`, optionally `entrypoint`",
        link: CONFIG_DOCS,
    },
    KeyDoc {
        table: "placement",
        key: "mode",
        summary: "The placement strategy. `smart` lets Cloudflare move the Worker near the back \
                  end it talks to; `off` keeps it next to the user; `targeted` goes with \
                  `region`, `host` or `hostname`.",
        values: "`\"smart\"`, `\"off\"`, `\"targeted\"` (only with a target)",
        link: PLACEMENT_DOCS,
    },
    KeyDoc {
        table: "placement",
        key: "region",
        summary: "Explicit placement near a cloud region, for a back end that lives there. \
                  Needs wrangler 4.53.0 or later; excludes `host` and `hostname`.",
        values: "a cloud region id: `aws:us-east-1`, `gcp:us-east4`, `azure:westeurope`, …",
        link: PLACEMENT_DOCS,
    },
    KeyDoc {
        table: "placement",
        key: "host",
        summary: "Explicit placement found by layer-4 (TCP) probes of `host:port`, for a \
                  single-homed database or service (not an anycast or globally distributed one). \
                  Needs wrangler 4.53.0 or later; excludes `region` and `hostname`.",
        values: "`\"db.example.com:5432\"` (a host and a port)",
        link: PLACEMENT_DOCS,
    },
    KeyDoc {
        table: "placement",
        key: "hostname",
        summary: "Explicit placement found by layer-7 (HTTP) probes of a hostname, for a \
                  single-homed HTTP back end. Needs wrangler 4.53.0 or later; excludes `region` \
                  and `host`.",
        values: "`\"api.example.com\"` (no scheme, no path)",
        link: PLACEMENT_DOCS,
    },
    KeyDoc {
        table: "placement",
        key: "hint",
        summary: "Legacy: added in wrangler 3.77.0, never publicly documented, and marked \
                  removed in Cloudflare's placement reference. Nothing promises it steers Smart \
                  Placement (PL101); use `region`, `host` or `hostname` instead.",
        values: "a string, only together with `mode = \"smart\"`",
        link: PLACEMENT_DOCS,
    },
    KeyDoc {
        table: "assets",
        key: "directory",
        summary: "The folder of static assets to upload. Assets are served from the location \
                  nearest the request unless the Worker serves them.",
        values: "a folder path, relative to the config",
        link: ASSETS_DOCS,
    },
    KeyDoc {
        table: "assets",
        key: "binding",
        summary: "The name of the assets binding in the Worker (`env.ASSETS`). Assets fetched \
                  through it are served from where the Worker runs: with Smart Placement, \
                  possibly far from the user (PL202).",
        values: "a binding name such as `\"ASSETS\"`",
        link: ASSETS_DOCS,
    },
    KeyDoc {
        table: "assets",
        key: "html_handling",
        summary: "How HTML paths map to files (trailing slashes, `.html` extensions). No effect \
                  on placement.",
        values: "`\"auto-trailing-slash\"`, `\"force-trailing-slash\"`, `\"drop-trailing-slash\"`, \
                 `\"none\"`",
        link: ASSETS_DOCS,
    },
    KeyDoc {
        table: "assets",
        key: "not_found_handling",
        summary: "What a request for a missing asset gets. With `single-page-application`, \
                  navigation requests are answered from assets, not by the Worker.",
        values: "`\"single-page-application\"`, `\"404-page\"`, `\"none\"`",
        link: ASSETS_DOCS,
    },
    KeyDoc {
        table: "assets",
        key: "base_path",
        summary: "A path prefix under which the assets are served.",
        values: "a path such as `\"/static\"`",
        link: ASSETS_DOCS,
    },
    KeyDoc {
        table: "assets",
        key: "run_worker_first",
        summary: "Send requests through the Worker before assets. With Smart Placement the \
                  Worker, and every asset it serves, then runs at the placed location, near the \
                  back end rather than the user (PL203). Prefer narrow patterns such as \
                  `[\"/api/*\"]`.",
        values: "`true`, `false`, or an array of route patterns (`\"/api/*\"`, negated with `!`)",
        link: ASSETS_DOCS,
    },
];

pub static VALUES: &[ValueDoc] = &[
    ValueDoc {
        table: "placement",
        key: "mode",
        value: "smart",
        summary: "Smart Placement: Cloudflare measures request duration and may run the Worker \
                  near the back end it makes round trips to. It only considers locations where \
                  the Worker already ran, needs steady traffic, only places the `fetch` handler, \
                  and helps Workers that make two or more round trips to a single-homed back end.",
    },
    ValueDoc {
        table: "placement",
        key: "mode",
        value: "off",
        summary: "Default placement: the Worker runs in the data center closest to each request. \
                  Cannot be combined with `region`, `host` or `hostname`.",
    },
    ValueDoc {
        table: "placement",
        key: "mode",
        value: "targeted",
        summary: "Explicit placement: the Worker runs near the back end named by exactly one of \
                  `region`, `host` or `hostname`, which is then required.",
    },
    ValueDoc {
        table: "assets",
        key: "run_worker_first",
        value: "true",
        summary: "Every request goes through the Worker first, so with Smart Placement every \
                  asset is served from the placed location (PL203).",
    },
    ValueDoc {
        table: "assets",
        key: "run_worker_first",
        value: "false",
        summary: "Matching assets are served directly, from the location nearest the request; \
                  the Worker only runs for requests that match no asset.",
    },
];

pub fn key_doc(table: &str, key: &str) -> Option<&'static KeyDoc> {
    KEYS.iter().find(|doc| doc.table == table && doc.key == key)
}

pub fn value_doc(table: &str, key: &str, value: &str) -> Option<&'static ValueDoc> {
    VALUES
        .iter()
        .find(|doc| doc.table == table && doc.key == key && doc.value == value)
}

/// The markdown shown for a key.
pub fn key_markdown(doc: &KeyDoc) -> String {
    let name = if doc.table.is_empty() {
        doc.key.to_owned()
    } else {
        format!("{}.{}", doc.table, doc.key)
    };
    format!(
        "**`{name}`**\n\n{}\n\n**Accepted values:** {}\n\n[Cloudflare docs]({})",
        doc.summary, doc.values, doc.link
    )
}

/// The markdown shown for a value.
pub fn value_markdown(doc: &ValueDoc) -> String {
    let link = key_doc(doc.table, doc.key).map_or(PLACEMENT_DOCS, |key| key.link);
    format!(
        "**`{}.{} = {}`**\n\n{}\n\n[Cloudflare docs]({link})",
        doc.table,
        doc.key,
        if doc.key == "mode" {
            format!("\"{}\"", doc.value)
        } else {
            doc.value.to_owned()
        },
        doc.summary
    )
}

/// Which scope of the config a key path is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    TopLevel,
    Environment(&'a str),
    Previews,
}

/// A key of the catalog at a place in the config.
pub struct CatalogKey<'a> {
    pub key: Key,
    /// Its path within its scope, array steps as `[]`: `d1_databases[].binding`.
    pub name: String,
    pub scope: Scope<'a>,
    /// Whether it sits directly in its scope (where inheritance applies).
    pub is_scope_key: bool,
}

/// The scope of `path`, the rest of the path inside it, and the shape that rest starts from.
fn split_scope<'p, 'a>(path: &'p [&'a str]) -> Option<(Scope<'a>, &'p [&'a str], Shape)> {
    match path {
        ["env", name, rest @ ..] if !rest.is_empty() => {
            Some((Scope::Environment(name), rest, Shape::environment()))
        }
        ["previews", rest @ ..] if !rest.is_empty() => {
            Some((Scope::Previews, rest, schema::shape_at(&["previews"])?))
        }
        _ => Some((Scope::TopLevel, path, Shape::root())),
    }
}

/// One step from `shape` to its key `segment` (through an array of objects, which the syntax
/// tree's paths do not mark), extending the display name.
fn step(shape: Shape, segment: &str, name: &mut String) -> Option<Key> {
    let separator = if name.is_empty() { "" } else { "." };
    if let Some(key) = shape.key(segment) {
        name.push_str(separator);
        name.push_str(segment);
        return Some(key);
    }
    let key = shape.items()?.key(segment)?;
    name.push_str("[].");
    name.push_str(segment);
    Some(key)
}

/// The shape of the value at `segments` below `shape`, extending the display name; map
/// entries (`env.NAME`, `vars.X`) are stepped through by name.
fn walk(mut shape: Shape, segments: &[&str], name: &mut String) -> Option<Shape> {
    for segment in segments {
        shape = match step(shape, segment, name) {
            Some(key) => key.shape(),
            None => {
                let values = shape.values()?;
                name.push('.');
                name.push_str(segment);
                values
            }
        };
    }
    Some(shape)
}

/// The catalog key a path from the root ends with; `None` for unknown keys and for the user's
/// own names (`env.NAME`, `vars.X`).
pub fn catalog_key<'a>(path: &[&'a str]) -> Option<CatalogKey<'a>> {
    let (scope, rest, start) = split_scope(path)?;
    let (last, parents) = rest.split_last()?;
    let mut name = String::new();
    let shape = walk(start, parents, &mut name)?;
    let key = step(shape, last, &mut name)?;
    let is_scope_key = parents.is_empty();
    Some(CatalogKey {
        key,
        name: name.trim_start_matches('.').to_owned(),
        scope,
        is_scope_key,
    })
}

/// The object shape whose keys may be typed in the table at `path` (an array of objects
/// counts as its items).
pub fn table_shape(path: &[&str]) -> Option<Shape> {
    let (_, rest, start) = split_scope(path)?;
    walk(start, rest, &mut String::new())?.object()
}

/// The markdown for a catalog key: the placement docs when there are some, else the schema's
/// description, then wrangler's status of the key and what environments make of it.
/// `set_here`: whether the key is written at that place (hover) or about to be (completion).
pub fn catalog_key_markdown(
    found: &CatalogKey,
    root: Option<&Table>,
    text: &str,
    set_here: bool,
) -> String {
    let mut markdown = match placement_doc(found) {
        Some(doc) => key_markdown(doc),
        None => generic_key_markdown(found),
    };
    for note in status_notes(found.key) {
        markdown.push_str("\n\n");
        markdown.push_str(&note);
    }
    if let Some(note) = root.and_then(|root| inheritance_note(found, root, text, set_here)) {
        markdown.push_str("\n\n");
        markdown.push_str(&note);
    }
    markdown
}

/// The placement docs of a key directly in `placement`, `assets` or a scope.
fn placement_doc(found: &CatalogKey) -> Option<&'static KeyDoc> {
    match found.name.split_once('.') {
        None => key_doc("", &found.name),
        Some((table, key)) if !key.contains('.') => key_doc(table, key),
        Some(_) => None,
    }
}

fn generic_key_markdown(found: &CatalogKey) -> String {
    let shape = found.key.shape();
    let mut markdown = format!("**`{}`** · {}", found.name, shape.types());
    let description = found.key.description();
    if !description.is_empty() {
        markdown.push_str("\n\n");
        markdown.push_str(description);
    }
    let values = shape.enum_values();
    if !values.is_empty() {
        let listed: Vec<String> = values
            .iter()
            .map(|value| format!("`\"{value}\"`"))
            .collect();
        markdown.push_str(&format!("\n\n**Accepted values:** {}", listed.join(", ")));
    }
    if found.key.is_required_by_wrangler() {
        markdown.push_str("\n\nRequired: wrangler refuses the config without it.");
    } else if found.key.is_required() {
        markdown.push_str("\n\nRequired.");
    }
    markdown.push_str(&format!("\n\n[Cloudflare docs]({CONFIG_DOCS})"));
    markdown
}

/// What wrangler says about the key itself: removed, deprecated, experimental.
fn status_notes(key: Key) -> Vec<String> {
    let mut notes = Vec::new();
    match key.status() {
        Status::Current => {}
        Status::Deprecated {
            message,
            replacement,
        } => {
            let mut note = format!("**Deprecated.** {message}");
            if let Some(replacement) = replacement {
                note.push_str(&format!(" Use `{replacement}`."));
            }
            notes.push(note);
        }
        Status::Removed { message } => {
            notes.push(format!(
                "**Removed:** wrangler refuses the config. {message}"
            ));
        }
    }
    if key.is_experimental() {
        notes.push("**Experimental:** wrangler warns that it may change or break.".to_owned());
    }
    if key.is_validation_only() {
        notes.push("Accepted by wrangler's validation but not in its config schema.".to_owned());
    }
    notes
}

/// What environments make of a key set in a scope: inherited from the top level or not, and
/// the top-level value an environment overrides or lacks.
fn inheritance_note(
    found: &CatalogKey,
    root: &Table,
    text: &str,
    set_here: bool,
) -> Option<String> {
    if !found.is_scope_key {
        return None;
    }
    let name = found.name.as_str();
    let top_level = root
        .get(name)
        .map(|entry| value_preview(&entry.value, text));
    let environments: Vec<(&str, &Table)> = root
        .get_table("env")
        .map(|envs| {
            envs.entries()
                .iter()
                .filter_map(|entry| Some((entry.key.as_str(), entry.value.as_table()?)))
                .collect()
        })
        .unwrap_or_default();
    let without = |list: &[(&str, &Table)]| -> Vec<String> {
        list.iter()
            .filter(|(_, table)| table.get(name).is_none())
            .map(|(env, _)| format!("`{env}`"))
            .collect()
    };
    match (found.scope, found.key.inheritance()) {
        (Scope::Environment(env), Inheritance::Inherited) => Some(match (top_level, set_here) {
            (Some(value), true) => format!(
                "Inherited by environments that do not set it; `env.{env}` sets its own, \
                 overriding the top level's `{name} = {value}`."
            ),
            (Some(value), false) => format!(
                "Not set in `env.{env}`, which inherits the top level's `{name} = {value}`."
            ),
            (None, _) => "Inherited by environments that do not set it (the top level does not \
                          set it)."
                .to_owned(),
        }),
        (Scope::Environment(env), Inheritance::NotInherited) => Some(format!(
            "**Not inherited:** each environment must set its own; the top level's `{name}` \
             does not apply to `env.{env}`."
        )),
        (Scope::Environment(_), Inheritance::TopLevelOnly) => Some(
            "Only valid at the top level: wrangler does not expect it inside an environment."
                .to_owned(),
        ),
        (Scope::TopLevel, Inheritance::Inherited) => {
            let inheriting = without(&environments);
            Some(if inheriting.is_empty() {
                "Inherited by environments that do not set their own.".to_owned()
            } else {
                format!(
                    "Inherited by environments that do not set their own: here {}.",
                    inheriting.join(", ")
                )
            })
        }
        (Scope::TopLevel, Inheritance::NotInherited) => {
            let lacking = without(&environments);
            Some(if lacking.is_empty() {
                "**Not inherited:** each environment must repeat it.".to_owned()
            } else {
                format!(
                    "**Not inherited:** each environment must repeat it; {} will lack it.",
                    lacking.join(", ")
                )
            })
        }
        _ => None,
    }
}

/// The hover of an environment's name: what it takes from the top level and what it lacks.
pub fn environment_markdown(root: &Table, env: &str, text: &str) -> String {
    let mut markdown = format!(
        "**`env.{env}`**\n\nA named environment (`wrangler deploy --env {env}`), deployed as \
         its own Worker."
    );
    let Some(table) = root.get_table("env").and_then(|envs| envs.get_table(env)) else {
        return markdown;
    };
    let mut inherited = Vec::new();
    let mut lacking = Vec::new();
    for entry in root.entries() {
        if table.get(&entry.key).is_some() {
            continue;
        }
        match Shape::root().key(&entry.key).map(Key::inheritance) {
            Some(Inheritance::Inherited) => inherited.push(format!(
                "- `{} = {}`",
                entry.key,
                value_preview(&entry.value, text)
            )),
            Some(Inheritance::NotInherited) => lacking.push(format!("`{}`", entry.key)),
            _ => {}
        }
    }
    if !inherited.is_empty() {
        markdown.push_str("\n\n**Inherited from the top level:**\n");
        markdown.push_str(&inherited.join("\n"));
    }
    if !lacking.is_empty() {
        markdown.push_str(&format!(
            "\n\n**Not inherited, and not set here:** {}",
            lacking.join(", ")
        ));
    }
    markdown.push_str(
        "\n\n[Cloudflare docs](https://developers.cloudflare.com/workers/wrangler/environments/)",
    );
    markdown
}

/// A value as shown in a hover: scalars and short inline values as written, else a summary.
pub fn value_preview(node: &Node, text: &str) -> String {
    const LIMIT: usize = 60;
    let written = text
        .get(node.span.start..node.span.end)
        .filter(|written| written.len() <= LIMIT && !written.contains('\n'));
    match &node.kind {
        NodeKind::Table(table) => {
            let keys: Vec<String> = table
                .entries()
                .iter()
                .take(4)
                .map(|entry| entry.key.clone())
                .collect();
            let more = if table.entries().len() > 4 {
                ", …"
            } else {
                ""
            };
            format!("{{ {}{more} }}", keys.join(", "))
        }
        NodeKind::Array(items) => match written {
            Some(written) if written.starts_with('[') => written.to_owned(),
            _ => format!("[…{} items]", items.len()),
        },
        _ => written.map_or_else(|| node.describe(), str::to_owned),
    }
}

/// The short type of a catalog key, for completion details.
pub fn type_detail(key: Key) -> String {
    let types = key.shape().types();
    let items = key.shape().items().filter(|items| !items.types().is_any());
    if let Some(items) = items.filter(|_| !types.contains(Types::OBJECT)) {
        if items.keys().len() > 0 {
            return "array of tables".to_owned();
        }
        return format!("array of {}", items.types());
    }
    if types.contains(Types::OBJECT) && key.shape().keys().len() > 0 {
        return "table".to_owned();
    }
    types.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use placement_analysis::catalog;
    use placement_analysis::syntax::{self, Format};

    #[test]
    fn catalog_keys_at_every_depth() {
        let found = catalog_key(&["env", "staging", "d1_databases", "binding"]).unwrap();
        assert_eq!(found.name, "d1_databases[].binding");
        assert_eq!(found.scope, Scope::Environment("staging"));
        assert!(!found.is_scope_key);
        let found = catalog_key(&["observability", "logs", "enabled"]).unwrap();
        assert_eq!(found.name, "observability.logs.enabled");
        assert!(catalog_key(&["vars", "API"]).is_none());
        assert!(catalog_key(&["env", "staging"]).is_none());
        assert!(catalog_key(&["build", "nope"]).is_none());
        let build = table_shape(&["env", "staging", "build"]).unwrap();
        assert!(build.key("command").is_some());
        assert!(
            table_shape(&["d1_databases"])
                .unwrap()
                .key("database_id")
                .is_some()
        );
    }

    #[test]
    fn inherited_values_are_shown() {
        let text = "main = \"src/a.ts\"\nvars = { A = \"1\" }\n[env.staging]\nname = \"s\"\n";
        let parsed = syntax::parse(text, Format::Toml);
        let markdown = environment_markdown(&parsed.root, "staging", text);
        assert!(markdown.contains("- `main = \"src/a.ts\"`"), "{markdown}");
        assert!(markdown.contains("not set here:** `vars`"), "{markdown}");
        let main = catalog_key(&["main"]).unwrap();
        let markdown = catalog_key_markdown(&main, Some(&parsed.root), text, true);
        assert!(markdown.contains("here `staging`"), "{markdown}");
    }

    #[test]
    fn every_placement_and_assets_key_is_documented() {
        for key in catalog::PLACEMENT_KEYS {
            assert!(key_doc("placement", key).is_some(), "placement.{key}");
        }
        let assets = placement_analysis::schema::shape_at(&["assets"])
            .and_then(placement_analysis::schema::Shape::object)
            .unwrap();
        for key in assets.keys().filter(|key| !key.is_validation_only()) {
            assert!(
                key_doc("assets", key.name()).is_some(),
                "assets.{}",
                key.name()
            );
        }
        for mode in catalog::PLACEMENT_MODES {
            assert!(value_doc("placement", "mode", mode).is_some(), "{mode}");
        }
        for doc in KEYS.iter().filter(|doc| doc.table.is_empty()) {
            assert!(
                placement_analysis::schema::Shape::root().has_schema_key(doc.key),
                "{}",
                doc.key
            );
        }
    }
}
