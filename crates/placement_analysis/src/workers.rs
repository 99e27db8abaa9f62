//! What `placement-lint graph` shows of one config: the Worker it deploys, each environment's
//! placement and round-trip estimate, and the Workers it reaches (Service Bindings, Durable
//! Objects of other scripts, tail consumers).

use std::path::{Path, PathBuf};

use crate::format_of;
use crate::model::ConfigModel;
use crate::placement::PlacementSite;
use crate::project::deployments::{Deployment, deployments};
use crate::project::{Project, ProjectFiles};
use crate::syntax::{Node, Table, parse};

/// One config's Worker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerSummary {
    pub config: PathBuf,
    /// The top-level `name`.
    pub name: Option<String>,
    /// The top level first, then each environment and `[previews]`.
    pub environments: Vec<EnvironmentSummary>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvironmentSummary {
    /// `None` for the top level.
    pub environment: Option<String>,
    /// The name it deploys as: its own `name`, else wrangler's `<name>-<environment>`.
    pub deploys_as: Option<String>,
    /// `none`, `smart`, `off`, `region aws:us-east-1`, `host db:5432`, `hostname api.x.com`, or
    /// `invalid`.
    pub placement: String,
    /// The advisor's estimate for its fetch handler, when one was found.
    pub estimate: Option<String>,
    pub links: Vec<Link>,
}

/// A Worker this one reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Link {
    pub kind: LinkKind,
    /// The binding name (empty for a tail consumer).
    pub binding: String,
    /// The Worker's name.
    pub target: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum LinkKind {
    Service,
    DurableObject,
    TailConsumer,
}

impl LinkKind {
    pub fn as_str(self) -> &'static str {
        match self {
            LinkKind::Service => "service",
            LinkKind::DurableObject => "durable_object",
            LinkKind::TailConsumer => "tail_consumer",
        }
    }
}

/// Describes the Worker of the config at `path`, reading its sources through `files` for the
/// estimate.
pub fn describe_worker(path: &Path, text: &str, files: &dyn ProjectFiles) -> WorkerSummary {
    let parsed = parse(text, format_of(path));
    let model = ConfigModel::new(&parsed.root);
    let placements = PlacementSite::collect(&model);
    let all = deployments(&model, &placements);
    let project = Project::load(path, &model, &placements, &all, files);
    let name = parsed
        .root
        .get("name")
        .and_then(|entry| entry.value.as_str())
        .map(str::to_owned);
    let environments = all
        .iter()
        .map(|deployment| EnvironmentSummary {
            environment: deployment.environment().map(str::to_owned),
            deploys_as: deploys_as(name.as_deref(), deployment),
            placement: placement_text(deployment, &placements),
            estimate: project
                .round_trips_of(&all, deployment)
                .map(|trips| trips.summary()),
            links: links(deployment.scope.table),
        })
        .collect();
    WorkerSummary {
        config: path.to_path_buf(),
        name,
        environments,
    }
}

/// For the language server's hover on `placement` or one of its fields at byte `offset`: the
/// advisor's estimate for the environments using that placement, as Markdown.
pub fn estimate_at(
    path: &Path,
    text: &str,
    files: &dyn ProjectFiles,
    offset: usize,
) -> Option<String> {
    let parsed = parse(text, format_of(path));
    let model = ConfigModel::new(&parsed.root);
    let placements = PlacementSite::collect(&model);
    let on = |span: crate::Span| span.start <= offset && offset <= span.end;
    let index = placements.iter().position(|site| {
        on(site.entry.key_span)
            || on(site.entry.value.span)
            || site.table().is_some_and(|table| {
                table
                    .entries()
                    .iter()
                    .any(|entry| on(entry.key_span) || on(entry.value.span))
            })
    })?;
    let all = deployments(&model, &placements);
    let project = Project::load(path, &model, &placements, &all, files);
    let mut lines = Vec::new();
    for deployment in all.iter().filter(|d| d.placement == Some(index)) {
        let Some(trips) = project.round_trips_of(&all, deployment) else {
            continue;
        };
        let scope = deployment
            .environment()
            .map_or_else(|| "top level".to_owned(), |name| format!("`{name}`"));
        let line = format!("- {scope}: {}", trips.summary());
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    if lines.is_empty() {
        return None;
    }
    Some(format!(
        "**Placement advisor** (an estimate from the code, not what Cloudflare's placement \
         engine will decide):\n\n{}",
        lines.join("\n")
    ))
}

fn deploys_as(top: Option<&str>, deployment: &Deployment<'_>) -> Option<String> {
    if let Some(own) = deployment
        .scope
        .table
        .get("name")
        .and_then(|entry| entry.value.as_str())
    {
        return Some(own.to_owned());
    }
    match deployment.environment() {
        None => top.map(str::to_owned),
        Some(environment) => top.map(|top| format!("{top}-{environment}")),
    }
}

fn placement_text(deployment: &Deployment<'_>, placements: &[PlacementSite<'_>]) -> String {
    let Some(site) = deployment.placement.map(|index| &placements[index]) else {
        return "none".to_owned();
    };
    if let Some(target) = site.targets().first() {
        return match target.value.as_str() {
            Some(value) => format!("{} {value}", target.key),
            None => "invalid".to_owned(),
        };
    }
    match site.mode() {
        Some(mode @ ("smart" | "off")) => mode.to_owned(),
        _ => "invalid".to_owned(),
    }
}

fn items<'t>(table: &'t Table, path: &[&str]) -> &'t [Node] {
    let mut node = table.get(path[0]).map(|entry| &entry.value);
    for key in &path[1..] {
        node = node
            .and_then(Node::as_table)
            .and_then(|table| table.get(key))
            .map(|entry| &entry.value);
    }
    node.and_then(Node::as_array).unwrap_or(&[])
}

fn text_of<'t>(item: &'t Node, key: &str) -> Option<&'t str> {
    item.as_table()?.get(key)?.value.as_str()
}

/// The Workers an environment's own bindings reach (bindings are not inherited).
fn links(table: &Table) -> Vec<Link> {
    let mut links = Vec::new();
    for item in items(table, &["services"]) {
        if let (Some(binding), Some(target)) = (text_of(item, "binding"), text_of(item, "service"))
        {
            links.push(Link {
                kind: LinkKind::Service,
                binding: binding.to_owned(),
                target: target.to_owned(),
            });
        }
    }
    for item in items(table, &["durable_objects", "bindings"]) {
        if let (Some(binding), Some(target)) = (text_of(item, "name"), text_of(item, "script_name"))
        {
            links.push(Link {
                kind: LinkKind::DurableObject,
                binding: binding.to_owned(),
                target: target.to_owned(),
            });
        }
    }
    for item in items(table, &["tail_consumers"]) {
        if let Some(target) = text_of(item, "service") {
            links.push(Link {
                kind: LinkKind::TailConsumer,
                binding: String::new(),
                target: target.to_owned(),
            });
        }
    }
    links
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::MemoryFiles;

    #[test]
    fn describes_environments_links_and_estimates() {
        let config = r#"name = "web"
main = "src/index.ts"
services = [{ binding = "API", service = "api" }]
tail_consumers = [{ service = "logs" }]
[placement]
mode = "smart"
[env.eu]
durable_objects.bindings = [{ name = "ROOMS", class_name = "Room", script_name = "rooms" }]
[env.eu.placement]
region = "aws:eu-west-1"
"#;
        let files = MemoryFiles::new(&[(
            "src/index.ts",
            "export default { fetch(r, env) { return env.API.fetch(r); } };",
        )]);
        let worker = describe_worker(Path::new("wrangler.toml"), config, &files);
        assert_eq!(worker.name.as_deref(), Some("web"));
        let [top, eu] = &worker.environments[..] else {
            panic!("two environments");
        };
        assert_eq!(top.placement, "smart");
        assert_eq!(
            top.estimate.as_deref(),
            Some("fetch handler: about 1 round trip: service `API` x1")
        );
        assert_eq!(top.links.len(), 2);
        assert_eq!(eu.deploys_as.as_deref(), Some("web-eu"));
        assert_eq!(eu.placement, "region aws:eu-west-1");
        assert_eq!(eu.links[0].kind, LinkKind::DurableObject);
        assert_eq!(eu.links[0].target, "rooms");
        let on_mode = config.find("\"smart\"").unwrap() + 1;
        let markdown = estimate_at(Path::new("wrangler.toml"), config, &files, on_mode).unwrap();
        assert!(
            markdown.ends_with("- top level: fetch handler: about 1 round trip: service `API` x1"),
            "{markdown}"
        );
        assert!(estimate_at(Path::new("wrangler.toml"), config, &files, 2).is_none());
    }
}
