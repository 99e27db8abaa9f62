//! The facts every placement rule needs about one written `placement` value.

use crate::catalog::PLACEMENT_TARGETS;
use crate::model::{ConfigModel, Scope};
use crate::syntax::{Entry, Table};

/// One `placement` key as written in the file (top level, an environment or `[previews]`).
#[derive(Debug, Clone)]
pub struct PlacementSite<'a> {
    pub scope: Scope<'a>,
    /// The `placement` entry itself.
    pub entry: &'a Entry,
    /// Environments using it besides the top level (see [`ConfigModel::environments_using`]).
    pub environments: std::sync::Arc<[String]>,
}

impl<'a> PlacementSite<'a> {
    pub(crate) fn collect(model: &ConfigModel<'a>) -> Vec<Self> {
        model
            .scopes
            .iter()
            .filter_map(|scope| {
                let entry = scope.table.get("placement")?;
                Some(PlacementSite {
                    scope: scope.clone(),
                    entry,
                    environments: model.environments_using(scope, "placement"),
                })
            })
            .collect()
    }

    /// The placement table, when `placement` is one.
    pub fn table(&self) -> Option<&'a Table> {
        self.entry.value.as_table()
    }

    pub fn field(&self, key: &str) -> Option<&'a Entry> {
        self.table()?.get(key)
    }

    /// `mode`'s string value, if it is a string.
    pub fn mode(&self) -> Option<&'a str> {
        self.field("mode")?.value.as_str()
    }

    /// The explicit targets present (`region`, `host`, `hostname`), in document order.
    pub fn targets(&self) -> Vec<&'a Entry> {
        let Some(table) = self.table() else {
            return Vec::new();
        };
        PLACEMENT_TARGETS
            .iter()
            .filter_map(|key| table.get(key))
            .fold(Vec::new(), |mut found, entry| {
                found.push(entry);
                found.sort_by_key(|entry| entry.key_span.start);
                found
            })
    }

    /// `placement.KEY` in wrangler's naming for this scope (`env.staging.placement.mode`).
    pub fn path(&self, key: &str) -> String {
        self.scope.path(&format!("placement.{key}"))
    }

    /// " (inherited by environments `a`, `b`)" for a top-level placement that environments
    /// inherit; "" otherwise (the path in the message names the environment).
    pub fn environments_suffix(&self) -> String {
        self.scope.inherited_suffix(&self.environments)
    }

    /// Whether this placement moves the Worker away from the user (smart or explicit).
    pub fn moves_worker(&self) -> bool {
        self.mode() == Some("smart") || !self.targets().is_empty()
    }
}

/// Which of wrangler's validation paths a placement takes, with the placement table when it is
/// one; the placement rules follow the same branches so that they report an error exactly where
/// wrangler rejects the config.
#[derive(Debug, Clone, Copy)]
pub enum Shape<'a> {
    /// `placement` is not a table.
    NotTable,
    /// `hint` together with `region`/`host`/`hostname`: rejected before anything else.
    HintWithTargets(&'a Table),
    /// `hint` without targets: `mode` must be `off` or `smart`, `hint` only with `smart`.
    Hint(&'a Table),
    /// One or more targets: `mode`, if any, must be `targeted`.
    Targeted(&'a Table),
    /// Neither: `mode` is required, and `targeted` requires a target.
    ModeOnly(&'a Table),
}

impl<'a> PlacementSite<'a> {
    pub fn shape(&self) -> Shape<'a> {
        let Some(table) = self.table() else {
            return Shape::NotTable;
        };
        let has_hint = table.get("hint").is_some();
        let has_targets = !self.targets().is_empty();
        match (has_hint, has_targets) {
            (true, true) => Shape::HintWithTargets(table),
            (true, false) => Shape::Hint(table),
            (false, true) => Shape::Targeted(table),
            (false, false) => Shape::ModeOnly(table),
        }
    }
}
