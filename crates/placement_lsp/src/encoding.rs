//! The one place where LSP positions meet text offsets. The analysis speaks byte offsets; the
//! client speaks lines and characters counted in the encoding negotiated at `initialize`
//! (UTF-8 when the client offers it, UTF-16 otherwise). A position past the end of its line
//! means the end of the line (as the LSP says). A line past the end of the text means the end
//! of the text when an edit is applied, but nothing at all for a request about a place
//! ([`position_to_byte_in_text`]): that request was made for another text.

use ropey::Rope;
use tower_lsp_server::ls_types::{
    ClientCapabilities, Position, PositionEncodingKind, Range, TextDocumentContentChangeEvent,
};

use placement_analysis::Span;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PositionEncoding {
    Utf8,
    Utf16,
}

impl PositionEncoding {
    /// UTF-8 when the client lists it in `general.positionEncodings`, otherwise UTF-16, the
    /// encoding every client must support.
    pub fn negotiate(capabilities: &ClientCapabilities) -> Self {
        let offered = capabilities
            .general
            .as_ref()
            .and_then(|general| general.position_encodings.as_deref())
            .unwrap_or_default();
        if offered.contains(&PositionEncodingKind::UTF8) {
            PositionEncoding::Utf8
        } else {
            PositionEncoding::Utf16
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            PositionEncoding::Utf8 => PositionEncodingKind::UTF8,
            PositionEncoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }
}

/// The number of chars in `line` without its line break (LF, CRLF or CR).
fn line_content_chars(rope: &Rope, line: usize) -> usize {
    let slice = rope.line(line);
    let mut len = slice.len_chars();
    if len > 0 && slice.char(len - 1) == '\n' {
        len -= 1;
    }
    if len > 0 && slice.char(len - 1) == '\r' {
        len -= 1;
    }
    len
}

/// The char index of `position`, clamped to its line and to the text.
pub fn position_to_char(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    let line = position.line as usize;
    if line >= rope.len_lines() {
        return rope.len_chars();
    }
    let line_start = rope.line_to_char(line);
    let content_end = line_start + line_content_chars(rope, line);
    let character = position.character as usize;
    let char_index = match encoding {
        PositionEncoding::Utf16 => {
            let start = rope.char_to_utf16_cu(line_start);
            let end = rope.char_to_utf16_cu(content_end);
            // Inside a surrogate pair, ropey rounds down to the char holding it.
            rope.utf16_cu_to_char((start + character).min(end))
        }
        PositionEncoding::Utf8 => {
            let start = rope.char_to_byte(line_start);
            let end = rope.char_to_byte(content_end);
            // Inside a multi-byte char, ropey rounds down to the char holding it.
            rope.byte_to_char((start + character).min(end))
        }
    };
    char_index.clamp(line_start, content_end)
}

/// The byte offset of `position`, clamped like [`position_to_char`].
pub fn position_to_byte(rope: &Rope, position: Position, encoding: PositionEncoding) -> usize {
    rope.char_to_byte(position_to_char(rope, position, encoding))
}

/// The byte offset of `position` when its line is in the text; `None` past the last line, so
/// that a request about a place is never answered about another place.
pub fn position_to_byte_in_text(
    rope: &Rope,
    position: Position,
    encoding: PositionEncoding,
) -> Option<usize> {
    is_in_text(rope, position).then(|| position_to_byte(rope, position, encoding))
}

/// Whether the line of `position` is in the text (the character clamps to its line).
pub fn is_in_text(rope: &Rope, position: Position) -> bool {
    (position.line as usize) < rope.len_lines()
}

/// The position of char index `char_index` (clamped to the text).
pub fn char_to_position(rope: &Rope, char_index: usize, encoding: PositionEncoding) -> Position {
    let char_index = char_index.min(rope.len_chars());
    let line = rope.char_to_line(char_index);
    let line_start = rope.line_to_char(line);
    let character = match encoding {
        PositionEncoding::Utf16 => {
            rope.char_to_utf16_cu(char_index) - rope.char_to_utf16_cu(line_start)
        }
        PositionEncoding::Utf8 => rope.char_to_byte(char_index) - rope.char_to_byte(line_start),
    };
    Position::new(to_u32(line), to_u32(character))
}

/// The position of byte offset `byte` (clamped to the text, rounded down to a char boundary).
pub fn byte_to_position(rope: &Rope, byte: usize, encoding: PositionEncoding) -> Position {
    let byte = byte.min(rope.len_bytes());
    char_to_position(rope, rope.byte_to_char(byte), encoding)
}

/// The range of a byte span of the analysis.
pub fn span_to_range(rope: &Rope, span: Span, encoding: PositionEncoding) -> Range {
    let start = byte_to_position(rope, span.start, encoding);
    let end = byte_to_position(rope, span.end.max(span.start), encoding);
    Range::new(start, end)
}

/// Applies one `didChange` content change: a range replacement, or the whole text when the
/// change has no range.
pub fn apply_change(
    rope: &mut Rope,
    change: &TextDocumentContentChangeEvent,
    encoding: PositionEncoding,
) {
    match change.range {
        Some(range) => {
            let start = position_to_char(rope, range.start, encoding);
            let end = position_to_char(rope, range.end, encoding);
            let (start, end) = (start.min(end), start.max(end));
            if end > start {
                rope.remove(start..end);
            }
            if !change.text.is_empty() {
                rope.insert(start, &change.text);
            }
        }
        None => *rope = Rope::from_str(&change.text),
    }
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "a = 1\ré😀x = \"y\"\r\nlast";

    #[test]
    fn positions_round_trip_in_both_encodings() {
        let rope = Rope::from_str(TEXT);
        let x = TEXT.find('x').unwrap();
        assert_eq!(
            byte_to_position(&rope, x, PositionEncoding::Utf16),
            Position::new(1, 3)
        );
        assert_eq!(
            byte_to_position(&rope, x, PositionEncoding::Utf8),
            Position::new(1, 6)
        );
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            let position = byte_to_position(&rope, x, encoding);
            assert_eq!(position_to_byte(&rope, position, encoding), x);
        }
        assert_eq!(
            byte_to_position(&rope, TEXT.len(), PositionEncoding::Utf16),
            Position::new(2, 4)
        );
    }

    #[test]
    fn out_of_range_positions_are_clamped() {
        let rope = Rope::from_str(TEXT);
        let line_one_end = TEXT.find('\r').unwrap();
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            assert_eq!(
                position_to_byte(&rope, Position::new(0, 999), encoding),
                line_one_end
            );
            assert_eq!(
                position_to_byte(&rope, Position::new(99, 0), encoding),
                TEXT.len()
            );
            assert_eq!(
                position_to_byte(&rope, Position::new(u32::MAX, u32::MAX), encoding),
                TEXT.len()
            );
        }
        // The middle of the emoji's surrogate pair, or of its UTF-8 bytes, rounds down to it.
        let emoji = TEXT.find('😀').unwrap();
        assert_eq!(
            position_to_byte(&rope, Position::new(1, 2), PositionEncoding::Utf16),
            emoji
        );
        assert_eq!(
            position_to_byte(&rope, Position::new(1, 3), PositionEncoding::Utf8),
            emoji
        );
    }

    #[test]
    fn requests_past_the_last_line_get_nothing() {
        let rope = Rope::from_str("a = 1\n");
        // The empty line after the last line break is in the text; the line after it is not.
        let cases = [
            ((0, 99), Some(5)),
            ((1, 0), Some(6)),
            ((2, 0), None),
            ((u32::MAX, u32::MAX), None),
        ];
        for encoding in [PositionEncoding::Utf8, PositionEncoding::Utf16] {
            for ((line, character), expected) in cases {
                let position = Position::new(line, character);
                assert_eq!(
                    position_to_byte_in_text(&rope, position, encoding),
                    expected,
                    "{position:?}"
                );
            }
        }
    }

    #[test]
    fn changes_apply_in_place_and_clamp() {
        let replace = |(l1, c1), (l2, c2), text: &str| TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(l1, c1), Position::new(l2, c2))),
            range_length: None,
            text: text.to_owned(),
        };
        let mut rope = Rope::from_str("mode = \"smart\"\n");
        let change = replace((0, 8), (0, 13), "off");
        apply_change(&mut rope, &change, PositionEncoding::Utf16);
        assert_eq!(rope.to_string(), "mode = \"off\"\n");
        let past_the_end = replace((40, 0), (50, 9), "# end");
        apply_change(&mut rope, &past_the_end, PositionEncoding::Utf8);
        assert_eq!(rope.to_string(), "mode = \"off\"\n# end");
    }
}
