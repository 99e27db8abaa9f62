//! `docs/rules.md`: every rule's docs in one page, rendered from the rules' own doc comments so
//! the page, `placement-lint rule CODE` and the SARIF help text never disagree.

use std::fmt::Write as _;

use crate::rule::Rule;

/// Where the rendered page is kept, relative to the repository root.
pub const RULES_DOC_PATH: &str = "docs/rules.md";

/// The whole `docs/rules.md` page: an index table, then each rule under an anchor that matches
/// [`Rule::url`].
pub fn rules_markdown() -> String {
    let mut page = String::from(
        "# placement-lint rules\n\
         \n\
         <!-- Generated from the rules' doc comments by \
         `UPDATE_DOCS=1 cargo test -p placement_analysis --test rules_doc`. Do not edit by hand. -->\n\
         \n\
         Every rule placement-lint runs, with its default severity and whether it offers a fix. \
         `placement-lint rule CODE` prints the same text in a terminal.\n\
         \n\
         | Code | Name | Severity | Fix | Summary |\n\
         |---|---|---|---|---|\n",
    );
    for rule in crate::all_rules() {
        let _ = writeln!(
            page,
            "| [{code}](#{anchor}) | `{name}` | {severity} | {fix} | {summary} |",
            code = rule.code,
            anchor = anchor(rule),
            name = rule.name,
            severity = rule.severity.as_str(),
            fix = rule.fix.describe(),
            summary = table_cell(rule.summary),
        );
    }
    for rule in crate::all_rules() {
        page.push('\n');
        page.push_str(&rule_section(rule));
    }
    page
}

/// One rule's section: anchor, heading, the declaration's facts and its docs.
pub fn rule_section(rule: &Rule) -> String {
    let mut section = String::new();
    let _ = writeln!(section, "<a id=\"{}\"></a>", anchor(rule));
    let _ = writeln!(section, "## {}: {}\n", rule.code, rule.name);
    let _ = writeln!(section, "- Default severity: {}", rule.severity.as_str());
    let _ = writeln!(section, "- Fix: {}\n", rule.fix.describe());
    section.push_str(&demote_headings(&rule.docs_text()));
    if !section.ends_with('\n') {
        section.push('\n');
    }
    section
}

/// The fragment of [`Rule::url`], which the page's explicit anchors must match (GitHub's own
/// heading anchors would be `pl101-placement-hint-removed`).
fn anchor(rule: &Rule) -> String {
    rule.code.to_ascii_lowercase()
}

/// Nests the docs' `## What it does` headings under the rule's own `##` heading. Lines inside
/// code fences are left alone: a TOML example's `# comment` is not a heading.
fn demote_headings(docs: &str) -> String {
    let mut out = String::with_capacity(docs.len() + 32);
    let mut in_fence = false;
    for line in docs.lines() {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
        } else if !in_fence && line.starts_with('#') {
            out.push('#');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A summary made safe for a Markdown table cell.
fn table_cell(text: &str) -> String {
    text.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_demoted_outside_code_fences_only() {
        let docs = r"## What it does
Text.
```toml
# a comment
[placement]
```
## Example
";
        assert_eq!(
            demote_headings(docs),
            r"### What it does
Text.
```toml
# a comment
[placement]
```
### Example
"
        );
    }

    #[test]
    fn every_rule_has_an_anchor_matching_its_url() {
        let page = rules_markdown();
        for rule in crate::all_rules() {
            let url = rule.url();
            let fragment = url.rsplit_once('#').expect("rule urls have a fragment").1;
            assert!(
                page.contains(&format!("<a id=\"{fragment}\"></a>\n## {}:", rule.code)),
                "no anchor for {} ({url})",
                rule.code
            );
            assert!(
                url.contains(RULES_DOC_PATH),
                "{url} is not in {RULES_DOC_PATH}"
            );
        }
    }

    #[test]
    fn pipes_in_summaries_do_not_break_the_table() {
        assert_eq!(table_cell("a | b"), "a \\| b");
    }
}
