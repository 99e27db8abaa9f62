use rustc_hash::{FxHashMap, FxHashSet};

use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix, Related, Severity};
use crate::model::{Scope, ScopeKind};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Entry, Format, Node, Table};
use crate::wording::{Reach, environments_suffix};

declare_rule! {
    /// ## What it does
    /// Checks Durable Object bindings against the `migrations` that apply to them, at the top
    /// level, in `[previews]` and in every `[env.NAME]`:
    /// - a binding of this Worker's own class (no `script_name`) whose class no migration
    ///   creates (`new_sqlite_classes`, `new_classes`, the `to` of `renamed_classes` or
    ///   `transferred_classes`), or whose class a later migration deletes or renames away; a
    ///   class declared live in `exports` (`type = "durable-object"`) needs no migration.
    ///   Wrangler warns too when there are no `migrations` at all;
    /// - a migration `tag` used twice;
    /// - a class created and deleted in the same migration;
    /// - `new_classes` (key-value storage): an info, since new classes should use
    ///   `new_sqlite_classes`, the storage Cloudflare recommends and the only one on the Workers
    ///   Free plan.
    ///
    /// Wrangler's validation checks only the types of `migrations`; Cloudflare applies them at
    /// deploy, and these are warnings because a migration applied long ago may have been removed
    /// from the config since.
    ///
    /// ## Why is this bad?
    /// A Durable Object class exists only once a migration creates it: a deploy that binds to a
    /// class no migration created fails. Two migrations with one tag make it unclear which ones
    /// Cloudflare has applied, and a class created and deleted at once is a mistake.
    ///
    /// ## Example
    /// ```toml
    /// [durable_objects]
    /// bindings = [{ name = "ROOMS", class_name = "ChatRoom" }]
    ///
    /// [[migrations]]
    /// tag = "v1"
    /// new_classes = ["Counter"]
    /// ```
    /// ```jsonc
    /// {
    ///   "durable_objects": { "bindings": [{ "name": "ROOMS", "class_name": "ChatRoom" }] },
    ///   "migrations": [{ "tag": "v1", "new_classes": ["Counter"] }]
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [durable_objects]
    /// bindings = [{ name = "ROOMS", class_name = "ChatRoom" }]
    ///
    /// [[migrations]]
    /// tag = "v1"
    /// new_sqlite_classes = ["ChatRoom"]
    /// ```
    ///
    /// ## Fix safety
    /// `new_classes` can be renamed `new_sqlite_classes`: an unsafe fix, since a class already
    /// created with key-value storage cannot change its storage (only a migration not yet
    /// applied may be changed). The other cases have no fix.
    ///
    /// ## References
    /// - [Durable Objects migrations](https://developers.cloudflare.com/durable-objects/reference/durable-objects-migrations/)
    /// - [SQLite-backed Durable Objects](https://developers.cloudflare.com/durable-objects/api/sqlite-storage-api/)
    pub static DURABLE_OBJECT_MIGRATIONS = {
        code: "PL322",
        name: "durable-object-migrations",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A Durable Object class no migration creates, a repeated migration tag, or `new_classes` where `new_sqlite_classes` is meant",
    }
}

/// What a `migrations` entry leaves, by the entry's position: environments mostly inherit the
/// top level's, so it is computed once.
type LiveByMigrations<'a> = FxHashMap<usize, (FxHashSet<&'a str>, FxHashSet<&'a str>)>;

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let mut live_by_migrations = LiveByMigrations::default();
    for scope in &ctx.model.scopes {
        if let Some(entry) = scope.table.get("migrations") {
            check_migrations(ctx, sink, scope, entry);
        }
        check_bindings(ctx, sink, scope, &mut live_by_migrations);
    }
}

/// The migrations as a list of tables (wrangler refuses anything else, PL004's concern).
fn migration_tables(entry: &Entry) -> impl Iterator<Item = &Table> {
    entry
        .value
        .as_array()
        .unwrap_or_default()
        .iter()
        .filter_map(Node::as_table)
}

/// The strings of `key` in a migration (`new_classes = ["A"]`), with their nodes.
fn class_list<'t>(migration: &'t Table, key: &str) -> Vec<(&'t str, &'t Node)> {
    migration
        .get(key)
        .and_then(|entry| entry.value.as_array())
        .unwrap_or_default()
        .iter()
        .filter_map(|node| Some((node.as_str()?, node)))
        .collect()
}

/// `from` and `to` of each item of `renamed_classes` or `transferred_classes`.
fn moves<'t>(migration: &'t Table, key: &str) -> Vec<(Option<&'t str>, &'t str)> {
    migration
        .get(key)
        .and_then(|entry| entry.value.as_array())
        .unwrap_or_default()
        .iter()
        .filter_map(|node| {
            let item = node.as_table()?;
            let to = item.get("to")?.value.as_str()?;
            let from = item.get("from").and_then(|from| from.value.as_str());
            Some((from, to))
        })
        .collect()
}

fn check_migrations(ctx: &Context<'_>, sink: &mut Sink<'_>, scope: &Scope<'_>, entry: &Entry) {
    let environments = ctx.model.environments_using(scope, "migrations");
    let suffix = scope.inherited_suffix(&environments);
    let path = scope.path("migrations");
    let mut tags: FxHashMap<&str, &Node> = FxHashMap::default();
    for migration in migration_tables(entry) {
        if let Some(tag) = migration.get("tag")
            && let Some(text) = tag.value.as_str()
        {
            if let Some(first) = tags.get(text) {
                sink.report(
                    tag.value.span,
                    format!(
                        "the migration tag `{text}` is used twice in `{path}`: Cloudflare records \
                         the last tag applied, so which migrations run next is unclear{suffix}"
                    ),
                )
                .with_help("give each migration its own tag, in order (`v1`, `v2`, ...)")
                .with_environments(&environments)
                .with_related([Related {
                    file: ctx.path.to_path_buf(),
                    span: first.span,
                    message: format!("`{text}` first used here"),
                }]);
            } else {
                tags.insert(text, &tag.value);
            }
        }
        let created: FxHashSet<&str> = created_classes(migration).into_iter().collect();
        for (class, node) in class_list(migration, "deleted_classes") {
            if created.contains(class) {
                sink.report(
                    node.span,
                    format!(
                        "this migration creates and deletes the class `{class}` at once: \
                         Cloudflare cannot apply it{suffix}"
                    ),
                )
                .with_help("create the class in one migration and delete it in a later one")
                .with_environments(&environments);
            }
        }
        if let Some(legacy) = migration.get("new_classes") {
            let diagnostic = sink
                .report(
                    legacy.key_span,
                    format!(
                        "`new_classes` creates Durable Objects with key-value storage: new classes \
                         should use `new_sqlite_classes` (SQLite storage, recommended by \
                         Cloudflare and the only storage on the Workers Free plan){suffix}"
                    ),
                )
                .with_severity(Severity::Info)
                .with_help(
                    "write `new_sqlite_classes` if this migration has not been deployed yet; a \
                     class already created keeps its storage",
                )
                .with_environments(&environments);
            if migration.get("new_sqlite_classes").is_none() {
                let key = match ctx.format() {
                    Format::Toml
                        if ctx.text.get(legacy.key_span.start..legacy.key_span.end)
                            == Some("new_classes") =>
                    {
                        Some("new_sqlite_classes")
                    }
                    Format::Json
                        if ctx.text.get(legacy.key_span.start..legacy.key_span.end)
                            == Some("\"new_classes\"") =>
                    {
                        Some("\"new_sqlite_classes\"")
                    }
                    _ => None,
                };
                if let Some(key) = key {
                    diagnostic.with_fix(Fix::new(
                        "Rename to `new_sqlite_classes`".to_owned(),
                        Applicability::Unsafe,
                        vec![Edit::replace(legacy.key_span, key)],
                    ));
                }
            }
        }
    }
}

/// The classes a migration creates: new ones, and the targets of renames and transfers.
fn created_classes(migration: &Table) -> Vec<&str> {
    let mut created: Vec<&str> = class_list(migration, "new_classes")
        .into_iter()
        .chain(class_list(migration, "new_sqlite_classes"))
        .map(|(class, _)| class)
        .collect();
    for key in ["renamed_classes", "transferred_classes"] {
        created.extend(moves(migration, key).into_iter().map(|(_, to)| to));
    }
    created
}

/// What the migrations leave: the classes that exist after all of them, and those that were
/// created and then deleted or renamed away.
fn live_classes(migrations: &Entry) -> (FxHashSet<&str>, FxHashSet<&str>) {
    let mut live: FxHashSet<&str> = FxHashSet::default();
    let mut gone: FxHashSet<&str> = FxHashSet::default();
    for migration in migration_tables(migrations) {
        for (from, _) in moves(migration, "renamed_classes") {
            if let Some(from) = from {
                live.remove(from);
                gone.insert(from);
            }
        }
        for class in created_classes(migration) {
            live.insert(class);
            gone.remove(class);
        }
        for (class, _) in class_list(migration, "deleted_classes") {
            live.remove(class);
            gone.insert(class);
        }
    }
    (live, gone)
}

fn check_bindings<'a>(
    ctx: &Context<'a>,
    sink: &mut Sink<'_>,
    scope: &Scope<'a>,
    live_by_migrations: &mut LiveByMigrations<'a>,
) {
    let Some(bindings) = scope
        .table
        .get_table("durable_objects")
        .and_then(|objects| objects.get("bindings"))
        .and_then(|bindings| bindings.value.as_array())
    else {
        return;
    };
    // A preview deploys this Worker with the top level's migrations and exports.
    let lifecycle = |key: &str| match scope.kind {
        ScopeKind::Previews => ctx.model.root.get(key),
        _ => ctx.model.effective(scope, key),
    };
    let migrations = lifecycle("migrations");
    let empty = (FxHashSet::default(), FxHashSet::default());
    let (live, gone) = match migrations {
        Some(entry) => &*live_by_migrations
            .entry(entry.key_span.start)
            .or_insert_with(|| live_classes(entry)),
        None => &empty,
    };
    let exported = lifecycle("exports").and_then(|exports| exports.value.as_table());
    let environments: Vec<String> = scope.environment().map(str::to_owned).into_iter().collect();
    let suffix = environments_suffix(&environments, Reach::In);
    for binding in bindings.iter().filter_map(Node::as_table) {
        if binding.get("script_name").is_some() {
            continue; // A class of another Worker: its own migrations create it.
        }
        let Some(class) = binding.get("class_name") else {
            continue;
        };
        let Some(name) = class.value.as_str().filter(|name| !name.is_empty()) else {
            continue;
        };
        if live.contains(name) || exported.is_some_and(|exports| is_live_export(exports, name)) {
            continue;
        }
        let message = if gone.contains(name) {
            format!(
                "the Durable Object class `{name}` is deleted or renamed by a migration in \
                 `{}`, but this binding still uses it: the deploy fails{suffix}",
                scope.path("migrations")
            )
        } else {
            let scope_note = match migrations {
                None => " (there are no `migrations`)".to_owned(),
                Some(_) => String::new(),
            };
            format!(
                "no migration creates the Durable Object class `{name}`{scope_note}: unless a \
                 migration since removed from the config created it, the deploy fails{suffix}"
            )
        };
        let diagnostic = sink
            .report(class.value.span, message)
            .with_help(format!(
                "add a migration with a new tag and `new_sqlite_classes = [\"{name}\"]`, or a \
                 live `durable-object` entry for `{name}` in `exports`"
            ))
            .with_environments(&environments);
        if let Some(migrations) = migrations {
            diagnostic.with_related([Related {
                file: ctx.path.to_path_buf(),
                span: migrations.key_span,
                message: "the migrations that apply".to_owned(),
            }]);
        }
    }
}

/// Whether `exports` declares `class` as a Durable Object that exists (state `created`, the
/// default, or `expecting-transfer`), as wrangler counts it.
fn is_live_export(exports: &Table, class: &str) -> bool {
    let Some(export) = exports.get(class).and_then(|entry| entry.value.as_table()) else {
        return false;
    };
    let kind = export.get("type").and_then(|entry| entry.value.as_str());
    let state = export.get("state").and_then(|entry| entry.value.as_str());
    kind == Some("durable-object") && matches!(state, None | Some("created" | "expecting-transfer"))
}

#[cfg(test)]
mod tests {
    use crate::Severity;
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_classes_no_migration_creates() {
        let diagnostics = assert_rule(
            "PL322",
            Format::Toml,
            r#"[durable_objects]
bindings = [
  { name = "ROOMS", class_name = "ChatRoom" },
                                 ^^^^^^^^^^ PL322: no migration creates the Durable Object class `ChatRoom`
  { name = "COUNTER", class_name = "Counter" },
  { name = "OLD", class_name = "Legacy" },
                               ^^^^^^^^ PL322: is deleted or renamed by a migration
  { name = "REMOTE", class_name = "Remote", script_name = "other" },
  { name = "MOVED", class_name = "Moved" },
]
[[migrations]]
tag = "v1"
new_sqlite_classes = ["Counter", "Legacy", "Old"]
[[migrations]]
tag = "v2"
deleted_classes = ["Legacy"]
renamed_classes = [{ from = "Old", to = "Moved" }]
[env.staging]
durable_objects = { bindings = [{ name = "X", class_name = "Exported" }, { name = "Y", class_name = "Counter" }] }
exports = { Exported = { type = "durable-object", storage = "sqlite" } }
[env.bare]
migrations = []
durable_objects = { bindings = [{ name = "Z", class_name = "Counter" }] }
                                                           ^^^^^^^^^ PL322: (in environment `bare`)
"#,
        );
        assert_eq!(diagnostics[0].severity, Severity::Warning);
    }

    #[test]
    fn previews_use_the_top_level_migrations() {
        assert_rule(
            "PL322",
            Format::Json,
            r#"{
  "migrations": [{ "tag": "v1", "new_sqlite_classes": ["Room"] }],
  "previews": { "durable_objects": { "bindings": [{ "name": "R", "class_name": "Room" }, { "name": "G", "class_name": "Ghost" }] } }
                                                                                                                      ^^^^^^^ PL322: `Ghost`
}
"#,
        );
    }

    #[test]
    fn fires_on_repeated_tags_and_create_delete() {
        assert_rule(
            "PL322",
            Format::Json,
            r#"{
  "migrations": [
    { "tag": "v1", "new_sqlite_classes": ["A"] },
    { "tag": "v1", "new_sqlite_classes": ["B"], "deleted_classes": ["B"] }
             ^^^^ PL322: the migration tag `v1` is used twice
                                                                    ^^^ PL322: creates and deletes the class `B`
  ],
  "env": { "e": { "migrations": [{ "tag": "v2" }, { "tag": "v2" }] } }
                                                           ^^^^ PL322: `env.e.migrations`
}
"#,
        );
    }

    #[test]
    fn new_classes_is_an_info_with_a_rename() {
        let diagnostics = assert_rule(
            "PL322",
            Format::Toml,
            r#"[[migrations]]
tag = "v1"
new_classes = ["Counter"]
^^^^^^^^^^^ PL322: `new_classes` creates Durable Objects with key-value storage
"#,
        );
        assert_eq!(diagnostics[0].severity, Severity::Info);
        assert_eq!(
            apply_fix(
                "PL322",
                Format::Toml,
                "[[migrations]]\ntag = \"v1\"\nnew_classes = [\"Counter\"]\n"
            ),
            "[[migrations]]\ntag = \"v1\"\nnew_sqlite_classes = [\"Counter\"]\n"
        );
        assert_eq!(
            apply_fix(
                "PL322",
                Format::Json,
                r#"{ "migrations": [{ "tag": "v1", "new_classes": ["A"] }] }"#
            ),
            r#"{ "migrations": [{ "tag": "v1", "new_sqlite_classes": ["A"] }] }"#
        );
    }
}
