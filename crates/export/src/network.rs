//! Discourse networks as DNA defines them (`dna/export/Exporter.java`; see
//! `../shared/reference/dna-format.md` §3), over coded statements: each
//! statement × issue with a speaker is one DNA statement *actor — concept —
//! agreement*, agreement 1 for support and 0 for oppose. Unknown stances have
//! no agreement: they count where DNA ignores the qualifier (two-mode
//! `ignore`, co-occurrence) and nowhere else.
//!
//! - **actor × issue** (two-mode), aggregation `ignore` (count), `subtract`
//!   (support − oppose), `combine` (1 only support, 2 only oppose, 3 both) or
//!   `split` (one edge per agreement, attribute `agreement`); normalisation
//!   `activity` (÷ the actor's count) or `prominence` (÷ the issue's).
//! - **actor × actor** (one-mode, symmetric, i < j): `congruence` Σ over
//!   issues of pairs with the same agreement, `conflict` pairs with opposite
//!   agreement, `subtract` congruence − conflict, `cooccurrence` (DNA's
//!   ignore) n_ij · n_i'j over all codings; normalisation `average`
//!   (÷ (n_i + n_j)/2), `jaccard` (÷ m11 + m10 + m01 over issue × agreement
//!   cells) or `cosine` as DNA codes it (÷ n_i · n_j, not the vector cosine).
//! - **speaker → target** (directed): statements in which the speaker
//!   refers to the target.
//!
//! Edges exist for non-zero cells only; nodes are sorted by name then key,
//! edges by source then target, so output is deterministic.

use std::collections::BTreeMap;

use crate::rows::{Actor, Corpus};
use crate::ExportError;

/// Which network to build (`--network`; DNA's definitions, see the module doc).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Two-mode actor × issue.
    ActorIssue,
    /// Actor × actor: pairs with the same agreement on an issue.
    Congruence,
    /// Actor × actor: pairs with opposite agreement.
    Conflict,
    /// Actor × actor: congruence − conflict.
    Subtract,
    /// Actor × actor over all codings, agreement ignored.
    Cooccurrence,
    /// Directed: speaker → the actors their statements refer to.
    SpeakerTarget,
}

impl Kind {
    /// Reads a `--network` value.
    pub fn parse(s: &str) -> Result<Kind, ExportError> {
        Ok(match s {
            "actor-issue" => Kind::ActorIssue,
            "congruence" => Kind::Congruence,
            "conflict" => Kind::Conflict,
            "subtract" => Kind::Subtract,
            "cooccurrence" => Kind::Cooccurrence,
            "speaker-target" => Kind::SpeakerTarget,
            _ => {
                return Err(ExportError::UnknownValue {
                    option: "network",
                    value: s.to_string(),
                    expected: "actor-issue, congruence, conflict, subtract, cooccurrence, speaker-target",
                })
            }
        })
    }
}

/// How an actor × issue edge treats agreement (DNA's qualifier aggregation).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Aggregation {
    /// Count every coding.
    #[default]
    Ignore,
    /// Support − oppose.
    Subtract,
    /// 1 only support, 2 only oppose, 3 both.
    Combine,
    /// One edge per agreement (attribute `agreement`).
    Split,
}

impl Aggregation {
    /// Reads an `--aggregation` value.
    pub fn parse(s: &str) -> Result<Aggregation, ExportError> {
        Ok(match s {
            "ignore" => Aggregation::Ignore,
            "subtract" => Aggregation::Subtract,
            "combine" => Aggregation::Combine,
            "split" => Aggregation::Split,
            _ => {
                return Err(ExportError::UnknownValue {
                    option: "aggregation",
                    value: s.to_string(),
                    expected: "ignore, subtract, combine, split",
                })
            }
        })
    }
}

/// How edge weights are scaled (DNA's normalisations).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Normalisation {
    /// Raw counts.
    #[default]
    No,
    /// Actor × issue: ÷ the actor's count.
    Activity,
    /// Actor × issue: ÷ the issue's count.
    Prominence,
    /// Actor × actor: ÷ (n_i + n_j) / 2.
    Average,
    /// Actor × actor: ÷ the issue × agreement cells either uses.
    Jaccard,
    /// Actor × actor: ÷ n_i · n_j, as DNA codes it.
    Cosine,
}

impl Normalisation {
    /// Reads a `--normalisation` value (`none` is `no`).
    pub fn parse(s: &str) -> Result<Normalisation, ExportError> {
        Ok(match s {
            "no" | "none" => Normalisation::No,
            "activity" => Normalisation::Activity,
            "prominence" => Normalisation::Prominence,
            "average" => Normalisation::Average,
            "jaccard" => Normalisation::Jaccard,
            "cosine" => Normalisation::Cosine,
            _ => {
                return Err(ExportError::UnknownValue {
                    option: "normalisation",
                    value: s.to_string(),
                    expected: "no, activity, prominence, average, jaccard, cosine",
                })
            }
        })
    }
}

/// How a network is built beyond its kind.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Options {
    /// See [`Aggregation`].
    pub aggregation: Aggregation,
    /// See [`Normalisation`].
    pub normalisation: Normalisation,
    /// Codings below this stance confidence count as unknown.
    pub min_confidence: f32,
}

/// A typed edge attribute value (GraphML needs the type).
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// An `int` attribute.
    Int(i64),
    /// A `double` attribute.
    Double(f64),
    /// A `string` attribute.
    Text(String),
}

/// An actor or issue of a network.
#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    /// The id edges use: `a0`, `a1` … for actors, `i0` … for issues, in node order.
    pub id: String,
    /// The display name.
    pub label: String,
    /// "actor" or "issue".
    pub mode: String,
    /// Actor type (person, organization, …) or "issue".
    pub etype: String,
    /// Codings (or statements, for speaker → target) the node takes part in.
    pub frequency: i64,
}

/// A weighted edge between two node ids.
#[derive(Clone, Debug, PartialEq)]
pub struct Edge {
    /// The first node (the speaker in a directed network).
    pub source: String,
    /// The second node.
    pub target: String,
    /// The cell's value after aggregation and normalisation.
    pub weight: f64,
    /// Values of `Network::edge_attributes`, in that order.
    pub values: Vec<Value>,
}

/// A network ready to write (GraphML or CSV node and edge lists).
#[derive(Clone, Debug, PartialEq)]
pub struct Network {
    /// The network kind's name, written into the file.
    pub name: String,
    /// Whether edges run from source to target (speaker → target only).
    pub directed: bool,
    /// Sorted by name, then key.
    pub nodes: Vec<Node>,
    /// Sorted by source, then target; non-zero only.
    pub edges: Vec<Edge>,
    /// Extra edge attributes: (name, GraphML type: int, double, string).
    pub edge_attributes: Vec<(String, &'static str)>,
}

/// One DNA statement: actor, issue, agreement (None: unknown).
struct Coded<'c> {
    actor: &'c Actor,
    issue: &'c str,
    agreement: Option<bool>,
}

fn coded<'c>(corpus: &'c Corpus, opts: &Options) -> Vec<Coded<'c>> {
    let mut out = Vec::new();
    for r in &corpus.rows {
        let Some(actor) = &r.speaker else { continue };
        for i in &r.issues {
            let agreement = match i.stance.as_str() {
                "support" if i.confidence >= opts.min_confidence => Some(true),
                "oppose" if i.confidence >= opts.min_confidence => Some(false),
                _ => None,
            };
            out.push(Coded { actor, issue: &i.issue, agreement });
        }
    }
    out
}

/// Sorted actor nodes with ids a0, a1, … and their index by key.
fn actor_nodes<'a>(actors: impl Iterator<Item = (&'a Actor, i64)>) -> (Vec<Node>, BTreeMap<String, String>) {
    let mut by_key: BTreeMap<&str, (&Actor, i64)> = BTreeMap::new();
    for (a, n) in actors {
        by_key.entry(&a.key).or_insert((a, 0)).1 += n;
    }
    let mut list: Vec<(&Actor, i64)> = by_key.into_values().collect();
    list.sort_by(|a, b| a.0.name.cmp(&b.0.name).then_with(|| a.0.key.cmp(&b.0.key)));
    let mut ids = BTreeMap::new();
    let nodes = list
        .iter()
        .enumerate()
        .map(|(i, (a, n))| {
            let id = format!("a{i}");
            ids.insert(a.key.clone(), id.clone());
            Node { id, label: a.name.clone(), mode: "actor".into(), etype: a.etype.clone(), frequency: *n }
        })
        .collect();
    (nodes, ids)
}

/// Builds the `kind` network over the corpus's coded statements.
pub fn build(corpus: &Corpus, kind: Kind, opts: &Options) -> Result<Network, ExportError> {
    match kind {
        Kind::ActorIssue => Ok(two_mode(corpus, opts)),
        Kind::SpeakerTarget => Ok(speaker_target(corpus)),
        _ => one_mode(corpus, kind, opts),
    }
}

/// Per (actor, issue): (support, oppose, unknown) counts.
type Cells<'c> = BTreeMap<(&'c str, &'c str), [i64; 3]>;

fn cells<'c>(codings: &[Coded<'c>]) -> Cells<'c> {
    let mut cells: Cells = BTreeMap::new();
    for c in codings {
        let slot = match c.agreement {
            Some(true) => 0,
            Some(false) => 1,
            None => 2,
        };
        cells.entry((&c.actor.key, c.issue)).or_insert([0; 3])[slot] += 1;
    }
    cells
}

fn two_mode(corpus: &Corpus, opts: &Options) -> Network {
    let codings = coded(corpus, opts);
    let (mut nodes, actor_ids) = actor_nodes(codings.iter().map(|c| (c.actor, 1)));
    let mut issue_freq: BTreeMap<&str, i64> = BTreeMap::new();
    for c in &codings {
        *issue_freq.entry(c.issue).or_insert(0) += 1;
    }
    let issue_ids: BTreeMap<&str, String> =
        issue_freq.keys().enumerate().map(|(i, name)| (*name, format!("i{i}"))).collect();
    for (name, n) in &issue_freq {
        nodes.push(Node {
            id: issue_ids[name].clone(),
            label: name.to_string(),
            mode: "issue".into(),
            etype: "issue".into(),
            frequency: *n,
        });
    }
    let cells = cells(&codings);
    let mut row_total: BTreeMap<&str, i64> = BTreeMap::new();
    let mut col_total: BTreeMap<&str, i64> = BTreeMap::new();
    for ((a, i), c) in &cells {
        *row_total.entry(a).or_insert(0) += c.iter().sum::<i64>();
        *col_total.entry(i).or_insert(0) += c.iter().sum::<i64>();
    }
    let agreement_label = |c: &[i64; 3]| match (c[0] > 0, c[1] > 0) {
        (true, false) => "support",
        (false, true) => "oppose",
        (true, true) => "mixed",
        (false, false) => "unknown",
    };
    let mut edges = Vec::new();
    for ((a, i), c) in &cells {
        let norm = |w: f64| match opts.normalisation {
            Normalisation::Activity => w / row_total[a] as f64,
            Normalisation::Prominence => w / col_total[i] as f64,
            _ => w,
        };
        let mut push = |weight: f64, agreement: &str| {
            if weight != 0.0 {
                edges.push(Edge {
                    source: actor_ids[*a].clone(),
                    target: issue_ids[i].clone(),
                    weight: norm(weight),
                    values: vec![
                        Value::Int(c[0]),
                        Value::Int(c[1]),
                        Value::Int(c[2]),
                        Value::Text(agreement.to_string()),
                    ],
                });
            }
        };
        match opts.aggregation {
            Aggregation::Ignore => push((c[0] + c[1] + c[2]) as f64, agreement_label(c)),
            Aggregation::Subtract => push((c[0] - c[1]) as f64, agreement_label(c)),
            Aggregation::Combine => {
                let level = match (c[0] > 0, c[1] > 0) {
                    (true, false) => 1.0,
                    (false, true) => 2.0,
                    (true, true) => 3.0,
                    (false, false) => 0.0,
                };
                push(level, agreement_label(c))
            }
            Aggregation::Split => {
                push(c[0] as f64, "support");
                push(c[1] as f64, "oppose");
            }
        }
    }
    Network {
        name: "actor-issue".into(),
        directed: false,
        nodes,
        edges,
        edge_attributes: vec![
            ("support".into(), "int"),
            ("oppose".into(), "int"),
            ("unknown".into(), "int"),
            ("agreement".into(), "string"),
        ],
    }
}

fn one_mode(corpus: &Corpus, kind: Kind, opts: &Options) -> Result<Network, ExportError> {
    if matches!(opts.normalisation, Normalisation::Activity | Normalisation::Prominence) {
        return Err(ExportError::Incompatible(
            "activity and prominence normalise two-mode networks; one-mode takes average, jaccard or cosine",
        ));
    }
    let codings = coded(corpus, opts);
    let cells = cells(&codings);
    // Per actor: issue → [support, oppose, unknown].
    let mut by_actor: BTreeMap<&str, BTreeMap<&str, [i64; 3]>> = BTreeMap::new();
    for ((a, i), c) in &cells {
        by_actor.entry(a).or_default().insert(i, *c);
    }
    let known = kind != Kind::Cooccurrence;
    let total = |m: &BTreeMap<&str, [i64; 3]>| -> i64 {
        m.values().map(|c| if known { c[0] + c[1] } else { c[0] + c[1] + c[2] }).sum()
    };
    let freq: Vec<(&Actor, i64)> = {
        let mut seen: BTreeMap<&str, &Actor> = BTreeMap::new();
        for c in &codings {
            seen.entry(&c.actor.key).or_insert(c.actor);
        }
        seen.iter().map(|(k, a)| (*a, by_actor.get(k).map(&total).unwrap_or(0))).collect()
    };
    let (nodes, ids) = actor_nodes(freq.into_iter());
    let keys: Vec<&str> = by_actor.keys().copied().collect();
    let mut edges = Vec::new();
    for (x, a) in keys.iter().enumerate() {
        for b in &keys[x + 1..] {
            let (ma, mb) = (&by_actor[a], &by_actor[b]);
            let (mut congruence, mut conflict, mut co) = (0i64, 0i64, 0i64);
            let (mut m11, mut m10, mut m01) = (0i64, 0i64, 0i64);
            let mut shared = Vec::new();
            for (issue, ca) in ma {
                let Some(cb) = mb.get(issue) else { continue };
                let c = ca[0] * cb[0] + ca[1] * cb[1];
                let k = ca[0] * cb[1] + ca[1] * cb[0];
                congruence += c;
                conflict += k;
                co += (ca[0] + ca[1] + ca[2]) * (cb[0] + cb[1] + cb[2]);
                if c + k > 0 || kind == Kind::Cooccurrence {
                    shared.push(*issue);
                }
            }
            // Jaccard cells: (issue, agreement level) counts of each actor.
            let levels = if known { 2 } else { 3 };
            let issues: std::collections::BTreeSet<&&str> = ma.keys().chain(mb.keys()).collect();
            for issue in issues {
                let ca = ma.get(*issue).copied().unwrap_or([0; 3]);
                let cb = mb.get(*issue).copied().unwrap_or([0; 3]);
                for l in 0..levels {
                    match (ca[l] > 0, cb[l] > 0) {
                        (true, true) => m11 += ca[l] * cb[l],
                        (true, false) => m10 += ca[l],
                        (false, true) => m01 += cb[l],
                        _ => {}
                    }
                }
            }
            let raw = match kind {
                Kind::Congruence => congruence,
                Kind::Conflict => conflict,
                Kind::Subtract => congruence - conflict,
                _ => co,
            } as f64;
            if raw == 0.0 {
                continue;
            }
            let (na, nb) = (total(ma) as f64, total(mb) as f64);
            let weight = match opts.normalisation {
                Normalisation::Average => raw / ((na + nb) / 2.0),
                Normalisation::Jaccard => raw / (m11 + m10 + m01).max(1) as f64,
                Normalisation::Cosine => raw / (na * nb).max(1.0),
                _ => raw,
            };
            edges.push(Edge {
                source: ids[*a].clone(),
                target: ids[*b].clone(),
                weight,
                values: vec![Value::Int(congruence), Value::Int(conflict), Value::Text(shared.join("; "))],
            });
        }
    }
    // Node ids follow the sorted order; put each edge's lower id first.
    for e in &mut edges {
        let n = |id: &str| id[1..].parse::<usize>().unwrap_or(0);
        if n(&e.source) > n(&e.target) {
            std::mem::swap(&mut e.source, &mut e.target);
        }
    }
    edges.sort_by_key(|e| (e.source[1..].parse::<usize>().unwrap_or(0), e.target[1..].parse::<usize>().unwrap_or(0)));
    let name = match kind {
        Kind::Congruence => "congruence",
        Kind::Conflict => "conflict",
        Kind::Subtract => "subtract",
        _ => "cooccurrence",
    };
    Ok(Network {
        name: name.into(),
        directed: false,
        nodes,
        edges,
        edge_attributes: vec![("congruence".into(), "int"), ("conflict".into(), "int"), ("issues".into(), "string")],
    })
}

fn speaker_target(corpus: &Corpus) -> Network {
    let mut counts: BTreeMap<(&str, &str), i64> = BTreeMap::new();
    let mut actors: Vec<(&Actor, i64)> = Vec::new();
    for r in &corpus.rows {
        let Some(speaker) = &r.speaker else { continue };
        for t in &r.targets {
            if t.key == speaker.key {
                continue;
            }
            *counts.entry((&speaker.key, &t.key)).or_insert(0) += 1;
            actors.push((speaker, 1));
            actors.push((t, 1));
        }
    }
    let (nodes, ids) = actor_nodes(actors.into_iter());
    let mut edges: Vec<Edge> = counts
        .iter()
        .map(|((s, t), n)| Edge {
            source: ids[*s].clone(),
            target: ids[*t].clone(),
            weight: *n as f64,
            values: vec![Value::Int(*n)],
        })
        .collect();
    edges.sort_by_key(|e| (e.source[1..].parse::<usize>().unwrap_or(0), e.target[1..].parse::<usize>().unwrap_or(0)));
    Network {
        name: "speaker-target".into(),
        directed: true,
        nodes,
        edges,
        edge_attributes: vec![("statements".into(), "int")],
    }
}
