//! `docs/rules.md` is rendered from the rules' docs and kept up to date, and every rule's docs
//! follow the same outline. Run with `UPDATE_DOCS=1` to rewrite the page.

use std::collections::HashSet;
use std::path::PathBuf;

use placement_analysis::all_rules;
use placement_analysis::docs::{RULES_DOC_PATH, rules_markdown};

/// Rules about files rather than config content: their example is a file tree (```text), not a
/// config in both formats.
const FILE_LEVEL_RULES: &[&str] = &["PL002"];

/// Rules that can only fire in one format, so an example in the other would show nothing:
/// a repeated key is a syntax error in TOML (PL001), not PL005, and JSON has no `[table]`
/// headers to swallow keys (PL108).
const SINGLE_FORMAT_RULES: &[(&str, &str)] = &[("PL005", "jsonc"), ("PL108", "toml")];

const REQUIRED_HEADINGS: &[&str] = &[
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Fix safety",
];

fn rules_doc_file() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(RULES_DOC_PATH)
}

#[test]
fn rules_doc_is_up_to_date() {
    let path = rules_doc_file();
    let rendered = rules_markdown();
    if std::env::var("UPDATE_DOCS").is_ok_and(|value| value == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &rendered).unwrap();
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    if current != rendered {
        let first_difference = current
            .lines()
            .zip(rendered.lines())
            .position(|(old, new)| old != new)
            .unwrap_or_else(|| current.lines().count().min(rendered.lines().count()));
        panic!(
            "{RULES_DOC_PATH} is out of date (first difference at line {}); regenerate it with \
             `UPDATE_DOCS=1 cargo test -p placement_analysis --test rules_doc`",
            first_difference + 1
        );
    }
}

#[test]
fn every_rule_is_documented_with_the_same_outline() {
    let mut problems = Vec::new();
    for rule in all_rules() {
        let docs = rule.docs_text();
        let lines: Vec<&str> = docs.lines().map(str::trim_end).collect();
        for heading in REQUIRED_HEADINGS {
            if !lines.contains(heading) {
                problems.push(format!("{}: no `{heading}` heading", rule.code));
            }
        }
        let fences: Vec<&str> = lines
            .iter()
            .filter_map(|line| line.strip_prefix("```"))
            .collect();
        let has_fence = |language: &str| fences.contains(&language);
        if FILE_LEVEL_RULES.contains(&rule.code) {
            let documented = has_fence("text") || (has_fence("toml") && has_fence("jsonc"));
            if !documented {
                problems.push(format!(
                    "{}: no ```text example (nor ```toml and ```jsonc ones)",
                    rule.code
                ));
            }
        } else if let Some((_, language)) = SINGLE_FORMAT_RULES
            .iter()
            .find(|(code, _)| *code == rule.code)
        {
            if !has_fence(language) {
                problems.push(format!("{}: no ```{language} example", rule.code));
            }
        } else {
            for language in ["toml", "jsonc"] {
                if !has_fence(language) {
                    problems.push(format!("{}: no ```{language} example", rule.code));
                }
            }
        }
        if rule.summary.trim().is_empty() {
            problems.push(format!("{}: empty summary", rule.code));
        }
    }
    assert!(
        problems.is_empty(),
        "rule docs are incomplete:\n  {}",
        problems.join("\n  ")
    );
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let mut codes = HashSet::new();
    let mut names = HashSet::new();
    for rule in all_rules() {
        assert!(codes.insert(rule.code), "code {} used twice", rule.code);
        assert!(names.insert(rule.name), "name {} used twice", rule.name);
        assert!(
            rule.code.len() == 5
                && rule.code.starts_with("PL")
                && rule.code[2..].bytes().all(|b| b.is_ascii_digit()),
            "code {} is not PLnnn",
            rule.code
        );
        assert!(
            !rule.name.is_empty()
                && rule
                    .name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "name {} is not kebab-case",
            rule.name
        );
    }
    assert!(!codes.is_empty(), "the registry is empty");
}
