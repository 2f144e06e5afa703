//! Who each outlet quotes, how, and in which words: one [`OutletProfile`]
//! per outlet, and per actor the outlets that quote them more than the
//! corpus does ([`ActorReach`]).
//!
//! Shares are over the outlet's statements (all kinds, beliefs included,
//! statements without a speaker included as `none`), so the speaker-type
//! shares of one outlet sum to 1. "Quotes an actor more than average" is the
//! ratio of the actor's share of an outlet's statements to their share of
//! all statements: 2.0 means twice as often as the corpus as a whole.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::fightin::{self, Distinctive};
use crate::{round, Corpus, SpeakerKind};

/// How many actors, words and phrases a profile lists.
#[derive(Clone, Copy, Debug)]
pub struct ProfileOptions {
    /// Actors listed per outlet.
    pub top_actors: usize,
    /// Distinctive words, and as many phrases, listed per outlet.
    pub top_words: usize,
    /// Strength of the log-odds prior (see [`fightin`]).
    pub prior: f64,
    /// Least uses by the outlet for a word to be listed.
    pub min_count: u64,
}

impl Default for ProfileOptions {
    fn default() -> ProfileOptions {
        ProfileOptions { top_actors: 10, top_words: 15, prior: fightin::DEFAULT_PRIOR, min_count: fightin::MIN_COUNT }
    }
}

/// A name with its count and its share of the whole.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Share {
    /// What is counted (a speaker type, a kind, a term).
    pub name: String,
    /// How many.
    pub count: usize,
    /// Of the whole it belongs to (0..1).
    pub share: f64,
}

/// An actor an outlet quotes, against the corpus.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActorShare {
    /// The store's actor id.
    pub actor_id: i64,
    /// The actor's display name.
    pub name: String,
    /// Statements by the actor in the outlet.
    pub statements: usize,
    /// Of the outlet's statements.
    pub share: f64,
    /// Of all statements in the corpus.
    pub corpus_share: f64,
    /// `share / corpus_share`.
    pub ratio: f64,
}

/// One contested referent as an outlet names it: uses per term.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TermChoice {
    /// The contested referent's group.
    pub group: String,
    /// `place`, `name` or `phrase`.
    pub kind: String,
    /// Uses of each term of the group by the outlet.
    pub terms: Vec<Share>,
}

/// One outlet's figures: whom and how it quotes, and the words it chooses.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutletProfile {
    /// The outlet's name.
    pub outlet: String,
    /// Articles that count for the outlet (see `Corpus::counted`).
    pub articles: usize,
    /// Of those, copies of another outlet's article.
    pub copies: usize,
    /// Statements in the counted articles.
    pub statements: usize,
    /// `statements / articles`.
    pub statements_per_article: f64,
    /// Every [`SpeakerKind`], in its order.
    pub speaker_types: Vec<Share>,
    /// direct, mixed, indirect, belief.
    pub kinds: Vec<Share>,
    /// Direct quotations among speech (direct + mixed + indirect).
    pub direct_share: f64,
    /// Reported speech (indirect + mixed) among speech.
    pub reported_share: f64,
    /// Statements by unnamed sources among statements with a speaker
    /// (unresolved pronouns are not unnamed sources, and not counted here).
    pub unnamed_share: f64,
    /// The most quoted actors, most statements first.
    pub top_actors: Vec<ActorShare>,
    /// How the outlet names each contested referent it mentions.
    pub terminology: Vec<TermChoice>,
    /// Words the outlet uses more than the others (fightin' words).
    pub distinctive_words: Vec<Distinctive>,
    /// Two-word phrases, likewise.
    pub distinctive_phrases: Vec<Distinctive>,
}

/// One outlet quoting one actor.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutletShare {
    /// The outlet's name.
    pub outlet: String,
    /// Statements by the actor in the outlet.
    pub statements: usize,
    /// Of the outlet's statements.
    pub share: f64,
    /// `share` / the actor's share of all statements.
    pub ratio: f64,
}

/// An actor and the outlets quoting them, most (by ratio to the corpus) first.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ActorReach {
    /// The store's actor id.
    pub actor_id: i64,
    /// The actor's display name.
    pub name: String,
    /// Statements by the actor in the corpus.
    pub statements: usize,
    /// Of all statements in the corpus.
    pub corpus_share: f64,
    /// The outlets quoting the actor.
    pub outlets: Vec<OutletShare>,
}

/// The outlet comparison (`whosaid outlets`, `/api/outlets`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OutletReport {
    /// Articles counted (copies once per outlet).
    pub articles: usize,
    /// Statements in them.
    pub statements: usize,
    /// Each outlet's profile.
    pub outlets: Vec<OutletProfile>,
    /// The most quoted actors of the corpus.
    pub actors: Vec<ActorReach>,
}

fn share(count: usize, total: usize) -> f64 {
    if total == 0 {
        0.0
    } else {
        round(count as f64 / total as f64, 4)
    }
}

const KINDS: [&str; 4] = ["direct", "mixed", "indirect", "belief"];

/// Profiles of every outlet of the corpus, sorted by outlet name.
pub fn outlet_report(corpus: &Corpus, opts: &ProfileOptions) -> OutletReport {
    let counted = corpus.counted();
    // Per outlet: article indices; actor statement counts; corpus totals.
    let mut by_outlet: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for &i in &counted {
        by_outlet.entry(corpus.articles[i].outlet.as_str()).or_default().push(i);
    }
    let mut corpus_actor: BTreeMap<i64, usize> = BTreeMap::new();
    let mut outlet_actor: BTreeMap<(&str, i64), usize> = BTreeMap::new();
    let mut outlet_total: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0usize;
    for &i in &counted {
        let a = &corpus.articles[i];
        for q in &a.statements {
            total += 1;
            *outlet_total.entry(a.outlet.as_str()).or_default() += 1;
            if let Some(actor) = q.actor {
                *corpus_actor.entry(actor).or_default() += 1;
                *outlet_actor.entry((a.outlet.as_str(), actor)).or_default() += 1;
            }
        }
    }
    let actor_share = |outlet: &str, actor: i64, n: usize| -> ActorShare {
        let s = share(n, outlet_total.get(outlet).copied().unwrap_or(0));
        let cs = share(corpus_actor.get(&actor).copied().unwrap_or(0), total);
        ActorShare {
            actor_id: actor,
            name: corpus.actor_name(actor),
            statements: n,
            share: s,
            corpus_share: cs,
            ratio: if cs > 0.0 { round(s / cs, 3) } else { 0.0 },
        }
    };

    let (words, bigrams) = fightin::outlet_counts(corpus);
    let dw = fightin::distinctive(&words, opts.prior, opts.min_count, opts.top_words);
    let dp = fightin::distinctive(&bigrams, opts.prior, opts.min_count, opts.top_words);

    let mut outlets = Vec::new();
    for (&outlet, idx) in &by_outlet {
        let mut kinds: BTreeMap<&str, usize> = BTreeMap::new();
        let mut types: BTreeMap<SpeakerKind, usize> = BTreeMap::new();
        let mut terms: BTreeMap<(&str, &str), BTreeMap<&str, usize>> = BTreeMap::new();
        let mut n = 0;
        let mut copies = 0;
        for &i in idx {
            let a = &corpus.articles[i];
            if corpus.root(i) != i {
                copies += 1;
            }
            for q in &a.statements {
                n += 1;
                *kinds.entry(q.kind.as_str()).or_default() += 1;
                *types.entry(q.speaker_kind).or_default() += 1;
            }
            for t in &a.terms {
                *terms.entry((t.group.as_str(), t.kind.as_str())).or_default().entry(t.term.as_str()).or_default() += 1;
            }
        }
        let k = |name: &str| kinds.get(name).copied().unwrap_or(0);
        let speech = k("direct") + k("mixed") + k("indirect");
        let none_or_unresolved = types.get(&SpeakerKind::None).copied().unwrap_or(0)
            + types.get(&SpeakerKind::Unresolved).copied().unwrap_or(0);
        let with_speaker = n - none_or_unresolved;
        let mut top: Vec<ActorShare> = outlet_actor
            .range((outlet, i64::MIN)..=(outlet, i64::MAX))
            .map(|(&(_, actor), &c)| actor_share(outlet, actor, c))
            .collect();
        top.sort_by(|a, b| b.statements.cmp(&a.statements).then_with(|| a.name.cmp(&b.name)));
        top.truncate(opts.top_actors);
        outlets.push(OutletProfile {
            outlet: outlet.to_string(),
            articles: idx.len(),
            copies,
            statements: n,
            statements_per_article: if idx.is_empty() { 0.0 } else { round(n as f64 / idx.len() as f64, 2) },
            speaker_types: SpeakerKind::ALL
                .iter()
                .map(|t| {
                    let c = types.get(t).copied().unwrap_or(0);
                    Share { name: t.as_str().to_string(), count: c, share: share(c, n) }
                })
                .collect(),
            kinds: KINDS
                .iter()
                .map(|name| Share { name: name.to_string(), count: k(name), share: share(k(name), n) })
                .collect(),
            direct_share: share(k("direct"), speech),
            reported_share: share(k("indirect") + k("mixed"), speech),
            unnamed_share: share(types.get(&SpeakerKind::Unnamed).copied().unwrap_or(0), with_speaker),
            top_actors: top,
            terminology: terms
                .into_iter()
                .map(|((group, kind), ts)| {
                    let sum: usize = ts.values().sum();
                    let mut terms: Vec<Share> = ts
                        .into_iter()
                        .map(|(t, c)| Share { name: t.to_string(), count: c, share: share(c, sum) })
                        .collect();
                    terms.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
                    TermChoice { group: group.to_string(), kind: kind.to_string(), terms }
                })
                .collect(),
            distinctive_words: dw.get(outlet).cloned().unwrap_or_default(),
            distinctive_phrases: dp.get(outlet).cloned().unwrap_or_default(),
        });
    }

    let mut most: Vec<(i64, usize)> = corpus_actor.iter().map(|(&a, &c)| (a, c)).collect();
    most.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| corpus.actor_name(a.0).cmp(&corpus.actor_name(b.0))));
    most.truncate(opts.top_actors * 2);
    let actors = most
        .into_iter()
        .map(|(actor, c)| {
            let mut outlets: Vec<OutletShare> = by_outlet
                .keys()
                .filter_map(|&o| {
                    outlet_actor.get(&(o, actor)).map(|&n| {
                        let s = actor_share(o, actor, n);
                        OutletShare { outlet: o.to_string(), statements: n, share: s.share, ratio: s.ratio }
                    })
                })
                .collect();
            outlets.sort_by(|a, b| b.ratio.total_cmp(&a.ratio).then_with(|| a.outlet.cmp(&b.outlet)));
            ActorReach {
                actor_id: actor,
                name: corpus.actor_name(actor),
                statements: c,
                corpus_share: share(c, total),
                outlets,
            }
        })
        .collect();
    OutletReport { articles: counted.len(), statements: total, outlets, actors }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Article, Quote, TermUse};

    fn q(id: i64, kind: &str, actor: Option<i64>, sk: SpeakerKind) -> Quote {
        Quote {
            id,
            kind: kind.into(),
            content: format!("statement {id}"),
            actor,
            speaker: actor.map(|a| format!("A{a}")),
            speaker_kind: sk,
        }
    }

    fn corpus() -> Corpus {
        use SpeakerKind as K;
        let t = |term: &str| TermUse { group: "Kyiv".into(), kind: "place".into(), term: term.into() };
        let articles = vec![
            Article {
                id: 1,
                outlet: "East".into(),
                terms: vec![t("Kiev"), t("Kiev"), t("Kyiv")],
                statements: vec![
                    q(1, "direct", Some(10), K::Person),
                    q(2, "indirect", Some(10), K::Person),
                    q(3, "indirect", None, K::Unnamed),
                ],
                ..Article::default()
            },
            Article {
                id: 2,
                outlet: "East".into(),
                statements: vec![q(4, "mixed", Some(20), K::Government)],
                ..Article::default()
            },
            Article {
                id: 3,
                outlet: "West".into(),
                terms: vec![t("Kyiv")],
                statements: vec![
                    q(5, "direct", Some(20), K::Person),
                    q(6, "direct", Some(20), K::Person),
                    q(7, "belief", Some(10), K::Person),
                    q(8, "direct", None, K::None),
                ],
                ..Article::default()
            },
            // West's wire copy of East's first article counts for West.
            Article { id: 4, outlet: "West".into(), duplicate_of: Some(1), ..Article::default() },
        ];
        let mut c = Corpus::new(articles, [(10, "Ann".to_string()), (20, "Bob".to_string())].into());
        c.articles[3].statements = c.articles[0].statements.clone();
        c
    }

    #[test]
    fn profile_figures() {
        let r = outlet_report(&corpus(), &ProfileOptions::default());
        assert_eq!((r.articles, r.statements), (4, 11));
        let east = &r.outlets[0];
        assert_eq!((east.outlet.as_str(), east.articles, east.copies, east.statements), ("East", 2, 0, 4));
        assert_eq!(east.statements_per_article, 2.0);
        // direct 1, mixed 1, indirect 2 → direct 1/4, reported 3/4.
        assert_eq!((east.direct_share, east.reported_share), (0.25, 0.75));
        assert_eq!(east.unnamed_share, 0.25);
        let shares: Vec<(&str, usize)> = east.speaker_types.iter().map(|s| (s.name.as_str(), s.count)).collect();
        assert_eq!(
            shares,
            vec![
                ("person", 2),
                ("organization", 0),
                ("group", 0),
                ("government", 1),
                ("unnamed", 1),
                ("unresolved", 0),
                ("none", 0)
            ]
        );
        assert_eq!(east.terminology.len(), 1);
        let kyiv: Vec<(&str, usize, f64)> =
            east.terminology[0].terms.iter().map(|s| (s.name.as_str(), s.count, s.share)).collect();
        assert_eq!(kyiv, vec![("Kiev", 2, 0.6667), ("Kyiv", 1, 0.3333)]);
        let west = &r.outlets[1];
        assert_eq!((west.articles, west.copies, west.statements), (2, 1, 7));
        // West: direct 4 of speech 6 (belief is not speech); unnamed 1 of 6 with a speaker.
        assert_eq!((west.direct_share, west.unnamed_share), (0.6667, 0.1667));
        // Ann: 2 (East) + 1 belief + 2 (copy) = 5 of 11 in the corpus; East 2/4.
        let ann = r.actors.iter().find(|a| a.name == "Ann").unwrap();
        assert_eq!((ann.statements, ann.corpus_share), (5, 0.4545));
        let east_ann = ann.outlets.iter().find(|o| o.outlet == "East").unwrap();
        assert_eq!((east_ann.statements, east_ann.share), (2, 0.5));
        assert_eq!(east_ann.ratio, round(0.5 / 0.4545, 3));
        // Bob is quoted by West more than average: 2/7 vs 3/11.
        let bob = r.actors.iter().find(|a| a.name == "Bob").unwrap();
        assert_eq!((bob.outlets[0].outlet.as_str(), bob.outlets[0].share), ("West", 0.2857));
        assert_eq!(west.top_actors[0].name, "Ann");
        assert_eq!(west.top_actors[0].statements, 3);
    }
}
