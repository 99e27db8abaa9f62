//! "Did you mean" suggestions by edit distance.

/// The candidate closest to `input`, if it is close enough to be a likely typo.
///
/// Called once per unknown key, so it must stay cheap for files with many of them: a candidate
/// whose length alone puts it out of reach is never compared, and the comparison reuses its
/// buffers.
pub fn closest<'a, I>(input: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
{
    let input: Vec<char> = input.to_ascii_lowercase().chars().collect();
    let limit = (input.len() / 3).clamp(1, 3);
    // Long inputs are never typos of short keys; avoid quadratic work on them.
    if input.len() > MAX_COMPARED {
        return None;
    }
    let mut scratch = Scratch::default();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let length = candidate.chars().count();
        if length.abs_diff(input.len()) > limit || length > MAX_COMPARED {
            continue;
        }
        let distance = scratch.distance(&input, candidate, limit);
        if distance <= limit && best.is_none_or(|(found, _)| distance < found) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// Like [`closest`] over owned strings.
pub fn closest_owned(input: &str, candidates: impl IntoIterator<Item = String>) -> Option<String> {
    let owned: Vec<String> = candidates.into_iter().collect();
    closest(input, owned.iter().map(String::as_str)).map(str::to_owned)
}

/// Longer strings are not compared.
const MAX_COMPARED: usize = 64;

/// The rows of one distance computation, kept between candidates.
#[derive(Default)]
struct Scratch {
    b: Vec<char>,
    previous_previous: Vec<usize>,
    previous: Vec<usize>,
    current: Vec<usize>,
}

impl Scratch {
    /// Edit distance counting insertions, deletions, substitutions and adjacent transpositions,
    /// or some number above `limit` as soon as every path exceeds it.
    fn distance(&mut self, a: &[char], b: &str, limit: usize) -> usize {
        self.b.clear();
        self.b.extend(b.chars());
        let b = &self.b;
        let width = b.len() + 1;
        self.previous_previous.clear();
        self.previous_previous.resize(width, 0);
        self.previous.clear();
        self.previous.extend(0..width);
        self.current.clear();
        self.current.resize(width, 0);
        for i in 1..=a.len() {
            self.current[0] = i;
            let mut row_best = i;
            for j in 1..=b.len() {
                let cost = usize::from(a[i - 1] != b[j - 1]);
                let mut best = (self.previous[j] + 1)
                    .min(self.current[j - 1] + 1)
                    .min(self.previous[j - 1] + cost);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(self.previous_previous[j - 2] + 1);
                }
                self.current[j] = best;
                row_best = row_best.min(best);
            }
            // A transposition reaches back two rows, so both must be out of reach.
            if row_best > limit && self.previous.iter().all(|&d| d > limit) {
                return limit + 1;
            }
            std::mem::swap(&mut self.previous_previous, &mut self.previous);
            std::mem::swap(&mut self.previous, &mut self.current);
        }
        self.previous[b.len()]
    }
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
