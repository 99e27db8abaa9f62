//! The placement-lint language server: LSP over stdio on `tower-lsp-server`, a thin shell over
//! `placement_analysis` (no rule logic here). `placement-lint server` calls [`run_stdio`].

mod blocking;
mod capabilities;
mod completion;
mod convert;
mod encoding;
mod files;
mod framing;
mod handlers;
mod hover;
mod knowledge;
mod logging;
mod server;
mod settings;
mod state;
mod worker;

use std::future::Future;
use std::io;
use std::panic::AssertUnwindSafe;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures::FutureExt;
use tokio::io::{AsyncRead, AsyncWrite};
use tower::Service;
use tower_lsp_server::jsonrpc::{Error, Request, Response};
use tower_lsp_server::{ExitedError, LspService, Server};
use tracing::error;

pub use capabilities::FIX_ALL_KIND;
/// The completion cursor scanner, public for its fuzz target (`fuzz/`).
pub use completion::cursor;
pub use server::Backend;

/// Serves LSP on stdin/stdout until the client sends `exit` or closes stdin; logs go to
/// stderr. Ends with an error when the connection ended without a `shutdown` request (the
/// LSP's exit code 1).
pub fn run_stdio() -> io::Result<()> {
    logging::init();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let clean = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // The stdin reader blocks in a thread of its own; do not wait for it.
    runtime.shutdown_timeout(Duration::from_millis(200));
    if clean {
        Ok(())
    } else {
        Err(io::Error::other(
            "the client ended the connection without a `shutdown` request",
        ))
    }
}

/// Serves LSP on any byte streams (tests use an in-memory pipe). Returns whether the client
/// sent `shutdown` before the connection ended.
pub async fn serve<I, O>(input: I, output: O) -> bool
where
    I: AsyncRead + Unpin + Send + 'static,
    O: AsyncWrite + Unpin,
{
    logging::init();
    let (service, socket) = LspService::new(Backend::new);
    let shutdown = service.inner().shutdown_flag();
    // The framing guard sits between the client and tower-lsp-server (see `framing`).
    let (guard_to_server, server_input) = tokio::io::duplex(PIPE_BYTES);
    let (server_output, server_to_client) = tokio::io::duplex(PIPE_BYTES);
    let (errors, error_responses) = tokio::sync::mpsc::unbounded_channel();
    let guard = tokio::spawn(framing::guard_input(input, guard_to_server, errors));
    let serving = Server::new(server_input, server_output, socket).serve(CatchPanic(service));
    let output = framing::merge_output(server_to_client, output, error_responses);
    tokio::join!(serving, output);
    // The client may keep its end open after `exit`; stop reading it.
    guard.abort();
    shutdown.requested()
}

/// Buffer size of the in-process pipes around the server.
const PIPE_BYTES: usize = 1 << 16;

/// Turns a panic in one request or notification into a logged error (and an internal-error
/// response for a request), so that the server keeps answering.
struct CatchPanic<S>(S);

type ResponseFuture = Pin<Box<dyn Future<Output = Result<Option<Response>, ExitedError>> + Send>>;

impl<S> Service<Request> for CatchPanic<S>
where
    S: Service<Request, Response = Option<Response>, Error = ExitedError>,
    S::Future: Send + 'static,
{
    type Response = Option<Response>;
    type Error = ExitedError;
    type Future = ResponseFuture;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.0.poll_ready(cx)
    }

    fn call(&mut self, request: Request) -> Self::Future {
        let id = request.id().cloned();
        let method = request.method().to_owned();
        let future = self.0.call(request);
        Box::pin(AssertUnwindSafe(future).catch_unwind().map(move |result| {
            result.unwrap_or_else(|payload| {
                error!(
                    "{method} panicked: {}",
                    blocking::panic_message(payload.as_ref())
                );
                Ok(id.map(|id| Response::from_error(id, Error::internal_error())))
            })
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::jsonrpc::Id;

    /// A service whose `boom` method panics while handling.
    struct Panicky;

    impl Service<Request> for Panicky {
        type Response = Option<Response>;
        type Error = ExitedError;
        type Future = ResponseFuture;

        fn poll_ready(&mut self, _cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
            Poll::Ready(Ok(()))
        }

        fn call(&mut self, request: Request) -> Self::Future {
            Box::pin(async move {
                assert_ne!(request.method(), "boom", "handler failure");
                Ok(None)
            })
        }
    }

    #[tokio::test]
    async fn a_panicking_request_becomes_an_internal_error() {
        let mut service = CatchPanic(Panicky);
        let request = Request::build("boom").id(7).finish();
        let response = service.call(request).await.unwrap().unwrap();
        let (id, result) = response.into_parts();
        assert_eq!(id, Id::Number(7));
        assert_eq!(result.unwrap_err(), Error::internal_error());
        let fine = service.call(Request::build("fine").id(8).finish()).await;
        assert!(fine.unwrap().is_none());
    }
}
