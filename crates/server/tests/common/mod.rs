//! What the server tests share: a corpus (the seed and the fixture articles
//! through the real pipeline, with outlets and dates), the same corpus stored
//! in SQLite and — when `WHOSAID_TEST_PG` names a server — in PostgreSQL,
//! servers over each, and a raw HTTP client.
#![allow(dead_code)]

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use whosaid::Pipeline;
use whosaid_document::output::JsonDocument;
use whosaid_document::Meta;
use whosaid_server::auth::Token;
use whosaid_server::{Config, Server};
use whosaid_store::backend::StatementStore;
use whosaid_store::Store;
use whosaid_store_pg::PgStore;

const OUTLETS: &[(Option<&str>, Option<&str>)] = &[
    (Some("RT"), Some("https://www.rt.com/news/1")),
    (Some("BBC News"), Some("https://www.bbc.co.uk/news/2")),
    (None, Some("https://rt.com/russia/3")),
    (Some("The Guardian"), None),
];

/// The seed (id "seed", 2025-04-23) and the fixture articles, with outlets and dates.
pub fn corpus() -> Vec<JsonDocument> {
    let pipeline = Pipeline::default();
    whosaid_testkit::seed_and_articles()
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let text = std::fs::read_to_string(p).unwrap();
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let (outlet, url) = if i == 0 { (None, None) } else { OUTLETS[i % OUTLETS.len()] };
            let meta = Meta {
                id: Some(if i == 0 { "seed".to_string() } else { name.trim_end_matches(".txt").to_string() }),
                published: chrono::NaiveDate::from_ymd_opt(2025, 4, 1 + (i as u32 % 28)),
                outlet: outlet.map(str::to_string),
                url: url.map(|u| format!("{u}/{i}")),
                ..Meta::default()
            };
            JsonDocument::from_document(&pipeline.extract(&text, &name, meta))
        })
        .collect()
}

fn fill(store: &mut dyn StatementStore, docs: &[JsonDocument]) {
    let mut w = store.writer(100);
    for d in docs {
        w.put(d).unwrap();
    }
    w.finish().unwrap();
}

/// A SQLite database holding `docs`, in its own temporary directory.
pub fn sqlite_db(name: &str, docs: &[JsonDocument]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("whosaid-server-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("news.db");
    fill(&mut Store::open(&db).unwrap(), docs);
    db
}

/// A fresh PostgreSQL database holding `docs`, or None (after a loud
/// SKIPPED line; a panic when `WHOSAID_REQUIRE_PG=1`) without a server.
pub fn pg_db(name: &str, docs: &[JsonDocument]) -> Option<String> {
    let server = whosaid_store_pg::testing::server(&format!("whosaid-server {name} on PostgreSQL"))?;
    let url = whosaid_store_pg::testing::fresh_db(&server, &format!("srv_{name}"));
    fill(&mut PgStore::open(&url).unwrap(), docs);
    Some(url)
}

/// `(backend, --db)` for every backend available: SQLite always,
/// PostgreSQL when a server is given.
pub fn databases(name: &str, docs: &[JsonDocument]) -> Vec<(&'static str, PathBuf)> {
    let mut out = vec![("sqlite", sqlite_db(name, docs))];
    if let Some(url) = pg_db(name, docs) {
        out.push(("postgres", PathBuf::from(url)));
    }
    out
}

/// A running server over `db` on a free loopback port.
pub fn start(db: &Path, threads: usize, token: Option<Token>) -> SocketAddr {
    let config = Config { db: db.to_path_buf(), host: "127.0.0.1".into(), port: 0, threads };
    let server = Server::bind_with_token(&config, token).unwrap();
    let addr = server.addr();
    std::thread::spawn(move || server.run());
    addr
}

/// Sends `request` as is; returns the status, the head and the body.
pub fn raw(addr: SocketAddr, request: &str) -> (u16, String, String) {
    whosaid_testkit::http_raw(addr, request)
}

/// GET on a fresh connection: status and JSON body (a string when not JSON).
pub fn get(addr: SocketAddr, target: &str) -> (u16, serde_json::Value) {
    let (status, _, body) =
        raw(addr, &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n", addr.port()));
    (status, serde_json::from_str(&body).unwrap_or(serde_json::Value::String(body)))
}

/// The value of the field `name` in a response head (names compare without
/// case, as HTTP has them; hyper writes them in lower case).
pub fn header(head: &str, name: &str) -> Option<String> {
    head.lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim().to_string())
    })
}
