//! The routes a scope writes (`route` and the items of `routes`), shared by the route rules.

use crate::model::{Scope, ScopeKind};
use crate::span::{LineIndex, Span};
use crate::syntax::{Node, NodeKind, TableStyle};

/// One route as written: where it comes from (`route`, `routes[2]`) and its value.
pub(crate) struct WrittenRoute<'a> {
    /// The key it is written under: `route` or `routes`.
    pub key: &'static str,
    /// The item's index in `routes`; `None` for `route`.
    index: Option<usize>,
    pub node: &'a Node,
}

impl WrittenRoute<'_> {
    /// `route` or `routes[2]`, as wrangler names it, in the scope. Built only for a message:
    /// a config may write a route in each of thousands of environments.
    pub fn path(&self, scope: &Scope<'_>) -> String {
        match self.index {
            None => scope.path(self.key),
            Some(index) => format!("{}[{index}]", scope.path(self.key)),
        }
    }
}

/// The routes of a scope that takes them (the top level and each `[env.NAME]`), in order.
pub(crate) fn written_routes<'a>(scope: &Scope<'a>) -> Vec<WrittenRoute<'a>> {
    if scope.kind == ScopeKind::Previews {
        return Vec::new();
    }
    let mut routes = Vec::new();
    if let Some(route) = scope.table.get("route") {
        routes.push(WrittenRoute {
            key: "route",
            index: None,
            node: &route.value,
        });
    }
    if let Some(items) = scope.table.get("routes").and_then(|e| e.value.as_array()) {
        for (index, node) in items.iter().enumerate() {
            routes.push(WrittenRoute {
                key: "routes",
                index: Some(index),
                node,
            });
        }
    }
    routes
}

/// Whether a route is an object with `custom_domain = true`.
pub(crate) fn is_custom_domain(node: &Node) -> bool {
    node.as_table()
        .and_then(|table| table.get("custom_domain"))
        .and_then(|entry| entry.value.as_bool())
        == Some(true)
}

/// Where to point at a route object: a `[[routes]]` header, a one-line object, or else its
/// `pattern` (a JSON object over several lines would underline them all).
pub(crate) fn route_location(node: &Node, lines: &LineIndex) -> Span {
    let Some(table) = node.as_table() else {
        return node.span;
    };
    let one_line = lines.line_of(node.span.start) == lines.line_of(node.span.end.saturating_sub(1));
    if table.style == TableStyle::Header || one_line {
        return node.span;
    }
    table
        .get("pattern")
        .or(table.entries().first())
        .map_or(node.span, |entry| entry.key_span)
}

/// The text of a route's pattern, when it has one.
pub(crate) fn pattern(node: &Node) -> Option<&str> {
    match &node.kind {
        NodeKind::String(pattern) => Some(pattern),
        NodeKind::Table(table) => table.get("pattern")?.value.as_str(),
        _ => None,
    }
}
