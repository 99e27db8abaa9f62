//! `initialize`, `initialized` and `shutdown`.

use std::sync::atomic::Ordering;

use placement_analysis::selection::unknown_selector;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{InitializeParams, InitializeResult, MessageType};
use tracing::{info, warn};

use crate::capabilities::{server_capabilities, server_info, watched_files_registration};
use crate::settings::Settings;
use crate::state::Shared;

pub fn initialize(shared: &Shared, params: &InitializeParams) -> Result<InitializeResult> {
    let settings = Settings::from_initialize(params);
    info!(
        "initialize: {} positions, versioned edits {}, dynamic watchers {}",
        settings.encoding.kind().as_str(),
        settings.versioned_edits,
        settings.dynamic_watchers
    );
    if !settings.unknown_selectors.is_empty() {
        warn!(
            "left out of the rule selection: {}",
            settings.unknown_selectors.join(", ")
        );
    }
    let capabilities = server_capabilities(settings.encoding);
    shared.state().settings = settings;
    Ok(InitializeResult {
        capabilities,
        server_info: Some(server_info()),
        offset_encoding: None,
    })
}

/// Registers the file watchers, when the client can, and reports unknown rule selectors (the
/// client may show messages only once `initialize` is answered).
pub fn initialized(shared: &Shared) {
    let unknown = shared.state().settings.unknown_selectors.clone();
    report_unknown_selectors(shared, &unknown);
    if !shared.state().settings.dynamic_watchers {
        info!(
            "the client cannot register file watchers; re-checking on open, change and save only"
        );
        return;
    }
    // The client answers on its own time; no handler waits for it.
    let client = shared.client.clone();
    tokio::spawn(async move {
        if let Err(error) = client
            .register_capability(vec![watched_files_registration()])
            .await
        {
            warn!("registering file watchers failed: {error}");
        }
    });
}

/// Tells the user which selectors of their settings name no rule (the others still apply).
pub fn report_unknown_selectors(shared: &Shared, unknown: &[String]) {
    if unknown.is_empty() {
        return;
    }
    let list: Vec<String> = unknown.iter().map(|item| unknown_selector(item)).collect();
    let message = format!(
        "placement-lint: {}; the other rule selectors apply",
        list.join("; ")
    );
    let client = shared.client.clone();
    tokio::spawn(async move { client.show_message(MessageType::WARNING, message).await });
}

pub fn shutdown(shared: &Shared) -> Result<()> {
    shared.shutdown_requested.store(true, Ordering::SeqCst);
    Ok(())
}
