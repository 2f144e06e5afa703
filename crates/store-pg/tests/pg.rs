//! The PostgreSQL store against a real server (`WHOSAID_TEST_PG`, a
//! `postgres://` URL of a throwaway server whose user may create databases;
//! `scripts/pg-cluster start DIR` makes one, and `.ci/run` does). Each test
//! works in a database of its own. Without the variable every test prints
//! `SKIPPED …` and returns; with `WHOSAID_REQUIRE_PG=1` (CI) it fails instead.
//!
//! The reference is the SQLite store: the same documents through both must
//! give the same documents, statements, actors, links and search results.

use std::collections::BTreeSet;
use std::path::Path;
use std::time::Duration;

use whosaid::Pipeline;
use whosaid_document::output::JsonDocument;
use whosaid_document::Meta;
use whosaid_lexicon::Lexicon;
use whosaid_store::backend::StatementStore;
use whosaid_store::{DocumentsQuery, Outcome, Scope, SearchQuery, Sort, Store};
use whosaid_store_pg::queue::ItemResult;
use whosaid_store_pg::PgStore;

use whosaid_store_pg::testing::{fresh_db, server, snapshot};

use whosaid_testkit::TempDir;

/// The seed, every fixture article and the multi-outlet corpus through the pipeline.
fn analysed() -> Vec<JsonDocument> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let pipeline = Pipeline::new(Lexicon::builtin());
    let mut paths = whosaid_testkit::seed_and_articles();
    paths.extend(whosaid_testkit::txt_files(&root.join("store/tests/fixtures/outlets")));
    paths
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = std::fs::read_to_string(p).unwrap();
            let dates = ["2025-03-30", "2025-04-01", "2025-04-23"];
            let meta = Meta {
                published: chrono::NaiveDate::parse_from_str(dates[i % 3], "%Y-%m-%d").ok(),
                url: (i % 2 == 0).then(|| format!("https://www.example{}.com/news/{i}", i % 4)),
                ..Meta::default()
            };
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            JsonDocument::from_document(&pipeline.extract(&text, &name, meta))
        })
        .collect()
}

fn sqlite_reference(docs: &[JsonDocument], dir: &TempDir) -> Store {
    let mut store = Store::open(&dir.0.join("ref.db")).unwrap();
    {
        let mut w = store.writer(7);
        for d in docs {
            w.put(d).unwrap();
        }
        w.finish().unwrap();
    }
    store
}

/// A set of searches both backends must answer alike: (total, {(doc, idx)}).
fn searches(s: &mut dyn StatementStore) -> Vec<(i64, BTreeSet<(String, i64)>)> {
    let queries = vec![
        SearchQuery { text: Some("said".into()), ..Default::default() },
        SearchQuery { text: Some("president OR minister".into()), ..Default::default() },
        SearchQuery { text: Some("\"the united states\"".into()), ..Default::default() },
        SearchQuery { text: Some("negotiat*".into()), sort: Sort::Newest, ..Default::default() },
        SearchQuery { text: Some("war".into()), scope: Scope::Articles, ..Default::default() },
        SearchQuery { speaker: Some("trump".into()), ..Default::default() },
        SearchQuery { outlet: Some("example0.com".into()), ..Default::default() },
        SearchQuery { since: Some("2025-04".into()), until: Some("2025-04-01".into()), ..Default::default() },
        SearchQuery { kinds: vec!["direct".into(), "mixed".into()], ..Default::default() },
        SearchQuery { speaker: Some("rub".into()), until: Some("2025-03".into()), ..Default::default() },
        SearchQuery { speaker: Some("MINISTER".into()), since: Some("2025-04-01".into()), ..Default::default() },
        SearchQuery {
            text: Some("said".into()),
            since: Some("2025-04".into()),
            until: Some("2025-04".into()),
            ..Default::default()
        },
    ];
    queries
        .into_iter()
        .map(|mut q| {
            q.limit = 1 << 20;
            let r = s.search(&q).unwrap_or_else(|e| panic!("{q:?}: {e}"));
            (r.total, r.results.iter().map(|h| (h.doc.clone(), h.idx)).collect())
        })
        .collect()
}

#[test]
fn ingest_matches_sqlite_documents_statements_actors_and_search() {
    let Some(url) = server("ingest_matches_sqlite_documents_statements_actors_and_search") else { return };
    let url = fresh_db(&url, "parity");
    let docs = analysed();
    let dir = TempDir::new("pg-parity");
    let mut reference = sqlite_reference(&docs, &dir);
    let mut pg = PgStore::open(&url).unwrap();
    {
        // Outcomes are settled a batch at a time, every one of them once.
        let mut w = StatementStore::writer(&mut pg, 7);
        let mut outcomes = Vec::new();
        for d in &docs {
            let settled = w.put(d).unwrap();
            assert_eq!(settled.committed.is_some(), !settled.outcomes.is_empty());
            outcomes.extend(settled.outcomes);
        }
        outcomes.extend(w.finish().unwrap().outcomes);
        assert_eq!(outcomes, vec![Outcome::Inserted; docs.len()]);
    }
    let want = snapshot(&mut reference);
    assert!(want.counts.0 > 40 && want.counts.1 > 80 && want.counts.2 > 50, "{:?}", want.counts);
    assert!(!want.links.is_empty(), "the fixtures link some spellings");
    let got = snapshot(&mut pg);
    assert_eq!(got.counts, want.counts);
    assert_eq!(got.actors, want.actors);
    assert_eq!(got.statements, want.statements);
    assert_eq!(got.links, want.links);
    assert_eq!(got.documents, want.documents);
    let (a, b) = (searches(&mut reference), searches(&mut pg));
    let found: Vec<i64> = a.iter().map(|x| x.0).collect();
    assert!(found.iter().filter(|&&n| n > 0).count() >= 10, "most searches find something: {found:?}");
    for (i, (x, y)) in a.iter().zip(&b).enumerate() {
        assert_eq!(x, y, "search {i}");
    }
    // The document list: the same exact totals (also past the last page)
    // and the same documents, in the same order when not ranked.
    let pages = [
        DocumentsQuery::default(),
        DocumentsQuery { text: Some("said".into()), ..Default::default() },
        DocumentsQuery {
            text: Some("ceasefire OR minister".into()),
            since: Some("2025-04".into()),
            ..Default::default()
        },
        DocumentsQuery { outlet: Some("example0.com".into()), ..Default::default() },
        DocumentsQuery { since: Some("2025-04-01".into()), until: Some("2025-04".into()), ..Default::default() },
        DocumentsQuery { until: Some("2025-03".into()), offset: 1000, ..Default::default() },
    ];
    for (i, q) in pages.into_iter().enumerate() {
        let q = DocumentsQuery { limit: if q.offset > 0 { 5 } else { 1 << 20 }, ..q };
        let (a, b) = (StatementStore::documents(&mut reference, &q).unwrap(), pg.documents(&q).unwrap());
        assert_eq!(b.total, a.total, "documents {i}: {q:?}");
        assert!(a.total > 0 && a.total <= want.counts.0, "documents {i}: {}", a.total);
        let keys = |p: &whosaid_store::DocumentPage| p.results.iter().map(|d| d.doc.clone()).collect::<Vec<_>>();
        let (mut ka, mut kb) = (keys(&a), keys(&b));
        assert_eq!(ka.len() as i64, if q.offset > 0 { 0 } else { a.total }, "documents {i}");
        if q.text.is_some() {
            ka.sort();
            kb.sort();
        }
        assert_eq!(kb, ka, "documents {i}: {q:?}");
    }
    // Relevance puts a statement containing the word first.
    let top = pg.search(&SearchQuery { text: Some("ceasefire".into()), limit: 3, ..Default::default() }).unwrap();
    assert!(top.results.iter().all(|h| h.content.to_lowercase().contains("ceasefire")), "{top:?}");

    // Re-ingest writes nothing; an edited document is updated in place.
    let report = pg.ingest_batch(&docs).unwrap();
    assert!(report.outcomes.iter().all(|o| *o == Outcome::Unchanged), "{:?}", report.outcomes);
    let mut edited = docs[3].clone();
    edited.meta.title = Some("An edited title".into());
    let key = whosaid_store::document_key(&edited);
    let before = pg.find_document(&key).unwrap().unwrap();
    let r = pg.ingest_batch(&[edited.clone(), edited.clone()]).unwrap();
    assert_eq!(r.outcomes, vec![Outcome::Updated, Outcome::Unchanged]);
    assert_eq!(pg.find_document(&key).unwrap(), Some(before));
    assert_eq!(pg.counts().unwrap(), want.counts);
    // The outlet comparison reads the same corpus (contested terms
    // included), and an update replaced the document's terms, not added to them.
    /// Per article key: its (term, variant, use) triples.
    type Terms = Vec<(String, Vec<(String, String, String)>)>;
    let terms = |s: &mut dyn StatementStore| -> Terms {
        s.corpus()
            .unwrap()
            .articles
            .iter()
            .map(|a| {
                (a.key.clone(), a.terms.iter().map(|t| (t.group.clone(), t.kind.clone(), t.term.clone())).collect())
            })
            .collect()
    };
    reference.ingest_batch(&[edited.clone()]).unwrap();
    let (want_terms, got_terms) = (terms(&mut reference), terms(&mut pg));
    assert!(want_terms.iter().map(|t| t.1.len()).sum::<usize>() > 0, "the fixtures have contested terms");
    assert_eq!(got_terms, want_terms);
    let mut other = edited.clone();
    other.meta.title = Some("Yet another title".into());
    assert_eq!(pg.ingest_batch(&[edited, other]).unwrap().outcomes, vec![Outcome::Unchanged, Outcome::Conflict]);

    // Corrections behave as in SQLite.
    pg.correct_actors("split", "Trump", "Donald Trump").unwrap();
    reference.correct_actors("split", "Trump", "Donald Trump").unwrap();
    assert_eq!(snapshot(&mut pg).actors, snapshot(&mut reference).actors);
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let moved: i64 = c
        .query_one(
            "SELECT count(*) FROM statements s JOIN actors a ON a.id = s.speaker_actor WHERE a.name = 'Trump'",
            &[],
        )
        .unwrap()
        .get(0);
    assert!(moved > 0, "the split moved statements to the actor Trump");
    assert_eq!(dangling(&mut c), 0);
    assert!(pg.correct_actors("merge", "Trump", "trump").is_err());
}

/// A batch is stored with a few statements for all its documents
/// (ingest.rs `put_new`), yet gives what the SQLite store gives putting the
/// documents one by one: the same rows, and the same duplicate marks for
/// copies of a document stored before, earlier in the same batch, or later
/// in it (the copy that comes first is the original).
#[test]
fn whole_batches_store_what_one_by_one_puts_store_duplicate_marks_included() {
    let Some(url) = server("whole_batches_store_what_one_by_one_puts_store_duplicate_marks_included") else { return };
    let url = fresh_db(&url, "batches");
    let mut docs = analysed();
    let copy = |d: &JsonDocument, tag: &str| {
        let mut c = d.clone();
        c.source = format!("{tag}-{}", d.source);
        c
    };
    // docs[1]'s copy 3 places after it (same batch of 5), docs[2]'s in the
    // next batch, the copy of a later document (with statements, so the
    // snapshot shows it) just before it, and a copy already marked.
    let later = (11..docs.len()).find(|&i| !docs[i].statements.is_empty()).unwrap();
    let (one, two, before) = (copy(&docs[1], "a"), copy(&docs[2], "b"), copy(&docs[later], "c"));
    let mut marked = copy(&docs[4], "d");
    marked.duplicate_of = Some("elsewhere".into());
    docs.insert(later, before);
    docs.insert(7, two);
    docs.insert(4, one);
    docs.insert(6, marked);
    let dir = TempDir::new("pg-batches");
    let mut reference = sqlite_reference(&docs, &dir);
    let want = snapshot(&mut reference);
    let dups = want.documents.iter().filter(|d| d.duplicate_of.is_some()).count();
    assert!(dups >= 4, "the copies are marked in SQLite: {dups}");
    let mut pg = PgStore::open(&url).unwrap();
    for chunk in docs.chunks(5) {
        let r = pg.ingest_batch(chunk).unwrap();
        assert!(r.outcomes.iter().all(|o| *o == Outcome::Inserted), "{:?}", r.outcomes);
        assert_eq!(r.counts.statements, chunk.iter().map(|d| d.statements.len()).sum::<usize>());
    }
    pg.relink().unwrap();
    let got = snapshot(&mut pg);
    // Documents (duplicate marks included), statements, actors, links.
    assert_eq!(got, want);
    // Again in other batches: the same outcomes as SQLite's (a copy put
    // again without its mark is an update there too), then the same rows.
    let mut outcomes = Vec::new();
    for chunk in docs.chunks(9) {
        let (a, b) = (reference.ingest_batch(chunk).unwrap(), pg.ingest_batch(chunk).unwrap());
        assert_eq!(b.outcomes, a.outcomes);
        outcomes.extend(b.outcomes);
    }
    assert!(outcomes.iter().filter(|o| **o == Outcome::Unchanged).count() > docs.len() / 2, "{outcomes:?}");
    reference.relink().unwrap();
    pg.relink().unwrap();
    assert_eq!(snapshot(&mut pg), snapshot(&mut reference));
}

#[test]
fn racing_writers_store_every_document_once_and_link_the_same_actors() {
    let Some(url) = server("racing_writers_store_every_document_once_and_link_the_same_actors") else { return };
    let url = fresh_db(&url, "race");
    let docs = analysed();
    let dir = TempDir::new("pg-race");
    let want = snapshot(&mut sqlite_reference(&docs, &dir));
    PgStore::open(&url).unwrap();
    // Three writers over the same documents in different orders and batch
    // sizes, and re-links running meanwhile (one deletes the actors no
    // entity has, while the writers resolve actors and link entities to them).
    let writing = std::sync::atomic::AtomicUsize::new(3);
    std::thread::scope(|s| {
        let (url_, writing) = (url.clone(), &writing);
        s.spawn(move || {
            let mut pg = PgStore::open(&url_).unwrap();
            while writing.load(std::sync::atomic::Ordering::SeqCst) > 0 {
                pg.relink().unwrap();
            }
        });
        for w in 0..3usize {
            let (url, docs) = (url.clone(), docs.clone());
            s.spawn(move || {
                let mut pg = PgStore::open(&url).unwrap();
                let mut order: Vec<JsonDocument> = docs;
                if w == 1 {
                    order.reverse();
                }
                if w == 2 {
                    order.rotate_left(17);
                }
                for chunk in order.chunks(3 + w * 4) {
                    pg.ingest_batch(chunk).unwrap();
                }
                writing.fetch_sub(1, std::sync::atomic::Ordering::SeqCst);
            });
        }
    });
    let mut pg = PgStore::open(&url).unwrap();
    pg.relink().unwrap();
    assert_eq!(dangling(&mut postgres::Client::connect(&url, postgres::NoTls).unwrap()), 0);
    let got = snapshot(&mut pg);
    assert_eq!(got.counts, want.counts);
    assert_eq!(got.actors, want.actors);
    assert_eq!(got.links, want.links);
    // Statements: everything but duplicate marks, which depend on which copy came first.
    assert_eq!(got.statements, want.statements);
}

/// Two sessions on a fresh database named `db` (two workers of one queue)
/// and its URL, or None when there is no server (the test then SKIPs).
fn two_sessions(test: &str, db: &str) -> Option<(String, PgStore, PgStore)> {
    let url = fresh_db(&server(test)?, db);
    let (a, b) = (PgStore::open(&url).unwrap(), PgStore::open(&url).unwrap());
    Some((url, a, b))
}

#[test]
fn claims_skip_each_other_expire_and_fail_after_max_attempts() {
    let Some((_, mut a, mut b)) = two_sessions("claims_skip_each_other_expire_and_fail_after_max_attempts", "claims")
    else {
        return;
    };
    let inputs: Vec<String> = (0..10).map(|i| format!("/in/{i:02}.txt")).collect();
    assert_eq!(a.queue_add(&inputs).unwrap(), (10, 0));
    assert_eq!(a.queue_add(&inputs[..3]).unwrap(), (0, 3));
    let long = Duration::from_secs(600);
    let ca = a.queue_claim("a", 4, long, 3).unwrap();
    let cb = b.queue_claim("b", 4, long, 3).unwrap();
    assert_eq!(ca.len(), 4);
    assert_eq!(cb.len(), 4);
    let ids: BTreeSet<i64> = ca.iter().chain(&cb).map(|i| i.id).collect();
    assert_eq!(ids.len(), 8, "no item claimed twice");
    // A short lease expires and the item is taken by the next claimer.
    let cs = a.queue_claim("a", 2, Duration::from_millis(200), 2).unwrap();
    assert_eq!(cs.len(), 2);
    std::thread::sleep(Duration::from_millis(400));
    let st = a.queue_status().unwrap();
    assert_eq!((st.pending, st.claimed, st.expired), (0, 8, 2), "{st:?}");
    let retaken = b.queue_claim("b", 5, Duration::from_millis(200), 2).unwrap();
    assert_eq!(retaken.iter().map(|i| i.id).collect::<Vec<_>>(), cs.iter().map(|i| i.id).collect::<Vec<_>>());
    assert!(retaken.iter().all(|i| i.attempts == 2));
    // The first claimant completes late: its claim is lost, the item stays b's.
    assert!(retaken.iter().all(|i| i.claim != cs[0].claim), "a takeover is a new claim token");
    let late = ItemResult { id: cs[0].id, documents: 0, statements: 0, error: None };
    assert_eq!(a.queue_complete(cs[0].claim, &[late], &[]).unwrap().lost, vec![cs[0].id]);
    // Expired twice with max_attempts 2: failed with a reason, not claimed again.
    std::thread::sleep(Duration::from_millis(400));
    assert!(a.queue_claim("a", 5, long, 2).unwrap().is_empty());
    let st = a.queue_status().unwrap();
    assert_eq!(st.failed, 2, "{st:?}");
    assert!(st.failures.iter().all(|(_, why)| why.contains("never completed")), "{st:?}");
    // Done and failed with reasons.
    let docs = analysed();
    let done: Vec<ItemResult> = ca
        .iter()
        .enumerate()
        .map(|(i, it)| ItemResult {
            id: it.id,
            documents: 1,
            statements: docs[i].statements.len() as i64,
            error: (i == 0).then(|| "cannot read: no such file".to_string()),
        })
        .collect();
    assert!(a.queue_complete(ca[0].claim, &done, &docs[..4]).unwrap().lost.is_empty());
    let st = a.queue_status().unwrap();
    assert_eq!((st.done, st.failed, st.claimed, st.total()), (3, 3, 4, 10), "{st:?}");
    let statements: i64 = docs[1..4].iter().map(|d| d.statements.len() as i64).sum();
    assert_eq!((st.documents, st.statements), (3, statements));
    assert_eq!(st.relink_pending, 4, "documents stored: a re-link is due");
    assert!(st.failures.iter().any(|(i, why)| *i == ca[0].input && why.contains("no such file")));
    assert_eq!(st.workers, vec![("b".to_string(), 4)]);
    assert_eq!(a.queue_retry_failed().unwrap(), 3);
    assert_eq!(a.queue_status().unwrap().pending, 3);
}

/// Near the end of the queue a worker's share is less than a batch: the
/// claimable items split among it and the workers holding live claims.
#[test]
fn a_worker_claims_its_share_of_the_last_items() {
    let Some((_, mut a, mut b)) = two_sessions("a_worker_claims_its_share_of_the_last_items", "share") else {
        return;
    };
    let inputs: Vec<String> = (0..10).map(|i| format!("/in/{i:02}.txt")).collect();
    a.queue_add(&inputs).unwrap();
    let long = Duration::from_secs(600);
    assert_eq!(a.queue_share("a", 4).unwrap(), 4, "alone, with more than a batch");
    assert_eq!(a.queue_claim("a", 4, long, 3).unwrap().len(), 4);
    // b shares the 6 left with a (which holds a claim): 3.
    let n = b.queue_share("b", 4).unwrap();
    assert_eq!(n, 3);
    assert_eq!(b.queue_claim("b", n, long, 3).unwrap().len(), 3);
    // a's own claim does not count against it: 3 left between a and b.
    assert_eq!(a.queue_share("a", 4).unwrap(), 2);
    assert_eq!(a.queue_claim("a", 2, long, 3).unwrap().len(), 2);
    assert_eq!(b.queue_share("b", 4).unwrap(), 1);
    assert_eq!(b.queue_claim("b", 1, long, 3).unwrap().len(), 1);
    assert_eq!(a.queue_share("a", 4).unwrap(), 1, "nothing left: at least 1");
    assert!(a.queue_claim("a", 1, long, 3).unwrap().is_empty());
}

/// A worker waiting for others' claims wakes on a queue change (not only
/// at its next poll), once per change, and hears none once it stops
/// listening; and a re-link waits for a batch in flight (it then reads
/// that batch's documents too).
#[test]
fn a_waiting_worker_wakes_on_queue_changes_and_a_relink_waits_for_batches_in_flight() {
    let Some((url, mut a, mut b)) =
        two_sessions("a_waiting_worker_wakes_on_queue_changes_and_a_relink_waits_for_batches_in_flight", "wake")
    else {
        return;
    };
    a.queue_listen().unwrap();
    let (short, long) = (Duration::from_millis(50), Duration::from_secs(600));
    assert!(!a.queue_wait(short).unwrap(), "nothing changed yet");
    b.queue_add(&["/in/0.txt".to_string(), "/in/1.txt".to_string()]).unwrap();
    assert!(a.queue_wait(long).unwrap(), "b's inputs wake a");
    assert!(!a.queue_wait(short).unwrap(), "a change wakes a waiter once");
    let claimed = b.queue_claim("b", 2, long, 3).unwrap();
    assert!(!a.queue_wait(short).unwrap(), "a claim gives a waiter nothing to do");
    let docs = analysed();
    let results: Vec<ItemResult> =
        claimed.iter().map(|i| ItemResult { id: i.id, documents: 2, statements: 0, error: None }).collect();
    b.queue_complete(claimed[0].claim, &results, &docs[..4]).unwrap();
    assert!(a.queue_wait(long).unwrap(), "b's completed batch wakes a");
    assert!(a.queue_status().unwrap().drained());
    // A worker busy with its own claims hears nothing (and keeps nothing).
    b.queue_add(&["/in/2.txt".to_string()]).unwrap();
    a.queue_unlisten().unwrap();
    b.queue_add(&["/in/3.txt".to_string()]).unwrap();
    assert!(!a.queue_wait(short).unwrap(), "changes before and after UNLISTEN are dropped");
    let last = b.queue_claim("b", 2, long, 3).unwrap();
    let done: Vec<ItemResult> =
        last.iter().map(|i| ItemResult { id: i.id, documents: 0, statements: 0, error: None }).collect();
    b.queue_complete(last[0].claim, &done, &[]).unwrap();
    assert!(a.queue_status().unwrap().drained());

    // A batch in flight (the re-link lock held shared) holds a re-link
    // back until it ends, and the re-link then runs once.
    let mut other = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    other.execute("SELECT pg_advisory_lock_shared($1)", &[&whosaid_store_pg::RELINK_LOCK]).unwrap();
    let relinker = std::thread::spawn(move || {
        let t = std::time::Instant::now();
        let ran = a.relink_if_pending().unwrap();
        (a, ran, t.elapsed())
    });
    std::thread::sleep(Duration::from_millis(300));
    other.execute("SELECT pg_advisory_unlock_shared($1)", &[&whosaid_store_pg::RELINK_LOCK]).unwrap();
    let (mut a, ran, waited) = relinker.join().unwrap();
    assert!(ran && waited >= Duration::from_millis(300), "{ran} {waited:?}");
    assert!(!a.relink_if_pending().unwrap(), "nothing due after it");
    let dir = TempDir::new("pg-wake");
    assert_eq!(snapshot(&mut a).actors, snapshot(&mut sqlite_reference(&docs[..4], &dir)).actors);
}

/// A worker whose batch outlasts its lease keeps it while its heartbeat
/// renews the claims: another worker cannot take them, and the late
/// completion is not lost. Once the heartbeat is gone (the worker died with
/// it), the claims expire and another worker takes them.
#[test]
fn a_heartbeat_keeps_a_slow_batch_claimed_and_a_dead_one_lets_it_expire() {
    let Some((_, mut a, mut b)) =
        two_sessions("a_heartbeat_keeps_a_slow_batch_claimed_and_a_dead_one_lets_it_expire", "heartbeat")
    else {
        return;
    };
    a.queue_add(&["/in/0.txt".to_string(), "/in/1.txt".to_string()]).unwrap();
    let lease = Duration::from_secs(2);
    let held = a.queue_claim("a", 2, lease, 3).unwrap();
    assert_eq!(held.len(), 2);
    let heartbeat = a.queue_heartbeat("a", lease, Duration::from_secs(600)).unwrap();
    heartbeat.hold(Some(held[0].claim));
    // The batch takes three leases, progressing.
    for _ in 0..30 {
        heartbeat.progress().tick();
        std::thread::sleep(lease / 10);
    }
    assert!(b.queue_claim("b", 2, lease, 3).unwrap().is_empty(), "renewed claims are not taken over");
    let st = b.queue_status().unwrap();
    assert_eq!((st.claimed, st.expired), (2, 0), "{st:?}");
    assert_eq!(st.workers, vec![("a".to_string(), 2)]);
    let first = ItemResult { id: held[0].id, documents: 0, statements: 0, error: None };
    assert!(a.queue_complete(held[0].claim, &[first], &[]).unwrap().lost.is_empty(), "the slow batch is still a's");
    assert_eq!(heartbeat.take_note(), None);
    // The worker dies: its heartbeat with it.
    drop(heartbeat);
    std::thread::sleep(lease * 2);
    let retaken = b.queue_claim("b", 2, lease, 3).unwrap();
    assert_eq!(retaken.iter().map(|i| i.id).collect::<Vec<_>>(), vec![held[1].id]);
    assert_eq!(retaken[0].attempts, 2);
}

/// A worker whose extraction is stuck (no progress) keeps a live heartbeat
/// but no longer its claim: the heartbeat stops renewing it, the lease
/// expires, another worker takes the batch over under a new claim token,
/// and the stuck worker's late completion writes nothing (neither documents
/// nor item states); the new claimant's result is stored, once. A batch
/// that progresses forever loses its claim at its maximum lifetime.
#[test]
fn a_stuck_batch_loses_its_claim_and_its_late_result_writes_nothing() {
    let Some((url, mut a, mut b)) =
        two_sessions("a_stuck_batch_loses_its_claim_and_its_late_result_writes_nothing", "stuck")
    else {
        return;
    };
    let docs = analysed();
    a.queue_add(&["/in/0.txt".to_string(), "/in/1.txt".to_string(), "/in/2.txt".to_string()]).unwrap();
    let lease = Duration::from_millis(1500);
    let held = a.queue_claim("a", 2, lease, 3).unwrap();
    assert_eq!(held.len(), 2);
    let claim = held[0].claim;
    assert!(held.iter().all(|i| i.claim == claim), "one token per claim");
    let heartbeat = a.queue_heartbeat("a", lease, Duration::from_secs(600)).unwrap();
    heartbeat.hold(Some(claim));
    // Two leases of progress: the claim is renewed.
    for _ in 0..20 {
        heartbeat.progress().tick();
        std::thread::sleep(lease / 10);
    }
    assert!(b.queue_claim("b", 2, lease, 3).unwrap().iter().all(|i| i.input == "/in/2.txt"));
    // Then the extraction hangs: no more ticks, the heartbeat thread alive.
    std::thread::sleep(lease * 2);
    let note = heartbeat.take_note().unwrap_or_default();
    assert!(note.contains("no progress"), "{note:?}");
    let retaken = b.queue_claim("b", 2, lease, 3).unwrap();
    assert_eq!(retaken.iter().map(|i| i.id).collect::<Vec<_>>(), held.iter().map(|i| i.id).collect::<Vec<_>>());
    assert!(retaken.iter().all(|i| i.attempts == 2 && i.claim != claim));
    // The stuck worker finishes late, with other content than b will store.
    let results = |items: &[whosaid_store_pg::queue::WorkItem], d: &[JsonDocument]| -> Vec<ItemResult> {
        items
            .iter()
            .zip(d)
            .map(|(i, d)| ItemResult { id: i.id, documents: 1, statements: d.statements.len() as i64, error: None })
            .collect()
    };
    let late = a.queue_complete(claim, &results(&held, &docs[2..4]), &docs[2..4]).unwrap();
    assert_eq!(late.lost, held.iter().map(|i| i.id).collect::<Vec<_>>());
    assert!(late.report.outcomes.is_empty(), "{late:?}");
    assert_eq!(whosaid_store_pg::testing::count(&url, "SELECT count(*) FROM documents"), 0);
    // Nor did its pre-commit of shared keys add an actor or a speaker name
    // (the documents it carried name some: checked below, once stored).
    assert_eq!(whosaid_store_pg::testing::count(&url, "SELECT count(*) FROM actors"), 0);
    assert_eq!(whosaid_store_pg::testing::count(&url, "SELECT count(*) FROM speaker_names"), 0);
    let st = b.queue_status().unwrap();
    assert_eq!((st.done, st.claimed, st.relink_pending), (0, 2, 0), "{st:?}");
    // The new claimant's result is the one stored, once.
    let kept = b.queue_complete(retaken[0].claim, &results(&retaken, &docs[..2]), &docs[..2]).unwrap();
    assert!(kept.lost.is_empty());
    assert_eq!(kept.report.counts.inserted, 2);
    assert!(whosaid_store_pg::testing::count(&url, "SELECT count(*) FROM actors") > 0, "the documents name actors");
    let again = a.queue_complete(claim, &results(&held, &docs[..2]), &docs[..2]).unwrap();
    assert_eq!(again.lost.len(), 2, "a completed item is no claim's any more");
    assert_eq!(whosaid_store_pg::testing::count(&url, "SELECT count(*) FROM documents"), 2);
    let st = b.queue_status().unwrap();
    assert_eq!((st.done, st.documents, st.relink_pending), (2, 2, 2), "{st:?}");
    drop(heartbeat);

    // A batch that progresses for ever keeps its claim only for its maximum lifetime.
    // (b's claim of /in/2.txt, never renewed, has expired by now.)
    let heartbeat = a.queue_heartbeat("a", lease, lease * 2).unwrap();
    let forever = a.queue_claim("a", 1, lease, 3).unwrap();
    assert_eq!(forever.iter().map(|i| i.input.as_str()).collect::<Vec<_>>(), ["/in/2.txt"]);
    heartbeat.hold(Some(forever[0].claim));
    for _ in 0..40 {
        heartbeat.progress().tick();
        std::thread::sleep(lease / 10);
    }
    let note = heartbeat.take_note().unwrap_or_default();
    assert!(note.contains("maximum lifetime"), "{note:?}");
    assert_eq!(b.queue_claim("b", 1, lease, 3).unwrap().len(), 1, "taken over after its lifetime");
}

/// A re-link that fails leaves its need behind in the database: the
/// batches' items stay marked (`queue status`: re-link pending) until a
/// re-link succeeds, which the next worker to find the queue drained runs;
/// with nothing stored since, it re-links nothing.
#[test]
fn a_failed_relink_stays_due_and_the_next_worker_redoes_it() {
    let Some((url, mut a, mut b)) =
        two_sessions("a_failed_relink_stays_due_and_the_next_worker_redoes_it", "relink_due")
    else {
        return;
    };
    let docs = analysed();
    a.queue_add(&["/in/0.txt".to_string(), "/in/1.txt".to_string()]).unwrap();
    let held = a.queue_claim("a", 2, Duration::from_secs(600), 3).unwrap();
    let results: Vec<ItemResult> =
        held.iter().map(|i| ItemResult { id: i.id, documents: 3, statements: 0, error: None }).collect();
    a.queue_complete(held[0].claim, &results, &docs[..6]).unwrap();
    let st = a.queue_status().unwrap();
    assert!(st.drained());
    assert_eq!(st.relink_pending, 2, "{st:?}");
    // The re-link fails: another session holds a table it must lock, and
    // this session gives up waiting for it.
    let mut blocker = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    blocker.batch_execute("BEGIN; LOCK TABLE actors IN ROW EXCLUSIVE MODE").unwrap();
    let mut impatient = PgStore::open(&format!("{url}?options=-c%20lock_timeout%3D200")).unwrap();
    assert!(impatient.relink_if_pending().is_err(), "the re-link cannot take its locks");
    blocker.batch_execute("COMMIT").unwrap();
    assert_eq!(b.queue_status().unwrap().relink_pending, 2, "still due after the failure");
    // The next worker on the drained queue re-links, once.
    assert!(b.relink_if_pending().unwrap(), "the due re-link is run");
    assert_eq!(b.queue_status().unwrap().relink_pending, 0);
    assert!(!a.relink_if_pending().unwrap(), "nothing stored since: nothing due");
    let dir = TempDir::new("pg-relink-due");
    assert_eq!(snapshot(&mut b).actors, snapshot(&mut sqlite_reference(&docs[..6], &dir)).actors);
    // Any re-link (here `whosaid ingest`'s, through the store interface) clears it too.
    let more = a.queue_claim("a", 1, Duration::from_secs(600), 3).unwrap();
    assert!(more.is_empty());
    a.queue_add(&["/in/2.txt".to_string()]).unwrap();
    let more = a.queue_claim("a", 1, Duration::from_secs(600), 3).unwrap();
    let r = ItemResult { id: more[0].id, documents: 1, statements: 0, error: None };
    a.queue_complete(more[0].claim, &[r], &docs[6..7]).unwrap();
    assert_eq!(a.queue_status().unwrap().relink_pending, 1);
    StatementStore::relink(&mut a).unwrap();
    assert_eq!(a.queue_status().unwrap().relink_pending, 0);
}

#[test]
fn bad_urls_are_named_and_explained() {
    let e = PgStore::open("postgres://u@127.0.0.1:notaport/db").err().unwrap().to_string();
    assert!(e.contains("not a valid postgres URL") && e.contains("127.0.0.1"), "{e}");
    let e = PgStore::open("postgres://u:hunter2@127.0.0.1:1/db?connect_timeout=2").err().unwrap().to_string();
    assert!(e.contains("cannot connect") && e.contains("127.0.0.1:1") && !e.contains("hunter2"), "{e}");
    let Some(url) = server("bad_urls_are_named_and_explained") else { return };
    let url = fresh_db(&url, "readonly");
    let e = PgStore::open_read_only(&url).err().unwrap().to_string();
    assert!(e.contains("schema version 0") && e.contains("whosaid ingest"), "{e}");
    PgStore::open(&url).unwrap();
    let mut ro = PgStore::open_read_only(&url).unwrap();
    assert_eq!(ro.schema_version().unwrap(), whosaid_store_pg::SCHEMA_VERSION);
    assert!(ro.ingest_batch(&analysed()[..1]).is_err(), "a read-only session cannot write");
}

#[test]
fn a_v4_database_migrates_and_its_speakers_stay_searchable() {
    let Some(url) = server("a_v4_database_migrates_and_its_speakers_stay_searchable") else { return };
    let url = fresh_db(&url, "migrate_v4");
    let mut c = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    // The database as a schema-v4 whosaid left it: one document, one statement.
    c.batch_execute("CREATE TABLE whosaid_schema (version BIGINT NOT NULL); INSERT INTO whosaid_schema VALUES (4);")
        .unwrap();
    for m in &whosaid_store_pg::schema::MIGRATIONS[..4] {
        c.batch_execute(m).unwrap();
    }
    c.batch_execute(
        "INSERT INTO documents (doc_key, content_hash, json_hash, source, text, n_statements, json, ingested_at, published)
         VALUES ('old', 'h', 'j', 'old.txt', 'No deal, the secretary said.', 1, '\\x00', '2025-07-01T00:00:00Z', '2025-06-30');
         INSERT INTO statements (doc_id, idx, kind, content, content_start, content_end, speaker_text, speaker_name,
                                 published, confidence, rule)
         SELECT id, 0, 'direct', 'No deal', 0, 7, 'the secretary', 'Marco Rubio', '2025-06-30', 0.9, 'r' FROM documents;",
    )
    .unwrap();
    let mut pg = PgStore::open(&url).unwrap();
    assert_eq!(pg.schema_version().unwrap(), whosaid_store_pg::SCHEMA_VERSION);
    let names: Vec<String> =
        c.query("SELECT name FROM speaker_names ORDER BY name", &[]).unwrap().iter().map(|r| r.get(0)).collect();
    assert_eq!(names, ["Marco Rubio", "the secretary"]);
    let find = |pg: &mut PgStore, speaker: &str, since: Option<&str>, until: Option<&str>| {
        let q = SearchQuery {
            speaker: Some(speaker.into()),
            since: since.map(Into::into),
            until: until.map(Into::into),
            limit: 10,
            ..Default::default()
        };
        let r = pg.search(&q).unwrap();
        assert!(!r.total_capped);
        (r.total, r.results.iter().map(|h| h.doc.clone()).collect::<Vec<_>>())
    };
    assert_eq!(find(&mut pg, "RUBIO", None, Some("2025-06")), (1, vec!["old".to_string()]));
    assert_eq!(find(&mut pg, "secretary", Some("2025-06-30"), Some("2025")), (1, vec!["old".to_string()]));
    assert_eq!(find(&mut pg, "secretary", None, Some("2025-06-29")).0, 0);
    assert_eq!(find(&mut pg, "rubio", Some("2025-07"), None).0, 0);
    let deal = pg.search(&SearchQuery { text: Some("deal".into()), limit: 10, ..Default::default() }).unwrap();
    assert_eq!(deal.results.iter().map(|h| h.doc.as_str()).collect::<Vec<_>>(), ["old"]);
    // Documents stored after the migration add their speakers' names.
    {
        let mut w = StatementStore::writer(&mut pg, 2);
        for d in &analysed()[..4] {
            w.put(d).unwrap();
        }
        w.finish().unwrap();
    }
    let missing: i64 = c
        .query_one(
            "SELECT count(*) FROM (SELECT speaker_name FROM statements WHERE speaker_name IS NOT NULL
             UNION SELECT speaker_text FROM statements WHERE speaker_text IS NOT NULL
             EXCEPT SELECT name FROM speaker_names) m",
            &[],
        )
        .unwrap()
        .get(0);
    let names: i64 = c.query_one("SELECT count(*) FROM speaker_names", &[]).unwrap().get(0);
    assert_eq!(missing, 0);
    assert!(names > 2, "the new documents' speakers were added: {names}");
    // Re-putting a changed document replaces its statements: their text rows follow.
    let mut changed = analysed()[1].clone();
    changed.statements.truncate(1);
    {
        let mut w = StatementStore::writer(&mut pg, 2);
        assert_eq!(w.put(&changed).unwrap(), Default::default(), "held until the batch is written");
        assert_eq!(w.finish().unwrap().outcomes, [Outcome::Updated]);
    }
    let unmatched: i64 = c
        .query_one(
            "SELECT count(*) FROM statements s FULL JOIN statement_text t ON t.id = s.id
             WHERE t.id IS NULL OR s.id IS NULL OR t.tsv IS DISTINCT FROM s.tsv OR t.kind <> s.kind
                OR t.published IS DISTINCT FROM s.published",
            &[],
        )
        .unwrap()
        .get(0);
    assert_eq!(unmatched, 0, "statement_text mirrors statements");
    // No foreign keys (schema v8): the writers leave no row pointing at a
    // missing one, the replaced statements' issues and targets included.
    let issues: i64 = c.query_one("SELECT count(*) FROM statement_issues", &[]).unwrap().get(0);
    assert!(issues > 0, "the documents have coded issues");
    assert_eq!(dangling(&mut c), 0);
}

/// Rows whose reference (a document, a statement, an actor) is missing
/// (what the foreign keys of schema versions before 8 refused), and
/// statements whose speaker's or addressee's actor is not their entity's.
fn dangling(c: &mut postgres::Client) -> i64 {
    c.query_one(
        "SELECT (SELECT count(*) FROM statement_issues i WHERE NOT EXISTS (SELECT 1 FROM statements s WHERE s.id = i.statement_id))
              + (SELECT count(*) FROM statement_targets g WHERE NOT EXISTS (SELECT 1 FROM statements s WHERE s.id = g.statement_id))
              + (SELECT count(*) FROM statement_text t WHERE NOT EXISTS (SELECT 1 FROM statements s WHERE s.id = t.id))
              + (SELECT count(*) FROM entities e WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = e.doc_id)
                    OR (e.actor_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = e.actor_id)))
              + (SELECT count(*) FROM mentions m WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = m.doc_id))
              + (SELECT count(*) FROM terms m WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = m.doc_id))
              + (SELECT count(*) FROM statements s WHERE NOT EXISTS (SELECT 1 FROM documents d WHERE d.id = s.doc_id)
                    OR (s.speaker_actor IS NOT NULL AND NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = s.speaker_actor))
                    OR (s.addressee_actor IS NOT NULL
                        AND NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = s.addressee_actor)))
              + (SELECT count(*) FROM actor_aliases l WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = l.actor_id))
              + (SELECT count(*) FROM actor_links l WHERE NOT EXISTS (SELECT 1 FROM actors a WHERE a.id = l.actor_id))
              + (SELECT count(*) FROM statements s JOIN entities e ON e.doc_id = s.doc_id AND e.idx = s.speaker_entity
                 WHERE s.speaker_actor IS DISTINCT FROM e.actor_id)
              + (SELECT count(*) FROM statements s JOIN entities e ON e.doc_id = s.doc_id AND e.idx = s.addressee_entity
                 WHERE s.addressee_actor IS DISTINCT FROM e.actor_id)",
        &[],
    )
    .unwrap()
    .get(0)
}
