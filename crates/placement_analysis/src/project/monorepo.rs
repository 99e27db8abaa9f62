//! The other Workers of a monorepo: the configs found under the repository's root, with their
//! names, so that a Service Binding can be matched with the Worker it calls. Read only when a
//! rule needs it (a placed front end calling a Service Binding), bounded in depth and size.

use std::collections::VecDeque;
use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};

use super::ProjectFiles;
use crate::model::ConfigModel;
use crate::path_key::normal_form;
use crate::placement::PlacementSite;
use crate::span::Span;
use crate::syntax::{Format, parse};

/// How many folders up from a config the repository root is looked for.
const MAX_LEVELS_UP: usize = 3;
/// How deep below the root configs are looked for.
const MAX_DEPTH: usize = 4;
/// How many folders are listed at most.
const MAX_FOLDERS: usize = 2_000;

/// The config file names in the order wrangler prefers them within one folder.
const CONFIG_NAMES: &[&str] = &["wrangler.json", "wrangler.jsonc", "wrangler.toml"];

/// A Worker of the tree: its config and the `name` it deploys as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TreeWorker {
    pub config: PathBuf,
    /// The top-level `name`.
    pub name: String,
    /// The `name` value in its config.
    pub name_span: Span,
    /// Where some scope of it sets a placement that moves it (its value's span), if any.
    pub placement: Option<Span>,
    /// Its Service Bindings: `(binding, service)`, top level.
    pub services: Vec<(String, String)>,
}

/// The repository root above `folder`: the highest of it and its parents (up to three levels)
/// that holds `.git/HEAD`, `pnpm-workspace.yaml` or a `package.json`; `folder` itself otherwise.
pub fn monorepo_root(files: &dyn ProjectFiles, folder: &Path) -> PathBuf {
    let mut best = folder.to_path_buf();
    let mut current = Some(folder.to_path_buf());
    for _ in 0..=MAX_LEVELS_UP {
        let Some(here) = current else {
            break;
        };
        // Read the markers rather than list the folder: a parent may hold thousands of entries.
        let marks = [".git/HEAD", "pnpm-workspace.yaml", "package.json"]
            .iter()
            .any(|mark| files.read(&here.join(mark)).is_some());
        if marks {
            best = here.clone();
        }
        current = here
            .parent()
            .filter(|parent| !parent.as_os_str().is_empty() && *parent != here)
            .map(Path::to_path_buf);
    }
    best
}

/// Every Worker config under `root` (one per folder, as wrangler picks it) but `own` (the
/// config being checked) whose `name` is `named`, breadth first, skipping `node_modules`,
/// `.wrangler` and hidden folders. The scan of a tree is [`ProjectFiles::tree_workers`], which
/// every config of the tree may share; each config of it is read and parsed the first time
/// another config asks for it, so that `own`, already parsed by its check, is not parsed again.
pub fn tree_workers(
    files: &dyn ProjectFiles,
    root: &Path,
    own: &Path,
    named: &dyn Fn(&str) -> bool,
) -> Vec<TreeWorker> {
    let tree = files.tree_workers(root);
    let own = normal_form(own);
    let others = || tree.configs.iter().filter(|config| config.normal != *own);
    // Configs no other thread has taken first, so that threads asking for one tree at once
    // read different configs rather than wait on one another; then every one, in order.
    for config in others() {
        if !config.taken.swap(true, Ordering::Relaxed) {
            config.worker(files);
        }
    }
    others()
        .filter_map(|config| config.worker(files))
        .filter(|worker| named(&worker.name))
        .cloned()
        .collect()
}

/// The Worker configs found under a root (see [`scan_tree`]), each read the first time it is
/// asked for, once, whichever thread asks.
#[derive(Debug, Default)]
pub struct Tree {
    configs: Vec<TreeConfig>,
}

#[derive(Debug)]
struct TreeConfig {
    path: PathBuf,
    /// Its path in normal form, to be told apart from the config asking cheaply.
    normal: OsString,
    /// A thread has started reading it.
    taken: AtomicBool,
    /// The Worker it describes, once read (`None`: unreadable, or it names none).
    worker: OnceLock<Option<TreeWorker>>,
}

impl TreeConfig {
    fn worker(&self, files: &dyn ProjectFiles) -> Option<&TreeWorker> {
        self.worker
            .get_or_init(|| {
                files
                    .read(&self.path)
                    .and_then(|text| read_worker(&self.path, &text))
            })
            .as_ref()
    }
}

impl Tree {
    /// The paths of the configs found, in the order of the scan.
    pub fn config_paths(&self) -> impl Iterator<Item = &Path> {
        self.configs.iter().map(|config| config.path.as_path())
    }
}

/// Every Worker config under `root`, as [`tree_workers`] lists them (for every config of the
/// tree: none is left out), found by listing folders only: each is read when asked for.
pub fn scan_tree<F: ProjectFiles + ?Sized>(files: &F, root: &Path) -> Tree {
    let mut configs = Vec::new();
    let mut queue: VecDeque<(PathBuf, usize)> = VecDeque::from([(root.to_path_buf(), 0)]);
    let mut listed = 0;
    while let Some((folder, depth)) = queue.pop_front() {
        if listed >= MAX_FOLDERS {
            break;
        }
        listed += 1;
        let Some(mut entries) = files.list_dir(&folder) else {
            continue;
        };
        entries.sort_by(|a, b| a.name.cmp(&b.name));
        let config = CONFIG_NAMES
            .iter()
            .find(|name| entries.iter().any(|e| !e.is_dir && e.name == **name));
        if let Some(config) = config {
            let path = folder.join(config);
            configs.push(TreeConfig {
                normal: normal_form(&path).into_owned(),
                path,
                taken: AtomicBool::new(false),
                worker: OnceLock::new(),
            });
        }
        if depth >= MAX_DEPTH {
            continue;
        }
        for entry in entries {
            if entry.is_dir && !entry.name.starts_with('.') && entry.name != "node_modules" {
                queue.push_back((folder.join(&entry.name), depth + 1));
            }
        }
    }
    Tree { configs }
}

fn read_worker(path: &Path, text: &str) -> Option<TreeWorker> {
    let name = path.file_name()?.to_str()?;
    let format = Format::from_file_name(name)?;
    let parsed = parse(text, format);
    let model = ConfigModel::new(&parsed.root);
    let name_entry = parsed.root.get("name")?;
    let worker_name = name_entry.value.as_str()?.to_owned();
    let placement = PlacementSite::collect(&model)
        .iter()
        .find(|site| site.moves_worker())
        .map(|site| site.entry.value.span);
    let services = parsed
        .root
        .get("services")
        .and_then(|entry| entry.value.as_array())
        .unwrap_or(&[])
        .iter()
        .filter_map(|item| {
            let table = item.as_table()?;
            Some((
                table.get("binding")?.value.as_str()?.to_owned(),
                table.get("service")?.value.as_str()?.to_owned(),
            ))
        })
        .collect();
    Some(TreeWorker {
        config: path.to_path_buf(),
        name: worker_name,
        name_span: name_entry.value.span,
        placement,
        services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemoryFiles;

    #[test]
    fn finds_the_workers_of_a_tree() {
        let files = MemoryFiles::new(&[
            ("repo/package.json", "{}"),
            ("repo/.git/HEAD", "ref: refs/heads/main\n"),
            (
                "repo/apps/web/wrangler.toml",
                "name = \"web\"\nservices = [{ binding = \"API\", service = \"api\" }]\n",
            ),
            (
                "repo/apps/api/wrangler.jsonc",
                "{ \"name\": \"api\", \"placement\": { \"mode\": \"smart\" } }",
            ),
            ("repo/apps/api/wrangler.toml", "name = \"shadowed\"\n"),
            (
                "repo/node_modules/x/wrangler.toml",
                "name = \"dependency\"\n",
            ),
        ]);
        let root = monorepo_root(&files, Path::new("repo/apps/web"));
        assert_eq!(root, PathBuf::from("repo"));
        let any = |_: &str| true;
        let workers = tree_workers(&files, &root, Path::new("repo/wrangler.toml"), &any);
        let names: Vec<_> = workers.iter().map(|w| w.name.as_str()).collect();
        assert_eq!(names, ["api", "web"]);
        assert!(workers[0].placement.is_some() && workers[1].placement.is_none());
        assert_eq!(workers[1].services, [("API".to_owned(), "api".to_owned())]);
        let without_web = tree_workers(
            &files,
            &root,
            Path::new("repo/apps/web/wrangler.toml"),
            &any,
        );
        assert_eq!(without_web.len(), 1);
        let only_api = tree_workers(
            &files,
            &root,
            Path::new("repo/other/wrangler.toml"),
            &|name| name == "api",
        );
        assert_eq!(only_api.len(), 1);
        assert_eq!(only_api[0].name, "api");
    }
}
