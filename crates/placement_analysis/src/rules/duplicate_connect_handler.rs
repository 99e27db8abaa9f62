use crate::context::{Context, Sink};
use crate::diagnostic::Related;
use crate::rule::{FixAvailability, declare_rule};
use crate::value_sites::{number, show_number};

declare_rule! {
    /// ## What it does
    /// Reports a `connect` handler with the same `protocol` and `port` as an earlier one, at
    /// the top level and in every `[env.NAME]`.
    ///
    /// ## Why is this bad?
    /// A Worker can listen once on each protocol and port: wrangler refuses the config ("Each
    /// entry in "connect" must use a unique protocol/port combination").
    ///
    /// ## Example
    /// ```toml
    /// [[connect]]
    /// protocol = "tcp"
    /// port = 6379
    ///
    /// [[connect]]
    /// protocol = "tcp"
    /// port = 6379
    /// ```
    /// ```jsonc
    /// { "connect": [{ "protocol": "udp", "port": 53 }, { "protocol": "udp", "port": 53 }] }
    /// ```
    ///
    /// ## Use instead
    /// ```toml
    /// [[connect]]
    /// protocol = "tcp"
    /// port = 6379
    /// ```
    ///
    /// ## Fix safety
    /// No fix: whether the second handler was meant for another port is the author's choice.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static DUPLICATE_CONNECT_HANDLER = {
        code: "PL357",
        name: "duplicate-connect-handler",
        severity: Error,
        fix: FixAvailability::None,
        summary: "Two `connect` handlers with one protocol and port",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    for scope in &ctx.model.scopes {
        let Some(handlers) = scope
            .table
            .get("connect")
            .and_then(|entry| entry.value.as_array())
        else {
            continue;
        };
        let environments: Vec<String> =
            scope.environment().map(str::to_owned).into_iter().collect();
        let mut seen: Vec<(String, usize, crate::span::Span)> = Vec::new();
        for (index, handler) in handlers.iter().enumerate() {
            let Some(table) = handler.as_table() else {
                continue;
            };
            // wrangler compares handlers whose port is a number and protocol a string.
            let (Some(protocol), Some(port)) = (
                table.get("protocol").and_then(|e| e.value.as_str()),
                table.get("port").and_then(|e| number(&e.value)),
            ) else {
                continue;
            };
            let key = format!("{protocol}:{}", show_number(port));
            let span = table.get("port").map_or(handler.span, |e| e.value.span);
            match seen.iter().find(|(known, _, _)| *known == key) {
                Some((_, first, first_span)) => {
                    sink.report(
                        span,
                        format!(
                            "`{}` listens on {protocol} port {}, as `{}` does: wrangler refuses \
                             the config, each protocol and port is handled once",
                            scope.path(&format!("connect[{index}]")),
                            show_number(port),
                            scope.path(&format!("connect[{first}]"))
                        ),
                    )
                    .with_help("remove one of the two handlers, or give it another port")
                    .with_environments(&environments)
                    .with_related([Related {
                        file: ctx.path.to_path_buf(),
                        span: *first_span,
                        message: "the first handler for this protocol and port".to_owned(),
                    }]);
                }
                None => seen.push((key, index, span)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::assert_rule;

    #[test]
    fn fires_on_the_second_handler() {
        assert_rule(
            "PL357",
            Format::Toml,
            r#"[[connect]]
protocol = "tcp"
port = 6379
[[connect]]
protocol = "udp"
port = 6379
[[connect]]
protocol = "tcp"
port = 6379.0
       ^^^^^^ PL357: `connect[2]` listens on tcp port 6379, as `connect[0]` does
[env.staging]
connect = [{ protocol = "udp", port = 53 }, { protocol = "udp", port = 53 }]
                                                                       ^^ PL357: `env.staging.connect[1]`
"#,
        );
        assert_rule(
            "PL357",
            Format::Json,
            r#"{ "connect": [{ "protocol": "udp", "port": 53 }, { "protocol": "tcp", "port": 53 }, { "port": 53 }] }
"#,
        );
    }
}
