use crate::context::{Context, Sink};
use crate::rule::{FixAvailability, declare_rule};
use crate::span::Span;
use crate::syntax::{Node, Table};
use crate::value_sites::{ValueScope, number, number_of, show_number, tables_at, value_scopes};

declare_rule! {
    /// ## What it does
    /// Reports a number outside the range or the set of values wrangler accepts, at the top
    /// level, in `[previews]` and in every `[env.NAME]`:
    /// - a `connect` handler's `port`, and a container's `ssh.port` (or `wrangler_ssh.port`):
    ///   a whole number from 1 to 65535;
    /// - a rate limit's `simple.period`: 10 or 60 (seconds);
    /// - a container's `max_instances` and `rollout_active_grace_period`: not negative;
    /// - a container's `rollout_step_percentage`: one of 5, 10, 20, 25, 50 and 100, or a list of
    ///   steps from 10 to 100, ascending, ending at 100, and no more steps than `max_instances`;
    /// - a container's `observability.target_instance_percentage` (a whole number from 1 to 99)
    ///   and `observability.target_instance_count` (a whole number of at least 1);
    /// - `durable_objects.code_update_strategy.max_delay`: 0 to 86400 seconds, in whole
    ///   milliseconds.
    ///
    /// ## Why is this bad?
    /// Wrangler checks these numbers as it reads the config and refuses it: nothing deploys
    /// until the value is in range.
    ///
    /// ## Example
    /// ```toml
    /// [[ratelimits]]
    /// name = "LOGINS"
    /// namespace_id = "1001"
    /// simple = { limit = 5, period = 30 }
    /// ```
    /// ```jsonc
    /// { "connect": [{ "protocol": "tcp", "port": 70000 }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[ratelimits]]
    /// name = "LOGINS"
    /// namespace_id = "1001"
    /// simple = { limit = 10, period = 60 }
    /// ```
    ///
    /// ## Fix safety
    /// No fix: the value in range that was meant is the author's choice.
    ///
    /// ## References
    /// - [Rate limiting](https://developers.cloudflare.com/workers/runtime-apis/bindings/rate-limit/)
    /// - [Containers configuration](https://developers.cloudflare.com/workers/wrangler/configuration/#containers)
    pub static VALUE_OUT_OF_RANGE = {
        code: "PL351",
        name: "value-out-of-range",
        severity: Error,
        fix: FixAvailability::None,
        summary: "A port, rate limit period, container setting or delay outside what wrangler accepts",
    }
}

const PORT: &str = "a port is a whole number from 1 to 65535";
const ROLLOUT_STEPS: [f64; 6] = [5.0, 10.0, 20.0, 25.0, 50.0, 100.0];
const MAX_DELAY_SECONDS: f64 = 86_400.0;

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in value_scopes(ctx) {
        let mut reporter = Reporter {
            sink: &mut *sink,
            scope,
        };
        for site in tables_at(scope.table, &["connect", "[]"]) {
            if let Some((entry, port)) = number_of(site.table, "port")
                && !is_port(port)
            {
                reporter.out_of_range(&entry.value, &site.path(scope, "port"), PORT);
            }
        }
        for site in tables_at(scope.table, &["ratelimits", "[]", "simple"]) {
            if let Some((entry, period)) = number_of(site.table, "period")
                && period != 10.0
                && period != 60.0
            {
                reporter.out_of_range(
                    &entry.value,
                    &site.path(scope, "period"),
                    "a rate limit's period is 10 or 60 (seconds)",
                );
            }
        }
        for site in tables_at(scope.table, &["containers", "[]"]) {
            let path = |key: &str| site.path(scope, key);
            container(&mut reporter, site.table, &path);
        }
        if !scope.is_previews() {
            for site in tables_at(scope.table, &["durable_objects", "code_update_strategy"]) {
                if let Some((entry, delay)) = number_of(site.table, "max_delay")
                    && let Some(why) = max_delay_problem(delay)
                {
                    reporter.out_of_range(&entry.value, &site.path(scope, "max_delay"), why);
                }
            }
        }
    }
}

struct Reporter<'r, 's> {
    sink: &'r mut Sink<'s>,
    scope: &'r ValueScope<'r>,
}

impl Reporter<'_, '_> {
    fn out_of_range(&mut self, value: &Node, path: &str, rule: &str) {
        self.refuse(
            value.span,
            format!("`{path}` is {}, but {rule}", value.describe()),
        );
    }

    fn refuse(&mut self, span: Span, what: String) {
        self.sink
            .report(span, format!("wrangler refuses this config: {what}"))
            .with_help("write a value in the range wrangler accepts")
            .with_environments(&self.scope.environments());
    }
}

/// The checks of `validateContainerApp` and `validateContainerObservability` on numbers.
fn container(reporter: &mut Reporter<'_, '_>, table: &Table, path: &dyn Fn(&str) -> String) {
    let durable_object_managed = table
        .get("scheduling_policy")
        .and_then(|e| e.value.as_str())
        == Some("durable_object");
    // wrangler reads `wrangler_ssh` only when `ssh` is absent, and only for other containers.
    let ssh_key = if table.get("ssh").is_some() || durable_object_managed {
        "ssh"
    } else {
        "wrangler_ssh"
    };
    if let Some(ssh) = table.get_table(ssh_key)
        && let Some((entry, port)) = number_of(ssh, "port")
        && !is_port(port)
    {
        reporter.out_of_range(&entry.value, &path(&format!("{ssh_key}.port")), PORT);
    }
    if let Some(observability) = table.get_table("observability") {
        if let Some((entry, value)) = number_of(observability, "target_instance_percentage")
            && !(value.fract() == 0.0 && (1.0..=99.0).contains(&value))
        {
            reporter.out_of_range(
                &entry.value,
                &path("observability.target_instance_percentage"),
                "it is a whole number from 1 to 99",
            );
        }
        if let Some((entry, value)) = number_of(observability, "target_instance_count")
            && !(value.fract() == 0.0 && value >= 1.0)
        {
            reporter.out_of_range(
                &entry.value,
                &path("observability.target_instance_count"),
                "it is a whole number of at least 1",
            );
        }
    }
    if durable_object_managed {
        return;
    }
    let max_instances = number_of(table, "max_instances");
    if let Some((entry, value)) = max_instances
        && value < 0.0
    {
        reporter.out_of_range(
            &entry.value,
            &path("max_instances"),
            "it may not be negative",
        );
    }
    if let Some((entry, value)) = number_of(table, "rollout_active_grace_period")
        && value < 0.0
    {
        reporter.out_of_range(
            &entry.value,
            &path("rollout_active_grace_period"),
            "it may not be negative",
        );
    }
    let Some(steps) = table.get("rollout_step_percentage") else {
        return;
    };
    let steps_path = path("rollout_step_percentage");
    if let Some(step) = number(&steps.value) {
        if !ROLLOUT_STEPS.contains(&step) {
            reporter.out_of_range(
                &steps.value,
                &steps_path,
                "a single rollout step is 5, 10, 20, 25, 50 or 100 (percent)",
            );
        }
        return;
    }
    let Some(items) = steps.value.as_array() else {
        return;
    };
    rollout_steps(reporter, items, &steps_path);
    if let Some((_, max)) = max_instances
        && items.len() as f64 > max
    {
        reporter.refuse(
            steps.value.span,
            format!(
                "`{steps_path}` has {} steps, more than `max_instances` ({})",
                items.len(),
                show_number(max)
            ),
        );
    }
}

/// A list of rollout steps: each from 10 to 100, ascending, the last 100.
fn rollout_steps(reporter: &mut Reporter<'_, '_>, items: &[Node], path: &str) {
    let numbers: Vec<Option<f64>> = items.iter().map(number).collect();
    for (index, item) in items.iter().enumerate() {
        if let Some(step) = numbers[index]
            && !(10.0..=100.0).contains(&step)
        {
            reporter.out_of_range(
                item,
                &format!("{path}[{index}]"),
                "each rollout step is from 10 to 100 (percent)",
            );
        }
    }
    // wrangler checks the order and the last step only on a list of numbers.
    let Some(steps) = numbers.iter().copied().collect::<Option<Vec<f64>>>() else {
        return;
    };
    if let Some(index) = (1..steps.len()).find(|&index| steps[index] < steps[index - 1]) {
        reporter.refuse(
            items[index].span,
            format!(
                "`{path}` must ascend, but step {} follows {}",
                show_number(steps[index]),
                show_number(steps[index - 1])
            ),
        );
    }
    if let (Some(last), Some(item)) = (steps.last(), items.last())
        && *last != 100.0
    {
        reporter.refuse(
            item.span,
            format!(
                "the last step of `{path}` is {}, but a rollout ends at 100",
                show_number(*last)
            ),
        );
    }
}

/// `Number.isInteger(port) && 1 <= port <= 65535`.
fn is_port(port: f64) -> bool {
    port.fract() == 0.0 && (1.0..=65535.0).contains(&port)
}

/// Why `validateDurableObjectsProperty` refuses a `max_delay` (in seconds), if it does.
fn max_delay_problem(delay: f64) -> Option<&'static str> {
    if !delay.is_finite() || !(0.0..=MAX_DELAY_SECONDS).contains(&delay) {
        return Some("a code update's `max_delay` is from 0 to 86400 seconds");
    }
    let milliseconds = delay * 1000.0;
    // JavaScript's Math.round rounds halves up.
    let rounded = (milliseconds + 0.5).floor();
    ((delay > 0.0 && rounded == 0.0) || (milliseconds - rounded).abs() > 1e-6)
        .then_some("a code update's `max_delay` is in whole milliseconds (at most 3 decimals)")
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_ports_periods_and_delays() {
        assert_rule(
            "PL351",
            Format::Toml,
            r#"connect = [
  { protocol = "tcp", port = 8080 },
  { protocol = "udp", port = 0 },
                             ^ PL351: wrangler refuses this config: `connect[1].port` is 0, but a port is a whole number from 1 to 65535
  { protocol = "tcp", port = 22.5 },
                             ^^^^ PL351: `connect[2].port`
]
[[ratelimits]]
name = "LOGINS"
namespace_id = "1001"
simple = { limit = 5, period = 30 }
                               ^^ PL351: `ratelimits[0].simple.period` is 30, but a rate limit's period is 10 or 60
[durable_objects]
code_update_strategy = { mode = "deferred", max_delay = 0.0001 }
                                                        ^^^^^^ PL351: in whole milliseconds
[env.staging]
[[env.staging.ratelimits]]
name = "LOGINS"
namespace_id = "1001"
simple = { limit = 5, period = 60 }
[env.staging.durable_objects]
code_update_strategy = { mode = "deferred", max_delay = 90000 }
                                                        ^^^^^ PL351: `env.staging.durable_objects.code_update_strategy.max_delay` is 90000
"#,
        );
    }

    #[test]
    fn fires_on_container_numbers() {
        assert_rule(
            "PL351",
            Format::Json,
            r#"{
  "containers": [
    {
      "class_name": "Box", "image": "docker.io/library/nginx:1",
      "max_instances": 2, "rollout_active_grace_period": -1,
                                                         ^^ PL351: `containers[0].rollout_active_grace_period` is -1
      "rollout_step_percentage": [50, 20, 5, 90],
                                 ^^^^^^^^^^^^^^^ PL351: has 4 steps, more than `max_instances` (2)
                                          ^ PL351: `containers[0].rollout_step_percentage[2]` is 5, but each rollout step is from 10 to 100
                                      ^^ PL351: must ascend, but step 20 follows 50
                                             ^^ PL351: the last step of `containers[0].rollout_step_percentage` is 90
      "ssh": { "enabled": true, "port": 70000 },
                                        ^^^^^ PL351: `containers[0].ssh.port`
      "observability": { "enabled": true, "target_instance_percentage": 100 }
                                                                        ^^^ PL351: `containers[0].observability.target_instance_percentage` is 100
    },
    { "class_name": "Other", "image": "docker.io/library/nginx:1", "rollout_step_percentage": 15, "max_instances": -3 }
                                                                                              ^^ PL351: a single rollout step is 5, 10, 20, 25, 50 or 100
                                                                                                                   ^^ PL351: `containers[1].max_instances` is -3
  ],
  "env": { "staging": { "containers": [{ "class_name": "Box", "scheduling_policy": "durable_object", "observability": { "enabled": true, "target_instance_count": 0 } }] } }
                                                                                                                                                                  ^ PL351: `env.staging.containers[0].observability.target_instance_count` is 0
}
"#,
        );
    }

    #[test]
    fn quiet_on_values_wrangler_accepts() {
        assert_rule(
            "PL351",
            Format::Toml,
            r#"connect = [{ protocol = "tcp", port = 65535 }, { protocol = "udp", port = "x" }]
[[ratelimits]]
name = "A"
namespace_id = "1"
simple = { limit = 5, period = 10 }
[durable_objects]
code_update_strategy = { mode = "deferred", max_delay = 1.5 }
[[containers]]
class_name = "Box"
image = "docker.io/library/nginx:1"
max_instances = 3
rollout_step_percentage = [10, 50, 100]
rollout_active_grace_period = 0
ssh = { enabled = true, port = 22 }
wrangler_ssh = { enabled = true, port = 0 }
observability = { enabled = true, target_instance_count = 3 }
"#,
        );
    }
}
