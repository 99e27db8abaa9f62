//! Hover: the docs of the key or value under the cursor, found in the analysis crate's spanned
//! tree so that TOML and JSONC behave the same. Every key wrangler knows is documented, at
//! every depth and in every environment; an environment's name shows what it inherits.

use placement_analysis::Span;
use placement_analysis::syntax::{self, Format, Node, NodeKind, Table};

use crate::knowledge;

/// What the cursor is on.
#[derive(Debug, PartialEq)]
pub struct HoverInfo {
    pub markdown: String,
    pub span: Span,
}

/// The hover for byte `offset` of `text`, if the cursor is on a known key, a documented value
/// or an environment's name.
pub fn hover(text: &str, format: Format, offset: usize) -> Option<HoverInfo> {
    let parsed = syntax::parse(text, format);
    let mut path = Vec::new();
    let hit = find(&parsed.root, offset, &mut path)?;
    let markdown = match &hit {
        Hit::Key { path, .. } if matches!(path.as_slice(), ["env", _]) => {
            knowledge::environment_markdown(&parsed.root, path[1], text)
        }
        Hit::Key { path, .. } => {
            let found = knowledge::catalog_key(path)?;
            knowledge::catalog_key_markdown(&found, Some(&parsed.root), text, true)
        }
        Hit::Value { path, node } => value_markdown(path, node, &parsed.root, text)?,
    };
    let span = match hit {
        Hit::Key { span, .. } => span,
        Hit::Value { node, .. } => node.span,
    };
    Some(HoverInfo { markdown, span })
}

/// A documented value's docs, else its key's.
fn value_markdown(path: &[&str], node: &Node, root: &Table, text: &str) -> Option<String> {
    let value = match &node.kind {
        NodeKind::String(value) => value.clone(),
        NodeKind::Bool(value) => value.to_string(),
        _ => return None,
    };
    if let Some(doc) = knowledge::placement_doc_key(path)
        .and_then(|(table, key)| knowledge::value_doc(table, key, &value))
    {
        return Some(knowledge::value_markdown(doc));
    }
    // An undocumented value still gets the key's docs, accepted values included.
    let found = knowledge::catalog_key(path)?;
    Some(knowledge::catalog_key_markdown(
        &found,
        Some(root),
        text,
        true,
    ))
}

enum Hit<'a> {
    Key { path: Vec<&'a str>, span: Span },
    Value { path: Vec<&'a str>, node: &'a Node },
}

/// Walks every entry (a `[header]` table's entries lie outside its node's span, so spans cannot
/// prune the walk) and returns the key or scalar value holding `offset`.
fn find<'a>(table: &'a Table, offset: usize, path: &mut Vec<&'a str>) -> Option<Hit<'a>> {
    for entry in table.entries() {
        path.push(&entry.key);
        if entry.key_span.contains(offset) {
            return Some(Hit::Key {
                path: path.clone(),
                span: entry.key_span,
            });
        }
        if let Some(hit) = find_in_node(&entry.value, offset, path) {
            return Some(hit);
        }
        path.pop();
    }
    None
}

fn find_in_node<'a>(node: &'a Node, offset: usize, path: &mut Vec<&'a str>) -> Option<Hit<'a>> {
    match &node.kind {
        NodeKind::Table(table) => find(table, offset, path),
        NodeKind::Array(items) => items
            .iter()
            .find_map(|item| find_in_node(item, offset, path)),
        _ if node.span.contains(offset) => Some(Hit::Value {
            path: path.clone(),
            node,
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hover_at(text: &str, format: Format, needle: &str) -> Option<HoverInfo> {
        let offset = text.find(needle).expect("needle") + 1;
        hover(text, format, offset)
    }

    #[test]
    fn keys_and_values_in_toml() {
        let text = "name = \"w\"\n[env.staging.placement]\nmode = \"smart\"\n[assets]\nrun_worker_first = true\n";
        let mode = hover_at(text, Format::Toml, "mode").unwrap();
        assert!(mode.markdown.contains("`placement.mode`"));
        assert!(mode.markdown.contains("\"targeted\""));
        let smart = hover_at(text, Format::Toml, "\"smart\"").unwrap();
        assert!(
            smart
                .markdown
                .contains("Smart Placement: Cloudflare measures")
        );
        let first = hover_at(text, Format::Toml, "true").unwrap();
        assert!(first.markdown.contains("run_worker_first = true"));
        let name = hover_at(text, Format::Toml, "name").unwrap();
        assert!(
            name.markdown.starts_with("**`name`** · string"),
            "{}",
            name.markdown
        );
        assert!(hover_at("nmae = 1\n", Format::Toml, "nmae").is_none());
    }

    #[test]
    fn keys_and_values_in_jsonc() {
        let text = "{\n  // c\n  \"placement\": { \"mode\": \"off\" },\n  \"main\": \"src/index.ts\",\n}\n";
        let placement = hover_at(text, Format::Json, "placement").unwrap();
        assert!(placement.markdown.starts_with("**`placement`**"));
        let off = hover_at(text, Format::Json, "\"off\"").unwrap();
        assert!(off.markdown.contains("Default placement"));
        assert_eq!(&text[off.span.start..off.span.end], "\"off\"");
        let main = hover_at(text, Format::Json, "\"main\"").unwrap();
        assert!(main.markdown.contains("assets-only Worker"));
    }
}
