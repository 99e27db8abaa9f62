//! `placement-lint mcp`: the real binary driven over stdio with the Model Context Protocol
//! (newline-delimited JSON-RPC): the handshake, the tool list, each tool, and the folder the
//! server is confined to.

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use common::{copy_tree, repo_root};
use serde_json::{Value, json};

const HINT_TOML: &str = "fixtures/rules/PL101-placement-hint-removed/toml";
const CONFLICT_TOML: &str = "fixtures/rules/PL102-placement-mode-conflict/toml";

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
    next_id: u64,
}

impl Client {
    /// Starts `placement-lint mcp ROOT ARGS` and completes the handshake.
    fn start(root: &Path, args: &[&str]) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_placement-lint"))
            .arg("mcp")
            .arg(root)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the binary runs");
        let stdout: ChildStdout = child.stdout.take().unwrap();
        let (sender, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if sender.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let mut client = Client {
            child,
            stdin,
            lines,
            next_id: 1,
        };
        let initialized = client.request(
            "initialize",
            json!({
                "protocolVersion": "2025-06-18",
                "capabilities": {},
                "clientInfo": { "name": "placement-lint-test", "version": "1" }
            }),
        );
        let result = &initialized["result"];
        assert_eq!(
            result["serverInfo"]["name"], "placement-lint",
            "{initialized}"
        );
        assert_eq!(result["protocolVersion"], "2025-06-18");
        assert!(result["capabilities"]["tools"].is_object());
        client.send(json!({ "jsonrpc": "2.0", "method": "notifications/initialized" }));
        client
    }

    fn send(&mut self, message: Value) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{message}").unwrap();
        stdin.flush().unwrap();
    }

    /// Sends a request and returns the response with its id (notifications are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let line = self
                .lines
                .recv_timeout(Duration::from_secs(60))
                .expect("the server answers within a minute");
            let message: Value = serde_json::from_str(&line)
                .unwrap_or_else(|error| panic!("not JSON-RPC on stdout ({error}): {line}"));
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    fn tool_names(&mut self) -> Vec<String> {
        let listed = self.request("tools/list", json!({}));
        listed["result"]["tools"]
            .as_array()
            .unwrap()
            .iter()
            .map(|tool| tool["name"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Calls a tool; returns its result (`isError` included).
    fn call(&mut self, name: &str, arguments: Value) -> Value {
        let response = self.request(
            "tools/call",
            json!({ "name": name, "arguments": arguments }),
        );
        assert!(response["error"].is_null(), "{response}");
        response["result"].clone()
    }

    /// Closes stdin: the server ends with status 0.
    fn finish(mut self) {
        drop(self.stdin.take());
        let status = self.child.wait().unwrap();
        assert!(status.success(), "{status}");
    }
}

fn text(result: &Value) -> String {
    result["content"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|block| block["text"].as_str())
        .collect::<Vec<_>>()
        .join("\n")
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap().to_owned())
        .collect()
}

/// A folder holding two projects, to serve.
fn served_folder() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join(HINT_TOML), &dir.path().join("hint"));
    copy_tree(
        &repo_root().join(CONFLICT_TOML),
        &dir.path().join("conflict"),
    );
    dir
}

#[test]
fn read_only_tools() {
    let dir = served_folder();
    let mut client = Client::start(dir.path(), &[]);
    assert_eq!(
        client.tool_names(),
        ["check", "explain_rule", "preview_fixes"]
    );

    // check: the JSON report, paths relative to the folder served.
    let result = client.call("check", json!({}));
    assert_eq!(result["isError"], false);
    let report = &result["structuredContent"];
    assert_eq!(report["version"], 1);
    assert_eq!(codes(report), ["PL102", "PL102", "PL101", "PL101"]);
    assert_eq!(report["diagnostics"][0]["file"], "conflict/wrangler.toml");
    assert_eq!(report["diagnostics"][2]["environments"], json!(["staging"]));
    let result = client.call("check", json!({ "path": "hint", "ignore": ["PL101"] }));
    assert_eq!(codes(&result["structuredContent"]), Vec::<String>::new());

    // explain_rule: the docs, by code or name.
    let result = client.call("explain_rule", json!({ "rule": "placement-hint-removed" }));
    assert!(
        text(&result).starts_with("# PL101 (placement-hint-removed)"),
        "{result}"
    );
    assert_eq!(result["structuredContent"]["code"], "PL101");
    let result = client.call("explain_rule", json!({ "rule": "PL999" }));
    assert_eq!(result["isError"], true);

    // preview_fixes: a diff, nothing written.
    let config = dir.path().join("hint/wrangler.toml");
    let before = fs::read_to_string(&config).unwrap();
    let result = client.call("preview_fixes", json!({ "path": "hint" }));
    let diff = result["structuredContent"]["diff"].as_str().unwrap();
    assert!(
        diff.starts_with("--- hint/wrangler.toml\n+++ hint/wrangler.toml\n"),
        "{diff}"
    );
    assert!(diff.contains("-hint = \"wnam\""));
    assert_eq!(result["structuredContent"]["written"], false);
    assert!(text(&result).starts_with("Would apply 2 fix(es) in 1 file(s)"));
    assert_eq!(fs::read_to_string(&config).unwrap(), before);
    // Unsafe fixes only when asked.
    let result = client.call("preview_fixes", json!({ "path": "conflict" }));
    assert_eq!(result["structuredContent"]["diff"], "");
    let result = client.call(
        "preview_fixes",
        json!({ "path": "conflict", "unsafe": true }),
    );
    assert!(
        !result["structuredContent"]["diff"]
            .as_str()
            .unwrap()
            .is_empty()
    );

    // Writing is refused without --allow-writes.
    let result = client.call("apply_fixes", json!({ "path": "hint" }));
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("--allow-writes"));
    assert_eq!(fs::read_to_string(&config).unwrap(), before);

    // Bad arguments and unknown tools are protocol errors.
    let response = client.request(
        "tools/call",
        json!({ "name": "check", "arguments": { "path": 5 } }),
    );
    assert_eq!(response["error"]["code"], -32602, "{response}");
    let response = client.request("tools/call", json!({ "name": "nope", "arguments": {} }));
    assert!(response["error"].is_object(), "{response}");
    client.finish();
}

#[cfg(unix)]
#[test]
fn paths_outside_the_folder_are_refused() {
    let outside = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join(HINT_TOML), &outside.path().join("secret"));
    fs::write(
        outside.path().join("elsewhere.js"),
        common::WORKER_WITH_ONE_BACKEND,
    )
    .unwrap();
    let dir = served_folder();
    // A link to a folder outside, a config that is a link outside, a `main` outside.
    std::os::unix::fs::symlink(outside.path().join("secret"), dir.path().join("linked")).unwrap();
    fs::create_dir(dir.path().join("linked-config")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("secret/wrangler.toml"),
        dir.path().join("linked-config/wrangler.toml"),
    )
    .unwrap();
    let escaping_main = dir.path().join("escaping");
    fs::create_dir(&escaping_main).unwrap();
    fs::write(
        escaping_main.join("wrangler.toml"),
        format!(
            "name = \"x\"\nmain = \"{}\"\ncompatibility_date = \"2025-06-01\"\n[placement]\nmode = \"smart\"\n",
            outside.path().join("elsewhere.js").display()
        ),
    )
    .unwrap();

    let mut client = Client::start(dir.path(), &[]);
    for path in [
        "..",
        "linked",
        "linked/wrangler.toml",
        "/etc",
        "does-not-exist",
    ] {
        let result = client.call("check", json!({ "path": path }));
        assert_eq!(result["isError"], true, "{path}: {result}");
    }
    let result = client.call("check", json!({ "path": "linked-config" }));
    assert_eq!(
        result["isError"], true,
        "a config linked from outside is not read: {result}"
    );
    assert!(text(&result).contains("no wrangler.toml"));
    // The Worker outside is not read; the agent hears why (PL007).
    let result = client.call("check", json!({ "path": "escaping" }));
    let report = &result["structuredContent"];
    assert_eq!(codes(report), ["PL007"], "{report}");
    assert!(
        report["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("outside"),
        "{report}"
    );
    // A settings file may not extend one outside the folder.
    fs::write(
        dir.path().join("placement-lint.toml"),
        format!(
            "extend = \"{}\"\n",
            outside.path().join("placement-lint.toml").display()
        ),
    )
    .unwrap();
    fs::write(
        outside.path().join("placement-lint.toml"),
        "ignore = [\"PL1\"]\n",
    )
    .unwrap();
    let result = client.call("check", json!({ "path": "hint" }));
    assert_eq!(result["isError"], true);
    assert!(text(&result).contains("leads outside"), "{result}");
    client.finish();
}

#[test]
fn apply_fixes_only_with_allow_writes() {
    let dir = served_folder();
    let mut client = Client::start(dir.path(), &["--allow-writes"]);
    assert_eq!(
        client.tool_names(),
        ["check", "explain_rule", "preview_fixes", "apply_fixes"]
    );
    let result = client.call("apply_fixes", json!({ "path": "hint" }));
    assert_eq!(result["isError"], false, "{result}");
    let structured = &result["structuredContent"];
    assert_eq!(structured["written"], true);
    assert_eq!(structured["fixes"][0]["code"], "PL101");
    assert_eq!(codes(&structured["remaining"]), Vec::<String>::new());
    let fixed = fs::read_to_string(dir.path().join("hint/wrangler.toml")).unwrap();
    assert!(!fixed.contains("hint ="), "{fixed}");
    // Nothing left to fix.
    let result = client.call("apply_fixes", json!({ "path": "hint" }));
    assert_eq!(result["structuredContent"]["written"], false);
    client.finish();
}

/// A fix that writes another file (PL201's `_routes.json`): `preview_fixes` shows it as a new
/// file and writes nothing; `apply_fixes` creates it and lists it under `other_files`.
#[test]
fn fixes_that_create_files() {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(
        &repo_root().join("fixtures/projects/PL201-pages-middleware/toml"),
        &dir.path().join("site"),
    );
    let routes = dir.path().join("site/dist/_routes.json");
    let mut client = Client::start(dir.path(), &["--allow-writes"]);
    let arguments = json!({ "path": "site", "unsafe": true });
    let result = client.call("preview_fixes", arguments.clone());
    assert_eq!(result["isError"], false, "{result}");
    let structured = &result["structuredContent"];
    assert_eq!(structured["written"], false);
    assert!(
        structured["diff"]
            .as_str()
            .unwrap()
            .contains("--- /dev/null\n+++ site/dist/_routes.json"),
        "{result}"
    );
    assert_eq!(structured["other_files"][0]["kind"], "create");
    assert!(!routes.exists(), "a preview writes nothing");

    let result = client.call("apply_fixes", arguments);
    let structured = &result["structuredContent"];
    assert_eq!(structured["written"], true, "{result}");
    assert_eq!(structured["fixes"][0]["code"], "PL201");
    assert_eq!(
        structured["other_files"][0]["file"],
        "site/dist/_routes.json"
    );
    assert!(!codes(&structured["remaining"]).contains(&"PL201".to_owned()));
    let written: Value = serde_json::from_str(&fs::read_to_string(&routes).unwrap()).unwrap();
    assert_eq!(written["exclude"], json!(["/", "/index.html"]));
    client.finish();
}
