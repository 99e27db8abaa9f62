//! A Pages project: the `functions/` tree with its routes, `_routes.json` and advanced mode's
//! `_worker.js`.

use std::path::{Path, PathBuf};

use crate::diagnostic::Edit;
use crate::edits::string_literal;
use crate::project::DirEntry;
use crate::span::Span;
use crate::syntax::{Format, Node, NodeKind, parse};

/// How deep the `functions/` tree is walked.
pub const MAX_FUNCTIONS_DEPTH: usize = 32;

/// One file under `functions/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionFile {
    pub path: PathBuf,
    /// The route it serves, in Pages' notation (`/api/:id`, `/docs/:path*`); for a
    /// middleware, the routes it runs for (`/*`, `/api/*`).
    pub route: String,
    pub is_middleware: bool,
}

impl FunctionFile {
    /// A function file from its path relative to `functions/` (`api/[id].ts`).
    pub fn new(path: PathBuf, relative: &Path) -> Self {
        let mut segments: Vec<String> = relative
            .iter()
            .map(|part| part.to_string_lossy().into_owned())
            .collect();
        let file = segments.pop().unwrap_or_default();
        let stem = file
            .rsplit_once('.')
            .map_or(file.as_str(), |(stem, _)| stem);
        let is_middleware = stem == "_middleware";
        if !is_middleware && stem != "index" {
            segments.push(stem.to_owned());
        }
        let mut route = String::new();
        for segment in &segments {
            route.push('/');
            route.push_str(&route_segment(segment));
        }
        if is_middleware {
            route.push_str("/*");
        } else if route.is_empty() {
            route.push('/');
        }
        Self {
            path,
            route,
            is_middleware,
        }
    }

    /// A middleware in `functions/` itself, which runs for every request reaching Functions.
    pub fn is_root_middleware(&self) -> bool {
        self.is_middleware && self.route == "/*"
    }
}

/// `[id]` → `:id`, `[[path]]` → `:path*`, anything else as written.
fn route_segment(segment: &str) -> String {
    if let Some(name) = segment
        .strip_prefix("[[")
        .and_then(|rest| rest.strip_suffix("]]"))
    {
        format!(":{name}*")
    } else if let Some(name) = segment
        .strip_prefix('[')
        .and_then(|rest| rest.strip_suffix(']'))
    {
        format!(":{name}")
    } else {
        segment.to_owned()
    }
}

/// The file in the build output that says which requests reach Functions.
pub const ROUTES_FILE: &str = "_routes.json";

/// Pages' limits on `_routes.json`: include and exclude rules together, and one rule's length.
pub const MAX_ROUTE_RULES: usize = 100;
pub const MAX_ROUTE_RULE_CHARS: usize = 100;

/// `_routes.json`: which requests reach Functions at all.
#[derive(Debug, Clone)]
pub struct RoutesFile {
    pub path: PathBuf,
    /// `include` patterns with their spans in the file.
    pub include: Vec<(String, Span)>,
    pub exclude: Vec<(String, Span)>,
    /// Whether the file parsed and has an `include` array (Pages rejects it otherwise).
    pub valid: bool,
    /// Where new `exclude` rules go: after the last item of the `exclude` array, before the
    /// `]` of an empty one, or after the `include` entry.
    exclude_array: Option<Span>,
    exclude_last_item_end: Option<usize>,
    include_entry_end: Option<usize>,
}

impl RoutesFile {
    pub fn parse(path: PathBuf, text: &str) -> Self {
        let parsed = parse(text, Format::Json);
        let array = |key: &str| {
            parsed
                .root
                .get(key)
                .and_then(|entry| entry.value.as_array().map(|items| (entry, items)))
        };
        let patterns = |key: &str| -> Option<Vec<(String, Span)>> {
            let (_, items) = array(key)?;
            Some(
                items
                    .iter()
                    .filter_map(|item: &Node| Some((item.as_str()?.to_owned(), item.span)))
                    .collect(),
            )
        };
        let include = patterns("include");
        let valid = parsed.errors.is_empty() && include.is_some();
        Self {
            path,
            include: include.unwrap_or_default(),
            exclude: patterns("exclude").unwrap_or_default(),
            valid,
            exclude_array: array("exclude").map(|(entry, _)| entry.value.span),
            exclude_last_item_end: array("exclude")
                .and_then(|(_, items)| items.last())
                .map(|item| item.span.end),
            include_entry_end: array("include").map(|(entry, _)| entry.value.span.end),
        }
    }

    /// The `include` pattern that sends every path to Functions (`/*`), if any.
    pub fn includes_everything(&self) -> Option<&(String, Span)> {
        self.include
            .iter()
            .find(|(pattern, _)| matches!(pattern.as_str(), "/*" | "/**" | "*"))
    }

    /// Whether `pattern` is an `exclude` rule already.
    pub fn excludes(&self, pattern: &str) -> bool {
        self.exclude.iter().any(|(written, _)| written == pattern)
    }

    /// The edits adding `patterns` to `exclude`, keeping every rule and the file's layout. `None`
    /// when the file is not one Pages reads.
    pub fn add_excludes(&self, patterns: &[String]) -> Option<Vec<Edit>> {
        if !self.valid {
            return None;
        }
        let items = patterns
            .iter()
            .map(|pattern| string_literal(pattern))
            .collect::<Vec<_>>()
            .join(", ");
        if let Some(last) = self.exclude_last_item_end {
            return Some(vec![Edit::insert(last, format!(", {items}"))]);
        }
        if let Some(array) = self.exclude_array {
            let close = array.end.checked_sub(1)?;
            return Some(vec![Edit::insert(close, items)]);
        }
        let after_include = self.include_entry_end?;
        Some(vec![Edit::insert(
            after_include,
            format!(", \"exclude\": [{items}]"),
        )])
    }
}

/// A new `_routes.json`: Functions for every path but `exclude`.
pub fn new_routes_json(exclude: &[String]) -> String {
    let items = exclude
        .iter()
        .map(|pattern| format!("    {}", string_literal(pattern)))
        .collect::<Vec<_>>()
        .join(",\n");
    format!("{{\n  \"version\": 1,\n  \"include\": [\"/*\"],\n  \"exclude\": [\n{items}\n  ]\n}}\n")
}

/// Why Pages would refuse `text` as `_routes.json`, if it would: it must parse, say
/// `"version": 1`, have at least one `include` rule, at most [`MAX_ROUTE_RULES`] rules in all,
/// each a path of at most [`MAX_ROUTE_RULE_CHARS`] characters.
pub fn routes_json_problem(text: &str) -> Option<String> {
    let parsed = parse(text, Format::Json);
    if let Some(error) = parsed.errors.first() {
        return Some(format!("it is not valid JSON: {}", error.message));
    }
    let version = parsed.root.get("version").map(|entry| &entry.value.kind);
    if !matches!(version, Some(NodeKind::Number(number)) if number.parse::<f64>() == Ok(1.0)) {
        return Some("it must say `\"version\": 1`".to_owned());
    }
    let mut rules = 0;
    for key in ["include", "exclude"] {
        let Some(entry) = parsed.root.get(key) else {
            if key == "include" {
                return Some("it must have an `include` array".to_owned());
            }
            continue;
        };
        let Some(items) = entry.value.as_array() else {
            return Some(format!("`{key}` must be an array"));
        };
        if key == "include" && items.is_empty() {
            return Some("it must have at least one `include` rule".to_owned());
        }
        for item in items {
            let Some(rule) = item.as_str() else {
                return Some(format!("every `{key}` rule must be a string"));
            };
            if !rule.starts_with('/') {
                return Some(format!("the rule `{rule}` must start with `/`"));
            }
            if rule.chars().count() > MAX_ROUTE_RULE_CHARS {
                return Some(format!(
                    "a rule may have at most {MAX_ROUTE_RULE_CHARS} characters"
                ));
            }
        }
        rules += items.len();
    }
    (rules > MAX_ROUTE_RULES).then(|| {
        format!("it would have {rules} include and exclude rules, over Pages' limit of {MAX_ROUTE_RULES}")
    })
}

/// Files Pages reads from the build output itself, never served.
const PAGES_CONTROL_FILES: [&str; 4] = [ROUTES_FILE, "_headers", "_redirects", "_worker.js"];

/// The `exclude` rules that keep Functions off the static files at the top of the build
/// output: `/name/*` for a folder, `/name` for a file (and `/stem` for `stem.html`, `/` for
/// `index.html`, which Pages serves at those paths). A path a function (or a nested
/// middleware) may serve is left to Functions; names that are not plain path segments are
/// skipped.
pub fn static_excludes(output_entries: &[DirEntry], functions: &[FunctionFile]) -> Vec<String> {
    let first_segments: Vec<&str> = functions
        .iter()
        .filter(|file| !file.is_root_middleware())
        .map(|file| {
            file.route
                .trim_start_matches('/')
                .split('/')
                .next()
                .unwrap_or("")
        })
        .collect();
    let serves_root = first_segments
        .iter()
        .any(|segment| segment.is_empty() || (segment.starts_with(':') && segment.ends_with('*')));
    let is_served = |name: &str| {
        first_segments
            .iter()
            .any(|segment| *segment == name || segment.starts_with(':'))
    };
    let mut entries: Vec<&DirEntry> = output_entries
        .iter()
        .filter(|entry| {
            !entry.name.starts_with('.')
                && !PAGES_CONTROL_FILES.contains(&entry.name.as_str())
                && is_plain_segment(&entry.name)
        })
        .collect();
    entries.sort_by(|a, b| a.name.cmp(&b.name));
    let mut excludes = Vec::new();
    for entry in entries {
        if entry.is_dir {
            if !is_served(&entry.name) {
                excludes.push(format!("/{}/*", entry.name));
            }
            continue;
        }
        if entry.name == "index.html" {
            if !serves_root {
                excludes.push("/".to_owned());
            }
        } else if let Some(stem) = entry.name.strip_suffix(".html")
            && !stem.is_empty()
            && !is_served(stem)
        {
            excludes.push(format!("/{stem}"));
        }
        let stem = entry
            .name
            .rsplit_once('.')
            .map_or(entry.name.as_str(), |(stem, _)| stem);
        if !is_served(&entry.name) && !is_served(stem) {
            excludes.push(format!("/{}", entry.name));
        }
    }
    excludes
}

/// A name that is one URL path segment as written: no wildcard, space, `%`, `?` or `#`.
fn is_plain_segment(name: &str) -> bool {
    !name.is_empty()
        && name.len() < MAX_ROUTE_RULE_CHARS - 2
        && name.chars().all(|ch| {
            !ch.is_whitespace()
                && !ch.is_control()
                && !matches!(ch, '*' | '%' | '?' | '#' | '/' | '\\' | '"')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(relative: &str) -> (String, bool) {
        let file = FunctionFile::new(PathBuf::from(relative), Path::new(relative));
        (file.route, file.is_middleware)
    }

    #[test]
    fn routes_from_file_paths() {
        assert_eq!(route("index.ts"), ("/".to_owned(), false));
        assert_eq!(route("_middleware.js"), ("/*".to_owned(), true));
        assert_eq!(route("api/_middleware.ts"), ("/api/*".to_owned(), true));
        assert_eq!(route("api/[id].ts"), ("/api/:id".to_owned(), false));
        assert_eq!(
            route("docs/[[path]].mjs"),
            ("/docs/:path*".to_owned(), false)
        );
        assert_eq!(
            route("api/users/index.tsx"),
            ("/api/users".to_owned(), false)
        );
    }

    #[test]
    fn routes_json_include_patterns() {
        let file = RoutesFile::parse(
            PathBuf::from("_routes.json"),
            r#"{ "version": 1, "include": ["/api/*"], "exclude": [] }"#,
        );
        assert!(file.valid && file.includes_everything().is_none());
        let all = RoutesFile::parse(
            PathBuf::from("r"),
            r#"{ "include": ["/*"], "exclude": ["/static/*"] }"#,
        );
        assert_eq!(all.includes_everything().unwrap().0, "/*");
        assert!(!RoutesFile::parse(PathBuf::from("r"), "{").valid);
    }

    #[test]
    fn routes_json_problems_follow_pages_limits() {
        let ok = r#"{ "version": 1, "include": ["/*"], "exclude": ["/a"] }"#;
        assert_eq!(routes_json_problem(ok), None);
        for (text, problem) in [
            ("{", "not valid JSON"),
            (r#"{ "include": ["/*"] }"#, "version"),
            (r#"{ "version": 2, "include": ["/*"] }"#, "version"),
            (r#"{ "version": 1, "exclude": ["/a"] }"#, "`include` array"),
            (r#"{ "version": 1, "include": [] }"#, "at least one"),
            (r#"{ "version": 1, "include": ["api"] }"#, "start with `/`"),
            (
                r#"{ "version": 1, "include": ["/*"], "exclude": "/a" }"#,
                "must be an array",
            ),
        ] {
            let found = routes_json_problem(text).unwrap_or_default();
            assert!(found.contains(problem), "{text}: {found}");
        }
        let long = format!(r#"{{ "version": 1, "include": ["/{}"] }}"#, "a".repeat(100));
        assert!(
            routes_json_problem(&long)
                .unwrap()
                .contains("100 characters")
        );
        let rules: Vec<String> = (0..101).map(|i| format!("\"/r{i}\"")).collect();
        let many = format!(r#"{{ "version": 1, "include": [{}] }}"#, rules.join(","));
        assert!(routes_json_problem(&many).unwrap().contains("101"));
    }

    #[test]
    fn static_excludes_skip_control_files_and_odd_names() {
        let entries = [
            ("_redirects", false),
            (".well-known", true),
            ("has space.txt", false),
            ("robots.txt", false),
            ("_astro", true),
        ]
        .map(|(name, is_dir)| DirEntry {
            name: name.to_owned(),
            is_dir,
        });
        assert_eq!(static_excludes(&entries, &[]), ["/_astro/*", "/robots.txt"]);
        let catch_all = FunctionFile::new(PathBuf::from("f"), Path::new("[[path]].ts"));
        assert!(static_excludes(&entries, &[catch_all]).is_empty());
    }

    #[test]
    fn excludes_are_added_after_the_last_rule() {
        let routes = RoutesFile::parse(
            PathBuf::from("_routes.json"),
            "{\n  \"version\": 1,\n  \"include\": [\"/*\"],\n  \"exclude\": [\n    \"/old\"\n  ]\n}\n",
        );
        let edits = routes.add_excludes(&["/a".to_owned()]).unwrap();
        let text = "{\n  \"version\": 1,\n  \"include\": [\"/*\"],\n  \"exclude\": [\n    \"/old\"\n  ]\n}\n";
        assert_eq!(
            crate::fix::apply_edits(text, &edits),
            "{\n  \"version\": 1,\n  \"include\": [\"/*\"],\n  \"exclude\": [\n    \"/old\", \"/a\"\n  ]\n}\n"
        );
        let empty = r#"{ "version": 1, "include": ["/*"], "exclude": [] }"#;
        let edits = RoutesFile::parse(PathBuf::from("r"), empty)
            .add_excludes(&["/a".to_owned(), "/b".to_owned()])
            .unwrap();
        assert_eq!(
            crate::fix::apply_edits(empty, &edits),
            r#"{ "version": 1, "include": ["/*"], "exclude": ["/a", "/b"] }"#
        );
        assert!(
            RoutesFile::parse(PathBuf::from("r"), "{")
                .add_excludes(&[])
                .is_none()
        );
    }
}
