//! Which wrangler a project deploys with: the `wrangler` range in `package.json` and, when
//! present, the installed `node_modules/wrangler/package.json` version, which wins.

use std::cmp::Ordering;
use std::fmt;
use std::path::{Path, PathBuf};

use super::plain_json::{Quick, string_at};
use crate::date::Date;
use crate::span::Span;
use crate::syntax::{Format, parse};

/// A version as npm orders it (a pre-release sorts before its release).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    pub prerelease: bool,
}

impl Version {
    pub const fn new(major: u64, minor: u64, patch: u64) -> Self {
        Self {
            major,
            minor,
            patch,
            prerelease: false,
        }
    }

    /// An exact version (`4.53.0`, `v3.1.0`, `4.0.0-beta.2`).
    pub fn parse(text: &str) -> Option<Version> {
        match parse_partial(text.trim())? {
            Partial {
                major: Some(major),
                minor: Some(minor),
                patch: Some(patch),
                prerelease,
            } => Some(Version {
                major,
                minor,
                patch,
                prerelease,
            }),
            _ => None,
        }
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.major, self.minor, self.patch, !self.prerelease).cmp(&(
            other.major,
            other.minor,
            other.patch,
            !other.prerelease,
        ))
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if self.prerelease {
            f.write_str("-pre")?;
        }
        Ok(())
    }
}

/// A version with parts possibly left out or written as `x`/`*` (`4`, `4.x`, `2.19`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Partial {
    major: Option<u64>,
    minor: Option<u64>,
    patch: Option<u64>,
    prerelease: bool,
}

fn parse_partial(text: &str) -> Option<Partial> {
    let text = text.trim_start_matches(['v', '=']).trim();
    if text.is_empty() {
        return None;
    }
    // Build metadata never matters for ordering.
    let text = text.split('+').next().unwrap_or(text);
    let (core, prerelease) = match text.split_once('-') {
        Some((core, pre)) if !pre.is_empty() => (core, true),
        Some(_) => return None,
        None => (text, false),
    };
    let mut parts = [None; 3];
    for (index, piece) in core.split('.').enumerate() {
        let slot = parts.get_mut(index)?;
        *slot = match piece {
            "x" | "X" | "*" => None,
            digits if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) => {
                Some(digits.parse().ok()?)
            }
            _ => return None,
        };
    }
    // A wildcard makes every later part a wildcard too (`4.x.3` is `4.x`).
    if let Some(first_wild) = parts.iter().position(Option::is_none) {
        parts[first_wild..].iter_mut().for_each(|part| *part = None);
    }
    Some(Partial {
        major: parts[0],
        minor: parts[1],
        patch: parts[2],
        prerelease,
    })
}

impl Partial {
    fn floor(self) -> Version {
        Version {
            major: self.major.unwrap_or(0),
            minor: self.minor.unwrap_or(0),
            patch: self.patch.unwrap_or(0),
            prerelease: self.prerelease,
        }
    }

    /// The first version above every version this partial covers (`>2.19` is `>=2.20.0`).
    fn next_after(self) -> Option<Version> {
        Some(match (self.major, self.minor, self.patch) {
            (None, _, _) => return None,
            (Some(major), None, _) => Version::new(major + 1, 0, 0),
            (Some(major), Some(minor), None) => Version::new(major, minor + 1, 0),
            // npm leaves pre-releases out of `>` unless the range names one.
            (Some(major), Some(minor), Some(patch)) => Version::new(major, minor, patch + 1),
        })
    }
}

/// What a dependency spec says about the lowest wrangler it allows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LowerBound {
    /// The lowest version the range allows (`^3.1.0` → 3.1.0, `>=2 <4` → 2.0.0, `*` → 0.0.0).
    Version(Version),
    /// A dist-tag (`latest`), a workspace, file, git or URL spec, or text that is no range.
    Unknown,
}

/// The lowest version an npm range allows. Alternatives (`||`) take the lowest of their lower
/// bounds; within one, comparators combine by taking the highest lower bound.
pub fn lower_bound(spec: &str) -> LowerBound {
    let mut spec = spec.trim();
    // `npm:wrangler@^3` aliases the package; the range is after the last `@`.
    if let Some(alias) = spec.strip_prefix("npm:") {
        match alias.rsplit_once('@') {
            Some((name, range)) if !name.is_empty() => spec = range.trim(),
            _ => return LowerBound::Unknown,
        }
    }
    if spec.is_empty() {
        return LowerBound::Version(Version::new(0, 0, 0));
    }
    if spec.contains(':') || spec.contains('/') {
        return LowerBound::Unknown;
    }
    let mut lowest: Option<Version> = None;
    for alternative in spec.split("||") {
        let Some(bound) = alternative_lower_bound(alternative.trim()) else {
            return LowerBound::Unknown;
        };
        lowest = Some(lowest.map_or(bound, |known| known.min(bound)));
    }
    lowest.map_or(LowerBound::Unknown, LowerBound::Version)
}

fn alternative_lower_bound(alternative: &str) -> Option<Version> {
    if alternative.is_empty() {
        return Some(Version::new(0, 0, 0));
    }
    let tokens = comparator_tokens(alternative);
    // `1.2.3 - 2.3.4`: the lower end is the first version.
    if tokens.len() == 3 && tokens[1] == "-" {
        return Some(parse_partial(tokens[0])?.floor());
    }
    let mut highest = Version::new(0, 0, 0);
    for token in tokens {
        let bound = comparator_lower_bound(token)?;
        highest = highest.max(bound);
    }
    Some(highest)
}

/// Splits on white space, keeping an operator separated from its version (`>= 2.0.0`) with
/// the version.
fn comparator_tokens(alternative: &str) -> Vec<&str> {
    let mut tokens: Vec<&str> = Vec::new();
    let mut pending_operator: Option<&str> = None;
    for word in alternative.split_whitespace() {
        if let Some(operator) = pending_operator.take() {
            // Rejoin `>=` `2.0.0` by taking the slice that spans both words.
            let start = operator.as_ptr() as usize - alternative.as_ptr() as usize;
            let end = word.as_ptr() as usize - alternative.as_ptr() as usize + word.len();
            tokens.push(&alternative[start..end]);
        } else if matches!(word, ">" | ">=" | "<" | "<=" | "=" | "^" | "~" | "~>") {
            pending_operator = Some(word);
        } else {
            tokens.push(word);
        }
    }
    if let Some(operator) = pending_operator {
        tokens.push(operator);
    }
    tokens
}

fn comparator_lower_bound(token: &str) -> Option<Version> {
    let (operator, version) = split_operator(token);
    let version = version.trim();
    if matches!(operator, "<" | "<=") {
        parse_partial(version).or_else(|| is_wildcard(version).then_some(ANY))?;
        return Some(Version::new(0, 0, 0));
    }
    let partial = if is_wildcard(version) {
        ANY
    } else {
        parse_partial(version)?
    };
    match operator {
        ">" => Some(partial.next_after().unwrap_or(Version::new(0, 0, 0))),
        _ => Some(partial.floor()),
    }
}

const ANY: Partial = Partial {
    major: None,
    minor: None,
    patch: None,
    prerelease: false,
};

fn is_wildcard(text: &str) -> bool {
    matches!(text, "" | "*" | "x" | "X")
}

fn split_operator(token: &str) -> (&str, &str) {
    for operator in [">=", "<=", "~>", ">", "<", "=", "^", "~"] {
        if let Some(rest) = token.strip_prefix(operator) {
            return (operator, rest);
        }
    }
    ("", token)
}

/// A version string with its location in a `package.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionSource {
    pub file: PathBuf,
    /// The version string's value, quotes included.
    pub span: Span,
    pub text: String,
}

/// The wrangler a project deploys with.
#[derive(Debug, Clone, Default)]
pub struct WranglerVersion {
    /// `dependencies.wrangler` or `devDependencies.wrangler` of the nearest `package.json`
    /// that names wrangler.
    pub declared: Option<VersionSource>,
    /// `version` of the nearest `node_modules/wrangler/package.json`.
    pub installed: Option<VersionSource>,
    /// `version` of the `workerd` package that installed wrangler runs (`1.20251117.0`): its
    /// middle part is the newest compatibility date the local runtime supports.
    pub runtime: Option<VersionSource>,
}

impl WranglerVersion {
    /// The newest compatibility date the installed runtime (workerd) supports, with where
    /// that was read.
    pub fn runtime_date(&self) -> Option<(Date, &VersionSource)> {
        let runtime = self.runtime.as_ref()?;
        let mut parts = runtime.text.split('.');
        let (Some("1"), Some(date)) = (parts.next(), parts.next()) else {
            return None;
        };
        Some((Date::from_compact(date)?, runtime))
    }
}

impl WranglerVersion {
    /// The lowest wrangler the project may run: the installed version when known, otherwise
    /// the declared range's lower bound.
    pub fn lowest(&self) -> Option<(Version, &VersionSource)> {
        if let Some(installed) = &self.installed {
            return Version::parse(&installed.text).map(|version| (version, installed));
        }
        let declared = self.declared.as_ref()?;
        match lower_bound(&declared.text) {
            LowerBound::Version(version) => Some((version, declared)),
            LowerBound::Unknown => None,
        }
    }
}

/// `dependencies.wrangler` (or `devDependencies.wrangler`) of a `package.json` text.
pub fn declared_range(file: PathBuf, text: &str) -> Option<VersionSource> {
    // Most files are plain JSON: read without building their tree.
    let mut plain = true;
    for section in ["dependencies", "devDependencies"] {
        match string_at(text, section, "wrangler") {
            Quick::Plain(Some((range, span))) => {
                return Some(VersionSource {
                    file,
                    span,
                    text: range.to_owned(),
                });
            }
            Quick::Plain(None) => {}
            Quick::NotPlain => {
                plain = false;
                break;
            }
        }
    }
    if plain {
        return None;
    }
    let parsed = parse(text, Format::Json);
    ["dependencies", "devDependencies"]
        .iter()
        .find_map(|section| {
            let entry = parsed.root.get_table(section)?.get("wrangler")?;
            Some(VersionSource {
                file: file.clone(),
                span: entry.value.span,
                text: entry.value.as_str()?.to_owned(),
            })
        })
}

/// `version` of an installed package's `package.json`.
pub fn installed_version(file: PathBuf, text: &str) -> Option<VersionSource> {
    let parsed = parse(text, Format::Json);
    let entry = parsed.root.get("version")?;
    Some(VersionSource {
        file,
        span: entry.value.span,
        text: entry.value.as_str()?.to_owned(),
    })
}

/// What reading one file around a config gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup<T> {
    /// Not there (or not UTF-8 text).
    Missing,
    /// There but left alone, with the reason (see [`super::Unread::Skipped`]).
    Skipped(String),
    Read(T),
}

impl<T> Lookup<T> {
    fn from_read(outcome: Result<String, super::Unread>, parse: impl FnOnce(String) -> T) -> Self {
        match outcome {
            Ok(text) => Lookup::Read(parse(text)),
            Err(super::Unread::Missing) => Lookup::Missing,
            Err(super::Unread::Skipped(reason)) => Lookup::Skipped(reason),
        }
    }
}

/// Where the installed wrangler's manifest is, below a folder.
pub const INSTALLED_WRANGLER: &str = "node_modules/wrangler/package.json";

/// Where Node finds the `workerd` an installed wrangler runs, below the folder holding
/// `node_modules/wrangler`: beside wrangler's own files first, then next to wrangler.
pub const INSTALLED_RUNTIMES: [&str; 2] = [
    "node_modules/wrangler/node_modules/workerd/package.json",
    "node_modules/workerd/package.json",
];

/// A wrangler installed in a folder's `node_modules`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalledWrangler {
    /// Its `version`.
    pub version: Option<VersionSource>,
    /// The `workerd` manifests tried, in order, up to the first one read.
    pub runtimes: Vec<(PathBuf, Lookup<Option<VersionSource>>)>,
}

/// `folder/node_modules/wrangler/package.json`, and the `workerd` beside it (see
/// [`super::ProjectFiles::installed_wrangler`]).
pub fn read_installed_wrangler<F: super::ProjectFiles + ?Sized>(
    files: &F,
    folder: &Path,
) -> Lookup<InstalledWrangler> {
    let path = folder.join(INSTALLED_WRANGLER);
    let outcome = files.read_or_skip(&path);
    Lookup::from_read(outcome, |text| {
        let mut runtimes = Vec::new();
        for runtime in INSTALLED_RUNTIMES {
            let path = folder.join(runtime);
            let found = Lookup::from_read(files.read_or_skip(&path), |text| {
                installed_version(path.clone(), &text)
            });
            let read = matches!(found, Lookup::Read(_));
            runtimes.push((path, found));
            if read {
                break;
            }
        }
        InstalledWrangler {
            version: installed_version(path.clone(), &text),
            runtimes,
        }
    })
}

/// The `wrangler` range `folder/package.json` declares (see
/// [`super::ProjectFiles::declared_wrangler`]).
pub fn read_declared_wrangler<F: super::ProjectFiles + ?Sized>(
    files: &F,
    folder: &Path,
) -> Lookup<Option<VersionSource>> {
    let manifest = folder.join("package.json");
    Lookup::from_read(files.read_or_skip(&manifest), |text| {
        declared_range(manifest.clone(), &text)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bound(spec: &str) -> Option<String> {
        match lower_bound(spec) {
            LowerBound::Version(version) => Some(version.to_string()),
            LowerBound::Unknown => None,
        }
    }

    #[test]
    fn lower_bounds_of_npm_ranges() {
        let cases = [
            ("^3.1.0", Some("3.1.0")),
            ("~2.19", Some("2.19.0")),
            (">=2.0.0 <4", Some("2.0.0")),
            (">= 2.20.0", Some("2.20.0")),
            ("4.x", Some("4.0.0")),
            ("4", Some("4.0.0")),
            ("*", Some("0.0.0")),
            ("", Some("0.0.0")),
            ("x", Some("0.0.0")),
            ("<4.0.0", Some("0.0.0")),
            (">2.19", Some("2.20.0")),
            (">2", Some("3.0.0")),
            (">4.52.9", Some("4.52.10")),
            ("1.2.3 - 2.3.4", Some("1.2.3")),
            ("^2.0.0 || ^4.53.0", Some("2.0.0")),
            ("^4.60.0 || ^5", Some("4.60.0")),
            ("=4.53.0", Some("4.53.0")),
            ("v3.0.0", Some("3.0.0")),
            ("4.0.0-beta.3", Some("4.0.0-pre")),
            ("npm:wrangler@^3.5.0", Some("3.5.0")),
            ("latest", None),
            ("next", None),
            ("workspace:*", None),
            ("workspace:^3.1.0", None),
            ("file:../wrangler", None),
            ("github:cloudflare/workers-sdk", None),
            ("https://example.com/w.tgz", None),
            ("^3.x.y", None),
        ];
        for (spec, expected) in cases {
            assert_eq!(bound(spec).as_deref(), expected, "{spec:?}");
        }
    }

    #[test]
    fn prereleases_sort_before_releases() {
        assert!(Version::parse("4.53.0-rc.1").unwrap() < Version::new(4, 53, 0));
        assert!(Version::parse("4.53.0").unwrap() >= Version::new(4, 53, 0));
        assert_eq!(Version::parse("4.53"), None);
    }

    #[test]
    fn reads_package_json_versions() {
        let text = r#"{ "devDependencies": { "wrangler": "^3.0.0" } }"#;
        let declared = declared_range(PathBuf::from("package.json"), text).unwrap();
        assert_eq!(declared.text, "^3.0.0");
        assert_eq!(&text[declared.span.start..declared.span.end], r#""^3.0.0""#);
        let installed = installed_version(
            PathBuf::from("p.json"),
            r#"{"name":"wrangler","version":"3.9.1"}"#,
        )
        .unwrap();
        let project = WranglerVersion {
            declared: Some(declared),
            installed: Some(installed),
            runtime: None,
        };
        assert_eq!(project.lowest().unwrap().0, Version::new(3, 9, 1));
        assert!(project.runtime_date().is_none());
    }

    #[test]
    fn reads_the_runtime_date_from_workerd_versions() {
        let runtime = |version: &str| WranglerVersion {
            runtime: installed_version(
                PathBuf::from("node_modules/workerd/package.json"),
                &format!(r#"{{"version":"{version}"}}"#),
            ),
            ..WranglerVersion::default()
        };
        let date = |version: &str| runtime(version).runtime_date().map(|(d, _)| d.to_string());
        assert_eq!(date("1.20261117.1").as_deref(), Some("2026-11-17"));
        assert_eq!(date("1.20261117.0-beta").as_deref(), Some("2026-11-17"));
        assert_eq!(date("2.20261117.1"), None);
        assert_eq!(date("1.20261317.1"), None);
        assert_eq!(date("latest"), None);
    }
}
