//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `input`, if it is close enough to be a likely typo.
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let input_lower = input.to_ascii_lowercase();
    let limit = (input.chars().count() / 3).clamp(1, 3);
    candidates
        .into_iter()
        .map(|candidate| (levenshtein(&input_lower, candidate), candidate))
        .filter(|(distance, _)| *distance <= limit)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate)
}

/// Like [`closest`] over owned strings.
pub fn closest_owned(input: &str, candidates: impl IntoIterator<Item = String>) -> Option<String> {
    let owned: Vec<String> = candidates.into_iter().collect();
    closest(input, owned.iter().map(String::as_str)).map(str::to_owned)
}

/// Edit distance counting insertions, deletions, substitutions and adjacent transpositions.
fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    // Long inputs are never typos of short keys; avoid quadratic work on them.
    if a.len().abs_diff(b.len()) > 3 || a.len() > 64 || b.len() > 64 {
        return usize::MAX;
    }
    let mut previous_previous: Vec<usize> = vec![0; b.len() + 1];
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (previous[j] + 1)
                .min(current[j - 1] + 1)
                .min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(previous_previous[j - 2] + 1);
            }
            current[j] = best;
        }
        std::mem::swap(&mut previous_previous, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_typos_only() {
        assert_eq!(closest("mde", ["mode", "hint"]), Some("mode"));
        assert_eq!(
            closest("smrat", ["smart", "off", "targeted"]),
            Some("smart")
        );
        assert_eq!(
            closest("plcement", ["placement", "main"]),
            Some("placement")
        );
        assert_eq!(closest("bogus", ["smart", "off", "targeted"]), None);
        assert_eq!(closest("SMART", ["smart"]), Some("smart"));
    }
}
