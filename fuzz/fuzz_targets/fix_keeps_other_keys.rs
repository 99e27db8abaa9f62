//! Any text, as wrangler.jsonc and as wrangler.toml: every fix offered, applied alone, leaves
//! text that parses (when the original did) and every key it does not touch with the same value
//! text at the same path.
#![no_main]

use std::collections::BTreeMap;
use std::path::Path;

use libfuzzer_sys::fuzz_target;
use placement_analysis::fix::apply_edits;
use placement_analysis::syntax::{self, NodeKind, Table};
use placement_analysis::{Span, check_config, format_of};

/// Leaf values by key path (the last of repeated keys wins, as wrangler reads them), leaving
/// out any entry whose key or value an edit touches.
fn leaves(text: &str, table: &Table, path: &mut Vec<String>, edits: &[Span]) -> BTreeMap<Vec<String>, String> {
    let mut out = BTreeMap::new();
    collect(text, table, path, edits, &mut out);
    out
}

fn touches(span: Span, edits: &[Span]) -> bool {
    edits.iter().any(|edit| {
        // An insertion at a boundary touches nothing; one inside the span does.
        edit.start < span.end && span.start < edit.end.max(edit.start + 1)
    })
}

fn collect(
    text: &str,
    table: &Table,
    path: &mut Vec<String>,
    edits: &[Span],
    out: &mut BTreeMap<Vec<String>, String>,
) {
    for entry in table.entries() {
        path.push(entry.key.clone());
        // A repeated JSON key replaces the whole earlier value, as wrangler reads it.
        out.retain(|key, _| !key.starts_with(path.as_slice()));
        match &entry.value.kind {
            // A renamed or removed table moves every key under it: none is "untouched".
            NodeKind::Table(_) if touches(entry.key_span, edits) => {}
            NodeKind::Table(inner) => collect(text, inner, path, edits, out),
            _ => {
                let value = entry.value.span;
                if !touches(entry.key_span, edits) && !touches(value, edits) {
                    out.insert(path.clone(), text[value.start..value.end].to_owned());
                }
            }
        }
        path.pop();
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    for name in ["wrangler.jsonc", "wrangler.toml"] {
        let path = Path::new(name);
        let format = format_of(path);
        let parsed = syntax::parse(text, format);
        if !parsed.errors.is_empty() {
            continue;
        }
        for diagnostic in check_config(path, text) {
            let Some(fix) = &diagnostic.fix else { continue };
            let fixed = apply_edits(text, &fix.edits);
            let reparsed = syntax::parse(&fixed, format);
            assert!(
                reparsed.errors.is_empty(),
                "{} ({}) leaves text that does not parse:\n{fixed}",
                diagnostic.code(),
                fix.title
            );
            let edits: Vec<Span> = fix.edits.iter().map(|edit| edit.span).collect();
            let before = leaves(text, &parsed.root, &mut Vec::new(), &edits);
            let after = leaves(&fixed, &reparsed.root, &mut Vec::new(), &[]);
            for (key, value) in &before {
                assert_eq!(
                    after.get(key),
                    Some(value),
                    "{} ({}) changed untouched key {key:?}:\n{fixed}",
                    diagnostic.code(),
                    fix.title
                );
            }
        }
    }
});
