//! Speaker-referent scoring: is the *resolved* speaker the right person?
//!
//! PolNeAR marks the source mention ("he") but not whom it refers to;
//! `dev-speakers.jsonl` (next to the gold file) adds the referent as the
//! article names it. On statements matched to a gold attribution whose
//! referent `name` is not null (rules in `../shared/data/README.md`, code in
//! [`whosaid_document::names`]):
//! - **referent right**: the statement's resolved speaker name (the entity's
//!   canonical name) names the same referent ([`same_referent`]);
//! - **full name right**: the folded names are equal ([`same_full_name`]).
//!
//! A statement without a speaker, or whose speaker resolved to no entity, is
//! wrong on both. Breakdowns are by the predicted speaker's mention kind
//! (`name`, `title`, `nominal`, `pronoun`, `group`, `none`) and by the gold
//! referent type.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde::{Deserialize, Serialize};
use whosaid_document::names::{same_full_name, same_referent};

use crate::report::truncate;
use crate::score::ratio;
use crate::Evaluation;

/// One gold referent (`i` indexes the article's attributions).
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct GoldSpeaker {
    /// Index of the attribution in the article.
    pub i: usize,
    /// The gold source as written.
    #[serde(default)]
    pub source: Option<String>,
    /// Whom it refers to, by full name (`None` when not a named referent).
    pub name: Option<String>,
    /// The referent's type (person, organization, …).
    #[serde(rename = "type")]
    pub etype: String,
}

/// One line of the speaker gold file: an article's referents.
#[derive(Clone, Debug, Deserialize, PartialEq)]
pub struct ArticleSpeakers {
    /// The article id (as in the PolNeAR file).
    pub id: String,
    /// Its referents.
    pub speakers: Vec<GoldSpeaker>,
}

/// Why the speaker file could not be used: a line that is not an
/// `ArticleSpeakers` object.
pub type SpeakersError = crate::gold::GoldError;

/// Article id → (attribution index → referent).
pub type SpeakerGold = BTreeMap<String, BTreeMap<usize, GoldSpeaker>>;

/// Parses `dev-speakers.jsonl` (blank lines skipped).
pub fn parse_speakers(text: &str) -> Result<SpeakerGold, SpeakersError> {
    let mut out = SpeakerGold::new();
    for a in crate::gold::parse_lines::<ArticleSpeakers>(text)? {
        out.insert(a.id, a.speakers.into_iter().map(|s| (s.i, s)).collect());
    }
    Ok(out)
}

/// Counts of one bucket.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct ReferentRow {
    /// The bucket (all, a mention kind or a gold type).
    pub name: String,
    /// Matched statements with a named gold referent.
    pub matched: usize,
    /// Of those, the predicted entity is the gold referent.
    pub referent_right: usize,
    /// Of those, also named in full.
    pub full_name_right: usize,
    /// `referent_right / matched`.
    pub referent_share: f64,
    /// `full_name_right / matched`.
    pub full_name_share: f64,
}

impl ReferentRow {
    fn add(&mut self, referent: bool, full: bool) {
        self.matched += 1;
        self.referent_right += referent as usize;
        self.full_name_right += full as usize;
    }
    fn finish(&mut self) {
        self.referent_share = ratio(self.referent_right, self.matched);
        self.full_name_share = ratio(self.full_name_right, self.matched);
    }
}

/// One scored statement (kept for the error list).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ReferentItem {
    /// The article id.
    pub article: String,
    /// Gold attribution index.
    pub gold: usize,
    /// The gold source as written.
    pub gold_source: String,
    /// The gold referent's name.
    pub gold_name: String,
    /// The gold referent's type.
    pub gold_type: String,
    /// Predicted mention text and kind ("none" without a speaker).
    pub mention: String,
    /// The predicted mention's kind.
    pub mention_kind: String,
    /// The predicted entity's name.
    pub predicted: Option<String>,
    /// Whether it is the gold referent.
    pub referent_right: bool,
    /// Whether it is also the full name.
    pub full_name_right: bool,
}

/// Speaker resolution scored against named referents: whether the
/// pipeline found *who* spoke, beyond the mention it picked.
#[derive(Clone, Debug, Default, Serialize, PartialEq)]
pub struct SpeakerReport {
    /// Over every matched statement.
    pub overall: ReferentRow,
    /// By the predicted mention's kind.
    pub by_mention_kind: Vec<ReferentRow>,
    /// By the gold referent's type.
    pub by_gold_type: Vec<ReferentRow>,
    /// Articles of the evaluation the speaker file did not cover.
    pub articles_missing: usize,
    /// Every scored statement, for the error listing (not serialised: large).
    #[serde(skip)]
    pub items: Vec<ReferentItem>,
}

/// Scores one predicted name against one gold name: (referent, full name).
pub fn judge(gold: &str, predicted: Option<&str>) -> (bool, bool) {
    match predicted {
        Some(p) => (same_referent(gold, p), same_full_name(gold, p)),
        None => (false, false),
    }
}

/// Scores every matched statement whose gold referent is named.
pub fn score_speakers(ev: &Evaluation, gold: &SpeakerGold) -> SpeakerReport {
    let mut r =
        SpeakerReport { overall: ReferentRow { name: "all".into(), ..Default::default() }, ..Default::default() };
    let mut by_kind: BTreeMap<String, ReferentRow> = BTreeMap::new();
    let mut by_type: BTreeMap<String, ReferentRow> = BTreeMap::new();
    for a in &ev.articles {
        let Some(refs) = gold.get(&a.id) else {
            r.articles_missing += 1;
            continue;
        };
        for pair in &a.matching.pairs {
            let Some(g) = refs.get(&pair.gold) else { continue };
            let Some(gold_name) = &g.name else { continue };
            let sp = a.pred[pair.pred].speaker.as_ref();
            let predicted = sp.and_then(|s| s.entity_name.as_deref());
            let (referent, full) = judge(gold_name, predicted);
            let kind = sp.map(|s| s.mention_kind.clone()).unwrap_or_else(|| "none".into());
            r.overall.add(referent, full);
            by_kind
                .entry(kind.clone())
                .or_insert_with(|| ReferentRow { name: kind.clone(), ..Default::default() })
                .add(referent, full);
            by_type
                .entry(g.etype.clone())
                .or_insert_with(|| ReferentRow { name: g.etype.clone(), ..Default::default() })
                .add(referent, full);
            r.items.push(ReferentItem {
                article: a.id.clone(),
                gold: pair.gold,
                gold_source: g.source.clone().unwrap_or_default(),
                gold_name: gold_name.clone(),
                gold_type: g.etype.clone(),
                mention: sp.map(|s| s.text.clone()).unwrap_or_default(),
                mention_kind: kind,
                predicted: predicted.map(str::to_string),
                referent_right: referent,
                full_name_right: full,
            });
        }
    }
    r.overall.finish();
    let finish = |m: BTreeMap<String, ReferentRow>| {
        let mut v: Vec<ReferentRow> = m.into_values().collect();
        v.iter_mut().for_each(ReferentRow::finish);
        v.sort_by(|a, b| b.matched.cmp(&a.matched).then(a.name.cmp(&b.name)));
        v
    };
    r.by_mention_kind = finish(by_kind);
    r.by_gold_type = finish(by_type);
    r
}

fn f(x: f64) -> String {
    format!("{x:.3}")
}

/// The speaker-referent table (appended to the eval table).
pub fn render_speakers(r: &SpeakerReport) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "speaker referent (matched, gold referent named): {} statements, referent right {}, full name right {}",
        r.overall.matched,
        f(r.overall.referent_share),
        f(r.overall.full_name_share)
    );
    if r.articles_missing > 0 {
        let _ = writeln!(o, "  ({} articles have no entry in the speaker file)", r.articles_missing);
    }
    for (title, rows) in [("by mention kind", &r.by_mention_kind), ("by gold type", &r.by_gold_type)] {
        let _ = writeln!(o, "{:<24} {:>5} {:>8} {:>9}", title, "match", "referent", "full name");
        for x in rows {
            let _ =
                writeln!(o, "  {:<22} {:>5} {:>8} {:>9}", x.name, x.matched, f(x.referent_share), f(x.full_name_share));
        }
    }
    o
}

/// Up to `n` wrong referents (then up to `n` right referents with a partial
/// name), spread evenly over the corpus order.
pub fn render_speaker_errors(r: &SpeakerReport, n: usize) -> String {
    let mut o = String::new();
    let wrong: Vec<&ReferentItem> = r.items.iter().filter(|i| !i.referent_right).collect();
    let partial: Vec<&ReferentItem> = r.items.iter().filter(|i| i.referent_right && !i.full_name_right).collect();
    for (title, list) in [("wrong referent", wrong), ("right referent, not the full name", partial)] {
        let _ = writeln!(o, "== {title}: {} ==", list.len());
        let take = n.min(list.len());
        for k in 0..take {
            let it = list[k * list.len() / take];
            let _ = writeln!(
                o,
                "  {} #{}: gold {:?} = {:?} ({}); predicted {:?} [{}] → {}",
                truncate(&it.article, 40),
                it.gold,
                truncate(&it.gold_source, 40),
                it.gold_name,
                it.gold_type,
                truncate(&it.mention, 40),
                it.mention_kind,
                it.predicted.as_deref().map(|p| format!("{p:?}")).unwrap_or_else(|| "(none)".into())
            );
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::score::{CharSet, GoldItem, PredItem, PredSpeaker};
    use crate::ArticleEval;
    use whosaid_document::StatementKind;

    #[test]
    fn judge_follows_the_readme_rules() {
        assert_eq!(judge("Donald Trump", Some("Trump")), (true, false));
        assert_eq!(judge("Donald Trump", Some("Mr. Donald Trump")), (true, true));
        assert_eq!(judge("Volodymyr Zelensky", Some("Volodymyr Zelenskyy")), (true, false));
        assert_eq!(judge("Hillary Clinton", Some("Agra")), (false, false));
        assert_eq!(judge("Hillary Clinton", None), (false, false));
        // "the" and honorifics fold away; accents too.
        assert_eq!(judge("The New York Times", Some("New York Times")), (true, true));
        assert_eq!(judge("José Ramírez", Some("Jose Ramirez")), (true, true));
    }

    fn pred(lo: usize, hi: usize, speaker: Option<(&str, Option<&str>, &str)>) -> PredItem {
        let mut p = PredItem::new(CharSet::span(lo, hi), StatementKind::Direct);
        p.speaker = speaker.map(|(t, n, k)| PredSpeaker {
            span: CharSet::span(0, 1),
            text: t.into(),
            entity_name: n.map(str::to_string),
            mention_kind: k.into(),
        });
        p
    }

    #[test]
    fn scores_matched_named_statements_only() {
        let text = "x".repeat(100);
        let gold = vec![
            GoldItem { content: CharSet::span(0, 10), source: Some(CharSet::span(50, 52)), ..Default::default() },
            GoldItem { content: CharSet::span(20, 30), source: Some(CharSet::span(50, 52)), ..Default::default() },
            GoldItem { content: CharSet::span(40, 45), source: Some(CharSet::span(50, 52)), ..Default::default() },
            GoldItem { content: CharSet::span(60, 70), source: None, ..Default::default() },
        ];
        let preds = vec![
            pred(0, 10, Some(("he", Some("Donald Trump"), "pronoun"))),
            pred(20, 30, Some(("Trump", Some("Trump"), "name"))),
            // gold 2 unmatched: not scored
            pred(60, 70, Some(("sources", None, "group"))),
        ];
        let ev = Evaluation { articles: vec![ArticleEval::new("a", &text, gold, preds)], ..Default::default() };
        let line = r#"{"id": "a", "speakers": [{"i": 0, "source": "he", "name": "Donald Trump", "type": "person"},
            {"i": 1, "source": "Trump", "name": "Donald Trump", "type": "person"},
            {"i": 2, "source": "she", "name": "Hillary Clinton", "type": "person"},
            {"i": 3, "source": null, "name": null, "type": "unnamed"}]}"#
            .replace('\n', " ");
        let g = parse_speakers(&line).unwrap();
        let r = score_speakers(&ev, &g);
        assert_eq!(r.overall.matched, 2);
        assert_eq!(r.overall.referent_right, 2);
        assert_eq!(r.overall.full_name_right, 1);
        let pronoun = r.by_mention_kind.iter().find(|x| x.name == "pronoun").unwrap();
        assert_eq!((pronoun.matched, pronoun.full_name_right), (1, 1));
        let name = r.by_mention_kind.iter().find(|x| x.name == "name").unwrap();
        assert_eq!((name.referent_right, name.full_name_right), (1, 0));
        let listing = render_speaker_errors(&r, 5);
        assert!(listing.contains("right referent, not the full name: 1"), "{listing}");
        // An article missing from the speaker file is reported, not scored.
        let r = score_speakers(&ev, &SpeakerGold::new());
        assert_eq!((r.overall.matched, r.articles_missing), (0, 1));
    }

    #[test]
    fn bad_lines_name_their_number() {
        let err = parse_speakers("\n{\"id\": 1}\n").unwrap_err();
        assert!(matches!(err, SpeakersError::Line(2, _)), "{err}");
    }
}
