//! Checking (and fixing) the discovered configs, in parallel.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use placement_analysis::Diagnostic;
use placement_analysis::fix::{FixedFile, fix_with, other_file_problem};
use placement_analysis::path_key;
use placement_analysis::project::{NoFiles, ProjectFiles, project_root};
use placement_analysis::rules::invalid_utf8;
use placement_analysis::rules::shadowed_config_file;
use placement_analysis::{check_config_with, check_project_with};
use rayon::prelude::*;

use placement_io::settings::{ResolvedSettings, SettingsFailure, SettingsResolver, WithSettings};
use placement_io::{
    Listings, MAX_FILE_BYTES, ReadError, SharedDiskFiles, create_file, describe_io, read_bytes,
    read_text, write_fix,
};

use crate::CliError;
use crate::discover::Discovery;

/// What `--fix` / `--unsafe-fixes` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FixMode {
    Off,
    Safe,
    SafeAndUnsafe,
}

/// What to do with the fixes computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FixRequest {
    pub mode: FixMode,
    /// Write fixed files back (`--fix`); not for `--diff` or standard input.
    pub write: bool,
}

impl FixRequest {
    pub const OFF: FixRequest = FixRequest {
        mode: FixMode::Off,
        write: false,
    };

    /// Whether files may be written: fixes asked for, and written back.
    fn writes_files(self) -> bool {
        self.write && self.mode != FixMode::Off
    }
}

/// The result of checking one config.
#[derive(Debug)]
pub struct FileResult {
    pub path: PathBuf,
    /// The config's text (after fixes), for code frames; empty when it has no diagnostics.
    pub text: String,
    /// The text before fixes, kept when fixes applied (for `--diff` and standard input).
    pub original: Option<String>,
    pub diagnostics: Vec<Diagnostic>,
    /// `(code, title)` of each fix applied.
    pub fixes_applied: Vec<(&'static str, String)>,
    /// Other files the fixes applied create or change (`_routes.json`), with their text before.
    pub other_files: Vec<FixedFile>,
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

/// The settings of each file to check, by its path.
pub type SettingsOf<'a> = dyn Fn(&Path) -> &'a ResolvedSettings + Sync + 'a;

/// Checks every discovered config, reading the files around each through `files` (the disk,
/// or a view of it limited to one folder).
pub fn run(
    discovery: &Discovery,
    settings_of: &SettingsOf<'_>,
    fix: FixRequest,
    files: &dyn ProjectFiles,
) -> CheckRun {
    let outcomes: Vec<Result<FileResult, FileError>> = discovery
        .configs
        .par_iter()
        .map(|path| check_file(path, settings_of(path), fix, files, &Listings::default()))
        .collect();
    finish(outcomes, discovery, settings_of)
}

/// What [`discover_and_run`] ends with.
pub enum Checked {
    Run(CheckRun),
    /// No config under the paths given.
    NothingFound,
    /// Settings files in error: nothing is reported (see `settings::print_failures`).
    SettingsFailed(Vec<Arc<SettingsFailure>>),
}

/// `placement-lint check PATHS`: discovers the configs and checks each as soon as the walk has
/// found it (and listed the folders below it), on the walk's threads, with no wait for the
/// whole walk; the files around each config are looked up in the walk's listings
/// (`files.listings()`) first. With fixes to write, the checks wait for the walk instead, so
/// that a settings file in error stops the run before any file is written, and they read the
/// disk itself, since fixes change it.
pub fn discover_and_run(
    paths: &[PathBuf],
    cwd: &Path,
    resolver: &SettingsResolver,
    fix: FixRequest,
    files: &SharedDiskFiles,
) -> Result<Checked, CliError> {
    let streamed: Mutex<Vec<Result<FileResult, FileError>>> = Mutex::default();
    let listings = files.listings();
    let check_now = |path: &Path| {
        // A settings file in error is reported after the walk, for every file, in order.
        if let Ok(settings) = resolver.for_file(path)
            && !settings.is_excluded(path)
        {
            let outcome = check_file(path, &settings, fix, files, listings);
            lock(&streamed).push(outcome);
        }
    };
    let mut discovery = if fix.writes_files() {
        crate::discover::discover(paths, cwd)?
    } else {
        crate::discover::discover_streaming(paths, cwd, listings, &check_now)?
    };
    if discovery.configs.is_empty() && discovery.shadowed.is_empty() {
        return Ok(Checked::NothingFound);
    }
    // Cheap: the resolver has seen every folder and settings file during the walk.
    let resolved = match crate::settings::resolve_all(resolver, &mut discovery) {
        Ok(resolved) => resolved,
        Err(failures) => return Ok(Checked::SettingsFailed(failures)),
    };
    let settings_of = |path: &Path| resolved.of(path);
    if fix.writes_files() {
        return Ok(Checked::Run(run(&discovery, &settings_of, fix, files)));
    }
    let outcomes = streamed
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    Ok(Checked::Run(finish(outcomes, &discovery, &settings_of)))
}

fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Sorts the outcomes of the checks into results and errors, and adds PL002 to each shadowed
/// config.
fn finish(
    outcomes: Vec<Result<FileResult, FileError>>,
    discovery: &Discovery,
    settings_of: &SettingsOf<'_>,
) -> CheckRun {
    let mut results = Vec::new();
    let mut errors = Vec::new();
    for outcome in outcomes {
        match outcome {
            Ok(result) => results.push(result),
            Err(error) => errors.push(error),
        }
    }
    // Files checked in parallel finish in any order; the report's order does not vary.
    path_key::sort_by_path(&mut errors, |error: &FileError| error.path.as_path());
    for (shadowed, winner) in &discovery.shadowed {
        if settings_of(shadowed).is_enabled(&shadowed_config_file::SHADOWED_CONFIG_FILE)
            && !chosen_by_a_script(shadowed, winner)
        {
            let text = read_lossy(shadowed);
            let winner_display = crate::paths::display(winner);
            let mut diagnostic =
                shadowed_config_file::shadowed(shadowed, &text, winner, &winner_display);
            if let Some(severity) = settings_of(shadowed).severity_of(diagnostic.rule) {
                diagnostic.severity = severity;
            }
            match results.iter_mut().find(|r| &r.path == shadowed) {
                Some(result) => {
                    result.diagnostics.insert(0, diagnostic);
                    result.text = text;
                }
                None => results.push(FileResult {
                    path: shadowed.clone(),
                    text,
                    original: None,
                    diagnostics: vec![diagnostic],
                    fixes_applied: Vec::new(),
                    other_files: Vec::new(),
                }),
            }
        }
    }
    path_key::sort_by_path(&mut results, |result: &FileResult| result.path.as_path());
    for result in &mut results {
        placement_analysis::sort_diagnostics(&mut result.diagnostics);
    }
    CheckRun { results, errors }
}

/// Whether a `package.json` script between `shadowed` and `winner` runs wrangler with
/// `--config` naming `shadowed` (then wrangler does use it, and PL002 would be a false alarm).
fn chosen_by_a_script(shadowed: &Path, winner: &Path) -> bool {
    shadowed_config_file::script_folders(shadowed, winner).any(|folder| {
        read_bytes(&folder.join("package.json"), MAX_FILE_BYTES).is_ok_and(|manifest| {
            shadowed_config_file::chosen_by_script(
                folder,
                &String::from_utf8_lossy(&manifest),
                shadowed,
            )
        })
    })
}

/// Checks the config at `path`, read through `listings` (empty: from the disk).
fn check_file(
    path: &Path,
    settings: &ResolvedSettings,
    fix: FixRequest,
    files: &dyn ProjectFiles,
    listings: &Listings,
) -> Result<FileResult, FileError> {
    let bytes = listings
        .read_bytes(path, MAX_FILE_BYTES)
        .map_err(|error| FileError {
            path: path.to_path_buf(),
            message: match error {
                ReadError::NotRegular(_) | ReadError::TooLarge { .. } => {
                    format!("not read: {error}")
                }
                _ => format!("cannot read: {error}"),
            },
        })?;
    check_bytes(path, bytes, settings, fix, Some(files))
}

/// Checks a config's bytes as the file `path` (read from the disk, or from standard input),
/// with the files around it when `project` gives a way to read them.
pub fn check_bytes(
    path: &Path,
    bytes: Vec<u8>,
    settings: &ResolvedSettings,
    fix: FixRequest,
    project: Option<&dyn ProjectFiles>,
) -> Result<FileResult, FileError> {
    let decoded = invalid_utf8::decode(path, bytes);
    let text = decoded.text;
    let encoding_warning = decoded
        .diagnostic
        .filter(|diagnostic| settings.is_enabled(diagnostic.rule))
        .map(|mut diagnostic| {
            if let Some(severity) = settings.severity_of(diagnostic.rule) {
                diagnostic.severity = severity;
            }
            diagnostic
        });
    let inputs = placement_io::inputs_now();
    let check = |text: &str, files: &dyn ProjectFiles| {
        let mut diagnostics = match project {
            Some(_) => check_project_with(path, text, &WithSettings { files, settings }, inputs),
            None => check_config_with(path, text, inputs),
        };
        settings.apply(path, text, &mut diagnostics);
        diagnostics
    };
    let files: &dyn ProjectFiles = project.unwrap_or(&NoFiles);
    // Writing fixes back would turn the invalid bytes into U+FFFD: such a file is only checked.
    if fix.mode == FixMode::Off || encoding_warning.is_some() {
        let mut diagnostics = check(&text, files);
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
            original: None,
            diagnostics,
            fixes_applied: Vec::new(),
            other_files: Vec::new(),
        });
    }
    let outcome = fix_with(
        path,
        &text,
        fix.mode == FixMode::SafeAndUnsafe,
        &|rule| settings.is_enabled(rule),
        files,
        &check,
    );
    if fix.write && !outcome.applied.is_empty() {
        // The other files first: when one cannot be written, the config is left as it was.
        write_other_files(path, &outcome.other_files)?;
        if outcome.text != text {
            write_fix(path, outcome.text.as_bytes()).map_err(|error| FileError {
                path: path.to_path_buf(),
                message: format!("cannot write fixes: {}", describe_io(&error)),
            })?;
        }
    }
    Ok(FileResult {
        path: path.to_path_buf(),
        original: (!outcome.applied.is_empty()).then_some(text),
        text: outcome.text,
        diagnostics: outcome.remaining,
        fixes_applied: outcome.applied,
        other_files: outcome.other_files,
    })
}

/// Writes the files a config's fixes create or change, each atomically, after checking them
/// all again: inside the config's folder, still as the fixes found them on disk, and text
/// that parses (a `_routes.json` Pages accepts).
fn write_other_files(config: &Path, files: &[FixedFile]) -> Result<(), FileError> {
    let root = project_root(config);
    let refuse = |file: &FixedFile, why: String| FileError {
        path: file.path.clone(),
        message: format!("cannot write fixes: {why}"),
    };
    for file in files {
        if !is_inside(&file.path, &root) {
            return Err(refuse(file, "it is outside the config's folder".to_owned()));
        }
        if let Some(problem) = other_file_problem(&file.path, &file.text) {
            return Err(refuse(file, problem));
        }
        let on_disk = read_text(&file.path, MAX_FILE_BYTES).ok();
        if on_disk != file.original {
            return Err(refuse(file, "it changed since it was read".to_owned()));
        }
    }
    for file in files {
        let written = match file.original {
            None => create_file(&file.path, file.text.as_bytes()),
            Some(_) => write_fix(&file.path, file.text.as_bytes()).map(|_| ()),
        };
        written.map_err(|error| refuse(file, describe_io(&error)))?;
    }
    Ok(())
}

/// Whether `path`'s folder is `root` or below it, links followed (so a fix never writes
/// through a link out of the project).
fn is_inside(path: &Path, root: &Path) -> bool {
    let root = if root.as_os_str().is_empty() {
        Path::new(".")
    } else {
        root
    };
    let folder = path
        .parent()
        .filter(|parent| !parent.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    match (std::fs::canonicalize(folder), std::fs::canonicalize(root)) {
        (Ok(folder), Ok(root)) => folder.starts_with(root),
        _ => false,
    }
}

/// A file's text for messages and code frames: bounded like every read, invalid bytes
/// replaced, empty when it cannot be read.
pub fn read_lossy(path: &Path) -> String {
    read_bytes(path, MAX_FILE_BYTES)
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .unwrap_or_default()
}
