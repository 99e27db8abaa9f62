//! What the server knows between messages: the open documents, the projects they belong to and
//! what each project last said about each file. Handlers change it synchronously under one
//! lock; workers read snapshots of it (see `worker`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use std::sync::{Mutex, MutexGuard, PoisonError};

use placement_analysis::discovery::{is_config_file_name, resolve_config};
use placement_analysis::{Format, format_of};
use ropey::Rope;
use tokio::sync::watch;
use tower_lsp_server::Client;
use tower_lsp_server::ls_types::{self as lsp, Uri};

use crate::convert::FileDiagnostics;
use crate::files::{Buffer, Overlay};
use crate::settings::Settings;

pub struct Document {
    pub path: Option<PathBuf>,
    pub rope: Rope,
    pub version: i32,
    /// The config whose project this document belongs to.
    pub project: Option<PathBuf>,
}

pub struct Project {
    /// Bumped on every change that affects the project; the worker analyses the latest.
    pub trigger: watch::Sender<u64>,
    /// The files this project last published diagnostics for.
    pub files: HashSet<Uri>,
}

/// An open document frozen for one request (ropes clone in constant time).
pub struct DocumentSnapshot {
    pub rope: Rope,
    pub path: Option<PathBuf>,
    pub version: i32,
    pub settings: Settings,
}

impl DocumentSnapshot {
    /// The document's format when it is a Wrangler config (hover and completion know only
    /// configs).
    pub fn config_format(&self) -> Option<Format> {
        config_format(self.path.as_deref()?)
    }
}

#[derive(Default)]
pub struct State {
    pub settings: Settings,
    pub documents: HashMap<Uri, Document>,
    pub projects: HashMap<PathBuf, Project>,
    /// Per file, what each project says about it; a file's published list is their union.
    contributions: HashMap<Uri, BTreeMap<PathBuf, Vec<lsp::Diagnostic>>>,
}

impl State {
    pub fn snapshot(&self, uri: &Uri) -> Option<DocumentSnapshot> {
        let document = self.documents.get(uri)?;
        Some(DocumentSnapshot {
            rope: document.rope.clone(),
            path: document.path.clone(),
            version: document.version,
            settings: self.settings.clone(),
        })
    }

    /// The open buffers, as the analysis reads them.
    pub fn overlay(&self) -> Overlay {
        let buffers = self
            .documents
            .iter()
            .filter_map(|(uri, document)| {
                let buffer = Buffer {
                    uri: uri.clone(),
                    rope: document.rope.clone(),
                    version: document.version,
                };
                Some((document.path.clone()?, buffer))
            })
            .collect();
        Overlay { buffers }
    }

    /// The paths of the open documents of the project of `config`.
    pub fn members(&self, config: &Path) -> Vec<PathBuf> {
        self.documents
            .values()
            .filter(|document| document.project.as_deref() == Some(config))
            .filter_map(|document| document.path.clone())
            .collect()
    }

    fn is_open(&self, path: &Path) -> bool {
        self.documents
            .values()
            .any(|document| document.path.as_deref() == Some(path))
    }

    /// The config of the project `path` belongs to: a config file is its own project (the
    /// user edits it, shadowed or not); any other file belongs to the config wrangler would
    /// use when run in its folder.
    pub fn project_of(&self, path: &Path) -> Option<PathBuf> {
        let name = path.file_name()?.to_str()?;
        if is_config_file_name(name) {
            return Some(path.to_path_buf());
        }
        if path.components().any(|c| c.as_os_str() == "node_modules") {
            return None;
        }
        resolve_config(path.parent()?, &|candidate| {
            self.is_open(candidate) || candidate.is_file()
        })
    }

    /// Assigns every open document to its project again (after a config appeared or went);
    /// returns the projects that gained a document.
    pub fn reassign_projects(&mut self) -> HashSet<PathBuf> {
        let reassigned: Vec<(Uri, Option<PathBuf>)> = self
            .documents
            .iter()
            .map(|(uri, document)| {
                let project = document.path.as_deref().and_then(|p| self.project_of(p));
                (uri.clone(), project)
            })
            .collect();
        let mut gained = HashSet::new();
        for (uri, project) in reassigned {
            if let Some(document) = self.documents.get_mut(&uri)
                && document.project != project
            {
                gained.extend(project.clone());
                document.project = project;
            }
        }
        gained
    }

    pub fn active_projects(&self) -> HashSet<PathBuf> {
        self.documents
            .values()
            .filter_map(|document| document.project.clone())
            .collect()
    }

    /// Drops the contribution of `config` to every file and returns what to publish.
    pub fn clear_project(&mut self, config: &Path, files: HashSet<Uri>) -> Vec<FileDiagnostics> {
        files
            .into_iter()
            .filter_map(|uri| self.set_contribution(config, &uri, Vec::new(), None))
            .collect()
    }

    /// Records what `config` says about `uri`; returns the file's new union when it changed.
    pub fn set_contribution(
        &mut self,
        config: &Path,
        uri: &Uri,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    ) -> Option<FileDiagnostics> {
        let by_project = self.contributions.entry(uri.clone()).or_default();
        // An open document's diagnostics are re-published for every new version, so that the
        // client sees which version they belong to; a closed file's only when they changed.
        if version.is_none() {
            let previous = by_project.get(config).map_or(&[][..], Vec::as_slice);
            if previous == diagnostics.as_slice() {
                return None;
            }
        }
        if diagnostics.is_empty() {
            by_project.remove(config);
        } else {
            by_project.insert(config.to_path_buf(), diagnostics);
        }
        let mut union: Vec<lsp::Diagnostic> = by_project.values().flatten().cloned().collect();
        if by_project.len() > 1 {
            // A file two projects read (a shared settings file or source) gets a finding of
            // both once.
            let mut seen = HashSet::new();
            union.retain(|diagnostic| {
                seen.insert(serde_json::to_string(diagnostic).unwrap_or_default())
            });
        }
        if by_project.is_empty() {
            self.contributions.remove(uri);
        }
        Some(FileDiagnostics {
            uri: uri.clone(),
            version,
            diagnostics: union,
        })
    }
}

/// What the handlers and the project workers share.
pub struct Shared {
    pub client: Client,
    state: Mutex<State>,
    /// Held while publishing, so that two projects' results reach the client in the order they
    /// were decided.
    pub publish_lock: tokio::sync::Mutex<()>,
    pub shutdown_requested: AtomicBool,
}

impl Shared {
    pub fn new(client: Client) -> Self {
        Self {
            client,
            state: Mutex::new(State::default()),
            publish_lock: tokio::sync::Mutex::new(()),
            shutdown_requested: AtomicBool::new(false),
        }
    }

    /// The state, even after a panic poisoned the lock (every update leaves it consistent).
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn snapshot(&self, uri: &Uri) -> Option<DocumentSnapshot> {
        self.state().snapshot(uri)
    }
}

/// The format of `path` when it is a Wrangler config.
pub fn config_format(path: &Path) -> Option<Format> {
    is_config_file_name(path.file_name()?.to_str()?).then(|| format_of(path))
}
