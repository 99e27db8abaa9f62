//! Building text edits that keep the file's formatting and comments.

use crate::diagnostic::Edit;
use crate::span::{LineIndex, Span};
use crate::syntax::{Entry, Format, Table, TableStyle};

/// Source text with its line index, for edits that work on whole lines.
pub struct TextLines<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

impl TextLines<'_> {
    /// The whole lines covering `span`, line breaks included.
    pub fn full_lines(&self, span: Span) -> Span {
        let first = self.lines.line_of(span.start);
        let last = self
            .lines
            .line_of(span.end.saturating_sub(1).max(span.start));
        Span::new(
            self.lines.line_start(first),
            self.lines.next_line_start(last),
        )
    }

    /// Whether only white space stands before `offset` on its line.
    fn starts_line(&self, offset: usize) -> bool {
        let start = self.lines.line_start(self.lines.line_of(offset));
        self.text[start..offset].trim().is_empty()
    }

    /// Whether only a comma, white space or a comment follow `offset` on its line.
    fn ends_line(&self, offset: usize, format: Format) -> bool {
        let line = self.lines.line_of(offset);
        let end = self.lines.line_end(self.text, line).max(offset);
        let rest = self.text[offset..end].trim_start();
        let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
        rest.is_empty() || rest.starts_with(format.comment_prefix())
    }
}

/// Where an entry's text ends. A dotted key in an inline table (`{ a.b = 1 }`) makes an implicit
/// table whose span is only the key `a`: its end is that of the last key under it.
pub(crate) fn entry_end(entry: &Entry) -> usize {
    let own = entry.key_span.end.max(entry.value.span.end);
    match &entry.value.kind {
        crate::syntax::NodeKind::Table(table) => {
            table.entries().iter().map(entry_end).fold(own, usize::max)
        }
        _ => own,
    }
}

/// The start of the blank and comment lines just before the line holding `offset` (that line's
/// start when there are none): where text goes to end up after the previous content line,
/// leaving the comments that lead into `offset`'s line with it.
pub(crate) fn start_of_trailing_trivia(source: &TextLines<'_>, offset: usize) -> usize {
    let mut line = source.lines.line_of(offset);
    while line > 0 {
        let start = source.lines.line_start(line - 1);
        let previous = source.text[start..source.lines.line_end(source.text, line - 1)].trim();
        if !(previous.is_empty() || previous.starts_with('#') || previous.starts_with("//")) {
            break;
        }
        line -= 1;
    }
    source.lines.line_start(line)
}

/// The file's line break, judged by its first line (`\r\n` or `\n`).
pub(crate) fn line_break_of(text: &str) -> &'static str {
    match text.find('\n') {
        Some(end) if text[..end].ends_with('\r') => "\r\n",
        _ => "\n",
    }
}

/// `content` with its line breaks written as the file writes them.
pub(crate) fn with_line_breaks(content: String, line_break: &str) -> String {
    if line_break == "\n" {
        content
    } else {
        content.replace("\r\n", "\n").replace('\n', line_break)
    }
}

/// An edit adding `lines` (each ending with a line break) at `at`, a line start, as lines that
/// end the previous line's section: inserted before that line's break, so that a new section
/// added at the same line start by another fix always comes after them.
pub(crate) fn insert_lines_before(text: &str, at: usize, lines: &str) -> Edit {
    let lines = lines.strip_suffix('\n').unwrap_or(lines);
    let before = &text[..at];
    let (at, newline) = if let Some(rest) = before.strip_suffix("\r\n") {
        (rest.len(), "\r\n")
    } else if let Some(rest) = before.strip_suffix('\n') {
        (rest.len(), "\n")
    } else if at == text.len() && at > 0 {
        (at, "\n")
    } else {
        return Edit::insert(at, format!("{lines}\n"));
    };
    Edit::insert(at, format!("{newline}{}", lines.replace('\n', newline)))
}

/// An edit removing `table.entries[index]` with its separator, leaving valid syntax behind.
pub fn remove_entry(source: &TextLines<'_>, format: Format, table: &Table, index: usize) -> Edit {
    let entry = &table.entries()[index];
    let whole = Span::new(entry.key_span.start, entry_end(entry));
    let line_based = match table.style {
        // TOML key/value pairs outside inline tables always own their lines.
        TableStyle::Root | TableStyle::Header | TableStyle::Implicit => true,
        TableStyle::Inline | TableStyle::Object => {
            source.starts_line(whole.start) && source.ends_line(whole.end, format)
        }
    };
    let lines = source.full_lines(whole);
    // A separator written on a later line than the entry (`"a": 1\n, "b": 2`) would be left
    // behind by removing the entry's lines: remove up to the next key instead.
    let separated_by_commas = matches!(table.style, TableStyle::Inline | TableStyle::Object);
    let separator_left_behind = separated_by_commas
        && table.entries().get(index + 1).is_some_and(|next| {
            next.key_span.start > lines.end
                && source.text[lines.end..next.key_span.start].contains(',')
        });
    if line_based && !separator_left_behind {
        return Edit::delete(lines);
    }
    let span = if let Some(next) = table.entries().get(index + 1) {
        Span::new(whole.start, next.key_span.start)
    } else if let Some(previous) = index.checked_sub(1).map(|i| &table.entries()[i]) {
        Span::new(entry_end(previous), whole.end)
    } else {
        // The only entry: take a trailing comma with it.
        let rest = &source.text[whole.end..];
        let trimmed = rest.trim_start();
        let end = if trimmed.starts_with(',') {
            whole.end + (rest.len() - trimmed.len()) + 1
        } else {
            whole.end
        };
        Span::new(whole.start, end)
    };
    Edit::delete(span)
}

/// An edit renaming `entry`'s key, keeping JSON quotes.
pub fn rename_key(format: Format, entry: &Entry, new_key: &str) -> Edit {
    let content = match format {
        Format::Json => format!("\"{new_key}\""),
        Format::Toml => new_key.to_owned(),
    };
    Edit::replace(entry.key_span, content)
}

/// A string literal holding `value` (a plain identifier-like value needs no escaping).
pub fn string_literal(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            ch if ch.is_control() => out.push_str(&format!("\\u{:04X}", ch as u32)),
            ch => out.push(ch),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    fn remove(text: &str, format: Format, path: &[&str], key: &str) -> String {
        let parsed = parse(text, format);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let mut table = &parsed.root;
        for part in path {
            table = table.get_table(part).unwrap();
        }
        let index = table.entries().iter().position(|e| e.key == key).unwrap();
        let lines = LineIndex::new(text);
        let source = TextLines {
            text,
            lines: &lines,
        };
        let edit = remove_entry(&source, format, table, index);
        let mut out = text.to_owned();
        out.replace_range(edit.span.start..edit.span.end, &edit.content);
        assert!(
            parse(&out, format).errors.is_empty(),
            "broken output: {out}"
        );
        out
    }

    #[test]
    fn removes_toml_lines_and_inline_entries() {
        let text = r#"[placement]
mode = "smart"
hint = "x" # legacy
region = 1
"#;
        assert_eq!(
            remove(text, Format::Toml, &["placement"], "hint"),
            r#"[placement]
mode = "smart"
region = 1
"#
        );
        let text = r#"placement = { mode = "smart", hint = "x" }
"#;
        assert_eq!(
            remove(text, Format::Toml, &["placement"], "hint"),
            r#"placement = { mode = "smart" }
"#
        );
        let text = r#"placement = { hint = "x", mode = "smart" }
"#;
        assert_eq!(
            remove(text, Format::Toml, &["placement"], "hint"),
            r#"placement = { mode = "smart" }
"#
        );
        let text = r#"placement.mode = "smart"
placement.hint = "x"
"#;
        assert_eq!(
            remove(text, Format::Toml, &["placement"], "hint"),
            r#"placement.mode = "smart"
"#
        );
        // A comma on the next line goes with the entry (found by fuzzing).
        let text = "{\n  \"hint\": \"x\"\n, \"mode\": \"smart\"\n}\n";
        assert_eq!(
            remove(text, Format::Json, &[], "hint"),
            "{\n  \"mode\": \"smart\"\n}\n"
        );
        // After a dotted key (found by fuzzing: the removal used to start inside `a.b = 1`).
        let text = "placement = { a.b = 1, hint = \"x\" }\n";
        assert_eq!(
            remove(text, Format::Toml, &["placement"], "hint"),
            "placement = { a.b = 1 }\n"
        );
    }

    #[test]
    fn removes_json_entries() {
        let text = r#"{
  "placement": {
    "mode": "smart",
    "hint": "x" // legacy
  }
}
"#;
        assert_eq!(
            remove(text, Format::Json, &["placement"], "hint"),
            r#"{
  "placement": {
    "mode": "smart",
  }
}
"#
        );
        let text = r#"{"placement": {"hint": "x", "mode": "smart"}}"#;
        assert_eq!(
            remove(text, Format::Json, &["placement"], "hint"),
            r#"{"placement": {"mode": "smart"}}"#
        );
        let text = r#"{"placement": {"hint": "x",}}"#;
        assert_eq!(
            remove(text, Format::Json, &["placement"], "hint"),
            r#"{"placement": {}}"#
        );
    }
}
