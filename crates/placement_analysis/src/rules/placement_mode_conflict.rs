use crate::context::{Context, Sink};
use crate::diagnostic::Applicability;
use crate::placement::{PlacementSite, Shape};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::Table;

declare_rule! {
    /// ## What it does
    /// Reports placement fields that wrangler refuses to combine: a `mode` other than `targeted`
    /// together with `region`, `host` or `hostname`; `hint` together with any of them; and `hint`
    /// with a `mode` other than `smart`.
    ///
    /// ## Why is this bad?
    /// Smart Placement (`mode = "smart"`) chooses the location itself, explicit placement names
    /// it; a config cannot ask for both. wrangler rejects it at deploy time, for example
    /// `Expected "placement.mode" field to be one of ["targeted"] but got "smart".`
    ///
    /// ## Example
    /// ```toml
    /// [placement]
    /// mode = "smart"
    /// region = "aws:us-east-1"
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": "off", "hint": "wnam" } }
    /// ```
    ///
    /// ## Use instead
    /// Either Smart Placement or explicit placement:
    /// ```toml
    /// [placement]
    /// region = "aws:us-east-1"
    /// ```
    ///
    /// ## Fix safety
    /// Removing the conflicting `mode` (or `hint`) is unsafe: it decides which placement you get.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    pub static PLACEMENT_MODE_CONFLICT = {
        code: "PL102",
        name: "placement-mode-conflict",
        severity: Error,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "Placement fields that cannot be combined (smart/off mode with a target, hint with a target or a non-smart mode)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for site in ctx.placements {
        match site.shape() {
            Shape::HintWithTargets(table) => {
                let targets = site
                    .targets()
                    .iter()
                    .map(|entry| format!("`{}`", entry.key))
                    .collect::<Vec<_>>()
                    .join(", ");
                let message = format!(
                    "`{}` cannot be combined with {targets}{}: `hint` belongs to the legacy Smart \
                     Placement format and the target to explicit placement, and wrangler rejects \
                     the mix",
                    site.path("hint"),
                    site.environments_suffix()
                );
                report_removing(
                    ctx,
                    sink,
                    site,
                    table,
                    "hint",
                    message,
                    "remove `hint`: the target alone places the Worker",
                );
            }
            Shape::Hint(table) => {
                let Some(mode) = site.mode() else { continue };
                // An empty hint passes wrangler with mode "off"; "targeted" never takes a hint.
                let hint_set = site
                    .field("hint")
                    .is_some_and(|hint| hint.value.as_str() != Some(""));
                let conflict = match mode {
                    "targeted" => true,
                    "off" => hint_set,
                    _ => false,
                };
                if conflict {
                    let message = format!(
                        "`{}` can only be set when `mode` is \"smart\", but it is \"{mode}\"{}: \
                         wrangler rejects the config",
                        site.path("hint"),
                        site.environments_suffix()
                    );
                    let help = if mode == "targeted" {
                        "remove `hint` and name the target: `region`, `host` or `hostname`"
                    } else {
                        "remove `hint`: with `mode = \"off\"` the Worker runs near the user anyway"
                    };
                    report_removing(ctx, sink, site, table, "hint", message, help);
                }
            }
            Shape::Targeted(table) => {
                let Some(mode) = site.mode() else { continue };
                if mode != "off" && mode != "smart" {
                    continue; // "targeted" is right; anything else is PL103's.
                }
                let target = site.targets()[0];
                let message = format!(
                    "`{}` is \"{mode}\" but `{}` is set{}: explicit placement needs `mode = \
                     \"targeted\"` or no `mode`, and wrangler rejects the config",
                    site.path("mode"),
                    target.key,
                    site.environments_suffix()
                );
                let help = if mode == "smart" {
                    format!(
                        "choose one: remove `mode` to place the Worker near `{}`, or remove `{}` \
                         to let Smart Placement choose",
                        target.key, target.key
                    )
                } else {
                    format!(
                        "choose one: remove `mode` to place the Worker near `{}`, or remove `{}` \
                         to keep the default placement",
                        target.key, target.key
                    )
                };
                report_removing(ctx, sink, site, table, "mode", message, &help);
            }
            Shape::NotTable | Shape::ModeOnly(_) => {}
        }
    }
}

/// Reports at `key` (its key for `hint`, its value for `mode`) with an unsafe fix removing it.
fn report_removing(
    ctx: &Context<'_>,
    sink: &mut Sink<'_>,
    site: &PlacementSite<'_>,
    table: &Table,
    key: &str,
    message: String,
    help: &str,
) {
    let Some(index) = table.entries().iter().rposition(|entry| entry.key == key) else {
        return;
    };
    let entry = &table.entries()[index];
    let span = if key == "mode" {
        entry.value.span
    } else {
        entry.key_span
    };
    sink.report(span, message)
        .with_help(help)
        .with_environments(&site.environments)
        .with_fix(ctx.remove_entry_fix(table, index, Applicability::Unsafe));
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_in_toml() {
        assert_rule(
            "PL102",
            Format::Toml,
            r#"[placement]
mode = "smart"
       ^^^^^^^ PL102
region = "aws:us-east-1"
[env.a.placement]
mode = "off"
hint = "wnam"
^^^^ PL102
[env.b]
placement = { hint = "x", host = "db.example.com:5432" }
              ^^^^ PL102
[env.c.placement]
mode = "targeted"
hint = "x"
^^^^ PL102
"#,
        );
    }

    #[test]
    fn fires_in_jsonc() {
        assert_rule(
            "PL102",
            Format::Json,
            r#"{
  "env": { "a": { "placement": { "mode": "off", "hostname": "api.example.com" } } }
                                         ^^^^^ PL102
}"#,
        );
    }

    #[test]
    fn accepted_combinations_do_not_fire() {
        assert_rule(
            "PL102",
            Format::Toml,
            r#"[placement]
mode = "targeted"
region = "aws:us-east-1"
[env.a.placement]
mode = "off"
hint = ""
[env.b.placement]
mode = "smart"
hint = "x"
"#,
        );
        assert_rule(
            "PL102",
            Format::Json,
            r#"{ "placement": { "host": "db.example.com:5432" } }"#,
        );
    }

    #[test]
    fn fix_removes_the_conflicting_field() {
        assert_eq!(
            apply_fix(
                "PL102",
                Format::Toml,
                r#"[placement]
mode = "smart"
region = "aws:us-east-1"
"#
            ),
            r#"[placement]
region = "aws:us-east-1"
"#
        );
        assert_eq!(
            apply_fix(
                "PL102",
                Format::Json,
                r#"{ "placement": { "mode": "off", "hint": "x" } }"#
            ),
            r#"{ "placement": { "mode": "off" } }"#
        );
    }
}
