use crate::context::{Context, Sink};
use crate::diagnostic::Applicability;
use crate::placement::Shape;
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `placement.hint` next to `mode = "smart"`.
    ///
    /// ## Why is this bad?
    /// `hint` was added in wrangler 3.77.0 and never publicly documented; Cloudflare's placement
    /// reference now marks it removed and lists only `mode`, `region`, `host` and `hostname`.
    /// wrangler still uploads it, but nothing promises it steers Smart Placement, so a config that
    /// relies on it may place the Worker differently from what its author expects. Since 2026,
    /// "Placement Hints" means explicit placement: `region`, `host` or `hostname`.
    ///
    /// ## Example
    /// ```toml
    /// [placement]
    /// mode = "smart"
    /// hint = "wnam"
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": "smart", "hint": "wnam" } }
    /// ```
    ///
    /// ## Use instead
    /// Smart Placement alone, or explicit placement near the back end:
    /// ```toml
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "placement": { "region": "aws:us-west-2" } }
    /// ```
    ///
    /// ## Fix safety
    /// Removing `hint` is safe: Smart Placement chooses the location by measuring request
    /// duration either way.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Changelog: New Placement Hints for Workers (2026-01-22)](https://developers.cloudflare.com/changelog/)
    pub static PLACEMENT_HINT_REMOVED = {
        code: "PL101",
        name: "placement-hint-removed",
        severity: Warning,
        fix: FixAvailability::Always(Applicability::Safe),
        summary: "`placement.hint` is a legacy field that Cloudflare marks removed",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for site in ctx.placements {
        // With mode "smart" only: every other combination is an error (PL102/PL104).
        let (Shape::Hint(table), Some("smart")) = (site.shape(), site.mode()) else {
            continue;
        };
        let Some(index) = table
            .entries()
            .iter()
            .rposition(|entry| entry.key == "hint")
        else {
            continue;
        };
        let hint = &table.entries()[index];
        let message = format!(
            "`{}` is a legacy field that Cloudflare's placement docs mark removed{}: Smart \
             Placement decides by measured request duration, and this hint is not documented to \
             steer it",
            site.path("hint"),
            site.environments_suffix()
        );
        sink.report(hint.key_span, message)
            .with_help(
                "remove `hint`; to run near a known back end, use explicit placement instead: \
                 `region = \"aws:us-east-1\"`, `host = \"db.example.com:5432\"` or \
                 `hostname = \"api.example.com\"` (without `mode = \"smart\"`)",
            )
            .with_environments(&site.environments)
            .with_fix(ctx.remove_entry_fix(table, index, Applicability::Safe));
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_in_toml_at_top_level_and_in_environments() {
        let diagnostics = assert_rule(
            "PL101",
            Format::Toml,
            r#"[placement]
mode = "smart"
hint = "wnam"
^^^^ PL101: `placement.hint` is a legacy field that Cloudflare's placement docs mark removed (inherited by environment `staging`)
[env.staging]
name = "s"
[env.production]
placement = { mode = "smart", hint = "enam" }
                              ^^^^ PL101: `env.production.placement.hint` is a legacy field
"#,
        );
        // The top-level hint is one diagnostic, naming the environment that inherits it.
        assert_eq!(diagnostics[0].environments, ["staging"]);
        assert_eq!(diagnostics[1].environments, ["production"]);
    }

    #[test]
    fn fires_in_jsonc() {
        assert_rule(
            "PL101",
            Format::Json,
            r#"{
  "placement": { "mode": "smart", "hint": "wnam" },
                                  ^^^^^^ PL101
  "env": { "a": { "placement": { "mode": "smart", "hint": "x" } } }
                                                  ^^^^^^ PL101
}"#,
        );
    }

    #[test]
    fn does_not_fire_without_hint_or_on_errors() {
        assert_rule(
            "PL101",
            Format::Toml,
            r#"[placement]
mode = "smart"
"#,
        );
        assert_rule(
            "PL101",
            Format::Toml,
            r#"[placement]
mode = "off"
hint = "x"
"#,
        );
        assert_rule(
            "PL101",
            Format::Json,
            r#"{ "placement": { "hint": "x", "region": "aws:us-east-1" } }"#,
        );
    }

    #[test]
    fn fix_removes_the_hint() {
        assert_eq!(
            apply_fix(
                "PL101",
                Format::Toml,
                r#"[placement]
mode = "smart"
hint = "wnam" # from the old docs

[vars]
"#
            ),
            r#"[placement]
mode = "smart"

[vars]
"#
        );
        assert_eq!(
            apply_fix(
                "PL101",
                Format::Json,
                r#"{
  "placement": {
    "mode": "smart",
    "hint": "wnam"
  }
}
"#
            ),
            r#"{
  "placement": {
    "mode": "smart",
  }
}
"#
        );
    }
}
