//! What the user sees for every rule's sample project, and what `--fix` does to it.
//!
//! `fixtures/rules/<CODE>-<name>/<format>` holds one sample project per rule and format; each
//! gets its own tests (`cargo test -p placement_cli --test rule_fixtures pl101`), so a failing
//! fixture never hides the others. Snapshots are `snapshots/rule_fixtures__<kind>-<CODE>-...`.

mod common;

use common::{copy_tree, human_transcript, json_output, repo_root, rule_fixture_dirs, run_in};

/// One module per rule fixture folder, with a human, JSON and fix test for each format.
macro_rules! rule_fixtures {
    ($($module:ident => $folder:literal,)*) => {
        /// Every fixture folder that has tests.
        const FOLDERS: &[&str] = &[$($folder),*];

        $(
            mod $module {
                rule_fixtures!(@format $folder, toml);
                rule_fixtures!(@format $folder, jsonc);
            }
        )*
    };
    (@format $folder:literal, $format:ident) => {
        mod $format {
            const DIR: &str = concat!("fixtures/rules/", $folder, "/", stringify!($format));

            #[test]
            fn human() {
                super::super::human_output(DIR);
            }

            #[test]
            fn json() {
                super::super::json_output_of(DIR);
            }

            #[test]
            fn fixes() {
                super::super::fixes(DIR);
            }
        }
    };
}

rule_fixtures! {
    pl001_invalid_syntax => "PL001-invalid-syntax",
    pl002_shadowed_config_file => "PL002-shadowed-config-file",
    pl003_unknown_key => "PL003-unknown-key",
    pl004_wrong_type => "PL004-wrong-type",
    pl005_duplicate_key => "PL005-duplicate-key",
    pl006_invalid_utf8 => "PL006-invalid-utf8",
    pl101_placement_hint_removed => "PL101-placement-hint-removed",
    pl102_placement_mode_conflict => "PL102-placement-mode-conflict",
    pl103_placement_invalid_mode => "PL103-placement-invalid-mode",
    pl104_placement_missing_target => "PL104-placement-missing-target",
    pl105_placement_multiple_targets => "PL105-placement-multiple-targets",
    pl106_placement_empty_target => "PL106-placement-empty-target",
    pl107_placement_malformed_target => "PL107-placement-malformed-target",
    pl108_key_swallowed_by_table => "PL108-key-swallowed-by-table",
    pl301_removed_key => "PL301-removed-key",
    pl302_deprecated_key => "PL302-deprecated-key",
    pl303_experimental_key => "PL303-experimental-key",
    pl304_missing_required_key => "PL304-missing-required-key",
    pl310_non_inherited_key_missing => "PL310-non-inherited-key-missing",
    pl311_invalid_route => "PL311-invalid-route",
    pl312_route_with_routes => "PL312-route-with-routes",
    pl313_empty_route => "PL313-empty-route",
    pl314_custom_domain_inherited => "PL314-custom-domain-inherited",
    pl315_invalid_custom_domain => "PL315-invalid-custom-domain",
    pl316_assets_with_site => "PL316-assets-with-site",
    pl317_conflicting_fields => "PL317-conflicting-fields",
    pl318_migrations_with_exports => "PL318-migrations-with-exports",
    pl319_main_with_site_entry_point => "PL319-main-with-site-entry-point",
    pl320_invalid_compatibility_date => "PL320-invalid-compatibility-date",
    pl321_duplicate_binding_name => "PL321-duplicate-binding-name",
    pl322_durable_object_migrations => "PL322-durable-object-migrations",
    pl323_secret_in_vars => "PL323-secret-in-vars",
    pl324_sampling_rate_out_of_range => "PL324-sampling-rate-out-of-range",
    pl330_invalid_export => "PL330-invalid-export",
    pl350_invalid_name => "PL350-invalid-name",
    pl351_value_out_of_range => "PL351-value-out-of-range",
    pl352_missing_dependent_field => "PL352-missing-dependent-field",
    pl353_invalid_preview_container => "PL353-invalid-preview-container",
    pl354_container_export_mismatch => "PL354-container-export-mismatch",
    pl355_invalid_workflow_settings => "PL355-invalid-workflow-settings",
    pl356_unsupported_value => "PL356-unsupported-value",
    pl357_duplicate_connect_handler => "PL357-duplicate-connect-handler",
    pl358_reserved_binding_name => "PL358-reserved-binding-name",
    pl359_invalid_durable_object_container => "PL359-invalid-durable-object-container",
    pl360_ignored_setting => "PL360-ignored-setting",
    pl361_unsafe_binding_directly_supported => "PL361-unsafe-binding-directly-supported",
    pl362_define_only_in_environment => "PL362-define-only-in-environment",
    pl363_deprecated_value => "PL363-deprecated-value",
}

#[test]
fn every_rule_has_toml_and_jsonc_fixtures() {
    let dirs = rule_fixture_dirs();
    // PL007's sample needs a FIFO, a device or a file over 10 MB, which a committed fixture
    // cannot be: `tests/adversarial.rs` makes them in a temporary folder instead.
    for rule in placement_analysis::all_rules()
        .filter(|rule| rule.code.starts_with("PL0") || rule.code.starts_with("PL1"))
        .filter(|rule| rule.code != "PL007")
    {
        for format in ["toml", "jsonc"] {
            let wanted = format!("fixtures/rules/{}-{}/{format}", rule.code, rule.name);
            assert!(dirs.contains(&wanted), "missing fixture folder {wanted}");
        }
    }
}

#[test]
fn every_fixture_folder_has_tests() {
    let listed: Vec<String> = FOLDERS
        .iter()
        .flat_map(|folder| {
            ["jsonc", "toml"].map(|format| format!("fixtures/rules/{folder}/{format}"))
        })
        .collect();
    for dir in rule_fixture_dirs() {
        assert!(
            listed.contains(&dir),
            "{dir} has no tests: add its folder to `rule_fixtures!`"
        );
    }
}

fn snapshot_name(dir: &str) -> String {
    dir.trim_start_matches("fixtures/rules/").replace('/', "-")
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

/// Runs `--unsafe-fixes` on a copy: the files before and after, what remains, and that a
/// second run changes nothing.
fn fixes(dir: &str) {
    let scratch = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join(dir), scratch.path());
    let before = read_tree(scratch.path());
    let first = run_in(scratch.path(), &["check", "--unsafe-fixes", "."]);
    let after = read_tree(scratch.path());
    let mut report = String::new();
    for ((name, old), (_, new)) in before.iter().zip(&after) {
        if old != new {
            report.push_str(&format!(
                "===== {name} (before)\n{old}===== {name} (after)\n{new}"
            ));
        }
    }
    if report.is_empty() {
        report.push_str("(no fix changed any file)\n");
    }
    report.push_str(&format!("===== remaining\n{}", first.transcript()));
    insta::assert_snapshot!(format!("fix-{}", snapshot_name(dir)), report);

    let second = run_in(scratch.path(), &["check", "--unsafe-fixes", "."]);
    assert_eq!(
        read_tree(scratch.path()),
        after,
        "{dir}: a second --fix changed files"
    );
    assert!(
        !second.stdout.contains(": fixed "),
        "{dir}: second run fixed again"
    );
}

fn read_tree(root: &std::path::Path) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let entry = entry.unwrap();
            if entry.file_type().unwrap().is_dir() {
                stack.push(entry.path());
            } else {
                let name = entry
                    .path()
                    .strip_prefix(root)
                    .unwrap()
                    .display()
                    .to_string();
                // Lossy: a fixture may hold invalid UTF-8 on purpose (PL006).
                let bytes = std::fs::read(entry.path()).unwrap();
                files.push((name, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    files.sort();
    files
}
