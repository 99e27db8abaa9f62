//! Completion: where the cursor is (`cursor`), then what may be typed there (`items`).

pub mod cursor;
mod items;

use placement_analysis::syntax::Format;

use crate::knowledge::scope_relative;
pub use cursor::CursorContext;
use cursor::{Slot, cursor_context};
pub use items::{Item, ItemKind};

/// The items for the cursor at byte `offset` of `text`.
pub fn complete(text: &str, format: Format, offset: usize) -> Option<(CursorContext, Vec<Item>)> {
    let context = cursor_context(text, format, offset)?;
    let path: Vec<&str> = context.table.iter().map(String::as_str).collect();
    let table = scope_relative(&path);
    let table = match table {
        [] => "",
        ["env"] => return None,
        [name] => *name,
        _ => return None,
    };
    let items = match &context.slot {
        Slot::Key => items::key_items(table, format, context.quoted),
        Slot::Value { key } => items::value_items(table, key, context.quoted),
    };
    Some((context, items))
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
    }
}
