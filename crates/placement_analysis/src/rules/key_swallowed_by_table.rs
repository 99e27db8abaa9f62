use std::fmt;

use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix};
use crate::edits::{insert_lines_before, start_of_trailing_trivia};
use crate::env_edits::Sections;
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::{Shape, Types};
use crate::span::Span;
use crate::syntax::{Entry, Format, Node, NodeKind, Table, TableStyle};

declare_rule! {
    /// ## What it does
    /// In TOML, reports a key that belongs to the top level (or to the environment), such as
    /// `workers_dev`, `minify` or `compatibility_flags`, written under a `[table]` or
    /// `[[array]]` header, at any depth: `[build]`, `[placement]`, `[[kv_namespaces]]`,
    /// `[env.staging.build]`, and also `[env.NAME]` and `[previews]` for keys only the top
    /// level takes.
    ///
    /// Inside a table of your own names (`[vars]`, `[define]`, `[env]`, ...), where any name is
    /// valid, only a key that is both a key of the scope and of a value that fits it is
    /// reported: a boolean, number, array or table value (`workers_dev = true`,
    /// `compatibility_flags = [...]`), a `compatibility_date` that is a date, or a `main` that
    /// names a script. A var such as `name = "shop"` or `API_URL = "..."` is never reported.
    ///
    /// ## Why is this bad?
    /// In TOML every key after a `[table]` header belongs to that table until the next header.
    /// A `workers_dev = false` appended below `[placement]` becomes `placement.workers_dev`,
    /// which wrangler silently ignores; `workers_dev = true` appended below `[vars]` becomes a
    /// var named `workers_dev`. Either way the setting you wrote never applies. It is reported
    /// instead of an unknown key (PL003).
    ///
    /// ## Example
    /// ```toml
    /// name = "api"
    ///
    /// [build]
    /// command = "npm run build"
    /// minify = true
    ///
    /// [vars]
    /// API_URL = "https://api.example.com"
    /// workers_dev = false
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// name = "api"
    /// minify = true
    /// workers_dev = false
    ///
    /// [build]
    /// command = "npm run build"
    ///
    /// [vars]
    /// API_URL = "https://api.example.com"
    /// ```
    /// In JSON(C) nesting is explicit, so this trap does not exist there.
    ///
    /// ## Fix safety
    /// Moving the key out of the table is unsafe: the setting starts to apply (and a var of
    /// that name disappears). A top-level key moves above the first table header, an
    /// environment's key to the end of its `[env.NAME]` section; the fix is offered when that
    /// place does not already set the key.
    ///
    /// ## References
    /// - [TOML tables](https://toml.io/en/v1.0.0#table)
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static KEY_SWALLOWED_BY_TABLE = {
        code: "PL108",
        name: "key-swallowed-by-table",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A top-level or environment key written under a `[table]` header in TOML, where it lands in that table",
    }
}

/// Whether this rule reports `entry` of `table`, a table inside the scope `enclosing` (for a
/// scope's own `[env.NAME]` or `[previews]` table, `enclosing` is the top level): a TOML
/// `[header]` table, a `key = value` line of its section, a key of the enclosing scope. PL003
/// leaves these to this rule. (In tables of the user's names, PL003 reports nothing, and this
/// rule reports only the keys whose value fits.)
pub(crate) fn reports(format: Format, table: &Table, entry: &Entry, enclosing: &ScopeKind) -> bool {
    format == Format::Toml
        && table.style == TableStyle::Header
        && written_on_its_line(&entry.value)
        && enclosing.takes(&entry.key)
}

/// Whether an entry of the top-level `vars` is a top-level key swallowed by the `[vars]`
/// header (which this rule reports), not a var.
pub(crate) fn is_swallowed_var(format: Format, vars: &Table, entry: &Entry) -> bool {
    reports(format, vars, entry, &ScopeKind::TopLevel)
        && fits_scope_key(&ScopeKind::TopLevel, &entry.key, &entry.value)
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.format() != Format::Toml {
        return;
    }
    let walk = Walk {
        ctx,
        sections: std::cell::OnceCell::new(),
    };
    for entry in ctx.model.root.entries() {
        let shape = Shape::root().child(&entry.key);
        match entry.key.as_str() {
            "env" => walk.map_of_scopes(sink, entry, |name| ScopeKind::Env(name.to_owned())),
            "previews" => walk.scope_table(
                sink,
                entry,
                || ScopeKind::Previews,
                &KeyPath::root(&entry.key),
                shape,
            ),
            _ => walk.node(
                sink,
                &entry.value,
                shape,
                &ScopeKind::TopLevel,
                &KeyPath::root(&entry.key),
            ),
        }
    }
}

struct Walk<'c, 'a> {
    ctx: &'c Context<'a>,
    /// Built for the first fix that needs it: most configs have nothing to report.
    sections: std::cell::OnceCell<Sections<'a>>,
}

impl<'a> Walk<'_, 'a> {
    /// `[env]`: a table of environments, which is itself a table of names.
    fn map_of_scopes(&self, sink: &mut Sink<'_>, env: &Entry, scope: impl Fn(&str) -> ScopeKind) {
        let shape = Shape::root().child("env");
        let env_path = KeyPath::root("env");
        self.header_table(sink, &env.value, shape, &ScopeKind::TopLevel, &env_path);
        let Some(table) = env.value.as_table() else {
            return;
        };
        for entry in table.entries() {
            self.scope_table(
                sink,
                entry,
                || scope(&entry.key),
                &env_path.child(&entry.key),
                Some(Shape::environment()),
            );
        }
    }

    /// An `[env.NAME]` or `[previews]` table: it swallows keys of the top level, and the
    /// tables inside it swallow keys of the scope.
    fn scope_table(
        &self,
        sink: &mut Sink<'_>,
        entry: &Entry,
        scope: impl FnOnce() -> ScopeKind,
        path: &KeyPath<'_>,
        shape: Option<Shape>,
    ) {
        self.header_table(sink, &entry.value, shape, &ScopeKind::TopLevel, path);
        let Some(table) = entry.value.as_table() else {
            return;
        };
        let mut fields = table
            .entries()
            .iter()
            .filter(|field| may_hold_headers(&field.value))
            .peekable();
        // The scope (an environment's name, copied) only for a table holding tables.
        if fields.peek().is_none() {
            return;
        }
        let scope = scope();
        for field in fields {
            let child = shape.and_then(|shape| shape.child(&field.key));
            self.node(sink, &field.value, child, &scope, &path.child(&field.key));
        }
    }

    /// Any value inside a scope: checks each header table in it, at any depth.
    fn node(
        &self,
        sink: &mut Sink<'_>,
        node: &Node,
        shape: Option<Shape>,
        scope: &ScopeKind,
        path: &KeyPath<'_>,
    ) {
        match &node.kind {
            NodeKind::Table(table) if table.style != TableStyle::Inline => {
                self.header_table(sink, node, shape, scope, path);
                for field in table
                    .entries()
                    .iter()
                    .filter(|field| may_hold_headers(&field.value))
                {
                    let child = shape.and_then(|shape| shape.child(&field.key));
                    self.node(sink, &field.value, child, scope, &path.child(&field.key));
                }
            }
            NodeKind::Array(items) => {
                let items_shape = shape.and_then(|shape| shape.child("[]"));
                for item in items {
                    if item
                        .as_table()
                        .is_some_and(|t| t.style == TableStyle::Header)
                    {
                        self.node(sink, item, items_shape, scope, path);
                    }
                }
            }
            _ => {}
        }
    }

    /// Reports the keys of `scope` written under this table's header.
    fn header_table(
        &self,
        sink: &mut Sink<'_>,
        node: &Node,
        shape: Option<Shape>,
        scope: &ScopeKind,
        path: &KeyPath<'_>,
    ) {
        let ctx = self.ctx;
        let Some(table) = node.as_table() else {
            return;
        };
        let Some(shape) = shape.and_then(Shape::object) else {
            return;
        };
        let is_map = !shape.is_closed();
        // `unsafe.metadata` and its kin pass raw upload fields, which share names with keys.
        if is_map && path.has_segment("unsafe") {
            return;
        }
        let header = &ctx.text[node.span.start..node.span.end];
        for field in table.entries() {
            let key = field.key.as_str();
            // The table's own keys first: most fields are, and it is one lookup.
            if !is_map && shape.key(key).is_some() {
                continue;
            }
            if !reports(ctx.format(), table, field, scope)
                || (is_map && !fits_scope_key(scope, key, &field.value))
            {
                continue;
            }
            let (meant, target) = match scope {
                ScopeKind::TopLevel => (format!("the top-level `{key}`"), ctx.model.root),
                ScopeKind::Env(name) => (format!("`env.{name}.{key}`"), self.scope_table_of(scope)),
                ScopeKind::Previews => (format!("`previews.{key}`"), self.scope_table_of(scope)),
            };
            let landed = if is_map {
                format!("an entry named `{key}` of `{path}`")
            } else {
                format!("`{path}.{key}`, which wrangler ignores")
            };
            let message = format!(
                "`{key}` is written under `{header}`, so TOML makes it {landed}: {meant} you \
                 meant stays unset"
            );
            let environments: Vec<String> = match scope {
                ScopeKind::TopLevel => {
                    let table_key = path.first_segment();
                    ctx.model
                        .environments_using(&ctx.model.scopes[0], table_key)
                        .to_vec()
                }
                ScopeKind::Env(name) => vec![name.clone()],
                ScopeKind::Previews => vec!["previews".to_owned()],
            };
            let fix = target
                .get(key)
                .is_none()
                .then(|| self.move_out(scope, field.key_span.cover(field.value.span)))
                .flatten();
            let diagnostic = sink
                .report(field.key_span, message)
                .with_help(format!(
                    "move `{key}` above `{header}` (keys after a table header belong to that table)"
                ))
                .with_environments(&environments);
            if let Some(fix) = fix {
                diagnostic.with_fix(fix);
            }
        }
    }

    fn sections(&self) -> &Sections<'a> {
        self.sections
            .get_or_init(|| Sections::new(self.ctx.source(), self.ctx.model.root))
    }

    fn scope_table_of(&self, scope: &ScopeKind) -> &Table {
        self.ctx
            .model
            .scopes
            .iter()
            .find(|candidate| &candidate.kind == scope)
            .map_or(self.ctx.model.root, |found| found.table)
    }

    /// The fix: the key's lines move where `scope` is written: above the first header for the
    /// top level, to the end of the `[env.NAME]` section for an environment written with one.
    fn move_out(&self, scope: &ScopeKind, written: Span) -> Option<Fix> {
        let ctx = self.ctx;
        let insert_at = match scope {
            ScopeKind::TopLevel => {
                start_of_trailing_trivia(&ctx.source(), ctx.parsed.first_header?)
            }
            ScopeKind::Env(name) => {
                let env = ctx.model.root.get_table("env")?.get(name)?;
                (env.value.as_table()?.style == TableStyle::Header)
                    .then(|| self.sections().end_of_section_at(env.value.span.start))?
            }
            ScopeKind::Previews => return None,
        };
        let lines = ctx.source().full_lines(written);
        if (lines.start..=lines.end).contains(&insert_at) {
            return None;
        }
        let moved = ctx.text[lines.start..lines.end].trim();
        let title = match scope {
            ScopeKind::TopLevel => "Move it above the first table header".to_owned(),
            _ => "Move it into its environment's table".to_owned(),
        };
        Some(Fix::new(
            title,
            Applicability::Unsafe,
            vec![
                insert_lines_before(ctx.text, insert_at, moved),
                Edit::delete(lines),
            ],
        ))
    }
}

/// A dotted path (`env.staging.placement`) kept as its keys, each borrowing its parent's: the
/// walk visits every table of every environment, and the path is rendered only for the keys a
/// diagnostic names.
struct KeyPath<'p> {
    parent: Option<&'p KeyPath<'p>>,
    key: &'p str,
}

impl<'p> KeyPath<'p> {
    fn root(key: &'p str) -> Self {
        KeyPath { parent: None, key }
    }

    fn child<'c>(&'c self, key: &'c str) -> KeyPath<'c> {
        KeyPath {
            parent: Some(self),
            key,
        }
    }

    /// The dot-separated segments of the rendered path, last first (a quoted key may hold dots).
    fn segments_backwards(&self) -> impl Iterator<Item = &str> {
        std::iter::successors(Some(self), |path| path.parent).flat_map(|path| path.key.rsplit('.'))
    }

    fn has_segment(&self, segment: &str) -> bool {
        self.segments_backwards()
            .any(|candidate| candidate == segment)
    }

    /// The first dot-separated segment of the rendered path (the top-level key it starts at).
    fn first_segment(&self) -> &str {
        self.segments_backwards().last().unwrap_or(self.key)
    }
}

impl fmt::Display for KeyPath<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(parent) = self.parent {
            write!(f, "{parent}.")?;
        }
        f.write_str(self.key)
    }
}

/// Whether a value may hold a table written under a header, which [`Walk::node`] looks into
/// (its path is built only for those).
fn may_hold_headers(value: &Node) -> bool {
    match &value.kind {
        NodeKind::Table(table) => table.style != TableStyle::Inline,
        NodeKind::Array(_) => true,
        _ => false,
    }
}

/// Whether an entry is a `key = value` line of its table's section (not a dotted key or a
/// sub-table).
fn written_on_its_line(value: &Node) -> bool {
    match &value.kind {
        NodeKind::Table(table) => table.style == TableStyle::Inline,
        NodeKind::Array(items) => !items.iter().any(|item| {
            item.as_table()
                .is_some_and(|t| t.style == TableStyle::Header)
        }),
        _ => true,
    }
}

/// In a table of the user's names, whether `key = value` reads as the scope's own key: its
/// value has the key's type and is not a plain string, or is a string only that key would hold
/// (a date for `compatibility_date`, a script for `main`).
fn fits_scope_key(scope: &ScopeKind, key: &str, value: &Node) -> bool {
    let shape = match scope {
        ScopeKind::TopLevel => Shape::root(),
        ScopeKind::Env(_) => Shape::environment(),
        ScopeKind::Previews => match Shape::root().child("previews").and_then(Shape::object) {
            Some(shape) => shape,
            None => return false,
        },
    };
    let Some(expected) = shape.key(key).map(|key| key.shape().types()) else {
        return false;
    };
    if !expected.accepts(Types::of(value)) {
        return false;
    }
    match value.as_str() {
        None => true,
        Some(text) => match key {
            "compatibility_date" => is_date(text),
            "main" => [
                ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts", ".jsx", ".tsx", ".py",
            ]
            .iter()
            .any(|extension| text.ends_with(extension)),
            _ => false,
        },
    }
}

/// `YYYY-MM-DD`.
fn is_date(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() == 10
        && bytes.iter().enumerate().all(|(index, byte)| match index {
            4 | 7 => *byte == b'-',
            _ => byte.is_ascii_digit(),
        })
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_under_placement_and_assets_headers() {
        assert_rule(
            "PL108",
            Format::Toml,
            r#"name = "api"
[placement]
mode = "smart"
workers_dev = false
^^^^^^^^^^^ PL108: so TOML makes it `placement.workers_dev`
[assets]
directory = "public"
compatibility_flags = ["nodejs_compat"]
^^^^^^^^^^^^^^^^^^^ PL108
[env.staging.placement]
mode = "smart"
routes = []
^^^^^^ PL108
"#,
        );
        // Not reported twice: PL003 leaves these keys to PL108.
        let all = crate::check_config(
            std::path::Path::new("wrangler.toml"),
            r#"[placement]
mode = "smart"
workers_dev = false
"#,
        );
        assert_eq!(all.len(), 1);
    }

    #[test]
    fn inline_tables_and_jsonc_do_not_fire() {
        assert_rule(
            "PL108",
            Format::Toml,
            r#"placement = { mode = "smart" }
workers_dev = false
"#,
        );
        assert_rule(
            "PL108",
            Format::Json,
            r#"{ "placement": { "mode": "smart", "workers_dev": false } }"#,
        );
    }

    #[test]
    fn keys_the_table_takes_do_not_fire() {
        // `dev` is both a top-level key and a Service Binding's own (its local plugin).
        assert_rule(
            "PL108",
            Format::Toml,
            r#"[[services]]
binding = "API"
service = "api"
dev = { plugin = { package = "p", name = "n" } }
"#,
        );
    }

    #[test]
    fn fix_moves_the_key_to_the_top_level() {
        assert_eq!(
            apply_fix(
                "PL108",
                Format::Toml,
                r#"name = "api"

[placement]
mode = "smart"
workers_dev = false
"#
            ),
            r#"name = "api"
workers_dev = false

[placement]
mode = "smart"
"#
        );
    }

    #[test]
    fn fires_under_every_table_and_array_of_tables() {
        assert_rule(
            "PL108",
            Format::Toml,
            r#"name = "api"
[build]
command = "npm run build"
minify = true
^^^^^^ PL108: `minify` is written under `[build]`, so TOML makes it `build.minify`, which wrangler ignores: the top-level `minify` you meant stays unset
option.nested = 1
[[kv_namespaces]]
binding = "CACHE"
id = "abc"
workers_dev = false
^^^^^^^^^^^ PL108: so TOML makes it `kv_namespaces.workers_dev`
[observability.logs]
enabled = true
compatibility_flags = ["nodejs_compat"]
^^^^^^^^^^^^^^^^^^^ PL108
[env.staging]
keep_vars = true
^^^^^^^^^ PL108: `keep_vars` is written under `[env.staging]`, so TOML makes it `env.staging.keep_vars`
name = "api-staging"
[env.staging.build]
command = "x"
minify = false
^^^^^^ PL108: `env.staging.minify` you meant
[previews]
workers_dev = true
^^^^^^^^^^^ PL108
"#,
        );
        // PL003 leaves them all to PL108.
        let all = crate::check_config(
            std::path::Path::new("wrangler.toml"),
            "[build]\nminify = true\n[env.a]\nkeep_vars = true\n",
        );
        assert_eq!(
            all.iter().map(|d| d.code()).collect::<Vec<_>>(),
            ["PL108", "PL108"],
            "{all:#?}"
        );
    }

    #[test]
    fn tables_of_names_report_only_keys_whose_value_fits() {
        assert_rule(
            "PL108",
            Format::Toml,
            r#"name = "api"
[vars]
API_URL = "https://api.example.com"
name = "shop"
main = "not a script"
route = "example.com/*"
workers_dev = true
^^^^^^^^^^^ PL108: `workers_dev` is written under `[vars]`, so TOML makes it an entry named `workers_dev` of `vars`: the top-level `workers_dev` you meant stays unset
compatibility_date = "2025-06-01"
^^^^^^^^^^^^^^^^^^ PL108
routes = 3
[unsafe.metadata]
logpush = true
[env]
logpush = true
^^^^^^^ PL108: an entry named `logpush` of `env`
[env.staging.vars]
preview_urls = false
^^^^^^^^^^^^ PL108: `env.staging.preview_urls` you meant
main = "src/staging.ts"
^^^^ PL108
"#,
        );
    }

    #[test]
    fn fix_moves_an_environment_key_into_its_table() {
        assert_eq!(
            apply_fix(
                "PL108",
                Format::Toml,
                "name = \"api\"\n\n[env.staging]\nname = \"s\"\n\n[env.staging.vars]\nA = \"1\"\nworkers_dev = true\n"
            ),
            "name = \"api\"\n\n[env.staging]\nname = \"s\"\nworkers_dev = true\n\n[env.staging.vars]\nA = \"1\"\n"
        );
        assert_eq!(
            apply_fix(
                "PL108",
                Format::Toml,
                "name = \"api\"\n\n[build]\ncommand = \"x\"\nminify = true # moved to top level\n"
            ),
            "name = \"api\"\nminify = true # moved to top level\n\n[build]\ncommand = \"x\"\n"
        );
    }
}
