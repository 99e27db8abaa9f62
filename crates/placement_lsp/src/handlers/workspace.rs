//! `workspace/didChangeWatchedFiles`, `workspace/didChangeWorkspaceFolders` and
//! `workspace/didChangeConfiguration`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use placement_analysis::discovery::is_config_file_name;
use placement_io::settings::SETTINGS_FILE_NAMES;
use tower_lsp_server::ls_types::{
    DidChangeConfigurationParams, DidChangeWatchedFilesParams, DidChangeWorkspaceFoldersParams,
};
use tracing::{debug, info};

use crate::convert::file_path;
use crate::handlers::lifecycle::report_unknown_selectors;
use crate::settings::rule_selection;
use crate::state::Shared;
use crate::worker::refresh;

/// Re-checks every project a changed file can matter to.
pub fn did_change_watched_files(shared: &Arc<Shared>, params: DidChangeWatchedFilesParams) {
    let mut state = shared.state();
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
        affected.extend(state.reassign_projects());
    }
    // A settings file can be extended from anywhere: every project reads its settings again.
    let settings_changed = changed.iter().any(|path| {
        path.file_name()
            .and_then(|name| name.to_str())
            .is_some_and(|name| SETTINGS_FILE_NAMES.contains(&name))
    });
    if settings_changed {
        affected.extend(state.active_projects());
    }
    for config in state.active_projects() {
        let root = config.parent().unwrap_or(Path::new("/"));
        let touches = changed.iter().any(|path| {
            path.starts_with(root) || path.parent().is_some_and(|parent| root.starts_with(parent))
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
    refresh(shared, &mut state, affected);
}

/// Projects follow the open documents, not the folders: a folder's change needs no work.
pub fn did_change_workspace_folders(params: DidChangeWorkspaceFoldersParams) {
    info!(
        "workspace folders: {} added, {} removed",
        params.event.added.len(),
        params.event.removed.len()
    );
}

/// A new rule selection (`select`/`ignore`) re-checks every open project with it.
pub fn did_change_configuration(shared: &Arc<Shared>, params: DidChangeConfigurationParams) {
    let Some((selection, unknown)) = rule_selection(Some(&params.settings)) else {
        debug!("a configuration change without a rule selection");
        return;
    };
    let mut state = shared.state();
    state.settings.selection = selection;
    state.settings.unknown_selectors = unknown.clone();
    let projects = state.active_projects();
    info!(
        "the rule selection changed: re-checking {} project(s)",
        projects.len()
    );
    refresh(shared, &mut state, projects);
    drop(state);
    report_unknown_selectors(shared, &unknown);
}
