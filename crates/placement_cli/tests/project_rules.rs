//! What the user sees for each sample project of the project-aware rules (PL200-PL208):
//! `fixtures/projects/<scenario>/<format>`, in the human output and in JSON.

mod common;

use std::collections::BTreeSet;

use common::{human_transcript, json_output, repo_root, run};

/// The project rule codes each scenario must produce (the same for TOML and JSONC).
const EXPECTED: &[(&str, &[&str])] = &[
    ("PL200-source-parse-error", &["PL200"]),
    ("PL201-nested-middleware-only", &[]),
    ("PL201-pages-middleware", &["PL201"]),
    ("PL201-routes-json-limits-functions", &[]),
    ("PL202-assets-fetch-custom-binding", &["PL202"]),
    ("PL202-binding-in-comment-or-string", &[]),
    ("PL203-narrow-patterns", &[]),
    ("PL203-run-worker-first", &["PL203"]),
    ("PL204-class-entrypoint", &["PL204"]),
    ("PL204-re-exported-default", &["PL204"]),
    ("PL204-service-worker", &[]),
    ("PL205-placement-without-main", &["PL205"]),
    ("PL206-workspace-or-latest-range", &[]),
    ("PL206-wrangler-too-old", &["PL206"]),
    ("PL207-analytics-blocks-response", &["PL207"]),
    ("PL207-wait-until", &[]),
    ("PL208-pages-without-functions", &["PL208"]),
    ("environments", &["PL202"]),
    ("pages-advanced-mode", &["PL202"]),
    ("smart-placement-off", &[]),
];

fn project_dirs() -> Vec<String> {
    let mut dirs = Vec::new();
    for (scenario, _) in EXPECTED {
        for format in ["toml", "jsonc"] {
            let dir = format!("fixtures/projects/{scenario}/{format}");
            assert!(repo_root().join(&dir).is_dir(), "missing fixture {dir}");
            dirs.push(dir);
        }
    }
    dirs
}

fn snapshot_name(dir: &str) -> String {
    dir.trim_start_matches("fixtures/projects/")
        .replace('/', "-")
}

#[test]
fn every_scenario_folder_is_listed() {
    let listed: BTreeSet<&str> = EXPECTED.iter().map(|(name, _)| *name).collect();
    for entry in std::fs::read_dir(repo_root().join("fixtures/projects")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            listed.contains(name.as_str()),
            "fixtures/projects/{name} is not listed"
        );
    }
}

#[test]
fn each_project_fires_exactly_its_rules() {
    for (scenario, expected) in EXPECTED {
        for format in ["toml", "jsonc"] {
            let dir = format!("fixtures/projects/{scenario}/{format}");
            let output = run(&["check", "--output-format", "json", &dir]);
            let value: serde_json::Value =
                serde_json::from_str(&output.stdout).unwrap_or_else(|error| {
                    panic!("{dir}: invalid JSON ({error}):\n{}", output.stdout)
                });
            let codes: BTreeSet<String> = value["diagnostics"]
                .as_array()
                .expect("a diagnostics array")
                .iter()
                .filter_map(|diagnostic| diagnostic["code"].as_str())
                .filter(|code| code.starts_with("PL2"))
                .map(str::to_owned)
                .collect();
            let expected: BTreeSet<String> =
                expected.iter().map(|code| (*code).to_owned()).collect();
            assert_eq!(codes, expected, "{dir}:\n{}", output.transcript());
        }
    }
}

#[test]
fn human_output_of_each_project() {
    for dir in project_dirs() {
        insta::assert_snapshot!(
            format!("human-{}", snapshot_name(&dir)),
            human_transcript(&dir)
        );
    }
}

#[test]
fn json_output_of_each_project() {
    for dir in project_dirs() {
        insta::assert_json_snapshot!(format!("json-{}", snapshot_name(&dir)), json_output(&dir));
    }
}
