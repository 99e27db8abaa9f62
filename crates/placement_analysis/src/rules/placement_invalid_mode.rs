use crate::catalog::PLACEMENT_MODES;
use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::edits::string_literal;
use crate::placement::Shape;
use crate::rule::{FixAvailability, declare_rule};
use crate::suggest::closest;

declare_rule! {
    /// ## What it does
    /// Reports a `placement.mode` that is not `"smart"`, `"off"` or `"targeted"`, and suggests the
    /// closest one.
    ///
    /// ## Why is this bad?
    /// wrangler rejects the config (`Expected "placement.mode" field to be one of
    /// ["off","smart","targeted"] but got "smrat".`). Modes are case-sensitive: `"Smart"` is
    /// rejected too.
    ///
    /// ## Example
    /// ```toml
    /// [placement]
    /// mode = "smrat"
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": "auto" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [placement]
    /// mode = "smart"
    /// ```
    ///
    /// ## Fix safety
    /// Replacing the value with the suggestion is unsafe: it chooses the placement.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static PLACEMENT_INVALID_MODE = {
        code: "PL103",
        name: "placement-invalid-mode",
        severity: Error,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "`placement.mode` is not `smart`, `off` or `targeted`",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for site in ctx.placements {
        if matches!(site.shape(), Shape::NotTable) {
            continue;
        }
        let (Some(entry), Some(mode)) = (site.field("mode"), site.mode()) else {
            continue;
        };
        if PLACEMENT_MODES.contains(&mode) {
            continue;
        }
        // With a target present, "targeted" is the only mode that can work.
        let suggestion = if site.targets().is_empty() {
            closest(mode, PLACEMENT_MODES.iter().copied())
        } else {
            Some("targeted")
        };
        let message = format!(
            "`{}` is {:?}, which is not a placement mode{}: wrangler accepts only \"smart\", \
             \"off\" or \"targeted\" and rejects the config{}",
            site.path("mode"),
            mode,
            site.environments_suffix(),
            suggestion.map_or(String::new(), |s| format!("; did you mean \"{s}\"?"))
        );
        let diagnostic = sink
            .report(entry.value.span, message)
            .with_help(
                "\"smart\" lets Cloudflare run the Worker near its back end, \"off\" keeps it near \
                 the user, \"targeted\" goes with `region`, `host` or `hostname`",
            )
            .with_environments(&site.environments);
        if let Some(suggestion) = suggestion {
            diagnostic.with_fix(Fix::new(
                format!("Replace with \"{suggestion}\""),
                Applicability::Unsafe,
                vec![Edit::replace(entry.value.span, string_literal(suggestion))],
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_in_toml() {
        let diagnostics = assert_rule(
            "PL103",
            Format::Toml,
            r#"placement.mode = "smrat"
                 ^^^^^^^ PL103: rejects the config; did you mean "smart"?
[env.a.placement]
mode = "Smart"
       ^^^^^^^ PL103
[env.b.placement]
mode = "bogus"
       ^^^^^^^ PL103: `env.b.placement.mode` is "bogus"
"#,
        );
        assert!(diagnostics[2].fix.is_none());
    }

    #[test]
    fn fires_in_jsonc() {
        assert_rule(
            "PL103",
            Format::Json,
            r#"{ "env": { "x": { "placement": { "mode": "target", "region": "aws:us-east-1" } } } }
                                         ^^^^^^^^ PL103
"#,
        );
    }

    #[test]
    fn valid_modes_do_not_fire() {
        assert_rule(
            "PL103",
            Format::Toml,
            r#"[placement]
mode = "off"
"#,
        );
        assert_rule(
            "PL103",
            Format::Json,
            r#"{ "placement": { "mode": "targeted", "host": "db:5432" } }"#,
        );
    }

    #[test]
    fn fix_replaces_with_the_suggestion() {
        assert_eq!(
            apply_fix(
                "PL103",
                Format::Toml,
                r"[placement]
mode = 'smrat' # typo
"
            ),
            r#"[placement]
mode = "smart" # typo
"#
        );
        assert_eq!(
            apply_fix(
                "PL103",
                Format::Json,
                r#"{ "placement": { "mode": "of" } }"#
            ),
            r#"{ "placement": { "mode": "off" } }"#
        );
    }
}
