//! `check --add-suppressions`: a `placement-lint-disable-next-line CODE -- TODO: reason`
//! comment above every current finding in the configs, so that a large repository can turn the
//! linter on today and remove the comments one by one. The comments are the ones
//! `placement_analysis`'s suppression reads (`#` in TOML, `//` in JSON and JSONC), indented as
//! the line they suppress; a line already preceded by such a comment gets its codes added to it.
//! A second run finds nothing left to suppress, so it adds nothing.

use std::collections::BTreeMap;

use placement_analysis::rules::{invalid_utf8, shadowed_config_file};
use placement_analysis::{
    Diagnostic, Edit, Format, LineIndex, SUPPRESSION_DIRECTIVE, format_of, syntax,
};
use placement_io::{describe_io, write_fix};

use crate::check::CheckRun;
use crate::paths::display;
use crate::{CliError, exit};

/// What the reason placeholder says, for a person to replace.
const REASON_PLACEHOLDER: &str = "TODO: reason";

pub fn add(run: &CheckRun) -> Result<u8, CliError> {
    let mut added = 0;
    let mut files = 0;
    let mut left: Vec<&Diagnostic> = Vec::new();
    let mut status = exit::CLEAN;
    for result in &run.results {
        // PL002 is found by discovery, not by the rules the comments apply to; findings in
        // other files (a Worker's source, package.json) are left to per-file-ignores.
        let (suppressible, others): (Vec<&Diagnostic>, Vec<&Diagnostic>) =
            result.diagnostics.iter().partition(|diagnostic| {
                diagnostic.file == result.path
                    && diagnostic.rule.code != shadowed_config_file::SHADOWED_CONFIG_FILE.code
            });
        left.extend(others);
        if suppressible.is_empty() {
            continue;
        }
        // Writing would replace the invalid bytes (as --fix, such a file is left alone).
        if suppressible
            .iter()
            .any(|diagnostic| diagnostic.rule.code == invalid_utf8::INVALID_UTF8.code)
        {
            left.extend(suppressible);
            continue;
        }
        let format = format_of(&result.path);
        let (text, count) = with_suppressions(&result.text, format, &suppressible);
        // A comment must never make the file unreadable.
        let errors_before = syntax::parse(&result.text, format).errors.len();
        if syntax::parse(&text, format).errors.len() > errors_before {
            eprintln!(
                "placement-lint: `{}`: not changed: a suppression comment would not parse there",
                display(&result.path)
            );
            left.extend(suppressible);
            continue;
        }
        if let Err(error) = write_fix(&result.path, text.as_bytes()) {
            eprintln!(
                "placement-lint: error: `{}`: cannot write: {}",
                display(&result.path),
                describe_io(&error)
            );
            status = exit::USAGE;
            continue;
        }
        added += count;
        files += 1;
    }
    println!(
        "Added {added} suppression comment{} in {files} file{}.",
        if added == 1 { "" } else { "s" },
        if files == 1 { "" } else { "s" }
    );
    if !left.is_empty() {
        println!(
            "{} finding{} cannot be suppressed with a comment (see `per-file-ignores` in \
             docs/configuration.md):",
            left.len(),
            if left.len() == 1 { "" } else { "s" }
        );
        for diagnostic in left {
            println!(
                "  {}: {} {}",
                display(&diagnostic.file),
                diagnostic.rule.code,
                diagnostic.message
            );
        }
    }
    Ok(status)
}

/// `text` with a suppression comment above the first line of each diagnostic, and how many
/// comment lines were written or extended.
fn with_suppressions(text: &str, format: Format, diagnostics: &[&Diagnostic]) -> (String, usize) {
    let lines = LineIndex::new(text);
    let mut codes_by_line: BTreeMap<usize, Vec<&'static str>> = BTreeMap::new();
    for diagnostic in diagnostics {
        let codes = codes_by_line
            .entry(lines.line_of(diagnostic.span.start))
            .or_default();
        if !codes.contains(&diagnostic.code()) {
            codes.push(diagnostic.code());
        }
    }
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let prefix = format.comment_prefix();
    let mut edits = Vec::new();
    for (&line, codes) in &mut codes_by_line {
        codes.sort_unstable();
        let start = lines.line_start(line);
        let content = &text[start..lines.line_end(text, line)];
        // A directive on the line above already speaks for this line: another comment between
        // them would cut it off, so the codes join it.
        if line > 0 {
            let above_start = lines.line_start(line - 1);
            let above = &text[above_start..lines.line_end(text, line - 1)];
            if let Some(at) = directive_codes_end(above, prefix) {
                edits.push(Edit::insert(
                    above_start + at,
                    format!(", {}", codes.join(", ")),
                ));
                continue;
            }
        }
        let indent = &content[..content.len() - content.trim_start().len()];
        edits.push(Edit::insert(
            start,
            format!(
                "{indent}{prefix} {SUPPRESSION_DIRECTIVE} {} -- {REASON_PLACEHOLDER}{newline}",
                codes.join(", ")
            ),
        ));
    }
    let count = edits.len();
    (placement_analysis::fix::apply_edits(text, &edits), count)
}

/// Where the codes of a suppression comment line end (before ` -- reason`, or at the end of the
/// codes), if the line is one.
fn directive_codes_end(line: &str, prefix: &str) -> Option<usize> {
    let trimmed = line.trim_start();
    let after_prefix = trimmed.strip_prefix(prefix)?;
    let directive = after_prefix.trim_start();
    if !directive.starts_with(SUPPRESSION_DIRECTIVE) {
        return None;
    }
    let reason = line
        .find("--")
        .filter(|&at| at > line.len() - directive.len());
    let codes_end = reason.unwrap_or(line.len());
    Some(line[..codes_end].trim_end().len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_where_the_codes_of_a_directive_end() {
        let line = "  # placement-lint-disable-next-line PL101 -- kept";
        assert_eq!(
            &line[..directive_codes_end(line, "#").unwrap()],
            "  # placement-lint-disable-next-line PL101"
        );
        let line = "// placement-lint-disable-next-line PL101  ";
        assert_eq!(directive_codes_end(line, "//"), Some(line.trim_end().len()));
        assert_eq!(directive_codes_end("# a comment", "#"), None);
        assert_eq!(directive_codes_end("name = \"x\"", "#"), None);
    }
}
