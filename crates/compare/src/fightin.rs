//! Distinctive vocabulary per outlet: the weighted log-odds ratio with an
//! informative Dirichlet prior of Monroe, Colaresi & Quinn (2008), "Fightin'
//! Words: Lexical Feature Selection and Evaluation for Identifying the Content
//! of Political Conflict", Political Analysis 16(4), section 3.5.
//!
//! For a word w, outlet i against the rest of the corpus j:
//!
//! ```text
//! α_w   = α₀ · y_w / n                           (prior: the corpus's own frequencies)
//! δ_w   = ln((y_iw + α_w) / (n_i + α₀ − y_iw − α_w))
//!       − ln((y_jw + α_w) / (n_j + α₀ − y_jw − α_w))
//! σ²_w ≈ 1 / (y_iw + α_w) + 1 / (y_jw + α_w)
//! z_w   = δ_w / σ_w
//! ```
//!
//! where y are counts, n totals, y_w and n over the whole corpus. Raw
//! log-odds overstate rare words and raw frequency differences overstate
//! common ones; the prior shrinks rare words towards the corpus rate and the
//! variance turns the estimate into a z-score comparable across words. Words
//! and two-word phrases are separate vocabularies (each with its own totals).
//! Function words, one-letter words and numbers (no letter) are counted in the totals
//! but never reported.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::{is_stopword, round, word_runs, Corpus};

/// Weight of the prior in pseudo-counts (α₀). Monroe et al. leave it to the
/// analyst; 1000 pseudo-tokens keeps words seen a handful of times from
/// topping the list on a corpus of a few hundred articles while leaving the
/// z-scores of frequent words almost unchanged.
pub const DEFAULT_PRIOR: f64 = 1000.0;

/// A word or phrase must be used this many times by the outlet to be reported.
pub const MIN_COUNT: u64 = 3;

/// One distinctive word or phrase of one outlet.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Distinctive {
    /// The word or phrase (lower case, words joined by spaces).
    pub ngram: String,
    /// Uses by the outlet.
    pub count: u64,
    /// Uses by every other outlet together.
    pub rest: u64,
    /// The weighted log-odds ratio δ (rounded to 4 digits in output).
    pub delta: f64,
    /// δ's z-score: how sure the difference is, not how large (the list's order).
    pub z: f64,
}

/// The estimate for one word: counts in i and j, totals of i and j, and the
/// prior: `alpha_w` for the word and `alpha0` in all.
pub fn log_odds(y_i: f64, y_j: f64, n_i: f64, n_j: f64, alpha_w: f64, alpha0: f64) -> (f64, f64) {
    let delta = ((y_i + alpha_w) / (n_i + alpha0 - y_i - alpha_w)).ln()
        - ((y_j + alpha_w) / (n_j + alpha0 - y_j - alpha_w)).ln();
    let var = 1.0 / (y_i + alpha_w) + 1.0 / (y_j + alpha_w);
    (delta, delta / var.sqrt())
}

/// Counts of n-grams per group: group → n-gram → count.
pub type Counts = BTreeMap<String, BTreeMap<String, u64>>;

/// Distinctive n-grams of every group against the rest: the `top` highest
/// z-scores (z > 0) per group, n-grams used at least `min_count` times by
/// the group, stop-word n-grams left out. Groups with no rest (a corpus of
/// one outlet) get nothing: there is nothing to differ from.
pub fn distinctive(counts: &Counts, alpha0: f64, min_count: u64, top: usize) -> BTreeMap<String, Vec<Distinctive>> {
    let mut corpus: BTreeMap<&str, u64> = BTreeMap::new();
    let mut totals: BTreeMap<&str, u64> = BTreeMap::new();
    for (g, words) in counts {
        for (w, &c) in words {
            *corpus.entry(w.as_str()).or_default() += c;
            *totals.entry(g.as_str()).or_default() += c;
        }
    }
    let n: u64 = totals.values().sum();
    let mut out = BTreeMap::new();
    for (g, words) in counts {
        let n_i = totals.get(g.as_str()).copied().unwrap_or(0);
        let n_j = n - n_i;
        let mut list = Vec::new();
        if n_j > 0 {
            for (w, &y_i) in words {
                let reportable =
                    |x: &str| !is_stopword(x) && x.chars().count() > 1 && x.chars().any(char::is_alphabetic);
                if y_i < min_count || !w.split(' ').all(reportable) {
                    continue;
                }
                let y_w = corpus[w.as_str()];
                let y_j = y_w - y_i;
                let alpha_w = alpha0 * y_w as f64 / n as f64;
                let (delta, z) = log_odds(y_i as f64, y_j as f64, n_i as f64, n_j as f64, alpha_w, alpha0);
                if z > 0.0 {
                    list.push(Distinctive { ngram: w.clone(), count: y_i, rest: y_j, delta, z });
                }
            }
        }
        list.sort_by(|a, b| b.z.total_cmp(&a.z).then_with(|| a.ngram.cmp(&b.ngram)));
        list.truncate(top);
        for d in &mut list {
            d.delta = round(d.delta, 4);
            d.z = round(d.z, 3);
        }
        out.insert(g.clone(), list);
    }
    out
}

/// Word and two-word-phrase counts per outlet over the articles that count
/// for it (see [`Corpus::counted`]), title and text.
pub fn outlet_counts(corpus: &Corpus) -> (Counts, Counts) {
    let mut words = Counts::new();
    let mut bigrams = Counts::new();
    for i in corpus.counted() {
        let a = &corpus.articles[i];
        let w = words.entry(a.outlet.clone()).or_default();
        let b = bigrams.entry(a.outlet.clone()).or_default();
        // The cleaned text starts with the headline when it has one; the
        // title is added only when the text does not already begin with it.
        let body = if a.title.is_empty() || a.text.starts_with(a.title.trim()) {
            a.text.clone()
        } else {
            format!("{}.\n{}", a.title, a.text)
        };
        for run in word_runs(&body) {
            for (k, t) in run.iter().enumerate() {
                *w.entry(t.clone()).or_default() += 1;
                if let Some(next) = run.get(k + 1) {
                    *b.entry(format!("{t} {next}")).or_default() += 1;
                }
            }
        }
    }
    (words, bigrams)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(rows: &[(&str, &[(&str, u64)])]) -> Counts {
        rows.iter().map(|(g, ws)| (g.to_string(), ws.iter().map(|(w, c)| (w.to_string(), *c)).collect())).collect()
    }

    /// Hand computation (α₀ = 10) on two outlets:
    ///   A: kiev 8, war 2   (n_A = 10)      B: kyiv 1, war 9   (n_B = 10)
    ///   corpus: kiev 8, kyiv 1, war 11, n = 20
    /// "kiev" for A: α = 10·8/20 = 4
    ///   δ = ln((8+4)/(10+10−8−4)) − ln((0+4)/(10+10−0−4)) = ln(12/8) − ln(4/16)
    ///     = ln 1.5 − ln 0.25 = 0.405465108 + 1.386294361 = 1.791759469
    ///   σ² = 1/12 + 1/4 = 0.333333333, z = 1.791759469 / 0.577350269 = 3.103418
    /// "war" for B: α = 10·11/20 = 5.5
    ///   δ = ln((9+5.5)/(10+10−9−5.5)) − ln((2+5.5)/(10+10−2−5.5)) = ln(14.5/5.5) − ln(7.5/12.5)
    ///     = 0.969400557 + 0.510825624 = 1.480226181
    ///   σ² = 1/14.5 + 1/7.5 = 0.202298851, z = 1.480226181 / 0.449776445 = 3.291026
    #[test]
    fn matches_a_hand_computation() {
        let c = counts(&[("A", &[("kiev", 8), ("war", 2)]), ("B", &[("kyiv", 1), ("war", 9)])]);
        let d = distinctive(&c, 10.0, 1, 10);
        let a = &d["A"];
        assert_eq!(a.len(), 1, "{a:?}");
        assert_eq!((a[0].ngram.as_str(), a[0].count, a[0].rest), ("kiev", 8, 0));
        assert!((a[0].delta - 1.7918).abs() < 1e-9, "{}", a[0].delta);
        assert!((a[0].z - 3.103).abs() < 1e-9, "{}", a[0].z);
        let b = &d["B"];
        // kyiv (once) and war both favour B; war is the stronger evidence.
        assert_eq!(b[0].ngram, "war");
        assert!((b[0].delta - 1.4802).abs() < 1e-9, "{}", b[0].delta);
        assert!((b[0].z - 3.291).abs() < 1e-9, "{}", b[0].z);
        // Unrounded, to more digits than the rounding shows.
        let (delta, z) = log_odds(8.0, 0.0, 10.0, 10.0, 4.0, 10.0);
        assert!((delta - 1.791759469228055).abs() < 1e-12 && (z - 3.103418).abs() < 1e-6, "{delta} {z}");
        let (delta, z) = log_odds(9.0, 2.0, 10.0, 10.0, 5.5, 10.0);
        assert!((delta - 1.480226181).abs() < 1e-9 && (z - 3.291026).abs() < 1e-6, "{delta} {z}");
    }

    #[test]
    fn symmetric_and_filtered() {
        // The same evidence for either side gives the same z with opposite sign.
        let (d1, z1) = log_odds(5.0, 1.0, 50.0, 50.0, 0.6, 10.0);
        let (d2, z2) = log_odds(1.0, 5.0, 50.0, 50.0, 0.6, 10.0);
        assert!((d1 + d2).abs() < 1e-12 && (z1 + z2).abs() < 1e-12);
        let c = counts(&[("A", &[("the", 50), ("kiev", 2), ("kiev coup", 5)]), ("B", &[("the", 10), ("kyiv", 5)])]);
        let d = distinctive(&c, 10.0, 3, 10);
        let got: Vec<&str> = d["A"].iter().map(|x| x.ngram.as_str()).collect();
        assert_eq!(got, vec!["kiev coup"], "stop words and rare words are not reported");
        // One outlet alone has nothing to differ from.
        assert!(distinctive(&counts(&[("A", &[("kiev", 9)])]), 10.0, 1, 10)["A"].is_empty());
    }
}
