//! Where the cursor is, for completion: in which table, and whether a key or a value is being
//! typed. The text before the cursor is usually half typed and does not parse, so a small
//! scanner of TOML and JSONC structure reads it instead of the analysis's parser. It never
//! panics, whatever the text and offset (a fuzz target checks it: `fuzz/`).

use placement_analysis::syntax::Format;

/// Whether a key or a value is typed at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Slot {
    Key,
    /// The value of `key`.
    Value {
        key: String,
    },
}

/// Where the cursor is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CursorContext {
    /// The key path of the table holding the cursor (`["env", "staging", "placement"]`).
    pub table: Vec<String>,
    pub slot: Slot,
    /// The word typed so far and where it starts (byte offset).
    pub prefix: String,
    pub prefix_start: usize,
    /// Whether the word is inside quotes (the item then goes without them).
    pub quoted: bool,
}

/// Characters of a word being completed: keys, region ids (`aws:us-east-1`), booleans.
fn is_word_char(ch: char) -> bool {
    ch.is_ascii_alphanumeric() || matches!(ch, '_' | '-' | ':' | '$')
}

/// Scans `text[..offset]` and says where the cursor is; `None` inside a comment, inside a TOML
/// header or after a value that is complete.
pub fn cursor_context(text: &str, format: Format, offset: usize) -> Option<CursorContext> {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    match format {
        Format::Json => json_context(&text[..offset]),
        Format::Toml => toml_context(&text[..offset]),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Key,
    Value,
    /// After a complete value: nothing to complete until a separator.
    Separator,
}

#[derive(Debug)]
struct Frame {
    is_object: bool,
    /// The key path this container sits under, relative to its parent.
    key: Vec<String>,
}

/// The cursor is inside an unterminated string that started at this byte.
struct OpenString {
    content_start: usize,
}

fn bare_word_start(prefix: &str) -> usize {
    prefix
        .char_indices()
        .rev()
        .take_while(|(_, ch)| is_word_char(*ch))
        .last()
        .map_or(prefix.len(), |(index, _)| index)
}

fn finish(
    prefix: &str,
    table: Vec<String>,
    expect: Expect,
    pending_key: Option<Vec<String>>,
    open_string: Option<OpenString>,
) -> Option<CursorContext> {
    let (word_start, quoted) = match open_string {
        Some(open) => (open.content_start, true),
        None => (bare_word_start(prefix), false),
    };
    let slot = match expect {
        Expect::Key => Slot::Key,
        Expect::Value => Slot::Value {
            key: pending_key.as_ref()?.last()?.clone(),
        },
        Expect::Separator => return None,
    };
    let mut table = table;
    if let Slot::Value { .. } = slot {
        // A dotted key (`placement.mode = `) names its table in its first parts.
        let key = pending_key.unwrap_or_default();
        table.extend(key[..key.len().saturating_sub(1)].iter().cloned());
    }
    Some(CursorContext {
        table,
        slot,
        prefix: prefix[word_start..].to_owned(),
        prefix_start: word_start,
        quoted,
    })
}

fn json_context(prefix: &str) -> Option<CursorContext> {
    let bytes = prefix.as_bytes();
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect = Expect::Value;
    let mut pending_key: Option<Vec<String>> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                match prefix[i..].find('\n') {
                    Some(end) => i += end,
                    None => return None, // the cursor is in a comment
                }
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => match prefix[i + 2..].find("*/") {
                Some(end) => i += end + 3,
                None => return None,
            },
            b'"' => {
                let start = i + 1;
                let Some(end) = string_end(bytes, start, b'"', true) else {
                    let table = json_table(&stack);
                    let open = Some(OpenString {
                        content_start: start,
                    });
                    return finish(prefix, table, expect, pending_key, open);
                };
                if expect == Expect::Key && stack.last().is_some_and(|f| f.is_object) {
                    pending_key = Some(vec![prefix[start..end].to_owned()]);
                }
                expect = Expect::Separator;
                i = end;
            }
            b':' => expect = Expect::Value,
            b'{' | b'[' => expect = open_container(&mut stack, &mut pending_key, bytes[i]),
            b'}' | b']' => expect = close_container(&mut stack, &mut pending_key),
            b',' => {
                pending_key = None;
                expect = after_comma(&stack);
            }
            byte if byte.is_ascii_whitespace() => {}
            _ => {
                // A literal (number, true, ...): the cursor may still be on it.
                let word_end = prefix[i..]
                    .find(|ch: char| !is_word_char(ch) && ch != '.' && ch != '+')
                    .map_or(prefix.len(), |end| i + end);
                if word_end == prefix.len() {
                    break;
                }
                expect = Expect::Separator;
                i = next_index(prefix, i, word_end);
                continue;
            }
        }
        i += 1;
    }
    finish(prefix, json_table(&stack), expect, pending_key, None)
}

/// Enters the object (`{`) or array (`[`) that `bracket` opens, under the pending key; returns
/// what comes first inside it.
fn open_container(
    stack: &mut Vec<Frame>,
    pending_key: &mut Option<Vec<String>>,
    bracket: u8,
) -> Expect {
    let is_object = bracket == b'{';
    stack.push(Frame {
        is_object,
        key: pending_key.take().unwrap_or_default(),
    });
    if is_object {
        Expect::Key
    } else {
        Expect::Value
    }
}

/// Leaves the innermost object or array; a complete value.
fn close_container(stack: &mut Vec<Frame>, pending_key: &mut Option<Vec<String>>) -> Expect {
    stack.pop();
    *pending_key = None;
    Expect::Separator
}

/// What follows a comma: a key in an object, a value in an array.
fn after_comma(stack: &[Frame]) -> Expect {
    match stack.last() {
        Some(frame) if frame.is_object => Expect::Key,
        _ => Expect::Value,
    }
}

fn json_table(stack: &[Frame]) -> Vec<String> {
    stack
        .iter()
        .skip(1) // the document object itself
        .flat_map(|frame| frame.key.iter().cloned())
        .collect()
}

/// The index of the closing quote of a string whose content starts at `start`, or `None`
/// when the text ends first (or, for a single-line string, the line does).
fn string_end(bytes: &[u8], start: usize, quote: u8, escapes: bool) -> Option<usize> {
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escapes => i += 1,
            b'\n' if quote != b'"' || !escapes => return None,
            byte if byte == quote => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

fn toml_context(prefix: &str) -> Option<CursorContext> {
    let bytes = prefix.as_bytes();
    let mut header: Vec<String> = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut expect = Expect::Key;
    let mut key_parts: Vec<String> = Vec::new();
    let mut pending_key: Option<Vec<String>> = None;
    let mut at_line_start = true;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let line_start = at_line_start;
        at_line_start = false;
        match byte {
            b'\n' => {
                at_line_start = stack.is_empty();
                if stack.is_empty() {
                    expect = Expect::Key;
                    key_parts.clear();
                    pending_key = None;
                }
            }
            b' ' | b'\t' | b'\r' => at_line_start = line_start,
            b'#' => match prefix[i..].find('\n') {
                Some(end) => {
                    i += end;
                    continue;
                }
                None => return None,
            },
            b'[' if line_start && stack.is_empty() => {
                let Some(end) = prefix[i..].find('\n') else {
                    return None; // typing a header
                };
                header = header_path(&prefix[i..i + end]);
                i += end;
                continue;
            }
            b'"' | b'\'' => {
                let triple = prefix[i..].starts_with(if byte == b'"' { "\"\"\"" } else { "'''" });
                let start = if triple { i + 3 } else { i + 1 };
                let end = if triple {
                    let closing = if byte == b'"' { "\"\"\"" } else { "'''" };
                    prefix[start..].find(closing).map(|end| start + end + 2)
                } else {
                    string_end(bytes, start, byte, byte == b'"')
                };
                let Some(end) = end else {
                    let open = Some(OpenString {
                        content_start: start,
                    });
                    let table = toml_table(&header, &stack, &key_parts, expect);
                    return finish(prefix, table, expect, pending_key, open);
                };
                if expect == Expect::Key {
                    key_parts.push(prefix[start..end].to_owned());
                } else {
                    expect = Expect::Separator;
                }
                i = end;
            }
            b'.' if expect == Expect::Key => {}
            b'=' if expect == Expect::Key => {
                pending_key = Some(std::mem::take(&mut key_parts));
                expect = Expect::Value;
            }
            b'{' | b'[' if expect == Expect::Value => {
                expect = open_container(&mut stack, &mut pending_key, byte);
            }
            b'}' | b']' => expect = close_container(&mut stack, &mut pending_key),
            b',' => {
                pending_key = None;
                key_parts.clear();
                expect = after_comma(&stack);
            }
            _ => {
                let word_end = prefix[i..]
                    .find(|ch: char| !is_word_char(ch) && ch != '+')
                    .map_or(prefix.len(), |end| i + end);
                if word_end == prefix.len() {
                    break; // the word at the cursor
                }
                if expect == Expect::Key {
                    key_parts.push(prefix[i..word_end].to_owned());
                } else {
                    expect = Expect::Separator;
                }
                i = next_index(prefix, i, word_end);
                continue;
            }
        }
        i += 1;
    }
    let table = toml_table(&header, &stack, &key_parts, expect);
    finish(prefix, table, expect, pending_key, None)
}

/// The table holding the cursor: the header's path, the inline tables around the cursor and,
/// for a key being typed after a dot (`placement.mo`), the parts before the dot.
fn toml_table(
    header: &[String],
    stack: &[Frame],
    key_parts: &[String],
    expect: Expect,
) -> Vec<String> {
    let mut table: Vec<String> = header.to_vec();
    table.extend(stack.iter().flat_map(|frame| frame.key.iter().cloned()));
    if expect == Expect::Key {
        table.extend(key_parts.iter().cloned());
    }
    table
}

/// Where scanning goes on after the word `text[at..word_end]`: past the word, or past one char
/// when there is no word (punctuation, a non-ASCII char), never inside a char.
fn next_index(text: &str, at: usize, word_end: usize) -> usize {
    if word_end > at {
        word_end
    } else {
        at + text[at..].chars().next().map_or(1, char::len_utf8)
    }
}

/// The key path of a `[a.b]` or `[[a.b]]` header line.
fn header_path(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('[');
    let inner = inner.split(']').next().unwrap_or("");
    inner
        .split('.')
        .map(|part| part.trim().trim_matches(['"', '\'']).to_owned())
        .filter(|part| !part.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::completion::tests::split_cursor;

    fn context(text_with_cursor: &str, format: Format) -> Option<CursorContext> {
        let (text, offset) = split_cursor(text_with_cursor);
        cursor_context(&text, format, offset)
    }

    #[test]
    fn toml_tables_keys_and_values() {
        let c = context("name = \"x\"\n[placement]\nmo|", Format::Toml).unwrap();
        assert_eq!(c.table, ["placement"]);
        assert_eq!((c.slot, c.prefix.as_str()), (Slot::Key, "mo"));
        let c = context("[env.staging.placement]\nmode = \"sm|", Format::Toml).unwrap();
        assert_eq!(c.table, ["env", "staging", "placement"]);
        assert_eq!(c.slot, Slot::Value { key: "mode".into() });
        assert!(c.quoted);
        let c = context("placement = { region = aws:us|", Format::Toml).unwrap();
        assert_eq!(c.table, ["placement"]);
        assert_eq!(c.prefix, "aws:us");
        assert!(!c.quoted);
        let c = context("placement.mode = |", Format::Toml).unwrap();
        assert_eq!(c.table, ["placement"]);
        let c = context("placement.|", Format::Toml).unwrap();
        assert_eq!((c.table, c.slot), (vec!["placement".to_owned()], Slot::Key));
        assert!(context("[placement]\nmode = \"smart\" # co|", Format::Toml).is_none());
        assert!(context("[placement]\nmode = \"smart\" |", Format::Toml).is_none());
    }

    #[test]
    fn json_tables_keys_and_values() {
        let c = context("{ \"placement\": { \"mo|", Format::Json).unwrap();
        assert_eq!(c.table, ["placement"]);
        assert_eq!(
            (c.slot, c.prefix.as_str(), c.quoted),
            (Slot::Key, "mo", true)
        );
        let c = context(
            "{\n // \"x\": {\n \"env\": { \"s\": { \"placement\": { \"mode\": \"off\", \"region\": \"|",
            Format::Json,
        )
        .unwrap();
        assert_eq!(c.table, ["env", "s", "placement"]);
        assert_eq!(
            c.slot,
            Slot::Value {
                key: "region".into()
            }
        );
        let c = context("{ \"assets\": { \"run_worker_first\": t|", Format::Json).unwrap();
        assert_eq!(c.table, ["assets"]);
        assert_eq!(c.prefix, "t");
        let c = context("{ \"placement\": {}, |", Format::Json).unwrap();
        assert!(c.table.is_empty());
        assert_eq!(c.slot, Slot::Key);
    }

    #[test]
    fn at_every_offset_the_word_ends_at_the_cursor() {
        let texts = [
            (
                "name = \"é😀\" # ü\n[env.a.placement]\nmode = 'sm'\nx = { region = \"aws:us\", y = [1, 2] }\nz = \"\"\"\nm\n\"\"\"\n[[r]]\n",
                Format::Toml,
            ),
            (
                "{\n // é😀\n \"placement\": { \"mode\": \"sm\\\"\" /* ü */, \"a\": [tr, 1.5e+3] },\n \"x\": \"",
                Format::Json,
            ),
        ];
        for (text, format) in texts {
            // Past the end, and inside chars, too: the cursor rounds down to a boundary.
            for offset in 0..text.len() + 3 {
                let mut cursor = offset.min(text.len());
                while !text.is_char_boundary(cursor) {
                    cursor -= 1;
                }
                if let Some(c) = cursor_context(text, format, offset) {
                    assert!(text.is_char_boundary(c.prefix_start) && c.prefix_start <= cursor);
                    assert_eq!(
                        c.prefix,
                        text[c.prefix_start..cursor],
                        "{format:?} {offset}"
                    );
                }
            }
        }
    }
}
