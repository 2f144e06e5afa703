//! Comparing outlets across a corpus: the words each outlet uses more than
//! the others ([`fightin`]), whom it quotes and how ([`profiles`]), and how
//! one event is told by several outlets ([`stories`]).
//!
//! These are corpus analyses, not pipeline stages: they read many analysed
//! articles at once. The crate knows nothing of SQLite — the store loads a
//! [`Corpus`] (crates/store/src/outlets.rs) and the CLI and the web app render
//! what this crate computes — so every number here is testable on a corpus
//! written by hand in a test.
//!
//! **Copies.** A document marked `duplicate_of` another (a wire copy, or the
//! same article stored twice) is one article *per outlet*: an outlet that
//! carried a wire story did carry its quotes, but the same outlet storing it
//! twice counts once ([`Corpus::counted`]). Story clustering uses originals
//! only and then attaches their copies.
//!
//! **Determinism.** Every output is sorted by explicit keys; no hash-map
//! iteration order reaches it (maps here are `BTreeMap`).
#![deny(missing_docs)]

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;

pub mod fightin;
pub mod profiles;
pub mod stories;

/// The outlet name used for articles that carry none (no `outlet`, no URL).
pub const UNKNOWN_OUTLET: &str = "(unknown)";

/// One stored article with what the comparisons need.
#[derive(Clone, Debug, Default)]
pub struct Article {
    /// The store's document id (stable across runs on one database).
    pub id: i64,
    /// The document key (`meta.id` or source).
    pub key: String,
    /// The outlet it counts for ([`UNKNOWN_OUTLET`] when the store has none).
    pub outlet: String,
    /// Publication date (stories group articles by it).
    pub published: Option<NaiveDate>,
    /// Title, else headline, else the text's first line.
    pub title: String,
    /// The cleaned article text (story similarity and distinctive words).
    pub text: String,
    /// Id of the document this one copies, if any.
    pub duplicate_of: Option<i64>,
    /// Cross-document actors named in the article (linked entities), sorted, unique.
    pub actors: Vec<i64>,
    /// Contested terms found in it, for the terminology choices.
    pub terms: Vec<TermUse>,
    /// Its statements, for the quote figures and the story quotes.
    pub statements: Vec<Quote>,
}

/// A stored document as a store's row gives it, for [`CorpusBuilder`].
#[derive(Clone, Debug, Default)]
pub struct DocumentRow {
    /// The store's document id.
    pub id: i64,
    /// The document key (`meta.id` or source).
    pub key: String,
    /// The stored outlet, if any.
    pub outlet: Option<String>,
    /// Publication date, if known.
    pub published: Option<NaiveDate>,
    /// The metadata title.
    pub title: Option<String>,
    /// The recognised headline (stands in for a missing title).
    pub headline: Option<String>,
    /// The cleaned article text.
    pub text: String,
    /// Key of the document this one copies.
    pub duplicate_of: Option<String>,
}

/// Builds a [`Corpus`] from rows, so every store (SQLite, PostgreSQL) turns
/// its tables into the comparison's input the same way: documents first (in
/// id order), then actor links, statements and terms by document id (rows of
/// unknown documents are ignored).
#[derive(Debug, Default)]
pub struct CorpusBuilder {
    by_key: BTreeMap<String, i64>,
    dup_keys: Vec<(usize, String)>,
    pos: BTreeMap<i64, usize>,
    articles: Vec<Article>,
}

impl CorpusBuilder {
    /// Adds a document: the title falls back to the headline, then to the
    /// text's first line (100 characters); a blank outlet is [`UNKNOWN_OUTLET`].
    pub fn document(&mut self, row: DocumentRow) {
        self.by_key.insert(row.key.clone(), row.id);
        if let Some(d) = row.duplicate_of {
            self.dup_keys.push((self.articles.len(), d));
        }
        let title = row
            .title
            .filter(|t| !t.trim().is_empty())
            .or(row.headline)
            .unwrap_or_else(|| row.text.lines().next().unwrap_or("").chars().take(100).collect());
        self.pos.insert(row.id, self.articles.len());
        self.articles.push(Article {
            id: row.id,
            key: row.key,
            outlet: row.outlet.filter(|o| !o.trim().is_empty()).unwrap_or_else(|| UNKNOWN_OUTLET.to_string()),
            published: row.published,
            title,
            text: row.text,
            ..Article::default()
        });
    }

    fn article(&mut self, doc_id: i64) -> Option<&mut Article> {
        let i = *self.pos.get(&doc_id)?;
        self.articles.get_mut(i)
    }

    /// A cross-document actor named in document `doc_id` (rows sorted by actor).
    pub fn actor(&mut self, doc_id: i64, actor: i64) {
        if let Some(a) = self.article(doc_id) {
            a.actors.push(actor);
        }
    }

    /// A statement of document `doc_id`, in the document's order.
    pub fn statement(&mut self, doc_id: i64, quote: Quote) {
        if let Some(a) = self.article(doc_id) {
            a.statements.push(quote);
        }
    }

    /// A contested term used in document `doc_id`, in text order.
    pub fn term(&mut self, doc_id: i64, term: TermUse) {
        if let Some(a) = self.article(doc_id) {
            a.terms.push(term);
        }
    }

    /// The corpus, duplicates resolved to the ids of the documents they copy.
    pub fn finish(mut self, actor_names: BTreeMap<i64, String>) -> Corpus {
        for (i, key) in std::mem::take(&mut self.dup_keys) {
            self.articles[i].duplicate_of = self.by_key.get(&key).copied();
        }
        Corpus::new(self.articles, actor_names)
    }
}

/// One contested term as used in an article.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TermUse {
    /// The group of terms naming the same contested referent.
    pub group: String,
    /// `place`, `name` or `phrase`.
    pub kind: String,
    /// The term as listed.
    pub term: String,
}

/// One stored statement.
#[derive(Clone, Debug, Default)]
pub struct Quote {
    /// The store's statement id.
    pub id: i64,
    /// direct, indirect, mixed or belief.
    pub kind: String,
    /// What was said.
    pub content: String,
    /// Cross-document actor of the speaker, when it has one.
    pub actor: Option<i64>,
    /// The speaker's name (or the mention as written), when there is a speaker.
    pub speaker: Option<String>,
    /// Who speaks, by kind (the speaker-type shares).
    pub speaker_kind: SpeakerKind,
}

/// What kind of source a statement is attributed to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum SpeakerKind {
    /// A named person.
    Person,
    /// A named organisation or medium.
    Organization,
    /// A plural actor ("Russian officials", "Democrats").
    Group,
    /// A place standing for its government ("Moscow said").
    Government,
    /// A speaker never named in the article ("a senior official", "sources").
    Unnamed,
    /// A pronoun whose antecedent was not found ("he said" with no name to
    /// resolve to): not an unnamed source, a gap in coreference.
    Unresolved,
    /// No speaker found.
    #[default]
    None,
}

impl SpeakerKind {
    /// Every kind, in report order.
    pub const ALL: [SpeakerKind; 7] = [
        SpeakerKind::Person,
        SpeakerKind::Organization,
        SpeakerKind::Group,
        SpeakerKind::Government,
        SpeakerKind::Unnamed,
        SpeakerKind::Unresolved,
        SpeakerKind::None,
    ];

    /// The name reports and the JSON use.
    pub fn as_str(self) -> &'static str {
        match self {
            SpeakerKind::Person => "person",
            SpeakerKind::Organization => "organization",
            SpeakerKind::Group => "group",
            SpeakerKind::Government => "government",
            SpeakerKind::Unnamed => "unnamed",
            SpeakerKind::Unresolved => "unresolved",
            SpeakerKind::None => "none",
        }
    }

    /// The kind of a stored speaker: `etype` is the entity type, `named`
    /// whether it links to a cross-document actor (has a proper name or is a
    /// group or metonym), `metonymic` whether a place stood for a government,
    /// `pronoun` whether the speaker mention is a pronoun.
    pub fn classify(etype: Option<&str>, named: bool, metonymic: bool, pronoun: bool) -> SpeakerKind {
        match etype {
            None => SpeakerKind::None,
            Some(_) if metonymic => SpeakerKind::Government,
            Some(_) if !named && pronoun => SpeakerKind::Unresolved,
            Some("group") => SpeakerKind::Group,
            Some(_) if !named => SpeakerKind::Unnamed,
            Some("person") => SpeakerKind::Person,
            Some(_) => SpeakerKind::Organization,
        }
    }
}

/// A set of articles and the display names of their actors.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    /// Sorted by id.
    pub articles: Vec<Article>,
    /// Actor id → display name.
    pub actor_names: BTreeMap<i64, String>,
}

impl Corpus {
    /// A corpus of `articles` (sorted here by id) and their actors' names.
    pub fn new(mut articles: Vec<Article>, actor_names: BTreeMap<i64, String>) -> Corpus {
        articles.sort_by_key(|a| a.id);
        Corpus { articles, actor_names }
    }

    /// Index of an article by id.
    pub fn index_of(&self, id: i64) -> Option<usize> {
        self.articles.binary_search_by_key(&id, |a| a.id).ok()
    }

    /// The original an article copies (following chains; itself when it is
    /// not a copy). A chain that loops or leaves the corpus ends where it breaks.
    pub fn root(&self, i: usize) -> usize {
        let mut cur = i;
        for _ in 0..self.articles.len() {
            match self.articles[cur].duplicate_of.and_then(|d| self.index_of(d)) {
                Some(next) if next != cur => cur = next,
                _ => break,
            }
        }
        cur
    }

    /// Indices of the articles that count for their outlet: the first of
    /// each (outlet, original) pair, so one outlet storing a story twice
    /// counts it once while another outlet's wire copy counts for it.
    pub fn counted(&self) -> Vec<usize> {
        let mut seen = std::collections::BTreeSet::new();
        (0..self.articles.len()).filter(|&i| seen.insert((self.articles[i].outlet.clone(), self.root(i)))).collect()
    }

    /// Outlet names, sorted.
    pub fn outlets(&self) -> Vec<String> {
        let mut o: Vec<String> = self.articles.iter().map(|a| a.outlet.clone()).collect();
        o.sort();
        o.dedup();
        o
    }

    /// The actor's display name (`actor N` when it has none).
    pub fn actor_name(&self, id: i64) -> String {
        self.actor_names.get(&id).cloned().unwrap_or_else(|| format!("actor {id}"))
    }
}

/// Function words, from `data/stopwords.txt`.
pub fn stopwords() -> &'static std::collections::BTreeSet<&'static str> {
    static WORDS: std::sync::OnceLock<std::collections::BTreeSet<&'static str>> = std::sync::OnceLock::new();
    WORDS.get_or_init(|| {
        include_str!("../data/stopwords.txt")
            .lines()
            .map(|l| l.split('#').next().unwrap_or(""))
            .flat_map(str::split_whitespace)
            .collect()
    })
}

/// Whether `w` (lower case) is a function word, left out of distinctive words.
pub fn is_stopword(w: &str) -> bool {
    stopwords().contains(w)
}

/// Lower-case word tokens in runs between sentence punctuation, so two-word
/// phrases never span a sentence or a quotation boundary. A word is letters
/// and digits with inner apostrophes or hyphens ("full-scale", "don't"); a
/// possessive "'s" is dropped ("Trump's" → "trump").
pub fn word_runs(text: &str) -> Vec<Vec<String>> {
    let mut runs: Vec<Vec<String>> = vec![Vec::new()];
    let mut word = String::new();
    let flush = |word: &mut String, runs: &mut Vec<Vec<String>>| {
        if word.is_empty() {
            return;
        }
        let w = word.trim_end_matches(['\'', '-']);
        let w = w.strip_suffix("'s").unwrap_or(w);
        if !w.is_empty() {
            runs.last_mut().expect("never empty").push(w.to_string());
        }
        word.clear();
    };
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_alphanumeric() {
            word.extend(c.to_lowercase());
            continue;
        }
        let next_alnum = chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if matches!(c, '\'' | '’' | '-') && !word.is_empty() && next_alnum {
            word.push(if c == '-' { '-' } else { '\'' });
            continue;
        }
        // Initialisms keep their dots ("U.S." → "u.s", "p.m." → "p.m"), so
        // they are not read as one-letter words.
        let segment = word.rsplit('.').next().map_or(0, |s| s.chars().count());
        if c == '.' && segment == 1 && next_alnum && chars.get(i + 2).is_none_or(|n| !n.is_alphanumeric()) {
            word.push('.');
            continue;
        }
        flush(&mut word, &mut runs);
        let breaks = matches!(c, '.' | ',' | ';' | ':' | '!' | '?' | '"' | '“' | '”' | '(' | ')' | '\n' | '—' | '–');
        if breaks && !runs.last().expect("never empty").is_empty() {
            runs.push(Vec::new());
        }
    }
    flush(&mut word, &mut runs);
    runs.retain(|r| !r.is_empty());
    runs
}

/// Rounds for output, so JSON and tables show the same stable digits.
pub fn round(x: f64, digits: i32) -> f64 {
    let p = 10f64.powi(digits);
    (x * p).round() / p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_runs_split_at_punctuation_and_drop_possessives() {
        let runs = word_runs("Trump’s full-scale plan, he said. “Kyiv-based” don't- U.S. at 5 p.m. A. Lincoln");
        assert_eq!(
            runs,
            vec![
                vec!["trump", "full-scale", "plan"],
                vec!["he", "said"],
                vec!["kyiv-based"],
                vec!["don't", "u.s"],
                vec!["at", "5", "p.m"],
                vec!["a"],
                vec!["lincoln"]
            ]
        );
    }

    #[test]
    fn speaker_kinds() {
        assert_eq!(SpeakerKind::classify(Some("person"), true, false, false), SpeakerKind::Person);
        assert_eq!(SpeakerKind::classify(Some("person"), true, false, true), SpeakerKind::Person, "he = Rubio");
        assert_eq!(SpeakerKind::classify(Some("person"), false, false, false), SpeakerKind::Unnamed);
        assert_eq!(SpeakerKind::classify(Some("person"), false, false, true), SpeakerKind::Unresolved);
        assert_eq!(SpeakerKind::classify(Some("organization"), false, true, false), SpeakerKind::Government);
        assert_eq!(SpeakerKind::classify(Some("media"), true, false, false), SpeakerKind::Organization);
        assert_eq!(SpeakerKind::classify(Some("group"), true, false, false), SpeakerKind::Group);
        assert_eq!(SpeakerKind::classify(Some("group"), false, false, true), SpeakerKind::Unresolved, "they");
        assert_eq!(SpeakerKind::classify(None, false, false, false), SpeakerKind::None);
    }

    #[test]
    fn copies_count_once_per_outlet() {
        let a = |id, outlet: &str, dup| Article { id, outlet: outlet.into(), duplicate_of: dup, ..Article::default() };
        let c = Corpus::new(
            vec![a(1, "AP", None), a(2, "AP", Some(1)), a(3, "Daily", Some(2)), a(4, "X", Some(9))],
            BTreeMap::new(),
        );
        assert_eq!(c.root(2), 0);
        assert_eq!(c.root(3), 3, "a copy of an article outside the corpus is its own original");
        assert_eq!(c.counted(), vec![0, 2, 3]);
    }
}
