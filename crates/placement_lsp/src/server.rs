//! The language server: document store, project tracking, analysis workers and the LSP
//! handlers.
//!
//! Ordering: tower-lsp-server runs up to four handlers at once, but it polls each handler's
//! future for the first time in the order the messages arrived. Every handler that changes
//! documents does all of its work synchronously, before any `.await`, so changes apply strictly
//! in order. Analysis runs in one worker task per project, off the message loop, on the
//! blocking pool; a result is published only if nothing it read has moved on since.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use placement_analysis::check_project;
use placement_analysis::discovery::{is_config_file_name, resolve_config};
use placement_analysis::rules::shadowed_config_file;
use placement_analysis::{Format, format_of};
use ropey::Rope;
use tokio::sync::watch;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{self as lsp, *};
use tower_lsp_server::{Client, LanguageServer};
use tracing::{debug, error, info, warn};

use crate::convert::{self, FileDiagnostics, FileTexts};
use crate::encoding::{self, PositionEncoding};
use crate::files::{Buffer, Overlay};
use crate::{completion, hover};

/// Pause after a change before analysing, so that a burst of keystrokes is analysed once.
const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(2);

/// Larger documents are kept (edits, hover) but not analysed: no config is this big, and the
/// analysis of such a file would hold a worker for seconds.
const MAX_ANALYZED_BYTES: usize = 16 * 1024 * 1024;

pub const FIX_ALL_KIND: &str = "source.fixAll.placement-lint";

/// Globs of the files whose changes can change a project's diagnostics.
const WATCHED_GLOBS: &[&str] = &[
    "**/wrangler.{toml,json,jsonc}",
    "**/functions/**",
    "**/_worker.js",
    "**/_worker.js/**",
    "**/_routes.json",
    "**/package.json",
    "**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}",
];

#[derive(Debug, Clone)]
struct Settings {
    encoding: PositionEncoding,
    /// The client applies `documentChanges` with versions (and refuses stale ones).
    versioned_edits: bool,
    dynamic_watchers: bool,
    debounce: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            encoding: PositionEncoding::Utf16,
            versioned_edits: false,
            dynamic_watchers: false,
            debounce: DEFAULT_DEBOUNCE,
        }
    }
}

struct Document {
    path: Option<PathBuf>,
    rope: Rope,
    version: i32,
    /// The config whose project this document belongs to.
    project: Option<PathBuf>,
}

struct Project {
    /// Bumped on every change that affects the project; the worker analyses the latest.
    trigger: watch::Sender<u64>,
    /// The files this project last published diagnostics for.
    files: HashSet<Uri>,
}

#[derive(Default)]
struct State {
    settings: Settings,
    folders: Vec<PathBuf>,
    documents: HashMap<Uri, Document>,
    projects: HashMap<PathBuf, Project>,
    /// Per file, what each project says about it; a file's published list is their union.
    contributions: HashMap<Uri, BTreeMap<PathBuf, Vec<lsp::Diagnostic>>>,
}

impl State {
    fn overlay(&self) -> Overlay {
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

    fn is_open(&self, path: &Path) -> bool {
        self.documents
            .values()
            .any(|document| document.path.as_deref() == Some(path))
    }

    /// The config of the project `path` belongs to: a config file is its own project (the
    /// user edits it, shadowed or not); any other file belongs to the config wrangler would
    /// use when run in its folder.
    fn project_of(&self, path: &Path) -> Option<PathBuf> {
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

    fn active_projects(&self) -> HashSet<PathBuf> {
        self.documents
            .values()
            .filter_map(|document| document.project.clone())
            .collect()
    }

    /// Drops the contribution of `config` to every file and returns what to publish.
    fn clear_project(&mut self, config: &Path, files: HashSet<Uri>) -> Vec<FileDiagnostics> {
        files
            .into_iter()
            .filter_map(|uri| self.set_contribution(config, &uri, Vec::new(), None))
            .collect()
    }

    /// Records what `config` says about `uri`; returns the file's new union when it changed.
    fn set_contribution(
        &mut self,
        config: &Path,
        uri: &Uri,
        diagnostics: Vec<lsp::Diagnostic>,
        version: Option<i32>,
    ) -> Option<FileDiagnostics> {
        let by_project = self.contributions.entry(uri.clone()).or_default();
        let previous = if diagnostics.is_empty() {
            by_project.remove(config)
        } else {
            by_project.insert(config.to_path_buf(), diagnostics.clone())
        };
        let unchanged = previous.as_deref().unwrap_or_default() == diagnostics.as_slice();
        // An open document's diagnostics are re-published for every new version, so that the
        // client sees which version they belong to.
        if unchanged && version.is_none() {
            return None;
        }
        let union: Vec<lsp::Diagnostic> = by_project.values().flatten().cloned().collect();
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

/// What the workers and handlers share.
pub(crate) struct Shared {
    client: Client,
    state: Mutex<State>,
    /// Held while publishing, so that two projects' results reach the client in the order they
    /// were decided.
    publish_lock: tokio::sync::Mutex<()>,
    shutdown_requested: AtomicBool,
}

impl Shared {
    /// The state, even after a panic poisoned the lock (every update leaves it consistent).
    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

pub struct Backend {
    shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Self {
            shared: Arc::new(Shared {
                client,
                state: Mutex::new(State::default()),
                publish_lock: tokio::sync::Mutex::new(()),
                shutdown_requested: AtomicBool::new(false),
            }),
        }
    }

    /// Whether the client sent `shutdown` (an `exit` without it is an error exit).
    pub fn shutdown_flag(&self) -> Arc<SharedShutdown> {
        Arc::new(SharedShutdown(self.shared.clone()))
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.shared.state()
    }

    /// Re-analyses `configs` (starting a worker for a project seen for the first time) and
    /// retires projects no open document belongs to any more. Synchronous: called before any
    /// `.await` of the handler.
    fn refresh(&self, state: &mut State, configs: impl IntoIterator<Item = PathBuf>) {
        for config in configs {
            let project = state.projects.entry(config.clone()).or_insert_with(|| {
                let (trigger, receiver) = watch::channel(0);
                tokio::spawn(project_worker(
                    self.shared.clone(),
                    config.clone(),
                    receiver,
                ));
                Project {
                    trigger,
                    files: HashSet::new(),
                }
            });
            project.trigger.send_modify(|generation| *generation += 1);
        }
        let active = state.active_projects();
        let retired: Vec<PathBuf> = state
            .projects
            .keys()
            .filter(|config| !active.contains(*config))
            .cloned()
            .collect();
        let mut clears = Vec::new();
        for config in retired {
            if let Some(project) = state.projects.remove(&config) {
                // Dropping the trigger ends the worker.
                clears.extend(state.clear_project(&config, project.files));
            }
        }
        if !clears.is_empty() {
            let shared = self.shared.clone();
            tokio::spawn(async move { shared.publish(clears).await });
        }
    }

    fn snapshot(&self, uri: &Uri) -> Option<(Rope, Option<PathBuf>, i32, Settings)> {
        let state = self.state();
        let document = state.documents.get(uri)?;
        Some((
            document.rope.clone(),
            document.path.clone(),
            document.version,
            state.settings.clone(),
        ))
    }
}

/// Read access to whether `shutdown` came before the connection ended.
pub struct SharedShutdown(Arc<Shared>);

impl SharedShutdown {
    pub fn requested(&self) -> bool {
        self.0.shutdown_requested.load(Ordering::SeqCst)
    }
}

impl Shared {
    async fn publish(&self, files: Vec<FileDiagnostics>) {
        let _order = self.publish_lock.lock().await;
        for file in files {
            self.client
                .publish_diagnostics(file.uri, file.diagnostics, file.version)
                .await;
        }
    }
}

/// Runs `work` on the blocking pool; a panic is caught, logged and becomes `None`.
pub(crate) async fn run_blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let task =
        tokio::task::spawn_blocking(move || std::panic::catch_unwind(AssertUnwindSafe(work)));
    match task.await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(payload)) => {
            error!("{what} panicked: {}", panic_message(payload.as_ref()));
            None
        }
        Err(join_error) => {
            error!("{what} failed: {join_error}");
            None
        }
    }
}

pub(crate) fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_owned()
    }
}

/// What one analysis of a project read and found.
struct Analysis {
    /// The open documents it read, at their versions.
    read_versions: HashMap<Uri, i32>,
    files: Vec<FileDiagnostics>,
}

/// Analyses one project whenever its trigger moves; exits when the project is retired.
async fn project_worker(shared: Arc<Shared>, config: PathBuf, mut trigger: watch::Receiver<u64>) {
    while trigger.changed().await.is_ok() {
        let debounce = shared.state().settings.debounce;
        if !debounce.is_zero() {
            tokio::time::sleep(debounce).await;
        }
        let generation = *trigger.borrow_and_update();
        let (overlay, members, encoding) = {
            let state = shared.state();
            let members: Vec<PathBuf> = state
                .documents
                .values()
                .filter(|document| document.project.as_ref() == Some(&config))
                .filter_map(|document| document.path.clone())
                .collect();
            (state.overlay(), members, state.settings.encoding)
        };
        let analysed_config = config.clone();
        let Some(analysis) = run_blocking("analysis", move || {
            analyse(&analysed_config, &members, &overlay, encoding)
        })
        .await
        else {
            continue;
        };
        let _order = shared.publish_lock.lock().await;
        let publications = match accept(&shared, &config, generation, &trigger, analysis) {
            Accepted::Publish(publications) => publications,
            Accepted::Stale => continue,
            Accepted::Retired => return,
        };
        for file in &publications {
            shared
                .client
                .publish_diagnostics(file.uri.clone(), file.diagnostics.clone(), file.version)
                .await;
        }
        drop(_order);
        debug!(
            "published {} file(s) for {}",
            publications.len(),
            config.display()
        );
    }
}

enum Accepted {
    Publish(Vec<FileDiagnostics>),
    /// Something the analysis read has moved on; a newer analysis is on its way.
    Stale,
    /// The project has no open document any more.
    Retired,
}

/// Decides, under the state lock, whether an analysis is still current, and if so records its
/// diagnostics and returns what to publish.
fn accept(
    shared: &Shared,
    config: &Path,
    generation: u64,
    trigger: &watch::Receiver<u64>,
    analysis: Analysis,
) -> Accepted {
    let mut state = shared.state();
    let Some(project) = state.projects.get(config) else {
        return Accepted::Retired;
    };
    if *trigger.borrow() != generation {
        debug!("dropping a stale analysis of {}", config.display());
        return Accepted::Stale;
    }
    let moved_on = analysis.read_versions.iter().any(|(uri, version)| {
        state
            .documents
            .get(uri)
            .is_some_and(|document| document.version != *version)
    });
    if moved_on {
        // A buffer of another project changed under this analysis: analyse again.
        debug!(
            "dropping an analysis of {} that read a stale buffer",
            config.display()
        );
        project.trigger.send_modify(|generation| *generation += 1);
        return Accepted::Stale;
    }
    let previous_files = project.files.clone();
    let new_files: HashSet<Uri> = analysis
        .files
        .iter()
        .filter(|file| !file.diagnostics.is_empty() || file.version.is_some())
        .map(|file| file.uri.clone())
        .collect();
    let mut publications = Vec::new();
    for file in analysis.files {
        // A document closed since the snapshot is published without a version.
        let version = file
            .version
            .filter(|_| state.documents.contains_key(&file.uri));
        publications.extend(state.set_contribution(config, &file.uri, file.diagnostics, version));
    }
    for gone in previous_files.difference(&new_files) {
        let version = state.documents.get(gone).map(|document| document.version);
        publications.extend(state.set_contribution(config, gone, Vec::new(), version));
    }
    if let Some(project) = state.projects.get_mut(config) {
        project.files = new_files;
    }
    Accepted::Publish(publications)
}

/// Checks one project: the config (from its buffer or the disk) with the files around it.
fn analyse(
    config: &Path,
    members: &[PathBuf],
    overlay: &Overlay,
    encoding: PositionEncoding,
) -> Analysis {
    let mut always = vec![config.to_path_buf()];
    let mut diagnostics = Vec::new();
    match overlay_read(overlay, config) {
        Some(text) if text.len() > MAX_ANALYZED_BYTES => {
            warn!(
                "not analysing {}: {} bytes is more than {MAX_ANALYZED_BYTES}",
                config.display(),
                text.len()
            );
        }
        Some(text) => {
            diagnostics = check_project(config, &text, overlay);
            if let Some(dir) = config.parent() {
                let winner = resolve_config(dir, &|candidate| overlay.exists(candidate));
                if let Some(winner) = winner.filter(|winner| winner != config) {
                    let display = relative_display(&winner, dir);
                    diagnostics.push(shadowed_config_file::shadowed(
                        config, &text, &winner, &display,
                    ));
                }
            }
        }
        None => debug!("{} is gone", config.display()),
    }
    // Every open document of the project gets a list, empty or not, at its version.
    always.extend(
        members
            .iter()
            .filter(|path| path.as_path() != config)
            .cloned(),
    );
    let read_versions = overlay
        .buffers
        .values()
        .map(|buffer| (buffer.uri.clone(), buffer.version))
        .collect();
    let mut texts = FileTexts::new(overlay);
    let files = convert::to_lsp(&diagnostics, &always, &mut texts, encoding);
    Analysis {
        read_versions,
        files,
    }
}

fn overlay_read(overlay: &Overlay, path: &Path) -> Option<String> {
    use placement_analysis::project::ProjectFiles;
    overlay.read(path)
}

/// `path` relative to `base` when it is below or beside it (`../wrangler.jsonc`).
fn relative_display(path: &Path, base: &Path) -> String {
    let mut up = String::new();
    for ancestor in base.ancestors() {
        if let Ok(rest) = path.strip_prefix(ancestor) {
            return format!("{up}{}", rest.display());
        }
        up.push_str("../");
    }
    path.display().to_string()
}

fn file_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.scheme().as_str().eq_ignore_ascii_case("file") {
        return None;
    }
    uri.to_file_path().map(|path| path.into_owned())
}

fn config_format(path: Option<&Path>) -> Option<Format> {
    let path = path?;
    is_config_file_name(path.file_name()?.to_str()?).then(|| format_of(path))
}

/// The client's `initializationOptions`: `{ "debounceMs": 2 }`.
fn debounce_option(options: Option<&serde_json::Value>) -> Option<Duration> {
    let millis = options?.get("debounceMs")?.as_u64()?;
    Some(Duration::from_millis(millis.min(10_000)))
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        let capabilities = &params.capabilities;
        let encoding = PositionEncoding::negotiate(capabilities);
        let workspace = capabilities.workspace.as_ref();
        let versioned_edits = workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|edit| edit.document_changes)
            .unwrap_or(false);
        let dynamic_watchers = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        let mut folders: Vec<PathBuf> = params
            .workspace_folders
            .iter()
            .flatten()
            .filter_map(|folder| file_path(&folder.uri))
            .collect();
        #[allow(deprecated)] // root_uri: the fallback of clients without workspace folders
        let root_uri = params.root_uri.as_ref();
        if folders.is_empty() {
            folders.extend(root_uri.and_then(file_path));
        }
        {
            let mut state = self.state();
            state.settings = Settings {
                encoding,
                versioned_edits,
                dynamic_watchers,
                debounce: debounce_option(params.initialization_options.as_ref())
                    .unwrap_or(DEFAULT_DEBOUNCE),
            };
            state.folders = folders;
        }
        info!(
            "initialize: {} positions, versioned edits {versioned_edits}, dynamic watchers \
             {dynamic_watchers}",
            encoding.kind().as_str()
        );
        Ok(InitializeResult {
            capabilities: ServerCapabilities {
                position_encoding: Some(encoding.kind()),
                text_document_sync: Some(TextDocumentSyncCapability::Options(
                    TextDocumentSyncOptions {
                        open_close: Some(true),
                        change: Some(TextDocumentSyncKind::INCREMENTAL),
                        save: Some(TextDocumentSyncSaveOptions::Supported(true)),
                        ..Default::default()
                    },
                )),
                hover_provider: Some(HoverProviderCapability::Simple(true)),
                completion_provider: Some(CompletionOptions {
                    trigger_characters: Some(
                        ["\"", "=", " ", ":", ".", "{", ","]
                            .map(String::from)
                            .to_vec(),
                    ),
                    ..Default::default()
                }),
                code_action_provider: Some(CodeActionProviderCapability::Options(
                    CodeActionOptions {
                        code_action_kinds: Some(vec![
                            CodeActionKind::QUICKFIX,
                            CodeActionKind::from(FIX_ALL_KIND),
                        ]),
                        resolve_provider: Some(false),
                        ..Default::default()
                    },
                )),
                workspace: Some(WorkspaceServerCapabilities {
                    workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                        supported: Some(true),
                        change_notifications: Some(OneOf::Left(true)),
                    }),
                    file_operations: None,
                }),
                ..Default::default()
            },
            server_info: Some(ServerInfo {
                name: "placement-lint".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: InitializedParams) {
        if !self.state().settings.dynamic_watchers {
            info!(
                "the client cannot register file watchers; re-checking on open, change and save only"
            );
            return;
        }
        let watchers = WATCHED_GLOBS
            .iter()
            .map(|glob| FileSystemWatcher {
                glob_pattern: GlobPattern::String((*glob).to_owned()),
                kind: None,
            })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let registration = Registration {
            id: "placement-lint-watched-files".to_owned(),
            method: "workspace/didChangeWatchedFiles".to_owned(),
            register_options: serde_json::to_value(options).ok(),
        };
        // The client answers on its own time; no handler waits for it.
        let client = self.shared.client.clone();
        tokio::spawn(async move {
            if let Err(error) = client.register_capability(vec![registration]).await {
                warn!("registering file watchers failed: {error}");
            }
        });
    }

    async fn shutdown(&self) -> Result<()> {
        self.shared.shutdown_requested.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        let document = params.text_document;
        let mut state = self.state();
        let path = file_path(&document.uri);
        let project = path.as_deref().and_then(|path| state.project_of(path));
        state.documents.insert(
            document.uri,
            Document {
                path,
                rope: Rope::from_str(&document.text),
                version: document.version,
                project: project.clone(),
            },
        );
        self.refresh(&mut state, project);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        let mut state = self.state();
        let encoding = state.settings.encoding;
        let Some(document) = state.documents.get_mut(&params.text_document.uri) else {
            warn!(
                "ignoring a change to {}, which is not open",
                params.text_document.uri.as_str()
            );
            return;
        };
        for change in &params.content_changes {
            encoding::apply_change(&mut document.rope, change, encoding);
        }
        document.version = params.text_document.version;
        let project = document.project.clone();
        self.refresh(&mut state, project);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        let mut state = self.state();
        let project = state
            .documents
            .get(&params.text_document.uri)
            .and_then(|document| document.project.clone());
        self.refresh(&mut state, project);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        let mut state = self.state();
        let Some(closed) = state.documents.remove(&params.text_document.uri) else {
            return;
        };
        // Still active (another of its files is open): re-check it with this file from disk.
        let still_active = closed
            .project
            .filter(|config| state.active_projects().contains(config));
        self.refresh(&mut state, still_active);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        let mut state = self.state();
        let changed: Vec<PathBuf> = params
            .changes
            .iter()
            .filter_map(|change| file_path(&change.uri))
            .collect();
        // A config created or deleted can change which config an open file belongs to.
        let configs_changed = changed.iter().any(|path| {
            path.file_name()
                .and_then(|name| name.to_str())
                .is_some_and(is_config_file_name)
        });
        let mut affected: HashSet<PathBuf> = HashSet::new();
        if configs_changed {
            let reassigned: Vec<(Uri, Option<PathBuf>)> = state
                .documents
                .iter()
                .map(|(uri, document)| {
                    let project = document.path.as_deref().and_then(|p| state.project_of(p));
                    (uri.clone(), project)
                })
                .collect();
            for (uri, project) in reassigned {
                if let Some(document) = state.documents.get_mut(&uri)
                    && document.project != project
                {
                    affected.extend(project.clone());
                    document.project = project;
                }
            }
        }
        for config in state.active_projects() {
            let root = config.parent().unwrap_or(Path::new("/"));
            let touches = changed.iter().any(|path| {
                path.starts_with(root)
                    || path.parent().is_some_and(|parent| root.starts_with(parent))
            });
            if touches {
                affected.insert(config);
            }
        }
        debug!(
            "{} watched file change(s) affect {} project(s)",
            changed.len(),
            affected.len()
        );
        self.refresh(&mut state, affected);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        let mut state = self.state();
        let removed: Vec<PathBuf> = params
            .event
            .removed
            .iter()
            .filter_map(|folder| file_path(&folder.uri))
            .collect();
        state.folders.retain(|folder| !removed.contains(folder));
        let added = params
            .event
            .added
            .iter()
            .filter_map(|folder| file_path(&folder.uri));
        state.folders.extend(added);
        info!("workspace folders: {}", state.folders.len());
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        let position = params.text_document_position_params;
        let Some((rope, path, _, settings)) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let Some(format) = config_format(path.as_deref()) else {
            return Ok(None);
        };
        let encoding = settings.encoding;
        let result = run_blocking("hover", move || {
            let offset = encoding::position_to_byte(&rope, position.position, encoding);
            let text = rope.to_string();
            hover::hover(&text, format, offset).map(|info| Hover {
                contents: HoverContents::Markup(MarkupContent {
                    kind: MarkupKind::Markdown,
                    value: info.markdown,
                }),
                range: Some(encoding::span_to_range(&rope, info.span, encoding)),
            })
        })
        .await;
        result.ok_or_else(Error::internal_error)
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        let position = params.text_document_position;
        let Some((rope, path, _, settings)) = self.snapshot(&position.text_document.uri) else {
            return Ok(None);
        };
        let Some(format) = config_format(path.as_deref()) else {
            return Ok(None);
        };
        let encoding = settings.encoding;
        let result = run_blocking("completion", move || {
            let offset = encoding::position_to_byte(&rope, position.position, encoding);
            // Only the text up to the cursor matters.
            let prefix = rope.byte_slice(..offset).to_string();
            let (context, items) = completion::complete(&prefix, format, offset)?;
            let range = encoding::span_to_range(
                &rope,
                placement_analysis::Span::new(context.prefix_start, offset),
                encoding,
            );
            let items = items
                .into_iter()
                .map(|item| CompletionItem {
                    label: item.label.clone(),
                    kind: Some(match item.kind {
                        completion::ItemKind::Key => CompletionItemKind::PROPERTY,
                        completion::ItemKind::Value => CompletionItemKind::VALUE,
                    }),
                    detail: item.detail,
                    documentation: item.documentation.map(|value| {
                        Documentation::MarkupContent(MarkupContent {
                            kind: MarkupKind::Markdown,
                            value,
                        })
                    }),
                    filter_text: Some(item.label),
                    text_edit: Some(CompletionTextEdit::Edit(TextEdit::new(range, item.insert))),
                    ..Default::default()
                })
                .collect();
            Some(CompletionResponse::Array(items))
        })
        .await;
        result.ok_or_else(Error::internal_error)
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        let uri = params.text_document.uri.clone();
        let Some((rope, path, version, settings)) = self.snapshot(&uri) else {
            return Ok(None);
        };
        let wants = |kind: &str| match &params.context.only {
            None => true,
            Some(only) => only.iter().any(|requested| {
                let requested = requested.as_str();
                kind == requested || kind.starts_with(&format!("{requested}."))
            }),
        };
        let mut actions: Vec<CodeActionOrCommand> = Vec::new();
        if wants(CodeActionKind::QUICKFIX.as_str()) {
            for diagnostic in &params.context.diagnostics {
                let Some(data) = convert::diagnostic_data(diagnostic) else {
                    continue;
                };
                let Some(fix) = data.fix else { continue };
                if data.version.is_some_and(|fixed| fixed != version) {
                    continue; // computed for an older text
                }
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: fix.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(workspace_edit(&uri, Some(version), fix.edits, &settings)),
                    is_preferred: Some(fix.safe),
                    ..Default::default()
                }));
            }
        }
        if wants(FIX_ALL_KIND)
            && let Some(path) = path.filter(|path| config_format(Some(path)).is_some())
        {
            let encoding = settings.encoding;
            let edit = run_blocking("fix all", move || {
                let text = rope.to_string();
                let outcome = placement_analysis::fix::fix_config(&path, &text, false, &|_| true);
                minimal_edit(&rope, &text, &outcome.text, encoding)
            })
            .await
            .ok_or_else(Error::internal_error)?;
            if let Some(edit) = edit {
                actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: "Fix all safe placement-lint problems".to_owned(),
                    kind: Some(CodeActionKind::from(FIX_ALL_KIND)),
                    edit: Some(workspace_edit(&uri, Some(version), vec![edit], &settings)),
                    ..Default::default()
                }));
            }
        }
        Ok(Some(actions))
    }
}

/// One edit turning `before` into `after`: the changed middle, so that the cursor and the
/// rest of the buffer stay put.
fn minimal_edit(
    rope: &Rope,
    before: &str,
    after: &str,
    encoding: PositionEncoding,
) -> Option<TextEdit> {
    if before == after {
        return None;
    }
    let mut prefix = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(prefix) || !after.is_char_boundary(prefix) {
        prefix -= 1;
    }
    let max_suffix = before.len().min(after.len()) - prefix;
    let mut suffix = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(max_suffix)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - suffix)
        || !after.is_char_boundary(after.len() - suffix)
    {
        suffix -= 1;
    }
    let span = placement_analysis::Span::new(prefix, before.len() - suffix);
    Some(TextEdit::new(
        encoding::span_to_range(rope, span, encoding),
        after[prefix..after.len() - suffix].to_owned(),
    ))
}

/// Edits of one document, versioned when the client supports it (it then refuses edits made
/// for an older version).
fn workspace_edit(
    uri: &Uri,
    version: Option<i32>,
    edits: Vec<TextEdit>,
    settings: &Settings,
) -> WorkspaceEdit {
    if settings.versioned_edits {
        WorkspaceEdit {
            document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                text_document: OptionalVersionedTextDocumentIdentifier {
                    uri: uri.clone(),
                    version,
                },
                edits: edits.into_iter().map(OneOf::Left).collect(),
            }])),
            ..Default::default()
        }
    } else {
        WorkspaceEdit {
            changes: Some(HashMap::from([(uri.clone(), edits)])),
            ..Default::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_edit_covers_the_changed_middle() {
        let before = "a\nhint = \"x\"\nb\n";
        let after = "a\nb\n";
        let rope = Rope::from_str(before);
        let edit = minimal_edit(&rope, before, after, PositionEncoding::Utf16).unwrap();
        assert_eq!(edit.new_text, "");
        assert_eq!(
            edit.range,
            Range::new(Position::new(1, 0), Position::new(2, 0))
        );
        assert!(minimal_edit(&rope, before, before, PositionEncoding::Utf16).is_none());
        let before = "é😀x";
        let after = "é😁x";
        let rope = Rope::from_str(before);
        let edit = minimal_edit(&rope, before, after, PositionEncoding::Utf16).unwrap();
        assert_eq!(edit.new_text, "😁");
        assert_eq!(
            edit.range,
            Range::new(Position::new(0, 1), Position::new(0, 3))
        );
    }

    #[test]
    fn relative_display_walks_up() {
        assert_eq!(
            relative_display(Path::new("/r/wrangler.jsonc"), Path::new("/r/apps/api")),
            "../../wrangler.jsonc"
        );
    }
}
