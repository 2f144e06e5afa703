//! The stable JSON form of a [`Document`] (schema `whosaid/1`).
//!
//! Field names here are a contract other tools rely on: add fields beside them,
//! never rename. Offsets are Unicode code point indices into `text` (for `raw_map`
//! the second number indexes the raw input), half-open `[start, end)`.
//! Field order is fixed by these structs, so output is byte-identical for
//! identical input.

use serde::{Deserialize, Serialize};

use crate::charmap::CharMap;
use crate::{Document, EntityId, MentionId, MentionKind, Span};

/// The `schema` value of a full document; readers refuse other values.
pub const SCHEMA: &str = "whosaid/1";

/// Whether the first bytes of an input are a `whosaid/1` document (`schema`
/// is always the first field): `Some(true)` for compact JSONL, `Some(false)`
/// for indented JSON. Shared by the readers (which refuse it as an article)
/// and the store (which loads it as is).
pub fn sniff_schema(head: &[u8]) -> Option<bool> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let skip_ws = |b: &[u8]| -> usize { b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len()) };
    let mut i = skip_ws(head);
    if head.get(i) != Some(&b'{') {
        return None;
    }
    i += 1;
    let compact = head.get(i) == Some(&b'"');
    i += skip_ws(&head[i..]);
    let rest = &head[i..];
    let rest = rest.strip_prefix(b"\"schema\"")?;
    let j = skip_ws(rest);
    let rest = rest[j..].strip_prefix(b":")?;
    let j = skip_ws(rest);
    let rest = &rest[j..];
    let want = format!("\"{}", SCHEMA.split('/').next().unwrap_or("whosaid"));
    if !rest.starts_with(want.as_bytes()) {
        return None;
    }
    Some(compact)
}

/// A whole document in its stable JSON form (`whosaid/1`): offsets are code points of `text`.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonDocument {
    /// Always [`SCHEMA`].
    pub schema: String,
    /// Input path or id.
    pub source: String,
    /// What the input said about the article.
    pub meta: JsonMeta,
    /// `[clean_start, raw_start, length]` pieces: clean start and length in
    /// code points of `text`, raw start in bytes of the input as read.
    pub raw_map: Vec<[usize; 3]>,
    /// The cleaned text every span indexes.
    pub text: String,
    /// Raw lines cleaning dropped, and why.
    pub boilerplate: Vec<JsonRemoved>,
    /// The headline recognised in the text, if any.
    pub headline: Option<JsonSpan>,
    /// Paragraphs in order.
    pub paragraphs: Vec<JsonSpan>,
    /// Sentences in order.
    pub sentences: Vec<JsonSpan>,
    /// Quoted passages, marks included.
    pub quotations: Vec<JsonSpan>,
    /// Actors of the article (coreference chains); `id` is the index.
    pub entities: Vec<JsonEntity>,
    /// Time expressions with their resolved dates.
    pub times: Vec<JsonTime>,
    /// Who said what, sorted by content start.
    pub statements: Vec<JsonStatement>,
    /// Contested terms and their counterparts (terminology stage). Absent in
    /// output older than this field.
    #[serde(default)]
    pub terminology: Vec<JsonTerm>,
    /// Id of an earlier near-duplicate document (wire copies), or null. Kept
    /// last: batch runs patch it into already serialised lines.
    #[serde(default)]
    pub duplicate_of: Option<String>,
}

/// [`crate::Meta`] as written: the date as YYYY-MM-DD.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct JsonMeta {
    /// The document id, when the input gave one.
    pub id: Option<String>,
    /// The article's title.
    pub title: Option<String>,
    /// The article's URL.
    pub url: Option<String>,
    /// The outlet's name.
    pub outlet: Option<String>,
    /// Who wrote it.
    pub byline: Option<String>,
    /// Publication date, YYYY-MM-DD.
    pub published: Option<String>,
}

/// A stretch of `text` with the text it covers.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonSpan {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The covered text (equal to the slice).
    pub text: String,
}

/// A raw-input line cleaning removed.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonRemoved {
    /// Its first byte in the input as read.
    pub raw_start: usize,
    /// One past its last byte.
    pub raw_end: usize,
    /// The line as it was.
    pub text: String,
    /// Why it was removed ([`crate::BoilerplateKind::as_str`]).
    pub reason: String,
}

/// An actor of the article with its mentions.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonEntity {
    /// Its index in `entities` (what statements' `entity` fields point at).
    pub id: usize,
    /// Canonical name.
    pub name: String,
    /// person, organization, media, place or group.
    #[serde(rename = "type")]
    pub etype: String,
    /// Titles and roles its mentions give it.
    pub titles: Vec<String>,
    /// For a government reached by metonymy: the place that stood for it.
    pub metonym_of: Option<String>,
    /// Where the article mentions it.
    pub mentions: Vec<JsonMention>,
}

/// One mention of an entity.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonMention {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The mention as written.
    pub text: String,
    /// name, title, nominal, pronoun or group.
    pub kind: MentionKind,
}

/// Written as its word ([`MentionKind::as_str`]); reading refuses other words.
impl Serialize for MentionKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MentionKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<MentionKind, D::Error> {
        let word = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        MentionKind::parse(&word).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown mention kind {word:?} (expected name, title, nominal, pronoun or group)"
            ))
        })
    }
}

/// A time expression.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonTime {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The expression as written.
    pub text: String,
    /// Its date (YYYY-MM-DD, YYYY-MM for a month), when it resolves to one.
    pub date: Option<String>,
}

/// The cue of a statement ("said", "according to").
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonCue {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The cue as written.
    pub text: String,
    /// Its normalised form ("say").
    pub lemma: String,
}

/// A speaker, addressee or target of a statement.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonActor {
    /// First code point of the mention.
    pub start: usize,
    /// One past its last code point.
    pub end: usize,
    /// The mention as written.
    pub text: String,
    /// Canonical name of the entity it resolves to.
    pub name: Option<String>,
    /// Index into `entities`.
    pub entity: Option<usize>,
    /// person, organization, media, place, group or document.
    #[serde(rename = "type")]
    pub etype: String,
}

/// One statement: who said what to whom, when, and how it was found.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonStatement {
    /// Its index in `statements`.
    pub id: usize,
    /// direct, indirect, mixed or belief.
    pub kind: String,
    /// What was said (from the first part to the last).
    pub content: JsonSpan,
    /// The pieces of `content` (one when contiguous; several for a quotation
    /// split by its attribution). Absent in output older than this field.
    #[serde(default)]
    pub parts: Vec<JsonSpan>,
    /// The reporting verb or phrase, if any.
    pub cue: Option<JsonCue>,
    /// Who said it, if found.
    pub speaker: Option<JsonActor>,
    /// Whom it was said to, or the medium.
    pub addressee: Option<JsonActor>,
    /// When it was said, if the article says.
    pub time: Option<JsonTime>,
    /// How sure the pipeline is (0..1).
    pub confidence: f32,
    /// Which rule produced it (for reading errors).
    pub rule: String,
    /// Issues coded on this statement with the speaker's stance (coding
    /// stage). Absent in output older than this field.
    #[serde(default)]
    pub issues: Vec<JsonIssue>,
    /// Actors referred to inside the content: speaker → target edges.
    #[serde(default)]
    pub targets: Vec<JsonActor>,
}

/// One coded issue of a statement.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonIssue {
    /// The issue (concept) name: a codebook issue or the fallback term.
    pub issue: String,
    /// Codebook categories above the issue, joined by " / ".
    pub category: Option<String>,
    /// "codebook", or the fallback's "entity" / "phrase".
    pub origin: String,
    /// Where in the content the issue was recognised.
    pub term: JsonSpan,
    /// "support", "oppose" or "unknown".
    pub stance: String,
    /// Confidence in `stance` (0 for unknown).
    pub confidence: f32,
    /// The cue or polarity phrase that decided the stance.
    pub evidence: Option<JsonSpan>,
    /// How it was decided: cue, modifier, predicate, cue-negated, conflict, none.
    pub rule: String,
}

/// A contested term as the article writes it.
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonTerm {
    /// First code point.
    pub start: usize,
    /// One past the last code point.
    pub end: usize,
    /// The term as written.
    pub text: String,
    /// The lexicon form matched.
    pub term: String,
    /// The contested referent ("Kyiv").
    pub group: String,
    /// `place`, `name` or `phrase`.
    pub kind: String,
    /// The counterpart form(s), " / " between several.
    pub variant_of: String,
}

impl JsonDocument {
    /// The document's `whosaid/1` form, built in memory (no JSON text); the same as [`write_document`] writes.
    pub fn from_document(doc: &Document) -> JsonDocument {
        let text = &doc.text;
        let cm = CharMap::new(text);
        let span =
            |s: Span| JsonSpan { start: cm.chars(s.start), end: cm.chars(s.end), text: s.slice(text).to_string() };
        let actor = |m: MentionId| {
            let mention = &doc.mentions[m];
            let entity = mention.entity;
            JsonActor {
                start: cm.chars(mention.span.start),
                end: cm.chars(mention.span.end),
                text: doc.slice(mention.span).to_string(),
                name: entity.map(|e| doc.entities[e].name.clone()),
                entity: entity.map(EntityId::index),
                etype: entity.map(|e| doc.entities[e].etype).unwrap_or(mention.etype).as_str().to_string(),
            }
        };
        let time = |t: usize| {
            let t = &doc.times[t];
            JsonTime {
                start: cm.chars(t.span.start),
                end: cm.chars(t.span.end),
                text: doc.slice(t.span).to_string(),
                date: t.date.map(|d| match t.kind {
                    crate::TimeKind::Month => d.format("%Y-%m").to_string(),
                    _ => d.format("%Y-%m-%d").to_string(),
                }),
            }
        };
        // Raw-side offsets stay in bytes of the input as read: that is what a
        // user seeks to in the original file. Clean-side offsets are code points.
        let raw_map = doc
            .offsets
            .pieces
            .iter()
            .map(|p| [cm.chars(p.clean), p.raw, cm.chars(p.clean + p.len) - cm.chars(p.clean)])
            .collect();
        JsonDocument {
            schema: SCHEMA.to_string(),
            source: doc.source.clone(),
            meta: JsonMeta {
                id: doc.meta.id.clone(),
                title: doc.meta.title.clone(),
                url: doc.meta.url.clone(),
                outlet: doc.meta.outlet.clone(),
                byline: doc.meta.byline.clone(),
                published: doc.meta.published.map(|d| d.format("%Y-%m-%d").to_string()),
            },
            raw_map,
            text: text.clone(),
            boilerplate: doc
                .removed
                .iter()
                .map(|r| JsonRemoved {
                    raw_start: r.raw.start,
                    raw_end: r.raw.end,
                    text: r.text.clone(),
                    reason: r.kind.as_str().to_string(),
                })
                .collect(),
            headline: doc.paragraphs.iter().find(|p| p.is_headline).map(|p| span(p.span)),
            paragraphs: doc.paragraphs.iter().map(|p| span(p.span)).collect(),
            sentences: doc.sentences.iter().map(|s| span(s.span)).collect(),
            quotations: doc.quotations.iter().map(|q| span(q.span)).collect(),
            entities: doc
                .entities
                .iter()
                .enumerate()
                .map(|(id, e)| JsonEntity {
                    id,
                    name: e.name.clone(),
                    etype: e.etype.as_str().to_string(),
                    titles: e.titles.clone(),
                    metonym_of: e.metonym_of.clone(),
                    mentions: e
                        .mentions
                        .iter()
                        .map(|&m| {
                            let m = &doc.mentions[m];
                            JsonMention {
                                start: cm.chars(m.span.start),
                                end: cm.chars(m.span.end),
                                text: doc.slice(m.span).to_string(),
                                kind: m.kind,
                            }
                        })
                        .collect(),
                })
                .collect(),
            times: (0..doc.times.len()).map(time).collect(),
            statements: doc
                .statements
                .iter()
                .enumerate()
                .map(|(id, s)| JsonStatement {
                    id,
                    kind: s.kind.as_str().to_string(),
                    content: span(s.content),
                    parts: if s.parts.is_empty() {
                        vec![span(s.content)]
                    } else {
                        s.parts.iter().map(|&p| span(p)).collect()
                    },
                    cue: s.cue.map(|c| JsonCue {
                        start: cm.chars(c.start),
                        end: cm.chars(c.end),
                        text: doc.slice(c).to_string(),
                        lemma: s.cue_lemma.clone(),
                    }),
                    speaker: s.speaker.map(actor),
                    addressee: s.addressee.map(actor),
                    time: s.time.map(time),
                    confidence: (s.confidence * 100.0).round() / 100.0,
                    rule: s.rule.to_string(),
                    issues: {
                        let from = doc.codings.partition_point(|c| c.statement < id);
                        doc.codings[from..]
                            .iter()
                            .take_while(|c| c.statement == id)
                            .map(|c| JsonIssue {
                                issue: c.issue.clone(),
                                category: c.category.clone(),
                                origin: c.origin.as_str().to_string(),
                                term: span(c.term),
                                stance: c.stance.as_str().to_string(),
                                confidence: (c.confidence * 100.0).round() / 100.0,
                                evidence: c.evidence.map(span),
                                rule: c.rule.to_string(),
                            })
                            .collect()
                    },
                    targets: {
                        let from = doc.references.partition_point(|r| r.statement < id);
                        doc.references[from..]
                            .iter()
                            .take_while(|r| r.statement == id)
                            .map(|r| actor(r.mention))
                            .collect()
                    },
                })
                .collect(),
            terminology: doc
                .terms
                .iter()
                .map(|t| JsonTerm {
                    start: cm.chars(t.span.start),
                    end: cm.chars(t.span.end),
                    text: doc.slice(t.span).to_string(),
                    term: t.term.clone(),
                    group: t.group.clone(),
                    kind: t.kind.clone(),
                    variant_of: t.variant_of.clone(),
                })
                .collect(),
            duplicate_of: doc.duplicate_of.clone(),
        }
    }
}

/// Serialise one document as a single JSON line (no trailing newline).
pub fn to_json_line(doc: &Document) -> String {
    let mut out = Vec::new();
    write_document(doc, false, &mut out);
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Serialise one document as indented JSON.
pub fn to_json_pretty(doc: &Document) -> String {
    let mut out = Vec::new();
    write_document(doc, true, &mut out);
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

/// Appends `doc` as `whosaid/1` JSON (compact, or indented when `pretty`) to
/// `out`, straight from the [`Document`]: the same bytes as serialising
/// [`JsonDocument::from_document`], without building it (no `String` per span).
pub fn write_document(doc: &Document, pretty: bool, out: &mut Vec<u8>) {
    let view = View::new(doc);
    write_with(&Full(&view), pretty, out);
}

/// Schema name of the statements profile ([`write_statements`]).
pub const STATEMENTS_SCHEMA: &str = "whosaid-statements/1";

/// The statements profile of a document: what was said, by whom, without the
/// text and the annotation arrays. Each statement is exactly the
/// `whosaid/1` statement object (speaker and addressee names resolved;
/// offsets are code points into the full document's `text`; `entity`
/// indexes the full document's `entities`).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonStatements {
    /// Always [`STATEMENTS_SCHEMA`].
    pub schema: String,
    /// Input path or id.
    pub source: String,
    /// What the input said about the article.
    pub meta: JsonMeta,
    /// The headline recognised in the text, if any.
    pub headline: Option<JsonSpan>,
    /// The statements, exactly as in the full document.
    pub statements: Vec<JsonStatement>,
    /// Key of the earlier document this one copies.
    pub duplicate_of: Option<String>,
}

impl JsonStatements {
    /// The statements profile of a full document.
    pub fn from_json(doc: &JsonDocument) -> JsonStatements {
        JsonStatements {
            schema: STATEMENTS_SCHEMA.to_string(),
            source: doc.source.clone(),
            meta: doc.meta.clone(),
            headline: doc.headline.clone(),
            statements: doc.statements.clone(),
            duplicate_of: doc.duplicate_of.clone(),
        }
    }
}

/// Appends the statements profile of `doc` ([`JsonStatements`], schema
/// [`STATEMENTS_SCHEMA`]) to `out`, straight from the [`Document`].
pub fn write_statements(doc: &Document, pretty: bool, out: &mut Vec<u8>) {
    let view = View::new(doc);
    write_with(&StatementsOnly(&view), pretty, out);
}

fn write_with<T: Serialize>(value: &T, pretty: bool, out: &mut Vec<u8>) {
    // Writing plain data into a Vec cannot fail.
    let r =
        if pretty { serde_json::to_writer_pretty(&mut *out, value) } else { serde_json::to_writer(&mut *out, value) };
    r.expect("plain data serialises");
}

/// A document seen as JSON: the text and its code point map, borrowed.
struct View<'a> {
    doc: &'a Document,
    cm: CharMap<'a>,
}

impl<'a> View<'a> {
    fn new(doc: &'a Document) -> View<'a> {
        View { doc, cm: CharMap::new(&doc.text) }
    }
    fn span(&self, s: Span) -> SpanRef<'a> {
        SpanRef { start: self.cm.chars(s.start), end: self.cm.chars(s.end), text: s.slice(&self.doc.text) }
    }
    fn actor(&self, m: MentionId) -> ActorRef<'a> {
        let doc = self.doc;
        let mention = &doc.mentions[m];
        let entity = mention.entity;
        ActorRef {
            start: self.cm.chars(mention.span.start),
            end: self.cm.chars(mention.span.end),
            text: mention.span.slice(&doc.text),
            name: entity.map(|e| doc.entities[e].name.as_str()),
            entity: entity.map(EntityId::index),
            etype: entity.map(|e| doc.entities[e].etype).unwrap_or(mention.etype).as_str(),
        }
    }
    fn time(&self, t: usize) -> TimeRef<'a> {
        let t = &self.doc.times[t];
        TimeRef {
            start: self.cm.chars(t.span.start),
            end: self.cm.chars(t.span.end),
            text: t.span.slice(&self.doc.text),
            date: t.date.map(|d| Date(d, matches!(t.kind, crate::TimeKind::Month))),
        }
    }
    fn meta(&self) -> MetaRef<'a> {
        let m = &self.doc.meta;
        MetaRef {
            id: m.id.as_deref(),
            title: m.title.as_deref(),
            url: m.url.as_deref(),
            outlet: m.outlet.as_deref(),
            byline: m.byline.as_deref(),
            published: m.published.map(|d| Date(d, false)),
        }
    }
    fn headline(&self) -> Option<SpanRef<'a>> {
        self.doc.paragraphs.iter().find(|p| p.is_headline).map(|p| self.span(p.span))
    }
}

/// The `statements` array.
struct Statements<'v, 'a>(&'v View<'a>);

impl Serialize for Statements<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        s.collect_seq((0..v.doc.statements.len()).map(|id| StatementRef { view: v, id }))
    }
}

/// A sequence serialised from an iterator made on demand (no `Vec`).
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

/// A date as `YYYY-MM-DD`, or `YYYY-MM` when the flag is set (chrono's `%Y`
/// form, without going through its formatter for the common years).
struct Date(chrono::NaiveDate, bool);

impl Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use chrono::Datelike;
        let (y, m, d) = (self.0.year(), self.0.month(), self.0.day());
        if !(0..=9999).contains(&y) {
            let f = if self.1 { "%Y-%m" } else { "%Y-%m-%d" };
            return s.serialize_str(&self.0.format(f).to_string());
        }
        let digits = |n: u32, out: &mut [u8]| {
            let mut n = n;
            for b in out.iter_mut().rev() {
                *b = b'0' + (n % 10) as u8;
                n /= 10;
            }
        };
        let mut buf = *b"0000-00-00";
        digits(y as u32, &mut buf[0..4]);
        digits(m, &mut buf[5..7]);
        digits(d, &mut buf[8..10]);
        let len = if self.1 { 7 } else { 10 };
        s.serialize_str(std::str::from_utf8(&buf[..len]).expect("ASCII digits"))
    }
}

#[derive(Serialize)]
struct SpanRef<'a> {
    start: usize,
    end: usize,
    text: &'a str,
}

#[derive(Serialize)]
struct MetaRef<'a> {
    id: Option<&'a str>,
    title: Option<&'a str>,
    url: Option<&'a str>,
    outlet: Option<&'a str>,
    byline: Option<&'a str>,
    published: Option<Date>,
}

#[derive(Serialize)]
struct RemovedRef<'a> {
    raw_start: usize,
    raw_end: usize,
    text: &'a str,
    reason: &'static str,
}

#[derive(Serialize)]
struct MentionRef<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    kind: &'static str,
}

#[derive(Serialize)]
struct TimeRef<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    date: Option<Date>,
}

#[derive(Serialize)]
struct CueRef<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    lemma: &'a str,
}

#[derive(Serialize)]
struct ActorRef<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    name: Option<&'a str>,
    entity: Option<usize>,
    #[serde(rename = "type")]
    etype: &'static str,
}

#[derive(Serialize)]
struct IssueRef<'a> {
    issue: &'a str,
    category: Option<&'a str>,
    origin: &'static str,
    term: SpanRef<'a>,
    stance: &'static str,
    confidence: f32,
    evidence: Option<SpanRef<'a>>,
    rule: &'a str,
}

#[derive(Serialize)]
struct TermRef<'a> {
    start: usize,
    end: usize,
    text: &'a str,
    term: &'a str,
    group: &'a str,
    kind: &'a str,
    variant_of: &'a str,
}

/// `JsonEntity`'s fields, in its order.
struct EntityRef<'v, 'a> {
    view: &'v View<'a>,
    id: usize,
}

impl Serialize for EntityRef<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let v = self.view;
        let e = &v.doc.entities[self.id];
        let mut st = s.serialize_struct("JsonEntity", 6)?;
        st.serialize_field("id", &self.id)?;
        st.serialize_field("name", &e.name)?;
        st.serialize_field("type", e.etype.as_str())?;
        st.serialize_field("titles", &e.titles)?;
        st.serialize_field("metonym_of", &e.metonym_of)?;
        st.serialize_field(
            "mentions",
            &Seq(|| {
                e.mentions.iter().map(|&m| {
                    let m = &v.doc.mentions[m];
                    MentionRef {
                        start: v.cm.chars(m.span.start),
                        end: v.cm.chars(m.span.end),
                        text: m.span.slice(&v.doc.text),
                        kind: m.kind.as_str(),
                    }
                })
            }),
        )?;
        st.end()
    }
}

/// `JsonStatement`'s fields, in its order.
struct StatementRef<'v, 'a> {
    view: &'v View<'a>,
    id: usize,
}

impl Serialize for StatementRef<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let v = self.view;
        let doc = v.doc;
        let id = self.id;
        let st_ = &doc.statements[id];
        let mut st = s.serialize_struct("JsonStatement", 13)?;
        st.serialize_field("id", &id)?;
        st.serialize_field("kind", st_.kind.as_str())?;
        st.serialize_field("content", &v.span(st_.content))?;
        st.serialize_field(
            "parts",
            &Seq(|| {
                let one = st_.parts.is_empty().then_some(st_.content);
                one.into_iter().chain(st_.parts.iter().copied()).map(|p| v.span(p))
            }),
        )?;
        st.serialize_field(
            "cue",
            &st_.cue.map(|c| CueRef {
                start: v.cm.chars(c.start),
                end: v.cm.chars(c.end),
                text: c.slice(&doc.text),
                lemma: &st_.cue_lemma,
            }),
        )?;
        st.serialize_field("speaker", &st_.speaker.map(|m| v.actor(m)))?;
        st.serialize_field("addressee", &st_.addressee.map(|m| v.actor(m)))?;
        st.serialize_field("time", &st_.time.map(|t| v.time(t)))?;
        st.serialize_field("confidence", &((st_.confidence * 100.0).round() / 100.0))?;
        st.serialize_field("rule", st_.rule)?;
        st.serialize_field(
            "issues",
            &Seq(|| {
                let from = doc.codings.partition_point(|c| c.statement < id);
                doc.codings[from..].iter().take_while(move |c| c.statement == id).map(|c| IssueRef {
                    issue: &c.issue,
                    category: c.category.as_deref(),
                    origin: c.origin.as_str(),
                    term: v.span(c.term),
                    stance: c.stance.as_str(),
                    confidence: (c.confidence * 100.0).round() / 100.0,
                    evidence: c.evidence.map(|e| v.span(e)),
                    rule: c.rule,
                })
            }),
        )?;
        st.serialize_field(
            "targets",
            &Seq(|| {
                let from = doc.references.partition_point(|r| r.statement < id);
                doc.references[from..].iter().take_while(move |r| r.statement == id).map(|r| v.actor(r.mention))
            }),
        )?;
        st.end()
    }
}

/// `JsonDocument`'s fields, in its order.
struct Full<'v, 'a>(&'v View<'a>);

impl Serialize for Full<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let v = self.0;
        let doc = v.doc;
        let mut st = s.serialize_struct("JsonDocument", 15)?;
        st.serialize_field("schema", SCHEMA)?;
        st.serialize_field("source", &doc.source)?;
        st.serialize_field("meta", &v.meta())?;
        st.serialize_field(
            "raw_map",
            &Seq(|| {
                doc.offsets.pieces.iter().map(|p| {
                    let start = v.cm.chars(p.clean);
                    [start, p.raw, v.cm.chars(p.clean + p.len) - start]
                })
            }),
        )?;
        st.serialize_field("text", &doc.text)?;
        st.serialize_field(
            "boilerplate",
            &Seq(|| {
                doc.removed.iter().map(|r| RemovedRef {
                    raw_start: r.raw.start,
                    raw_end: r.raw.end,
                    text: &r.text,
                    reason: r.kind.as_str(),
                })
            }),
        )?;
        st.serialize_field("headline", &v.headline())?;
        st.serialize_field("paragraphs", &Seq(|| doc.paragraphs.iter().map(|p| v.span(p.span))))?;
        st.serialize_field("sentences", &Seq(|| doc.sentences.iter().map(|s| v.span(s.span))))?;
        st.serialize_field("quotations", &Seq(|| doc.quotations.iter().map(|q| v.span(q.span))))?;
        st.serialize_field("entities", &Seq(|| (0..doc.entities.len()).map(|id| EntityRef { view: v, id })))?;
        st.serialize_field("times", &Seq(|| (0..doc.times.len()).map(|t| v.time(t))))?;
        st.serialize_field("statements", &Statements(v))?;
        st.serialize_field(
            "terminology",
            &Seq(|| {
                doc.terms.iter().map(|t| TermRef {
                    start: v.cm.chars(t.span.start),
                    end: v.cm.chars(t.span.end),
                    text: t.span.slice(&doc.text),
                    term: &t.term,
                    group: &t.group,
                    kind: &t.kind,
                    variant_of: &t.variant_of,
                })
            }),
        )?;
        st.serialize_field("duplicate_of", &doc.duplicate_of)?;
        st.end()
    }
}

/// `JsonStatements`' fields, in its order.
struct StatementsOnly<'v, 'a>(&'v View<'a>);

impl Serialize for StatementsOnly<'_, '_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let v = self.0;
        let mut st = s.serialize_struct("JsonStatements", 6)?;
        st.serialize_field("schema", STATEMENTS_SCHEMA)?;
        st.serialize_field("source", &v.doc.source)?;
        st.serialize_field("meta", &v.meta())?;
        st.serialize_field("headline", &v.headline())?;
        st.serialize_field("statements", &Statements(v))?;
        st.serialize_field("duplicate_of", &v.doc.duplicate_of)?;
        st.end()
    }
}
