//! `--diff` (the fixes as a unified diff, nothing written) and `--show-fixes` (the fixes
//! applied and still available).

use std::io::Write;

use placement_analysis::{Applicability, FileChange};

use super::{Sources, all_diagnostics};
use crate::check::CheckRun;
use crate::paths::display;

/// The unified diff of every file a fix changed (`--- path` / `+++ path`, three lines of
/// context), with how many fixes and files it holds.
pub struct FixDiff {
    pub text: String,
    pub fixes: usize,
    pub files: usize,
}

pub fn diff(run: &CheckRun) -> FixDiff {
    let mut diff = FixDiff {
        text: String::new(),
        fixes: 0,
        files: 0,
    };
    for result in &run.results {
        let Some(original) = &result.original else {
            continue;
        };
        if result.fixes_applied.is_empty() {
            continue;
        }
        diff.fixes += result.fixes_applied.len();
        let name = display(&result.path);
        if *original != result.text {
            diff.files += 1;
            push_unified(&mut diff.text, original, &result.text, &name, &name);
        }
        for file in &result.other_files {
            diff.files += 1;
            let name = display(&file.path);
            // A file the fixes create is diffed against nothing, as `git diff` shows new files.
            let (before, old_name) = match &file.original {
                Some(text) => (text.as_str(), name.as_str()),
                None => ("", "/dev/null"),
            };
            push_unified(&mut diff.text, before, &file.text, old_name, &name);
        }
    }
    diff
}

fn push_unified(out: &mut String, before: &str, after: &str, old_name: &str, new_name: &str) {
    let unified = similar::TextDiff::from_lines(before, after);
    out.push_str(
        &unified
            .unified_diff()
            .context_radius(3)
            .header(old_name, new_name)
            .to_string(),
    );
}

/// `--diff`: the diff on `out`, then a count on standard error.
pub fn write_diff(out: &mut dyn Write, run: &CheckRun) -> std::io::Result<()> {
    let diff = diff(run);
    out.write_all(diff.text.as_bytes())?;
    let mut err = std::io::stderr().lock();
    if diff.fixes == 0 {
        writeln!(err, "No fixes to apply.")
    } else {
        writeln!(
            err,
            "Would apply {} fix{} in {} file{}.",
            diff.fixes,
            if diff.fixes == 1 { "" } else { "es" },
            diff.files,
            if diff.files == 1 { "" } else { "s" }
        )
    }
}

/// The fixes applied, by file, then each fix still offered with its place and how to apply it.
pub fn write_list(out: &mut dyn Write, run: &CheckRun, sources: &Sources) -> std::io::Result<()> {
    let applied: Vec<_> = run
        .results
        .iter()
        .flat_map(|result| {
            result
                .fixes_applied
                .iter()
                .map(move |(code, title)| (result, code, title))
        })
        .collect();
    if applied.is_empty() {
        writeln!(out, "No fixes applied.")?;
    } else {
        writeln!(out, "Fixes applied:")?;
        for (result, code, title) in applied {
            writeln!(out, "  {}: {code} {title}", display(&result.path))?;
        }
        for result in &run.results {
            for file in &result.other_files {
                let what = if file.original.is_some() {
                    "changed"
                } else {
                    "created"
                };
                writeln!(
                    out,
                    "  {}: {what} by the fixes of {}",
                    display(&file.path),
                    display(&result.path)
                )?;
            }
        }
    }
    let available: Vec<_> = all_diagnostics(run)
        .filter_map(|diagnostic| diagnostic.fix.as_ref().map(|fix| (diagnostic, fix)))
        .collect();
    if available.is_empty() {
        return writeln!(out, "No fixes available.");
    }
    writeln!(out, "Fixes available:")?;
    for (diagnostic, fix) in available {
        let position = sources
            .get(&diagnostic.file)
            .position(diagnostic.span.start);
        let how = match fix.applicability {
            Applicability::Safe => "safe, applied by --fix",
            Applicability::Unsafe => "unsafe, applied by --unsafe-fixes",
        };
        writeln!(
            out,
            "  {}:{}:{}: {} {} ({how})",
            display(&diagnostic.file),
            position.line,
            position.column,
            diagnostic.rule.code,
            fix.title
        )?;
        for change in &fix.other_files {
            let what = match change {
                FileChange::Create { .. } => "creates",
                FileChange::Edit { .. } => "edits",
            };
            writeln!(out, "    {what} {}", display(change.path()))?;
        }
    }
    Ok(())
}
