//! The disk as the analysis sees it.

use std::path::Path;
use std::sync::{Arc, Mutex};

use placement_analysis::path_key::PathMap;
use placement_analysis::project::monorepo::{Tree, scan_tree};
use placement_analysis::project::package::{
    InstalledWrangler, Lookup, VersionSource, read_declared_wrangler, read_installed_wrangler,
};
use placement_analysis::project::{DirEntry, PathKind, ProjectFiles, Unread};

use crate::listing::{EntryKind, Listing, Listings, Presence};
use crate::read::{MAX_FILE_BYTES, ReadError, read_text};

/// Project files straight from the disk: regular files only, at most [`MAX_FILE_BYTES`] each.
/// Folder listings do not follow links to folders, so a link loop is never walked.
pub struct DiskFiles;

impl ProjectFiles for DiskFiles {
    fn read(&self, path: &Path) -> Option<String> {
        read_text(path, MAX_FILE_BYTES).ok()
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        read_text(path, MAX_FILE_BYTES).map_err(unread_because)
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        let entries = std::fs::read_dir(path).ok()?;
        Some(
            entries
                .filter_map(Result::ok)
                .map(|entry| DirEntry {
                    name: entry.file_name().to_string_lossy().into_owned(),
                    is_dir: entry.file_type().is_ok_and(|t| t.is_dir()),
                })
                .collect(),
        )
    }

    fn kind(&self, path: &Path) -> Option<PathKind> {
        let metadata = std::fs::metadata(path).ok()?;
        Some(if metadata.is_dir() {
            PathKind::Folder
        } else {
            PathKind::File
        })
    }
}

/// The disk seen through the walk's [`Listings`]: a file they prove absent costs no system
/// call, a regular file they show is opened without a look first, a folder they hold is listed
/// from them; anything else (outside the walked tree, below a folder not walked, links) is
/// asked of the disk as [`DiskFiles`] asks it.
struct ListedFiles<'a>(&'a Listings);

impl ProjectFiles for ListedFiles<'_> {
    fn read(&self, path: &Path) -> Option<String> {
        self.read_or_skip(path).ok()
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        self.0
            .read_text(path, MAX_FILE_BYTES)
            .map_err(unread_because)
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        match self.0.presence(path) {
            Presence::Listed(listing) => Some(entries_of(&listing)),
            Presence::Absent | Presence::File => None,
            // Listed once here, and kept: the walk, which may not have reached it yet (a tree
            // scanned for PL212), and later questions about its files use the same listing.
            Presence::Unknown => {
                let listing = self.0.list(path)?;
                Some(entries_of(&listing))
            }
        }
    }

    fn kind(&self, path: &Path) -> Option<PathKind> {
        match self.0.presence(path) {
            Presence::Listed(_) => Some(PathKind::Folder),
            Presence::File => Some(PathKind::File),
            Presence::Absent => None,
            Presence::Unknown => DiskFiles.kind(path),
        }
    }
}

/// [`DiskFiles`] for one run over many projects: what a folder says about wrangler (its
/// `package.json`, its `node_modules/wrangler`) is read once and shared by every project below
/// it, on every thread; each `package.json` is read once (see [`Manifests`]). With the walk's
/// [`Listings`] ([`SharedDiskFiles::with_listings`]), files are looked up in them first.
#[derive(Default)]
pub struct SharedDiskFiles {
    listings: Arc<Listings>,
    manifests: Arc<Manifests>,
    installed: Answers<Lookup<InstalledWrangler>>,
    declared: Answers<Lookup<Option<VersionSource>>>,
    trees: Answers<Arc<Tree>>,
}

impl SharedDiskFiles {
    /// Reads through `listings`, which a walk fills while the run goes on (a folder not yet
    /// listed is asked of the disk).
    pub fn with_listings(listings: Arc<Listings>) -> Self {
        Self {
            manifests: Arc::new(Manifests {
                listings: Arc::clone(&listings),
                texts: Answers::default(),
            }),
            listings,
            ..Self::default()
        }
    }

    /// The listings files are looked up in.
    pub fn listings(&self) -> &Arc<Listings> {
        &self.listings
    }

    /// The `package.json` files read, to share with the settings search
    /// ([`crate::settings::SettingsResolver::sharing_manifests`]).
    pub fn manifests(&self) -> Arc<Manifests> {
        Arc::clone(&self.manifests)
    }

    fn listed(&self) -> ListedFiles<'_> {
        ListedFiles(&self.listings)
    }
}

impl ProjectFiles for SharedDiskFiles {
    fn read(&self, path: &Path) -> Option<String> {
        self.read_or_skip(path).ok()
    }

    fn read_or_skip(&self, path: &Path) -> Result<String, Unread> {
        if Manifests::holds(path) {
            self.manifests
                .read_or_skip(path)
                .map(|text| text.to_string())
        } else {
            self.listed().read_or_skip(path)
        }
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<DirEntry>> {
        self.listed().list_dir(path)
    }

    fn kind(&self, path: &Path) -> Option<PathKind> {
        self.listed().kind(path)
    }

    fn installed_wrangler(&self, folder: &Path) -> Lookup<InstalledWrangler> {
        self.installed
            .get_or_insert_with(folder, || read_installed_wrangler(&self.listed(), folder))
    }

    fn declared_wrangler(&self, folder: &Path) -> Lookup<Option<VersionSource>> {
        self.declared
            .get_or_insert_with(folder, || read_declared_wrangler(self, folder))
    }

    fn tree_workers(&self, root: &Path) -> Arc<Tree> {
        self.trees
            .get_or_insert_with(root, || Arc::new(scan_tree(self, root)))
    }
}

/// A listing as the analysis sees folders (links are not folders).
fn entries_of(listing: &Listing) -> Vec<DirEntry> {
    listing
        .entries()
        .map(|(name, kind)| DirEntry {
            name: name.to_string_lossy().into_owned(),
            is_dir: kind == EntryKind::Folder,
        })
        .collect()
}

/// Why a file was not read, as the analysis hears it.
fn unread_because(error: ReadError) -> Unread {
    match error {
        ReadError::NotRegular(_) | ReadError::TooLarge { .. } => Unread::Skipped(error.to_string()),
        _ => Unread::Missing,
    }
}

/// The `package.json` of each folder, read once in a run: the settings search, the wrangler
/// search and the monorepo's markers all read the same files.
#[derive(Default)]
pub struct Manifests {
    listings: Arc<Listings>,
    texts: Answers<Result<Arc<str>, Unread>>,
}

impl std::fmt::Debug for Manifests {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Manifests").finish_non_exhaustive()
    }
}

impl Manifests {
    /// Whether `path` is a file this cache holds (a `package.json`).
    pub fn holds(path: &Path) -> bool {
        path.file_name().is_some_and(|name| name == "package.json")
    }

    /// The text of the `package.json` at `path`, as [`DiskFiles::read_or_skip`] reads it.
    pub fn read_or_skip(&self, path: &Path) -> Result<Arc<str>, Unread> {
        self.texts.get_or_insert_with(path, || {
            ListedFiles(&self.listings)
                .read_or_skip(path)
                .map(Arc::from)
        })
    }

    /// The listings the files are looked up in (shared with the settings search).
    pub fn listings(&self) -> &Listings {
        &self.listings
    }
}

/// One answer per folder (or file), shared between threads.
struct Answers<T> {
    by_folder: Mutex<PathMap<T>>,
}

impl<T> Default for Answers<T> {
    fn default() -> Self {
        Self {
            by_folder: Mutex::default(),
        }
    }
}

impl<T: Clone> Answers<T> {
    /// The answer for `folder`, computed by `answer` the first time (outside the lock: two
    /// threads may both compute it, and agree).
    fn get_or_insert_with(&self, folder: &Path, answer: impl FnOnce() -> T) -> T {
        if let Some(known) = lock(&self.by_folder).get(folder) {
            return known.clone();
        }
        let found = answer();
        lock(&self.by_folder).get_or_insert(folder, found).clone()
    }
}

fn lock<T>(mutex: &Mutex<PathMap<T>>) -> std::sync::MutexGuard<'_, PathMap<T>> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn shared_answers_are_the_disks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "package.json",
            r#"{ "devDependencies": { "wrangler": "^4.20.0" } }"#,
        );
        write(
            root,
            "node_modules/wrangler/package.json",
            r#"{ "version": "4.21.0" }"#,
        );
        write(
            root,
            "node_modules/workerd/package.json",
            r#"{ "version": "1.20250601.0" }"#,
        );
        write(root, "apps/api/package.json", r#"{ "name": "api" }"#);
        write(root, "apps/web/package.json", "{ not json");
        let shared = SharedDiskFiles::default();
        for folder in [
            root.to_path_buf(),
            root.join("apps/api"),
            root.join("apps/web"),
            root.join("apps/none"),
        ] {
            assert_eq!(
                shared.declared_wrangler(&folder),
                DiskFiles.declared_wrangler(&folder)
            );
            assert_eq!(
                shared.installed_wrangler(&folder),
                DiskFiles.installed_wrangler(&folder)
            );
        }
        let Lookup::Read(installed) = shared.installed_wrangler(root) else {
            panic!("wrangler is installed at the root");
        };
        assert_eq!(installed.version.unwrap().text, "4.21.0");
        // Beside wrangler's own files first (missing), then next to wrangler (read).
        assert_eq!(installed.runtimes.len(), 2);
        assert!(matches!(installed.runtimes[0].1, Lookup::Missing));
        assert!(
            matches!(&installed.runtimes[1].1, Lookup::Read(Some(v)) if v.text == "1.20250601.0")
        );
        assert!(matches!(
            shared.declared_wrangler(&root.join("apps/api")),
            Lookup::Read(None)
        ));
        assert_eq!(
            shared.installed_wrangler(&root.join("apps/api")),
            Lookup::Missing
        );
    }

    #[test]
    fn answers_from_the_walks_listings_are_the_disks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "package.json",
            r#"{ "devDependencies": { "wrangler": "^4.20.0" } }"#,
        );
        write(
            root,
            "node_modules/wrangler/package.json",
            r#"{ "version": "4.21.0" }"#,
        );
        write(root, "app/wrangler.toml", "name = \"app\"\n");
        write(root, "app/src/index.ts", "export default {}");
        write(root, "app/functions/api/[id].js", "");
        write(root, "app/.hidden/x.js", "");
        std::fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        write(root, "app/ignored/x.js", "");
        #[cfg(unix)]
        std::os::unix::fs::symlink("src/index.ts", root.join("app/link.ts")).unwrap();
        let listings = Arc::new(Listings::default());
        crate::walk::walk(root, &["node_modules"], &listings, &|_, _| {});
        let listed = SharedDiskFiles::with_listings(Arc::clone(&listings));
        let app = root.join("app");
        for path in [
            "wrangler.toml",
            "wrangler.json",
            "src/index.ts",
            "src/index.js",
            "src",
            "functions",
            "functions/api",
            "functions/api/[id].js",
            "dist/_worker.js",
            "dist/_worker.js/index.js",
            ".hidden",
            ".hidden/x.js",
            "ignored",
            "ignored/x.js",
            "link.ts",
            "wrangler.toml/x",
            "../package.json",
        ] {
            let path = app.join(path);
            assert_eq!(
                listed.read_or_skip(&path),
                DiskFiles.read_or_skip(&path),
                "{path:?}"
            );
            assert_eq!(listed.kind(&path), DiskFiles.kind(&path), "{path:?}");
            let sorted = |entries: Option<Vec<DirEntry>>| {
                entries.map(|mut entries| {
                    entries.sort_by(|a, b| a.name.cmp(&b.name));
                    entries
                })
            };
            assert_eq!(
                sorted(listed.list_dir(&path)),
                sorted(DiskFiles.list_dir(&path)),
                "{path:?}"
            );
        }
        for folder in [root.to_path_buf(), app.clone(), app.join("src")] {
            assert_eq!(
                listed.installed_wrangler(&folder),
                DiskFiles.installed_wrangler(&folder)
            );
            assert_eq!(
                listed.declared_wrangler(&folder),
                DiskFiles.declared_wrangler(&folder)
            );
        }
        // Absence proved by a listing needs no disk: a file created since is not seen.
        write(root, "app/src/index.js", "late");
        assert_eq!(listed.read(&app.join("src/index.js")), None);
    }

    #[test]
    fn each_folder_is_read_once_for_every_project() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(
            root,
            "package.json",
            r#"{ "devDependencies": { "wrangler": "^4.20.0" } }"#,
        );
        let shared = SharedDiskFiles::default();
        let first = shared.declared_wrangler(root);
        // Another project below the same folder gets the answer read for the first, even
        // though the disk now says otherwise.
        write(
            root,
            "package.json",
            r#"{ "devDependencies": { "wrangler": "^3.0.0" } }"#,
        );
        std::fs::create_dir_all(root.join("node_modules/wrangler")).unwrap();
        assert_eq!(shared.declared_wrangler(root), first);
        assert!(matches!(&first, Lookup::Read(Some(v)) if v.text == "^4.20.0"));
        assert!(matches!(
            DiskFiles.declared_wrangler(root),
            Lookup::Read(Some(v)) if v.text == "^3.0.0"
        ));
        // Shared between threads too.
        let answers: Vec<_> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| shared.declared_wrangler(root)))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert!(answers.iter().all(|answer| *answer == first));
    }

    #[cfg(unix)]
    #[test]
    fn a_skipped_manifest_is_reported_as_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::os::unix::fs::symlink("/dev/zero", root.join("package.json")).unwrap();
        let shared = SharedDiskFiles::default();
        assert!(matches!(shared.declared_wrangler(root), Lookup::Skipped(_)));
        assert_eq!(
            shared.declared_wrangler(root),
            DiskFiles.declared_wrangler(root)
        );
    }

    #[test]
    fn settings_and_projects_read_each_manifest_once() {
        use crate::settings::{SettingsMode, SettingsResolver};
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let manifest = r#"{ "placement-lint": { "ignore": ["PL101"] }, "devDependencies": { "wrangler": "^4.20.0" } }"#;
        write(root, "package.json", manifest);
        let files = SharedDiskFiles::default();
        let resolver =
            SettingsResolver::new(SettingsMode::Nearest, None).sharing_manifests(files.manifests());
        let settings = resolver.for_file(&root.join("wrangler.toml")).unwrap();
        assert_eq!(settings.files, [root.join("package.json")]);
        // The project reader gets the text the settings search read, not the disk's new one.
        write(root, "package.json", "{}");
        assert_eq!(files.read(&root.join("package.json")).unwrap(), manifest);
        assert!(matches!(
            files.declared_wrangler(root),
            Lookup::Read(Some(v)) if v.text == "^4.20.0"
        ));
        // Other files are not kept.
        write(root, "src/index.js", "a");
        assert_eq!(files.read(&root.join("src/index.js")).unwrap(), "a");
        write(root, "src/index.js", "b");
        assert_eq!(files.read(&root.join("src/index.js")).unwrap(), "b");
    }

    #[test]
    fn a_monorepo_is_scanned_once_for_all_its_configs() {
        use placement_analysis::project::monorepo::tree_workers;
        use std::path::PathBuf;
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "apps/web/wrangler.toml", "name = \"web\"\n");
        write(root, "apps/api/wrangler.jsonc", "{ \"name\": \"api\" }");
        let shared = SharedDiskFiles::default();
        let paths = |tree: Arc<Tree>| -> Vec<PathBuf> {
            tree.config_paths().map(Path::to_path_buf).collect()
        };
        assert_eq!(
            paths(shared.tree_workers(root)),
            paths(DiskFiles.tree_workers(root))
        );
        let web = root.join("apps/web/wrangler.toml");
        let api = root.join("apps/api/wrangler.jsonc");
        let any = |_: &str| true;
        let from_web: Vec<_> = tree_workers(&shared, root, &web, &any)
            .into_iter()
            .map(|worker| worker.name)
            .collect();
        assert_eq!(from_web, ["api"]);
        // The scan made for the first config serves the next one.
        write(root, "apps/new/wrangler.toml", "name = \"new\"\n");
        let from_api: Vec<_> = tree_workers(&shared, root, &api, &any)
            .into_iter()
            .map(|worker| worker.name)
            .collect();
        assert_eq!(from_api, ["web"]);
        assert_eq!(tree_workers(&DiskFiles, root, &api, &any).len(), 2);
    }
}
