//! placement-lint says what wrangler's own config validation says, for every key wrangler knows.
//!
//! A matrix generated from the key catalog (`placement_analysis::schema`: every key at every
//! depth) and from wrangler's validation source (the keys that exclude each other) writes each
//! key valid and mutated (`config_agreement/matrix.rs`), in TOML and JSONC, at the top level
//! and in `[env.staging]`. The pinned wrangler reads every file with no environment and with
//! `--env staging`, all in one node process (`tests/wrangler/validate.mjs`). Then:
//!
//! - an error-severity diagnostic exactly where wrangler refuses the config (or its deploy does,
//!   for the pairs of keys only the deploy refuses), and none where it accepts it, save from the
//!   rules that report what only wrangler's deploy refuses (`DEPLOY_TIME_REFUSALS`, each with
//!   wrangler's message); and that error at the mutated key (or the object or environment the
//!   mutation is about);
//! - for each item of wrangler's warnings (with the environment section it is under), a
//!   diagnostic that names the key it warns about, and the environment.
//!
//! A failure prints the disagreements grouped by kind of mutation, capped in length
//! (`PLACEMENT_LINT_AGREEMENT_REPORT=1` prints it on success too). There are none: the test
//! fails on any.

mod support;

#[path = "config_agreement/matrix.rs"]
mod matrix;
#[path = "config_agreement/value.rs"]
mod value;
#[path = "config_agreement/wrangler.rs"]
mod wrangler;

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use std::path::PathBuf;
use support::WrittenFormat as Format;

use placement_analysis::{Diagnostic, Severity, check_config};

use matrix::{Case, ENVIRONMENT, Mutation};
use value::{Style, Written};
use wrangler::{Item, Verdict};

/// One case written in one format.
struct File<'a> {
    id: String,
    case: &'a Case,
    format: Format,
    written: Written,
    path: PathBuf,
}

fn write_file<'a>(
    case: &'a Case,
    index: usize,
    format: Format,
    scratch: &std::path::Path,
) -> File<'a> {
    let style = Style {
        inline_from_depth: if index % 3 == 1 { 3 } else { usize::MAX },
        trailing_commas: index % 2 == 1,
    };
    let written = match format {
        Format::Toml => value::to_toml(&case.root, style, &case.anchors),
        Format::Jsonc => value::to_jsonc(&case.root, style, &case.anchors),
    };
    let id = format!("{index:05}-{}", format.file_name());
    let dir = scratch.join(&id);
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format.file_name());
    std::fs::write(&path, &written.text).unwrap();
    File {
        id,
        case,
        format,
        written,
        path,
    }
}

/// How placement-lint and wrangler differ on one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Disagreement {
    /// wrangler refuses the config; placement-lint reports no error.
    MissingError,
    /// wrangler accepts the config; placement-lint reports an error.
    UnexpectedError,
    /// Both refuse it, but placement-lint's errors are away from the mutated key.
    ErrorElsewhere,
    /// A wrangler warning that no diagnostic names (with its environment).
    UnmatchedWarning,
}

impl Disagreement {
    fn title(self) -> &'static str {
        match self {
            Disagreement::MissingError => "wrangler refuses, placement-lint reports no error",
            Disagreement::UnexpectedError => "wrangler accepts, placement-lint reports an error",
            Disagreement::ErrorElsewhere => {
                "both refuse, but placement-lint's error is not at the mutated key"
            }
            Disagreement::UnmatchedWarning => {
                "wrangler warns, no diagnostic names the key (and environment)"
            }
        }
    }
}

struct Finding<'a> {
    file: &'a File<'a>,
    /// For warnings: the warning item.
    item: Option<Item>,
}

fn overlaps(span: &placement_analysis::Span, range: &Range<usize>) -> bool {
    // A zero-width span (an insertion point) counts when it is inside the range.
    span.start < range.end
        && (span.end > range.start || (span.start == span.end && span.start >= range.start))
}

fn compare<'a>(
    file: &'a File<'a>,
    verdict: &Verdict,
    diagnostics: &[Diagnostic],
) -> Vec<(Disagreement, Finding<'a>)> {
    let mut found = Vec::new();
    let errors: Vec<&Diagnostic> = diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .collect();
    let refused = verdict.rejects() || file.case.deploy_error.is_some();
    if refused && errors.is_empty() {
        found.push((Disagreement::MissingError, Finding { file, item: None }));
    } else if !refused && errors.iter().any(|d| !wrangler::is_deploy_time(d.code())) {
        found.push((Disagreement::UnexpectedError, Finding { file, item: None }));
    } else if refused
        && !errors.iter().any(|d| {
            file.written
                .anchors
                .iter()
                .any(|anchor| overlaps(&d.span, anchor))
        })
    {
        found.push((Disagreement::ErrorElsewhere, Finding { file, item: None }));
    }
    for item in &verdict.warnings {
        if wrangler::diagnostics_naming(item, diagnostics)
            .next()
            .is_none()
        {
            found.push((
                Disagreement::UnmatchedWarning,
                Finding {
                    file,
                    item: Some(item.clone()),
                },
            ));
        }
    }
    found
}

fn describe_diagnostics(diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return "(nothing)".to_owned();
    }
    diagnostics
        .iter()
        .map(|d| {
            let envs = if d.environments.is_empty() {
                String::new()
            } else {
                format!(" [env {}]", d.environments.join(","))
            };
            format!(
                "{} {}{}: {}",
                d.code(),
                d.severity.as_str(),
                envs,
                d.message.lines().next().unwrap_or_default()
            )
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn describe_wrangler(verdict: &Verdict, deploy_error: Option<&str>) -> String {
    let mut parts: Vec<String> = verdict
        .rejected_by
        .iter()
        .map(|(read, items)| {
            let items: Vec<String> = items.iter().map(describe_item).collect();
            format!("refuses (read {read}): {}", items.join(" | "))
        })
        .collect();
    if let Some(message) = deploy_error {
        parts.push(format!("deploy refuses: {message}"));
    }
    if parts.is_empty() {
        parts.push("accepts".to_owned());
    }
    parts.join("; ")
}

fn describe_item(item: &Item) -> String {
    let line = item.first_line();
    let line = if line.len() > 160 {
        format!("{}...", &line[..line.floor_char_boundary(157)])
    } else {
        line.to_owned()
    };
    match &item.env {
        Some(env) => format!("[env.{env}] {line}"),
        None => line,
    }
}

/// The report of every disagreement: counts per group, then up to a few examples of each,
/// the first with its config; at most `MAX_REPORT` characters.
const MAX_REPORT: usize = 60_000;
const EXAMPLES_PER_GROUP: usize = 3;

fn report(
    findings: &[(Disagreement, Finding<'_>)],
    verdicts: &std::collections::HashMap<String, Verdict>,
    diagnostics: &std::collections::HashMap<String, Vec<Diagnostic>>,
) -> String {
    let mut groups: BTreeMap<(Disagreement, Mutation), Vec<&Finding<'_>>> = BTreeMap::new();
    for (kind, finding) in findings {
        groups
            .entry((*kind, finding.file.case.mutation))
            .or_default()
            .push(finding);
    }
    let mut out = String::from("\nDisagreements by kind (count):\n");
    for ((kind, mutation), group) in &groups {
        let _ = writeln!(out, "  {:>5}  {} / {mutation}", group.len(), kind.title());
    }
    for ((kind, mutation), group) in &groups {
        if out.len() > MAX_REPORT {
            out.push_str("\n... (report cut; fix the groups above first)\n");
            break;
        }
        let _ = writeln!(
            out,
            "\n=== {} / {mutation}: {} files",
            kind.title(),
            group.len()
        );
        for (index, finding) in group.iter().take(EXAMPLES_PER_GROUP).enumerate() {
            let file = finding.file;
            let verdict = &verdicts[&file.id];
            let ours = &diagnostics[&file.id];
            let _ = writeln!(
                out,
                "--- {} ({:?}; {})",
                file.case.path, file.case.scope, file.id
            );
            match &finding.item {
                Some(item) => {
                    let _ = writeln!(out, "    wrangler warns: {}", describe_item(item));
                    let _ = writeln!(
                        out,
                        "    keys looked for: {:?}",
                        wrangler::warned_keys(item)
                    );
                }
                None => {
                    let _ = writeln!(
                        out,
                        "    wrangler: {}",
                        describe_wrangler(verdict, file.case.deploy_error)
                    );
                }
            }
            let _ = writeln!(out, "    placement-lint: {}", describe_diagnostics(ours));
            if index == 0 && finding.item.is_none() {
                let lines: Vec<&str> = file.written.text.lines().collect();
                for line in lines.iter().take(30) {
                    let _ = writeln!(out, "    | {line}");
                }
                if lines.len() > 30 {
                    let _ = writeln!(out, "    | ... ({} more lines)", lines.len() - 30);
                }
            }
        }
        if group.len() > EXAMPLES_PER_GROUP {
            let paths: Vec<&str> = group
                .iter()
                .skip(EXAMPLES_PER_GROUP)
                .take(40)
                .map(|f| f.file.case.path.as_str())
                .collect();
            let mut paths = paths.join(", ");
            if paths.len() > 400 {
                paths.truncate(paths.floor_char_boundary(400));
                paths.push_str(", ...");
            }
            let _ = writeln!(
                out,
                "    and {} more: {}",
                group.len() - EXAMPLES_PER_GROUP,
                paths
            );
        }
    }
    out
}

/// Set to a file path to write every case with both verdicts there (one JSON object a line).
const DUMP_ENV: &str = "PLACEMENT_LINT_AGREEMENT_DUMP";

fn dump_all(
    path: &std::path::Path,
    files: &[File<'_>],
    verdicts: &std::collections::HashMap<String, Verdict>,
    diagnostics: &std::collections::HashMap<String, Vec<Diagnostic>>,
) {
    let mut out = String::new();
    for file in files {
        let verdict = &verdicts[&file.id];
        let line = serde_json::json!({
            "id": file.id,
            "mutation": file.case.mutation.to_string(),
            "scope": format!("{:?}", file.case.scope),
            "path": file.case.path,
            "format": file.format.file_name(),
            "wrangler_errors": verdict.rejected_by.iter().map(|(read, items)| {
                serde_json::json!({"read": read, "items": items.iter().map(|i| serde_json::json!({"env": i.env, "text": i.text})).collect::<Vec<_>>()})
            }).collect::<Vec<_>>(),
            "wrangler_warnings": verdict.warnings.iter().map(|i| serde_json::json!({"env": i.env, "text": i.text})).collect::<Vec<_>>(),
            "deploy_error": file.case.deploy_error,
            "ours": diagnostics[&file.id].iter().map(|d| serde_json::json!({
                "code": d.code(), "severity": d.severity.as_str(), "environments": d.environments,
                "message": d.message, "span": [d.span.start, d.span.end]})).collect::<Vec<_>>(),
            "text": file.written.text,
        });
        out.push_str(&line.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn config_validation_agrees_with_wrangler() {
    let Some(package) = support::installed_wrangler("config_validation_agrees_with_wrangler")
    else {
        return;
    };
    let source = wrangler::validation_source(&package);
    let pairs = wrangler::exclusive_pairs(&source);
    wrangler::assert_deploy_time_evidence(&source);
    assert!(
        pairs
            .iter()
            .any(|pair| pair.first == "routes" && pair.second == "route"),
        "the `routes`/`route` exclusion is read from wrangler's source: {pairs:?}"
    );
    let started = std::time::Instant::now();
    let cases = matrix::cases(&pairs);

    let scratch = tempfile::tempdir().unwrap();
    let mut files = Vec::with_capacity(cases.len() * 2);
    for (index, case) in cases.iter().enumerate() {
        for format in [Format::Toml, Format::Jsonc] {
            files.push(write_file(case, index, format, scratch.path()));
        }
    }
    let requests: Vec<(String, PathBuf)> = files
        .iter()
        .map(|file| (file.id.clone(), file.path.clone()))
        .collect();
    let written = started.elapsed();
    // wrangler reads in its node process while placement-lint checks the same files here.
    let (verdicts, diagnostics) = std::thread::scope(|scope| {
        let wrangler =
            scope.spawn(|| wrangler::verdicts(scratch.path(), &requests, &[ENVIRONMENT]));
        let diagnostics: std::collections::HashMap<String, Vec<Diagnostic>> = files
            .iter()
            .map(|file| {
                (
                    file.id.clone(),
                    check_config(&file.path, &file.written.text),
                )
            })
            .collect();
        let checked = started.elapsed();
        let verdicts = wrangler.join().expect("the wrangler thread");
        eprintln!(
            "timing: cases written in {written:?}, placement-lint done at {checked:?}, wrangler done at {:?}",
            started.elapsed()
        );
        (verdicts, diagnostics)
    });
    let refused = files
        .iter()
        .filter(|file| verdicts[&file.id].rejects())
        .count();
    let warning_items: usize = files
        .iter()
        .map(|file| verdicts[&file.id].warnings.len())
        .sum();
    let mut findings = Vec::new();
    for file in &files {
        findings.extend(compare(file, &verdicts[&file.id], &diagnostics[&file.id]));
    }
    if let Ok(dump) = std::env::var(DUMP_ENV) {
        dump_all(std::path::Path::new(&dump), &files, &verdicts, &diagnostics);
    }
    let deploy_time = files
        .iter()
        .filter(|file| {
            let ours = &diagnostics[&file.id];
            !verdicts[&file.id].rejects()
                && file.case.deploy_error.is_none()
                && ours.iter().any(|d| d.severity == Severity::Error)
                && ours
                    .iter()
                    .filter(|d| d.severity == Severity::Error)
                    .all(|d| wrangler::is_deploy_time(d.code()))
        })
        .count();
    let count = |kind: Disagreement| findings.iter().filter(|(k, _)| *k == kind).count();
    let error_disagreements = count(Disagreement::MissingError)
        + count(Disagreement::UnexpectedError)
        + count(Disagreement::ErrorElsewhere);
    eprintln!(
        "{} files ({} cases x TOML/JSONC), {refused} refused by wrangler, {warning_items} wrangler warning items; \
         error disagreements: {error_disagreements} (missing {}, unexpected {}, elsewhere {}); unmatched warnings: {}; \
         {deploy_time} files with errors only wrangler's deploy would give ({:?})",
        files.len(),
        cases.len(),
        count(Disagreement::MissingError),
        count(Disagreement::UnexpectedError),
        count(Disagreement::ErrorElsewhere),
        count(Disagreement::UnmatchedWarning),
        wrangler::DEPLOY_TIME_REFUSALS
            .iter()
            .map(|(rule, _)| *rule)
            .collect::<Vec<_>>(),
    );
    assert!(
        refused > 0 && refused < files.len(),
        "the matrix must hold both accepted and refused configs"
    );
    // placement-lint and wrangler agree on every config: any disagreement is a regression.
    assert!(
        findings.is_empty(),
        "{} disagreements with wrangler:{}",
        findings.len(),
        report(&findings, &verdicts, &diagnostics)
    );
    if std::env::var("PLACEMENT_LINT_AGREEMENT_REPORT").is_ok() {
        eprintln!("{}", report(&findings, &verdicts, &diagnostics));
    }
}
