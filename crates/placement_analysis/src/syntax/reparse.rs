//! The parse of an edited text from the parse before the edit, when the edit only changed the
//! content of one single-line string value: the language server's most common edit (typing in a
//! `name`, a route, a date) then costs one walk over the tree instead of a parse of the file.
//!
//! The patch is taken only when it is provably what [`parse`](super::parse) would return:
//!
//! - The changed bytes lie strictly between the quotes of a string token, and the token's
//!   content before and after the edit holds only bytes the lexer and the decoder take as
//!   themselves (no quote, no backslash, no line break, no control character the grammar
//!   refuses). So the lexer ends the token at the same closing quote, nothing before or after it
//!   lexes differently, and the decoded value is the content as written.
//! - The tree has exactly one node with the token's span, a string whose value is the old
//!   content: the token is a value (not a key, a comment or part of a multi-line string), kept
//!   in the tree.
//! - No syntax error touches the token, and no span of the tree starts or ends inside it.
//!
//! Then the parser sees the same tokens in the same order, only one of them longer or shorter,
//! and neither format's lowering looks at a value's content: every span after the token moves by
//! the change in length, and spans around it grow or shrink at their end. The one rule that
//! reads the text around a span, TOML's leniency about a date's day (`is_day_wrangler_accepts`,
//! which looks 10 bytes around a date), cannot see the edit: a date is another token, so any
//! 10-byte window of its surroundings that reaches the changed bytes holds one of the string's
//! quotes, and a window with a quote is never a date.

use super::{Format, Node, NodeKind, ParsedConfig, Table};
use crate::span::Span;

/// The parse of `text`, from `previous`, the parse of `previous_text`, when the edit between
/// them lies inside one string value (see the module's documentation); `None` otherwise, and
/// the caller parses `text`. Linear in the size of the tree; `previous` is patched in place.
pub fn reparse(previous_text: &str, previous: ParsedConfig, text: &str) -> Option<ParsedConfig> {
    let Some(edit) = Edit::between(previous_text, text) else {
        // The same text (an analysis for another file's sake): the same parse.
        return Some(previous);
    };
    let token = StringToken::around(previous_text, text, &edit, &previous)?;
    let mut patched = previous;
    let touched = patched
        .errors
        .iter()
        .any(|error| error.span.start <= token.close + 1 && error.span.end >= token.open);
    if touched {
        return None;
    }
    let shift = Shift {
        open: token.open,
        close: token.close,
        old_len: previous_text.len(),
        new_len: text.len(),
    };
    let old_content = &previous_text[token.open + 1..token.close];
    let new_content = &text[token.open + 1..token.close + text.len() - previous_text.len()];
    if !patch_tree(
        &mut patched.root,
        &shift,
        token.span(),
        old_content,
        new_content,
    ) {
        return None;
    }
    for error in &mut patched.errors {
        error.span = shift.span(error.span)?;
    }
    if let Some(first_header) = &mut patched.first_header {
        *first_header = shift.offset(*first_header)?;
    }
    if let Some((span, _)) = &mut patched.root_not_object {
        *span = shift.span(*span)?;
    }
    Some(patched)
}

/// The bytes that differ between two texts: `start..old_end` in the old text became
/// `start..new_end` in the new one, on character boundaries.
struct Edit {
    start: usize,
    old_end: usize,
    new_end: usize,
}

impl Edit {
    /// `None` when the texts are equal.
    fn between(old: &str, new: &str) -> Option<Edit> {
        let (old_bytes, new_bytes) = (old.as_bytes(), new.as_bytes());
        let mut start = common_prefix(old_bytes, new_bytes);
        if start == old.len() && start == new.len() {
            return None;
        }
        while !old.is_char_boundary(start) {
            start -= 1;
        }
        let shorter = old.len().min(new.len());
        let suffix = common_suffix(&old_bytes[start..], &new_bytes[start..]).min(shorter - start);
        let mut old_end = old.len() - suffix;
        let mut new_end = new.len() - suffix;
        // The suffix is the same bytes in both texts, so a boundary in one is one in the other.
        while !old.is_char_boundary(old_end) {
            old_end += 1;
            new_end += 1;
        }
        Some(Edit {
            start,
            old_end,
            new_end,
        })
    }
}

/// Compared a block at a time: a config is a megabyte at most, and this runs on every edit.
const BLOCK: usize = 64;

fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let mut at = 0;
    while at + BLOCK <= len && a[at..at + BLOCK] == b[at..at + BLOCK] {
        at += BLOCK;
    }
    while at < len && a[at] == b[at] {
        at += 1;
    }
    at
}

fn common_suffix(a: &[u8], b: &[u8]) -> usize {
    let len = a.len().min(b.len());
    let mut matched = 0;
    while matched + BLOCK <= len
        && a[a.len() - matched - BLOCK..a.len() - matched]
            == b[b.len() - matched - BLOCK..b.len() - matched]
    {
        matched += BLOCK;
    }
    while matched < len && a[a.len() - matched - 1] == b[b.len() - matched - 1] {
        matched += 1;
    }
    matched
}

/// A single-line string token of the old text around the edit: the offsets of its quotes.
struct StringToken {
    open: usize,
    close: usize,
}

impl StringToken {
    /// The string token whose content holds the edit, when its content before and after the
    /// edit is copied verbatim. When both kinds of TOML quote could bound it (`"a'b'c"` or
    /// `"x", 'b', "y"` edited at `b`), the one the tree has a string with that span for.
    fn around(old: &str, new: &str, edit: &Edit, parsed: &ParsedConfig) -> Option<StringToken> {
        let format = parsed.format;
        let basic = Self::bounded_by(old, new, edit, format, b'"');
        let literal = match format {
            Format::Toml => Self::bounded_by(old, new, edit, format, b'\''),
            Format::Json => None,
        };
        match (basic, literal) {
            (Some(basic), Some(literal)) => {
                // The two overlap, so at most one is a token: a rare case, worth one more walk.
                [basic, literal]
                    .into_iter()
                    .find(|token| has_string_at(&parsed.root, token.span()))
            }
            (basic, literal) => basic.or(literal),
        }
    }

    fn span(&self) -> Span {
        Span::new(self.open, self.close + 1)
    }

    fn bounded_by(
        old: &str,
        new: &str,
        edit: &Edit,
        format: Format,
        quote: u8,
    ) -> Option<StringToken> {
        let verbatim = verbatim_in(format, quote);
        let (old, new) = (old.as_bytes(), new.as_bytes());
        let open = old[..edit.start]
            .iter()
            .rposition(|byte| !verbatim(*byte))?;
        let close = edit.old_end
            + old[edit.old_end..]
                .iter()
                .position(|byte| !verbatim(*byte))?;
        if old[open] != quote || old[close] != quote {
            return None;
        }
        if !new[edit.start..edit.new_end]
            .iter()
            .all(|byte| verbatim(*byte))
        {
            return None;
        }
        // An emptied string next to a third quote would open a multi-line string (`"""`).
        let new_close = close + new.len() - old.len();
        if new_close == open + 1 && new.get(new_close + 1) == Some(&quote) {
            return None;
        }
        Some(StringToken { open, close })
    }
}

/// Which bytes a string opened by `quote` holds as themselves, in `format`.
fn verbatim_in(format: Format, quote: u8) -> fn(u8) -> bool {
    match (format, quote) {
        (Format::Toml, b'"') => super::toml::is_basic_unescaped,
        // The grammar's `literal-char`: no apostrophe, no control character but tab.
        (Format::Toml, _) => |byte| matches!(byte, b'\t' | 0x20..=0x26 | 0x28..=0x7E | 0x80..),
        // No quote, no backslash, no control character (wrangler refuses them raw).
        (Format::Json, _) => |byte| byte >= 0x20 && byte != b'"' && byte != b'\\',
    }
}

/// Where the old text's offsets are in the new one: unchanged up to the token's opening quote,
/// moved by the change in length after its closing quote; none inside the token (after the
/// opening quote, up to and with the closing one).
struct Shift {
    open: usize,
    close: usize,
    old_len: usize,
    new_len: usize,
}

impl Shift {
    fn offset(&self, offset: usize) -> Option<usize> {
        if offset <= self.open {
            Some(offset)
        } else if offset > self.close {
            Some(offset + self.new_len - self.old_len)
        } else {
            None
        }
    }

    fn span(&self, span: Span) -> Option<Span> {
        Some(Span::new(self.offset(span.start)?, self.offset(span.end)?))
    }
}

/// Whether the tree has a string value at `span`.
fn has_string_at(root: &Table, span: Span) -> bool {
    let mut pending: Vec<&Node> = root.entries.iter().map(|entry| &entry.value).collect();
    while let Some(node) = pending.pop() {
        match &node.kind {
            NodeKind::String(_) if node.span == span => return true,
            NodeKind::Table(table) => {
                pending.extend(table.entries.iter().map(|entry| &entry.value))
            }
            NodeKind::Array(items) => pending.extend(items),
            _ => {}
        }
    }
    false
}

/// Moves every span of the tree and replaces the token's value; false (the tree then half
/// patched, to be dropped) unless exactly one node is the token, a string of `old_content`,
/// and no span starts or ends inside the token.
fn patch_tree(
    root: &mut Table,
    shift: &Shift,
    token: Span,
    old_content: &str,
    new_content: &str,
) -> bool {
    let mut replaced = 0;
    let mut pending: Vec<&mut Node> = Vec::with_capacity(64);
    for (key_span, value) in root.key_spans_and_values_mut() {
        let Some(shifted) = shift.span(*key_span) else {
            return false;
        };
        *key_span = shifted;
        pending.push(value);
    }
    while let Some(node) = pending.pop() {
        let is_token = node.span == token;
        let Some(span) = shift.span(node.span) else {
            return false;
        };
        node.span = span;
        match &mut node.kind {
            NodeKind::String(value) if is_token => {
                if value != old_content {
                    return false;
                }
                // In place: the string's buffer is reused.
                value.clear();
                value.push_str(new_content);
                replaced += 1;
            }
            _ if is_token => return false,
            NodeKind::Table(table) => {
                for (key_span, value) in table.key_spans_and_values_mut() {
                    let Some(shifted) = shift.span(*key_span) else {
                        return false;
                    };
                    *key_span = shifted;
                    pending.push(value);
                }
            }
            NodeKind::Array(items) => pending.extend(items.iter_mut()),
            _ => {}
        }
    }
    replaced == 1
}

#[cfg(test)]
mod tests {
    use super::super::{SyntaxError, parse};
    use super::*;

    /// The reparse of `before` edited into `after`, checked against the parse of `after`.
    fn reparsed(before: &str, after: &str, format: Format) -> Option<ParsedConfig> {
        let patched = reparse(before, parse(before, format), after)?;
        assert_eq!(
            patched,
            parse(after, format),
            "{:?} -> {:?}",
            before.escape_debug().to_string(),
            after.escape_debug().to_string()
        );
        Some(patched)
    }

    fn fast(before: &str, after: &str, format: Format) -> bool {
        reparsed(before, after, format).is_some()
    }

    #[test]
    fn toml_basic_strings_anywhere_take_the_fast_path() {
        for (before, after) in [
            ("name = \"api\"\n", "name = \"xapi\"\n"),
            ("name = \"api\"\n", "name = \"ap\"\n"),
            ("name = \"api\"\n", "name = \"\"\n"),
            ("name = \"\"\n", "name = \"a\"\n"),
            (
                "name = \"api\"\n[env.a]\nname = \"b\"\n",
                "name = \"a\u{e9}pi\"\n[env.a]\nname = \"b\"\n",
            ),
            (
                "[env.a]\nroutes = [\"a/*\", \"b/*\"]\n",
                "[env.a]\nroutes = [\"a/*\", \"bc/*\"]\n",
            ),
            (
                "vars = { A = \"1\", B = { C = \"2\" } }\n",
                "vars = { A = \"1\", B = { C = \"2\u{1f600}\" } }\n",
            ),
            (
                "a.b.c = \"x\"\n[t]\nd = 1\n",
                "a.b.c = \"x # y\"\n[t]\nd = 1\n",
            ),
            (
                "[[r]]\np = \"x\"\n[[r]]\np = \"y\"\n",
                "[[r]]\np = \"x\"\n[[r]]\np = \"\t y\"\n",
            ),
            // A replaced multi-byte character: the bytes differ only after its first byte.
            ("a = \"\u{e9}\"\n", "a = \"\u{e8}\"\n"),
            ("a = \"it's\"\n", "a = \"it is\"\n"),
            // Both kinds of quote could bound the edit: the tree says which is the token.
            ("a = \"p'q'r\"\n", "a = \"p'qq'r\"\n"),
            ("a = [\"x\", 'q', \"y\"]\n", "a = [\"x\", 'qq', \"y\"]\n"),
            ("a = \"x\"", "a = \"xy\""),
        ] {
            assert!(fast(before, after, Format::Toml), "{before:?} -> {after:?}");
        }
    }

    #[test]
    fn toml_literal_strings_take_the_fast_path() {
        for (before, after) in [
            ("a = 'C:\\path'\n", "a = 'C:\\paths'\n"),
            ("a = ['x', 'y\"z']\n", "a = ['x', 'y\"\"z']\n"),
            ("a = { b = 'q' }\n", "a = { b = '' }\n"),
        ] {
            assert!(fast(before, after, Format::Toml), "{before:?} -> {after:?}");
        }
    }

    #[test]
    fn json_strings_take_the_fast_path() {
        for (before, after) in [
            ("{\"name\": \"api\"}", "{\"name\": \"apix\"}"),
            (
                "{\"a\": [\"x\", {\"b\": \"y\"}]}",
                "{\"a\": [\"x\", {\"b\": \"y z'\"}]}",
            ),
            (
                "// c\n{\"a\": \"x\", /* \" */ \"b\": 1,}",
                "// c\n{\"a\": \"\", /* \" */ \"b\": 1,}",
            ),
            ("{\"a\": \"x\u{7f}\"}", "{\"a\": \"x\u{7f}\u{7f}\"}"),
        ] {
            assert!(fast(before, after, Format::Json), "{before:?} -> {after:?}");
        }
    }

    #[test]
    fn the_same_text_keeps_its_parse() {
        let text = "name = \"api\"\nx = [1\n";
        assert!(fast(text, text, Format::Toml));
    }

    #[test]
    fn spans_after_the_string_move_and_spans_around_it_grow() {
        let before = "[a]\nb = [\"x\", 1]\n[c]\nd = 1979-05-27\n";
        let after = "[a]\nb = [\"xyz\", 1]\n[c]\nd = 1979-05-27\n";
        let patched = reparsed(before, after, Format::Toml).expect("fast path");
        let array = &patched.root.get_table("a").unwrap().get("b").unwrap().value;
        assert_eq!(array.span, Span::new(8, 18));
        assert_eq!(array.as_array().unwrap()[0].span, Span::new(9, 14));
        assert_eq!(patched.root.get("c").unwrap().value.span, Span::new(19, 22));
        assert_eq!(patched.first_header, Some(0));
        // Syntax errors after the edit move with the text.
        let before = "a = \"x\"\nb = \nc = [1\n";
        let after = "a = \"xy\"\nb = \nc = [1\n";
        let patched = reparsed(before, after, Format::Toml).expect("fast path");
        assert!(!patched.errors.is_empty());
    }

    #[test]
    fn edits_that_change_tokens_or_decoding_take_the_full_parse() {
        for (before, after) in [
            // A quote, a backslash, a line break or a control character inside.
            ("a = \"x\"\n", "a = \"x\"\"\n"),
            ("a = \"x\"\n", "a = \"x\\\"\n"),
            ("a = \"xy\"\n", "a = \"x\\ty\"\n"),
            ("a = \"xy\"\n", "a = \"x\ny\"\n"),
            ("a = \"xy\"\n", "a = \"x\u{1}y\"\n"),
            ("a = \"xy\"\n", "a = \"x\u{7f}y\"\n"),
            ("a = 'xy'\n", "a = 'x'y'\n"),
            ("a = 'xy'\n", "a = 'x\u{7f}y'\n"),
            // A string already escaped, or refused.
            ("a = \"x\\ty\"\n", "a = \"x\\tyz\"\n"),
            ("a = \"x\u{1}y\"\n", "a = \"x\u{1}yz\"\n"),
            // Keys, comments, multi-line strings, other values.
            ("\"my key\" = 1\n", "\"my keys\" = 1\n"),
            ("[\"env\".a]\n", "[\"envs\".a]\n"),
            ("a = 1 # \"c\"\n", "a = 1 # \"cc\"\n"),
            ("a = \"\"\"x\"\"\"\n", "a = \"\"\"xy\"\"\"\n"),
            ("a = '''x'''\n", "a = '''xy'''\n"),
            ("a = 12\n", "a = 132\n"),
            ("a = true\n", "a = tru\n"),
            ("a = 1979-05-27\n", "a = 1979-05-28\n"),
            // Emptied next to a third quote: `"""` would open a multi-line string.
            ("a = [\"x\"\"]\n", "a = [\"\"\"]\n"),
            // The edit reaches a quote.
            (
                "a = \"x\"\nb = \"y\"\n",
                "a = \"x\"\nb = \"yy\"\nc = \"\"\n",
            ),
            ("a = \"x\"\n", "a = \"y\" \n"),
            // A dropped duplicate: the string is not in the tree.
            ("a = 1\na = \"x\"\n", "a = 1\na = \"xy\"\n"),
            // An unterminated string, and an error at the string.
            ("a = \"x\nb = 1\n", "a = \"xy\nb = 1\n"),
            ("a = [\"x\" \"y\"]\n", "a = [\"x\" \"yz\"]\n"),
        ] {
            assert!(
                !fast(before, after, Format::Toml),
                "{before:?} -> {after:?}"
            );
        }
        for (before, after) in [
            ("{\"a\": \"x\"}", "{\"a\": \"x\\\"}"),
            ("{\"a\": \"x\"}", "{\"a\": \"x\"\"}"),
            ("{\"a\": \"xy\"}", "{\"a\": \"x\ty\"}"),
            ("{\"a\": \"x\\ny\"}", "{\"a\": \"x\\nyz\"}"),
            ("{\"key\": 1}", "{\"keys\": 1}"),
            ("{\"a\": 1} // \"c\"", "{\"a\": 1} // \"cc\""),
            ("{\"a\": 1, /* \"c\" */}", "{\"a\": 1, /* \"cc\" */}"),
            ("{\"a\": 'x'}", "{\"a\": 'xy'}"),
            ("\"root\"", "\"roots\""),
            ("{\"a\": \"x\" \"y\"}", "{\"a\": \"x\" \"yz\"}"),
        ] {
            assert!(
                !fast(before, after, Format::Json),
                "{before:?} -> {after:?}"
            );
        }
    }

    /// Every `.toml`, `.json` and `.jsonc` file of the repository's corpora and fixtures, with
    /// its format; files over 32 KB (data, not configs) left out to keep the test quick.
    fn corpus() -> Vec<(std::path::PathBuf, String, Format)> {
        super::super::repository_files(&["tests/corpora", "fixtures"], &["toml", "json", "jsonc"])
            .into_iter()
            .filter(|(_, text)| text.len() <= 32 * 1024)
            .map(|(path, text)| {
                let format = if path.extension().is_some_and(|e| e == "toml") {
                    Format::Toml
                } else {
                    Format::Json
                };
                (path, text, format)
            })
            .collect()
    }

    /// The spans of the tree's string values and of its keys.
    fn string_and_key_spans(root: &Table) -> (Vec<Span>, Vec<Span>) {
        let (mut strings, mut keys) = (Vec::new(), Vec::new());
        let mut pending: Vec<&Node> = Vec::new();
        let mut tables = vec![root];
        loop {
            while let Some(table) = tables.pop() {
                for entry in &table.entries {
                    keys.push(entry.key_span);
                    pending.push(&entry.value);
                }
            }
            let Some(node) = pending.pop() else { break };
            match &node.kind {
                NodeKind::String(_) => strings.push(node.span),
                NodeKind::Table(table) => tables.push(table),
                NodeKind::Array(items) => pending.extend(items),
                _ => {}
            }
        }
        (strings, keys)
    }

    /// Whether a string token is one the fast path must take for a plain edit: one quote kind,
    /// its content copied verbatim, no syntax error at it.
    fn plain_token(text: &str, span: Span, errors: &[SyntaxError], format: Format) -> bool {
        let raw = &text.as_bytes()[span.start..span.end];
        let quote = raw[0];
        raw.len() >= 2
            && matches!(quote, b'"' | b'\'')
            && raw[raw.len() - 1] == quote
            && raw[1..raw.len() - 1]
                .iter()
                .all(|b| verbatim_in(format, quote)(*b))
            && !errors
                .iter()
                .any(|error| error.span.start <= span.end && error.span.end >= span.start)
    }

    /// The texts made by `edit`ing `text` at `at..end` with `inserted`.
    fn edited(text: &str, at: usize, end: usize, inserted: &str) -> String {
        format!("{}{inserted}{}", &text[..at], &text[end..])
    }

    /// Inserted where the fast path must stay, and where it must leave (in every kind of
    /// string), and where it depends on the kind.
    const KEEPING: &[&str] = &["x", "\u{e9}", "\u{1f600}", " ", "#", "/", "2024-02-30", "{"];
    const LEAVING: &[&str] = &["\n", "\r", "\u{1}", "\"'"];
    const DEPENDING: &[&str] = &["\"", "'", "\\", "\\\"", "\t", "\u{7f}"];

    /// Every string value of every corpus file edited at its start, middle and end: with
    /// characters that keep the fast path, characters that must leave it, deletions and
    /// replacements; every patched tree equals the full parse. Edits in keys never take it, and
    /// one-character edits every few bytes of each file never give a wrong tree.
    #[test]
    fn reparse_equals_the_full_parse_on_edits_of_every_corpus_string() {
        let files = corpus();
        assert!(files.len() > 700, "found {} files", files.len());
        let (mut taken, mut expected_and_taken, mut left) = (0usize, 0usize, 0usize);
        for (path, text, format) in &files {
            let parsed = parse(text, *format);
            let (strings, keys) = string_and_key_spans(&parsed.root);
            let check = |after: &str, expect: Option<bool>| -> bool {
                let patched = reparse(text, parsed.clone(), after);
                if let Some(patched) = &patched {
                    assert_eq!(
                        *patched,
                        parse(after, *format),
                        "{}: {:?}",
                        path.display(),
                        after.escape_debug().to_string()
                    );
                }
                if let Some(expect) = expect {
                    assert_eq!(
                        patched.is_some(),
                        expect,
                        "{}: fast path expected {expect} for {:?}",
                        path.display(),
                        after.escape_debug().to_string()
                    );
                }
                patched.is_some()
            };
            // Quoted strings (an unquoted TOML value the reader cannot read is a string too).
            let quoted = strings.into_iter().filter(|span| {
                let raw = &text.as_bytes()[span.start..span.end];
                raw.len() >= 2 && matches!(raw[0], b'"' | b'\'') && raw[raw.len() - 1] == raw[0]
            });
            for (index, span) in quoted.enumerate() {
                let plain = plain_token(text, span, &parsed.errors, *format);
                let inner = span.start + 1..span.end - 1;
                let middle = (inner.start..=inner.end)
                    .find(|at| *at >= (inner.start + inner.end) / 2 && text.is_char_boundary(*at))
                    .unwrap_or(inner.end);
                let followed_by_quote =
                    text.as_bytes().get(span.end) == Some(&text.as_bytes()[span.start]);
                for (place, at) in [inner.start, middle, inner.end].into_iter().enumerate() {
                    // Two of each list's characters at each place, taking turns over the strings.
                    let turn = index * 3 + place;
                    let two = |list: &[&'static str]| {
                        [list[turn % list.len()], list[(turn + 1) % list.len()]]
                    };
                    for inserted in two(KEEPING) {
                        let ok = check(&edited(text, at, at, inserted), plain.then_some(true));
                        taken += usize::from(ok);
                        expected_and_taken += usize::from(ok && plain);
                    }
                    for inserted in two(LEAVING) {
                        left += usize::from(!check(&edited(text, at, at, inserted), Some(false)));
                    }
                    for inserted in two(DEPENDING) {
                        taken += usize::from(check(&edited(text, at, at, inserted), None));
                    }
                    // Delete or replace the character at `at`.
                    if at < inner.end {
                        let next = at + text[at..].chars().next().map_or(0, char::len_utf8);
                        let emptied = inner.len() == next - at;
                        let expect = plain && !(emptied && followed_by_quote);
                        taken +=
                            usize::from(check(&edited(text, at, next, ""), expect.then_some(true)));
                        taken +=
                            usize::from(check(&edited(text, at, next, "y"), plain.then_some(true)));
                        left += usize::from(!check(&edited(text, at, next, "\n"), Some(false)));
                    }
                }
                // Delete the content, and delete a quote.
                taken += usize::from(check(&edited(text, inner.start, inner.end, ""), None));
                check(&edited(text, inner.end, span.end, ""), Some(false));
            }
            for span in keys.iter().filter(|span| span.len() >= 2) {
                let at = (span.start + 1..span.end).find(|at| text.is_char_boundary(*at));
                if let Some(at) = at {
                    check(&edited(text, at, at, "x"), Some(false));
                }
            }
            // Anywhere in the file: the patch, when taken, is right.
            for at in (0..text.len())
                .step_by(23)
                .filter(|at| text.is_char_boundary(*at))
            {
                for inserted in ["x", "\""] {
                    taken += usize::from(check(&edited(text, at, at, inserted), None));
                }
            }
        }
        eprintln!(
            "{} files: {taken} taken, {expected_and_taken} expected and taken, {left} left",
            files.len()
        );
        assert!(
            expected_and_taken > 10_000,
            "{expected_and_taken} expected fast edits"
        );
        assert!(
            taken > expected_and_taken && left > 15_000,
            "{taken} taken, {left} left"
        );
    }
}
