//! Scoring of the article-extraction benchmark (Zyte/Scrapinghub), as it
//! defines it:
//!
//! - tokens are the `\w+` runs of a text (Unicode word characters: letters,
//!   digits and numbers, and `_`; case kept);
//! - a page compares the 4-token shingles (consecutive 4-grams, with counts)
//!   of the predicted body against those of the ground truth: tp = Σ min of
//!   the counts, fp = Σ excess predicted, fn = Σ missing. A text of fewer than
//!   4 tokens (but at least one) is one shingle of all its tokens, as in the
//!   benchmark's own code;
//! - tp, fp and fn of each page are normalised by their sum;
//! - precision and recall are the means over pages of tp/(tp+fp) and
//!   tp/(tp+fn), 0 where undefined; F1 = 2PR/(P+R) of those means;
//! - accuracy is the share of pages whose token list equals the truth's.

use std::collections::HashMap;

/// Shingle size of the benchmark.
pub const SHINGLE: usize = 4;

/// Whether `c` is a word character of Python's `re` `\w` (close to it: Rust's
/// alphanumeric classes, plus `_`).
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The `\w+` runs of `text`.
pub fn tokenize(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start: Option<usize> = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Shingles of `n` tokens with their counts.
pub fn shingles<'t>(tokens: &[&'t str], n: usize) -> HashMap<Vec<&'t str>, usize> {
    let mut out: HashMap<Vec<&str>, usize> = HashMap::new();
    if tokens.is_empty() {
        return out;
    }
    let windows = tokens.len().saturating_sub(n) + 1;
    for i in 0..windows {
        let end = (i + n).min(tokens.len());
        *out.entry(tokens[i..end].to_vec()).or_insert(0) += 1;
    }
    out
}

/// One page's score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PageScore {
    /// tp, fp, fn normalised by their sum (all 0 when both texts are empty).
    pub tp: f64,
    /// Predicted shingles not in the truth (share of the sum).
    pub fp: f64,
    /// Truth shingles the prediction missed (share of the sum).
    pub fn_: f64,
    /// Token lists are equal.
    pub exact: bool,
}

impl PageScore {
    /// tp / (tp + fp); 0 when nothing was predicted.
    pub fn precision(&self) -> f64 {
        ratio(self.tp, self.tp + self.fp)
    }
    /// tp / (tp + fn); 0 when the truth is empty.
    pub fn recall(&self) -> f64 {
        ratio(self.tp, self.tp + self.fn_)
    }
}

fn ratio(a: f64, b: f64) -> f64 {
    if b > 0.0 {
        a / b
    } else {
        0.0
    }
}

/// Scores one predicted body against the ground truth.
pub fn score_page(truth: &str, predicted: &str) -> PageScore {
    let t_tokens = tokenize(truth);
    let p_tokens = tokenize(predicted);
    let t = shingles(&t_tokens, SHINGLE);
    let p = shingles(&p_tokens, SHINGLE);
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (k, &tc) in &t {
        let pc = p.get(k).copied().unwrap_or(0);
        tp += tc.min(pc);
        fn_ += tc.saturating_sub(pc);
    }
    for (k, &pc) in &p {
        let tc = t.get(k).copied().unwrap_or(0);
        fp += pc.saturating_sub(tc);
    }
    let sum = (tp + fp + fn_) as f64;
    let norm = |x: usize| if sum > 0.0 { x as f64 / sum } else { 0.0 };
    PageScore { tp: norm(tp), fp: norm(fp), fn_: norm(fn_), exact: t_tokens == p_tokens }
}

/// Scores over a set of pages.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Totals {
    /// Pages scored.
    pub pages: usize,
    /// Mean page precision.
    pub precision: f64,
    /// Mean page recall.
    pub recall: f64,
    /// Harmonic mean of precision and recall.
    pub f1: f64,
    /// Share of pages extracted exactly.
    pub accuracy: f64,
}

/// Aggregates page scores the benchmark's way.
pub fn aggregate(pages: &[PageScore]) -> Totals {
    if pages.is_empty() {
        return Totals::default();
    }
    let n = pages.len() as f64;
    let precision = pages.iter().map(PageScore::precision).sum::<f64>() / n;
    let recall = pages.iter().map(PageScore::recall).sum::<f64>() / n;
    let accuracy = pages.iter().filter(|p| p.exact).count() as f64 / n;
    let f1 = ratio(2.0 * precision * recall, precision + recall);
    Totals { pages: pages.len(), precision, recall, f1, accuracy }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn tokens_are_word_runs() {
        assert_eq!(tokenize("It's 3.5 km — naïve_x, Straße!"), vec!["It", "s", "3", "5", "km", "naïve_x", "Straße"]);
        assert!(tokenize(" ,.— ").is_empty());
    }

    #[test]
    fn short_text_is_one_shingle() {
        let t = tokenize("a b");
        let s = shingles(&t, 4);
        assert_eq!(s.len(), 1);
        assert_eq!(s[&vec!["a", "b"]], 1);
        assert!(shingles(&[], 4).is_empty());
    }

    #[test]
    fn identical_texts() {
        let s = score_page("one two three four five", "one, two three four five.");
        // 2 shingles, both matched.
        assert!(close(s.tp, 1.0) && close(s.fp, 0.0) && close(s.fn_, 0.0));
        assert!(s.exact);
        assert!(close(s.precision(), 1.0) && close(s.recall(), 1.0));
    }

    #[test]
    fn extra_prediction_counts_as_fp() {
        // truth: a b c d e → shingles abcd, bcde (2)
        // pred: a b c d e f → abcd, bcde, cdef (3): tp 2, fp 1, fn 0
        let s = score_page("a b c d e", "a b c d e f");
        assert!(close(s.tp, 2.0 / 3.0) && close(s.fp, 1.0 / 3.0) && close(s.fn_, 0.0));
        assert!(close(s.precision(), 2.0 / 3.0));
        assert!(close(s.recall(), 1.0));
        assert!(!s.exact);
    }

    #[test]
    fn counts_are_compared() {
        // truth: a b c d a b c d → abcd ×2, bcda, cdab, dabc (5)
        // pred:  a b c d → abcd ×1: tp 1, fp 0, fn 4
        let s = score_page("a b c d a b c d", "a b c d");
        assert!(close(s.tp, 0.2) && close(s.fp, 0.0) && close(s.fn_, 0.8));
        assert!(close(s.recall(), 0.2));
        assert!(close(s.precision(), 1.0));
    }

    #[test]
    fn empty_prediction_scores_zero() {
        let s = score_page("a b c d", "");
        assert!(close(s.precision(), 0.0) && close(s.recall(), 0.0));
        let s = score_page("", "");
        assert!(s.exact && close(s.tp, 0.0));
    }

    #[test]
    fn aggregate_uses_means_of_page_ratios() {
        let pages = [score_page("a b c d e", "a b c d e f"), score_page("a b c d a b c d", "a b c d")];
        let t = aggregate(&pages);
        let p = (2.0 / 3.0 + 1.0) / 2.0;
        let r = (1.0 + 0.2) / 2.0;
        assert!(close(t.precision, p));
        assert!(close(t.recall, r));
        assert!(close(t.f1, 2.0 * p * r / (p + r)));
        assert!(close(t.accuracy, 0.0));
        assert_eq!(t.pages, 2);
        assert_eq!(aggregate(&[]), Totals::default());
    }
}
