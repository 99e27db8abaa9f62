use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::Format;

declare_rule! {
    /// ## What it does
    /// Reports a `wrangler.toml`, `wrangler.json` or `wrangler.jsonc` that does not parse, at the
    /// exact place the parser stopped.
    ///
    /// ## Why is this bad?
    /// wrangler refuses to deploy a config it cannot read, so no placement setting in it takes
    /// effect. In TOML the other rules still run on what could be read; a JSON file that does not
    /// parse is not checked further.
    ///
    /// JSON configs (both `wrangler.json` and `wrangler.jsonc`) allow comments and trailing commas,
    /// as wrangler does, and nothing more lenient: no single quotes, unquoted keys or hex numbers.
    /// A key repeated in TOML is an error too.
    ///
    /// ## Example
    /// ```toml
    /// [placement]
    /// mode = "smart
    /// ```
    /// ```jsonc
    /// { "placement": { 'mode': "smart" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": "smart" } }
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the intended text cannot be known.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static INVALID_SYNTAX = {
        code: "PL001",
        name: "invalid-syntax",
        severity: Error,
        fix: FixAvailability::None,
        summary: "The config file does not parse as TOML or JSON(C)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let kind = match ctx.format() {
        Format::Toml => "TOML",
        Format::Json => "JSON",
    };
    for error in &ctx.parsed.errors {
        let message = format!("invalid {kind}: {}", error.message);
        sink.report(error.span, message).with_help(
            "wrangler cannot read this file, so none of its settings (placement included) apply; \
             fix the syntax at the marked location",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn toml_errors_are_located() {
        let diagnostics = crate::check_config(
            std::path::Path::new("wrangler.toml"),
            r#"[placement]
mode = "smart
"#,
        );
        let error = diagnostics
            .iter()
            .find(|d| d.code() == "PL001")
            .expect("PL001");
        assert_eq!(
            error.span.start,
            r#"[placement]
mode = "smart"#
                .len()
        );
    }

    #[test]
    fn toml_duplicate_key_is_an_error() {
        assert_rule(
            "PL001",
            Format::Toml,
            r#"[placement]
mode = "smart"
mode = "off"
^^^^ PL001
"#,
        );
    }

    #[test]
    fn jsonc_allows_comments_and_trailing_commas_only() {
        assert_rule(
            "PL001",
            Format::Json,
            r#"{
  // ok
  "placement": { "mode": "smart", },
}
"#,
        );
        assert_rule(
            "PL001",
            Format::Json,
            r#"{ "placement": { 'mode': "smart" } }
                 ^ PL001
"#,
        );
    }

    #[test]
    fn a_json_root_of_another_type_is_pl004_not_a_syntax_error() {
        assert_rule("PL001", Format::Json, "[1, 2]\n");
        let diagnostics = assert_rule("PL004", Format::Json, "[1, 2]\n^^^^^^ PL004\n");
        assert_eq!(diagnostics[0].severity, crate::Severity::Warning);
        let diagnostics = assert_rule("PL004", Format::Json, "\"text\"\n^^^^^^ PL004\n");
        assert_eq!(diagnostics[0].severity, crate::Severity::Error);
        assert!(
            diagnostics[0]
                .message
                .contains("a string, not a JSON object")
        );
    }

    #[test]
    fn json_as_wrangler_reads_it() {
        // A UTF-8 byte-order mark is stripped; a lone surrogate escape is a string like any.
        assert_rule("PL001", Format::Json, "\u{FEFF}{ \"name\": \"w\" }\n");
        assert_rule("PL001", Format::Json, r#"{ "name": "\uD800 \uDC00x" }"#);
        assert_rule("PL001", Format::Json, r#"{ "name": "\uD834\uDD1E" }"#);
        // A form feed outside strings (escaped: it is invisible) and a raw line break inside
        // a string are not JSON.
        assert_rule("PL001", Format::Json, "{\u{c}}\n ^ PL001\n");
        assert_rule(
            "PL001",
            Format::Json,
            r#"{ "a": "x
         ^ PL001
y" }
"#,
        );
    }

    #[test]
    fn toml_numbers_and_dates_as_wrangler_reads_them() {
        assert_rule(
            "PL001",
            Format::Toml,
            r"x = 0x
    ^^ PL001
",
        );
        // Above 2^53 - 1 a JavaScript number loses digits, and wrangler refuses the file.
        assert_rule(
            "PL001",
            Format::Toml,
            r"x = 9007199254740992
    ^^^^^^^^^^^^^^^^ PL001
",
        );
        assert_rule("PL001", Format::Toml, "x = 9007199254740991\n");
        assert_rule("PL001", Format::Toml, "d = 1979-02-30\n");
        assert_rule(
            "PL001",
            Format::Toml,
            r"d = 1979-05-27T23:59:60Z
    ^^^^^^^^^^^^^^^^^^^^ PL001
",
        );
    }

    #[test]
    fn valid_files_have_no_syntax_errors() {
        assert_rule(
            "PL001",
            Format::Toml,
            r#"[env.staging.placement]
mode = "off"
"#,
        );
        assert_rule(
            "PL001",
            Format::Json,
            r#"{ "env": { "staging": { "placement": { "mode": "off" } } } }"#,
        );
    }
}
