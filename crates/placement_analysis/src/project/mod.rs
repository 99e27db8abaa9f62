//! The project around a config: the files that project-aware rules read (Pages `functions/`,
//! the Worker's sources, `package.json`). The caller provides them through [`ProjectFiles`], so
//! the analysis itself does no I/O: the CLI reads the disk, the language server overlays its
//! open buffers on the disk.
//!
//! [`Project::load`] reads only what some rule needs for this config: nothing beyond
//! `package.json` unless a placement moves the Worker, and then the Pages tree or the Worker's
//! local modules. Each file is read and parsed at most once.

pub mod deployments;
pub mod estimate;
pub mod modules;
pub mod monorepo;
pub mod package;
pub mod pages;
pub mod paths;
mod plain_json;
pub mod source;

use std::collections::{BTreeMap, VecDeque};
use std::ffi::OsString;
use std::path::{Path, PathBuf};

use rustc_hash::{FxHashMap, FxHashSet};

use crate::model::ConfigModel;
use crate::path_key::{PathMap, normal_form};
use crate::placement::PlacementSite;

use deployments::{Deployment, pages_build_output_dir};
use modules::{MAX_IMPORT_DEPTH, MAX_MODULES, candidates, normalize};
use package::{INSTALLED_WRANGLER, Lookup, WranglerVersion};
use pages::{FunctionFile, MAX_FUNCTIONS_DEPTH, RoutesFile};
use source::{Export, ExportValue, SourceFile, analyze, is_source_path};

/// One entry of a folder listing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    pub name: String,
    pub is_dir: bool,
}

/// Why a file around a config was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unread {
    /// It does not exist, or cannot be read as UTF-8 text.
    Missing,
    /// It exists but was left alone on purpose; the reason is a clause for a message, such as
    /// "it is larger than placement-lint's limit of 10 MB for a file".
    Skipped(String),
}

/// Read access to the files around a config.
pub trait ProjectFiles: Sync {
    /// The text of `path`, or `None` when it does not exist or cannot be read as UTF-8.
    fn read(&self, path: &Path) -> Option<String>;
    /// Like [`ProjectFiles::read`], saying why a file that exists was not read (too large, not
    /// a regular file), so that the user hears of it. By default nothing is skipped.
    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        self.read(path).ok_or(Unread::Missing)
    }
    /// The entries of the folder `path`, or `None` when it is not a readable folder.
    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>>;
    /// The wrangler version to assume when the project has none installed (the
    /// `wrangler-version` setting), with where it is written. None by default.
    fn assumed_wrangler(&self) -> Option<package::VersionSource> {
        None
    }
    /// Whether `path` is a file or a folder (after following links), `None` when it is
    /// neither. By default derived from [`ProjectFiles::list_dir`] and [`ProjectFiles::read`];
    /// implementations on a disk ask the file system instead of reading the file.
    fn kind(&self, path: &Path) -> Option<PathKind> {
        if self.list_dir(path).is_some() {
            Some(PathKind::Folder)
        } else {
            self.read(path).map(|_| PathKind::File)
        }
    }
    /// The wrangler installed in `folder/node_modules`. Every project below a folder asks the
    /// same question: implementations on a disk may answer it once per folder.
    fn installed_wrangler(&self, folder: &Path) -> package::Lookup<package::InstalledWrangler> {
        package::read_installed_wrangler(self, folder)
    }
    /// The `wrangler` range `folder/package.json` declares (`Read(None)`: it names no
    /// wrangler). Shared by the projects below, like [`ProjectFiles::installed_wrangler`].
    fn declared_wrangler(&self, folder: &Path) -> package::Lookup<Option<package::VersionSource>> {
        package::read_declared_wrangler(self, folder)
    }
    /// The Worker configs of the monorepo under `root` (see [`monorepo::tree_workers`]). Every
    /// config of a monorepo that needs them asks for the same tree: implementations on a disk
    /// may scan it once (and each config of it is then read once).
    fn tree_workers(&self, root: &Path) -> std::sync::Arc<monorepo::Tree> {
        std::sync::Arc::new(monorepo::scan_tree(self, root))
    }
}

/// What a path names on disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathKind {
    File,
    Folder,
}

/// A project with no files besides its config (tests, and editors showing an unsaved buffer).
pub struct NoFiles;

impl ProjectFiles for NoFiles {
    fn read(&self, _path: &Path) -> Option<String> {
        None
    }

    fn list_dir(&self, _path: &Path) -> Option<Vec<DirEntry>> {
        None
    }
}

/// The folder a config belongs to (paths in the config are relative to it).
pub fn project_root(config_path: &Path) -> PathBuf {
    config_path
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

/// A Worker's local module graph from its entry point.
#[derive(Debug, Clone, Default)]
pub struct ModuleGraph {
    /// Every local module reached that could be read, entry points first.
    pub modules: Vec<PathBuf>,
}

/// A Pages project's files.
#[derive(Debug, Clone, Default)]
pub struct PagesProject {
    /// `pages_build_output_dir`, resolved against the project root.
    pub output_dir: PathBuf,
    /// Every source file under `functions/`, sorted by path.
    pub functions: Vec<FunctionFile>,
    pub routes: Option<RoutesFile>,
    /// Advanced mode: `_worker.js`, or `_worker.js/index.js`.
    pub advanced_worker: Option<PathBuf>,
    /// The modules that run: the `_worker.js` graph in advanced mode, otherwise the
    /// Functions and what they import.
    pub graph: ModuleGraph,
    /// The entries at the top of the build output, listed only for a root middleware without
    /// `_worker.js`; `None` when not listed or not there (not built yet).
    pub output_entries: Option<Vec<DirEntry>>,
}

impl PagesProject {
    /// The middleware for every request: `functions/_middleware.*`.
    pub fn root_middleware(&self) -> Option<&FunctionFile> {
        self.functions.iter().find(|file| file.is_root_middleware())
    }

    /// The `exclude` rules that keep Functions off the static files of the build output (see
    /// [`pages::static_excludes`]); `None` when the build output was not listed.
    pub fn static_excludes(&self) -> Option<Vec<String>> {
        let entries = self.output_entries.as_ref()?;
        Some(pages::static_excludes(entries, &self.functions))
    }

    /// The function file at `path`, if it is one.
    pub fn function(&self, path: &Path) -> Option<&FunctionFile> {
        self.functions.iter().find(|file| file.path == path)
    }
}

/// What an export resolves to after following re-exports.
#[derive(Debug, Clone, Copy)]
pub enum Resolved<'p> {
    Value {
        module: &'p SourceFile,
        export: &'p Export,
    },
    /// The module itself has no export by that name.
    Missing,
    /// A package, a file that could not be read or parsed, or a chain too long to follow.
    Unknown,
}

/// The files around a config, read and parsed as far as the rules need.
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub root: PathBuf,
    /// Every source file parsed, by path.
    pub sources: BTreeMap<PathBuf, SourceFile>,
    /// Where each module's relative imports lead: `(module, specifier) → file`.
    links: PathMap<FxHashMap<String, PathBuf>>,
    /// The Worker's module graph for each `main` path of an environment that is placed.
    pub workers: BTreeMap<PathBuf, ModuleGraph>,
    /// Each `main` as written in the config, resolved to its entry in `workers`: environments
    /// mostly share one `main`, so it is resolved once.
    mains: FxHashMap<String, PathBuf>,
    /// Set for a Pages config (`pages_build_output_dir`) with a placement that moves it.
    pub pages: Option<PagesProject>,
    pub wrangler: WranglerVersion,
    /// Files a rule wanted that exist but were not read, with the reason (PL007).
    pub skipped: BTreeMap<PathBuf, String>,
    /// What each path the config names is on disk (PL325).
    pub paths: paths::PathsOnDisk,
    /// The placement advisor's estimate of each environment's back-end round trips (indexed
    /// like the context's deployments): `None` where no fetch handler was found, or the
    /// environment's placement is neither absent nor moving the Worker.
    pub round_trips: Vec<Option<std::sync::Arc<estimate::RoundTrips>>>,
    /// The Workers of the monorepo around the config that one of its Service Bindings names,
    /// read only when a placed front end calls a Service Binding (PL212).
    pub tree: Vec<monorepo::TreeWorker>,
}

/// The index of `item` in `all` when it is one of its elements (by address, not by value), in
/// constant time.
fn index_in<T>(all: &[T], item: &T) -> Option<usize> {
    let size = std::mem::size_of::<T>().max(1);
    let offset = (item as *const T as usize).checked_sub(all.as_ptr() as usize)?;
    let index = offset / size;
    (offset % size == 0
        && all
            .get(index)
            .is_some_and(|found| std::ptr::eq(found, item)))
    .then_some(index)
}

impl Project {
    /// Reads what the rules need for this config from `files`.
    pub fn load<'a>(
        config_path: &Path,
        model: &ConfigModel<'a>,
        placements: &[PlacementSite<'a>],
        deployments: &[Deployment<'a>],
        files: &dyn ProjectFiles,
    ) -> Project {
        let root = project_root(config_path);
        let mut loader = Loader {
            files,
            project: Project {
                root: root.clone(),
                ..Project::default()
            },
            missing: PathMap::default(),
        };
        // The installed wrangler and runtime matter to placements (PL206) and to
        // compatibility dates (PL320).
        let dates_set = model
            .scopes
            .iter()
            .any(|scope| scope.table.get("compatibility_date").is_some());
        if !placements.is_empty() || dates_set {
            loader.load_wrangler_version();
        }
        loader.project.paths = paths::load(&root, model, files);
        // The Workers placement moves, and those without any placement (the advisor looks for
        // candidates among them); an explicit `mode = "off"` is a decision, left alone.
        let advised: Vec<bool> = deployments
            .iter()
            .map(|deployment| {
                deployment.placement.is_none() || deployment.moving_placement(placements).is_some()
            })
            .collect();
        if !advised.contains(&true) {
            return loader.project;
        }
        if let Some(output_dir) = pages_build_output_dir(model) {
            let placed = deployments
                .iter()
                .any(|deployment| deployment.moving_placement(placements).is_some());
            loader.load_pages(output_dir, placed);
        } else {
            for (deployment, _) in deployments.iter().zip(&advised).filter(|(_, a)| **a) {
                let Some(main) = deployment.main_path() else {
                    continue;
                };
                if loader.project.mains.contains_key(main) {
                    continue;
                }
                let entry = normalize(&root.join(main));
                if !loader.project.workers.contains_key(&entry) {
                    let graph = loader.graph(std::slice::from_ref(&entry));
                    loader.project.workers.insert(entry.clone(), graph);
                }
                loader.project.mains.insert(main.to_owned(), entry);
            }
        }
        let round_trips = estimate::estimate_all(&loader.project, deployments, &advised);
        loader.project.round_trips = round_trips;
        let calls_a_service_from_a_placed_front_end = deployments.iter().any(|deployment| {
            deployment.moving_placement(placements).is_some()
                && (deployment.assets_table().is_some() || loader.project.pages.is_some())
                && loader
                    .project
                    .round_trips_of(deployments, deployment)
                    .is_some_and(|trips| {
                        trips.handlers.iter().any(|handler| {
                            handler.back_ends.iter().any(|calls| {
                                matches!(calls.back_end, estimate::BackEnd::Service(_))
                            })
                        })
                    })
        });
        if calls_a_service_from_a_placed_front_end {
            let tree_root = monorepo::monorepo_root(files, &root);
            // Only the Workers its Service Bindings name can be called: a workspace's tree may
            // hold thousands, and every placed front end of it asks.
            let services = called_services(model);
            loader.project.tree = monorepo::tree_workers(files, &tree_root, config_path, &|name| {
                services.contains(&name)
            });
        }
        loader.project
    }

    /// The module graph of the Worker whose `main` is written as `main`, with its entry path.
    pub fn worker(&self, main: &str) -> Option<(&Path, &ModuleGraph)> {
        let (entry, graph) = self.workers.get_key_value(self.mains.get(main)?)?;
        Some((entry.as_path(), graph))
    }

    /// The advisor's estimate for `deployment`, one of `all` (the context's deployments).
    /// Constant time: rules ask for every environment of configs with thousands of them.
    pub fn round_trips_of(
        &self,
        all: &[Deployment<'_>],
        deployment: &Deployment<'_>,
    ) -> Option<&estimate::RoundTrips> {
        let index = index_in(all, deployment)?;
        self.round_trips.get(index)?.as_deref()
    }

    /// A project file's path for messages: relative to the config's folder, with `/`, and
    /// `..` for a path outside it (`main = "../../shared/index.ts"`).
    pub fn display(&self, path: &Path) -> String {
        display_relative(&self.root, path)
    }

    pub fn source(&self, path: &Path) -> Option<&SourceFile> {
        self.sources.get(path)
    }

    /// The file a relative import in `module` leads to, if it was read.
    pub fn link(&self, module: &Path, specifier: &str) -> Option<&Path> {
        // Looked up by reference: the estimate follows helpers through here for every call.
        self.links.get(module)?.get(specifier).map(PathBuf::as_path)
    }

    /// What `name` exported by `module` is, following `export ... from`, imported bindings
    /// exported again and `export *`, across files.
    pub fn resolve_export(&self, module: &Path, name: &str) -> Resolved<'_> {
        let mut visited = FxHashSet::default();
        self.resolve_in(module, name, 0, &mut visited)
    }

    fn resolve_in<'p>(
        &'p self,
        module: &Path,
        name: &str,
        depth: usize,
        visited: &mut FxHashSet<(OsString, String)>,
    ) -> Resolved<'p> {
        // Keyed by the module's normal form: hashed as bytes, equal as paths are.
        let key = (normal_form(module).into_owned(), name.to_owned());
        if depth > MAX_IMPORT_DEPTH || !visited.insert(key) {
            return Resolved::Unknown;
        }
        let Some(source) = self.source(module) else {
            return Resolved::Unknown;
        };
        if let Some(export) = source.facts.exports.iter().rev().find(|e| e.name == name) {
            return match &export.value {
                ExportValue::Forward { specifier, name } => match self.link(module, specifier) {
                    Some(target) => self.resolve_in(target, name, depth + 1, visited),
                    None => Resolved::Unknown,
                },
                _ => Resolved::Value {
                    module: source,
                    export,
                },
            };
        }
        if name != "default" {
            for specifier in &source.facts.star_exports {
                let Some(target) = self.link(module, specifier) else {
                    return Resolved::Unknown;
                };
                if let found @ Resolved::Value { .. } =
                    self.resolve_in(target, name, depth + 1, visited)
                {
                    return found;
                }
            }
        }
        if source.facts.parse_error.is_some() {
            return Resolved::Unknown;
        }
        Resolved::Missing
    }
}

/// The `service` of every Service Binding of every scope of the config.
fn called_services<'m>(model: &ConfigModel<'m>) -> Vec<&'m str> {
    model
        .scopes
        .iter()
        .filter_map(|scope| scope.table.get("services")?.value.as_array())
        .flatten()
        .filter_map(|item| item.as_table()?.get("service")?.value.as_str())
        .collect()
}

/// Reads files once each and parses sources once each.
struct Loader<'f> {
    files: &'f dyn ProjectFiles,
    project: Project,
    /// Paths known not to be readable sources.
    missing: PathMap<()>,
}

impl Loader<'_> {
    /// Reads `path`, remembering why when it exists but was skipped.
    fn read(&mut self, path: &Path) -> Option<String> {
        match self.files.read_or_skip(path) {
            Ok(text) => Some(text),
            Err(Unread::Missing) => None,
            Err(Unread::Skipped(reason)) => {
                self.project.skipped.insert(path.to_path_buf(), reason);
                None
            }
        }
    }

    /// Reads and parses `path` unless done before; whether it is now a known source.
    fn load_source(&mut self, path: &Path) -> bool {
        if self.project.sources.contains_key(path) {
            return true;
        }
        if self.missing.contains_key(path) || !is_source_path(path) {
            return false;
        }
        match self.read(path) {
            Some(text) => {
                let facts = analyze(path, &text);
                self.project.sources.insert(
                    path.to_path_buf(),
                    SourceFile {
                        path: path.to_path_buf(),
                        text,
                        facts,
                    },
                );
                true
            }
            None => {
                self.missing.insert(path, ());
                false
            }
        }
    }

    /// Walks the local imports from `entries`, breadth first, bounded in depth and size.
    fn graph(&mut self, entries: &[PathBuf]) -> ModuleGraph {
        let mut graph = ModuleGraph::default();
        let mut seen: PathMap<()> = PathMap::default();
        let mut queue: VecDeque<(PathBuf, usize)> =
            entries.iter().map(|entry| (entry.clone(), 0)).collect();
        while let Some((module, depth)) = queue.pop_front() {
            if graph.modules.len() >= MAX_MODULES || seen.insert(module.as_path(), ()).is_some() {
                continue;
            }
            if !self.load_source(&module) {
                continue;
            }
            graph.modules.push(module.clone());
            if depth >= MAX_IMPORT_DEPTH {
                continue;
            }
            let imports = self.project.sources[&module].facts.imports.clone();
            for specifier in imports {
                let target = candidates(&module, &specifier)
                    .into_iter()
                    .find(|candidate| self.load_source(candidate));
                if let Some(target) = target {
                    self.project
                        .links
                        .get_or_insert(module.as_path(), FxHashMap::default())
                        .insert(specifier, target.clone());
                    queue.push_back((target, depth + 1));
                }
            }
        }
        graph
    }

    /// Reads the Pages project; `placed` when a placement moves it (only then does PL201 want
    /// `_routes.json` and what the build output holds; without, the advisor reads only the
    /// Functions).
    fn load_pages(&mut self, output_dir: &str, placed: bool) {
        let root = self.project.root.clone();
        let output_dir = normalize(&root.join(output_dir));
        let functions_dir = root.join("functions");
        let mut functions = Vec::new();
        self.walk_functions(&functions_dir, Path::new(""), 0, &mut functions);
        functions.sort_by(|a: &FunctionFile, b| a.path.cmp(&b.path));
        // Only PL201, which needs a placement that moves the project, reads `_routes.json`.
        let routes_path = output_dir.join(pages::ROUTES_FILE);
        let routes = if placed {
            self.read(&routes_path)
                .map(|text| RoutesFile::parse(routes_path, &text))
        } else {
            None
        };
        let worker_file = output_dir.join("_worker.js");
        let worker_folder = worker_file.join("index.js");
        let advanced_worker = if self.load_source(&worker_file) {
            Some(worker_file)
        } else if self.load_source(&worker_folder) {
            Some(worker_folder)
        } else {
            None
        };
        let roots: Vec<PathBuf> = match &advanced_worker {
            // Pages ignores `functions/` when `_worker.js` exists.
            Some(worker) => vec![worker.clone()],
            None => functions.iter().map(|file| file.path.clone()).collect(),
        };
        let graph = self.graph(&roots);
        // Only a root middleware's fix (PL201) needs to know what the build output serves.
        let output_entries = if placed
            && advanced_worker.is_none()
            && functions.iter().any(FunctionFile::is_root_middleware)
        {
            self.files.list_dir(&output_dir)
        } else {
            None
        };
        self.project.pages = Some(PagesProject {
            output_dir,
            functions,
            routes,
            advanced_worker,
            graph,
            output_entries,
        });
    }

    fn walk_functions(
        &mut self,
        folder: &Path,
        relative: &Path,
        depth: usize,
        out: &mut Vec<FunctionFile>,
    ) {
        if depth > MAX_FUNCTIONS_DEPTH {
            return;
        }
        let Some(entries) = self.files.list_dir(folder) else {
            return;
        };
        for entry in entries {
            if entry.name.starts_with('.') || entry.name == "node_modules" {
                continue;
            }
            let path = folder.join(&entry.name);
            let relative = relative.join(&entry.name);
            if entry.is_dir {
                self.walk_functions(&path, &relative, depth + 1, out);
            } else if is_source_path(&path) && !entry.name.ends_with(".d.ts") {
                out.push(FunctionFile::new(path, &relative));
            }
        }
    }

    /// The nearest `package.json` naming wrangler, from the config's folder up, and the
    /// installed wrangler in a `node_modules` between the config and that `package.json`.
    /// Each folder's answers come from [`ProjectFiles`], which may share them between projects;
    /// a file is reported as skipped only where this search would have read it.
    fn load_wrangler_version(&mut self) {
        let mut folder = Some(self.project.root.clone());
        while let Some(current) = folder {
            if self.project.wrangler.installed.is_none() {
                match self.files.installed_wrangler(&current) {
                    Lookup::Missing => {}
                    Lookup::Skipped(reason) => {
                        self.skipped(current.join(INSTALLED_WRANGLER), reason)
                    }
                    Lookup::Read(installed) => {
                        self.project.wrangler.installed = installed.version;
                        for (path, runtime) in installed.runtimes {
                            match runtime {
                                Lookup::Missing => {}
                                Lookup::Skipped(reason) => self.skipped(path, reason),
                                Lookup::Read(version) => {
                                    self.project.wrangler.runtime = version;
                                    break;
                                }
                            }
                        }
                    }
                }
            }
            match self.files.declared_wrangler(&current) {
                Lookup::Missing | Lookup::Read(None) => {}
                Lookup::Skipped(reason) => self.skipped(current.join("package.json"), reason),
                Lookup::Read(Some(declared)) => {
                    self.project.wrangler.declared = Some(declared);
                    self.assume_wrangler_if_none_installed();
                    return;
                }
            }
            folder = current
                .parent()
                .filter(|parent| *parent != current)
                .map(Path::to_path_buf);
        }
        self.assume_wrangler_if_none_installed();
    }

    fn skipped(&mut self, path: PathBuf, reason: String) {
        self.project.skipped.insert(path, reason);
    }

    fn assume_wrangler_if_none_installed(&mut self) {
        if self.project.wrangler.installed.is_none() {
            self.project.wrangler.installed = self.files.assumed_wrangler();
        }
    }
}

/// `path` relative to `root` with `/` separators; a path sharing nothing with `root` (another
/// drive) is shown as it is.
fn display_relative(root: &Path, path: &Path) -> String {
    let relative = match path.strip_prefix(root) {
        Ok(inside) => inside.to_path_buf(),
        Err(_) => {
            let root_parts: Vec<_> = root.components().collect();
            let path_parts: Vec<_> = path.components().collect();
            let common = root_parts
                .iter()
                .zip(&path_parts)
                .take_while(|(a, b)| a == b)
                .count();
            if common == 0 {
                return path.to_string_lossy().into_owned();
            }
            let mut relative: PathBuf = root_parts[common..].iter().map(|_| "..").collect();
            relative.extend(&path_parts[common..]);
            relative
        }
    };
    relative
        .iter()
        .map(|part| part.to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::{display_relative, index_in};
    use std::path::Path;

    #[test]
    fn paths_are_shown_relative_to_the_root() {
        let root = Path::new("/repo/apps/api");
        assert_eq!(
            display_relative(root, Path::new("/repo/apps/api/src/index.ts")),
            "src/index.ts"
        );
        // Outside the config's folder: `..`, not the absolute path after a doubled `/`.
        assert_eq!(
            display_relative(root, Path::new("/repo/shared/index.ts")),
            "../../shared/index.ts"
        );
        assert_eq!(
            display_relative(root, Path::new("/outside.ts")),
            "../../../outside.ts"
        );
        assert_eq!(
            display_relative(Path::new("apps/api"), Path::new("lib/x.ts")),
            "lib/x.ts"
        );
    }

    #[test]
    fn index_in_finds_elements_by_address() {
        let all = vec![String::from("a"), String::from("a"), String::from("b")];
        assert_eq!(index_in(&all, &all[1]), Some(1));
        assert_eq!(index_in(&all, &all[2]), Some(2));
        let equal_elsewhere = String::from("a");
        assert_eq!(index_in(&all, &equal_elsewhere), None);
        assert_eq!(index_in(&all[1..], &all[0]), None);
        let empty: [(); 0] = [];
        assert_eq!(index_in(&empty, &()), None);
    }
}
