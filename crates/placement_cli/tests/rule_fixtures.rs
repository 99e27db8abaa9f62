//! What the user sees for every rule's sample project, and what `--fix` does to it.

mod common;

use common::{copy_tree, human_transcript, json_output, repo_root, rule_fixture_dirs, run_in};

fn snapshot_name(dir: &str) -> String {
    dir.trim_start_matches("fixtures/rules/").replace('/', "-")
}

#[test]
fn every_rule_has_toml_and_jsonc_fixtures() {
    let dirs = rule_fixture_dirs();
    for rule in placement_analysis::all_rules()
        .filter(|rule| rule.code.starts_with("PL0") || rule.code.starts_with("PL1"))
    {
        for format in ["toml", "jsonc"] {
            let wanted = format!("fixtures/rules/{}-{}/{format}", rule.code, rule.name);
            assert!(dirs.contains(&wanted), "missing fixture folder {wanted}");
        }
    }
}

#[test]
fn human_output_of_each_rule_fixture() {
    for dir in rule_fixture_dirs() {
        insta::assert_snapshot!(
            format!("human-{}", snapshot_name(&dir)),
            human_transcript(&dir)
        );
    }
}

#[test]
fn json_output_of_each_rule_fixture() {
    for dir in rule_fixture_dirs() {
        insta::assert_json_snapshot!(format!("json-{}", snapshot_name(&dir)), json_output(&dir));
    }
}

#[test]
fn fixes_of_each_rule_fixture() {
    for dir in rule_fixture_dirs() {
        let scratch = tempfile::tempdir().unwrap();
        copy_tree(&repo_root().join(&dir), scratch.path());
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
        insta::assert_snapshot!(format!("fix-{}", snapshot_name(&dir)), report);

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
