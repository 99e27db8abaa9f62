//! PL001 (invalid-syntax) appears exactly where the pinned wrangler cannot read the file.
//!
//! The corpora are vendored under `tests/corpora/` with their licences: toml-test's valid and
//! invalid inputs (read as `wrangler.toml`) and JSONTestSuite's parsing inputs (read as
//! `wrangler.json` and as `wrangler.jsonc`). wrangler's verdict on each is checked in
//! (`tests/corpora/wrangler-verdicts.json`); when the pinned wrangler is installed the verdicts
//! are computed again and must match the file (`UPDATE_VERDICTS=1` rewrites it). placement-lint
//! reads every case in one `placement-lint check` run, as a user would.

#[path = "../../placement_analysis/tests/support/mod.rs"]
mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// One corpus file read as one config file name.
struct Case {
    id: String,
    file_name: &'static str,
    bytes: Vec<u8>,
}

fn files_under(dir: &Path, extension: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, extension, out);
        } else if path.extension().is_some_and(|e| e == extension) {
            out.push(path);
        }
    }
}

fn cases() -> Vec<Case> {
    let corpora = repo_root().join("tests/corpora");
    let relative = |path: &Path| {
        path.strip_prefix(&corpora)
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/")
    };
    let mut cases = Vec::new();
    let mut toml = Vec::new();
    files_under(&corpora.join("toml-test"), "toml", &mut toml);
    files_under(&corpora.join("extra"), "toml", &mut toml);
    toml.sort();
    for path in toml {
        cases.push(Case {
            id: relative(&path),
            file_name: "wrangler.toml",
            bytes: std::fs::read(&path).unwrap(),
        });
    }
    let mut json = Vec::new();
    files_under(&corpora.join("JSONTestSuite"), "json", &mut json);
    json.sort();
    for path in json {
        for file_name in ["wrangler.json", "wrangler.jsonc"] {
            cases.push(Case {
                id: format!("{} as {file_name}", relative(&path)),
                file_name,
                bytes: std::fs::read(&path).unwrap(),
            });
        }
    }
    cases
}

/// Writes each case to its own folder; returns the config paths in case order.
fn write_cases(cases: &[Case], scratch: &Path) -> Vec<PathBuf> {
    cases
        .iter()
        .enumerate()
        .map(|(index, case)| {
            let dir = scratch.join(format!("case{index}"));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(case.file_name);
            std::fs::write(&path, &case.bytes).unwrap();
            path
        })
        .collect()
}

/// Whether wrangler's error is about reading the file (a syntax error, an encoding it refuses,
/// nesting too deep for it) rather than about what the file says once read: a root that is
/// not an object fails later, in its environment lookup, and a value of the wrong type in its
/// validation.
fn is_read_error(error: &str) -> bool {
    let first = error.lines().next().unwrap_or("");
    !(first.is_empty()
        || first.starts_with("Cannot use 'in' operator")
        || first.starts_with("Processing "))
}

/// wrangler's verdicts: `id → first line of its error` ("" when it reads the file).
fn wrangler_verdicts(
    cases: &[Case],
    paths: &[PathBuf],
    scratch: &Path,
) -> BTreeMap<String, String> {
    let input: Vec<Value> = cases
        .iter()
        .zip(paths)
        .map(|(case, path)| json!({"id": case.id, "file": path, "env": null}))
        .collect();
    let input_path = scratch.join("cases.json");
    std::fs::write(&input_path, serde_json::to_vec(&input).unwrap()).unwrap();
    let output = support::node_command(scratch)
        .arg(support::wrangler_project().join("validate.mjs"))
        .arg(&input_path)
        .current_dir(support::wrangler_project())
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "validate.mjs failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&output.stdout).unwrap();
    results
        .into_iter()
        .map(|result| {
            let error = result["errors"].as_str().unwrap_or("");
            let first = error.lines().next().unwrap_or("");
            // "Processing <path> configuration:" names the scratch folder: keep what is stable.
            let first = if first.starts_with("Processing ") {
                "Processing the configuration:"
            } else {
                first
            };
            (result["id"].as_str().unwrap().to_owned(), first.to_owned())
        })
        .collect()
}

/// The config paths placement-lint reports PL001 in, from one run over every case.
fn placement_lint_pl001(paths: &[PathBuf], scratch: &Path) -> Vec<bool> {
    let mut command = Command::new(env!("CARGO_BIN_EXE_placement-lint"));
    command
        .args(["check", "--output-format", "json"])
        .args(paths.iter().map(|p| p.strip_prefix(scratch).unwrap()))
        .current_dir(scratch);
    let output = command.output().unwrap();
    let value: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|error| {
        panic!(
            "invalid JSON ({error}); stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    let mut with_pl001 = std::collections::HashSet::new();
    for diagnostic in value["diagnostics"].as_array().unwrap() {
        if diagnostic["code"] == "PL001" {
            with_pl001.insert(scratch.join(diagnostic["file"].as_str().unwrap()));
        }
    }
    paths.iter().map(|path| with_pl001.contains(path)).collect()
}

const VERDICTS: &str = "tests/corpora/wrangler-verdicts.json";

#[test]
fn pl001_exactly_where_wrangler_cannot_read_the_file() {
    let cases = cases();
    assert!(cases.len() > 930, "corpora missing: {} cases", cases.len());
    let scratch = tempfile::tempdir().unwrap();
    let paths = write_cases(&cases, scratch.path());
    let verdicts_path = repo_root().join(VERDICTS);
    let recorded: BTreeMap<String, String> = std::fs::read(&verdicts_path)
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or_default();
    let verdicts = if support::installed_wrangler("corpus_agreement").is_some() {
        let computed = wrangler_verdicts(&cases, &paths, scratch.path());
        if std::env::var("UPDATE_VERDICTS").is_ok_and(|value| value == "1") {
            let mut text = serde_json::to_string_pretty(&computed).unwrap();
            text.push('\n');
            std::fs::write(&verdicts_path, text).unwrap();
        } else {
            assert!(
                computed == recorded,
                "{VERDICTS} is out of date with the pinned wrangler; rerun with UPDATE_VERDICTS=1"
            );
        }
        computed
    } else {
        recorded
    };
    assert_eq!(
        verdicts.len(),
        cases.len(),
        "{VERDICTS} does not cover the corpora"
    );

    let ours = placement_lint_pl001(&paths, scratch.path());
    let mut disagreements = Vec::new();
    for (case, says_pl001) in cases.iter().zip(ours) {
        let error = &verdicts[&case.id];
        let wrangler_cannot_read = is_read_error(error);
        if says_pl001 != wrangler_cannot_read {
            disagreements.push(format!(
                "{}: placement-lint {} PL001; wrangler {}",
                case.id,
                if says_pl001 {
                    "reports"
                } else {
                    "does not report"
                },
                if wrangler_cannot_read {
                    format!("cannot read it ({error})")
                } else {
                    "reads it".to_owned()
                }
            ));
        }
    }
    eprintln!(
        "{} cases, {} disagreements",
        cases.len(),
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "{} of {} cases disagree:\n{}",
        disagreements.len(),
        cases.len(),
        disagreements.join("\n")
    );
}
