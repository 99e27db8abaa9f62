//! How messages word lists: the environments a diagnostic affects, and long lists cut short.

/// How many names a message spells out before it sums up the rest.
const NAMED: usize = 8;

/// The first eight `names` in backticks, joined by ", ", followed by `rest(n)` when `n` more
/// were left out.
pub fn first_names<S: AsRef<str>>(names: &[S], rest: impl FnOnce(usize) -> String) -> String {
    let mut list = names
        .iter()
        .take(NAMED)
        .map(|name| format!("`{}`", name.as_ref()))
        .collect::<Vec<_>>()
        .join(", ");
    if names.len() > NAMED {
        list.push_str(&rest(names.len() - NAMED));
    }
    list
}

/// "environment `staging`" or "environments `a`, `b` and 3 more" (the full list is in the
/// diagnostic's `environments`).
fn environment_names(environments: &[String]) -> String {
    let noun = if environments.len() == 1 {
        "environment"
    } else {
        "environments"
    };
    let names = first_names(environments, |more| format!(" and {more} more"));
    format!("{noun} {names}")
}

/// How the environments a message names relate to where its cause is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    /// A top-level value that the environments inherit: " (inherited by environment `a`)".
    InheritedBy,
    /// The environments alone: " (in environment `a`)".
    In,
    /// The top level as well as the environments: " (top level and environment `a`)".
    TopLevelAnd,
}

/// The suffix a message ends with to name `environments`; empty when there are none (the top
/// level alone).
pub fn environments_suffix(environments: &[String], reach: Reach) -> String {
    if environments.is_empty() {
        return String::new();
    }
    let names = environment_names(environments);
    match reach {
        Reach::InheritedBy => format!(" (inherited by {names})"),
        Reach::In => format!(" (in {names})"),
        Reach::TopLevelAnd => format!(" (top level and {names})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_environment_lists_are_cut_short() {
        let names: Vec<String> = (0..10).map(|i| format!("e{i}")).collect();
        assert_eq!(
            environments_suffix(&names, Reach::InheritedBy),
            " (inherited by environments `e0`, `e1`, `e2`, `e3`, `e4`, `e5`, `e6`, `e7` and 2 more)"
        );
        assert_eq!(
            environments_suffix(&names[..1], Reach::In),
            " (in environment `e0`)"
        );
        assert_eq!(
            environments_suffix(&names[..2], Reach::TopLevelAnd),
            " (top level and environments `e0`, `e1`)"
        );
        assert_eq!(environments_suffix(&[], Reach::InheritedBy), "");
    }

    #[test]
    fn the_rest_of_a_list_is_worded_by_the_caller() {
        let keys: Vec<String> = (0..9).map(|i| format!("k{i}")).collect();
        assert_eq!(
            first_names(&keys, |_| ", ...".to_owned()),
            "`k0`, `k1`, `k2`, `k3`, `k4`, `k5`, `k6`, `k7`, ..."
        );
        assert_eq!(
            first_names(&keys[..2], |_| ", ...".to_owned()),
            "`k0`, `k1`"
        );
    }
}
