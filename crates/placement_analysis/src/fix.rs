//! Applying fixes: repeated until nothing changes, never producing text that does not parse.

use std::path::Path;

use crate::diagnostic::{Applicability, Diagnostic, Edit};
use crate::rule::Rule;
use crate::span::Span;
use crate::{check_config, format_of, syntax};

/// How many rounds of check-then-fix at most (a fix can reveal another).
const MAX_ROUNDS: usize = 10;

/// Applies non-overlapping `edits` to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in sorted {
        let start = edit.span.start.clamp(cursor, text.len());
        let end = edit.span.end.clamp(start, text.len());
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.content);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// The outcome of fixing one file.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    /// `(code, fix title)` of every fix applied, in order.
    pub applied: Vec<(&'static str, String)>,
    /// The diagnostics that remain in the fixed text.
    pub remaining: Vec<Diagnostic>,
}

/// Applies every fix allowed by `include_unsafe` and `selected`, round after round, until no
/// more applies. A file with syntax errors is left alone, and a fix whose result does not parse
/// is skipped.
pub fn fix_config(
    path: &Path,
    text: &str,
    include_unsafe: bool,
    selected: &dyn Fn(&Rule) -> bool,
) -> FixOutcome {
    fix_with(path, text, include_unsafe, selected, &|text| {
        check_config(path, text)
    })
}

/// Like [`fix_config`], with the check to run on each round's text (for example
/// [`crate::check_project`] over the project's files). Only fixes of diagnostics in
/// the config file itself are applied.
pub fn fix_with(
    path: &Path,
    text: &str,
    include_unsafe: bool,
    selected: &dyn Fn(&Rule) -> bool,
    check: &dyn Fn(&str) -> Vec<Diagnostic>,
) -> FixOutcome {
    let format = format_of(path);
    let mut current = text.to_owned();
    let mut applied = Vec::new();
    let mut remaining = check(&current);
    if !syntax::parse(&current, format).errors.is_empty() {
        return FixOutcome {
            text: current,
            applied,
            remaining,
        };
    }
    for _ in 0..MAX_ROUNDS {
        let mut candidates: Vec<&Diagnostic> = remaining
            .iter()
            .filter(|d| selected(d.rule) && d.file == path)
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|fix| include_unsafe || fix.applicability == Applicability::Safe)
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        // Last fix first, so that applying one leaves the offsets of the others valid.
        candidates.sort_by_key(|d| std::cmp::Reverse(fix_extent(d)));
        let mut changed = false;
        let mut floor = usize::MAX;
        for diagnostic in candidates {
            let fix = diagnostic.fix.as_ref().expect("filtered on fix");
            let extent = fix_extent(diagnostic);
            if extent.end > floor || (extent.end == floor && !extent.is_empty()) {
                continue; // overlaps a fix already applied this round
            }
            let next = apply_edits(&current, &fix.edits);
            if next == current || !syntax::parse(&next, format).errors.is_empty() {
                continue;
            }
            current = next;
            floor = extent.start;
            changed = true;
            applied.push((diagnostic.code(), fix.title.clone()));
        }
        remaining = check(&current);
        if !changed {
            break;
        }
    }
    FixOutcome {
        text: current,
        applied,
        remaining,
    }
}

fn fix_extent(diagnostic: &Diagnostic) -> Span {
    let edits = diagnostic
        .fix
        .as_ref()
        .map_or(&[][..], |fix| &fix.edits[..]);
    edits
        .iter()
        .map(|edit| edit.span)
        .reduce(Span::cover)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_safe_fixes_to_a_fixed_point() {
        let text = r#"name = "w"
[placement]
mode = "smart"
hint = "enam"

[env.staging.placement]
mode = "smart"
hint = "weur"
"#;
        let outcome = fix_config(Path::new("wrangler.toml"), text, false, &|_| true);
        assert_eq!(
            outcome.text,
            r#"name = "w"
[placement]
mode = "smart"

[env.staging.placement]
mode = "smart"
"#
        );
        assert_eq!(outcome.applied.len(), 2);
        let again = fix_config(Path::new("wrangler.toml"), &outcome.text, false, &|_| true);
        assert!(again.applied.is_empty());
        assert_eq!(again.text, outcome.text);
    }

    #[test]
    fn leaves_unparsable_files_alone() {
        let text = r#"[placement]
mode = "smart"
hint = "x"
broken = 
"#;
        let outcome = fix_config(Path::new("wrangler.toml"), text, true, &|_| true);
        assert_eq!(outcome.text, text);
        assert!(outcome.applied.is_empty());
    }

    #[test]
    fn unsafe_fixes_need_opt_in() {
        let text = r#"{ "placement": { "mode": "smrat" } }"#;
        let safe = fix_config(Path::new("wrangler.json"), text, false, &|_| true);
        assert_eq!(safe.text, text);
        let all = fix_config(Path::new("wrangler.json"), text, true, &|_| true);
        assert_eq!(all.text, r#"{ "placement": { "mode": "smart" } }"#);
    }
}
