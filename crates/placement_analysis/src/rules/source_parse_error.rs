use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Notes a JavaScript or TypeScript file of the project that does not parse: a Pages
    /// Function, a `_worker.js`, the Worker's `main` entry or a local module it imports. Only the
    /// files some rule reads are parsed, so this appears only where a placement moves the Worker.
    ///
    /// ## Why is this bad?
    /// The source rules (PL202, PL204, PL207) read the code's syntax tree, never its text. Where
    /// the file does not parse they see only what the parser could recover, so they may miss a
    /// problem there; the other rules still run. The build would fail on the same error.
    ///
    /// ## Example
    /// With this config (TOML or JSONC):
    /// ```toml
    /// main = "src/index.ts"
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "placement": { "mode": "smart" } }
    /// ```
    /// and `src/index.ts`:
    /// ```ts
    /// export default { async fetch(request, env) { return new Response("ok") }
    /// ```
    ///
    /// ## Use instead
    /// ```ts
    /// export default { async fetch(request, env) { return new Response("ok") } };
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the intended code cannot be known.
    ///
    /// ## References
    /// - [Smart Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static SOURCE_PARSE_ERROR = {
        code: "PL200",
        name: "source-parse-error",
        severity: Info,
        fix: FixAvailability::None,
        summary: "A project source file that the source rules read does not parse",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    for source in project.sources.values() {
        let Some(error) = &source.facts.parse_error else {
            continue;
        };
        let message = format!(
            "`{}` does not parse: {}; placement-lint's source rules only see what the parser \
             could recover in it",
            project.display(&source.path),
            error.message
        );
        sink.report_in(&source.path, error.span, message).with_help(
            "fix the syntax error (the Worker would not build with it); the other rules still run",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    #[test]
    fn notes_a_broken_entry_in_toml_and_jsonc() {
        let broken = r#"export default {
  fetch(request) { return new Response("ok") },
  const x = 1;
        ^ PL200
};
"#;
        let diagnostics = assert_project_rule(
            "PL200",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[placement]
mode = "smart"
"#,
                ),
                ("src/index.ts", broken),
            ],
        );
        assert_eq!(diagnostics[0].severity, crate::Severity::Info);
        assert_project_rule(
            "PL200",
            &[
                (
                    "wrangler.jsonc",
                    r#"{ "main": "src/index.ts", "env": { "a": { "placement": { "region": "aws:us-east-1" } } } }"#,
                ),
                ("src/index.ts", broken),
            ],
        );
    }

    #[test]
    fn silent_when_nothing_needs_the_source() {
        // Placement off: the source is never parsed.
        assert_project_rule(
            "PL200",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[placement]
mode = "off"
"#,
                ),
                ("src/index.ts", "export default {"),
            ],
        );
        assert_project_rule(
            "PL200",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[placement]
mode = "smart"
"#,
                ),
                (
                    "src/index.ts",
                    "export default { fetch() { return new Response('') } };",
                ),
            ],
        );
    }
}
