//! `whosaid ingest | search | actors | show | serve` as a user runs them: the
//! real binary, real SQLite files in a temporary directory, a killed ingest,
//! and the HTTP API over loopback.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use whosaid_store::Store;

const BIN: &str = env!("CARGO_BIN_EXE_whosaid");

mod common;
use common::{fixtures, run, seed, txt_files, TempDir};

/// Kills the child when the test ends, whatever happens.
struct Guard(Child);

impl Drop for Guard {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `n` distinct raw articles as JSONL (text, id, outlet, date), made from the
/// seed and the fixture articles.
fn raw_corpus(path: &Path, n: usize) {
    let mut texts = vec![std::fs::read_to_string(seed()).unwrap()];
    let articles = txt_files(&fixtures().join("articles"));
    texts.extend(articles.iter().map(|p| std::fs::read_to_string(p).unwrap()));
    let outlets = ["RT", "BBC News", "AFP", "Reuters"];
    let mut out = String::new();
    for i in 0..n {
        let rec = serde_json::json!({
            "id": format!("art-{i}"),
            "text": format!("{}\n\nReference {i}.", texts[i % texts.len()]),
            "outlet": outlets[i % outlets.len()],
            "published": format!("2025-04-{:02}", 1 + i % 28),
        });
        out.push_str(&rec.to_string());
        out.push('\n');
    }
    std::fs::write(path, out).unwrap();
}

#[test]
fn killed_ingest_leaves_a_consistent_database_and_resumes() {
    let tmp = TempDir::new("cli-crash");
    let input = tmp.path("in.jsonl");
    let db = tmp.path("news.db");
    let n = 200;
    raw_corpus(&input, n);
    let child = Command::new(BIN)
        .args(["ingest", input.to_str().unwrap(), "--db", db.to_str().unwrap(), "--batch-size", "6", "-j", "2"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut child = Guard(child);
    let stderr = child.0.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel::<String>();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    // Wait for the first committed batch, then kill mid-way through the next.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut reported = loop {
        let line = rx.recv_timeout(deadline.saturating_duration_since(Instant::now())).expect("a stored batch");
        if let Some(total) = stored_total(&line) {
            break total;
        }
    };
    std::thread::sleep(Duration::from_millis(30));
    child.0.kill().unwrap();
    let status = child.0.wait().unwrap();
    assert!(!status.success(), "the ingest was killed, not finished");
    reader.join().unwrap();
    for line in rx.try_iter() {
        if let Some(total) = stored_total(&line) {
            reported = reported.max(total);
        }
    }
    // Consistent: SQLite's checks, both FTS indexes, every stored document has
    // all its statements, nothing reported as stored was lost.
    {
        let store = Store::open(&db).unwrap();
        assert_eq!(store.check().unwrap(), Vec::<String>::new());
        let (docs, _, _) = store.counts().unwrap();
        assert!(docs as usize >= reported, "{docs} documents stored, {reported} reported");
        assert!((docs as usize) < n, "killed before the end ({docs} of {n})");
    }
    // Running it again completes the database without duplicates…
    let (code, _, err) = run(&["ingest", input.to_str().unwrap(), "--db", db.to_str().unwrap(), "-j", "2"]);
    assert_eq!(code, 0, "{err}");
    let store = Store::open(&db).unwrap();
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    let (docs, statements, _) = store.counts().unwrap();
    assert_eq!(docs as usize, n);
    drop(store);
    // …with exactly what an uninterrupted ingest stores…
    let fresh = tmp.path("fresh.db");
    let (code, _, err) = run(&["ingest", input.to_str().unwrap(), "--db", fresh.to_str().unwrap(), "-q"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(Store::open(&fresh).unwrap().counts().unwrap().1, statements);
    // …and a third run changes nothing.
    let (code, _, err) = run(&["ingest", input.to_str().unwrap(), "--db", db.to_str().unwrap()]);
    assert_eq!(code, 0);
    assert!(err.contains(&format!("0 new, 0 updated, {n} unchanged")), "{err}");
}

/// The running total from "whosaid: stored … , N in total".
fn stored_total(line: &str) -> Option<usize> {
    let rest = line.strip_prefix("whosaid: stored ")?;
    rest.rsplit_once(", ")?.1.strip_suffix(" in total")?.parse().ok()
}

#[test]
fn ingest_search_actors_show() {
    let tmp = TempDir::new("cli-cli");
    let db = tmp.path("news.db");
    let dbs = db.to_str().unwrap();
    let seed = seed();
    let (code, _, err) = run(&["ingest", seed.to_str().unwrap(), "--published", "2025-04-23", "--db", dbs]);
    assert_eq!(code, 0, "{err}");
    let (_, extracted, _) = run(&["extract", seed.to_str().unwrap(), "--published", "2025-04-23", "--format", "jsonl"]);
    let doc: serde_json::Value = serde_json::from_str(extracted.trim()).unwrap();
    let n = doc["statements"].as_array().unwrap().len();

    // `whosaid extract` output is stored as is: the same document, unchanged.
    let jsonl = tmp.path("seed.jsonl");
    std::fs::write(&jsonl, &extracted).unwrap();
    let (code, _, err) = run(&["ingest", jsonl.to_str().unwrap(), "--db", dbs]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("0 new, 0 updated, 1 unchanged"), "{err}");
    // Indented JSON (extract's default for one file) too.
    let pretty = tmp.path("seed.json");
    let (_, p, _) = run(&["extract", seed.to_str().unwrap(), "--published", "2025-04-23"]);
    std::fs::write(&pretty, p).unwrap();
    let (code, _, err) = run(&["ingest", pretty.to_str().unwrap(), "--db", dbs]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("1 unchanged"), "{err}");

    // Search: JSONL when piped, with the fields a user needs.
    let (code, out, err) = run(&["search", "ceasefire", "--db", dbs]);
    assert_eq!(code, 0, "{err}");
    let hits: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!hits.is_empty());
    for h in &hits {
        assert!(h["content"].as_str().unwrap().to_lowercase().contains("ceasefire"));
        assert_eq!(h["date"], "2025-04-23");
        for field in ["speaker", "outlet", "doc", "doc_id", "kind", "url"] {
            assert!(h.get(field).is_some(), "{field} in {h}");
        }
    }
    let (_, out, _) = run(&["search", "--speaker", "Rubio", "--kind", "direct", "--db", dbs, "--format", "jsonl"]);
    let rubio: Vec<serde_json::Value> = out.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert!(!rubio.is_empty());
    assert!(rubio.iter().all(|h| h["speaker"] == "Marco Rubio" && h["kind"] == "direct"));
    let (_, out, _) = run(&["search", "--speaker", "Rubio", "--since", "2025-05-01", "--db", dbs]);
    assert_eq!(out, "", "no statement after the publication date");
    let (_, csv, _) = run(&["search", "--speaker", "Rubio", "--db", dbs, "--format", "csv"]);
    assert!(csv.starts_with("id,doc_id,doc,date,outlet,speaker,"));
    assert!(csv.lines().count() > rubio.len());
    let (_, table, _) = run(&["search", "war", "--db", dbs, "--format", "table"]);
    assert!(table.starts_with("DATE"));
    assert!(table.contains("statements"));
    let (code, _, err) = run(&["search", "--since", "April", "--db", dbs]);
    assert_eq!(code, 2);
    assert!(err.contains("since 'April'"), "{err}");

    // Actors: Marco Rubio first.
    let (_, out, _) = run(&["actors", "--db", dbs, "--format", "jsonl"]);
    let first: serde_json::Value = serde_json::from_str(out.lines().next().unwrap()).unwrap();
    assert_eq!(first["name"], "Marco Rubio");

    // Show: by source path or row id; every statement listed.
    let (code, out, err) = run(&["show", "1", "--db", dbs, "--format", "jsonl"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.lines().count(), n);
    let (code, out, _) = run(&["show", seed.to_str().unwrap(), "--db", dbs]);
    assert_eq!(code, 0);
    assert!(out.contains(&format!("{n} statements")), "{out}");
    let (code, out, _) = run(&["show", "1", "--db", dbs, "--format", "json"]);
    assert_eq!(code, 0);
    let stored: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(stored, doc, "the stored document is the extracted one");
    let (code, _, err) = run(&["show", "nope", "--db", dbs]);
    assert_eq!(code, 2);
    assert!(err.contains("no such document"));
    let (code, _, err) = run(&["search", "x", "--db", tmp.path("missing.db").to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("no such database"), "{err}");
}

/// One HTTP/1.1 exchange: (status, body).
fn http(addr: &str, request: &str) -> (u16, String) {
    let (status, _, body) = whosaid_testkit::http_raw(addr, request);
    (status, body)
}

fn get(addr: &str, target: &str) -> (u16, serde_json::Value) {
    let (status, body) = http(addr, &format!("GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"));
    (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)))
}

#[test]
fn serve_answers_the_api_and_refuses_bad_requests() {
    let tmp = TempDir::new("cli-serve");
    let db = tmp.path("news.db");
    let dbs = db.to_str().unwrap();
    let seed = seed();
    let (code, _, err) = run(&["ingest", seed.to_str().unwrap(), "--published", "2025-04-23", "--db", dbs, "-q"]);
    assert_eq!(code, 0, "{err}");
    let mtime = std::fs::metadata(&db).unwrap().modified().unwrap();
    let child = Command::new(BIN).args(["serve", "--db", dbs, "--port", "0"]).stderr(Stdio::piped()).spawn().unwrap();
    let mut child = Guard(child);
    let mut line = String::new();
    BufReader::new(child.0.stderr.take().unwrap()).read_line(&mut line).unwrap();
    let addr = line.split("http://").nth(1).unwrap().trim().trim_end_matches(|c| c != '/').trim_end_matches('/');
    let addr = addr.split('/').next().unwrap().to_string();

    let (status, page) = http(&addr, &format!("GET / HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"));
    assert_eq!(status, 200);
    assert!(page.contains("<script src=\"/app.js\""));
    let (status, v) = get(&addr, "/api/search?q=ceasefire&speaker=putin&kind=indirect&since=2025-04-01");
    assert_eq!(status, 200, "{v}");
    assert_eq!(v["total"], 1);
    assert_eq!(v["results"][0]["speaker"], "Vladimir Putin");
    let (status, v) = get(&addr, "/api/documents/1");
    assert_eq!(status, 200);
    let n = v["statements"].as_array().unwrap().len();
    assert!(n >= 10);
    let (_, v) = get(&addr, "/api/actors?limit=3");
    assert_eq!(v["results"][0]["name"], "Marco Rubio");
    let id = v["results"][0]["id"].as_i64().unwrap();
    let (status, v) = get(&addr, &format!("/api/actors/{id}"));
    assert_eq!(status, 200);
    assert_eq!(v["name"], "Marco Rubio");
    assert_eq!(v["page"]["results"].as_array().unwrap().len() as i64, v["statements"].as_i64().unwrap());

    // Clear 4xx errors as JSON.
    whosaid_testkit::assert_json_errors("serve", whosaid_testkit::BAD_REQUESTS, |target| get(&addr, target));
    let (status, _) = http(
        &addr,
        &format!("POST /api/search HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"),
    );
    assert_eq!(status, 405);
    let (status, _) =
        http(&addr, &format!("GET /api/search HTTP/1.1\r\nHost: {addr}\r\nContent-Length: 99999999999\r\n\r\n"));
    assert_eq!(status, 413);
    let (status, _) = http(
        &addr,
        &format!("GET /api/search?q={} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n", "a".repeat(5000)),
    );
    assert_eq!(status, 414);
    let (status, _) = http(&addr, &format!("GET / HTTP/1.1\r\nHost: {addr}\r\nX: {}\r\n\r\n", "a".repeat(20_000)));
    assert_eq!(status, 431);
    let (status, _) = http(&addr, "GET /api/stats HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n");
    assert_eq!(status, 421);
    // Keep-alive: several requests on one connection.
    let request = format!("GET /api/health HTTP/1.1\r\nHost: {addr}\r\n\r\n");
    for (status, _) in whosaid_testkit::keep_alive(&addr, &request, 3).0 {
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
    }
    // The server never wrote to the database.
    assert_eq!(std::fs::metadata(&db).unwrap().modified().unwrap(), mtime);
}

/// Every command that opens a store names the database and the reason once:
/// the store's error says its cause in its own words, and the CLI's message
/// does not add that cause again from the error chain.
#[test]
fn a_store_that_cannot_be_opened_is_named_once_with_its_reason() {
    let tmp = TempDir::new("store-open-error");
    let missing = tmp.path("no-such-dir/x.db");
    let db = missing.to_str().unwrap();
    let commands: Vec<Vec<&str>> = vec![
        vec!["search", "x", "--db", db],
        vec!["actors", "--db", db],
        vec!["actors", "links", "--db", db],
        vec!["show", "1", "--db", db],
        vec!["serve", "--db", db, "--port", "0"],
        vec!["outlets", "--db", db],
        vec!["stories", "--db", db],
        vec!["export", db, "--format", "csv"],
    ];
    for args in commands {
        let (code, _, err) = run(&args);
        assert_ne!(code, 0, "{args:?}");
        assert_eq!(err.matches(db).count(), 1, "{args:?}: the path once: {err}");
        assert_eq!(err.matches("no such database").count(), 1, "{args:?}: the reason once: {err}");
    }
    // A server that refuses the connection: the URL and the system's reason, once each.
    let url = "postgres://whosaid@127.0.0.1:1/none";
    let (code, _, err) = run(&["search", "x", "--db", url]);
    assert_ne!(code, 0);
    assert_eq!(err.matches(url).count(), 1, "{err}");
    assert_eq!(err.to_lowercase().matches("refused").count(), 1, "{err}");
}
