//! `placement-lint --version` names the wrangler release the key catalog was taken from, and that
//! is the wrangler pinned in `tests/wrangler/package.json`, which the catalog drift test
//! (`placement_analysis/tests/catalog_matches_wrangler.rs`) compares the catalog with. Bumping
//! the pin without the version line (or the reverse) fails here.

mod common;

use common::{repo_root, run_in};

fn pinned_wrangler() -> String {
    let path = repo_root().join("tests/wrangler/package.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
    let manifest: serde_json::Value = serde_json::from_str(&text).expect("package.json is JSON");
    manifest["dependencies"]["wrangler"]
        .as_str()
        .expect("tests/wrangler pins wrangler")
        .to_owned()
}

#[test]
fn version_names_the_pinned_wrangler() {
    let pinned = pinned_wrangler();
    assert!(
        pinned.chars().all(|c| c.is_ascii_digit() || c == '.'),
        "tests/wrangler must pin an exact wrangler version, not `{pinned}`"
    );
    assert_eq!(placement_cli::version::CATALOG_WRANGLER_VERSION, pinned);
    let expected = format!(
        "placement-lint {} (key catalog from wrangler {pinned})\n",
        env!("CARGO_PKG_VERSION")
    );
    for flag in ["--version", "-V"] {
        let output = run_in(&repo_root(), &[flag]);
        assert_eq!(output.status, 0, "{flag}: {}", output.stderr);
        assert_eq!(output.stdout, expected, "{flag}");
        assert_eq!(output.stderr, "", "{flag}");
    }
}
