//! `textDocument/codeAction`: the quick fix each diagnostic carries (computed with it, so no
//! re-analysis) and "fix all safe problems" of a config.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, CodeActionResponse,
};
use tracing::debug;

use crate::blocking::run_blocking;
use crate::capabilities::FIX_ALL_KIND;
use crate::convert::{diagnostic_data, minimal_edit, workspace_edit, workspace_edit_with_files};
use crate::encoding::is_in_text;
use crate::state::{Shared, config_format};

pub async fn code_action_request(
    shared: &Shared,
    params: CodeActionParams,
) -> Result<Option<CodeActionResponse>> {
    let uri = params.text_document.uri;
    let Some(document) = shared.snapshot(&uri) else {
        return Ok(None);
    };
    if !is_in_text(&document.rope, params.range.start)
        || !is_in_text(&document.rope, params.range.end)
    {
        debug!(
            "code actions for {:?}, past the end of the text",
            params.range
        );
        return Ok(None);
    }
    let version = document.version;
    let versioned = document.settings.versioned_edits;
    let creates_files = document.settings.creates_files;
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
            let Some(data) = diagnostic_data(diagnostic) else {
                continue;
            };
            let Some(fix) = data.fix else { continue };
            if data.version.is_some_and(|fixed| fixed != version) {
                continue; // computed for an older text
            }
            let edit = if fix.other_files.is_empty() {
                workspace_edit(&uri, Some(version), fix.edits, versioned)
            } else {
                // Another file's changes need `documentChanges`, and creating one needs the
                // client's `create` resource operation: without them the fix is not offered,
                // rather than applied in part.
                let needs_create = fix.other_files.iter().any(|change| change.creates());
                if !versioned || (needs_create && !creates_files) {
                    continue;
                }
                workspace_edit_with_files(&uri, Some(version), fix.edits, fix.other_files)
            };
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: fix.title,
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![diagnostic.clone()]),
                edit: Some(edit),
                is_preferred: Some(fix.safe),
                ..Default::default()
            }));
        }
    }
    if wants(FIX_ALL_KIND)
        && let Some(path) = document.path.filter(|path| config_format(path).is_some())
    {
        let rope = document.rope;
        let encoding = document.settings.encoding;
        let selection = document.settings.selection;
        let edit = run_blocking("fix all", move || {
            let text = rope.to_string();
            // Only the fixes of what is reported, as `check --fix` does: the settings file's
            // selection, levels, per-file ignores and skipped environments, the editor's on top.
            let (settings, _) = crate::worker::project_settings(&path, &selection);
            let outcome = placement_analysis::fix::fix_with(
                &path,
                &text,
                false,
                &|rule| settings.is_enabled(rule),
                &placement_analysis::project::NoFiles,
                &|text, _| {
                    let mut diagnostics = placement_analysis::check_config(&path, text);
                    settings.apply(&path, text, &mut diagnostics);
                    diagnostics
                },
            );
            minimal_edit(&rope, &text, &outcome.text, encoding)
        })
        .await
        .ok_or_else(Error::internal_error)?;
        if let Some(edit) = edit {
            actions.push(CodeActionOrCommand::CodeAction(CodeAction {
                title: "Fix all safe placement-lint problems".to_owned(),
                kind: Some(CodeActionKind::from(FIX_ALL_KIND)),
                edit: Some(workspace_edit(&uri, Some(version), vec![edit], versioned)),
                ..Default::default()
            }));
        }
    }
    Ok(Some(actions))
}
