//! What the server learns from the client at `initialize`: the position encoding, how edits may
//! be sent, whether file watchers can be registered, and the `initializationOptions`; and the
//! rule selection, which `workspace/didChangeConfiguration` can change later.

use std::time::Duration;

use placement_analysis::selection::RuleSelection;
use serde_json::Value;
use tower_lsp_server::ls_types::{InitializeParams, ResourceOperationKind};

use crate::encoding::PositionEncoding;

/// Pause after a change before analysing, so that a burst of keystrokes is analysed once.
const DEFAULT_DEBOUNCE: Duration = Duration::from_millis(2);

/// The longest debounce a client may ask for.
const MAX_DEBOUNCE: Duration = Duration::from_secs(10);

#[derive(Debug, Clone)]
pub struct Settings {
    pub encoding: PositionEncoding,
    /// The client applies `documentChanges` with versions (and refuses stale ones).
    pub versioned_edits: bool,
    /// The client applies `documentChanges` that create files (`resourceOperations` has
    /// `create`): only then are fixes that write another file offered.
    pub creates_files: bool,
    pub dynamic_watchers: bool,
    pub debounce: Duration,
    /// The rules reported (`select`/`ignore`, as on the command line).
    pub selection: RuleSelection,
    /// Selectors of the client's settings that name no rule (left out of `selection`).
    pub unknown_selectors: Vec<String>,
}

impl Default for Settings {
    fn default() -> Self {
        Self {
            encoding: PositionEncoding::Utf16,
            versioned_edits: false,
            creates_files: false,
            dynamic_watchers: false,
            debounce: DEFAULT_DEBOUNCE,
            selection: RuleSelection::all(),
            unknown_selectors: Vec::new(),
        }
    }
}

impl Settings {
    /// The settings negotiated with the client's capabilities and options.
    pub fn from_initialize(params: &InitializeParams) -> Self {
        let capabilities = &params.capabilities;
        let workspace = capabilities.workspace.as_ref();
        let versioned_edits = workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|edit| edit.document_changes)
            .unwrap_or(false);
        let creates_files = versioned_edits
            && workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|edit| edit.resource_operations.as_ref())
                .is_some_and(|operations| operations.contains(&ResourceOperationKind::Create));
        let dynamic_watchers = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        let options = params.initialization_options.as_ref();
        let (selection, unknown_selectors) =
            rule_selection(options).unwrap_or_else(|| (RuleSelection::all(), Vec::new()));
        Self {
            encoding: PositionEncoding::negotiate(capabilities),
            versioned_edits,
            creates_files,
            dynamic_watchers,
            debounce: debounce_option(options).unwrap_or(DEFAULT_DEBOUNCE),
            selection,
            unknown_selectors,
        }
    }
}

/// The rule selection of a client's settings: `{"select": [...], "ignore": [...]}`, each a list
/// of selectors or one comma-separated string (as on the command line). Settings sent by
/// `workspace/didChangeConfiguration` may be wrapped in their section, `{"placementLint": {..}}`.
/// `None` when the settings set neither; otherwise the selection and the unknown selectors.
pub fn rule_selection(settings: Option<&Value>) -> Option<(RuleSelection, Vec<String>)> {
    let settings = settings?;
    let settings = settings.get("placementLint").unwrap_or(settings);
    let select = settings.get("select");
    let ignore = settings.get("ignore");
    if select.is_none() && ignore.is_none() {
        return None;
    }
    Some(RuleSelection::lenient(
        &selectors(select),
        &selectors(ignore),
    ))
}

fn selectors(value: Option<&Value>) -> Vec<String> {
    match value {
        Some(Value::String(list)) => list.split(',').map(str::to_owned).collect(),
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

/// The client's `initializationOptions`: `{ "debounceMs": 2 }`.
fn debounce_option(options: Option<&serde_json::Value>) -> Option<Duration> {
    let millis = options?.get("debounceMs")?.as_u64()?;
    Some(Duration::from_millis(millis).min(MAX_DEBOUNCE))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn debounce_is_read_and_capped() {
        assert_eq!(
            debounce_option(Some(&json!({"debounceMs": 0}))),
            Some(Duration::ZERO)
        );
        assert_eq!(
            debounce_option(Some(&json!({"debounceMs": 99_999_999}))),
            Some(MAX_DEBOUNCE)
        );
        assert_eq!(debounce_option(Some(&json!({"debounceMs": "5"}))), None);
        assert_eq!(debounce_option(None), None);
    }

    #[test]
    fn rule_selection_reads_lists_strings_and_sections() {
        let hint = placement_analysis::find_rule("PL101").unwrap();
        let mode = placement_analysis::find_rule("PL103").unwrap();
        let assets = placement_analysis::find_rule("PL202").unwrap();
        let (selection, unknown) =
            rule_selection(Some(&json!({"select": ["PL1"], "ignore": "PL101, nope"}))).unwrap();
        assert_eq!(unknown, ["nope"]);
        assert!(selection.is_selected(mode));
        assert!(!selection.is_selected(hint));
        assert!(!selection.is_selected(assets));
        let wrapped =
            json!({"placementLint": {"select": [], "ignore": ["assets-fetch-smart-placement"]}});
        let (selection, unknown) = rule_selection(Some(&wrapped)).unwrap();
        assert!(unknown.is_empty());
        assert!(selection.is_selected(hint) && !selection.is_selected(assets));
        assert!(rule_selection(Some(&json!({"debounceMs": 5}))).is_none());
        assert!(rule_selection(None).is_none());
    }
}
