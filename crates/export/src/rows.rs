//! The flat view every export reads: documents and one row per statement.

use whosaid_document::output::{JsonActor, JsonDocument};

/// An actor as the exports name it. `key` identifies it across documents:
/// the store's actor id when exporting a database (`actor:12`), else the
/// entity's canonical name and type (`name:person:Marco Rubio`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Actor {
    /// Identifies the actor across documents (see above).
    pub key: String,
    /// The display name.
    pub name: String,
    /// person, organization, media, place, group.
    pub etype: String,
}

/// One coded issue of a statement.
#[derive(Clone, Debug, PartialEq)]
pub struct IssueCell {
    /// The issue's name (a codebook issue, or a fallback entity or key phrase).
    pub issue: String,
    /// Codebook categories above the issue, joined by " / ".
    pub category: Option<String>,
    /// support, oppose, unknown.
    pub stance: String,
    /// How sure the stance is (0 for unknown).
    pub confidence: f32,
}

/// One statement with what every export writes of it.
#[derive(Clone, Debug, PartialEq)]
pub struct StatementRow {
    /// Index into `Corpus::documents`.
    pub doc: usize,
    /// The statement's index in its document.
    pub statement: usize,
    /// Who said it, when resolved.
    pub speaker: Option<Actor>,
    /// Titles or roles of the speaker's entity, joined by "; ".
    pub speaker_role: Option<String>,
    /// The speaker mention as written.
    pub mention: Option<String>,
    /// The cue as written ("said").
    pub cue: Option<String>,
    /// The cue's lemma ("say").
    pub cue_lemma: Option<String>,
    /// direct, indirect, mixed or belief.
    pub kind: String,
    /// What was said.
    pub content: String,
    /// Code points into the document text, half-open.
    pub content_start: usize,
    /// End of the content (see `content_start`).
    pub content_end: usize,
    /// Whom it was said to, if the article says.
    pub addressee: Option<String>,
    /// When it was said (YYYY-MM-DD), if the article says.
    pub utterance_date: Option<String>,
    /// The pipeline's confidence in the statement.
    pub confidence: f32,
    /// Its coded issues with stances.
    pub issues: Vec<IssueCell>,
    /// The actors it refers to.
    pub targets: Vec<Actor>,
}

/// One document's metadata and text.
#[derive(Clone, Debug, PartialEq)]
pub struct DocumentRow {
    /// The document key (`meta.id`, else the source).
    pub key: String,
    /// The article's title.
    pub title: Option<String>,
    /// The article's URL.
    pub url: Option<String>,
    /// The outlet.
    pub outlet: Option<String>,
    /// Who wrote it.
    pub byline: Option<String>,
    /// YYYY-MM-DD.
    pub published: Option<String>,
    /// The cleaned text, which the content offsets index.
    pub text: String,
}

/// The documents and statements an export writes, from JSON documents or the store.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Corpus {
    /// In input order.
    pub documents: Vec<DocumentRow>,
    /// Statements of every document, in document order.
    pub rows: Vec<StatementRow>,
}

/// Which statements an export keeps. Dates compare as YYYY-MM-DD strings,
/// inclusive (DNA's [start, stop]); with a date bound set, documents without
/// a publication date are left out. Outlets compare case-insensitively.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Filter {
    /// Earliest publication date kept.
    pub from: Option<String>,
    /// Latest publication date kept.
    pub to: Option<String>,
    /// Outlets kept (empty: all).
    pub outlets: Vec<String>,
    /// Statement kinds kept (empty: all).
    pub kinds: Vec<String>,
}

impl Filter {
    /// Whether the document's date and outlet pass.
    pub fn keeps_document(&self, d: &DocumentRow) -> bool {
        let date_ok = match (&self.from, &self.to, &d.published) {
            (None, None, _) => true,
            (_, _, None) => false,
            (from, to, Some(p)) => from.as_ref().is_none_or(|f| p >= f) && to.as_ref().is_none_or(|t| p <= t),
        };
        let outlet_ok = self.outlets.is_empty()
            || d.outlet.as_ref().is_some_and(|o| self.outlets.iter().any(|x| x.eq_ignore_ascii_case(o)));
        date_ok && outlet_ok
    }

    /// Whether the statement's kind passes.
    pub fn keeps_row(&self, r: &StatementRow) -> bool {
        self.kinds.is_empty() || self.kinds.iter().any(|k| k == &r.kind)
    }
}

/// The actor of a speaker or target: `resolve(entity index)` gives the
/// store's actor, else the entity's name and type.
fn actor_of(a: &JsonActor, resolve: &dyn Fn(usize) -> Option<Actor>) -> Actor {
    if let Some(actor) = a.entity.and_then(resolve) {
        return actor;
    }
    let name = a.name.clone().unwrap_or_else(|| a.text.clone());
    Actor { key: format!("name:{}:{}", a.etype, name), name, etype: a.etype.clone() }
}

impl Corpus {
    /// Adds one document (when the filter keeps it) and its statements.
    /// `resolve` maps an entity index of this document to a store actor.
    pub fn push(&mut self, doc: &JsonDocument, filter: &Filter, resolve: &dyn Fn(usize) -> Option<Actor>) {
        let d = DocumentRow {
            key: whosaid_document::document_key(doc.meta.id.as_deref(), &doc.source, &doc.text),
            title: doc.meta.title.clone().or_else(|| doc.headline.as_ref().map(|h| h.text.clone())),
            url: doc.meta.url.clone(),
            outlet: doc.meta.outlet.clone().filter(|o| !o.trim().is_empty()),
            byline: doc.meta.byline.clone(),
            published: doc.meta.published.clone().filter(|p| !p.is_empty()),
            text: doc.text.clone(),
        };
        if !filter.keeps_document(&d) {
            return;
        }
        let doc_idx = self.documents.len();
        self.documents.push(d);
        for (i, s) in doc.statements.iter().enumerate() {
            let speaker_role = s
                .speaker
                .as_ref()
                .and_then(|a| a.entity)
                .and_then(|e| doc.entities.get(e))
                .filter(|e| !e.titles.is_empty())
                .map(|e| e.titles.join("; "));
            let row = StatementRow {
                doc: doc_idx,
                statement: i,
                speaker: s.speaker.as_ref().map(|a| actor_of(a, resolve)),
                speaker_role,
                mention: s.speaker.as_ref().map(|a| a.text.clone()),
                cue: s.cue.as_ref().map(|c| c.text.clone()),
                cue_lemma: s.cue.as_ref().map(|c| c.lemma.clone()),
                kind: s.kind.clone(),
                content: s.content.text.clone(),
                content_start: s.content.start,
                content_end: s.content.end,
                addressee: s.addressee.as_ref().map(|a| a.name.clone().unwrap_or_else(|| a.text.clone())),
                utterance_date: s.time.as_ref().and_then(|t| t.date.clone()),
                confidence: s.confidence,
                issues: s
                    .issues
                    .iter()
                    .map(|i| IssueCell {
                        issue: i.issue.clone(),
                        category: i.category.clone(),
                        stance: i.stance.clone(),
                        confidence: i.confidence,
                    })
                    .collect(),
                targets: s.targets.iter().map(|a| actor_of(a, resolve)).collect(),
            };
            if filter.keeps_row(&row) {
                self.rows.push(row);
            }
        }
    }
}
