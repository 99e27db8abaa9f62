//! Checking (and fixing) the discovered configs, in parallel.

use std::path::{Path, PathBuf};

use placement_analysis::Diagnostic;
use placement_analysis::check_project_with;
use placement_analysis::fix::fix_with;
use placement_analysis::rules::invalid_utf8;
use placement_analysis::rules::shadowed_config_file;
use rayon::prelude::*;

use placement_io::{MAX_FILE_BYTES, ReadError, describe_io, read_bytes, write_fix};

use crate::discover::Discovery;
use crate::files::DiskFiles;
use crate::selection::RuleSelection;

/// What `--fix` / `--unsafe-fixes` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    Off,
    Safe,
    SafeAndUnsafe,
}

/// The result of checking one config.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    /// The config's text (after fixes), for code frames; empty when it has no diagnostics.
    pub text: String,
    pub diagnostics: Vec<Diagnostic>,
    /// `(code, title)` of each fix applied.
    pub fixes_applied: Vec<(&'static str, String)>,
}

/// A file that could not be read or written: reported on stderr, exit status 2.
#[derive(Debug)]
pub struct FileError {
    pub path: PathBuf,
    pub message: String,
}

pub struct CheckRun {
    pub results: Vec<FileResult>,
    pub errors: Vec<FileError>,
}

pub fn run(discovery: &Discovery, selection: &RuleSelection, fix: FixMode) -> CheckRun {
    let outcomes: Vec<Result<FileResult, FileError>> = discovery
        .configs
        .par_iter()
        .map(|path| check_file(path, selection, fix))
        .collect();
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(result) => results.push(result),
            Err(error) => errors.push(error),
        }
    }
    if selection.is_selected(&shadowed_config_file::SHADOWED_CONFIG_FILE) {
        for (shadowed, winner) in &discovery.shadowed {
            let text = read_lossy(shadowed);
            let winner_display = crate::paths::display(winner);
            let diagnostic =
                shadowed_config_file::shadowed(shadowed, &text, winner, &winner_display);
            match results.iter_mut().find(|r| &r.path == shadowed) {
                Some(result) => {
                    result.diagnostics.insert(0, diagnostic);
                    result.text = text;
                }
                None => results.push(FileResult {
                    path: shadowed.clone(),
                    text,
                    diagnostics: vec![diagnostic],
                    fixes_applied: Vec::new(),
                }),
            }
        }
    }
    results.sort_by(|a, b| a.path.cmp(&b.path));
    for result in &mut results {
        placement_analysis::sort_diagnostics(&mut result.diagnostics);
    }
    CheckRun { results, errors }
}

fn check_file(
    path: &Path,
    selection: &RuleSelection,
    fix: FixMode,
) -> Result<FileResult, FileError> {
    let bytes = read_bytes(path, MAX_FILE_BYTES).map_err(|error| FileError {
        path: path.to_path_buf(),
        message: match error {
            ReadError::NotRegular(_) | ReadError::TooLarge { .. } => format!("not read: {error}"),
            _ => format!("cannot read: {error}"),
        },
    })?;
    let decoded = invalid_utf8::decode(path, bytes);
    let text = decoded.text;
    let encoding_warning = decoded
        .diagnostic
        .filter(|diagnostic| selection.is_selected(diagnostic.rule));
    let inputs = placement_io::inputs_now();
    let check = |text: &str| {
        let mut diagnostics = check_project_with(path, text, &DiskFiles, inputs);
        diagnostics.retain(|d| selection.is_selected(d.rule));
        diagnostics
    };
    // Writing fixes back would turn the invalid bytes into U+FFFD: such a file is only checked.
    if fix == FixMode::Off || encoding_warning.is_some() {
        let mut diagnostics = check(&text);
        diagnostics.extend(encoding_warning);
        return Ok(FileResult {
            path: path.to_path_buf(),
            // Only files with diagnostics need their text (for code frames): memory stays flat
            // in the number of clean projects.
            text: if diagnostics.is_empty() {
                String::new()
            } else {
                text
            },
            diagnostics,
            fixes_applied: Vec::new(),
        });
    }
    let outcome = fix_with(
        path,
        &text,
        fix == FixMode::SafeAndUnsafe,
        &|rule| selection.is_selected(rule),
        &check,
    );
    if !outcome.applied.is_empty() {
        write_fix(path, outcome.text.as_bytes()).map_err(|error| FileError {
            path: path.to_path_buf(),
            message: format!("cannot write fixes: {}", describe_io(&error)),
        })?;
    }
    Ok(FileResult {
        path: path.to_path_buf(),
        text: outcome.text,
        diagnostics: outcome.remaining,
        fixes_applied: outcome.applied,
    })
}

/// A file's text for messages and code frames: bounded like every read, invalid bytes
/// replaced, empty when it cannot be read.
pub fn read_lossy(path: &Path) -> String {
    read_bytes(path, MAX_FILE_BYTES)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}
