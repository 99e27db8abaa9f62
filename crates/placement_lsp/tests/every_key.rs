//! Hover and completion for every key wrangler knows (the generated catalog), at every depth,
//! in TOML and JSONC, inside environments, through the real protocol connection.

mod common;

use std::path::Path;

use common::{TestClient, capabilities, file_uri, position};
use serde_json::{Value, json};

/// A server with one config written at `name` and opened.
async fn open(dir: &Path, name: &str, text: &str) -> (TestClient, String) {
    let path = dir.join(name);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, text).unwrap();
    let uri = file_uri(&path);
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir]).await;
    let language = if name.ends_with(".toml") {
        "toml"
    } else {
        "jsonc"
    };
    client.open(&uri, language, 1, text);
    // Wait for the first analysis, so requests see an open document.
    client.diagnostics_where(&uri, |_| true).await;
    (client, uri)
}

/// The hover markdown at the `nth` occurrence (0-based) of `needle`, or `None` for no hover.
async fn hover_on(
    client: &mut TestClient,
    uri: &str,
    text: &str,
    needle: &str,
    nth: usize,
) -> Option<String> {
    let offset = text
        .match_indices(needle)
        .nth(nth)
        .unwrap_or_else(|| panic!("{needle} #{nth}"))
        .0
        + 1;
    let hover = client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(text, offset, false)}),
        )
        .await;
    hover["contents"]["value"].as_str().map(str::to_owned)
}

/// The completion items where `|` is in `text_with_cursor`, after sending that text.
async fn complete_at(
    client: &mut TestClient,
    uri: &str,
    version: i32,
    text_with_cursor: &str,
) -> Vec<Value> {
    let at = text_with_cursor.find('|').expect("cursor");
    let text = text_with_cursor.replacen('|', "", 1);
    client.change(uri, version, json!([{"text": text}]));
    let result = client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position(&text, at, false)}),
        )
        .await;
    result.as_array().cloned().unwrap_or_default()
}

fn labels(items: &[Value]) -> Vec<&str> {
    items
        .iter()
        .map(|item| item["label"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn hover_documents_nested_keys_environments_and_inheritance_in_toml() {
    let dir = tempfile::tempdir().unwrap();
    let text = "name = \"app\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2025-01-01\"\n\
                vars = { API = \"x\" }\n\n[observability.logs]\nenabled = true\n\n\
                [[d1_databases]]\nbinding = \"DB\"\ndatabase_name = \"db\"\n\n\
                [env.staging]\ncompatibility_date = \"2025-06-01\"\nvars = { API = \"y\" }\n\n\
                [env.production]\nroute = \"example.com/*\"\nnmae = \"typo\"\n";
    let (mut client, uri) = open(dir.path(), "wrangler.toml", text).await;

    let binding = hover_on(&mut client, &uri, text, "binding", 0)
        .await
        .unwrap();
    assert!(
        binding.starts_with("**`d1_databases[].binding`** · string"),
        "{binding}"
    );
    assert!(
        binding.contains("The binding name used to refer to the D1 database"),
        "{binding}"
    );
    let enabled = hover_on(&mut client, &uri, text, "enabled", 0)
        .await
        .unwrap();
    assert!(
        enabled.starts_with("**`observability.logs.enabled`** · boolean"),
        "{enabled}"
    );

    // An environment key that overrides an inherited one shows the top level's value.
    let date = hover_on(&mut client, &uri, text, "compatibility_date", 1)
        .await
        .unwrap();
    assert!(
        date.contains(
            "`env.staging` sets its own, overriding the top level's \
                       `compatibility_date = \"2025-01-01\"`"
        ),
        "{date}"
    );
    // A non-inheritable key says so, at the top level (naming who lacks it) and in an env.
    let vars = hover_on(&mut client, &uri, text, "vars", 0).await.unwrap();
    assert!(
        vars.contains("**Not inherited:**") && vars.contains("`production` will lack it"),
        "{vars}"
    );
    let env_vars = hover_on(&mut client, &uri, text, "vars", 1).await.unwrap();
    assert!(
        env_vars.contains("does not apply to `env.staging`"),
        "{env_vars}"
    );
    // An environment's name lists the values it inherits and what it lacks.
    let production = hover_on(&mut client, &uri, text, "production", 0)
        .await
        .unwrap();
    assert!(
        production.contains("- `main = \"src/index.ts\"`"),
        "{production}"
    );
    assert!(
        production.contains("- `compatibility_date = \"2025-01-01\"`"),
        "{production}"
    );
    assert!(
        production.contains("not set here:** `vars`, `d1_databases`"),
        "{production}"
    );

    // No hover on an unknown key, on the user's own names, or on a value of an unknown key.
    assert_eq!(hover_on(&mut client, &uri, text, "nmae", 0).await, None);
    assert_eq!(hover_on(&mut client, &uri, text, "API", 0).await, None);
    assert_eq!(hover_on(&mut client, &uri, text, "\"typo\"", 0).await, None);
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn hover_in_jsonc_at_every_depth() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\n  // comment\n  \"name\": \"app\",\n  \"queues\": { \"producers\": [{ \"binding\": \"Q\", \"queue\": \"q\" }] },\n  \"containers\": [{ \"class_name\": \"C\", \"image\": \"./Dockerfile\", \"instances\": 2 }],\n}\n";
    let (mut client, uri) = open(dir.path(), "wrangler.jsonc", text).await;
    let queue = hover_on(&mut client, &uri, text, "\"queue\"", 0)
        .await
        .unwrap();
    assert!(
        queue.starts_with("**`queues.producers[].queue`**"),
        "{queue}"
    );
    let instances = hover_on(&mut client, &uri, text, "instances", 0)
        .await
        .unwrap();
    assert!(
        instances.contains("**Deprecated.**") && instances.contains("Use `max_instances`."),
        "{instances}"
    );
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn hover_in_an_environment_shows_what_it_inherits_in_jsonc_and_sub_headers() {
    let dir = tempfile::tempdir().unwrap();
    let text = "{\n  \"main\": \"src/index.ts\",\n  \"workers_dev\": false,\n  \"vars\": { \"API\": \"x\" },\n  \"kv_namespaces\": [{ \"binding\": \"CACHE\", \"id\": \"1\" }],\n  \"env\": {\n    \"staging\": {\n      \"workers_dev\": true,\n      \"vars\": { \"API\": \"y\" }\n    }\n  }\n}\n";
    let (mut client, uri) = open(dir.path(), "wrangler.jsonc", text).await;
    // The environment's name: the inherited values, and the non-inherited keys it lacks.
    let staging = hover_on(&mut client, &uri, text, "\"staging\"", 0)
        .await
        .unwrap();
    assert!(staging.contains("- `main = \"src/index.ts\"`"), "{staging}");
    assert!(
        staging.contains("not set here:** `kv_namespaces`") && !staging.contains("`vars`"),
        "{staging}"
    );
    // A key the environment overrides shows the top-level value; one it must repeat says so.
    let workers_dev = hover_on(&mut client, &uri, text, "\"workers_dev\"", 1)
        .await
        .unwrap();
    assert!(
        workers_dev.contains("overriding the top level's `workers_dev = false`"),
        "{workers_dev}"
    );
    let vars = hover_on(&mut client, &uri, text, "\"vars\"", 1)
        .await
        .unwrap();
    assert!(vars.contains("does not apply to `env.staging`"), "{vars}");
    assert!(client.shutdown().await);

    // An environment that exists only through `[env.NAME.sub]` headers: its name in the header.
    let text = "main = \"src/index.ts\"\nvars = { API = \"x\" }\n[env.preview.vars]\nAPI = \"y\"\n";
    let (mut client, uri) = open(dir.path(), "sub/wrangler.toml", text).await;
    let preview = hover_on(&mut client, &uri, text, "preview", 0)
        .await
        .unwrap();
    assert!(
        preview.starts_with("**`env.preview`**") && preview.contains("- `main = \"src/index.ts\"`"),
        "{preview}"
    );
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn completion_offers_the_keys_of_the_table_at_the_cursor() {
    let dir = tempfile::tempdir().unwrap();
    let (mut client, toml_uri) = open(dir.path(), "a/wrangler.toml", "name = \"app\"\n").await;

    // Inside [build]: build keys, not the ones already written.
    let items = complete_at(
        &mut client,
        &toml_uri,
        2,
        "[build]\ncommand = \"make\"\nw|\n",
    )
    .await;
    let build = labels(&items);
    assert!(
        build.contains(&"watch_dir") && build.contains(&"cwd"),
        "{build:?}"
    );
    assert!(
        !build.contains(&"command") && !build.contains(&"name"),
        "{build:?}"
    );
    let watch_dir = items
        .iter()
        .find(|item| item["label"] == "watch_dir")
        .unwrap();
    assert_eq!(watch_dir["textEdit"]["newText"], "watch_dir");
    assert!(
        watch_dir["documentation"]["value"]
            .as_str()
            .unwrap()
            .starts_with("**`build.watch_dir`**")
    );

    // Inside [env.staging]: environment keys; an inheritable one shows the value it inherits.
    let text = "main = \"src/index.ts\"\nkeep_vars = true\n[env.staging]\nname = \"s\"\n|\n";
    let items = complete_at(&mut client, &toml_uri, 3, text).await;
    let env = labels(&items);
    assert!(
        env.contains(&"main") && env.contains(&"d1_databases"),
        "{env:?}"
    );
    assert!(!env.contains(&"name") && !env.contains(&"keep_vars") && !env.contains(&"env"));
    let main = items.iter().find(|item| item["label"] == "main").unwrap();
    let docs = main["documentation"]["value"].as_str().unwrap();
    assert!(
        docs.contains(
            "Not set in `env.staging`, which inherits the top level's `main = \"src/index.ts\"`"
        ),
        "{docs}"
    );

    // Values: booleans and enums.
    let items = complete_at(&mut client, &toml_uri, 4, "[observability]\nenabled = |\n").await;
    assert_eq!(labels(&items), ["true", "false"]);
    let items = complete_at(
        &mut client,
        &toml_uri,
        5,
        "[assets]\nnot_found_handling = \"|\"\n",
    )
    .await;
    assert_eq!(
        labels(&items),
        ["single-page-application", "404-page", "none"]
    );

    // JSONC: inside a `d1_databases` entry, quoted keys, without the ones written.
    let (mut json_client, json_uri) =
        open(dir.path(), "b/wrangler.jsonc", "{ \"name\": \"app\" }\n").await;
    let text = "{\n  \"name\": \"app\",\n  \"d1_databases\": [{ \"binding\": \"DB\", | }]\n}\n";
    let items = complete_at(&mut json_client, &json_uri, 2, text).await;
    let d1 = labels(&items);
    assert!(
        d1.contains(&"database_id") && d1.contains(&"database_name"),
        "{d1:?}"
    );
    assert!(!d1.contains(&"binding"), "{d1:?}");
    let database_id = items
        .iter()
        .find(|item| item["label"] == "database_id")
        .unwrap();
    assert_eq!(database_id["textEdit"]["newText"], "\"database_id\"");
    // The user's own names get nothing: inside `vars`.
    let items = complete_at(&mut json_client, &json_uri, 3, "{ \"vars\": { | } }\n").await;
    assert!(items.is_empty(), "{items:?}");
    assert!(client.shutdown().await);
    assert!(json_client.shutdown().await);
}
