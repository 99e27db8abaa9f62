//! JSON(C) lowering, on `jsonc-parser`: comments and trailing commas, nothing more lenient, as
//! wrangler reads `wrangler.json` and `wrangler.jsonc`.

use std::borrow::Cow;

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, parse_to_ast};

use super::{
    Entry, Format, Node, NodeKind, ParsedConfig, SyntaxError, Table, TableStyle, map_exact,
};
use crate::span::Span;

fn strict_jsonc() -> ParseOptions {
    ParseOptions {
        allow_comments: true,
        allow_trailing_commas: true,
        allow_loose_object_property_names: false,
        allow_missing_commas: false,
        allow_single_quoted_strings: false,
        allow_hexadecimal_numbers: false,
        allow_unary_plus_numbers: false,
        allow_bare_decimal_point_numbers: false,
        allow_non_finite_numbers: false,
        allow_extended_string_escapes: false,
    }
}

pub(super) fn parse(text: &str) -> ParsedConfig {
    let scan = scan(text);
    let prepared = as_wrangler_reads(text, &scan.lone_surrogates);
    let text: &str = &prepared;
    let mut root_not_object = None;
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let empty = || Table::new(TableStyle::Object, Vec::new());
    let (root, errors) = match parse_to_ast(text, &collect, &strict_jsonc()) {
        Ok(result) => {
            match result.value {
                Some(value) => {
                    let mut lowering = Lowering {
                        text,
                        has_control_characters: text.bytes().any(|b| b < 0x20),
                        errors: Vec::new(),
                    };
                    let node = lowering.value(value);
                    let mut errors = lowering.errors;
                    // The text as prepared has the same strings and comments: the same
                    // vertical spacing outside them.
                    errors.extend(scan.vertical_spacing.into_iter().map(|at| SyntaxError {
                        span: Span::new(at, at + 1),
                        message: format!(
                            "a form feed or vertical tab (U+{:04X}) is not JSON whitespace",
                            text.as_bytes()[at]
                        ),
                    }));
                    errors.sort_by_key(|error| error.span.start);
                    let kind = with_article(node.type_name());
                    match node.kind {
                        NodeKind::Table(table) => (table, errors),
                        // Valid JSON of the wrong type: wrangler reads it (and then fails, or finds
                        // no settings in an array), so it is PL004's, not a syntax error.
                        _ => {
                            root_not_object = Some((node.span, kind));
                            (empty(), errors)
                        }
                    }
                }
                None => (
                    empty(),
                    vec![SyntaxError {
                        span: Span::empty(0),
                        message: "the file holds no JSON value: a wrangler config is a JSON object"
                            .to_owned(),
                    }],
                ),
            }
        }
        Err(error) => {
            let range = error.range();
            let end = range.end.min(text.len());
            (
                empty(),
                vec![SyntaxError {
                    span: Span::new(range.start.min(end), end),
                    message: error.kind().to_string(),
                }],
            )
        }
    };
    ParsedConfig {
        format: Format::Json,
        root,
        errors,
        first_header: None,
        root_not_object,
    }
}

/// The text as wrangler's reader sees it, with the same length so that every span stays
/// right: a UTF-8 byte-order mark, which wrangler strips, becomes spaces; an escaped lone
/// surrogate (`"\uD800"`), which a JavaScript string holds and `jsonc-parser` refuses,
/// becomes `\uFFFD`.
fn as_wrangler_reads<'t>(text: &'t str, lone_surrogates: &[usize]) -> Cow<'t, str> {
    let bom = text.starts_with('\u{FEFF}');
    if !bom && lone_surrogates.is_empty() {
        return Cow::Borrowed(text);
    }
    let mut bytes = text.as_bytes().to_vec();
    if bom {
        bytes[..3].copy_from_slice(b"   ");
    }
    for &at in lone_surrogates {
        bytes[at + 2..at + 6].copy_from_slice(b"FFFD");
    }
    Cow::Owned(String::from_utf8(bytes).expect("ASCII replaced by ASCII"))
}

/// What a pass over the strings and comments of a JSON text finds.
#[derive(Default)]
struct Scan {
    /// Offsets of the `\u` of each escaped surrogate in a string that is not half of a pair.
    lone_surrogates: Vec<usize>,
    /// Offsets of form feeds and vertical tabs outside strings and comments: `jsonc-parser`
    /// takes them as whitespace, wrangler's reader does not.
    vertical_spacing: Vec<usize>,
}

fn scan(text: &str) -> Scan {
    let mut found = Scan::default();
    // Bytes, in blocks the compiler can test at once: a search for either character decodes
    // the text character by character.
    let vertical_spacing = || {
        text.as_bytes().chunks(32).any(|block| {
            block
                .iter()
                .fold(false, |found, b| found | matches!(b, 0x0b | 0x0c))
        })
    };
    if !text.contains("\\u") && !vertical_spacing() {
        return found;
    }
    let bytes = text.as_bytes();
    let escape_at = |at: usize| -> Option<u16> {
        let hex = bytes.get(at..at + 6)?;
        if &hex[..2] != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(&hex[2..]).ok()?, 16).ok()
    };
    let is_high = |unit: u16| (0xD800..0xDC00).contains(&unit);
    let is_low = |unit: u16| (0xDC00..0xE000).contains(&unit);
    let mut at = 0;
    let mut in_string = false;
    while at < bytes.len() {
        match (in_string, bytes[at]) {
            (false, b'"') | (true, b'"') => in_string = !in_string,
            (false, b'/') if bytes.get(at + 1) == Some(&b'/') => {
                at = memchr_from(bytes, at, b'\n');
                continue;
            }
            (false, b'/') if bytes.get(at + 1) == Some(&b'*') => {
                at = text[at + 2..]
                    .find("*/")
                    .map_or(bytes.len(), |end| at + 2 + end + 2);
                continue;
            }
            (true, b'\\') => {
                match escape_at(at) {
                    Some(unit) if is_high(unit) && escape_at(at + 6).is_some_and(is_low) => {
                        at += 12;
                    }
                    Some(unit) if is_high(unit) || is_low(unit) => {
                        found.lone_surrogates.push(at);
                        at += 6;
                    }
                    // Any other escape: skip the backslash and the escaped character.
                    _ => at += 2,
                }
                continue;
            }
            (false, 0x0b | 0x0c) => found.vertical_spacing.push(at),
            _ => {}
        }
        at += 1;
    }
    found
}

fn memchr_from(bytes: &[u8], from: usize, needle: u8) -> usize {
    bytes[from..]
        .iter()
        .position(|b| *b == needle)
        .map_or(bytes.len(), |i| from + i)
}

fn with_article(type_name: &str) -> String {
    match type_name {
        "array" | "object" => format!("an {type_name}"),
        "null" => "null".to_owned(),
        other => format!("a {other}"),
    }
}

/// Turns `jsonc-parser`'s tree into ours, noting the raw control characters (tab included) in
/// keys and strings as it goes: wrangler's JSONC reader rejects them, while `jsonc-parser` lets
/// them through.
struct Lowering<'t> {
    text: &'t str,
    /// Whether the text has a byte below 0x20 anywhere (line breaks count): when not, no string
    /// need be looked at.
    has_control_characters: bool,
    errors: Vec<SyntaxError>,
}

impl Lowering<'_> {
    /// A string's or key's first raw control character, as an error.
    fn check_string(&mut self, span: Span) {
        if !self.has_control_characters {
            return;
        }
        let raw = &self.text.as_bytes()[span.start..span.end];
        if let Some(at) = raw.iter().position(|b| *b < 0x20) {
            let offset = span.start + at;
            self.errors.push(SyntaxError {
                span: Span::new(offset, offset + 1),
                message: format!(
                    "a raw control character (U+{:04X}) in a string; write it escaped, as \\u{:04x}",
                    raw[at], raw[at]
                ),
            });
        }
    }

    fn value(&mut self, value: Value<'_>) -> Node {
        match value {
            Value::StringLit(lit) => {
                let span = Span::new(lit.range.start, lit.range.end);
                self.check_string(span);
                Node {
                    span,
                    kind: NodeKind::String(lit.value.into_owned()),
                }
            }
            Value::NumberLit(lit) => Node {
                span: Span::new(lit.range.start, lit.range.end),
                kind: NodeKind::Number(lit.value.to_owned()),
            },
            Value::BooleanLit(lit) => Node {
                span: Span::new(lit.range.start, lit.range.end),
                kind: NodeKind::Bool(lit.value),
            },
            Value::NullKeyword(lit) => Node {
                span: Span::new(lit.range.start, lit.range.end),
                kind: NodeKind::Null,
            },
            Value::Array(array) => Node {
                span: Span::new(array.range.start, array.range.end),
                kind: NodeKind::Array(map_exact(array.elements, |element| self.value(element))),
            },
            Value::Object(object) => {
                let entries = map_exact(object.properties, |property| {
                    let (key, key_span) = match property.name {
                        ObjectPropName::String(lit) => (
                            lit.value.into_owned(),
                            Span::new(lit.range.start, lit.range.end),
                        ),
                        ObjectPropName::Word(lit) => (
                            lit.value.to_owned(),
                            Span::new(lit.range.start, lit.range.end),
                        ),
                    };
                    // The key first: errors come in document order.
                    self.check_string(key_span);
                    Entry {
                        key,
                        key_span,
                        value: self.value(property.value),
                    }
                });
                Node {
                    span: Span::new(object.range.start, object.range.end),
                    kind: NodeKind::Table(Table::new(TableStyle::Object, entries)),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The former check for raw control characters, over the lowered tree: the reference the
    /// check made while lowering is compared with.
    fn control_characters(text: &str, root: &Node) -> Vec<SyntaxError> {
        fn visit(text: &str, node_spans: &mut Vec<Span>, table: &Table) {
            for entry in &table.entries {
                node_spans.push(entry.key_span);
                visit_node(text, node_spans, &entry.value);
            }
        }
        fn visit_node(text: &str, node_spans: &mut Vec<Span>, node: &Node) {
            match &node.kind {
                NodeKind::String(_) => node_spans.push(node.span),
                NodeKind::Table(table) => visit(text, node_spans, table),
                NodeKind::Array(items) => items
                    .iter()
                    .for_each(|item| visit_node(text, node_spans, item)),
                _ => {}
            }
        }
        // Line breaks count too: a string cannot span lines.
        if !text.bytes().any(|b| b < 0x20) {
            return Vec::new();
        }
        let mut spans = Vec::new();
        visit_node(text, &mut spans, root);
        spans
            .into_iter()
            .filter_map(|span| {
                let raw = &text.as_bytes()[span.start..span.end];
                let at = raw.iter().position(|b| *b < 0x20)?;
                let offset = span.start + at;
                Some(SyntaxError {
                    span: Span::new(offset, offset + 1),
                    message: format!(
                        "a raw control character (U+{:04X}) in a string; write it escaped, as \\u{:04x}",
                        raw[at], raw[at]
                    ),
                })
            })
            .collect()
    }

    /// Every `.json` and `.jsonc` file of the repository's tests and fixtures.
    fn corpus() -> Vec<(std::path::PathBuf, String)> {
        super::super::repository_files(&["tests", "fixtures"], &["json", "jsonc"])
    }

    /// What the lowering's control character check, the single scan of the text and its quick
    /// test replace: the former tree walk over the text as prepared, a scan of the prepared
    /// text, and a search by characters.
    fn assert_as_before(text: &str, context: &dyn std::fmt::Display) {
        let scanned = scan(text);
        let prepared = as_wrangler_reads(text, &scanned.lone_surrogates);
        assert_eq!(
            scanned.vertical_spacing,
            scan(&prepared).vertical_spacing,
            "{context}: vertical spacing"
        );
        let quick = text.as_bytes().chunks(32).any(|block| {
            block
                .iter()
                .fold(false, |found, b| found | matches!(b, 0x0b | 0x0c))
        });
        assert_eq!(quick, text.contains(['\u{b}', '\u{c}']), "{context}");
        let collect = CollectOptions {
            comments: CommentCollectionStrategy::Off,
            tokens: false,
        };
        if let Ok(parsed) = parse_to_ast(&prepared, &collect, &strict_jsonc())
            && let Some(value) = parsed.value
        {
            let mut lowering = Lowering {
                text: &prepared,
                has_control_characters: prepared.bytes().any(|b| b < 0x20),
                errors: Vec::new(),
            };
            let node = lowering.value(value);
            assert_eq!(
                lowering.errors,
                control_characters(&prepared, &node),
                "{context}: control characters"
            );
        }
    }

    #[test]
    fn checks_while_lowering_find_what_the_former_passes_found_on_every_file_and_prefix() {
        let files = corpus();
        assert!(files.len() > 100, "found {} files", files.len());
        for (path, text) in &files {
            assert_as_before(text, &path.display());
            // Half-typed files: every prefix of the smaller files, every line of the configs.
            let small = text.len() <= 600;
            let config = path
                .file_name()
                .is_some_and(|name| name.to_string_lossy().starts_with("wrangler."));
            if !small && !config {
                continue;
            }
            for (at, character) in text.char_indices() {
                if small || character == '\n' {
                    assert_as_before(&text[..at], &format_args!("{} up to {at}", path.display()));
                }
            }
        }
        for text in [
            "{\"a\": \"tab\there\", \"k\u{1}ey\": [\"x\u{1f}\", {\"\u{0}\": 1}]}",
            "\"root \u{7} string\"",
            "{\"s\": \"\\uD800 lone \\uDC00 \\uD83D\\uDE00\", \u{b}\"v\": \"\u{c}\"}\u{c}",
            "\u{feff}{\"a\": 1 /* \u{b} */ // \u{c}\n}",
            "{\"a\": \"unterminated \u{c}",
        ] {
            assert_as_before(text, &text.escape_debug());
        }
    }
}
