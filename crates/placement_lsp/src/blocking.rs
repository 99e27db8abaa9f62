//! Work off the message loop: analysis, hover, completion and fix-all run on tokio's blocking
//! pool, and a panic in them is logged instead of ending the server.

use std::panic::AssertUnwindSafe;

use tracing::error;

/// Runs `work` on the blocking pool; a panic is caught, logged and becomes `None`.
pub async fn run_blocking<T: Send + 'static>(
    what: &'static str,
    work: impl FnOnce() -> T + Send + 'static,
) -> Option<T> {
    let task =
        tokio::task::spawn_blocking(move || std::panic::catch_unwind(AssertUnwindSafe(work)));
    match task.await {
        Ok(Ok(value)) => Some(value),
        Ok(Err(payload)) => {
            error!("{what} panicked: {}", panic_message(payload.as_ref()));
            None
        }
        Err(join_error) => {
            error!("{what} failed: {join_error}");
            None
        }
    }
}

/// The message a panic was raised with.
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_owned()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "(no message)".to_owned()
    }
}
