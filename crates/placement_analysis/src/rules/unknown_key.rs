use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Fix, Severity};
use crate::edits::rename_key;
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::rules::key_swallowed_by_table::reports;
use crate::schema::{Key, Shape, UnknownKeys};
use crate::schema_walk::{At, Visitor, Visits};
use crate::syntax::Table;
use crate::wording::first_names;

declare_rule! {
    /// ## What it does
    /// Reports a key wrangler does not know, at any depth of any object whose keys wrangler's
    /// configuration lists: the top level, an `[env.NAME]`, `[previews]`, `build`, `dev`,
    /// `observability.logs`, a binding's entry, `placement`, `assets`, `containers`, ... It says
    /// what wrangler does with it (warns "Unexpected fields found in ... field" and ignores it,
    /// ignores it without a word, or refuses the config) and suggests the closest known key.
    ///
    /// ## Why is this bad?
    /// The setting you wrote never applies. A typo such as `plcement` leaves the Worker with
    /// default placement; `{ mode = "smart", regoin = "aws:us-east-1" }` deploys as plain Smart
    /// Placement, the region silently dropped (wrangler says nothing about unknown keys inside
    /// `placement`). Keys wrangler removed (`node_compat`) are PL301, not unknown.
    ///
    /// ## Example
    /// ```toml
    /// [plcement]
    /// mode = "smart"
    ///
    /// [build]
    /// comand = "npm run build"
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": "smart", "hnt": "x" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [placement]
    /// mode = "smart"
    ///
    /// [build]
    /// command = "npm run build"
    /// ```
    ///
    /// ## Fix safety
    /// Renaming to the suggested key is unsafe: it changes what is deployed.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static UNKNOWN_KEY = {
        code: "PL003",
        name: "unknown-key",
        severity: Warning,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A key wrangler does not know, at any depth (with a did-you-mean)",
    }
}

/// The rule's visitor of the schema walk.
pub(crate) fn visitor<'c, 'a>(ctx: &'c Context<'a>, sink: Sink<'c>) -> Box<dyn Visitor<'a> + 'c> {
    Box::new(UnknownKeysVisitor { ctx, sink })
}

struct UnknownKeysVisitor<'c, 's, 'a> {
    ctx: &'c Context<'a>,
    sink: Sink<'s>,
}

impl<'a> Visitor<'a> for UnknownKeysVisitor<'_, '_, 'a> {
    fn visits(&self) -> Visits {
        Visits {
            known_key: true,
            unknown_key: true,
            ..Visits::default()
        }
    }

    /// A key of the schema that wrangler's validation does not take there: it warns about it
    /// as about an unknown key.
    fn known_key(&mut self, at: &At<'_, 'a>, table: &'a Table, index: usize, key: Key, _: Shape) {
        if !key.is_unexpected_to_wrangler() || in_durable_object_container(at, table) {
            return;
        }
        let entry = &table.entries()[index];
        let parent = at.parent_path();
        let field = if parent.is_empty() {
            "top-level"
        } else {
            &parent
        };
        let place = if parent.is_empty() {
            "at the top level".to_owned()
        } else {
            format!("in `{parent}`")
        };
        self.sink
            .report(
                entry.key_span,
                format!(
                    "`{}` {place}{}: wrangler does not take it here though its schema lists it; \
                     it warns (\"Unexpected fields found in {field} field\") and ignores it",
                    entry.key,
                    at.inherited_suffix()
                ),
            )
            .with_help("remove it, or set it where wrangler reads it")
            .with_environments(&at.environments());
    }

    fn unknown_key(&mut self, at: &At<'_, 'a>, table: &'a Table, index: usize, shape: Shape) {
        if in_durable_object_container(at, table) {
            return;
        }
        let entry = &table.entries()[index];
        // In TOML, a line meant for the scope (or, under `[env.NAME]` and `[previews]`, for the
        // top level) written below another table's header is PL108's to report.
        let enclosing = match (at.steps.len(), &at.scope.kind) {
            (1, ScopeKind::TopLevel) => None,
            (1, _) => Some(ScopeKind::TopLevel),
            _ => Some(at.scope.kind.clone()),
        };
        if enclosing.is_some_and(|enclosing| reports(self.ctx.format(), table, entry, &enclosing)) {
            return;
        }
        let parent = at.parent_path();
        let place = if parent.is_empty() {
            "at the top level".to_owned()
        } else {
            format!("in `{parent}`")
        };
        let suffix = at.inherited_suffix();
        let suggestion = shape
            .closest_key(&entry.key)
            .filter(|candidate| table.get(candidate).is_none());
        let consequence = match shape.unknown_keys() {
            UnknownKeys::Warned => {
                let field = if parent.is_empty() {
                    "top-level"
                } else {
                    &parent
                };
                format!(
                    "wrangler warns (\"Unexpected fields found in {field} field\") and ignores it"
                )
            }
            UnknownKeys::Ignored => "wrangler silently ignores it".to_owned(),
            UnknownKeys::Refused => "wrangler refuses the config".to_owned(),
        };
        let message = format!(
            "unknown key `{}` {place}{suffix}: {consequence}{}",
            entry.key,
            match suggestion {
                Some(candidate) => format!("; did you mean `{candidate}`?"),
                None => String::new(),
            }
        );
        let help = match suggestion {
            Some(candidate) => format!("rename it to `{candidate}`"),
            None => {
                let known: Vec<&str> = shape
                    .keys()
                    .filter(|key| !key.is_removed())
                    .map(|key| key.name())
                    .collect();
                format!(
                    "known keys here: {}",
                    first_names(&known, |_| ", ...".to_owned())
                )
            }
        };
        let format = self.ctx.format();
        let diagnostic = self
            .sink
            .report(entry.key_span, message)
            .with_help(help)
            .with_environments(&at.environments());
        if shape.unknown_keys() == UnknownKeys::Refused {
            diagnostic.severity = Severity::Error;
        }
        if let Some(candidate) = suggestion {
            diagnostic.with_fix(Fix::new(
                format!("Rename `{}` to `{candidate}`", entry.key),
                Applicability::Unsafe,
                vec![rename_key(format, entry, candidate)],
            ));
        }
    }
}

/// A key of a Durable Object-managed container, which takes other fields than the catalog's
/// containers: PL359 reports the ones wrangler refuses.
fn in_durable_object_container(at: &At<'_, '_>, table: &Table) -> bool {
    crate::value_sites::is_durable_object_container(
        &at.steps[..at.steps.len().saturating_sub(1)],
        table,
    )
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_unknown_keys_in_toml() {
        let diagnostics = assert_rule(
            "PL003",
            Format::Toml,
            r#"name = "w"
plcement = { mode = "smart" }
^^^^^^^^ PL003: unknown key `plcement` at the top level: wrangler warns ("Unexpected fields found in top-level field") and ignores it; did you mean `placement`?
[env.staging]
mian = "src/index.ts"
^^^^ PL003
[env.staging.placement]
mode = "smart"
regoin = "aws:us-east-1"
^^^^^^ PL003: unknown key `regoin` in `env.staging.placement`: wrangler silently ignores it; did you mean `region`?
[assets]
directory = "public"
bindng = "ASSETS"
^^^^^^ PL003
"#,
        );
        assert_eq!(diagnostics[2].environments, ["staging"]);
    }

    #[test]
    fn fires_on_unknown_keys_in_jsonc() {
        assert_rule(
            "PL003",
            Format::Json,
            r#"{
  "placement": { "mode": "smart", "hnt": "x" },
                                  ^^^^^ PL003
  "env": { "production": { "placment": { "mode": "off" } } }
                           ^^^^^^^^^^ PL003
}"#,
        );
    }

    #[test]
    fn fires_at_every_depth() {
        let diagnostics = assert_rule(
            "PL003",
            Format::Toml,
            r#"name = "w"
[build]
comand = "make"
^^^^^^ PL003: wrangler warns ("Unexpected fields found in build field") and ignores it; did you mean `command`?
[observability.logs]
enabled = true
sampling = 1
^^^^^^^^ PL003: in `observability.logs`
[[d1_databases]]
binding = "DB"
database_name = "d"
databse_id = "x"
^^^^^^^^^^ PL003: in `d1_databases[0]`
[env.staging]
route = { pattern = "a.com/*", zone_name = "a.com", zone = "x" }
[env.staging.dev]
             ^^^ PL003: unknown key `dev` in `env.staging`: wrangler warns
[[env.staging.kv_namespaces]]
binding = "KV"
idd = "x"
^^^ PL003: in `env.staging.kv_namespaces[0]`
"#,
        );
        // `dev` is top-level only: in an environment it is itself an unexpected field. A route
        // object's fields are the route rules' (PL311) to check, as wrangler's route validation.
        assert_eq!(diagnostics.len(), 5);
        assert_eq!(diagnostics[4].environments, ["staging"]);
        assert_rule(
            "PL003",
            Format::Json,
            r#"{
  "containers": [{ "class_name": "C", "image": "./Dockerfile", "instance": 2 }],
                                                               ^^^^^^^^^^ PL003: in `containers[0]`
  "env": { "prod": { "observability": { "logs": { "invocation_log": true } } } }
                                                  ^^^^^^^^^^^^^^^^ PL003: in `env.prod.observability.logs`
}"#,
        );
    }

    #[test]
    fn a_scope_key_under_a_table_header_is_left_to_pl108() {
        // `workers_dev` and `minify` are top-level keys swallowed by the headers above them:
        // PL108 says so; a key that belongs nowhere is still PL003's.
        assert_rule(
            "PL003",
            Format::Toml,
            r#"[placement]
mode = "smart"
workers_dev = false
[build]
command = "make"
minify = true
watch_dirr = "src"
^^^^^^^^^^ PL003: in `build`
"#,
        );
    }

    #[test]
    fn removed_keys_are_not_unknown() {
        assert_rule(
            "PL003",
            Format::Toml,
            r#"node_compat = true
[env.x]
node_compat = true
"#,
        );
    }

    #[test]
    fn known_keys_do_not_fire() {
        assert_rule(
            "PL003",
            Format::Toml,
            r#"name = "w"
main = "a.js"
[placement]
region = "aws:us-east-1"
[assets]
directory = "p"
run_worker_first = false
[env.x]
workers_dev = true
"#,
        );
        assert_rule(
            "PL003",
            Format::Json,
            r#"{ "$schema": "x", "placement": { "mode": "smart" }, "previews": { "placement": { "mode": "off" } } }"#,
        );
    }

    #[test]
    fn a_service_bindings_environment_is_known() {
        // wrangler validates it (an optional string) and uploads it, though its schema omits it.
        assert_rule(
            "PL003",
            Format::Toml,
            r#"[[services]]
binding = "API"
service = "api"
environment = "production"
[[env.x.services]]
binding = "API"
service = "api"
enviroment = "staging"
^^^^^^^^^^ PL003: unknown key `enviroment` in `env.x.services[0]`: wrangler silently ignores it; did you mean `environment`?
"#,
        );
        assert_rule(
            "PL003",
            Format::Json,
            r#"{ "services": [{ "binding": "API", "service": "api", "environment": "production" }] }"#,
        );
    }

    #[test]
    fn a_service_bindings_cross_account_grant_is_known() {
        // wrangler does not validate it but sends it on with the binding when it uploads.
        assert_rule(
            "PL003",
            Format::Toml,
            r#"[[services]]
binding = "API"
service = "api"
cross_account_grant = "grant"
[[env.x.services]]
binding = "API"
service = "api"
cross_account_grants = "grant"
^^^^^^^^^^^^^^^^^^^^ PL003: unknown key `cross_account_grants` in `env.x.services[0]`: wrangler silently ignores it; did you mean `cross_account_grant`?
"#,
        );
        assert_rule(
            "PL003",
            Format::Json,
            r#"{ "services": [{ "binding": "API", "service": "api", "cross_account_grant": { "account": "a" } }] }"#,
        );
    }

    #[test]
    fn fix_renames_to_the_suggestion() {
        assert_eq!(
            apply_fix(
                "PL003",
                Format::Toml,
                r#"[placement]
mde = "smart"
"#
            ),
            r#"[placement]
mode = "smart"
"#
        );
        assert_eq!(
            apply_fix(
                "PL003",
                Format::Json,
                r#"{ "placement": { "mde": "smart" } }"#
            ),
            r#"{ "placement": { "mode": "smart" } }"#
        );
    }
}
