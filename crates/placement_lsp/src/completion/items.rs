//! The completion items for a place in the config: keys of `placement` and `assets` (and the
//! top-level keys that matter for placement), `mode` values, cloud region ids after `region`,
//! booleans for `run_worker_first`.

use placement_analysis::catalog;
use placement_analysis::syntax::Format;

use crate::knowledge;

/// One completion item, with the text that replaces the typed word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    pub label: String,
    pub insert: String,
    pub detail: Option<String>,
    pub documentation: Option<String>,
    pub kind: ItemKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    Key,
    Value,
}

/// The keys that may be typed in `table` (`""`: the top level or an environment), quoted in
/// JSON unless the user already opened the quote.
pub fn key_items(table: &str, format: Format, quoted: bool) -> Vec<Item> {
    let keys: &[&str] = match table {
        "placement" => catalog::PLACEMENT_KEYS,
        "assets" => catalog::ASSETS_KEYS,
        "" => &[],
        _ => return Vec::new(),
    };
    let documented_top_level = knowledge::KEYS
        .iter()
        .filter(|doc| table.is_empty() && doc.table.is_empty())
        .map(|doc| doc.key);
    keys.iter()
        .copied()
        .chain(documented_top_level)
        .map(|key| {
            let doc = knowledge::key_doc(table, key);
            let insert = if format == Format::Json && !quoted {
                format!("\"{key}\"")
            } else {
                key.to_owned()
            };
            Item {
                label: key.to_owned(),
                insert,
                detail: doc.map(|doc| doc.values.replace('`', "")),
                documentation: doc.map(knowledge::key_markdown),
                kind: ItemKind::Key,
            }
        })
        .collect()
}

/// The values that may be typed for `key` of `table`, quoted unless the user already opened the
/// quote.
pub fn value_items(table: &str, key: &str, quoted: bool) -> Vec<Item> {
    let string_item = |value: String, documentation: Option<String>, detail: Option<String>| {
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
        }
    };
    match (table, key) {
        ("placement", "mode") => catalog::PLACEMENT_MODES
            .iter()
            .map(|mode| {
                let doc = knowledge::value_doc("placement", "mode", mode);
                string_item((*mode).to_owned(), doc.map(knowledge::value_markdown), None)
            })
            .collect(),
        ("placement", "region") => catalog::CLOUD_REGIONS
            .iter()
            .flat_map(|(provider, regions)| {
                regions.iter().map(move |region| {
                    string_item(
                        format!("{provider}:{region}"),
                        None,
                        Some(format!("{} region", provider.to_uppercase())),
                    )
                })
            })
            .collect(),
        // A boolean cannot go inside quotes.
        ("assets", "run_worker_first") if !quoted => ["true", "false"]
            .iter()
            .map(|value| Item {
                label: (*value).to_owned(),
                insert: (*value).to_owned(),
                detail: None,
                documentation: knowledge::value_doc("assets", "run_worker_first", value)
                    .map(knowledge::value_markdown),
                kind: ItemKind::Value,
            })
            .collect(),
        _ => Vec::new(),
    }
}
