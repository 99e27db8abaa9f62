//! The process exit status of `run_stdio`, through real stdin/stdout: `shutdown` then `exit`
//! ends with status 0; `exit` without `shutdown` with status 1 (as the LSP asks); garbage on the
//! way changes neither. This file has no test harness (`harness = false`): the same binary runs
//! as the server when `PLACEMENT_LSP_STDIO_CHILD` is set, so nothing but LSP reaches stdout.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn frame(body: &str) -> Vec<u8> {
    format!("Content-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

/// Reads one framed message from the server's stdout.
fn read_message(reader: &mut impl BufRead) -> serde_json::Value {
    let mut length = None;
    loop {
        let mut line = String::new();
        assert!(reader.read_line(&mut line).unwrap() > 0, "stdout closed");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = Some(value.parse::<usize>().unwrap());
        }
    }
    let mut body = vec![0; length.expect("Content-Length")];
    reader.read_exact(&mut body).unwrap();
    serde_json::from_slice(&body).unwrap()
}

/// Runs the server, sends `messages` after `initialize`, and returns its exit code.
fn exit_code(messages: &[Vec<u8>], expect_shutdown_reply: bool) -> i32 {
    let mut child = Command::new(std::env::current_exe().unwrap())
        .env("PLACEMENT_LSP_STDIO_CHILD", "1")
        .env("PLACEMENT_LINT_LOG", "warn")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    stdin
        .write_all(&frame(
            r#"{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}"#,
        ))
        .unwrap();
    let initialized = read_message(&mut stdout);
    assert_eq!(
        initialized["result"]["capabilities"]["positionEncoding"],
        "utf-16"
    );
    stdin
        .write_all(&frame(
            r#"{"jsonrpc":"2.0","method":"initialized","params":{}}"#,
        ))
        .unwrap();
    for message in messages {
        stdin.write_all(message).unwrap();
    }
    stdin.flush().unwrap();
    if expect_shutdown_reply {
        // Error replies to garbage may come first.
        loop {
            let reply = read_message(&mut stdout);
            if reply["id"] == 2 {
                assert!(reply["result"].is_null(), "{reply}");
                break;
            }
        }
        stdin
            .write_all(&frame(r#"{"jsonrpc":"2.0","method":"exit"}"#))
            .unwrap();
        stdin.flush().unwrap();
    }
    // Keep stdin open: the server must end on `exit`, not on end of input.
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            drop(stdin);
            return status.code().expect("an exit code");
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "the server did not exit"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn main() {
    if std::env::var_os("PLACEMENT_LSP_STDIO_CHILD").is_some() {
        std::process::exit(match placement_lsp::run_stdio() {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("placement-lint server: {error}");
                1
            }
        });
    }
    let shutdown = frame(r#"{"jsonrpc":"2.0","id":2,"method":"shutdown"}"#);
    assert_eq!(exit_code(std::slice::from_ref(&shutdown), true), 0);
    println!("test shutdown_then_exit_is_status_0 ... ok");

    let garbage = [
        frame("{oops"),
        b"Content-Length: nope\r\n\r\n".to_vec(),
        frame(r#"{"jsonrpc":"2.0","id":5,"method":"no/such/method"}"#),
        shutdown,
    ];
    assert_eq!(exit_code(&garbage, true), 0);
    println!("test garbage_then_shutdown_then_exit_is_status_0 ... ok");

    let exit_only = frame(r#"{"jsonrpc":"2.0","method":"exit"}"#);
    assert_eq!(exit_code(&[exit_only], false), 1);
    println!("test exit_without_shutdown_is_status_1 ... ok");
}
