//! Applying fixes: repeated until nothing changes, never producing text that does not parse.

use std::path::{Path, PathBuf};

use crate::diagnostic::{Applicability, Diagnostic, Edit, FileChange};
use crate::project::package::VersionSource;
use crate::project::{DirEntry, NoFiles, PathKind, ProjectFiles, Unread};
use crate::rule::Rule;
use crate::span::Span;
use crate::syntax::Format;
use crate::{check_config, format_of, syntax};

/// How many rounds of check-then-fix at most (a fix can reveal another).
const MAX_ROUNDS: usize = 10;

/// Applies non-overlapping `edits` to `text`.
pub fn apply_edits(text: &str, edits: &[Edit]) -> String {
    let mut sorted: Vec<&Edit> = edits.iter().collect();
    sorted.sort_by_key(|edit| (edit.span.start, edit.span.end));
    let mut out = String::with_capacity(text.len());
    let mut cursor = 0;
    for edit in sorted {
        let start = edit.span.start.clamp(cursor, text.len());
        let end = edit.span.end.clamp(start, text.len());
        out.push_str(&text[cursor..start]);
        out.push_str(&edit.content);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// A file other than the config that fixes created or changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFile {
    pub path: PathBuf,
    /// Its text before (`None`: the fixes create it).
    pub original: Option<String>,
    pub text: String,
}

/// The outcome of fixing one file.
#[derive(Debug, Clone)]
pub struct FixOutcome {
    /// The fixed text (equal to the input when nothing applied).
    pub text: String,
    /// `(code, fix title)` of every fix applied, in order.
    pub applied: Vec<(&'static str, String)>,
    /// The diagnostics that remain in the fixed text.
    pub remaining: Vec<Diagnostic>,
    /// Other files the applied fixes create or change, in the order first touched.
    pub other_files: Vec<FixedFile>,
}

/// Applies every fix allowed by `include_unsafe` and `selected`, round after round, until no
/// more applies. A file with syntax errors is left alone, and a fix whose result does not parse
/// is skipped.
pub fn fix_config(
    path: &Path,
    text: &str,
    include_unsafe: bool,
    selected: &dyn Fn(&Rule) -> bool,
) -> FixOutcome {
    fix_with(
        path,
        text,
        include_unsafe,
        selected,
        &NoFiles,
        &|text, _| check_config(path, text),
    )
}

/// Like [`fix_config`], with the files around the config and the check to run on each round's
/// text (for example [`crate::check_project`] over `files`). The check is given `files` with
/// the other files changed so far laid over them. Only fixes of diagnostics in the config file
/// itself are applied; a fix that also changes other files applies whole or not at all, and
/// not when a file it changes would not parse ([`other_file_problem`]).
pub fn fix_with(
    path: &Path,
    text: &str,
    include_unsafe: bool,
    selected: &dyn Fn(&Rule) -> bool,
    files: &dyn ProjectFiles,
    check: &dyn Fn(&str, &dyn ProjectFiles) -> Vec<Diagnostic>,
) -> FixOutcome {
    let format = format_of(path);
    let mut current = text.to_owned();
    let mut applied = Vec::new();
    let mut other_files: Vec<FixedFile> = Vec::new();
    let mut remaining = check(&current, files);
    if !syntax::parse(&current, format).errors.is_empty() {
        return FixOutcome {
            text: current,
            applied,
            remaining,
            other_files,
        };
    }
    for _ in 0..MAX_ROUNDS {
        let mut candidates: Vec<&Diagnostic> = remaining
            .iter()
            .filter(|d| selected(d.rule) && d.file == path)
            .filter(|d| {
                d.fix
                    .as_ref()
                    .is_some_and(|fix| include_unsafe || fix.applicability == Applicability::Safe)
            })
            .collect();
        if candidates.is_empty() {
            break;
        }
        // Last fix first, so that applying one leaves the offsets of the others valid.
        candidates.sort_by_key(|d| std::cmp::Reverse(fix_extent(d)));
        let mut changed = false;
        let mut floor = usize::MAX;
        // Other files changed this round: a second fix's edits there were computed on the
        // text before, so it waits for the next round.
        let mut touched: Vec<PathBuf> = Vec::new();
        for diagnostic in candidates {
            let fix = diagnostic.fix.as_ref().expect("filtered on fix");
            let extent = fix_extent(diagnostic);
            if extent.end > floor || (extent.end == floor && !extent.is_empty()) {
                continue; // overlaps a fix already applied this round
            }
            if fix
                .other_files
                .iter()
                .any(|change| touched.iter().any(|path| path == change.path()))
            {
                continue;
            }
            let next = apply_edits(&current, &fix.edits);
            if !syntax::parse(&next, format).errors.is_empty() {
                continue;
            }
            let Some(changes) = apply_other_files(&fix.other_files, &other_files, files) else {
                continue;
            };
            if next == current && changes.is_empty() {
                continue;
            }
            current = next;
            if !fix.edits.is_empty() {
                floor = extent.start;
            }
            for change in changes {
                touched.push(change.path.clone());
                match other_files.iter_mut().find(|file| file.path == change.path) {
                    Some(file) => file.text = change.text,
                    None => other_files.push(change),
                }
            }
            changed = true;
            applied.push((diagnostic.code(), fix.title.clone()));
        }
        remaining = check(
            &current,
            &Overlay {
                base: files,
                changed: &other_files,
            },
        );
        if !changed {
            break;
        }
    }
    FixOutcome {
        text: current,
        applied,
        remaining,
        other_files,
    }
}

/// The files `changes` produce, over what earlier fixes produced (`pending`) and the files;
/// only those whose text changes. `None` when one does not apply or would not parse.
fn apply_other_files(
    changes: &[FileChange],
    pending: &[FixedFile],
    files: &dyn ProjectFiles,
) -> Option<Vec<FixedFile>> {
    let mut produced: Vec<FixedFile> = Vec::new();
    for change in changes {
        let path = change.path();
        let (original, before) = match produced
            .iter()
            .chain(pending)
            .find(|file| file.path == path)
        {
            Some(file) => (file.original.clone(), Some(file.text.clone())),
            None => {
                let text = files.read(path);
                if text.is_none() && files.kind(path).is_some() {
                    return None; // exists, but cannot be read: never overwrite it
                }
                (text.clone(), text)
            }
        };
        let after = change.apply(before.as_deref())?;
        if other_file_problem(path, &after).is_some() {
            return None;
        }
        if before.as_deref() == Some(after.as_str()) {
            continue;
        }
        match produced.iter_mut().find(|file| file.path == path) {
            Some(file) => file.text = after,
            None => produced.push(FixedFile {
                path: path.to_path_buf(),
                original,
                text: after,
            }),
        }
    }
    Some(produced)
}

/// Why the text a fix gives a file other than the config may not be written, if it may not:
/// `_routes.json` must be one Pages accepts; other JSON and TOML files must parse.
pub fn other_file_problem(path: &Path, text: &str) -> Option<String> {
    let name = path
        .file_name()
        .and_then(|name| name.to_str())
        .unwrap_or("");
    if name == crate::project::pages::ROUTES_FILE {
        return crate::project::pages::routes_json_problem(text);
    }
    let format = match path.extension().and_then(|ext| ext.to_str()) {
        Some("json" | "jsonc") => Format::Json,
        Some("toml") => Format::Toml,
        _ => return None,
    };
    syntax::parse(text, format)
        .errors
        .first()
        .map(|error| format!("it would not parse: {}", error.message))
}

/// The files around a config with the files fixes changed laid over them.
struct Overlay<'a> {
    base: &'a dyn ProjectFiles,
    changed: &'a [FixedFile],
}

impl Overlay<'_> {
    fn changed(&self, path: &Path) -> Option<&FixedFile> {
        self.changed.iter().find(|file| file.path == path)
    }
}

impl ProjectFiles for Overlay<'_> {
    fn read(&self, path: &Path) -> Option<String> {
        match self.changed(path) {
            Some(file) => Some(file.text.clone()),
            None => self.base.read(path),
        }
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        match self.changed(path) {
            Some(file) => Ok(file.text.clone()),
            None => self.base.read_or_skip(path),
        }
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        let mut entries = self.base.list_dir(path);
        for file in self.changed.iter().filter(|file| file.original.is_none()) {
            let (Some(parent), Some(name)) = (file.path.parent(), file.path.file_name()) else {
                continue;
            };
            if parent != path {
                continue;
            }
            let name = name.to_string_lossy().into_owned();
            let listed = entries.get_or_insert_with(Vec::new);
            if !listed.iter().any(|entry| entry.name == name) {
                listed.push(DirEntry {
                    name,
                    is_dir: false,
                });
            }
        }
        entries
    }

    fn assumed_wrangler(&self) -> Option<VersionSource> {
        self.base.assumed_wrangler()
    }

    fn kind(&self, path: &Path) -> Option<PathKind> {
        match self.changed(path) {
            Some(_) => Some(PathKind::File),
            None => self.base.kind(path),
        }
    }
}

fn fix_extent(diagnostic: &Diagnostic) -> Span {
    let edits = diagnostic
        .fix
        .as_ref()
        .map_or(&[][..], |fix| &fix.edits[..]);
    edits
        .iter()
        .map(|edit| edit.span)
        .reduce(Span::cover)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applies_safe_fixes_to_a_fixed_point() {
        let text = r#"name = "w"
[placement]
mode = "smart"
hint = "enam"

[env.staging.placement]
mode = "smart"
hint = "weur"
"#;
        let outcome = fix_config(Path::new("wrangler.toml"), text, false, &|_| true);
        assert_eq!(
            outcome.text,
            r#"name = "w"
[placement]
mode = "smart"

[env.staging.placement]
mode = "smart"
"#
        );
        assert_eq!(outcome.applied.len(), 2);
        let again = fix_config(Path::new("wrangler.toml"), &outcome.text, false, &|_| true);
        assert!(again.applied.is_empty());
        assert_eq!(again.text, outcome.text);
    }

    #[test]
    fn leaves_unparsable_files_alone() {
        let text = r#"[placement]
mode = "smart"
hint = "x"
broken = 
"#;
        let outcome = fix_config(Path::new("wrangler.toml"), text, true, &|_| true);
        assert_eq!(outcome.text, text);
        assert!(outcome.applied.is_empty());
    }

    #[test]
    fn unsafe_fixes_need_opt_in() {
        let text = r#"{ "placement": { "mode": "smrat" } }"#;
        let safe = fix_config(Path::new("wrangler.json"), text, false, &|_| true);
        assert_eq!(safe.text, text);
        let all = fix_config(Path::new("wrangler.json"), text, true, &|_| true);
        assert_eq!(all.text, r#"{ "placement": { "mode": "smart" } }"#);
    }
}
