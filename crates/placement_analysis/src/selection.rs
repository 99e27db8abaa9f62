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

    /// This selection with a layer of settings on top, as ruff layers them: `select` (when
    /// given) replaces the rules selected so far, `extend_select` adds to them and `ignore`
    /// takes away. Settings files apply in order (an extended file first), then the command
    /// line's or the editor's `select`/`ignore`. The selectors must be valid.
    pub fn layered(
        &self,
        select: Option<&[String]>,
        extend_select: &[String],
        ignore: &[String],
    ) -> Self {
        let any = |selectors: &[String], rule: &Rule| selectors.iter().any(|s| matches(rule, s));
        let disabled = all_rules()
            .filter(|rule| {
                let base = match select {
                    Some(select) => any(select, rule),
                    None => self.is_selected(rule),
                };
                !((base || any(extend_select, rule)) && !any(ignore, rule))
            })
            .map(|rule| rule.code.to_owned())
            .collect();
        Self {
            select: Vec::new(),
            ignore: disabled,
        }
    }

    /// `other` (a command line's or an editor's `select`/`ignore`) on top of this selection: its
    /// `select`, when not empty, replaces; its `ignore` takes away.
    pub fn overridden_by(&self, other: &RuleSelection) -> Self {
        let select = (!other.select.is_empty()).then_some(other.select.as_slice());
        self.layered(select, &[], &other.ignore)
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
    fn layers_replace_extend_and_ignore() {
        let strings = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let rule = |code| crate::find_rule(code).unwrap();
        let base =
            RuleSelection::all().layered(Some(&strings(&["PL1"])), &[], &strings(&["PL101"]));
        assert!(base.is_selected(rule("PL102")) && !base.is_selected(rule("PL101")));
        assert!(!base.is_selected(rule("PL003")));
        let extended = base.layered(None, &strings(&["PL003"]), &[]);
        assert!(extended.is_selected(rule("PL003")) && !extended.is_selected(rule("PL101")));
        let cli = RuleSelection::new(&strings(&["PL101"]), &[]).unwrap();
        let over = extended.overridden_by(&cli);
        assert!(over.is_selected(rule("PL101")) && !over.is_selected(rule("PL102")));
        let cli_ignore = RuleSelection::new(&[], &strings(&["PL102"])).unwrap();
        let over = extended.overridden_by(&cli_ignore);
        assert!(!over.is_selected(rule("PL102")) && over.is_selected(rule("PL003")));
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
