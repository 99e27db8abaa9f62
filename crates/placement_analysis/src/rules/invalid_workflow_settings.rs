use crate::context::{Context, Sink};
use crate::diagnostic::Severity;
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Node, NodeKind};
use crate::value_sites::{number, show_number, tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports the settings of a Workflow binding (`[[workflows]]`) that wrangler refuses, at
    /// the top level, in `[previews]` and in every `[env.NAME]`:
    /// - `schedules`: an empty string, an empty list, or a list with an empty string;
    /// - `limits.steps` and `concurrency.limit`: not a whole number of at least 1;
    /// - `default_retention.success_retention` and `error_retention`: not a whole number of
    ///   milliseconds of at least 1 nor a duration such as `"3 days"`.
    ///
    /// And, as a warning, `limits.steps` over 25,000, the production maximum.
    ///
    /// (The same settings on a Workflow `exports` entry are PL330's; their types are PL004's.)
    ///
    /// ## Why is this bad?
    /// Wrangler refuses the config ("must be a positive integer", "must not be an empty
    /// array"): nothing deploys. A step limit over the production maximum is accepted, but
    /// "may not work when deployed".
    ///
    /// ## Example
    /// ```toml
    /// [[workflows]]
    /// binding = "CHECKOUT"
    /// name = "checkout"
    /// class_name = "Checkout"
    /// schedules = []
    /// limits = { steps = 0 }
    /// ```
    /// ```jsonc
    /// { "workflows": [{ "binding": "C", "name": "c", "class_name": "C", "concurrency": { "limit": 0.5 } }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[workflows]]
    /// binding = "CHECKOUT"
    /// name = "checkout"
    /// class_name = "Checkout"
    /// limits = { steps = 100 }
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the value meant is the author's choice.
    ///
    /// ## References
    /// - [Workflows configuration](https://developers.cloudflare.com/workflows/build/workers-api/)
    pub static INVALID_WORKFLOW_SETTINGS = {
        code: "PL355",
        name: "invalid-workflow-settings",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A Workflow binding's schedules, limits, concurrency or retention that wrangler refuses",
    }
}

/// The most steps a Workflow may take in production.
const PRODUCTION_MAX_STEPS: f64 = 25_000.0;

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        for site in tables_at(scope.table, &["workflows", "[]"]) {
            let mut refuse = |node: &Node, key: &str, why: &str| {
                sink.report(
                    node.span,
                    format!(
                        "wrangler refuses this config: `{}` is {}, but {why}",
                        site.path(scope, key),
                        node.describe()
                    ),
                )
                .with_help("write a value wrangler accepts, or remove the setting")
                .with_environments(&scope.environments());
            };
            let table = site.table;
            if let Some(schedules) = table.get("schedules") {
                match &schedules.value.kind {
                    NodeKind::String(text) if text.is_empty() => {
                        refuse(
                            &schedules.value,
                            "schedules",
                            "a schedule is a cron expression",
                        );
                    }
                    NodeKind::Array(items) if items.is_empty() => {
                        refuse(
                            &schedules.value,
                            "schedules",
                            "a list of schedules has at least one",
                        );
                    }
                    NodeKind::Array(items) if items.iter().all(|item| item.as_str().is_some()) => {
                        for (index, item) in items.iter().enumerate() {
                            if item.as_str() == Some("") {
                                refuse(
                                    item,
                                    &format!("schedules[{index}]"),
                                    "a schedule is a cron expression",
                                );
                            }
                        }
                    }
                    _ => {}
                }
            }
            let limits = table.get_table("limits");
            if let Some(steps) = limits.and_then(|limits| limits.get("steps"))
                && number(&steps.value).is_some_and(|value| !is_positive_integer(value))
            {
                refuse(
                    &steps.value,
                    "limits.steps",
                    "it is a whole number of at least 1",
                );
            }
            if let Some(limit) = table
                .get_table("concurrency")
                .and_then(|concurrency| concurrency.get("limit"))
                && number(&limit.value).is_some_and(|value| !is_positive_integer(value))
            {
                refuse(
                    &limit.value,
                    "concurrency.limit",
                    "it is a whole number of at least 1",
                );
            }
            if let Some(retention) = table.get_table("default_retention") {
                for key in ["success_retention", "error_retention"] {
                    let Some(entry) = retention.get(key) else {
                        continue;
                    };
                    let wrong = match &entry.value.kind {
                        NodeKind::String(text) => text.is_empty(),
                        NodeKind::Number(_) => {
                            number(&entry.value).is_some_and(|value| !is_positive_integer(value))
                        }
                        _ => false,
                    };
                    if wrong {
                        refuse(
                            &entry.value,
                            &format!("default_retention.{key}"),
                            "a retention is a whole number of milliseconds of at least 1, or a \
                             duration such as \"3 days\"",
                        );
                    }
                }
            }
            if let Some(steps) = limits.and_then(|limits| limits.get("steps"))
                && let Some(value) = number(&steps.value)
                && is_positive_integer(value)
                && value > PRODUCTION_MAX_STEPS
            {
                sink.report(
                    steps.value.span,
                    format!(
                        "`{}` is {}, over the production maximum of 25,000 steps: wrangler warns \
                         that it may not work when deployed",
                        site.path(scope, "limits.steps"),
                        show_number(value)
                    ),
                )
                .with_help("keep the step limit at 25,000 or less")
                .with_environments(&scope.environments())
                .severity = Severity::Warning;
            }
        }
    }
}

/// `Number.isInteger(value) && value >= 1`.
fn is_positive_integer(value: f64) -> bool {
    value.fract() == 0.0 && value >= 1.0
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Severity;
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_each_setting() {
        let diagnostics = assert_rule(
            "PL355",
            Format::Toml,
            r#"[[workflows]]
binding = "F"
name = "f"
class_name = "F"
schedules = []
            ^^ PL355: `workflows[0].schedules` is an array, but a list of schedules has at least one
limits = { steps = 0 }
                   ^ PL355: `workflows[0].limits.steps` is 0, but it is a whole number of at least 1
concurrency = { limit = 1.5 }
                        ^^^ PL355: `workflows[0].concurrency.limit`
default_retention = { success_retention = -1, error_retention = "" }
                                          ^^ PL355: `workflows[0].default_retention.success_retention`
                                                                ^^ PL355: `workflows[0].default_retention.error_retention`
[[workflows]]
binding = "G"
name = "g"
class_name = "G"
schedules = ["0 * * * *", ""]
                          ^^ PL355: `workflows[1].schedules[1]`
limits = { steps = 30000 }
                   ^^^^^ PL355: `workflows[1].limits.steps` is 30000, over the production maximum
default_retention = { success_retention = "3 days", error_retention = 86400000 }
[env.staging]
workflows = [{ binding = "H", name = "h", class_name = "H", schedules = "" }]
                                                                        ^^ PL355: `env.staging.workflows[0].schedules`
"#,
        );
        let warnings: Vec<_> = diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .collect();
        assert_eq!(warnings.len(), 1);
    }
}
