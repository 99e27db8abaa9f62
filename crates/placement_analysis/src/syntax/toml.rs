//! TOML lowering, on the `toml` crate's recoverable parser (spans on every key and value).

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Entry, Format, Node, NodeKind, ParsedConfig, SyntaxError, Table, TableStyle};
use crate::span::Span;

pub(super) fn parse(text: &str) -> ParsedConfig {
    let (document, errors) = DeTable::parse_recoverable(text);
    let mut first_header = None;
    let root = lower_table(
        document.get_ref(),
        text,
        TableStyle::Root,
        &mut first_header,
    );
    let errors = errors
        .into_iter()
        .map(|error| {
            let span = error
                .span()
                .map(Span::from)
                .unwrap_or_else(|| Span::empty(text.len()));
            SyntaxError {
                span: clamp(span, text),
                message: first_line(error.message()),
            }
        })
        .collect();
    ParsedConfig {
        format: Format::Toml,
        root,
        errors,
        first_header,
    }
}

fn first_line(message: &str) -> String {
    let message = message.trim();
    message.lines().next().unwrap_or(message).to_owned()
}

fn clamp(span: Span, text: &str) -> Span {
    let end = span.end.min(text.len());
    Span::new(span.start.min(end), end)
}

fn lower_table(
    table: &DeTable<'_>,
    text: &str,
    style: TableStyle,
    first_header: &mut Option<usize>,
) -> Table {
    let entries = table
        .iter()
        .map(|(key, value)| Entry {
            key: key.get_ref().to_string(),
            key_span: key.span().into(),
            value: lower_value(value, text, first_header),
        })
        .collect();
    Table { style, entries }
}

fn lower_value(value: &Spanned<DeValue<'_>>, text: &str, first_header: &mut Option<usize>) -> Node {
    let span: Span = value.span().into();
    let kind = match value.get_ref() {
        DeValue::String(string) => NodeKind::String(Cow::clone(string).into_owned()),
        DeValue::Integer(integer) => NodeKind::Number(integer.as_str().to_owned()),
        DeValue::Float(float) => NodeKind::Number(float.as_str().to_owned()),
        DeValue::Boolean(value) => NodeKind::Bool(*value),
        DeValue::Datetime(datetime) => NodeKind::Datetime(datetime.to_string()),
        DeValue::Array(array) => NodeKind::Array(
            array
                .iter()
                .map(|item| lower_value(item, text, first_header))
                .collect(),
        ),
        DeValue::Table(table) => {
            // The parser gives a header table the header's span, an inline table its braces and
            // an implicit table the key that created it: the first byte tells them apart.
            let style = match text.as_bytes().get(span.start) {
                Some(b'[') => {
                    let earliest = first_header.map_or(span.start, |at| at.min(span.start));
                    *first_header = Some(earliest);
                    TableStyle::Header
                }
                Some(b'{') => TableStyle::Inline,
                _ => TableStyle::Implicit,
            };
            NodeKind::Table(lower_table(table, text, style, first_header))
        }
    };
    Node { span, kind }
}
