//! The language server's entry: [`Backend`] receives each LSP message from tower-lsp-server and
//! dispatches it to its handler (`handlers`).
//!
//! Ordering: tower-lsp-server runs up to four handlers at once, but it polls each handler's
//! future for the first time in the order the messages arrived. Every handler that changes
//! documents does all of its work synchronously, before any `.await`, so changes apply strictly
//! in order. Analysis runs in one worker task per project, off the message loop, on the
//! blocking pool; a result is published only if nothing it read has moved on since (`worker`).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use crate::handlers::{code_action, completion, document_sync, hover, lifecycle, workspace};
use crate::state::Shared;

pub struct Backend {
    shared: Arc<Shared>,
}

impl Backend {
    pub fn new(client: Client) -> Self {
        Self {
            shared: Arc::new(Shared::new(client)),
        }
    }

    /// Whether the client sent `shutdown` (an `exit` without it is an error exit).
    pub fn shutdown_flag(&self) -> Arc<SharedShutdown> {
        Arc::new(SharedShutdown(self.shared.clone()))
    }
}

/// Read access to whether `shutdown` came before the connection ended.
pub struct SharedShutdown(Arc<Shared>);

impl SharedShutdown {
    pub fn requested(&self) -> bool {
        self.0.shutdown_requested.load(Ordering::SeqCst)
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        lifecycle::initialize(&self.shared, &params)
    }

    async fn initialized(&self, _: InitializedParams) {
        lifecycle::initialized(&self.shared);
    }

    async fn shutdown(&self) -> Result<()> {
        lifecycle::shutdown(&self.shared)
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        document_sync::did_open(&self.shared, params);
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        document_sync::did_change(&self.shared, params);
    }

    async fn did_save(&self, params: DidSaveTextDocumentParams) {
        document_sync::did_save(&self.shared, params);
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        document_sync::did_close(&self.shared, params);
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        workspace::did_change_watched_files(&self.shared, params);
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        workspace::did_change_configuration(&self.shared, params);
    }

    async fn did_change_workspace_folders(&self, params: DidChangeWorkspaceFoldersParams) {
        workspace::did_change_workspace_folders(params);
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        hover::hover_request(&self.shared, params).await
    }

    async fn completion(&self, params: CompletionParams) -> Result<Option<CompletionResponse>> {
        completion::completion_request(&self.shared, params).await
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        code_action::code_action_request(&self.shared, params).await
    }
}
