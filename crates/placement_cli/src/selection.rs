//! `--select` and `--ignore`.

use placement_analysis::{Rule, all_rules};

/// Which rules are reported.
#[derive(Debug, Clone)]
pub struct RuleSelection {
    select: Vec<String>,
    ignore: Vec<String>,
}

impl RuleSelection {
    /// Validates the selectors: each must name a rule, or be a prefix of at least one code.
    pub fn new(select: &[String], ignore: &[String]) -> Result<Self, String> {
        let normalize = |items: &[String]| -> Result<Vec<String>, String> {
            items
                .iter()
                .map(|item| item.trim())
                .filter(|item| !item.is_empty())
                .map(|item| {
                    if all_rules().any(|rule| matches(rule, item)) {
                        Ok(item.to_ascii_uppercase())
                    } else {
                        Err(format!(
                            "unknown rule selector `{item}` (run `placement-lint rules` for the list)"
                        ))
                    }
                })
                .collect()
        };
        Ok(Self {
            select: normalize(select)?,
            ignore: normalize(ignore)?,
        })
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
        let hint = placement_analysis::find_rule("PL101").unwrap();
        let mode = placement_analysis::find_rule("PL103").unwrap();
        let syntax = placement_analysis::find_rule("PL001").unwrap();
        assert!(!selection.is_selected(hint));
        assert!(selection.is_selected(mode));
        assert!(!selection.is_selected(syntax));
        assert!(RuleSelection::new(&["PL999".into()], &[]).is_err());
    }
}
