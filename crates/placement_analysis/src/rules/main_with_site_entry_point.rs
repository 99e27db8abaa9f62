use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Related};
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Node, NodeKind};
use crate::wording::{Reach, environments_suffix};

declare_rule! {
    /// ## What it does
    /// Reports `site.entry-point` when `main` is set too: at the top level, or in an
    /// `[env.NAME]` (the entry point of `site` applies to every environment).
    ///
    /// ## Why is this bad?
    /// Both name the Worker's entry point. wrangler refuses the config (`Don't define both the
    /// main and site.entry-point fields in your configuration`), for each environment whose
    /// `main` (own or inherited) is set.
    ///
    /// ## Example
    /// ```toml
    /// main = "src/index.ts"
    ///
    /// [site]
    /// bucket = "./public"
    /// entry-point = "workers-site"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "site": { "bucket": "./public", "entry-point": "workers-site" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// main = "src/index.ts"
    ///
    /// [site]
    /// bucket = "./public"
    /// ```
    ///
    /// ## Fix safety
    /// Removing the deprecated `site.entry-point`, as wrangler asks, is unsafe: where the top
    /// level has no `main`, it was the top level's entry point.
    ///
    /// ## References
    /// - [Workers Sites configuration](https://developers.cloudflare.com/workers/wrangler/configuration/#workers-sites)
    pub static MAIN_WITH_SITE_ENTRY_POINT = {
        code: "PL319",
        name: "main-with-site-entry-point",
        severity: Error,
        fix: FixAvailability::Always(Applicability::Unsafe),
        summary: "`main` together with `site.entry-point`, which wrangler refuses",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(site) = ctx.model.root.get_table("site") else {
        return;
    };
    let Some(index) = site.entries().iter().rposition(|e| e.key == "entry-point") else {
        return;
    };
    let entry_point = &site.entries()[index];
    if !is_truthy(&entry_point.value) {
        return;
    }
    // Every deployed environment whose `main`, own or inherited, is set.
    let mut top_level = None;
    let mut environments = Vec::new();
    for deployment in ctx.deployments {
        let Some(main) = deployment.main.filter(|main| is_truthy(&main.value)) else {
            continue;
        };
        match &deployment.scope.kind {
            ScopeKind::TopLevel => top_level = Some(main),
            ScopeKind::Env(name) => environments.push(name.clone()),
            ScopeKind::Previews => {}
        }
    }
    if top_level.is_none() && environments.is_empty() {
        return;
    }
    let affected = match (top_level.is_some(), environments.is_empty()) {
        (true, true) => String::new(),
        (true, false) => environments_suffix(&environments, Reach::TopLevelAnd),
        (false, _) => environments_suffix(&environments, Reach::In),
    };
    let diagnostic = sink
        .report(
            entry_point.key_span,
            format!(
                "`site.entry-point` and `main` both name the entry point{affected}: wrangler \
                 refuses the config"
            ),
        )
        .with_help("delete the deprecated `site.entry-point`; `main` names the entry point")
        .with_environments(&environments)
        .with_fix(ctx.remove_entry_fix(site, index, Applicability::Unsafe));
    if let Some(main) = top_level {
        diagnostic.with_related([Related {
            file: ctx.path.to_path_buf(),
            span: main.key_span,
            message: "`main` is set here".to_owned(),
        }]);
    }
}

/// Whether JavaScript would call the value true (wrangler tests `main && site["entry-point"]`).
fn is_truthy(node: &Node) -> bool {
    match &node.kind {
        NodeKind::String(text) => !text.is_empty(),
        NodeKind::Bool(value) => *value,
        NodeKind::Null => false,
        NodeKind::Number(written) => written
            .replace('_', "")
            .parse::<f64>()
            .map_or(true, |value| value != 0.0 && !value.is_nan()),
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_with_main_at_the_top_level_or_in_an_environment() {
        assert_rule(
            "PL319",
            Format::Toml,
            r#"main = "src/index.ts"
[site]
bucket = "./public"
entry-point = "workers-site"
^^^^^^^^^^^ PL319: `site.entry-point` and `main` both name the entry point: wrangler refuses the config
"#,
        );
        let diagnostics = assert_rule(
            "PL319",
            Format::Json,
            r#"{
  "site": { "bucket": "./public", "entry-point": "workers-site" },
                                  ^^^^^^^^^^^^^ PL319: both name the entry point (in environment `x`)
  "env": { "x": { "main": "src/x.ts" }, "y": {} }
}"#,
        );
        assert_eq!(diagnostics[0].environments, ["x"]);
        assert_rule(
            "PL319",
            Format::Toml,
            "[site]\nbucket = \"p\"\nentry-point = \"w\"\n[env.a]\nname = \"a\"\n",
        );
    }

    #[test]
    fn fix_removes_the_entry_point() {
        assert_eq!(
            apply_fix(
                "PL319",
                Format::Toml,
                "main = \"a.js\"\n[site]\nbucket = \"p\"\nentry-point = \"w\"\n"
            ),
            "main = \"a.js\"\n[site]\nbucket = \"p\"\n"
        );
    }
}
