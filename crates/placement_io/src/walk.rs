//! The walk of a folder given to `check`: every folder walked is listed exactly once, and its
//! complete listing (hidden and ignored entries included) is kept in [`Listings`], so that
//! what the walk saw answers later questions without a system call.
//!
//! What is walked is what the `ignore` crate's walker walks with `require_git(false)` and its
//! other defaults (a test compares the two): `.ignore`, `.gitignore` and `.git/info/exclude`
//! files of every folder from the file up to `/` (the nearest match of each kind wins, in that
//! order of kinds, then the global git excludes file), hidden entries skipped unless
//! whitelisted, links not followed. The `ignore` walker cannot be used itself: it hides
//! ignored entries from its visitor, so its listings could not prove that a file is absent.

use std::ffi::OsStr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use rayon::prelude::*;

use crate::listing::{EntryKind, Listing, Listings};

/// Called once per folder walked, after every folder below it (so that its subtree is listed
/// when it is called): the folder and its entries that are walked (not ignored, not hidden).
pub type OnFolder<'a> = dyn Fn(&Path, &[(&OsStr, EntryKind)]) + Sync + 'a;

/// Walks the folder `root` on all of rayon's threads, recording every listing in `listings`;
/// folders named in `skipped_folders` are neither listed nor walked. Unreadable folders are
/// passed over, as git and ripgrep do.
pub fn walk(root: &Path, skipped_folders: &[&str], listings: &Listings, on_folder: &OnFolder<'_>) {
    let walker = Walker {
        skipped_folders,
        listings,
        on_folder,
        global: Gitignore::global().0,
        root: root.to_path_buf(),
        canonical_root: root.canonicalize().ok(),
    };
    listings.list_ancestors(root);
    let above = walker.parent_rules();
    walker.walk_folder(root.to_path_buf(), &above);
}

struct Walker<'a> {
    skipped_folders: &'a [&'a str],
    listings: &'a Listings,
    on_folder: &'a OnFolder<'a>,
    /// The user's global git excludes file (`core.excludesFile`).
    global: Gitignore,
    root: PathBuf,
    /// Rules of the folders above the root are matched against the canonical path.
    canonical_root: Option<PathBuf>,
}

impl Walker<'_> {
    fn walk_folder(&self, folder: PathBuf, above: &Option<Arc<Rules>>) {
        // A folder a check listed before the walk reached it (a tree scanned for PL212), or
        // is listing now, is not listed again.
        let Some(listing) = self.listings.list(&folder) else {
            return;
        };
        let rules = Rules::of_folder(&folder, Some(&listing), false, above.clone());
        let rules = (!rules.is_empty())
            .then(|| Arc::new(rules))
            .or_else(|| above.clone());
        let mut walked = Vec::new();
        let mut subfolders = Vec::new();
        for (name, kind) in listing.entries() {
            let path = folder.join(name);
            if self.ignored(&rules, &path, name, kind == EntryKind::Folder) {
                continue;
            }
            if kind == EntryKind::Folder {
                if name
                    .to_str()
                    .is_some_and(|n| self.skipped_folders.contains(&n))
                {
                    continue;
                }
                subfolders.push(path);
            }
            walked.push((name, kind));
        }
        subfolders
            .into_par_iter()
            .for_each(|subfolder| self.walk_folder(subfolder, &rules));
        (self.on_folder)(&folder, &walked);
    }

    /// The rules of the folders above the root, nearest last in the chain's order.
    fn parent_rules(&self) -> Option<Arc<Rules>> {
        let canonical = self.canonical_root.as_ref()?;
        let mut chain: Option<Arc<Rules>> = None;
        let parents: Vec<&Path> = canonical.ancestors().skip(1).collect();
        for parent in parents.into_iter().rev() {
            let rules = Rules::of_folder(
                parent,
                self.listings.get(parent).as_deref(),
                true,
                chain.clone(),
            );
            if !rules.is_empty() {
                chain = Some(Arc::new(rules));
            }
        }
        chain
    }

    /// Whether the entry at `path` is left out of the walk.
    fn ignored(&self, rules: &Option<Arc<Rules>>, path: &Path, name: &OsStr, is_dir: bool) -> bool {
        let found = self.matched(rules, path, is_dir);
        if found.is_ignore() {
            return true;
        }
        if found.is_whitelist() {
            return false;
        }
        name.as_encoded_bytes().starts_with(b".")
    }

    /// The match that decides: the nearest `.ignore` match, else the nearest `.gitignore`
    /// match, else the nearest `.git/info/exclude` match, else the global excludes file.
    fn matched<'r>(
        &'r self,
        rules: &'r Option<Arc<Rules>>,
        path: &Path,
        is_dir: bool,
    ) -> Match<()> {
        let mut ignore_file = Match::None;
        let mut git_ignore = Match::None;
        let mut git_exclude = Match::None;
        let mut absolute: Option<PathBuf> = None;
        let mut level = rules.as_deref();
        while let Some(rules) = level {
            let path = if rules.above_root {
                let absolute = absolute.get_or_insert_with(|| self.canonical_path(path));
                absolute.as_path()
            } else {
                path
            };
            let matched = |matcher: &Gitignore| matcher.matched(path, is_dir).map(|_| ());
            if ignore_file.is_none() {
                ignore_file = matched(&rules.ignore_file);
            }
            if git_ignore.is_none() {
                git_ignore = matched(&rules.git_ignore);
            }
            if git_exclude.is_none() {
                git_exclude = matched(&rules.git_exclude);
            }
            level = rules.parent.as_deref();
        }
        ignore_file
            .or(git_ignore)
            .or(git_exclude)
            .or(self.global.matched(path, is_dir).map(|_| ()))
    }

    /// `path` below the canonical root, for the rules of the folders above it.
    fn canonical_path(&self, path: &Path) -> PathBuf {
        match (&self.canonical_root, path.strip_prefix(&self.root)) {
            (Some(canonical), Ok(relative)) => canonical.join(relative),
            _ => path.to_path_buf(),
        }
    }
}

/// The ignore files of one folder, and those of the folders above it.
struct Rules {
    ignore_file: Gitignore,
    git_ignore: Gitignore,
    git_exclude: Gitignore,
    /// A folder above the walk's root.
    above_root: bool,
    parent: Option<Arc<Rules>>,
}

impl Rules {
    /// `listing`: which ignore files exist (`None` for a folder that could not be listed,
    /// whose files are then looked for on disk, as the `ignore` crate does above the root).
    fn of_folder(
        folder: &Path,
        listing: Option<&Listing>,
        above_root: bool,
        parent: Option<Arc<Rules>>,
    ) -> Rules {
        let has =
            |name: &str| listing.is_none_or(|listing| listing.get(OsStr::new(name)).is_some());
        let from = |name: &str| {
            if has(name) {
                ignore_file(folder, &folder.join(name))
            } else {
                Gitignore::empty()
            }
        };
        let git_exclude = if has(".git") {
            match git_common_dir(folder) {
                Some(git_dir) => ignore_file(folder, &git_dir.join("info/exclude")),
                None => Gitignore::empty(),
            }
        } else {
            Gitignore::empty()
        };
        Rules {
            ignore_file: from(".ignore"),
            git_ignore: from(".gitignore"),
            git_exclude,
            above_root,
            parent,
        }
    }

    fn is_empty(&self) -> bool {
        self.ignore_file.is_empty() && self.git_ignore.is_empty() && self.git_exclude.is_empty()
    }
}

/// The rules of the ignore file at `file`, relative to `folder` (empty when it is not there or
/// cannot be read; its lines that are not valid globs are left out).
fn ignore_file(folder: &Path, file: &Path) -> Gitignore {
    if !file.exists() {
        return Gitignore::empty();
    }
    let mut builder = GitignoreBuilder::new(folder);
    let _partial_errors = builder.add(file);
    builder.build().unwrap_or_else(|_| Gitignore::empty())
}

/// Where `folder/.git`'s `info/exclude` is: `.git` itself when it is a folder; for a
/// worktree's `.git` file (`gitdir: ...`), the common folder its `commondir` names.
fn git_common_dir(folder: &Path) -> Option<PathBuf> {
    let dot_git = folder.join(".git");
    let metadata = std::fs::metadata(&dot_git).ok();
    if !metadata.is_some_and(|metadata| metadata.is_file()) {
        return Some(dot_git);
    }
    let first_line = |path: &Path| -> Option<String> {
        let text = std::fs::read_to_string(path).ok()?;
        text.lines().next().map(str::to_owned)
    };
    let gitdir = PathBuf::from(first_line(&dot_git)?.strip_prefix("gitdir: ")?);
    let common = first_line(&gitdir.join("commondir"))?;
    Some(if common.starts_with('.') {
        gitdir.join(common)
    } else {
        PathBuf::from(common)
    })
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;
    use std::sync::Mutex;

    use super::*;

    const SKIPPED: &[&str] = &["node_modules", ".wrangler", ".git"];

    /// Every path the `ignore` crate's walker yields, as `check` walked before.
    fn walked_by_ignore(root: &Path) -> BTreeSet<PathBuf> {
        ignore::WalkBuilder::new(root)
            .follow_links(false)
            .require_git(false)
            .filter_entry(|entry| {
                !(entry.file_type().is_some_and(|t| t.is_dir())
                    && SKIPPED.contains(&entry.file_name().to_string_lossy().as_ref()))
            })
            .build()
            .filter_map(Result::ok)
            .map(ignore::DirEntry::into_path)
            .filter(|path| path != root)
            .collect()
    }

    fn walked_here(root: &Path) -> (BTreeSet<PathBuf>, Listings) {
        let listings = Listings::default();
        let walked = Mutex::new(BTreeSet::new());
        walk(root, SKIPPED, &listings, &|folder, entries| {
            let mut walked = walked.lock().unwrap();
            for (name, _) in entries {
                walked.insert(folder.join(name));
            }
        });
        (walked.into_inner().unwrap(), listings)
    }

    fn write(root: &Path, path: &str, text: &str) {
        let path = root.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn walks_what_the_ignore_walker_walks() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        for (path, text) in [
            (
                ".gitignore",
                "dist/\n*.log\n!keep.log\n/top-only.txt\nbuild\n",
            ),
            (".ignore", "!dist/\nsecret*\n"),
            ("a/.gitignore", "*.toml\n!wrangler.toml\n/local/\n"),
            ("a/wrangler.toml", ""),
            ("a/other.toml", ""),
            ("a/local/wrangler.json", ""),
            ("a/b/local/wrangler.json", ""),
            ("a/b/x.log", ""),
            ("a/b/keep.log", ""),
            ("dist/wrangler.json", ""),
            ("dist/.hidden/wrangler.json", ""),
            ("build/wrangler.json", ""),
            ("top-only.txt", ""),
            ("c/top-only.txt", ""),
            ("secret.toml", ""),
            (".hidden.toml", ""),
            (".config/wrangler.toml", ""),
            ("node_modules/x/wrangler.toml", ""),
            (".wrangler/state/wrangler.json", ""),
            (".git/info/exclude", "excluded-by-git/\n"),
            ("excluded-by-git/wrangler.toml", ""),
            ("d/.gitignore", "!.visible\n"),
            ("d/.visible", ""),
            ("d/node_modules/wrangler/package.json", "{}"),
        ] {
            write(&root, path, text);
        }
        // Rules of a folder above the walked one apply too.
        write(dir.path(), ".gitignore", "from-above/\n");
        write(&root, "from-above/wrangler.toml", "");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("a"), root.join("link-to-a")).unwrap();
            std::os::unix::fs::symlink("nowhere", root.join("wrangler.jsonc")).unwrap();
        }
        let expected = walked_by_ignore(&root);
        let (walked, listings) = walked_here(&root);
        assert_eq!(walked, expected);
        assert!(walked.contains(&root.join("a/wrangler.toml")));
        assert!(!walked.contains(&root.join("a/other.toml")));
        // Every walked folder is listed, with its ignored and hidden entries.
        let listing = listings.get(&root).unwrap();
        for name in [
            ".gitignore",
            "build",
            "node_modules",
            "top-only.txt",
            ".hidden.toml",
        ] {
            assert!(listing.get(OsStr::new(name)).is_some(), "{name}");
        }
        assert!(listings.get(&root.join("node_modules")).is_none());
        assert!(listings.get(&root.join("build")).is_none());
    }

    #[test]
    fn a_folder_is_handed_on_after_the_folders_below_it() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        write(root, "p/wrangler.toml", "");
        write(root, "p/src/deep/index.js", "");
        let listings = Listings::default();
        walk(root, SKIPPED, &listings, &|folder, _| {
            if folder == root.join("p") {
                assert!(listings.get(&root.join("p/src/deep")).is_some());
            }
        });
        assert!(listings.get(root).is_some());
    }
}
