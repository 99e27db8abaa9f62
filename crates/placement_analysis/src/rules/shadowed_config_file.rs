use std::path::{Component, Path, PathBuf};

use crate::diagnostic::{Diagnostic, Related};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;
use crate::syntax::{Format, parse};

declare_rule! {
    /// ## What it does
    /// Reports a config file that wrangler would not use because another one wins: wrangler looks
    /// for `wrangler.json` in the current folder and every parent folder, then for
    /// `wrangler.jsonc` the same way, and only then for `wrangler.toml`. The message names the file
    /// that wins. It stays quiet when a `package.json` script, in the file's folder or a folder
    /// between it and the winner, runs wrangler with `--config` (or `-c`) naming the file: that
    /// project picks its config on purpose.
    ///
    /// ## Why is this bad?
    /// Placement written in the shadowed file silently does nothing: a `wrangler.jsonc` at a
    /// monorepo's root shadows `apps/api/wrangler.toml`, so `[placement] mode = "smart"` in the
    /// app's own file is never deployed. placement-lint checks the winning file instead.
    ///
    /// ## Example
    /// ```text
    /// repo/wrangler.jsonc          <- wrangler uses this one
    /// repo/apps/api/wrangler.toml  <- PL002: shadowed by ../../wrangler.jsonc
    /// ```
    ///
    /// ## Use instead
    /// Keep one config per Worker: remove or rename the file that loses, or move the root config
    /// out of the Worker's parent folders. Pass `--config` to wrangler when you need a specific
    /// file.
    ///
    /// ## Fix safety
    /// No fix: which file is meant cannot be known.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static SHADOWED_CONFIG_FILE = {
        code: "PL002",
        name: "shadowed-config-file",
        severity: Warning,
        fix: FixAvailability::None,
        summary: "A config file that wrangler would not use because another one wins",
    }
}

/// The diagnostic for `shadowed` (whose text is `text`), which loses to `winner`.
pub fn shadowed(shadowed: &Path, text: &str, winner: &Path, winner_display: &str) -> Diagnostic {
    let first_line_end = text.find(['\n', '\r']).unwrap_or(text.len());
    let message = format!(
        "wrangler does not use this file: `{winner_display}` wins, so its settings (placement \
         included) are never deployed"
    );
    let mut diagnostic = Diagnostic::new(
        &SHADOWED_CONFIG_FILE,
        shadowed,
        Span::new(0, first_line_end),
        message,
    );
    diagnostic
        .with_help(format!(
            "wrangler prefers wrangler.json, then wrangler.jsonc, then wrangler.toml, searching \
             each in this folder and every parent; remove one of the files, or run wrangler with \
             `--config {}`",
            shadowed
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or("wrangler.toml")
        ))
        .with_related([Related {
            file: winner.to_path_buf(),
            span: Span::empty(0),
            message: "the config wrangler uses".to_owned(),
        }]);
    diagnostic
}

/// The folders whose `package.json` scripts may choose `shadowed` with `--config`: its own
/// folder and each parent up to the folder holding `winner`, nearest first.
pub fn script_folders<'a>(shadowed: &'a Path, winner: &'a Path) -> impl Iterator<Item = &'a Path> {
    let top = winner.parent();
    shadowed
        .ancestors()
        .skip(1)
        .scan(false, move |passed_top, folder| {
            if *passed_top {
                return None;
            }
            *passed_top = Some(folder) == top || folder.as_os_str().is_empty();
            Some(folder)
        })
}

/// Whether a script of the `package.json` in `folder` (its text `manifest`) runs wrangler with
/// `--config`/`-c` naming `config`. Scripts run in the manifest's folder, so a relative path is
/// taken from there.
pub fn chosen_by_script(folder: &Path, manifest: &str, config: &Path) -> bool {
    let parsed = parse(manifest, Format::Json);
    let Some(scripts) = parsed.root.get_table("scripts") else {
        return false;
    };
    let wanted = normalized(config);
    scripts
        .entries()
        .iter()
        .filter_map(|entry| entry.value.as_str())
        .flat_map(wrangler_config_arguments)
        .any(|argument| normalized(&folder.join(argument)) == wanted)
}

/// The `--config`/`-c` values of the wrangler commands in one script line (commands split at
/// `&&`, `||`, `;` and `|`).
fn wrangler_config_arguments(script: &str) -> Vec<&str> {
    let mut found = Vec::new();
    for command in script.split(['&', '|', ';']) {
        let mut words = command
            .split_whitespace()
            .map(|word| word.trim_matches(['"', '\'']));
        if !words
            .by_ref()
            .any(|word| word == "wrangler" || word.ends_with("/wrangler"))
        {
            continue;
        }
        while let Some(word) = words.next() {
            let value = match word.split_once('=') {
                Some(("--config" | "-c", value)) => Some(value),
                _ if word == "--config" || word == "-c" => words.next(),
                _ => None,
            };
            found.extend(value.filter(|value| !value.is_empty()));
        }
    }
    found
}

/// `path` with `.` dropped and `..` applied, so that `./wrangler.toml` and `a/../wrangler.toml`
/// compare equal to `wrangler.toml`.
fn normalized(path: &Path) -> PathBuf {
    let mut result = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if !result.pop() {
                    result.push("..");
                }
            }
            other => result.push(other),
        }
    }
    result
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_winner_and_spans_the_first_line() {
        let text = r#"name = "api"
[placement]
"#;
        let diagnostic = shadowed(
            Path::new("apps/api/wrangler.toml"),
            text,
            Path::new("wrangler.jsonc"),
            "wrangler.jsonc",
        );
        assert_eq!(diagnostic.span, Span::new(0, 12));
        assert!(diagnostic.message.contains("`wrangler.jsonc` wins"));
        assert_eq!(diagnostic.related[0].file, Path::new("wrangler.jsonc"));
    }

    #[test]
    fn a_script_naming_the_file_chooses_it() {
        let manifest = r#"{
  "scripts": {
    "dev": "wrangler dev --config wrangler.toml --port 8788",
    "deploy": "npx wrangler deploy -c=./wrangler.toml"
  }
}"#;
        let folder = Path::new("repo/packages/ingest");
        let config = Path::new("repo/packages/ingest/wrangler.toml");
        assert!(chosen_by_script(folder, manifest, config));
        assert!(!chosen_by_script(
            folder,
            manifest,
            Path::new("repo/packages/ingest/wrangler.jsonc")
        ));
    }

    #[test]
    fn a_root_script_names_the_file_from_its_own_folder() {
        let manifest = r#"{ "scripts": { "deploy:api": "pnpm build && wrangler deploy --config apps/api/wrangler.toml" } }"#;
        assert!(chosen_by_script(
            Path::new("repo"),
            manifest,
            Path::new("repo/apps/api/wrangler.toml")
        ));
    }

    #[test]
    fn only_wrangler_commands_choose_a_config() {
        let manifest = r#"{ "scripts": {
  "lint": "eslint -c wrangler.toml",
  "deploy": "wrangler deploy",
  "check": "tsc -c x; wrangler dev"
} }"#;
        let config = Path::new("repo/wrangler.toml");
        assert!(!chosen_by_script(Path::new("repo"), manifest, config));
        assert!(!chosen_by_script(Path::new("repo"), "{ not json", config));
        assert!(!chosen_by_script(Path::new("repo"), "{}", config));
    }

    #[test]
    fn script_folders_run_from_the_file_up_to_the_winner() {
        let folders: Vec<_> = script_folders(
            Path::new("repo/apps/api/wrangler.toml"),
            Path::new("repo/wrangler.jsonc"),
        )
        .collect();
        assert_eq!(
            folders,
            [
                Path::new("repo/apps/api"),
                Path::new("repo/apps"),
                Path::new("repo")
            ]
        );
        let same: Vec<_> = script_folders(
            Path::new("repo/wrangler.toml"),
            Path::new("repo/wrangler.jsonc"),
        )
        .collect();
        assert_eq!(same, [Path::new("repo")]);
    }
}
