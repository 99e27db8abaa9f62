//! placement-lint reports an error exactly when wrangler's own validation rejects a config.
//!
//! A matrix of placement configs (every mode, hint and target combination, with empty, wrongly
//! typed and null values, in TOML and JSONC, at the top level, in an environment and in
//! `previews`, and
//! `placement` values that are not tables) is written to disk and read by the pinned wrangler's
//! `unstable_readConfig` (through `tests/wrangler/validate.mjs`, once for all cases) with no
//! environment and with `--env staging`. wrangler rejects a config when either read throws; the
//! analysis must then report at least one error-severity diagnostic, and otherwise none.

mod support;

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use support::WrittenFormat as Format;

use placement_analysis::{Diagnostic, Severity, check_config};
use serde_json::{Value as Json, json};

/// A value written for one placement field.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Value {
    Str(&'static str),
    /// A value of the wrong type (every placement field must be a string).
    Int(i64),
    Bool(bool),
    /// Only in JSON: TOML has no null.
    Null,
}

impl Value {
    fn render(self) -> String {
        match self {
            Value::Str(text) => format!("\"{text}\""),
            Value::Int(number) => number.to_string(),
            Value::Bool(flag) => flag.to_string(),
            Value::Null => "null".to_owned(),
        }
    }
}

/// Where the `placement` under test is written.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Location {
    TopLevel,
    /// In `env.staging`; `with_top_level` also sets a valid top-level placement it overrides.
    Environment {
        with_top_level: bool,
    },
    /// In `previews` (validated the same way as the top level).
    Previews,
}

/// How a TOML placement table is spelled; rotated across cases (meaning is the same).
#[derive(Debug, Clone, Copy, PartialEq)]
enum TomlStyle {
    Header,
    Inline,
    Dotted,
}

/// The placement under test.
#[derive(Debug, Clone)]
enum Placement {
    /// A table with these fields, in this order (a repeated key is a JSON duplicate).
    Table(Vec<(&'static str, Value)>),
    /// A value that is not a table, as written.
    NotTable(&'static str),
}

struct Case {
    id: String,
    format: Format,
    text: String,
}

const VALID_TARGETS: [(&str, &str); 3] = [
    ("region", "aws:us-east-1"),
    ("host", "db.example.com:5432"),
    ("hostname", "api.example.com"),
];

fn modes(format: Format) -> Vec<Option<Value>> {
    let mut modes = vec![
        None,
        Some(Value::Str("smart")),
        Some(Value::Str("off")),
        Some(Value::Str("targeted")),
        Some(Value::Str("bogus")),
        Some(Value::Int(1)),
    ];
    if format == Format::Jsonc {
        modes.push(Some(Value::Null));
    }
    modes
}

fn hints(format: Format) -> Vec<Option<Value>> {
    let mut hints = vec![
        None,
        Some(Value::Str("x")),
        Some(Value::Str("")),
        Some(Value::Int(1)),
    ];
    if format == Format::Jsonc {
        hints.push(Some(Value::Null));
    }
    hints
}

/// No target; each target alone as a valid value, empty, or of the wrong type (and null in
/// JSON); pairs and the triple of targets.
fn target_sets(format: Format) -> Vec<Vec<(&'static str, Value)>> {
    let mut sets = vec![Vec::new()];
    for (key, valid) in VALID_TARGETS {
        sets.push(vec![(key, Value::Str(valid))]);
        sets.push(vec![(key, Value::Str(""))]);
        sets.push(vec![(key, Value::Int(1))]);
        if format == Format::Jsonc {
            sets.push(vec![(key, Value::Null)]);
        }
    }
    sets.push(vec![("hostname", Value::Bool(true))]);
    for (first, second) in [(0, 1), (0, 2), (1, 2)] {
        sets.push(vec![
            (VALID_TARGETS[first].0, Value::Str(VALID_TARGETS[first].1)),
            (VALID_TARGETS[second].0, Value::Str(VALID_TARGETS[second].1)),
        ]);
    }
    sets.push(vec![("region", Value::Str("")), ("host", Value::Int(1))]);
    sets.push(
        VALID_TARGETS
            .iter()
            .map(|(key, value)| (*key, Value::Str(value)))
            .collect(),
    );
    sets
}

/// Placements outside the mode x hint x target product: unknown keys (typos included) and, in
/// JSON, repeated keys (wrangler keeps the last value).
fn extra_placements(format: Format) -> Vec<Vec<(&'static str, Value)>> {
    let mut extras = vec![
        vec![("mde", Value::Str("smart"))],
        vec![("mode", Value::Str("smart")), ("foo", Value::Int(1))],
        vec![("hint", Value::Str("x")), ("mde", Value::Str("smart"))],
        vec![
            ("region", Value::Str("aws:us-east-1")),
            ("regoin", Value::Str("x")),
        ],
        vec![("mode", Value::Str("targeted")), ("regin", Value::Str("x"))],
        vec![
            ("mode", Value::Str("smart")),
            ("region", Value::Str("mars-1")),
        ],
        vec![("hostname", Value::Str("https://api.example.com/x"))],
        vec![("host", Value::Str("db.example.com"))],
        vec![("mode", Value::Str("off")), ("hint", Value::Str(""))],
    ];
    if format == Format::Jsonc {
        extras.extend([
            vec![("mode", Value::Str("bogus")), ("mode", Value::Str("smart"))],
            vec![("mode", Value::Str("smart")), ("mode", Value::Str("bogus"))],
            vec![
                ("region", Value::Str("")),
                ("region", Value::Str("aws:us-east-1")),
            ],
            vec![
                ("region", Value::Str("aws:us-east-1")),
                ("region", Value::Int(1)),
            ],
            vec![
                ("hint", Value::Str("x")),
                ("hint", Value::Int(1)),
                ("mode", Value::Str("smart")),
            ],
        ]);
    }
    extras
}

fn not_tables(format: Format) -> Vec<&'static str> {
    let mut values = vec!["\"smart\"", "\"off\"", "1", "true", "[]", "[\"smart\"]"];
    match format {
        Format::Toml => values.push("[{ mode = \"smart\" }]"),
        Format::Jsonc => values.extend(["null", "[{ \"mode\": \"smart\" }]"]),
    }
    values
}

fn placements(format: Format) -> Vec<Placement> {
    let mut placements = Vec::new();
    for mode in modes(format) {
        for hint in hints(format) {
            for targets in target_sets(format) {
                let mut fields = Vec::new();
                fields.extend(mode.map(|value| ("mode", value)));
                fields.extend(hint.map(|value| ("hint", value)));
                fields.extend(targets);
                placements.push(Placement::Table(fields));
            }
        }
    }
    placements.extend(extra_placements(format).into_iter().map(Placement::Table));
    placements.extend(not_tables(format).into_iter().map(Placement::NotTable));
    placements
}

const BASE_TOML: &str =
    "name = \"agreement\"\nmain = \"src/index.js\"\ncompatibility_date = \"2025-01-01\"\n";

fn toml_inline(fields: &[(&str, Value)]) -> String {
    let body = fields
        .iter()
        .map(|(key, value)| format!("{key} = {}", value.render()))
        .collect::<Vec<_>>()
        .join(", ");
    if body.is_empty() {
        "{}".to_owned()
    } else {
        format!("{{ {body} }}")
    }
}

fn toml_lines(fields: &[(&str, Value)], prefix: &str) -> String {
    fields
        .iter()
        .map(|(key, value)| format!("{prefix}{key} = {}\n", value.render()))
        .collect()
}

fn render_toml(placement: &Placement, location: Location, style: TomlStyle) -> String {
    let mut text = BASE_TOML.to_owned();
    let style = match placement {
        // A dotted placement with no fields would be no placement at all.
        Placement::Table(fields) if fields.is_empty() && style == TomlStyle::Dotted => {
            TomlStyle::Inline
        }
        _ => style,
    };
    // Lines inside the scope's own table (before any sub-table header), and the header form.
    let (body, header) = match placement {
        Placement::NotTable(value) => (format!("placement = {value}\n"), String::new()),
        Placement::Table(fields) => match style {
            TomlStyle::Inline => (
                format!("placement = {}\n", toml_inline(fields)),
                String::new(),
            ),
            TomlStyle::Dotted => (toml_lines(fields, "placement."), String::new()),
            TomlStyle::Header => (String::new(), toml_lines(fields, "")),
        },
    };
    let header_used = matches!(placement, Placement::Table(_)) && style == TomlStyle::Header;
    match location {
        Location::TopLevel => {
            text.push_str(&body);
            if header_used {
                text.push_str("[placement]\n");
                text.push_str(&header);
            }
            text.push_str("\n[env.staging]\nname = \"agreement-staging\"\n");
        }
        Location::Environment { with_top_level } => {
            if with_top_level {
                text.push_str("placement = { mode = \"smart\" }\n");
            }
            text.push_str("\n[env.staging]\nname = \"agreement-staging\"\n");
            text.push_str(&body);
            if header_used {
                text.push_str("\n[env.staging.placement]\n");
                text.push_str(&header);
            }
        }
        Location::Previews => {
            text.push_str("\n[previews]\n");
            text.push_str(&body);
            if header_used {
                text.push_str("\n[previews.placement]\n");
                text.push_str(&header);
            }
        }
    }
    text
}

fn json_object(fields: &[(&str, Value)], trailing_comma: bool) -> String {
    let body = fields
        .iter()
        .map(|(key, value)| format!("\"{key}\": {}", value.render()))
        .collect::<Vec<_>>()
        .join(", ");
    match (body.is_empty(), trailing_comma) {
        (true, _) => "{}".to_owned(),
        (false, true) => format!("{{ {body}, }}"),
        (false, false) => format!("{{ {body} }}"),
    }
}

fn render_jsonc(placement: &Placement, location: Location, trailing_commas: bool) -> String {
    let value = match placement {
        Placement::NotTable(value) => (*value).to_owned(),
        Placement::Table(fields) => json_object(fields, trailing_commas),
    };
    let comma = if trailing_commas { "," } else { "" };
    let mut text = String::from(
        "{\n  // generated by the wrangler agreement test\n  \"name\": \"agreement\",\n  \
         \"main\": \"src/index.js\",\n  \"compatibility_date\": \"2025-01-01\",\n",
    );
    match location {
        Location::TopLevel => {
            let _ = writeln!(text, "  \"placement\": {value},");
            let _ = writeln!(
                text,
                "  \"env\": {{ \"staging\": {{ \"name\": \"agreement-staging\"{comma} }}{comma} }}{comma}"
            );
        }
        Location::Environment { with_top_level } => {
            if with_top_level {
                text.push_str("  \"placement\": { \"mode\": \"smart\" },\n");
            }
            let _ = writeln!(
                text,
                "  \"env\": {{\n    \"staging\": {{\n      \"name\": \"agreement-staging\",\n      \
                 \"placement\": {value}{comma}\n    }}{comma}\n  }}{comma}"
            );
        }
        Location::Previews => {
            let _ = writeln!(
                text,
                "  \"previews\": {{ \"placement\": {value}{comma} }}{comma}"
            );
        }
    }
    text.push_str("}\n");
    text
}

fn cases() -> Vec<Case> {
    let mut cases = Vec::new();
    for format in [Format::Toml, Format::Jsonc] {
        for (index, placement) in placements(format).iter().enumerate() {
            let locations = [
                Location::TopLevel,
                Location::Environment {
                    with_top_level: index % 2 == 1,
                },
                Location::Previews,
            ];
            for location in locations {
                let text = match format {
                    Format::Toml => {
                        let style =
                            [TomlStyle::Header, TomlStyle::Inline, TomlStyle::Dotted][index % 3];
                        render_toml(placement, location, style)
                    }
                    Format::Jsonc => render_jsonc(placement, location, index % 2 == 0),
                };
                let id = format!("{}-{:04}", cases.len(), index);
                cases.push(Case { id, format, text });
            }
        }
    }
    cases
}

/// wrangler's verdict for each case: `None` when it accepts both reads, else its messages.
fn wrangler_verdicts(
    scratch: &Path,
    files: &[(String, PathBuf)],
) -> HashMap<String, Option<String>> {
    let requests: Vec<Json> = files
        .iter()
        .flat_map(|(id, file)| {
            [Json::Null, json!("staging")]
                .into_iter()
                .map(move |env| json!({ "id": id, "file": file, "env": env }))
        })
        .collect();
    let results = support::validate(scratch, &requests);
    let mut verdicts: HashMap<String, Option<String>> = HashMap::new();
    for (request, result) in requests.iter().zip(&results) {
        let id = result["id"].as_str().expect("result id").to_owned();
        let verdict = verdicts.entry(id).or_default();
        if result["ok"] != Json::Bool(true) {
            let env = request["env"].as_str().unwrap_or("(none)");
            let errors = result["errors"].as_str().unwrap_or_default();
            let entry = verdict.get_or_insert_with(String::new);
            let _ = writeln!(entry, "[env {env}] {errors}");
        }
    }
    verdicts
}

fn describe(diagnostics: &[Diagnostic]) -> String {
    if diagnostics.is_empty() {
        return "    (none)\n".to_owned();
    }
    diagnostics
        .iter()
        .map(|d| {
            format!(
                "    {} {} {:?} at {}..{}: {}\n",
                d.code(),
                d.severity.as_str(),
                d.environments,
                d.span.start,
                d.span.end,
                d.message
            )
        })
        .collect()
}

#[test]
fn errors_agree_with_wrangler() {
    let Some(_) = support::installed_wrangler("errors_agree_with_wrangler") else {
        return;
    };
    let scratch = tempfile::tempdir().unwrap();
    let cases = cases();
    assert!(
        cases.len() > 1000 && cases.len() < 5000,
        "{} cases",
        cases.len()
    );

    let mut files = Vec::with_capacity(cases.len());
    for case in &cases {
        let dir = scratch.path().join(&case.id);
        std::fs::create_dir(&dir).unwrap();
        let file = dir.join(case.format.file_name());
        std::fs::write(&file, &case.text).unwrap();
        files.push((case.id.clone(), file));
    }
    let verdicts = wrangler_verdicts(scratch.path(), &files);

    let mut report = String::new();
    let mut disagreements = 0;
    let mut rejected = 0;
    for (case, (_, file)) in cases.iter().zip(&files) {
        let wrangler = verdicts.get(&case.id).expect("a verdict per case");
        let diagnostics = check_config(file, &case.text);
        let has_error = diagnostics.iter().any(|d| d.severity == Severity::Error);
        rejected += usize::from(wrangler.is_some());
        if has_error == wrangler.is_some() {
            continue;
        }
        disagreements += 1;
        let _ = write!(
            report,
            "\n=== {} ({}): wrangler {}, placement-lint {}\n--- config\n{}--- wrangler\n{}\
             --- placement-lint\n{}",
            case.id,
            case.format.file_name(),
            if wrangler.is_some() {
                "rejects"
            } else {
                "accepts"
            },
            if has_error {
                "reports an error"
            } else {
                "reports no error"
            },
            case.text,
            wrangler.as_deref().unwrap_or("    (accepted)\n"),
            describe(&diagnostics)
        );
    }
    eprintln!(
        "{} cases, {rejected} rejected by wrangler, {disagreements} disagreements",
        cases.len()
    );
    assert!(
        rejected > 0 && rejected < cases.len(),
        "the matrix must hold both accepted and rejected configs"
    );
    assert!(
        disagreements == 0,
        "{disagreements} of {} configs disagree with wrangler:{report}",
        cases.len()
    );
}
