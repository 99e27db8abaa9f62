//! One walk over the syntax tree, driven by the key catalog: every value of every scope (the
//! top level, `[previews]`, each `[env.NAME]`) at every depth, with the catalog's shape for it.
//! The schema rules (PL003, PL004, PL301-PL304) are visitors of this walk, so they agree on
//! what is where; it runs once for all of them ([`walk_with_rules`]). The walk is linear in the
//! size of the config.

use std::sync::Arc;

use crate::context::{Context, Sink};
use crate::diagnostic::Diagnostic;
use crate::model::{ConfigModel, Scope, ScopeKind};
use crate::rule::Rule;
use crate::schema::{Key, Shape};
use crate::span::Span;
use crate::syntax::{Entry, Node, NodeKind, Table};

/// One step of a path below a scope's table.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Where a visited value is: its scope and its path below the scope's table.
pub(crate) struct At<'w, 'a> {
    pub scope: &'w Scope<'a>,
    pub steps: &'w [Step<'a>],
    model: &'w ConfigModel<'a>,
}

impl At<'_, '_> {
    /// The environments the value applies to: its scope's own, or for a top-level value the
    /// environments that inherit its top-level key. Asked only when a rule reports: listing
    /// the inheritors of every top-level key of a config with thousands of environments costs
    /// more than the walk.
    pub fn environments(&self) -> Arc<[String]> {
        match (&self.scope.kind, self.steps.first()) {
            (ScopeKind::TopLevel, Some(Step::Key(key))) => {
                self.model.environments_using(self.scope, key)
            }
            _ => self.scope.own_environments(),
        }
    }

    /// The value's path as wrangler names it: `env.staging.d1_databases[0].binding`.
    pub fn path(&self) -> String {
        let mut path = match &self.scope.kind {
            ScopeKind::TopLevel => String::new(),
            ScopeKind::Env(name) => format!("env.{name}"),
            ScopeKind::Previews => "previews".to_owned(),
        };
        for step in self.steps {
            match step {
                Step::Key(key) => {
                    if !path.is_empty() {
                        path.push('.');
                    }
                    path.push_str(key);
                }
                Step::Index(index) => path.push_str(&format!("[{index}]")),
            }
        }
        path
    }

    /// The path of the object holding this value (`env.staging.build` for
    /// `env.staging.build.command`); empty for a top-level key.
    pub fn parent_path(&self) -> String {
        At {
            scope: self.scope,
            steps: &self.steps[..self.steps.len().saturating_sub(1)],
            model: self.model,
        }
        .path()
    }

    /// Whether the value is in `placement` (which the PL1xx rules check, branch by branch).
    pub fn is_in_placement(&self) -> bool {
        matches!(self.steps.first(), Some(Step::Key("placement")))
    }

    /// " (inherited by environments ...)" for a top-level value environments inherit.
    pub fn inherited_suffix(&self) -> String {
        self.scope.inherited_suffix(&self.environments())
    }
}

/// Which [`Visitor`] methods a visitor does something in: the walk calls only those (it calls
/// them for every value of every scope, tens of thousands of times in a large config).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Visits {
    pub value: bool,
    pub object: bool,
    pub known_key: bool,
    pub unknown_key: bool,
}

/// What a schema rule looks at; every method has a default that does nothing.
pub(crate) trait Visitor<'a> {
    /// The methods this visitor implements (all of them, unless it says otherwise).
    fn visits(&self) -> Visits {
        Visits {
            value: true,
            object: true,
            known_key: true,
            unknown_key: true,
        }
    }

    /// A value and the catalog's shape for its place (before its contents are walked).
    fn value(&mut self, _at: &At<'_, 'a>, _node: &'a Node, _shape: Shape) {}
    /// An object whose shape lists its keys (before its entries are walked), written at `span`
    /// (`None` for a scope's own table).
    fn object(&mut self, _at: &At<'_, 'a>, _span: Option<Span>, _table: &'a Table, _shape: Shape) {}
    /// An entry (`table.entries[index]`) whose key the catalog knows (`key`, of the object
    /// shape `parent`); `at` is the entry's place.
    fn known_key(
        &mut self,
        _at: &At<'_, 'a>,
        _table: &'a Table,
        _index: usize,
        _key: Key,
        _parent: Shape,
    ) {
    }
    /// An entry of an object whose shape lists its keys, with a key the catalog does not know.
    fn unknown_key(&mut self, _at: &At<'_, 'a>, _table: &'a Table, _index: usize, _shape: Shape) {}
}

/// A schema rule's visitor, reporting through the rule's own sink. It may report what needs no
/// walk before it returns the visitor.
pub(crate) type MakeVisitor =
    for<'c, 'a> fn(&'c Context<'a>, Sink<'c>) -> Box<dyn Visitor<'a> + 'c>;

/// Every visitor of one walk, called in turn at each place, each only for the methods it
/// implements.
struct Visitors<'v, 'a> {
    all: Vec<Box<dyn Visitor<'a> + 'v>>,
    /// For each method, the indexes in `all` of the visitors implementing it, in order.
    value: Vec<usize>,
    object: Vec<usize>,
    known_key: Vec<usize>,
    unknown_key: Vec<usize>,
}

impl<'v, 'a> Visitors<'v, 'a> {
    fn new(all: Vec<Box<dyn Visitor<'a> + 'v>>) -> Self {
        let visiting = |method: fn(Visits) -> bool| -> Vec<usize> {
            (0..all.len())
                .filter(|&index| method(all[index].visits()))
                .collect()
        };
        Self {
            value: visiting(|visits| visits.value),
            object: visiting(|visits| visits.object),
            known_key: visiting(|visits| visits.known_key),
            unknown_key: visiting(|visits| visits.unknown_key),
            all,
        }
    }
}

impl<'a> Visitor<'a> for Visitors<'_, 'a> {
    fn value(&mut self, at: &At<'_, 'a>, node: &'a Node, shape: Shape) {
        for &index in &self.value {
            self.all[index].value(at, node, shape);
        }
    }

    fn object(&mut self, at: &At<'_, 'a>, span: Option<Span>, table: &'a Table, shape: Shape) {
        for &index in &self.object {
            self.all[index].object(at, span, table, shape);
        }
    }

    fn known_key(
        &mut self,
        at: &At<'_, 'a>,
        table: &'a Table,
        index: usize,
        key: Key,
        parent: Shape,
    ) {
        for &visitor in &self.known_key {
            self.all[visitor].known_key(at, table, index, key, parent);
        }
    }

    fn unknown_key(&mut self, at: &At<'_, 'a>, table: &'a Table, index: usize, shape: Shape) {
        for &visitor in &self.unknown_key {
            self.all[visitor].unknown_key(at, table, index, shape);
        }
    }
}

/// Runs the schema rules in one walk of the config (each walking it alone cost as much again
/// per rule), adding their diagnostics to `diagnostics`, rule after rule.
pub(crate) fn walk_with_rules(
    ctx: &Context<'_>,
    rules: &[(&'static Rule, MakeVisitor)],
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut found: Vec<Vec<Diagnostic>> = rules.iter().map(|_| Vec::new()).collect();
    let visitors = rules
        .iter()
        .zip(&mut found)
        .map(|((rule, make), found)| make(ctx, Sink::new(rule, ctx.path, found)))
        .collect();
    walk(ctx, &mut Visitors::new(visitors));
    diagnostics.extend(found.into_iter().flatten());
}

/// The fields of a route object (in a scope's `route` or `routes`) are checked as wrangler's route
/// validation checks them, by the route rules (PL311-PL315): they depend on each other in ways
/// the catalog cannot say, and wrangler refuses what the schema alone would call unchecked. The
/// walk still checks the route values' own types.
const ROUTE_KEYS: &[&str] = &["route", "routes"];

/// The shape of the items of an array written where a map is expected (`define = [...]`), when
/// wrangler reads it as a map whose keys are the indexes (it goes through the entries of
/// whatever object it gets) rather than refusing it: each item is checked as a map value.
fn indexed_map_values(shape: Shape) -> Option<Shape> {
    let array = crate::schema::Types::ARRAY;
    if shape.types().contains(array) || shape.rejected_types().contains(array) {
        return None;
    }
    shape.values()
}

/// The catalog's shape for a scope's table.
pub(crate) fn scope_shape(kind: &ScopeKind) -> Shape {
    match kind {
        ScopeKind::TopLevel => Shape::root(),
        ScopeKind::Env(_) => Shape::environment(),
        ScopeKind::Previews => Shape::root()
            .key("previews")
            .map(Key::shape)
            .unwrap_or_else(Shape::root),
    }
}

/// Walks every scope of the config with `visitor`.
fn walk<'a>(ctx: &Context<'a>, visitor: &mut impl Visitor<'a>) {
    // One path buffer for every scope: a config can have thousands.
    let mut steps = Vec::new();
    for scope in &ctx.model.scopes {
        let mut walker = Walker {
            model: ctx.model,
            scope,
            steps,
            visitor,
        };
        walker.object(None, scope.table, scope_shape(&scope.kind));
        steps = walker.steps;
    }
}

struct Walker<'w, 'a, V> {
    model: &'w ConfigModel<'a>,
    scope: &'w Scope<'a>,
    steps: Vec<Step<'a>>,
    visitor: &'w mut V,
}

/// The place the walker is at (a macro, not a method: the visitor is borrowed beside it).
macro_rules! at {
    ($walker:expr) => {
        &At {
            scope: $walker.scope,
            steps: &$walker.steps,
            model: $walker.model,
        }
    };
}

impl<'a, V: Visitor<'a>> Walker<'_, 'a, V> {
    fn node(&mut self, node: &'a Node, shape: Shape) {
        self.visitor.value(at!(self), node, shape);
        if shape.types().is_any() {
            return;
        }
        match &node.kind {
            NodeKind::Table(table) if shape.types().contains(crate::schema::Types::OBJECT) => {
                self.object(Some(node.span), table, shape);
            }
            NodeKind::Array(items) => {
                if let Some(item_shape) = shape.items().or_else(|| indexed_map_values(shape)) {
                    for (index, item) in items.iter().enumerate() {
                        self.steps.push(Step::Index(index));
                        self.node(item, item_shape);
                        self.steps.pop();
                    }
                }
            }
            _ => {}
        }
    }

    fn object(&mut self, span: Option<Span>, table: &'a Table, shape: Shape) {
        let in_route =
            matches!(self.steps.first(), Some(Step::Key(key)) if ROUTE_KEYS.contains(key));
        if span.is_some() && in_route {
            return;
        }
        let lists_keys = shape.keys().len() > 0;
        if lists_keys {
            self.visitor.object(at!(self), span, table, shape);
        }
        let at_scope_root = self.steps.is_empty();
        // A repeated JSON key: wrangler keeps the last one.
        for (index, entry) in table.kept_entries() {
            self.steps.push(Step::Key(&entry.key));
            match shape.key(&entry.key) {
                Some(key) => {
                    self.visitor.known_key(at!(self), table, index, key, shape);
                    if at_scope_root && entry.key == "exports" {
                        self.exports(&entry.value, key.shape());
                    } else if !(at_scope_root && self.is_walked_as_a_scope(entry)) {
                        self.node(&entry.value, key.shape());
                    }
                }
                None => match shape.values() {
                    Some(values) => self.node(&entry.value, values),
                    None if lists_keys => {
                        self.visitor.unknown_key(at!(self), table, index, shape);
                    }
                    None => {}
                },
            }
            self.steps.pop();
        }
    }

    /// `exports` and each of its entries are visited as values (their types), not walked
    /// into: what an export may hold depends on its `type` and `state`, which the catalog's
    /// one shape for every export cannot say; PL330 checks them.
    fn exports(&mut self, node: &'a Node, shape: Shape) {
        self.visitor.value(at!(self), node, shape);
        let (NodeKind::Table(exports), Some(values)) = (&node.kind, shape.values()) else {
            return;
        };
        for export in exports.entries() {
            self.steps.push(Step::Key(&export.key));
            self.visitor.value(at!(self), &export.value, values);
            self.steps.pop();
        }
    }

    /// `[previews]` and `[env.NAME]` tables are scopes of their own: the top level's walk checks
    /// the values there that are not tables (`env.x = 1`), and leaves the tables to their scope.
    fn is_walked_as_a_scope(&mut self, entry: &'a Entry) -> bool {
        if self.scope.kind != ScopeKind::TopLevel {
            return false;
        }
        match entry.key.as_str() {
            "previews" => entry.value.as_table().is_some(),
            "env" => {
                let Some(environments) = entry.value.as_table() else {
                    return false;
                };
                let shape = Shape::root()
                    .key("env")
                    .map_or(Shape::environment(), Key::shape);
                self.visitor.value(at!(self), &entry.value, shape);
                for environment in environments.entries() {
                    if environment.value.as_table().is_none() {
                        self.steps.push(Step::Key(&environment.key));
                        self.visitor
                            .value(at!(self), &environment.value, Shape::environment());
                        self.steps.pop();
                    }
                }
                true
            }
            _ => false,
        }
    }
}
