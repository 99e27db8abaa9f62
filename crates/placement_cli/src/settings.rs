//! placement-lint's settings files on the command line: `--config`, `--isolated`, and
//! `show-settings`. Reading and merging them is `placement_io::settings`.

use placement_analysis::path_key::PathMap;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use placement_io::settings::{ResolvedSettings, SettingsFailure, SettingsMode, SettingsResolver};

use crate::args::{OutputFormat, SettingsArgs};
use crate::discover::Discovery;
use crate::selection::RuleSelection;
use crate::{CliError, exit, output, paths};

/// The resolver for a run: `--isolated`, `--config PATH` or each file's nearest settings, with
/// the command line's `--select`/`--ignore` on top.
pub fn resolver(args: &SettingsArgs, cwd: &Path, over: RuleSelection) -> SettingsResolver {
    let mode = if args.isolated {
        SettingsMode::Isolated
    } else if let Some(config) = &args.config {
        SettingsMode::File(cwd.join(config))
    } else {
        SettingsMode::Nearest
    };
    SettingsResolver::new(mode, Some(over))
}

/// The settings of every file a run checks.
pub struct ResolvedAll {
    by_file: PathMap<Arc<ResolvedSettings>>,
    defaults: ResolvedSettings,
}

impl ResolvedAll {
    pub fn of(&self, path: &Path) -> &ResolvedSettings {
        self.by_file
            .get(path)
            .map_or(&self.defaults, |settings| settings.as_ref())
    }
}

/// Resolves the settings of every discovered config and drops the excluded ones; `Err` holds
/// each settings file in error (see [`print_failures`]).
pub fn resolve_all(
    resolver: &SettingsResolver,
    discovery: &mut Discovery,
) -> Result<ResolvedAll, Vec<Arc<SettingsFailure>>> {
    let mut by_file = PathMap::default();
    let mut failures: Vec<Arc<SettingsFailure>> = Vec::new();
    let files: Vec<PathBuf> = discovery
        .configs
        .iter()
        .chain(discovery.shadowed.keys())
        .cloned()
        .collect();
    for file in files {
        match resolver.for_file(&file) {
            Ok(settings) => {
                by_file.insert(file, settings);
            }
            Err(failure) => {
                if !failures.iter().any(|seen| Arc::ptr_eq(seen, &failure)) {
                    failures.push(failure);
                }
            }
        }
    }
    if !failures.is_empty() {
        return Err(failures);
    }
    let excluded = |path: &PathBuf| {
        by_file
            .get(path)
            .is_some_and(|s: &Arc<ResolvedSettings>| s.is_excluded(path))
    };
    discovery.configs.retain(|path| !excluded(path));
    discovery.shadowed.retain(|path, _| !excluded(path));
    Ok(ResolvedAll {
        by_file,
        defaults: ResolvedSettings::default(),
    })
}

/// Prints settings files in error in the report's format: framed like diagnostics for the human
/// output, as workflow commands (on stdout) for GitHub, one line each on stderr otherwise, so that
/// a CI log or an editor's quickfix list reads them like the diagnostics they stand in for.
pub fn print_failures(failures: &[Arc<SettingsFailure>], format: OutputFormat) {
    let mut err = std::io::stderr().lock();
    match format {
        OutputFormat::Human => {
            let color = std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty())
                && std::io::stderr().is_terminal();
            for failure in failures {
                let _ = output::human::write_settings_failure(&mut err, failure, color);
            }
        }
        OutputFormat::Github => {
            let mut out = std::io::stdout().lock();
            for failure in failures {
                let _ = output::github::write_settings_failure(&mut out, failure);
            }
            let _ = out.flush();
        }
        _ => {
            for failure in failures {
                let _ = output::concise::write_settings_failure(&mut err, failure);
            }
        }
    }
    let count: usize = failures.iter().map(|failure| failure.errors.len()).sum();
    let _ = writeln!(
        err,
        "placement-lint: error: {count} error(s) in placement-lint's settings; nothing was checked"
    );
}

/// `placement-lint show-settings PATH`.
pub fn show(path: &Path, args: &SettingsArgs) -> Result<u8, CliError> {
    let cwd = std::env::current_dir().map_err(CliError::Io)?;
    let absolute = cwd.join(path);
    if !absolute.exists() {
        return Err(CliError::Usage(format!(
            "cannot read `{}`: no such file or folder",
            path.display()
        )));
    }
    // A folder's settings are those of a file in it.
    let file = if absolute.is_dir() {
        absolute.join("wrangler.toml")
    } else {
        absolute.clone()
    };
    let resolver = resolver(args, &cwd, RuleSelection::all());
    let settings = match resolver.for_file(&file) {
        Ok(settings) => settings,
        Err(failure) => {
            print_failures(&[failure], OutputFormat::Human);
            return Ok(exit::USAGE);
        }
    };
    let mut out = std::io::stdout().lock();
    let io = |result: std::io::Result<()>| result.map_err(CliError::Io);
    io(writeln!(
        out,
        "# settings for {}",
        paths::display(&absolute)
    ))?;
    for line in settings.describe(&|file| paths::display(file)) {
        io(writeln!(out, "{line}"))?;
    }
    if settings.is_excluded(&file) {
        io(writeln!(out, "# this file is excluded: `check` skips it"))?;
    }
    Ok(exit::CLEAN)
}
