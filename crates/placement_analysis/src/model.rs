//! The config's scopes (top level, each `[env.NAME]`, `[previews]`) and inheritance between them.

use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::{Arc, Mutex, OnceLock, PoisonError};

use crate::schema::{Inheritance, Shape, shape_at};
use crate::syntax::{Entry, Table};
use crate::wording::{Reach, environments_suffix};

/// Keys that `[previews]` inherits from the top level when it does not set them.
const PREVIEWS_INHERITABLE_KEYS: &[&str] = &["placement", "limits", "observability", "logpush"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScopeKind {
    TopLevel,
    Env(String),
    Previews,
}

impl ScopeKind {
    /// The catalog's shape of this scope's table: the keys wrangler's schema takes there.
    pub fn shape(&self) -> Option<Shape> {
        match self {
            ScopeKind::TopLevel => Some(Shape::root()),
            ScopeKind::Env(_) => Some(Shape::environment()),
            ScopeKind::Previews => shape_at(&["previews"]).and_then(Shape::object),
        }
    }

    /// Whether wrangler's schema takes `key` in this scope's table.
    pub fn takes(&self, key: &str) -> bool {
        self.shape().is_some_and(|shape| shape.has_schema_key(key))
    }
}

/// A table that wrangler validates as one deployable configuration.
#[derive(Debug, Clone)]
pub struct Scope<'a> {
    pub kind: ScopeKind,
    pub table: &'a Table,
    /// The environments that use what this scope writes itself: its own name (none for the
    /// top level, whose inheritors depend on the key). Made once, as rules ask for it for
    /// every key of thousands of environments.
    own_environments: Arc<[String]>,
}

impl<'a> Scope<'a> {
    fn new(kind: ScopeKind, table: &'a Table) -> Self {
        let own_environments = match &kind {
            ScopeKind::TopLevel => Arc::from([]),
            ScopeKind::Env(name) => Arc::from([name.clone()]),
            ScopeKind::Previews => Arc::from(["previews".to_owned()]),
        };
        Self {
            kind,
            table,
            own_environments,
        }
    }
}

impl Scope<'_> {
    /// The environments that use what this scope writes itself: its own name (none for the
    /// top level).
    pub(crate) fn own_environments(&self) -> Arc<[String]> {
        self.own_environments.clone()
    }

    /// The environment name used in diagnostics (`None` for the top level).
    pub fn environment(&self) -> Option<&str> {
        match &self.kind {
            ScopeKind::TopLevel => None,
            ScopeKind::Env(name) => Some(name),
            ScopeKind::Previews => Some("previews"),
        }
    }

    /// The dotted path of a key in this scope, as wrangler names it (`env.staging.placement`).
    pub fn path(&self, key: &str) -> String {
        match &self.kind {
            ScopeKind::TopLevel => key.to_owned(),
            ScopeKind::Env(name) => format!("env.{name}.{key}"),
            ScopeKind::Previews => format!("previews.{key}"),
        }
    }

    /// " (inherited by environments `a`, `b`)" for a value written at the top level that
    /// `environments` inherit; "" elsewhere, where the path in the message names the scope.
    pub fn inherited_suffix(&self, environments: &[String]) -> String {
        match self.kind {
            ScopeKind::TopLevel => environments_suffix(environments, Reach::InheritedBy),
            _ => String::new(),
        }
    }

    /// Whether this scope takes the top level's `key` when it does not set it.
    pub(crate) fn inherits(&self, key: &str) -> bool {
        match self.kind {
            ScopeKind::TopLevel => false,
            ScopeKind::Env(_) => catalog_inherited().contains(key),
            ScopeKind::Previews => PREVIEWS_INHERITABLE_KEYS.contains(&key),
        }
    }
}

/// The keys the catalog says environments inherit, looked up once per process: rules ask for
/// every scope of configs with thousands of environments.
fn catalog_inherited() -> &'static FxHashSet<&'static str> {
    static INHERITED: OnceLock<FxHashSet<&'static str>> = OnceLock::new();
    INHERITED.get_or_init(|| {
        crate::schema::Shape::environment()
            .keys()
            .filter(|key| key.inheritance() == Inheritance::Inherited)
            .map(|key| key.name())
            .collect()
    })
}

/// All scopes of one config, the top level first.
#[derive(Debug)]
pub struct ConfigModel<'a> {
    pub root: &'a Table,
    pub scopes: Vec<Scope<'a>>,
    /// The environments inheriting each top-level key asked about so far.
    inheritors: Mutex<FxHashMap<String, Arc<[String]>>>,
}

impl<'a> ConfigModel<'a> {
    pub fn new(root: &'a Table) -> Self {
        let mut scopes = vec![Scope::new(ScopeKind::TopLevel, root)];
        if let Some(previews) = root.get_table("previews") {
            scopes.push(Scope::new(ScopeKind::Previews, previews));
        }
        if let Some(envs) = root.get_table("env") {
            // A repeated JSON key: wrangler keeps the last one.
            // A repeated JSON key: wrangler keeps the last one.
            for (_, entry) in envs.kept_entries() {
                if let Some(table) = entry.value.as_table() {
                    scopes.push(Scope::new(ScopeKind::Env(entry.key.clone()), table));
                }
            }
        }
        Self {
            root,
            scopes,
            inheritors: Mutex::default(),
        }
    }

    /// The entry for `key` that applies in `scope`: its own, or the inherited top-level one.
    pub fn effective(&self, scope: &Scope<'a>, key: &str) -> Option<&'a Entry> {
        scope
            .table
            .get(key)
            // The top level's few keys before the catalog's lookup.
            .or_else(|| self.root.get(key).filter(|_| scope.inherits(key)))
    }

    /// The environments that use the `key` written in `scope`: the scope itself (unless it is
    /// the top level) and, for a top-level key, every scope that inherits it.
    /// Computed once per top-level key: several rules ask, and a config can have thousands of
    /// environments.
    pub fn environments_using(&self, scope: &Scope<'a>, key: &str) -> Arc<[String]> {
        match scope.kind {
            ScopeKind::TopLevel => {
                // Behind a lock so that the model is `Sync` and can be shared with threads
                // (uncontended, as the rules run on one thread, it costs next to nothing).
                let mut known = self
                    .inheritors
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if let Some(inheritors) = known.get(key) {
                    return inheritors.clone();
                }
                let inheritors: Arc<[String]> = self.scopes[1..]
                    .iter()
                    .filter(|other| other.inherits(key) && other.table.get(key).is_none())
                    .filter_map(|other| other.environment().map(str::to_owned))
                    .collect();
                known.insert(key.to_owned(), inheritors.clone());
                inheritors
            }
            _ => scope.own_environments.clone(),
        }
    }
}
