//! placement-lint's own settings (`placement-lint.toml`, `.placement-lint.toml`, or the
//! `"placement-lint"` key of `package.json`): reading one file's text into a [`SettingsLayer`],
//! with every unknown key or bad value reported at its place. Finding the files, following
//! `extend` and merging the layers is the caller's (it reads the disk); this module only reads
//! text, and applies what needs the config's tree (skipped environments).

use crate::diagnostic::{Diagnostic, Severity};
use crate::rule::Rule;
use crate::selection::unknown_selector;
use crate::span::Span;
use crate::syntax::{self, Entry, Format, Node, NodeKind, Table};
use crate::{all_rules, find_rule, suggest};

/// The key of `package.json` that holds placement-lint's settings.
pub const PACKAGE_JSON_KEY: &str = "placement-lint";

/// Every setting, as written in a settings file.
pub const SETTING_KEYS: &[&str] = &[
    "extend",
    "select",
    "extend-select",
    "ignore",
    "rules",
    "per-file-ignores",
    "exclude",
    "skip-environments",
    "wrangler-version",
];

/// A value with the span of the text it was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Located<T> {
    pub value: T,
    pub span: Span,
}

/// What a `[rules]` entry sets a rule to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    /// Not reported at all.
    Off,
    /// Reported at this severity instead of the rule's own.
    Severity(Severity),
}

impl RuleLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleLevel::Off => "off",
            RuleLevel::Severity(severity) => severity.as_str(),
        }
    }
}

/// The settings one file writes; what it leaves out is `None` (or empty), so that a file it
/// extends, or the defaults, decide.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SettingsLayer {
    pub extend: Option<Located<String>>,
    pub select: Option<Located<Vec<String>>>,
    pub extend_select: Option<Located<Vec<String>>>,
    pub ignore: Option<Located<Vec<String>>>,
    pub rules: Vec<(&'static Rule, Located<RuleLevel>)>,
    /// Glob (relative to the settings file's folder) to the selectors it ignores.
    pub per_file_ignores: Vec<(Located<String>, Vec<String>)>,
    pub exclude: Option<Located<Vec<Located<String>>>>,
    pub skip_environments: Option<Located<Vec<String>>>,
    pub wrangler_version: Option<Located<String>>,
}

/// An unknown key or a bad value, at its place in the settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SettingsError {
    pub span: Span,
    pub message: String,
    pub help: Option<String>,
}

impl SettingsError {
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
            help: None,
        }
    }

    fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// Where a settings file's settings are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SettingsSource {
    /// `placement-lint.toml` or `.placement-lint.toml`: the whole file.
    Toml,
    /// `package.json`: the object under [`PACKAGE_JSON_KEY`].
    PackageJson,
}

/// Reads one settings file's text. `None` for a `package.json` without the
/// `"placement-lint"` key (it holds no settings); otherwise the layer, with the errors found
/// (the layer keeps every setting that was valid).
pub fn parse_layer(
    text: &str,
    source: SettingsSource,
) -> Option<(SettingsLayer, Vec<SettingsError>)> {
    let format = match source {
        SettingsSource::Toml => Format::Toml,
        SettingsSource::PackageJson => Format::Json,
    };
    let parsed = syntax::parse(text, format);
    let mut errors: Vec<SettingsError> = parsed
        .errors
        .iter()
        .map(|error| SettingsError::new(error.span, error.message.clone()))
        .collect();
    let table = match source {
        SettingsSource::Toml => &parsed.root,
        SettingsSource::PackageJson => {
            let entry = parsed.root.get(PACKAGE_JSON_KEY)?;
            match entry.value.as_table() {
                Some(table) => table,
                None => {
                    errors.push(wrong_type(&entry.value, PACKAGE_JSON_KEY, "an object"));
                    return Some((SettingsLayer::default(), errors));
                }
            }
        }
    };
    let mut layer = SettingsLayer::default();
    for entry in table.entries() {
        read_setting(entry, &mut layer, &mut errors);
    }
    Some((layer, errors))
}

fn read_setting(entry: &Entry, layer: &mut SettingsLayer, errors: &mut Vec<SettingsError>) {
    let value = &entry.value;
    let key = entry.key.as_str();
    match key {
        "extend" => layer.extend = string(value, key, errors),
        "select" => layer.select = selectors(value, key, errors),
        "extend-select" => layer.extend_select = selectors(value, key, errors),
        "ignore" => layer.ignore = selectors(value, key, errors),
        "rules" => layer.rules = rule_levels(value, errors),
        "per-file-ignores" => layer.per_file_ignores = per_file_ignores(value, errors),
        "exclude" => {
            layer.exclude = strings(value, key, errors).map(|items| Located {
                value: items,
                span: value.span,
            })
        }
        "skip-environments" => {
            layer.skip_environments = strings(value, key, errors).map(|items| Located {
                value: items.into_iter().map(|item| item.value).collect(),
                span: value.span,
            })
        }
        "wrangler-version" => {
            layer.wrangler_version = string(value, key, errors).filter(|version| {
                let valid = crate::project::package::Version::parse(&version.value).is_some();
                if !valid {
                    errors.push(
                        SettingsError::new(
                            value.span,
                            format!(
                                "`wrangler-version` must be a version such as \"4.20.0\", found {}",
                                value.describe()
                            ),
                        )
                        .with_help("write the wrangler version to assume when none is installed"),
                    );
                }
                valid
            })
        }
        _ => errors.push(unknown_setting(entry)),
    }
}

fn unknown_setting(entry: &Entry) -> SettingsError {
    let error = SettingsError::new(entry.key_span, format!("unknown setting `{}`", entry.key));
    // `environments` is how the issue first named the list of environments to skip.
    let suggestion = if entry.key == "environments" {
        Some("skip-environments")
    } else {
        suggest::closest(&entry.key, SETTING_KEYS.iter().copied())
    };
    match suggestion {
        Some(key) => error.with_help(format!("did you mean `{key}`?")),
        None => error.with_help(format!("the settings are: {}", SETTING_KEYS.join(", "))),
    }
}

fn wrong_type(value: &Node, key: &str, expected: &str) -> SettingsError {
    SettingsError::new(
        value.span,
        format!(
            "`{key}` must be {expected}, found {} {}",
            article(value.type_name()),
            value.type_name()
        ),
    )
}

fn article(noun: &str) -> &'static str {
    if noun.starts_with(['a', 'e', 'i', 'o', 'u']) {
        "an"
    } else {
        "a"
    }
}

fn string(value: &Node, key: &str, errors: &mut Vec<SettingsError>) -> Option<Located<String>> {
    match value.as_str() {
        Some(text) => Some(Located {
            value: text.to_owned(),
            span: value.span,
        }),
        None => {
            errors.push(wrong_type(value, key, "a string"));
            None
        }
    }
}

fn strings(
    value: &Node,
    key: &str,
    errors: &mut Vec<SettingsError>,
) -> Option<Vec<Located<String>>> {
    let Some(items) = value.as_array() else {
        errors.push(wrong_type(value, key, "an array of strings"));
        return None;
    };
    let mut out = Vec::with_capacity(items.len());
    for item in items {
        match item.as_str() {
            Some(text) => out.push(Located {
                value: text.to_owned(),
                span: item.span,
            }),
            None => errors.push(wrong_type(
                item,
                &format!("each item of `{key}`"),
                "a string",
            )),
        }
    }
    Some(out)
}

/// An array of rule selectors, each checked to name a rule (did you mean, otherwise).
fn selectors(
    value: &Node,
    key: &str,
    errors: &mut Vec<SettingsError>,
) -> Option<Located<Vec<String>>> {
    let items = strings(value, key, errors)?;
    let mut valid = Vec::with_capacity(items.len());
    for item in items {
        match check_selector(&item) {
            Ok(()) => valid.push(item.value),
            Err(error) => errors.push(error),
        }
    }
    Some(Located {
        value: valid,
        span: value.span,
    })
}

fn check_selector(selector: &Located<String>) -> Result<(), SettingsError> {
    let (_, unknown) =
        crate::selection::RuleSelection::lenient(std::slice::from_ref(&selector.value), &[]);
    if unknown.is_empty() && !selector.value.trim().is_empty() {
        return Ok(());
    }
    let error = SettingsError::new(selector.span, unknown_selector(&selector.value));
    Err(match closest_rule(&selector.value) {
        Some(rule) => error.with_help(format!("did you mean `{rule}`?")),
        None => error,
    })
}

/// The rule code or name closest to a mistyped selector.
fn closest_rule(selector: &str) -> Option<&'static str> {
    // `closest` lowers the input's case: compare with lower-case codes, answer with the code.
    let lowered: Vec<String> = all_rules()
        .flat_map(|rule| [rule.code.to_ascii_lowercase(), rule.name.to_owned()])
        .collect();
    let found = suggest::closest(selector, lowered.iter().map(String::as_str))?;
    all_rules().find_map(|rule| {
        if rule.code.eq_ignore_ascii_case(found) {
            Some(rule.code)
        } else {
            (rule.name == found).then_some(rule.name)
        }
    })
}

fn rule_levels(
    value: &Node,
    errors: &mut Vec<SettingsError>,
) -> Vec<(&'static Rule, Located<RuleLevel>)> {
    let Some(table) = value.as_table() else {
        errors.push(wrong_type(
            value,
            "rules",
            "a table of rule codes or names to levels",
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in table.entries() {
        let Some(rule) = find_rule(&entry.key) else {
            let error = SettingsError::new(
                entry.key_span,
                format!(
                    "unknown rule `{}` (a `[rules]` key is one rule's code or name)",
                    entry.key
                ),
            );
            errors.push(match closest_rule(&entry.key) {
                Some(rule) => error.with_help(format!("did you mean `{rule}`?")),
                None => error.with_help("run `placement-lint rules` for the list"),
            });
            continue;
        };
        let level = match entry.value.as_str() {
            Some("off") => Some(RuleLevel::Off),
            Some("info") => Some(RuleLevel::Severity(Severity::Info)),
            Some("warning") => Some(RuleLevel::Severity(Severity::Warning)),
            Some("error") => Some(RuleLevel::Severity(Severity::Error)),
            _ => None,
        };
        match level {
            Some(level) => out.push((
                rule,
                Located {
                    value: level,
                    span: entry.value.span,
                },
            )),
            None => {
                let error = SettingsError::new(
                    entry.value.span,
                    format!(
                        "the level of `{}` must be \"error\", \"warning\", \"info\" or \"off\", \
                         found {}",
                        entry.key,
                        entry.value.describe()
                    ),
                );
                let typed = entry.value.as_str().unwrap_or_default();
                errors.push(match meant_level(typed) {
                    Some(level) => error.with_help(format!("did you mean \"{level}\"?")),
                    None => error,
                });
            }
        }
    }
    out
}

/// The level a mistyped one means: a typo, the short forms other linters take (`warn`, `err`),
/// or `note`, which the concise output prints for `info`.
fn meant_level(typed: &str) -> Option<&'static str> {
    const LEVELS: [&str; 4] = ["error", "warning", "info", "off"];
    let lowered = typed.to_ascii_lowercase();
    if let Some(level) = LEVELS.into_iter().find(|level| *level == lowered) {
        return Some(level);
    }
    if lowered == "note" {
        return Some("info");
    }
    if lowered.len() >= 3
        && let Some(level) = LEVELS.into_iter().find(|level| level.starts_with(&lowered))
    {
        return Some(level);
    }
    suggest::closest(typed, LEVELS)
}

fn per_file_ignores(
    value: &Node,
    errors: &mut Vec<SettingsError>,
) -> Vec<(Located<String>, Vec<String>)> {
    let Some(table) = value.as_table() else {
        errors.push(wrong_type(
            value,
            "per-file-ignores",
            "a table of globs to rule selectors",
        ));
        return Vec::new();
    };
    let mut out = Vec::new();
    for entry in table.entries() {
        let glob = Located {
            value: entry.key.clone(),
            span: entry.key_span,
        };
        let key = format!("per-file-ignores.\"{}\"", entry.key);
        if let Some(codes) = selectors(&entry.value, &key, errors) {
            out.push((glob, codes.value));
        }
    }
    out
}

/// Drops the diagnostics written inside a skipped environment (`[env.NAME]`, or `previews`),
/// and takes skipped names out of every other diagnostic's `environments`. `text` is the
/// config's text; diagnostics in other files are kept (their environments are trimmed).
pub fn skip_environments(
    config: &std::path::Path,
    text: &str,
    skipped: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) {
    if skipped.is_empty() {
        return;
    }
    let parsed = syntax::parse(text, crate::format_of(config));
    let mut skipped_ranges = Vec::new();
    if let Some(environments) = parsed.root.get_table("env") {
        for environment in environments.entries() {
            if skipped.contains(&environment.key) {
                collect_ranges(environment, &mut skipped_ranges);
            }
        }
    }
    if skipped.iter().any(|name| name == "previews")
        && let Some(previews) = parsed.root.get("previews")
    {
        collect_ranges(previews, &mut skipped_ranges);
    }
    diagnostics.retain(|diagnostic| {
        diagnostic.file != config
            || !skipped_ranges.iter().any(|range| {
                range.start <= diagnostic.span.start
                    && diagnostic.span.start < range.end.max(range.start + 1)
            })
    });
    for diagnostic in diagnostics.iter_mut() {
        diagnostic
            .environments
            .retain(|name| !skipped.contains(name));
    }
}

/// The text ranges of an entry and of everything written under it. A TOML table may be
/// written in several places (`[env.a]`, then `[env.a.vars]` further down), so each entry at
/// every depth adds its own range.
fn collect_ranges(entry: &Entry, out: &mut Vec<Span>) {
    out.push(Span::new(
        entry.key_span.start,
        entry.value.span.end.max(entry.key_span.end),
    ));
    match &entry.value.kind {
        NodeKind::Table(table) => collect_table(table, out),
        NodeKind::Array(items) => {
            for item in items {
                out.push(item.span);
                if let Some(table) = item.as_table() {
                    collect_table(table, out);
                }
            }
        }
        _ => {}
    }
}

fn collect_table(table: &Table, out: &mut Vec<Span>) {
    for entry in table.entries() {
        collect_ranges(entry, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn layer(text: &str) -> (SettingsLayer, Vec<SettingsError>) {
        parse_layer(text, SettingsSource::Toml).unwrap()
    }

    #[test]
    fn reads_every_setting() {
        let (layer, errors) = layer(
            r#"
extend = "../placement-lint.toml"
select = ["PL1", "PL2"]
extend-select = ["PL003"]
ignore = ["placement-hint-removed"]
exclude = ["legacy/**"]
skip-environments = ["dev"]
wrangler-version = "4.20.0"
[rules]
PL207 = "error"
unknown-key = "off"
[per-file-ignores]
"apps/*/wrangler.toml" = ["PL003"]
"#,
        );
        assert_eq!(errors, []);
        assert_eq!(layer.extend.unwrap().value, "../placement-lint.toml");
        assert_eq!(layer.select.unwrap().value, ["PL1", "PL2"]);
        assert_eq!(layer.extend_select.unwrap().value, ["PL003"]);
        assert_eq!(layer.ignore.unwrap().value, ["placement-hint-removed"]);
        assert_eq!(layer.exclude.unwrap().value[0].value, "legacy/**");
        assert_eq!(layer.skip_environments.unwrap().value, ["dev"]);
        assert_eq!(layer.wrangler_version.unwrap().value, "4.20.0");
        let levels: Vec<_> = layer
            .rules
            .iter()
            .map(|(rule, level)| (rule.code, level.value))
            .collect();
        assert_eq!(
            levels,
            [
                ("PL207", RuleLevel::Severity(Severity::Error)),
                ("PL003", RuleLevel::Off)
            ]
        );
        assert_eq!(layer.per_file_ignores[0].0.value, "apps/*/wrangler.toml");
        assert_eq!(layer.per_file_ignores[0].1, ["PL003"]);
    }

    #[test]
    fn reports_unknown_keys_and_bad_values_where_they_are() {
        let text = "selct = [\"PL1\"]\nignore = \"PL101\"\nselect = [\"PL9\", \"placement-hint-remved\"]\n[rules]\nPL207 = \"eror\"\nPL999 = \"off\"\n";
        let (_, errors) = layer(text);
        let found: Vec<(&str, &str, Option<&str>)> = errors
            .iter()
            .map(|error| {
                (
                    &text[error.span.start..error.span.end],
                    error.message.as_str(),
                    error.help.as_deref(),
                )
            })
            .collect();
        assert_eq!(found[0].0, "selct");
        assert_eq!(found[0].2, Some("did you mean `select`?"));
        assert_eq!(found[1].0, "\"PL101\"");
        assert!(
            found[1]
                .1
                .contains("must be an array of strings, found a string")
        );
        assert_eq!(found[2].0, "\"PL9\"");
        assert_eq!(found[3].0, "\"placement-hint-remved\"");
        assert_eq!(found[3].2, Some("did you mean `placement-hint-removed`?"));
        assert_eq!(found[4].0, "\"eror\"");
        assert_eq!(found[4].2, Some("did you mean \"error\"?"));
        assert_eq!(found[5].0, "PL999");
        assert_eq!(errors.len(), 6);
    }

    #[test]
    fn mistyped_levels_get_the_level_they_mean() {
        for (typed, meant) in [
            ("warn", Some("warning")),
            ("Warning", Some("warning")),
            ("err", Some("error")),
            ("note", Some("info")),
            ("of", Some("off")),
            ("ignore", None),
            ("erorr", Some("error")),
        ] {
            assert_eq!(meant_level(typed), meant, "{typed}");
        }
    }

    #[test]
    fn package_json_without_the_key_holds_no_settings() {
        assert!(parse_layer(r#"{"name": "x"}"#, SettingsSource::PackageJson).is_none());
        let (layer, errors) = parse_layer(
            r#"{"name": "x", "placement-lint": {"ignore": ["PL101"]}}"#,
            SettingsSource::PackageJson,
        )
        .unwrap();
        assert_eq!(errors, []);
        assert_eq!(layer.ignore.unwrap().value, ["PL101"]);
        let (_, errors) =
            parse_layer(r#"{"placement-lint": true}"#, SettingsSource::PackageJson).unwrap();
        assert!(errors[0].message.contains("must be an object"));
    }

    #[test]
    fn skipped_environments_drop_their_diagnostics() {
        let path = std::path::Path::new("/p/wrangler.toml");
        let text = "[placement]\nhint = \"wnam\"\n[env.dev.placement]\nhint = \"wnam\"\n[env.prod]\nname = \"x\"\n";
        let mut diagnostics = crate::check_config(path, text);
        let before = diagnostics.len();
        assert!(before >= 2);
        skip_environments(path, text, &["dev".to_owned()], &mut diagnostics);
        assert_eq!(diagnostics.len(), before - 1);
        assert!(
            diagnostics
                .iter()
                .all(|d| !d.environments.contains(&"dev".to_owned()))
        );
        assert!(
            diagnostics
                .iter()
                .all(|d| d.span.start < text.find("[env.dev").unwrap())
        );
    }
}
