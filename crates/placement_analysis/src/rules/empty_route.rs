use crate::context::{Context, Sink};
use crate::diagnostic::Applicability;
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports `route = ""` at the top level or in an `[env.NAME]`.
    ///
    /// ## Why is this bad?
    /// wrangler ignores an empty `route` with a warning (`The "route" field in your
    /// configuration is an empty string and will be ignored`), so the line only looks like it
    /// sets a route. In an environment it also does not stop the top-level `route` from being
    /// inherited.
    ///
    /// ## Example
    /// ```toml
    /// route = ""
    /// ```
    /// ```jsonc
    /// { "route": "" }
    /// ```
    ///
    /// ## Use instead
    /// Remove the line, or write the pattern:
    /// ```toml
    /// route = "shop.example.com/*"
    /// ```
    ///
    /// ## Fix safety
    /// Removing it is safe: wrangler ignores it already.
    ///
    /// ## References
    /// - [Routes](https://developers.cloudflare.com/workers/wrangler/configuration/#types-of-routes)
    pub static EMPTY_ROUTE = {
        code: "PL313",
        name: "empty-route",
        severity: Warning,
        fix: FixAvailability::Always(Applicability::Safe),
        summary: "`route = \"\"`, which wrangler ignores",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        if scope.kind == ScopeKind::Previews {
            continue;
        }
        let Some(index) = scope.table.entries().iter().rposition(|e| e.key == "route") else {
            continue;
        };
        let route = &scope.table.entries()[index];
        if route.value.as_str() != Some("") {
            continue;
        }
        let environments: Vec<String> =
            scope.environment().map(str::to_owned).into_iter().collect();
        sink.report(
            route.value.span,
            format!(
                "`{}` is an empty string: wrangler ignores it",
                scope.path("route")
            ),
        )
        .with_help("remove it, or write the route's pattern")
        .with_environments(&environments)
        .with_fix(ctx.remove_entry_fix(scope.table, index, Applicability::Safe));
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_empty_routes_only() {
        assert_rule(
            "PL313",
            Format::Toml,
            r#"route = ""
        ^^ PL313: `route` is an empty string: wrangler ignores it
[env.a]
route = "a.example.com/*"
[env.b]
route = ''
        ^^ PL313: `env.b.route`
"#,
        );
        assert_rule(
            "PL313",
            Format::Json,
            r#"{ "routes": [""], "route": "x/*" }"#,
        );
    }

    #[test]
    fn fix_removes_it() {
        assert_eq!(
            apply_fix(
                "PL313",
                Format::Json,
                "{\n  \"name\": \"w\",\n  \"route\": \"\"\n}\n"
            ),
            "{\n  \"name\": \"w\",\n}\n"
        );
        assert_eq!(
            apply_fix("PL313", Format::Toml, "name = \"w\"\nroute = \"\"\n"),
            "name = \"w\"\n"
        );
    }
}
