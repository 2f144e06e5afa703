//! The instructive-errors listing (`whosaid eval --errors N`).
//!
//! Three lists of up to `n` items each:
//! - **misses**: gold attributions with no match, grouped by gold cue text;
//! - **false alarms**: predictions with no match, grouped by rule;
//! - **wrong speakers**: matched content with the wrong speaker, grouped by rule.
//!
//! Groups are taken most frequent first, and each gets a quota proportional to
//! its size (at least one) until `n` items are chosen, so the listing shows the
//! error patterns that cost the most. Inside a group the examples are spread
//! evenly over the corpus order (a representative sample, deterministic).

use std::collections::BTreeMap;
use std::fmt::Write;

use crate::report::{cue_key, truncate};
use crate::score::CharSet;
use crate::{ArticleEval, Evaluation};

/// Longest content shown, in characters.
const MAX_CONTENT: usize = 220;
/// Context shown on each side of the items, in characters.
const CONTEXT: usize = 160;
/// Longest context line; longer ones keep their head and tail.
const MAX_CONTEXT: usize = 600;

/// Picks up to `n` of `items` grouped by key, largest groups first, each with a
/// proportional quota.
fn pick<T: Clone>(items: Vec<(String, T)>, n: usize) -> Vec<(String, T)> {
    let total = items.len();
    if n == 0 || total == 0 {
        return Vec::new();
    }
    let mut groups: BTreeMap<String, Vec<T>> = BTreeMap::new();
    for (k, t) in items {
        groups.entry(k).or_default().push(t);
    }
    let mut groups: Vec<(String, Vec<T>)> = groups.into_iter().collect();
    groups.sort_by(|a, b| b.1.len().cmp(&a.1.len()).then(a.0.cmp(&b.0)));
    let mut out = Vec::new();
    for (key, members) in groups {
        if out.len() >= n {
            break;
        }
        let quota = (n * members.len()).div_ceil(total).max(1);
        let take = quota.min(members.len()).min(n - out.len());
        for i in 0..take {
            out.push((key.clone(), members[i * members.len() / take].clone()));
        }
    }
    out
}

/// The line(s) of raw text around `lo..hi` (code points), clipped to
/// [`CONTEXT`] characters on each side and [`MAX_CONTEXT`] in all, newlines
/// shown as " ¶ ".
fn context(a: &ArticleEval, lo: usize, hi: usize) -> String {
    let n = a.chars.len();
    let (lo, hi) = (lo.min(n), hi.min(n));
    let mut s = lo;
    while s > 0 && a.chars[s - 1] != '\n' && lo - s < CONTEXT {
        s -= 1;
    }
    let mut e = hi;
    while e < n && a.chars[e] != '\n' && e - hi < CONTEXT {
        e += 1;
    }
    let mut t: String = a.chars[s..e].iter().collect();
    t = t.trim().replace('\n', " ¶ ");
    let n_t = t.chars().count();
    if n_t > MAX_CONTEXT {
        let head: String = t.chars().take(MAX_CONTEXT / 2).collect();
        let tail: String = t.chars().skip(n_t - MAX_CONTEXT / 2).collect();
        t = format!("{head} [...] {tail}");
    }
    if s > 0 && a.chars[s - 1] != '\n' {
        t.insert(0, '…');
    }
    if e < n && a.chars[e] != '\n' {
        t.push('…');
    }
    t
}

fn bounds(sets: &[&CharSet]) -> (usize, usize) {
    let lo = sets.iter().filter_map(|s| s.start()).min().unwrap_or(0);
    let hi = sets.iter().filter_map(|s| s.end()).max().unwrap_or(lo);
    (lo, hi)
}

fn quoted(s: &str) -> String {
    format!("“{}”", truncate(&s.replace('\n', " ¶ "), MAX_CONTENT))
}

fn speaker_desc(p: &crate::PredItem) -> String {
    match &p.speaker {
        None => "(none)".to_string(),
        Some(sp) => {
            let mut d = format!("“{}” ({})", sp.text, sp.mention_kind);
            if let Some(name) = &sp.entity_name {
                if name != &sp.text {
                    let _ = write!(d, " → {name}");
                }
            }
            d
        }
    }
}

fn gold_desc(a: &ArticleEval, gi: usize) -> String {
    let g = &a.gold[gi];
    let source = if g.source.is_some() { quoted(&g.source_text) } else { "(null)".to_string() };
    format!("source={} cue={} content={}", source, quoted(&g.cue_text), quoted(&a.slice(&g.content)))
}

fn pred_desc(a: &ArticleEval, pi: usize) -> String {
    let p = &a.pred[pi];
    format!(
        "rule={} kind={} speaker={} cue={} content={}",
        p.rule,
        p.kind.as_str(),
        speaker_desc(p),
        quoted(&p.cue_text),
        quoted(&a.slice(&p.content))
    )
}

/// The best-overlapping item on the other side: (index, Jaccard).
fn nearest(target: &CharSet, others: impl Iterator<Item = CharSet>) -> Option<(usize, f64)> {
    others
        .enumerate()
        .map(|(i, s)| (i, target.jaccard(&s)))
        .filter(|&(_, j)| j > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1).then(b.0.cmp(&a.0)))
}

/// The listing for `n` errors of each kind.
pub fn render_errors(ev: &Evaluation, n: usize) -> String {
    let mut misses = Vec::new();
    let mut alarms = Vec::new();
    let mut speakers = Vec::new();
    for (ai, a) in ev.articles.iter().enumerate() {
        for (gi, g) in a.gold.iter().enumerate() {
            if a.matching.gold_pair[gi].is_none() {
                misses.push((cue_key(&g.cue_text), (ai, gi)));
            }
        }
        for (pi, p) in a.pred.iter().enumerate() {
            match a.matching.pred_pair[pi] {
                None => alarms.push((p.rule.clone(), (ai, pi))),
                Some(k) if !a.matching.pairs[k].speaker_right => speakers.push((p.rule.clone(), (ai, k))),
                _ => {}
            }
        }
    }
    let mut o = String::new();
    let (nm, na, ns) = (misses.len(), alarms.len(), speakers.len());

    let _ = writeln!(o, "== misses: gold with no match ({nm}), by gold cue ==");
    for (key, (ai, gi)) in pick(misses, n) {
        let a = &ev.articles[ai];
        let g = &a.gold[gi];
        let empty = CharSet::default();
        let src = g.source.as_ref().unwrap_or(&empty);
        let (lo, hi) = bounds(&[&g.content, src]);
        let _ = writeln!(o, "\nMISS [{key}] {}", a.id);
        let _ = writeln!(o, "  context: {}", context(a, lo, hi));
        let _ = writeln!(o, "  gold:    {}", gold_desc(a, gi));
        match nearest(&g.content, a.pred.iter().map(|p| p.content.clone())) {
            Some((pi, j)) => {
                let taken = if a.matching.pred_pair[pi].is_some() { " (matched to another gold)" } else { "" };
                let _ = writeln!(o, "  nearest: J={j:.2}{taken} {}", pred_desc(a, pi));
            }
            None => {
                let _ = writeln!(o, "  nearest: no overlapping prediction");
            }
        }
    }

    let _ = writeln!(o, "\n== false alarms: predictions with no match ({na}), by rule ==");
    for (key, (ai, pi)) in pick(alarms, n) {
        let a = &ev.articles[ai];
        let p = &a.pred[pi];
        let empty = CharSet::default();
        let sp = p.speaker.as_ref().map(|s| &s.span).unwrap_or(&empty);
        let (lo, hi) = bounds(&[&p.content, sp]);
        let _ = writeln!(o, "\nFALSE ALARM [{key}] {}", a.id);
        let _ = writeln!(o, "  context: {}", context(a, lo, hi));
        let _ = writeln!(o, "  pred:    {}", pred_desc(a, pi));
        match nearest(&p.content, a.gold.iter().map(|g| g.content.clone())) {
            Some((gi, j)) => {
                let _ = writeln!(o, "  nearest: J={j:.2} {}", gold_desc(a, gi));
            }
            None => {
                let _ = writeln!(o, "  nearest: no overlapping gold");
            }
        }
    }

    let _ = writeln!(o, "\n== wrong speakers: content matched, speaker wrong ({ns}), by rule ==");
    for (key, (ai, k)) in pick(speakers, n) {
        let a = &ev.articles[ai];
        let pair = a.matching.pairs[k];
        let g = &a.gold[pair.gold];
        let p = &a.pred[pair.pred];
        let empty = CharSet::default();
        let src = g.source.as_ref().unwrap_or(&empty);
        let sp = p.speaker.as_ref().map(|s| &s.span).unwrap_or(&empty);
        let (lo, hi) = bounds(&[&g.content, src, sp]);
        let _ = writeln!(o, "\nWRONG SPEAKER [{key}] {} J={:.2}", a.id, pair.jaccard);
        let _ = writeln!(o, "  context: {}", context(a, lo, hi));
        let _ = writeln!(o, "  gold:    {}", gold_desc(a, pair.gold));
        let _ = writeln!(o, "  pred:    {}", pred_desc(a, pair.pred));
    }
    o
}

#[cfg(test)]
mod tests {
    use super::pick;

    #[test]
    fn pick_gives_big_groups_proportional_quotas() {
        let mut items = Vec::new();
        for i in 0..8 {
            items.push(("said".to_string(), i));
        }
        items.push(("told".to_string(), 100));
        items.push(("noted".to_string(), 200));
        let got = pick(items, 5);
        // said: ceil(5*8/10) = 4, evenly spread; then told/noted: 1 slot left.
        assert_eq!(got.iter().map(|x| x.1).collect::<Vec<_>>(), vec![0, 2, 4, 6, 200]);
    }
}
