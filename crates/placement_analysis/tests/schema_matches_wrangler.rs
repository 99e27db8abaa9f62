//! The generated key catalog (`src/schema/generated.rs`) is what `scripts/generate-catalog.mjs`
//! makes of the pinned wrangler today: a wrangler upgrade that changes a key, a type, a
//! description, the inheritance lists or the deprecations fails here until it is regenerated.

mod support;

use std::path::Path;

#[test]
fn generated_catalog_is_current() {
    let Some(package) = support::installed_wrangler("schema_matches_wrangler") else {
        return;
    };
    let repository = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let scratch = tempfile::tempdir().expect("scratch directory");
    let output = support::node_command(scratch.path())
        .arg(repository.join("scripts/generate-catalog.mjs"))
        .arg("--stdout")
        .env("WRANGLER_DIR", &package)
        .output()
        .expect("run node scripts/generate-catalog.mjs");
    assert!(
        output.status.success(),
        "generate-catalog.mjs failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let generated = String::from_utf8(output.stdout).expect("UTF-8 output");
    let committed = include_str!("../src/schema/generated.rs");
    assert!(
        generated == committed,
        "src/schema/generated.rs is stale for the installed wrangler; run \
         `node scripts/generate-catalog.mjs` and review the diff"
    );
}
