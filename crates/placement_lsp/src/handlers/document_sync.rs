//! `textDocument/didOpen`, `didChange`, `didSave` and `didClose`. Each does all its work before
//! returning, with no `.await`, so that changes apply strictly in the order they arrived (see
//! `server`), then asks the document's project to be analysed again.

use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{
    DidChangeTextDocumentParams, DidCloseTextDocumentParams, DidOpenTextDocumentParams,
    DidSaveTextDocumentParams,
};
use tracing::warn;

use crate::convert::file_path;
use crate::encoding;
use crate::state::{Document, Shared};
use crate::worker::refresh;

pub fn did_open(shared: &Arc<Shared>, params: DidOpenTextDocumentParams) {
    let document = params.text_document;
    let mut state = shared.state();
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
    refresh(shared, &mut state, project);
}

pub fn did_change(shared: &Arc<Shared>, params: DidChangeTextDocumentParams) {
    let mut state = shared.state();
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
    refresh(shared, &mut state, project);
}

pub fn did_save(shared: &Arc<Shared>, params: DidSaveTextDocumentParams) {
    let mut state = shared.state();
    let project = state
        .documents
        .get(&params.text_document.uri)
        .and_then(|document| document.project.clone());
    refresh(shared, &mut state, project);
}

pub fn did_close(shared: &Arc<Shared>, params: DidCloseTextDocumentParams) {
    let mut state = shared.state();
    let Some(closed) = state.documents.remove(&params.text_document.uri) else {
        return;
    };
    // Still active (another of its files is open): re-check it with this file from disk.
    let still_active = closed
        .project
        .filter(|config| state.active_projects().contains(config));
    refresh(shared, &mut state, still_active);
}
