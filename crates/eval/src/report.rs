//! Aggregate scores and breakdowns of an [`Evaluation`], as a table or JSON.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::Serialize;

use crate::score::{ratio, Counts, Scores};
use crate::Evaluation;

/// Gold cue texts listed in the per-cue breakdown.
pub const TOP_CUES: usize = 20;

/// Published reference systems on PolNeAR dev with the same scoring
/// (`../shared/data/README.md`).
pub const REFERENCES: &[Reference] = &[
    Reference {
        system: "GenderGapTracker",
        content_p: 0.685,
        content_r: 0.364,
        content_f1: 0.475,
        speaker_right: 0.847,
        end_to_end_f1: 0.403,
    },
    Reference {
        system: "textacy",
        content_p: 0.547,
        content_r: 0.107,
        content_f1: 0.179,
        speaker_right: 0.876,
        end_to_end_f1: 0.156,
    },
];

/// A published system's scores on PolNeAR dev, shown beside ours so a
/// number has something to be compared with.
#[derive(Clone, Copy, Debug, Serialize, PartialEq)]
pub struct Reference {
    /// The system's name.
    pub system: &'static str,
    /// Content precision.
    pub content_p: f64,
    /// Content recall.
    pub content_r: f64,
    /// Content F1.
    pub content_f1: f64,
    /// Share of content matches with the right speaker.
    pub speaker_right: f64,
    /// End-to-end F1 (content and speaker right).
    pub end_to_end_f1: f64,
}

/// A bucket of gold attributions: how many were matched.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct RecallRow {
    /// The bucket (a gold kind or cue).
    pub name: String,
    /// Gold attributions in it.
    pub gold: usize,
    /// Of those, matched by content.
    pub matched: usize,
    /// Of those, matched with the right speaker.
    pub speaker_right: usize,
    /// `matched / gold`.
    pub recall: f64,
    /// `speaker_right / gold`.
    pub end_to_end_recall: f64,
}

/// A bucket of predictions: how many were right.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct PrecisionRow {
    /// The bucket (a predicted kind or rule).
    pub name: String,
    /// Predictions in it.
    pub pred: usize,
    /// Of those, matched by content.
    pub matched: usize,
    /// Of those, matched with the right speaker.
    pub speaker_right: usize,
    /// `matched / pred`.
    pub precision: f64,
    /// `speaker_right / pred`.
    pub end_to_end_precision: f64,
}

/// Speaker accuracy of matched predictions, by the predicted speaker's
/// mention kind ("none" for no speaker).
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SpeakerRow {
    /// The mention kind.
    pub name: String,
    /// Matched predictions with this kind of speaker mention.
    pub matched: usize,
    /// Of those, with the right speaker.
    pub speaker_right: usize,
    /// `speaker_right / matched`.
    pub share: f64,
}

/// Unmatched items split by whether anything overlapped them.
#[derive(Clone, Copy, Debug, Default, Serialize, PartialEq)]
pub struct ErrorSplit {
    /// Unmatched items.
    pub total: usize,
    /// Overlapped by an item of the other side (boundary error, or the
    /// overlapping item was matched to something else).
    pub overlapped: usize,
    /// Nothing on the other side overlaps it.
    pub disjoint: usize,
}

/// Everything one evaluation run reports, serialisable so runs can be
/// compared by machine (`--format json`), not only read.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct Report {
    /// Articles scored.
    pub articles: usize,
    /// Raw bytes the pipeline read (for the throughput figure).
    pub bytes: usize,
    /// Seconds in the pipeline (one thread).
    pub seconds: f64,
    /// Every predicted kind, beliefs included (the headline numbers).
    pub scores: Scores,
    /// Predicted beliefs dropped, gold unchanged.
    pub scores_without_beliefs: Scores,
    /// Gold content with / without a quotation mark.
    pub by_gold_kind: Vec<RecallRow>,
    /// The most frequent gold cue texts (lowercased).
    pub by_gold_cue: Vec<RecallRow>,
    /// Precision by predicted statement kind.
    pub by_pred_kind: Vec<PrecisionRow>,
    /// Precision by the rule that produced the statement: which rules pay their way.
    pub by_rule: Vec<PrecisionRow>,
    /// Speaker accuracy by the kind of mention chosen as speaker.
    pub speaker_by_mention_kind: Vec<SpeakerRow>,
    /// Gold attributions with no match.
    pub misses: ErrorSplit,
    /// Predictions with no match.
    pub false_alarms: ErrorSplit,
    /// Published systems' scores, for comparison.
    pub references: Vec<Reference>,
    /// Which selector produced the statements ("model" or "rules").
    pub selector: String,
    /// The same corpus scored with the rule selector, shown beside the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub baseline: Option<Box<Report>>,
}

fn add_recall(map: &mut BTreeMap<String, RecallRow>, name: &str, matched: bool, right: bool) {
    let row =
        map.entry(name.to_string()).or_insert_with(|| RecallRow { name: name.to_string(), ..RecallRow::default() });
    row.gold += 1;
    row.matched += matched as usize;
    row.speaker_right += right as usize;
}

fn add_precision(map: &mut BTreeMap<String, PrecisionRow>, name: &str, matched: bool, right: bool) {
    let row = map
        .entry(name.to_string())
        .or_insert_with(|| PrecisionRow { name: name.to_string(), ..PrecisionRow::default() });
    row.pred += 1;
    row.matched += matched as usize;
    row.speaker_right += right as usize;
}

/// Lowercased, whitespace-normalised cue text; "(none)" for a null cue.
pub fn cue_key(cue: &str) -> String {
    let k = cue.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
    if k.is_empty() {
        "(none)".to_string()
    } else {
        k
    }
}

/// Gold bucket name by quotation marks in the content.
pub fn gold_kind(g: &crate::GoldItem) -> &'static str {
    if g.quoted() {
        "quoted"
    } else {
        "unquoted"
    }
}

impl Report {
    /// Aggregates a run (no pipeline work: everything is in `ev`).
    pub fn new(ev: &Evaluation) -> Report {
        let mut all = Counts::default();
        let mut speech = Counts::default();
        let mut by_gold_kind = BTreeMap::new();
        let mut by_cue = BTreeMap::new();
        let mut by_pred_kind = BTreeMap::new();
        let mut by_rule = BTreeMap::new();
        let mut by_mention: BTreeMap<String, SpeakerRow> = BTreeMap::new();
        let mut misses = ErrorSplit::default();
        let mut false_alarms = ErrorSplit::default();
        for a in &ev.articles {
            let m = &a.matching;
            all += m.counts();
            speech += a.counts_without_beliefs;
            for (gi, g) in a.gold.iter().enumerate() {
                let pair = m.gold_pair[gi].map(|k| m.pairs[k]);
                let matched = pair.is_some();
                let right = pair.is_some_and(|p| p.speaker_right);
                add_recall(&mut by_gold_kind, gold_kind(g), matched, right);
                add_recall(&mut by_cue, &cue_key(&g.cue_text), matched, right);
                if !matched {
                    misses.total += 1;
                    if a.pred.iter().any(|p| p.content.overlaps(&g.content)) {
                        misses.overlapped += 1;
                    } else {
                        misses.disjoint += 1;
                    }
                }
            }
            for (pi, p) in a.pred.iter().enumerate() {
                let pair = m.pred_pair[pi].map(|k| m.pairs[k]);
                let matched = pair.is_some();
                let right = pair.is_some_and(|p| p.speaker_right);
                add_precision(&mut by_pred_kind, p.kind.as_str(), matched, right);
                add_precision(&mut by_rule, &p.rule, matched, right);
                if matched {
                    let kind = p.speaker.as_ref().map(|s| s.mention_kind.as_str()).unwrap_or("none");
                    let row = by_mention.entry(kind.to_string()).or_default();
                    row.name = kind.to_string();
                    row.matched += 1;
                    row.speaker_right += right as usize;
                } else {
                    false_alarms.total += 1;
                    if a.gold.iter().any(|g| g.content.overlaps(&p.content)) {
                        false_alarms.overlapped += 1;
                    } else {
                        false_alarms.disjoint += 1;
                    }
                }
            }
        }
        let finish_r = |mut v: Vec<RecallRow>| {
            for r in &mut v {
                r.recall = ratio(r.matched, r.gold);
                r.end_to_end_recall = ratio(r.speaker_right, r.gold);
            }
            v
        };
        let finish_p = |mut v: Vec<PrecisionRow>| {
            for r in &mut v {
                r.precision = ratio(r.matched, r.pred);
                r.end_to_end_precision = ratio(r.speaker_right, r.pred);
            }
            v.sort_by(|a, b| b.pred.cmp(&a.pred).then(a.name.cmp(&b.name)));
            v
        };
        let mut cues: Vec<RecallRow> = finish_r(by_cue.into_values().collect());
        cues.sort_by(|a, b| b.gold.cmp(&a.gold).then(a.name.cmp(&b.name)));
        cues.truncate(TOP_CUES);
        let mut speaker_by_mention_kind: Vec<SpeakerRow> = by_mention.into_values().collect();
        for r in &mut speaker_by_mention_kind {
            r.share = ratio(r.speaker_right, r.matched);
        }
        speaker_by_mention_kind.sort_by_key(|r| std::cmp::Reverse(r.matched));
        Report {
            articles: ev.articles.len(),
            bytes: ev.bytes,
            seconds: ev.seconds,
            scores: Scores::from_counts(all),
            scores_without_beliefs: Scores::from_counts(speech),
            by_gold_kind: finish_r(by_gold_kind.into_values().collect()),
            by_gold_cue: cues,
            by_pred_kind: finish_p(by_pred_kind.into_values().collect()),
            by_rule: finish_p(by_rule.into_values().collect()),
            speaker_by_mention_kind,
            misses,
            false_alarms,
            references: REFERENCES.to_vec(),
            selector: String::new(),
            baseline: None,
        }
    }
}

fn f(x: f64) -> String {
    format!("{x:.3}")
}

/// The compact human-readable table.
pub fn render_table(r: &Report) -> String {
    let mut o = String::new();
    let c = r.scores.counts;
    let kbs = if r.seconds > 0.0 { r.bytes as f64 / 1024.0 / r.seconds } else { 0.0 };
    let _ = writeln!(
        o,
        "{} articles, {} gold attributions, {} predicted statements ({:.2} s in the pipeline, {:.0} KB/s)",
        r.articles, c.gold, c.pred, r.seconds, kbs
    );
    let _ = writeln!(o);
    let _ = writeln!(
        o,
        "{:<22} {:>6} {:>6} {:>6}   {:>7}   {:>6} {:>6} {:>6}   {:>6}",
        "system", "cont P", "cont R", "cont F", "speaker", "e2e P", "e2e R", "e2e F", "exactF"
    );
    let sel = if r.selector.is_empty() { "default" } else { r.selector.as_str() };
    let this = format!("whosaid {sel}");
    let this_nb = format!("{sel}, no beliefs");
    let mut systems = vec![(this.as_str(), &r.scores), (this_nb.as_str(), &r.scores_without_beliefs)];
    if let Some(b) = &r.baseline {
        systems.push(("whosaid rules", &b.scores));
        systems.push(("rules, no beliefs", &b.scores_without_beliefs));
    }
    for (name, s) in systems {
        let _ = writeln!(
            o,
            "{:<22} {:>6} {:>6} {:>6}   {:>7}   {:>6} {:>6} {:>6}   {:>6}",
            name,
            f(s.content.p),
            f(s.content.r),
            f(s.content.f1),
            f(s.speaker_right),
            f(s.end_to_end.p),
            f(s.end_to_end.r),
            f(s.end_to_end.f1),
            f(s.exact.f1),
        );
    }
    for x in &r.references {
        let _ = writeln!(
            o,
            "{:<22} {:>6} {:>6} {:>6}   {:>7}   {:>6} {:>6} {:>6}   {:>6}",
            x.system,
            f(x.content_p),
            f(x.content_r),
            f(x.content_f1),
            f(x.speaker_right),
            "-",
            "-",
            f(x.end_to_end_f1),
            "-"
        );
    }
    let _ = writeln!(
        o,
        "counts: matched {} (speaker right {}), exact {}; no beliefs: pred {}, matched {}, speaker right {}",
        c.matched,
        c.speaker_right,
        c.exact,
        r.scores_without_beliefs.counts.pred,
        r.scores_without_beliefs.counts.matched,
        r.scores_without_beliefs.counts.speaker_right
    );
    let _ = writeln!(
        o,
        "misses {} ({} overlapped by a prediction, {} untouched); false alarms {} ({} overlap gold, {} disjoint)",
        r.misses.total,
        r.misses.overlapped,
        r.misses.disjoint,
        r.false_alarms.total,
        r.false_alarms.overlapped,
        r.false_alarms.disjoint
    );

    // One layout for every breakdown: name, count, rate, end-to-end rate.
    let table = |o: &mut String, title: &str, heads: [&str; 3], rows: Vec<(&str, usize, f64, f64)>| {
        let _ = writeln!(o);
        let _ = writeln!(o, "{:<24} {:>5} {:>6} {:>6}", title, heads[0], heads[1], heads[2]);
        for (name, count, rate, e2e) in rows {
            let _ = writeln!(o, "  {:<22} {:>5} {:>6} {:>6}", truncate(name, 22), count, f(rate), f(e2e));
        }
    };
    // Recall breakdowns show the rules' figures beside, when scored.
    let recall_table = |o: &mut String, title: &str, rows: &[RecallRow], base: Option<&[RecallRow]>| {
        let Some(base) = base else {
            let rows = rows.iter().map(|x| (x.name.as_str(), x.gold, x.recall, x.end_to_end_recall)).collect();
            table(o, title, ["gold", "R", "e2e R"], rows);
            return;
        };
        let _ = writeln!(o);
        let _ =
            writeln!(o, "{:<24} {:>5} {:>6} {:>6}   {:>7} {:>7}", title, "gold", "R", "e2e R", "rules R", "rules e2e");
        for x in rows {
            let b = base.iter().find(|b| b.name == x.name);
            let _ = writeln!(
                o,
                "  {:<22} {:>5} {:>6} {:>6}   {:>7} {:>7}",
                truncate(&x.name, 22),
                x.gold,
                f(x.recall),
                f(x.end_to_end_recall),
                b.map(|b| f(b.recall)).unwrap_or_else(|| "-".into()),
                b.map(|b| f(b.end_to_end_recall)).unwrap_or_else(|| "-".into())
            );
        }
    };
    let base = r.baseline.as_deref();
    let precision_table = |o: &mut String, title: &str, rows: &[PrecisionRow]| {
        let rows = rows.iter().map(|x| (x.name.as_str(), x.pred, x.precision, x.end_to_end_precision)).collect();
        table(o, title, ["pred", "P", "e2e P"], rows);
    };
    recall_table(&mut o, "gold content", &r.by_gold_kind, base.map(|b| b.by_gold_kind.as_slice()));
    precision_table(&mut o, "predicted kind", &r.by_pred_kind);
    precision_table(&mut o, "rule", &r.by_rule);
    let _ = writeln!(o);
    let _ = writeln!(o, "{:<24} {:>5} {:>6}", "speaker mention kind", "match", "right");
    for x in &r.speaker_by_mention_kind {
        let _ = writeln!(o, "  {:<22} {:>5} {:>6}", x.name, x.matched, f(x.share));
    }
    recall_table(&mut o, "gold cue (top 20)", &r.by_gold_cue, base.map(|b| b.by_gold_cue.as_slice()));
    o
}

/// At most `n` characters, with "…" when cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}
