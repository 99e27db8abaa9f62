use crate::context::{Context, Sink};
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::model::ScopeKind;
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;
use crate::syntax::{Entry, Node, NodeKind, Table};

declare_rule! {
    /// ## What it does
    /// Checks each entry of `exports` as wrangler does, by its `type`, at the top level (with
    /// the environments that inherit it) and in every `[env.NAME]`:
    /// - a `type` that is not `durable-object`, `worker` or `workflow`;
    /// - a Durable Object: a `state` wrangler does not know, the fields its state requires
    ///   (`storage` when `created` or `expecting-transfer`, `renamed_to`, `transferred_to`,
    ///   `transfer_from`) and only those its state allows (`renamed_to` on a `created` class is
    ///   refused), `renamed_to` a JavaScript identifier other than the class's own name, a
    ///   `container` name that is a non-empty string and needs `sqlite` storage;
    /// - a Worker: `cache` a table with a boolean `enabled`;
    /// - a Workflow: a `name` wrangler accepts (1 to 64 letters, digits, `_` or `-`, not
    ///   starting with `-`), used by one export only; `schedules` a non-empty string or array of
    ///   them; `limits.steps` and `concurrency.limit` positive integers; `default_retention`
    ///   durations; a known `jurisdiction`;
    /// - fields a Worker or Workflow export does not have (a warning, as wrangler's).
    ///
    /// ## Why is this bad?
    /// `exports` declares the lifecycle of the Worker's Durable Objects, Workflows and
    /// entrypoints; what each entry may hold depends on its `type` and, for a Durable Object,
    /// on its `state`. wrangler refuses the config when an entry breaks those rules
    /// (`"exports.Room.renamed_to" is forbidden on state "created"`): nothing deploys.
    ///
    /// ## Example
    /// ```toml
    /// [exports.Room]
    /// type = "durable-object"
    /// renamed_to = "ChatRoom"
    /// ```
    /// ```jsonc
    /// { "exports": { "Room": { "type": "durable-object", "renamed_to": "ChatRoom" } } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [exports.Room]
    /// type = "durable-object"
    /// state = "renamed"
    /// renamed_to = "ChatRoom"
    /// ```
    ///
    /// ## Fix safety
    /// No fix: which state or fields were meant is the author's to say.
    ///
    /// ## References
    /// - [Durable Objects migrations](https://developers.cloudflare.com/durable-objects/reference/durable-objects-migrations/)
    /// - [Workflows configuration](https://developers.cloudflare.com/workflows/build/configuration/)
    pub static INVALID_EXPORT = {
        code: "PL330",
        name: "invalid-export",
        severity: Error,
        fix: FixAvailability::None,
        summary: "An `exports` entry wrangler refuses for its `type` or `state`",
    }
}

const STORAGES: [&str; 2] = ["sqlite", "legacy-kv"];
const WORKFLOW_JURISDICTIONS: [&str; 3] = ["eu", "fedramp", "us"];
const WORKER_FIELDS: [&str; 2] = ["type", "cache"];
const WORKFLOW_FIELDS: [&str; 7] = [
    "type",
    "name",
    "limits",
    "concurrency",
    "schedules",
    "default_retention",
    "jurisdiction",
];
/// Above this, wrangler warns that a Workflow's step limit may not work when deployed.
const PRODUCTION_MAX_STEPS: f64 = 25_000.0;
const MAX_WORKFLOW_NAME_LENGTH: usize = 64;

/// What a Durable Object export in each state needs and may hold, as wrangler's
/// `validateDurableObjectExport` has it.
struct StateRules {
    state: &'static str,
    allowed: &'static [&'static str],
    needs_storage: bool,
    /// A field that must be a non-empty string.
    needs: Option<&'static str>,
}

const STATES: [StateRules; 5] = [
    StateRules {
        state: "created",
        allowed: &["type", "state", "storage", "container"],
        needs_storage: true,
        needs: None,
    },
    StateRules {
        state: "deleted",
        allowed: &["type", "state"],
        needs_storage: false,
        needs: None,
    },
    StateRules {
        state: "renamed",
        allowed: &["type", "state", "renamed_to"],
        needs_storage: false,
        needs: Some("renamed_to"),
    },
    StateRules {
        state: "transferred",
        allowed: &["type", "state", "transferred_to"],
        needs_storage: false,
        needs: Some("transferred_to"),
    },
    StateRules {
        state: "expecting-transfer",
        allowed: &["type", "state", "storage", "transfer_from", "container"],
        needs_storage: true,
        needs: Some("transfer_from"),
    },
];

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        let Some(exports) = scope.table.get("exports") else {
            continue;
        };
        // Not a table: PL004's to report.
        let Some(exports_table) = exports.value.as_table() else {
            continue;
        };
        let environments: Vec<String> = match &scope.kind {
            // `exports` is inherited: environments without their own use the top level's.
            ScopeKind::TopLevel => ctx
                .model
                .scopes
                .iter()
                .filter(|other| matches!(other.kind, ScopeKind::Env(_)))
                .filter(|other| other.table.get("exports").is_none())
                .filter_map(|other| other.environment().map(str::to_owned))
                .collect(),
            _ => scope.environment().map(str::to_owned).into_iter().collect(),
        };
        let mut checker = Checker {
            ctx,
            sink: &mut *sink,
            environments: &environments,
            suffix: scope.inherited_suffix(&environments),
            prefix: scope.path("exports"),
        };
        for entry in exports_table.entries() {
            checker.export(entry);
        }
        checker.workflow_names(exports_table);
    }
}

struct Checker<'c, 's, 'a> {
    ctx: &'c Context<'a>,
    sink: &'c mut Sink<'s>,
    environments: &'c [String],
    /// " (inherited by environment `a`)" for the top level's `exports`.
    suffix: String,
    /// `exports` or `env.NAME.exports`.
    prefix: String,
}

impl Checker<'_, '_, '_> {
    fn refuse(&mut self, span: Span, message: String) {
        self.report(span, message);
    }

    fn report(&mut self, span: Span, message: String) -> &mut Diagnostic {
        self.sink
            .report(span, message)
            .with_environments(self.environments)
    }

    fn warn(&mut self, span: Span, message: String) {
        self.report(span, message).severity = Severity::Warning;
    }

    fn export(&mut self, entry: &Entry) {
        let path = format!("{}.{}", self.prefix, entry.key);
        if entry.key.is_empty() {
            self.refuse(
                entry.key_span,
                format!(
                    "an export in `{}` has an empty name{}: wrangler refuses the config, an \
                     export is named by its class",
                    self.prefix, self.suffix
                ),
            );
        }
        // Not a table: PL004's to report.
        let Some(fields) = entry.value.as_table() else {
            return;
        };
        match fields.get("type").and_then(|kind| kind.value.as_str()) {
            Some("durable-object") => self.durable_object(&path, entry, fields),
            Some("worker") => self.worker(&path, fields),
            Some("workflow") => self.workflow(&path, entry, fields),
            _ => {
                let (span, got) = match fields.get("type") {
                    Some(kind) => (kind.value.span, format!("it is {}", kind.value.describe())),
                    None => (entry.key_span, "it has none".to_owned()),
                };
                self.refuse(
                    span,
                    format!(
                        "`{path}.type` must be \"durable-object\", \"worker\" or \"workflow\", \
                         but {got}{}: wrangler refuses the config",
                        self.suffix
                    ),
                );
            }
        }
    }

    fn durable_object(&mut self, path: &str, entry: &Entry, fields: &Table) {
        let state_entry = fields.get("state");
        let rules = match state_entry {
            None => &STATES[0],
            Some(state) => match STATES
                .iter()
                .find(|rules| state.value.as_str() == Some(rules.state))
            {
                Some(rules) => rules,
                None => {
                    let known: Vec<String> = STATES
                        .iter()
                        .map(|rules| format!("\"{}\"", rules.state))
                        .collect();
                    self.refuse(
                        state.value.span,
                        format!(
                            "`{path}.state` must be one of {}, but it is {}{}: wrangler \
                             refuses the config",
                            known.join(", "),
                            state.value.describe(),
                            self.suffix
                        ),
                    );
                    return;
                }
            },
        };
        let state = rules.state;
        for field in fields.entries() {
            if !rules.allowed.contains(&field.key.as_str()) {
                let allowed: Vec<String> = rules
                    .allowed
                    .iter()
                    .map(|name| format!("`{name}`"))
                    .collect();
                self.refuse(
                    field.key_span,
                    format!(
                        "`{path}.{}` is not allowed on a Durable Object in state \"{state}\"{} \
                         (it may have {}): wrangler refuses the config",
                        field.key,
                        self.suffix,
                        allowed.join(", ")
                    ),
                );
            }
        }
        let storage = fields.get("storage");
        if rules.needs_storage
            && !storage
                .and_then(|storage| storage.value.as_str())
                .is_some_and(|value| STORAGES.contains(&value))
        {
            let (span, got) = match storage {
                Some(storage) => (
                    storage.value.span,
                    format!("it is {}", storage.value.describe()),
                ),
                None => (entry.key_span, "it has none".to_owned()),
            };
            self.refuse(
                span,
                format!(
                    "`{path}.storage` must be \"sqlite\" or \"legacy-kv\" for a Durable Object \
                     in state \"{state}\", but {got}{}: wrangler refuses the config",
                    self.suffix
                ),
            );
        }
        if let Some(needed) = rules.needs {
            match fields.get(needed) {
                Some(value) if non_empty_str(&value.value).is_some() => {}
                found => {
                    let span = found.map_or(entry.key_span, |value| value.value.span);
                    self.refuse(
                        span,
                        format!(
                            "a Durable Object in state \"{state}\" needs `{path}.{needed}`, a \
                             non-empty string{}: wrangler refuses the config",
                            self.suffix
                        ),
                    );
                }
            }
        }
        if state == "renamed"
            && let Some(renamed_to) = fields.get("renamed_to")
            && let Some(target) = non_empty_str(&renamed_to.value)
        {
            if !is_js_identifier(target) {
                self.refuse(
                    renamed_to.value.span,
                    format!(
                        "`{path}.renamed_to` must be a JavaScript identifier (a class name), \
                         but it is {:?}{}: wrangler refuses the config",
                        target, self.suffix
                    ),
                );
            }
            if target == entry.key {
                self.refuse(
                    renamed_to.value.span,
                    format!(
                        "`{path}.renamed_to` renames the class `{target}` to itself{}: \
                         wrangler refuses the config",
                        self.suffix
                    ),
                );
            }
        }
        if rules.allowed.contains(&"container")
            && let Some(container) = fields.get("container")
        {
            if non_empty_str(&container.value).is_none() {
                self.refuse(
                    container.value.span,
                    format!(
                        "`{path}.container` must name a container of `containers`, a non-empty \
                         string, but it is {}{}: wrangler refuses the config",
                        container.value.describe(),
                        self.suffix
                    ),
                );
            } else if storage.and_then(|storage| storage.value.as_str()) == Some("legacy-kv") {
                self.refuse(
                    container.value.span,
                    format!(
                        "`{path}.container` needs `storage = \"sqlite\"`: containers do not run \
                         on Durable Objects with \"legacy-kv\" storage{}; wrangler refuses the \
                         config",
                        self.suffix
                    ),
                );
            }
        }
    }

    fn worker(&mut self, path: &str, fields: &Table) {
        self.unexpected_fields(path, fields, &WORKER_FIELDS);
        let Some(cache) = fields.get("cache") else {
            return;
        };
        let cache_path = format!("{path}.cache");
        let Some(cache_fields) = cache.value.as_table() else {
            self.not_a_table(&cache_path, &cache.value);
            return;
        };
        match cache_fields.get("enabled") {
            Some(enabled) if enabled.value.as_bool().is_some() => {}
            Some(enabled) => self.refuse(
                enabled.value.span,
                format!(
                    "`{cache_path}.enabled` must be a boolean, but it is {}{}: wrangler refuses \
                     the config",
                    enabled.value.describe(),
                    self.suffix
                ),
            ),
            None => self.refuse(
                cache.key_span,
                format!(
                    "`{cache_path}` has no `enabled`{}: wrangler refuses the config, which \
                     requires it",
                    self.suffix
                ),
            ),
        }
        self.unexpected_fields(&cache_path, cache_fields, &["enabled"]);
    }

    fn workflow(&mut self, path: &str, entry: &Entry, fields: &Table) {
        self.unexpected_fields(path, fields, &WORKFLOW_FIELDS);
        match fields.get("name") {
            None => self.refuse(
                entry.key_span,
                format!(
                    "the Workflow `{path}` has no `name`{}: wrangler refuses the config, which \
                     requires it",
                    self.suffix
                ),
            ),
            Some(name) => match name.value.as_str() {
                Some(text) if is_workflow_name(text) => {}
                _ => self.refuse(
                    name.value.span,
                    format!(
                        "`{path}.name` must be 1 to 64 letters, digits, `_` or `-`, not starting \
                         with `-`, but it is {}{}: wrangler refuses the config",
                        name.value.describe(),
                        self.suffix
                    ),
                ),
            },
        }
        if let Some(schedules) = fields.get("schedules") {
            let fine = match &schedules.value.kind {
                NodeKind::String(text) => !text.is_empty(),
                NodeKind::Array(items) => {
                    !items.is_empty()
                        && items
                            .iter()
                            .all(|item| item.as_str().is_some_and(|text| !text.is_empty()))
                }
                _ => false,
            };
            if !fine {
                self.refuse(
                    schedules.value.span,
                    format!(
                        "`{path}.schedules` must be a cron string or a non-empty array of them, \
                         none empty, but it is {}{}: wrangler refuses the config",
                        schedules.value.describe(),
                        self.suffix
                    ),
                );
            }
        }
        if let Some(limits) = self.sub_table(path, fields, "limits", &["steps"])
            && let Some(steps) = limits.get("steps")
        {
            match positive_integer(&steps.value) {
                Some(value) if value > PRODUCTION_MAX_STEPS => self.warn(
                    steps.value.span,
                    format!(
                        "`{path}.limits.steps` is {value}, over the production maximum of \
                         25,000 steps{}: wrangler warns that it may not work when deployed",
                        self.suffix
                    ),
                ),
                Some(_) => {}
                None => self.refuse(
                    steps.value.span,
                    self.positive_integer_message(path, "limits.steps", &steps.value),
                ),
            }
        }
        if let Some(concurrency) = self.sub_table(path, fields, "concurrency", &["limit"])
            && let Some(limit) = concurrency.get("limit")
            && positive_integer(&limit.value).is_none()
        {
            let message = self.positive_integer_message(path, "concurrency.limit", &limit.value);
            self.refuse(limit.value.span, message);
        }
        let retention_fields = ["success_retention", "error_retention"];
        if let Some(retention) =
            self.sub_table(path, fields, "default_retention", &retention_fields)
        {
            for key in retention_fields {
                let Some(value) = retention.get(key) else {
                    continue;
                };
                if positive_integer(&value.value).is_none() && non_empty_str(&value.value).is_none()
                {
                    self.refuse(
                        value.value.span,
                        format!(
                            "`{path}.default_retention.{key}` must be a positive number of \
                             milliseconds or a duration such as \"3 days\", but it is {}{}: \
                             wrangler refuses the config",
                            value.value.describe(),
                            self.suffix
                        ),
                    );
                }
            }
        }
        if let Some(jurisdiction) = fields.get("jurisdiction")
            && !jurisdiction
                .value
                .as_str()
                .is_some_and(|value| WORKFLOW_JURISDICTIONS.contains(&value))
        {
            self.refuse(
                jurisdiction.value.span,
                format!(
                    "`{path}.jurisdiction` must be \"eu\", \"fedramp\" or \"us\", but it is {}{}: \
                     wrangler refuses the config",
                    jurisdiction.value.describe(),
                    self.suffix
                ),
            );
        }
    }

    fn positive_integer_message(&self, path: &str, key: &str, value: &Node) -> String {
        format!(
            "`{path}.{key}` must be a positive integer, but it is {}{}: wrangler refuses the \
             config",
            value.describe(),
            self.suffix
        )
    }

    /// The table `key` of a Workflow export, after reporting it when it is not a table and
    /// warning about the fields it does not have.
    fn sub_table<'t>(
        &mut self,
        path: &str,
        fields: &'t Table,
        key: &str,
        known: &[&str],
    ) -> Option<&'t Table> {
        let entry = fields.get(key)?;
        let sub_path = format!("{path}.{key}");
        let Some(table) = entry.value.as_table() else {
            self.not_a_table(&sub_path, &entry.value);
            return None;
        };
        self.unexpected_fields(&sub_path, table, known);
        Some(table)
    }

    fn not_a_table(&mut self, path: &str, value: &Node) {
        self.refuse(
            value.span,
            format!(
                "`{path}` must be a table, but it is {}{}: wrangler refuses the config",
                value.describe(),
                self.suffix
            ),
        );
    }

    /// wrangler's "Unexpected fields found" warnings inside Worker and Workflow exports.
    fn unexpected_fields(&mut self, path: &str, fields: &Table, known: &[&str]) {
        for field in fields.entries() {
            if !known.contains(&field.key.as_str()) {
                let expected: Vec<String> = known.iter().map(|name| format!("`{name}`")).collect();
                self.warn(
                    field.key_span,
                    format!(
                        "unknown key `{}` in `{path}`{}: wrangler warns (\"Unexpected fields \
                         found\") and ignores it; it takes {}",
                        field.key,
                        self.suffix,
                        expected.join(", ")
                    ),
                );
            }
        }
    }

    /// Two Workflow exports with one `name`: the second is reported, related to the first.
    fn workflow_names(&mut self, exports: &Table) {
        let mut seen: Vec<(&str, &Entry)> = Vec::new();
        for entry in exports.entries() {
            let Some(fields) = entry.value.as_table() else {
                continue;
            };
            if fields.get("type").and_then(|kind| kind.value.as_str()) != Some("workflow") {
                continue;
            }
            let Some(name) = fields.get("name") else {
                continue;
            };
            let Some(text) = name.value.as_str() else {
                continue;
            };
            match seen.iter().find(|(known, _)| *known == text) {
                Some((_, first)) => {
                    let related = Related {
                        file: self.ctx.path.to_path_buf(),
                        span: first.key_span,
                        message: format!("`{}` declares it first", first.key),
                    };
                    let message = format!(
                        "the Workflow \"{text}\" is declared by two exports, `{}.{}` and \
                         `{}.{}`{}: wrangler refuses the config, Workflow names are unique",
                        self.prefix, first.key, self.prefix, entry.key, self.suffix
                    );
                    self.report(name.value.span, message)
                        .with_related([related]);
                }
                None => seen.push((text, entry)),
            }
        }
    }
}

fn non_empty_str(node: &Node) -> Option<&str> {
    node.as_str().filter(|text| !text.is_empty())
}

/// A whole number of at least 1, as JavaScript's `Number.isInteger(n) && n >= 1` reads it.
fn positive_integer(node: &Node) -> Option<f64> {
    let NodeKind::Number(written) = &node.kind else {
        return None;
    };
    let value: f64 = written.replace('_', "").parse().ok()?;
    (value.fract() == 0.0 && value >= 1.0).then_some(value)
}

/// wrangler's `JS_IDENTIFIER_RE`: `^[A-Za-z_$][A-Za-z0-9_$]*$`.
fn is_js_identifier(text: &str) -> bool {
    let mut chars = text.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_' || first == '$')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '$')
}

/// wrangler's `isValidWorkflowName`: at most 64 characters of `^[a-zA-Z0-9_][a-zA-Z0-9-_]*$`.
fn is_workflow_name(text: &str) -> bool {
    let mut chars = text.chars();
    text.len() <= MAX_WORKFLOW_NAME_LENGTH
        && chars
            .next()
            .is_some_and(|first| first.is_ascii_alphanumeric() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn durable_object_fields_follow_the_state() {
        assert_rule(
            "PL330",
            Format::Toml,
            r#"[exports.Room]
         ^^^^ PL330: `exports.Room.storage` must be "sqlite" or "legacy-kv" for a Durable Object in state "created", but it has none
type = "durable-object"
renamed_to = "ChatRoom"
^^^^^^^^^^ PL330: `exports.Room.renamed_to` is not allowed on a Durable Object in state "created"

[exports.Old]
type = "durable-object"
state = "renamed"
renamed_to = "Old"
             ^^^^^ PL330: renames the class `Old` to itself

[exports.Gone]
type = "durable-object"
state = "deleted"

[exports.Moving]
type = "durable-object"
state = "expecting-transfer"
storage = "legacy-kv"
transfer_from = "other-worker"
container = "box"
            ^^^^^ PL330: needs `storage = "sqlite"`

[exports.Lost]
type = "durable-object"
state = "lost"
        ^^^^^^ PL330: `exports.Lost.state` must be one of
"#,
        );
    }

    #[test]
    fn a_valid_export_of_each_type_passes() {
        assert_rule(
            "PL330",
            Format::Json,
            r#"{
  "exports": {
    "Room": { "type": "durable-object", "storage": "sqlite", "container": "box" },
    "Old": { "type": "durable-object", "state": "renamed", "renamed_to": "NewRoom" },
    "Api": { "type": "worker", "cache": { "enabled": true } },
    "Flow": {
      "type": "workflow", "name": "my-flow", "schedules": ["0 * * * *"],
      "limits": { "steps": 100 }, "concurrency": { "limit": 5 },
      "default_retention": { "success_retention": "3 days", "error_retention": 86400000 },
      "jurisdiction": "eu"
    }
  }
}"#,
        );
    }

    #[test]
    fn workers_and_workflows_in_an_environment() {
        let diagnostics = assert_rule(
            "PL330",
            Format::Toml,
            r#"[env.staging.exports.Api]
type = "worker"
cache = { enabled = "yes" }
                    ^^^^^ PL330: `env.staging.exports.Api.cache.enabled` must be a boolean
color = "blue"
^^^^^ PL330: unknown key `color` in `env.staging.exports.Api`

[env.staging.exports.Flow]
type = "workflow"
name = "-flow"
       ^^^^^^^ PL330: `env.staging.exports.Flow.name` must be 1 to 64 letters
schedules = []
            ^^ PL330: `env.staging.exports.Flow.schedules` must be a cron string
limits = { steps = 30000 }
                   ^^^^^ PL330: over the production maximum

[env.staging.exports.Other]
type = "workflow"
name = "-flow"
       ^^^^^^^ PL330: `env.staging.exports.Other.name` must be 1 to 64 letters
       ^^^^^^^ PL330: the Workflow "-flow" is declared by two exports
concurrency = { limit = 0 }
                        ^ PL330: `env.staging.exports.Other.concurrency.limit` must be a positive integer

[env.staging.exports.Nothing]
type = "job"
       ^^^^^ PL330: must be "durable-object", "worker" or "workflow"
"#,
        );
        assert!(diagnostics.iter().all(|d| d.environments == ["staging"]));
    }

    #[test]
    fn top_level_exports_name_the_environments_that_inherit_them() {
        let diagnostics = assert_rule(
            "PL330",
            Format::Json,
            r#"{
  "exports": { "Flow": { "type": "workflow" } },
               ^^^^^^ PL330: the Workflow `exports.Flow` has no `name` (inherited by environment `a`)
  "env": { "a": {}, "b": { "exports": {} } }
}"#,
        );
        assert_eq!(diagnostics[0].environments, ["a"]);
    }
}
