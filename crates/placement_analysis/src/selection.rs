//! Which rules are reported: the CLI's `--select` and `--ignore`, and the language server's
//! `select` and `ignore` settings. A selector is a rule code (`PL101`), a code prefix (`PL1`)
//! or a rule name (`placement-hint-removed`), case-insensitively.

use crate::{Rule, all_rules};

/// Which rules are reported.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl RuleSelection {
    /// Validates the selectors: each must name a rule, or be a prefix of at least one code.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Self, String> {
        let (selection, unknown) = Self::lenient(select, ignore);
        match unknown.first() {
            Some(item) => Err(unknown_selector(item)),
            None => Ok(selection),
        }
    }

    /// Like [`RuleSelection::new`], for settings that must not stop anything (an editor's):
    /// unknown selectors are left out and returned, each with its message.
    pub fn lenient(select: &[String], ignore: &[String]) -> (Self, Vec<String>) {
        let mut unknown = Vec::new();
        let mut normalize = |items: &[String]| -> Vec<String> {
            items
                .iter()
                .map(|item| item.trim())
                .filter(|item| !item.is_empty())
                .filter_map(|item| {
                    if all_rules().any(|rule| matches(rule, item)) {
                        Some(item.to_ascii_uppercase())
                    } else {
                        unknown.push(item.to_owned());
                        None
                    }
                })
                .collect()
        };
        let selection = Self {
            select: normalize(select),
            ignore: normalize(ignore),
        };
        (selection, unknown)
    }

    pub fn all() -> Self {
        Self {
            select: Vec::new(),
            ignore: Vec::new(),
        }
    }

    pub fn is_selected(&self, rule: &Rule) -> bool {
        (self.select.is_empty() || self.select.iter().any(|s| matches(rule, s)))
            && !self.ignore.iter().any(|s| matches(rule, s))
    }
}

/// The message for a selector that names no rule.
pub fn unknown_selector(selector: &str) -> String {
    format!("unknown rule selector `{selector}` (run `placement-lint rules` for the list)")
}

fn matches(rule: &Rule, selector: &str) -> bool {
    let upper = selector.to_ascii_uppercase();
    rule.code.starts_with(&upper) || rule.name.eq_ignore_ascii_case(selector)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selects_by_code_prefix_and_name() {
        let selection =
            RuleSelection::new(&["PL1".into()], &["placement-hint-removed".into()]).unwrap();
        let hint = crate::find_rule("PL101").unwrap();
        let mode = crate::find_rule("PL103").unwrap();
        let syntax = crate::find_rule("PL001").unwrap();
        assert!(!selection.is_selected(hint));
        assert!(selection.is_selected(mode));
        assert!(!selection.is_selected(syntax));
        assert!(RuleSelection::new(&["PL999".into()], &[]).is_err());
    }

    #[test]
    fn lenient_selection_leaves_unknown_selectors_out() {
        let (selection, unknown) =
            RuleSelection::lenient(&["PL999".into(), "pl10".into()], &[" ".into()]);
        assert_eq!(unknown, ["PL999"]);
        assert!(selection.is_selected(crate::find_rule("PL101").unwrap()));
        assert!(!selection.is_selected(crate::find_rule("PL202").unwrap()));
        let (everything, unknown) = RuleSelection::lenient(&[], &[]);
        assert!(unknown.is_empty());
        assert!(crate::all_rules().all(|rule| everything.is_selected(rule)));
    }
}
