//! The key catalog (what PL003 knows) equals the `config-schema.json` shipped by the pinned
//! wrangler, so a wrangler upgrade that adds or removes keys fails here instead of drifting.

mod support;

use std::collections::BTreeSet;

use placement_analysis::catalog::{PLACEMENT_KEYS, PLACEMENT_MODES};
use placement_analysis::schema::{Key, Shape, shape_at};
use serde_json::Value as Json;

fn schema() -> Option<Json> {
    let package = support::installed_wrangler("catalog_matches_wrangler")?;
    let path = package.join("config-schema.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()));
    Some(serde_json::from_str(&text).expect("config-schema.json is JSON"))
}

fn definition<'a>(schema: &'a Json, name: &str) -> &'a Json {
    schema
        .pointer(&format!("/definitions/{name}"))
        .unwrap_or_else(|| panic!("config-schema.json has no definitions.{name}"))
}

fn property_names(object: &Json, what: &str) -> BTreeSet<String> {
    object["properties"]
        .as_object()
        .unwrap_or_else(|| panic!("{what} has no properties"))
        .keys()
        .cloned()
        .collect()
}

/// Fails with the keys missing from the catalog and the ones wrangler no longer knows.
#[track_caller]
fn assert_same_keys(catalog_name: &str, catalog: &[&str], schema_keys: &BTreeSet<String>) {
    let catalog_keys: BTreeSet<String> = catalog.iter().map(|key| (*key).to_owned()).collect();
    assert_eq!(
        catalog.len(),
        catalog_keys.len(),
        "{catalog_name} lists a key twice"
    );
    let missing: Vec<_> = schema_keys.difference(&catalog_keys).collect();
    let unknown: Vec<_> = catalog_keys.difference(schema_keys).collect();
    assert!(
        missing.is_empty() && unknown.is_empty(),
        "{catalog_name} differs from wrangler's config-schema.json:\n  missing from the catalog: \
         {missing:?}\n  not in the schema: {unknown:?}"
    );
}

/// The keys of the generated catalog at a place that come from the schema (not the ones only
/// wrangler's validation code knows).
fn catalog_keys(shape: Shape) -> Vec<&'static str> {
    shape
        .keys()
        .filter(|key| !key.is_validation_only())
        .map(Key::name)
        .collect()
}

#[test]
fn scope_keys_match_the_schema() {
    let Some(schema) = schema() else { return };
    let at = |path: &[&str]| {
        shape_at(path)
            .and_then(Shape::object)
            .expect("in the catalog")
    };
    for (place, shape, definition_name) in [
        ("the top level", Shape::root(), "RawConfig"),
        ("an environment", Shape::environment(), "RawEnvironment"),
        ("previews", at(&["previews"]), "PreviewsConfig"),
        ("assets", at(&["assets"]), "Assets"),
    ] {
        let keys = property_names(definition(&schema, definition_name), definition_name);
        assert_same_keys(place, &catalog_keys(shape), &keys);
    }
}

/// Follows a local `$ref` (`#/definitions/...`), which the schema uses for shared shapes.
fn resolve<'a>(schema: &'a Json, mut value: &'a Json) -> &'a Json {
    while let Some(reference) = value.get("$ref").and_then(Json::as_str) {
        let pointer = reference
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("non-local $ref {reference}"));
        value = schema
            .pointer(pointer)
            .unwrap_or_else(|| panic!("dangling $ref {reference}"));
    }
    value
}

/// The `placement` schema of every scope that has one: an `anyOf` of the smart and targeted
/// shapes.
fn placement_variants<'a>(schema: &'a Json, scope: &str) -> &'a [Json] {
    let placement = definition(schema, scope)
        .pointer("/properties/placement")
        .unwrap_or_else(|| panic!("{scope} has no placement"));
    resolve(schema, placement)["anyOf"]
        .as_array()
        .unwrap_or_else(|| panic!("{scope}.placement is not an anyOf"))
}

#[test]
fn placement_keys_and_modes_match_the_schema() {
    let Some(schema) = schema() else { return };
    // `PreviewsConfig.placement` is left out: in wrangler 4.164's schema it is a `$ref` to the
    // whole inheritable-environment interface (a schema generator artefact for an indexed
    // type); wrangler's code validates `previews.placement` exactly like the top level's.
    for scope in ["RawConfig", "RawEnvironment"] {
        let variants = placement_variants(&schema, scope);
        let keys: BTreeSet<String> = variants
            .iter()
            .flat_map(|variant| {
                property_names(resolve(&schema, variant), &format!("{scope}.placement"))
            })
            .collect();
        assert_same_keys("PLACEMENT_KEYS", PLACEMENT_KEYS, &keys);

        // Each variant names its modes in `enum` or `const`.
        let modes: BTreeSet<String> = variants
            .iter()
            .filter_map(|variant| resolve(&schema, variant).pointer("/properties/mode"))
            .flat_map(|mode| {
                let listed = mode["enum"].as_array().cloned().unwrap_or_default();
                listed.into_iter().chain(mode.get("const").cloned())
            })
            .filter_map(|mode| mode.as_str().map(str::to_owned))
            .collect();
        assert_same_keys("PLACEMENT_MODES", PLACEMENT_MODES, &modes);
    }
}
