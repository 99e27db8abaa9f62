//! Where the language server's analysis of one config spends its time, phase by phase, in
//! process (no LSP framing): the parse alone, the config rules (`check_config`) and the whole
//! project check the server runs on each edit (`check_project_with`, reading the files around
//! the config from the disk). Each phase runs `--runs` times; the best and the median are
//! printed, so that a busy machine can be told apart from a slow analysis. Then the server's
//! parse after an edit inside the config's first string value (`syntax::reparse`, the patch of
//! the previous parse), and the memory a parse keeps (what the server holds per project).
//!
//! `--only TEXT` runs only the phases whose name contains TEXT (to profile one of them).
//!
//! cargo run --release -p placement_lsp --example analysis_phases -- [--runs N] [--only TEXT] CONFIG...

use std::cell::RefCell;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use placement_analysis::{
    check_config_with, check_parsed_project_with, check_project_with, format_of, syntax,
};
use placement_io::DiskFiles;

/// The allocator `placement-lint` ships with, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The bytes a parse holds on the heap: its vectors and strings at their capacity (a table's
/// entries at their number: a table lends them out as a slice, and the parsers allocate them
/// exactly, which a test in `syntax` checks; the allocator's own overhead is left out).
fn heap_bytes(parsed: &syntax::ParsedConfig) -> usize {
    use std::mem::size_of;
    use syntax::{Node, NodeKind, SyntaxError, Table};
    fn table(table: &Table) -> usize {
        size_of_val(table.entries())
            + table
                .entries()
                .iter()
                .map(|entry| entry.key.capacity() + node(&entry.value))
                .sum::<usize>()
    }
    fn node(value: &Node) -> usize {
        match &value.kind {
            NodeKind::Table(inner) => table(inner),
            NodeKind::Array(items) => {
                items.capacity() * size_of::<Node>() + items.iter().map(node).sum::<usize>()
            }
            NodeKind::String(text) | NodeKind::Number(text) | NodeKind::Datetime(text) => {
                text.capacity()
            }
            NodeKind::Bool(_) | NodeKind::Null => 0,
        }
    }
    table(&parsed.root)
        + parsed.errors.capacity() * size_of::<SyntaxError>()
        + parsed
            .errors
            .iter()
            .map(|error| error.message.capacity())
            .sum::<usize>()
}

/// `text` with an `x` typed after the first `"` (the language server bench's edit), or taken
/// out again when it is there.
fn toggle_edit(text: &str) -> Option<String> {
    let at = text.find('"')? + 1;
    Some(match text[at..].strip_prefix('x') {
        Some(rest) => format!("{}{rest}", &text[..at]),
        None => format!("{}x{}", &text[..at], &text[at..]),
    })
}

fn time(runs: usize, mut phase: impl FnMut() -> usize) -> (Duration, Duration, usize) {
    let mut samples = Vec::with_capacity(runs);
    let mut found = 0;
    for _ in 0..runs {
        let started = Instant::now();
        found = black_box(phase());
        samples.push(started.elapsed());
    }
    samples.sort();
    (samples[0], samples[samples.len() / 2], found)
}

fn report(name: &str, (best, median, found): (Duration, Duration, usize)) {
    println!(
        "  {name:<46} best {:>8.2} ms  median {:>8.2} ms  ({found})",
        best.as_secs_f64() * 1e3,
        median.as_secs_f64() * 1e3
    );
}

fn main() {
    let mut runs = 20;
    let mut only: Option<String> = None;
    let mut configs = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        if arg == "--runs" {
            runs = args
                .next()
                .and_then(|value| value.parse().ok())
                .filter(|runs| *runs > 0)
                .expect("--runs needs a positive number");
        } else if arg == "--only" {
            only = Some(
                args.next()
                    .expect("--only needs a phase name (a part of it)"),
            );
        } else {
            configs.push(PathBuf::from(arg));
        }
    }
    assert!(
        !configs.is_empty(),
        "usage: analysis_phases [--runs N] [--only TEXT] CONFIG..."
    );
    let inputs = placement_io::inputs_now();
    for config in configs {
        let text = std::fs::read_to_string(&config)
            .unwrap_or_else(|error| panic!("cannot read {}: {error}", config.display()));
        println!("{} ({} bytes, {runs} runs)", config.display(), text.len());
        let parsed = syntax::parse(&text, format_of(&config));
        let phases: [(&str, &dyn Fn() -> usize); 4] = [
            ("parse", &|| {
                syntax::parse(&text, format_of(&config))
                    .root
                    .entries()
                    .len()
            }),
            ("check_config (config rules)", &|| {
                check_config_with(&config, &text, inputs).len()
            }),
            ("check_project (the server's analysis)", &|| {
                check_project_with(&config, &text, &DiskFiles, inputs).len()
            }),
            ("check_project, parsed once (after the parse)", &|| {
                check_parsed_project_with(&config, &text, &parsed, &DiskFiles, inputs).len()
            }),
        ];
        for (name, phase) in phases {
            if only
                .as_ref()
                .is_some_and(|only| !name.contains(only.as_str()))
            {
                continue;
            }
            report(name, time(runs, phase));
        }
        let format = format_of(&config);
        println!(
            "  a parse holds {:.1} MB on the heap (the text {:.1} MB)",
            heap_bytes(&parsed) as f64 / 1e6,
            text.len() as f64 / 1e6
        );
        // Each run types or deletes the `x`, patching the previous run's parse.
        let Some(edited) = toggle_edit(&text) else {
            continue;
        };
        let state = RefCell::new(Some((text.clone(), parsed)));
        let reparse = || {
            let (previous_text, previous) = state.take().expect("the previous parse");
            let next_text = if previous_text == text {
                edited.clone()
            } else {
                text.clone()
            };
            let parsed = syntax::reparse(&previous_text, previous, &next_text)
                .unwrap_or_else(|| syntax::parse(&next_text, format));
            let entries = parsed.root.entries().len();
            state.replace(Some((next_text, parsed)));
            entries
        };
        let patched = syntax::reparse(&text, syntax::parse(&text, format), &edited).is_some();
        report(
            if patched {
                "reparse (an edit in the first string)"
            } else {
                "parse after an edit (no reparse there)"
            },
            time(runs, reparse),
        );
    }
}
