use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Edit, Fix, Severity};
use crate::placement::{PlacementSite, Shape};
use crate::rule::{FixAvailability, declare_rule};
use crate::rules::missing_required_key;
use crate::schema::{self, Types};
use crate::schema_walk::{At, Visitor, Visits};
use crate::span::Span;
use crate::syntax::{Entry, Format, Node, NodeKind, Table};

declare_rule! {
    /// ## What it does
    /// Reports a value of the wrong type, or a string outside its allowed values, at any depth
    /// of the top level, `[previews]` and every `[env.NAME]`: a table where an array is needed
    /// (`kv_namespaces = { ... }`) and the reverse (`durable_objects = [...]`), a binding's
    /// field of the wrong type, `assets.not_found_handling = "spa"`, an unquoted TOML date
    /// (`compatibility_date = 2024-01-01`), a `placement` that is not a table, ...
    ///
    /// It is an error exactly where wrangler's validation refuses the config. Where the schema
    /// wants another type but wrangler does not check it (it takes the value as it is), it is a
    /// warning that says so. What wrangler checks at each place is learnt from the pinned
    /// wrangler itself when the key catalog is generated (`scripts/catalog-probes.mjs`).
    ///
    /// ## Why is this bad?
    /// wrangler rejects these configs at deploy time (`The field "placement" should be an object
    /// but got "smart".`), so a CI that only runs `wrangler deploy` finds out too late; a
    /// value it does not check may still be refused by the API or do something else than meant.
    ///
    /// ## Example
    /// ```toml
    /// placement = "smart"
    /// ```
    /// ```jsonc
    /// { "placement": { "mode": 1 }, "assets": { "run_worker_first": "yes" } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// placement = { mode = "smart" }
    /// ```
    ///
    /// ## Fix safety
    /// `placement = "smart"` (or `"off"`) is rewritten to `{ mode = "smart" }`; the fix is unsafe
    /// because it turns a rejected config into a deployed placement.
    ///
    /// ## References
    /// - [Placement](https://developers.cloudflare.com/workers/configuration/placement/)
    /// - [Static assets configuration](https://developers.cloudflare.com/workers/static-assets/binding/)
    pub static WRONG_TYPE = {
        code: "PL004",
        name: "wrong-type",
        severity: Error,
        fix: FixAvailability::Sometimes(Applicability::Unsafe),
        summary: "A value of the wrong type, or outside its allowed values, at any depth",
    }
}

/// The rule's visitor of the schema walk, after what needs no walk is checked.
pub(crate) fn visitor<'c, 'a>(
    ctx: &'c Context<'a>,
    mut sink: Sink<'c>,
) -> Box<dyn Visitor<'a> + 'c> {
    check_root(ctx, &mut sink);
    check_placements(ctx, &mut sink);
    Box::new(WrongTypes {
        sink,
        unmet_choices: Vec::new(),
    })
}

/// A JSON root that is not an object. wrangler reads an array as a config with no settings
/// (a warning: it deploys nothing you wrote) and fails on a string, number, boolean or null.
fn check_root(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some((span, kind)) = ctx.parsed.root_not_object.clone() else {
        return;
    };
    let array = kind == "an array";
    let consequence = if array {
        "wrangler reads it as a config with no settings"
    } else {
        "wrangler cannot use it"
    };
    let diagnostic = sink
        .report(
            span,
            format!("the configuration is {kind}, not a JSON object: {consequence}"),
        )
        .with_help("write the configuration as one JSON object: `{ \"name\": \"my-worker\" }`");
    if array {
        diagnostic.severity = crate::Severity::Warning;
    }
}

fn check_placements(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let format = ctx.format();
    for site in ctx.placements {
        let suffix = site.environments_suffix();
        let path = site.scope.path("placement");
        let (table, hint_is_read) = match site.shape() {
            Shape::Hint(table) => (table, true),
            Shape::HintWithTargets(table) | Shape::Targeted(table) | Shape::ModeOnly(table) => {
                (table, false)
            }
            Shape::NotTable => {
                report_not_table(sink, site, &path, &suffix, format);
                continue;
            }
        };
        // `hint` must be a string only on the paths where wrangler looks at it.
        let mut string_keys = vec!["mode", "region", "host", "hostname"];
        if hint_is_read {
            string_keys.push("hint");
        }
        for entry in table.entries() {
            if string_keys.contains(&entry.key.as_str()) && entry.value.as_str().is_none() {
                let key_path = site.path(&entry.key);
                report_not_string(sink, entry, &key_path, &suffix, &site.environments);
            }
        }
    }
}

/// `placement = "smart"`: a fix rewrites it as a table when the string is a mode.
fn report_not_table(
    sink: &mut Sink<'_>,
    site: &PlacementSite<'_>,
    path: &str,
    suffix: &str,
    format: Format,
) {
    let value = &site.entry.value;
    let message = format!(
        "`{path}` must be a table, but it is {}{suffix}: wrangler rejects the config",
        article(value)
    );
    let diagnostic = sink
        .report(value.span, message)
        .with_help(format!(
            "write `{}`",
            placement_table_text(format, value.as_str().unwrap_or("smart"))
        ))
        .with_environments(&site.environments);
    if let Some(mode @ ("smart" | "off")) = value.as_str() {
        diagnostic.with_fix(Fix::new(
            format!("Rewrite as `{}`", placement_table_text(format, mode)),
            Applicability::Unsafe,
            vec![Edit::replace(
                value.span,
                placement_table_text(format, mode),
            )],
        ));
    }
}

/// Every value outside `placement` (which `check_placements` follows branch by branch, as
/// wrangler's placement validation does).
struct WrongTypes<'s> {
    sink: Sink<'s>,
    /// Values of a choice none of whose fields has its type (`observability.enabled =
    /// "true"` and no other `enabled`): PL304 reports them, with what wrangler requires.
    unmet_choices: Vec<Span>,
}

impl<'a> Visitor<'a> for WrongTypes<'_> {
    fn visits(&self) -> Visits {
        Visits {
            value: true,
            object: true,
            ..Visits::default()
        }
    }

    fn object(
        &mut self,
        _at: &At<'_, 'a>,
        _span: Option<Span>,
        table: &'a Table,
        shape: schema::Shape,
    ) {
        if let Some(written) = missing_required_key::unmet_choice(table, shape) {
            self.unmet_choices
                .extend(written.iter().map(|(_, node, _)| node.span));
        }
    }

    fn value(&mut self, at: &At<'_, 'a>, node: &'a Node, shape: schema::Shape) {
        if at.is_in_placement() || shape.types().is_any() || self.unmet_choices.contains(&node.span)
        {
            return;
        }
        let written = Types::of(node);
        // A type the schema allows can still be one wrangler refuses (`dev.container_engine`
        // as a table).
        if shape.types().accepts(written) && !shape.rejected_types().accepts(written) {
            if let Some(text) = node.as_str() {
                check_enum(&mut self.sink, at, node, text, shape);
            }
            return;
        }
        // wrangler reads a TOML date-time as a JavaScript `Date`: an object.
        let as_wrangler_sees_it = match node.kind {
            NodeKind::Datetime(_) => Types::OBJECT,
            _ => written,
        };
        let refused = shape.rejected_types().accepts(as_wrangler_sees_it);
        let path = at.path();
        let expected = expected_types(shape);
        let (must, consequence) = if refused {
            ("must", "wrangler refuses the config")
        } else if written == Types::ARRAY && shape.values().is_some() {
            // The schema walk checks each item as a value of the map.
            (
                "should",
                "wrangler reads it as a table whose keys are the indexes (`0`, `1`, ...)",
            )
        } else {
            ("should", "wrangler does not check it and takes it as it is")
        };
        let message = format!(
            "`{path}` {must} be {expected}, but it is {}{}: {consequence}",
            article(node),
            at.inherited_suffix()
        );
        let diagnostic = self
            .sink
            .report(node.span, message)
            .with_help(type_help(node, shape, &path))
            .with_environments(&at.environments());
        if !refused {
            diagnostic.severity = Severity::Warning;
        }
    }
}

/// A string outside the schema's values: an error where wrangler checks them (with the
/// closest value as a fix), else a warning.
fn check_enum(sink: &mut Sink<'_>, at: &At<'_, '_>, node: &Node, text: &str, shape: schema::Shape) {
    let choices = shape.enum_values();
    if choices.is_empty() || choices.contains(&text) {
        return;
    }
    let expected = choices
        .iter()
        .map(|choice| format!("\"{choice}\""))
        .collect::<Vec<_>>()
        .join(", ");
    let (must, consequence) = if shape.enum_is_checked() {
        ("must", "wrangler refuses the config")
    } else {
        ("should", "wrangler does not check it and takes it as it is")
    };
    let message = format!(
        "`{}` {must} be one of {expected}, but it is {}{}: {consequence}",
        at.path(),
        article(node),
        at.inherited_suffix()
    );
    let diagnostic = sink
        .report(node.span, message)
        .with_help(format!("use one of {expected}"))
        .with_environments(&at.environments());
    if !shape.enum_is_checked() {
        diagnostic.severity = Severity::Warning;
    }
    if let Some(suggestion) = crate::suggest::closest(text, choices.iter().copied()) {
        diagnostic.with_fix(Fix::new(
            format!("Replace with \"{suggestion}\""),
            Applicability::Unsafe,
            vec![Edit::replace(
                node.span,
                crate::edits::string_literal(suggestion),
            )],
        ));
    }
}

/// "a string", "a boolean or an array of strings", "a table".
fn expected_types(shape: schema::Shape) -> String {
    let mut names: Vec<String> = Vec::new();
    let types = shape.types();
    // " of strings", " of tables", " of strings or tables".
    let item = |shape: Option<schema::Shape>| {
        shape
            .filter(|items| !items.types().is_any())
            .map(|items| {
                let plurals: Vec<&str> = items
                    .types()
                    .names()
                    .filter(|name| !(*name == "integer" && items.types().contains(Types::NUMBER)))
                    .map(|name| match name {
                        "object" => "tables",
                        "string" => "strings",
                        "number" => "numbers",
                        "integer" => "integers",
                        "boolean" => "booleans",
                        "array" => "arrays",
                        _ => "nulls",
                    })
                    .collect();
                format!(" of {}", plurals.join(" or "))
            })
            .unwrap_or_default()
    };
    // The types wrangler takes: the schema's, less those wrangler refuses all the same.
    let refused = shape.rejected_types();
    let named = |name: &str| match name {
        "string" => Types::STRING,
        "number" => Types::NUMBER,
        "integer" => Types::INTEGER,
        "boolean" => Types::BOOLEAN,
        "array" => Types::ARRAY,
        "object" => Types::OBJECT,
        _ => Types::NULL,
    };
    for name in types.names().filter(|name| !refused.contains(named(name))) {
        let words = match name {
            "string" => "a string".to_owned(),
            "number" => "a number".to_owned(),
            "integer" if types.contains(Types::NUMBER) => continue,
            "integer" => "an integer".to_owned(),
            "boolean" => "a boolean".to_owned(),
            "array" => format!("an array{}", item(shape.items())),
            "object" => "a table".to_owned(),
            _ => "null".to_owned(),
        };
        names.push(words);
    }
    match names.split_last() {
        None => "something else".to_owned(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

fn type_help(node: &Node, shape: schema::Shape, path: &str) -> String {
    let wants_string = shape.types().contains(Types::STRING);
    match &node.kind {
        NodeKind::Number(text) | NodeKind::Datetime(text) if wants_string => {
            format!("quote it: `\"{text}\"`")
        }
        NodeKind::Bool(value) if wants_string => format!("quote it: `\"{value}\"`"),
        NodeKind::Table(_) if shape.types().contains(Types::ARRAY) => {
            format!("write it as an array: `[[{path}]]` tables in TOML, `[{{ ... }}]` in JSON")
        }
        NodeKind::Array(_) if shape.types().contains(Types::OBJECT) => {
            format!("write it as one table: `[{path}]` in TOML, `{{ ... }}` in JSON")
        }
        _ => format!("write {}", expected_types(shape)),
    }
}

fn report_not_string(
    sink: &mut Sink<'_>,
    entry: &Entry,
    path: &str,
    suffix: &str,
    environments: &[String],
) {
    let message = format!(
        "`{path}` must be a string, but it is {}{suffix}: wrangler rejects the config",
        article(&entry.value)
    );
    let help = match &entry.value.kind {
        NodeKind::Number(text) | NodeKind::Datetime(text) => format!("quote it: `\"{text}\"`"),
        NodeKind::Bool(value) => format!("quote it: `\"{value}\"`"),
        _ => format!("write `{}` as a string", entry.key),
    };
    sink.report(entry.value.span, message)
        .with_help(help)
        .with_environments(environments);
}

/// "the string \"smart\"", "the number 1", "an array", "a table", "null".
fn article(value: &Node) -> String {
    match &value.kind {
        NodeKind::String(_) => format!("the string {}", value.describe()),
        NodeKind::Number(_) => format!("the number {}", value.describe()),
        NodeKind::Bool(_) => format!("the boolean {}", value.describe()),
        NodeKind::Datetime(_) => format!("the date-time {}", value.describe()),
        NodeKind::Null => "null".to_owned(),
        NodeKind::Table(_) | NodeKind::Array(_) => value.describe(),
    }
}

fn placement_table_text(format: Format, mode: &str) -> String {
    match format {
        Format::Toml => format!("{{ mode = \"{mode}\" }}"),
        Format::Json => format!("{{ \"mode\": \"{mode}\" }}"),
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn placement_must_be_a_table() {
        let diagnostics = assert_rule(
            "PL004",
            Format::Toml,
            r#"placement = "smart"
            ^^^^^^^ PL004: `placement` must be a table, but it is the string "smart"
[env.staging]
placement = 1
            ^ PL004
"#,
        );
        assert_eq!(diagnostics[1].environments, ["staging"]);
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "placement": null, "env": { "s": { "placement": [] } } }
               ^^^^ PL004
                                                  ^^ PL004
"#,
        );
    }

    #[test]
    fn placement_fields_must_be_strings() {
        assert_rule(
            "PL004",
            Format::Toml,
            r"[placement]
mode = 1
       ^ PL004
[env.a.placement]
region = true
         ^^^^ PL004
",
        );
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "placement": { "mode": "smart", "hint": 1 } }
                                          ^ PL004
"#,
        );
    }

    #[test]
    fn assets_values_are_checked() {
        assert_rule(
            "PL004",
            Format::Toml,
            r#"assets = "public"
         ^^^^^^^^ PL004
[env.a.assets]
directory = 1
            ^ PL004
run_worker_first = "yes"
                   ^^^^^ PL004
html_handling = "bogus"
                ^^^^^^^ PL004
"#,
        );
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "assets": { "directory": "p", "run_worker_first": ["/api/*", 1] } }
                                                               ^ PL004
"#,
        );
    }

    #[test]
    fn a_map_written_as_an_array_is_read_by_index() {
        // wrangler reads `define = [...]` as `{ "0": ..., "1": ... }`: only the items that are
        // not strings are refused.
        let diagnostics = assert_rule(
            "PL004",
            Format::Toml,
            r#"define = ["a", { x = "b" }]
         ^^^^^^^^^^^^^^^^^^ PL004: `define` should be a table, but it is an array: wrangler reads it as a table whose keys are the indexes
               ^^^^^^^^^^^ PL004: `define[1]` must be a string, but it is a table: wrangler refuses the config
wasm_modules = ["a.wasm"]
               ^^^^^^^^^^ PL004: `wasm_modules` should be a table
[env.staging]
define = [1]
         ^^^ PL004: `env.staging.define` should be a table
          ^ PL004: `env.staging.define[0]` must be a string
"#,
        );
        assert_eq!(diagnostics[3].environments, ["staging"]);
        assert_eq!(diagnostics[1].severity, crate::Severity::Error);
        assert_eq!(diagnostics[0].severity, crate::Severity::Warning);
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "alias": [{ "a": "b" }], "text_blobs": ["t.txt"], "previews": { "define": [true] } }
           ^^^^^^^^^^^^^^ PL004: `alias` should be a table
            ^^^^^^^^^^^^ PL004: `alias[0]` must be a string
                                         ^^^^^^^^^ PL004: `text_blobs` should be a table
                                                                            ^^^^^^ PL004: `previews.define` should be a table
                                                                             ^^^^ PL004: `previews.define[0]` must be a string
"#,
        );
    }

    #[test]
    fn wrong_types_at_every_depth() {
        let diagnostics = assert_rule(
            "PL004",
            Format::Toml,
            r#"name = "w"
compatibility_date = 2024-01-01
                     ^^^^^^^^^^ PL004: `compatibility_date` must be a string, but it is the date-time 2024-01-01
durable_objects = [{ name = "R", class_name = "Room" }]
                  ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^ PL004: `durable_objects` must be a table, but it is an array: wrangler refuses the config
limits = { cpu_ms = "50" }
                    ^^^^ PL004: `limits.cpu_ms` must be a number
[env.staging]
kv_namespaces = { binding = "KV" }
                ^^^^^^^^^^^^^^^^^^ PL004: `env.staging.kv_namespaces` must be an array of tables, but it is a table
[env.staging.observability]
enabled = true
[env.staging.observability.logs]
enabled = "yes"
          ^^^^^ PL004: `env.staging.observability.logs.enabled` must be a boolean
[env.other.observability.logs]
enabled = "yes"
"#,
        );
        // (`env.other.observability` has no `enabled` of the right type at all: PL304's.)
        assert_eq!(diagnostics[3].environments, ["staging"]);
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "d1_databases": [{ "binding": 1 }], "env": { "x": { "routes": "a.com/*" } } }
                                ^ PL004: `d1_databases[0].binding` must be a string
                                                                ^^^^^^^^^ PL004: `env.x.routes` must be an array of strings or tables
"#,
        );
    }

    #[test]
    fn a_type_wrangler_does_not_check_is_a_warning() {
        let diagnostics = assert_rule(
            "PL004",
            Format::Toml,
            r#"limits = "unlimited"
         ^^^^^^^^^^^ PL004: `limits` should be a table, but it is the string "unlimited": wrangler does not check it
"#,
        );
        assert_eq!(diagnostics[0].severity, crate::Severity::Warning);
    }

    #[test]
    fn valid_values_do_not_fire() {
        assert_rule(
            "PL004",
            Format::Toml,
            r#"[placement]
mode = "smart"
[assets]
directory = "p"
run_worker_first = ["/api/*", "!/api/docs"]
not_found_handling = "404-page"
[env.x]
placement = { region = "aws:us-east-1" }
"#,
        );
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "placement": { "mode": "off", "hint": 1, "region": "aws:us-east-1" }, "assets": { "run_worker_first": true } }"#,
        );
    }

    #[test]
    fn a_service_bindings_environment_must_be_a_string() {
        // Not in wrangler's schema, but `validateServiceBinding` refuses anything but a string.
        assert_rule(
            "PL004",
            Format::Toml,
            r#"[[services]]
binding = "API"
service = "api"
environment = 1
              ^ PL004: `services[0].environment` must be a string, but it is the number 1: wrangler refuses the config
[[services]]
binding = "AUTH"
service = "auth"
environment = "production"
"#,
        );
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "env": { "x": { "services": [{ "binding": "API", "service": "api", "environment": ["production"] }] } } }
                                                                                    ^^^^^^^^^^^^^^ PL004: `env.x.services[0].environment` must be a string"#,
        );
        assert_rule(
            "PL004",
            Format::Json,
            r#"{ "services": [{ "binding": "API", "service": "api", "environment": "staging" }] }"#,
        );
    }

    #[test]
    fn fix_rewrites_a_bare_mode() {
        assert_eq!(
            apply_fix(
                "PL004",
                Format::Toml,
                r#"placement = "smart"
"#
            ),
            r#"placement = { mode = "smart" }
"#
        );
        assert_eq!(
            apply_fix("PL004", Format::Json, r#"{ "placement": "off" }"#),
            r#"{ "placement": { "mode": "off" } }"#
        );
    }
}
