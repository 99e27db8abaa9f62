//! The JSON output, a versioned contract: see the README.
//!
//! Written as serde_json's pretty printer writes the records of the contract (byte for byte:
//! the diagnostics are written directly, a report holds thousands), each checked file's
//! diagnostics on the thread that takes it, a bounded batch of files at a time, written in the
//! files' order: the bytes are those of one serial pass, and memory does not grow with a second
//! copy of every diagnostic. Fields are in alphabetical order, the order of the output since
//! version 1 (it was built as a sorted map then).

use std::io::Write;

use placement_analysis::{Diagnostic, Edit, FileChange, Span};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::ser::{Formatter, PrettyFormatter};

use super::{Position, Source, Sources, Summary};
use crate::check::CheckRun;
use crate::paths::display;

/// Bump when a field changes meaning or disappears (adding fields keeps the version).
pub const JSON_VERSION: u32 = 1;

#[derive(Serialize)]
struct SummaryJson {
    errors: usize,
    files: usize,
    fixed: usize,
    infos: usize,
    warnings: usize,
}

/// How many checked files have their diagnostics rendered at a time, in parallel: their text
/// is held until it is written in order, so memory does not grow with the number of files.
const RENDERED_AT_ONCE: usize = 256;

pub fn write(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    let summary = Summary::of(run);
    // The document as serde_json's pretty printer writes it, with the diagnostics array
    // written here: each file's diagnostics are rendered on the thread that takes the file.
    out.write_all(b"{\n  \"diagnostics\": [")?;
    let mut written_any = false;
    for files in run.results.chunks(RENDERED_AT_ONCE) {
        let rendered: Vec<Vec<u8>> = files
            .par_iter()
            .map(|result| render_diagnostics(&result.diagnostics, sources))
            .collect();
        for diagnostics in rendered.iter().filter(|rendered| !rendered.is_empty()) {
            // Every element but the first starts with its separator; the array's first element
            // gets the line break alone.
            let diagnostics = if written_any {
                &diagnostics[..]
            } else {
                &diagnostics[1..]
            };
            out.write_all(diagnostics)?;
            written_any = true;
        }
    }
    if written_any {
        out.write_all(b"\n  ")?;
    }
    out.write_all(b"],\n  \"summary\": ")?;
    let mut rest = serde_json::Serializer::with_formatter(&mut *out, nested_formatter(1));
    SummaryJson {
        errors: summary.errors,
        files: summary.files,
        fixed: summary.fixed,
        infos: summary.infos,
        warnings: summary.warnings,
    }
    .serialize(&mut rest)?;
    writeln!(out, ",\n  \"version\": {JSON_VERSION}\n}}")
}

/// One file's diagnostics as elements of the report's array, each preceded by `,` and a line
/// break with the array's indentation.
fn render_diagnostics(diagnostics: &[Diagnostic], sources: &Sources) -> Vec<u8> {
    // About what a diagnostic with a fix takes, so that the buffer seldom grows.
    let mut rendered = Vec::with_capacity(diagnostics.len() * 2048);
    for diagnostic in diagnostics {
        rendered.extend_from_slice(b",\n    ");
        let mut json = Pretty::at_depth(&mut rendered, 2);
        write_diagnostic(&mut json, diagnostic, sources);
    }
    rendered
}

/// serde_json's pretty printer for a value `depth` levels into the document (its indentation
/// there): opening that many arrays, written nowhere, moves it as far in.
fn nested_formatter(depth: usize) -> PrettyFormatter<'static> {
    let mut formatter = PrettyFormatter::new();
    for _ in 0..depth {
        formatter
            .begin_array(&mut std::io::sink())
            .expect("writing nowhere cannot fail");
    }
    formatter
}

/// A diagnostic as serde_json's pretty printer writes the record of the output's contract
/// (fields in alphabetical order; `other_files`, `content` and `edits` of a change left out
/// when empty or not there), written directly: the report holds thousands of diagnostics.
fn write_diagnostic(json: &mut Pretty<'_>, diagnostic: &Diagnostic, sources: &Sources) {
    let source = sources.get(&diagnostic.file);
    json.open(b'{');
    json.key("code");
    json.string(diagnostic.rule.code);
    json.key("environments");
    json.open(b'[');
    for environment in &diagnostic.environments {
        json.element();
        json.string(environment);
    }
    json.close(b']');
    json.key("file");
    json.string(&display(&diagnostic.file));
    json.key("fix");
    match &diagnostic.fix {
        None => json.null(),
        Some(fix) => {
            json.open(b'{');
            json.key("applicability");
            json.string(fix.applicability.as_str());
            json.key("edits");
            write_edits(json, &source, &fix.edits);
            if !fix.other_files.is_empty() {
                json.key("other_files");
                json.open(b'[');
                for change in &fix.other_files {
                    json.element();
                    write_file_change(json, change, sources);
                }
                json.close(b']');
            }
            json.key("title");
            json.string(&fix.title);
            json.close(b'}');
        }
    }
    json.key("help");
    match &diagnostic.help {
        None => json.null(),
        Some(help) => json.string(help),
    }
    json.key("message");
    json.string(&diagnostic.message);
    json.key("name");
    json.string(diagnostic.rule.name);
    json.key("range");
    write_range(json, &source, diagnostic.span);
    json.key("related");
    json.open(b'[');
    for related in &diagnostic.related {
        json.element();
        json.open(b'{');
        json.key("file");
        json.string(&display(&related.file));
        json.key("message");
        json.string(&related.message);
        json.key("range");
        write_range(json, &sources.get(&related.file), related.span);
        json.close(b'}');
    }
    json.close(b']');
    json.key("severity");
    json.string(diagnostic.severity.as_str());
    json.key("url");
    json.string(&diagnostic.rule.url());
    json.close(b'}');
}

/// A fix's change to another file: `"kind": "create"` with the new file's `content`, or
/// `"kind": "edit"` with `edits` as in `fix.edits`.
fn write_file_change(json: &mut Pretty<'_>, change: &FileChange, sources: &Sources) {
    json.open(b'{');
    match change {
        FileChange::Create { content, .. } => {
            json.key("content");
            json.string(content);
        }
        FileChange::Edit { path, edits } => {
            json.key("edits");
            write_edits(json, &sources.get(path), edits);
        }
    }
    json.key("file");
    json.string(&display(change.path()));
    json.key("kind");
    json.string(change.kind());
    json.close(b'}');
}

fn write_edits(json: &mut Pretty<'_>, source: &Source, edits: &[Edit]) {
    json.open(b'[');
    for edit in edits {
        json.element();
        json.open(b'{');
        json.key("content");
        json.string(&edit.content);
        json.key("range");
        write_range(json, source, edit.span);
        json.close(b'}');
    }
    json.close(b']');
}

fn write_range(json: &mut Pretty<'_>, source: &Source, span: Span) {
    let (start, end) = source.range(span);
    json.open(b'{');
    json.key("end");
    write_position(json, end);
    json.key("start");
    write_position(json, start);
    json.close(b'}');
}

fn write_position(json: &mut Pretty<'_>, position: Position) {
    json.open(b'{');
    json.key("column");
    json.number(position.column);
    json.key("line");
    json.number(position.line);
    json.key("offset");
    json.number(position.offset);
    json.close(b'}');
}

/// JSON as serde_json's `PrettyFormatter` writes it (two spaces a level; `[]` and `{}` when
/// empty; `"key": value`), into a buffer.
struct Pretty<'o> {
    out: &'o mut Vec<u8>,
    depth: usize,
    /// Nothing written yet in the innermost open array or object.
    empty: bool,
}

impl<'o> Pretty<'o> {
    /// A writer for a value already `depth` levels into the document.
    fn at_depth(out: &'o mut Vec<u8>, depth: usize) -> Self {
        Self {
            out,
            depth,
            empty: true,
        }
    }

    fn open(&mut self, bracket: u8) {
        self.out.push(bracket);
        self.depth += 1;
        self.empty = true;
    }

    fn close(&mut self, bracket: u8) {
        self.depth -= 1;
        if !self.empty {
            self.line_break(1);
        }
        self.out.push(bracket);
        // The container closed is a value of the one around it.
        self.empty = false;
    }

    /// Starts the next element of an array: the separator, a line break and the indentation,
    /// written at once.
    fn element(&mut self) {
        self.line_break(usize::from(self.empty));
        self.empty = false;
    }

    /// `,` (from `0`; from `1`, none), a line break and the indentation.
    fn line_break(&mut self, from: usize) {
        const LINE: &[u8] = b",\n                                ";
        let end = 2 + self.depth * 2;
        if end <= LINE.len() {
            self.out.extend_from_slice(&LINE[from..end]);
        } else {
            self.out.extend_from_slice(&LINE[from..2]);
            self.indent();
        }
    }

    /// Starts the next member of an object; `key` needs no escaping.
    fn key(&mut self, key: &str) {
        self.element();
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\": ");
    }

    fn indent(&mut self) {
        const SPACES: &[u8] = b"                                ";
        let mut width = self.depth * 2;
        while width > 0 {
            let run = width.min(SPACES.len());
            self.out.extend_from_slice(&SPACES[..run]);
            width -= run;
        }
    }

    fn null(&mut self) {
        self.out.extend_from_slice(b"null");
    }

    fn number(&mut self, number: usize) {
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = number;
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 {
                break;
            }
        }
        self.out.extend_from_slice(&digits[at..]);
    }

    /// `text` quoted, escaped as serde_json escapes (`\"`, `\\`, `\b\t\n\f\r`, other
    /// control characters as `\u00XX`); most text needs none, which one pass finds out.
    fn string(&mut self, text: &str) {
        let needs_escape = |byte: u8| byte < 0x20 || byte == b'"' || byte == b'\\';
        let bytes = text.as_bytes();
        self.out.push(b'"');
        let any = bytes
            .iter()
            .fold(false, |found, byte| found | needs_escape(*byte));
        if !any {
            self.out.extend_from_slice(bytes);
        } else {
            let mut run_start = 0;
            for (at, byte) in bytes.iter().enumerate() {
                if !needs_escape(*byte) {
                    continue;
                }
                self.out.extend_from_slice(&bytes[run_start..at]);
                run_start = at + 1;
                match byte {
                    b'"' => self.out.extend_from_slice(b"\\\""),
                    b'\\' => self.out.extend_from_slice(b"\\\\"),
                    0x08 => self.out.extend_from_slice(b"\\b"),
                    b'\t' => self.out.extend_from_slice(b"\\t"),
                    b'\n' => self.out.extend_from_slice(b"\\n"),
                    0x0c => self.out.extend_from_slice(b"\\f"),
                    b'\r' => self.out.extend_from_slice(b"\\r"),
                    control => {
                        const HEX: &[u8; 16] = b"0123456789abcdef";
                        self.out.extend_from_slice(b"\\u00");
                        self.out.push(HEX[usize::from(control >> 4)]);
                        self.out.push(HEX[usize::from(control & 0xf)]);
                    }
                }
            }
            self.out.extend_from_slice(&bytes[run_start..]);
        }
        self.out.push(b'"');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut every_ascii: String = (0u8..0x80).map(char::from).collect();
        every_ascii.push_str("é ✓ 😀 \u{2028}");
        for text in [every_ascii.as_str(), "", "plain", "\"", "a\\b", "tab\there"] {
            let mut written = Vec::new();
            Pretty::at_depth(&mut written, 0).string(text);
            assert_eq!(
                String::from_utf8(written).unwrap(),
                serde_json::to_string(text).unwrap()
            );
        }
    }

    #[test]
    fn nesting_is_indented_as_serde_jsons_pretty_printer_does() {
        let mut written = Vec::new();
        let mut json = Pretty::at_depth(&mut written, 0);
        json.open(b'{');
        json.key("empty_array");
        json.open(b'[');
        json.close(b']');
        json.key("empty_object");
        json.open(b'{');
        json.close(b'}');
        json.key("items");
        json.open(b'[');
        for number in [0, 7, 1234567890] {
            json.element();
            json.open(b'{');
            json.key("n");
            json.number(number);
            json.key("none");
            json.null();
            json.close(b'}');
        }
        json.element();
        json.open(b'[');
        json.close(b']');
        json.close(b']');
        json.key("last");
        json.string("x");
        json.close(b'}');
        let expected = serde_json::json!({
            "empty_array": [],
            "empty_object": {},
            "items": [
                { "n": 0, "none": null },
                { "n": 7, "none": null },
                { "n": 1234567890, "none": null },
                [],
            ],
            "last": "x",
        });
        assert_eq!(
            String::from_utf8(written).unwrap(),
            serde_json::to_string_pretty(&expected).unwrap()
        );
    }

    #[test]
    fn deep_nesting_is_indented_too() {
        let mut written = Vec::new();
        let mut json = Pretty::at_depth(&mut written, 0);
        let mut expected = serde_json::json!(7);
        for _ in 0..24 {
            expected = serde_json::json!([expected]);
            json.open(b'[');
            json.element();
        }
        json.number(7);
        for _ in 0..24 {
            json.close(b']');
        }
        assert_eq!(
            String::from_utf8(written).unwrap(),
            serde_json::to_string_pretty(&expected).unwrap()
        );
    }
}
