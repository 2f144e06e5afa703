//! Reading the store: statement search with combinable filters, actors, one
//! document, one actor's profile. Every query is parameterised; user text only
//! ever reaches SQL as a bound value (full-text queries are rebuilt from quoted
//! terms by [`fts_query`] first).

use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use whosaid_document::output::{JsonDocument, JsonEntity, JsonSpan, JsonStatement};

use whosaid_document::StatementKind;

use crate::{Result, Store};

/// Longest speaker, outlet or actor name a filter may give, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// Why a search or listing filter is refused. The store's API reports it as
/// [`crate::Error::Invalid`] ([`crate::InvalidReason::Filter`]) with this message (the server answers 400 with it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterError {
    /// `sort` is not relevance, newest or oldest.
    Sort(String),
    /// `in` is not statements or articles.
    Scope(String),
    /// A date bound (`since`, `until`) that is not YYYY[-MM[-DD]].
    DateBound {
        /// `since` or `until`.
        name: String,
        /// The value given.
        value: String,
    },
    /// A text filter over its limit in characters.
    TooLong {
        /// The filter's name (`q`, `speaker`, …).
        name: &'static str,
        /// Its limit.
        max: usize,
    },
    /// `since` after `until`.
    SinceAfterUntil {
        /// The lower bound given.
        since: String,
        /// The upper bound given.
        until: String,
    },
    /// A statement kind the document model does not have.
    Kind(String),
    /// A query with no word the full-text index could search.
    NoSearchWords(String),
    /// An entity type not in [`TYPES`].
    Type(String),
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FilterError::Sort(s) => write!(f, "sort '{s}': expected relevance, newest or oldest"),
            FilterError::Scope(s) => write!(f, "in '{s}': expected statements or articles"),
            FilterError::DateBound { name, value } => {
                write!(f, "{name} '{value}': expected YYYY-MM-DD, YYYY-MM or YYYY")
            }
            FilterError::TooLong { name, max } => write!(f, "{name}: longer than {max} characters"),
            FilterError::SinceAfterUntil { since, until } => write!(f, "since {since} is after until {until}"),
            FilterError::Kind(k) => write!(f, "kind '{k}': expected one of {}", StatementKind::list()),
            FilterError::NoSearchWords(q) => write!(f, "q '{q}': no searchable words"),
            FilterError::Type(t) => write!(f, "type '{t}': expected one of {}", TYPES.join(", ")),
        }
    }
}

impl std::error::Error for FilterError {}

/// How many matches past the offset a search counts at least (see
/// [`SearchResults::total`]).
pub const TOTAL_CAP: usize = 1000;

/// A search's (total, capped) for a page of `page` rows at `offset` and
/// `limit`, one rule for both backends: a short page (fewer rows than the
/// limit) ends the matches, so its total is known without counting; else
/// `count(n)` counts the matches, stopping at `n` (a `LIMIT n` subquery).
pub fn search_total(
    offset: usize,
    limit: usize,
    page: usize,
    count: impl FnOnce(i64) -> Result<i64>,
) -> Result<(i64, bool)> {
    if limit > 0 && page < limit && (page > 0 || offset == 0) {
        return Ok(((offset + page) as i64, false));
    }
    let cap = offset.saturating_add(limit.max(TOTAL_CAP)).min(i64::MAX as usize - 1) as i64;
    let n = count(cap + 1)?;
    Ok(if n > cap { (cap, true) } else { (n, false) })
}

/// Entity types an actor filter may name.
pub const TYPES: &[&str] = &["person", "organization", "media", "place", "group", "document"];
/// Longest free-text query accepted (characters).
pub const MAX_QUERY_CHARS: usize = 500;

/// The order of search results (`sort=`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Sort {
    /// Best full-text match first (newest when there is no text query).
    #[default]
    Relevance,
    /// Latest publication date first.
    Newest,
    /// Earliest publication date first (an actor's page).
    Oldest,
}

impl Sort {
    /// Reads a `sort` value; anything else is a [`FilterError::Sort`].
    pub fn parse(s: &str) -> Result<Sort> {
        match s {
            "relevance" => Ok(Sort::Relevance),
            "newest" => Ok(Sort::Newest),
            "oldest" => Ok(Sort::Oldest),
            _ => Err(FilterError::Sort(s.to_string()).into()),
        }
    }
}

/// Where the text query looks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Scope {
    /// Statement content.
    #[default]
    Statements,
    /// Article title and text: every statement of a matching article.
    Articles,
}

impl Scope {
    /// Reads an `in` value; anything else is a [`FilterError::Scope`].
    pub fn parse(s: &str) -> Result<Scope> {
        match s {
            "statements" => Ok(Scope::Statements),
            "articles" => Ok(Scope::Articles),
            _ => Err(FilterError::Scope(s.to_string()).into()),
        }
    }
}

/// A statement search. All filters combine with AND.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    /// Full text: words (all must occur), "a phrase", prefix*, OR between terms.
    pub text: Option<String>,
    /// Where the text query looks.
    pub scope: Scope,
    /// Substring of the speaker's name, an alias of its actor, or the mention as written.
    pub speaker: Option<String>,
    /// Exact actor id.
    pub actor: Option<i64>,
    /// Outlet name or site (host of the article URL, without www.), case-insensitive.
    pub outlet: Option<String>,
    /// Publication date bounds, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.
    pub since: Option<String>,
    /// The upper bound (see `since`): "2025-04" includes all of April.
    pub until: Option<String>,
    /// Any of these kinds (empty: all).
    pub kinds: Vec<String>,
    /// Only statements of this document.
    pub doc: Option<i64>,
    /// Result order.
    pub sort: Sort,
    /// Page size.
    pub limit: usize,
    /// Matches skipped before the page.
    pub offset: usize,
}

/// One matching statement with where and when it was reported.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct StatementHit {
    /// Statement row id.
    pub id: i64,
    /// Document row id (the web app's /#/doc/ID).
    pub doc_id: i64,
    /// The document's key: `meta.id`, else its source.
    pub doc: String,
    /// Index of the statement in its document (`statements[].id` in whosaid/1).
    pub idx: i64,
    /// Publication date of the article.
    pub date: Option<String>,
    /// The outlet the article counts for.
    pub outlet: Option<String>,
    /// The article's title, else its recognised headline.
    pub title: Option<String>,
    /// The article's URL.
    pub url: Option<String>,
    /// Resolved speaker name, else the mention as written.
    pub speaker: Option<String>,
    /// The mention as written ("he").
    pub speaker_text: Option<String>,
    /// The speaker entity's type (person, organization, …).
    pub speaker_type: Option<String>,
    /// The speaker's cross-document actor, when linked.
    pub actor_id: Option<i64>,
    /// The cue as written ("said").
    pub cue: Option<String>,
    /// direct, indirect, mixed or belief.
    pub kind: String,
    /// What was said.
    pub content: String,
    /// Whom it was said to, if the article says.
    pub addressee: Option<String>,
    /// When it was said, if the article says ("on Wednesday" → date).
    pub said_on: Option<String>,
    /// The pipeline's confidence (two decimals).
    pub confidence: f64,
    /// Code point offsets of the content in the article text.
    pub start: i64,
    /// Where the content ends (code points, exclusive).
    pub end: i64,
}

/// A page of statements with the total the page belongs to.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct SearchResults {
    /// Number of matches (before limit and offset), counted only up to
    /// `offset + max(limit, TOTAL_CAP)`: past that, that number with
    /// `total_capped` set (the web app shows "1000+"), so a broad query does
    /// not read every match just to count it.
    pub total: i64,
    /// Whether more statements match than `total` says.
    pub total_capped: bool,
    /// The page size asked for.
    pub limit: usize,
    /// The page start asked for.
    pub offset: usize,
    /// The page's statements in the requested order.
    pub results: Vec<StatementHit>,
}

/// An actor as the speaker list shows it.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ActorSummary {
    /// The actor's row id (its page, the `actor` filter).
    pub id: i64,
    /// The display name.
    pub name: String,
    /// Entity type (one of [`TYPES`]).
    #[serde(rename = "type")]
    pub etype: String,
    /// Statements it is the speaker of.
    pub statements: i64,
    /// Documents with such statements.
    pub documents: i64,
    /// Earliest publication date of those.
    pub first: Option<String>,
    /// Latest publication date of those.
    pub last: Option<String>,
}

/// A speaker listing (`whosaid actors`, `/api/actors`).
#[derive(Clone, Debug, Default)]
pub struct ActorsQuery {
    /// Substring of the name or an alias.
    pub name: Option<String>,
    /// Only actors of this type (one of [`TYPES`]).
    pub etype: Option<String>,
    /// Page size.
    pub limit: usize,
    /// Actors skipped before the page.
    pub offset: usize,
}

/// A stored document as lists show it.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct DocumentSummary {
    /// The document's row id.
    pub id: i64,
    /// The document key (`meta.id`, else its source).
    pub doc: String,
    /// The metadata title.
    pub title: Option<String>,
    /// The recognised headline.
    pub headline: Option<String>,
    /// The outlet it counts for.
    pub outlet: Option<String>,
    /// The article's URL.
    pub url: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// Statements in it.
    pub statements: i64,
}

/// A document listing (`/api/documents`); filters combine with AND.
#[derive(Clone, Debug, Default)]
pub struct DocumentsQuery {
    /// Full text over title and text (best match first).
    pub text: Option<String>,
    /// Outlet name or site, as in [`SearchQuery::outlet`].
    pub outlet: Option<String>,
    /// Publication date bounds, inclusive: YYYY, YYYY-MM or YYYY-MM-DD.
    pub since: Option<String>,
    /// The upper bound (see `since`): "2025-04" includes all of April.
    pub until: Option<String>,
    /// Page size.
    pub limit: usize,
    /// Documents skipped before the page.
    pub offset: usize,
}

/// A page of documents.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct DocumentPage {
    /// Matching documents (counted exactly).
    pub total: i64,
    /// The page size asked for.
    pub limit: usize,
    /// The page start asked for.
    pub offset: usize,
    /// The page's documents.
    pub results: Vec<DocumentSummary>,
}

/// An entity of one document as the article view shows it: the whosaid/1
/// entity (its fields inline, so the JSON has the same keys) with the
/// cross-document actor it was linked to.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct EntityView {
    /// The entity as the stored document has it.
    #[serde(flatten)]
    pub entity: JsonEntity,
    /// The cross-document actor it was linked to.
    pub actor_id: Option<i64>,
}

/// One document for display (the web app's article page).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct DocumentView {
    /// The document's row id.
    pub id: i64,
    /// The document key.
    pub doc: String,
    /// The input it was read from.
    pub source: String,
    /// The metadata title.
    pub title: Option<String>,
    /// The article's URL.
    pub url: Option<String>,
    /// The outlet it counts for.
    pub outlet: Option<String>,
    /// Who wrote it.
    pub byline: Option<String>,
    /// Publication date.
    pub published: Option<String>,
    /// The recognised headline, as a span of `text`.
    pub headline: Option<JsonSpan>,
    /// Key of the earlier document this one copies.
    pub duplicate_of: Option<String>,
    /// The cleaned article text the spans index.
    pub text: String,
    /// Its statements as `whosaid/1` has them.
    pub statements: Vec<JsonStatement>,
    /// Its entities with their actors.
    pub entities: Vec<EntityView>,
}

impl DocumentView {
    /// Builds the view from the stored summary, the stored JSON and the
    /// `(entity index, actor id)` rows of the document (the same for every backend).
    pub fn new(summary: DocumentSummary, doc: JsonDocument, actors: &[(i64, Option<i64>)]) -> DocumentView {
        let mut actor_of = vec![None; doc.entities.len()];
        for &(idx, actor) in actors {
            if let Some(slot) = usize::try_from(idx).ok().and_then(|i| actor_of.get_mut(i)) {
                *slot = actor;
            }
        }
        let entities = doc
            .entities
            .into_iter()
            .map(|entity| EntityView { actor_id: actor_of.get(entity.id).copied().flatten(), entity })
            .collect();
        DocumentView {
            id: summary.id,
            doc: summary.doc,
            source: doc.source,
            title: doc.meta.title,
            url: doc.meta.url,
            outlet: summary.outlet,
            byline: doc.meta.byline,
            published: summary.published,
            headline: doc.headline,
            duplicate_of: doc.duplicate_of,
            text: doc.text,
            statements: doc.statements,
            entities,
        }
    }
}

/// An article an actor spelling came from.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct VariantDocument {
    /// The document's row id.
    pub id: i64,
    /// Title, else the document key.
    pub title: String,
    /// The outlet ('' when none).
    pub outlet: String,
}

/// One spelling an actor was stored under, with (at most 20 of) its articles.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct Variant {
    /// The spelling.
    pub name: String,
    /// Articles using it, at most 20.
    pub documents: Vec<VariantDocument>,
}

impl Variant {
    /// Groups `(spelling, doc id, title, outlet)` rows sorted by spelling.
    pub fn group(rows: Vec<(String, i64, String, String)>) -> Vec<Variant> {
        let mut out: Vec<Variant> = Vec::new();
        for (name, id, title, outlet) in rows {
            if out.last().is_none_or(|v| v.name != name) {
                out.push(Variant { name, documents: Vec::new() });
            }
            let docs = &mut out.last_mut().expect("pushed above").documents;
            if docs.len() < 20 {
                docs.push(VariantDocument { id, title, outlet });
            }
        }
        out
    }
}

/// Statements of one actor in one outlet.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct OutletStatements {
    /// The outlet ('' when none).
    pub outlet: String,
    /// How many.
    pub statements: i64,
}

/// Statements of one actor per month and outlet (its timeline).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct MonthStatements {
    /// YYYY-MM, empty when undated.
    pub month: String,
    /// The outlet ('' when none).
    pub outlet: String,
    /// How many.
    pub statements: i64,
}

/// How often one actor addressed one name.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct NameStatements {
    /// The addressee.
    pub name: String,
    /// Statements addressed to it.
    pub statements: i64,
}

/// One outlet's document count (the outlet list).
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct OutletDocuments {
    /// The outlet.
    pub outlet: String,
    /// Documents it has.
    pub documents: i64,
}

/// One actor's page.
#[derive(Serialize, Debug, Clone, PartialEq)]
pub struct ActorProfile {
    /// The actor's row id.
    pub id: i64,
    /// The display name.
    pub name: String,
    /// Entity type.
    #[serde(rename = "type")]
    pub etype: String,
    /// Every alias, sorted.
    pub aliases: Vec<String>,
    /// The spellings it was stored under, with their articles.
    pub variants: Vec<Variant>,
    /// Statements it is the speaker of.
    pub statements: i64,
    /// Documents with such statements.
    pub documents: i64,
    /// Documents mentioning it at all.
    pub mentioned_in: i64,
    /// Earliest publication date of its statements.
    pub first: Option<String>,
    /// Latest publication date of its statements.
    pub last: Option<String>,
    /// Statements per outlet, most first (at most 50).
    pub by_outlet: Vec<OutletStatements>,
    /// Statements per month and outlet.
    pub by_month: Vec<MonthStatements>,
    /// Whom it addressed, most first (at most 20).
    pub addressees: Vec<NameStatements>,
    /// A page of its statements, oldest first.
    pub page: SearchResults,
}

/// Checks a date bound: YYYY, YYYY-MM or YYYY-MM-DD with plausible numbers.
pub fn check_date(name: &str, s: &str) -> Result<()> {
    if whosaid_document::dates::is_date_bound(s) {
        Ok(())
    } else {
        Err(FilterError::DateBound { name: name.to_string(), value: s.to_string() }.into())
    }
}

impl SearchQuery {
    /// Rejects malformed filters with a message naming the filter.
    pub fn validate(&self) -> Result<()> {
        if let Some(t) = &self.text {
            if t.chars().count() > MAX_QUERY_CHARS {
                return Err(FilterError::TooLong { name: "q", max: MAX_QUERY_CHARS }.into());
            }
        }
        for (name, v) in [("speaker", &self.speaker), ("outlet", &self.outlet)] {
            if v.as_ref().is_some_and(|v| v.chars().count() > MAX_NAME_CHARS) {
                return Err(FilterError::TooLong { name, max: MAX_NAME_CHARS }.into());
            }
        }
        check_date_bounds(&self.since, &self.until)?;
        if let (Some(s), Some(u)) = (&self.since, &self.until) {
            if s.as_str() > u.as_str() && !u.starts_with(s.as_str()) && !s.starts_with(u.as_str()) {
                return Err(FilterError::SinceAfterUntil { since: s.clone(), until: u.clone() }.into());
            }
        }
        for k in &self.kinds {
            if StatementKind::parse(k).is_none() {
                return Err(FilterError::Kind(k.clone()).into());
            }
        }
        Ok(())
    }
}

/// Turns what a person types into a safe FTS5 query: every word becomes a
/// quoted term (so `-`, `:`, `(`, `^` and friends are plain text), "quoted
/// phrases" stay phrases, a trailing `*` keeps prefix search, and `OR` / `NOT`
/// between terms keep their meaning. Words combine with AND. None when
/// nothing searchable is left.
pub fn fts_query(input: &str) -> Option<String> {
    let mut tokens: Vec<(String, bool)> = Vec::new(); // (text, was quoted)
                                                      // Control characters are separators: SQLite ends a string at NUL, so a
                                                      // quoted term holding one would reach FTS5 unterminated.
    let input: String = input.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    let mut chars = input.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut phrase = String::new();
            for c in chars.by_ref() {
                if c == '"' {
                    break;
                }
                phrase.push(c);
            }
            tokens.push((phrase, true));
        } else {
            let mut word = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '"' {
                    break;
                }
                word.push(c);
                chars.next();
            }
            tokens.push((word, false));
        }
    }
    let mut out: Vec<String> = Vec::new();
    let mut op: Option<&str> = None;
    let mut terms = 0;
    for (tok, quoted) in tokens {
        if !quoted && (tok == "OR" || tok == "NOT" || tok == "AND") {
            if terms > 0 {
                op = Some(if tok == "OR" {
                    "OR"
                } else if tok == "NOT" {
                    "NOT"
                } else {
                    "AND"
                });
            }
            continue;
        }
        let prefix = !quoted && tok.ends_with('*');
        let core = if quoted { tok.as_str() } else { tok.trim_end_matches('*') };
        if !core.chars().any(char::is_alphanumeric) {
            continue;
        }
        if terms >= 32 {
            break;
        }
        if let Some(o) = op.take() {
            out.push(o.to_string());
        }
        out.push(format!("\"{}\"{}", core.replace('"', "\"\""), if prefix { "*" } else { "" }));
        terms += 1;
    }
    (!out.is_empty()).then(|| out.join(" "))
}

/// `%x%` for LIKE, with the wildcards in `x` escaped (ESCAPE '\').
pub fn like_contains(x: &str) -> String {
    let mut s = String::from("%");
    for c in x.chars() {
        if matches!(c, '%' | '_' | '\\') {
            s.push('\\');
        }
        s.push(c);
    }
    s.push('%');
    s
}

/// A text filter as the queries read it: trimmed, and absent when blank.
pub fn given(v: &Option<String>) -> Option<&str> {
    v.as_deref().map(str::trim).filter(|t| !t.is_empty())
}

/// A limit or offset as SQL takes it (a `BIGINT`), saturating rather than
/// wrapping for sizes past `i64::MAX`.
pub fn sql_count(n: usize) -> i64 {
    n.min(i64::MAX as usize) as i64
}

/// ` WHERE a AND b …`, or nothing when there are no conditions.
pub fn where_clause(conds: &[String]) -> String {
    if conds.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conds.join(" AND "))
    }
}

/// Checks both date bounds of a filter (`since` first, as the messages name them).
pub fn check_date_bounds(since: &Option<String>, until: &Option<String>) -> Result<()> {
    if let Some(s) = since {
        check_date("since", s)?;
    }
    if let Some(u) = until {
        check_date("until", u)?;
    }
    Ok(())
}

/// A result row of either backend read by column position, so that each
/// result type is decoded from its columns in one place (the `from_columns`
/// constructors) whichever database the row came from.
pub trait Columns {
    /// What reading a column of an unexpected type gives.
    type Error;
    /// A non-null integer column.
    fn int(&self, i: usize) -> std::result::Result<i64, Self::Error>;
    /// A nullable integer column.
    fn opt_int(&self, i: usize) -> std::result::Result<Option<i64>, Self::Error>;
    /// A non-null floating-point column.
    fn real(&self, i: usize) -> std::result::Result<f64, Self::Error>;
    /// A non-null text column.
    fn text(&self, i: usize) -> std::result::Result<String, Self::Error>;
    /// A nullable text column.
    fn opt_text(&self, i: usize) -> std::result::Result<Option<String>, Self::Error>;
}

impl Columns for Row<'_> {
    type Error = rusqlite::Error;
    fn int(&self, i: usize) -> rusqlite::Result<i64> {
        self.get(i)
    }
    fn opt_int(&self, i: usize) -> rusqlite::Result<Option<i64>> {
        self.get(i)
    }
    fn real(&self, i: usize) -> rusqlite::Result<f64> {
        self.get(i)
    }
    fn text(&self, i: usize) -> rusqlite::Result<String> {
        self.get(i)
    }
    fn opt_text(&self, i: usize) -> rusqlite::Result<Option<String>> {
        self.get(i)
    }
}

/// A result type decoded from a row of [`Columns`], the same way on both backends.
pub trait FromColumns: Sized {
    /// Decodes one row of the columns the type's query selects.
    fn from_columns<R: Columns>(r: &R) -> std::result::Result<Self, R::Error>;
}

/// Decodes a row of [`HIT_COLUMNS`] (confidence rounded to two places).
impl FromColumns for StatementHit {
    fn from_columns<R: Columns>(r: &R) -> std::result::Result<StatementHit, R::Error> {
        Ok(StatementHit {
            id: r.int(0)?,
            doc_id: r.int(1)?,
            doc: r.text(2)?,
            idx: r.int(3)?,
            date: r.opt_text(4)?,
            outlet: r.opt_text(5)?,
            title: r.opt_text(6)?,
            url: r.opt_text(7)?,
            speaker: r.opt_text(8)?,
            speaker_text: r.opt_text(9)?,
            speaker_type: r.opt_text(10)?,
            actor_id: r.opt_int(11)?,
            cue: r.opt_text(12)?,
            kind: r.text(13)?,
            content: r.text(14)?,
            addressee: r.opt_text(15)?,
            said_on: r.opt_text(16)?,
            confidence: (r.real(17)? * 100.0).round() / 100.0,
            start: r.int(18)?,
            end: r.int(19)?,
        })
    }
}

/// The columns a document summary is read from (`d` documents).
pub const SUMMARY_COLUMNS: &str = "d.id, d.doc_key, d.title, d.headline, d.outlet, d.url, d.published, d.n_statements";

/// Decodes a row of [`SUMMARY_COLUMNS`].
impl FromColumns for DocumentSummary {
    fn from_columns<R: Columns>(r: &R) -> std::result::Result<DocumentSummary, R::Error> {
        Ok(DocumentSummary {
            id: r.int(0)?,
            doc: r.text(1)?,
            title: r.opt_text(2)?,
            headline: r.opt_text(3)?,
            outlet: r.opt_text(4)?,
            url: r.opt_text(5)?,
            published: r.opt_text(6)?,
            statements: r.int(7)?,
        })
    }
}

/// The columns an actor summary is read from (`a` actors, `s` its
/// statements, grouped by actor; `n` the statement count to order by).
pub const ACTOR_SUMMARY_COLUMNS: &str =
    "a.id, a.name, a.type, count(*) AS n, count(DISTINCT s.doc_id), min(s.published), max(s.published)";

/// Decodes a row of [`ACTOR_SUMMARY_COLUMNS`].
impl FromColumns for ActorSummary {
    fn from_columns<R: Columns>(r: &R) -> std::result::Result<ActorSummary, R::Error> {
        Ok(ActorSummary {
            id: r.int(0)?,
            name: r.text(1)?,
            etype: r.text(2)?,
            statements: r.int(3)?,
            documents: r.int(4)?,
            first: r.opt_text(5)?,
            last: r.opt_text(6)?,
        })
    }
}

impl ActorsQuery {
    /// The name filter, trimmed (None when blank).
    pub fn name_filter(&self) -> Option<&str> {
        given(&self.name)
    }

    /// Rejects a name filter over [`MAX_NAME_CHARS`] and a type not in [`TYPES`].
    pub fn validate(&self) -> Result<()> {
        if self.name_filter().is_some_and(|n| n.chars().count() > MAX_NAME_CHARS) {
            return Err(FilterError::TooLong { name: "name", max: MAX_NAME_CHARS }.into());
        }
        if let Some(t) = &self.etype {
            if !TYPES.contains(&t.as_str()) {
                return Err(FilterError::Type(t.clone()).into());
            }
        }
        Ok(())
    }
}

impl DocumentsQuery {
    /// The text query, trimmed (None when blank), refused over [`MAX_QUERY_CHARS`].
    pub fn text_filter(&self) -> Result<Option<&str>> {
        match given(&self.text) {
            Some(t) if t.chars().count() > MAX_QUERY_CHARS => {
                Err(FilterError::TooLong { name: "q", max: MAX_QUERY_CHARS }.into())
            }
            t => Ok(t),
        }
    }
}

/// A value bound to a filter condition, whichever SQL dialect binds it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FilterArg {
    /// A text value.
    Text(String),
    /// An integer value.
    Int(i64),
}

/// How a backend writes the parts of a filter its SQL dialect spells
/// differently: the placeholder for a value it has just bound, and a
/// case-insensitive equality.
pub trait FilterDialect {
    /// Binds `arg` and returns its placeholder (`?3`, `$3`).
    fn bind(&mut self, arg: FilterArg) -> String;
    /// `column` equals placeholder `p`, ignoring case.
    fn eq_nocase(&self, column: &str, p: &str) -> String;
    /// `column` compared by code point (SQLite's BINARY, PostgreSQL's
    /// `COLLATE "C"`), so date bounds mean the same on both and whatever
    /// the database's default collation.
    fn code_point(&self, column: &str) -> String;
    /// `column` is the actor of an alias matching LIKE pattern `p` (any
    /// case, `\` escapes), written so the backend's indexes serve it.
    fn alias_like(&self, column: &str, p: &str) -> String;
}

/// The speaker listing's SQL for `q` (already validated), one definition for
/// every backend: actors by statement count, then name by code point.
pub fn actors_sql(q: &ActorsQuery, dialect: &mut impl FilterDialect) -> String {
    let mut conds = vec!["s.speaker_actor IS NOT NULL".to_string()];
    if let Some(n) = q.name_filter() {
        let p = dialect.bind(FilterArg::Text(like_contains(n)));
        conds.push(dialect.alias_like("s.speaker_actor", &p));
    }
    if let Some(t) = &q.etype {
        let p = dialect.bind(FilterArg::Text(t.clone()));
        conds.push(format!("a.type = {p}"));
    }
    format!(
        "SELECT {ACTOR_SUMMARY_COLUMNS}
         FROM statements s JOIN actors a ON a.id = s.speaker_actor WHERE {}
         GROUP BY a.id ORDER BY n DESC, {} LIMIT {} OFFSET {}",
        conds.join(" AND "),
        dialect.code_point("a.name"),
        sql_count(q.limit),
        sql_count(q.offset)
    )
}

/// The least string above every string whose first `u.len()` characters
/// are at most `u` (code point order): `u` with its last character
/// incremented ("2025-06" → "2025-07"). So `substr(p, 1, n) <= u` is
/// exactly `p < until_bound(u)`, a range an index on `p` serves. None for
/// an empty `u` or a last character without a successor.
pub fn until_bound(u: &str) -> Option<String> {
    let last = u.chars().next_back()?;
    let next = char::from_u32(last as u32 + 1)?;
    Some(format!("{}{next}", &u[..u.len() - last.len_utf8()]))
}

/// The outlet and date conditions on table alias `t`, one definition for
/// every backend: an outlet matches by name (any case) or by site
/// ("rt.com"); "--until 2025-04" includes all of April (same-length prefix).
pub fn outlet_and_date_conditions(
    t: &str,
    outlet: &Option<String>,
    since: &Option<String>,
    until: &Option<String>,
    dialect: &mut impl FilterDialect,
    conds: &mut Vec<String>,
) {
    if let Some(o) = outlet.as_deref().map(str::trim).filter(|o| !o.is_empty()) {
        let site = crate::url_site(o).unwrap_or_else(|| o.to_lowercase());
        let a = dialect.bind(FilterArg::Text(o.to_string()));
        let b = dialect.bind(FilterArg::Text(site));
        conds.push(format!("({} OR {t}.site = {b})", dialect.eq_nocase(&format!("{t}.outlet"), &a)));
    }
    let published = dialect.code_point(&format!("{t}.published"));
    if let Some(s) = since {
        let p = dialect.bind(FilterArg::Text(s.clone()));
        conds.push(format!("{published} >= {p}"));
    }
    if let Some(u) = until {
        match until_bound(u) {
            Some(b) => {
                let p = dialect.bind(FilterArg::Text(b));
                conds.push(format!("{published} < {p}"));
            }
            None => {
                let n = dialect.bind(FilterArg::Int(u.chars().count() as i64));
                let p = dialect.bind(FilterArg::Text(u.clone()));
                conds.push(format!("substr({published}, 1, {n}) <= {p}"));
            }
        }
    }
}

/// SQLite's side: `?N` placeholders into a `Value` list, `COLLATE NOCASE`.
struct SqliteDialect<'a>(&'a mut Vec<Value>);

impl FilterDialect for SqliteDialect<'_> {
    fn bind(&mut self, arg: FilterArg) -> String {
        self.0.push(match arg {
            FilterArg::Text(t) => Value::Text(t),
            FilterArg::Int(i) => Value::Integer(i),
        });
        format!("?{}", self.0.len())
    }
    fn eq_nocase(&self, column: &str, p: &str) -> String {
        format!("{column} = {p} COLLATE NOCASE")
    }
    fn code_point(&self, column: &str) -> String {
        column.to_string()
    }
    fn alias_like(&self, column: &str, p: &str) -> String {
        format!("{column} IN (SELECT actor_id FROM actor_aliases WHERE alias LIKE {p} ESCAPE '\\')")
    }
}

/// The columns a statement hit is read from, in the order both backends
/// read them (`s` statements, `d` documents).
pub const HIT_COLUMNS: &str =
    "s.id, s.doc_id, d.doc_key, s.idx, s.published, s.outlet, coalesce(d.title, d.headline), d.url, s.speaker_name, \
     s.speaker_text, s.speaker_type, s.speaker_actor, s.cue, s.kind, s.content, s.addressee_name, s.time_date, \
     s.confidence, s.content_start, s.content_end";

impl Store {
    /// Statements matching every filter of `q`, with the total count.
    pub fn search(&self, q: &SearchQuery) -> Result<SearchResults> {
        q.validate()?;
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let mut from = String::from("statements s");
        let text = given(&q.text);
        let fts = match text {
            Some(t) => Some(fts_query(t).ok_or_else(|| FilterError::NoSearchWords(t.to_string()))?),
            None => None,
        };
        let mut ranked = false;
        if let Some(f) = &fts {
            args.push(Value::Text(f.clone()));
            match q.scope {
                Scope::Statements => {
                    from.push_str(" JOIN statements_fts ON statements_fts.rowid = s.id");
                    conds.push(format!("statements_fts MATCH ?{}", args.len()));
                    ranked = true;
                }
                Scope::Articles => {
                    conds.push(format!(
                        "s.doc_id IN (SELECT rowid FROM documents_fts WHERE documents_fts MATCH ?{})",
                        args.len()
                    ));
                }
            }
        }
        if let Some(sp) = given(&q.speaker) {
            args.push(Value::Text(like_contains(sp)));
            let n = args.len();
            conds.push(format!(
                "(s.speaker_name LIKE ?{n} ESCAPE '\\' OR s.speaker_text LIKE ?{n} ESCAPE '\\' OR s.speaker_actor IN \
                 (SELECT actor_id FROM actor_aliases WHERE alias LIKE ?{n} ESCAPE '\\'))"
            ));
        }
        if let Some(a) = q.actor {
            args.push(Value::Integer(a));
            conds.push(format!("s.speaker_actor = ?{}", args.len()));
        }
        if let Some(d) = q.doc {
            args.push(Value::Integer(d));
            conds.push(format!("s.doc_id = ?{}", args.len()));
        }
        outlet_and_date_conditions("s", &q.outlet, &q.since, &q.until, &mut SqliteDialect(&mut args), &mut conds);
        if !q.kinds.is_empty() {
            let mut marks = Vec::new();
            for k in &q.kinds {
                args.push(Value::Text(k.clone()));
                marks.push(format!("?{}", args.len()));
            }
            conds.push(format!("s.kind IN ({})", marks.join(", ")));
        }
        let where_ = where_clause(&conds);
        let order = match q.sort {
            Sort::Relevance if ranked => "statements_fts.rank, s.published DESC, s.id",
            Sort::Relevance | Sort::Newest => "s.published DESC, s.doc_id DESC, s.idx",
            Sort::Oldest => "s.published ASC, s.doc_id, s.idx",
        };
        let limit = sql_count(q.limit);
        let sql = format!(
            "SELECT {HIT_COLUMNS} FROM {from} JOIN documents d ON d.id = s.doc_id{where_} ORDER BY {order} \
             LIMIT {limit} OFFSET {}",
            q.offset as i64
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let results: Vec<StatementHit> = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| StatementHit::from_columns(r))?
            .collect::<rusqlite::Result<_>>()?;
        let (total, total_capped) = search_total(q.offset, q.limit, results.len(), |n| {
            let sql = format!("SELECT count(*) FROM (SELECT 1 FROM {from}{where_} LIMIT ?{})", args.len() + 1);
            let n = Value::Integer(n);
            let mut count = self.conn.prepare_cached(&sql)?;
            Ok(count.query_row(rusqlite::params_from_iter(args.iter().chain([&n])), |r| r.get(0))?)
        })?;
        Ok(SearchResults { total, total_capped, limit: q.limit, offset: q.offset, results })
    }

    /// Top speakers: actors by number of statements.
    pub fn actors(&self, q: &ActorsQuery) -> Result<Vec<ActorSummary>> {
        q.validate()?;
        let mut args: Vec<Value> = Vec::new();
        let sql = actors_sql(q, &mut SqliteDialect(&mut args));
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(args.iter()), |r| ActorSummary::from_columns(r))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The row id of a document named by its key (`meta.id` or source), its
    /// row id, or a unique prefix of its content hash.
    pub fn find_document(&self, name: &str) -> Result<Option<i64>> {
        let by_key: Option<i64> = self
            .conn
            .prepare_cached("SELECT id FROM documents WHERE doc_key = ?1")?
            .query_row([name], |r| r.get(0))
            .optional()?;
        if by_key.is_some() {
            return Ok(by_key);
        }
        if let Ok(id) = name.parse::<i64>() {
            let hit: Option<i64> = self
                .conn
                .prepare_cached("SELECT id FROM documents WHERE id = ?1")?
                .query_row([id], |r| r.get(0))
                .optional()?;
            if hit.is_some() {
                return Ok(hit);
            }
        }
        // A source path given differently ("./a.txt" for "a.txt") or a file name.
        let mut stmt = self.conn.prepare_cached(
            "SELECT id FROM documents WHERE doc_key LIKE ?1 ESCAPE '\\' OR source LIKE ?1 ESCAPE '\\' LIMIT 2",
        )?;
        let suffix = format!("%{}", like_contains(name.trim_start_matches("./")).trim_start_matches('%'));
        let ids: Vec<i64> = stmt.query_map([suffix], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        if ids.len() == 1 {
            let id = ids[0];
            // Only a match at a path boundary counts (…/a.txt for a.txt).
            let key: String = self.conn.query_row("SELECT doc_key FROM documents WHERE id = ?1", [id], |r| r.get(0))?;
            let n = name.trim_start_matches("./");
            if key == n || key.ends_with(&format!("/{n}")) {
                return Ok(Some(id));
            }
        }
        Ok(None)
    }

    /// Summary of a document row.
    pub fn document_summary(&self, id: i64) -> Result<Option<DocumentSummary>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {SUMMARY_COLUMNS} FROM documents d WHERE d.id = ?1"))?
            .query_row([id], |r| DocumentSummary::from_columns(r))
            .optional()?)
    }

    /// Documents, newest first (best match first with a text query).
    pub fn documents(&self, q: &DocumentsQuery) -> Result<(i64, Vec<DocumentSummary>)> {
        let mut conds: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let mut from = String::from("documents d");
        let mut ranked = false;
        if let Some(t) = q.text_filter()? {
            let f = fts_query(t).ok_or_else(|| FilterError::NoSearchWords(t.to_string()))?;
            args.push(Value::Text(f));
            from.push_str(" JOIN documents_fts ON documents_fts.rowid = d.id");
            conds.push(format!("documents_fts MATCH ?{}", args.len()));
            ranked = true;
        }
        check_date_bounds(&q.since, &q.until)?;
        outlet_and_date_conditions("d", &q.outlet, &q.since, &q.until, &mut SqliteDialect(&mut args), &mut conds);
        let where_ = where_clause(&conds);
        let total: i64 = self
            .conn
            .prepare_cached(&format!("SELECT count(*) FROM {from}{where_}"))?
            .query_row(rusqlite::params_from_iter(args.iter()), |r| r.get(0))?;
        let order = if ranked { "documents_fts.rank, d.published DESC" } else { "d.published DESC, d.id DESC" };
        let sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM {from}{where_}
             ORDER BY {order} LIMIT {} OFFSET {}",
            sql_count(q.limit),
            q.offset as i64
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let docs = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), |r| DocumentSummary::from_columns(r))?
            .collect::<rusqlite::Result<_>>()?;
        Ok((total, docs))
    }

    /// Documents as a page: total, limit, offset and the summaries.
    pub fn documents_page(&self, q: &DocumentsQuery) -> Result<DocumentPage> {
        let (total, results) = self.documents(q)?;
        Ok(DocumentPage { total, limit: q.limit, offset: q.offset, results })
    }

    /// One document for display: metadata, text, statements (whosaid/1 shape)
    /// and entities with their mentions and actor ids.
    pub fn document_view(&self, id: i64) -> Result<Option<DocumentView>> {
        let Some(summary) = self.document_summary(id)? else { return Ok(None) };
        let Some(doc) = self.load_json(id)? else { return Ok(None) };
        let mut stmt = self.conn.prepare_cached("SELECT idx, actor_id FROM entities WHERE doc_id = ?1")?;
        let rows = stmt
            .query_map([id], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, Option<i64>>(1)?)))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Some(DocumentView::new(summary, doc, &rows)))
    }

    /// One actor: names, totals, statements per month and outlet, and a page
    /// of its statements in date order.
    pub fn actor_profile(&self, id: i64, limit: usize, offset: usize) -> Result<Option<ActorProfile>> {
        let actor: Option<(String, String)> = self
            .conn
            .prepare_cached("SELECT name, type FROM actors WHERE id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?;
        let Some((name, etype)) = actor else { return Ok(None) };
        let aliases: Vec<String> = self
            .conn
            .prepare_cached("SELECT alias FROM actor_aliases WHERE actor_id = ?1 ORDER BY alias")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let spellings: Vec<(String, i64, String, String)> = self
            .conn
            .prepare_cached(
                "SELECT e.name, d.id, coalesce(d.title, d.doc_key), coalesce(d.outlet, '')
                 FROM entities e JOIN documents d ON d.id = e.doc_id
                 WHERE e.actor_id = ?1 ORDER BY e.name, d.id LIMIT 2000",
            )?
            .query_map([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let (statements, documents, first, last): (i64, i64, Option<String>, Option<String>) =
            self.conn.prepare_cached(
                "SELECT count(*), count(DISTINCT doc_id), min(published), max(published) FROM statements WHERE speaker_actor = ?1",
            )?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?;
        let mentioned_in: i64 = self
            .conn
            .prepare_cached("SELECT count(DISTINCT doc_id) FROM entities WHERE actor_id = ?1")?
            .query_row([id], |r| r.get(0))?;
        let by_outlet: Vec<OutletStatements> = self
            .conn
            .prepare_cached(
                "SELECT coalesce(outlet, ''), count(*) AS n FROM statements WHERE speaker_actor = ?1
                 GROUP BY 1 ORDER BY n DESC, 1 LIMIT 50",
            )?
            .query_map([id], |r| Ok(OutletStatements { outlet: r.get(0)?, statements: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?;
        let by_month: Vec<MonthStatements> = self
            .conn
            .prepare_cached(
                "SELECT coalesce(substr(published, 1, 7), ''), coalesce(outlet, ''), count(*) FROM statements
                 WHERE speaker_actor = ?1 GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2 LIMIT 2000",
            )?
            .query_map([id], |r| Ok(MonthStatements { month: r.get(0)?, outlet: r.get(1)?, statements: r.get(2)? }))?
            .collect::<rusqlite::Result<_>>()?;
        let page =
            self.search(&SearchQuery { actor: Some(id), sort: Sort::Oldest, limit, offset, ..Default::default() })?;
        let addressees: Vec<NameStatements> = self
            .conn
            .prepare_cached(
                "SELECT addressee_name, count(*) AS n FROM statements WHERE speaker_actor = ?1 AND addressee_name
                 IS NOT NULL GROUP BY 1 ORDER BY n DESC, 1 LIMIT 20",
            )?
            .query_map([id], |r| Ok(NameStatements { name: r.get(0)?, statements: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(ActorProfile {
            id,
            name,
            etype,
            aliases,
            variants: Variant::group(spellings),
            statements,
            documents,
            mentioned_in,
            first,
            last,
            by_outlet,
            by_month,
            addressees,
            page,
        }))
    }

    /// The outlets with their document counts, most documents first (at most 200).
    pub fn outlet_counts(&self) -> Result<Vec<OutletDocuments>> {
        Ok(self
            .conn
            .prepare_cached(
                "SELECT outlet, count(*) AS n FROM documents WHERE outlet IS NOT NULL GROUP BY outlet
                 ORDER BY n DESC, outlet LIMIT 200",
            )?
            .query_map([], |r| Ok(OutletDocuments { outlet: r.get(0)?, documents: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?)
    }

    /// Row counts of the main tables (for tests and summaries).
    pub fn counts(&self) -> Result<(i64, i64, i64)> {
        Ok(self.conn.query_row(
            "SELECT (SELECT count(*) FROM documents), (SELECT count(*) FROM statements), (SELECT count(*) FROM actors)",
            params![],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[test]
    fn fts_queries_are_quoted() {
        assert_eq!(fts_query("trump\u{0}").as_deref(), Some("\"trump\""));
        assert_eq!(fts_query("a\u{0}b\u{1}").as_deref(), Some("\"a\" \"b\""));
        assert_eq!(fts_query("ceasefire").as_deref(), Some("\"ceasefire\""));
        assert_eq!(fts_query("peace OR ceasefire").as_deref(), Some("\"peace\" OR \"ceasefire\""));
        assert_eq!(fts_query("\"root causes\" cease*").as_deref(), Some("\"root causes\" \"cease\"*"));
        assert_eq!(fts_query("OR war NOT").as_deref(), Some("\"war\""));
        assert_eq!(fts_query("a\"b").as_deref(), Some("\"a\" \"b\""));
        assert_eq!(fts_query("x) OR (y NEAR:"), Some("\"x)\" OR \"(y\" \"NEAR:\"".to_string()));
        assert_eq!(fts_query(" – * \"\" "), None);
    }

    #[test]
    fn dates_are_checked() {
        assert!(check_date("since", "2025-04-01").is_ok());
        assert!(check_date("since", "2025-04").is_ok());
        assert!(check_date("since", "2025").is_ok());
        assert!(check_date("since", "2025-13-01").is_err());
        assert!(check_date("since", "25-04-01").is_err());
        assert!(check_date("since", "2025-04-01'; DROP TABLE x").is_err());
    }

    #[test]
    fn filter_errors_are_invalid_with_their_message() {
        let msg = |e: Error| match e {
            Error::Invalid(crate::InvalidReason::Filter(f)) => f.to_string(),
            other => panic!("a filter error is neither a database error nor unsupported: {other}"),
        };
        assert_eq!(
            msg(check_date("until", "2025-4").unwrap_err()),
            "until '2025-4': expected YYYY-MM-DD, YYYY-MM or YYYY"
        );
        assert_eq!(msg(Sort::parse("best").unwrap_err()), "sort 'best': expected relevance, newest or oldest");
        let q = SearchQuery { kinds: vec!["rumour".into()], ..SearchQuery::default() };
        assert_eq!(msg(q.validate().unwrap_err()), "kind 'rumour': expected one of direct, indirect, mixed, belief");
        let q =
            SearchQuery { since: Some("2025-05".into()), until: Some("2025-04-30".into()), ..SearchQuery::default() };
        assert_eq!(msg(q.validate().unwrap_err()), "since 2025-05 is after until 2025-04-30");
        let q = SearchQuery { speaker: Some("x".repeat(MAX_NAME_CHARS + 1)), ..SearchQuery::default() };
        assert_eq!(msg(q.validate().unwrap_err()), "speaker: longer than 200 characters");
    }

    #[test]
    fn until_bounds_are_the_prefix_comparison_as_a_range() {
        assert_eq!(until_bound("2025-06").as_deref(), Some("2025-07"));
        assert_eq!(until_bound("2025-09-30").as_deref(), Some("2025-09-31"));
        assert_eq!(until_bound("2019").as_deref(), Some("201:"));
        assert_eq!(until_bound(""), None);
        assert_eq!(until_bound("x\u{10FFFF}"), None);
        // `p < until_bound(u)` holds exactly when `p`'s first |u| characters are at most `u`.
        let u = "2025-06";
        let b = until_bound(u).unwrap();
        for p in
            ["2025-06", "2025-06-30", "2025-06z", "2025-0", "2025-05-31", "2025-07", "2025-07-01", "2026", "2025-6"]
        {
            let prefix: String = p.chars().take(u.chars().count()).collect();
            assert_eq!(p < b.as_str(), prefix.as_str() <= u, "{p}");
        }
    }

    #[test]
    fn totals_are_exact_for_short_pages_and_capped_past_the_cap() {
        let never = |_: i64| -> Result<i64> { panic!("a short page needs no count") };
        assert_eq!(search_total(0, 50, 7, never).unwrap(), (7, false));
        assert_eq!(search_total(100, 50, 7, never).unwrap(), (107, false));
        assert_eq!(search_total(0, 50, 0, never).unwrap(), (0, false));
        // A full page counts, at most up to offset + max(limit, TOTAL_CAP) + 1.
        let matches = |m: i64| move |n: i64| -> Result<i64> { Ok(m.min(n)) };
        assert_eq!(search_total(0, 50, 50, matches(400)).unwrap(), (400, false));
        assert_eq!(search_total(0, 50, 50, matches(TOTAL_CAP as i64)).unwrap(), (TOTAL_CAP as i64, false));
        assert_eq!(search_total(0, 50, 50, matches(5000)).unwrap(), (TOTAL_CAP as i64, true));
        assert_eq!(search_total(2000, 50, 50, matches(5000)).unwrap(), (2000 + TOTAL_CAP as i64, true));
        assert_eq!(search_total(0, 4000, 4000, matches(5000)).unwrap(), (4000, true));
        // A page past the end counts what there is.
        assert_eq!(search_total(900, 50, 0, matches(120)).unwrap(), (120, false));
    }

    #[test]
    fn like_patterns_escape_wildcards() {
        assert_eq!(like_contains("50%_a\\"), "%50\\%\\_a\\\\%");
    }
}
