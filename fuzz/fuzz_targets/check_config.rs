//! Any bytes, as wrangler.toml and as wrangler.jsonc: checking and fixing never panic, every
//! span lies inside the text on character boundaries, and a fix never produces text that does
//! not parse.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;
use placement_analysis::fix::fix_config;
use placement_analysis::{check_config, format_of, syntax};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["wrangler.toml", "wrangler.jsonc"] {
        let path = Path::new(name);
        for diagnostic in check_config(path, text) {
            let span = diagnostic.span;
            assert!(span.start <= span.end && span.end <= text.len(), "{span:?}");
            assert!(text.is_char_boundary(span.start) && text.is_char_boundary(span.end));
            if let Some(fix) = &diagnostic.fix {
                for edit in &fix.edits {
                    assert!(edit.span.end <= text.len() && text.is_char_boundary(edit.span.start));
                    assert!(text.is_char_boundary(edit.span.end));
                }
            }
        }
        let outcome = fix_config(path, text, true, &|_| true);
        if outcome.text != text {
            assert!(syntax::parse(&outcome.text, format_of(path)).errors.is_empty());
        }
    }
});
