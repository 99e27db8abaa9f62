//! What the user sees for each sample project of the project-aware rules (PL200-PL208):
//! `fixtures/projects/<scenario>/<format>`, in the human output and in JSON.
//!
//! Each scenario and format gets its own tests (`cargo test -p placement_cli --test
//! project_rules pl202`), so a failing scenario never hides the others.

mod common;

use std::collections::BTreeSet;

use common::{human_transcript, json_output, repo_root, run};

/// One module per scenario, with the project rule codes it must produce (the same for TOML and
/// JSONC), and a rules, human and JSON test for each format.
macro_rules! scenarios {
    ($($module:ident => $scenario:literal: [$($code:literal),*],)*) => {
        /// Every scenario that has tests.
        const SCENARIOS: &[&str] = &[$($scenario),*];

        $(
            mod $module {
                const EXPECTED: &[&str] = &[$($code),*];
                scenarios!(@format $scenario, toml);
                scenarios!(@format $scenario, jsonc);
            }
        )*
    };
    (@format $scenario:literal, $format:ident) => {
        mod $format {
            const DIR: &str = concat!("fixtures/projects/", $scenario, "/", stringify!($format));

            #[test]
            fn fires_exactly_its_rules() {
                super::super::fires_exactly(DIR, super::EXPECTED);
            }

            #[test]
            fn human() {
                super::super::human_output(DIR);
            }

            #[test]
            fn json() {
                super::super::json_output_of(DIR);
            }
        }
    };
}

scenarios! {
    pl200_source_parse_error => "PL200-source-parse-error": ["PL200"],
    pl201_nested_middleware_only => "PL201-nested-middleware-only": [],
    pl201_pages_middleware => "PL201-pages-middleware": ["PL201"],
    pl201_routes_json_limits_functions => "PL201-routes-json-limits-functions": [],
    pl202_assets_fetch_custom_binding => "PL202-assets-fetch-custom-binding": ["PL202"],
    pl202_binding_in_comment_or_string => "PL202-binding-in-comment-or-string": [],
    pl203_narrow_patterns => "PL203-narrow-patterns": [],
    pl203_run_worker_first => "PL203-run-worker-first": ["PL203"],
    pl204_class_entrypoint => "PL204-class-entrypoint": ["PL204"],
    pl204_re_exported_default => "PL204-re-exported-default": ["PL204"],
    pl204_service_worker => "PL204-service-worker": [],
    pl205_placement_without_main => "PL205-placement-without-main": ["PL205"],
    pl206_workspace_or_latest_range => "PL206-workspace-or-latest-range": [],
    pl206_wrangler_too_old => "PL206-wrangler-too-old": ["PL206"],
    pl207_analytics_blocks_response => "PL207-analytics-blocks-response": ["PL207"],
    pl207_wait_until => "PL207-wait-until": [],
    pl208_pages_without_functions => "PL208-pages-without-functions": ["PL208"],
    pl325_missing_paths => "PL325-missing-paths": ["PL325"],
    environments => "environments": ["PL202"],
    pages_advanced_mode => "pages-advanced-mode": ["PL202"],
    smart_placement_off => "smart-placement-off": [],
}

#[test]
fn every_scenario_folder_has_tests() {
    for entry in std::fs::read_dir(repo_root().join("fixtures/projects")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            SCENARIOS.contains(&name.as_str()),
            "fixtures/projects/{name} has no tests: add it to `scenarios!`"
        );
        for format in ["toml", "jsonc"] {
            let dir = repo_root()
                .join("fixtures/projects")
                .join(&name)
                .join(format);
            assert!(dir.is_dir(), "missing fixture {}", dir.display());
        }
    }
}

fn snapshot_name(dir: &str) -> String {
    dir.trim_start_matches("fixtures/projects/")
        .replace('/', "-")
}

/// The project rules' codes `check DIR` reports (PL2xx, and PL325 which looks for the config's
/// paths on disk) are exactly `expected`.
fn fires_exactly(dir: &str, expected: &[&str]) {
    let output = run(&["check", "--output-format", "json", dir]);
    let value: serde_json::Value = serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("{dir}: invalid JSON ({error}):\n{}", output.stdout));
    let codes: BTreeSet<&str> = value["diagnostics"]
        .as_array()
        .expect("a diagnostics array")
        .iter()
        .filter_map(|diagnostic| diagnostic["code"].as_str())
        .filter(|code| code.starts_with("PL2") || *code == "PL325")
        .collect();
    let expected: BTreeSet<&str> = expected.iter().copied().collect();
    assert_eq!(codes, expected, "{dir}:\n{}", output.transcript());
}

fn human_output(dir: &str) {
    insta::assert_snapshot!(
        format!("human-{}", snapshot_name(dir)),
        human_transcript(dir)
    );
}

fn json_output_of(dir: &str) {
    insta::assert_json_snapshot!(format!("json-{}", snapshot_name(dir)), json_output(dir));
}
