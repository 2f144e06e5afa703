//! The store interface: what the CLI and the server (`whosaid-server`) need from a
//! statement database, with typed requests and results, implemented by the
//! embedded SQLite [`Store`] and by `whosaid-store-pg` (PostgreSQL).
//!
//! **Invariants every implementation keeps** (the store-pg parity tests check
//! them against SQLite):
//! - *Identity*: a document is known by [`document_key`](crate::document_key); putting a key again
//!   updates it in place, an identical re-put writes nothing, so re-running,
//!   resuming or racing writers never duplicates a document, statement or actor.
//! - *Atomicity*: [`StatementStore::ingest_batch`] stores its documents in one
//!   transaction: all of them or none; a killed writer leaves no half document.
//! - *Linking*: at ingest a linkable entity joins the actor of its exact name
//!   key (normalised name + type, unique in the store); [`StatementStore::relink`]
//!   applies [`crate::link::plan`], so the actors depend only on the stored
//!   entities and the user corrections, not on the order or concurrency of ingest.
//! - *Reads*: the same filters ([`SearchQuery`], [`ActorsQuery`]) are validated
//!   the same way and give the same statements; only the order among equal
//!   sort keys and the row ids may differ between implementations.

use std::io::Write;
use std::path::{Path, PathBuf};

use whosaid_document::output::JsonDocument;
use whosaid_document::{Document, MentionKind};

use whosaid_compare::Corpus;

use crate::export::StoredActor;

use crate::{
    ActorLink, ActorProfile, ActorSummary, ActorsQuery, DocumentPage, DocumentSummary, DocumentView, DocumentsQuery,
    Error, Outcome, OutletDocuments, Pending, Result, SearchQuery, SearchResults, Store, Writer,
};

/// Where `--db` points: a SQLite file or a PostgreSQL server.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    /// A SQLite file (created by ingest if missing).
    Sqlite(PathBuf),
    /// A `postgres://` or `postgresql://` URL (libpq's URL form).
    Postgres(String),
}

impl Target {
    /// Reads a `--db` value: a URL with a postgres scheme, else a file path.
    /// Another URL scheme (`mysql://…`) is refused rather than made a file.
    pub fn parse(db: &Path) -> Result<Target> {
        let Some(s) = db.to_str() else { return Ok(Target::Sqlite(db.to_path_buf())) };
        let lower = s.to_ascii_lowercase();
        if lower.starts_with("postgres://") || lower.starts_with("postgresql://") {
            return Ok(Target::Postgres(s.to_string()));
        }
        if let Some((scheme, _)) = s.split_once("://") {
            if !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c)) {
                return Err(Error::Invalid(crate::InvalidReason::Target {
                    db: redact_url(s),
                    reason: format!("unsupported URL scheme {scheme:?} (a SQLite file path or a postgres:// URL)"),
                }));
            }
        }
        Ok(Target::Sqlite(db.to_path_buf()))
    }
}

/// A URL with its password replaced by `***`, for messages and logs.
pub fn redact_url(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let (auth, host) = match rest.rsplit_once('@') {
        Some((a, h)) => (a, h),
        None => return url.to_string(),
    };
    match auth.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// Corpus totals.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StoreStats {
    /// The database's schema version.
    pub schema_version: i64,
    /// Documents stored.
    pub documents: i64,
    /// Statements stored.
    pub statements: i64,
    /// Cross-document actors.
    pub actors: i64,
    /// Earliest publication date.
    pub first: Option<String>,
    /// Latest publication date.
    pub last: Option<String>,
}

/// What one [`StatementStore::ingest_batch`] did, per document in input order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BatchReport {
    /// What each document did, in input order.
    pub outcomes: Vec<Outcome>,
    /// Their totals.
    pub counts: Pending,
}

/// What a [`DocSink`] call settled: the outcomes it decided, of documents
/// put earlier or in this call, in put order (a sink that writes a batch at
/// once decides them only when it writes), and the counts of the batch it
/// committed, if it committed one.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settled {
    /// Outcomes of the oldest documents not settled before, in put order.
    pub outcomes: Vec<Outcome>,
    /// The counts of the batch committed by this call.
    pub committed: Option<Pending>,
}

/// The write side used by `whosaid ingest`: documents go in one at a time and
/// are committed in batches. A document's outcome is known when the sink
/// settles it ([`Settled`]): the SQLite [`Writer`] at once, the PostgreSQL
/// writer when it writes the batch (one statement per table, not per row).
pub trait DocSink {
    /// Puts one document in the open batch; returns what it settled (this
    /// document's outcome, or a whole batch's when this document filled it).
    fn put(&mut self, doc: &JsonDocument) -> Result<Settled>;
    /// [`DocSink::put`] of a document straight from the pipeline (a batch
    /// run's sink): its `whosaid/1` form is built in memory, never rendered
    /// to JSON text and parsed back. `duplicate_of` is kept as set.
    fn put_document(&mut self, doc: &Document) -> Result<Settled> {
        self.put(&JsonDocument::from_document(doc))
    }
    /// Writes and commits the open batch, settling every document put;
    /// everything counted is durable when it returns.
    fn commit(&mut self) -> Result<Settled>;
    /// Commits and re-links actors across the store.
    fn finish(&mut self) -> Result<Settled>;
}

/// A statement database. Every method takes `&mut self` because network
/// clients need it; none changes what is stored except the ingest, relink
/// and correction methods.
pub trait StatementStore {
    /// "sqlite" or "postgres".
    fn backend(&self) -> &'static str;
    /// The schema version of the open database.
    fn schema_version(&mut self) -> Result<i64>;
    /// Stores `docs` in one transaction (all or none). Exactly once by
    /// document key; a key repeated inside `docs` with different content is a
    /// [`Outcome::Conflict`] (the first is kept).
    fn ingest_batch(&mut self, docs: &[JsonDocument]) -> Result<BatchReport>;
    /// A writer that commits every `batch_size` documents.
    fn writer<'a>(&'a mut self, batch_size: usize) -> Box<dyn DocSink + 'a>;
    /// Re-links actors over the whole store ([`crate::link::plan`]).
    fn relink(&mut self) -> Result<()>;
    /// Statements matching every filter of `q`, a page with its (capped) total.
    fn search(&mut self, q: &SearchQuery) -> Result<SearchResults>;
    /// Top speakers: actors by number of statements.
    fn actors(&mut self, q: &ActorsQuery) -> Result<Vec<ActorSummary>>;
    /// A document's row id from its key, row id or a path suffix.
    fn find_document(&mut self, name: &str) -> Result<Option<i64>>;
    /// A document row's summary.
    fn document_summary(&mut self, id: i64) -> Result<Option<DocumentSummary>>;
    /// A document's stored `whosaid/1` JSON, read back.
    fn load_json(&mut self, id: i64) -> Result<Option<JsonDocument>>;
    /// (documents, statements, actors).
    fn counts(&mut self) -> Result<(i64, i64, i64)>;
    /// Calls `f` with every stored document in ingest order and its
    /// entities' store actors, for `whosaid export` (the SQLite store's
    /// [`Store::for_each_document`], on any backend).
    fn for_each_document(&mut self, f: &mut dyn FnMut(JsonDocument, &[Option<StoredActor>])) -> Result<()>;
    /// Corpus totals (`whosaid stats`, `/api/stats`).
    fn stats(&mut self) -> Result<StoreStats>;
    /// Every name linked to another actor, with the rule and its evidence.
    fn actor_links(&mut self) -> Result<Vec<ActorLink>>;
    /// `merge` or `split` two names, then re-link.
    fn correct_actors(&mut self, kind: &str, a: &str, b: &str) -> Result<()>;

    // What the web app reads (whosaid-server), typed like the rest.

    /// Documents, newest first (best match first with a text query).
    fn documents(&mut self, q: &DocumentsQuery) -> Result<DocumentPage>;
    /// One document for the article page.
    fn document_view(&mut self, id: i64) -> Result<Option<DocumentView>>;
    /// One actor's page with a page of its statements in date order.
    fn actor_profile(&mut self, id: i64, limit: usize, offset: usize) -> Result<Option<ActorProfile>>;
    /// Outlets by number of documents (at most 200), for the search form.
    fn outlet_counts(&mut self) -> Result<Vec<OutletDocuments>>;
    /// Everything the outlet comparison reads ([`Corpus`]); a backend without
    /// the terminology table answers [`Error::Unsupported`].
    fn corpus(&mut self) -> Result<Corpus> {
        Err(Error::Unsupported(format!("the outlet comparison is not available on {} yet", self.backend())))
    }
    /// A string that changes whenever what [`StatementStore::corpus`] reads
    /// changes (documents or actor corrections): the key of the server's cache.
    fn state_key(&mut self) -> Result<String>;
}

impl DocSink for Writer<'_> {
    fn put(&mut self, doc: &JsonDocument) -> Result<Settled> {
        let (outcome, committed) = Writer::put(self, doc)?;
        Ok(Settled { outcomes: vec![outcome], committed })
    }
    fn commit(&mut self) -> Result<Settled> {
        Ok(Settled { outcomes: Vec::new(), committed: Some(Writer::commit(self)?) })
    }
    fn finish(&mut self) -> Result<Settled> {
        let p = Writer::commit(self)?;
        crate::link::relink(&self.store.conn, &whosaid_lexicon::Lexicon::builtin())?;
        self.store.conn.execute_batch("PRAGMA optimize")?;
        Ok(Settled { outcomes: Vec::new(), committed: Some(p) })
    }
}

impl StatementStore for Store {
    fn backend(&self) -> &'static str {
        "sqlite"
    }
    fn schema_version(&mut self) -> Result<i64> {
        Store::schema_version(self)
    }
    fn ingest_batch(&mut self, docs: &[JsonDocument]) -> Result<BatchReport> {
        let mut w = Store::writer(self, usize::MAX);
        let mut outcomes = Vec::with_capacity(docs.len());
        for d in docs {
            outcomes.push(w.put(d)?.0);
        }
        let counts = w.commit()?;
        Ok(BatchReport { outcomes, counts })
    }
    fn writer<'a>(&'a mut self, batch_size: usize) -> Box<dyn DocSink + 'a> {
        Box::new(Store::writer(self, batch_size))
    }
    fn relink(&mut self) -> Result<()> {
        crate::link::relink(&self.conn, &whosaid_lexicon::Lexicon::builtin())
    }
    fn search(&mut self, q: &SearchQuery) -> Result<SearchResults> {
        Store::search(self, q)
    }
    fn actors(&mut self, q: &ActorsQuery) -> Result<Vec<ActorSummary>> {
        Store::actors(self, q)
    }
    fn find_document(&mut self, name: &str) -> Result<Option<i64>> {
        Store::find_document(self, name)
    }
    fn document_summary(&mut self, id: i64) -> Result<Option<DocumentSummary>> {
        Store::document_summary(self, id)
    }
    fn load_json(&mut self, id: i64) -> Result<Option<JsonDocument>> {
        Store::load_json(self, id)
    }
    fn counts(&mut self) -> Result<(i64, i64, i64)> {
        Store::counts(self)
    }
    fn for_each_document(&mut self, f: &mut dyn FnMut(JsonDocument, &[Option<StoredActor>])) -> Result<()> {
        Store::for_each_document(self, f)
    }
    fn stats(&mut self) -> Result<StoreStats> {
        let (documents, statements, actors) = Store::counts(self)?;
        let (first, last) = self
            .conn
            .query_row("SELECT min(published), max(published) FROM documents", [], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(StoreStats { schema_version: Store::schema_version(self)?, documents, statements, actors, first, last })
    }
    fn actor_links(&mut self) -> Result<Vec<ActorLink>> {
        Store::actor_links(self)
    }
    fn correct_actors(&mut self, kind: &str, a: &str, b: &str) -> Result<()> {
        Store::correct_actors(self, kind, a, b)
    }
    fn documents(&mut self, q: &DocumentsQuery) -> Result<DocumentPage> {
        Store::documents_page(self, q)
    }
    fn document_view(&mut self, id: i64) -> Result<Option<DocumentView>> {
        Store::document_view(self, id)
    }
    fn actor_profile(&mut self, id: i64, limit: usize, offset: usize) -> Result<Option<ActorProfile>> {
        Store::actor_profile(self, id, limit, offset)
    }
    fn outlet_counts(&mut self) -> Result<Vec<OutletDocuments>> {
        Store::outlet_counts(self)
    }
    fn corpus(&mut self) -> Result<Corpus> {
        Store::corpus(self)
    }
    fn state_key(&mut self) -> Result<String> {
        crate::outlets::state_key(self)
    }
}

/// The stored form of a document, computed once for every backend: the
/// serialised `whosaid/1` JSON and its hash, the compressed blob, and the
/// columns derived from the metadata.
#[derive(Clone, Debug)]
pub struct DocumentRow {
    /// The document key ([`crate::document_key`]).
    pub key: String,
    /// Hash of the text: the same content under another key is a duplicate.
    pub content_hash: String,
    /// Hash of the JSON: an identical re-put writes nothing.
    pub json_hash: String,
    /// Deflate-compressed JSON.
    pub compressed: Vec<u8>,
    /// The URL's host without `www.`, for the outlet filter.
    pub site: Option<String>,
    /// The outlet name, else the site.
    pub outlet: Option<String>,
    /// Publication date, if given.
    pub published: Option<String>,
    /// The recognised headline's text.
    pub headline: Option<String>,
}

impl DocumentRow {
    /// Encodes `doc` (its `duplicate_of` already decided by the caller).
    pub fn new(doc: &JsonDocument) -> Result<DocumentRow> {
        let key = crate::document_key(doc);
        let json = serde_json::to_vec(doc)
            .map_err(|e| Error::Data { what: key.clone(), reason: format!("cannot serialise: {e}") })?;
        let json_hash = crate::hash::fnv1a_128_hex(&json);
        let mut compressed = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::fast());
        let compress = |e: std::io::Error| Error::Data { what: key.clone(), reason: format!("cannot compress: {e}") };
        compressed.write_all(&json).map_err(compress)?;
        let compressed = compressed.finish().map_err(compress)?;
        let site = doc.meta.url.as_deref().and_then(crate::url_site);
        let outlet = doc.meta.outlet.clone().filter(|s| !s.trim().is_empty()).or_else(|| site.clone());
        Ok(DocumentRow {
            content_hash: crate::content_hash(&doc.text),
            key,
            json_hash,
            compressed,
            site,
            outlet,
            published: doc.meta.published.clone().filter(|p| !p.is_empty()),
            headline: doc.headline.as_ref().map(|h| h.text.clone()),
        })
    }
}

impl DocumentRow {
    /// Reads back the JSON blob [`DocumentRow::new`] stored for document row
    /// `doc_id`, one decoding for every backend (a damaged blob is
    /// [`Error::Data`], never a panic).
    pub fn decode(doc_id: i64, blob: &[u8]) -> Result<JsonDocument> {
        let mut json = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::DeflateDecoder::new(blob), &mut json).map_err(|e| {
            Error::Data { what: format!("document {doc_id}"), reason: format!("stored JSON is damaged: {e}") }
        })?;
        serde_json::from_slice(&json)
            .map_err(|e| Error::Data { what: format!("document {doc_id}"), reason: format!("stored JSON: {e}") })
    }
}

/// Whether an entity is named well enough to be linked across documents
/// (the rule both backends use at ingest).
pub fn linkable(e: &whosaid_document::output::JsonEntity) -> bool {
    crate::linkable(e)
}

/// The aliases a linked entity contributes: its name and each `name` mention
/// as written (whitespace collapsed, at most 200 characters).
pub fn entity_aliases(e: &whosaid_document::output::JsonEntity) -> Vec<String> {
    let mut out = vec![e.name.trim().to_string()];
    for m in e.mentions.iter().filter(|m| m.kind == MentionKind::Name) {
        let t = m.text.split_whitespace().collect::<Vec<_>>().join(" ");
        if !t.is_empty() && t.chars().count() <= 200 {
            out.push(t);
        }
    }
    out
}

/// The time stamp stored as `ingested_at`.
pub fn now_iso() -> String {
    crate::now_iso()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        assert_eq!(Target::parse(Path::new("a.db")).unwrap(), Target::Sqlite("a.db".into()));
        assert_eq!(
            Target::parse(Path::new("postgres://u@h/db")).unwrap(),
            Target::Postgres("postgres://u@h/db".into())
        );
        assert!(matches!(Target::parse(Path::new("PostgreSQL://h/db")).unwrap(), Target::Postgres(_)));
        let e = Target::parse(Path::new("mysql://u:secret@h/db")).unwrap_err().to_string();
        assert!(e.contains("mysql") && !e.contains("secret"), "{e}");
        assert_eq!(redact_url("postgres://u:pw@h:5432/d"), "postgres://u:***@h:5432/d");
        assert_eq!(redact_url("postgres://h/d"), "postgres://h/d");
    }
}
