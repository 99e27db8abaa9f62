//! JSON(C) lowering, on `jsonc-parser`: comments and trailing commas, nothing more lenient, as
//! wrangler reads `wrangler.json` and `wrangler.jsonc`.

use jsonc_parser::ast::{ObjectPropName, Value};
use jsonc_parser::{CollectOptions, CommentCollectionStrategy, ParseOptions, parse_to_ast};

use super::{Entry, Format, Node, NodeKind, ParsedConfig, SyntaxError, Table, TableStyle};
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
    let collect = CollectOptions {
        comments: CommentCollectionStrategy::Off,
        tokens: false,
    };
    let empty = || Table {
        style: TableStyle::Object,
        entries: Vec::new(),
    };
    let (root, errors) = match parse_to_ast(text, &collect, &strict_jsonc()) {
        Ok(result) => match result.value {
            Some(Value::Object(object)) => {
                let node = lower_value(Value::Object(object));
                match node.kind {
                    NodeKind::Table(table) => {
                        let errors = control_characters(text, &table);
                        (table, errors)
                    }
                    _ => (empty(), Vec::new()),
                }
            }
            Some(other) => {
                let node = lower_value(other);
                let error = SyntaxError {
                    span: node.span,
                    message: format!(
                        "the configuration must be a JSON object, not {}",
                        with_article(node.type_name())
                    ),
                };
                (empty(), vec![error])
            }
            None => (
                empty(),
                vec![SyntaxError {
                    span: Span::empty(0),
                    message: "the file holds no JSON value: a wrangler config is a JSON object"
                        .to_owned(),
                }],
            ),
        },
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
    }
}

/// Raw control characters (tab included) inside strings: wrangler's JSONC reader rejects them,
/// while `jsonc-parser` lets them through.
fn control_characters(text: &str, root: &Table) -> Vec<SyntaxError> {
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
    if !text.bytes().any(|b| b < 0x20 && b != b'\n' && b != b'\r') {
        return Vec::new();
    }
    let mut spans = Vec::new();
    visit(text, &mut spans, root);
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

fn with_article(type_name: &str) -> String {
    match type_name {
        "array" | "object" => format!("an {type_name}"),
        "null" => "null".to_owned(),
        other => format!("a {other}"),
    }
}

fn lower_value(value: Value<'_>) -> Node {
    match value {
        Value::StringLit(lit) => Node {
            span: Span::new(lit.range.start, lit.range.end),
            kind: NodeKind::String(lit.value.into_owned()),
        },
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
            kind: NodeKind::Array(array.elements.into_iter().map(lower_value).collect()),
        },
        Value::Object(object) => {
            let entries = object
                .properties
                .into_iter()
                .map(|property| {
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
                    Entry {
                        key,
                        key_span,
                        value: lower_value(property.value),
                    }
                })
                .collect();
            Node {
                span: Span::new(object.range.start, object.range.end),
                kind: NodeKind::Table(Table {
                    style: TableStyle::Object,
                    entries,
                }),
            }
        }
    }
}
