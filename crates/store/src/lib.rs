//! The statement database: analysed articles (`whosaid/1` documents) kept in one
//! SQLite file (bundled SQLite, FTS5), linked across documents by actor, searched
//! from the CLI and served read-only to a local web app.
//!
//! ```text
//!  Document ──Writer::put_document─┐ (in memory, no JSON text parsed)
//!  JsonDocument ──Writer::put──────┴► documents, entities, mentions, statements
//!                                 actors (+ aliases) linked by normalised name + type
//!                                 statements_fts / documents_fts (triggers keep them in step)
//!  Store::search / actors / document / actor  ◄── CLI (search, actors, show) and server
//! ```
//!
//! **Identity.** A document is the same document when it has the same key
//! ([`document_key`]: `meta.id`, else the source path; the rule batch runs
//! use too). Putting it again updates the stored row in place (same row id);
//! an identical re-put is a no-op. The same content under another key is a
//! different document: it gets its own row, linked by `duplicate_of` to the
//! first row with that content, so no id ever vanishes. Within one writer, a
//! key put twice with different content is a [`Outcome::Conflict`]: the first
//! is kept and the caller reports the second.
//!
//! **Durability.** A [`Writer`] keeps one transaction open and commits every
//! `batch_size` documents; the caller reports a document as stored only after
//! the commit that contains it ([`Writer::commit`] returns). The database runs in
//! WAL mode with `synchronous=FULL`, so a killed process loses at most the open
//! batch, never a committed one, and never leaves a half-written document.
//!
//! **Actor linking** (conservative; see [`normalise_name`] and [`link`]): an
//! entity becomes (or joins) a cross-document actor only when it has a
//! proper-name mention, a group mention or a metonym (`Moscow` → Russian
//! government); at ingest the key is its normalised canonical name plus its
//! type. After each ingest, [`link::relink`] joins spelling variants
//! ("Volodymyr Zelenskyy" / "Vladimir Zelensky"), and a lone surname to the
//! one full-name person with it in the corpus ("Trump" → "Donald Trump", but
//! "Clinton" stays apart while Bill and Hillary are both there); user
//! corrections (`merge`, `split`) override the rules. "the secretary" or "he"
//! never link, nor do a person and an organisation of the same name. Mention
//! texts of kind `name` are kept as aliases, the evidence in `actor_links`.
#![deny(missing_docs)]

pub mod backend;
mod error;
pub mod export;
mod hash;
pub mod link;
pub(crate) mod outlets;
pub mod query;
mod schema;
mod terms;

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use whosaid_document::output::{JsonActor, JsonDocument};
use whosaid_document::MentionKind;

pub use error::{Backend, Error, InvalidReason};
pub use hash::content_hash;
pub use outlets::CORPUS_STATEMENTS_SQL;
pub use query::*;
pub use schema::SCHEMA_VERSION;

/// What the store returns: a [`Error`] says whose fault a failure is.
pub type Result<T> = std::result::Result<T, Error>;

/// One re-linked name: (name key, type, actor name, rule, evidence).
pub type ActorLink = (String, String, String, String, String);

/// An open database.
pub struct Store {
    pub(crate) conn: Connection,
}

impl Store {
    /// Opens (creating if needed) a database for writing and migrates it to the
    /// current schema.
    pub fn open(path: &Path) -> Result<Store> {
        let conn = Connection::open(path)
            .map_err(|e| error::sqlite_error(format!("{}: cannot open database", path.display()), e))?;
        conn.busy_timeout(std::time::Duration::from_secs(30))?;
        // WAL lets `whosaid serve` read while an ingest writes; FULL makes every
        // commit durable before it is reported.
        let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") && !mode.eq_ignore_ascii_case("memory") {
            return Err(Error::database(
                Backend::Sqlite,
                path.display().to_string(),
                format!("cannot switch to WAL mode (got {mode})"),
            ));
        }
        conn.execute_batch("PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON;")?;
        let store = Store { conn };
        store.migrate(&path.display().to_string())?;
        Ok(store)
    }

    /// Opens an existing database read-only (the server's access): SQLite
    /// refuses every write on this connection.
    pub fn open_read_only(path: &Path) -> Result<Store> {
        if !path.is_file() {
            let missing =
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such database (create it with `whosaid ingest`)");
            return Err(Error::io(path.display().to_string(), missing));
        }
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI;
        let conn = Connection::open_with_flags(path, flags)
            .map_err(|e| error::sqlite_error(format!("{}: cannot open database", path.display()), e))?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        // Readers map the file (shared OS page cache, fewer copies) and keep a
        // 32 MB page cache each.
        conn.execute_batch("PRAGMA query_only = ON; PRAGMA mmap_size = 1073741824; PRAGMA cache_size = -32768;")?;
        let version = user_version(&conn)?;
        if version != SCHEMA_VERSION {
            return Err(Error::Schema {
                database: path.display().to_string(),
                found: version,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(Store { conn })
    }

    /// Interrupts any running statement of this connection once `stop`
    /// returns true (checked every few thousand SQLite VM steps); the
    /// statement then fails with [`Error::Interrupted`]. The server's query
    /// timeout.
    pub fn interrupt_when(&self, stop: impl FnMut() -> bool + Send + 'static) {
        self.conn.progress_handler(4000, Some(stop));
    }

    /// Migrates to [`SCHEMA_VERSION`]; `name` (the file) is for messages.
    fn migrate(&self, name: &str) -> Result<()> {
        let version: i64 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .map_err(|e| error::sqlite_error(format!("{name}: cannot read the schema version"), e))?;
        if version > SCHEMA_VERSION {
            return Err(Error::Schema { database: name.to_string(), found: version, expected: SCHEMA_VERSION });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            let to = i as i64 + 1;
            self.conn
                .execute_batch(&format!("BEGIN IMMEDIATE;\n{sql}\nPRAGMA user_version = {to};\nCOMMIT;"))
                .map_err(|e| {
                    let _ = self.conn.execute_batch("ROLLBACK");
                    error::sqlite_error(format!("{name}: migration to schema version {to} failed"), e)
                })?;
        }
        Ok(())
    }

    /// The schema version of the open database.
    pub fn schema_version(&self) -> Result<i64> {
        user_version(&self.conn)
    }

    /// Runs SQLite's own consistency checks (b-trees, indexes, both FTS
    /// indexes) and the store's: every document has exactly the statements it
    /// says it has. Returns the problems found (empty when consistent).
    pub fn check(&self) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut stmt = self.conn.prepare("PRAGMA integrity_check")?;
        let rows: Vec<String> = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
        if rows != ["ok"] {
            problems.extend(rows.into_iter().map(|r| format!("integrity_check: {r}")));
        }
        for fts in ["statements_fts", "documents_fts"] {
            if let Err(e) = self.conn.execute(&format!("INSERT INTO {fts}({fts}) VALUES ('integrity-check')"), []) {
                problems.push(format!("{fts}: {e}"));
            }
        }
        let mut stmt = self.conn.prepare(
            "SELECT d.doc_key, d.n_statements, (SELECT count(*) FROM statements s WHERE s.doc_id = d.id)
             FROM documents d",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?, r.get::<_, i64>(2)?)))?;
        for row in rows {
            let (key, want, have) = row?;
            if want != have {
                problems.push(format!("{key}: {have} statements stored, {want} expected"));
            }
        }
        let orphans: i64 = self.conn.query_row(
            "SELECT (SELECT count(*) FROM statements WHERE doc_id NOT IN (SELECT id FROM documents))
                  + (SELECT count(*) FROM entities WHERE doc_id NOT IN (SELECT id FROM documents))
                  + (SELECT count(*) FROM mentions WHERE doc_id NOT IN (SELECT id FROM documents))",
            [],
            |r| r.get(0),
        )?;
        if orphans > 0 {
            problems.push(format!("{orphans} rows belong to no document"));
        }
        Ok(problems)
    }

    /// Starts writing: documents put through the writer are committed every
    /// `batch_size` documents and when it is committed or finished.
    /// A user correction that every later re-link respects: `merge` joins the
    /// actors of two names, `split` keeps them apart. Re-links at once.
    pub fn correct_actors(&mut self, kind: &str, a: &str, b: &str) -> Result<()> {
        if kind != "merge" && kind != "split" {
            return Err(Error::Invalid(InvalidReason::Correction(format!(
                "unknown correction {kind:?} (merge or split)"
            ))));
        }
        link::add_override(&self.conn, kind, a, b)?;
        link::relink(&self.conn, &whosaid_lexicon::Lexicon::builtin())
    }

    /// Names joined to another actor by re-linking: (name key, type, actor
    /// name, rule, evidence), sorted.
    pub fn actor_links(&self) -> Result<Vec<ActorLink>> {
        let mut q = self.conn.prepare(
            "SELECT l.norm, l.type, a.name, l.rule, l.evidence FROM actor_links l JOIN actors a ON a.id = l.actor_id
             ORDER BY a.name, l.norm",
        )?;
        let rows = q.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)))?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    /// A writer committing every `batch_size` documents (see [`Writer`]).
    pub fn writer(&mut self, batch_size: usize) -> Writer<'_> {
        Writer {
            store: self,
            batch_size: batch_size.max(1),
            pending: Pending::default(),
            open: false,
            seen: std::collections::HashMap::new(),
        }
    }

    /// The whole stored `whosaid/1` document, as it was ingested.
    pub fn load_json(&self, doc_id: i64) -> Result<Option<JsonDocument>> {
        let blob: Option<Vec<u8>> =
            self.conn.query_row("SELECT json FROM documents WHERE id = ?1", [doc_id], |r| r.get(0)).optional()?;
        let Some(blob) = blob else { return Ok(None) };
        backend::DocumentRow::decode(doc_id, &blob).map(Some)
    }
}

fn user_version(conn: &Connection) -> Result<i64> {
    Ok(conn.query_row("PRAGMA user_version", [], |r| r.get(0))?)
}

/// What putting one document did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// A new document row.
    Inserted,
    /// Same key or content hash as a stored document, which was replaced in place.
    Updated,
    /// Identical to the stored document: nothing written.
    Unchanged,
    /// The key was already put by this writer with different content (a
    /// repeated id in one input): nothing written, the first is kept.
    Conflict,
}

/// Counts of what the documents put since the last commit did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Pending {
    /// Documents new to the store.
    pub inserted: usize,
    /// Documents replaced in place.
    pub updated: usize,
    /// Documents identical to the stored ones.
    pub unchanged: usize,
    /// Statements written.
    pub statements: usize,
}

impl Pending {
    /// Documents put, whatever they did.
    pub fn documents(&self) -> usize {
        self.inserted + self.updated + self.unchanged
    }
}

/// Writes documents in batches, one transaction per batch.
pub struct Writer<'a> {
    store: &'a mut Store,
    batch_size: usize,
    pending: Pending,
    open: bool,
    /// Keys put by this writer and the JSON hash they were put with.
    seen: std::collections::HashMap<String, String>,
}

impl Writer<'_> {
    /// Stores one document inside the open batch. Returns what it did and, when
    /// this document filled the batch, the counts of the batch just committed.
    pub fn put(&mut self, doc: &JsonDocument) -> Result<(Outcome, Option<Pending>)> {
        if !self.open {
            self.store.conn.execute_batch("BEGIN IMMEDIATE")?;
            self.open = true;
        }
        let outcome = match put_document(&self.store.conn, doc, &mut self.seen) {
            Ok(o) => o,
            Err(e) => {
                // A failed document must not leave half its rows behind: roll the
                // batch back (nothing of it was reported as stored yet).
                let _ = self.store.conn.execute_batch("ROLLBACK");
                self.open = false;
                self.pending = Pending::default();
                return Err(e);
            }
        };
        match outcome {
            Outcome::Inserted => self.pending.inserted += 1,
            Outcome::Updated => self.pending.updated += 1,
            Outcome::Unchanged => self.pending.unchanged += 1,
            Outcome::Conflict => return Ok((outcome, None)),
        }
        if outcome != Outcome::Unchanged {
            self.pending.statements += doc.statements.len();
        }
        let committed = if self.pending.documents() >= self.batch_size { Some(self.commit()?) } else { None };
        Ok((outcome, committed))
    }

    /// [`Writer::put`] of a document straight from the pipeline: its
    /// `whosaid/1` form is built in memory (no JSON text parsed back).
    pub fn put_document(&mut self, doc: &whosaid_document::Document) -> Result<(Outcome, Option<Pending>)> {
        self.put(&JsonDocument::from_document(doc))
    }

    /// Documents put since the last commit.
    pub fn pending(&self) -> Pending {
        self.pending
    }

    /// Commits the open batch; returns its counts. Everything counted is durable
    /// when this returns.
    pub fn commit(&mut self) -> Result<Pending> {
        if self.open {
            self.store.conn.execute_batch("COMMIT")?;
            self.open = false;
        }
        Ok(std::mem::take(&mut self.pending))
    }

    /// Commits, re-links actors across the whole database ([`link::relink`])
    /// and refreshes the query planner's statistics.
    pub fn finish(mut self) -> Result<Pending> {
        let p = self.commit()?;
        link::relink(&self.store.conn, &whosaid_lexicon::Lexicon::builtin())?;
        self.store.conn.execute_batch("PRAGMA optimize")?;
        Ok(p)
    }
}

impl Drop for Writer<'_> {
    fn drop(&mut self) {
        if self.open {
            // Dropped without commit (an error upstream): the batch is discarded.
            let _ = self.store.conn.execute_batch("ROLLBACK");
        }
    }
}

/// Lowercase host of a URL without `www.`, if it has one.
pub fn url_site(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r).unwrap_or(url);
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit_once('@').map(|(_, h)| h).unwrap_or(host);
    let host = host.split(':').next()?.trim().trim_end_matches('.').to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    (!host.is_empty() && host.contains('.')).then_some(host)
}

/// The actor key (one definition, shared with every other crate).
pub use whosaid_document::names::normalise_name;

/// Whether an entity is named well enough to be linked across documents.
fn linkable(e: &whosaid_document::output::JsonEntity) -> bool {
    e.metonym_of.is_some() || e.mentions.iter().any(|m| m.kind == MentionKind::Name || m.kind == MentionKind::Group)
}

fn now_iso() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    chrono::DateTime::from_timestamp(secs as i64, 0)
        .map(|t| t.format("%Y-%m-%dT%H:%M:%SZ").to_string())
        .unwrap_or_else(|| "1970-01-01T00:00:00Z".to_string())
}

/// The key a document is known by: `meta.id`, else its source (path), else for
/// stdin (`-`) `stdin:` and the start of its content hash.
/// The rule is [`whosaid_document::document_key`], shared with batch runs.
pub fn document_key(doc: &JsonDocument) -> String {
    whosaid_document::document_key(doc.meta.id.as_deref(), &doc.source, &doc.text)
}

fn put_document(
    conn: &Connection,
    doc: &JsonDocument,
    seen: &mut std::collections::HashMap<String, String>,
) -> Result<Outcome> {
    let key = document_key(doc);
    let chash = content_hash(&doc.text);
    let existing = conn
        .prepare_cached("SELECT id, json_hash FROM documents WHERE doc_key = ?1")?
        .query_row([&key], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?)))
        .optional()?;
    // Same content under another key: its own row, linked to the first copy.
    let mut linked;
    let mut doc = doc;
    if existing.is_none() && doc.duplicate_of.is_none() {
        let first: Option<String> = conn
            .prepare_cached(
                "SELECT doc_key FROM documents WHERE content_hash = ?1 AND doc_key != ?2 ORDER BY id LIMIT 1",
            )?
            .query_row([&chash, &key], |r| r.get(0))
            .optional()?;
        if let Some(first) = first {
            linked = doc.clone();
            linked.duplicate_of = Some(first);
            doc = &linked;
        }
    }
    let row = backend::DocumentRow::new(doc)?;
    let jhash = row.json_hash.clone();
    match seen.get(&key) {
        Some(h) if *h != jhash => return Ok(Outcome::Conflict),
        Some(_) => {}
        None => {
            seen.insert(key.clone(), jhash.clone());
        }
    }
    if let Some((_, old)) = &existing {
        if *old == jhash {
            return Ok(Outcome::Unchanged);
        }
    }
    let backend::DocumentRow { compressed, site, outlet, published, headline, .. } = row;
    let now = now_iso();
    let updated = existing.is_some();
    // One column list for insert and update, so the two cannot drift apart.
    let n_statements = doc.statements.len() as i64;
    let values: [&dyn rusqlite::ToSql; 16] = [
        &key,
        &chash,
        &jhash,
        &doc.source,
        &doc.meta.title,
        &doc.meta.url,
        &outlet,
        &site,
        &doc.meta.byline,
        &published,
        &headline,
        &doc.text,
        &doc.duplicate_of,
        &n_statements,
        &compressed,
        &now,
    ];
    const COLUMNS: &str = "doc_key, content_hash, json_hash, source, title, url, outlet, site, byline, published, \
                           headline, text, duplicate_of, n_statements, json, ingested_at";
    let doc_id = match existing {
        Some((id, _)) => {
            for sql in [
                "DELETE FROM statement_issues WHERE statement_id IN (SELECT id FROM statements WHERE doc_id = ?1)",
                "DELETE FROM statement_targets WHERE statement_id IN (SELECT id FROM statements WHERE doc_id = ?1)",
            ] {
                conn.prepare_cached(sql)?.execute([id])?;
            }
            for table in ["statements", "mentions", "entities", "terms"] {
                conn.prepare_cached(&format!("DELETE FROM {table} WHERE doc_id = ?1"))?.execute([id])?;
            }
            let mut with_id: Vec<&dyn rusqlite::ToSql> = values.to_vec();
            with_id.push(&id);
            conn.prepare_cached(&format!(
                "UPDATE documents SET ({COLUMNS}) = (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16) WHERE id = ?17"
            ))?
            .execute(with_id.as_slice())?;
            id
        }
        None => {
            conn.prepare_cached(&format!(
                "INSERT INTO documents ({COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)"
            ))?
            .execute(&values[..])?;
            conn.last_insert_rowid()
        }
    };

    // Entities → actors.
    let mut entity_actor: Vec<Option<i64>> = Vec::with_capacity(doc.entities.len());
    for e in &doc.entities {
        let actor = if linkable(e) { Some(link_actor(conn, e)?) } else { None };
        entity_actor.push(actor);
        conn.prepare_cached(
            "INSERT INTO entities (doc_id, idx, actor_id, name, type, titles, metonym_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            doc_id,
            e.id as i64,
            actor,
            e.name,
            e.etype,
            serde_json::to_string(&e.titles).unwrap_or_else(|_| "[]".into()),
            e.metonym_of
        ])?;
        let mut ins = conn.prepare_cached(
            "INSERT INTO mentions (doc_id, entity_idx, start, end, text, kind) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?;
        for m in &e.mentions {
            ins.execute(params![doc_id, e.id as i64, m.start as i64, m.end as i64, m.text, m.kind.as_str()])?;
        }
    }
    let actor_of = |a: &Option<JsonActor>| -> Option<i64> {
        a.as_ref().and_then(|a| a.entity).and_then(|i| entity_actor.get(i).copied().flatten())
    };
    let mut ins = conn.prepare_cached(
        "INSERT INTO statements (doc_id, idx, kind, content, content_start, content_end, cue, cue_lemma, cue_start,
         cue_end, speaker_text, speaker_name, speaker_type, speaker_entity, speaker_actor, speaker_start, speaker_end,
         addressee_text, addressee_name, addressee_type, addressee_entity, addressee_actor, time_text, time_date,
         published, outlet, site, confidence, rule)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22,
         ?23, ?24, ?25, ?26, ?27, ?28, ?29)",
    )?;
    for (idx, s) in doc.statements.iter().enumerate() {
        let sp = s.speaker.as_ref();
        let ad = s.addressee.as_ref();
        ins.execute(rusqlite::params_from_iter([
            &doc_id as &dyn rusqlite::ToSql,
            &(idx as i64),
            &s.kind,
            &s.content.text,
            &(s.content.start as i64),
            &(s.content.end as i64),
            &s.cue.as_ref().map(|c| c.text.clone()),
            &s.cue.as_ref().map(|c| c.lemma.clone()),
            &s.cue.as_ref().map(|c| c.start as i64),
            &s.cue.as_ref().map(|c| c.end as i64),
            &sp.map(|a| a.text.clone()),
            &sp.map(|a| a.name.clone().unwrap_or_else(|| a.text.clone())),
            &sp.map(|a| a.etype.clone()),
            &sp.and_then(|a| a.entity).map(|e| e as i64),
            &actor_of(&s.speaker),
            &sp.map(|a| a.start as i64),
            &sp.map(|a| a.end as i64),
            &ad.map(|a| a.text.clone()),
            &ad.map(|a| a.name.clone().unwrap_or_else(|| a.text.clone())),
            &ad.map(|a| a.etype.clone()),
            &ad.and_then(|a| a.entity).map(|e| e as i64),
            &actor_of(&s.addressee),
            &s.time.as_ref().map(|t| t.text.clone()),
            &s.time.as_ref().and_then(|t| t.date.clone()),
            &published,
            &outlet,
            &site,
            &(s.confidence as f64),
            &s.rule,
        ]))?;
        export::put_coding(conn, conn.last_insert_rowid(), s)?;
    }
    terms::put_terms(conn, doc_id, doc)?;
    Ok(if updated { Outcome::Updated } else { Outcome::Inserted })
}

/// Finds or creates the actor for a linkable entity and records its aliases.
fn link_actor(conn: &Connection, e: &whosaid_document::output::JsonEntity) -> Result<i64> {
    let norm = normalise_name(&e.name);
    // A name an earlier re-link joined to another actor goes there directly.
    let linked: Option<i64> = conn
        .prepare_cached("SELECT actor_id FROM actor_links WHERE norm = ?1 AND type = ?2")?
        .query_row(params![norm, e.etype], |r| r.get(0))
        .optional()?;
    let id: Option<i64> = match linked {
        Some(id) => Some(id),
        None => conn
            .prepare_cached("SELECT id FROM actors WHERE norm = ?1 AND type = ?2")?
            .query_row(params![norm, e.etype], |r| r.get(0))
            .optional()?,
    };
    let id = match id {
        Some(id) => id,
        None => {
            conn.prepare_cached("INSERT INTO actors (norm, type, name) VALUES (?1, ?2, ?3)")?.execute(params![
                norm,
                e.etype,
                e.name.trim()
            ])?;
            conn.last_insert_rowid()
        }
    };
    let mut alias = conn.prepare_cached("INSERT OR IGNORE INTO actor_aliases (actor_id, alias) VALUES (?1, ?2)")?;
    for a in backend::entity_aliases(e) {
        alias.execute(params![id, a])?;
    }
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_sites() {
        assert_eq!(url_site("https://www.rt.com/news/123-x/").as_deref(), Some("rt.com"));
        assert_eq!(url_site("http://user@News.BBC.co.uk:8080/a?b#c").as_deref(), Some("news.bbc.co.uk"));
        assert_eq!(url_site("not a url"), None);
    }
}
