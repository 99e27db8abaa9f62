//! placement-lint's settings files: where they are found, how they merge, what each setting
//! does, and their errors (status 2, framed like diagnostics).

mod common;

use std::fs;
use std::path::Path;

use common::run_in;

fn write(root: &Path, path: &str, text: &str) {
    let path = root.join(path);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// A config with a removed `hint` (PL101, warning), an unknown key at the top level and one
/// in `[env.dev]` (PL003, warnings), and its Worker.
const CONFIG: &str = "name = \"api\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-06-01\"\nnme = 1\n[placement]\nmode = \"smart\"\nhint = \"wnam\"\n[env.dev]\nnme2 = 1\n";

fn project(root: &Path, folder: &str) {
    write(root, &format!("{folder}/wrangler.toml"), CONFIG);
    write(
        root,
        &format!("{folder}/src/index.js"),
        common::WORKER_WITH_ONE_BACKEND,
    );
}

fn codes(root: &Path, args: &[&str]) -> Vec<String> {
    let mut all = vec!["check", "--output-format", "json"];
    all.extend_from_slice(args);
    let output = run_in(root, &all);
    assert!(output.status < 2, "{}", output.transcript());
    let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {} {}",
                d["file"].as_str().unwrap(),
                d["code"].as_str().unwrap(),
                d["severity"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn without_settings_every_rule_reports() {
    let dir = tempfile::tempdir().unwrap();
    project(dir.path(), "api");
    assert_eq!(
        codes(dir.path(), &[]),
        [
            "api/wrangler.toml PL003 warning",
            "api/wrangler.toml PL101 warning",
            "api/wrangler.toml PL003 warning",
        ]
    );
}

#[test]
fn nearest_file_wins_extend_layers_and_package_json_counts() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, "apps/api");
    project(root, "apps/web");
    project(root, "apps/docs");
    write(
        root,
        "placement-lint.toml",
        "ignore = [\"PL101\"]\n[rules]\nPL003 = \"error\"\n",
    );
    // Extends the root: PL101 stays ignored, PL003 stays an error, the dev environment goes.
    write(
        root,
        "apps/api/.placement-lint.toml",
        "extend = \"../../placement-lint.toml\"\nskip-environments = [\"dev\"]\n",
    );
    // The nearest settings, not extending: only its own select applies.
    write(
        root,
        "apps/web/package.json",
        "{\"name\": \"web\", \"placement-lint\": {\"select\": [\"placement-hint-removed\"]}}",
    );
    // A package.json without the key is passed over: the root's settings apply.
    write(root, "apps/docs/package.json", "{\"name\": \"docs\"}");
    assert_eq!(
        codes(root, &[]),
        [
            "apps/api/wrangler.toml PL003 error",
            "apps/docs/wrangler.toml PL003 error",
            "apps/docs/wrangler.toml PL003 error",
            "apps/web/wrangler.toml PL101 warning",
        ]
    );
    // The command line's selection goes on top of the files'.
    assert_eq!(
        codes(root, &["--select", "PL101", "apps/api"]),
        ["apps/api/wrangler.toml PL101 warning"]
    );
    // A severity raised to an error changes the exit status.
    assert_eq!(run_in(root, &["check", "apps/docs"]).status, 1);
    assert_eq!(
        run_in(root, &["check", "--isolated", "apps/docs"]).status,
        0
    );
    assert_eq!(codes(root, &["--isolated", "apps/docs"]).len(), 3);
    // --config: one file for everything.
    write(root, "ci.toml", "select = [\"PL101\"]\n");
    assert_eq!(
        codes(root, &["--config", "ci.toml", "apps"]),
        [
            "apps/api/wrangler.toml PL101 warning",
            "apps/docs/wrangler.toml PL101 warning",
            "apps/web/wrangler.toml PL101 warning",
        ]
    );
}

#[test]
fn per_file_ignores_and_exclude_use_globs_relative_to_the_settings_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, "apps/api");
    project(root, "legacy/old");
    write(
        root,
        "placement-lint.toml",
        "exclude = [\"legacy\"]\n[per-file-ignores]\n\"apps/*/wrangler.toml\" = [\"PL003\"]\n",
    );
    assert_eq!(codes(root, &[]), ["apps/api/wrangler.toml PL101 warning"]);
    // Everything excluded: nothing to report, not an error.
    let output = run_in(root, &["check", "legacy"]);
    assert_eq!(output.status, 0, "{}", output.transcript());
}

#[test]
fn wrangler_version_is_assumed_when_none_is_installed() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(
        root,
        "wrangler.toml",
        "name = \"api\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-06-01\"\n[placement]\nregion = \"aws:us-east-1\"\n",
    );
    write(root, "src/index.js", common::WORKER_WITH_ONE_BACKEND);
    assert!(codes(root, &[]).is_empty());
    write(
        root,
        "placement-lint.toml",
        "wrangler-version = \"3.0.0\"\n",
    );
    assert_eq!(codes(root, &[]), ["placement-lint.toml PL206 error"]);
    // An installed wrangler wins over the assumption.
    write(
        root,
        "node_modules/wrangler/package.json",
        "{\"name\": \"wrangler\", \"version\": \"4.164.0\"}",
    );
    assert!(codes(root, &[]).is_empty());
}

#[test]
fn errors_in_settings_are_framed_with_their_place_and_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, "api");
    write(
        root,
        "placement-lint.toml",
        "selct = [\"PL1\"]\nignore = [\"PL10l\"]\n[rules]\nPL003 = \"eror\"\n",
    );
    let output = run_in(root, &["check"]);
    assert_eq!(output.status, 2);
    assert!(output.stdout.is_empty(), "{}", output.transcript());
    insta::assert_snapshot!(output.stderr);
}

/// The other report formats give settings errors in their own shape: one line each for
/// concise (and JSON, whose stdout stays empty), workflow commands for GitHub.
#[test]
fn errors_in_settings_follow_the_output_format() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, "api");
    write(
        root,
        "placement-lint.toml",
        "[rules]\nPL003 = \"warn\"\nselectt = \"off\"\n",
    );
    for format in ["concise", "json"] {
        let output = run_in(root, &["check", "--output-format", format]);
        assert_eq!(output.status, 2);
        assert!(output.stdout.is_empty(), "{}", output.transcript());
        assert_eq!(
            output.stderr,
            "placement-lint.toml:2:9: error[settings] the level of `PL003` must be \"error\", \
             \"warning\", \"info\" or \"off\", found \"warn\" (help: did you mean \"warning\"?)\n\
             placement-lint.toml:3:1: error[settings] unknown rule `selectt` (a `[rules]` key is \
             one rule's code or name) (help: run `placement-lint rules` for the list)\n\
             placement-lint: error: 2 error(s) in placement-lint's settings; nothing was checked\n",
            "{format}"
        );
    }
    let output = run_in(root, &["check", "--output-format", "github"]);
    assert_eq!(output.status, 2);
    assert_eq!(
        output.stdout,
        "::error file=placement-lint.toml,line=2,col=9,endLine=2,endColumn=15,title=placement-lint \
         settings::the level of `PL003` must be \"error\", \"warning\", \"info\" or \"off\", found \
         \"warn\"%0Ahelp: did you mean \"warning\"?\n\
         ::error file=placement-lint.toml,line=3,col=1,endLine=3,endColumn=8,title=placement-lint \
         settings::unknown rule `selectt` (a `[rules]` key is one rule's code or name)%0Ahelp: run \
         `placement-lint rules` for the list\n"
    );
    // With --fix on standard input, stdout is the fixed text's: the errors go to stderr.
    let output = run_in(
        root,
        &[
            "check",
            "--output-format",
            "github",
            "--fix",
            "--stdin-filename",
            "api/wrangler.toml",
        ],
    );
    assert_eq!(output.status, 2);
    assert!(output.stdout.is_empty(), "{}", output.transcript());
    assert!(
        output
            .stderr
            .starts_with("placement-lint.toml:2:9: error[settings] the level of `PL003`"),
        "{}",
        output.transcript()
    );
}

#[test]
fn extend_cycles_and_missing_files_are_errors() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, "api");
    write(
        root,
        "placement-lint.toml",
        "extend = \"api/placement-lint.toml\"\n",
    );
    write(
        root,
        "api/placement-lint.toml",
        "extend = \"../placement-lint.toml\"\n",
    );
    let output = run_in(root, &["check"]);
    assert_eq!(output.status, 2);
    assert!(
        output.stderr.contains(
            "placement-lint.toml:1:10: `extend` makes a cycle: `api/placement-lint.toml`"
        ),
        "{}",
        output.transcript()
    );
    write(
        root,
        "api/placement-lint.toml",
        "extend = \"../missing.toml\"\n",
    );
    let output = run_in(root, &["check"]);
    assert_eq!(output.status, 2);
    assert!(
        output.stderr.contains("cannot read the settings file"),
        "{}",
        output.transcript()
    );
    let output = run_in(root, &["check", "--config", "nowhere.toml"]);
    assert_eq!(output.status, 2);
    let output = run_in(root, &["check", "--config", "x.toml", "--isolated"]);
    assert_eq!(output.status, 2, "the two flags conflict");
}

#[test]
fn show_settings_names_each_setting_and_its_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    project(root, "apps/api");
    write(
        root,
        "placement-lint.toml",
        "ignore = [\"PL101\"]\nwrangler-version = \"4.20.0\"\n[rules]\nPL207 = \"error\"\n",
    );
    write(
        root,
        "apps/api/.placement-lint.toml",
        "extend = \"../../placement-lint.toml\"\nextend-select = []\nskip-environments = [\"dev\"]\nexclude = [\"old\"]\n[per-file-ignores]\n\"*.jsonc\" = [\"PL003\"]\n",
    );
    let output = run_in(root, &["show-settings", "apps/api/wrangler.toml"]);
    assert_eq!(output.status, 0, "{}", output.transcript());
    insta::assert_snapshot!(output.stdout);
    let isolated = run_in(root, &["show-settings", "--isolated", "apps/api"]);
    assert!(isolated.stdout.contains("# no settings file: the defaults"));
}
