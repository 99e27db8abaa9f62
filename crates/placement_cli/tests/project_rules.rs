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
    pl202_binding_in_comment_or_string => "PL202-binding-in-comment-or-string": ["PL209"],
    pl203_narrow_patterns => "PL203-narrow-patterns": ["PL209"],
    pl203_run_worker_first => "PL203-run-worker-first": ["PL203", "PL209"],
    pl204_class_entrypoint => "PL204-class-entrypoint": ["PL204"],
    pl204_re_exported_default => "PL204-re-exported-default": ["PL204"],
    pl204_service_worker => "PL204-service-worker": ["PL209"],
    pl205_placement_without_main => "PL205-placement-without-main": ["PL205"],
    pl206_workspace_or_latest_range => "PL206-workspace-or-latest-range": ["PL209"],
    pl206_wrangler_too_old => "PL206-wrangler-too-old": ["PL206", "PL209"],
    pl207_analytics_blocks_response => "PL207-analytics-blocks-response": ["PL207"],
    pl207_wait_until => "PL207-wait-until": [],
    pl208_pages_without_functions => "PL208-pages-without-functions": ["PL208"],
    pl209_analytics_only => "PL209-analytics-only": ["PL207", "PL209"],
    pl209_helper_in_other_module => "PL209-helper-in-other-module": [],
    pl209_kv_reads_and_wait_until => "PL209-kv-reads-and-wait-until": ["PL209"],
    pl210_class_entrypoint_env => "PL210-class-entrypoint-env": ["PL210"],
    pl210_computed_url => "PL210-computed-url": [],
    pl210_d1_batch_and_hyperdrive => "PL210-d1-batch-and-hyperdrive": ["PL210"],
    pl210_literal_host => "PL210-literal-host": ["PL210"],
    pl210_loop => "PL210-loop": ["PL210"],
    pl210_pages_function => "PL210-pages-function": ["PL210"],
    pl210_promise_all => "PL210-promise-all": [],
    pl210_rpc_service_binding => "PL210-rpc-service-binding": [],
    pl211_global_and_origin => "PL211-global-and-origin": [],
    pl211_global_services_only => "PL211-global-services-only": ["PL211"],
    pl212_placement_on_back_end => "PL212-placement-on-back-end": [],
    pl212_placement_on_front_end => "PL212-placement-on-front-end": ["PL202", "PL210", "PL212"],
    pl325_missing_paths => "PL325-missing-paths": ["PL325"],
    environments => "environments": ["PL202", "PL209"],
    pages_advanced_mode => "pages-advanced-mode": ["PL202", "PL209"],
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

/// PL210's fix on a copy of each candidate scenario: the config before and after
/// `--unsafe-fixes`, and that the fixed project is a candidate no more.
#[test]
fn placement_candidate_fixes() {
    for scenario in SCENARIOS.iter().filter(|name| name.starts_with("PL210")) {
        for (format, file) in [("toml", "wrangler.toml"), ("jsonc", "wrangler.jsonc")] {
            let dir = repo_root().join(format!("fixtures/projects/{scenario}/{format}"));
            let scratch = tempfile::tempdir().unwrap();
            common::copy_tree(&dir, scratch.path());
            let before = std::fs::read_to_string(scratch.path().join(file)).unwrap();
            common::run_in(scratch.path(), &["check", "--unsafe-fixes", "."]);
            let after = std::fs::read_to_string(scratch.path().join(file)).unwrap();
            if before == after {
                continue;
            }
            let remaining =
                common::run_in(scratch.path(), &["check", "--output-format", "json", "."]);
            assert!(
                !remaining.stdout.contains("\"PL210\"") && !remaining.stdout.contains("\"PL001\""),
                "{scenario}/{format}: still a candidate, or broken, after the fix:\n{}",
                remaining.stdout
            );
            insta::assert_snapshot!(
                format!("fix-{scenario}-{format}"),
                format!("===== {file} (before)\n{before}===== {file} (after)\n{after}")
            );
        }
    }
}

/// PL201's fix writes `_routes.json` into the build output: `--diff` shows it as a new file,
/// `--unsafe-fixes` creates it (valid, within Pages' limits), PL201 is gone, and a second run
/// has nothing left to do.
#[test]
fn pages_middleware_routes_fix_creates_routes_json() {
    for format in ["toml", "jsonc"] {
        let dir = repo_root().join(format!("fixtures/projects/PL201-pages-middleware/{format}"));
        let scratch = tempfile::tempdir().unwrap();
        common::copy_tree(&dir, scratch.path());
        std::fs::create_dir_all(scratch.path().join("dist/assets")).unwrap();
        std::fs::write(scratch.path().join("dist/assets/app.js"), "1").unwrap();
        let routes = scratch.path().join("dist/_routes.json");

        let diff = common::run_in(scratch.path(), &["check", "--unsafe-fixes", "--diff", "."]);
        assert!(!routes.exists(), "--diff writes nothing");
        insta::assert_snapshot!(format!("fix-PL201-create-{format}"), diff.transcript());

        let listed = common::run_in(scratch.path(), &["check", "--show-fixes", "."]);
        assert!(
            listed.stdout.contains("creates dist/_routes.json"),
            "{}",
            listed.transcript()
        );

        let fixed = common::run_in(scratch.path(), &["check", "--unsafe-fixes", "."]);
        let written = std::fs::read_to_string(&routes).expect("_routes.json written");
        let value: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(value["version"], 1);
        assert_eq!(value["include"], serde_json::json!(["/*"]));
        assert_eq!(
            value["exclude"],
            serde_json::json!(["/assets/*", "/", "/index.html"])
        );
        assert!(
            fixed.stdout.contains("fixed PL201") && fixed.stdout.contains("No problems found"),
            "{}",
            fixed.transcript()
        );

        let again = common::run_in(scratch.path(), &["check", "--unsafe-fixes", "--diff", "."]);
        assert!(again.stdout.is_empty(), "{}", again.transcript());
        assert!(again.stderr.contains("No fixes to apply."));
    }
}

/// An existing `_routes.json` keeps its rules and layout; the JSON output describes the change
/// under `fix.other_files` (the rest of the fix as before).
#[test]
fn pages_middleware_routes_fix_edits_routes_json() {
    let dir = repo_root().join("fixtures/projects/PL201-pages-middleware/toml");
    let scratch = tempfile::tempdir().unwrap();
    common::copy_tree(&dir, scratch.path());
    let routes = scratch.path().join("dist/_routes.json");
    let before =
        "{\n  \"version\": 1,\n  \"include\": [\"/*\"],\n  \"exclude\": [\"/legacy/*\"]\n}\n";
    std::fs::write(&routes, before).unwrap();

    let json = common::run_in(scratch.path(), &["check", "--output-format", "json", "."]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    let fix = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|diagnostic| diagnostic["code"] == "PL201")
        .map(|diagnostic| diagnostic["fix"].clone())
        .expect("PL201 with a fix");
    assert_eq!(fix["applicability"], "unsafe");
    assert_eq!(fix["edits"], serde_json::json!([]));
    assert_eq!(fix["other_files"][0]["kind"], "edit");
    assert_eq!(fix["other_files"][0]["file"], "dist/_routes.json");
    assert_eq!(
        fix["other_files"][0]["edits"][0]["content"],
        ", \"/\", \"/index.html\""
    );
    assert_eq!(
        fix["other_files"][0]["edits"][0]["range"]["start"]["line"],
        4
    );

    // SARIF: one artifact change, for `_routes.json` (the config itself is not edited).
    let sarif = common::run_in(scratch.path(), &["check", "--output-format", "sarif", "."]);
    let sarif: serde_json::Value = serde_json::from_str(&sarif.stdout).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|result| result["ruleId"] == "PL201")
        .expect("PL201 in SARIF");
    let changes = result["fixes"][0]["artifactChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "{changes:?}");
    assert_eq!(changes[0]["artifactLocation"]["uri"], "dist/_routes.json");
    assert_eq!(
        changes[0]["replacements"][0]["insertedContent"]["text"],
        ", \"/\", \"/index.html\""
    );

    common::run_in(scratch.path(), &["check", "--unsafe-fixes", "."]);
    assert_eq!(
        std::fs::read_to_string(&routes).unwrap(),
        "{\n  \"version\": 1,\n  \"include\": [\"/*\"],\n  \"exclude\": [\"/legacy/*\", \"/\", \"/index.html\"]\n}\n"
    );
}

/// A fix never writes outside the config's folder: a build output of `../dist` is refused,
/// and the config stays as it was.
#[test]
fn pages_middleware_routes_fix_stays_in_the_project() {
    let dir = repo_root().join("fixtures/projects/PL201-pages-middleware/toml");
    let scratch = tempfile::tempdir().unwrap();
    let app = scratch.path().join("app");
    common::copy_tree(&dir, &app);
    std::fs::rename(app.join("dist"), scratch.path().join("dist")).unwrap();
    let config = app.join("wrangler.toml");
    let text = std::fs::read_to_string(&config).unwrap().replace(
        "pages_build_output_dir = \"dist\"",
        "pages_build_output_dir = \"../dist\"",
    );
    std::fs::write(&config, &text).unwrap();
    let output = common::run_in(&app, &["check", "--unsafe-fixes", "."]);
    assert_eq!(output.status, 2, "{}", output.transcript());
    assert!(
        output.stderr.contains("outside the config's folder"),
        "{}",
        output.transcript()
    );
    assert!(!scratch.path().join("dist/_routes.json").exists());
    assert_eq!(std::fs::read_to_string(&config).unwrap(), text);
}
