//! Edit-to-diagnostics latency and memory of the real `placement-lint server`, driven over
//! stdio like an editor would: one `didChange` (a one-character edit) at a time, timed until
//! the `publishDiagnostics` for that version arrives.
//!
//! cargo build --release -p placement_cli && \
//!   cargo run --release -p placement_lsp --example lsp_bench [-- path/to/placement-lint] [--only TEXT]
//!
//! `--only TEXT` runs only the cases whose label contains TEXT (`typical` includes the memory
//! measurement).

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

struct Server {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
}

impl Server {
    fn start(binary: &Path) -> Self {
        let mut child = Command::new(binary)
            .arg("server")
            .env("PLACEMENT_LINT_LOG", "warn")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|error| panic!("cannot run {}: {error}", binary.display()));
        let stdin = child.stdin.take().unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        let mut server = Self {
            child,
            stdin,
            stdout,
            next_id: 1,
        };
        let capabilities = json!({"general": {"positionEncodings": ["utf-16"]}});
        server.request(
            "initialize",
            json!({"processId": null, "capabilities": capabilities}),
        );
        server.notify("initialized", json!({}));
        server
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        self.stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.read();
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
        }
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.stdout.read_line(&mut line).unwrap() > 0,
                "server ended"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn wait_for_version(&mut self, uri: &str, version: i32) -> usize {
        loop {
            let message = self.read();
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["uri"] == uri
                && message["params"]["version"] == version
            {
                return message["params"]["diagnostics"]
                    .as_array()
                    .map_or(0, Vec::len);
            }
        }
    }

    /// Resident memory of the server process, from /proc.
    fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or(0)
    }

    /// CPU time (user and system) the server process has used so far, from /proc: unlike the
    /// latency, it does not grow when other work on the machine delays the server.
    fn cpu_time(&self) -> Duration {
        let stat =
            std::fs::read_to_string(format!("/proc/{}/stat", self.child.id())).unwrap_or_default();
        // The fields after the command name (in parentheses, which may hold spaces).
        let fields: Vec<&str> = stat
            .rsplit_once(')')
            .map_or("", |(_, rest)| rest)
            .split_whitespace()
            .collect();
        let ticks = |index: usize| -> u64 {
            fields
                .get(index)
                .and_then(|value| value.parse().ok())
                .unwrap_or(0)
        };
        // utime and stime are fields 14 and 15 of the line, counted in USER_HZ (100 on Linux).
        Duration::from_millis((ticks(11) + ticks(12)) * 10)
    }

    fn stop(mut self) {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let _ = self.child.wait();
    }
}

/// A document open in the server, edited by inserting and removing one character in the
/// `name` value on line `line` at `character`.
struct Edited {
    uri: String,
    version: i32,
    line: u32,
    character: u32,
}

impl Edited {
    fn open(server: &mut Server, path: &Path, text: &str) -> Self {
        let uri = format!("file://{}", path.display());
        server.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": "toml", "version": 0, "text": text}}),
        );
        server.wait_for_version(&uri, 0);
        let (line, column) = text
            .lines()
            .enumerate()
            .find_map(|(i, l)| l.strip_prefix("name = \"").map(|_| (i, 8)))
            .expect("a name line");
        Self {
            uri,
            version: 0,
            line: line as u32,
            character: column,
        }
    }

    /// Sends the next edit; returns its version.
    fn edit(&mut self, server: &mut Server) -> i32 {
        self.version += 1;
        let at = json!({"line": self.line, "character": self.character});
        let change = if self.version % 2 == 1 {
            json!({"range": {"start": at, "end": at}, "text": "x"})
        } else {
            let end = json!({"line": self.line, "character": self.character + 1});
            json!({"range": {"start": at, "end": end}, "text": ""})
        };
        server.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": self.uri, "version": self.version}, "contentChanges": [change]}),
        );
        self.version
    }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let index = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[index]
}

/// The latency of `edits` edits (p50, p95), the diagnostics of the last one, and the server's
/// CPU time per edit.
fn latency(
    server: &mut Server,
    document: &mut Edited,
    edits: usize,
) -> (Duration, Duration, usize, Duration) {
    let mut samples = Vec::with_capacity(edits);
    let mut diagnostics = 0;
    let cpu_before = server.cpu_time();
    for _ in 0..edits {
        let started = Instant::now();
        let version = document.edit(server);
        diagnostics = server.wait_for_version(&document.uri, version);
        samples.push(started.elapsed());
    }
    let cpu_per_edit = (server.cpu_time().saturating_sub(cpu_before)) / edits as u32;
    samples.sort();
    (
        percentile(&samples, 0.5),
        percentile(&samples, 0.95),
        diagnostics,
        cpu_per_edit,
    )
}

const DATABASE_ID: &str = "00000000-0000-0000-0000-000000000000";

const TYPICAL: &str = r#"name = "api"
main = "src/index.js"
compatibility_date = "2025-06-01"
compatibility_flags = ["nodejs_compat"]
workers_dev = true

[placement]
mode = "smart"
hint = "wnam"

[assets]
directory = "public"
binding = "ASSETS"
run_worker_first = ["/api/*"]

[[d1_databases]]
binding = "DB"
database_name = "app"
database_id = "00000000-0000-0000-0000-000000000000"

[vars]
API_ORIGIN = "https://api.example.com"

[env.staging]
name = "api-staging"
vars = { API_ORIGIN = "https://staging.example.com" }

[env.staging.placement]
mode = "smart"

[env.eu]
name = "api-eu"
placement = { region = "aws:eu-central-1" }
"#;

fn main() {
    let mut binary = None;
    let mut only = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--only" {
            only = Some(args.next().expect("--only needs a label's text"));
        } else {
            binary = Some(PathBuf::from(arg));
        }
    }
    let binary = binary.unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/release/placement-lint")
    });
    let selected = |label: &str| only.as_deref().is_none_or(|only| label.contains(only));
    let dir = std::env::temp_dir().join(format!("placement-lsp-bench-{}", std::process::id()));
    let entry = "export default { async fetch(request, env) { return new Response(\"ok\"); } };\n";
    let write_project = |name: &str, text: &str| -> PathBuf {
        std::fs::create_dir_all(dir.join(name).join("src")).unwrap();
        std::fs::write(dir.join(name).join("src/index.js"), entry).unwrap();
        let path = dir.join(name).join("wrangler.toml");
        std::fs::write(&path, text).unwrap();
        path
    };
    let typical_path = write_project("typical", TYPICAL);
    // Two shapes of a 1 MB config: a long [vars] table, and thousands of environments.
    let mut many_vars = TYPICAL.to_owned();
    let vars_at = many_vars.find("[vars]\n").unwrap() + "[vars]\n".len();
    let mut vars = String::new();
    let mut i = 0;
    while many_vars.len() + vars.len() < 1024 * 1024 {
        vars.push_str(&format!(
            "VAR_{i} = \"https://{i}.example.com/some/path\"\n"
        ));
        i += 1;
    }
    many_vars.insert_str(vars_at, &vars);
    let vars_path = write_project("vars", &many_vars);
    let mut many_envs = TYPICAL.to_owned();
    let mut i = 0;
    while many_envs.len() < 1024 * 1024 {
        many_envs.push_str(&format!(
            "[env.e{i}]\nname = \"api-{i}\"\nvars = {{ ORIGIN = \"https://{i}.example.com\" }}\n\n"
        ));
        i += 1;
    }
    let envs_path = write_project("envs", &many_envs);
    // The same number of environments, each complete (its own vars and D1 binding, as
    // environments do not inherit them): a few diagnostics, so the analysis is what is timed,
    // not publishing the two diagnostics per environment of the config above.
    let mut complete_envs = TYPICAL.to_owned();
    for i in 0..10_000 {
        complete_envs.push_str(&format!(
            "[env.e{i}]\nname = \"api-{i}\"\nvars = {{ API_ORIGIN = \"https://{i}.example.com\" }}\n\
             d1_databases = [{{ binding = \"DB\", database_name = \"app\", database_id = \"{DATABASE_ID}\" }}]\n\n"
        ));
    }
    let complete_path = write_project("complete", &complete_envs);
    // Issue 12's worst case: 1 MB of 10,000 `[env.*]` sections of about 100 bytes, with nothing
    // at the top level an environment must repeat, so no diagnostics: the analysis is timed.
    let mut sections = String::from(
        "name = \"api\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-06-01\"\n\n",
    );
    for i in 0..10_000 {
        sections.push_str(&format!(
            "[env.e{i}]\nname = \"api-{i}\"\nroute = \"e{i}.example.com/*\"\nworkers_dev = false\n\
             vars = {{ ORIGIN = \"{i}.example.com\" }}\n"
        ));
    }
    let sections_path = write_project("sections", &sections);

    let mut server = Server::start(&binary);
    println!("placement-lint server: {}", binary.display());

    let mut typical = Edited::open(&mut server, &typical_path, TYPICAL);
    latency(&mut server, &mut typical, 50); // warm-up
    let typical_selected = selected("typical config");
    if typical_selected {
        let (p50, p95, count, cpu) = latency(&mut server, &mut typical, 1000);
        println!(
            "typical config ({} bytes, {count} diagnostics): edit to diagnostics p50 {:.2} ms, p95 {:.2} ms, server CPU {:.2} ms per edit (1000 edits)",
            TYPICAL.len(),
            p50.as_secs_f64() * 1e3,
            p95.as_secs_f64() * 1e3,
            cpu.as_secs_f64() * 1e3
        );
    }

    for (label, path, text, edits) in [
        ("1 MB config, 20k [vars] lines", &vars_path, &many_vars, 200),
        ("1 MB config, 10k environments", &envs_path, &many_envs, 20),
        (
            "1 MB config, 10k [env.*] sections (issue 12)",
            &sections_path,
            &sections,
            200,
        ),
        (
            "2 MB config, 10k complete environments",
            &complete_path,
            &complete_envs,
            100,
        ),
    ] {
        if !selected(label) {
            continue;
        }
        let mut big = Edited::open(&mut server, path, text);
        let (p50, p95, count, cpu) = latency(&mut server, &mut big, edits);
        println!(
            "{label} ({} bytes, {count} diagnostics): edit to diagnostics p50 {:.2} ms, p95 {:.2} ms, server CPU {:.1} ms per edit ({edits} edits)",
            text.len(),
            p50.as_secs_f64() * 1e3,
            p95.as_secs_f64() * 1e3,
            cpu.as_secs_f64() * 1e3
        );
    }

    if !typical_selected {
        server.stop();
        let _ = std::fs::remove_dir_all(&dir);
        return;
    }
    // Memory over 10,000 more edits (the 1 MB documents stay open).
    let before = server.rss_kib();
    for round in 0..10_000 {
        let version = typical.edit(&mut server);
        // Wait every tenth edit, so that bursts coalesce as they do while typing.
        if round % 10 == 9 {
            server.wait_for_version(&typical.uri, version);
        }
    }
    let after = server.rss_kib();
    println!(
        "memory (RSS): {:.1} MiB before, {:.1} MiB after 10,000 edits",
        before as f64 / 1024.0,
        after as f64 / 1024.0
    );
    server.stop();
    let _ = std::fs::remove_dir_all(&dir);
}
