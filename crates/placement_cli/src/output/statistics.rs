//! `--statistics`: how many diagnostics each rule found, most first.

use std::collections::BTreeMap;
use std::io::Write;

use placement_analysis::{Applicability, Rule};

use super::all_diagnostics;
use crate::args::OutputFormat;
use crate::check::CheckRun;

/// One rule's count.
struct RuleCount {
    rule: &'static Rule,
    count: usize,
    safe_fixes: usize,
    unsafe_fixes: usize,
}

fn counts(run: &CheckRun) -> Vec<RuleCount> {
    let mut by_code: BTreeMap<&'static str, RuleCount> = BTreeMap::new();
    for diagnostic in all_diagnostics(run) {
        let entry = by_code.entry(diagnostic.rule.code).or_insert(RuleCount {
            rule: diagnostic.rule,
            count: 0,
            safe_fixes: 0,
            unsafe_fixes: 0,
        });
        entry.count += 1;
        match diagnostic.fix.as_ref().map(|fix| fix.applicability) {
            Some(Applicability::Safe) => entry.safe_fixes += 1,
            Some(Applicability::Unsafe) => entry.unsafe_fixes += 1,
            None => {}
        }
    }
    let mut counts: Vec<RuleCount> = by_code.into_values().collect();
    // Most first; ties in code order (the map's order, kept by the stable sort).
    counts.sort_by_key(|row| std::cmp::Reverse(row.count));
    counts
}

/// A table (`count code name fixes`), or with `--output-format json` an array of
/// `{code, name, count, safe_fixes, unsafe_fixes}`.
pub fn write(out: &mut dyn Write, run: &CheckRun, format: OutputFormat) -> std::io::Result<()> {
    let counts = counts(run);
    if format == OutputFormat::Json {
        let rows: Vec<serde_json::Value> = counts
            .iter()
            .map(|row| {
                serde_json::json!({
                    "code": row.rule.code,
                    "name": row.rule.name,
                    "count": row.count,
                    "safe_fixes": row.safe_fixes,
                    "unsafe_fixes": row.unsafe_fixes,
                })
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let width = counts
        .iter()
        .map(|row| row.count.to_string().len())
        .max()
        .unwrap_or(1);
    for row in &counts {
        let fixes = match (row.safe_fixes, row.unsafe_fixes) {
            (0, 0) => String::new(),
            (safe, 0) => format!("  ({safe} safe fix{})", plural_es(safe)),
            (0, unsafe_) => format!("  ({unsafe_} unsafe fix{})", plural_es(unsafe_)),
            (safe, unsafe_) => format!(
                "  ({safe} safe, {unsafe_} unsafe fix{})",
                plural_es(unsafe_)
            ),
        };
        writeln!(
            out,
            "{:>width$}  {}  {}{fixes}",
            row.count, row.rule.code, row.rule.name
        )?;
    }
    let total: usize = counts.iter().map(|row| row.count).sum();
    writeln!(
        out,
        "{total} diagnostic{} from {} rule{}",
        if total == 1 { "" } else { "s" },
        counts.len(),
        if counts.len() == 1 { "" } else { "s" }
    )
}

fn plural_es(count: usize) -> &'static str {
    if count == 1 { "" } else { "es" }
}
