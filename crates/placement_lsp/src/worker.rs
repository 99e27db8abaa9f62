//! One analysis worker per project (keyed by its config). A handler that changes what a project
//! reads bumps the project's generation through [`refresh`]; the worker debounces, snapshots the
//! open buffers, analyses on the blocking pool and publishes only if nothing it read has moved
//! on since (see [`accept`]).

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use placement_analysis::discovery::resolve_config;
use placement_analysis::project::ProjectFiles;
use placement_analysis::rules::shadowed_config_file;
use placement_analysis::selection::RuleSelection;
use placement_analysis::syntax::{self, ParsedConfig};
use placement_analysis::{check_parsed_project_with, format_of};
use placement_io::settings::{
    ResolvedSettings, SettingsFailure, SettingsMode, SettingsResolver, WithSettings,
};
use tokio::sync::watch;
use tower_lsp_server::ls_types::Uri;
use tracing::{debug, warn};

use crate::blocking::run_blocking;
use crate::convert::{self, FileDiagnostics, FileTexts};
use crate::encoding::PositionEncoding;
use crate::files::Overlay;
use crate::state::{Project, Shared, State};

/// Larger documents are kept (edits, hover) but not analysed: no config is this big, and the
/// analysis of such a file would hold a worker for seconds.
const MAX_ANALYZED_BYTES: usize = 16 * 1024 * 1024;

/// Re-analyses `configs` (starting a worker for a project seen for the first time) and retires
/// projects no open document belongs to any more. Synchronous: handlers call it before any
/// `.await`, so that changes apply in the order they arrived.
pub fn refresh(
    shared: &Arc<Shared>,
    state: &mut State,
    configs: impl IntoIterator<Item = PathBuf>,
) {
    for config in configs {
        let project = state.projects.entry(config.clone()).or_insert_with(|| {
            let (trigger, receiver) = watch::channel(0);
            tokio::spawn(project_worker(shared.clone(), config.clone(), receiver));
            Project {
                trigger,
                files: HashSet::new(),
            }
        });
        project.trigger.send_modify(|generation| *generation += 1);
    }
    let active = state.active_projects();
    let retired: Vec<PathBuf> = state
        .projects
        .keys()
        .filter(|config| !active.contains(*config))
        .cloned()
        .collect();
    let mut clears = Vec::new();
    for config in retired {
        if let Some(project) = state.projects.remove(&config) {
            // Dropping the trigger ends the worker.
            clears.extend(state.clear_project(&config, project.files));
        }
    }
    if !clears.is_empty() {
        let shared = shared.clone();
        tokio::spawn(async move {
            let _order = shared.publish_lock.lock().await;
            publish(&shared, clears).await;
        });
    }
}

/// Sends `files` to the client; the caller holds the publish lock. Takes them by value: a
/// config with thousands of environments can have tens of thousands of diagnostics.
async fn publish(shared: &Shared, files: Vec<FileDiagnostics>) {
    for file in files {
        shared
            .client
            .publish_diagnostics(file.uri, file.diagnostics, file.version)
            .await;
    }
}

/// What one analysis of a project read and found.
struct Analysis {
    /// The open documents it read, at their versions.
    read_versions: HashMap<Uri, i32>,
    files: Vec<FileDiagnostics>,
    /// The config it analysed, for the next analysis to start from.
    config: Option<ParsedText>,
}

/// A config's text and its parse, kept by the project's worker between analyses: after an edit
/// inside a string value the next parse is a patch of this one (`syntax::reparse`), not a parse
/// of the whole file. Costs the text and its tree for each project whose config is analysed:
/// 1.2 MB and 9.5 MB for the 1.2 MB config of 10,000 `[env.*]` sections (`analysis_phases`).
struct ParsedText {
    text: String,
    parsed: ParsedConfig,
}

impl ParsedText {
    /// The parse of `text`: from `previous` when the edit since is one `reparse` can patch,
    /// else parsed afresh. `previous` is always right for its own text, whatever read it (a
    /// buffer or the disk): `reparse` compares the two texts, so nothing else needs to track it.
    fn parse(previous: Option<ParsedText>, text: String, path: &Path) -> ParsedText {
        let format = format_of(path);
        let parsed = previous
            .filter(|previous| previous.parsed.format == format)
            .and_then(|previous| syntax::reparse(&previous.text, previous.parsed, &text))
            .unwrap_or_else(|| syntax::parse(&text, format));
        ParsedText { text, parsed }
    }
}

/// Analyses one project whenever its trigger moves; exits when the project is retired.
async fn project_worker(shared: Arc<Shared>, config: PathBuf, mut trigger: watch::Receiver<u64>) {
    let mut last_config: Option<ParsedText> = None;
    while trigger.changed().await.is_ok() {
        let debounce = shared.state().settings.debounce;
        wait_precisely(debounce).await;
        let generation = *trigger.borrow_and_update();
        let (overlay, members, encoding, selection) = {
            let state = shared.state();
            (
                state.overlay(),
                state.members(&config),
                state.settings.encoding,
                state.settings.selection.clone(),
            )
        };
        let analysed_config = config.clone();
        let previous = last_config.take();
        let Some(mut analysis) = run_blocking("analysis", move || {
            analyse(
                &analysed_config,
                &members,
                &overlay,
                encoding,
                &selection,
                previous,
            )
        })
        .await
        else {
            continue;
        };
        last_config = analysis.config.take();
        let _order = shared.publish_lock.lock().await;
        let publications = match accept(&shared, &config, generation, &trigger, analysis) {
            Accepted::Publish(publications) => publications,
            Accepted::Stale => continue,
            Accepted::Retired => return,
        };
        let published = publications.len();
        publish(&shared, publications).await;
        drop(_order);
        debug!("published {published} file(s) for {}", config.display());
    }
}

/// tokio's timer ticks every millisecond and ends a sleep at the first tick after its
/// deadline: the default 2 ms debounce took 3.1 ms on every edit.
const TIMER_TICK: Duration = Duration::from_millis(1);

/// Waits `duration`, the last two timer ticks of it on a thread of the blocking pool, whose
/// sleep ends on time.
async fn wait_precisely(duration: Duration) {
    let deadline = Instant::now() + duration;
    if let Some(coarse) = duration.checked_sub(2 * TIMER_TICK) {
        tokio::time::sleep(coarse).await;
    }
    let rest = deadline.saturating_duration_since(Instant::now());
    if !rest.is_zero() {
        run_blocking("debounce", move || std::thread::sleep(rest)).await;
    }
}

enum Accepted {
    Publish(Vec<FileDiagnostics>),
    /// Something the analysis read has moved on; a newer analysis is on its way.
    Stale,
    /// The project has no open document any more.
    Retired,
}

/// Decides, under the state lock, whether an analysis is still current, and if so records its
/// diagnostics and returns what to publish.
fn accept(
    shared: &Shared,
    config: &Path,
    generation: u64,
    trigger: &watch::Receiver<u64>,
    analysis: Analysis,
) -> Accepted {
    let mut state = shared.state();
    let Some(project) = state.projects.get(config) else {
        return Accepted::Retired;
    };
    if *trigger.borrow() != generation {
        debug!("dropping a stale analysis of {}", config.display());
        return Accepted::Stale;
    }
    let moved_on = analysis.read_versions.iter().any(|(uri, version)| {
        state
            .documents
            .get(uri)
            .is_some_and(|document| document.version != *version)
    });
    if moved_on {
        // A buffer of another project changed under this analysis: analyse again.
        debug!(
            "dropping an analysis of {} that read a stale buffer",
            config.display()
        );
        project.trigger.send_modify(|generation| *generation += 1);
        return Accepted::Stale;
    }
    let previous_files = project.files.clone();
    let new_files: HashSet<Uri> = analysis
        .files
        .iter()
        .filter(|file| !file.diagnostics.is_empty() || file.version.is_some())
        .map(|file| file.uri.clone())
        .collect();
    let mut publications = Vec::new();
    for file in analysis.files {
        // A document closed since the snapshot is published without a version.
        let version = file
            .version
            .filter(|_| state.documents.contains_key(&file.uri));
        publications.extend(state.set_contribution(config, &file.uri, file.diagnostics, version));
    }
    for gone in previous_files.difference(&new_files) {
        let version = state.documents.get(gone).map(|document| document.version);
        publications.extend(state.set_contribution(config, gone, Vec::new(), version));
    }
    if let Some(project) = state.projects.get_mut(config) {
        project.files = new_files;
    }
    Accepted::Publish(publications)
}

/// Checks one project: the config (from its buffer or the disk) with the files around it,
/// parsed from `previous` (the config the last analysis read) when it can be.
fn analyse(
    config: &Path,
    members: &[PathBuf],
    overlay: &Overlay,
    encoding: PositionEncoding,
    selection: &RuleSelection,
    previous: Option<ParsedText>,
) -> Analysis {
    let mut always = vec![config.to_path_buf()];
    let mut diagnostics = Vec::new();
    let mut analysed = None;
    let (settings, settings_failure) = project_settings(config, selection);
    match overlay.read(config) {
        Some(text) if text.len() > MAX_ANALYZED_BYTES => {
            warn!(
                "not analysing {}: {} bytes is more than {MAX_ANALYZED_BYTES}",
                config.display(),
                text.len()
            );
        }
        Some(text) => {
            let files = WithSettings {
                files: overlay,
                settings: &settings,
            };
            let current = ParsedText::parse(previous, text, config);
            let text = &current.text;
            diagnostics = check_parsed_project_with(
                config,
                text,
                &current.parsed,
                &files,
                placement_io::inputs_now(),
            );
            if let Some(dir) = config.parent() {
                let winner = resolve_config(dir, &|candidate| overlay.exists(candidate));
                let chosen_by_a_script = |winner: &Path| {
                    shadowed_config_file::script_folders(config, winner).any(|folder| {
                        overlay
                            .read(&folder.join("package.json"))
                            .is_some_and(|manifest| {
                                shadowed_config_file::chosen_by_script(folder, &manifest, config)
                            })
                    })
                };
                if let Some(winner) =
                    winner.filter(|winner| winner != config && !chosen_by_a_script(winner))
                {
                    let display = relative_display(&winner, dir);
                    diagnostics.push(shadowed_config_file::shadowed(
                        config, text, &winner, &display,
                    ));
                }
            }
            settings.apply(config, text, &mut diagnostics);
            if settings.is_excluded(config) {
                debug!("{} is excluded by its settings", config.display());
                diagnostics.clear();
            }
            analysed = Some(current);
        }
        None => debug!("{} is gone", config.display()),
    }
    // Every open document of the project gets a list, empty or not, at its version.
    always.extend(
        members
            .iter()
            .filter(|path| path.as_path() != config)
            .cloned(),
    );
    let read_versions = overlay
        .buffers
        .values()
        .map(|buffer| (buffer.uri.clone(), buffer.version))
        .collect();
    let mut texts = FileTexts::new(overlay);
    let mut files = convert::to_lsp(&diagnostics, &always, &mut texts, encoding);
    if let Some(failure) = settings_failure {
        files.extend(convert::settings_failure(&failure, &texts, encoding));
    }
    Analysis {
        read_versions,
        files,
        config: analysed,
    }
}

/// The settings of a project: its config's nearest settings file (read afresh each time, so
/// that an edit to it applies at the next analysis), with the editor's `select`/`ignore` on
/// top. A settings file in error is left out (the editor's selection alone applies) and
/// returned, so that its errors are shown in it.
pub(crate) fn project_settings(
    config: &Path,
    editor: &RuleSelection,
) -> (ResolvedSettings, Option<Arc<SettingsFailure>>) {
    let resolver = SettingsResolver::new(SettingsMode::Nearest, Some(editor.clone()));
    match resolver.for_file(config) {
        Ok(settings) => (settings.as_ref().clone(), None),
        Err(failure) => {
            warn!(
                "placement-lint settings in {} not used: {} error(s)",
                failure.path.display(),
                failure.errors.len()
            );
            (
                ResolvedSettings::default().with_selection_override(editor),
                Some(failure),
            )
        }
    }
}

/// `path` relative to `base` when it is below or beside it (`../wrangler.jsonc`).
fn relative_display(path: &Path, base: &Path) -> String {
    let mut up = String::new();
    for ancestor in base.ancestors() {
        if let Ok(rest) = path.strip_prefix(ancestor) {
            return format!("{up}{}", rest.display());
        }
        up.push_str("../");
    }
    path.display().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The debounce waits at least as long as asked, whether the wait is shorter than the
    /// timer's ticks, longer, or none.
    #[tokio::test]
    async fn a_precise_wait_lasts_at_least_its_duration() {
        for millis in [0, 1, 2, 5] {
            let duration = Duration::from_millis(millis);
            let started = Instant::now();
            wait_precisely(duration).await;
            assert!(started.elapsed() >= duration, "{millis} ms");
        }
    }

    /// Whatever the previous text was (another format, a text read from the disk since, an edit
    /// outside any string), the parse is the text's own.
    #[test]
    fn a_kept_parse_gives_the_texts_own_parse() {
        let toml = Path::new("/p/wrangler.toml");
        let json = Path::new("/p/wrangler.json");
        let kept = |text: &str, path: &Path| Some(ParsedText::parse(None, text.to_owned(), path));
        for (previous, path, text) in [
            (kept("name = \"a\"\n", toml), toml, "name = \"ab\"\n"),
            (
                kept("name = \"a\"\n", toml),
                toml,
                "name = \"a\"\nmain = 1\n",
            ),
            (kept("name = \"a\"\n", toml), toml, "name = \"a\"\n"),
            (kept("{\"name\": \"a\"}", json), toml, "{\"name\": \"ab\"}"),
            (kept("{\"name\": \"a\"}", json), json, "{\"name\": \"ab\"}"),
            (None, json, "{\"name\": \"ab\"}"),
        ] {
            let parsed = ParsedText::parse(previous, text.to_owned(), path);
            assert_eq!(parsed.text, text);
            assert_eq!(
                parsed.parsed,
                syntax::parse(text, format_of(path)),
                "{text}"
            );
        }
    }

    #[test]
    fn relative_display_walks_up() {
        assert_eq!(
            relative_display(Path::new("/r/wrangler.jsonc"), Path::new("/r/apps/api")),
            "../../wrangler.jsonc"
        );
    }
}
