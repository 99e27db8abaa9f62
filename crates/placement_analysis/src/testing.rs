//! Rule tests as data: a fixture with `^^^ CODE` lines under the expected spans.
//!
//! A line whose first non-blank character is `^` is an annotation for the line above it (the
//! nearest line that is not an annotation); it is removed before the text is checked. After the
//! code, `: TEXT` says what the message must contain, as in rust-analyzer's
//! `//^^^ error: message`:
//!
//! ```text
//! hint = "wnam"
//! ^^^^ PL101: inherited by environment `staging`
//! ```

use std::path::Path;

use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::syntax::Format;

/// One `^^^ CODE: TEXT` line: a diagnostic expected at `span`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub code: String,
    pub span: Span,
    /// Text the message must contain, when the annotation gives one.
    pub message: Option<String>,
}

/// Splits a fixture into the text to check and the annotations.
pub fn parse_fixture(fixture: &str) -> (String, Vec<Annotation>) {
    let mut text = String::new();
    let mut expected = Vec::new();
    let mut previous_line_start = 0;
    for line in fixture.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with('^') {
            let column = line.len() - trimmed.len();
            let carets = trimmed.chars().take_while(|c| *c == '^').count();
            let annotation = trimmed[carets..].trim();
            let (code, message) = match annotation.split_once(':') {
                Some((code, message)) => (code.trim(), Some(message.trim().to_owned())),
                None => (annotation, None),
            };
            let start = previous_line_start + column;
            expected.push(Annotation {
                code: code.to_owned(),
                span: Span::new(start, start + carets),
                message,
            });
        } else {
            previous_line_start = text.len();
            text.push_str(line);
        }
    }
    (text, expected)
}

/// Asserts that every annotation with a message text has a diagnostic at its span whose
/// message contains it (`file` names the fixture in failures).
#[track_caller]
fn assert_messages(file: &str, annotations: &[Annotation], diagnostics: &[&Diagnostic]) {
    for annotation in annotations {
        let Some(wanted) = &annotation.message else {
            continue;
        };
        let messages: Vec<&str> = diagnostics
            .iter()
            .filter(|d| d.span == annotation.span && d.code() == annotation.code)
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            messages
                .iter()
                .any(|message| message.contains(wanted.as_str())),
            "{file}: no {} message at {:?} contains {wanted:?}; messages there: {messages:#?}",
            annotation.code,
            annotation.span
        );
    }
}

/// The date rule tests run on, so that "in the future" does not change with the clock.
pub fn today() -> crate::date::Date {
    crate::date::Date::new(2026, 6, 15).expect("a real date")
}

pub fn inputs() -> crate::Inputs {
    crate::Inputs {
        today: Some(today()),
    }
}

fn file_name(format: Format) -> &'static Path {
    match format {
        Format::Toml => Path::new("wrangler.toml"),
        Format::Json => Path::new("wrangler.jsonc"),
    }
}

/// Checks `fixture` and asserts that the diagnostics of `code` are exactly the annotated ones.
/// Returns them for further assertions.
#[track_caller]
pub fn assert_rule(code: &str, format: Format, fixture: &str) -> Vec<Diagnostic> {
    let (text, expected) = parse_fixture(fixture);
    let diagnostics: Vec<Diagnostic> = crate::check_config_with(file_name(format), &text, inputs())
        .into_iter()
        .filter(|d| d.code() == code)
        .collect();
    let mut expected = expected;
    expected.sort_by_key(|annotation| (annotation.span.start, annotation.span.end));
    let render = |items: &mut dyn Iterator<Item = (&str, Span)>| {
        items
            .map(|(code, span)| format!("{code} {:?}", &text[span.start..span.end]))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        render(&mut diagnostics.iter().map(|d| (d.code(), d.span))),
        render(&mut expected.iter().map(|a| (a.code.as_str(), a.span))),
        "diagnostics of {code} differ; all: {:#?}",
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    assert_messages(
        file_name(format).to_str().unwrap_or_default(),
        &expected,
        &diagnostics.iter().collect::<Vec<_>>(),
    );
    diagnostics
}

/// Applies the fix of the only `code` diagnostic in `before` and returns the new text.
#[track_caller]
pub fn apply_fix(code: &str, format: Format, before: &str) -> String {
    let diagnostics: Vec<Diagnostic> =
        crate::check_config_with(file_name(format), before, inputs())
            .into_iter()
            .filter(|d| d.code() == code)
            .collect();
    assert_eq!(
        diagnostics.len(),
        1,
        "expected one {code}: {diagnostics:#?}"
    );
    let fix = diagnostics[0].fix.as_ref().expect("a fix");
    let after = crate::fix::apply_edits(before, &fix.edits);
    assert!(
        crate::syntax::parse(&after, format).errors.is_empty(),
        "fix output does not parse:\n{after}"
    );
    after
}

/// An in-memory project: files by path, folders derived from the paths.
pub struct MemoryFiles {
    files: std::collections::BTreeMap<std::path::PathBuf, String>,
}

impl MemoryFiles {
    pub fn new(files: &[(&str, &str)]) -> Self {
        Self {
            files: files
                .iter()
                .map(|(path, text)| (std::path::PathBuf::from(path), (*text).to_owned()))
                .collect(),
        }
    }
}

impl crate::project::ProjectFiles for MemoryFiles {
    fn read(&self, path: &Path) -> Option<String> {
        self.files.get(path).cloned()
    }

    fn list_dir(&self, path: &Path) -> Option<Vec<crate::project::DirEntry>> {
        let mut entries: Vec<crate::project::DirEntry> = Vec::new();
        for file in self.files.keys() {
            let Ok(rest) = file.strip_prefix(path) else {
                continue;
            };
            let mut parts = rest.iter();
            let Some(first) = parts.next() else { continue };
            let entry = crate::project::DirEntry {
                name: first.to_string_lossy().into_owned(),
                is_dir: parts.next().is_some(),
            };
            if !entries.contains(&entry) {
                entries.push(entry);
            }
        }
        (!entries.is_empty()).then_some(entries)
    }
}

/// Checks a project given as `(path, fixture)` pairs, the config among them (a file named
/// `wrangler.toml`, `wrangler.json` or `wrangler.jsonc` at the root), and asserts that the
/// diagnostics of `code` are exactly those annotated with `^^^ CODE` in any of the files.
#[track_caller]
pub fn assert_project_rule(code: &str, fixtures: &[(&str, &str)]) -> Vec<Diagnostic> {
    let mut texts: Vec<(String, String)> = Vec::new();
    let mut annotated: Vec<(&str, Vec<Annotation>)> = Vec::new();
    let mut expected: Vec<String> = Vec::new();
    for (path, fixture) in fixtures {
        let (text, annotations) = parse_fixture(fixture);
        for annotation in &annotations {
            expected.push(format!(
                "{} {path} {:?}",
                annotation.code,
                &text[annotation.span.start..annotation.span.end]
            ));
        }
        annotated.push((path, annotations));
        texts.push(((*path).to_owned(), text));
    }
    let borrowed: Vec<(&str, &str)> = texts
        .iter()
        .map(|(path, text)| (path.as_str(), text.as_str()))
        .collect();
    let files = MemoryFiles::new(&borrowed);
    let (config, config_text) = texts
        .iter()
        .find(|(path, _)| crate::syntax::Format::from_file_name(path).is_some())
        .expect("a config among the fixtures");
    let diagnostics: Vec<Diagnostic> =
        crate::check_project_with(Path::new(config), config_text, &files, inputs())
            .into_iter()
            .filter(|d| d.code() == code)
            .collect();
    let actual: Vec<String> = diagnostics
        .iter()
        .map(|d| {
            let path = d.file.to_string_lossy().into_owned();
            let text = &texts
                .iter()
                .find(|(p, _)| *p == path)
                .expect("a known file")
                .1;
            format!("{} {path} {:?}", d.code(), &text[d.span.start..d.span.end])
        })
        .collect();
    expected.sort();
    let mut sorted_actual = actual.clone();
    sorted_actual.sort();
    assert_eq!(
        sorted_actual,
        expected,
        "diagnostics of {code} differ; messages: {:#?}",
        diagnostics.iter().map(|d| &d.message).collect::<Vec<_>>()
    );
    for (path, annotations) in &annotated {
        let in_file: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.file == Path::new(path))
            .collect();
        assert_messages(path, annotations, &in_file);
    }
    diagnostics
}
