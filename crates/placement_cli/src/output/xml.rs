//! Writing XML text and attribute values: escaped, and with the characters XML 1.0 cannot hold
//! (control characters other than tab and line breaks, U+FFFE, U+FFFF) replaced by U+FFFD, so
//! that a config full of odd bytes still gives a document every parser reads.

/// `text` as XML character data or an attribute value (quotes escaped, so either will do; line
/// breaks as character references, which attribute values keep).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_replaces_what_xml_cannot_hold() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\n\u{1}\u{ffff}é"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;&#10;\u{fffd}\u{fffd}é"
        );
    }
}
