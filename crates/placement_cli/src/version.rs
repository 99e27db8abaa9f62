//! What `placement-lint --version` prints.

/// The wrangler release whose `config-schema.json` the key catalog (PL003) was taken from. It is
/// the version pinned in `tests/wrangler/package.json`, which the catalog drift test
/// (`catalog_matches_wrangler`) compares the catalog with; the `version` test keeps the two equal.
/// A macro, so that `concat!` can build the version line at compile time.
macro_rules! catalog_wrangler_version {
    () => {
        "4.164.0"
    };
}

pub const CATALOG_WRANGLER_VERSION: &str = catalog_wrangler_version!();

/// `placement-lint 0.1.0 (key catalog from wrangler 4.164.0)`, for `--version` and `-V`.
pub const VERSION: &str = concat!(
    env!("CARGO_PKG_VERSION"),
    " (key catalog from wrangler ",
    catalog_wrangler_version!(),
    ")"
);
