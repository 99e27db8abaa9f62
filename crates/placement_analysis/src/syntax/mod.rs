//! One spanned tree for TOML and JSON(C), in document order.
//!
//! Both formats lower into [`Table`]/[`Node`] so that every rule is written once. Parsing never
//! fails: it returns whatever could be read together with the syntax errors found.

mod json;
mod reparse;
mod toml;
#[cfg(any(test, feature = "toml-reference"))]
mod toml_reference;

pub use reparse::reparse;

use crate::span::Span;

/// Where the TOML lowering and the former `DeTable` lowering disagree on `text`, if anywhere:
/// for the differential fuzz target (`fuzz/fuzz_targets/toml_lowering.rs`).
#[cfg(feature = "toml-reference")]
#[doc(hidden)]
pub fn toml_lowering_disagreement(text: &str) -> Option<String> {
    toml_reference::disagreement(text)
}

/// The configuration's file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    Toml,
    /// `wrangler.json` and `wrangler.jsonc`: both allow comments and trailing commas.
    Json,
}

impl Format {
    /// The format of a wrangler config file name, if it is one.
    pub fn from_file_name(name: &str) -> Option<Format> {
        match name {
            "wrangler.toml" => Some(Format::Toml),
            "wrangler.json" | "wrangler.jsonc" => Some(Format::Json),
            _ => None,
        }
    }

    /// The line comment marker.
    pub fn comment_prefix(self) -> &'static str {
        match self {
            Format::Toml => "#",
            Format::Json => "//",
        }
    }
}

/// How a table was written; rules and fixes depend on it (a key under a `[header]` is on its own
/// line, an inline table's entries are comma separated).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableStyle {
    /// The document itself.
    Root,
    /// `[name]` or an element of `[[name]]`; the node's span is the header.
    Header,
    /// `name = { ... }` in TOML.
    Inline,
    /// Created by a dotted key (`name.key = ...`) or as the parent of a header (`[env.x]`
    /// creates `env`); the node's span is the first key naming it.
    Implicit,
    /// A JSON object.
    Object,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub style: TableStyle,
    entries: Vec<Entry>,
    /// One bit per key, from [`key_bit`]: [`Table::get`] of a key whose bit is clear returns
    /// at once. The rules ask every scope for dozens of keys it does not have, and a config can
    /// have thousands of scopes. The keys are fixed at construction so the bits stay true.
    key_bits: u64,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    pub key: String,
    /// The key as written (in JSON with its quotes). For a dotted TOML key, only its last part.
    pub key_span: Span,
    pub value: Node,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: NodeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NodeKind {
    Table(Table),
    Array(Vec<Node>),
    String(String),
    /// Integers and floats, as written.
    Number(String),
    Bool(bool),
    Datetime(String),
    Null,
}

/// `items` mapped into a vector of exactly their number. `collect` would reuse the larger
/// source allocation in place, and the tree (which the language server keeps for each large
/// config) would hold the difference as spare capacity: a third of it once.
pub(crate) fn map_exact<T, U>(items: Vec<T>, mut map: impl FnMut(T) -> U) -> Vec<U> {
    let mut mapped = Vec::with_capacity(items.len());
    for item in items {
        mapped.push(map(item));
    }
    mapped
}

/// The bit a key sets in [`Table`]'s `key_bits`: a hash of its length and three of its bytes,
/// cheap enough to compute on every lookup.
fn key_bit(key: &str) -> u64 {
    let bytes = key.as_bytes();
    let byte_at = |index: usize| bytes.get(index).copied().map_or(0, u64::from);
    let mixed = bytes.len() as u64
        ^ (byte_at(0) << 8)
        ^ (byte_at(bytes.len() / 2) << 16)
        ^ (byte_at(bytes.len().wrapping_sub(1)) << 24);
    // Fibonacci hashing: the top six bits of the product pick one of 64 bits.
    1 << (mixed.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 58)
}

impl Table {
    /// A table of `entries` in document order; its key bits are computed here, once.
    pub fn new(style: TableStyle, entries: Vec<Entry>) -> Table {
        let key_bits = entries
            .iter()
            .fold(0, |bits, entry| bits | key_bit(&entry.key));
        Table {
            style,
            entries,
            key_bits,
        }
    }

    /// The entries in document order, repeated JSON keys included.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Each entry's key span and value, to move spans and replace values in place. The keys
    /// themselves cannot change, so `key_bits` stays true.
    pub(crate) fn key_spans_and_values_mut(
        &mut self,
    ) -> impl Iterator<Item = (&mut Span, &mut Node)> {
        self.entries
            .iter_mut()
            .map(|entry| (&mut entry.key_span, &mut entry.value))
    }

    /// The entry wrangler would read for `key`: the last one, as JSON keeps the last duplicate.
    pub fn get(&self, key: &str) -> Option<&Entry> {
        if self.key_bits & key_bit(key) == 0 {
            return None;
        }
        self.entries.iter().rev().find(|entry| entry.key == key)
    }

    /// For each entry, whether a later entry repeats its key (so wrangler ignores it). Linear,
    /// for tables with thousands of entries.
    pub fn overridden_entries(&self) -> Vec<bool> {
        let mut overridden = vec![false; self.entries.len()];
        // A TOML table never repeats a key (the reader reports a duplicate and drops it): only
        // JSON objects can. The rules ask this of every table of every environment.
        if self.style != TableStyle::Object {
            return overridden;
        }
        // Most tables are small, and the rules ask for every table of every environment: compare
        // directly below a size where hashing costs more than it saves.
        const COMPARED_DIRECTLY: usize = 16;
        if self.entries.len() <= COMPARED_DIRECTLY {
            for (index, entry) in self.entries.iter().enumerate() {
                overridden[index] = self.entries[index + 1..]
                    .iter()
                    .any(|later| later.key == entry.key);
            }
            return overridden;
        }
        let mut seen = std::collections::HashSet::with_capacity(self.entries.len());
        for (index, entry) in self.entries.iter().enumerate().rev() {
            overridden[index] = !seen.insert(entry.key.as_str());
        }
        overridden
    }

    /// The entries wrangler reads, in order, with their indexes: every entry but those a later
    /// one repeats. Only a JSON object can repeat a key: for the other tables (thousands of
    /// them in a large TOML config) no list of repeats is made.
    pub fn kept_entries(&self) -> impl Iterator<Item = (usize, &Entry)> {
        let overridden = (self.style == TableStyle::Object && self.entries.len() > 1)
            .then(|| self.overridden_entries());
        self.entries
            .iter()
            .enumerate()
            .filter(move |(index, _)| !overridden.as_ref().is_some_and(|o| o[*index]))
    }

    pub fn get_table(&self, key: &str) -> Option<&Table> {
        self.get(key).and_then(|entry| entry.value.as_table())
    }
}

impl Node {
    pub fn as_table(&self) -> Option<&Table> {
        match &self.kind {
            NodeKind::Table(table) => Some(table),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::String(text) => Some(text),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.kind {
            NodeKind::Bool(value) => Some(value),
            _ => None,
        }
    }

    pub fn as_array(&self) -> Option<&[Node]> {
        match &self.kind {
            NodeKind::Array(items) => Some(items),
            _ => None,
        }
    }

    /// The type name wrangler uses in its messages.
    pub fn type_name(&self) -> &'static str {
        match self.kind {
            NodeKind::Table(_) => "object",
            NodeKind::Array(_) => "array",
            NodeKind::String(_) => "string",
            NodeKind::Number(_) => "number",
            NodeKind::Bool(_) => "boolean",
            NodeKind::Datetime(_) => "datetime",
            NodeKind::Null => "null",
        }
    }

    /// A short rendering of the value for messages, such as `"smart"`, `1` or `an array`.
    pub fn describe(&self) -> String {
        match &self.kind {
            NodeKind::String(text) => format!("{text:?}"),
            NodeKind::Number(text) | NodeKind::Datetime(text) => text.clone(),
            NodeKind::Bool(value) => value.to_string(),
            NodeKind::Null => "null".to_owned(),
            NodeKind::Table(_) => "a table".to_owned(),
            NodeKind::Array(_) => "an array".to_owned(),
        }
    }
}

/// A syntax error at a location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub span: Span,
    pub message: String,
}

/// The result of parsing: a root table (empty when nothing could be read) and the errors.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedConfig {
    pub format: Format,
    pub root: Table,
    pub errors: Vec<SyntaxError>,
    /// Start of the first `[table]` header, where keys meant for the top level must go (TOML).
    pub first_header: Option<usize>,
    /// A JSON root that is valid JSON but not an object: its span and type with an article
    /// ("an array"). Not a syntax error (wrangler reads the file); PL004 reports it.
    pub root_not_object: Option<(Span, String)>,
}

/// Parses a config file's text. Never fails and never panics.
pub fn parse(text: &str, format: Format) -> ParsedConfig {
    match format {
        Format::Toml => toml::parse(text),
        Format::Json => json::parse(text),
    }
}

/// Every file under the repository's `folders` (relative to its root) whose extension is one of
/// `extensions`, read as UTF-8 (lossily), sorted by path; `node_modules` folders are skipped.
/// The parsers' corpus tests run over these.
#[cfg(test)]
pub(crate) fn repository_files(
    folders: &[&str],
    extensions: &[&str],
) -> Vec<(std::path::PathBuf, String)> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    let mut pending: Vec<_> = folders.iter().map(|folder| root.join(folder)).collect();
    while let Some(folder) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("node_modules") {
                    pending.push(path);
                }
            } else if path
                .extension()
                .and_then(|extension| extension.to_str())
                .is_some_and(|extension| extensions.contains(&extension))
                && let Ok(bytes) = std::fs::read(&path)
            {
                files.push((path, String::from_utf8_lossy(&bytes).into_owned()));
            }
        }
    }
    files.sort();
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    fn object_with_keys(keys: &[String]) -> Table {
        let text = format!(
            "{{{}}}",
            keys.iter()
                .map(|key| format!("\"{key}\": 1"))
                .collect::<Vec<_>>()
                .join(",")
        );
        parse(&text, Format::Json).root
    }

    #[test]
    fn overridden_entries_marks_all_but_the_last_repeat_in_small_and_large_tables() {
        for size in [3, 16, 17, 200] {
            let keys: Vec<String> = (0..size).map(|i| format!("k{}", i % 3)).collect();
            let overridden = object_with_keys(&keys).overridden_entries();
            let expected: Vec<bool> = (0..size).map(|i| i + 3 < size).collect();
            assert_eq!(overridden, expected, "{size} entries");
        }
        let distinct: Vec<String> = (0..40).map(|i| format!("k{i}")).collect();
        assert!(
            !object_with_keys(&distinct)
                .overridden_entries()
                .contains(&true)
        );
    }

    #[test]
    fn get_finds_each_key_the_table_has_and_no_other() {
        let written = [
            "name",
            "main",
            "",
            "é",
            "env",
            "k",
            "compatibility_date",
            "vars",
        ];
        let probes = [
            "nam",
            "mains",
            "routes",
            "route",
            "é ",
            "ka",
            "E",
            "d1_databases",
        ];
        for extra in [0, 5, 60, 300] {
            let mut keys: Vec<String> = written.iter().map(|key| key.to_string()).collect();
            keys.extend((0..extra).map(|i| format!("key_{i}")));
            let table = object_with_keys(&keys);
            for key in &keys {
                let found = table.get(key).map(|entry| entry.key.as_str());
                assert_eq!(found, Some(key.as_str()), "{key:?} among {extra} more keys");
            }
            for probe in probes {
                let scanned = table
                    .entries()
                    .iter()
                    .rev()
                    .find(|entry| entry.key == probe);
                assert_eq!(
                    table.get(probe),
                    scanned,
                    "{probe:?} among {extra} more keys"
                );
                assert!(scanned.is_none());
            }
        }
    }

    /// The tree's vectors have no spare capacity: a large config keeps its parse in the
    /// language server, and reused allocations once held a third of it as spare room.
    #[test]
    fn parsers_allocate_entries_and_items_exactly() {
        fn check_table(table: &Table, what: &str) {
            assert_eq!(table.entries.capacity(), table.entries.len(), "{what}");
            for entry in &table.entries {
                check_node(&entry.value, what);
            }
        }
        fn check_node(node: &Node, what: &str) {
            match &node.kind {
                NodeKind::Table(table) => check_table(table, what),
                NodeKind::Array(items) => {
                    assert_eq!(items.capacity(), items.len(), "{what}");
                    items.iter().for_each(|item| check_node(item, what));
                }
                _ => {}
            }
        }
        let toml = "name = \"w\"\nroutes = [\"a\", \"b\", { pattern = \"c\" }]\n\
                    [vars]\nA = 1\nB.c = 2\n[[d1_databases]]\nbinding = \"DB\"\n\
                    [[d1_databases]]\nbinding = \"DB2\"\n[env.x.vars]\nA = [1, [2, 3]]\n[env.x]\nname = \"x\"\n";
        check_table(&parse(toml, Format::Toml).root, "TOML");
        let json = r#"{ "name": "w", "routes": ["a", { "pattern": "c" }], "env": { "x": { "vars": { "A": [1, [2]] } } } }"#;
        check_table(&parse(json, Format::Json).root, "JSON");
    }
}
