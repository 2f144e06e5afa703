//! The statement database on a PostgreSQL server: the same logical schema,
//! identity and actor-linking rules as the SQLite store (`whosaid-store`),
//! behind the same interface ([`whosaid_store::backend::StatementStore`]),
//! so many workers on many machines can write to one database and many
//! readers query it. Also the work queue those workers share ([`queue`]).
//!
//! **Concurrency.** A batch's transaction first takes the re-link advisory
//! lock shared ([`RELINK_LOCK`]; batches never wait for each other there).
//! A document row is
//! found by its unique key with `SELECT … FOR UPDATE` (a second writer of the
//! same key waits, then sees the first one's row and writes nothing when it is
//! identical) or inserted with `ON CONFLICT (doc_key) DO NOTHING`; an actor is
//! found or created by its unique `(norm, type)` with `ON CONFLICT DO
//! NOTHING`; aliases likewise. A batch whose transaction meets a deadlock, a
//! serialisation failure or a unique violation from a racing writer is rolled
//! back and retried whole ([`MAX_ATTEMPTS`]). A re-link takes [`RELINK_LOCK`]
//! exclusive, then locks the linking tables in `SHARE ROW EXCLUSIVE` mode
//! for its transaction, so it sees a consistent corpus and writers wait for
//! it (and it for them), and an actor id a batch resolved stays valid until
//! the batch commits: the tables have no foreign keys (schema v8), the
//! writers keep the references.
#![deny(missing_docs)]

mod corpus;
mod ingest;
mod query;
pub mod queue;
pub mod schema;
pub mod testing;
pub mod tsquery;

use std::borrow::Cow;
use std::collections::HashMap;
use std::time::Duration;

use postgres::{Client, NoTls};
use whosaid_document::output::JsonDocument;
use whosaid_store::backend::{redact_url, BatchReport, DocSink, Settled, StatementStore, StoreStats};
use whosaid_store::{
    ActorLink, ActorProfile, ActorSummary, ActorsQuery, Backend, DocumentPage, DocumentSummary, DocumentView,
    DocumentsQuery, Error, InvalidReason, Outcome, OutletDocuments, Pending, Result, SearchQuery, SearchResults,
};

pub use schema::SCHEMA_VERSION;

/// The advisory lock key every re-link holds exclusive for its transaction
/// and every batch of documents written holds shared for its own (see
/// `hold_writer_lock` in ingest.rs): re-links and batches wait for each other.
pub const RELINK_LOCK: i64 = 7013130002;

/// Tries of one batch transaction before its error is returned.
pub const MAX_ATTEMPTS: usize = 8;

/// A connection to a whosaid database on a PostgreSQL server.
pub struct PgStore {
    pub(crate) client: Client,
    /// The URL without its password, for messages.
    pub(crate) name: String,
    /// How this connection was made, for a second one ([`queue::Heartbeat`]).
    pub(crate) config: postgres::Config,
    /// Prepared statements and per-transaction state of `ingest_batch`.
    pub(crate) state: ingest::BatchState,
    /// The read queries prepared on this connection, by SQL text
    /// ([`PgStore::prepared`]): parsed once per connection, not per request.
    read_statements: std::collections::HashMap<String, postgres::Statement>,
}

/// A PostgreSQL client error as the store's [`Error::Database`] source: shown
/// as the server's SQLSTATE and words (`23505: duplicate key value …`), the
/// client's error kept inside for callers that downcast.
#[derive(Debug)]
pub struct PgError(pub postgres::Error);

impl std::fmt::Display for PgError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_db_error() {
            Some(d) => write!(f, "{}: {}", d.code().code(), d.message()),
            None => self.0.fmt(f),
        }
    }
}

impl std::error::Error for PgError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

/// A database error with the URL (password hidden) and the server's words;
/// a statement cancelled by `statement_timeout` (SQLSTATE 57014,
/// query_canceled) is [`Error::Interrupted`].
pub(crate) fn db_err(name: &str, e: postgres::Error) -> Error {
    if e.code() == Some(&postgres::error::SqlState::QUERY_CANCELED) {
        return Error::Interrupted { backend: Backend::Postgres };
    }
    Error::database(Backend::Postgres, name, PgError(e))
}

/// A transaction retried [`MAX_ATTEMPTS`] times against racing writers;
/// `last` is the last race's message.
fn gave_up(name: &str, what: &str, last: String) -> Error {
    Error::database(Backend::Postgres, format!("{name}: {what}gave up after {MAX_ATTEMPTS} attempts"), last)
}

/// Whether a failed transaction may succeed when run again (a racing writer).
pub(crate) fn retryable(e: &postgres::Error) -> bool {
    use postgres::error::SqlState;
    e.code().is_some_and(|c| {
        *c == SqlState::T_R_DEADLOCK_DETECTED
            || *c == SqlState::T_R_SERIALIZATION_FAILURE
            || *c == SqlState::UNIQUE_VIOLATION
            || *c == SqlState::FOREIGN_KEY_VIOLATION
    })
}

/// A failure inside a transaction: retry it, or give up with this error.
pub(crate) enum TxError {
    /// A racing writer: the message says what happened.
    Retry(String),
    Fatal(Error),
}

impl From<Error> for TxError {
    fn from(e: Error) -> TxError {
        TxError::Fatal(e)
    }
}

pub(crate) type TxResult<T> = std::result::Result<T, TxError>;

/// Classifies a postgres error for the retry loop.
pub(crate) fn tx(name: &str) -> impl Fn(postgres::Error) -> TxError + '_ {
    move |e| if retryable(&e) { TxError::Retry(db_err(name, e).to_string()) } else { TxError::Fatal(db_err(name, e)) }
}

impl PgStore {
    fn connect(url: &str) -> Result<PgStore> {
        let name = redact_url(url);
        let mut config: postgres::Config = url.parse().map_err(|e: postgres::Error| {
            Error::Invalid(InvalidReason::Target { db: name.clone(), reason: format!("not a valid postgres URL: {e}") })
        })?;
        if config.get_connect_timeout().is_none() {
            config.connect_timeout(Duration::from_secs(10));
        }
        config.application_name("whosaid");
        let client = config.connect(NoTls).map_err(|e| {
            // The client's own words ("error connecting to server") add
            // nothing to the cause (connection refused, bad password).
            let context = format!("{name}: cannot connect to PostgreSQL");
            match std::error::Error::source(&e) {
                Some(why) => Error::database(Backend::Postgres, context, why.to_string()),
                None => Error::database(Backend::Postgres, context, PgError(e)),
            }
        })?;
        Ok(PgStore { client, name, config, state: ingest::BatchState::default(), read_statements: Default::default() })
    }

    /// Connects and migrates the database to the current schema (creating it
    /// in an empty database). Safe when many workers start at once.
    pub fn open(url: &str) -> Result<PgStore> {
        let mut store = PgStore::connect(url)?;
        store.migrate()?;
        Ok(store)
    }

    /// Connects for reading: the session is read-only and the schema must be
    /// the one this build reads.
    pub fn open_read_only(url: &str) -> Result<PgStore> {
        let mut store = PgStore::connect(url)?;
        let name = store.name.clone();
        store
            .client
            .batch_execute("SET default_transaction_read_only = on; SET statement_timeout = '30s'")
            .map_err(|e| db_err(&name, e))?;
        let version = store.version()?;
        if version != SCHEMA_VERSION {
            return Err(Error::Schema { database: name, found: version, expected: SCHEMA_VERSION });
        }
        Ok(store)
    }

    /// Cancels any statement of this session running longer than `limit`
    /// (PostgreSQL's `statement_timeout`; the query then fails with
    /// [`Error::Interrupted`]).
    pub fn set_statement_timeout(&mut self, limit: Duration) -> Result<()> {
        let name = self.name.clone();
        self.client
            .batch_execute(&format!("SET statement_timeout = {}", limit.as_millis().max(1)))
            .map_err(|e| db_err(&name, e))
    }

    /// Tunes this session for many short interactive reads (the server's
    /// connections): no parallel workers (on a small machine serving many
    /// clients a Gather costs more than it saves), no JIT (compiling takes
    /// longer than these queries run), and a custom plan for every execution
    /// of a prepared statement (a full-text query's selectivity decides the plan).
    pub fn tune_for_serving(&mut self) -> Result<()> {
        let name = self.name.clone();
        self.client
            .batch_execute(
                "SET max_parallel_workers_per_gather = 0; SET jit = off; SET plan_cache_mode = force_custom_plan",
            )
            .map_err(|e| db_err(&name, e))
    }

    /// The prepared statement for `sql`, prepared on first use (at most 512
    /// kept per connection; the filters a search combines give a bounded
    /// number of texts).
    pub(crate) fn prepared(&mut self, sql: &str) -> Result<postgres::Statement> {
        if let Some(s) = self.read_statements.get(sql) {
            return Ok(s.clone());
        }
        let name = self.name.clone();
        let st = self.client.prepare(sql).map_err(|e| db_err(&name, e))?;
        if self.read_statements.len() >= 512 {
            self.read_statements.clear();
        }
        self.read_statements.insert(sql.to_string(), st.clone());
        Ok(st)
    }

    /// Whether the connection to the server was lost (a pool then reconnects).
    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    fn version(&mut self) -> Result<i64> {
        let name = self.name.clone();
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass('whosaid_schema') IS NOT NULL", &[])
            .map_err(|e| db_err(&name, e))?
            .get(0);
        if !exists {
            return Ok(0);
        }
        let row = self.client.query_opt("SELECT version FROM whosaid_schema", &[]).map_err(|e| db_err(&name, e))?;
        Ok(row.map(|r| r.get::<_, i64>(0)).unwrap_or(0))
    }

    fn migrate(&mut self) -> Result<()> {
        let name = self.name.clone();
        let e = |e| db_err(&name, e);
        let mut t = self.client.transaction().map_err(e)?;
        // Workers starting together: one migrates, the others wait and then
        // find nothing to do (a transaction-scoped lock, released at commit).
        t.batch_execute(
            "SELECT pg_advisory_xact_lock(7013130001);
             CREATE TABLE IF NOT EXISTS whosaid_schema (version BIGINT NOT NULL);",
        )
        .map_err(e)?;
        let version: i64 = match t.query_opt("SELECT version FROM whosaid_schema", &[]).map_err(e)? {
            Some(r) => r.get(0),
            None => {
                t.execute("INSERT INTO whosaid_schema (version) VALUES (0)", &[]).map_err(e)?;
                0
            }
        };
        if version > SCHEMA_VERSION {
            return Err(Error::Schema { database: name, found: version, expected: SCHEMA_VERSION });
        }
        for (i, sql) in schema::MIGRATIONS.iter().enumerate().skip(version as usize) {
            let to = i as i64 + 1;
            t.batch_execute(sql).map_err(|err| {
                Error::database(
                    Backend::Postgres,
                    format!("{name}: migration to schema version {to} failed"),
                    PgError(err),
                )
            })?;
            t.execute("UPDATE whosaid_schema SET version = $1", &[&to]).map_err(e)?;
        }
        t.commit().map_err(e)?;
        Ok(())
    }

    /// The URL this store was opened with, password hidden.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Runs `body` in a transaction, again from the start when it meets a
    /// racing writer, up to [`MAX_ATTEMPTS`] times.
    pub(crate) fn in_tx<T>(
        &mut self,
        mut body: impl FnMut(&mut postgres::Transaction<'_>, &str) -> TxResult<T>,
    ) -> Result<T> {
        let name = self.name.clone();
        let mut last = None;
        for attempt in 0..MAX_ATTEMPTS {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(20 * (1 << attempt.min(6)) as u64));
            }
            let mut t = self.client.transaction().map_err(|e| db_err(&name, e))?;
            match body(&mut t, &name) {
                Ok(v) => match t.commit() {
                    Ok(()) => return Ok(v),
                    Err(e) if retryable(&e) => last = Some(db_err(&name, e).to_string()),
                    Err(e) => return Err(db_err(&name, e)),
                },
                Err(TxError::Retry(e)) => last = Some(e),
                Err(TxError::Fatal(e)) => return Err(e),
            }
        }
        Err(gave_up(&name, "", last.unwrap_or_else(|| "transaction failed".to_string())))
    }

    /// Re-links actors if a re-link is due (an item's documents were stored
    /// since the last one: [`queue::QueueStatus::relink_pending`]), and says
    /// whether this call did. It waits for a re-link running in another
    /// session (and for the batches being written) and then looks again, so a re-link that failed there (or
    /// never ran) is redone here, and workers finishing together re-link once.
    pub fn relink_if_pending(&mut self) -> Result<bool> {
        let lex = whosaid_lexicon::Lexicon::builtin();
        self.in_tx(|t, name| {
            t.execute("SELECT pg_advisory_xact_lock($1)", &[&RELINK_LOCK]).map_err(tx(name))?;
            // After the lock: a re-link that held it has committed its marks.
            let due: bool =
                t.query_one("SELECT EXISTS (SELECT 1 FROM work_items WHERE unlinked)", &[]).map_err(tx(name))?.get(0);
            if due {
                ingest::relink(t, name, &lex)?;
                queue::mark_linked(t, name)?;
            }
            Ok(due)
        })
    }

    /// The re-link, behind the transaction-scoped advisory lock every
    /// re-link takes exclusive and every batch shared ([`RELINK_LOCK`]).
    fn relink_locked(&mut self) -> Result<()> {
        let lex = whosaid_lexicon::Lexicon::builtin();
        self.in_tx(|t, name| {
            t.execute("SELECT pg_advisory_xact_lock($1)", &[&RELINK_LOCK]).map_err(tx(name))?;
            ingest::relink(t, name, &lex)?;
            queue::mark_linked(t, name)?;
            Ok(())
        })
    }

    /// Stores documents and runs `then` in the same transaction: the
    /// documents `fence` returns, in that transaction before them, with what
    /// `then` is handed (the queue locks its items there and keeps the
    /// documents of those its claim still holds, then marks those done:
    /// results and progress commit together, and only the claim holder's).
    pub(crate) fn ingest_batch_fenced<'d, K>(
        &mut self,
        mut fence: impl FnMut(&mut postgres::Transaction<'_>, &str) -> TxResult<(Cow<'d, [JsonDocument]>, K)>,
        mut then: impl FnMut(&mut postgres::Transaction<'_>, &str, &BatchReport, &K) -> TxResult<()>,
    ) -> Result<(BatchReport, K)> {
        let none = HashMap::new();
        let mut st = std::mem::take(&mut self.state);
        let r = self.in_tx(|t, name| {
            ingest::hold_writer_lock(t, name)?;
            let (docs, kept) = fence(t, name)?;
            let report = ingest::put_batch(t, name, &docs, &mut st, &mut ingest::Seen::new(&none))?;
            then(t, name, &report, &kept)?;
            Ok((report, kept))
        });
        self.state = st;
        r
    }

    /// Stores `docs` in one transaction for a writer that has put the keys
    /// of `earlier` (key → JSON hash) before: a key of it repeated with
    /// other content is a conflict. Returns the batch's own keys too.
    fn ingest_batch_after(
        &mut self,
        docs: &[JsonDocument],
        earlier: &HashMap<String, String>,
    ) -> Result<(BatchReport, HashMap<String, String>)> {
        let mut st = std::mem::take(&mut self.state);
        let r = self.in_tx(|t, name| {
            // Each attempt starts from `earlier`: a rolled-back one added nothing.
            let mut seen = ingest::Seen::new(earlier);
            ingest::hold_writer_lock(t, name)?;
            let report = ingest::put_batch(t, name, docs, &mut st, &mut seen)?;
            Ok((report, seen.batch))
        });
        self.state = st;
        r
    }
}

/// Writes documents in batches of `batch_size`, one transaction each (the
/// [`DocSink`] of `whosaid ingest`): the documents put are held until the
/// batch is full or committed, then written together by the queue workers'
/// path ([`StatementStore::ingest_batch`]: a batch of new documents in one INSERT
/// per table, a few round trips for the whole batch instead of about seven
/// per document), their outcomes settled in put order. A transaction that
/// meets a racing writer is rolled back and the batch written again whole.
pub struct PgWriter<'a> {
    store: &'a mut PgStore,
    batch_size: usize,
    /// The documents put since the last write.
    buffer: Vec<JsonDocument>,
    /// Keys written by this writer and their JSON hash (a repeat with other
    /// content is a conflict, in any later batch too).
    seen: HashMap<String, String>,
}

impl PgWriter<'_> {
    /// Writes and commits the documents held; nothing of them is stored when
    /// it fails (the batch is dropped, as the SQLite writer's is).
    fn write(&mut self) -> Result<Settled> {
        let docs = std::mem::take(&mut self.buffer);
        if docs.is_empty() {
            return Ok(Settled { outcomes: Vec::new(), committed: Some(Pending::default()) });
        }
        let (report, keys) = self.store.ingest_batch_after(&docs, &self.seen)?;
        self.seen.extend(keys);
        Ok(Settled { outcomes: report.outcomes, committed: Some(report.counts) })
    }
}

fn count(p: &mut Pending, o: Outcome, doc: &JsonDocument) {
    match o {
        Outcome::Inserted => p.inserted += 1,
        Outcome::Updated => p.updated += 1,
        Outcome::Unchanged => p.unchanged += 1,
        Outcome::Conflict => return,
    }
    if o != Outcome::Unchanged {
        p.statements += doc.statements.len();
    }
}

impl DocSink for PgWriter<'_> {
    fn put(&mut self, doc: &JsonDocument) -> Result<Settled> {
        self.buffer.push(doc.clone());
        if self.buffer.len() >= self.batch_size {
            self.write()
        } else {
            Ok(Settled::default())
        }
    }

    fn commit(&mut self) -> Result<Settled> {
        self.write()
    }

    fn finish(&mut self) -> Result<Settled> {
        let settled = self.write()?;
        self.store.relink()?;
        Ok(settled)
    }
}

impl StatementStore for PgStore {
    fn backend(&self) -> &'static str {
        "postgres"
    }
    fn schema_version(&mut self) -> Result<i64> {
        self.version()
    }
    fn ingest_batch(&mut self, docs: &[JsonDocument]) -> Result<BatchReport> {
        Ok(self.ingest_batch_after(docs, &HashMap::new())?.0)
    }
    fn writer<'a>(&'a mut self, batch_size: usize) -> Box<dyn DocSink + 'a> {
        Box::new(PgWriter { store: self, batch_size: batch_size.max(1), buffer: Vec::new(), seen: HashMap::new() })
    }
    fn relink(&mut self) -> Result<()> {
        self.relink_locked()
    }
    fn search(&mut self, q: &SearchQuery) -> Result<SearchResults> {
        query::search(self, q)
    }
    fn actors(&mut self, q: &ActorsQuery) -> Result<Vec<ActorSummary>> {
        query::actors(self, q)
    }
    fn find_document(&mut self, name: &str) -> Result<Option<i64>> {
        query::find_document(self, name)
    }
    fn document_summary(&mut self, id: i64) -> Result<Option<DocumentSummary>> {
        query::document_summary(self, id)
    }
    fn load_json(&mut self, id: i64) -> Result<Option<JsonDocument>> {
        query::load_json(self, id)
    }
    fn counts(&mut self) -> Result<(i64, i64, i64)> {
        query::counts(self)
    }
    fn for_each_document(
        &mut self,
        f: &mut dyn FnMut(JsonDocument, &[Option<whosaid_store::export::StoredActor>]),
    ) -> Result<()> {
        query::for_each_document(self, f)
    }
    fn stats(&mut self) -> Result<StoreStats> {
        let (documents, statements, actors) = query::counts(self)?;
        let name = self.name.clone();
        let r = self
            .client
            .query_one("SELECT min(published), max(published) FROM documents", &[])
            .map_err(|e| db_err(&name, e))?;
        Ok(StoreStats {
            schema_version: self.version()?,
            documents,
            statements,
            actors,
            first: r.get(0),
            last: r.get(1),
        })
    }
    fn actor_links(&mut self) -> Result<Vec<ActorLink>> {
        query::actor_links(self)
    }
    fn documents(&mut self, q: &DocumentsQuery) -> Result<DocumentPage> {
        query::documents(self, q)
    }
    fn document_view(&mut self, id: i64) -> Result<Option<DocumentView>> {
        query::document_view(self, id)
    }
    fn actor_profile(&mut self, id: i64, limit: usize, offset: usize) -> Result<Option<ActorProfile>> {
        query::actor_profile(self, id, limit, offset)
    }
    fn outlet_counts(&mut self) -> Result<Vec<OutletDocuments>> {
        query::outlet_counts(self)
    }
    fn state_key(&mut self) -> Result<String> {
        query::state_key(self)
    }
    fn corpus(&mut self) -> Result<whosaid_compare::Corpus> {
        corpus::corpus(self)
    }
    fn correct_actors(&mut self, kind: &str, a: &str, b: &str) -> Result<()> {
        if kind != "merge" && kind != "split" {
            return Err(Error::Invalid(InvalidReason::Correction(format!(
                "unknown correction {kind:?} (merge or split)"
            ))));
        }
        let (a, b) = (whosaid_store::normalise_name(a), whosaid_store::normalise_name(b));
        if a == b {
            return Err(Error::Invalid(InvalidReason::Correction(format!("{kind}: both names are {a:?}"))));
        }
        let other = if kind == "merge" { "split" } else { "merge" };
        self.in_tx(|t, name| {
            t.execute(
                "DELETE FROM actor_overrides WHERE kind = $1 AND ((a = $2 AND b = $3) OR (a = $3 AND b = $2))",
                &[&other, &a, &b],
            )
            .map_err(tx(name))?;
            t.execute(
                "INSERT INTO actor_overrides (kind, a, b) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[&kind, &a, &b],
            )
            .map_err(tx(name))?;
            Ok(())
        })?;
        self.relink()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A statement cancelled by `statement_timeout` is the typed
    /// interruption the server answers 503; any other server error is a
    /// database error that keeps its SQLSTATE in the message.
    #[test]
    fn a_statement_timeout_is_interrupted_and_other_errors_keep_their_sqlstate() {
        let Some(url) = testing::server("a_statement_timeout_is_interrupted_and_other_errors_keep_their_sqlstate")
        else {
            return;
        };
        let mut c = Client::connect(&url, NoTls).unwrap();
        c.batch_execute("SET statement_timeout = 50").unwrap();
        let e = db_err("db", c.batch_execute("SELECT pg_sleep(5)").unwrap_err());
        assert!(matches!(e, Error::Interrupted { backend: Backend::Postgres }), "{e:?}");
        let e = db_err("db", c.batch_execute("SELECT * FROM no_such_table").unwrap_err());
        assert!(matches!(e, Error::Database { backend: Backend::Postgres, .. }), "{e:?}");
        assert!(e.to_string().starts_with("db: 42P01: relation \"no_such_table\" does not exist"), "{e}");
    }
}
