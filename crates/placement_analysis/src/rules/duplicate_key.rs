use std::fmt::Write as _;

use crate::context::{Context, Sink};
use crate::diagnostic::{Applicability, Fix, Related};
use crate::rule::{FixAvailability, declare_rule};
use crate::syntax::{Format, Node, NodeKind, Table};

declare_rule! {
    /// ## What it does
    /// Reports a key written twice in one JSON object, at the earlier occurrence.
    ///
    /// ## Why is this bad?
    /// wrangler parses `wrangler.json` and `wrangler.jsonc` keeping only the last value of a
    /// repeated key, without a warning. A second `"placement"` block further down (often pasted
    /// from another project) silently replaces the first, so the placement you read at the top is
    /// not the one deployed. (In TOML a repeated key is a syntax error: PL001.)
    ///
    /// ## Example
    /// ```jsonc
    /// {
    ///   "placement": { "mode": "smart" },
    ///   "main": "src/index.ts",
    ///   "placement": { "mode": "off" }
    /// }
    /// ```
    ///
    /// ## Use instead
    /// ```jsonc
    /// {
    ///   "main": "src/index.ts",
    ///   "placement": { "mode": "off" }
    /// }
    /// ```
    ///
    /// ## Fix safety
    /// Removing the earlier occurrence is safe: wrangler ignores it already.
    ///
    /// ## References
    /// - [Wrangler configuration](https://developers.cloudflare.com/workers/wrangler/configuration/)
    pub static DUPLICATE_KEY = {
        code: "PL005",
        name: "duplicate-key",
        severity: Warning,
        fix: FixAvailability::Always(Applicability::Safe),
        summary: "A key repeated in one JSON object (wrangler silently keeps the last value)",
    }
}

pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink<'_>) {
    if ctx.format() != Format::Json {
        return;
    }
    visit_table(ctx, sink, &ctx.parsed.root, &mut String::new());
}

/// Visits `table`, written at `path` (`env.staging.vars`); the path is one buffer, extended
/// and cut back on the way: most entries are no duplicates and need no path of their own.
fn visit_table(ctx: &Context<'_>, sink: &mut Sink<'_>, table: &Table, path: &mut String) {
    let overridden = table.overridden_entries();
    for (index, entry) in table.entries().iter().enumerate() {
        let parent_length = path.len();
        if !path.is_empty() {
            path.push('.');
        }
        path.push_str(&entry.key);
        if overridden[index] {
            let last = table.get(&entry.key).expect("the key itself");
            let line = ctx.lines().line_column(ctx.text, last.key_span.start).line;
            let message = format!(
                "`{path}` is written again on line {line}; wrangler silently keeps only the \
                 last value, so this one is ignored"
            );
            sink.report(entry.key_span, message)
                .with_help("remove this occurrence, or merge what it sets into the last one")
                .with_fix(Fix {
                    title: format!("Remove the ignored `{}`", entry.key),
                    ..ctx.remove_entry_fix(table, index, Applicability::Safe)
                })
                .with_related([Related {
                    file: ctx.path.to_path_buf(),
                    span: last.key_span,
                    message: "the value wrangler uses".to_owned(),
                }]);
        }
        visit_node(ctx, sink, &entry.value, path);
        path.truncate(parent_length);
    }
}

fn visit_node(ctx: &Context<'_>, sink: &mut Sink<'_>, node: &Node, path: &mut String) {
    match &node.kind {
        NodeKind::Table(table) => visit_table(ctx, sink, table, path),
        NodeKind::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                let parent_length = path.len();
                write!(path, "[{index}]").expect("writing to a String cannot fail");
                visit_node(ctx, sink, item, path);
                path.truncate(parent_length);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::syntax::Format;
    use crate::testing::{apply_fix, assert_rule};

    #[test]
    fn fires_on_earlier_duplicates_in_jsonc() {
        assert_rule(
            "PL005",
            Format::Json,
            r#"{
  "placement": { "mode": "smart", "mode": "off" },
                 ^^^^^^ PL005: `placement.mode` is written again on line 2; wrangler silently keeps only the last value
  "env": { "staging": { "placement": { "mode": "smart" }, "placement": { "mode": "off" } } }
                        ^^^^^^^^^^^ PL005: `env.staging.placement` is written again on line 3
}"#,
        );
    }

    #[test]
    fn never_fires_in_toml_or_on_distinct_keys() {
        assert_rule(
            "PL005",
            Format::Json,
            r#"{ "placement": { "mode": "smart" }, "main": "a" }"#,
        );
        assert_rule(
            "PL005",
            Format::Toml,
            r#"[placement]
mode = "smart"
[env.staging.placement]
mode = "smart"
"#,
        );
    }

    #[test]
    fn fix_removes_the_ignored_occurrence() {
        assert_eq!(
            apply_fix(
                "PL005",
                Format::Json,
                r#"{
  "placement": { "mode": "smart" },
  "main": "a.js",
  "placement": { "mode": "off" }
}
"#
            ),
            r#"{
  "main": "a.js",
  "placement": { "mode": "off" }
}
"#
        );
    }
}
