//! Finding and merging placement-lint's settings files for a checked file: the nearest
//! `placement-lint.toml`, `.placement-lint.toml` or `package.json` with a `"placement-lint"`
//! key, from the file's folder up, then each file it `extend`s. The text of each file is read by
//! [`placement_analysis::settings`]; this module reads the disk and merges.

use std::collections::HashMap;

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use globset::{GlobBuilder, GlobMatcher};
use placement_analysis::path_key::PathMap;
use placement_analysis::project::monorepo::Tree;
use placement_analysis::project::package::{InstalledWrangler, Lookup, VersionSource};
use placement_analysis::project::{DirEntry, PathKind, ProjectFiles, Unread};
use placement_analysis::selection::RuleSelection;
use placement_analysis::settings::{
    Located, RuleLevel, SettingsError, SettingsLayer, SettingsSource, parse_layer,
    skip_environments,
};
use placement_analysis::{Diagnostic, Rule, Span};

use crate::disk::Manifests;
use crate::read::{MAX_FILE_BYTES, read_text};

/// The names of a settings file, in the order they are looked for in each folder (then
/// `package.json`).
pub const SETTINGS_FILE_NAMES: [&str; 2] = ["placement-lint.toml", ".placement-lint.toml"];

/// How many files an `extend` chain may hold.
const MAX_EXTEND_DEPTH: usize = 32;

/// Whether `path` names a file that can hold settings (for watchers).
pub fn is_settings_file_name(name: &str) -> bool {
    SETTINGS_FILE_NAMES.contains(&name) || name == "package.json"
}

/// One settings file that was read.
#[derive(Debug, Clone)]
pub struct SettingsFile {
    pub path: PathBuf,
    pub text: String,
    pub layer: SettingsLayer,
}

/// A settings file that cannot be used: its errors, each at a place in its text.
#[derive(Debug, Clone)]
pub struct SettingsFailure {
    pub path: PathBuf,
    /// The file's text (empty when it could not be read).
    pub text: String,
    pub errors: Vec<SettingsError>,
}

impl SettingsFailure {
    fn one(path: &Path, text: &str, span: Span, message: String) -> Self {
        Self {
            path: path.to_path_buf(),
            text: text.to_owned(),
            errors: vec![SettingsError::new(span, message)],
        }
    }
}

/// Where settings come from: searched for each file, one file for all, or none.
#[derive(Debug, Clone, Default)]
pub enum SettingsMode {
    /// The nearest settings file of each checked file (the default).
    #[default]
    Nearest,
    /// `--config PATH`: this file for every checked file.
    File(PathBuf),
    /// `--isolated`: no settings file; defaults and the command line only.
    Isolated,
    /// Like `Nearest`, but never reading a file outside this folder (canonical), the search
    /// stopping there and an `extend` out of it an error: for a server rooted at a folder.
    NearestWithin(PathBuf),
}

/// A setting's value as it applies, with the file that set it.
#[derive(Debug, Clone)]
pub struct Origin<T> {
    pub value: T,
    /// The settings file that set it.
    pub file: PathBuf,
}

/// A glob of a settings file, relative to that file's folder.
#[derive(Debug, Clone)]
struct FolderGlob {
    base: PathBuf,
    pattern: String,
    matcher: GlobMatcher,
    /// A pattern without `/` matches a name at any depth, as in `.gitignore`.
    any_depth: bool,
}

impl FolderGlob {
    fn new(base: &Path, glob: &Located<String>) -> Result<Self, SettingsError> {
        let pattern = glob.value.trim_start_matches("./");
        let matcher = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|error| {
                SettingsError::new(
                    glob.span,
                    format!("`{}` is not a valid glob: {}", glob.value, error.kind()),
                )
            })?
            .compile_matcher();
        Ok(Self {
            base: base.to_path_buf(),
            pattern: glob.value.clone(),
            matcher,
            any_depth: !pattern.contains('/'),
        })
    }

    /// Whether `path` (absolute), or a folder it is in, matches.
    fn matches(&self, path: &Path) -> bool {
        let Ok(relative) = path.strip_prefix(&self.base) else {
            return false;
        };
        relative
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty())
            .any(|candidate| {
                self.matcher.is_match(candidate)
                    || (self.any_depth
                        && candidate
                            .file_name()
                            .is_some_and(|name| self.matcher.is_match(name)))
            })
    }
}

/// The settings that apply to a checked file, merged from its settings files.
#[derive(Debug, Clone)]
pub struct ResolvedSettings {
    /// The files read, the nearest last (each after the files it extends).
    pub files: Vec<PathBuf>,
    pub selection: RuleSelection,
    /// Where `select`, `extend-select` and `ignore` were last set.
    pub selection_origins: Vec<Origin<String>>,
    pub levels: HashMap<&'static str, Origin<RuleLevel>>,
    per_file_ignores: Vec<(FolderGlob, Vec<String>, PathBuf)>,
    exclude: Option<Origin<Vec<FolderGlob>>>,
    pub skip_environments: Option<Origin<Vec<String>>>,
    pub wrangler_version: Option<VersionSource>,
}

impl Default for ResolvedSettings {
    fn default() -> Self {
        Self {
            files: Vec::new(),
            selection: RuleSelection::all(),
            selection_origins: Vec::new(),
            levels: HashMap::new(),
            per_file_ignores: Vec::new(),
            exclude: None,
            skip_environments: None,
            wrangler_version: None,
        }
    }
}

impl ResolvedSettings {
    /// Merges files given base first (an extended file before the file extending it).
    fn merge(files: &[SettingsFile]) -> Result<Self, SettingsFailure> {
        let mut settings = ResolvedSettings::default();
        for file in files {
            let folder = file.path.parent().unwrap_or(Path::new("/"));
            let layer = &file.layer;
            let fail = |error: SettingsError| SettingsFailure {
                path: file.path.clone(),
                text: file.text.clone(),
                errors: vec![error],
            };
            if layer.select.is_some() || layer.extend_select.is_some() || layer.ignore.is_some() {
                settings.selection = settings.selection.layered(
                    layer.select.as_ref().map(|s| s.value.as_slice()),
                    layer
                        .extend_select
                        .as_ref()
                        .map_or(&[], |s| s.value.as_slice()),
                    layer.ignore.as_ref().map_or(&[], |s| s.value.as_slice()),
                );
                for (name, value) in [
                    ("select", &layer.select),
                    ("extend-select", &layer.extend_select),
                    ("ignore", &layer.ignore),
                ] {
                    if let Some(value) = value {
                        settings.selection_origins.push(Origin {
                            value: format!("{name} = [{}]", quoted(&value.value)),
                            file: file.path.clone(),
                        });
                    }
                }
            }
            for (rule, level) in &layer.rules {
                settings.levels.insert(
                    rule.code,
                    Origin {
                        value: level.value,
                        file: file.path.clone(),
                    },
                );
            }
            for (glob, codes) in &layer.per_file_ignores {
                let glob = FolderGlob::new(folder, glob).map_err(fail)?;
                settings
                    .per_file_ignores
                    .push((glob, codes.clone(), file.path.clone()));
            }
            if let Some(exclude) = &layer.exclude {
                let globs = exclude
                    .value
                    .iter()
                    .map(|glob| FolderGlob::new(folder, glob))
                    .collect::<Result<Vec<_>, _>>()
                    .map_err(fail)?;
                settings.exclude = Some(Origin {
                    value: globs,
                    file: file.path.clone(),
                });
            }
            if let Some(skipped) = &layer.skip_environments {
                settings.skip_environments = Some(Origin {
                    value: skipped.value.clone(),
                    file: file.path.clone(),
                });
            }
            if let Some(version) = &layer.wrangler_version {
                settings.wrangler_version = Some(VersionSource {
                    file: file.path.clone(),
                    span: version.span,
                    text: version.value.clone(),
                });
            }
            settings.files.push(file.path.clone());
        }
        Ok(settings)
    }

    /// These settings with the command line's (or an editor's) `select`/`ignore` on top.
    pub fn with_selection_override(mut self, over: &RuleSelection) -> Self {
        self.selection = self.selection.overridden_by(over);
        self
    }

    /// Whether a rule is reported at all (selected and not set to "off").
    pub fn is_enabled(&self, rule: &Rule) -> bool {
        self.selection.is_selected(rule)
            && !matches!(
                self.levels.get(rule.code).map(|level| level.value),
                Some(RuleLevel::Off)
            )
    }

    /// The severity `[rules]` gives a rule, if it gives one.
    pub fn severity_of(&self, rule: &Rule) -> Option<placement_analysis::Severity> {
        match self.levels.get(rule.code)?.value {
            RuleLevel::Severity(severity) => Some(severity),
            RuleLevel::Off => None,
        }
    }

    /// Whether `exclude` leaves this file out of checking.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude
            .as_ref()
            .is_some_and(|exclude| exclude.value.iter().any(|glob| glob.matches(path)))
    }

    /// Applies the settings to a config's diagnostics: the selection, `[rules]` levels,
    /// `per-file-ignores` (matched against each diagnostic's file) and skipped environments.
    pub fn apply(&self, config: &Path, text: &str, diagnostics: &mut Vec<Diagnostic>) {
        diagnostics.retain(|diagnostic| {
            self.is_enabled(diagnostic.rule) && !self.ignored_in_file(diagnostic)
        });
        for diagnostic in diagnostics.iter_mut() {
            if let Some(Origin {
                value: RuleLevel::Severity(severity),
                ..
            }) = self.levels.get(diagnostic.rule.code)
            {
                diagnostic.severity = *severity;
            }
        }
        if let Some(skipped) = &self.skip_environments {
            skip_environments(config, text, &skipped.value, diagnostics);
        }
    }

    fn ignored_in_file(&self, diagnostic: &Diagnostic) -> bool {
        self.per_file_ignores.iter().any(|(glob, codes, _)| {
            glob.matches(&diagnostic.file)
                && RuleSelection::new(codes, &[]).is_ok_and(|selection| {
                    !codes.is_empty() && selection.is_selected(diagnostic.rule)
                })
        })
    }

    /// The settings as `show-settings` prints them, one `key = value  # from FILE` a line.
    pub fn describe(&self, display: &dyn Fn(&Path) -> String) -> Vec<String> {
        let mut lines = Vec::new();
        if self.files.is_empty() {
            lines.push("# no settings file: the defaults".to_owned());
        } else {
            let files: Vec<String> = self.files.iter().map(|file| display(file)).collect();
            lines.push(format!(
                "# settings files, nearest last: {}",
                files.join(", ")
            ));
        }
        let from = |file: &Path| format!("  # from {}", display(file));
        for origin in &self.selection_origins {
            lines.push(format!("{}{}", origin.value, from(&origin.file)));
        }
        let enabled: Vec<&str> = placement_analysis::all_rules()
            .filter(|rule| self.is_enabled(rule))
            .map(|rule| rule.code)
            .collect();
        lines.push(format!("# rules reported: {}", enabled.join(", ")));
        let mut levels: Vec<_> = self.levels.iter().collect();
        levels.sort_by_key(|(code, _)| **code);
        for (code, level) in levels {
            lines.push(format!(
                "rules.{code} = \"{}\"{}",
                level.value.as_str(),
                from(&level.file)
            ));
        }
        for (glob, codes, file) in &self.per_file_ignores {
            lines.push(format!(
                "per-file-ignores.\"{}\" = [{}]{}",
                glob.pattern,
                quoted(codes),
                from(file)
            ));
        }
        if let Some(exclude) = &self.exclude {
            let patterns: Vec<String> = exclude.value.iter().map(|g| g.pattern.clone()).collect();
            lines.push(format!(
                "exclude = [{}]{}",
                quoted(&patterns),
                from(&exclude.file)
            ));
        }
        if let Some(skipped) = &self.skip_environments {
            lines.push(format!(
                "skip-environments = [{}]{}",
                quoted(&skipped.value),
                from(&skipped.file)
            ));
        }
        if let Some(version) = &self.wrangler_version {
            lines.push(format!(
                "wrangler-version = \"{}\"{}",
                version.text,
                from(&version.file)
            ));
        }
        lines
    }
}

fn quoted(items: &[String]) -> String {
    items
        .iter()
        .map(|item| format!("{item:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The settings of a folder, or why they cannot be used (shared: one failure is shown once).
pub type Resolution = Result<Arc<ResolvedSettings>, Arc<SettingsFailure>>;

/// Resolves the settings of checked files. Each folder is looked at once (siblings share
/// their parents' answers) and each settings file is read and merged once, so that thousands
/// of configs cost a few lookups each and a settings file in error is one failure, shown once.
#[derive(Debug, Default)]
pub struct SettingsResolver {
    mode: SettingsMode,
    over: Option<RuleSelection>,
    /// For each folder looked at, the settings file that applies there (nearest mode).
    nearest: Mutex<PathMap<Option<PathBuf>>>,
    /// For each settings file, what it resolves to.
    by_settings_file: Mutex<PathMap<Resolution>>,
    /// What no settings file resolves to (the defaults, with `over`).
    without_file: Mutex<Option<Resolution>>,
    /// The `package.json` files read, shared with the project reader of the same run.
    manifests: Option<Arc<Manifests>>,
}

impl SettingsResolver {
    /// `over`: the command line's (or an editor's) selection, applied on top of every file's.
    pub fn new(mode: SettingsMode, over: Option<RuleSelection>) -> Self {
        Self {
            mode,
            over,
            nearest: Mutex::default(),
            by_settings_file: Mutex::default(),
            without_file: Mutex::default(),
            manifests: None,
        }
    }

    /// Reads each `package.json` through `manifests`, shared with the project reader (see
    /// [`crate::SharedDiskFiles::manifests`]), so that a run reads each one once.
    pub fn sharing_manifests(mut self, manifests: Arc<Manifests>) -> Self {
        self.manifests = Some(manifests);
        self
    }

    /// The settings that apply to `file` (absolute).
    pub fn for_file(&self, file: &Path) -> Resolution {
        let folder = file.parent().unwrap_or(Path::new("/"));
        let settings_file = match &self.mode {
            SettingsMode::Isolated => None,
            SettingsMode::File(path) => Some(normalize(path)),
            SettingsMode::Nearest => self.nearest_settings_file(folder, None),
            SettingsMode::NearestWithin(ceiling) => {
                self.nearest_settings_file(&canonical(folder), Some(ceiling))
            }
        };
        let known = match &settings_file {
            Some(path) => lock(&self.by_settings_file).get(path).cloned(),
            None => lock(&self.without_file).clone(),
        };
        if let Some(found) = known {
            return found;
        }
        let resolved = self
            .resolve(settings_file.as_deref())
            .map(|settings| match &self.over {
                Some(over) => settings.with_selection_override(over),
                None => settings,
            })
            .map(Arc::new)
            .map_err(Arc::new);
        match settings_file {
            Some(path) => {
                lock(&self.by_settings_file).insert(path, resolved.clone());
            }
            None => *lock(&self.without_file) = Some(resolved.clone()),
        }
        resolved
    }

    /// The nearest settings file from `folder` up (no further up than `ceiling`).
    fn nearest_settings_file(&self, folder: &Path, ceiling: Option<&Path>) -> Option<PathBuf> {
        let mut visited = Vec::new();
        let mut found = None;
        for current in folder.ancestors() {
            if ceiling.is_some_and(|ceiling| !current.starts_with(ceiling)) {
                break;
            }
            if let Some(known) = lock(&self.nearest).get(current) {
                found = known.clone();
                break;
            }
            visited.push(current.to_path_buf());
            if let Some(path) = self.settings_file_in(current) {
                found = Some(path);
                break;
            }
        }
        let mut nearest = lock(&self.nearest);
        for folder in visited {
            nearest.insert(folder, found.clone());
        }
        found
    }

    /// The settings file of this folder itself, if it has one: `placement-lint.toml`, then
    /// `.placement-lint.toml`, then a `package.json` with a `"placement-lint"` key at its top
    /// level (one that only lists placement-lint among its dependencies does not count).
    fn settings_file_in(&self, folder: &Path) -> Option<PathBuf> {
        // The walk's listings, when shared, say which files exist without asking the disk.
        let listings = self.manifests.as_deref().map(Manifests::listings);
        for name in SETTINGS_FILE_NAMES {
            let path = folder.join(name);
            if listings.map_or_else(|| path.is_file(), |listings| listings.is_file(&path)) {
                return Some(path);
            }
        }
        let manifest = folder.join("package.json");
        let text: Arc<str> = match &self.manifests {
            Some(manifests) => manifests.read_or_skip(&manifest).ok()?,
            None => read_text(&manifest, MAX_FILE_BYTES).ok()?.into(),
        };
        let key = format!("\"{}\"", placement_analysis::settings::PACKAGE_JSON_KEY);
        (text.contains(&key) && parse_layer(&text, SettingsSource::PackageJson).is_some())
            .then_some(manifest)
    }

    fn resolve(&self, settings_file: Option<&Path>) -> Result<ResolvedSettings, SettingsFailure> {
        let Some(path) = settings_file else {
            return Ok(ResolvedSettings::default());
        };
        let Some(first) = read_settings_file(path, None)? else {
            return match self.mode {
                SettingsMode::File(_) => Err(SettingsFailure::one(
                    path,
                    "",
                    Span::empty(0),
                    format!(
                        "`{}` has no `\"{}\"` key",
                        path.display(),
                        placement_analysis::settings::PACKAGE_JSON_KEY
                    ),
                )),
                // Changed since it was found: as if it were not there.
                _ => Ok(ResolvedSettings::default()),
            };
        };
        let ceiling = match &self.mode {
            SettingsMode::NearestWithin(ceiling) => Some(ceiling.as_path()),
            _ => None,
        };
        let chain = extend_chain(first, ceiling)?;
        ResolvedSettings::merge(&chain)
    }
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Reads and checks one settings file; `None` for a `package.json` without the key.
/// `referenced_at`: the `extend` that named it, for the error when it cannot be read.
fn read_settings_file(
    path: &Path,
    referenced_at: Option<(&SettingsFile, Span)>,
) -> Result<Option<SettingsFile>, SettingsFailure> {
    let text = read_text(path, MAX_FILE_BYTES).map_err(|error| {
        let message = format!(
            "cannot read the settings file `{}`: {error}",
            path.display()
        );
        match referenced_at {
            Some((file, span)) => SettingsFailure::one(&file.path, &file.text, span, message),
            None => SettingsFailure::one(path, "", Span::empty(0), message),
        }
    })?;
    let source = if path.file_name().is_some_and(|name| name == "package.json") {
        SettingsSource::PackageJson
    } else {
        SettingsSource::Toml
    };
    let Some((layer, errors)) = parse_layer(&text, source) else {
        return Ok(None);
    };
    if !errors.is_empty() {
        return Err(SettingsFailure {
            path: path.to_path_buf(),
            text,
            errors,
        });
    }
    Ok(Some(SettingsFile {
        path: path.to_path_buf(),
        text,
        layer,
    }))
}

/// `first` and every file it extends, the base first. A cycle is an error at the `extend` that
/// closes it.
fn extend_chain(
    first: SettingsFile,
    ceiling: Option<&Path>,
) -> Result<Vec<SettingsFile>, SettingsFailure> {
    let mut chain = vec![first];
    let mut seen = vec![canonical(&chain[0].path)];
    loop {
        let last = chain.last().expect("the chain starts with one file");
        let Some(extend) = last.layer.extend.clone() else {
            break;
        };
        let folder = last.path.parent().unwrap_or(Path::new("/"));
        let target = normalize(&folder.join(&extend.value));
        let key = canonical(&target);
        if let Some(position) = seen.iter().position(|seen| *seen == key) {
            return Err(SettingsFailure::one(
                &last.path,
                &last.text,
                extend.span,
                format!(
                    "`extend` makes a cycle: `{}` is already in the chain of {} file(s) it \
                     extends from",
                    extend.value,
                    chain.len() - position
                ),
            ));
        }
        if let Some(ceiling) = ceiling
            && !key.starts_with(ceiling)
        {
            return Err(SettingsFailure::one(
                &last.path,
                &last.text,
                extend.span,
                format!(
                    "`extend` leads outside `{}`, the folder being served",
                    ceiling.display()
                ),
            ));
        }
        if chain.len() >= MAX_EXTEND_DEPTH {
            return Err(SettingsFailure::one(
                &last.path,
                &last.text,
                extend.span,
                format!("`extend` chains more than {MAX_EXTEND_DEPTH} files"),
            ));
        }
        let next = read_settings_file(&target, Some((last, extend.span)))?.ok_or_else(|| {
            SettingsFailure::one(
                &last.path,
                &last.text,
                extend.span,
                format!(
                    "`{}` has no `\"{}\"` key to extend",
                    target.display(),
                    placement_analysis::settings::PACKAGE_JSON_KEY
                ),
            )
        })?;
        seen.push(key);
        chain.push(next);
    }
    chain.reverse();
    Ok(chain)
}

/// `path` with `.` and `..` resolved in the text (links are not followed), for messages.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::CurDir => {}
            std::path::Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    out
}

fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Project files with the `wrangler-version` setting answered: a reader for the analysis that
/// assumes that version when the project has no wrangler installed.
pub struct WithSettings<'a> {
    pub files: &'a dyn ProjectFiles,
    pub settings: &'a ResolvedSettings,
}

impl ProjectFiles for WithSettings<'_> {
    fn read(&self, path: &Path) -> Option<String> {
        self.files.read(path)
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        self.files.read_or_skip(path)
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        self.files.list_dir(path)
    }

    fn kind(&self, path: &Path) -> Option<PathKind> {
        self.files.kind(path)
    }

    fn assumed_wrangler(&self) -> Option<VersionSource> {
        self.settings.wrangler_version.clone()
    }

    fn installed_wrangler(&self, folder: &Path) -> Lookup<InstalledWrangler> {
        self.files.installed_wrangler(folder)
    }

    fn declared_wrangler(&self, folder: &Path) -> Lookup<Option<VersionSource>> {
        self.files.declared_wrangler(folder)
    }

    fn tree_workers(&self, root: &Path) -> Arc<Tree> {
        self.files.tree_workers(root)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) -> PathBuf {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    #[test]
    fn nearest_file_wins_and_extend_layers_under_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "placement-lint.toml",
            "ignore = [\"PL101\"]\n[rules]\nPL003 = \"error\"\n",
        );
        write(
            root,
            "apps/api/.placement-lint.toml",
            "extend = \"../../placement-lint.toml\"\nextend-select = []\nignore = [\"PL102\"]\n",
        );
        write(
            root,
            "apps/web/package.json",
            "{\"placement-lint\": {\"select\": [\"PL1\"]}}",
        );
        let resolver = SettingsResolver::new(SettingsMode::Nearest, None);
        let rule = |code| placement_analysis::find_rule(code).unwrap();

        let api = resolver
            .for_file(&root.join("apps/api/wrangler.toml"))
            .unwrap();
        assert_eq!(api.files.len(), 2);
        assert!(!api.is_enabled(rule("PL101")) && !api.is_enabled(rule("PL102")));
        assert!(api.is_enabled(rule("PL003")));
        assert_eq!(
            api.levels["PL003"].value,
            RuleLevel::Severity(placement_analysis::Severity::Error)
        );

        let web = resolver
            .for_file(&root.join("apps/web/wrangler.toml"))
            .unwrap();
        assert!(web.is_enabled(rule("PL101")) && !web.is_enabled(rule("PL003")));

        let isolated = SettingsResolver::new(SettingsMode::Isolated, None)
            .for_file(&root.join("apps/api/wrangler.toml"))
            .unwrap();
        assert!(isolated.files.is_empty() && isolated.is_enabled(rule("PL101")));
    }

    #[test]
    fn a_dependency_on_placement_lint_is_not_a_settings_key() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "placement-lint.toml", "ignore = [\"PL101\"]\n");
        write(
            root,
            "app/package.json",
            "{\"devDependencies\": {\"placement-lint\": \"^0.1.0\"}}",
        );
        let resolver = SettingsResolver::new(SettingsMode::Nearest, None);
        let settings = resolver.for_file(&root.join("app/wrangler.toml")).unwrap();
        assert_eq!(settings.files, [root.join("placement-lint.toml")]);
    }

    #[test]
    fn one_settings_file_resolves_once_for_every_folder_under_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "placement-lint.toml", "selct = []\n");
        let resolver = SettingsResolver::new(SettingsMode::Nearest, None);
        let a = resolver
            .for_file(&root.join("a/wrangler.toml"))
            .unwrap_err();
        let b = resolver
            .for_file(&root.join("b/c/wrangler.toml"))
            .unwrap_err();
        assert!(Arc::ptr_eq(&a, &b), "one failure, shown once");
        let fine = SettingsResolver::new(SettingsMode::Isolated, None);
        let (x, y) = (
            fine.for_file(&root.join("a/wrangler.toml")).unwrap(),
            fine.for_file(&root.join("b/wrangler.toml")).unwrap(),
        );
        assert!(Arc::ptr_eq(&x, &y));
    }

    #[test]
    fn an_invalid_glob_is_an_error_at_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "placement-lint.toml",
            "exclude = [\"ok/**\", \"a[\"]\n",
        );
        let failure = SettingsResolver::new(SettingsMode::Nearest, None)
            .for_file(&root.join("wrangler.toml"))
            .unwrap_err();
        let span = failure.errors[0].span;
        assert_eq!(&failure.text[span.start..span.end], "\"a[\"");
        assert!(failure.errors[0].message.contains("not a valid glob"));
    }

    #[test]
    fn extend_cycles_are_errors_at_the_extend() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "placement-lint.toml",
            "extend = \"a/placement-lint.toml\"\n",
        );
        write(
            root,
            "a/placement-lint.toml",
            "extend = \"../placement-lint.toml\"\n",
        );
        let failure = SettingsResolver::new(SettingsMode::Nearest, None)
            .for_file(&root.join("wrangler.toml"))
            .unwrap_err();
        assert!(failure.errors[0].message.contains("makes a cycle"));
        assert!(failure.path.ends_with("a/placement-lint.toml"));
        let span = failure.errors[0].span;
        assert_eq!(
            &failure.text[span.start..span.end],
            "\"../placement-lint.toml\""
        );
    }

    #[test]
    fn globs_are_relative_to_the_settings_folder() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "placement-lint.toml",
            "exclude = [\"legacy\", \"apps/*/old/**\"]\n[per-file-ignores]\n\"*.jsonc\" = [\"PL003\"]\n",
        );
        let settings = SettingsResolver::new(SettingsMode::Nearest, None)
            .for_file(&root.join("wrangler.toml"))
            .unwrap();
        assert!(settings.is_excluded(&root.join("legacy/wrangler.toml")));
        assert!(settings.is_excluded(&root.join("x/legacy/wrangler.toml")));
        assert!(settings.is_excluded(&root.join("apps/a/old/b/wrangler.toml")));
        assert!(!settings.is_excluded(&root.join("apps/a/wrangler.toml")));
        let mut diagnostics =
            placement_analysis::check_config(&root.join("a/wrangler.jsonc"), "{\"nme\": \"x\"}");
        assert_eq!(diagnostics.len(), 1);
        settings.apply(
            &root.join("a/wrangler.jsonc"),
            "{\"nme\": \"x\"}",
            &mut diagnostics,
        );
        assert!(diagnostics.is_empty());
    }
}
