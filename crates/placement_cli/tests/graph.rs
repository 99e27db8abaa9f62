//! `placement-lint graph`: the Workers of a tree as Mermaid, DOT and JSON.

mod common;

use common::{repo_root, run};

fn graph(args: &[&str]) -> String {
    let mut all = vec!["graph"];
    all.extend_from_slice(args);
    let output = run(&all);
    assert_eq!(output.status, 0, "{}", output.transcript());
    assert!(output.stderr.is_empty(), "{}", output.transcript());
    output.stdout
}

/// A cycle (a calls b, b calls a), a Worker missing from the tree, a Durable Object of another
/// script, a tail consumer and an environment's own binding, in each format.
#[test]
fn draws_cycles_and_missing_workers_in_every_format() {
    insta::assert_snapshot!("graph-mermaid", graph(&["fixtures/graph"]));
    insta::assert_snapshot!("graph-dot", graph(&["--format", "dot", "fixtures/graph"]));
    let json: serde_json::Value =
        serde_json::from_str(&graph(&["--format", "json", "fixtures/graph"])).unwrap();
    assert_eq!(json["missing"], serde_json::json!(["billing", "rooms"]));
    insta::assert_json_snapshot!("graph-json", json);
}

/// The README shows this graph of `fixtures/demo`: keep the two the same.
#[test]
fn the_readme_shows_the_demo_graph() {
    let mermaid = graph(&["fixtures/demo"]);
    insta::assert_snapshot!("graph-demo-mermaid", mermaid);
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```mermaid\n{mermaid}```")),
        "README.md must show `placement-lint graph fixtures/demo` as a mermaid block:\n{mermaid}"
    );
}

#[test]
fn a_folder_without_configs_is_a_usage_error() {
    let empty = tempfile::tempdir().unwrap();
    let output = common::run_in(empty.path(), &["graph"]);
    assert_eq!(output.status, 2, "{}", output.transcript());
    assert!(output.stderr.contains("no wrangler.toml"));
}

/// A tree outside the working directory is named by its absolute path, as `check` names it.
#[test]
fn absolute_paths_are_shown_as_they_are() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("api/wrangler.toml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    std::fs::write(
        &config,
        "name = \"api\"\nmain = \"index.js\"\ncompatibility_date = \"2025-06-01\"\n",
    )
    .unwrap();
    let shown = config.to_string_lossy().replace('\\', "/");
    let json: serde_json::Value =
        serde_json::from_str(&graph(&["--format", "json", dir.path().to_str().unwrap()])).unwrap();
    assert_eq!(json["workers"][0]["config"], serde_json::json!(shown));
}
