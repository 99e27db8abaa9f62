use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, FileChange, Fix, Related};
use crate::project::PagesProject;
use crate::project::deployments::{
    affected_environments, placed_groups, placement_anchor, placement_kind, split_advice,
};
use crate::project::pages::{self, ROUTES_FILE};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Reports a Pages project with Smart Placement (or explicit placement) whose
    /// `functions/_middleware.js` (or `.ts`, `.mjs`, ...) runs for every request.
    ///
    /// It does not fire when `_routes.json` in the build output keeps Functions off the static
    /// paths (its `include` does not cover `/*`, or its `exclude` covers every file and folder
    /// at the top of the build output), in advanced mode (a `_worker.js` makes Pages ignore
    /// `functions/`), or for middleware in sub-folders only.
    ///
    /// ## Why is this bad?
    /// A root middleware makes every request, static assets included, run through Functions.
    /// With placement on, Functions run near the back end, so Cloudflare serves **all** the
    /// site's assets from there instead of from the data center nearest the visitor: every
    /// image, script and stylesheet gets slower.
    ///
    /// ## Example
    /// `functions/_middleware.ts` exists, and the config says:
    /// ```toml
    /// pages_build_output_dir = "dist"
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "pages_build_output_dir": "dist", "placement": { "mode": "smart" } }
    /// ```
    ///
    /// ## Use instead
    /// Keep Functions off the static paths with `dist/_routes.json`:
    /// ```json
    /// { "version": 1, "include": ["/api/*"], "exclude": [] }
    /// ```
    /// or move the middleware to the folder that needs it (`functions/api/_middleware.ts`), or
    /// split the back end into its own Worker with placement, reached through a Service Binding.
    ///
    /// ## Fix safety
    /// Unsafe, and offered when the build output exists: it writes `_routes.json` in the build
    /// output (`{ "version": 1, "include": ["/*"], "exclude": [...] }`), or adds to the
    /// `exclude` of the one there (every rule written stays), so that Functions, and with them
    /// the middleware, no longer run for the static files and folders found at the top of the
    /// build output: `/assets/*` for a folder, `/favicon.ico` for a file, `/about` and
    /// `/about.html` for `about.html`, `/` for `index.html`. Paths a function or a nested
    /// middleware serves (`functions/assets/...`, `functions/[id].ts`) are left to Functions.
    /// It is unsafe because the middleware no longer runs for those files (authentication,
    /// headers it set). The result must be a `_routes.json` Pages accepts (version 1, at most
    /// 100 rules of at most 100 characters), or the fix is not offered. A build that empties
    /// the output folder removes the file again: keep a copy where the build copies static
    /// files from (`public/_routes.json` for most frameworks).
    ///
    /// ## References
    /// - [Smart Placement and Pages Functions](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Pages Functions routing and `_routes.json`](https://developers.cloudflare.com/pages/functions/routing/)
    /// - [Pages Functions middleware](https://developers.cloudflare.com/pages/functions/middleware/)
    pub static PAGES_MIDDLEWARE_SMART_PLACEMENT = {
        code: "PL201",
        name: "pages-middleware-smart-placement",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A root Pages middleware with placement serves every asset from near the back end",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    let Some(pages) = &project.pages else {
        return;
    };
    if pages.advanced_worker.is_some() {
        return;
    }
    let Some(middleware) = pages.root_middleware() else {
        return;
    };
    let catch_all = match &pages.routes {
        Some(routes) if routes.valid => match routes.includes_everything() {
            Some(pattern) => Some((routes, pattern)),
            None => return,
        },
        _ => None,
    };
    let static_excludes = pages.static_excludes().unwrap_or_default();
    let missing_excludes: Vec<String> = static_excludes
        .iter()
        .filter(|pattern| catch_all.is_none_or(|(routes, _)| !routes.excludes(pattern)))
        .cloned()
        .collect();
    if catch_all.is_some() && !static_excludes.is_empty() && missing_excludes.is_empty() {
        return; // `exclude` keeps Functions off every static path of the build output
    }
    let fix = routes_fix(pages, &missing_excludes);
    for (site_index, group) in placed_groups(ctx.deployments, ctx.placements) {
        let site = &ctx.placements[site_index];
        let (environments, wording) = affected_environments(&group);
        let middleware_name = project.display(&middleware.path);
        let message = format!(
            "{} runs this Pages project's Functions near its back end, and `{middleware_name}` \
             runs for every request, so every static asset is served from there instead of \
             near the visitor{wording}",
            placement_kind(site)
        );
        let first_line = middleware_first_line(project, &middleware.path);
        let diagnostic = sink
            .report(placement_anchor(site), message)
            .with_help(format!(
                "keep Functions off static paths with `_routes.json` in the build output \
                 (`\"include\": [\"/api/*\"]`), move the middleware into the folder that needs \
                 it, or {}",
                split_advice(&group)
            ))
            .with_environments(&environments)
            .with_related([Related {
                file: middleware.path.clone(),
                span: first_line,
                message: "this middleware runs for every request (`/*`)".to_owned(),
            }]);
        if let Some((routes, (pattern, span))) = catch_all {
            diagnostic.with_related([Related {
                file: routes.path.clone(),
                span: *span,
                message: format!("`_routes.json` sends `{pattern}` to Functions"),
            }]);
        }
        if let Some(fix) = &fix {
            diagnostic.with_fix(fix.clone());
        }
    }
}

/// Writes `_routes.json` (or adds to its `exclude`) so that Functions skip `missing_excludes`;
/// `None` when there is nothing to exclude, the file is not one Pages reads, or the result
/// would not be one Pages accepts.
fn routes_fix(pages: &PagesProject, missing_excludes: &[String]) -> Option<Fix> {
    if missing_excludes.is_empty() {
        return None;
    }
    let (change, after) = match &pages.routes {
        None => {
            let content = pages::new_routes_json(missing_excludes);
            let change = FileChange::Create {
                path: pages.output_dir.join(ROUTES_FILE),
                content: content.clone(),
            };
            (change, Some(content))
        }
        Some(routes) => {
            let rules = routes.include.len() + routes.exclude.len() + missing_excludes.len();
            if rules > pages::MAX_ROUTE_RULES {
                return None;
            }
            let edits = routes.add_excludes(missing_excludes)?;
            let change = FileChange::Edit {
                path: routes.path.clone(),
                edits,
            };
            (change, None)
        }
    };
    if after.is_some_and(|text| pages::routes_json_problem(&text).is_some()) {
        return None;
    }
    let count = missing_excludes.len();
    let title = match &change {
        FileChange::Create { .. } => format!(
            "Write `{ROUTES_FILE}` keeping Functions off {count} static path{}",
            if count == 1 { "" } else { "s" }
        ),
        FileChange::Edit { .. } => format!(
            "Exclude {count} static path{} in `{ROUTES_FILE}`",
            if count == 1 { "" } else { "s" }
        ),
    };
    Some(Fix {
        title,
        applicability: Applicability::Unsafe,
        edits: Vec::new(),
        other_files: vec![change],
    })
}

/// The middleware's first line (it is only listed, not parsed, when nothing else needs it).
fn middleware_first_line(project: &crate::project::Project, path: &std::path::Path) -> Span {
    let end = project.source(path).map_or(0, |source| {
        source.text.find('\n').unwrap_or(source.text.len())
    });
    Span::new(0, end)
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use crate::diagnostic::{Applicability, FileChange};
    use crate::testing::{MemoryFiles, assert_project_rule, inputs};

    const MIDDLEWARE: &str = "export const onRequest = (context) => context.next();\n";

    #[test]
    fn fires_for_a_root_middleware_in_toml_and_jsonc() {
        let diagnostics = assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.toml",
                    r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
       ^^^^^^^ PL201: Smart Placement runs this Pages project's Functions near its back end, and `functions/_middleware.ts` runs for every request
"#,
                ),
                ("functions/_middleware.ts", MIDDLEWARE),
                (
                    "functions/index.ts",
                    "export const onRequest = () => new Response('hi');",
                ),
            ],
        );
        assert_eq!(
            diagnostics[0].related[0].file.to_str(),
            Some("functions/_middleware.ts")
        );
        assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.jsonc",
                    r#"{
  "pages_build_output_dir": "dist",
  "placement": { "mode": "smart" },
                         ^^^^^^^ PL201
  "env": { "production": {} }
}
"#,
                ),
                ("functions/_middleware.js", MIDDLEWARE),
                (
                    "dist/_routes.json",
                    r#"{ "version": 1, "include": ["/*"], "exclude": [] }"#,
                ),
            ],
        );
    }

    #[test]
    fn fires_per_environment_with_explicit_placement() {
        let diagnostics = assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.toml",
                    r#"pages_build_output_dir = "dist"
[env.production.placement]
region = "aws:us-east-1"
         ^^^^^^^^^^^^^^^ PL201: explicit placement (`region = "aws:us-east-1"`) runs this Pages project's Functions
"#,
                ),
                ("functions/_middleware.ts", MIDDLEWARE),
            ],
        );
        assert_eq!(diagnostics[0].environments, ["production"]);
    }

    #[test]
    fn silent_for_nested_middleware_routes_advanced_mode_or_placement_off() {
        let config = r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
"#;
        assert_project_rule(
            "PL201",
            &[
                ("wrangler.toml", config),
                ("functions/api/_middleware.ts", MIDDLEWARE),
            ],
        );
        assert_project_rule(
            "PL201",
            &[
                ("wrangler.toml", config),
                ("functions/_middleware.ts", MIDDLEWARE),
                (
                    "dist/_routes.json",
                    r#"{ "version": 1, "include": ["/api/*"], "exclude": [] }"#,
                ),
            ],
        );
        assert_project_rule(
            "PL201",
            &[
                ("wrangler.toml", config),
                ("functions/_middleware.ts", MIDDLEWARE),
                (
                    "dist/_worker.js",
                    "export default { fetch() { return new Response('') } };",
                ),
            ],
        );
        assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.jsonc",
                    r#"{ "pages_build_output_dir": "dist", "placement": { "mode": "off" } }"#,
                ),
                ("functions/_middleware.ts", MIDDLEWARE),
            ],
        );
    }

    const CONFIG: &str = r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
"#;

    /// A built Pages project: a root middleware, an API function, static files.
    fn built_project<'a>(extra: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
        let mut files = vec![
            ("wrangler.toml", CONFIG),
            ("functions/_middleware.ts", MIDDLEWARE),
            (
                "functions/api/users.ts",
                "export const onRequest = () => new Response('[]');",
            ),
            ("dist/index.html", "<!doctype html>"),
            ("dist/about.html", "<!doctype html>"),
            ("dist/favicon.ico", "icon"),
            ("dist/assets/app.js", "console.log(1)"),
            ("dist/api/readme.txt", "served by Functions"),
            ("dist/_headers", "/*\n  X-Frame-Options: DENY"),
        ];
        files.extend_from_slice(extra);
        files
    }

    fn fix_project(files: &[(&str, &str)]) -> crate::fix::FixOutcome {
        let memory = MemoryFiles::new(files);
        let (config, text) = files[0];
        crate::fix::fix_with(
            Path::new(config),
            text,
            true,
            &|rule| rule.code == "PL201",
            &memory,
            &|text, files| crate::check_project_with(Path::new(config), text, files, inputs()),
        )
    }

    #[test]
    fn fix_writes_routes_json_excluding_the_static_paths() {
        let files = built_project(&[]);
        let memory = MemoryFiles::new(&files);
        let diagnostics =
            crate::check_project_with(Path::new("wrangler.toml"), CONFIG, &memory, inputs());
        let fix = diagnostics
            .iter()
            .find(|d| d.code() == "PL201")
            .and_then(|d| d.fix.as_ref())
            .expect("a fix");
        assert_eq!(fix.applicability, Applicability::Unsafe);
        assert!(fix.edits.is_empty());
        assert_eq!(
            fix.title,
            "Write `_routes.json` keeping Functions off 6 static paths"
        );
        let expected = r#"{
  "version": 1,
  "include": ["/*"],
  "exclude": [
    "/about",
    "/about.html",
    "/assets/*",
    "/favicon.ico",
    "/",
    "/index.html"
  ]
}
"#;
        assert_eq!(
            fix.other_files,
            [FileChange::Create {
                path: PathBuf::from("dist/_routes.json"),
                content: expected.to_owned(),
            }]
        );
        assert_eq!(crate::project::pages::routes_json_problem(expected), None);

        let outcome = fix_project(&files);
        assert_eq!(outcome.text, CONFIG, "the config is left as it is");
        assert_eq!(outcome.applied.len(), 1);
        assert_eq!(outcome.other_files.len(), 1);
        assert_eq!(outcome.other_files[0].original, None);
        assert_eq!(outcome.other_files[0].text, expected);
        assert!(
            outcome.remaining.iter().all(|d| d.code() != "PL201"),
            "fixed: {:?}",
            outcome.remaining
        );
    }

    #[test]
    fn fix_adds_to_the_exclude_of_an_existing_routes_json() {
        let routes = "{\n  \"version\": 1,\n  \"include\": [\"/*\"],\n  \"exclude\": [\"/about\", \"/keep/*\"]\n}\n";
        let outcome = fix_project(&built_project(&[("dist/_routes.json", routes)]));
        assert_eq!(outcome.other_files.len(), 1);
        assert_eq!(outcome.other_files[0].original.as_deref(), Some(routes));
        assert_eq!(
            outcome.other_files[0].text,
            "{\n  \"version\": 1,\n  \"include\": [\"/*\"],\n  \"exclude\": [\"/about\", \"/keep/*\", \"/about.html\", \"/assets/*\", \"/favicon.ico\", \"/\", \"/index.html\"]\n}\n"
        );
        assert!(outcome.remaining.iter().all(|d| d.code() != "PL201"));

        // No `exclude` yet: one is added after `include`.
        let outcome = fix_project(&built_project(&[(
            "dist/_routes.json",
            r#"{ "version": 1, "include": ["/*"] }"#,
        )]));
        assert_eq!(
            outcome.other_files[0].text,
            r#"{ "version": 1, "include": ["/*"], "exclude": ["/about", "/about.html", "/assets/*", "/favicon.ico", "/", "/index.html"] }"#
        );
    }

    #[test]
    fn paths_functions_serve_stay_with_functions() {
        let outcome = fix_project(&built_project(&[
            (
                "functions/assets/[name].ts",
                "export const onRequest = () => new Response('');",
            ),
            (
                "functions/index.ts",
                "export const onRequest = () => new Response('home');",
            ),
        ]));
        let text = &outcome.other_files[0].text;
        assert!(!text.contains("\"/assets/*\""), "{text}");
        assert!(!text.contains("\"/\""), "{text}");
        assert!(!text.contains("/api/"), "{text}");
        assert!(text.contains("\"/favicon.ico\""), "{text}");
        assert!(!text.contains("_headers"), "{text}");
    }

    #[test]
    fn no_fix_without_a_build_output_or_over_the_rule_limit() {
        let diagnostics = assert_project_rule(
            "PL201",
            &[
                (
                    "wrangler.toml",
                    r#"pages_build_output_dir = "dist"
[placement]
mode = "smart"
       ^^^^^^^ PL201
"#,
                ),
                ("functions/_middleware.ts", MIDDLEWARE),
            ],
        );
        assert!(diagnostics[0].fix.is_none(), "nothing built, nothing known");

        let many: Vec<String> = (0..99).map(|i| format!("\"/old{i}\"")).collect();
        let routes = format!(
            r#"{{ "version": 1, "include": ["/*"], "exclude": [{}] }}"#,
            many.join(", ")
        );
        let files = built_project(&[("dist/_routes.json", routes.as_str())]);
        let outcome = fix_project(&files);
        assert!(outcome.applied.is_empty());
        let remaining: Vec<_> = outcome
            .remaining
            .iter()
            .filter(|d| d.code() == "PL201")
            .collect();
        assert_eq!(remaining.len(), 1);
        assert!(remaining[0].fix.is_none(), "it would exceed 100 rules");
    }

    #[test]
    fn silent_when_exclude_covers_the_build_output() {
        assert_project_rule(
            "PL201",
            &built_project(&[(
                "dist/_routes.json",
                r#"{ "version": 1, "include": ["/*"], "exclude": ["/about", "/about.html", "/assets/*", "/favicon.ico", "/", "/index.html"] }"#,
            )]),
        );
    }
}
