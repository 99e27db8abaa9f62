use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::project::deployments::{placement_anchor, placement_kind};
use crate::project::package::Version;
use crate::rule::{FixAvailability, declare_rule};

/// The first wrangler that accepts `placement`.
const PLACEMENT_SINCE: Version = Version::new(2, 20, 0);
/// The first wrangler that accepts `region`, `host` and `hostname`.
const TARGETS_SINCE: Version = Version::new(4, 53, 0);

declare_rule! {
    /// ## What it does
    /// Reports a project whose wrangler is too old for the placement its config writes:
    /// older than 2.20.0 with any `placement`, older than 4.53.0 with `region`, `host` or
    /// `hostname`. The version is the installed one (`node_modules/wrangler/package.json`) when
    /// present, otherwise the lowest version the `wrangler` range in `package.json`
    /// (`dependencies` or `devDependencies`) allows: `^2.0.0` counts as 2.0.0. Ranges that name
    /// no version (`latest`, `workspace:*`, a git URL) are not judged.
    ///
    /// ## Why is this bad?
    /// An older wrangler cannot express the config: it rejects or ignores the fields it does not
    /// know, so the Worker deploys without the placement its config promises, or not at all.
    ///
    /// ## Example
    /// `package.json`:
    /// ```json
    /// { "devDependencies": { "wrangler": "^3.60.0" } }
    /// ```
    /// with:
    /// ```toml
    /// main = "src/index.ts"
    /// [placement]
    /// region = "aws:us-east-1"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "placement": { "region": "aws:us-east-1" } }
    /// ```
    ///
    /// ## Use instead
    /// ```json
    /// { "devDependencies": { "wrangler": "^4.53.0" } }
    /// ```
    ///
    /// ## Fix safety
    /// No fix: upgrading wrangler needs a fresh install and a look at its changelog.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [wrangler releases](https://github.com/cloudflare/workers-sdk/releases)
    pub static WRANGLER_TOO_OLD_FOR_PLACEMENT = {
        code: "PL206",
        name: "wrangler-too-old-for-placement",
        severity: Error,
        fix: FixAvailability::None,
        summary: "The project's wrangler is older than the placement in its config needs",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    let Some((lowest, source)) = project.wrangler.lowest() else {
        return;
    };
    // The strongest requirement the config makes, with the placements that make it.
    let needs = |site: &crate::placement::PlacementSite<'_>| {
        if site.targets().is_empty() {
            PLACEMENT_SINCE
        } else {
            TARGETS_SINCE
        }
    };
    let Some(required) = ctx.placements.iter().map(needs).max() else {
        return;
    };
    if lowest >= required {
        return;
    }
    let requiring: Vec<_> = ctx
        .placements
        .iter()
        .filter(|site| needs(site) == required)
        .collect();
    let feature = if required == TARGETS_SINCE {
        placement_kind(requiring[0])
    } else {
        "`placement`".to_owned()
    };
    let mut environments: Vec<String> = Vec::new();
    for site in &requiring {
        let names = site
            .scope
            .environment()
            .map(str::to_owned)
            .into_iter()
            .chain(site.environments.iter().cloned());
        for name in names {
            if !environments.contains(&name) {
                environments.push(name);
            }
        }
    }
    let installed = project
        .wrangler
        .installed
        .as_ref()
        .is_some_and(|installed| std::ptr::eq(installed, source));
    let message = if installed {
        format!(
            "the installed wrangler {} is older than {required}, the first version that \
             supports {feature}, which this project's config uses",
            source.text
        )
    } else {
        format!(
            "the wrangler range `{}` allows wrangler {lowest}, older than {required}, the first \
             version that supports {feature}, which this project's config uses",
            source.text
        )
    };
    let related: Vec<Related> = requiring
        .iter()
        .map(|site| Related {
            file: ctx.path.to_path_buf(),
            span: placement_anchor(site),
            message: format!("needs wrangler {required} or later"),
        })
        .collect();
    sink.report_in(&source.file, source.span, message)
        .with_help(format!(
            "require `^{required}` or later in package.json and reinstall (`npm install -D \
             wrangler@latest`)"
        ))
        .with_environments(&environments)
        .with_related(related);
}

#[cfg(test)]
mod tests {
    use crate::testing::assert_project_rule;

    #[test]
    fn fires_on_ranges_too_old_for_targets_or_placement() {
        let diagnostics = assert_project_rule(
            "PL206",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[placement]
region = "aws:us-east-1"
"#,
                ),
                (
                    "package.json",
                    r#"{ "devDependencies": { "wrangler": "^3.60.0" } }
                                   ^^^^^^^^^ PL206: allows wrangler 3.60.0, older than 4.53.0
"#,
                ),
            ],
        );
        assert_eq!(diagnostics[0].severity, crate::Severity::Error);
        assert_eq!(
            diagnostics[0].related[0].file.to_str(),
            Some("wrangler.toml")
        );
        let diagnostics = assert_project_rule(
            "PL206",
            &[
                (
                    "wrangler.jsonc",
                    r#"{ "main": "a.ts", "env": { "old": { "placement": { "mode": "off" } } } }"#,
                ),
                (
                    "package.json",
                    r#"{ "dependencies": { "wrangler": ">=2.0.0 <3" } }
                                ^^^^^^^^^^^^ PL206
"#,
                ),
            ],
        );
        assert_eq!(diagnostics[0].environments, ["old"]);
    }

    #[test]
    fn the_installed_version_wins() {
        let config = (
            "wrangler.toml",
            r#"main = "a.ts"
[placement]
hostname = "api.example.com"
"#,
        );
        assert_project_rule(
            "PL206",
            &[
                config,
                (
                    "package.json",
                    r#"{ "devDependencies": { "wrangler": "^4.0.0" } }"#,
                ),
                (
                    "node_modules/wrangler/package.json",
                    r#"{ "name": "wrangler", "version": "4.60.1" }"#,
                ),
            ],
        );
        assert_project_rule(
            "PL206",
            &[
                config,
                (
                    "package.json",
                    r#"{ "devDependencies": { "wrangler": "latest" } }"#,
                ),
                (
                    "node_modules/wrangler/package.json",
                    r#"{ "name": "wrangler", "version": "4.52.0" }
                                 ^^^^^^^^ PL206
"#,
                ),
            ],
        );
    }

    #[test]
    fn silent_for_new_enough_unknown_ranges_or_no_placement() {
        for range in ["^4.53.0", "latest", "workspace:*", "npm:wrangler@^4.60"] {
            let package = format!(r#"{{ "devDependencies": {{ "wrangler": "{range}" }} }}"#);
            assert_project_rule(
                "PL206",
                &[
                    (
                        "wrangler.toml",
                        r#"main = "a.ts"
[placement]
region = "aws:us-east-1"
"#,
                    ),
                    ("package.json", &package),
                ],
            );
        }
        assert_project_rule(
            "PL206",
            &[
                (
                    "wrangler.toml",
                    r#"main = "a.ts"
"#,
                ),
                (
                    "package.json",
                    r#"{ "devDependencies": { "wrangler": "^1.0.0" } }"#,
                ),
            ],
        );
        assert_project_rule(
            "PL206",
            &[
                (
                    "wrangler.toml",
                    r#"main = "a.ts"
[placement]
mode = "smart"
"#,
                ),
                (
                    "package.json",
                    r#"{ "devDependencies": { "wrangler": "^3.0.0" } }"#,
                ),
            ],
        );
    }
}
