//! The LSP handlers, one module per family of requests and notifications. `server` dispatches
//! to them; they read and change `state`, hand analysis to `worker`, and answer through
//! `convert`.

pub mod code_action;
pub mod completion;
pub mod document_sync;
pub mod hover;
pub mod lifecycle;
pub mod workspace;

use placement_analysis::Span;
use placement_analysis::syntax::Format;
use ropey::Rope;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::{Range, TextDocumentPositionParams};
use tracing::debug;

use crate::blocking::run_blocking;
use crate::encoding::{self, PositionEncoding};
use crate::state::Shared;

/// An open config and a cursor in it, frozen for one request.
pub struct ConfigCursor {
    pub rope: Rope,
    pub format: Format,
    /// The cursor's byte offset in the text.
    pub offset: usize,
    encoding: PositionEncoding,
}

impl ConfigCursor {
    /// The LSP range of a byte span of the text.
    pub fn range(&self, span: Span) -> Range {
        encoding::span_to_range(&self.rope, span, self.encoding)
    }
}

/// Answers a request about a place in an open config by running `feature` on the blocking pool.
/// Nothing when the document is not open, is not a config, or the position lies past its
/// last line; an internal error when `feature` panicked.
pub async fn at_config_position<T: Send + 'static>(
    shared: &Shared,
    what: &'static str,
    params: TextDocumentPositionParams,
    feature: impl FnOnce(&ConfigCursor) -> Option<T> + Send + 'static,
) -> Result<Option<T>> {
    let Some(document) = shared.snapshot(&params.text_document.uri) else {
        return Ok(None);
    };
    let Some(format) = document.config_format() else {
        return Ok(None);
    };
    let encoding = document.settings.encoding;
    let answer = run_blocking(what, move || {
        let rope = document.rope;
        let Some(offset) = encoding::position_to_byte_in_text(&rope, params.position, encoding)
        else {
            debug!("{what} at {:?}, past the end of the text", params.position);
            return None;
        };
        feature(&ConfigCursor {
            rope,
            format,
            offset,
            encoding,
        })
    })
    .await;
    answer.ok_or_else(Error::internal_error)
}
