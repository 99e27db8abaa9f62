//! Real configs from public repositories (`tests/corpora/real-configs`, sources and licences in
//! its `SOURCES`): placement-lint reports an error on exactly those the pinned wrangler refuses,
//! with no environment or with any of the config's environments, and the test prints what each
//! of wrangler's warnings maps to.
//!
//! wrangler's verdicts are recorded in `wrangler-verdicts.json` beside the configs, so the test
//! runs without wrangler. With wrangler installed it reads every config again and fails when the
//! record is stale; `UPDATE_VERDICTS=1` rewrites it.

mod support;

#[allow(dead_code)] // the matrix test's helpers that this test does not use
#[path = "config_agreement/wrangler.rs"]
mod wrangler;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use placement_analysis::syntax::{self, NodeKind};
use placement_analysis::{Severity, check_project, format_of};
use placement_io::DiskFiles;
use serde_json::{Value as Json, json};

use wrangler::{Item, Read};

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/corpora/real-configs")
}

/// One config of the corpus.
struct Config {
    folder: String,
    source: String,
    path: PathBuf,
    text: String,
    environments: Vec<String>,
}

/// The configs listed in `SOURCES` (folder, repository, path, commit, licence, files).
fn configs() -> Vec<Config> {
    let sources = std::fs::read_to_string(corpus().join("SOURCES")).expect("read SOURCES");
    let mut configs = Vec::new();
    for line in sources
        .lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
    {
        let columns: Vec<&str> = line.split('\t').collect();
        let [folder, repository, path, commit, licence, files] = columns.as_slice() else {
            panic!("SOURCES: six tab-separated columns expected: {line:?}");
        };
        assert!(!licence.is_empty(), "{folder}: no licence recorded");
        let file = files
            .split('+')
            .find(|file| file.starts_with("wrangler."))
            .unwrap_or_else(|| panic!("{folder}: no wrangler config among {files}"));
        let config_path = corpus().join(folder).join(file);
        let text = std::fs::read_to_string(&config_path)
            .unwrap_or_else(|error| panic!("read {}: {error}", config_path.display()));
        let parsed = syntax::parse(&text, format_of(&config_path));
        let environments = parsed
            .root
            .get("env")
            .and_then(|entry| entry.value.as_table())
            .map(|envs| {
                envs.entries()
                    .iter()
                    .filter(|entry| matches!(entry.value.kind, NodeKind::Table(_)))
                    .map(|entry| entry.key.clone())
                    .collect()
            })
            .unwrap_or_default();
        configs.push(Config {
            folder: (*folder).to_owned(),
            source: format!("{repository}/{path}@{}", &commit[..commit.len().min(10)]),
            path: config_path,
            text,
            environments,
        });
    }
    // Every folder is listed, and only those.
    let mut on_disk: Vec<String> = std::fs::read_dir(corpus())
        .unwrap()
        .filter_map(Result::ok)
        .filter(|entry| {
            entry.file_type().is_ok_and(|kind| kind.is_dir()) && entry.file_name() != "LICENSES"
        })
        .map(|entry| entry.file_name().to_string_lossy().into_owned())
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = configs.iter().map(|config| config.folder.clone()).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "the folders of real-configs and the lines of SOURCES differ"
    );
    configs
}

/// wrangler's verdict on one read, as recorded.
fn read_record(env: Option<&str>, ok: bool, errors: &[Item], warnings: &[Item]) -> Json {
    let items = |items: &[Item]| -> Vec<Json> {
        items
            .iter()
            .map(|item| json!({ "env": item.env, "text": item.text }))
            .collect()
    };
    json!({ "env": env, "ok": ok, "errors": items(errors), "warnings": items(warnings) })
}

fn record_items(record: &Json, field: &str) -> Vec<Item> {
    record[field]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|item| Item {
                    env: item["env"].as_str().map(str::to_owned),
                    text: item["text"].as_str().unwrap_or_default().to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Asks the pinned wrangler about every config, with no environment and with each of its own.
fn current_verdicts(configs: &[Config]) -> BTreeMap<String, Json> {
    let scratch = tempfile::tempdir().unwrap();
    let mut reads = Vec::new();
    for config in configs {
        reads.push(Read {
            id: config.folder.clone(),
            file: config.path.clone(),
            env: None,
        });
        for env in &config.environments {
            reads.push(Read {
                id: config.folder.clone(),
                file: config.path.clone(),
                env: Some(env.clone()),
            });
        }
    }
    let results = wrangler::read_all(scratch.path(), &reads);
    let mut verdicts: BTreeMap<String, Json> = BTreeMap::new();
    for (read, result) in reads.iter().zip(&results) {
        let errors = if result.ok {
            Vec::new()
        } else {
            wrangler::error_items(&result.errors)
        };
        let warnings = wrangler::items(&result.warnings);
        let entry = verdicts.entry(read.id.clone()).or_insert_with(|| json!([]));
        entry.as_array_mut().unwrap().push(read_record(
            read.env.as_deref(),
            result.ok,
            &errors,
            &warnings,
        ));
    }
    verdicts
}

#[test]
fn real_configs_agree_with_wrangler() {
    let configs = configs();
    assert!(configs.len() >= 40, "{} configs", configs.len());
    let record_path = corpus().join("wrangler-verdicts.json");
    let recorded: BTreeMap<String, Json> = std::fs::read_to_string(&record_path)
        .ok()
        .and_then(|text| serde_json::from_str(&text).ok())
        .unwrap_or_default();
    let verdicts = match support::installed_wrangler("real_configs_agree_with_wrangler") {
        Some(package) => {
            wrangler::assert_deploy_time_evidence(&wrangler::validation_source(&package));
            let current = current_verdicts(&configs);
            if std::env::var("UPDATE_VERDICTS").is_ok_and(|value| value == "1") {
                let text = serde_json::to_string_pretty(&current).unwrap() + "\n";
                std::fs::write(&record_path, text).unwrap();
            } else {
                assert!(
                    current == recorded,
                    "{} is stale (the configs or wrangler changed): rerun with UPDATE_VERDICTS=1 and review the diff",
                    record_path.display()
                );
            }
            current
        }
        None => {
            assert!(!recorded.is_empty(), "{} is missing", record_path.display());
            recorded
        }
    };

    let mut report = String::new();
    let mut disagreements = Vec::new();
    let (mut refused, mut warnings, mut warnings_named) = (0, 0, 0);
    for config in &configs {
        let reads = verdicts[&config.folder]
            .as_array()
            .expect("a list of reads");
        let diagnostics = check_project(&config.path, &config.text, &DiskFiles);
        let errors: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        // What only wrangler's deploy refuses (a `main` that is not in the corpus) is not held
        // against a config its reader accepts.
        let reader_errors = errors
            .iter()
            .filter(|d| !wrangler::is_deploy_time(d.code()))
            .count();
        let refused_by: Vec<String> = reads
            .iter()
            .filter(|read| read["ok"] != Json::Bool(true))
            .map(|read| {
                read["env"]
                    .as_str()
                    .map_or("no env".to_owned(), |env| format!("--env {env}"))
            })
            .collect();
        refused += usize::from(!refused_by.is_empty());
        let verdict = if refused_by.is_empty() {
            "accepts".to_owned()
        } else {
            format!("refuses ({})", refused_by.join(", "))
        };
        let _ = writeln!(
            report,
            "{} [{}]: wrangler {verdict}; placement-lint {} errors, {} diagnostics",
            config.folder,
            config.source,
            errors.len(),
            diagnostics.len()
        );
        let disagree = if refused_by.is_empty() {
            reader_errors > 0
        } else {
            errors.is_empty()
        };
        if disagree {
            let wrangler_said: Vec<String> = reads
                .iter()
                .flat_map(|read| record_items(read, "errors"))
                .map(|item| item.first_line().to_owned())
                .collect();
            let ours: Vec<String> = errors
                .iter()
                .map(|d| {
                    format!(
                        "{} {}",
                        d.code(),
                        d.message.lines().next().unwrap_or_default()
                    )
                })
                .collect();
            disagreements.push(format!(
                "{} ({}): wrangler {verdict}: {:?}; placement-lint errors: {:?}",
                config.folder, config.source, wrangler_said, ours
            ));
        }
        let mut seen = Vec::new();
        for item in reads.iter().flat_map(|read| record_items(read, "warnings")) {
            if seen.contains(&item) {
                continue;
            }
            warnings += 1;
            let named: Vec<String> = wrangler::diagnostics_naming(&item, &diagnostics)
                .map(|d| d.code().to_owned())
                .collect();
            warnings_named += usize::from(!named.is_empty());
            let env = item
                .env
                .as_deref()
                .map(|env| format!("[env.{env}] "))
                .unwrap_or_default();
            let mapped = if named.is_empty() {
                "(no diagnostic names it)".to_owned()
            } else {
                named.join(", ")
            };
            let _ = writeln!(report, "    warning {env}{} -> {mapped}", item.first_line());
            seen.push(item);
        }
    }
    eprintln!("{report}");
    eprintln!(
        "{} real configs, {refused} refused by wrangler; {warnings_named} of {warnings} wrangler warnings named by a diagnostic; {} error disagreements",
        configs.len(),
        disagreements.len()
    );
    assert!(
        disagreements.is_empty(),
        "placement-lint and wrangler disagree on errors:\n{}",
        disagreements.join("\n")
    );
}
