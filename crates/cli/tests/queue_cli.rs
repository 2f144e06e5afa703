//! The work queue end to end against a real PostgreSQL server
//! (`WHOSAID_TEST_PG`; SKIPPED without it, failing under WHOSAID_REQUIRE_PG):
//! four `whosaid work` processes over one queue, one killed with SIGKILL in
//! the middle of a batch and restarted, must store every document exactly
//! once, and the database must equal a single-process SQLite ingest of the
//! same inputs (documents, statements, actors).
//!
//! The fault test is 5,000 documents; this one is scaled to
//! `WHOSAID_FAULT_DOCS` (default 1,200) so the whole CI stays well inside its
//! time; the code path is the same at any size.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use whosaid_document::output::JsonDocument;
use whosaid_store::Store;
use whosaid_store_pg::testing::{fresh_db, server, snapshot};
use whosaid_store_pg::PgStore;

const BIN: &str = env!("CARGO_BIN_EXE_whosaid");

mod common;
use common::TempDir;

fn temp(name: &str) -> TempDir {
    TempDir::new(&format!("queue-{name}"))
}

/// `n` distinct articles (fixture texts, each with its own id, outlet and
/// date) as JSONL files of `per_file` records.
fn corpus(dir: &Path, n: usize, per_file: usize) -> Vec<PathBuf> {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../whosaid/tests/fixtures/articles");
    let mut texts: Vec<String> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect();
    texts.sort();
    let outlets = ["rt.com", "bbc.co.uk", "reuters.com", "kyivindependent.com"];
    let mut files = Vec::new();
    for f in 0..n.div_ceil(per_file) {
        let path = dir.join(format!("part-{f:04}.jsonl"));
        let mut out = String::new();
        for i in f * per_file..((f + 1) * per_file).min(n) {
            let rec = serde_json::json!({
                "id": format!("doc-{i:05}"),
                "text": format!("{}\n[item {i}]", texts[i % texts.len()]),
                "url": format!("https://www.{}/news/{i}", outlets[i % outlets.len()]),
                "published": format!("2025-04-{:02}", 1 + i % 28),
            });
            out.push_str(&rec.to_string());
            out.push('\n');
        }
        std::fs::write(&path, out).unwrap();
        files.push(path);
    }
    files
}

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(BIN).args(args).output().expect("run whosaid");
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into(), String::from_utf8_lossy(&out.stderr).into())
}

/// `whosaid HEAD... FILES... TAIL...`.
fn run_on(head: &[&str], files: &[PathBuf], tail: &[&str]) -> (bool, String, String) {
    let mut args = head.to_vec();
    args.extend(files.iter().map(|f| f.to_str().unwrap()));
    args.extend(tail);
    run(&args)
}

fn worker(db: &str, name: &str) -> Child {
    Command::new(BIN)
        .args(["work", "--db", db, "--name", name, "--batch", "2", "--lease-secs", "4", "-j", "1", "--poll-ms", "200"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start whosaid work")
}

#[test]
fn four_workers_one_killed_mid_batch_store_every_document_once() {
    let Some(url) = server("four_workers_one_killed_mid_batch_store_every_document_once") else { return };
    let n: usize = std::env::var("WHOSAID_FAULT_DOCS").ok().and_then(|v| v.parse().ok()).unwrap_or(1200);
    let db = fresh_db(&url, "fault");
    let dir = temp("fault");
    let inputs = dir.0.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    let files = corpus(&inputs, n, 25);
    let dir_arg = inputs.canonicalize().unwrap();

    // The reference: one process, SQLite, the same inputs by the same (absolute) paths.
    let sqlite = dir.0.join("ref.db");
    let abs: Vec<String> = files.iter().map(|f| f.canonicalize().unwrap().to_string_lossy().into_owned()).collect();
    let mut args = vec!["ingest", "--db", sqlite.to_str().unwrap(), "-q"];
    args.extend(abs.iter().map(String::as_str));
    let (ok, _, err) = run(&args);
    assert!(ok, "{err}");

    let (ok, _, err) = run(&["queue", "add", dir_arg.to_str().unwrap(), "--db", &db]);
    assert!(ok, "{err}");
    assert!(err.contains(&format!("{} inputs queued", files.len())), "{err}");
    let (ok, _, err) = run(&["queue", "add", dir_arg.to_str().unwrap(), "--db", &db]);
    assert!(ok && err.contains(&format!("0 inputs queued ({} already queued)", files.len())), "{err}");

    let mut workers: Vec<Child> = (0..4).map(|i| worker(&db, &format!("w{i}"))).collect();
    // Kill w0 while it holds a claim (in the middle of a batch).
    let mut pg = PgStore::open(&db).unwrap();
    let deadline = Instant::now() + Duration::from_secs(300);
    let killed_claims = loop {
        let st = pg.queue_status().unwrap();
        let held = st.workers.iter().find(|(w, _)| w == "w0").map(|(_, n)| *n).unwrap_or(0);
        if held > 0 && st.done > 0 {
            break held;
        }
        assert!(Instant::now() < deadline, "w0 never held a claim: {st:?}");
        assert!(!st.drained(), "the queue drained before w0 could be killed: use more documents");
        std::thread::sleep(Duration::from_millis(50));
    };
    // SIGKILL: the lease heartbeat dies with the worker, so its claims
    // expire (the queue would never drain otherwise).
    workers[0].kill().unwrap();
    let status = workers[0].wait().unwrap();
    assert!(!status.success());
    let st = pg.queue_status().unwrap();
    assert!(st.claimed + st.expired >= killed_claims, "the dead worker's claim is still there: {st:?}");
    workers[0] = worker(&db, "w0-restarted");
    for (i, w) in workers.iter_mut().enumerate() {
        let out = w.wait_with_output_ref();
        assert!(out.0, "worker {i} failed: {}", out.1);
    }

    let st = pg.queue_status().unwrap();
    assert_eq!((st.done, st.failed, st.pending, st.claimed, st.expired), (files.len() as i64, 0, 0, 0, 0), "{st:?}");
    let mut reference = Store::open_read_only(&sqlite).unwrap();
    let want = snapshot(&mut reference);
    let got = snapshot(&mut pg);
    assert_eq!(want.counts.0, n as i64, "the reference stored every document");
    assert_eq!(got.counts, want.counts, "documents, statements, actors");
    assert_eq!(got.actors, want.actors);
    assert_eq!(got.statements, want.statements);
    assert_eq!(got.links, want.links);
    // Every stored document is the reference's, but for near-duplicate marks
    // (`duplicate_of`): a batch run marks wire copies among the inputs it
    // reads, and a worker reads only its own claims, so copies in different
    // claims stay unmarked (open: share the fingerprints through the store).
    assert_eq!(got.documents.len(), want.documents.len());
    let mut unmarked = 0;
    for (g, w) in got.documents.iter().zip(&want.documents) {
        let mut g = g.clone();
        if g.duplicate_of != w.duplicate_of {
            assert!(g.duplicate_of.is_none(), "{:?}: marked as a copy of {:?}", g.meta.id, g.duplicate_of);
            unmarked += 1;
            g.duplicate_of = w.duplicate_of.clone();
        }
        assert_eq!(&g, w, "{:?}", w.meta.id);
    }
    eprintln!("{unmarked} of {} documents lack the reference's near-duplicate mark", want.documents.len());
    // Done items account for every document once, even the killed batch's.
    assert!(st.documents >= n as i64, "{st:?}");
    let (ok, out, _) = run(&["queue", "status", "--db", &db]);
    assert!(ok && out.contains(&format!("{0}/{0} inputs done (100%)", files.len())), "{out}");
    let (ok, out, _) = run(&["search", "--db", &db, "--format", "jsonl", "--limit", "1000000"]);
    assert!(ok);
    assert_eq!(out.lines().count() as i64, want.counts.1);
}

#[test]
fn a_failing_input_is_reported_with_its_reason() {
    let Some(url) = server("a_failing_input_is_reported_with_its_reason") else { return };
    let db = fresh_db(&url, "failing");
    let dir = temp("failing");
    let good = dir.0.join("good.txt");
    std::fs::write(&good, "\"We will win,\" said Maria Lopez, the mayor.\n").unwrap();
    let gone = dir.0.join("gone.txt");
    std::fs::write(&gone, "temporary").unwrap();
    let (ok, _, err) = run(&["queue", "add", good.to_str().unwrap(), gone.to_str().unwrap(), "--db", &db]);
    assert!(ok, "{err}");
    std::fs::remove_file(&gone).unwrap();
    let (ok, _, err) = run(&["work", "--db", &db, "--name", "solo"]);
    assert!(ok, "{err}");
    assert!(err.contains("queue drained"), "{err}");
    let (ok, out, _) = run(&["queue", "status", "--db", &db]);
    assert!(ok);
    assert!(out.contains("1/2 inputs done") && out.contains("1 failed"), "{out}");
    assert!(out.contains("gone.txt") && out.contains("no such file"), "{out}");
    let (ok, out, _) = run(&["search", "win", "--db", &db, "--format", "jsonl"]);
    assert!(ok && out.contains("Maria Lopez"), "{out}");
    // A SQLite path is refused with the reason.
    let (ok, _, err) = run(&["work", "--db", dir.0.join("x.db").to_str().unwrap()]);
    assert!(!ok && err.contains("needs a PostgreSQL database"), "{err}");
}

/// A worker whose extraction hangs (its heartbeat alive) loses its claim:
/// the heartbeat stops renewing it for want of progress, another worker
/// takes the batch over and stores it, and the stuck worker, waking late,
/// stores nothing of it (every document once, every input done once).
#[test]
#[cfg_attr(not(debug_assertions), ignore = "WHOSAID_TEST_STALL works in debug builds only")]
fn a_hung_worker_loses_its_batch_and_its_late_result_is_not_stored() {
    let Some(url) = server("a_hung_worker_loses_its_batch_and_its_late_result_is_not_stored") else { return };
    let db = fresh_db(&url, "hung");
    let dir = temp("hung");
    let files = corpus(&dir.0, 60, 20);
    let (ok, _, err) = run_on(&["queue", "add"], &files, &["--db", &db]);
    assert!(ok, "{err}");
    // The stuck worker claims all three inputs and hangs on the last one for 12 s.
    let mut stuck = Command::new(BIN)
        .args(["work", "--db", &db, "--name", "stuck", "--batch", "3", "--lease-secs", "2", "-j", "1"])
        .env("WHOSAID_TEST_STALL", "part-0002:12")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while !run(&["queue", "status", "--db", &db]).1.contains("claimed by stuck: 3") {
        assert!(started.elapsed() < Duration::from_secs(60), "the stuck worker never claimed");
        std::thread::sleep(Duration::from_millis(100));
    }
    let (ok, _, err) =
        run(&["work", "--db", &db, "--name", "rescuer", "--lease-secs", "2", "-j", "1", "--poll-ms", "200"]);
    assert!(ok && err.contains("queue drained"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(12), "taken over before the stuck worker woke");
    assert!(err.contains("stored 60 documents from 3 inputs (60 new"), "{err}");
    let (ok, err) = stuck.wait_with_output_ref();
    assert!(ok, "{err}");
    assert!(err.contains("no progress") && err.contains("took them over; nothing of them was stored"), "{err}");
    assert!(err.contains("stored 0 documents from 0 inputs"), "{err}");
    let (ok, out, _) = run(&["queue", "status", "--db", &db]);
    assert!(ok && out.contains("3/3 inputs done") && out.contains("; 60 documents"), "{out}");
    let got = snapshot(&mut PgStore::open(&db).unwrap());
    assert_eq!(got.counts.0, 60, "every document once");
}

/// A worker whose closing re-link fails leaves it due: `queue status` says
/// a re-link is pending, and the next `whosaid work` on the drained queue
/// runs it (and the one after finds the actors up to date).
#[test]
fn a_failed_relink_is_shown_pending_and_the_next_work_run_redoes_it() {
    let Some(url) = server("a_failed_relink_is_shown_pending_and_the_next_work_run_redoes_it") else { return };
    let db = fresh_db(&url, "relink_pending");
    let dir = temp("relink-pending");
    let files = corpus(&dir.0, 40, 20);
    let (ok, _, err) = run_on(&["queue", "add"], &files, &["--db", &db]);
    assert!(ok, "{err}");
    // Another session holds the actors table against the re-link's lock;
    // the worker waits for it at most 300 ms.
    let mut blocker = postgres::Client::connect(&db, postgres::NoTls).unwrap();
    blocker.batch_execute("BEGIN; LOCK TABLE actors IN ROW EXCLUSIVE MODE").unwrap();
    let impatient = format!("{db}?options=-c%20lock_timeout%3D300");
    let (ok, _, err) = run(&["work", "--db", &impatient, "--name", "first", "-j", "1"]);
    assert!(!ok && err.contains("lock"), "the re-link fails: {err}");
    blocker.batch_execute("COMMIT").unwrap();
    let (ok, out, _) = run(&["queue", "status", "--db", &db]);
    assert!(ok && out.contains("2/2 inputs done") && out.contains("re-link pending (2 inputs"), "{out}");
    let (ok, out, _) = run(&["queue", "status", "--db", &db, "--json"]);
    assert!(ok && out.contains("\"relink_pending\":2"), "{out}");
    let (ok, _, err) = run(&["work", "--db", &db, "--name", "second"]);
    assert!(ok && err.contains("queue drained; actors re-linked"), "{err}");
    let (ok, out, _) = run(&["queue", "status", "--db", &db]);
    assert!(ok && !out.contains("re-link pending"), "{out}");
    let (ok, _, err) = run(&["work", "--db", &db, "--name", "third"]);
    assert!(ok && err.contains("queue drained; actors up to date"), "{err}");
    // The actors are those of a SQLite ingest of the same inputs.
    let sqlite = dir.0.join("ref.db");
    let (ok, _, err) = run_on(&["ingest"], &files, &["--db", sqlite.to_str().unwrap(), "-q"]);
    assert!(ok, "{err}");
    let want = snapshot(&mut Store::open(&sqlite).unwrap());
    let got = snapshot(&mut PgStore::open(&db).unwrap());
    assert_eq!(got.counts, want.counts);
    assert_eq!(got.actors, want.actors);
}

trait WaitOutput {
    fn wait_with_output_ref(&mut self) -> (bool, String);
}

impl WaitOutput for Child {
    fn wait_with_output_ref(&mut self) -> (bool, String) {
        use std::io::Read;
        let mut err = String::new();
        if let Some(mut e) = self.stderr.take() {
            let _ = e.read_to_string(&mut err);
        }
        let status = self.wait().unwrap();
        (status.success(), err)
    }
}

/// The outcome counts of an ingest's last line ("N new, N updated, N
/// unchanged documents (N statements), N errors").
fn ingest_summary(stderr: &str) -> String {
    let line = stderr.lines().rev().find(|l| l.contains(" new, ")).unwrap_or_else(|| panic!("no summary: {stderr}"));
    line.trim_start_matches("whosaid: ").split(';').next().unwrap().to_string()
}

/// `whosaid ingest` into PostgreSQL writes a batch at once (one INSERT per
/// table) yet settles every document as the SQLite ingest does: the same
/// new / updated / unchanged counts, a key repeated with other content in
/// a later batch still a conflict, a copy of stored content marked as one,
/// and the same database in the end (documents, statements, actors, links).
#[test]
fn a_batched_ingest_into_postgres_equals_a_sqlite_ingest() {
    let Some(url) = server("a_batched_ingest_into_postgres_equals_a_sqlite_ingest") else { return };
    let db = fresh_db(&url, "ingest_parity");
    let dir = temp("ingest-parity");
    let files = corpus(&dir.0, 40, 40);
    let docs = dir.0.join("docs.jsonl");
    let (ok, _, err) = run(&["extract", files[0].to_str().unwrap(), "-q", "-j", "1", "-o", docs.to_str().unwrap()]);
    assert!(ok, "{err}");
    let lines: Vec<JsonDocument> =
        std::fs::read_to_string(&docs).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 40);
    // A second input: unchanged documents, changed ones (a new title), new
    // ids carrying stored texts, one id changed twice in different batches
    // (the second is a conflict) and a repeat of a change (unchanged).
    let retitled = |i: usize, title: &str| {
        let mut d = lines[i].clone();
        d.meta.title = Some(title.to_string());
        d
    };
    let mut second: Vec<JsonDocument> = lines[..10].to_vec();
    second.extend((10..15).map(|i| retitled(i, "changed")));
    second.push(retitled(20, "first change"));
    // Copies of six stored documents that have statements (the snapshot
    // lists documents through their statements), whatever the fixture order.
    let copied = lines.iter().enumerate().skip(29).filter(|(_, d)| !d.statements.is_empty()).take(6);
    for (i, d) in copied {
        let mut d = d.clone();
        d.meta.id = Some(format!("copy-{i}"));
        d.duplicate_of = None;
        second.push(d);
    }
    second.extend(lines[21..29].iter().cloned());
    second.push(retitled(20, "second change"));
    second.push(retitled(10, "changed"));
    let second_path = dir.0.join("second.jsonl");
    let text: String = second.iter().map(|d| serde_json::to_string(d).unwrap() + "\n").collect();
    std::fs::write(&second_path, text).unwrap();

    let sqlite = dir.0.join("ref.db");
    let mut summaries = Vec::new();
    for target in [sqlite.to_str().unwrap(), db.as_str()] {
        let mut got = Vec::new();
        for (input, want_ok) in [(&docs, true), (&second_path, false)] {
            let (ok, _, err) = run(&["ingest", input.to_str().unwrap(), "--db", target, "--batch-size", "7"]);
            assert_eq!(ok, want_ok, "{target}: {err}");
            got.push(ingest_summary(&err));
            if !want_ok {
                assert_eq!(err.matches("appears again with different content").count(), 1, "{err}");
                assert!(err.contains(&format!("id '{}'", lines[20].meta.id.as_deref().unwrap())), "{err}");
            }
        }
        summaries.push(got);
    }
    assert!(summaries[0][0].starts_with("40 new, 0 updated, 0 unchanged documents"), "{:?}", summaries[0]);
    assert!(summaries[0][1].starts_with("6 new, 6 updated, 19 unchanged documents"), "{:?}", summaries[0]);
    assert!(summaries[0][1].ends_with(", 1 errors"), "{:?}", summaries[0]);
    assert_eq!(summaries[1], summaries[0], "PostgreSQL settles every document as SQLite does");

    let want = snapshot(&mut Store::open_read_only(&sqlite).unwrap());
    let got = snapshot(&mut PgStore::open(&db).unwrap());
    assert_eq!(want.counts.0, 46);
    assert_eq!(got.counts, want.counts, "documents, statements, actors");
    assert_eq!(got.statements, want.statements);
    assert_eq!(got.actors, want.actors);
    assert_eq!(got.links, want.links);
    assert_eq!(got.documents, want.documents);
    let copies = got.documents.iter().filter(|d| d.meta.id.as_deref().is_some_and(|i| i.starts_with("copy-")));
    assert!(copies.clone().count() == 6 && copies.clone().all(|d| d.duplicate_of.is_some()), "copies are marked");
}
