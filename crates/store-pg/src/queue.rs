//! The work queue many workers share (`whosaid queue add`, `whosaid work`,
//! `whosaid queue status`): one row per input file in `work_items`.
//!
//! - A worker **claims** a batch of items with `FOR UPDATE SKIP LOCKED`
//!   (concurrent claimers never wait for nor take each other's rows) and a
//!   lease (`claimed_until`). Every claim takes a new **claim token**
//!   ([`WorkItem::claim`], from the `work_item_claims` sequence). An item
//!   whose lease ran out (its worker was killed, its machine lost, or its
//!   batch stuck) is claimable again, under a new token; after
//!   `max_attempts` expired claims it is marked failed instead, so one
//!   poisonous input cannot stall the queue.
//! - The worker **completes** the batch in one transaction: it locks its
//!   items and keeps those still holding its token, then stores their
//!   documents (the batched write of `ingest.rs`, exactly once by document
//!   key) and their new state (done, or failed with the reason), all
//!   committed together. A worker killed before that commit leaves nothing
//!   behind but its expiring claim.
//! - A worker whose claim was taken over (its lease expired and another
//!   worker claimed the item: a new token) **writes nothing** for that item,
//!   neither its documents nor its state ([`Completion::lost`]): the new
//!   claimant's result is the one stored. The token check and the takeover
//!   cannot interleave: the completion holds the rows locked, and a claimer
//!   skips locked rows.
//! - A live worker keeps a batch longer than its lease while the batch
//!   makes progress: a [`Heartbeat`] (a thread with its own connection)
//!   renews the claim every third of the lease if the worker reported
//!   progress ([`Progress::tick`]: a document extracted, an input done) since
//!   the last renewal, and never past the batch's maximum lifetime. A stuck
//!   batch's claim therefore expires at most 4/3 of a lease after its last
//!   progress, and any batch's at most `max(lease, max lifetime)` after it
//!   was claimed; a killed worker's heartbeat dies with it.
//! - An item completed with documents written is marked `unlinked` in the
//!   completing transaction; every re-link (the store interface's `relink`,
//!   and [`PgStore::relink_if_pending`], the last worker's on a drained
//!   queue) clears the marks of the items whose documents it read. A re-link that failed or never ran is therefore
//!   still due: [`QueueStatus::relink_pending`] says so, and the next
//!   worker to find the queue drained redoes it.
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

/// The default maximum lifetime of a batch's claim (`whosaid work
/// --max-batch-secs`): a heartbeat renews a claim at most this long after
/// it was taken, however the batch progresses.
pub const MAX_BATCH_LIFETIME: Duration = Duration::from_secs(3600);

/// A worker's sign of progress on its batch, for its [`Heartbeat`]: cheap
/// to tick (an atomic counter), cloned into the extraction's document sink.
#[derive(Clone, Debug, Default)]
pub struct Progress(std::sync::Arc<std::sync::atomic::AtomicU64>);

impl Progress {
    /// Reports progress (a document extracted, an input done).
    pub fn tick(&self) {
        self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }

    fn count(&self) -> u64 {
        self.0.load(std::sync::atomic::Ordering::Relaxed)
    }
}

/// Renews a worker's claim from a thread of its own (its own connection),
/// every third of the lease, while the worker holds it ([`Heartbeat::hold`])
/// and makes progress ([`Heartbeat::progress`]), for at most the batch's
/// maximum lifetime; stops when dropped. A renewal applies only to the rows
/// still holding the claim's token and never waits for a row lock (a
/// completing transaction holds the row: nothing to renew), so it cannot
/// deadlock with the worker nor renew a claim another worker took over.
pub struct Heartbeat {
    hold: Option<std::sync::mpsc::Sender<Option<i64>>>,
    progress: Progress,
    thread: Option<std::thread::JoinHandle<()>>,
    note: std::sync::Arc<std::sync::Mutex<Option<String>>>,
}

impl Heartbeat {
    /// Renews this claim token's items from now on (a batch claimed now),
    /// or none (`None`: the batch is completed).
    pub fn hold(&self, claim: Option<i64>) {
        if let Some(h) = &self.hold {
            // The thread ends only when this is dropped.
            let _ = h.send(claim);
        }
    }

    /// The handle the worker reports progress through; without a tick
    /// between two renewals the claim is not renewed.
    pub fn progress(&self) -> &Progress {
        &self.progress
    }

    /// Why the claim held was last not renewed (a renewal failed, the batch
    /// made no progress, or it reached its maximum lifetime), once.
    pub fn take_note(&self) -> Option<String> {
        self.note.lock().map(|mut e| e.take()).unwrap_or_else(|e| e.into_inner().take())
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

/// Extends the lease of the items still holding `claim` by `lease`; returns how many.
fn renew(client: &mut postgres::Client, claim: i64, lease: Duration) -> std::result::Result<u64, postgres::Error> {
    client.execute(
        "UPDATE work_items SET claimed_until = now() + make_interval(secs => $2)
         WHERE id IN (SELECT id FROM work_items WHERE claim = $1 AND state = 'claimed' FOR UPDATE SKIP LOCKED)",
        &[&claim, &lease.as_secs_f64()],
    )
}

/// Marks every completed item's documents re-linked (the re-link that
/// read them calls this in its transaction, after its tables are locked:
/// an item completing meanwhile waits for it, and stays marked).
pub(crate) fn mark_linked(t: &mut postgres::Transaction<'_>, name: &str) -> crate::TxResult<()> {
    t.execute(
        "UPDATE work_items SET unlinked = false
         WHERE id IN (SELECT id FROM work_items WHERE unlinked FOR UPDATE SKIP LOCKED)",
        &[],
    )
    .map_err(tx(name))
    .map(|_| ())
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
    /// This claim's token (the same for every item of one
    /// [`PgStore::queue_claim`]): a completion or renewal under it applies
    /// only while no other claim took the item over.
    pub claim: i64,
}

/// What a worker did with one claimed item (its documents are the next
/// `documents` of those handed to [`PgStore::queue_complete`]).
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
    /// Items no longer held by this claim (its lease expired and another
    /// worker took them over, or they were released); nothing of them was
    /// written: their documents are the new claimant's to store.
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
    /// Items whose documents were stored since the last re-link of actors
    /// (a re-link is due: the next worker to find the queue drained runs it).
    pub relink_pending: i64,
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

    /// How many items `worker` should claim now (at most `batch`): its
    /// share of the claimable items (pending, or claimed with an expired
    /// lease) among itself and the other workers holding live claims,
    /// rounded up — `batch` while the queue has a full batch for each of
    /// them, fewer near its end, so the workers finish their last batches
    /// at about the same time instead of one finishing a whole batch alone
    /// (the others waiting for it to re-link). At least 1.
    pub fn queue_share(&mut self, worker: &str, batch: usize) -> Result<usize> {
        let batch = batch.max(1);
        // Counted up to a cap: a long queue gives everyone a full batch.
        let cap = (batch as i64).saturating_mul(256);
        let name = self.name.clone();
        let row = self
            .client
            .query_one(
                "SELECT (SELECT count(*) FROM (SELECT 1 FROM work_items
                                               WHERE state = 'pending' OR (state = 'claimed' AND claimed_until < now())
                                               LIMIT $2) c),
                        (SELECT count(DISTINCT claimed_by) FROM work_items
                         WHERE state = 'claimed' AND claimed_until >= now() AND claimed_by IS DISTINCT FROM $1)",
                &[&worker, &cap],
            )
            .map_err(|e| db_err(&name, e))?;
        let (claimable, others): (i64, i64) = (row.get(0), row.get(1));
        Ok(fair_share(batch, claimable.max(0) as usize, others.max(0) as usize))
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
                 WHERE id IN (SELECT id FROM work_items WHERE state = 'claimed' AND claimed_until < now()
                              AND attempts >= $1 FOR UPDATE SKIP LOCKED)",
                &[&max_attempts],
            )
            .map_err(tx(name))?;
            let rows = t
                .query(
                    "WITH token AS (SELECT nextval('work_item_claims') AS claim)
                     UPDATE work_items w SET state = 'claimed', claimed_by = $1, claim = token.claim,
                         claimed_until = now() + make_interval(secs => $2), attempts = w.attempts + 1
                     FROM token, (SELECT id FROM work_items
                           WHERE state = 'pending' OR (state = 'claimed' AND claimed_until < now())
                           ORDER BY id LIMIT $3 FOR UPDATE SKIP LOCKED) c
                     WHERE w.id = c.id
                     RETURNING w.id, w.input, w.attempts, w.claim",
                    &[&worker, &secs, &limit],
                )
                .map_err(tx(name))?;
            let mut items: Vec<WorkItem> = rows
                .iter()
                .map(|r| WorkItem { id: r.get(0), input: r.get(1), attempts: r.get(2), claim: r.get(3) })
                .collect();
            items.sort_by_key(|i| i.id);
            Ok(items)
        })
    }

    /// Stores the documents of a claimed batch and marks its items done or
    /// failed, in one transaction, for the items still holding `claim`
    /// (locked first): an item another claim took over is left to it,
    /// nothing of it written ([`Completion::lost`]). `docs` are the items'
    /// documents in the order of `results`, `documents` of each.
    pub fn queue_complete(&mut self, claim: i64, results: &[ItemResult], docs: &[JsonDocument]) -> Result<Completion> {
        if let Some(r) = results.iter().find(|r| r.documents < 0) {
            return Err(Error::Data {
                what: self.name.clone(),
                reason: format!("queue item {} reports {} documents", r.id, r.documents),
            });
        }
        let counted: i64 = results.iter().map(|r| r.documents).sum();
        if counted != docs.len() as i64 {
            return Err(Error::Data {
                what: self.name.clone(),
                reason: format!("a batch result counts {counted} documents but hands {}", docs.len()),
            });
        }
        let ids: Vec<i64> = results.iter().map(|r| r.id).collect();
        let name = self.name.clone();
        crate::ingest::precommit_shared_keys(&mut self.client, &name, docs, claim, &ids)?;
        // Each item's documents: docs[start..end].
        let mut spans = Vec::with_capacity(results.len());
        let mut start = 0usize;
        for r in results {
            let end = start + r.documents as usize;
            spans.push((r.id, start..end));
            start = end;
        }
        let (report, kept) = self.ingest_batch_fenced(
            |t, name| {
                let ids: Vec<i64> = results.iter().map(|r| r.id).collect();
                let kept: std::collections::HashSet<i64> = t
                    .query(
                        "SELECT id FROM work_items WHERE id = ANY($1) AND state = 'claimed' AND claim = $2
                         ORDER BY id FOR UPDATE",
                        &[&ids, &claim],
                    )
                    .map_err(tx(name))?
                    .iter()
                    .map(|r| r.get(0))
                    .collect();
                let docs = if kept.len() == results.len() {
                    std::borrow::Cow::Borrowed(docs)
                } else {
                    let mut mine = Vec::new();
                    for (id, span) in &spans {
                        if kept.contains(id) {
                            mine.extend_from_slice(&docs[span.clone()]);
                        }
                    }
                    std::borrow::Cow::Owned(mine)
                };
                Ok((docs, kept))
            },
            |t, name, report, kept| {
                let mine: Vec<&ItemResult> = results.iter().filter(|r| kept.contains(&r.id)).collect();
                if mine.is_empty() {
                    return Ok(());
                }
                let ids: Vec<i64> = mine.iter().map(|r| r.id).collect();
                let states: Vec<&str> =
                    mine.iter().map(|r| if r.error.is_some() { "failed" } else { "done" }).collect();
                let errors: Vec<Option<String>> =
                    mine.iter().map(|r| r.error.as_ref().map(|e| e.chars().take(4000).collect())).collect();
                let documents: Vec<i64> = mine.iter().map(|r| r.documents).collect();
                let statements: Vec<i64> = mine.iter().map(|r| r.statements).collect();
                // Documents written: their actors want a re-link.
                let unlinked = report.counts.inserted + report.counts.updated > 0;
                // One statement for the whole batch.
                t.execute(
                    "UPDATE work_items w SET state = r.state, error = r.error, documents = r.documents,
                         statements = r.statements, done_at = now(), claimed_until = NULL,
                         unlinked = w.unlinked OR $6
                     FROM unnest($1::bigint[], $2::text[], $3::text[], $4::bigint[], $5::bigint[])
                          AS r(id, state, error, documents, statements)
                     WHERE w.id = r.id",
                    &[&ids, &states, &errors, &documents, &statements, &unlinked],
                )
                .map_err(tx(name))?;
                notify(t, name)
            },
        )?;
        let lost = results.iter().map(|r| r.id).filter(|id| !kept.contains(id)).collect();
        Ok(Completion { report, lost })
    }

    /// Makes these items of a claim claimable again at once (a worker that
    /// stops cleanly with work in hand).
    pub fn queue_release(&mut self, claim: i64, ids: &[i64]) -> Result<()> {
        self.in_tx(|t, name| {
            t.execute(
                "UPDATE work_items SET state = 'pending', claimed_by = NULL, claimed_until = NULL
                 WHERE id = ANY($1) AND state = 'claimed' AND claim = $2",
                &[&ids, &claim],
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

    /// Starts `worker`'s [`Heartbeat`] for claims of `lease` and batches of
    /// at most `max_batch` ([`MAX_BATCH_LIFETIME`] by default), on a
    /// connection of its own.
    pub fn queue_heartbeat(&self, worker: &str, lease: Duration, max_batch: Duration) -> Result<Heartbeat> {
        let name = self.name.clone();
        let config = self.config.clone();
        let mut client = config.connect(postgres::NoTls).map_err(|e| db_err(&name, e))?;
        let (tx, rx) = std::sync::mpsc::channel::<Option<i64>>();
        let note = std::sync::Arc::new(std::sync::Mutex::new(None));
        let notes = note.clone();
        let progress = Progress::default();
        let ticks = progress.clone();
        let every = (lease / 3).max(Duration::from_millis(10));
        let thread = std::thread::Builder::new()
            .name(format!("heartbeat {worker}"))
            .spawn(move || {
                let set = |n: Option<String>| {
                    if let Ok(mut slot) = notes.lock() {
                        *slot = n;
                    }
                };
                // The claim held: its token, when it was taken, the progress count at the last renewal.
                let mut held: Option<(i64, std::time::Instant, u64)> = None;
                let mut next = std::time::Instant::now() + every;
                loop {
                    let wait = next.saturating_duration_since(std::time::Instant::now());
                    match rx.recv_timeout(wait) {
                        Ok(claim) => {
                            // A new batch: what was noted of the last one is stale.
                            if claim.is_some() {
                                set(None);
                            }
                            held = claim.map(|c| (c, std::time::Instant::now(), ticks.count()));
                        }
                        Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => return,
                        Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                            next = std::time::Instant::now() + every;
                            let Some((claim, since, seen)) = held.as_mut() else { continue };
                            let age = since.elapsed();
                            if age >= max_batch {
                                set(Some(format!(
                                    "the batch reached its maximum lifetime ({}s); its claim was no longer renewed",
                                    max_batch.as_secs()
                                )));
                                continue;
                            }
                            let count = ticks.count();
                            if count == *seen {
                                set(Some(format!(
                                    "the batch made no progress for {:.0}s; its claim was not renewed",
                                    every.as_secs_f64()
                                )));
                                continue;
                            }
                            *seen = count;
                            if client.is_closed() {
                                if let Ok(c) = config.connect(postgres::NoTls) {
                                    client = c;
                                }
                            }
                            // Never past the batch's maximum lifetime.
                            let lease = lease.min(max_batch - age);
                            match renew(&mut client, *claim, lease) {
                                Ok(_) => {}
                                Err(e) => set(Some(format!("renewing the claim failed: {}", db_err(&name, e)))),
                            }
                        }
                    }
                }
            })
            .map_err(|e| Error::database(whosaid_store::Backend::Postgres, self.name.clone(), e.to_string()))?;
        Ok(Heartbeat { hold: Some(tx), progress, thread: Some(thread), note })
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
        s.relink_pending =
            self.client.query_one("SELECT count(*) FROM work_items WHERE unlinked", &[]).map_err(e)?.get(0);
        Ok(s)
    }
}

/// A worker's claim of `claimable` items shared with `others` workers
/// holding claims: `batch`, or `claimable / (others + 1)` rounded up when
/// that is less; at least 1.
fn fair_share(batch: usize, claimable: usize, others: usize) -> usize {
    claimable.div_ceil(others + 1).clamp(1, batch.max(1))
}

#[cfg(test)]
mod tests {
    use super::fair_share;

    #[test]
    fn a_share_is_a_full_batch_until_the_queue_runs_short() {
        assert_eq!(fair_share(4, 100, 1), 4);
        assert_eq!(fair_share(4, 8, 1), 4);
        assert_eq!(fair_share(4, 7, 1), 4);
        assert_eq!(fair_share(4, 4, 1), 2);
        assert_eq!(fair_share(4, 3, 1), 2);
        assert_eq!(fair_share(4, 1, 1), 1);
        assert_eq!(fair_share(4, 0, 1), 1, "at least one (the claim finds what there is)");
        assert_eq!(fair_share(4, 3, 0), 3, "alone: what there is");
        assert_eq!(fair_share(4, 9, 3), 3);
        assert_eq!(fair_share(0, 9, 0), 1);
    }
}
