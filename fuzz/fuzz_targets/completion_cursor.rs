//! Any text and any cursor offset, as TOML and as JSONC: the completion cursor scanner never
//! panics, and the word it says is being typed lies inside the text, on character boundaries,
//! and ends at the cursor.
//!
//! Input: two bytes of offset (little-endian), then the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_analysis::syntax::Format;
use placement_lsp::cursor::cursor_context;

fuzz_target!(|data: &[u8]| {
    let Some((offset, text)) = data.split_first_chunk::<2>() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(text) else {
        return;
    };
    // Offsets past the end of the text are tried too.
    let offset = usize::from(u16::from_le_bytes(*offset)) % (text.len() + 4);
    // The scanner reads up to the cursor: the offset, within the text, at a char boundary.
    let mut cursor = offset.min(text.len());
    while !text.is_char_boundary(cursor) {
        cursor -= 1;
    }
    for format in [Format::Toml, Format::Json] {
        let Some(context) = cursor_context(text, format, offset) else {
            continue;
        };
        let start = context.prefix_start;
        assert!(start <= cursor, "{start} after the cursor {cursor}");
        assert!(text.is_char_boundary(start), "{start} inside a char");
        assert_eq!(context.prefix, text[start..cursor], "{format:?}");
    }
});
