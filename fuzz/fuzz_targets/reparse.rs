//! Any text and any edit of it, as TOML and as JSONC: when `syntax::reparse` patches the parse
//! of the text into the parse of the edited text, the patch equals the parse of the edited text
//! (the tree, every span, the errors, the first header); and the same back from the edited text.
//!
//! Input: two bytes of offset (little-endian), the number of characters the edit deletes, the
//! length of the text it inserts (modulo 9), the inserted bytes, then the text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_analysis::syntax::{Format, parse, reparse};

fuzz_target!(|data: &[u8]| {
    let Some(([offset_low, offset_high, deleted, inserted_len], rest)) =
        data.split_first_chunk::<4>()
    else {
        return;
    };
    let inserted_len = usize::from(*inserted_len % 9).min(rest.len());
    let (inserted, text) = rest.split_at(inserted_len);
    let (Ok(inserted), Ok(text)) = (std::str::from_utf8(inserted), std::str::from_utf8(text))
    else {
        return;
    };
    let mut start = usize::from(u16::from_le_bytes([*offset_low, *offset_high])) % (text.len() + 1);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let end = text[start..]
        .char_indices()
        .nth(usize::from(*deleted % 4))
        .map_or(text.len(), |(at, _)| start + at);
    let edited = format!("{}{inserted}{}", &text[..start], &text[end..]);
    for format in [Format::Toml, Format::Json] {
        for (before, after) in [(text, edited.as_str()), (edited.as_str(), text)] {
            if let Some(patched) = reparse(before, parse(before, format), after) {
                assert_eq!(
                    patched,
                    parse(after, format),
                    "{format:?} {before:?} -> {after:?}"
                );
            }
        }
    }
});
