//! Finding the pinned wrangler (`tests/wrangler` at the repository root) for the tests that
//! compare placement-lint with wrangler's own validation and schema.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Set (to `1`) in CI: a missing wrangler install fails the test instead of skipping it.
pub const REQUIRE_ENV: &str = "PLACEMENT_LINT_REQUIRE_WRANGLER";

/// `tests/wrangler` at the repository root.
pub fn wrangler_project() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/wrangler")
        .canonicalize()
        .unwrap_or_else(|_| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/wrangler"))
}

/// The installed wrangler package, or `None` (after printing why) when it is not installed and
/// not required. Panics when it is missing but [`REQUIRE_ENV`] is set.
pub fn installed_wrangler(test: &str) -> Option<PathBuf> {
    let package = wrangler_project().join("node_modules/wrangler");
    if package.join("package.json").is_file() {
        let pinned = package_version(
            &wrangler_project().join("package.json"),
            "/dependencies/wrangler",
        );
        let installed = package_version(&package.join("package.json"), "/version");
        assert_eq!(
            installed, pinned,
            "{test}: tests/wrangler pins wrangler {pinned} but {installed} is installed; \
             run `npm install --ignore-scripts --prefix tests/wrangler`"
        );
        return Some(package);
    }
    // Not `npm ci`: the lock holds only the Linux builds of workerd (optional, unused here), so
    // `npm ci` refuses it as out of sync; `npm install` keeps the locked versions.
    let install = "npm install --ignore-scripts --no-audit --no-fund --prefix tests/wrangler";
    if std::env::var(REQUIRE_ENV).is_ok_and(|value| value == "1") {
        panic!(
            "{test}: wrangler is not installed at {} but {REQUIRE_ENV}=1; run `{install}`",
            package.display()
        );
    }
    eprintln!(
        "SKIPPED {test}: wrangler is not installed at {}; run `{install}` to enable it \
         (set {REQUIRE_ENV}=1 to make this a failure)",
        package.display()
    );
    None
}

/// A `node` command with wrangler's side effects confined to `scratch`: no user config is read
/// or written and no metrics are sent. `PLACEMENT_LINT_NODE` overrides the binary.
#[allow(dead_code)] // used by some of the test binaries that include this module
pub fn node_command(scratch: &Path) -> Command {
    let node = std::env::var("PLACEMENT_LINT_NODE").unwrap_or_else(|_| "node".to_owned());
    let mut command = Command::new(node);
    command
        .env("XDG_CONFIG_HOME", scratch)
        .env("WRANGLER_SEND_METRICS", "false")
        .env("NO_COLOR", "1")
        .env("CI", "1");
    command
}

/// Reads configs with the pinned wrangler (`validate.mjs`, one node process for all):
/// `requests` are `{ id, file, env }`, the answer one `{ id, ok, errors, warnings }` each, in
/// order. The request file and wrangler's config home go in `scratch`.
#[allow(dead_code)] // used by some of the test binaries that include this module
pub fn validate(scratch: &Path, requests: &[serde_json::Value]) -> Vec<serde_json::Value> {
    let wrangler_project = wrangler_project();
    let request_file = scratch.join("requests.json");
    std::fs::write(&request_file, serde_json::to_vec(requests).unwrap()).unwrap();
    let config_home = scratch.join("xdg");
    std::fs::create_dir_all(&config_home).unwrap();
    let output = node_command(&config_home)
        .arg(wrangler_project.join("validate.mjs"))
        .arg(&request_file)
        .current_dir(&wrangler_project)
        .stdin(Stdio::null())
        .output()
        .expect("run node (set PLACEMENT_LINT_NODE to the node binary if it is not on PATH)");
    assert!(
        output.status.success(),
        "validate.mjs failed ({}):\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<serde_json::Value> =
        serde_json::from_slice(&output.stdout).expect("validate.mjs prints a JSON array");
    assert_eq!(results.len(), requests.len(), "one result per request");
    results
}

/// A string field of a `package.json`, by JSON pointer.
fn package_version(path: &Path, pointer: &str) -> String {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
    let json: serde_json::Value = serde_json::from_str(&text)
        .unwrap_or_else(|error| panic!("{} is not JSON: {error}", path.display()));
    json.pointer(pointer)
        .and_then(serde_json::Value::as_str)
        .unwrap_or_else(|| panic!("{} has no {pointer}", path.display()))
        .to_owned()
}

/// The two config formats an agreement test writes each case in.
#[allow(dead_code)] // used by some of the test binaries that include this module
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum WrittenFormat {
    Toml,
    Jsonc,
}

#[allow(dead_code)] // used by some of the test binaries that include this module
impl WrittenFormat {
    pub fn file_name(self) -> &'static str {
        match self {
            WrittenFormat::Toml => "wrangler.toml",
            WrittenFormat::Jsonc => "wrangler.jsonc",
        }
    }
}
