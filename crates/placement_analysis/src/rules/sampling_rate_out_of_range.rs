use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::schema::Shape;
use crate::syntax::{NodeKind, Table};
use crate::value_sites::parse_number;

declare_rule! {
    /// ## What it does
    /// Reports a sampling rate of `observability` outside 0 to 1: `head_sampling_rate` of
    /// `observability`, `observability.logs` and `observability.traces` (every key of
    /// `observability` whose name ends in `sampling_rate`, as the key catalog lists them), at
    /// the top level, in `[previews]` and in every `[env.NAME]`.
    ///
    /// ## Why is this bad?
    /// A sampling rate is the fraction of requests that are logged or traced: `1` is every
    /// request, `0.01` one in a hundred. Wrangler refuses the config ("must be a value between 0
    /// and 1"). A percentage (`10` for 10%) is the usual mistake.
    ///
    /// ## Example
    /// ```toml
    /// [observability]
    /// enabled = true
    /// head_sampling_rate = 10
    /// ```
    /// ```jsonc
    /// { "observability": { "logs": { "enabled": true, "head_sampling_rate": 1.5 } } }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [observability]
    /// enabled = true
    /// head_sampling_rate = 0.1
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether `10` meant 10% or every request is the author's choice.
    ///
    /// ## References
    /// - [Workers Logs](https://developers.cloudflare.com/workers/observability/logs/workers-logs/)
    pub static SAMPLING_RATE_OUT_OF_RANGE = {
        code: "PL324",
        name: "sampling-rate-out-of-range",
        severity: Error,
        fix: FixAvailability::None,
        summary: "An `observability` sampling rate outside 0 to 1",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    let Some(shape) = Shape::root()
        .key("observability")
        .and_then(|key| key.shape().object())
    else {
        return;
    };
    for scope in &ctx.model.scopes {
        let Some(table) = scope.table.get_table("observability") else {
            continue;
        };
        let environments = ctx.model.environments_using(scope, "observability");
        let suffix = scope.inherited_suffix(&environments);
        let mut report = |path: String, span, value: f64| {
            let hint = if value > 1.0 && value <= 100.0 {
                format!("; for {value}% write {}", value / 100.0)
            } else {
                String::new()
            };
            sink.report(
                span,
                format!(
                    "wrangler refuses this config: `{}` is {value}, but a sampling rate is a \
                     fraction between 0 and 1{suffix}",
                    scope.path(&path)
                ),
            )
            .with_help(format!(
                "write the fraction of requests to sample: 1 for all, 0.1 for one in ten{hint}"
            ))
            .with_environments(&environments);
        };
        visit(table, shape, "observability", &mut report);
    }
}

/// Reports every sampling rate out of range in `table` and the known tables below it.
fn visit(
    table: &Table,
    shape: Shape,
    path: &str,
    report: &mut dyn FnMut(String, crate::span::Span, f64),
) {
    for entry in table.entries() {
        let Some(key) = shape.key(&entry.key) else {
            continue;
        };
        let path = format!("{path}.{}", entry.key);
        match &entry.value.kind {
            NodeKind::Number(text) if entry.key.ends_with("sampling_rate") => {
                // Wrangler skips 0 and NaN (JavaScript falsy), and compares the rest.
                if let Some(value) = parse_number(text)
                    && value != 0.0
                    && !(0.0..=1.0).contains(&value)
                    && !value.is_nan()
                {
                    report(path, entry.value.span, value);
                }
            }
            NodeKind::Table(child) => {
                if let Some(child_shape) = key.shape().object() {
                    visit(child, child_shape, &path, report);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_outside_zero_to_one() {
        assert_rule(
            "PL324",
            Format::Toml,
            r#"[observability]
enabled = true
head_sampling_rate = 10
                     ^^ PL324: `observability.head_sampling_rate` is 10, but a sampling rate is a fraction between 0 and 1 (inherited by environment `a`)
logs = { head_sampling_rate = 0.5 }
traces = { head_sampling_rate = -0.5 }
                                ^^^^ PL324: `observability.traces.head_sampling_rate`
[env.a]
name = "a"
[env.b.observability]
logs = { head_sampling_rate = 1.5 }
                              ^^^ PL324: `env.b.observability.logs.head_sampling_rate`
"#,
        );
        assert_rule(
            "PL324",
            Format::Json,
            r#"{
  "observability": { "head_sampling_rate": 1, "logs": { "head_sampling_rate": 0 } },
  "previews": { "observability": { "traces": { "head_sampling_rate": 1e2 } } }
                                                                     ^^^ PL324: `previews.observability.traces.head_sampling_rate`
}
"#,
        );
    }
}
