//! `check --stdin-filename PATH`: a config's text from standard input, checked as the file
//! PATH (editor plugins and pre-commit on staged text).

use std::io::{Read, Write};
use std::path::Path;

use placement_io::MAX_FILE_BYTES;
use placement_io::settings::SettingsResolver;

use crate::args::OutputFormat;
use crate::check::{CheckRun, FixRequest, check_bytes};
use crate::{CliError, exit, settings};

/// The check of standard input, with the bytes read (printed back unchanged by --fix when no
/// fix applies, invalid UTF-8 included).
pub struct StdinRun {
    pub run: CheckRun,
    pub input: Vec<u8>,
}

/// Checks standard input as `path`. `Ok(Err(status))` when the settings are in error (already
/// printed).
pub fn check(
    path: &Path,
    cwd: &Path,
    resolver: &SettingsResolver,
    fix: FixRequest,
    format: OutputFormat,
) -> Result<Result<StdinRun, u8>, CliError> {
    let bytes = read_stdin()?;
    let absolute = cwd.join(path);
    let settings = match resolver.for_file(&absolute) {
        Ok(settings) => settings,
        Err(failure) => {
            settings::print_failures(&[failure], format);
            return Ok(Err(exit::USAGE));
        }
    };
    if settings.is_excluded(&absolute) {
        // Excluded: nothing to report; with --fix the text goes back unchanged.
        let run = CheckRun {
            results: Vec::new(),
            errors: Vec::new(),
        };
        return Ok(Ok(StdinRun { run, input: bytes }));
    }
    // The files around the config are read only when it is a real place on the disk.
    let project = absolute
        .exists()
        .then_some(&crate::DiskFiles as &dyn placement_analysis::project::ProjectFiles);
    let result = check_bytes(&absolute, bytes.clone(), &settings, fix, project);
    let mut run = CheckRun {
        results: Vec::new(),
        errors: Vec::new(),
    };
    match result {
        Ok(result) => run.results.push(result),
        Err(error) => run.errors.push(error),
    }
    Ok(Ok(StdinRun { run, input: bytes }))
}

fn read_stdin() -> Result<Vec<u8>, CliError> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(CliError::Io)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(CliError::Usage(format!(
            "standard input is larger than placement-lint's limit of {} MB for a file",
            MAX_FILE_BYTES / 1_000_000
        )));
    }
    Ok(bytes)
}

/// With --fix: the text after fixes (the input, byte for byte, when nothing applied) on
/// standard output.
pub fn write_fixed_text(run: &CheckRun, input: &[u8]) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match run.results.first() {
        Some(result) if !result.fixes_applied.is_empty() => {
            out.write_all(result.text.as_bytes())?
        }
        _ => out.write_all(input)?,
    }
    out.flush()
}
