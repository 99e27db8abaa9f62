//! Completion: where the cursor is (`cursor`), then what may be typed there (`items`).

pub mod cursor;
mod items;

use placement_analysis::Span;
use placement_analysis::syntax::{self, Format, NodeKind, Table};

pub use cursor::CursorContext;
use cursor::{Slot, cursor_context};
pub use items::{Item, ItemKind};

/// The items for the cursor at byte `offset` of `text` (the whole document: keys already in
/// the cursor's table are not offered again).
pub fn complete(text: &str, format: Format, offset: usize) -> Option<(CursorContext, Vec<Item>)> {
    let context = cursor_context(text, format, offset)?;
    let path: Vec<&str> = context.table.iter().map(String::as_str).collect();
    let items = match &context.slot {
        Slot::Key => {
            let parsed = syntax::parse(text, format);
            let typed = Span::new(context.prefix_start, offset);
            let present = present_keys(&parsed.root, &path, typed);
            let written = items::Written {
                text,
                root: &parsed.root,
                present: &present,
            };
            items::key_items(&path, format, context.quoted, &written)
        }
        Slot::Value { key } => items::value_items(&path, key, context.quoted),
    };
    Some((context, items))
}

/// The keys written in the table at `path` around the cursor, except the word being typed
/// (`typed`), which the half-typed document may hold as a key. In an array of tables, the
/// entry the cursor is in: the last one starting before it.
fn present_keys(root: &Table, path: &[&str], typed: Span) -> Vec<String> {
    let mut table = root;
    for segment in path {
        let Some(entry) = table.get(segment) else {
            return Vec::new();
        };
        table = match &entry.value.kind {
            NodeKind::Table(inner) => inner,
            NodeKind::Array(items) => {
                let Some(item) = items
                    .iter()
                    .rev()
                    .filter(|item| item.span.start <= typed.start)
                    .find_map(|item| item.as_table())
                else {
                    return Vec::new();
                };
                item
            }
            _ => return Vec::new(),
        };
    }
    table
        .entries()
        .iter()
        .filter(|entry| !(entry.key_span.start <= typed.end && typed.start <= entry.key_span.end))
        .map(|entry| entry.key.clone())
        .collect()
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// The text without its `|`, and the cursor's offset where the `|` was.
    pub fn split_cursor(text_with_cursor: &str) -> (String, usize) {
        let offset = text_with_cursor.find('|').expect("cursor");
        (text_with_cursor.replacen('|', "", 1), offset)
    }

    fn labels(text_with_cursor: &str, format: Format) -> Vec<String> {
        let (text, offset) = split_cursor(text_with_cursor);
        complete(&text, format, offset)
            .map(|(_, items)| items.into_iter().map(|item| item.label).collect())
            .unwrap_or_default()
    }

    #[test]
    fn items_by_place() {
        assert_eq!(
            labels("[placement]\nmode = |", Format::Toml),
            ["off", "smart", "targeted"]
        );
        assert!(labels("[placement]\n|", Format::Toml).contains(&"hostname".to_owned()));
        assert!(labels("{\"assets\": {|", Format::Json).contains(&"run_worker_first".to_owned()));
        assert_eq!(
            labels("[assets]\nrun_worker_first = |", Format::Toml),
            ["true", "false"]
        );
        assert!(
            labels("[placement]\nregion = \"|", Format::Toml).contains(&"aws:us-east-1".to_owned())
        );
        assert!(labels("[vars]\n|", Format::Toml).is_empty());
        assert!(labels("[env]\n|", Format::Toml).is_empty());
    }

    #[test]
    fn deprecated_keys_are_offered_marked() {
        let (text, offset) = split_cursor("[[containers]]\nclass_name = \"S\"\n|");
        let (_, items) = complete(&text, Format::Toml, offset).expect("items");
        let instances = items
            .iter()
            .find(|item| item.label == "instances")
            .expect("the deprecated `instances` is offered");
        assert!(instances.deprecated);
        let max_instances = items
            .iter()
            .find(|item| item.label == "max_instances")
            .expect("its replacement is offered");
        assert!(!max_instances.deprecated);
    }

    #[test]
    fn every_known_key_at_every_depth_but_not_twice() {
        let build = labels("[build]\ncommand = \"x\"\n|", Format::Toml);
        assert!(build.contains(&"watch_dir".to_owned()), "{build:?}");
        assert!(!build.contains(&"command".to_owned()));
        let d1 = labels(
            "{ \"d1_databases\": [{ \"binding\": \"DB\", | }] }",
            Format::Json,
        );
        assert!(
            d1.contains(&"\"database_id\"".to_owned()) || d1.contains(&"database_id".to_owned()),
            "{d1:?}"
        );
        assert!(!d1.iter().any(|label| label == "binding"));
        let toml_d1 = labels(
            "[[d1_databases]]\nbinding = \"A\"\n[[d1_databases]]\n|",
            Format::Toml,
        );
        assert!(
            toml_d1.contains(&"binding".to_owned()),
            "a new entry: {toml_d1:?}"
        );
        let env = labels("main = \"a.ts\"\n[env.staging]\nvars = {}\n|", Format::Toml);
        assert!(env.contains(&"main".to_owned()) && !env.contains(&"vars".to_owned()));
        assert!(
            !env.contains(&"node_compat".to_owned()),
            "removed keys are not offered"
        );
        assert!(
            !env.contains(&"keep_vars".to_owned()),
            "top-level-only keys: {env:?}"
        );
        assert_eq!(
            labels("[observability.logs]\nenabled = |", Format::Toml),
            ["true", "false"]
        );
        assert!(labels("[assets]\nhtml_handling = \"|", Format::Toml).contains(&"none".to_owned()));
    }
}
