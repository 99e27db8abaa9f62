//! TOML lowering straight from `toml_parser`'s events into the spanned tree, in one walk over the
//! events (no intermediate document).
//!
//! The tree, its document order, the errors and their order are the ones the `toml` crate's
//! recoverable `DeTable` gives (which `wrangler`'s verdicts were checked against): a header that
//! names an existing table moves it to the end of its parent, a redefined value is dropped, and
//! every error is reported where and as that reader reports it. `toml_reference.rs` (tests only)
//! keeps the `DeTable` lowering, and the tests compare both on every corpus file and on every
//! prefix of them (half-typed files).

use std::borrow::Cow;
use std::hash::BuildHasher;

use toml_parser::decoder::{Encoding, ScalarKind};
use toml_parser::parser::{Event, EventKind, EventReceiver};
use toml_parser::{ErrorSink, ParseError, Raw, Source};

use super::{
    Entry, Format, Node, NodeKind, ParsedConfig, SyntaxError, Table, TableStyle, map_exact,
};
use crate::span::Span;

/// How deep keys and values may nest, as in the `toml` crate.
const RECURSION_LIMIT: u32 = 80;

pub(super) fn parse(text: &str) -> ParsedConfig {
    let source = Source::new(text);
    // About one token for every two bytes of a config; `into_vec` reserves for one in 3.5, and
    // growing the vector copies it.
    let mut tokens = Vec::with_capacity(text.len() / 2 + 1);
    tokens.extend(source.lex());
    let mut events = Vec::with_capacity(tokens.len());
    // Errors of the grammar come first, then those found while building the tree.
    let mut grammar_errors: Vec<ParseError> = Vec::new();
    {
        let mut recorder = Recorder {
            source,
            events: &mut events,
            depth: 0,
        };
        toml_parser::parser::parse_document(&tokens, &mut recorder, &mut grammar_errors);
    }
    let mut builder = Builder {
        text,
        events: &events,
        next: 0,
        errors: Vec::new(),
        spare_path: Vec::new(),
    };
    let document = builder.document();
    let build_errors = builder.errors;

    let mut lowering = Lowering {
        text,
        first_header: None,
        refusals: Vec::new(),
    };
    let root = lowering.table(document, TableStyle::Root);
    let mut errors: Vec<SyntaxError> = grammar_errors
        .iter()
        .chain(&build_errors)
        .filter_map(|error| {
            let message = message_of(error);
            let span = error.unexpected().map(|span| span.start()..span.end());
            (!is_day_wrangler_accepts(&message, span.clone(), text)).then(|| SyntaxError {
                span: clamp(span.map_or(Span::empty(text.len()), Span::from), text),
                message: first_line(&message),
            })
        })
        .collect();
    errors.extend(lowering.refusals);
    ParsedConfig {
        format: Format::Toml,
        root,
        errors,
        first_header: lowering.first_header,
        root_not_object: None,
    }
}

/// Records the grammar's events for the builder, as `toml_parser`'s `RecursionGuard` around its
/// `ValidateWhitespace` around a vector would, in one receiver: it refuses arrays and inline
/// tables nested deeper than [`RECURSION_LIMIT`] and checks comments and line breaks. It leaves
/// out whitespace, which only separates what the other events already tell apart (a third of
/// the events of a config).
struct Recorder<'r, 'i> {
    source: Source<'i>,
    events: &'r mut Vec<Event>,
    /// Arrays and inline tables open (signed, as in `RecursionGuard`).
    depth: i64,
}

impl Recorder<'_, '_> {
    /// Whether one more array or inline table may open; reports it when not.
    fn enter(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) -> bool {
        self.depth += 1;
        let within_limit = self.depth <= i64::from(RECURSION_LIMIT);
        if !within_limit {
            error.report_error(
                ParseError::new("cannot recurse further; max recursion depth met")
                    .with_unexpected(span),
            );
        }
        within_limit
    }
}

impl EventReceiver for Recorder<'_, '_> {
    fn std_table_open(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.events.std_table_open(span, error);
    }
    fn std_table_close(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.events.std_table_close(span, error);
    }
    fn array_table_open(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.events.array_table_open(span, error);
    }
    fn array_table_close(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.events.array_table_close(span, error);
    }
    fn inline_table_open(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) -> bool {
        let _ = self.events.inline_table_open(span, error);
        self.enter(span, error)
    }
    fn inline_table_close(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.depth -= 1;
        self.events.inline_table_close(span, error);
    }
    fn array_open(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) -> bool {
        let _ = self.events.array_open(span, error);
        self.enter(span, error)
    }
    fn array_close(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.depth -= 1;
        self.events.array_close(span, error);
    }
    fn simple_key(
        &mut self,
        span: toml_parser::Span,
        encoding: Option<Encoding>,
        error: &mut dyn ErrorSink,
    ) {
        self.events.simple_key(span, encoding, error);
    }
    fn key_sep(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.events.key_sep(span, error);
    }
    fn key_val_sep(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.events.key_val_sep(span, error);
    }
    fn scalar(
        &mut self,
        span: toml_parser::Span,
        encoding: Option<Encoding>,
        error: &mut dyn ErrorSink,
    ) {
        self.events.scalar(span, encoding, error);
    }
    fn value_sep(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.events.value_sep(span, error);
    }
    fn comment(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        if let Some(raw) = self.source.get(span) {
            raw.decode_comment(error);
        }
        self.events.comment(span, error);
    }
    fn newline(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        // Only a carriage return can be wrong (when no line feed follows it).
        let line_feed = self.source.input().as_bytes().get(span.start()) == Some(&b'\n');
        if !line_feed && let Some(raw) = self.source.get(span) {
            raw.decode_newline(error);
        }
        self.events.newline(span, error);
    }
    fn error(&mut self, span: toml_parser::Span, error: &mut dyn ErrorSink) {
        self.events.error(span, error);
    }
}

/// The message the `toml` crate gives a parse error: its description and what was expected.
fn message_of(error: &ParseError) -> String {
    let mut message = error.description().to_owned();
    if let Some(expected) = error.expected() {
        message.push_str(", expected ");
        if expected.is_empty() {
            message.push_str("nothing");
        }
        for (index, expected) in expected.iter().enumerate() {
            if index != 0 {
                message.push_str(", ");
            }
            match expected {
                toml_parser::Expected::Literal(literal) => message.push_str(&quoted(literal)),
                toml_parser::Expected::Description(description) => message.push_str(description),
                _ => message.push_str("etc"),
            }
        }
    }
    message
}

/// An expected literal as the `toml` crate names it in its messages.
fn quoted(literal: &str) -> String {
    match literal {
        "\n" => "newline".to_owned(),
        "`" => "'`'".to_owned(),
        control if control.chars().all(|c| c.is_ascii_control()) => {
            format!("`{}`", control.escape_debug())
        }
        literal => format!("`{literal}`"),
    }
}

/// The `toml` crate checks a date's day against its month (no 1979-02-30); wrangler's reader
/// accepts any day from 01 to 31, so such an error is not one wrangler would raise.
pub(super) fn is_day_wrangler_accepts(
    message: &str,
    span: Option<std::ops::Range<usize>>,
    text: &str,
) -> bool {
    if !message.starts_with("invalid date, expected day between 01 and ") {
        return false;
    }
    let Some(span) = span else {
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

pub(super) fn first_line(message: &str) -> String {
    let message = message.trim();
    message.lines().next().unwrap_or(message).to_owned()
}

pub(super) fn clamp(span: Span, text: &str) -> Span {
    let end = span.end.min(text.len());
    Span::new(span.start.min(end), end)
}

/// The largest integer a JavaScript number holds exactly (`Number.MAX_SAFE_INTEGER`).
const MAX_SAFE_INTEGER: i128 = (1 << 53) - 1;

/// Why wrangler's TOML reader refuses an integer the `toml` crate accepts: `0x` with no digits,
/// or a value a JavaScript number cannot hold exactly (wrangler refuses rather than rounds).
pub(super) fn integer_wrangler_refuses(digits: &str, radix: u32) -> Option<&'static str> {
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

pub(super) const LEAP_SECOND: &str =
    "invalid time: second 60 (a leap second) is not read by wrangler";

/// A key as written: decoded (borrowed from the source when it is taken as written, so that
/// the parts of a path cost no allocation), and its span.
struct Key<'i> {
    name: Cow<'i, str>,
    span: Span,
}

/// A table while the document is read: its entries in order and how it came to exist, which
/// decides what may still extend it.
#[derive(Default)]
struct Building {
    entries: Vec<Built>,
    /// Positions by key, kept once the table is large (most tables are small enough to scan).
    /// Boxed, as few tables have one and every entry holds a table's worth of space.
    positions: Option<Box<KeyIndex>>,
    /// Created by a dotted key or a header's path, not yet defined by a header of its own.
    implicit: bool,
    /// Created or extended by a dotted key.
    dotted: bool,
    /// An inline table, or a table created by a dotted key inside one: closed to the rest.
    inline: bool,
}

/// An entry of a table being built.
struct Built {
    key: String,
    key_span: Span,
    value: Value,
    /// Taken out by a later header (`[a]` after `[a.b]` moves `a` to the end): left in place
    /// so that taking it out costs nothing, and skipped when the table is looked up or lowered.
    removed: bool,
}

struct Value {
    span: Span,
    kind: ValueKind,
}

enum ValueKind {
    Table(Building),
    /// `of_tables`: made of `[[name]]` headers, which later headers may extend.
    Array {
        items: Vec<Value>,
        of_tables: bool,
    },
    String(String),
    Integer {
        digits: String,
        radix: u32,
    },
    Float(String),
    Bool(bool),
    Datetime(toml_datetime::Datetime),
}

impl ValueKind {
    /// The type name used in "cannot extend value of type ..." messages.
    fn type_name(&self) -> &'static str {
        match self {
            ValueKind::Table(_) => "table",
            ValueKind::Array { .. } => "array",
            ValueKind::String(_) => "string",
            ValueKind::Integer { .. } => "integer",
            ValueKind::Float(_) => "float",
            ValueKind::Bool(_) => "boolean",
            ValueKind::Datetime(_) => "datetime",
        }
    }
}

/// Above this many entries a table keeps a hash index of its keys.
const SCANNED_ENTRIES: usize = 12;

/// The positions of a large table's entries by the hash of their key, so that the keys are not
/// copied into the index: a hash maps to its entry, or to [`COLLIDED`] once two keys share it
/// (then the table is scanned for those keys).
type KeyIndex = rustc_hash::FxHashMap<u64, usize>;

const COLLIDED: usize = usize::MAX;

fn key_hash(key: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(key)
}

impl Building {
    fn position(&self, key: &str) -> Option<usize> {
        let scan = || {
            self.entries
                .iter()
                .position(|entry| !entry.removed && entry.key == key)
        };
        match &self.positions {
            Some(positions) => match positions.get(&key_hash(key)) {
                None => None,
                Some(&COLLIDED) => scan(),
                Some(&position) => (self.entries[position].key == key).then_some(position),
            },
            None => scan(),
        }
    }

    /// Adds an entry whose key the table does not have.
    fn push(&mut self, key: String, key_span: Span, value: Value) -> usize {
        let position = self.entries.len();
        if let Some(positions) = &mut self.positions {
            index_key(positions, &key, position);
        }
        self.entries.push(Built {
            key,
            key_span,
            value,
            removed: false,
        });
        if self.positions.is_none() && self.entries.len() > SCANNED_ENTRIES {
            self.index_keys();
        }
        position
    }

    /// Adds `key = value` unless the table has `key` already: then it is a duplicate key, and
    /// the first value stays.
    fn push_new(&mut self, key: Key<'_>, value: Value, errors: &mut Vec<ParseError>) {
        if self.position(&key.name).is_some() {
            errors.push(duplicate_key(&key));
        } else {
            self.push(key.name.into_owned(), key.span, value);
        }
    }

    /// Takes an entry out, keeping the order of the others; in constant time, as a document may
    /// name thousands of tables this way (`[env.a.vars]` before `[env.a]`).
    fn remove(&mut self, position: usize) -> Built {
        let entry = &mut self.entries[position];
        let span = entry.value.span;
        let taken = Built {
            key: std::mem::take(&mut entry.key),
            key_span: entry.key_span,
            value: std::mem::replace(
                &mut entry.value,
                Value {
                    span,
                    kind: ValueKind::Bool(false),
                },
            ),
            removed: false,
        };
        entry.removed = true;
        if let Some(positions) = &mut self.positions
            && let std::collections::hash_map::Entry::Occupied(indexed) =
                positions.entry(key_hash(&taken.key))
            && *indexed.get() == position
        {
            indexed.remove();
        }
        taken
    }

    fn index_keys(&mut self) {
        let mut positions =
            KeyIndex::with_capacity_and_hasher(self.entries.len() * 2, rustc_hash::FxBuildHasher);
        for (position, entry) in self.entries.iter().enumerate() {
            if !entry.removed {
                index_key(&mut positions, &entry.key, position);
            }
        }
        self.positions = Some(Box::new(positions));
    }

    /// The position of `key`'s entry, added first as an implicit table when there is none
    /// (`[a.b]` and `a.b = 1` define `a` without a header of its own).
    fn position_or_implicit(&mut self, key: &Key<'_>, dotted: bool, inline: bool) -> usize {
        match self.position(&key.name) {
            Some(position) => position,
            None => self.push(
                key.name.clone().into_owned(),
                key.span,
                Value {
                    span: key.span,
                    kind: ValueKind::Table(Building::implicit(dotted, inline)),
                },
            ),
        }
    }

    fn implicit(dotted: bool, inline: bool) -> Self {
        Building {
            implicit: true,
            dotted,
            inline,
            ..Building::default()
        }
    }
}

/// Notes a key the table does not have yet at `position`.
fn index_key(positions: &mut KeyIndex, key: &str, position: usize) {
    positions
        .entry(key_hash(key))
        .and_modify(|indexed| *indexed = COLLIDED)
        .or_insert(position);
}

/// A `[name]` or `[[name]]` header: the path to its parent, its own key and its span.
struct Header<'i> {
    path: Vec<Key<'i>>,
    key: Option<Key<'i>>,
    span: Span,
    is_array: bool,
}

fn span_of(event: &Event) -> Span {
    Span::new(event.span().start(), event.span().end())
}

fn error_at(message: impl Into<std::borrow::Cow<'static, str>>, span: Span) -> ParseError {
    ParseError::new(message).with_unexpected(toml_parser::Span::new_unchecked(span.start, span.end))
}

fn duplicate_key(key: &Key<'_>) -> ParseError {
    error_at("duplicate key", key.span)
}

fn cannot_extend(type_name: &str, key: &Key<'_>) -> ParseError {
    error_at(
        format!("cannot extend value of type {type_name} with a dotted key"),
        key.span,
    )
}

/// A bare key as its text, when it is one the reader takes as written (not empty, only
/// `A-Za-z0-9_-`): the decoder would copy it and report nothing. Most keys are.
fn verbatim_key(encoding: Option<Encoding>, raw: &str) -> Option<&str> {
    match encoding {
        None => {
            (!raw.is_empty() && raw.bytes().all(|byte| BARE_KEY[usize::from(byte)])).then_some(raw)
        }
        _ => verbatim_basic_string(encoding, raw),
    }
}

/// A table of the bytes for which `$member` holds: a lookup costs less than the comparisons.
macro_rules! byte_set {
    (|$byte:ident| $member:expr) => {{
        let mut set = [false; 256];
        let mut index = 0;
        while index < set.len() {
            let $byte = index as u8;
            set[index] = $member;
            index += 1;
        }
        set
    }};
}

/// Whether each byte may be part of a bare key.
const BARE_KEY: [bool; 256] =
    byte_set!(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_'));

/// Whether each byte stands for itself in a basic string (the TOML grammar's `basic-unescaped`).
const BASIC_UNESCAPED: [bool; 256] =
    byte_set!(|byte| matches!(byte, b'\t' | b' ' | 0x21 | 0x23..=0x5B | 0x5D..=0x7E | 0x80..));

/// A `"basic string"` as its text, when it has no escape and no character the reader refuses
/// (the TOML grammar's `basic-unescaped`): the decoder would copy it and report nothing.
fn verbatim_basic_string(encoding: Option<Encoding>, raw: &str) -> Option<&str> {
    if encoding != Some(Encoding::BasicString) {
        return None;
    }
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    inner.bytes().all(is_basic_unescaped).then_some(inner)
}

/// A byte a `"basic string"` holds as itself: the TOML grammar's `basic-unescaped` (no quote,
/// no backslash, no control character but tab), or part of a non-ASCII character.
#[inline]
pub(super) fn is_basic_unescaped(byte: u8) -> bool {
    BASIC_UNESCAPED[usize::from(byte)]
}

/// Reads the events into tables, with the `toml` crate's rules for what may define or extend
/// what.
struct Builder<'e, 'i> {
    text: &'i str,
    events: &'e [Event],
    next: usize,
    errors: Vec<ParseError>,
    /// The vector of a dotted key's path once read, kept for the next one.
    spare_path: Vec<Key<'i>>,
}

impl<'e, 'i> Builder<'e, 'i> {
    fn next_event(&mut self) -> Option<&'e Event> {
        let event = self.events.get(self.next)?;
        self.next += 1;
        Some(event)
    }

    fn peek_kind(&self) -> Option<EventKind> {
        self.events.get(self.next).map(Event::kind)
    }

    #[inline]
    fn recycle(&mut self, mut path: Vec<Key<'i>>) {
        if path.capacity() > self.spare_path.capacity() {
            path.clear();
            self.spare_path = path;
        }
    }

    fn document(&mut self) -> Building {
        let mut document = Document::default();
        while let Some(event) = self.next_event() {
            match event.kind() {
                EventKind::StdTableOpen | EventKind::ArrayTableOpen => {
                    if let Some(path) = document.finish_table(&mut self.errors) {
                        self.recycle(path);
                    }
                    let header = self.header(event);
                    document.start_table(header, &mut self.errors);
                }
                EventKind::SimpleKey => {
                    let (path, key) = self.key(event);
                    let Some(key) = key else { break };
                    if self
                        .next_event()
                        .is_none_or(|event| event.kind() != EventKind::KeyValSep)
                    {
                        break;
                    }
                    let value = self.value();
                    document.key_value(&path, key, value, &mut self.errors);
                    self.recycle(path);
                }
                // Everything else is either layout or was reported by the grammar.
                _ => {}
            }
        }
        if let Some(path) = document.finish_table(&mut self.errors) {
            self.recycle(path);
        }
        document.root
    }

    fn header(&mut self, open: &Event) -> Header<'i> {
        let mut header = Header {
            path: Vec::new(),
            key: None,
            span: span_of(open),
            is_array: open.kind() == EventKind::ArrayTableOpen,
        };
        while let Some(event) = self.next_event() {
            match event.kind() {
                EventKind::StdTableClose | EventKind::ArrayTableClose => {
                    header.span.end = event.span().end();
                    break;
                }
                EventKind::SimpleKey => (header.path, header.key) = self.key(event),
                _ => {}
            }
        }
        header
    }

    fn decode_key(&mut self, event: &Event) -> Key<'i> {
        let span = span_of(event);
        let mut name = Cow::Borrowed("");
        if let Some(raw) = self.text.get(span.start..span.end) {
            match verbatim_key(event.encoding(), raw) {
                Some(verbatim) => name = Cow::Borrowed(verbatim),
                None => Raw::new_unchecked(raw, event.encoding(), event.span())
                    .decode_key(&mut name, &mut self.errors),
            }
        }
        Key { name, span }
    }

    /// Whether a key continues with a `.`.
    fn key_continues(&self) -> bool {
        self.peek_kind() == Some(EventKind::KeySep)
    }

    /// A simple or dotted key: the path of the parts before the last, and the last part (none
    /// when the key is too deep).
    fn key(&mut self, first: &'e Event) -> (Vec<Key<'i>>, Option<Key<'i>>) {
        if !self.key_continues() {
            return (Vec::new(), Some(self.decode_key(first)));
        }
        let mut path = std::mem::take(&mut self.spare_path);
        let mut last: Option<Key> = None;
        let mut pending = Some(first);
        while let Some(event) = self.next_event() {
            match event.kind() {
                EventKind::SimpleKey => {
                    pending = Some(event);
                    if !self.key_continues() {
                        break;
                    }
                }
                EventKind::KeySep => {
                    if let Some(part) = pending.take() {
                        let part = self.decode_key(part);
                        path.extend(last.replace(part));
                    }
                }
                _ => {}
            }
        }
        if let Some(part) = pending.take() {
            let part = self.decode_key(part);
            path.extend(last.replace(part));
        }
        if path.len() >= RECURSION_LIMIT as usize {
            self.errors.push(ParseError::new("recursion limit"));
            return (Vec::new(), None);
        }
        (path, last)
    }

    fn value(&mut self) -> Value {
        match self.next_event() {
            Some(event) if event.kind() == EventKind::InlineTableOpen => self.inline_table(event),
            Some(event) if event.kind() == EventKind::ArrayOpen => self.array(event),
            Some(event) if event.kind() == EventKind::Scalar => self.scalar(event),
            // A missing value reads as the integer 0 with an empty span at the start.
            _ => Value {
                span: Span::empty(0),
                kind: ValueKind::Integer {
                    digits: "0".to_owned(),
                    radix: 10,
                },
            },
        }
    }

    fn scalar(&mut self, event: &Event) -> Value {
        let mut decoded = String::new();
        let span = span_of(event);
        let kind = match self.text.get(span.start..span.end) {
            Some(raw) => match verbatim_basic_string(event.encoding(), raw) {
                Some(text) => {
                    decoded = text.to_owned();
                    ScalarKind::String
                }
                None => Raw::new_unchecked(raw, event.encoding(), event.span())
                    .decode_scalar(&mut decoded, &mut self.errors),
            },
            None => ScalarKind::String,
        };
        let kind = match kind {
            ScalarKind::String => ValueKind::String(decoded),
            ScalarKind::Boolean(value) => ValueKind::Bool(value),
            ScalarKind::DateTime => ValueKind::Datetime(decoded.parse().unwrap_or_else(|error| {
                self.errors
                    .push(ParseError::new(format!("{error}")).with_unexpected(event.span()));
                toml_datetime::Datetime {
                    date: None,
                    time: None,
                    offset: None,
                }
            })),
            ScalarKind::Float => ValueKind::Float(decoded),
            ScalarKind::Integer(radix) => ValueKind::Integer {
                digits: decoded,
                radix: radix.value(),
            },
        };
        Value { span, kind }
    }

    fn array(&mut self, open: &Event) -> Value {
        let mut items = Vec::new();
        let mut end = open.span().end();
        let mut pending: Option<Value> = None;
        while let Some(event) = self.next_event() {
            end = event.span().end();
            match event.kind() {
                EventKind::InlineTableOpen => pending = Some(self.inline_table(event)),
                EventKind::ArrayOpen => pending = Some(self.array(event)),
                EventKind::Scalar => pending = Some(self.scalar(event)),
                EventKind::ValueSep => items.extend(pending.take()),
                EventKind::ArrayClose => {
                    items.extend(pending.take());
                    break;
                }
                EventKind::Error | EventKind::Comment | EventKind::Newline => {}
                // Anything else ends the array (and a value not yet followed by `,` is lost).
                _ => break,
            }
        }
        Value {
            span: Span::new(open.span().start(), end),
            kind: ValueKind::Array {
                items,
                of_tables: false,
            },
        }
    }

    fn inline_table(&mut self, open: &Event) -> Value {
        let mut table = Building {
            inline: true,
            ..Building::default()
        };
        let mut end = open.span().end();
        let mut pending_key: Option<(Vec<Key>, Key)> = None;
        let mut pending_value: Option<Value> = None;
        while let Some(event) = self.next_event() {
            end = event.span().end();
            match event.kind() {
                EventKind::SimpleKey => {
                    if let (path, Some(key)) = self.key(event) {
                        pending_key = Some((path, key));
                    }
                }
                EventKind::InlineTableOpen => pending_value = Some(self.inline_table(event)),
                EventKind::ArrayOpen => pending_value = Some(self.array(event)),
                EventKind::Scalar => pending_value = Some(self.scalar(event)),
                EventKind::ValueSep | EventKind::InlineTableClose => {
                    let key = pending_key.take();
                    let value = pending_value.take();
                    if let (Some((path, key)), Some(value)) = (key, value) {
                        inline_key_value(&mut table, &path, key, value, &mut self.errors);
                        self.recycle(path);
                    }
                    if event.kind() == EventKind::InlineTableClose {
                        break;
                    }
                }
                EventKind::StdTableOpen
                | EventKind::ArrayTableOpen
                | EventKind::StdTableClose
                | EventKind::ArrayClose
                | EventKind::ArrayTableClose
                | EventKind::KeySep => break,
                _ => {}
            }
        }
        Value {
            span: Span::new(open.span().start(), end),
            kind: ValueKind::Table(table),
        }
    }
}

/// `key = value` inside an inline table.
fn inline_key_value(
    table: &mut Building,
    path: &[Key<'_>],
    key: Key<'_>,
    value: Value,
    errors: &mut Vec<ParseError>,
) {
    let Some(parent) = descend_inline(table, path, errors) else {
        return;
    };
    if parent.dotted == path.is_empty() {
        errors.push(duplicate_key(&key));
        return;
    }
    parent.push_new(key, value, errors);
}

/// The table a dotted key's path names inside an inline table, created as needed.
fn descend_inline<'t>(
    mut table: &'t mut Building,
    path: &[Key<'_>],
    errors: &mut Vec<ParseError>,
) -> Option<&'t mut Building> {
    for part in path {
        let position = table.position_or_implicit(part, true, true);
        table = match &mut table.entries[position].value.kind {
            ValueKind::Table(child) if !child.implicit => {
                errors.push(duplicate_key(part));
                return None;
            }
            ValueKind::Table(child) => child,
            other => {
                errors.push(cannot_extend(other.type_name(), part));
                return None;
            }
        };
    }
    Some(table)
}

/// The document-level state: the root, and the table of the header being read.
#[derive(Default)]
struct Document<'i> {
    root: Building,
    current: Building,
    header: Option<Header<'i>>,
}

impl<'i> Document<'i> {
    fn key_value(
        &mut self,
        path: &[Key<'_>],
        key: Key<'_>,
        value: Value,
        errors: &mut Vec<ParseError>,
    ) {
        let dotted = !path.is_empty();
        let Some(parent) = descend(&mut self.current, path, dotted, errors) else {
            return;
        };
        // A dotted key may not add to a table a header defined.
        if dotted && !parent.implicit {
            errors.push(duplicate_key(&key));
            return;
        }
        parent.push_new(key, value, errors);
    }

    /// Puts the table read under the current header into the tree; gives back the vector of
    /// the header's path, for reuse.
    fn finish_table(&mut self, errors: &mut Vec<ParseError>) -> Option<Vec<Key<'i>>> {
        let table = std::mem::take(&mut self.current);
        let Some(header) = self.header.take() else {
            // The keys before the first header are the root.
            self.root = table;
            return None;
        };
        let Some(key) = header.key else {
            return Some(header.path);
        };
        let table = Value {
            span: header.span,
            kind: ValueKind::Table(table),
        };
        let Some(parent) = descend(&mut self.root, &header.path, false, errors) else {
            return Some(header.path);
        };
        if !header.is_array {
            // Usually new: `start_table` took any table of that name out of the parent.
            match parent.position(&key.name) {
                Some(position) => parent.entries[position].value = table,
                None => {
                    parent.push(key.name.into_owned(), key.span, table);
                }
            }
            return Some(header.path);
        }
        let position = match parent.position(&key.name) {
            Some(position) => position,
            None => parent.push(
                key.name.clone().into_owned(),
                key.span,
                Value {
                    span: header.span,
                    kind: ValueKind::Array {
                        items: Vec::new(),
                        of_tables: true,
                    },
                },
            ),
        };
        match &mut parent.entries[position].value.kind {
            ValueKind::Array {
                items,
                of_tables: true,
            } => items.push(table),
            _ => errors.push(duplicate_key(&key)),
        }
        Some(header.path)
    }

    fn start_table(&mut self, header: Header<'i>, errors: &mut Vec<ParseError>) {
        if !header.is_array {
            // A table the header names already: an implicit one (created by `[a.b]` before
            // `[a]`) is taken over; anything else is a redefinition, reported here, and its
            // entries (if a table) carry on. Either way it moves to the end of its parent.
            if let (Some(parent), Some(key)) = (
                descend(&mut self.root, &header.path, false, errors),
                &header.key,
            ) && let Some(position) = parent.position(&key.name)
            {
                let existing = parent.remove(position);
                match existing.value.kind {
                    ValueKind::Table(table) if table.implicit && !table.dotted => {
                        self.current = table;
                    }
                    kind => {
                        errors.push(duplicate_key(key));
                        if let ValueKind::Table(table) = kind {
                            self.current = table;
                        }
                    }
                }
            }
        }
        self.current.implicit = false;
        self.current.dotted = false;
        self.header = Some(header);
    }
}

/// The table a header's path or a dotted key's path names, created as needed; the last table of
/// an array of tables stands for the array.
fn descend<'t>(
    mut table: &'t mut Building,
    path: &[Key],
    dotted: bool,
    errors: &mut Vec<ParseError>,
) -> Option<&'t mut Building> {
    for part in path {
        let position = table.position_or_implicit(part, dotted, false);
        table = match &mut table.entries[position].value.kind {
            ValueKind::Array {
                of_tables: false, ..
            } => {
                errors.push(cannot_extend("array", part));
                return None;
            }
            ValueKind::Array { items, .. } => match items.last_mut().map(|last| &mut last.kind) {
                Some(ValueKind::Table(last)) => last,
                Some(other) => {
                    errors.push(cannot_extend(other.type_name(), part));
                    return None;
                }
                None => return None,
            },
            ValueKind::Table(child) => {
                if child.inline {
                    errors.push(cannot_extend("inline table", part));
                    return None;
                }
                if dotted && child.implicit {
                    child.dotted = true;
                }
                if dotted && !child.implicit {
                    errors.push(duplicate_key(part));
                    return None;
                }
                child
            }
            other => {
                errors.push(cannot_extend(other.type_name(), part));
                return None;
            }
        };
    }
    Some(table)
}

/// Turns the built tables into the spanned tree, noting the first header and the values
/// wrangler refuses although the TOML reader accepts them.
struct Lowering<'t> {
    text: &'t str,
    first_header: Option<usize>,
    refusals: Vec<SyntaxError>,
}

impl Lowering<'_> {
    /// Consumes the built table: its keys and strings move into the tree, none is copied.
    fn table(&mut self, table: Building, style: TableStyle) -> Table {
        // Into an exact allocation, as `map_exact` (the removed entries are few, when any).
        let kept = table.entries.iter().filter(|entry| !entry.removed).count();
        let mut entries = Vec::with_capacity(kept);
        for entry in table.entries {
            if !entry.removed {
                entries.push(Entry {
                    key: entry.key,
                    key_span: entry.key_span,
                    value: self.value(entry.value),
                });
            }
        }
        Table::new(style, entries)
    }

    fn refuse(&mut self, span: Span, message: &str) {
        self.refusals.push(SyntaxError {
            span: clamp(span, self.text),
            message: message.to_owned(),
        });
    }

    fn value(&mut self, value: Value) -> Node {
        let span = value.span;
        let kind = match value.kind {
            ValueKind::String(text) => NodeKind::String(text),
            ValueKind::Integer { digits, radix } => {
                if let Some(message) = integer_wrangler_refuses(&digits, radix) {
                    self.refuse(span, message);
                }
                NodeKind::Number(digits)
            }
            ValueKind::Float(text) => NodeKind::Number(text),
            ValueKind::Bool(value) => NodeKind::Bool(value),
            ValueKind::Datetime(datetime) => {
                if datetime.time.and_then(|time| time.second) == Some(60) {
                    self.refuse(span, LEAP_SECOND);
                }
                NodeKind::Datetime(datetime.to_string())
            }
            ValueKind::Array { items, .. } => {
                NodeKind::Array(map_exact(items, |item| self.value(item)))
            }
            ValueKind::Table(table) => {
                // A header table has the header's span, an inline table its braces and an
                // implicit table the key that created it: the first byte tells them apart.
                let style = match self.text.as_bytes().get(span.start) {
                    Some(b'[') => {
                        let earliest = self
                            .first_header
                            .map_or(span.start, |at| at.min(span.start));
                        self.first_header = Some(earliest);
                        TableStyle::Header
                    }
                    Some(b'{') => TableStyle::Inline,
                    _ => TableStyle::Implicit,
                };
                NodeKind::Table(self.table(table, style))
            }
        };
        Node { span, kind }
    }
}

#[cfg(test)]
mod tests {
    use super::super::toml_reference;
    use super::*;

    /// Every `.toml` file of the repository's corpora and fixtures.
    fn corpus() -> Vec<(std::path::PathBuf, String)> {
        super::super::repository_files(&["tests/corpora", "fixtures"], &["toml"])
    }

    /// `Table::overridden_entries` relies on a TOML table never repeating a key.
    fn assert_keys_unique(table: &Table, context: &dyn std::fmt::Display) {
        let mut keys: Vec<&str> = table
            .entries
            .iter()
            .map(|entry| entry.key.as_str())
            .collect();
        keys.sort_unstable();
        assert!(
            keys.windows(2).all(|pair| pair[0] != pair[1]),
            "a repeated key in {context}"
        );
        let mut nodes: Vec<&Node> = table.entries.iter().map(|entry| &entry.value).collect();
        while let Some(node) = nodes.pop() {
            match &node.kind {
                NodeKind::Table(table) => assert_keys_unique(table, context),
                NodeKind::Array(items) => nodes.extend(items),
                _ => {}
            }
        }
    }

    fn assert_same(text: &str, context: &dyn std::fmt::Display) {
        assert_keys_unique(&parse(text).root, context);
        if let Some(disagreement) = toml_reference::disagreement(text) {
            panic!("{context}: {disagreement}");
        }
    }

    #[test]
    fn events_lower_as_the_detable_reader_does_on_every_corpus_file() {
        let files = corpus();
        assert!(files.len() > 300, "found {} files", files.len());
        for (path, text) in &files {
            assert_same(text, &path.display());
        }
    }

    /// Half-typed files: every prefix of the smaller corpus files, and every prefix ending at a
    /// line break of the others.
    #[test]
    fn events_lower_as_the_detable_reader_does_on_every_prefix() {
        for (path, text) in corpus() {
            let small = text.len() <= 600;
            for (at, character) in text.char_indices() {
                if small || character == '\n' {
                    assert_same(&text[..at], &format_args!("{} up to {at}", path.display()));
                }
            }
        }
    }

    /// Keys and strings taken straight from the source (no escape, nothing refused) and those
    /// next to them that the decoder must still read.
    #[test]
    fn keys_and_strings_read_as_written_match_the_detable_reader() {
        for text in [
            "a = \"plain\"\nb-c_9 = \"tab\\there\"\n",
            "a = \"with\ttab and \u{e9}t\u{e9} \u{1f600}\"\n",
            "a = \"del \u{7f} here\"\nb = \"control \u{1} here\"\n",
            "a = \"\"\n\"\" = 1\n\"quoted key\" = 2\n'lit' = 'x\\y'\n",
            "a = \"escaped \\\" quote\"\nb = \"\\u00e9\"\n",
            "\u{e9} = 1\nk\u{e9}y = 2\n",
            "a = \"unterminated\nb = \"\n",
            "[\"env\".e1]\nname = \"\"\"multi\nline\"\"\"\n",
            "t = { k = \"v\", \"q k\" = \"w\\n\" }\n",
        ] {
            assert_same(text, &text.escape_debug());
        }
    }

    #[test]
    fn redefinitions_and_moves_match_the_detable_reader() {
        for text in [
            "[a.b]\nx = 1\n[c]\n[a]\ny = 2\n",
            "a = 1\n[a]\nb = 2\n",
            "[a]\nx = 1\n[a]\ny = 2\n",
            "[[a]]\nx = 1\n[a.b]\ny = 1\n[[a]]\n[a]\n",
            "a = [1]\n[[a]]\n",
            "a = { b = 1 }\na.c = 2\n[a.d]\n",
            "a.b = 1\n[a]\nc = 2\n[a.b]\n",
            "t = { a.b = 1, a.c = 2, a = 3, d.e = 1, d = { f = 1 } }\n",
            "x = 1979-02-30\ny = 1979-13-01\nz = 00:00:60\nn = 0x\nm = 9007199254740993\n",
            "a =\nb = \"\\q\"\n[c\nd = 1\n",
            "[[e]]\n[e.f]\n[[e.f.g]]\nh.i = 1\n[e]\n",
            // Whitespace around every separator, and where none is allowed.
            "a . b\t=\t1\n[ c . d ]\n[[ e ]]\nf = [ 1 , { g . h = 2 } , ]\n",
            "a .\n b = 1\n[c\n.d]\ne = { f =\n1 }\n",
            // Line breaks: CRLF, and a carriage return alone (an error).
            "a = 1\r\n[b]\r\nc = [\r\n2,\r\n]\rd = 3\r",
        ] {
            assert_same(text, &text.escape_debug());
        }
        let deep = format!("{} = 1\n", vec!["k"; 90].join("."));
        assert_same(&deep, &"90 dotted parts");
        // Arrays and inline tables nested past the recursion limit, and back within it.
        for depth in [79, 80, 81, 90] {
            let arrays = format!("a = {}1{}\nb = 2\n", "[".repeat(depth), "]".repeat(depth));
            assert_same(&arrays, &format_args!("arrays {depth} deep"));
            let tables = format!(
                "a = {}1{}\nb = 2\n",
                "{ k = ".repeat(depth),
                " }".repeat(depth)
            );
            assert_same(&tables, &format_args!("inline tables {depth} deep"));
        }
        let many: String = (0..40).map(|i| format!("[env.e{i}]\nx = {i}\n")).collect();
        assert_same(
            &format!("{many}[env.e3]\n[env]\nname = 1\n"),
            &"many tables",
        );
        // Tables named by a child's header first, in a table large enough to keep an index of
        // its keys: each `[env.eN]` takes its implicit table out and puts it back at the end.
        let children_first: String = (0..40)
            .map(|i| format!("[env.e{i}.vars]\nA = {i}\n[env.e{i}]\nname = \"e{i}\"\n"))
            .collect();
        assert_same(
            &format!("{children_first}[env.e7]\n[env.e7.vars]\n"),
            &"children first",
        );
    }

    /// Two keys with one hash (too rare to find by chance): the index sends both to a scan.
    #[test]
    fn keys_sharing_a_hash_are_found_by_scanning() {
        let mut table = Building::default();
        let value = || Value {
            span: Span::empty(0),
            kind: ValueKind::Bool(true),
        };
        for index in 0..=SCANNED_ENTRIES {
            table.push(format!("k{index}"), Span::empty(0), value());
        }
        assert!(table.positions.is_some(), "a large table keeps an index");
        // As if `k3` and `shared` had one hash: both are marked collided.
        let positions = table.positions.as_mut().unwrap();
        positions.insert(key_hash("k3"), COLLIDED);
        positions.insert(key_hash("shared"), COLLIDED);
        assert_eq!(table.position("k3"), Some(3));
        assert_eq!(table.position("shared"), None);
        let shared = table.push("shared".to_owned(), Span::empty(0), value());
        assert_eq!(table.position("shared"), Some(shared));
        assert_eq!(table.remove(3).key, "k3");
        assert_eq!(table.position("k3"), None);
        assert_eq!(table.position("shared"), Some(shared));
        assert_eq!(table.position("k4"), Some(4));
        // A key whose hash leads to another key's entry is absent.
        let k5 = table.position("k5").unwrap();
        table
            .positions
            .as_mut()
            .unwrap()
            .insert(key_hash("absent"), k5);
        assert_eq!(table.position("absent"), None);
    }
}
