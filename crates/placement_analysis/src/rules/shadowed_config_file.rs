use std::path::Path;

use crate::diagnostic::{Diagnostic, Related};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a config file that wrangler would not use because another one wins: wrangler looks
    /// for `wrangler.json` in the current folder and every parent folder, then for
    /// `wrangler.jsonc` the same way, and only then for `wrangler.toml`. The message names the file
    /// that wins.
    ///
    /// ## Why is this bad?
    /// Placement written in the shadowed file silently does nothing: a `wrangler.jsonc` at a
    /// monorepo's root shadows `apps/api/wrangler.toml`, so `[placement] mode = "smart"` in the
    /// app's own file is never deployed. placement-lint checks the winning file instead.
    ///
    /// ## Example
    /// ```text
    /// repo/wrangler.jsonc          <- wrangler uses this one
    /// repo/apps/api/wrangler.toml  <- PL002: shadowed by ../../wrangler.jsonc
    /// ```
    ///
    /// ## Use instead
    /// Keep one config per Worker: remove or rename the file that loses, or move the root config
    /// out of the Worker's parent folders. Pass `--config` to wrangler when you need a specific
    /// file.
    ///
    /// ## Fix safety
    /// No fix: which file is meant cannot be known.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static SHADOWED_CONFIG_FILE = {
        code: "PL002",
        name: "shadowed-config-file",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "A config file that wrangler would not use because another one wins",
    }
}

/// The diagnostic for `shadowed` (whose text is `text`), which loses to `winner`.
pub fn shadowed(shadowed: &Path, text: &str, winner: &Path, winner_display: &str) -> Diagnostic {
    let first_line_end = text.find(['\n', '\r']).unwrap_or(text.len());
    let message = format!(
        "wrangler does not use this file: `{winner_display}` wins, so its settings (placement \
         included) are never deployed"
    );
    let mut diagnostic = Diagnostic::new(
        &SHADOWED_CONFIG_FILE,
        shadowed,
        Span::new(0, first_line_end),
        message,
    );
    diagnostic
        .with_help(format!(
            "wrangler prefers wrangler.json, then wrangler.jsonc, then wrangler.toml, searching \
             each in this folder and every parent; remove one of the files, or run wrangler with \
             `--config {}`",
            shadowed
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("wrangler.toml")
        ))
        .with_related([Related {
            file: winner.to_path_buf(),
            span: Span::empty(0),
            message: "the config wrangler uses".to_owned(),
        }]);
    diagnostic
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_winner_and_spans_the_first_line() {
        let text = r#"name = "api"
[placement]
"#;
        let diagnostic = shadowed(
            Path::new("apps/api/wrangler.toml"),
            text,
            Path::new("wrangler.jsonc"),
            "wrangler.jsonc",
        );
        assert_eq!(diagnostic.span, Span::new(0, 12));
        assert!(diagnostic.message.contains("`wrangler.jsonc` wins"));
        assert_eq!(diagnostic.related[0].file, Path::new("wrangler.jsonc"));
    }
}
