use crate::context::{Context, Sink};
use crate::diagnostic::Applicability;
use crate::rule::{FixAvailability, declare_rule};
use crate::value_sites::{tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports a setting wrangler warns that it ignores, at the top level, in `[previews]` and in
    /// every `[env.NAME]`:
    /// - `account_id = ""`: an empty account id is dropped, as if it were not written;
    /// - `remote = true` on a service binding that also has `dev`: the binding goes through the
    ///   local Miniflare plugin `dev` names, and `remote` does nothing.
    ///
    /// ## Why is this bad?
    /// The config says something that does not happen: a reader expects the account to be
    /// pinned, or the service to be reached remotely in `wrangler dev`. Wrangler prints a
    /// warning on every command.
    ///
    /// ## Example
    /// ```toml
    /// account_id = ""
    ///
    /// [[services]]
    /// binding = "AUTH"
    /// service = "auth"
    /// remote = true
    /// dev = { plugin = { package = "@acme/auth-dev", name = "auth" } }
    /// ```
    /// ```jsonc
    /// { "account_id": "" }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[services]]
    /// binding = "AUTH"
    /// service = "auth"
    /// dev = { plugin = { package = "@acme/auth-dev", name = "auth" } }
    /// ```
    ///
    /// ## Fix safety
    /// Safe: the fix removes the ignored setting, which changes nothing wrangler does.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static IGNORED_SETTING = {
        code: "PL360",
        name: "ignored-setting",
        severity: Warning,
        fix: FixAvailability::Always(Applicability::Safe),
        summary: "A setting wrangler warns it ignores (`account_id = \"\"`, `remote` on a service binding with `dev`)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        if !scope.is_previews()
            && let Some(index) = scope
                .table
                .entries()
                .iter()
                .rposition(|entry| entry.key == "account_id")
            && scope.table.entries()[index].value.as_str() == Some("")
        {
            let entry = &scope.table.entries()[index];
            sink.report(
                entry.value.span,
                format!(
                    "`{}` is an empty string: wrangler ignores it (and warns), as if no account \
                     were set",
                    scope.path("account_id")
                ),
            )
            .with_help("remove it, or write the account id")
            .with_environments(&scope.environments())
            .with_fix(ctx.remove_entry_fix(scope.table, index, Applicability::Safe));
        }
        for site in tables_at(scope.table, &["services", "[]"]) {
            let Some(index) = site
                .table
                .entries()
                .iter()
                .rposition(|entry| entry.key == "remote")
            else {
                continue;
            };
            if site.table.get("dev").is_none()
                || site.table.entries()[index].value.as_bool() != Some(true)
            {
                continue;
            }
            sink.report(
                site.table.entries()[index].key_span,
                format!(
                    "`{}` sets both `dev` and `remote`: wrangler ignores `remote` (and warns), \
                     since `dev` routes the binding through a local Miniflare plugin",
                    site.path(scope, "")
                ),
            )
            .with_help("remove `remote`, or remove `dev` to reach the deployed service")
            .with_environments(&scope.environments())
            .with_fix(ctx.remove_entry_fix(site.table, index, Applicability::Safe));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_empty_account_id_and_remote_with_dev() {
        assert_rule(
            "PL360",
            Format::Toml,
            r#"account_id = ""
             ^^ PL360: `account_id` is an empty string: wrangler ignores it
[[services]]
binding = "AUTH"
service = "auth"
remote = true
^^^^^^ PL360: `services[0]` sets both `dev` and `remote`
dev = { plugin = { package = "@acme/auth-dev", name = "auth" } }
[[services]]
binding = "OTHER"
service = "other"
remote = true
[env.staging]
account_id = ""
             ^^ PL360: `env.staging.account_id`
services = [{ binding = "A", service = "a", remote = false, dev = { plugin = { package = "p", name = "n" } } }]
"#,
        );
    }

    #[test]
    fn removes_the_ignored_setting() {
        assert_eq!(
            apply_fix("PL360", Format::Toml, "name = \"w\"\naccount_id = \"\"\n"),
            "name = \"w\"\n"
        );
        assert_eq!(
            apply_fix(
                "PL360",
                Format::Json,
                "{ \"services\": [{ \"binding\": \"A\", \"service\": \"a\", \"remote\": true, \"dev\": {} }] }\n"
            ),
            "{ \"services\": [{ \"binding\": \"A\", \"service\": \"a\", \"dev\": {} }] }\n"
        );
    }
}
