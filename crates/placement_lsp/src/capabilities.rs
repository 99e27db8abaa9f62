//! What the server offers the client: its capabilities at `initialize` and the file watchers
//! it registers afterwards.

use tower_lsp_server::ls_types::*;

use crate::encoding::PositionEncoding;

/// The code action kind of "fix all safe problems" (under `source.fixAll`, so that editors run
/// it on save when asked to).
pub const FIX_ALL_KIND: &str = "source.fixAll.placement-lint";

/// Characters after which the client asks for completions unprompted.
const COMPLETION_TRIGGERS: [&str; 7] = ["\"", "=", " ", ":", ".", "{", ","];

/// Globs of the files whose changes can change a project's diagnostics.
const WATCHED_GLOBS: &[&str] = &[
    "**/wrangler.{toml,json,jsonc}",
    "**/functions/**",
    "**/_worker.js",
    "**/_worker.js/**",
    "**/_routes.json",
    "**/package.json",
    "**/placement-lint.toml",
    "**/.placement-lint.toml",
    "**/*.{js,mjs,cjs,jsx,ts,mts,cts,tsx}",
];

pub fn server_capabilities(encoding: PositionEncoding) -> ServerCapabilities {
    ServerCapabilities {
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
            trigger_characters: Some(COMPLETION_TRIGGERS.map(String::from).to_vec()),
            ..Default::default()
        }),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![
                CodeActionKind::QUICKFIX,
                CodeActionKind::from(FIX_ALL_KIND),
            ]),
            resolve_provider: Some(false),
            ..Default::default()
        })),
        workspace: Some(WorkspaceServerCapabilities {
            workspace_folders: Some(WorkspaceFoldersServerCapabilities {
                supported: Some(true),
                change_notifications: Some(OneOf::Left(true)),
            }),
            file_operations: None,
        }),
        ..Default::default()
    }
}

pub fn server_info() -> ServerInfo {
    ServerInfo {
        name: "placement-lint".to_owned(),
        version: Some(env!("CARGO_PKG_VERSION").to_owned()),
    }
}

/// The registration of watchers for every file that can change a project's diagnostics.
pub fn watched_files_registration() -> Registration {
    let watchers = WATCHED_GLOBS
        .iter()
        .map(|glob| FileSystemWatcher {
            glob_pattern: GlobPattern::String((*glob).to_owned()),
            kind: None,
        })
        .collect();
    let options = DidChangeWatchedFilesRegistrationOptions { watchers };
    Registration {
        id: "placement-lint-watched-files".to_owned(),
        method: "workspace/didChangeWatchedFiles".to_owned(),
        register_options: serde_json::to_value(options).ok(),
    }
}
