//! `# placement-lint-disable-next-line PL101, PL003` (TOML) and
//! `// placement-lint-disable-next-line PL101` (JSONC).

use crate::diagnostic::Diagnostic;
use crate::span::LineIndex;
use crate::syntax::Format;

const DIRECTIVE: &str = "placement-lint-disable-next-line";

/// Drops diagnostics whose first line is preceded by a comment line naming their code.
pub fn apply(diagnostics: &mut Vec<Diagnostic>, text: &str, lines: &LineIndex, format: Format) {
    if !text.contains(DIRECTIVE) {
        return;
    }
    diagnostics.retain(|diagnostic| {
        let line = lines.line_of(diagnostic.span.start);
        if line == 0 {
            return true;
        }
        let previous = &text[lines.line_start(line - 1)..lines.line_end(text, line - 1)];
        !suppressed_codes(previous, format).any(|code| code.eq_ignore_ascii_case(diagnostic.code()))
    });
}

fn suppressed_codes(line: &str, format: Format) -> impl Iterator<Item = &str> {
    let codes = line
        .trim_start()
        .strip_prefix(format.comment_prefix())
        .map(str::trim_start)
        .and_then(|comment| comment.strip_prefix(DIRECTIVE))
        .unwrap_or("");
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
    }
}
