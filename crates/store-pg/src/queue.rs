//! The work queue many workers share (`whosaid queue add`, `whosaid work`,
//! `whosaid queue status`): one row per input file in `work_items`.
//!
//! - A worker **claims** a batch of items with `FOR UPDATE SKIP LOCKED`
//!   (concurrent claimers never wait for nor take each other's rows) and a
//!   lease (`claimed_until`). An item whose lease ran out (its worker was
//!   killed, or its machine lost) is claimable again; after `max_attempts`
//!   expired claims it is marked failed instead, so one poisonous input
//!   cannot stall the queue.
//! - The worker **completes** the batch in one transaction: its documents
//!   (the batched write of `ingest.rs`, exactly once by document key) and the items' new
//!   state (done, or failed with the reason) commit together. A worker killed
//!   before that commit leaves nothing behind but its expiring claim.
//! - A worker whose lease expired while it worked still commits its
//!   documents (identical to what the new claimant will store, so nothing is
//!   doubled); the items stay with the new claimant ([`Completion::lost`]).
//! - A worker working on a batch longer than its lease keeps it: a
//!   [`Heartbeat`] (a thread with its own connection) renews the claims it
//!   holds every third of the lease, and stops with the worker (a killed
//!   worker's thread dies with it, so its claims still expire).
//! - Every change that may give a waiting worker something to do (items
//!   added, completed, released, retried) sends a `NOTIFY` on
//!   [`CHANNEL`] with its commit; a worker waiting for others' claims to
//!   finish ([`PgStore::queue_wait`]) wakes at once instead of at its next poll.

use std::time::Duration;

use postgres::fallible_iterator::FallibleIterator;

use whosaid_document::output::JsonDocument;
use whosaid_store::backend::BatchReport;
use whosaid_store::{Error, Result};

use crate::{db_err, tx, PgStore};

/// The notification channel of queue changes.
pub const CHANNEL: &str = "whosaid_queue";

/// Sends the queue-changed notification with the transaction's commit.
fn notify(t: &mut postgres::Transaction<'_>, name: &str) -> crate::TxResult<()> {
    t.batch_execute(&format!("NOTIFY {CHANNEL}")).map_err(tx(name))
}

/// Renews a worker's claims from a thread of its own (its own connection),
/// every third of the lease, while the worker holds them
/// ([`Heartbeat::hold`]); stops when dropped. Renewing never waits for a
/// row lock (a completing transaction holds the row: nothing to renew), so
/// it cannot deadlock with the worker.
pub struct Heartbeat {
    hold: Option<std::sync::mpsc::Sender<Vec<i64>>>,
    thread: Option<std::thread::JoinHandle<()>>,
    last_error: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl Heartbeat {
    /// Renews these claims from now on (an empty list: none).
    pub fn hold(&self, ids: &[i64]) {
        if let Some(h) = &self.hold {
            // The thread ends only when this is dropped.
            let _ = h.send(ids.to_vec());
        }
    }

    /// The last renewal's error if it failed, once (the thread keeps
    /// trying, reconnecting when the connection was lost).
    pub fn take_error(&self) -> Option<String> {
        self.last_error.lock().map(|mut e| e.take()).unwrap_or_else(|e| e.into_inner().take())
    }
}

impl Drop for Heartbeat {
    fn drop(&mut self) {
        self.hold = None;
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Extends the lease of `worker`'s live claims among `ids`; returns how many.
fn renew(
    client: &mut postgres::Client,
    worker: &str,
    ids: &[i64],
    lease: Duration,
) -> std::result::Result<u64, postgres::Error> {
    client.execute(
        "UPDATE work_items SET claimed_until = now() + make_interval(secs => $3)
         WHERE id IN (SELECT id FROM work_items WHERE id = ANY($1) AND state = 'claimed' AND claimed_by = $2
                      FOR UPDATE SKIP LOCKED)",
        &[&ids, &worker, &lease.as_secs_f64()],
    )
}

/// A claimed input.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkItem {
    /// Its `work_items` row id, which completes it.
    pub id: i64,
    /// The input path as queued.
    pub input: String,
    /// Claims so far, this one included.
    pub attempts: i32,
}

/// What a worker did with one claimed item.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemResult {
    /// The claimed item this is the result of.
    pub id: i64,
    /// Documents stored from it.
    pub documents: i64,
    /// Statements in those documents.
    pub statements: i64,
    /// Why the item failed (read or extraction errors), if it did.
    pub error: Option<String>,
}

/// The outcome of [`PgStore::queue_complete`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Completion {
    /// What storing the items' documents did.
    pub report: BatchReport,
    /// Items no longer claimed by this worker (its lease expired and another
    /// worker took them); their documents were stored all the same.
    pub lost: Vec<i64>,
}

/// The queue at a glance.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct QueueStatus {
    /// Never claimed yet.
    pub pending: i64,
    /// Claimed with a live lease.
    pub claimed: i64,
    /// Claimed, lease expired: the next claim takes them.
    pub expired: i64,
    /// Finished, their documents stored.
    pub done: i64,
    /// Given up after their last attempt.
    pub failed: i64,
    /// Documents stored by done items.
    pub documents: i64,
    /// Statements in those documents.
    pub statements: i64,
    /// (input, reason) of failed items, oldest first (at most 100).
    pub failures: Vec<(String, String)>,
    /// (worker, items claimed) for live claims.
    pub workers: Vec<(String, i64)>,
}

impl QueueStatus {
    /// Every item ever queued, whatever its state.
    pub fn total(&self) -> i64 {
        self.pending + self.claimed + self.expired + self.done + self.failed
    }
    /// Nothing left to claim or wait for.
    pub fn drained(&self) -> bool {
        self.pending + self.claimed + self.expired == 0
    }
}

impl PgStore {
    /// Registers inputs (already expanded to files); inputs already queued,
    /// in any state, are left as they are. Returns (added, already queued).
    pub fn queue_add(&mut self, inputs: &[String]) -> Result<(usize, usize)> {
        let added = self.in_tx(|t, name| {
            let n = t
                .execute(
                    "INSERT INTO work_items (input) SELECT * FROM unnest($1::text[]) ORDER BY 1 ON CONFLICT (input) DO NOTHING",
                    &[&inputs],
                )
                .map_err(tx(name))?;
            notify(t, name)?;
            Ok(n as usize)
        })?;
        Ok((added, inputs.len() - added))
    }

    /// Claims up to `n` items for `lease`; items whose claim expired
    /// `max_attempts` times are marked failed first.
    pub fn queue_claim(&mut self, worker: &str, n: usize, lease: Duration, max_attempts: i32) -> Result<Vec<WorkItem>> {
        let secs = lease.as_secs_f64();
        let limit = n.max(1) as i64;
        self.in_tx(|t, name| {
            t.execute(
                "UPDATE work_items SET state = 'failed', claimed_until = NULL, done_at = now(),
                     error = 'claimed ' || attempts || ' times and never completed (the worker died or overran its lease: '
                             || coalesce(claimed_by, '?') || ')'
                 WHERE state = 'claimed' AND claimed_until < now() AND attempts >= $1",
                &[&max_attempts],
            )
            .map_err(tx(name))?;
            let rows = t
                .query(
                    "UPDATE work_items w SET state = 'claimed', claimed_by = $1,
                         claimed_until = now() + make_interval(secs => $2), attempts = w.attempts + 1
                     FROM (SELECT id FROM work_items
                           WHERE state = 'pending' OR (state = 'claimed' AND claimed_until < now())
                           ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) c
                     WHERE w.id = c.id
                     RETURNING w.id, w.input, w.attempts",
                    &[&worker, &secs, &limit],
                )
                .map_err(tx(name))?;
            let mut items: Vec<WorkItem> =
                rows.iter().map(|r| WorkItem { id: r.get(0), input: r.get(1), attempts: r.get(2) }).collect();
            items.sort_by_key(|i| i.id);
            Ok(items)
        })
    }

    /// Stores the documents of a claimed batch and marks its items done or
    /// failed, in one transaction.
    pub fn queue_complete(
        &mut self,
        worker: &str,
        results: &[ItemResult],
        docs: &[JsonDocument],
    ) -> Result<Completion> {
        let mut lost = Vec::new();
        let ids: Vec<i64> = results.iter().map(|r| r.id).collect();
        let states: Vec<&str> = results.iter().map(|r| if r.error.is_some() { "failed" } else { "done" }).collect();
        let errors: Vec<Option<String>> =
            results.iter().map(|r| r.error.as_ref().map(|e| e.chars().take(4000).collect())).collect();
        let documents: Vec<i64> = results.iter().map(|r| r.documents).collect();
        let statements: Vec<i64> = results.iter().map(|r| r.statements).collect();
        let report = self.ingest_batch_then(docs, |t, name| {
            // One statement for the whole batch; the items it did not
            // update are no longer this worker's.
            let kept: std::collections::HashSet<i64> = t
                .query(
                    "UPDATE work_items w SET state = r.state, error = r.error, documents = r.documents,
                         statements = r.statements, done_at = now(), claimed_until = NULL
                     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
                          AS r(id, state, error, documents, statements)
                     WHERE w.id = r.id AND w.state = 'claimed' AND w.claimed_by = $6
                     RETURNING w.id",
                    &[&ids, &states, &errors, &documents, &statements, &worker],
                )
                .map_err(tx(name))?
                .iter()
                .map(|r| r.get(0))
                .collect();
            lost = ids.iter().copied().filter(|id| !kept.contains(id)).collect();
            notify(t, name)
        })?;
        Ok(Completion { report, lost })
    }

    /// Makes this worker's claims claimable again at once (a worker that
    /// stops cleanly with work in hand).
    pub fn queue_release(&mut self, worker: &str, ids: &[i64]) -> Result<()> {
        self.in_tx(|t, name| {
            t.execute(
                "UPDATE work_items SET state = 'pending', claimed_by = NULL, claimed_until = NULL
                 WHERE id = ANY($1) AND state = 'claimed' AND claimed_by = $2",
                &[&ids, &worker],
            )
            .map_err(tx(name))?;
            notify(t, name)
        })
    }

    /// Failed items back to pending (`whosaid queue retry`). Returns how many.
    pub fn queue_retry_failed(&mut self) -> Result<usize> {
        self.in_tx(|t, name| {
            let n = t
                .execute(
                    "UPDATE work_items SET state = 'pending', attempts = 0, error = NULL, done_at = NULL WHERE state = 'failed'",
                    &[],
                )
                .map_err(tx(name))?;
            notify(t, name)?;
            Ok(n as usize)
        })
    }

    /// Starts `worker`'s [`Heartbeat`] for claims of `lease`, on a
    /// connection of its own.
    pub fn queue_heartbeat(&self, worker: &str, lease: Duration) -> Result<Heartbeat> {
        let name = self.name.clone();
        let config = self.config.clone();
        let mut client = config.connect(postgres::NoTls).map_err(|e| db_err(&name, e))?;
        let (tx, rx) = std::sync::mpsc::channel::<Vec<i64>>();
        let last_error = std::sync::Arc::new(std::sync::Mutex::new(None));
        let errors = last_error.clone();
        let worker = worker.to_string();
        let every = (lease / 3).max(Duration::from_millis(10));
        let thread = std::thread::Builder::new()
            .name(format!("heartbeat {worker}"))
            .spawn(move || {
                let mut ids: Vec<i64> = Vec::new();
                let mut next = std::time::Instant::now() + every;
                loop {
                    let wait = next.saturating_duration_since(std::time::Instant::now());
                    match rx.recv_timeout(wait) {
                        Ok(held) => ids = held,
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                            next = std::time::Instant::now() + every;
                            if ids.is_empty() {
                                continue;
                            }
                            if client.is_closed() {
                                if let Ok(c) = config.connect(postgres::NoTls) {
                                    client = c;
                                }
                            }
                            let outcome = renew(&mut client, &worker, &ids, lease).map_err(|e| db_err(&name, e));
                            if let Ok(mut slot) = errors.lock() {
                                *slot = outcome.err().map(|e| e.to_string());
                            }
                        }
                    }
                }
            })
            .map_err(|e| Error::database(whosaid_store::Backend::Postgres, self.name.clone(), e.to_string()))?;
        Ok(Heartbeat { hold: Some(tx), thread: Some(thread), last_error })
    }

    /// Subscribes this session to queue changes ([`CHANNEL`]); call it
    /// before the look at the queue that [`PgStore::queue_wait`] follows, so
    /// no change in between goes unnoticed.
    pub fn queue_listen(&mut self) -> Result<()> {
        let name = self.name.clone();
        self.client.batch_execute(&format!("LISTEN {CHANNEL}")).map_err(|e| db_err(&name, e))
    }

    /// Ends [`PgStore::queue_listen`] and drops the changes heard so far: a
    /// worker busy with claims of its own would otherwise gather every other
    /// worker's notifications in memory until it next waits.
    pub fn queue_unlisten(&mut self) -> Result<()> {
        let name = self.name.clone();
        self.client.batch_execute(&format!("UNLISTEN {CHANNEL}")).map_err(|e| db_err(&name, e))?;
        let mut n = self.client.notifications();
        while n.iter().next().map_err(|e| db_err(&name, e))?.is_some() {}
        Ok(())
    }

    /// Waits until the queue changes (a notification since the last wait,
    /// or one arriving) or `timeout` passes (a claim expiring sends none);
    /// says whether it changed.
    pub fn queue_wait(&mut self, timeout: Duration) -> Result<bool> {
        let name = self.name.clone();
        let e = |e| db_err(&name, e);
        let mut n = self.client.notifications();
        let mut changed = false;
        while n.iter().next().map_err(e)?.is_some() {
            changed = true;
        }
        if !changed {
            changed = n.timeout_iter(timeout).next().map_err(e)?.is_some();
            while n.iter().next().map_err(e)?.is_some() {}
        }
        Ok(changed)
    }

    /// Counts the queue's items by state, with the failures and the live workers (`whosaid queue status`).
    pub fn queue_status(&mut self) -> Result<QueueStatus> {
        let name = self.name.clone();
        let e = |e| db_err(&name, e);
        let mut s = QueueStatus::default();
        let rows = self
            .client
            .query(
                "SELECT state, (state = 'claimed' AND claimed_until < now()), count(*)::bigint,
                        coalesce(sum(documents), 0)::bigint, coalesce(sum(statements), 0)::bigint
                 FROM work_items GROUP BY 1, 2",
                &[],
            )
            .map_err(e)?;
        for r in rows {
            let (state, expired, n): (String, bool, i64) = (r.get(0), r.get(1), r.get(2));
            match (state.as_str(), expired) {
                ("pending", _) => s.pending += n,
                ("claimed", false) => s.claimed += n,
                ("claimed", true) => s.expired += n,
                ("done", _) => {
                    s.done += n;
                    s.documents += r.get::<_, i64>(3);
                    s.statements += r.get::<_, i64>(4);
                }
                ("failed", _) => s.failed += n,
                (other, _) => {
                    return Err(Error::Data {
                        what: name.clone(),
                        reason: format!("unknown work item state {other:?}"),
                    })
                }
            }
        }
        s.failures = self
            .client
            .query(
                "SELECT input, coalesce(error, '') FROM work_items WHERE state = 'failed' ORDER BY id LIMIT 100",
                &[],
            )
            .map_err(e)?
            .iter()
            .map(|r| (r.get(0), r.get(1)))
            .collect();
        s.workers = self
            .client
            .query(
                "SELECT claimed_by, count(*)::bigint FROM work_items
                 WHERE state = 'claimed' AND claimed_until >= now() GROUP BY 1 ORDER BY claimed_by COLLATE \"C\"",
                &[],
            )
            .map_err(e)?
            .iter()
            .map(|r| (r.get::<_, Option<String>>(0).unwrap_or_default(), r.get(1)))
            .collect();
        Ok(s)
    }
}
