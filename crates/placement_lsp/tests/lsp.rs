//! End-to-end tests over the real service, through a JSON-RPC connection on an in-memory pipe.

mod common;

use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{TestClient, apply_text_edits, capabilities, file_uri, frame, offset_of, position};
use serde_json::{Value, json};

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// Writes a config with a Worker entry next to it (`main = "src/index.js"`, which has a fetch
/// handler), so that only the rules a test is about fire.
fn write_project(config: &Path, text: &str) {
    write(config, text);
    write(
        &config.parent().unwrap().join("src/index.js"),
        "export default { async fetch(request, env) { return fetch(\"https://api.example.com/orders\", request); } };\n",
    );
}

fn codes(params: &Value) -> Vec<String> {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

fn diagnostic<'a>(params: &'a Value, code: &str) -> &'a Value {
    params["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == code)
        .unwrap_or_else(|| panic!("no {code} in {params}"))
}

fn range(start_line: u32, start_character: u32, end_line: u32, end_character: u32) -> Value {
    json!({
        "start": {"line": start_line, "character": start_character},
        "end": {"line": end_line, "character": end_character},
    })
}

fn has_version(version: i64) -> impl Fn(&Value) -> bool {
    move |params| params["version"] == json!(version)
}

/// A server on a fresh folder that holds a project (`write_project`) whose config is open.
struct OpenConfig {
    /// Bind it (`dir: _dir`), or the folder is deleted at once.
    dir: tempfile::TempDir,
    path: PathBuf,
    uri: String,
    client: TestClient,
    /// The diagnostics published for the config's first version.
    params: Value,
}

impl OpenConfig {
    /// Writes the config at `name` (below the folder) and opens it at `version`, in a server
    /// that takes UTF-8 positions when `utf8`.
    async fn new(name: &str, text: &str, version: i32, utf8: bool) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(name);
        write_project(&path, text);
        let uri = file_uri(&path);
        let mut client =
            TestClient::initialized(capabilities(utf8), json!({}), &[dir.path()]).await;
        let language = path.extension().unwrap().to_str().unwrap();
        client.open(&uri, language, version, text);
        let params = client
            .diagnostics_where(&uri, has_version(version.into()))
            .await;
        Self {
            dir,
            path,
            uri,
            client,
            params,
        }
    }
}

#[tokio::test]
async fn positions_on_lines_with_emoji_and_accents_in_both_encodings() {
    let text = "{\n  \"main\": \"src/index.js\", \"compatibility_date\": \"2025-01-15\",\n  \"name\": \"café 😀\", \"placement\": { \"mode\": \"smart\", \"hint\": \"wnam\" }\n}\n";
    for utf8 in [false, true] {
        let OpenConfig {
            dir: _dir,
            path,
            client,
            params,
            ..
        } = OpenConfig::new("wrangler.jsonc", text, 3, utf8).await;
        let hint = diagnostic(&params, "PL101");
        let start = text.find("\"hint\"").unwrap();
        assert_eq!(
            hint["range"]["start"],
            position(text, start, utf8),
            "utf8={utf8}"
        );
        assert_eq!(hint["range"]["end"], position(text, start + 6, utf8));
        assert_eq!(hint["source"], "placement-lint");
        assert_eq!(hint["severity"], 2);
        assert!(
            hint["codeDescription"]["href"]
                .as_str()
                .unwrap()
                .ends_with("docs/rules.md#pl101")
        );
        // The fix travels with the diagnostic, in the same encoding.
        let fix = &hint["data"]["fix"];
        assert_eq!(fix["safe"], true);
        assert_eq!(hint["data"]["version"], 3);
        let expected = placement_analysis::check_config(&path, text)
            .into_iter()
            .find(|d| d.rule.code == "PL101")
            .and_then(|d| d.fix)
            .expect("PL101 has a fix");
        assert_eq!(fix["edits"].as_array().unwrap().len(), expected.edits.len());
        for (edit, expected) in fix["edits"].as_array().unwrap().iter().zip(&expected.edits) {
            assert_eq!(
                edit["range"]["start"],
                position(text, expected.span.start, utf8)
            );
            assert_eq!(
                edit["range"]["end"],
                position(text, expected.span.end, utf8)
            );
            assert_eq!(edit["newText"], expected.content.as_str());
        }
        assert!(client.shutdown().await);
    }
    // The UTF-8 and UTF-16 columns really differ on that line.
    let start = text.find("\"hint\"").unwrap();
    assert_ne!(position(text, start, true), position(text, start, false));
}

#[tokio::test]
async fn quick_fix_applies_and_the_diagnostic_goes() {
    let text = "name = \"creme\" # 😀 crème déjà vu\nmain = \"src/index.js\"\ncompatibility_date = \"2025-01-15\"\n[placement]\nmode = \"smart\"\nhint = \"wnam\" # 🙂\n";
    let OpenConfig {
        dir: _dir,
        uri,
        mut client,
        params,
        ..
    } = OpenConfig::new("wrangler.toml", text, 1, false).await;
    let hint = diagnostic(&params, "PL101").clone();
    let actions = client
        .code_actions(&uri, &hint["range"], &[&hint], &["quickfix"])
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    // Nothing over lines that do not exist: the client speaks of another text.
    let past_the_end = client
        .code_actions(&uri, &range(6, 0, 40, 0), &[&hint], &["quickfix"])
        .await;
    assert_eq!(past_the_end, Value::Null);
    let action = &actions[0];
    assert_eq!(action["kind"], "quickfix");
    assert_eq!(action["isPreferred"], true);
    let change = &action["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 1);
    let edits = change["edits"].as_array().unwrap();
    let fixed = apply_text_edits(text, edits);
    assert_eq!(
        fixed,
        "name = \"creme\" # 😀 crème déjà vu\nmain = \"src/index.js\"\ncompatibility_date = \"2025-01-15\"\n[placement]\nmode = \"smart\"\n"
    );
    // The editor applies the edit and tells the server, incrementally.
    let mut sorted = edits.clone();
    sorted.sort_by_key(|edit| std::cmp::Reverse(offset_of(text, &edit["range"]["start"])));
    let changes: Vec<Value> = sorted
        .iter()
        .map(|edit| json!({"range": edit["range"], "text": edit["newText"]}))
        .collect();
    client.change(&uri, 2, json!(changes));
    let params = client.diagnostics_where(&uri, has_version(2)).await;
    assert!(codes(&params).is_empty(), "{params}");

    // A quick fix computed for version 1 is not offered for version 2.
    let stale = client
        .code_actions(&uri, &hint["range"], &[&hint], &["quickfix"])
        .await;
    assert_eq!(stale, json!([]));
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn fix_all_applies_every_safe_fix() {
    let text = "{\n  \"main\": \"src/index.js\", \"compatibility_date\": \"2025-01-15\",\n  \"placement\": { \"mode\": \"smart\", \"hint\": \"wnam\" },\n  \"env\": { \"staging\": { \"placement\": { \"mode\": \"smart\", \"hint\": \"weur\" } } }\n}\n";
    let OpenConfig {
        dir: _dir,
        path,
        uri,
        mut client,
        params,
        ..
    } = OpenConfig::new("wrangler.json", text, 7, true).await;
    assert_eq!(codes(&params), ["PL101", "PL101"]);
    let actions = client
        .code_actions(&uri, &range(0, 0, 0, 0), &[], &["source.fixAll"])
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1);
    assert_eq!(actions[0]["kind"], "source.fixAll.placement-lint");
    let change = &actions[0]["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"]["version"], 7);
    // Positions are in UTF-8 here, and the text is ASCII, so UTF-16 arithmetic agrees.
    let fixed = apply_text_edits(text, change["edits"].as_array().unwrap());
    assert!(!fixed.contains("hint"), "{fixed}");
    let outcome = placement_analysis::fix::fix_config(&path, text, false, &|_| true);
    assert_eq!(fixed, outcome.text);
    assert!(client.shutdown().await);
}

/// A tiny deterministic generator, so that a failure replays.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, bound: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((self.0 >> 33) as usize) % bound.max(1)
    }
}

/// Byte ranges of the key strings' contents (`"key"` at the start of a line).
fn key_contents(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut line_start = 0;
    for line in text.split_inclusive('\n') {
        if let Some(rest) = line.strip_prefix("  \"")
            && let Some(end) = rest.find('"')
        {
            out.push((line_start + 3, line_start + 3 + end));
        }
        line_start += line.len();
    }
    out
}

fn char_boundary_in(text: &str, start: usize, end: usize, pick: usize) -> usize {
    let boundaries: Vec<usize> = (start..=end)
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    boundaries[pick % boundaries.len()]
}

#[tokio::test]
async fn five_hundred_incremental_edits_end_in_the_same_text() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = String::from("{\n");
    for i in 0..20 {
        text.push_str(&format!("  \"k{i:02}\": 1,\n"));
    }
    text.push_str("  \"name\": \"w\"\n}\n");
    let path = dir.path().join("wrangler.jsonc");
    write(&path, &text);
    let uri = file_uri(&path);
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir.path()]).await;
    client.open(&uri, "jsonc", 0, &text);
    let pieces = ["a", "é", "😀", "z", "_", "ß", "ñ"];
    let mut rng = Lcg(42);
    for version in 1..=500 {
        // Every tenth notification carries two changes, applied in order.
        let count = if version % 10 == 0 { 2 } else { 1 };
        let mut changes = Vec::new();
        for _ in 0..count {
            let keys = key_contents(&text);
            let (start, end) = keys[rng.next(keys.len())];
            let roll = rng.next(10);
            let (from, to, insert) = if roll < 6 {
                let at = char_boundary_in(&text, start, end, rng.next(64));
                let piece: String = (0..1 + rng.next(3))
                    .map(|_| pieces[rng.next(pieces.len())])
                    .collect();
                (at, at, piece)
            } else if roll < 9 {
                let a = char_boundary_in(&text, start, end, rng.next(64));
                let b = char_boundary_in(&text, start, end, rng.next(64));
                (a.min(b), a.max(b), String::new())
            } else {
                // Replace a whole key line: a range that spans a line break.
                let line_start = text[..start].rfind('\n').unwrap() + 1;
                let line_end = line_start + text[line_start..].find('\n').unwrap() + 1;
                (line_start, line_end, format!("  \"n{version}\": 2,\n"))
            };
            changes.push(json!({
                "range": {"start": position(&text, from, false), "end": position(&text, to, false)},
                "text": insert,
            }));
            text.replace_range(from..to, &insert);
        }
        client.change(&uri, version, json!(changes));
    }
    let params = client.diagnostics_where(&uri, has_version(500)).await;
    // The server's text is the client's: every key, with its exact range, is in the diagnostics.
    let expected = placement_analysis::check_config(&path, &text);
    let published = params["diagnostics"].as_array().unwrap();
    assert_eq!(published.len(), expected.len(), "{params}");
    assert!(expected.len() >= 20);
    for (published, expected) in published.iter().zip(&expected) {
        assert_eq!(published["code"], expected.rule.code);
        assert!(
            published["message"]
                .as_str()
                .unwrap()
                .starts_with(&expected.message)
        );
        assert_eq!(
            published["range"]["start"],
            position(&text, expected.span.start, false)
        );
        assert_eq!(
            published["range"]["end"],
            position(&text, expected.span.end, false)
        );
    }
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn stale_versions_are_never_published() {
    let dir = tempfile::tempdir().unwrap();
    // A large config (analysis takes a while) whose one unknown key names the version.
    let mut text = String::from("{\n  \"v0\": 1,\n  \"vars\": {\n");
    for i in 0..6000 {
        text.push_str(&format!(
            "    \"VARIABLE_{i}\": \"value number {i} é😀\",\n"
        ));
    }
    text.push_str("    \"LAST\": \"x\"\n  }\n}\n");
    let path = dir.path().join("wrangler.jsonc");
    write(&path, &text);
    let uri = file_uri(&path);
    let mut client =
        TestClient::initialized(capabilities(false), json!({"debounceMs": 0}), &[dir.path()]).await;
    client.open(&uri, "jsonc", 0, &text);
    let last = 40;
    for version in 1..=last {
        let range = json!({"start": {"line": 1, "character": 3}, "end": {"line": 1, "character": 3 + (version - 1).to_string().len() + 1}});
        client.change(
            &uri,
            version,
            json!([{"range": range, "text": format!("v{version}")}]),
        );
    }
    let mut published = Vec::new();
    loop {
        let batch = client
            .drain_diagnostics(&uri, Duration::from_millis(200))
            .await;
        let done = batch.iter().any(|p| p["version"] == json!(last));
        published.extend(batch);
        if done {
            break;
        }
        assert!(published.len() < 1000, "never reached version {last}");
        let waited = client
            .diagnostics_where(&uri, |p| p["version"].as_i64().is_some())
            .await;
        published.push(waited.clone());
        if waited["version"] == json!(last) {
            break;
        }
    }
    let mut previous = -1;
    for params in &published {
        let version = params["version"].as_i64().unwrap();
        assert!(version > previous, "version {version} after {previous}");
        previous = version;
        // What is published for a version is the analysis of that version's text.
        let unknown = diagnostic(params, "PL003");
        let message = unknown["message"].as_str().unwrap();
        assert!(
            message.starts_with(&format!("unknown key `v{version}`")),
            "{message}"
        );
    }
    assert_eq!(previous, i64::from(last));
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn watched_file_changes_recheck_the_project() {
    let text = "name = \"api\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-01-15\"\n[placement]\nmode = \"smart\"\n";
    let OpenConfig {
        dir,
        uri,
        mut client,
        params,
        ..
    } = OpenConfig::new("apps/api/wrangler.toml", text, 1, false).await;
    assert!(codes(&params).is_empty(), "{params}");

    // A wrangler.jsonc appears at the repository root: it now wins over the open config.
    let winner = dir.path().join("wrangler.jsonc");
    write(&winner, "{ \"name\": \"root\" }\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&winner), "type": 1}]}),
    );
    let params = client
        .diagnostics_where(&uri, |p| {
            p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
        })
        .await;
    let shadowed = diagnostic(&params, "PL002");
    let related = &shadowed["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], file_uri(&winner));
    assert!(
        shadowed["message"]
            .as_str()
            .unwrap()
            .contains("../../wrangler.jsonc")
    );

    // The app's own package.json runs wrangler with `--config wrangler.toml`: wrangler does use
    // the file, so PL002 goes; it comes back when that script does.
    let manifest = dir.path().join("apps/api/package.json");
    write(
        &manifest,
        "{ \"scripts\": { \"deploy\": \"wrangler deploy --config wrangler.toml\" } }\n",
    );
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&manifest), "type": 1}]}),
    );
    client
        .diagnostics_where(&uri, |p| {
            p["diagnostics"].as_array().is_some_and(Vec::is_empty)
        })
        .await;
    std::fs::remove_file(&manifest).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&manifest), "type": 3}]}),
    );
    let params = client
        .diagnostics_where(&uri, |p| {
            p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
        })
        .await;
    diagnostic(&params, "PL002");

    std::fs::remove_file(&winner).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&winner), "type": 3}]}),
    );
    let params = client
        .diagnostics_where(&uri, |p| {
            p["diagnostics"].as_array().is_some_and(Vec::is_empty)
        })
        .await;
    assert_eq!(params["version"], 1);
    assert!(client.shutdown().await);
}

/// The nearest settings file applies to a project, is read again when it changes, and the
/// editor's `select`/`ignore` apply on top of it.
#[tokio::test]
async fn settings_files_apply_and_are_read_again_when_they_change() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("apps/api/wrangler.toml");
    let text = "name = \"api\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-06-01\"\nnme = 1\n[placement]\nmode = \"smart\"\nhint = \"wnam\"\n[env.dev]\nnme2 = 1\n";
    write_project(&config, text);
    let settings = dir.path().join("placement-lint.toml");
    write(
        &settings,
        "ignore = [\"PL101\"]\nskip-environments = [\"dev\"]\n[rules]\nunknown-key = \"error\"\n",
    );
    let mut client = TestClient::initialized(
        capabilities(false),
        json!({"ignore": ["PL102"]}),
        &[dir.path()],
    )
    .await;
    let uri = file_uri(&config);
    client.open(&uri, "toml", 1, text);
    let params = client
        .diagnostics_where(&uri, |p| {
            p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
        })
        .await;
    // PL101 ignored by the file, PL102 by the editor; `nme2` is in the skipped environment.
    assert_eq!(codes(&params), ["PL003"], "{params}");
    assert_eq!(
        diagnostic(&params, "PL003")["severity"],
        1,
        "raised to an error"
    );
    // Fix-all leaves what the settings hide: the ignored PL101's safe fix is not offered.
    let actions = client
        .code_actions(&uri, &range(0, 0, 0, 0), &[], &["source.fixAll"])
        .await;
    assert_eq!(actions, json!([]), "{actions}");

    // The settings file changes: `[rules]` and `ignore` go; the project is checked again.
    write(&settings, "extend-select = []\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&settings), "type": 2}]}),
    );
    let params = client
        .diagnostics_where(&uri, |p| codes(p).contains(&"PL101".to_owned()))
        .await;
    let mut found = codes(&params);
    found.sort();
    assert_eq!(found, ["PL003", "PL003", "PL101"], "{params}");
    assert_eq!(
        diagnostic(&params, "PL003")["severity"],
        2,
        "back to a warning"
    );
    let actions = client
        .code_actions(&uri, &range(0, 0, 0, 0), &[], &["source.fixAll"])
        .await;
    assert_eq!(actions.as_array().map(Vec::len), Some(1), "{actions}");

    // A settings file in error is left out: the editor's selection alone applies, and the
    // error is shown in the settings file, at the key, with its did-you-mean.
    write(&settings, "extend-select = []\nselct = [\"PL1\"]\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&settings), "type": 2}]}),
    );
    let settings_uri = file_uri(&settings);
    let params = client
        .diagnostics_where(&settings_uri, |p| {
            p["diagnostics"].as_array().is_some_and(|d| !d.is_empty())
        })
        .await;
    let errors = params["diagnostics"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{params}");
    assert_eq!(errors[0]["severity"], 1, "{params}");
    assert_eq!(errors[0]["range"], range(1, 0, 1, 5), "{params}");
    let message = errors[0]["message"].as_str().unwrap();
    assert!(
        message.contains("selct") && message.contains("select"),
        "{message}"
    );
    let drained = client
        .drain_diagnostics(&uri, Duration::from_millis(300))
        .await;
    if let Some(last) = drained.last() {
        assert!(!codes(last).contains(&"PL102".to_owned()), "{last}");
    }
    // Mended, the settings file's diagnostics are cleared.
    write(&settings, "extend-select = []\n");
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": file_uri(&settings), "type": 2}]}),
    );
    client
        .diagnostics_where(&settings_uri, |p| {
            p["diagnostics"].as_array().is_some_and(|d| d.is_empty())
        })
        .await;
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn watchers_are_registered_dynamically() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir.path()]).await;
    let registration = client.server_request("client/registerCapability").await;
    let registration = &registration["params"]["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let globs: Vec<&str> = registration["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    for expected in [
        "**/functions/**",
        "**/_worker.js",
        "**/_routes.json",
        "**/package.json",
        "**/placement-lint.toml",
        "**/.placement-lint.toml",
    ] {
        assert!(globs.contains(&expected), "{globs:?}");
    }
    assert!(
        globs
            .iter()
            .any(|g| g.contains("wrangler.{toml,json,jsonc}"))
    );
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn multi_root_workspaces_and_closing() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let toml = first.path().join("wrangler.toml");
    let toml_text = "main = \"src/index.js\"\ncompatibility_date = \"2025-01-15\"\n[placement]\nmode = \"smart\"\nhint = \"x\"\n";
    write_project(&toml, toml_text);
    let json_path = second.path().join("wrangler.json");
    let json_text = "{ \"placement\": { \"mode\": \"fast\" }, \"main\": \"src/index.js\", \"compatibility_date\": \"2025-01-15\" }";
    write_project(&json_path, json_text);
    let mut client = TestClient::initialized(
        capabilities(false),
        json!({}),
        &[first.path(), second.path()],
    )
    .await;
    let (toml_uri, json_uri) = (file_uri(&toml), file_uri(&json_path));
    client.open(&toml_uri, "toml", 1, toml_text);
    client.open(&json_uri, "json", 1, json_text);
    let params = client.diagnostics_where(&toml_uri, has_version(1)).await;
    assert_eq!(codes(&params), ["PL101"]);
    let params = client.diagnostics_where(&json_uri, has_version(1)).await;
    assert_eq!(codes(&params), ["PL103"]);
    client.notify(
        "workspace/didChangeWorkspaceFolders",
        json!({"event": {"added": [], "removed": [{"uri": file_uri(second.path()), "name": "second"}]}}),
    );
    // Closing a config clears its diagnostics; the other project is untouched.
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": toml_uri}}),
    );
    let params = client
        .diagnostics_where(&toml_uri, |p| {
            p["diagnostics"].as_array().is_some_and(Vec::is_empty)
        })
        .await;
    assert!(params["version"].is_null());
    let hover = client.hover(&json_uri, 0, 4).await;
    assert!(hover_markdown(&hover).contains("`placement`"));
    assert!(client.shutdown().await);
}

async fn hover_text(client: &mut TestClient, uri: &str, text: &str, needle: &str) -> Value {
    let offset = text.find(needle).unwrap_or_else(|| panic!("{needle}")) + 1;
    client
        .request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": position(text, offset, false)}),
        )
        .await
}

/// `textDocument/completion` at `position`.
async fn completion(client: &mut TestClient, uri: &str, position: Value) -> Value {
    client
        .request(
            "textDocument/completion",
            json!({"textDocument": {"uri": uri}, "position": position}),
        )
        .await
}

/// The labels of a completion result (none for `null`).
fn labels(completions: &Value) -> Vec<String> {
    completions
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| item["label"].as_str().unwrap().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// The labels of the completions at byte `at` of `text`.
async fn completion_labels(
    client: &mut TestClient,
    uri: &str,
    text: &str,
    at: usize,
) -> Vec<String> {
    labels(&completion(client, uri, position(text, at, false)).await)
}

/// The markdown of a hover result.
fn hover_markdown(hover: &Value) -> &str {
    hover["contents"]["value"]
        .as_str()
        .unwrap_or_else(|| panic!("no markdown in {hover}"))
}

#[tokio::test]
async fn hover_and_completion_in_toml_and_jsonc() {
    let dir = tempfile::tempdir().unwrap();
    let toml = dir.path().join("a/wrangler.toml");
    let toml_text =
        "name = \"é😀\"\n[placement]\nmode = \"smart\"\n\n[assets]\nrun_worker_first = true\n";
    write(&toml, toml_text);
    let jsonc = dir.path().join("b/wrangler.jsonc");
    let jsonc_text = "{\n  // 😀\n  \"placement\": { \"mode\": \"targeted\", \"region\": \"aws:us-east-1\" },\n  \"assets\": { \"directory\": \"public\" }\n}\n";
    write(&jsonc, jsonc_text);
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir.path()]).await;
    let (toml_uri, jsonc_uri) = (file_uri(&toml), file_uri(&jsonc));
    client.open(&toml_uri, "toml", 1, toml_text);
    client.open(&jsonc_uri, "jsonc", 1, jsonc_text);

    let mode = hover_text(&mut client, &toml_uri, toml_text, "mode").await;
    let markdown = hover_markdown(&mode);
    assert_eq!(mode["contents"]["kind"], "markdown");
    assert!(
        markdown.contains("`placement.mode`") && markdown.contains("developers.cloudflare.com")
    );
    let smart = hover_text(&mut client, &toml_uri, toml_text, "\"smart\"").await;
    assert!(hover_markdown(&smart).contains("Smart Placement: Cloudflare measures"));
    let start = toml_text.find("\"smart\"").unwrap();
    assert_eq!(smart["range"]["start"], position(toml_text, start, false));
    let first = hover_text(&mut client, &toml_uri, toml_text, "run_worker_first").await;
    assert!(hover_markdown(&first).contains("`assets.run_worker_first`"));
    // Every key wrangler knows is documented now (see tests/every_key.rs).
    let name = hover_text(&mut client, &toml_uri, toml_text, "name").await;
    assert!(hover_markdown(&name).starts_with("**`name`**"));
    let targeted = hover_text(&mut client, &jsonc_uri, jsonc_text, "\"targeted\"").await;
    assert!(hover_markdown(&targeted).contains("Explicit placement"));
    let region = hover_text(&mut client, &jsonc_uri, jsonc_text, "\"region\"").await;
    assert!(hover_markdown(&region).contains("`placement.region`"));

    // Completion in TOML: a `mode` value, typed inside quotes.
    let typing = "name = \"é😀\"\n[placement]\nmode = \"sm\"\n";
    client.change(&toml_uri, 2, json!([{"text": typing}]));
    let at = typing.find("sm\"").unwrap() + 2;
    let labels = completion_labels(&mut client, &toml_uri, typing, at).await;
    assert_eq!(labels, ["off", "smart", "targeted"]);
    let result = completion(&mut client, &toml_uri, position(typing, at, false)).await;
    let smart = result
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "smart")
        .unwrap();
    assert_eq!(smart["textEdit"]["newText"], "smart");
    assert_eq!(
        smart["textEdit"]["range"]["start"],
        position(typing, at - 2, false)
    );

    // Keys inside [placement], booleans for run_worker_first.
    let typing = "[placement]\nho\n[assets]\nrun_worker_first = \n";
    client.change(&toml_uri, 3, json!([{"text": typing}]));
    let keys = completion_labels(
        &mut client,
        &toml_uri,
        typing,
        typing.find("ho").unwrap() + 2,
    )
    .await;
    assert!(
        keys.contains(&"host".to_owned()) && keys.contains(&"hostname".to_owned()),
        "{keys:?}"
    );
    let at = typing.find("= ").unwrap() + 2;
    assert_eq!(
        completion_labels(&mut client, &toml_uri, typing, at).await,
        ["true", "false"]
    );

    // Completion in JSONC: region ids and assets keys.
    let typing =
        "{\n  // 😀\n  \"placement\": { \"region\": \"aws:\" },\n  \"assets\": { \"\" }\n}\n";
    client.change(&jsonc_uri, 2, json!([{"text": typing}]));
    let at = typing.find("aws:").unwrap() + 4;
    let regions = completion_labels(&mut client, &jsonc_uri, typing, at).await;
    assert!(regions.contains(&"aws:us-east-1".to_owned()));
    assert!(regions.contains(&"gcp:us-east4".to_owned()));
    let at = typing.find("{ \"\"").unwrap() + 3;
    let keys = completion_labels(&mut client, &jsonc_uri, typing, at).await;
    assert!(keys.contains(&"run_worker_first".to_owned()) && keys.contains(&"binding".to_owned()));
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn requests_past_the_end_of_the_text_get_nothing() {
    // The end of the text is a place to type a `mode` value.
    let text = "[placement]\nmode = ";
    let OpenConfig {
        dir: _dir,
        uri,
        mut client,
        ..
    } = OpenConfig::new("wrangler.toml", text, 1, false).await;
    let modes = ["off", "smart", "targeted"];
    assert_eq!(
        labels(&completion(&mut client, &uri, json!({"line": 1, "character": 7})).await),
        modes
    );
    // A character past the end of its line means the end of the line (as the LSP says)...
    assert_eq!(
        labels(&completion(&mut client, &uri, json!({"line": 1, "character": 99})).await),
        modes
    );
    // ...but a line past the end of the text is no place: clamping it would offer the modes.
    assert_eq!(
        completion(&mut client, &uri, json!({"line": 2, "character": 0})).await,
        Value::Null
    );
    assert_eq!(
        completion(
            &mut client,
            &uri,
            json!({"line": u32::MAX, "character": u32::MAX})
        )
        .await,
        Value::Null
    );
    let mode = client.hover(&uri, 1, 1).await;
    assert!(hover_markdown(&mode).contains("`placement.mode`"), "{mode}");
    assert_eq!(client.hover(&uri, 9, 1).await, Value::Null);
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn bad_input_leaves_the_server_answering() {
    let dir = tempfile::tempdir().unwrap();
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir.path()]).await;
    // Malformed JSON, a message that is no JSON-RPC, a bad header.
    client.send_raw(frame(b"{oops"));
    client.send_raw(frame(br#"{"jsonrpc":"2.0","id":99,"params":{}}"#));
    client.send_raw(b"Content-Length: nope\r\n\r\n".to_vec());
    client.send_raw(frame(
        br#"{"jsonrpc":"2.0","id":100,"method":"textDocument/hover","params":{"bogus":1}}"#,
    ));
    // An unknown request gets "method not found"; an unknown notification is ignored.
    let unknown = client.request_raw("placement/unknown", json!({})).await;
    assert_eq!(unknown["error"]["code"], -32601);
    // Each malformed message got its JSON-RPC error, in order.
    assert_eq!(client.response(json!(null)).await["error"]["code"], -32700);
    assert_eq!(client.response(json!(99)).await["error"]["code"], -32600);
    assert_eq!(client.response(json!(null)).await["error"]["code"], -32700);
    assert_eq!(client.response(json!(100)).await["error"]["code"], -32602);
    client.notify("placement/unknownNotification", json!({"x": 1}));
    // A change to a document that was never opened, and requests about it.
    let ghost = file_uri(&dir.path().join("ghost/wrangler.toml"));
    client.change(
        &ghost,
        2,
        json!([{"range": range(0, 0, 0, 0), "text": "x"}]),
    );
    let hover = client.hover(&ghost, 0, 0).await;
    assert!(hover.is_null());

    // A huge document (20 MB), edited with positions far out of range.
    let huge_path = dir.path().join("huge/wrangler.toml");
    let mut huge = String::from("[placement]\nmode = \"smart\"\nhint = \"x\"\n[vars]\n");
    let mut i = 0;
    while huge.len() < 20 * 1024 * 1024 {
        huge.push_str(&format!("VARIABLE_{i} = \"some value é😀\"\n"));
        i += 1;
    }
    let huge_uri = file_uri(&huge_path);
    client.open(&huge_uri, "toml", 1, &huge);
    client.change(
        &huge_uri,
        2,
        json!([{"range": range(4_000_000, 9, 4_000_001, 99), "text": "# end\n"}]),
    );
    let hover = client.hover(&huge_uri, 1, 2).await;
    assert!(hover_markdown(&hover).contains("placement.mode"));
    let far = client.hover(&huge_uri, 99_999_999, 99).await;
    assert!(far.is_null());
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": huge_uri}}),
    );

    // Still a working server.
    let path = dir.path().join("ok/wrangler.toml");
    let text = "main = \"src/index.js\"\ncompatibility_date = \"2025-01-15\"\n[placement]\nmode = \"smart\"\nhint = \"x\"\n";
    write_project(&path, text);
    let uri = file_uri(&path);
    client.open(&uri, "toml", 1, text);
    let params = client.diagnostics_where(&uri, has_version(1)).await;
    assert_eq!(codes(&params), ["PL101"]);
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn diagnostics_in_project_files_follow_their_buffers() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("wrangler.toml");
    let config_text = "name = \"app\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-01-15\"\nassets = { directory = \"public\", binding = \"ASSETS\" }\n[placement]\nmode = \"smart\"\n";
    write(&config, config_text);
    let source = dir.path().join("src/index.js");
    let source_text = "// é😀\nexport default { async fetch(request, env) { return env.ASSETS.fetch(request); } };\n";
    write(&source, source_text);
    let (config_uri, source_uri) = (file_uri(&config), file_uri(&source));
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir.path()]).await;
    client.open(&config_uri, "toml", 1, config_text);
    // The Worker's source is not open: its diagnostic comes from the disk, without a version.
    let params = client
        .diagnostics_where(&source_uri, |p| {
            !p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    assert!(params["version"].is_null());
    let fetch = diagnostic(&params, "PL202");
    let call = source_text.find("env.ASSETS.fetch").unwrap();
    assert_eq!(fetch["range"]["start"], position(source_text, call, false));
    let related = &fetch["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], config_uri);

    // Opened and edited, the buffer wins over the disk: the call is gone, so is the warning.
    client.open(&source_uri, "javascript", 1, source_text);
    let params = client.diagnostics_where(&source_uri, has_version(1)).await;
    assert_eq!(codes(&params), ["PL202"]);
    let fixed =
        "// é😀\nexport default { async fetch(request, env) { return new Response(\"hi\"); } };\n";
    client.change(&source_uri, 2, json!([{"text": fixed}]));
    let params = client.diagnostics_where(&source_uri, has_version(2)).await;
    assert!(codes(&params).is_empty(), "{params}");

    // Closing both documents retires the project: every file it reported on is cleared.
    client.change(&source_uri, 3, json!([{"text": source_text}]));
    let params = client.diagnostics_where(&source_uri, has_version(3)).await;
    assert_eq!(codes(&params), ["PL202"]);
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": source_uri}}),
    );
    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": config_uri}}),
    );
    let params = client
        .diagnostics_where(&source_uri, |p| {
            p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    assert!(params["version"].is_null());
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn rule_selection_from_initialization_options_and_configuration_changes() {
    let dir = tempfile::tempdir().unwrap();
    // PL101 (a safe fix) and PL005 (another safe fix), in one JSONC config.
    let text = "{\n  \"main\": \"src/index.js\", \"compatibility_date\": \"2025-01-15\",\n  \"name\": \"a\",\n  \"name\": \"b\",\n  \"placement\": { \"mode\": \"smart\", \"hint\": \"wnam\" }\n}\n";
    let path = dir.path().join("wrangler.jsonc");
    write_project(&path, text);
    let uri = file_uri(&path);
    let options = json!({"ignore": ["placement-hint-removed"], "select": ["PL0", "PL1", "nope"]});
    let mut client = TestClient::initialized(capabilities(false), options, &[dir.path()]).await;
    // The unknown selector is reported once; the others apply.
    let warning = client.next_notification("window/showMessage").await;
    assert_eq!(warning["params"]["type"], 2, "{warning}");
    assert!(
        warning["params"]["message"]
            .as_str()
            .unwrap()
            .contains("unknown rule selector `nope`"),
        "{warning}"
    );
    client.open(&uri, "jsonc", 1, text);
    let params = client.diagnostics_where(&uri, has_version(1)).await;
    assert_eq!(codes(&params), ["PL005"]);
    // Fix all applies only the fixes of the rules reported.
    let actions = client
        .code_actions(&uri, &range(0, 0, 0, 0), &[], &["source.fixAll"])
        .await;
    let edits = actions[0]["edit"]["documentChanges"][0]["edits"]
        .as_array()
        .unwrap();
    let fixed = apply_text_edits(text, edits);
    assert!(fixed.contains("\"hint\""), "{fixed}");
    assert!(!fixed.contains("\"name\": \"a\""), "{fixed}");

    // VS Code sends the whole `placementLint` section; the projects are re-checked with it.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"placementLint": {"select": [], "ignore": ["PL005"]}}}),
    );
    let params = client
        .diagnostics_where(&uri, |params| codes(params) == ["PL101"])
        .await;
    assert_eq!(params["version"], 1);
    // A change without a selection keeps the current one.
    client.notify(
        "workspace/didChangeConfiguration",
        json!({"settings": {"other": true}}),
    );
    client.change(&uri, 2, json!([{"text": text}]));
    let params = client.diagnostics_where(&uri, has_version(2)).await;
    assert_eq!(codes(&params), ["PL101"]);
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn a_pages_function_opened_first_brings_its_projects_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("wrangler.toml");
    write(
        &config,
        "name = \"site\"\npages_build_output_dir = \"dist\"\n[placement]\nmode = \"smart\"\n",
    );
    write(&dir.path().join("dist/index.html"), "<!doctype html>\n");
    let middleware_text = "export const onRequest = (context) => context.next();\n";
    write(
        &dir.path().join("functions/_middleware.ts"),
        middleware_text,
    );
    let function = dir.path().join("functions/api/users.ts");
    let function_text =
        "export const onRequestGet = () => fetch(\"https://api.example.com/users\");\n";
    write(&function, function_text);
    let (config_uri, function_uri) = (file_uri(&config), file_uri(&function));
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir.path()]).await;
    // Only a nested Function is open: the project is found from it, upwards.
    client.open(&function_uri, "typescript", 1, function_text);
    let params = client
        .diagnostics_where(&function_uri, has_version(1))
        .await;
    assert!(codes(&params).is_empty(), "{params}");
    let params = client
        .diagnostics_where(&config_uri, |p| {
            !p["diagnostics"].as_array().unwrap().is_empty()
        })
        .await;
    assert!(params["version"].is_null(), "the config is not open");
    assert_eq!(codes(&params), ["PL201"]);
    assert!(client.shutdown().await);
}

/// PL201's quick fix creates `_routes.json` in the build output: offered as `documentChanges`
/// with a `CreateFile` to a client that can create files, and not at all to one that cannot.
/// Once the client has created the file, the warning goes.
#[tokio::test]
async fn quick_fix_creating_routes_json() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("wrangler.toml");
    let text = "name = \"site\"\ncompatibility_date = \"2025-06-01\"\npages_build_output_dir = \"dist\"\n[placement]\nmode = \"smart\"\n";
    write(&config, text);
    write(
        &dir.path().join("functions/_middleware.ts"),
        "export const onRequest = (context) => context.next();\n",
    );
    write(
        &dir.path().join("functions/api/users.ts"),
        "export const onRequest = () => fetch(\"https://db.example.com/users\");\n",
    );
    write(&dir.path().join("dist/index.html"), "<!doctype html>\n");
    write(&dir.path().join("dist/assets/app.js"), "console.log(1);\n");
    let uri = file_uri(&config);
    let routes = dir.path().join("dist/_routes.json");

    // A client without resource operations is not offered the fix.
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir.path()]).await;
    client.open(&uri, "toml", 1, text);
    let params = client.diagnostics_where(&uri, has_version(1)).await;
    let warning = diagnostic(&params, "PL201").clone();
    let actions = client
        .code_actions(&uri, &warning["range"], &[&warning], &["quickfix"])
        .await;
    assert_eq!(actions, json!([]));
    assert!(client.shutdown().await);

    let mut capabilities = capabilities(false);
    capabilities["workspace"]["workspaceEdit"]["resourceOperations"] = json!(["create"]);
    let mut client = TestClient::initialized(capabilities, json!({}), &[dir.path()]).await;
    client.open(&uri, "toml", 1, text);
    let params = client.diagnostics_where(&uri, has_version(1)).await;
    let warning = diagnostic(&params, "PL201").clone();
    let actions = client
        .code_actions(&uri, &warning["range"], &[&warning], &["quickfix"])
        .await;
    let actions = actions.as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(
        actions[0]["title"],
        "Write `_routes.json` keeping Functions off 3 static paths"
    );
    assert_eq!(actions[0]["isPreferred"], false);
    let changes = actions[0]["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 2, "{changes:?}");
    let routes_uri = file_uri(&routes);
    assert_eq!(
        changes[0],
        json!({
            "kind": "create",
            "uri": routes_uri,
            "options": {"overwrite": false, "ignoreIfExists": false},
        })
    );
    assert_eq!(changes[1]["textDocument"]["uri"], routes_uri);
    assert_eq!(changes[1]["textDocument"]["version"], Value::Null);
    let created = apply_text_edits("", changes[1]["edits"].as_array().unwrap());
    let value: Value = serde_json::from_str(&created).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["include"], json!(["/*"]));
    assert_eq!(value["exclude"], json!(["/assets/*", "/", "/index.html"]));

    // The client creates the file and says so; the warning goes.
    write(&routes, &created);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": routes_uri, "type": 1}]}),
    );
    let params = client
        .diagnostics_where(&uri, |params| {
            params["diagnostics"]
                .as_array()
                .is_some_and(|diagnostics| diagnostics.iter().all(|d| d["code"] != "PL201"))
        })
        .await;
    assert!(!codes(&params).contains(&"PL201".to_owned()), "{params}");
    assert!(client.shutdown().await);
}

/// The diagnostics a fresh server publishes for `text` opened at `version` as the config at
/// `path`, whose project is on the disk in `dir`.
async fn fresh_diagnostics(dir: &Path, path: &Path, text: &str, version: i32) -> Value {
    let uri = file_uri(path);
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir]).await;
    let language = path.extension().unwrap().to_str().unwrap();
    client.open(&uri, language, version, text);
    let params = client
        .diagnostics_where(&uri, has_version(version.into()))
        .await;
    assert!(client.shutdown().await);
    params["diagnostics"].clone()
}

/// Edits inside string values (which the server patches into its previous parse instead of
/// parsing the config again) publish what a fresh server publishes for the same text, as
/// diagnostics come and go: a date made invalid and valid again, a placement mode misspelt, a
/// route given a scheme. Then edits that leave a string (a quote, a line break) and back.
#[tokio::test]
async fn edits_inside_strings_publish_what_a_fresh_open_does() {
    let toml = "name = \"api\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-01-15\"\n\
                routes = [\"api.example.com/*\", { pattern = \"shop.example.com/*\", zone_name = \"example.com\" }]\n\
                [placement]\nmode = \"smart\"\n\n[env.staging]\nname = \"api-staging\"\nvars = { ORIGIN = \"https://staging.example.com\" }\n";
    let jsonc = "{\n  // the API\n  \"name\": \"api\",\n  \"main\": \"src/index.js\",\n  \"compatibility_date\": \"2025-01-15\",\n  \"routes\": [{ \"pattern\": \"api.example.com/*\", \"zone_name\": \"example.com\" }],\n  \"placement\": { \"mode\": \"smart\" },\n}\n";
    // (text to find, offset in it, characters deleted, text inserted): one edit each.
    let toml_edits: &[(&str, usize, usize, &str)] = &[
        ("\"api\"", 1, 0, "x"),
        ("2025-01-15", 9, 1, ""),
        ("2025-01-1\"", 9, 0, "9"),
        ("2025-01-19", 5, 2, "13"),
        ("2025-13-19", 5, 2, "02"),
        ("\"smart\"", 6, 0, "er"),
        ("\"smarter\"", 6, 2, ""),
        ("\"shop.example.com", 1, 0, "https://"),
        ("api-staging", 3, 1, "_"),
        ("staging.example.com\" }", 19, 0, "/"),
        ("\"api.example.com/*\"", 5, 0, "\u{e9}\u{1f600}"),
        ("\"xapi\"", 2, 0, "\""),
        ("\"x\"api\"", 2, 1, ""),
        ("\"xapi\"", 5, 0, "\n"),
        ("\"xapi\n\"", 5, 1, ""),
    ];
    let jsonc_edits: &[(&str, usize, usize, &str)] = &[
        ("\"api\"", 4, 0, "-v2"),
        ("2025-01-15", 8, 2, "32"),
        ("2025-01-32", 8, 2, "31"),
        ("api.example.com/*", 0, 0, "http://"),
        ("\"smart\"", 1, 5, "off"),
        ("\"off\"", 1, 3, "smart"),
        ("the API", 4, 3, "\"API\""),
    ];
    for (name, text, edits) in [
        ("wrangler.toml", toml, toml_edits),
        ("wrangler.jsonc", jsonc, jsonc_edits),
    ] {
        let OpenConfig {
            dir,
            path,
            uri,
            mut client,
            params,
        } = OpenConfig::new(name, text, 0, false).await;
        let mut text = text.to_owned();
        let mut counts = vec![params["diagnostics"].as_array().unwrap().len()];
        for (version, (needle, offset, deleted, inserted)) in (1..).zip(edits) {
            let at = text
                .find(needle)
                .unwrap_or_else(|| panic!("{needle} in {text}"))
                + offset;
            let end = at + deleted;
            client.change(
                &uri,
                version,
                json!([{
                    "range": {"start": position(&text, at, false), "end": position(&text, end, false)},
                    "text": inserted,
                }]),
            );
            text.replace_range(at..end, inserted);
            let params = client
                .diagnostics_where(&uri, has_version(version.into()))
                .await;
            assert_eq!(
                params["diagnostics"],
                fresh_diagnostics(dir.path(), &path, &text, version).await,
                "{name} after edit {version}: {text}"
            );
            counts.push(params["diagnostics"].as_array().unwrap().len());
        }
        // Diagnostics came and went along the way.
        assert!(
            counts.windows(2).any(|pair| pair[1] > pair[0])
                && counts.windows(2).any(|pair| pair[1] < pair[0]),
            "{name}: {counts:?}"
        );
        assert!(client.shutdown().await);
    }
}
