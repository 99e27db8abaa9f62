//! What hover and completion say about the keys and values that matter for placement.

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

#[cfg(test)]
mod tests {
    use super::*;
    use placement_analysis::catalog;

    #[test]
    fn every_placement_and_assets_key_is_documented() {
        for key in catalog::PLACEMENT_KEYS {
            assert!(key_doc("placement", key).is_some(), "placement.{key}");
        }
        for key in catalog::ASSETS_KEYS {
            assert!(key_doc("assets", key).is_some(), "assets.{key}");
        }
        for mode in catalog::PLACEMENT_MODES {
            assert!(value_doc("placement", "mode", mode).is_some(), "{mode}");
        }
        for doc in KEYS.iter().filter(|doc| doc.table.is_empty()) {
            assert!(catalog::TOP_LEVEL_KEYS.contains(&doc.key), "{}", doc.key);
        }
    }
}
