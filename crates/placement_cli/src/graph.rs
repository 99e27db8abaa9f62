//! `placement-lint graph`: the Workers found under a folder, the Workers each one reaches
//! (Service Bindings, Durable Objects of other scripts, tail consumers), each environment's
//! placement and the advisor's round-trip estimate, as Mermaid, DOT or JSON. Links to a Worker
//! that exists nowhere in the tree are listed; cycles are drawn like any other edge.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};

use placement_analysis::workers::{LinkKind, WorkerSummary, describe_worker};
use serde_json::json;

use crate::args::{GraphArgs, GraphFormat};
use crate::files::DiskFiles;
use crate::{CliError, discover, exit};

pub fn run(args: &GraphArgs) -> Result<u8, CliError> {
    let cwd = std::env::current_dir().map_err(CliError::Io)?;
    let paths = if args.paths.is_empty() {
        vec![cwd.clone()]
    } else {
        args.paths.clone()
    };
    let discovery = discover::discover(&paths, &cwd)?;
    if discovery.configs.is_empty() {
        return Err(CliError::Usage(
            "no wrangler.toml, wrangler.json or wrangler.jsonc found".to_owned(),
        ));
    }
    // Shadowed configs are drawn too (marked): a monorepo often deploys them with `--config`.
    let mut configs: Vec<&Path> = discovery.configs.iter().map(PathBuf::as_path).collect();
    configs.extend(discovery.shadowed.keys().map(PathBuf::as_path));
    configs.sort();
    let mut workers = Vec::new();
    let mut notes = Vec::new();
    for config in configs {
        let bytes = placement_io::read_bytes(config, placement_io::MAX_FILE_BYTES)
            .map_err(|_| CliError::Usage(format!("cannot read `{}`", config.display())))?;
        // Invalid UTF-8 reads as wrangler reads it (U+FFFD).
        let text = String::from_utf8_lossy(&bytes);
        let mut worker = describe_worker(config, &text, &DiskFiles);
        worker.config = config.strip_prefix(&cwd).unwrap_or(config).to_path_buf();
        workers.push(worker);
        notes.push(discovery.shadowed.get(config).map(|winner| {
            let winner = winner.strip_prefix(&cwd).unwrap_or(winner);
            format!(
                "shadowed by {} (wrangler run from its folder reads that one)",
                display_path(winner)
            )
        }));
    }
    let graph = Graph::new(&workers, &notes);
    let text = match args.format {
        GraphFormat::Mermaid => graph.mermaid(),
        GraphFormat::Dot => graph.dot(),
        GraphFormat::Json => {
            serde_json::to_string_pretty(&graph.json()).expect("JSON values serialise") + "\n"
        }
    };
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes()).map_err(CliError::Io)?;
    out.flush().map_err(CliError::Io)?;
    Ok(exit::CLEAN)
}

/// A link from one Worker to another, merged over the environments that declare it.
struct Edge {
    from: usize,
    /// The Worker's index, or `None` when no Worker of the tree deploys under that name.
    to: Option<usize>,
    kind: LinkKind,
    binding: String,
    target: String,
    /// Environments declaring it (`None`: the top level).
    environments: Vec<Option<String>>,
}

struct Graph<'w> {
    workers: &'w [WorkerSummary],
    /// A note per Worker (a shadowed config's).
    notes: &'w [Option<String>],
    edges: Vec<Edge>,
}

impl<'w> Graph<'w> {
    fn new(workers: &'w [WorkerSummary], notes: &'w [Option<String>]) -> Self {
        // Every name a Worker deploys under: its top-level name and each environment's.
        let mut by_name: BTreeMap<&str, usize> = BTreeMap::new();
        for (index, worker) in workers.iter().enumerate() {
            for environment in &worker.environments {
                if let Some(name) = &environment.deploys_as {
                    by_name.entry(name.as_str()).or_insert(index);
                }
            }
        }
        let mut edges: Vec<Edge> = Vec::new();
        for (from, worker) in workers.iter().enumerate() {
            for environment in &worker.environments {
                for link in &environment.links {
                    let to = by_name.get(link.target.as_str()).copied();
                    let known = edges.iter_mut().find(|edge| {
                        edge.from == from
                            && edge.kind == link.kind
                            && edge.binding == link.binding
                            && edge.target == link.target
                    });
                    match known {
                        Some(edge) => edge.environments.push(environment.environment.clone()),
                        None => edges.push(Edge {
                            from,
                            to,
                            kind: link.kind,
                            binding: link.binding.clone(),
                            target: link.target.clone(),
                            environments: vec![environment.environment.clone()],
                        }),
                    }
                }
            }
        }
        Graph {
            workers,
            notes,
            edges,
        }
    }

    fn title(worker: &WorkerSummary) -> String {
        worker
            .name
            .clone()
            .unwrap_or_else(|| "(no name)".to_owned())
    }

    /// "placement: smart; staging: off" and the top level's estimate, as label lines.
    fn label_lines(&self, index: usize) -> Vec<String> {
        let worker = &self.workers[index];
        let mut lines = vec![Self::title(worker), display_path(&worker.config)];
        if let Some(note) = &self.notes[index] {
            lines.push(note.clone());
        }
        let placements: Vec<String> = worker
            .environments
            .iter()
            .map(|environment| match &environment.environment {
                None => format!("placement: {}", environment.placement),
                Some(name) => format!("{name}: {}", environment.placement),
            })
            .collect();
        lines.push(placements.join("; "));
        if let Some(estimate) = worker
            .environments
            .iter()
            .find_map(|environment| environment.estimate.as_deref())
        {
            lines.push(format!("{estimate} (estimate)"));
        }
        lines
    }

    fn edge_label(edge: &Edge) -> String {
        let kind = match edge.kind {
            LinkKind::Service => edge.binding.clone(),
            LinkKind::DurableObject => format!("Durable Object {}", edge.binding),
            LinkKind::TailConsumer => "tail".to_owned(),
        };
        let all_top = edge.environments.iter().all(Option::is_none);
        if all_top {
            return kind;
        }
        let names: Vec<&str> = edge
            .environments
            .iter()
            .map(|environment| environment.as_deref().unwrap_or("top level"))
            .collect();
        format!("{kind} ({})", names.join(", "))
    }

    /// The targets no Worker of the tree deploys as, in order.
    fn missing(&self) -> Vec<&str> {
        let mut missing: Vec<&str> = Vec::new();
        for edge in self.edges.iter().filter(|edge| edge.to.is_none()) {
            if !missing.contains(&edge.target.as_str()) {
                missing.push(&edge.target);
            }
        }
        missing
    }

    fn mermaid(&self) -> String {
        let mut out = String::from("flowchart LR\n");
        for index in 0..self.workers.len() {
            let label: Vec<String> = self
                .label_lines(index)
                .iter()
                .map(|line| mermaid_text(line))
                .collect();
            let _ = writeln!(out, "  w{index}[\"{}\"]", label.join("<br/>"));
        }
        let missing = self.missing();
        for (index, name) in missing.iter().enumerate() {
            let _ = writeln!(
                out,
                "  missing{index}[\"{}<br/>not in this tree\"]:::missing",
                mermaid_text(name)
            );
        }
        for edge in &self.edges {
            let to = node_id(edge, &missing);
            let arrow = match edge.kind {
                LinkKind::Service => "-->",
                LinkKind::DurableObject => "-.->",
                LinkKind::TailConsumer => "-.->",
            };
            let _ = writeln!(
                out,
                "  w{} {arrow}|\"{}\"| {to}",
                edge.from,
                mermaid_text(&Self::edge_label(edge))
            );
        }
        if !missing.is_empty() {
            out.push_str("  classDef missing stroke-dasharray: 4 4\n");
        }
        out
    }

    fn dot(&self) -> String {
        let mut out = String::from("digraph workers {\n  rankdir=LR;\n  node [shape=box];\n");
        for index in 0..self.workers.len() {
            let label: Vec<String> = self
                .label_lines(index)
                .iter()
                .map(|line| dot_text(line))
                .collect();
            let _ = writeln!(out, "  w{index} [label=\"{}\"];", label.join("\\n"));
        }
        let missing = self.missing();
        for (index, name) in missing.iter().enumerate() {
            let _ = writeln!(
                out,
                "  missing{index} [label=\"{}\\nnot in this tree\", style=dashed];",
                dot_text(name)
            );
        }
        for edge in &self.edges {
            let to = node_id(edge, &missing);
            let style = match edge.kind {
                LinkKind::Service => "",
                LinkKind::DurableObject | LinkKind::TailConsumer => ", style=dashed",
            };
            let _ = writeln!(
                out,
                "  w{} -> {to} [label=\"{}\"{style}];",
                edge.from,
                dot_text(&Self::edge_label(edge))
            );
        }
        out.push_str("}\n");
        out
    }

    fn json(&self) -> serde_json::Value {
        let workers: Vec<serde_json::Value> = self
            .workers
            .iter()
            .enumerate()
            .map(|(index, worker)| {
                json!({
                    "id": format!("w{index}"),
                    "name": worker.name,
                    "config": display_path(&worker.config),
                    "shadowed_by": self.notes[index],
                    "environments": worker.environments.iter().map(|environment| json!({
                        "environment": environment.environment,
                        "deploys_as": environment.deploys_as,
                        "placement": environment.placement,
                        "estimate": environment.estimate,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let edges: Vec<serde_json::Value> = self
            .edges
            .iter()
            .map(|edge| {
                json!({
                    "from": format!("w{}", edge.from),
                    "to": edge.to.map(|to| format!("w{to}")),
                    "kind": edge.kind.as_str(),
                    "binding": edge.binding,
                    "target": edge.target,
                    "environments": edge.environments,
                })
            })
            .collect();
        json!({
            "version": 1,
            "workers": workers,
            "edges": edges,
            "missing": self.missing(),
        })
    }
}

/// A config's path as the other outputs show it (relative to the working directory when below
/// it, with `/` separators).
fn display_path(path: &Path) -> String {
    crate::paths::display(path)
}

/// Text inside a quoted Mermaid label: quotes and angle brackets as entities, no backticks
/// (Mermaid reads them as Markdown strings).
fn mermaid_text(text: &str) -> String {
    text.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
        .replace('`', "")
}

fn dot_text(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

/// The node an edge points at: a Worker of the tree (`w3`), or the placeholder drawn for a name
/// no Worker deploys as (`missing0`).
fn node_id(edge: &Edge, missing: &[&str]) -> String {
    match edge.to {
        Some(to) => format!("w{to}"),
        None => format!(
            "missing{}",
            missing
                .iter()
                .position(|name| *name == edge.target)
                .unwrap_or(0)
        ),
    }
}
