//! The paths a config names (`main`, `assets.directory`, a container's Dockerfile, ...), where
//! they lead, and what is there. The loader asks the disk once per path; PL325 reports the ones
//! that lead nowhere.

use std::path::{Path, PathBuf};

use crate::model::{ConfigModel, ScopeKind};
use crate::path_key::PathMap;
use crate::project::modules::normalize;
use crate::project::{PathKind, ProjectFiles};
use crate::syntax::{Entry, Node, Table};

/// What a path must name for wrangler to use it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expected {
    File,
    Folder,
    /// A container `image`: a Dockerfile, or else an image reference (`docker.io/app:1`).
    Dockerfile,
}

/// One path written in the config.
#[derive(Debug, Clone)]
pub struct ConfigPath<'a> {
    /// Index of the scope in [`ConfigModel::scopes`] it is written in.
    pub scope: usize,
    /// The key as wrangler names it, without the scope (`assets.directory`,
    /// `containers[0].image`, `build.watch_dir`).
    pub key: String,
    /// The top-level key it belongs to (`assets`), for the environments that use it.
    pub top_key: &'static str,
    /// The string value as written (its span is the quoted value).
    pub value: &'a Node,
    pub text: &'a str,
    pub expected: Expected,
    /// Whether `wrangler dev`/`deploy` stop when it is missing (otherwise only the command
    /// that uses it fails, such as `wrangler d1 migrations apply`).
    pub required_by_deploy: bool,
}

/// Top-level keys whose value is one path.
const SCOPE_PATHS: &[(&str, Expected, bool)] = &[
    ("main", Expected::File, true),
    ("tsconfig", Expected::File, false),
    ("base_dir", Expected::Folder, true),
];

/// Keys of a table that hold one path: (table, key, expected, required by deploy).
const TABLE_PATHS: &[(&str, &str, Expected, bool)] = &[
    ("assets", "directory", Expected::Folder, true),
    ("site", "bucket", Expected::Folder, true),
    ("build", "cwd", Expected::Folder, true),
];

/// Top-level tables of service-worker modules, each entry a path.
const SERVICE_WORKER_MODULES: [&str; 3] = ["wasm_modules", "text_blobs", "data_blobs"];

/// Every path the config names, in document order within each scope.
pub fn config_paths<'a>(model: &ConfigModel<'a>) -> Vec<ConfigPath<'a>> {
    let mut paths = Vec::new();
    for (index, scope) in model.scopes.iter().enumerate() {
        let mut push = |key: String,
                        top_key: &'static str,
                        value: &'a Node,
                        expected: Expected,
                        required_by_deploy: bool| {
            // `[previews]` takes only some keys; wrangler ignores the others there.
            let taken = scope.kind != ScopeKind::Previews || scope.kind.takes(top_key);
            if let Some(text) = value
                .as_str()
                .filter(|text| taken && !text.trim().is_empty())
            {
                paths.push(ConfigPath {
                    scope: index,
                    key,
                    top_key,
                    value,
                    text,
                    expected,
                    required_by_deploy,
                });
            }
        };
        let table: &'a Table = scope.table;
        // One pass over the scope's keys, before a lookup per path key: most scopes of a config
        // with thousands of environments name no path.
        if !table
            .entries()
            .iter()
            .any(|entry| may_hold_paths(&entry.key))
        {
            continue;
        }
        for &(key, expected, required) in SCOPE_PATHS {
            if let Some(entry) = table.get(key) {
                push(key.to_owned(), key, &entry.value, expected, required);
            }
        }
        for &(parent, key, expected, required) in TABLE_PATHS {
            if let Some(entry) = table.get_table(parent).and_then(|t| t.get(key)) {
                push(
                    format!("{parent}.{key}"),
                    parent,
                    &entry.value,
                    expected,
                    required,
                );
            }
        }
        if let Some(watch) = table.get_table("build").and_then(|t| t.get("watch_dir")) {
            for (suffix, node) in string_or_items(watch) {
                push(
                    format!("build.watch_dir{suffix}"),
                    "build",
                    node,
                    Expected::Folder,
                    false,
                );
            }
        }
        for (position, item) in array_tables(table, "containers") {
            if let Some(entry) = item.get("image") {
                push(
                    format!("containers[{position}].image"),
                    "containers",
                    &entry.value,
                    Expected::Dockerfile,
                    true,
                );
            }
            if let Some(entry) = item.get("image_build_context") {
                push(
                    format!("containers[{position}].image_build_context"),
                    "containers",
                    &entry.value,
                    Expected::Folder,
                    true,
                );
            }
        }
        for (position, item) in array_tables(table, "d1_databases") {
            if let Some(entry) = item.get("migrations_dir") {
                push(
                    format!("d1_databases[{position}].migrations_dir"),
                    "d1_databases",
                    &entry.value,
                    Expected::Folder,
                    false,
                );
            }
        }
        // Service-worker modules: top level only, as wrangler reads them.
        if index == 0 {
            for key in SERVICE_WORKER_MODULES {
                if let Some(modules) = table.get_table(key) {
                    for entry in modules.entries() {
                        push(
                            format!("{key}.{}", entry.key),
                            key,
                            &entry.value,
                            Expected::File,
                            true,
                        );
                    }
                }
            }
        }
    }
    paths
}

/// The keys of a scope under which [`config_paths`] looks for paths.
fn may_hold_paths(key: &str) -> bool {
    SCOPE_PATHS.iter().any(|&(path_key, _, _)| path_key == key)
        || TABLE_PATHS.iter().any(|&(table, _, _, _)| table == key)
        || SERVICE_WORKER_MODULES.contains(&key)
        || matches!(key, "build" | "containers" | "d1_databases")
}

/// A string (suffix "") or each string of an array (suffix "[i]").
fn string_or_items(entry: &Entry) -> Vec<(String, &Node)> {
    match entry.value.as_array() {
        Some(items) => items
            .iter()
            .enumerate()
            .map(|(index, node)| (format!("[{index}]"), node))
            .collect(),
        None => vec![(String::new(), &entry.value)],
    }
}

/// The tables of an array of tables (`[[containers]]`), with their positions.
fn array_tables<'a>(table: &'a Table, key: &str) -> impl Iterator<Item = (usize, &'a Table)> {
    table
        .get(key)
        .and_then(|entry| entry.value.as_array())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(index, node)| Some((index, node.as_table()?)))
}

/// Where a path written in the config leads: relative to the config's folder.
pub fn resolve(root: &Path, text: &str) -> PathBuf {
    let resolved = normalize(&root.join(text));
    if resolved.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        resolved
    }
}

/// What each path of the config is on disk (`None`: nothing there).
#[derive(Debug, Clone, Default)]
pub struct PathsOnDisk {
    kinds: PathMap<Option<PathKind>>,
}

impl PathsOnDisk {
    /// What `path` (resolved) is, or `None` when it was not looked up or is not there.
    pub fn kind(&self, path: &Path) -> Option<PathKind> {
        self.kinds.get(path).copied().flatten()
    }

    /// Whether `path` was looked up.
    pub fn knows(&self, path: &Path) -> bool {
        self.kinds.contains_key(path)
    }
}

/// Looks up every path of the config once.
pub fn load(root: &Path, model: &ConfigModel<'_>, files: &dyn ProjectFiles) -> PathsOnDisk {
    let mut kinds = PathMap::default();
    for path in config_paths(model) {
        let resolved = resolve(root, path.text);
        if !kinds.contains_key(&resolved) {
            let kind = files.kind(&resolved);
            kinds.insert(resolved, kind);
        }
    }
    PathsOnDisk { kinds }
}
