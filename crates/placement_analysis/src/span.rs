//! Byte ranges and line/column positions.

/// A half-open byte range `[start, end)` into one file's text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Self { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Self { start: at, end: at }
    }

    pub const fn len(&self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(&self) -> bool {
        self.start == self.end
    }

    pub const fn contains(&self, offset: usize) -> bool {
        self.start <= offset && offset < self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

impl From<std::ops::Range<usize>> for Span {
    fn from(range: std::ops::Range<usize>) -> Self {
        Span::new(range.start, range.end)
    }
}

/// A 1-based line and a 1-based column counted in Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineColumn {
    pub line: usize,
    pub column: usize,
}

/// Start offsets of every line, for offset to line/column conversion in `O(log lines)`.
///
/// A line ends at `\n`, `\r\n` or a lone `\r`, as the Language Server Protocol says and as
/// editors show a file, so the command line's line numbers match the editor's.
#[derive(Debug, Clone)]
pub struct LineIndex {
    line_starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> Self {
        // About one line per 32 bytes in configs: one allocation for most files.
        let mut line_starts = Vec::with_capacity(text.len() / 32 + 1);
        line_starts.push(0);
        push_line_break_ends(text, &mut line_starts);
        Self {
            line_starts,
            len: text.len(),
        }
    }

    /// The 0-based line holding `offset` (clamped to the text).
    pub fn line_of(&self, offset: usize) -> usize {
        let offset = offset.min(self.len);
        match self.line_starts.binary_search(&offset) {
            Ok(line) => line,
            Err(next) => next - 1,
        }
    }

    /// Byte offset where 0-based `line` starts (clamped to the text).
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts.get(line).copied().unwrap_or(self.len)
    }

    /// Byte offset just past 0-based `line`'s content, before its line break.
    pub fn line_end(&self, text: &str, line: usize) -> usize {
        let next = self.line_starts.get(line + 1).copied().unwrap_or(self.len);
        let start = self.line_start(line);
        let bytes = text.as_bytes();
        let mut end = next.min(bytes.len());
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        end
    }

    /// Byte offset of the start of the next line (or the end of the text).
    pub fn next_line_start(&self, line: usize) -> usize {
        self.line_starts.get(line + 1).copied().unwrap_or(self.len)
    }

    /// 1-based line and column (in Unicode scalar values) of `offset`, which is clamped to the
    /// text and moved back to a character boundary.
    pub fn line_column(&self, text: &str, offset: usize) -> LineColumn {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = text[start..offset].chars().count() + 1;
        LineColumn {
            line: line + 1,
            column,
        }
    }
}

/// Appends the offset just past each line break: `\n`, `\r\n` (one break) and a lone `\r`.
fn push_line_break_ends(text: &str, ends: &mut Vec<usize>) {
    let bytes = text.as_bytes();
    let mut push_if_break_end = |at: usize, byte: u8| {
        if byte == b'\n' || (byte == b'\r' && bytes.get(at + 1) != Some(&b'\n')) {
            ends.push(at + 1);
        }
    };
    // Eight bytes at a time: a word with no byte at or below `\r` (most of a config's text)
    // holds no line break and is skipped whole.
    let mut words = bytes.chunks_exact(WORD);
    let mut start = 0;
    for word in &mut words {
        let mut chunk = [0; WORD];
        chunk.copy_from_slice(word);
        if has_byte_at_or_below_carriage_return(u64::from_le_bytes(chunk)) {
            for (offset, &byte) in word.iter().enumerate() {
                push_if_break_end(start + offset, byte);
            }
        }
        start += WORD;
    }
    for (offset, &byte) in words.remainder().iter().enumerate() {
        push_if_break_end(start + offset, byte);
    }
}

const WORD: usize = 8;

/// Whether any byte of `word` is `\r` (13) or less (the classic test for a byte below `n`,
/// exact for `n` up to 128).
fn has_byte_at_or_below_carriage_return(word: u64) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGHS: u64 = ONES * 0x80;
    word.wrapping_sub(ONES * u64::from(b'\r' + 1)) & !word & HIGHS != 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_scalar_values() {
        let text = "a = 1\né😀 = 2\n";
        let index = LineIndex::new(text);
        let offset = text.find('=').unwrap();
        assert_eq!(
            index.line_column(text, offset),
            LineColumn { line: 1, column: 3 }
        );
        let second = text.rfind('=').unwrap();
        assert_eq!(
            index.line_column(text, second),
            LineColumn { line: 2, column: 4 }
        );
        assert_eq!(
            index.line_column(text, 10_000),
            LineColumn { line: 3, column: 1 }
        );
    }

    #[test]
    fn line_breaks_are_found_in_and_across_words() {
        let text = "0123456\n\r\nab\rcdefghijklmn\t\u{e9}\u{1f600}op\nqrstuvwxyz0123\r";
        let expected: Vec<usize> = text
            .bytes()
            .enumerate()
            .filter(|&(i, b)| {
                b == b'\n' || (b == b'\r' && text.as_bytes().get(i + 1) != Some(&b'\n'))
            })
            .map(|(i, _)| i + 1)
            .collect();
        let mut found = Vec::new();
        push_line_break_ends(text, &mut found);
        assert_eq!(found, expected);
        for byte in 0..=255u8 {
            let word = u64::from_le_bytes([b'x', b'x', b'x', byte, b'x', b'x', b'x', b'x']);
            assert_eq!(
                has_byte_at_or_below_carriage_return(word),
                byte <= b'\r',
                "{byte}"
            );
        }
    }

    #[test]
    fn line_end_excludes_crlf() {
        let text = "ab\r\ncd";
        let index = LineIndex::new(text);
        assert_eq!(index.line_end(text, 0), 2);
        assert_eq!(index.line_end(text, 1), 6);
        assert_eq!(index.next_line_start(0), 4);
    }

    #[test]
    fn a_lone_carriage_return_ends_a_line() {
        let text = "a\rb\r\nc\nd\r";
        let index = LineIndex::new(text);
        let position = |needle: char| index.line_column(text, text.find(needle).unwrap());
        assert_eq!(position('a'), LineColumn { line: 1, column: 1 });
        assert_eq!(position('b'), LineColumn { line: 2, column: 1 });
        assert_eq!(position('c'), LineColumn { line: 3, column: 1 });
        assert_eq!(position('d'), LineColumn { line: 4, column: 1 });
        assert_eq!(
            index.line_column(text, text.len()),
            LineColumn { line: 5, column: 1 }
        );
        assert_eq!(index.line_end(text, 0), 1);
        assert_eq!(index.line_end(text, 1), 3);
        assert_eq!(index.line_end(text, 3), 8);
    }
}
