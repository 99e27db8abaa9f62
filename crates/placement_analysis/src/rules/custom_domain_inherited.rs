use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Fix, Related};
use crate::env_edits::{
    JsonProperty, Sections, add_lines_to_toml_table, add_to_json_object, environment_path,
};
use crate::routes::{is_custom_domain, pattern};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Format, TableStyle};
use crate::wording::first_names;

declare_rule! {
    /// ## What it does
    /// Reports an `[env.NAME]` without its own `routes` when the top-level `routes` hold a
    /// Custom Domain (`custom_domain = true`).
    ///
    /// ## Why is this bad?
    /// `routes` is inherited, and a Custom Domain belongs to one Worker at a time: deploying
    /// the environment reassigns the domain from the top-level Worker to the environment's
    /// Worker, so production traffic lands on staging. wrangler warns (`The "env.staging"
    /// environment inherits the top-level routes configuration, which includes the custom
    /// domain(s) ...`) only when that environment is deployed.
    ///
    /// ## Example
    /// ```toml
    /// routes = [{ pattern = "shop.example.com", custom_domain = true }]
    ///
    /// [env.staging]
    /// name = "shop-staging"
    /// ```
    /// ```jsonc
    /// {
    ///   "routes": [{ "pattern": "shop.example.com", "custom_domain": true }],
    ///   "env": { "staging": { "name": "shop-staging" } }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// routes = [{ pattern = "shop.example.com", custom_domain = true }]
    ///
    /// [env.staging]
    /// name = "shop-staging"
    /// routes = [{ pattern = "staging.shop.example.com", custom_domain = true }]
    /// ```
    ///
    /// ## Fix safety
    /// Adding `routes = []` to the environment is unsafe: it then deploys without routes
    /// (reachable on `workers.dev` only, if enabled), which is what keeps the domain where it
    /// is, but you may want routes of its own.
    ///
    /// ## References
    /// - [Custom Domains](https://developers.cloudflare.com/workers/configuration/routing/custom-domains/)
    /// - [Environments](https://developers.cloudflare.com/workers/wrangler/environments/)
    pub static CUSTOM_DOMAIN_INHERITED = {
        code: "PL314",
        name: "custom-domain-inherited",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "An environment inherits top-level routes holding a Custom Domain, which deploying it takes over",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let root = ctx.model.root;
    let Some(routes) = root.get("routes") else {
        return;
    };
    let domains: Vec<&str> = routes
        .value
        .as_array()
        .unwrap_or_default()
        .iter()
        .filter(|route| is_custom_domain(route))
        .filter_map(pattern)
        .collect();
    let Some(environments) = root.get_table("env").filter(|_| !domains.is_empty()) else {
        return;
    };
    let sections = Sections::new(ctx.source(), root);
    let source = ctx.source();
    let listed = first_names(&domains, |more| format!(" and {more} more"));
    for (_, env) in environments.kept_entries() {
        let Some(table) = env.value.as_table() else {
            continue;
        };
        if table.get("routes").is_some() {
            continue;
        }
        let name = &env.key;
        let at = match table.style {
            TableStyle::Header | TableStyle::Implicit => env.value.span,
            _ => env.key_span,
        };
        let edits = match ctx.format() {
            Format::Toml => add_lines_to_toml_table(
                &sections,
                env,
                &environment_path(name),
                &["routes = []".to_owned()],
            ),
            Format::Json => add_to_json_object(
                &source,
                env,
                &[JsonProperty {
                    key: "routes",
                    value: "[]",
                    indent: None,
                }],
            ),
        };
        let diagnostic = sink
            .report(
                at,
                format!(
                    "`env.{name}` inherits the top-level `routes`, which hold the Custom Domain \
                     {listed}: deploying environment `{name}` takes the domain away from the \
                     top-level Worker"
                ),
            )
            .with_help(format!(
                "give `env.{name}` routes of its own, or `routes = []` for none"
            ))
            .with_environments(std::slice::from_ref(name))
            .with_related([Related {
                file: ctx.path.to_path_buf(),
                span: routes.key_span,
                message: "the top-level `routes`".to_owned(),
            }]);
        if let Some(edits) = edits {
            diagnostic.with_fix(Fix::new(
                format!("Add `routes = []` to `env.{name}`"),
                Applicability::Unsafe,
                edits,
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_for_environments_without_routes() {
        assert_rule(
            "PL314",
            Format::Toml,
            r#"routes = [
  "example.com/*",
  { pattern = "shop.example.com", custom_domain = true },
]
[env.staging]
^^^^^^^^^^^^^ PL314: `env.staging` inherits the top-level `routes`, which hold the Custom Domain `shop.example.com`
name = "s"
[env.production]
routes = []
"#,
        );
        assert_rule(
            "PL314",
            Format::Json,
            r#"{ "routes": [{ "pattern": "a.example.com/*", "zone_name": "example.com" }], "env": { "x": {} } }"#,
        );
    }

    #[test]
    fn fix_adds_empty_routes() {
        assert_eq!(
            apply_fix(
                "PL314",
                Format::Toml,
                "routes = [{ pattern = \"a.com\", custom_domain = true }]\n\n[env.staging]\nname = \"s\"\n\n[env.staging.vars]\nA = \"1\"\n"
            ),
            "routes = [{ pattern = \"a.com\", custom_domain = true }]\n\n[env.staging]\nname = \"s\"\nroutes = []\n\n[env.staging.vars]\nA = \"1\"\n"
        );
        assert_eq!(
            apply_fix(
                "PL314",
                Format::Json,
                "{\n  \"routes\": [{ \"pattern\": \"a.com\", \"custom_domain\": true }],\n  \"env\": {\n    \"staging\": {\n      \"name\": \"s\"\n    }\n  }\n}\n"
            ),
            "{\n  \"routes\": [{ \"pattern\": \"a.com\", \"custom_domain\": true }],\n  \"env\": {\n    \"staging\": {\n      \"name\": \"s\",\n      \"routes\": []\n    }\n  }\n}\n"
        );
    }
}
