//! `# placement-lint-disable-next-line PL101, PL003` (TOML) and
//! `// placement-lint-disable-next-line PL101` (JSONC), optionally followed by `-- reason`
//! (the words after `--` are never read as codes).

use rustc_hash::FxHashMap;
use std::path::Path;

use crate::context::Context;
use crate::diagnostic::Diagnostic;
use crate::span::LineIndex;
use crate::syntax::Format;

/// The comment that suppresses the next line's diagnostics of the codes it names.
pub const DIRECTIVE: &str = "placement-lint-disable-next-line";

/// Drops the diagnostics whose first line is preceded by a comment line naming their code:
/// the config's comments for the config's diagnostics, and `//` comments in a project source
/// file for the diagnostics in that file.
pub(crate) fn apply(diagnostics: &mut Vec<Diagnostic>, context: &Context<'_>) {
    let config_has_directives = context.text.contains(DIRECTIVE);
    // Built for a source file the first time one of its diagnostics is looked at.
    let mut source_lines: FxHashMap<&Path, Option<LineIndex>> = FxHashMap::default();
    diagnostics.retain(|diagnostic| {
        if diagnostic.file == context.path {
            return !(config_has_directives
                && is_suppressed(diagnostic, context.text, context.lines(), context.format()));
        }
        let Some(source) = context
            .project()
            .and_then(|project| project.source(&diagnostic.file))
        else {
            return true;
        };
        let lines = source_lines
            .entry(source.path.as_path())
            .or_insert_with(|| {
                source
                    .text
                    .contains(DIRECTIVE)
                    .then(|| LineIndex::new(&source.text))
            });
        // `//` comments, as in JSONC.
        !lines
            .as_ref()
            .is_some_and(|lines| is_suppressed(diagnostic, &source.text, lines, Format::Json))
    });
}

/// Whether the line above the diagnostic's first line suppresses its code.
fn is_suppressed(diagnostic: &Diagnostic, text: &str, lines: &LineIndex, format: Format) -> bool {
    let line = lines.line_of(diagnostic.span.start);
    if line == 0 {
        return false;
    }
    let previous = &text[lines.line_start(line - 1)..lines.line_end(text, line - 1)];
    suppressed_codes(previous, format).any(|code| code.eq_ignore_ascii_case(diagnostic.code()))
}

fn suppressed_codes(line: &str, format: Format) -> impl Iterator<Item = &str> {
    let codes = line
        .trim_start()
        .strip_prefix(format.comment_prefix())
        .map(str::trim_start)
        .and_then(|comment| comment.strip_prefix(DIRECTIVE))
        .unwrap_or("");
    let codes = codes
        .split_once("--")
        .map_or(codes, |(codes, _reason)| codes);
    codes
        .split([',', ' ', '\t'])
        .map(str::trim)
        .filter(|code| !code.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_comma_separated_codes() {
        let codes: Vec<_> = suppressed_codes(
            "  # placement-lint-disable-next-line PL101, PL003",
            Format::Toml,
        )
        .collect();
        assert_eq!(codes, ["PL101", "PL003"]);
        assert_eq!(
            suppressed_codes("// placement-lint-disable-next-line PL101", Format::Toml).count(),
            0
        );
        assert_eq!(
            suppressed_codes("// placement-lint-disable-next-line PL101", Format::Json).count(),
            1
        );
        let codes: Vec<_> = suppressed_codes(
            "# placement-lint-disable-next-line PL101 -- kept until PL003 is fixed",
            Format::Toml,
        )
        .collect();
        assert_eq!(codes, ["PL101"]);
    }
}
