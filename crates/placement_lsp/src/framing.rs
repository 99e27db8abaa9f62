//! A framing guard in front of tower-lsp-server. Its reader stops the whole server after one
//! message that fails to decode (a bad header, a body that is not JSON, JSON that is not a
//! JSON-RPC message). The guard reads the client's bytes first: well-formed messages go on to
//! the server unchanged, anything else gets a JSON-RPC error response (parse error or invalid
//! request, as the spec asks) and is dropped, so the server keeps answering.

use serde_json::{Value, json};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Request, Response};
use tracing::warn;

/// No LSP message comes near this; a larger length is garbage.
const MAX_MESSAGE_BYTES: usize = 512 * 1024 * 1024;
/// A header block longer than this is garbage.
const MAX_HEADER_BYTES: usize = 8 * 1024;

const PARSE_ERROR: i64 = -32700;
const INVALID_REQUEST: i64 = -32600;

#[derive(Debug, PartialEq)]
enum Frame {
    /// More bytes are needed.
    Incomplete,
    /// A message body.
    Body(Vec<u8>),
    /// Bytes that are no message were skipped.
    Garbage(String),
}

/// Takes the next frame off the front of `buffer`.
fn next_frame(buffer: &mut Vec<u8>) -> Frame {
    let Some(header_end) = find(buffer, b"\r\n\r\n") else {
        if buffer.len() > MAX_HEADER_BYTES {
            skip_to_next_header(buffer, 1);
            return Frame::Garbage("a header without an end".to_owned());
        }
        return Frame::Incomplete;
    };
    let length = std::str::from_utf8(&buffer[..header_end])
        .ok()
        .and_then(|header| {
            header.split("\r\n").find_map(|line| {
                let (name, value) = line.split_once(':')?;
                name.trim()
                    .eq_ignore_ascii_case("content-length")
                    .then(|| value.trim().parse::<usize>().ok())?
            })
        })
        .filter(|length| *length <= MAX_MESSAGE_BYTES);
    let Some(length) = length else {
        skip_to_next_header(buffer, header_end + 4);
        return Frame::Garbage("a header without a valid Content-Length".to_owned());
    };
    let start = header_end + 4;
    if buffer.len() < start + length {
        return Frame::Incomplete;
    }
    let body = buffer[start..start + length].to_vec();
    buffer.drain(..start + length);
    Frame::Body(body)
}

/// Drops at least `at` bytes, then everything before the next `Content-Length`.
fn skip_to_next_header(buffer: &mut Vec<u8>, at: usize) {
    let at = at.min(buffer.len());
    let next = find_ignore_case(&buffer[at..], b"content-length").map_or(buffer.len(), |i| at + i);
    buffer.drain(..next);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

fn find_ignore_case(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window.eq_ignore_ascii_case(needle))
}

/// `Ok` for a body tower-lsp-server decodes, else the error response to send.
fn check_body(body: &[u8]) -> Result<(), Value> {
    let value: Value = match serde_json::from_slice(body) {
        Ok(value) => value,
        Err(error) => return Err(error_response(Value::Null, PARSE_ERROR, &error.to_string())),
    };
    let is_response = value.get("result").is_some() || value.get("error").is_some();
    let decodes = if is_response {
        serde_json::from_value::<Response>(value.clone()).is_ok()
    } else {
        // tower-lsp-server would take a message without a method for a request.
        value.get("method").is_some_and(Value::is_string)
            && serde_json::from_value::<Request>(value.clone()).is_ok()
    };
    if decodes {
        return Ok(());
    }
    let id = value
        .get("id")
        .filter(|id| id.is_string() || id.is_i64() || id.is_u64())
        .cloned()
        .unwrap_or(Value::Null);
    Err(error_response(
        id,
        INVALID_REQUEST,
        "not a JSON-RPC 2.0 message",
    ))
}

fn error_response(id: Value, code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": id, "error": {"code": code, "message": message}})
}

fn frame(body: &[u8]) -> Vec<u8> {
    let mut out = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
    out.extend_from_slice(body);
    out
}

/// Copies well-formed messages from the client to the server; answers the others through
/// `errors`. Ends at the client's end of input, which closes the server's input.
pub async fn guard_input<R, W>(mut client: R, mut server: W, errors: mpsc::UnboundedSender<Vec<u8>>)
where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buffer = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        loop {
            match next_frame(&mut buffer) {
                Frame::Incomplete => break,
                Frame::Garbage(reason) => {
                    warn!("dropping bytes from the client: {reason}");
                    let response = error_response(Value::Null, PARSE_ERROR, &reason);
                    let _ = errors.send(frame(response.to_string().as_bytes()));
                }
                Frame::Body(body) => match check_body(&body) {
                    Ok(()) => {
                        if server.write_all(&frame(&body)).await.is_err() {
                            return; // the server has ended
                        }
                    }
                    Err(response) => {
                        warn!(
                            "dropping a malformed message: {}",
                            response["error"]["message"]
                        );
                        let _ = errors.send(frame(response.to_string().as_bytes()));
                    }
                },
            }
        }
        match client.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(read) => buffer.extend_from_slice(&chunk[..read]),
        }
    }
    let _ = server.shutdown().await;
}

/// Copies the server's messages to the client, with the guard's error responses between
/// whole messages. Ends when the server's output ends.
pub async fn merge_output<R, W>(
    mut server: R,
    mut client: W,
    mut errors: mpsc::UnboundedReceiver<Vec<u8>>,
) where
    R: AsyncRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut buffer = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    let mut errors_open = true;
    loop {
        tokio::select! {
            read = server.read(&mut chunk) => match read {
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    buffer.extend_from_slice(&chunk[..read]);
                    while let Frame::Body(body) = next_frame(&mut buffer) {
                        if client.write_all(&frame(&body)).await.is_err() {
                            return;
                        }
                    }
                    if client.flush().await.is_err() {
                        return;
                    }
                }
            },
            error = errors.recv(), if errors_open => match error {
                Some(bytes) => {
                    if client.write_all(&bytes).await.is_err() || client.flush().await.is_err() {
                        return;
                    }
                }
                None => errors_open = false,
            },
        }
    }
    let _ = client.flush().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_garbage_and_partial_input() {
        let mut buffer = b"Content-Length: 2\r\n\r\n{}Content-Length: 5\r\n\r\n{".to_vec();
        assert_eq!(next_frame(&mut buffer), Frame::Body(b"{}".to_vec()));
        assert_eq!(next_frame(&mut buffer), Frame::Incomplete);
        let mut buffer = b"Content-Length: nope\r\n\r\njunkContent-Length: 2\r\n\r\n[]".to_vec();
        assert!(matches!(next_frame(&mut buffer), Frame::Garbage(_)));
        assert_eq!(next_frame(&mut buffer), Frame::Body(b"[]".to_vec()));
        let mut buffer = b"content-length: 2\r\nContent-Type: x\r\n\r\n{}".to_vec();
        assert_eq!(next_frame(&mut buffer), Frame::Body(b"{}".to_vec()));
    }

    #[test]
    fn bodies_that_are_no_messages_get_errors() {
        assert!(check_body(br#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#).is_ok());
        assert!(check_body(br#"{"jsonrpc":"2.0","id":1,"result":null}"#).is_ok());
        let parse = check_body(b"{oops").unwrap_err();
        assert_eq!(parse["error"]["code"], PARSE_ERROR);
        let invalid = check_body(br#"{"jsonrpc":"2.0","id":7,"params":{}}"#).unwrap_err();
        assert_eq!(
            (invalid["id"].clone(), invalid["error"]["code"].clone()),
            (json!(7), json!(INVALID_REQUEST))
        );
    }
}
