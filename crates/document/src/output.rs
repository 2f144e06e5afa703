//! The stable JSON form of a [`Document`] (schema `whosaid/1`).
//!
//! Field names here are a contract other tools rely on: add fields beside them,
//! never rename. Offsets are Unicode code point indices into `text` (for `raw_map`
//! the second number indexes the raw input), half-open `[start, end)`.
//! Field order is fixed by these structs, so output is byte-identical for
//! identical input.

use serde::{Deserialize, Serialize};

use crate::charmap::CharMap;
use crate::{Document, Span};

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

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonDocument {
    pub schema: String,
    pub source: String,
    pub meta: JsonMeta,
    /// `[clean_start, raw_start, length]` pieces: clean start and length in
    /// code points of `text`, raw start in bytes of the input as read.
    pub raw_map: Vec<[usize; 3]>,
    pub text: String,
    pub boilerplate: Vec<JsonRemoved>,
    pub headline: Option<JsonSpan>,
    pub paragraphs: Vec<JsonSpan>,
    pub sentences: Vec<JsonSpan>,
    pub quotations: Vec<JsonSpan>,
    pub entities: Vec<JsonEntity>,
    pub times: Vec<JsonTime>,
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

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Default)]
pub struct JsonMeta {
    pub id: Option<String>,
    pub title: Option<String>,
    pub url: Option<String>,
    pub outlet: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonSpan {
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonRemoved {
    pub raw_start: usize,
    pub raw_end: usize,
    pub text: String,
    pub reason: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonEntity {
    pub id: usize,
    pub name: String,
    #[serde(rename = "type")]
    pub etype: String,
    pub titles: Vec<String>,
    pub metonym_of: Option<String>,
    pub mentions: Vec<JsonMention>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonMention {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub kind: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonTime {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub date: Option<String>,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonCue {
    pub start: usize,
    pub end: usize,
    pub text: String,
    pub lemma: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonActor {
    pub start: usize,
    pub end: usize,
    /// The mention as written.
    pub text: String,
    /// Canonical name of the entity it resolves to.
    pub name: Option<String>,
    /// Index into `entities`.
    pub entity: Option<usize>,
    #[serde(rename = "type")]
    pub etype: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonStatement {
    pub id: usize,
    pub kind: String,
    pub content: JsonSpan,
    /// The pieces of `content` (one when contiguous; several for a quotation
    /// split by its attribution). Absent in output older than this field.
    #[serde(default)]
    pub parts: Vec<JsonSpan>,
    pub cue: Option<JsonCue>,
    pub speaker: Option<JsonActor>,
    pub addressee: Option<JsonActor>,
    pub time: Option<JsonTime>,
    pub confidence: f32,
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
    pub issue: String,
    /// Codebook categories above the issue, joined by " / ".
    pub category: Option<String>,
    /// "codebook", or the fallback's "entity" / "phrase".
    pub origin: String,
    /// Where in the content the issue was recognised.
    pub term: JsonSpan,
    /// "support", "oppose" or "unknown".
    pub stance: String,
    pub confidence: f32,
    /// The cue or polarity phrase that decided the stance.
    pub evidence: Option<JsonSpan>,
    /// How it was decided: cue, modifier, predicate, cue-negated, conflict, none.
    pub rule: String,
}

#[derive(Serialize, Deserialize, Debug, Clone, PartialEq)]
pub struct JsonTerm {
    pub start: usize,
    pub end: usize,
    pub text: String,
    /// The lexicon form matched.
    pub term: String,
    pub group: String,
    pub kind: String,
    pub variant_of: String,
}

impl JsonDocument {
    pub fn from_document(doc: &Document) -> JsonDocument {
        let text = &doc.text;
        let cm = CharMap::new(text);
        let span =
            |s: Span| JsonSpan { start: cm.chars(s.start), end: cm.chars(s.end), text: s.slice(text).to_string() };
        let actor = |m: usize| {
            let mention = &doc.mentions[m];
            let entity = mention.entity;
            JsonActor {
                start: cm.chars(mention.span.start),
                end: cm.chars(mention.span.end),
                text: doc.slice(mention.span).to_string(),
                name: entity.map(|e| doc.entities[e].name.clone()),
                entity,
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
                                kind: m.kind.as_str().to_string(),
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
    serde_json::to_string(&JsonDocument::from_document(doc)).expect("plain data serialises")
}

/// Serialise one document as indented JSON.
pub fn to_json_pretty(doc: &Document) -> String {
    serde_json::to_string_pretty(&JsonDocument::from_document(doc)).expect("plain data serialises")
}
