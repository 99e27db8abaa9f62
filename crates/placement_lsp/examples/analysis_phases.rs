//! Where the language server's analysis of one config spends its time, phase by phase, in
//! process (no LSP framing): the parse alone, the config rules (`check_config`) and the whole
//! project check the server runs on each edit (`check_project_with`, reading the files around
//! the config from the disk). Each phase runs `--runs` times; the best and the median are
//! printed, so that a busy machine can be told apart from a slow analysis.
//!
//! `--only TEXT` runs only the phases whose name contains TEXT (to profile one of them).
//!
//! cargo run --release -p placement_lsp --example analysis_phases -- [--runs N] [--only TEXT] CONFIG...

use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use placement_analysis::{
    check_config_with, check_project_parsed, check_project_with, format_of, syntax,
};
use placement_io::DiskFiles;

/// The allocator `placement-lint` ships with, so that the figures are the binary's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
                syntax::parse(&text, format_of(&config)).root.entries.len()
            }),
            ("check_config (config rules)", &|| {
                check_config_with(&config, &text, inputs).len()
            }),
            ("check_project (the server's analysis)", &|| {
                check_project_with(&config, &text, &DiskFiles, inputs).len()
            }),
            ("check_project, parsed once (after the parse)", &|| {
                check_project_parsed(&config, &text, &parsed, &DiskFiles, inputs).len()
            }),
        ];
        for (name, phase) in phases {
            if only
                .as_ref()
                .is_some_and(|only| !name.contains(only.as_str()))
            {
                continue;
            }
            let (best, median, found) = time(runs, phase);
            println!(
                "  {name:<46} best {:>8.2} ms  median {:>8.2} ms  ({found})",
                best.as_secs_f64() * 1e3,
                median.as_secs_f64() * 1e3
            );
        }
    }
}
