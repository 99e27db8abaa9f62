//! The command line's contracts: output formats, exit statuses, fixes on disk, bad input.

mod common;

use std::fs;

use common::{repo_root, run, run_in};

const HINT_TOML: &str = "fixtures/rules/PL101-placement-hint-removed/toml";
const CONFLICT_TOML: &str = "fixtures/rules/PL102-placement-mode-conflict/toml";
const CLEAN: &str = "fixtures/clean";

#[test]
fn exit_statuses() {
    assert_eq!(run(&["check", CLEAN]).status, 0, "clean projects");
    assert_eq!(run(&[CLEAN]).status, 0, "PATH without `check`");
    assert_eq!(run(&["check", HINT_TOML]).status, 0, "warnings only");
    assert_eq!(run(&["check", "--deny-warnings", HINT_TOML]).status, 1);
    assert_eq!(run(&["check", CONFLICT_TOML]).status, 1, "errors");
    assert_eq!(
        run(&["check", "--ignore", "PL102", CONFLICT_TOML]).status,
        0
    );
    assert_eq!(run(&["check", "--select", "PL1", CONFLICT_TOML]).status, 1);
    assert_eq!(
        run(&["check", "--select", "placement-hint-removed", CONFLICT_TOML]).status,
        0
    );
}

#[test]
fn usage_errors_exit_2_with_one_line() {
    for args in [
        vec!["check", "does/not/exist"],
        vec!["check", "--select", "PL999", CLEAN],
        vec!["check", "--output-format", "xml", CLEAN],
        vec!["rule", "PL999"],
    ] {
        let output = run(&args);
        assert_eq!(output.status, 2, "{args:?}: {}", output.transcript());
        assert!(!output.stderr.trim().is_empty(), "{args:?}: no message");
        assert!(
            output.stdout.is_empty(),
            "{args:?}: {}",
            output.transcript()
        );
    }
    let missing = run(&["check", "does/not/exist"]);
    insta::assert_snapshot!(missing.stderr, @"placement-lint: error: cannot read `does/not/exist`: no such file or folder");
}

#[test]
fn a_folder_without_configs_is_an_error() {
    let empty = tempfile::tempdir().unwrap();
    fs::write(empty.path().join("README.md"), "nothing here").unwrap();
    let output = run_in(empty.path(), &["check", "."]);
    assert_eq!(output.status, 2);
    assert!(
        output
            .stderr
            .contains("no wrangler.toml, wrangler.json or wrangler.jsonc found")
    );
}

#[test]
fn json_output_contract() {
    let output = run(&["check", "--output-format", "json", CONFLICT_TOML]);
    assert_eq!(output.status, 1);
    let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(value["version"], 1);
    assert_eq!(value["summary"]["files"], 1);
    assert_eq!(value["summary"]["errors"], 2);
    let first = &value["diagnostics"][0];
    for key in [
        "code",
        "name",
        "severity",
        "message",
        "file",
        "environments",
        "range",
        "fix",
        "url",
    ] {
        assert!(first.get(key).is_some(), "missing {key}: {first}");
    }
    assert_eq!(first["code"], "PL102");
    assert_eq!(first["file"], format!("{CONFLICT_TOML}/wrangler.toml"));
    assert_eq!(
        first["range"]["start"],
        serde_json::json!({"line": 6, "column": 8, "offset": 99})
    );
    assert_eq!(first["fix"]["applicability"], "unsafe");
    assert_eq!(
        value["diagnostics"][1]["environments"],
        serde_json::json!(["staging"])
    );
}

#[test]
fn json_columns_count_unicode_scalar_values() {
    let scratch = tempfile::tempdir().unwrap();
    fs::write(
        scratch.path().join("wrangler.toml"),
        // A var, not the Worker `name`: wrangler refuses a name with `é` (PL350).
        "vars = { GREETING = \"caf\u{e9}\" }\nplacement = { mode = \"\u{1f600}\" }\n",
    )
    .unwrap();
    let output = run_in(scratch.path(), &["check", "--output-format", "json", "."]);
    let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let range = &value["diagnostics"][0]["range"];
    assert_eq!(range["start"]["column"], 22);
    assert_eq!(range["end"]["column"], 25, "the emoji is one column");
    assert_eq!(
        range["end"]["offset"].as_u64().unwrap() - range["start"]["offset"].as_u64().unwrap(),
        6,
        "offsets are bytes"
    );
}

#[test]
fn concise_output_is_one_line_per_diagnostic() {
    let output = run(&["check", "--output-format", "concise", CONFLICT_TOML]);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn github_annotations() {
    let output = run(&["check", "--output-format", "github", CONFLICT_TOML]);
    insta::assert_snapshot!(output.stdout);
}

#[test]
fn sarif_output_shape() {
    let output = run(&["check", "--output-format", "sarif", CONFLICT_TOML]);
    let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(value["version"], "2.1.0");
    let run = &value["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), placement_analysis::all_rules().count());
    for rule in rules {
        assert!(rule["helpUri"].as_str().unwrap().contains("#pl"));
        assert!(!rule["help"]["text"].as_str().unwrap().is_empty());
    }
    let result = &run["results"][0];
    assert_eq!(result["ruleId"], "PL102");
    assert_eq!(result["level"], "error");
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        6
    );
    assert!(result["fixes"][0]["artifactChanges"][0]["replacements"].is_array());
    if let Some(schema) = std::env::var_os("SARIF_SCHEMA") {
        validate_with_check_jsonschema(&output.stdout, &schema);
    }
}

/// Validates against the official SARIF 2.1.0 schema with `check-jsonschema` (CI installs both
/// and sets `SARIF_SCHEMA`).
fn validate_with_check_jsonschema(sarif: &str, schema: &std::ffi::OsStr) {
    let scratch = tempfile::tempdir().unwrap();
    let file = scratch.path().join("out.sarif");
    fs::write(&file, sarif).unwrap();
    let status = std::process::Command::new("check-jsonschema")
        .arg("--schemafile")
        .arg(schema)
        .arg(&file)
        .status()
        .expect("check-jsonschema is installed when SARIF_SCHEMA is set");
    assert!(
        status.success(),
        "SARIF output does not match the 2.1.0 schema"
    );
}

#[test]
fn fix_writes_the_file_atomically_and_only_safe_fixes() {
    let scratch = tempfile::tempdir().unwrap();
    let config = scratch.path().join("wrangler.toml");
    let original =
        "name = \"w\"\n\n[placement]\nmode = \"smart\"\nhint = \"wnam\" # old\nregion = \"\"\n";
    fs::write(&config, original).unwrap();
    let output = run_in(scratch.path(), &["check", "--fix", "."]);
    // `hint` with a target is PL102 (an unsafe fix): --fix alone leaves it.
    assert_eq!(
        fs::read_to_string(&config).unwrap(),
        original,
        "{}",
        output.transcript()
    );
    fs::write(
        &config,
        "[placement]\nmode = \"smart\"\nhint = \"wnam\" # old\n",
    )
    .unwrap();
    let output = run_in(scratch.path(), &["check", "--fix", "."]);
    assert_eq!(output.status, 0, "{}", output.transcript());
    assert_eq!(
        fs::read_to_string(&config).unwrap(),
        "[placement]\nmode = \"smart\"\n"
    );
    assert!(
        output.stdout.contains("Fixed 1 problem."),
        "{}",
        output.stdout
    );
    let leftovers: Vec<_> = fs::read_dir(scratch.path()).unwrap().collect();
    assert_eq!(leftovers.len(), 1, "no temporary file left behind");
}

#[test]
fn suppression_comments() {
    let scratch = tempfile::tempdir().unwrap();
    fs::write(
        scratch.path().join("wrangler.toml"),
        "main = \"src/index.ts\"\ncompatibility_date = \"2025-01-15\"\n[placement]\nmode = \"smart\"\n# placement-lint-disable-next-line PL101, PL003\nhint = \"wnam\"\n",
    )
    .unwrap();
    fs::create_dir(scratch.path().join("src")).unwrap();
    fs::write(
        scratch.path().join("src/index.ts"),
        common::WORKER_WITH_ONE_BACKEND,
    )
    .unwrap();
    assert_eq!(
        run_in(scratch.path(), &["check", "--deny-warnings", "."]).status,
        0
    );
    fs::remove_file(scratch.path().join("wrangler.toml")).unwrap();
    fs::write(
        scratch.path().join("wrangler.jsonc"),
        "{\n  \"main\": \"src/index.ts\",\n  \"compatibility_date\": \"2025-01-15\",\n  \"placement\": {\n    \"mode\": \"smart\",\n    // placement-lint-disable-next-line PL101\n    \"hint\": \"x\"\n  }\n}\n",
    )
    .unwrap();
    assert_eq!(
        run_in(scratch.path(), &["check", "--deny-warnings", "."]).status,
        0
    );
}

#[test]
fn monorepo_root_jsonc_shadows_app_toml() {
    let output = run(&[
        "check",
        "--output-format",
        "json",
        "fixtures/rules/PL002-shadowed-config-file/toml/apps/api",
    ]);
    let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    let codes: Vec<&str> = value["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"PL002"), "{codes:?}");
    assert!(
        value["diagnostics"][0]["message"]
            .as_str()
            .unwrap()
            .contains("fixtures/rules/PL002-shadowed-config-file/toml/wrangler.jsonc")
    );
}

/// A shadowed config that the project's own scripts pass to wrangler with `--config` is used:
/// no PL002 then, whether the script is beside the file or at the root.
#[test]
fn a_config_chosen_by_a_script_is_not_shadowed() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    fs::create_dir_all(root.join("apps/api")).unwrap();
    fs::write(root.join("wrangler.jsonc"), "{ \"name\": \"root\" }\n").unwrap();
    fs::write(
        root.join("apps/api/wrangler.toml"),
        "name = \"api\"\ncompatibility_date = \"2025-06-01\"\n",
    )
    .unwrap();
    let shadowed_codes = || -> Vec<String> {
        let output = run_in(root, &["check", "--output-format", "json", "apps/api"]);
        let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
        value["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_owned())
            .filter(|code| code == "PL002")
            .collect()
    };
    assert_eq!(shadowed_codes(), ["PL002"]);

    fs::write(
        root.join("apps/api/package.json"),
        r#"{ "scripts": { "deploy": "wrangler deploy -c ./wrangler.toml" } }"#,
    )
    .unwrap();
    assert!(shadowed_codes().is_empty());

    fs::remove_file(root.join("apps/api/package.json")).unwrap();
    fs::write(
        root.join("package.json"),
        r#"{ "scripts": { "deploy:api": "pnpm -C apps/api build && npx wrangler deploy --config=apps/api/wrangler.toml" } }"#,
    )
    .unwrap();
    assert!(shadowed_codes().is_empty());
}

#[test]
fn walking_skips_node_modules_and_gitignored_folders() {
    let scratch = tempfile::tempdir().unwrap();
    let root = scratch.path();
    for folder in ["node_modules/pkg", ".wrangler/tmp", "ignored", "app"] {
        fs::create_dir_all(root.join(folder)).unwrap();
        fs::write(
            root.join(folder).join("wrangler.toml"),
            "placement = \"smart\"\n",
        )
        .unwrap();
    }
    fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
    let output = run_in(root, &["check", "--output-format", "json", "."]);
    let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(value["summary"]["files"], 1, "{}", output.stdout);
    assert_eq!(value["diagnostics"][0]["file"], "app/wrangler.toml");
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(root, root.join("app/loop")).unwrap();
        let output = run_in(root, &["check", "--output-format", "json", "."]);
        assert_eq!(
            output.status,
            1,
            "a symlink loop is harmless: {}",
            output.transcript()
        );
    }
}

#[test]
fn bad_input_never_panics() {
    let scratch = tempfile::tempdir().unwrap();
    // Invalid UTF-8 is read as wrangler reads it (U+FFFD), with a warning naming the byte.
    let folder = scratch.path().join("invalid-utf8");
    fs::create_dir_all(&folder).unwrap();
    // A var, not the Worker `name`: wrangler refuses a name of U+FFFD (PL350).
    fs::write(
        folder.join("wrangler.toml"),
        b"vars = { A = \"\xff\xfe\" }\n",
    )
    .unwrap();
    let output = run_in(&folder, &["check", "--output-format", "json", "."]);
    assert_eq!(output.status, 0, "{}", output.transcript());
    assert!(
        output.stdout.contains("\"PL006\"") && output.stdout.contains("byte 0xFF at offset 14"),
        "{}",
        output.stdout
    );
    let cases: Vec<(&str, &str, Vec<u8>)> = vec![
        ("nul", "wrangler.jsonc", b"{\"name\": \"a\0b\"}".to_vec()),
        ("nul-toml", "wrangler.toml", b"name = \"a\0b\"\n".to_vec()),
        (
            "deep-toml",
            "wrangler.toml",
            format!("a = {}{}\n", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        (
            "deep-json",
            "wrangler.json",
            format!("{{\"a\": {}{}}}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
        ),
        ("empty-json", "wrangler.json", Vec::new()),
    ];
    for (name, file, contents) in cases {
        let folder = scratch.path().join(name);
        fs::create_dir_all(&folder).unwrap();
        fs::write(folder.join(file), contents).unwrap();
        let output = run_in(&folder, &["check", "--output-format", "json", "."]);
        assert_eq!(output.status, 1, "{name}: {}", output.transcript());
        assert!(
            output.stdout.contains("\"PL001\""),
            "{name}: {}",
            output.stdout
        );
        assert!(
            !output.stderr.contains("panicked"),
            "{name}: {}",
            output.stderr
        );
        let human = run_in(&folder, &["check", "."]);
        assert_eq!(human.status, 1, "{name}: {}", human.transcript());
    }
}

/// Configs are read up to 10 MB (a real one is a few kilobytes): just under the limit is
/// checked, above it is refused with status 2 and a message naming the file and the limit.
#[test]
fn a_config_under_10_mb_is_checked_and_a_larger_one_refused() {
    let scratch = tempfile::tempdir().unwrap();
    fs::create_dir(scratch.path().join("src")).unwrap();
    fs::write(
        scratch.path().join("src/index.ts"),
        common::WORKER_WITH_ONE_BACKEND,
    )
    .unwrap();
    let config_of = |bytes: usize| {
        let mut text = String::from(
            "name = \"big\"\nmain = \"src/index.ts\"\ncompatibility_date = \"2025-01-15\"\n[placement]\nmode = \"smart\"\nhint = \"x\"\n[vars]\n",
        );
        let mut index = 0;
        while text.len() < bytes {
            text.push_str(&format!("VAR_{index} = \"{}\"\n", "v".repeat(64)));
            index += 1;
        }
        text
    };
    fs::write(scratch.path().join("wrangler.toml"), config_of(9_900_000)).unwrap();
    let output = run_in(scratch.path(), &["check", "--output-format", "json", "."]);
    assert_eq!(output.status, 0, "{}", output.stderr);
    let value: serde_json::Value = serde_json::from_str(&output.stdout).unwrap();
    assert_eq!(value["diagnostics"][0]["code"], "PL101");

    fs::write(
        scratch.path().join("wrangler.toml"),
        config_of(20 * 1024 * 1024),
    )
    .unwrap();
    let output = run_in(scratch.path(), &["check", "--output-format", "json", "."]);
    assert_eq!(output.status, 2, "{}", output.transcript());
    assert_eq!(
        output.stderr,
        "placement-lint: error: `wrangler.toml`: not read: it is larger than placement-lint's \
         limit of 10 MB for a file\n"
    );
}

#[test]
fn an_unreadable_file_exits_2() {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let scratch = tempfile::tempdir().unwrap();
        let config = scratch.path().join("wrangler.toml");
        fs::write(&config, "name = \"x\"\n").unwrap();
        fs::set_permissions(&config, fs::Permissions::from_mode(0o000)).unwrap();
        if fs::read(&config).is_ok() {
            return; // running as root: permissions do not stop reads
        }
        let output = run_in(scratch.path(), &["check", "wrangler.toml"]);
        assert_eq!(output.status, 2);
        assert!(output.stderr.contains("permission denied"));
    }
}

#[test]
fn rule_docs_and_list() {
    let output = run(&["rule", "PL101"]);
    assert_eq!(output.status, 0);
    assert!(output.stdout.contains("# PL101 (placement-hint-removed)"));
    assert!(output.stdout.contains("## Why is this bad?"));
    assert_eq!(
        run(&["rule", "placement-hint-removed"]).stdout,
        output.stdout
    );
    let list = run(&["rules"]);
    for rule in placement_analysis::all_rules() {
        assert!(list.stdout.contains(rule.code) && list.stdout.contains(rule.name));
    }
    let json = run(&["rules", "--output-format", "json"]);
    let value: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        value.as_array().unwrap().len(),
        placement_analysis::all_rules().count()
    );
}

#[test]
fn the_readme_lists_every_rule() {
    let readme = fs::read_to_string(repo_root().join("README.md")).unwrap();
    for rule in placement_analysis::all_rules() {
        let row = format!(
            "| {} | {} | {} | {} |",
            rule.code,
            rule.name,
            rule.severity.as_str(),
            rule.fix.describe()
        );
        assert!(readme.contains(&row), "README.md lacks the row `{row}`");
    }
}

/// The README's sample: config and project rules together in one monorepo.
#[test]
fn the_readme_demo() {
    let output = run(&["check", "fixtures/demo"]);
    assert_eq!(output.status, 1);
    insta::assert_snapshot!(output.transcript());
}

/// One LSP message with its header.
fn lsp_frame(body: &str) -> String {
    format!("Content-Length: {}\r\n\r\n{body}", body.len())
}

#[test]
fn server_accepts_the_transport_flags_clients_pass() {
    use std::io::{BufRead, BufReader, Read, Write};
    use std::process::{Command, Stdio};
    // vscode-languageclient appends `--stdio`; other clients add `--clientProcessId`.
    for args in [
        vec!["server"],
        vec!["server", "--stdio"],
        vec!["server", "--stdio", "--clientProcessId", "4242"],
        vec!["server", "--clientProcessId=4242", "--stdio"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_placement-lint"))
            .args(&args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary runs");
        let mut stdin = child.stdin.take().unwrap();
        let mut stdout = BufReader::new(child.stdout.take().unwrap());
        // Reads one framed message.
        let mut receive = || {
            let mut length = 0;
            loop {
                let mut header = String::new();
                stdout.read_line(&mut header).unwrap();
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                if let Some(value) = header.strip_prefix("Content-Length: ") {
                    length = value.parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            stdout.read_exact(&mut body).unwrap();
            String::from_utf8(body).unwrap()
        };
        let initialize =
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#;
        stdin.write_all(lsp_frame(initialize).as_bytes()).unwrap();
        let answer = receive();
        assert!(
            answer.contains(r#""serverInfo":{"name":"placement-lint""#),
            "{args:?}: {answer}"
        );
        // A client sends `exit` only once `shutdown` is answered.
        stdin
            .write_all(lsp_frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#).as_bytes())
            .unwrap();
        let answer = receive();
        assert!(answer.contains(r#""id":2"#), "{args:?}: {answer}");
        stdin
            .write_all(lsp_frame(r#"{"jsonrpc":"2.0","method":"exit"}"#).as_bytes())
            .unwrap();
        drop(stdin);
        assert_eq!(child.wait().unwrap().code(), Some(0), "{args:?}");
    }
}

#[test]
fn server_refuses_other_transports_with_a_clear_message() {
    for (args, flag) in [
        (vec!["server", "--socket=5007"], "--socket"),
        (vec!["server", "--port", "5007"], "--port"),
        (vec!["server", "--pipe=/tmp/placement-lint.sock"], "--pipe"),
        (vec!["server", "--node-ipc"], "--node-ipc"),
    ] {
        let output = run(&args);
        assert_eq!(output.status, 2, "{args:?}: {}", output.transcript());
        assert_eq!(
            output.stderr.trim(),
            format!(
                "placement-lint: error: the language server speaks LSP over stdio only; `{flag}` \
                 is not supported (start it with `placement-lint server --stdio`)"
            ),
            "{args:?}"
        );
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}
