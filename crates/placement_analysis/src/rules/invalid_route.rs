use crate::context::{Context, Sink};
use crate::routes::{route_location, written_routes};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;
use crate::syntax::{NodeKind, Table};

declare_rule! {
    /// ## What it does
    /// Reports a route wrangler refuses: a route object without `zone_id`, `zone_name` or
    /// `custom_domain`, without a string `pattern`, with both `zone_id` and `zone_name`, with
    /// `enabled` or `previews_enabled` but no `custom_domain`, with a field of the wrong type
    /// or a field routes do not have; and an empty string in `routes`. In `route` and
    /// `routes`, at the top level and in every `[env.NAME]`.
    ///
    /// ## Why is this bad?
    /// wrangler accepts a route only as a pattern string or as an object of exactly the shape
    /// `{ pattern, custom_domain, zone_id | zone_name, enabled, previews_enabled }`, and
    /// refuses the whole config otherwise (`Expected "routes" to be an array of either strings
    /// or objects with the shape ...`): nothing deploys. A zone is how Cloudflare finds where
    /// the pattern lives, so a route object must name one, or be a Custom Domain.
    ///
    /// ## Example
    /// ```toml
    /// routes = [
    ///   { pattern = "shop.example.com/*" },
    ///   { pattern = "api.example.com/*", zone_name = "example.com", zone_id = "f1e2..." },
    /// ]
    /// ```
    /// ```jsonc
    /// { "routes": [{ "pattern": "shop.example.com/*", "enabled": true }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// routes = [
    ///   { pattern = "shop.example.com/*", zone_name = "example.com" },
    ///   { pattern = "api.example.com", custom_domain = true },
    /// ]
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which zone the route belongs to is yours to say.
    ///
    /// ## References
    /// - [Routes](https://developers.cloudflare.com/workers/wrangler/configuration/#types-of-routes)
    pub static INVALID_ROUTE = {
        code: "PL311",
        name: "invalid-route",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A route wrangler refuses: an object without a zone or custom domain, a wrong or unknown field, an empty pattern",
    }
}

/// The fields of a route object besides `pattern`, with the type wrangler requires.
const ROUTE_FIELDS: &[(&str, &str)] = &[
    ("zone_id", "string"),
    ("zone_name", "string"),
    ("custom_domain", "boolean"),
    ("enabled", "boolean"),
    ("previews_enabled", "boolean"),
];

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        for route in written_routes(scope) {
            let problems = match &route.node.kind {
                // `route = ""` is ignored with a warning (PL313); in `routes` it is refused.
                NodeKind::String(pattern) if pattern.is_empty() && route.key == "routes" => {
                    vec![(route.node.span, "an empty pattern".to_owned())]
                }
                NodeKind::Table(table) => {
                    object_problems(table, route_location(route.node, ctx.lines()))
                }
                // Other types are PL004's.
                _ => Vec::new(),
            };
            if problems.is_empty() {
                continue;
            }
            let environments = ctx.model.environments_using(scope, route.key);
            let path = route.path(scope);
            for (span, problem) in problems {
                sink.report(
                    span,
                    format!(
                        "wrangler refuses the route `{path}`{}: {problem}",
                        scope.inherited_suffix(&environments)
                    ),
                )
                .with_help(
                    "a route is a pattern string, or `{ pattern, zone_name | zone_id }`, or `{ \
                     pattern, custom_domain = true }` (optionally with `enabled` and \
                     `previews_enabled`)",
                )
                .with_environments(&environments);
            }
        }
    }
}

/// Why wrangler's `isValidRouteValue` refuses a route object, each at its place.
fn object_problems(table: &Table, at: Span) -> Vec<(Span, String)> {
    let mut problems = Vec::new();
    match table.get("pattern") {
        None => problems.push((at, "it has no `pattern`".to_owned())),
        Some(pattern) if pattern.value.as_str().is_none() => problems.push((
            pattern.value.span,
            format!(
                "`pattern` must be a string, not {}",
                pattern.value.describe()
            ),
        )),
        Some(_) => {}
    }
    let present = |name: &str| {
        table.get(name).is_some_and(|field| {
            let wanted = ROUTE_FIELDS
                .iter()
                .find(|(known, _)| *known == name)
                .map(|(_, wanted)| *wanted);
            field.value.type_name() == wanted.unwrap_or_default()
        })
    };
    let zone_id = present("zone_id");
    let zone_name = present("zone_name");
    let custom_domain = present("custom_domain");
    for field in table.entries() {
        let name = field.key.as_str();
        if name == "pattern" {
            continue;
        }
        match ROUTE_FIELDS.iter().find(|(known, _)| *known == name) {
            None => problems.push((
                field.key_span,
                format!(
                    "`{name}` is not a route field (a route object has only `pattern`, \
                     `zone_id`, `zone_name`, `custom_domain`, `enabled` and `previews_enabled`)"
                ),
            )),
            Some((_, wanted)) if field.value.type_name() != *wanted => problems.push((
                field.value.span,
                format!(
                    "`{name}` must be a {wanted}, not {}",
                    field.value.describe()
                ),
            )),
            Some(_) => {}
        }
    }
    if zone_id && zone_name {
        let second = table
            .entries()
            .iter()
            .rfind(|field| field.key == "zone_id" || field.key == "zone_name")
            .map_or(at, |field| field.key_span);
        problems.push((
            second,
            "it sets both `zone_id` and `zone_name`; name the zone one way".to_owned(),
        ));
    }
    if !custom_domain {
        for name in ["enabled", "previews_enabled"] {
            if let Some(field) = table.get(name).filter(|_| present(name)) {
                problems.push((
                    field.key_span,
                    format!(
                        "`{name}` applies to Custom Domains only, and it has no `custom_domain`"
                    ),
                ));
            }
        }
    }
    let names_a_zone = ["zone_id", "zone_name", "custom_domain"]
        .iter()
        .any(|name| table.get(name).is_some());
    if !names_a_zone {
        problems.push((
            at,
            "it names no zone: add `zone_name` (or `zone_id`), or `custom_domain = true`"
                .to_owned(),
        ));
    }
    problems
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_route_objects_wrangler_refuses_in_toml() {
        let diagnostics = assert_rule(
            "PL311",
            Format::Toml,
            r#"routes = [
  "shop.example.com/*",
  { pattern = "a.example.com/*", zone_name = "example.com" },
  { pattern = "b.example.com/*" },
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL311: wrangler refuses the route `routes[2]` (inherited by environment `staging`): it names no zone
  { pattern = "c.example.com/*", zone_name = "example.com", zone_id = "abc" },
                                                            ^^^^^^^ PL311: both `zone_id` and `zone_name`
  { pattern = "d.example.com", enabled = true, zone_name = "example.com" },
                               ^^^^^^^ PL311: `enabled` applies to Custom Domains only
  { pattern = "e.example.com", custom_domain = true, zone = "x" },
                                                     ^^^^ PL311: `zone` is not a route field
  { pattern = "f.example.com", custom_domain = "yes" },
                                               ^^^^^ PL311: `custom_domain` must be a boolean, not "yes"
  { zone_name = "example.com" },
  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL311: it has no `pattern`
  "",
  ^^ PL311: an empty pattern
]
[env.staging]
name = "s"
[env.production]
route = { pattern = "p.example.com/*", custom_domain = false }
[[env.production.routes]]
^^^^^^^^^^^^^^^^^^^^^^^^^ PL311: wrangler refuses the route `env.production.routes[0]`: it names no zone
pattern = "q.example.com/*"
"#,
        );
        assert_eq!(diagnostics[0].environments, ["staging"]);
    }

    #[test]
    fn fires_in_jsonc_at_the_pattern_of_a_long_object() {
        assert_rule(
            "PL311",
            Format::Json,
            r#"{
  "route": {
    "pattern": "shop.example.com/*",
    ^^^^^^^^^ PL311: wrangler refuses the route `route` (inherited by environment `x`): it names no zone
    "enabled": true
    ^^^^^^^^^ PL311: `enabled` applies to Custom Domains only
  },
  "env": { "x": { "routes": [{ "pattern": "x.example.com", "custom_domain": true, "enabled": false }] } }
}"#,
        );
    }

    #[test]
    fn valid_routes_and_other_types_do_not_fire() {
        assert_rule(
            "PL311",
            Format::Toml,
            r#"route = ""
routes = [
  "example.com/*",
  { pattern = "a.example.com/*", zone_id = "abc" },
  { pattern = "b.example.com", custom_domain = true, enabled = false, previews_enabled = true },
  { pattern = "c.example.com", custom_domain = false },
  3,
]
"#,
        );
    }
}
