//! Finding the tables a value check looks at (`containers[0].ssh`, `queues.consumers[2]`) in
//! every scope, with the paths wrangler names them by, and reading numbers as written.

use std::fmt::Write as _;

use crate::context::Context;
use crate::model::{ConfigModel, ScopeKind};
use crate::schema_walk::Step;
use crate::syntax::{Entry, Node, NodeKind, Table};

/// A table wrangler validates as a whole: the top level, `[previews]`, each `[env.NAME]`, and
/// each environment's own `previews` (which the config model does not list as a scope).
/// Its path is rendered only when a diagnostic names it: most scopes report nothing.
pub(crate) struct ValueScope<'a> {
    place: Place<'a>,
    pub table: &'a Table,
}

/// Where a [`ValueScope`] is written, holding the pieces of its path.
#[derive(Clone, Copy)]
enum Place<'a> {
    TopLevel,
    Env(&'a str),
    Previews,
    EnvPreviews(&'a str),
}

impl ValueScope<'_> {
    /// Whether this is a `previews` table, the top level's or an environment's.
    pub fn is_previews(&self) -> bool {
        matches!(self.place, Place::Previews | Place::EnvPreviews(_))
    }

    /// The dotted path of a key in this scope (`env.staging.previews.containers`).
    pub fn path(&self, key: &str) -> String {
        let prefix = match self.place {
            Place::TopLevel => return key.to_owned(),
            Place::Env(name) => format!("env.{name}"),
            Place::Previews => "previews".to_owned(),
            Place::EnvPreviews(name) => format!("env.{name}.previews"),
        };
        if key.is_empty() {
            prefix
        } else {
            format!("{prefix}.{key}")
        }
    }

    /// The environment diagnostics name (`previews` for the top level's `[previews]`).
    pub fn environment(&self) -> Option<&str> {
        match self.place {
            Place::TopLevel => None,
            Place::Env(name) | Place::EnvPreviews(name) => Some(name),
            Place::Previews => Some("previews"),
        }
    }

    /// The environments a diagnostic of this scope lists (none for the top level).
    pub fn environments(&self) -> Vec<String> {
        self.environment().map(str::to_owned).into_iter().collect()
    }
}

/// Every table wrangler validates as a scope, the top level first. Listed once per check,
/// on the first rule's asking: a dozen rules go through them, and a config can have thousands.
pub(crate) fn value_scopes<'c>(ctx: &'c Context<'_>) -> &'c [ValueScope<'c>] {
    ctx.value_scopes
        .get_or_init(|| list_value_scopes(ctx.model))
}

pub(crate) fn list_value_scopes<'a>(model: &'a ConfigModel<'_>) -> Vec<ValueScope<'a>> {
    let mut scopes = Vec::with_capacity(model.scopes.len());
    for scope in &model.scopes {
        scopes.push(ValueScope {
            place: match &scope.kind {
                ScopeKind::TopLevel => Place::TopLevel,
                ScopeKind::Env(name) => Place::Env(name),
                ScopeKind::Previews => Place::Previews,
            },
            table: scope.table,
        });
        if let ScopeKind::Env(name) = &scope.kind
            && let Some(previews) = scope.table.get_table("previews")
        {
            scopes.push(ValueScope {
                place: Place::EnvPreviews(name),
                table: previews,
            });
        }
    }
    scopes
}

/// A table found below a scope, and the steps from the scope to it, from which its path as
/// wrangler writes it (`containers[0].observability`) is rendered on demand.
pub(crate) struct Site<'a> {
    steps: Vec<Step<'a>>,
    pub table: &'a Table,
}

impl Site<'_> {
    /// The path of this table below its scope (`containers[0].observability`).
    pub fn at(&self) -> String {
        let mut at = String::new();
        for step in &self.steps {
            match step {
                Step::Key(key) => {
                    if !at.is_empty() {
                        at.push('.');
                    }
                    at.push_str(key);
                }
                Step::Index(index) => {
                    let _ = write!(at, "[{index}]");
                }
            }
        }
        at
    }

    /// The path of `key` of this table, prefixed with the scope (`env.staging.connect[1].port`).
    pub fn path(&self, scope: &ValueScope<'_>, key: &str) -> String {
        let at = self.at();
        if key.is_empty() {
            scope.path(&at)
        } else {
            scope.path(&format!("{at}.{key}"))
        }
    }
}

/// The tables at `path` below `table`: each step is a key, or `[]` for each table in an array.
pub(crate) fn tables_at<'a>(table: &'a Table, path: &[&'a str]) -> Vec<Site<'a>> {
    let mut out = Vec::new();
    collect(table, path, &mut Vec::new(), &mut out);
    out
}

fn collect<'a>(
    table: &'a Table,
    path: &[&'a str],
    steps: &mut Vec<Step<'a>>,
    out: &mut Vec<Site<'a>>,
) {
    let Some((step, rest)) = path.split_first() else {
        out.push(Site {
            steps: steps.clone(),
            table,
        });
        return;
    };
    let Some(entry) = table.get(step) else {
        return;
    };
    steps.push(Step::Key(step));
    match (rest.split_first(), &entry.value.kind) {
        (Some((&"[]", rest)), NodeKind::Array(items)) => {
            for (index, item) in items.iter().enumerate() {
                if let Some(item) = item.as_table() {
                    steps.push(Step::Index(index));
                    collect(item, rest, steps, out);
                    steps.pop();
                }
            }
        }
        (_, NodeKind::Table(inner)) => collect(inner, rest, steps, out),
        _ => {}
    }
    steps.pop();
}

/// Whether `table`, at `steps` below its scope, is a Durable Object-managed container
/// (`containers[N]` with `scheduling_policy = "durable_object"`): wrangler checks those by other
/// rules than the key catalog's for containers (PL359 reports what it refuses in them).
pub(crate) fn is_durable_object_container(steps: &[Step<'_>], table: &Table) -> bool {
    matches!(steps, [.., Step::Key("containers"), Step::Index(_)])
        && table
            .get("scheduling_policy")
            .and_then(|entry| entry.value.as_str())
            == Some("durable_object")
}

/// A TOML or JSON number as written (`1_000`, `0x10`, `inf`, `1e3`), as wrangler reads it.
pub(crate) fn number(node: &Node) -> Option<f64> {
    match &node.kind {
        NodeKind::Number(text) => parse_number(text),
        _ => None,
    }
}

/// The number of `key` in `table`, when it is one.
pub(crate) fn number_of<'a>(table: &'a Table, key: &str) -> Option<(&'a Entry, f64)> {
    let entry = table.get(key)?;
    number(&entry.value).map(|value| (entry, value))
}

/// Reads a number as written (`1_000`, `0x10`, `+inf`, `1e3`).
pub(crate) fn parse_number(text: &str) -> Option<f64> {
    let text = text.replace('_', "");
    let (sign, digits) = match text.strip_prefix('-') {
        Some(rest) => (-1.0, rest),
        None => (1.0, text.strip_prefix('+').unwrap_or(&text)),
    };
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = digits.strip_prefix(prefix) {
            return i64::from_str_radix(rest, radix)
                .ok()
                .map(|value| sign * value as f64);
        }
    }
    digits.parse::<f64>().ok().map(|value| sign * value)
}

/// A number as JavaScript prints it in wrangler's messages (`60`, `1.5`).
pub(crate) fn show_number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::syntax::{Format, parse};

    #[test]
    fn finds_tables_in_arrays_and_tables() {
        let parsed = parse(
            "[[containers]]\nssh = { port = 1 }\n[[containers]]\nname = \"b\"\n[[containers]]\nssh = { port = 2 }\n",
            Format::Toml,
        );
        let sites = tables_at(&parsed.root, &["containers", "[]", "ssh"]);
        let paths: Vec<_> = sites.iter().map(Site::at).collect();
        assert_eq!(paths, ["containers[0].ssh", "containers[2].ssh"]);
        assert!(tables_at(&parsed.root, &["missing", "[]"]).is_empty());
    }

    #[test]
    fn reads_numbers_as_written() {
        assert_eq!(parse_number("1_000"), Some(1000.0));
        assert_eq!(parse_number("0x10"), Some(16.0));
        assert_eq!(parse_number("-0.5"), Some(-0.5));
        assert_eq!(parse_number("+inf"), Some(f64::INFINITY));
        assert!(parse_number("nan").unwrap().is_nan());
        assert_eq!(show_number(60.0), "60");
        assert_eq!(show_number(1.5), "1.5");
    }
}
