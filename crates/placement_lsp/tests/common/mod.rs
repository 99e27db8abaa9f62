//! An LSP client speaking JSON-RPC with Content-Length framing to the real server over an
//! in-memory pipe.

#![allow(dead_code)] // each test file uses its own part of the harness

use std::collections::VecDeque;
use std::path::Path;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt, DuplexStream, ReadHalf, WriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

pub const TIMEOUT: Duration = Duration::from_secs(20);

pub struct TestClient {
    outgoing: mpsc::UnboundedSender<Vec<u8>>,
    incoming: mpsc::UnboundedReceiver<Value>,
    /// Notifications read while waiting for something else.
    backlog: VecDeque<Value>,
    next_id: i64,
    pub server: JoinHandle<bool>,
}

pub fn frame(body: &[u8]) -> Vec<u8> {
    let mut message = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    message.extend_from_slice(body);
    message
}

async fn read_messages(
    mut reader: ReadHalf<DuplexStream>,
    incoming: mpsc::UnboundedSender<Value>,
    outgoing: mpsc::UnboundedSender<Vec<u8>>,
) {
    let mut buffer: Vec<u8> = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        while let Some(header_end) = find(&buffer, b"\r\n\r\n") {
            let header = String::from_utf8_lossy(&buffer[..header_end]).to_string();
            let length: usize = header
                .lines()
                .find_map(|line| line.strip_prefix("Content-Length: "))
                .and_then(|value| value.trim().parse().ok())
                .expect("a Content-Length header");
            let start = header_end + 4;
            if buffer.len() < start + length {
                break;
            }
            let message: Value =
                serde_json::from_slice(&buffer[start..start + length]).expect("JSON from server");
            buffer.drain(..start + length);
            // The client side of server-to-client requests (watcher registration).
            if message.get("method").is_some() && message.get("id").is_some() {
                let reply = json!({"jsonrpc": "2.0", "id": message["id"], "result": null});
                let _ = outgoing.send(frame(reply.to_string().as_bytes()));
            }
            if incoming.send(message).is_err() {
                return;
            }
        }
        match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
        }
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

async fn write_messages(
    mut writer: WriteHalf<DuplexStream>,
    mut outgoing: mpsc::UnboundedReceiver<Vec<u8>>,
) {
    while let Some(bytes) = outgoing.recv().await {
        if writer.write_all(&bytes).await.is_err() {
            return;
        }
    }
}

impl TestClient {
    /// Starts a server in this runtime, connected through a pipe.
    pub fn start() -> Self {
        let (client_end, server_end) = tokio::io::duplex(1 << 20);
        let (server_read, server_write) = tokio::io::split(server_end);
        let server = tokio::spawn(placement_lsp::serve(server_read, server_write));
        let (client_read, client_write) = tokio::io::split(client_end);
        let (outgoing, outgoing_rx) = mpsc::unbounded_channel();
        let (incoming_tx, incoming) = mpsc::unbounded_channel();
        tokio::spawn(write_messages(client_write, outgoing_rx));
        tokio::spawn(read_messages(client_read, incoming_tx, outgoing.clone()));
        Self {
            outgoing,
            incoming,
            backlog: VecDeque::new(),
            next_id: 1,
            server,
        }
    }

    /// Starts a server and initializes it with these client capabilities.
    pub async fn initialized(capabilities: Value, options: Value, folders: &[&Path]) -> Self {
        let mut client = Self::start();
        let folders: Vec<Value> = folders
            .iter()
            .map(|path| json!({"uri": file_uri(path), "name": path.display().to_string()}))
            .collect();
        let result = client
            .request(
                "initialize",
                json!({
                    "processId": null,
                    "capabilities": capabilities,
                    "initializationOptions": options,
                    "workspaceFolders": folders,
                }),
            )
            .await;
        // The server takes UTF-8 positions whenever the client offers them.
        let offers_utf8 = capabilities["general"]["positionEncodings"]
            .as_array()
            .is_some_and(|offered| offered.contains(&json!("utf-8")));
        let encoding = if offers_utf8 { "utf-8" } else { "utf-16" };
        assert_eq!(
            result["capabilities"]["positionEncoding"], encoding,
            "{result}"
        );
        assert_eq!(result["serverInfo"]["name"], "placement-lint");
        client.notify("initialized", json!({}));
        client
    }

    pub fn send_raw(&self, bytes: Vec<u8>) {
        self.outgoing.send(bytes).expect("server pipe open");
    }

    pub fn notify(&self, method: &str, params: Value) {
        let message = json!({"jsonrpc": "2.0", "method": method, "params": params});
        self.send_raw(frame(message.to_string().as_bytes()));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    pub async fn request_raw(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        let message = json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params});
        self.send_raw(frame(message.to_string().as_bytes()));
        loop {
            let message = self.next_message().await;
            if message.get("method").is_none() && message["id"] == json!(id) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    pub async fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params).await;
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    async fn next_message(&mut self) -> Value {
        tokio::time::timeout(TIMEOUT, self.incoming.recv())
            .await
            .expect("a message from the server in time")
            .expect("the server is running")
    }

    /// `textDocument/hover` at a line and character.
    pub async fn hover(&mut self, uri: &str, line: u64, character: u64) -> Value {
        self.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}),
        )
        .await
    }

    /// `textDocument/codeAction` over `range`, for the `diagnostics` the client shows there,
    /// asking only for the `only` kinds.
    pub async fn code_actions(
        &mut self,
        uri: &str,
        range: &Value,
        diagnostics: &[&Value],
        only: &[&str],
    ) -> Value {
        self.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": range,
                "context": {"diagnostics": diagnostics, "only": only},
            }),
        )
        .await
    }

    /// The next `publishDiagnostics` for `uri` that satisfies `accept`; earlier ones for it
    /// are discarded, others are kept.
    pub async fn diagnostics_where(&mut self, uri: &str, accept: impl Fn(&Value) -> bool) -> Value {
        let mut kept = VecDeque::new();
        let mut found = None;
        while let Some(message) = self.backlog.pop_front() {
            if found.is_none() && is_diagnostics_for(&message, uri) {
                if accept(&message["params"]) {
                    found = Some(message["params"].clone());
                }
            } else {
                kept.push_back(message);
            }
        }
        self.backlog = kept;
        if let Some(found) = found {
            return found;
        }
        loop {
            let message = self.next_message().await;
            if is_diagnostics_for(&message, uri) {
                if accept(&message["params"]) {
                    return message["params"].clone();
                }
            } else {
                self.backlog.push_back(message);
            }
        }
    }

    /// Every `publishDiagnostics` for `uri` received so far or within `wait`.
    pub async fn drain_diagnostics(&mut self, uri: &str, wait: Duration) -> Vec<Value> {
        let mut found = Vec::new();
        let mut kept = VecDeque::new();
        while let Some(message) = self.backlog.pop_front() {
            if is_diagnostics_for(&message, uri) {
                found.push(message["params"].clone());
            } else {
                kept.push_back(message);
            }
        }
        self.backlog = kept;
        while let Ok(Some(message)) = tokio::time::timeout(wait, self.incoming.recv()).await {
            if is_diagnostics_for(&message, uri) {
                found.push(message["params"].clone());
            } else {
                self.backlog.push_back(message);
            }
        }
        found
    }

    pub fn open(&self, uri: &str, language: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        );
    }

    pub fn change(&self, uri: &str, version: i32, changes: Value) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": changes}),
        );
    }

    /// `shutdown` then `exit`; returns whether the server saw a clean shutdown.
    pub async fn shutdown(mut self) -> bool {
        let response = self.request_raw("shutdown", Value::Null).await;
        assert_eq!(response["result"], Value::Null, "{response}");
        self.notify("exit", Value::Null);
        tokio::time::timeout(TIMEOUT, self.server)
            .await
            .expect("the server ends after exit")
            .expect("the server task did not panic")
    }
}

fn is_diagnostics_for(message: &Value, uri: &str) -> bool {
    message["method"] == "textDocument/publishDiagnostics" && message["params"]["uri"] == uri
}

pub fn file_uri(path: &Path) -> String {
    tower_lsp_server::ls_types::Uri::from_file_path(path)
        .expect("an absolute path")
        .as_str()
        .to_owned()
}

/// Client capabilities of a typical editor; `utf8` adds UTF-8 to the offered encodings.
pub fn capabilities(utf8: bool) -> Value {
    let encodings = if utf8 {
        json!(["utf-8", "utf-16"])
    } else {
        json!(["utf-16"])
    };
    json!({
        "general": {"positionEncodings": encodings},
        "workspace": {
            "workspaceEdit": {"documentChanges": true},
            "didChangeWatchedFiles": {"dynamicRegistration": true},
            "workspaceFolders": true,
        },
        "textDocument": {
            "publishDiagnostics": {"relatedInformation": true, "versionSupport": true},
            "codeAction": {"codeActionLiteralSupport": {"codeActionKind": {"valueSet": ["quickfix", "source.fixAll"]}}},
        },
    })
}

/// The UTF-16 or UTF-8 position of byte `offset` in `text`, computed independently of the
/// server.
pub fn position(text: &str, offset: usize, utf8: bool) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = if utf8 {
        offset - line_start
    } else {
        text[line_start..offset].encode_utf16().count()
    };
    json!({"line": line, "character": column})
}

/// Applies LSP text edits (ranges in UTF-16) to `text`, as a client would.
pub fn apply_text_edits(text: &str, edits: &[Value]) -> String {
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|edit| {
            (
                offset_of(text, &edit["range"]["start"]),
                offset_of(text, &edit["range"]["end"]),
                edit["newText"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    spans.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut out = text.to_owned();
    for (start, end, new_text) in spans {
        out.replace_range(start..end, &new_text);
    }
    out
}

/// The byte offset of a UTF-16 position.
pub fn offset_of(text: &str, position: &Value) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let mut line_start = 0;
    for _ in 0..line {
        line_start += text[line_start..]
            .find('\n')
            .map_or(text.len() - line_start, |i| i + 1);
    }
    let mut units = 0;
    for (index, ch) in text[line_start..].char_indices() {
        if units >= character || ch == '\n' {
            return line_start + index;
        }
        units += ch.len_utf16();
    }
    text.len()
}

impl TestClient {
    /// The next request the server sent to the client with this method.
    pub async fn server_request(&mut self, method: &str) -> Value {
        if let Some(index) = self
            .backlog
            .iter()
            .position(|m| m["method"] == method && m.get("id").is_some())
        {
            return self.backlog.remove(index).unwrap();
        }
        loop {
            let message = self.next_message().await;
            if message["method"] == method && message.get("id").is_some() {
                return message;
            }
            self.backlog.push_back(message);
        }
    }
}

impl TestClient {
    /// The next response with this id (responses to malformed messages have a null id).
    pub async fn response(&mut self, id: Value) -> Value {
        self.next_matching(|m| m.get("method").is_none() && m["id"] == id)
            .await
    }

    /// The next notification the server sent with this method.
    pub async fn next_notification(&mut self, method: &str) -> Value {
        self.next_matching(|m| m["method"] == method && m.get("id").is_none())
            .await
    }

    /// The first message, from the backlog or then from the server, that `is_it`; the
    /// messages read past on the way are kept in the backlog for later calls.
    async fn next_matching(&mut self, is_it: impl Fn(&Value) -> bool) -> Value {
        if let Some(index) = self.backlog.iter().position(&is_it) {
            return self.backlog.remove(index).unwrap();
        }
        loop {
            let message = self.next_message().await;
            if is_it(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }
}
