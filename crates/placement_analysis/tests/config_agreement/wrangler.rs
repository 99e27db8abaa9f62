//! Asking the pinned wrangler, and reading what it says: its errors and warnings are rendered as
//! a tree of bullets (`- item`, continuation lines indented under it), with the active
//! environment's messages under a `- "env.NAME" environment configuration` bullet.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use placement_analysis::Diagnostic;
use serde_json::{Value as Json, json};

use crate::support;

/// One bullet of wrangler's output.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Item {
    /// The environment section it is under, if any.
    pub env: Option<String>,
    /// Its text, continuation lines joined with `\n`.
    pub text: String,
}

impl Item {
    pub fn first_line(&self) -> &str {
        self.text.lines().next().unwrap_or_default()
    }
}

/// What wrangler said about one file, over all its reads.
#[derive(Debug, Default, Clone)]
pub struct Verdict {
    /// The reads that threw (`(none)` or the environment), with their error items.
    pub rejected_by: Vec<(String, Vec<Item>)>,
    /// The warning items of every read, each once.
    pub warnings: Vec<Item>,
}

impl Verdict {
    pub fn rejects(&self) -> bool {
        !self.rejected_by.is_empty()
    }
}

/// Splits wrangler's rendered diagnostics into bullet items with their environment section.
pub fn items(rendered: &str) -> Vec<Item> {
    let mut items: Vec<(usize, Item)> = Vec::new();
    // (indent of the section bullet, environment name)
    let mut sections: Vec<(usize, String)> = Vec::new();
    // Whether the last bullet opened a section (its children are items, not continuations).
    let mut after_section = false;
    for line in rendered.lines() {
        let indent = line.len() - line.trim_start().len();
        let trimmed = line.trim_start();
        let last = items.last_mut().filter(|_| !after_section);
        // A line indented deeper than the last item continues it, even a bullet: some
        // messages hold lists (`- NAME` of each binding an environment lacks).
        if let Some((item_indent, item)) = last
            && indent > *item_indent
            && !trimmed.is_empty()
        {
            item.text.push('\n');
            item.text.push_str(trimmed);
            continue;
        }
        let Some(text) = trimmed.strip_prefix("- ") else {
            // The "Processing ... configuration:" headers and blank lines end an item.
            if !trimmed.is_empty() {
                after_section = true;
            }
            continue;
        };
        while sections.last().is_some_and(|(depth, _)| *depth >= indent) {
            sections.pop();
        }
        if let Some(env) = text
            .strip_prefix("\"env.")
            .and_then(|rest| rest.strip_suffix("\" environment configuration"))
        {
            sections.push((indent, env.to_owned()));
            after_section = true;
            continue;
        }
        after_section = false;
        let env = sections.last().map(|(_, env)| env.clone());
        items.push((
            indent,
            Item {
                env,
                text: text.to_owned(),
            },
        ));
    }
    items.into_iter().map(|(_, item)| item).collect()
}

/// The keys a warning item is about, by wrangler's wording of it; the whole first line's quoted
/// names when the wording is not one of these.
pub fn warned_keys(item: &Item) -> Vec<String> {
    let line = item.first_line();
    let quoted = quoted_names(line);
    if line.starts_with("Unexpected fields found in ") {
        // `Unexpected fields found in build field: "a","b"`: the names after the colon.
        let (field, names) = line
            .strip_prefix("Unexpected fields found in ")
            .and_then(|rest| rest.rsplit_once(" field: "))
            .unwrap_or_default();
        let names = quoted_names(names);
        // Indices as field names: an array where wrangler expects an object, which the
        // diagnostic about the field itself explains.
        if !names.is_empty()
            && names
                .iter()
                .all(|name| name.bytes().all(|b| b.is_ascii_digit()))
        {
            return vec![last_segment(field)];
        }
        return names;
    }
    if line.starts_with("Deprecation: ") || line.contains(" fields are experimental") {
        return quoted
            .into_iter()
            .take(1)
            .map(|path| last_segment(&path))
            .collect();
    }
    if line.contains(" exists at the top level, but not on ") {
        return quoted.into_iter().take(1).collect();
    }
    // Anything else: the names it quotes anywhere (`"durable_objects" configuration is not
    // inherited` is on the second line of its message), or puts in backticks, except the
    // environment itself.
    let names = |text: &str, quote: char| -> Vec<String> {
        text.split(quote)
            .skip(1)
            .step_by(2)
            .filter(|name| !name.is_empty() && !name.contains(' ') && !name.starts_with("env."))
            .map(last_segment)
            .collect()
    };
    // The first line's names, quoted or in backticks; else the whole message's.
    let first: Vec<String> = names(line, '"')
        .into_iter()
        .chain(names(line, '`'))
        .collect();
    if !first.is_empty() {
        return first;
    }
    let quoted = names(&item.text, '"');
    if quoted.is_empty() {
        names(&item.text, '`')
    } else {
        quoted
    }
}

/// Whether `diagnostic` names `key` (as a whole word of its message or help).
fn names(diagnostic: &Diagnostic, key: &str) -> bool {
    let is_word = |c: char| c.is_ascii_alphanumeric() || c == '_' || c == '$' || c == '-';
    [
        Some(diagnostic.message.as_str()),
        diagnostic.help.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(|text| text.split(|c: char| !is_word(c)).any(|word| word == key))
}

/// The diagnostics that say what a wrangler warning says: they name a key it warns about (any
/// diagnostic when it names none) and, for a warning about an environment, that environment.
pub fn diagnostics_naming<'a>(
    item: &Item,
    diagnostics: &'a [Diagnostic],
) -> impl Iterator<Item = &'a Diagnostic> {
    let keys = warned_keys(item);
    let env = item.env.clone();
    diagnostics.iter().filter(move |diagnostic| {
        let env_named = env.as_deref().is_none_or(|env| {
            diagnostic.environments.iter().any(|name| name == env) || names(diagnostic, env)
        });
        env_named && (keys.is_empty() || keys.iter().any(|key| names(diagnostic, key)))
    })
}

/// `"a"` and `"b"` in `... "a" ... "b"`.
fn quoted_names(text: &str) -> Vec<String> {
    text.split('"')
        .skip(1)
        .step_by(2)
        .filter(|name| !name.is_empty() && !name.contains(' '))
        .map(str::to_owned)
        .collect()
}

/// `zone_id` of `routes[0].zone_id`, `env.staging.build.command` → `command`.
fn last_segment(path: &str) -> String {
    let last = path.rsplit('.').next().unwrap_or(path);
    last.split('[').next().unwrap_or(last).to_owned()
}

/// One read of a config by wrangler: with no environment (`None`) or `--env NAME`.
pub struct Read {
    pub id: String,
    pub file: PathBuf,
    pub env: Option<String>,
}

/// What one read gave.
pub struct ReadResult {
    pub ok: bool,
    pub errors: String,
    pub warnings: String,
}

/// Runs every read in one node process, in order.
pub fn read_all(scratch: &Path, reads: &[Read]) -> Vec<ReadResult> {
    let requests: Vec<Json> = reads
        .iter()
        .map(|read| json!({ "id": read.id, "file": read.file, "env": read.env }))
        .collect();
    let results = support::validate(scratch, &requests);
    results
        .iter()
        .map(|result| ReadResult {
            ok: result["ok"] == Json::Bool(true),
            errors: result["errors"].as_str().unwrap_or_default().to_owned(),
            warnings: result["warnings"].as_str().unwrap_or_default().to_owned(),
        })
        .collect()
}

/// The error items of a read that threw: its rendered bullets, or the whole message when it is
/// not a rendered validation error (a syntax error, a thrown message).
pub fn error_items(errors: &str) -> Vec<Item> {
    let mut error_items = items(errors);
    if error_items.is_empty() {
        error_items.push(Item {
            env: None,
            text: errors.trim().to_owned(),
        });
    }
    error_items
}

/// Reads every file with no environment and with each of `envs`, in one node process.
#[allow(dead_code)] // used by config_agreement, not by real_configs
pub fn verdicts(
    scratch: &Path,
    files: &[(String, PathBuf)],
    envs: &[&str],
) -> HashMap<String, Verdict> {
    let mut read_envs = vec![None];
    read_envs.extend(envs.iter().map(|env| Some((*env).to_owned())));
    let reads: Vec<Read> = files
        .iter()
        .flat_map(|(id, file)| {
            read_envs.iter().map(move |env| Read {
                id: id.clone(),
                file: file.clone(),
                env: env.clone(),
            })
        })
        .collect();
    let results = read_all(scratch, &reads);
    let mut verdicts: HashMap<String, Verdict> = HashMap::new();
    for (read, result) in reads.iter().zip(&results) {
        let verdict = verdicts.entry(read.id.clone()).or_default();
        if !result.ok {
            let name = read.env.clone().unwrap_or_else(|| "(none)".to_owned());
            verdict
                .rejected_by
                .push((name, error_items(&result.errors)));
        }
        for item in items(&result.warnings) {
            if !verdict.warnings.contains(&item) {
                verdict.warnings.push(item);
            }
        }
    }
    verdicts
}

/// wrangler's bundled CLI, where its config validation lives.
pub fn validation_source(package: &Path) -> String {
    let path = package.join("wrangler-dist/cli.js");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("read {}: {error}", path.display()))
}

/// Rules that report as errors what wrangler's config reader accepts but its deploy (or `dev`)
/// refuses, each with a message wrangler prints then. Such an error where the reader accepts is
/// not a disagreement; the messages are checked to be in wrangler's source.
pub const DEPLOY_TIME_REFUSALS: &[(&str, &str)] = &[
    (
        "PL315",
        "Wildcard operators (*) are not allowed in Custom Domains",
    ),
    (
        "PL316",
        "Cannot use assets and Workers Sites in the same Worker.",
    ),
    ("PL320", "A compatibility_date is required when uploading"),
    ("PL325", "The entry-point file at"),
];

/// Whether `code` reports what only wrangler's deploy refuses.
pub fn is_deploy_time(code: &str) -> bool {
    DEPLOY_TIME_REFUSALS.iter().any(|(rule, _)| *rule == code)
}

/// Fails when wrangler no longer prints one of [`DEPLOY_TIME_REFUSALS`]' messages.
pub fn assert_deploy_time_evidence(source: &str) {
    for (rule, message) in DEPLOY_TIME_REFUSALS {
        assert!(
            source.contains(message),
            "wrangler no longer says {message:?} ({rule}): update DEPLOY_TIME_REFUSALS"
        );
    }
}

/// Two top-level keys wrangler takes only one of, as found in its source.
#[derive(Debug, Clone)]
pub struct ExclusivePair {
    pub first: &'static str,
    pub second: &'static str,
    /// Set when wrangler reads the config but its deploy refuses it, with that message.
    pub deploy_error: Option<&'static str>,
}

/// The messages wrangler's deploy prints for configs its config reader accepts, with the two
/// keys each is about. Checked against the source, so a wrangler that changes them fails here.
const DEPLOY_TIME_EXCLUSIONS: [(&str, &str, &str); 1] = [(
    "assets",
    "site",
    "Cannot use assets and Workers Sites in the same Worker.",
)];

/// The pairs of keys that exclude each other, read from wrangler's source: the
/// `isMutuallyExclusiveWith(rawEnv, "x")` validators (with the key they validate, the string
/// before them), the "`a` and `b` are mutually exclusive" errors, and the refusals of its deploy.
pub fn exclusive_pairs(source: &str) -> Vec<ExclusivePair> {
    let leak = |text: &str| -> &'static str { Box::leak(text.to_owned().into_boxed_str()) };
    let mut pairs = Vec::new();
    let marker = "isMutuallyExclusiveWith(rawEnv, \"";
    for (at, _) in source.match_indices(marker) {
        let other = &source[at + marker.len()..];
        let Some(other) = other.split('"').next() else {
            continue;
        };
        // The validated field is the last string literal before the validator.
        let before = &source[at.saturating_sub(300)..at];
        let Some(field) = before.rsplit('"').nth(1) else {
            continue;
        };
        if field
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
        {
            pairs.push(ExclusivePair {
                first: leak(field),
                second: leak(other),
                deploy_error: None,
            });
        }
    }
    let suffix = "` are mutually exclusive.";
    for (at, _) in source.match_indices(suffix) {
        let line_start = source[..at].rfind('\n').map_or(0, |start| start + 1);
        let names: Vec<&str> = source[line_start..at].split('`').collect();
        // ... `a` and `b
        if let [.., first, " and ", second] = names.as_slice() {
            pairs.push(ExclusivePair {
                first: leak(first),
                second: leak(second),
                deploy_error: None,
            });
        }
    }
    for (first, second, message) in DEPLOY_TIME_EXCLUSIONS {
        assert!(
            source.contains(message),
            "wrangler no longer says {message:?}: update DEPLOY_TIME_EXCLUSIONS"
        );
        pairs.push(ExclusivePair {
            first,
            second,
            deploy_error: Some(message),
        });
    }
    pairs.sort_by_key(|pair| (pair.first, pair.second));
    pairs.dedup_by_key(|pair| (pair.first, pair.second));
    pairs
}
