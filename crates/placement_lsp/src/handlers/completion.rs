//! `textDocument/completion`: the keys wrangler knows at the cursor and their closed sets of
//! values, replacing the word typed so far.

use placement_analysis::Span;
use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::{CompletionParams, CompletionResponse};

use super::at_config_position;
use crate::completion::complete;
use crate::convert;
use crate::state::Shared;

pub async fn completion_request(
    shared: &Shared,
    params: CompletionParams,
) -> Result<Option<CompletionResponse>> {
    at_config_position(
        shared,
        "completion",
        params.text_document_position,
        |cursor| {
            let text = cursor.rope.to_string();
            let (context, items) = complete(&text, cursor.format, cursor.offset)?;
            let range = cursor.range(Span::new(context.prefix_start, cursor.offset));
            let items = items
                .into_iter()
                .map(|item| convert::completion_item(item, range))
                .collect();
            Some(CompletionResponse::Array(items))
        },
    )
    .await
}
