//! Any text, lowered from `toml_parser`'s events (what placement-lint runs) and by the former
//! `DeTable` reader (the reference): the trees, the errors and the first header must be equal.
//! The corpus tests compare the two on every file and prefix; this looks past them.
#![no_main]

use libfuzzer_sys::fuzz_target;
use placement_analysis::syntax::toml_lowering_disagreement;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Some(disagreement) = toml_lowering_disagreement(text) {
        panic!("{disagreement}");
    }
});
