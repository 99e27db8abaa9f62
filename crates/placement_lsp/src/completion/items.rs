//! The completion items for a place in the config: the keys wrangler knows in the table at the
//! cursor (from the generated catalog, placement docs where there are some), and values where
//! they are a closed set: `mode` values and cloud region ids in `placement`, schema enums,
//! booleans.

use placement_analysis::catalog;
use placement_analysis::schema::Status;
use placement_analysis::syntax::{Format, Table};

use crate::knowledge;

/// One completion item, with the text that replaces the typed word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub insert: String,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub kind: ItemKind,
    /// A key wrangler calls deprecated: offered after the others, struck through.
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Key,
    Value,
}

/// The document around the cursor: what is already written there.
pub struct Written<'a> {
    pub text: &'a str,
    pub root: &'a Table,
    /// Keys already in the table at the cursor (not offered again).
    pub present: &'a [String],
}

/// The keys that may be typed in the table at `path` (from the root), quoted in JSON unless
/// the user already opened the quote. Deprecated keys come last, marked; removed keys (which
/// wrangler refuses) are not offered.
pub fn key_items(path: &[&str], format: Format, quoted: bool, written: &Written) -> Vec<Item> {
    let Some(shape) = knowledge::table_shape(path) else {
        return Vec::new();
    };
    shape
        .keys()
        .filter(|key| !key.is_removed())
        .filter(|key| !written.present.iter().any(|present| present == key.name()))
        .filter_map(|key| {
            let mut key_path = path.to_vec();
            key_path.push(key.name());
            let found = knowledge::catalog_key(&key_path)?;
            let placement_doc =
                knowledge::placement_doc_key(&key_path).and_then(|(t, k)| knowledge::key_doc(t, k));
            let insert = if format == Format::Json && !quoted {
                format!("\"{}\"", key.name())
            } else {
                key.name().to_owned()
            };
            Some(Item {
                label: key.name().to_owned(),
                insert,
                detail: Some(placement_doc.map_or_else(
                    || knowledge::type_detail(key),
                    |doc| doc.values.replace('`', ""),
                )),
                documentation: Some(knowledge::catalog_key_markdown(
                    &found,
                    Some(written.root),
                    written.text,
                    false,
                )),
                kind: ItemKind::Key,
                deprecated: matches!(key.status(), Status::Deprecated { .. }),
            })
        })
        .collect()
}

/// The values that may be typed for `key` of the table at `path`, quoted unless the user
/// already opened the quote.
pub fn value_items(path: &[&str], key: &str, quoted: bool) -> Vec<Item> {
    let mut key_path = path.to_vec();
    key_path.push(key);
    let placement = knowledge::placement_doc_key(&key_path)
        .map(|(table, key)| placement_value_items(table, key, quoted))
        .unwrap_or_default();
    if !placement.is_empty() {
        return placement;
    }
    let Some(found) = knowledge::catalog_key(&key_path) else {
        return Vec::new();
    };
    let shape = found.key.shape();
    if !shape.enum_values().is_empty() {
        return shape
            .enum_values()
            .iter()
            .map(|value| string_item((*value).to_owned(), quoted, None, None))
            .collect();
    }
    if shape
        .types()
        .contains(placement_analysis::schema::Types::BOOLEAN)
        && !quoted
    {
        return boolean_items(|_| None);
    }
    Vec::new()
}

fn string_item(
    value: String,
    quoted: bool,
    documentation: Option<String>,
    detail: Option<String>,
) -> Item {
    let insert = if quoted {
        value.clone()
    } else {
        format!("\"{value}\"")
    };
    Item {
        label: value,
        insert,
        detail,
        documentation,
        kind: ItemKind::Value,
        deprecated: false,
    }
}

/// `true` and `false` (a boolean cannot go inside quotes).
fn boolean_items(documentation: impl Fn(&str) -> Option<String>) -> Vec<Item> {
    ["true", "false"]
        .iter()
        .map(|value| Item {
            label: (*value).to_owned(),
            insert: (*value).to_owned(),
            detail: None,
            documentation: documentation(value),
            kind: ItemKind::Value,
            deprecated: false,
        })
        .collect()
}

/// The values the placement docs describe: `mode`, region ids, `run_worker_first`.
fn placement_value_items(table: &str, key: &str, quoted: bool) -> Vec<Item> {
    match (table, key) {
        ("placement", "mode") => catalog::PLACEMENT_MODES
            .iter()
            .map(|mode| {
                let doc = knowledge::value_doc("placement", "mode", mode);
                string_item(
                    (*mode).to_owned(),
                    quoted,
                    doc.map(knowledge::value_markdown),
                    None,
                )
            })
            .collect(),
        ("placement", "region") => catalog::CLOUD_REGIONS
            .iter()
            .flat_map(|(provider, regions)| {
                regions.iter().map(move |region| {
                    string_item(
                        format!("{provider}:{region}"),
                        quoted,
                        None,
                        Some(format!("{} region", provider.to_uppercase())),
                    )
                })
            })
            .collect(),
        ("assets", "run_worker_first") if !quoted => boolean_items(|value| {
            knowledge::value_doc("assets", "run_worker_first", value).map(knowledge::value_markdown)
        }),
        _ => Vec::new(),
    }
}
