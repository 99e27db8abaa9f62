//! Running the real `placement-lint` binary from tests.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root, where the fixtures live.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("crates/placement_cli is two levels below the root")
        .to_path_buf()
}

pub struct Output {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Output {
    /// Everything a user sees, for snapshots.
    pub fn transcript(&self) -> String {
        format!(
            "exit status: {}\n----- stdout -----\n{}----- stderr -----\n{}",
            self.status, self.stdout, self.stderr
        )
    }
}

/// Runs `placement-lint ARGS` in `cwd` without colour.
pub fn run_in(cwd: &Path, args: &[&str]) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_placement-lint"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("the binary runs");
    Output {
        status: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Runs `placement-lint ARGS` from the repository root.
pub fn run(args: &[&str]) -> Output {
    run_in(&repo_root(), args)
}

/// Copies a folder tree (fixtures) into `to`.
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Every `fixtures/rules/<rule>/<format>` folder, as a path relative to the root.
pub fn rule_fixture_dirs() -> Vec<String> {
    let root = repo_root();
    let mut dirs = Vec::new();
    for rule in std::fs::read_dir(root.join("fixtures/rules")).unwrap() {
        let rule = rule.unwrap();
        for format in std::fs::read_dir(rule.path()).unwrap() {
            let format = format.unwrap();
            if format.file_type().unwrap().is_dir() {
                dirs.push(format!(
                    "fixtures/rules/{}/{}",
                    rule.file_name().to_string_lossy(),
                    format.file_name().to_string_lossy()
                ));
            }
        }
    }
    dirs.sort();
    dirs
}

/// What `placement-lint check DIR` prints for people (no colour), checked not to panic.
pub fn human_transcript(dir: &str) -> String {
    let output = run(&["check", dir]);
    assert!(
        !output.stderr.contains("panicked"),
        "{}",
        output.transcript()
    );
    output.transcript()
}

/// The JSON output of `placement-lint check DIR`, parsed.
pub fn json_output(dir: &str) -> serde_json::Value {
    let output = run(&["check", "--output-format", "json", dir]);
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("{dir}: invalid JSON ({error}):\n{}", output.stdout))
}

/// A Worker whose fetch handler answers from one back end, as a placed Worker usually does (so
/// the placement advisor, PL209, has nothing to say about it).
#[allow(dead_code)]
pub const WORKER_WITH_ONE_BACKEND: &str = "export default {\n  async fetch(request) {\n    return fetch(\"https://api.example.com/orders\", request);\n  },\n};\n";
