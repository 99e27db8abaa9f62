//! The GitLab Code Quality, JUnit and Checkstyle outputs: their shape, snapshots, and each
//! validated against a schema (as the SARIF output is in cli.rs): GitLab's format as its
//! documentation describes it (`tests/gitlab`, JSON Schema, `check-jsonschema`), Jenkins' JUnit
//! XSD (`tests/junit`) and the Checkstyle format (`tests/checkstyle`), both with the Python
//! package `xmlschema`. `scripts/test.sh` installs the validators and sets
//! `PLACEMENT_LINT_REQUIRE_VALIDATORS=1`; without it, a missing validator skips with a notice.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{repo_root, run, run_in};

const CONFLICT_TOML: &str = "fixtures/rules/PL102-placement-mode-conflict/toml";
const HINT_JSONC: &str = "fixtures/rules/PL101-placement-hint-removed/jsonc";
const CLEAN: &str = "fixtures/clean";
const CLASS_ENTRYPOINT: &str = "fixtures/projects/PL204-class-entrypoint/toml";

fn validators_required() -> bool {
    std::env::var_os("PLACEMENT_LINT_REQUIRE_VALIDATORS").is_some_and(|v| v == "1")
}

/// Runs a validator on `document` (written to a file named `name`); `None` when the validator
/// is not installed.
fn validate(program: &str, args: &[&str], document: &str, name: &str) -> Option<()> {
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join(name);
    fs::write(&file, document).unwrap();
    let output = Command::new(program)
        .args(args)
        .arg(&file)
        .output()
        .ok()
        .filter(|output| {
            // A Python without the module says so on stderr: the validator is missing.
            !String::from_utf8_lossy(&output.stderr).contains("No module named")
        });
    let Some(output) = output else {
        assert!(
            !validators_required(),
            "{program} {args:?} is required (PLACEMENT_LINT_REQUIRE_VALIDATORS=1) but missing"
        );
        eprintln!("skipped: {program} {args:?} is not installed");
        return None;
    };
    assert!(
        output.status.success(),
        "{name} does not validate:\n{}{}\n{document}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    Some(())
}

fn validate_xml(xml: &str, schema: &str) {
    let schema = repo_root().join(schema);
    validate(
        "python3",
        &[
            "-c",
            "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
            schema.to_str().unwrap(),
        ],
        xml,
        "report.xml",
    );
}

fn validate_gitlab(json: &str) {
    let schema = repo_root().join("tests/gitlab/code-quality.schema.json");
    validate(
        "check-jsonschema",
        &["--schemafile", schema.to_str().unwrap()],
        json,
        "gl-code-quality-report.json",
    );
}

/// A config whose keys hold what XML and JSON must escape: markup, quotes, a control character.
fn odd_project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("wrangler.toml"),
        "name = \"x\"\n\"<a & 'b'>\" = 1\n\"c\\u0001d\\\"\" = 2\n[placement]\nmode = \"smart\"\nhint = \"wnam\"\n",
    )
    .unwrap();
    dir
}

#[test]
fn gitlab_code_quality_report() {
    let output = run(&[
        "check",
        "--output-format",
        "gitlab",
        CONFLICT_TOML,
        HINT_JSONC,
    ]);
    assert_eq!(
        output.status, 1,
        "the exit status does not depend on the format"
    );
    let issues: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let issues = issues.as_array().unwrap();
    assert_eq!(issues.len(), 4);
    let first = &issues[0];
    assert_eq!(first["check_name"], "PL101");
    assert_eq!(first["severity"], "minor");
    assert_eq!(
        first["location"]["path"],
        "fixtures/rules/PL101-placement-hint-removed/jsonc/wrangler.jsonc"
    );
    assert_eq!(first["location"]["positions"]["begin"]["line"], 6);
    let errors = issues
        .iter()
        .filter(|i| i["severity"] == "critical")
        .count();
    assert_eq!(errors, 2, "wrangler refuses the PL102 configs");
    let mut fingerprints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    fingerprints.sort_unstable();
    fingerprints.dedup();
    assert_eq!(fingerprints.len(), 4, "fingerprints are unique");
    insta::assert_snapshot!(output.stdout);
    validate_gitlab(&output.stdout);

    // A finding keeps its fingerprint when the lines above it move.
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&repo_root().join(CONFLICT_TOML), dir.path());
    let before = run_in(dir.path(), &["check", "--output-format", "gitlab"]);
    let config = dir.path().join("wrangler.toml");
    let text = fs::read_to_string(&config).unwrap();
    fs::write(&config, format!("# a new comment\n\n{text}")).unwrap();
    let after = run_in(dir.path(), &["check", "--output-format", "gitlab"]);
    let prints = |stdout: &str| -> Vec<String> {
        let value: serde_json::Value = serde_json::from_str(stdout).unwrap();
        value
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["fingerprint"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(prints(&before.stdout), prints(&after.stdout));

    // Nothing found: an empty array, still a valid report.
    let clean = run(&["check", "--output-format", "gitlab", CLEAN]);
    assert_eq!(clean.stdout.trim(), "[]");
    validate_gitlab(&clean.stdout);
    let odd = odd_project();
    let output = run_in(odd.path(), &["check", "--output-format", "gitlab"]);
    validate_gitlab(&output.stdout);
}

#[test]
fn junit_report() {
    let output = run(&[
        "check",
        "--output-format",
        "junit",
        CONFLICT_TOML,
        CLEAN,
        CLASS_ENTRYPOINT,
    ]);
    assert_eq!(output.status, 1);
    insta::assert_snapshot!(output.stdout);
    validate_xml(&output.stdout, "tests/junit/jenkins-junit.xsd");
    let odd = odd_project();
    let output = run_in(odd.path(), &["check", "--output-format", "junit"]);
    assert!(
        output.stdout.contains("&lt;a &amp; &apos;b&apos;&gt;"),
        "{}",
        output.stdout
    );
    assert!(!output.stdout.contains('\u{1}'));
    validate_xml(&output.stdout, "tests/junit/jenkins-junit.xsd");
}

#[test]
fn checkstyle_report() {
    let output = run(&[
        "check",
        "--output-format",
        "checkstyle",
        CONFLICT_TOML,
        CLEAN,
        CLASS_ENTRYPOINT,
    ]);
    assert_eq!(output.status, 1);
    insta::assert_snapshot!(output.stdout);
    validate_xml(&output.stdout, "tests/checkstyle/checkstyle.xsd");
    let odd = odd_project();
    let output = run_in(odd.path(), &["check", "--output-format", "checkstyle"]);
    validate_xml(&output.stdout, "tests/checkstyle/checkstyle.xsd");
}

#[test]
fn the_validators_reject_a_broken_report() {
    // The checks above would pass on anything if the validators accepted anything.
    let broken_junit = "<testsuites><testsuite tests=\"1\"><testcase/></testsuite></testsuites>";
    let schema = repo_root().join("tests/junit/jenkins-junit.xsd");
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("broken.xml");
    fs::write(&file, broken_junit).unwrap();
    let status = Command::new("python3")
        .args([
            "-c",
            "import sys, xmlschema; xmlschema.XMLSchema(sys.argv[1]).validate(sys.argv[2])",
        ])
        .arg(&schema)
        .arg(&file)
        .output();
    if let Ok(output) = status
        && !String::from_utf8_lossy(&output.stderr).contains("No module named")
    {
        assert!(
            !output.status.success(),
            "a suite without a name must not validate"
        );
    }
    let broken_gitlab = r#"[{"description": "x", "check_name": "PL101", "severity": "bad", "location": {"path": "a"}}]"#;
    let file = scratch.path().join("broken.json");
    fs::write(&file, broken_gitlab).unwrap();
    let schema = repo_root().join("tests/gitlab/code-quality.schema.json");
    if let Ok(output) = Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(&schema)
        .arg(&file)
        .output()
    {
        assert!(!output.status.success());
    }
    assert!(Path::new(&schema).exists());
}
