use crate::context::{Context, Sink};
use crate::diagnostic::Applicability;
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports more than one of `region`, `host` and `hostname` in one `placement`, at each target
    /// after the first.
    ///
    /// ## Why is this bad?
    /// Explicit placement runs the Worker near exactly one back end. wrangler rejects the config:
    /// `"placement" fields "region", "host" are mutually exclusive. Only one can be specified.`
    ///
    /// ## Example
    /// ```toml
    /// [placement]
    /// region = "aws:us-east-1"
    /// host = "db.example.com:5432"
    /// ```
    /// ```jsonc
    /// { "placement": { "host": "db.example.com:5432", "hostname": "api.example.com" } }
    /// ```
    ///
    /// ## Use instead
    /// Keep the one your Worker talks to most (a database it queries several times per request is
    /// usually the one that matters):
    /// ```toml
    /// [placement]
    /// host = "db.example.com:5432"
    /// ```
    ///
    /// ## Fix safety
    /// Removing the later target is unsafe: it decides where the Worker runs.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static PLACEMENT_MULTIPLE_TARGETS = {
        code: "PL105",
        name: "placement-multiple-targets",
        severity: Error,
        fix: FixAvailability::Always(Applicability::Unsafe),
        summary: "More than one of `region`, `host`, `hostname`",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for site in ctx.placements {
        let Some(table) = site.table() else {
            continue;
        };
        let targets = site.targets();
        let Some((first, extra)) = targets.split_first() else {
            continue;
        };
        // The targets after the first, with their place in the table (for the fix).
        let extra = table
            .entries()
            .iter()
            .enumerate()
            .filter(|(_, entry)| extra.iter().any(|target| std::ptr::eq(*target, *entry)));
        for (index, target) in extra {
            let message = format!(
                "`{}` and `{}` are both set{}: explicit placement takes exactly one target, and \
                 wrangler rejects the config",
                site.path(&first.key),
                target.key,
                site.environments_suffix()
            );
            sink.report(target.key_span, message)
                .with_help(format!(
                    "keep the back end the Worker makes the most round trips to: remove `{}` or `{}`",
                    target.key, first.key
                ))
                .with_environments(&site.environments)
                .with_fix(ctx.remove_entry_fix(table, index, Applicability::Unsafe));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_at_every_target_after_the_first_in_toml() {
        assert_rule(
            "PL105",
            Format::Toml,
            r#"[placement]
region = "aws:us-east-1"
host = "db.example.com:5432"
^^^^ PL105
hostname = "api.example.com"
^^^^^^^^ PL105
[env.a]
placement = { host = "db:5432", region = "aws:us-east-1" }
                                ^^^^^^ PL105
"#,
        );
    }

    #[test]
    fn fires_at_every_target_after_the_first_in_jsonc() {
        assert_rule(
            "PL105",
            Format::Json,
            r#"{ "env": { "a": { "placement": { "host": "db:5432", "hostname": "api.example.com" } } } }
                                                    ^^^^^^^^^^ PL105
"#,
        );
    }

    #[test]
    fn one_target_does_not_fire() {
        assert_rule(
            "PL105",
            Format::Toml,
            r#"[placement]
hostname = "api.example.com"
"#,
        );
        assert_rule(
            "PL105",
            Format::Json,
            r#"{ "placement": { "mode": "targeted", "region": "gcp:us-east4" } }"#,
        );
    }

    #[test]
    fn fix_removes_the_later_target() {
        assert_eq!(
            apply_fix(
                "PL105",
                Format::Toml,
                r#"[placement]
region = "aws:us-east-1"
host = "db.example.com:5432"
"#
            ),
            r#"[placement]
region = "aws:us-east-1"
"#
        );
        assert_eq!(
            apply_fix(
                "PL105",
                Format::Json,
                r#"{ "placement": { "host": "db:5432", "hostname": "api.example.com" } }"#
            ),
            r#"{ "placement": { "host": "db:5432" } }"#
        );
    }
}
