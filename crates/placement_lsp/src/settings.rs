//! What the server learns from the client at `initialize`: the position encoding, how edits may
//! be sent, whether file watchers can be registered, and the `initializationOptions`.

use std::time::Duration;

use tower_lsp_server::ls_types::InitializeParams;

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
    pub dynamic_watchers: bool,
    pub debounce: Duration,
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

impl Settings {
    /// The settings negotiated with the client's capabilities and options.
    pub fn from_initialize(params: &InitializeParams) -> Self {
        let capabilities = &params.capabilities;
        let workspace = capabilities.workspace.as_ref();
        let versioned_edits = workspace
            .and_then(|w| w.workspace_edit.as_ref())
            .and_then(|edit| edit.document_changes)
            .unwrap_or(false);
        let dynamic_watchers = workspace
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|watched| watched.dynamic_registration)
            .unwrap_or(false);
        Self {
            encoding: PositionEncoding::negotiate(capabilities),
            versioned_edits,
            dynamic_watchers,
            debounce: debounce_option(params.initialization_options.as_ref())
                .unwrap_or(DEFAULT_DEBOUNCE),
        }
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
}
