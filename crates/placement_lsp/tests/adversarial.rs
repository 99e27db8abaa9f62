//! The language server reads the disk as the command line does: a Worker entry that is a link
//! to `/dev/zero` or a FIFO is noted (PL007), never read, and the server keeps answering.

#![cfg(unix)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::{TestClient, capabilities, file_uri};
use serde_json::json;

/// Peak resident memory of this test process, in bytes.
fn peak_rss() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).unwrap();
    line.split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<u64>()
        .unwrap()
        * 1024
}

async fn entry_is_noted_not_read(make_entry: impl FnOnce(&Path), reason: &str) {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("wrangler.toml");
    let text = "name = \"w\"\nmain = \"src/index.js\"\n[placement]\nmode = \"smart\"\n";
    std::fs::write(&config, text).unwrap();
    std::fs::create_dir(dir.path().join("src")).unwrap();
    let entry = dir.path().join("src/index.js");
    make_entry(&entry);
    let before = peak_rss();
    let mut client = TestClient::initialized(capabilities(false), json!({}), &[dir.path()]).await;
    client.open(&file_uri(&config), "toml", 1, text);
    let params = tokio::time::timeout(
        Duration::from_secs(60),
        client.diagnostics_where(&file_uri(&entry), |p| {
            !p["diagnostics"].as_array().unwrap().is_empty()
        }),
    )
    .await
    .expect("diagnostics for the entry within a minute");
    let diagnostic = &params["diagnostics"][0];
    assert_eq!(diagnostic["code"], "PL007", "{params}");
    let message = diagnostic["message"].as_str().unwrap();
    assert!(message.contains(reason), "{message}");
    assert_eq!(
        diagnostic["range"]["start"],
        json!({"line": 0, "character": 0})
    );
    let grown = peak_rss().saturating_sub(before);
    assert!(
        grown < 64 * 1024 * 1024,
        "peak memory grew by {grown} bytes"
    );
    assert!(client.shutdown().await);
}

#[tokio::test]
async fn an_entry_linked_to_dev_zero_is_noted_not_read() {
    entry_is_noted_not_read(
        |entry| std::os::unix::fs::symlink("/dev/zero", entry).unwrap(),
        "it is a device, not a regular file",
    )
    .await;
}

#[tokio::test]
async fn an_entry_that_is_a_fifo_does_not_block_the_server() {
    entry_is_noted_not_read(
        |entry| {
            let status = std::process::Command::new("mkfifo")
                .arg(entry)
                .status()
                .unwrap();
            assert!(status.success());
        },
        "it is a FIFO (named pipe), not a regular file",
    )
    .await;
}
