use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports an empty `region`, `host` or `hostname`.
    ///
    /// ## Why is this bad?
    /// An empty target names no back end. Since wrangler 4.133.0 the deploy is rejected:
    /// `"placement.region" must be a non-empty string.` Templates that leave the value to be
    /// filled in later are the usual cause.
    ///
    /// ## Example
    /// ```toml
    /// [placement]
    /// region = ""
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": "targeted", "hostname": "" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [placement]
    /// region = "aws:us-east-1"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the back end cannot be known.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static PLACEMENT_EMPTY_TARGET = {
        code: "PL106",
        name: "placement-empty-target",
        severity: Error,
        fix: FixAvailability::None,
        summary: "An empty `region`, `host` or `hostname`",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for site in ctx.placements {
        for target in site.targets() {
            if target.value.as_str() != Some("") {
                continue;
            }
            let example = match target.key.as_str() {
                "region" => "\"aws:us-east-1\"",
                "host" => "\"db.example.com:5432\"",
                _ => "\"api.example.com\"",
            };
            let message = format!(
                "`{}` is empty{}: it names no back end to run near, and wrangler rejects the config",
                site.path(&target.key),
                site.environments_suffix()
            );
            sink.report(target.value.span, message)
                .with_help(format!(
                    "fill it in (for example {example}), or remove `{}` to use Smart Placement \
                     (`mode = \"smart\"`) or the default",
                    target.key
                ))
                .with_environments(&site.environments);
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
            "PL106",
            Format::Toml,
            r#"[placement]
region = ""
         ^^ PL106
[env.a.placement]
mode = "targeted"
host = ''
       ^^ PL106
"#,
        );
    }

    #[test]
    fn fires_in_jsonc() {
        assert_rule(
            "PL106",
            Format::Json,
            r#"{ "env": { "a": { "placement": { "hostname": "" } } } }
                                             ^^ PL106
"#,
        );
    }

    #[test]
    fn filled_targets_do_not_fire() {
        assert_rule(
            "PL106",
            Format::Toml,
            r#"[placement]
region = "aws:us-east-1"
"#,
        );
        assert_rule(
            "PL106",
            Format::Json,
            r#"{ "placement": { "mode": "smart", "hint": "" } }"#,
        );
    }
}
