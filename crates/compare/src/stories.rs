//! Stories: articles about one event, grouped across outlets, and the
//! statements each outlet carried, aligned so the same quote from several
//! outlets is one row.
//!
//! **Clustering.** Each original article (copies are left out, then attached
//! to their original's story) is a TF-IDF vector over its content words (the
//! title counted twice: headlines name the event), the cross-document actors
//! it names (`@actor`) and the contested-term groups it uses (`#group`) —
//! the shared entities and terms of one event. Two articles are comparable
//! only when their publication dates are at most `window_days` apart (or one
//! has none). Articles are then merged by **average-link** agglomeration: the
//! two clusters with the highest mean pairwise cosine merge while that mean
//! is at least `threshold` and the merged cluster still spans at most
//! `window_days`. Average link, unlike single link, does not chain one
//! campaign's daily stories into one: a new article must be close to the
//! story as a whole, not to one of its articles.
//!
//! **Quotes.** Two statements of a story are the same quote when their
//! content words overlap by at least `quote_overlap` of the shorter one and
//! by at least three words (outlets trim quotations differently, but two
//! shared words are a topic, not a quote), and their speakers are not two
//! different known actors.

use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet, BinaryHeap};

use serde::Serialize;

use crate::{is_stopword, round, word_runs, Corpus};

/// How articles are grouped into stories and quotes matched across them.
#[derive(Clone, Copy, Debug)]
pub struct StoryOptions {
    /// Largest distance in days between two articles of one story.
    pub window_days: i64,
    /// Least mean cosine similarity at which two clusters merge.
    pub threshold: f64,
    /// Stories with fewer original articles are not reported.
    pub min_articles: usize,
    /// Least word overlap (of the shorter statement) of one quote.
    pub quote_overlap: f64,
}

impl Default for StoryOptions {
    /// Chosen on PolNeAR (2016 campaign, seven publishers): see the story
    /// test in crates/store/tests/outlets.rs.
    fn default() -> StoryOptions {
        StoryOptions { window_days: 3, threshold: 0.12, min_articles: 2, quote_overlap: 0.6 }
    }
}

/// One article of a story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryArticle {
    /// The store's document id.
    pub id: i64,
    /// The document key.
    pub key: String,
    /// The outlet it counts for.
    pub outlet: String,
    /// Publication date (YYYY-MM-DD).
    pub published: Option<String>,
    /// Title, else headline.
    pub title: String,
    /// For a copy: the id of the original it copies.
    pub copy_of: Option<i64>,
}

/// One outlet's part in a story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryOutlet {
    /// The outlet's name.
    pub outlet: String,
    /// Its articles in the story.
    pub articles: usize,
    /// Their statements.
    pub statements: usize,
}

/// An actor quoted in a story.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryActor {
    /// The store's actor id.
    pub actor_id: i64,
    /// The actor's display name.
    pub name: String,
    /// Statements by the actor in the story.
    pub statements: usize,
    /// Outlets quoting the actor in the story.
    pub outlets: usize,
}

/// One statement as carried by one article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Carried {
    /// The carrying article's outlet.
    pub outlet: String,
    /// The carrying article's document id.
    pub article_id: i64,
    /// The statement's id in the store.
    pub statement_id: i64,
    /// direct, indirect, mixed or belief, as this article has it.
    pub kind: String,
    /// The content as this article has it.
    pub content: String,
}

/// One quote of a story and every article that carried it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StoryQuote {
    /// The speaker's name, when there is one.
    pub speaker: Option<String>,
    /// The speaker's actor, when linked.
    pub actor_id: Option<i64>,
    /// The content as the first article carrying it has it.
    pub text: String,
    /// Outlets carrying it, sorted.
    pub outlets: Vec<String>,
    /// Every article carrying it, with its own wording.
    pub carried: Vec<Carried>,
}

/// One event as several outlets reported it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Story {
    /// 1-based rank in the story list (most outlets first).
    pub id: usize,
    /// The headline of the article closest to the rest of the story.
    pub title: String,
    /// Earliest publication date among its articles.
    pub first: Option<String>,
    /// Latest publication date among its articles.
    pub last: Option<String>,
    /// Highest-weighted words of the story.
    pub keywords: Vec<String>,
    /// Its articles, copies included.
    pub articles: Vec<StoryArticle>,
    /// The outlets reporting it.
    pub outlets: Vec<StoryOutlet>,
    /// The actors quoted in it.
    pub actors: Vec<StoryActor>,
    /// The quotes it carries, matched across articles.
    pub quotes: Vec<StoryQuote>,
}

type Vector = Vec<(u32, f64)>;

/// Sparse TF-IDF vectors (unit length, sorted by feature) of the articles
/// `idx`, and the feature names.
fn vectors(corpus: &Corpus, idx: &[usize]) -> (Vec<Vector>, Vec<String>) {
    let mut names: Vec<String> = Vec::new();
    let mut ids: BTreeMap<String, u32> = BTreeMap::new();
    let mut tfs: Vec<BTreeMap<u32, f64>> = Vec::with_capacity(idx.len());
    for &i in idx {
        let a = &corpus.articles[i];
        let mut tf: BTreeMap<u32, f64> = BTreeMap::new();
        let mut add = |f: String, w: f64, tf: &mut BTreeMap<u32, f64>| {
            let next = ids.len() as u32;
            let id = *ids.entry(f.clone()).or_insert_with(|| {
                names.push(f);
                next
            });
            *tf.entry(id).or_default() += w;
        };
        let words = |s: &str| -> Vec<String> {
            word_runs(s)
                .into_iter()
                .flatten()
                .filter(|w| w.chars().count() >= 3 && !is_stopword(w) && !w.chars().all(|c| c.is_ascii_digit()))
                .collect()
        };
        for w in words(&a.title) {
            add(w, 2.0, &mut tf);
        }
        // The cleaned text usually starts with the headline: skip it there.
        let body = a.text.strip_prefix(a.title.trim()).filter(|_| !a.title.trim().is_empty()).unwrap_or(&a.text);
        for w in words(body) {
            add(w, 1.0, &mut tf);
        }
        for actor in &a.actors {
            add(format!("@{actor}"), 2.0, &mut tf);
        }
        // Every use of a contested term counts for its group, so "Kiev" in
        // one outlet and "Kyiv" in another are the same word here.
        for t in &a.terms {
            add(format!("#{}", t.group), 1.0, &mut tf);
        }
        tfs.push(tf);
    }
    let n = idx.len() as f64;
    let mut df = vec![0u32; names.len()];
    for tf in &tfs {
        for &f in tf.keys() {
            df[f as usize] += 1;
        }
    }
    let vecs = tfs
        .into_iter()
        .map(|tf| {
            let mut v: Vector = tf
                .into_iter()
                // A feature of one article alone cannot make two articles
                // alike; left in, it only dilutes long articles' vectors.
                .filter(|(f, _)| df[*f as usize] >= 2)
                .map(|(f, c)| (f, (1.0 + c.ln()) * (n / df[f as usize] as f64).ln()))
                .filter(|(_, w)| *w > 0.0)
                .collect();
            let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
            if norm > 0.0 {
                for x in &mut v {
                    x.1 /= norm;
                }
            }
            v
        })
        .collect();
    (vecs, names)
}

/// Cosine similarities ≥ `floor` of pairs (i < j) within the time window.
/// `days` must be sorted, dated articles first: each article then meets only
/// the articles of its window in every posting list (plus the undated ones),
/// so a long corpus costs its window's density, not its length squared.
fn similarities(vecs: &[Vector], days: &[Option<i64>], window: i64, floor: f64) -> BTreeMap<(usize, usize), f64> {
    let mut postings: BTreeMap<u32, Vec<(usize, f64)>> = BTreeMap::new();
    for (i, v) in vecs.iter().enumerate() {
        for &(f, w) in v {
            postings.entry(f).or_default().push((i, w));
        }
    }
    let mut sims = BTreeMap::new();
    let mut acc = vec![0.0f64; vecs.len()];
    let mut touched: Vec<usize> = Vec::new();
    fn add(j: usize, x: f64, acc: &mut [f64], touched: &mut Vec<usize>) {
        if acc[j] == 0.0 {
            touched.push(j);
        }
        acc[j] += x;
    }
    for (i, v) in vecs.iter().enumerate() {
        for &(f, w) in v {
            let list = &postings[&f];
            let mut k = list.partition_point(|&(j, _)| j <= i);
            if let Some(day) = days[i] {
                while let Some(&(j, wj)) = list.get(k) {
                    match days[j] {
                        Some(d) if d - day <= window => add(j, w * wj, &mut acc, &mut touched),
                        _ => break,
                    }
                    k += 1;
                }
                // Past the window: only the undated articles remain.
                k = k.max(list.partition_point(|&(j, _)| days[j].is_some()));
            }
            for &(j, wj) in &list[k.min(list.len())..] {
                add(j, w * wj, &mut acc, &mut touched);
            }
        }
        touched.sort_unstable();
        for &j in &touched {
            if acc[j] >= floor {
                sims.insert((i, j), acc[j]);
            }
            acc[j] = 0.0;
        }
        touched.clear();
    }
    sims
}

/// A candidate merge in the heap: highest mean similarity first, then the
/// lowest cluster ids (deterministic ties).
struct Candidate {
    score: f64,
    a: usize,
    b: usize,
    stamps: (u32, u32),
}

impl PartialEq for Candidate {
    fn eq(&self, o: &Self) -> bool {
        self.cmp(o) == Ordering::Equal
    }
}
impl Eq for Candidate {}
impl PartialOrd for Candidate {
    fn partial_cmp(&self, o: &Self) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}
impl Ord for Candidate {
    fn cmp(&self, o: &Self) -> Ordering {
        self.score.total_cmp(&o.score).then_with(|| o.a.cmp(&self.a)).then_with(|| o.b.cmp(&self.b))
    }
}

/// Average-link clusters (lists of positions, each sorted) of `n` items.
fn average_link(
    n: usize,
    sims: &BTreeMap<(usize, usize), f64>,
    days: &[Option<i64>],
    threshold: f64,
    window: i64,
) -> Vec<Vec<usize>> {
    let mut nb: Vec<BTreeMap<usize, f64>> = vec![BTreeMap::new(); n];
    for (&(i, j), &s) in sims {
        nb[i].insert(j, s);
        nb[j].insert(i, s);
    }
    let mut members: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
    let mut span: Vec<Option<(i64, i64)>> = days.iter().map(|d| d.map(|d| (d, d))).collect();
    let mut alive = vec![true; n];
    let mut stamp = vec![0u32; n];
    let mut heap = BinaryHeap::new();
    for (&(a, b), &s) in sims {
        if s >= threshold {
            heap.push(Candidate { score: s, a, b, stamps: (0, 0) });
        }
    }
    while let Some(c) = heap.pop() {
        let (a, b) = (c.a, c.b);
        if !alive[a] || !alive[b] || c.stamps != (stamp[a], stamp[b]) {
            continue;
        }
        let merged_span = match (span[a], span[b]) {
            (Some(x), Some(y)) => Some((x.0.min(y.0), x.1.max(y.1))),
            (x, y) => x.or(y),
        };
        if merged_span.is_some_and(|(lo, hi)| hi - lo > window) {
            continue;
        }
        // Merge b into a.
        let moved = std::mem::take(&mut members[b]);
        members[a].extend(moved);
        members[a].sort_unstable();
        span[a] = merged_span;
        alive[b] = false;
        let nb_b = std::mem::take(&mut nb[b]);
        nb[a].remove(&b);
        for (k, s) in nb_b {
            if k == a {
                continue;
            }
            *nb[a].entry(k).or_default() += s;
            nb[k].remove(&b);
        }
        let sums: Vec<(usize, f64)> = nb[a].iter().map(|(&k, &s)| (k, s)).collect();
        for &(k, s) in &sums {
            nb[k].insert(a, s);
        }
        stamp[a] += 1;
        let size_a = members[a].len() as f64;
        for (k, s) in sums {
            let score = s / (size_a * members[k].len() as f64);
            if score >= threshold {
                let (x, y) = if a < k { (a, k) } else { (k, a) };
                heap.push(Candidate { score, a: x, b: y, stamps: (stamp[x], stamp[y]) });
            }
        }
    }
    (0..n).filter(|&i| alive[i]).map(|i| std::mem::take(&mut members[i])).collect()
}

fn content_words(s: &str) -> BTreeSet<String> {
    word_runs(s).into_iter().flatten().filter(|w| !is_stopword(w)).collect()
}

/// Whether two statements are the same quote (see the module comment).
pub fn same_quote(a: &str, b: &str, overlap: f64) -> bool {
    same_words(&content_words(a), &content_words(b), overlap)
}

/// Statements of fewer than three content words must have the same ones;
/// longer ones must share at least three and `overlap` of the shorter's.
fn same_words(x: &BTreeSet<String>, y: &BTreeSet<String>, overlap: f64) -> bool {
    let shorter = x.len().min(y.len());
    if shorter == 0 {
        return false;
    }
    if shorter < 3 {
        return x == y;
    }
    let shared = x.intersection(y).count();
    shared >= 3 && shared as f64 / shorter as f64 >= overlap
}

fn find(parent: &mut [usize], i: usize) -> usize {
    let mut r = i;
    while parent[r] != r {
        r = parent[r];
    }
    let mut c = i;
    while parent[c] != r {
        let next = parent[c];
        parent[c] = r;
        c = next;
    }
    r
}

/// Every story of the corpus with at least `min_articles` originals, most
/// outlets first.
pub fn stories(corpus: &Corpus, opts: &StoryOptions) -> Vec<Story> {
    // Dated articles first, by date (what `similarities` relies on), then id.
    let mut roots: Vec<usize> = (0..corpus.articles.len()).filter(|&i| corpus.root(i) == i).collect();
    roots.sort_by_key(|&i| {
        let a = &corpus.articles[i];
        (a.published.is_none(), a.published, a.id)
    });
    let days: Vec<Option<i64>> = roots
        .iter()
        .map(|&i| corpus.articles[i].published.map(|d| d.signed_duration_since(chrono::NaiveDate::MIN).num_days()))
        .collect();
    let (vecs, names) = vectors(corpus, &roots);
    let sims = similarities(&vecs, &days, opts.window_days, (opts.threshold / 4.0).max(0.01));
    let clusters = average_link(roots.len(), &sims, &days, opts.threshold, opts.window_days);
    // Copies by original.
    let mut copies: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for i in 0..corpus.articles.len() {
        let r = corpus.root(i);
        if r != i {
            copies.entry(r).or_default().push(i);
        }
    }
    let sim = |x: usize, y: usize| -> f64 {
        let k = if x < y { (x, y) } else { (y, x) };
        sims.get(&k).copied().unwrap_or(0.0)
    };
    let mut out = Vec::new();
    for cl in clusters.into_iter().filter(|c| c.len() >= opts.min_articles.max(1)) {
        // Medoid: the article most similar to the rest.
        let medoid = *cl
            .iter()
            .max_by(|&&x, &&y| {
                let sx: f64 = cl.iter().map(|&o| sim(x, o)).sum();
                let sy: f64 = cl.iter().map(|&o| sim(y, o)).sum();
                sx.total_cmp(&sy).then_with(|| y.cmp(&x))
            })
            .expect("clusters are not empty");
        let mut weight: BTreeMap<u32, f64> = BTreeMap::new();
        for &p in &cl {
            for &(f, w) in &vecs[p] {
                *weight.entry(f).or_default() += w;
            }
        }
        let mut kw: Vec<(u32, f64)> =
            weight.into_iter().filter(|(f, _)| !names[*f as usize].starts_with(['@', '#'])).collect();
        kw.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| names[a.0 as usize].cmp(&names[b.0 as usize])));
        let keywords = kw.iter().take(6).map(|(f, _)| names[*f as usize].clone()).collect();

        let mut arts: Vec<usize> = Vec::new();
        for &p in &cl {
            arts.push(roots[p]);
            arts.extend(copies.get(&roots[p]).into_iter().flatten().copied());
        }
        arts.sort_by(|&x, &y| {
            let (a, b) = (&corpus.articles[x], &corpus.articles[y]);
            a.published.cmp(&b.published).then(a.outlet.cmp(&b.outlet)).then(a.id.cmp(&b.id))
        });
        let dates: Vec<chrono::NaiveDate> = arts.iter().filter_map(|&i| corpus.articles[i].published).collect();

        // Quotes: union-find over the story's statements.
        let stmts: Vec<(usize, usize)> =
            arts.iter().flat_map(|&i| (0..corpus.articles[i].statements.len()).map(move |k| (i, k))).collect();
        let mut parent: Vec<usize> = (0..stmts.len()).collect();
        let words: Vec<BTreeSet<String>> =
            stmts.iter().map(|&(i, k)| content_words(&corpus.articles[i].statements[k].content)).collect();
        for x in 0..stmts.len() {
            for y in x + 1..stmts.len() {
                let (qa, qb) = (
                    &corpus.articles[stmts[x].0].statements[stmts[x].1],
                    &corpus.articles[stmts[y].0].statements[stmts[y].1],
                );
                if matches!((qa.actor, qb.actor), (Some(p), Some(q)) if p != q) {
                    continue;
                }
                let same = same_words(&words[x], &words[y], opts.quote_overlap);
                if same {
                    let (rx, ry) = (find(&mut parent, x), find(&mut parent, y));
                    if rx != ry {
                        parent[rx.max(ry)] = rx.min(ry);
                    }
                }
            }
        }
        let mut groups: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
        for x in 0..stmts.len() {
            let r = find(&mut parent, x);
            groups.entry(r).or_default().push(x);
        }
        let mut quotes: Vec<StoryQuote> = groups
            .into_values()
            .map(|g| {
                let first = &corpus.articles[stmts[g[0]].0].statements[stmts[g[0]].1];
                let mut speakers: BTreeMap<&str, usize> = BTreeMap::new();
                let mut actor = None;
                let carried: Vec<Carried> = g
                    .iter()
                    .map(|&x| {
                        let a = &corpus.articles[stmts[x].0];
                        let q = &a.statements[stmts[x].1];
                        if let Some(s) = q.speaker.as_deref() {
                            *speakers.entry(s).or_default() += 1;
                        }
                        actor = actor.or(q.actor);
                        Carried {
                            outlet: a.outlet.clone(),
                            article_id: a.id,
                            statement_id: q.id,
                            kind: q.kind.clone(),
                            content: q.content.clone(),
                        }
                    })
                    .collect();
                let speaker =
                    speakers.iter().max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0))).map(|(s, _)| s.to_string());
                let speaker = actor.map(|a| corpus.actor_name(a)).or(speaker);
                let outlets: BTreeSet<String> = carried.iter().map(|c| c.outlet.clone()).collect();
                StoryQuote {
                    speaker,
                    actor_id: actor,
                    text: first.content.clone(),
                    outlets: outlets.into_iter().collect(),
                    carried,
                }
            })
            .collect();
        quotes.sort_by(|a, b| {
            b.outlets.len().cmp(&a.outlets.len()).then(a.carried[0].statement_id.cmp(&b.carried[0].statement_id))
        });

        let mut outlets: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
        let mut actors: BTreeMap<i64, (usize, BTreeSet<&str>)> = BTreeMap::new();
        for &i in &arts {
            let a = &corpus.articles[i];
            let e = outlets.entry(a.outlet.as_str()).or_default();
            e.0 += 1;
            e.1 += a.statements.len();
            for q in &a.statements {
                if let Some(actor) = q.actor {
                    let e = actors.entry(actor).or_default();
                    e.0 += 1;
                    e.1.insert(a.outlet.as_str());
                }
            }
        }
        let mut actors: Vec<StoryActor> = actors
            .into_iter()
            .map(|(id, (n, o))| StoryActor {
                actor_id: id,
                name: corpus.actor_name(id),
                statements: n,
                outlets: o.len(),
            })
            .collect();
        actors.sort_by(|a, b| b.statements.cmp(&a.statements).then_with(|| a.name.cmp(&b.name)));
        let ymd = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
        out.push(Story {
            id: 0,
            title: corpus.articles[roots[medoid]].title.clone(),
            first: dates.iter().min().copied().map(ymd),
            last: dates.iter().max().copied().map(ymd),
            keywords,
            articles: arts
                .iter()
                .map(|&i| {
                    let a = &corpus.articles[i];
                    StoryArticle {
                        id: a.id,
                        key: a.key.clone(),
                        outlet: a.outlet.clone(),
                        published: a.published.map(ymd),
                        title: a.title.clone(),
                        copy_of: (corpus.root(i) != i).then(|| corpus.articles[corpus.root(i)].id),
                    }
                })
                .collect(),
            outlets: outlets
                .into_iter()
                .map(|(o, (n, s))| StoryOutlet { outlet: o.to_string(), articles: n, statements: s })
                .collect(),
            actors,
            quotes,
        });
    }
    out.sort_by(|a, b| {
        b.outlets
            .len()
            .cmp(&a.outlets.len())
            .then(b.articles.len().cmp(&a.articles.len()))
            .then(a.first.cmp(&b.first))
            .then(a.articles[0].id.cmp(&b.articles[0].id))
    });
    for (k, s) in out.iter_mut().enumerate() {
        s.id = k + 1;
    }
    out
}

/// Mean pairwise similarity, for reports: how tight a story is.
pub fn round_sim(x: f64) -> f64 {
    round(x, 3)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Article, Quote};

    fn art(
        id: i64,
        outlet: &str,
        day: u32,
        title: &str,
        text: &str,
        actors: &[i64],
        quotes: &[(i64, &str)],
    ) -> Article {
        Article {
            id,
            key: format!("k{id}"),
            outlet: outlet.into(),
            published: chrono::NaiveDate::from_ymd_opt(2016, 9, day),
            title: title.into(),
            text: text.into(),
            actors: actors.to_vec(),
            statements: quotes
                .iter()
                .enumerate()
                .map(|(k, (actor, c))| Quote {
                    id: id * 100 + k as i64,
                    kind: "direct".into(),
                    content: c.to_string(),
                    actor: Some(*actor),
                    speaker: Some(format!("A{actor}")),
                    ..Quote::default()
                })
                .collect(),
            ..Article::default()
        }
    }

    fn corpus() -> Corpus {
        let debate = "The first presidential debate at Hofstra University saw Clinton and Trump clash over trade, taxes and the birther controversy.";
        let health = "Clinton left the September memorial ceremony early after feeling overheated; her campaign later disclosed pneumonia.";
        Corpus::new(
            vec![
                art(
                    1,
                    "Left",
                    26,
                    "Clinton and Trump clash in first debate",
                    debate,
                    &[1, 2],
                    &[
                        (1, "Donald has a long record of racist behavior"),
                        (2, "She has been fighting ISIS her entire adult life"),
                    ],
                ),
                art(
                    2,
                    "Right",
                    27,
                    "Trump wins debate at Hofstra, says polls",
                    debate,
                    &[1, 2],
                    &[
                        (2, "She has been fighting ISIS her entire adult life, believe me"),
                        (1, "Trade deals need to be fair"),
                    ],
                ),
                art(
                    3,
                    "Centre",
                    27,
                    "Fact check of the first presidential debate",
                    debate,
                    &[1, 2],
                    &[(1, "Donald has a long record of racist behavior")],
                ),
                art(4, "Left", 11, "Clinton leaves memorial early, pneumonia disclosed", health, &[1], &[]),
                art(5, "Right", 12, "Clinton health questions after pneumonia disclosure", health, &[1], &[]),
                // Same debate text but weeks earlier: outside the window.
                art(6, "Centre", 8, "Debate preview at Hofstra", debate, &[1, 2], &[]),
                Article {
                    duplicate_of: Some(1),
                    ..art(
                        7,
                        "Wire",
                        26,
                        "Clinton and Trump clash in first debate",
                        debate,
                        &[1, 2],
                        &[(1, "Donald has a long record of racist behavior")],
                    )
                },
            ],
            [(1, "Hillary Clinton".to_string()), (2, "Donald Trump".to_string())].into(),
        )
    }

    #[test]
    fn one_event_one_story_across_outlets() {
        let s = stories(&corpus(), &StoryOptions::default());
        let ids: Vec<Vec<i64>> = s.iter().map(|s| s.articles.iter().map(|a| a.id).collect()).collect();
        // Debate: three originals and the wire copy (after its original, by outlet); health: two.
        assert_eq!(ids, vec![vec![1, 7, 3, 2], vec![4, 5]], "{s:#?}");
        let debate = &s[0];
        assert_eq!(debate.id, 1);
        assert_eq!(
            debate.outlets.iter().map(|o| o.outlet.as_str()).collect::<Vec<_>>(),
            ["Centre", "Left", "Right", "Wire"]
        );
        assert_eq!(debate.articles[1].copy_of, Some(1));
        assert_eq!((debate.first.as_deref(), debate.last.as_deref()), (Some("2016-09-26"), Some("2016-09-27")));
        // The racist-behavior quote: Left, Centre and the wire copy carry it; Right does not.
        let q = &debate.quotes[0];
        assert_eq!(q.outlets, ["Centre", "Left", "Wire"]);
        assert_eq!(q.speaker.as_deref(), Some("Hillary Clinton"));
        // "fighting ISIS": Left's short form and Right's longer one are one quote.
        assert!(debate.quotes.iter().any(|q| q.outlets == ["Left", "Right"] && q.actor_id == Some(2)));
        // The fair-trade quote is Right's alone.
        assert!(debate.quotes.iter().any(|q| q.outlets == ["Right"] && q.text.starts_with("Trade")));
        assert_eq!(debate.actors[0].name, "Hillary Clinton");
    }

    #[test]
    fn quotes_need_overlap_and_agreeing_speakers() {
        assert!(same_quote("We will never surrender Kyiv", "we will never surrender kyiv to anyone", 0.6));
        assert!(!same_quote("We will never surrender Kyiv", "The weather in Kyiv was cold today", 0.6));
        assert!(!same_quote("", "anything", 0.6));
        let s = stories(&corpus(), &StoryOptions { min_articles: 1, ..StoryOptions::default() });
        // The preview weeks before is a story of its own.
        assert!(s.iter().any(|s| s.articles.len() == 1 && s.articles[0].id == 6));
    }
}
