use std::path::Path;

use crate::context::{Context, Sink};
use crate::diagnostic::Severity;
use crate::project::PathKind;
use crate::project::paths::{ConfigPath, Expected, config_paths, resolve};
use crate::rule::{FixAvailability, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a path in the config that leads to nothing on disk, or to a file where a folder
    /// is needed (or the reverse), at the top level, in `[previews]` and in every `[env.NAME]`.
    /// Paths are relative to the config's folder, as wrangler reads them. The paths checked:
    /// `main`, `tsconfig`, `base_dir`, `assets.directory`, `site.bucket`, `build.cwd`,
    /// `build.watch_dir`, each container's `image` (when it is not an image reference) and
    /// `image_build_context`, each D1 database's `migrations_dir`, and the files of
    /// `wasm_modules`, `text_blobs` and `data_blobs`. It runs only on a project (the files
    /// around the config); `rules` globs are not checked (matching them needs a walk of the
    /// tree).
    ///
    /// Severity follows what wrangler does:
    /// - an **error** where wrangler stops: a container `image` that is neither a Dockerfile
    ///   nor an image reference with a tag (wrangler refuses the config), and `main`,
    ///   `assets.directory`, `base_dir`, `site.bucket`, `build.cwd` and the module files, which
    ///   `wrangler dev` and `wrangler deploy` need;
    /// - a **warning** for the paths only some commands use (`tsconfig`, `build.watch_dir`,
    ///   `migrations_dir`);
    /// - an info for what a build produces (`main`, `assets.directory`, `site.bucket`, module
    ///   files) when a build may create it: `build.command` is set, or the path is in a build
    ///   output folder (`dist`, `build`, `out`, `.output`, `.next`, `.svelte-kit`, ...); and
    ///   for a path inside `node_modules`, which installing the dependencies creates. A fresh
    ///   checkout has neither, and a linter runs there (a pre-commit hook, the first CI step)
    ///   before the build. The message says so. Likewise for a `main` that names a module, as
    ///   the Cloudflare Vite plugin allows: a scoped package's export
    ///   (`@tanstack/react-start/server-entry`) or a virtual module (`virtual:entry`).
    ///
    /// ## Why is this bad?
    /// A path to nothing is a typo or a file moved: `wrangler dev` and `wrangler deploy` stop
    /// ("The entry-point file at ... was not found", "The directory specified by the
    /// assets.directory field ... does not exist"), often only in CI.
    ///
    /// ## Example
    /// ```toml
    /// main = "src/index.ts"   # the file is src/worker.ts
    /// [assets]
    /// directory = "pubic"
    /// ```
    /// ```jsonc
    /// { "main": "src/index.ts", "containers": [{ "class_name": "App", "image": "./Dockerfile" }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// main = "src/worker.ts"
    /// [assets]
    /// directory = "public"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which path was meant cannot be known.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    /// - [Containers](https://developers.cloudflare.com/containers/)
    pub static PATH_NOT_FOUND = {
        code: "PL325",
        name: "path-not-found",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A path in the config (`main`, `assets.directory`, a Dockerfile, ...) leads to nothing on disk",
    }
}

/// Folder names that builds write to: a path through one may not exist before the build.
const BUILD_OUTPUT_FOLDERS: &[&str] = &[
    "dist",
    "build",
    "out",
    "output",
    ".output",
    ".next",
    ".svelte-kit",
    ".open-next",
    ".vercel",
    ".netlify",
    ".nuxt",
    ".astro",
    ".wrangler",
    ".mastra",
    "target",
    "_site",
];

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    for path in config_paths(ctx.model) {
        let resolved = resolve(&project.root, path.text);
        if !project.paths.knows(&resolved) {
            continue;
        }
        let kind = project.paths.kind(&resolved);
        let Some(problem) = problem(&path, kind) else {
            continue;
        };
        let scope = &ctx.model.scopes[path.scope];
        let environments = ctx.model.environments_using(scope, path.top_key);
        let suffix = scope.inherited_suffix(&environments);
        let key = scope.path(&path.key);
        let shown = project.display(&resolved);
        let build_command = ctx
            .model
            .effective(scope, "build")
            .and_then(|build| build.value.as_table())
            .and_then(|build| build.get("command"))
            .and_then(|command| command.value.as_str())
            .filter(|command| !command.trim().is_empty());
        let built = kind.is_none()
            && is_output(&path)
            && (build_command.is_some() || is_build_output(path.text));
        // A package's files (`node_modules/r2-explorer/dashboard`) appear when the project's
        // dependencies are installed, which a fresh clone has not done yet.
        let installed = kind.is_none() && is_in_node_modules(path.text);
        // With the Cloudflare Vite plugin `main` may name a module, not a file: a package's
        // export (`@tanstack/react-start/server-entry`) or a virtual module (`virtual:entry`).
        let module = kind.is_none() && path.top_key == "main" && is_module_specifier(path.text);
        let (mut severity, mut message) = match problem {
            Problem::Missing => (
                if path.required_by_deploy {
                    Severity::Error
                } else {
                    Severity::Warning
                },
                format!(
                    "`{key}` is `{}`, but there is no {} {}: {}{suffix}",
                    path.text,
                    noun(path.expected),
                    if shown == path.text.trim_start_matches("./") {
                        "there".to_owned()
                    } else {
                        format!("at `{shown}`")
                    },
                    consequence(&path)
                ),
            ),
            Problem::FileNotFolder => (
                Severity::Error,
                format!(
                    "`{key}` is `{}`, a file, but wrangler needs a folder there{suffix}",
                    path.text
                ),
            ),
            Problem::FolderNotFile => (
                Severity::Error,
                if path.expected == Expected::Dockerfile {
                    format!(
                        "wrangler refuses this config: `{key}` is `{}`, a folder, but wrangler \
                         needs the path to the Dockerfile{suffix}",
                        path.text
                    )
                } else {
                    format!(
                        "`{key}` is `{}`, a folder, but wrangler needs a file there{suffix}",
                        path.text
                    )
                },
            ),
            Problem::NotAnImage => (
                Severity::Error,
                format!(
                    "wrangler refuses this config: `{key}` is `{}`, but there is no Dockerfile at \
                     `{shown}`, and it is not an image reference with a tag \
                     (`registry.example.com/app:1`){suffix}",
                    path.text
                ),
            ),
        };
        // What a build or an install creates is missing from every fresh checkout where the
        // linter runs before them (a pre-commit hook, the first CI step): a note, not a warning
        // that `--deny-warnings` would fail on.
        if module {
            severity = Severity::Info;
            message.push_str(
                "; the Cloudflare Vite plugin resolves it as a module, and `wrangler deploy` \
                 after `vite build` reads the config the build writes",
            );
        } else if installed {
            severity = Severity::Info;
            message.push_str("; installing the project's dependencies may create it");
        } else if built {
            severity = Severity::Info;
            message.push_str(&match build_command {
                Some(command) => format!("; the build command `{command}` may create it"),
                None => "; a build may create it".to_owned(),
            });
        }
        sink.report(path.value.span, message)
            .with_severity(severity)
            .with_help(help(&path, built, installed, module))
            .with_environments(&environments);
    }
}

enum Problem {
    Missing,
    FileNotFolder,
    FolderNotFile,
    /// A container image that is neither a Dockerfile on disk nor an image reference.
    NotAnImage,
}

fn problem(path: &ConfigPath<'_>, kind: Option<PathKind>) -> Option<Problem> {
    match (path.expected, kind) {
        (Expected::File | Expected::Dockerfile, Some(PathKind::File))
        | (Expected::Folder, Some(PathKind::Folder)) => None,
        (Expected::Folder, Some(PathKind::File)) => Some(Problem::FileNotFolder),
        (Expected::File | Expected::Dockerfile, Some(PathKind::Folder)) => {
            Some(Problem::FolderNotFile)
        }
        (Expected::Dockerfile, None) if is_image_reference(path.text) => None,
        (Expected::Dockerfile, None) => Some(Problem::NotAnImage),
        (_, None) => Some(Problem::Missing),
    }
}

/// What wrangler takes for a registry image rather than a path: a tag (`:`) in the last part
/// and no scheme (`docker.io/library/nginx:1`, `app@sha256:...`).
fn is_image_reference(text: &str) -> bool {
    !text.contains("://")
        && !text.chars().any(char::is_whitespace)
        && text
            .rsplit('/')
            .next()
            .is_some_and(|last| last.contains(':'))
}

/// Whether the path names something a build produces (the Worker's script, its assets, its
/// modules) rather than one of the build's inputs (`tsconfig`, `build.cwd`, `watch_dir`).
fn is_output(path: &ConfigPath<'_>) -> bool {
    matches!(
        path.top_key,
        "main" | "assets" | "site" | "wasm_modules" | "text_blobs" | "data_blobs"
    )
}

/// A module the Cloudflare Vite plugin resolves rather than a path: a scoped package's export
/// (`@astrojs/cloudflare/entrypoints/server`) or a virtual module (`virtual:entry`).
fn is_module_specifier(text: &str) -> bool {
    text.starts_with("virtual:")
        || text
            .strip_prefix('@')
            .is_some_and(|rest| rest.split('/').filter(|part| !part.is_empty()).count() >= 2)
}

fn is_in_node_modules(text: &str) -> bool {
    Path::new(text)
        .components()
        .any(|component| component.as_os_str() == "node_modules")
}

fn is_build_output(text: &str) -> bool {
    Path::new(text).components().any(|component| {
        component
            .as_os_str()
            .to_str()
            .is_some_and(|name| BUILD_OUTPUT_FOLDERS.contains(&name))
    })
}

fn noun(expected: Expected) -> &'static str {
    match expected {
        Expected::File => "file",
        Expected::Folder => "folder",
        Expected::Dockerfile => "Dockerfile",
    }
}

fn consequence(path: &ConfigPath<'_>) -> &'static str {
    match path.key.as_str() {
        "main" => {
            "`wrangler dev` and `wrangler deploy` stop (\"The entry-point file ... was not found\")"
        }
        "assets.directory" => {
            "`wrangler dev` and `wrangler deploy` stop (\"The directory specified by the assets.directory field ... does not exist\")"
        }
        "tsconfig" => "the build cannot read the TypeScript settings",
        key if key.starts_with("build.watch_dir") => "`wrangler dev` cannot watch it",
        key if key.ends_with(".migrations_dir") => "`wrangler d1 migrations` finds no migrations",
        _ if path.required_by_deploy => "`wrangler dev` and `wrangler deploy` need it",
        _ => "wrangler cannot use it",
    }
}

fn help(path: &ConfigPath<'_>, built: bool, installed: bool, module: bool) -> String {
    if module {
        format!(
            "keep it if the project builds with `@cloudflare/vite-plugin`; for `wrangler dev` or \
             `wrangler deploy` without Vite, set `{}` to the Worker's file",
            path.key
        )
    } else if installed {
        format!(
            "install the dependencies (`npm install` or your package manager) before `wrangler \
             dev`/`deploy`, or correct `{}` if it is a typo",
            path.key
        )
    } else if built {
        format!(
            "run the build before `wrangler dev`/`deploy`, or correct `{}` if it is a typo",
            path.key
        )
    } else {
        format!(
            "correct `{}` (relative to the config's folder), or create the {}",
            path.key,
            noun(path.expected)
        )
    }
}

#[cfg(test)]
mod tests {
    use crate::Severity;
    use crate::testing::assert_project_rule;

    const ENTRY: (&str, &str) = ("src/index.ts", "export default {};\n");

    #[test]
    fn fires_on_paths_to_nothing() {
        let diagnostics = assert_project_rule(
            "PL325",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/worker.ts"
       ^^^^^^^^^^^^^^^ PL325: `main` is `src/worker.ts`, but there is no file there
tsconfig = "tsconfig.build.json"
           ^^^^^^^^^^^^^^^^^^^^^ PL325: the build cannot read
[assets]
directory = "pubic"
            ^^^^^^^ PL325: (inherited by environment `staging`)
[env.staging]
name = "s"
[env.ok]
main = "src/index.ts"
assets = { directory = "public" }
"#,
                ),
                ENTRY,
                ("public/index.html", "<h1>hi</h1>\n"),
            ],
        );
        let severities: Vec<Severity> = diagnostics.iter().map(|d| d.severity).collect();
        assert_eq!(
            severities,
            [Severity::Error, Severity::Warning, Severity::Error]
        );
    }

    #[test]
    fn a_package_folder_is_a_note_until_the_dependencies_are_installed() {
        let diagnostics = assert_project_rule(
            "PL325",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[assets]
directory = "node_modules/r2-explorer/dashboard"
            ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL325: installing the project's dependencies may create it
"#,
                ),
                ENTRY,
            ],
        );
        assert_eq!(diagnostics[0].severity, Severity::Info);
    }

    #[test]
    fn a_path_outside_the_folder_is_shown_with_dot_dot() {
        assert_project_rule(
            "PL325",
            &[
                (
                    "wrangler.toml",
                    r#"main = "../../shared/worker.ts"
       ^^^^^^^^^^^^^^^^^^^^^^^^ PL325: `main` is `../../shared/worker.ts`, but there is no file there
"#,
                ),
                ENTRY,
            ],
        );
        assert_project_rule(
            "PL325",
            &[(
                "wrangler.jsonc",
                r#"{ "main": "src/../../lib/../../w.ts" }
          ^^^^^^^^^^^^^^^^^^^^^^^^^^ PL325: `main` is `src/../../lib/../../w.ts`, but there is no file at `../../w.ts`
"#,
            )],
        );
    }

    #[test]
    fn a_module_main_is_a_note() {
        // The Cloudflare Vite plugin resolves `main` as a module (TanStack Start, Astro).
        let diagnostics = assert_project_rule(
            "PL325",
            &[
                (
                    "wrangler.toml",
                    r#"main = "@tanstack/react-start/server-entry"
       ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL325: the Cloudflare Vite plugin resolves it as a module
[env.virtual]
main = "virtual:entry"
       ^^^^^^^^^^^^^^^ PL325: the Cloudflare Vite plugin resolves it as a module
[env.scope_only]
main = "@worker.ts"
       ^^^^^^^^^^^^ PL325: `env.scope_only.main` is `@worker.ts`, but there is no file there
"#,
                ),
                ENTRY,
            ],
        );
        let severities: Vec<Severity> = diagnostics.iter().map(|d| d.severity).collect();
        assert_eq!(
            severities,
            [Severity::Info, Severity::Info, Severity::Error]
        );
        let diagnostics = assert_project_rule(
            "PL325",
            &[(
                "wrangler.jsonc",
                r#"{
  "main": "@astrojs/cloudflare/entrypoints/server",
          ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL325: the Cloudflare Vite plugin resolves it as a module
  "assets": { "directory": "@astrojs/cloudflare" }
                           ^^^^^^^^^^^^^^^^^^^^^ PL325: `assets.directory` is `@astrojs/cloudflare`, but there is no folder there
}"#,
            )],
        );
        assert_eq!(diagnostics[0].severity, Severity::Info);
        assert_eq!(diagnostics[1].severity, Severity::Error);
    }

    #[test]
    fn build_output_lowers_the_severity() {
        let diagnostics = assert_project_rule(
            "PL325",
            &[
                (
                    "wrangler.jsonc",
                    r#"{
  "main": "dist/index.js",
          ^^^^^^^^^^^^^^^ PL325: a build may create it
  "env": {
    "built": {
      "main": "worker.js",
              ^^^^^^^^^^^ PL325: the build command `npm run build` may create it
      "build": { "command": "npm run build", "watch_dir": ["src", "lib"] }
                                                                  ^^^^^ PL325: `env.built.build.watch_dir[1]`
    }
  }
}
"#,
                ),
                ENTRY,
            ],
        );
        let severities: Vec<Severity> = diagnostics.iter().map(|d| d.severity).collect();
        assert_eq!(
            severities,
            [Severity::Info, Severity::Info, Severity::Warning]
        );
    }

    #[test]
    fn container_images_are_dockerfiles_or_references() {
        let diagnostics = assert_project_rule(
            "PL325",
            &[
                (
                    "wrangler.toml",
                    r#"main = "src/index.ts"
[[containers]]
class_name = "A"
image = "./Dockerfile"
[[containers]]
class_name = "B"
image = "docker.io/library/nginx:1.27"
[[containers]]
class_name = "C"
image = "./containers/api.Dockerfile"
        ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL325: wrangler refuses this config
[[containers]]
class_name = "D"
image = "./containers"
        ^^^^^^^^^^^^^^ PL325: wrangler refuses this config: `containers[3].image` is `./containers`, a folder
"#,
                ),
                ENTRY,
                ("Dockerfile", "FROM alpine\n"),
                ("containers/README.md", "x\n"),
            ],
        );
        assert!(diagnostics.iter().all(|d| d.severity == Severity::Error));
    }

    #[test]
    fn silent_without_a_project_or_when_everything_exists() {
        let config = r#"main = "src/index.ts"
[assets]
directory = "public"
[[d1_databases]]
binding = "DB"
database_id = "x"
migrations_dir = "db/migrations"
"#;
        assert_project_rule(
            "PL325",
            &[
                ("wrangler.toml", config),
                ENTRY,
                ("public/index.html", "x"),
                ("db/migrations/0001_init.sql", "select 1;"),
            ],
        );
        crate::testing::assert_rule("PL325", crate::syntax::Format::Toml, config);
    }
}
