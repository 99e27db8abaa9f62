//! `textDocument/hover`: the docs of the config key or value under the cursor.

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{Hover, HoverContents, HoverParams};

use placement_analysis::workers::estimate_at;

use super::at_config_position;
use crate::convert;
use crate::hover::hover;
use crate::state::Shared;

pub async fn hover_request(shared: &Shared, params: HoverParams) -> Result<Option<Hover>> {
    let position = params.text_document_position_params;
    // On `placement` and its fields, the advisor's estimate joins the docs: it reads the
    // Worker's sources, open buffers first.
    let config = shared
        .snapshot(&position.text_document.uri)
        .and_then(|document| document.path);
    let overlay = shared.state().overlay();
    at_config_position(shared, "hover", position, move |cursor| {
        let text = cursor.rope.to_string();
        let mut info = hover(&text, cursor.format, cursor.offset)?;
        if let Some(estimate) = config
            .as_deref()
            .and_then(|path| estimate_at(path, &text, &overlay, cursor.offset))
        {
            info.markdown.push_str("\n\n---\n\n");
            info.markdown.push_str(&estimate);
        }
        Some(Hover {
            contents: HoverContents::Markup(convert::markdown(info.markdown)),
            range: Some(cursor.range(info.span)),
        })
    })
    .await
}
