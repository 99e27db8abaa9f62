//! `textDocument/hover`: the docs of the config key or value under the cursor.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams};

use super::at_config_position;
use crate::convert;
use crate::hover::hover;
use crate::state::Shared;

pub async fn hover_request(shared: &Shared, params: HoverParams) -> Result<Option<Hover>> {
    let position = params.text_document_position_params;
    at_config_position(shared, "hover", position, |cursor| {
        let info = hover(&cursor.rope.to_string(), cursor.format, cursor.offset)?;
        Some(Hover {
            contents: HoverContents::Markup(convert::markdown(info.markdown)),
            range: Some(cursor.range(info.span)),
        })
    })
    .await
}
