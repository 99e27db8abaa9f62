//! Logging to stderr only: stdout carries the protocol. A minimal `tracing` subscriber, so the
//! server's own messages and tower-lsp-server's (a message that failed to decode, for example)
//! end up in the same place. `PLACEMENT_LINT_LOG` sets the level (`error` to `trace`, default
//! `info`).

use std::fmt::{self, Write as _};
use std::io::Write as _;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Level, Metadata, Subscriber};

/// Installs the stderr logger as the global subscriber; a second call does nothing.
pub fn init() {
    let max_level = std::env::var("PLACEMENT_LINT_LOG")
        .ok()
        .and_then(|value| value.trim().parse::<Level>().ok())
        .unwrap_or(Level::INFO);
    // Fails only when a subscriber is already installed (tests starting several servers).
    let _ = tracing::subscriber::set_global_default(StderrLogger { max_level });
}

struct StderrLogger {
    max_level: Level,
}

impl Subscriber for StderrLogger {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        // In `tracing`, more verbose levels compare greater.
        *metadata.level() <= self.max_level
    }

    fn new_span(&self, _span: &Attributes<'_>) -> Id {
        Id::from_u64(1)
    }

    fn record(&self, _span: &Id, _values: &Record<'_>) {}

    fn record_follows_from(&self, _span: &Id, _follows: &Id) {}

    fn event(&self, event: &Event<'_>) {
        let mut line = format!(
            "[placement-lint {} {}]",
            event.metadata().level(),
            event.metadata().target()
        );
        event.record(&mut LineWriter(&mut line));
        line.push('\n');
        // Nothing sensible to do when stderr is gone.
        let _ = std::io::stderr().lock().write_all(line.as_bytes());
    }

    fn enter(&self, _span: &Id) {}

    fn exit(&self, _span: &Id) {}
}

struct LineWriter<'a>(&'a mut String);

impl Visit for LineWriter<'_> {
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value}");
        } else {
            let _ = write!(self.0, " {}={value}", field.name());
        }
    }

    fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
        if field.name() == "message" {
            let _ = write!(self.0, " {value:?}");
        } else {
            let _ = write!(self.0, " {}={value:?}", field.name());
        }
    }
}
