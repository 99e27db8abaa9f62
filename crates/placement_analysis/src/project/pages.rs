//! A Pages project: the `functions/` tree with its routes, `_routes.json` and advanced mode's
//! `_worker.js`.

use std::path::{Path, PathBuf};

use crate::span::Span;
use crate::syntax::{Format, Node, parse};

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

/// `_routes.json`: which requests reach Functions at all.
#[derive(Debug, Clone)]
pub struct RoutesFile {
    pub path: PathBuf,
    /// `include` patterns with their spans in the file.
    pub include: Vec<(String, Span)>,
    pub exclude: Vec<(String, Span)>,
    /// Whether the file parsed and has an `include` array (Pages rejects it otherwise).
    pub valid: bool,
}

impl RoutesFile {
    pub fn parse(path: PathBuf, text: &str) -> Self {
        let parsed = parse(text, Format::Json);
        let patterns = |key: &str| -> Option<Vec<(String, Span)>> {
            let items = parsed.root.get(key)?.value.as_array()?;
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
        }
    }

    /// The `include` pattern that sends every path to Functions (`/*`), if any.
    pub fn includes_everything(&self) -> Option<&(String, Span)> {
        self.include
            .iter()
            .find(|(pattern, _)| matches!(pattern.as_str(), "/*" | "/**" | "*"))
    }
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
}
