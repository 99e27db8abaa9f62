//! TOML lowering, on the `toml` crate's recoverable parser (spans on every key and value).

use std::borrow::Cow;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

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
        .filter(|error| !is_day_wrangler_accepts(error, text))
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

/// The `toml` crate checks a date's day against its month (no 1979-02-30); wrangler's reader
/// accepts any day from 01 to 31, so such an error is not one wrangler would raise.
fn is_day_wrangler_accepts(error: &toml::de::Error, text: &str) -> bool {
    if !error
        .message()
        .starts_with("invalid date, expected day between 01 and ")
    {
        return false;
    }
    let Some(span) = error.span() else {
        return false;
    };
    // The date is `YYYY-MM-DD` where the span starts or just before it ends.
    let bytes = text.as_bytes();
    let window = span.start.saturating_sub(10)..(span.end + 10).min(bytes.len());
    bytes[window].windows(10).any(|date| {
        let digits = |range: std::ops::Range<usize>| {
            date[range.clone()].iter().all(u8::is_ascii_digit).then(|| {
                date[range]
                    .iter()
                    .fold(0u32, |value, digit| value * 10 + u32::from(digit - b'0'))
            })
        };
        date[4] == b'-'
            && date[7] == b'-'
            && digits(0..4).is_some()
            && digits(5..7).is_some_and(|month| (1..=12).contains(&month))
            && digits(8..10).is_some_and(|day| (1..=31).contains(&day))
    })
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
    Table { style, entries }
}

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: i128 = (1 << 53) - 1;

/// Why wrangler's TOML reader refuses an integer the `toml` crate accepts: `0x` with no digits,
/// or a value a JavaScript number cannot hold exactly (wrangler refuses rather than rounds).
fn integer_wrangler_refuses(digits: &str, radix: u32) -> Option<&'static str> {
    use std::num::IntErrorKind;
    match i128::from_str_radix(digits, radix) {
        Ok(value) if value.abs() <= MAX_SAFE_INTEGER => None,
        Ok(_) => Some(LOSSY),
        Err(error) => match error.kind() {
            IntErrorKind::PosOverflow | IntErrorKind::NegOverflow => Some(LOSSY),
            _ => Some("unfinished numeric value: a `0x`, `0o` or `0b` needs digits after it"),
        },
    }
}

const LOSSY: &str = "integer value cannot be represented losslessly: wrangler reads numbers as \
                     JavaScript numbers, exact only up to 2^53 - 1";

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
                    message: "invalid time: second 60 (a leap second) is not read by wrangler"
                        .to_owned(),
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
