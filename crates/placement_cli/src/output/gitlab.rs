//! GitLab's Code Quality report (`artifacts:reports:codequality`): a JSON array of issues with
//! `description`, `check_name`, `fingerprint`, `severity` and `location`. The fingerprint names
//! a finding across runs, so that GitLab tells new findings from old ones in a merge request:
//! it hashes the rule, the file and the message (not the line, which moves as a file is edited),
//! and counts repeats of the same triple.

use std::collections::HashMap;
use std::io::Write;

use placement_analysis::Severity;
use serde::Serialize;

use super::{Position, Sources, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;

#[derive(Serialize)]
struct Issue<'a> {
    description: String,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    location: Location,
    categories: [&'static str; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Content<'a>>,
}

#[derive(Serialize)]
struct Content<'a> {
    body: &'a str,
}

#[derive(Serialize)]
struct Location {
    path: String,
    positions: Positions,
}

#[derive(Serialize)]
struct Positions {
    begin: LineColumn,
    end: LineColumn,
}

#[derive(Serialize)]
struct LineColumn {
    line: usize,
    column: usize,
}

impl From<Position> for LineColumn {
    fn from(position: Position) -> Self {
        Self {
            line: position.line,
            column: position.column,
        }
    }
}

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    let issues: Vec<Issue<'_>> = all_diagnostics(run)
        .map(|diagnostic| {
            let path = display(&diagnostic.file);
            let (start, end) = sources.get(&diagnostic.file).range(diagnostic.span);
            let identity = format!("{}\0{path}\0{}", diagnostic.rule.code, diagnostic.message);
            let repeat = seen.entry(identity.clone()).or_insert(0);
            *repeat += 1;
            Issue {
                description: format!("{} ({})", diagnostic.message, diagnostic.rule.name),
                check_name: diagnostic.rule.code,
                fingerprint: fingerprint(&format!("{identity}\0{repeat}")),
                severity: severity(diagnostic.severity),
                location: Location {
                    path,
                    positions: Positions {
                        begin: start.into(),
                        end: end.into(),
                    },
                },
                categories: ["Bug Risk"],
                content: diagnostic.help.as_deref().map(|body| Content { body }),
            }
        })
        .collect();
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}

/// GitLab's levels: `info`, `minor`, `major`, `critical`, `blocker`. An error is a config
/// wrangler refuses (the deploy fails): critical.
fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "critical",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

/// 128 bits of FNV-1a (two 64-bit passes with different offsets) in hex: stable across
/// platforms and Rust releases, which the standard library's hasher does not promise.
fn fingerprint(text: &str) -> String {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let pass = |offset: u64| {
        text.bytes().fold(offset, |hash, byte| {
            (hash ^ u64::from(byte)).wrapping_mul(PRIME)
        })
    };
    format!(
        "{:016x}{:016x}",
        pass(0xcbf2_9ce4_8422_2325),
        pass(0x6c62_272e_07bb_0142)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(""), "cbf29ce4842223256c62272e07bb0142");
        assert_eq!(fingerprint("a"), fingerprint("a"));
        assert_ne!(fingerprint("PL101\0a\0\x31"), fingerprint("PL101\0a\0\x32"));
    }
}
