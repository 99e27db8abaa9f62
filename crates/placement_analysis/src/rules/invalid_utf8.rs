use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports bytes of a config file that are not valid UTF-8, naming the first such byte.
    ///
    /// ## Why is this bad?
    /// wrangler reads the file as UTF-8 and turns each invalid sequence into U+FFFD (the
    /// replacement character) without a word, so a value with such a byte (a route, a name, a
    /// var) is deployed with `�` in it. The file is still read: the other rules run on the text
    /// wrangler sees.
    ///
    /// ## Example
    /// A config saved as Latin-1, where `é` is the single byte `0xE9` (shown here as `\xE9`):
    /// ```toml
    /// name = "caf\xE9"
    /// ```
    /// ```jsonc
    /// { "name": "caf\xE9" }
    /// ```
    ///
    /// ## Use instead
    /// Save the file as UTF-8:
    /// ```toml
    /// name = "café"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the intended encoding cannot be known. `--fix` leaves such a file alone, since
    /// writing it back would turn the invalid bytes into U+FFFD.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static INVALID_UTF8 = {
        code: "PL006",
        name: "invalid-utf8",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "Bytes of the config that are not UTF-8, which wrangler reads as U+FFFD",
    }
}

/// A config file's bytes decoded as wrangler decodes them: each invalid sequence becomes U+FFFD.
pub struct Decoded {
    pub text: String,
    /// The diagnostic naming the first invalid byte, when there is one.
    pub diagnostic: Option<Diagnostic>,
}

/// Decodes `bytes` as wrangler does (Node's UTF-8 decoding, which replaces each maximal invalid
/// sequence by U+FFFD, as Rust's lossy decoding does).
pub fn decode(path: &Path, bytes: Vec<u8>) -> Decoded {
    let error = match String::from_utf8(bytes) {
        Ok(text) => {
            return Decoded {
                text,
                diagnostic: None,
            };
        }
        Err(error) => error,
    };
    let offset = error.utf8_error().valid_up_to();
    let byte = error.as_bytes()[offset];
    let text = String::from_utf8_lossy(error.as_bytes()).into_owned();
    // Offsets before the first invalid byte are the same in the decoded text.
    let more = text[offset..].matches('\u{FFFD}').count().saturating_sub(1);
    let also = match more {
        0 => String::new(),
        1 => " (and 1 more invalid sequence)".to_owned(),
        n => format!(" (and {n} more invalid sequences)"),
    };
    Decoded {
        diagnostic: Some(Diagnostic {
            rule: &INVALID_UTF8,
            severity: INVALID_UTF8.severity,
            file: path.to_path_buf(),
            span: Span::new(offset, offset + '\u{FFFD}'.len_utf8()),
            message: format!(
                "byte 0x{byte:02X} at offset {offset} is not valid UTF-8{also}: wrangler reads \
                 it as U+FFFD (the replacement character)"
            ),
            help: Some("save the file as UTF-8".to_owned()),
            environments: Vec::new(),
            fix: None,
            related: Vec::new(),
        }),
        text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_first_invalid_byte_and_counts_the_rest() {
        let decoded = decode(
            Path::new("wrangler.toml"),
            b"name = \"caf\xE9\"\n# \xFF\n".to_vec(),
        );
        assert_eq!(decoded.text, "name = \"caf\u{FFFD}\"\n# \u{FFFD}\n");
        let diagnostic = decoded.diagnostic.unwrap();
        assert_eq!(diagnostic.span, Span::new(11, 14));
        assert_eq!(
            diagnostic.message,
            "byte 0xE9 at offset 11 is not valid UTF-8 (and 1 more invalid sequence): wrangler \
             reads it as U+FFFD (the replacement character)"
        );
        let clean = decode(Path::new("wrangler.toml"), b"name = \"w\"".to_vec());
        assert!(clean.diagnostic.is_none());
    }
}
