use crate::context::{Context, Sink};
use crate::placement::Shape;
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a `placement` with neither a `mode` nor a target (an empty table, only `hint`, or
    /// only unknown keys such as a misspelled `mde`), and `mode = "targeted"` without `region`,
    /// `host` or `hostname`.
    ///
    /// ## Why is this bad?
    /// wrangler rejects both: `"placement.mode" is a required field.` and `"placement.region" or
    /// "placement.host" or "placement.hostname" is required.` A typo in `mode` produces the first
    /// message without naming the typo, which is why placement-lint also reports the unknown key
    /// (PL003) with a suggestion.
    ///
    /// ## Example
    /// ```toml
    /// [placement]
    /// mode = "targeted"
    /// ```
    /// ```jsonc
    /// { "placement": {} }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [placement]
    /// mode = "targeted"
    /// region = "aws:us-east-1"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the intended placement cannot be known.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static PLACEMENT_MISSING_TARGET = {
        code: "PL104",
        name: "placement-missing-target",
        severity: Error,
        fix: FixAvailability::None,
        summary: "`placement` has neither a mode nor a target, or `mode = \"targeted\"` has no target",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for site in ctx.placements {
        let shape = site.shape();
        if !matches!(shape, Shape::Hint(_) | Shape::ModeOnly(_)) {
            continue;
        }
        let suffix = site.environments_suffix();
        match site.field("mode") {
            None => {
                let what = if matches!(shape, Shape::Hint(_)) {
                    "only a `hint`"
                } else {
                    "no `mode` and no target"
                };
                let message = format!(
                    "`{}` has {what}{suffix}: wrangler rejects it (`mode` is required unless \
                     `region`, `host` or `hostname` is set)",
                    site.scope.path("placement")
                );
                sink.report(site.entry.key_span, message)
                    .with_help(
                        "add `mode = \"smart\"` for Smart Placement, or a target such as \
                         `region = \"aws:us-east-1\"` for explicit placement",
                    )
                    .with_environments(&site.environments);
            }
            Some(mode)
                if matches!(shape, Shape::ModeOnly(_))
                    && mode.value.as_str() == Some("targeted") =>
            {
                let message = format!(
                    "`{}` is \"targeted\" but no target is set{suffix}: wrangler requires one of \
                     `region`, `host` or `hostname`",
                    site.path("mode")
                );
                sink.report(mode.value.span, message)
                    .with_help(
                        "add `region = \"aws:us-east-1\"` (a cloud region), `host = \
                         \"db.example.com:5432\"` (probed over TCP) or `hostname = \
                         \"api.example.com\"` (probed over HTTP)",
                    )
                    .with_environments(&site.environments);
            }
            Some(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_in_toml() {
        assert_rule(
            "PL104",
            Format::Toml,
            r#"[placement]
 ^^^^^^^^^ PL104
mde = "smart"
[env.a.placement]
mode = "targeted"
       ^^^^^^^^^^ PL104
[env.b]
placement = { hint = "x" }
^^^^^^^^^ PL104
"#,
        );
    }

    #[test]
    fn fires_in_jsonc() {
        assert_rule(
            "PL104",
            Format::Json,
            r#"{ "placement": {}, "env": { "a": { "placement": { "mode": "targeted" } } } }
  ^^^^^^^^^^^ PL104
                                                          ^^^^^^^^^^ PL104
"#,
        );
    }

    #[test]
    fn complete_placements_do_not_fire() {
        assert_rule(
            "PL104",
            Format::Toml,
            r#"[placement]
mode = "targeted"
region = "aws:us-east-1"
[env.a.placement]
mode = "off"
"#,
        );
        assert_rule(
            "PL104",
            Format::Json,
            r#"{ "placement": { "hostname": "api.example.com" } }"#,
        );
    }
}
