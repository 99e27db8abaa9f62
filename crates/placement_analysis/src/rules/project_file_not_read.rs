use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;

declare_rule! {
    /// ## What it does
    /// Notes a file of the project that a rule wanted to read but that placement-lint left
    /// alone: a source, `_routes.json` or `package.json` larger than 10 MB, or a path that
    /// leads (through links) to something other than a regular file, such as a FIFO, a socket
    /// or a device like `/dev/zero`.
    ///
    /// ## Why is this bad?
    /// The rules that read that file (PL200 to PL208) could not look at it, so they may miss a
    /// problem there. placement-lint never reads such a file: a FIFO would block the check and
    /// a device would never end. A real Worker's sources are far smaller (a Worker is limited
    /// to 10 MB compressed), so a larger file is usually a generated bundle or a mistake.
    ///
    /// ## Example
    /// With this config (TOML or JSONC):
    /// ```toml
    /// main = "dist/worker.js"
    /// [placement]
    /// mode = "smart"
    /// ```
    /// ```jsonc
    /// { "main": "dist/worker.js", "placement": { "mode": "smart" } }
    /// ```
    /// where `dist/worker.js` is a 40 MB bundle, or a link to `/dev/null`.
    ///
    /// ## Use instead
    /// Point `main` at the Worker's own entry (`src/index.ts`), and let wrangler bundle it.
    ///
    /// ## Fix safety
    /// No fix: which file was meant cannot be known.
    ///
    /// ## References
    /// - [Workers limits: Worker size](https://developers.cloudflare.com/workers/platform/limits/#worker-size)
    pub static PROJECT_FILE_NOT_READ = {
        code: "PL007",
        name: "project-file-not-read",
        severity: Info,
        fix: FixAvailability::None,
        summary: "A project file a rule reads is too large or not a regular file, so it was not read",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(project) = ctx.project() else {
        return;
    };
    for (path, reason) in &project.skipped {
        sink.report_in(
            path,
            Span::new(0, 0),
            format!(
                "`{}` was not read: {reason}; the rules that read it did not look at it",
                project.display(path)
            ),
        )
        .with_help("point the config at the Worker's own sources (regular files under 10 MB)");
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::check_project;
    use crate::project::{DirEntry, ProjectFiles, Unread};
    use crate::testing::MemoryFiles;

    /// Memory files, with one path that exists but is skipped.
    struct WithSkipped {
        files: MemoryFiles,
        skipped: &'static str,
    }

    impl ProjectFiles for WithSkipped {
        fn read(&self, path: &Path) -> Option<String> {
            self.read_or_skip(path).ok()
        }

        fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
            if path == Path::new(self.skipped) {
                return Err(Unread::Skipped(
                    "it is a device, not a regular file".to_owned(),
                ));
            }
            self.files.read(path).ok_or(Unread::Missing)
        }

        fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
            self.files.list_dir(path)
        }
    }

    fn codes_and_messages(config: (&str, &str), skipped: &'static str) -> Vec<(String, String)> {
        let files = WithSkipped {
            files: MemoryFiles::new(&[config]),
            skipped,
        };
        check_project(Path::new(config.0), config.1, &files)
            .into_iter()
            .filter(|d| d.code() == "PL007")
            .map(|d| (d.file.to_string_lossy().into_owned(), d.message))
            .collect()
    }

    #[test]
    fn notes_a_skipped_entry_in_toml_and_jsonc() {
        for config in [
            (
                "app/wrangler.toml",
                "main = \"src/index.js\"\n[placement]\nmode = \"smart\"\n",
            ),
            (
                "app/wrangler.jsonc",
                "{ \"main\": \"src/index.js\", \"placement\": { \"mode\": \"smart\" } }",
            ),
        ] {
            assert_eq!(
                codes_and_messages(config, "app/src/index.js"),
                [(
                    "app/src/index.js".to_owned(),
                    "`src/index.js` was not read: it is a device, not a regular file; the rules \
                     that read it did not look at it"
                        .to_owned()
                )]
            );
        }
    }

    #[test]
    fn silent_when_nothing_reads_the_file() {
        // Placement off: the entry is never read.
        let config = (
            "app/wrangler.toml",
            "main = \"src/index.js\"\n[placement]\nmode = \"off\"\n",
        );
        assert!(codes_and_messages(config, "app/src/index.js").is_empty());
    }
}
