//! The former TOML lowering, on the `toml` crate's recoverable `DeTable` (tests and the
//! `toml_lowering` fuzz target only): the reference `toml.rs` is compared with, so that lowering
//! from events changes nothing.

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::toml::{
    LEAP_SECOND, clamp, first_line, integer_wrangler_refuses, is_day_wrangler_accepts,
};
use super::{Entry, Format, Node, NodeKind, ParsedConfig, SyntaxError, Table, TableStyle};
use crate::span::Span;

pub(super) fn parse(text: &str) -> ParsedConfig {
    let (document, errors) = DeTable::parse_recoverable(text);
    let mut first_header = None;
    let mut unreadable_numbers = Vec::new();
    let root = lower_table(
        document.get_ref(),
        text,
        TableStyle::Root,
        &mut first_header,
        &mut unreadable_numbers,
    );
    let mut errors: Vec<SyntaxError> = errors
        .into_iter()
        .filter(|error| !is_day_wrangler_accepts(error.message(), error.span(), text))
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
    errors.extend(unreadable_numbers);
    ParsedConfig {
        format: Format::Toml,
        root,
        errors,
        first_header,
        root_not_object: None,
    }
}

/// Where the event lowering (`toml.rs`) and this reference disagree on `text`, if anywhere:
/// the tree, the errors or the first header.
pub(super) fn disagreement(text: &str) -> Option<String> {
    let lowered = super::toml::parse(text);
    let reference = parse(text);
    if lowered.root != reference.root {
        return Some(format!(
            "the trees differ:\n{:#?}\nreference:\n{:#?}",
            lowered.root, reference.root
        ));
    }
    if lowered.errors != reference.errors {
        return Some(format!(
            "the errors differ: {:?}\nreference: {:?}",
            lowered.errors, reference.errors
        ));
    }
    if lowered.first_header != reference.first_header {
        return Some(format!(
            "the first headers differ: {:?}, reference {:?}",
            lowered.first_header, reference.first_header
        ));
    }
    None
}

fn lower_table(
    table: &DeTable<'_>,
    text: &str,
    style: TableStyle,
    first_header: &mut Option<usize>,
    errors: &mut Vec<SyntaxError>,
) -> Table {
    let entries = table
        .iter()
        .map(|(key, value)| Entry {
            key: key.get_ref().to_string(),
            key_span: key.span().into(),
            value: lower_value(value, text, first_header, errors),
        })
        .collect();
    Table::new(style, entries)
}

fn lower_value(
    value: &Spanned<DeValue<'_>>,
    text: &str,
    first_header: &mut Option<usize>,
    errors: &mut Vec<SyntaxError>,
) -> Node {
    let span: Span = value.span().into();
    let kind = match value.get_ref() {
        DeValue::String(string) => NodeKind::String(Cow::clone(string).into_owned()),
        DeValue::Integer(integer) => {
            if let Some(message) = integer_wrangler_refuses(integer.as_str(), integer.radix()) {
                errors.push(SyntaxError {
                    span: clamp(span, text),
                    message: message.to_owned(),
                });
            }
            NodeKind::Number(integer.as_str().to_owned())
        }
        DeValue::Float(float) => NodeKind::Number(float.as_str().to_owned()),
        DeValue::Boolean(value) => NodeKind::Bool(*value),
        DeValue::Datetime(datetime) => {
            if datetime.time.and_then(|time| time.second) == Some(60) {
                errors.push(SyntaxError {
                    span: clamp(span, text),
                    message: LEAP_SECOND.to_owned(),
                });
            }
            NodeKind::Datetime(datetime.to_string())
        }
        DeValue::Array(array) => NodeKind::Array(
            array
                .iter()
                .map(|item| lower_value(item, text, first_header, errors))
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
            NodeKind::Table(lower_table(table, text, style, first_header, errors))
        }
    };
    Node { span, kind }
}
