//! The flags for CI and editors: --stdin-filename, --statistics, --exit-zero,
//! --exit-non-zero-on-fix, --diff, --show-fixes and --add-suppressions.

mod common;

use std::fs;
use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use common::{Output, copy_tree, repo_root, run, run_in};

const HINT_TOML: &str = "fixtures/rules/PL101-placement-hint-removed/toml";
const HINT_JSONC: &str = "fixtures/rules/PL101-placement-hint-removed/jsonc";
const CONFLICT_TOML: &str = "fixtures/rules/PL102-placement-mode-conflict/toml";
const CLASS_ENTRYPOINT: &str = "fixtures/projects/PL204-class-entrypoint/toml";

/// Runs `placement-lint ARGS` from the repository root with `input` on standard input.
fn run_with_stdin(args: &[&str], input: &[u8]) -> (Output, Vec<u8>) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_placement-lint"))
        .args(args)
        .current_dir(repo_root())
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input).unwrap();
    let output = child.wait_with_output().unwrap();
    (
        Output {
            status: output.status.code().unwrap_or(-1),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        },
        output.stdout,
    )
}

fn json(output: &Output) -> serde_json::Value {
    serde_json::from_str(&output.stdout)
        .unwrap_or_else(|error| panic!("{error}: {}", output.transcript()))
}

fn codes(value: &serde_json::Value) -> Vec<&str> {
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect()
}

/// A copy of a fixture folder, to fix or annotate.
fn copy(fixture: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_tree(&repo_root().join(fixture), dir.path());
    dir
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

#[test]
fn stdin_is_checked_as_the_named_file() {
    let config = read(&repo_root().join(CLASS_ENTRYPOINT).join("wrangler.toml"));
    // The path exists: the project around it is read (PL204 reads the Worker's source).
    let path = format!("{CLASS_ENTRYPOINT}/wrangler.toml");
    let (output, _) = run_with_stdin(
        &[
            "check",
            "--stdin-filename",
            &path,
            "--output-format",
            "json",
        ],
        config.as_bytes(),
    );
    let value = json(&output);
    assert_eq!(codes(&value), ["PL204"]);
    assert_eq!(value["diagnostics"][0]["file"], path);
    // Elsewhere: the config rules only, reported under the name given.
    let (output, _) = run_with_stdin(
        &[
            "check",
            "--stdin-filename",
            "nowhere/wrangler.toml",
            "--output-format",
            "json",
        ],
        config.as_bytes(),
    );
    assert_eq!(codes(&json(&output)), Vec::<&str>::new());
    // The name sets the format: the same text is a JSON syntax error as wrangler.json.
    let (output, _) = run_with_stdin(
        &[
            "check",
            "--stdin-filename",
            "x/wrangler.json",
            "--output-format",
            "json",
        ],
        config.as_bytes(),
    );
    assert_eq!(output.status, 1);
    assert!(codes(&json(&output)).contains(&"PL001"));
}

#[test]
fn stdin_with_fix_prints_the_fixed_text_and_reports_on_stderr() {
    let original = read(&repo_root().join(HINT_TOML).join("wrangler.toml"));
    let (output, stdout) = run_with_stdin(
        &[
            "check",
            "--stdin-filename",
            "nowhere/wrangler.toml",
            "--fix",
        ],
        original.as_bytes(),
    );
    assert_eq!(output.status, 0, "{}", output.transcript());
    let fixed = String::from_utf8(stdout).unwrap();
    assert!(!fixed.contains("hint ="), "{fixed}");
    assert!(fixed.contains("mode = \"smart\""));
    assert!(
        output.stderr.contains("fixed PL101"),
        "{}",
        output.transcript()
    );
    // Nothing to fix: the input comes back byte for byte, invalid UTF-8 included.
    let input = b"name = \"caf\xe9\"\n";
    let (output, stdout) = run_with_stdin(
        &[
            "check",
            "--stdin-filename",
            "nowhere/wrangler.toml",
            "--fix",
        ],
        input,
    );
    assert_eq!(stdout, input, "{}", output.transcript());
    assert!(output.stderr.contains("PL006"));
}

#[test]
fn statistics_count_per_rule() {
    let output = run(&["check", "--statistics", HINT_TOML, CONFLICT_TOML]);
    assert_eq!(output.status, 1, "errors still fail the run");
    insta::assert_snapshot!(output.stdout);
    let output = run(&[
        "check",
        "--statistics",
        "--output-format",
        "json",
        HINT_TOML,
    ]);
    let rows: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(rows[0]["code"], "PL101");
    assert_eq!(rows[0]["count"], 2);
    assert_eq!(rows[0]["safe_fixes"], 2);
}

#[test]
fn exit_zero_and_exit_non_zero_on_fix() {
    assert_eq!(run(&["check", CONFLICT_TOML]).status, 1);
    assert_eq!(run(&["check", "--exit-zero", CONFLICT_TOML]).status, 0);
    assert_eq!(
        run(&["check", "--exit-zero", "does/not/exist"]).status,
        2,
        "usage errors stay 2"
    );
    // --fix removes every PL101 (warnings): status 0, unless fixes should fail the run.
    let dir = copy(HINT_TOML);
    let output = run_in(dir.path(), &["check", "--fix", "--exit-non-zero-on-fix"]);
    assert_eq!(output.status, 1, "{}", output.transcript());
    let again = run_in(dir.path(), &["check", "--fix", "--exit-non-zero-on-fix"]);
    assert_eq!(
        again.status,
        0,
        "nothing left to fix: {}",
        again.transcript()
    );
}

#[test]
fn diff_prints_the_fixes_and_writes_nothing() {
    let dir = copy(HINT_TOML);
    let config = dir.path().join("wrangler.toml");
    let before = read(&config);
    let output = run_in(dir.path(), &["check", "--diff"]);
    assert_eq!(output.status, 1, "{}", output.transcript());
    assert_eq!(read(&config), before, "nothing written");
    insta::assert_snapshot!(output.transcript());
    // The diff applies: `patch` turns the file into what --fix writes.
    run_in(dir.path(), &["check", "--fix"]);
    let fixed = read(&config);
    fs::write(&config, &before).unwrap();
    let patch = Command::new("patch")
        .arg("-s")
        .arg(&config)
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .spawn();
    if let Ok(mut patch) = patch {
        patch
            .stdin
            .take()
            .unwrap()
            .write_all(output.stdout.as_bytes())
            .unwrap();
        assert!(patch.wait().unwrap().success());
        assert_eq!(read(&config), fixed);
    }
    // Unsafe fixes only with --unsafe-fixes; none at all: status 0.
    let conflict = copy(CONFLICT_TOML);
    let safe_only = run_in(conflict.path(), &["check", "--diff"]);
    assert_eq!(safe_only.status, 0, "{}", safe_only.transcript());
    assert!(safe_only.stdout.is_empty());
    let unsafe_too = run_in(conflict.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert_eq!(unsafe_too.status, 1);
    assert!(
        unsafe_too
            .stdout
            .starts_with("--- wrangler.toml\n+++ wrangler.toml\n@@")
    );
    assert_eq!(run(&["check", "--diff", "--fix", HINT_TOML]).status, 2);
}

#[test]
fn show_fixes_lists_applied_and_available_fixes() {
    let output = run(&["check", "--show-fixes", CONFLICT_TOML]);
    let listing = &output.stdout[output.stdout.find("No fixes applied.").unwrap()..];
    insta::assert_snapshot!(listing);
    let dir = copy(HINT_TOML);
    let output = run_in(dir.path(), &["check", "--fix", "--show-fixes"]);
    assert!(
        output
            .stdout
            .contains("Fixes applied:\n  wrangler.toml: PL101 Remove `hint`"),
        "{}",
        output.transcript()
    );
    // JSON stays JSON: the listing goes to standard error.
    let output = run(&[
        "check",
        "--show-fixes",
        "--output-format",
        "json",
        CONFLICT_TOML,
    ]);
    json(&output);
    assert!(output.stderr.contains("Fixes available:"));
}

fn add_suppressions_twice(fixture: &str, file: &str) -> String {
    let dir = copy(fixture);
    let first = run_in(dir.path(), &["check", "--add-suppressions"]);
    assert_eq!(first.status, 0, "{}", first.transcript());
    let annotated = read(&dir.path().join(file));
    let second = run_in(dir.path(), &["check", "--add-suppressions"]);
    assert_eq!(second.status, 0);
    assert!(
        second
            .stdout
            .starts_with("Added 0 suppression comments in 0 files."),
        "{}",
        second.transcript()
    );
    assert_eq!(
        read(&dir.path().join(file)),
        annotated,
        "the second run adds nothing"
    );
    let check = run_in(dir.path(), &["check", "--deny-warnings"]);
    assert_eq!(check.status, 0, "{}", check.transcript());
    annotated
}

#[test]
fn add_suppressions_in_toml_and_jsonc() {
    let toml = add_suppressions_twice(HINT_TOML, "wrangler.toml");
    insta::assert_snapshot!("add_suppressions_toml", toml);
    let jsonc = add_suppressions_twice(HINT_JSONC, "wrangler.jsonc");
    insta::assert_snapshot!("add_suppressions_jsonc", jsonc);
    let conflict = add_suppressions_twice(CONFLICT_TOML, "wrangler.toml");
    assert!(conflict.contains("-- TODO: reason"));
}

#[test]
fn add_suppressions_joins_a_directive_already_there() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("wrangler.toml");
    fs::write(
        &config,
        "name = \"x\"\r\n[placement]\r\nmode = \"smart\"\r\n  # placement-lint-disable-next-line PL003 -- old\r\n  hint = \"wnam\"\r\n",
    )
    .unwrap();
    let output = run_in(
        dir.path(),
        &["check", "--add-suppressions", "--select", "PL101"],
    );
    assert_eq!(output.status, 0, "{}", output.transcript());
    assert_eq!(
        read(&config),
        "name = \"x\"\r\n[placement]\r\nmode = \"smart\"\r\n  # placement-lint-disable-next-line PL003, PL101 -- old\r\n  hint = \"wnam\"\r\n"
    );
    let check = run_in(
        dir.path(),
        &["check", "--deny-warnings", "--select", "PL101"],
    );
    assert_eq!(check.status, 0, "{}", check.transcript());
}
