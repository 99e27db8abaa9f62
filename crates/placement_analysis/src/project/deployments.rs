//! The config as each environment deploys it: its effective placement, `main`, `assets` and
//! bindings. Project rules evaluate each environment on its own and report a diagnostic once
//! at its cause, listing the environments it affects.

use crate::diagnostic::Related;
use crate::model::{ConfigModel, Scope};
use crate::placement::PlacementSite;
use crate::span::Span;
use crate::syntax::{Entry, Node, Table};
use crate::wording::{Reach, environments_suffix};

/// One deployable configuration: the top level, an `[env.NAME]` or `[previews]`.
#[derive(Debug, Clone)]
pub struct Deployment<'a> {
    /// The model's scope (borrowed: a config can have thousands).
    pub scope: &'a Scope<'a>,
    /// Index into the placements of the context: the `placement` this environment uses.
    pub placement: Option<usize>,
    /// `main`, own or inherited.
    pub main: Option<&'a Entry>,
    /// `assets`, own or inherited.
    pub assets: Option<&'a Entry>,
}

impl<'a> Deployment<'a> {
    /// The environment's name for diagnostics (`None` for the top level).
    pub fn environment(&self) -> Option<&str> {
        self.scope.environment()
    }

    /// The placement it uses, when that placement moves the Worker away from the user.
    pub fn moving_placement<'p>(
        &self,
        placements: &'p [PlacementSite<'a>],
    ) -> Option<&'p PlacementSite<'a>> {
        self.placement
            .map(|index| &placements[index])
            .filter(|site| site.moves_worker())
    }

    /// `main` as written, when it is a non-empty string.
    pub fn main_path(&self) -> Option<&'a str> {
        self.main
            .and_then(|entry| entry.value.as_str())
            .filter(|path| !path.trim().is_empty())
    }

    pub fn assets_table(&self) -> Option<&'a Table> {
        self.assets.and_then(|entry| entry.value.as_table())
    }

    /// `assets.binding`: the name the Worker's code reaches its static assets by.
    pub fn assets_binding(&self) -> Option<&'a str> {
        self.assets_table()?
            .get("binding")?
            .value
            .as_str()
            .filter(|name| !name.is_empty())
    }

    pub fn run_worker_first(&self) -> Option<&'a Entry> {
        self.assets_table()?.get("run_worker_first")
    }

    /// Binding names of `d1_databases` (bindings are not inherited by environments).
    pub fn d1_bindings(&self) -> Vec<&'a str> {
        binding_names(self.scope.table, "d1_databases")
    }

    /// Binding names of `services`.
    pub fn service_bindings(&self) -> Vec<&'a str> {
        binding_names(self.scope.table, "services")
    }
}

fn binding_names<'a>(table: &'a Table, key: &str) -> Vec<&'a str> {
    table
        .get(key)
        .and_then(|entry| entry.value.as_array())
        .unwrap_or(&[])
        .iter()
        .filter_map(Node::as_table)
        .filter_map(|binding| binding.get("binding")?.value.as_str())
        .collect()
}

/// Every environment of the config, the top level first.
pub fn deployments<'a>(
    model: &'a ConfigModel<'a>,
    placements: &[PlacementSite<'a>],
) -> Vec<Deployment<'a>> {
    // Entries are told apart by where their key starts: a map keeps this linear in the number
    // of environments.
    let placement_index: rustc_hash::FxHashMap<usize, usize> = placements
        .iter()
        .enumerate()
        .map(|(index, site)| (site.entry.key_span.start, index))
        .collect();
    model
        .scopes
        .iter()
        .map(|scope| {
            let placement = model
                .effective(scope, "placement")
                .and_then(|entry| placement_index.get(&entry.key_span.start).copied());
            Deployment {
                scope,
                placement,
                main: model.effective(scope, "main"),
                assets: model.effective(scope, "assets"),
            }
        })
        .collect()
}

/// `pages_build_output_dir`, which makes the config a Pages project's (top level only).
pub fn pages_build_output_dir<'a>(model: &ConfigModel<'a>) -> Option<&'a str> {
    model.root.get("pages_build_output_dir")?.value.as_str()
}

/// Which kind of placement moves the Worker, for messages.
pub fn placement_kind(site: &PlacementSite<'_>) -> String {
    match site.targets().first() {
        Some(target) => match target.value.as_str() {
            Some(value) => format!("explicit placement (`{} = \"{value}\"`)", target.key),
            None => format!("explicit placement (`{}`)", target.key),
        },
        None => "Smart Placement".to_owned(),
    }
}

/// Where a diagnostic about a placement points: its `mode` value, else its first target's
/// value, else the `placement` key.
pub fn placement_anchor(site: &PlacementSite<'_>) -> Span {
    site.field("mode")
        .or_else(|| site.targets().first().copied())
        .map_or(site.entry.key_span, |entry| entry.value.span)
}

/// The environments whose placement moves the Worker, grouped by the `placement` they use
/// (its index in `placements`), in document order.
pub fn placed_groups<'d, 'a>(
    deployments: &'d [Deployment<'a>],
    placements: &[PlacementSite<'a>],
) -> Vec<(usize, Vec<&'d Deployment<'a>>)> {
    let mut groups: Vec<(usize, Vec<&'d Deployment<'a>>)> = Vec::new();
    let mut group_of: rustc_hash::FxHashMap<usize, usize> = rustc_hash::FxHashMap::default();
    for deployment in deployments {
        let Some(index) = deployment.placement else {
            continue;
        };
        if !placements[index].moves_worker() {
            continue;
        }
        match group_of.get(&index) {
            Some(&group) => groups[group].1.push(deployment),
            None => {
                group_of.insert(index, groups.len());
                groups.push((index, vec![deployment]));
            }
        }
    }
    groups.sort_by_key(|(index, _)| placements[*index].entry.key_span.start);
    groups
}

/// Something found at one location (a call in a source file, a config value) on behalf of every
/// placed environment that leads to it: reported once, listing them all.
pub struct Finding<'d, 'a, T> {
    pub item: T,
    pub deployments: Vec<&'d Deployment<'a>>,
    /// Indices (into the context's placements) of the placements that make it matter.
    pub sites: Vec<usize>,
}

impl<T> Finding<'_, '_, T> {
    /// Related locations pointing back at each placement behind the finding.
    pub fn related(
        &self,
        config: &std::path::Path,
        placements: &[PlacementSite<'_>],
    ) -> Vec<Related> {
        self.sites
            .iter()
            .map(|index| placement_related(config, &placements[*index]))
            .collect()
    }
}

/// Runs `find` for each environment whose placement moves the Worker and merges what it finds
/// by location, in location order.
pub fn findings_by_location<'d, 'a, T>(
    all: &'d [Deployment<'a>],
    placements: &[PlacementSite<'a>],
    mut find: impl FnMut(&'d Deployment<'a>) -> Vec<((std::path::PathBuf, Span), T)>,
) -> std::collections::BTreeMap<(std::path::PathBuf, Span), Finding<'d, 'a, T>> {
    let mut findings = std::collections::BTreeMap::new();
    for (site_index, group) in placed_groups(all, placements) {
        for deployment in group {
            for (location, item) in find(deployment) {
                let finding = findings.entry(location).or_insert_with(|| Finding {
                    item,
                    deployments: Vec::new(),
                    sites: Vec::new(),
                });
                finding.deployments.push(deployment);
                if !finding.sites.contains(&site_index) {
                    finding.sites.push(site_index);
                }
            }
        }
    }
    findings
}

/// A related location pointing back at the placement that makes a diagnostic matter.
pub fn placement_related(config: &std::path::Path, site: &PlacementSite<'_>) -> Related {
    Related {
        file: config.to_path_buf(),
        span: placement_anchor(site),
        message: format!("{} is set here", placement_kind(site)),
    }
}

/// "Serve the front end ... (here: D1 `DB`, service `AUTH`)": the split Cloudflare recommends,
/// naming the back ends the environments bind.
pub fn split_advice(affected: &[&Deployment<'_>]) -> String {
    let mut back_ends: Vec<String> = Vec::new();
    for deployment in affected {
        let named = deployment
            .d1_bindings()
            .into_iter()
            .map(|name| format!("D1 `{name}`"))
            .chain(
                deployment
                    .service_bindings()
                    .into_iter()
                    .map(|name| format!("service `{name}`")),
            );
        for name in named {
            if !back_ends.contains(&name) {
                back_ends.push(name);
            }
        }
    }
    let here = if back_ends.is_empty() {
        String::new()
    } else {
        format!(" (here: {})", back_ends.join(", "))
    };
    format!(
        "serve the front end from a Worker without placement, and move the back-end calls{here} \
         into a separate Worker with placement, reached through a Service Binding"
    )
}

/// The environments (besides the top level) among `affected`, and wording for messages:
/// "" for the top level alone, " (environments `a`, `b`)" otherwise.
pub fn affected_environments(affected: &[&Deployment<'_>]) -> (Vec<String>, String) {
    let names: Vec<String> = affected
        .iter()
        .filter_map(|deployment| deployment.environment().map(str::to_owned))
        .collect();
    let reach = if affected
        .iter()
        .any(|deployment| deployment.environment().is_none())
    {
        Reach::TopLevelAnd
    } else {
        Reach::In
    };
    let wording = environments_suffix(&names, reach);
    (names, wording)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    #[test]
    fn environments_inherit_main_and_assets_but_not_bindings() {
        let text = r#"
main = "src/index.ts"
assets = { directory = "public", binding = "STATIC" }
d1_databases = [{ binding = "DB", database_name = "d", database_id = "x" }]
[placement]
mode = "smart"
[env.staging]
name = "s"
[env.edge]
main = "src/edge.ts"
placement = { mode = "off" }
"#;
        let parsed = parse(text, Format::Toml);
        let model = ConfigModel::new(&parsed.root);
        let placements = PlacementSite::collect(&model);
        let all = deployments(&model, &placements);
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].main_path(), Some("src/index.ts"));
        assert_eq!(all[0].d1_bindings(), ["DB"]);
        assert_eq!(all[1].main_path(), Some("src/index.ts"));
        assert_eq!(all[1].assets_binding(), Some("STATIC"));
        assert!(all[1].d1_bindings().is_empty());
        let inherited = all[1].moving_placement(&placements).map(|site| site.mode());
        assert_eq!(inherited, Some(Some("smart")));
        assert_eq!(all[2].main_path(), Some("src/edge.ts"));
        assert!(all[2].moving_placement(&placements).is_none());
        let (names, wording) = affected_environments(&[&all[0], &all[1]]);
        assert_eq!(names, ["staging"]);
        assert_eq!(wording, " (top level and environment `staging`)");
    }
}
