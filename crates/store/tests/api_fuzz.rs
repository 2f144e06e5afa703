//! Fuzzing the JSON API (issue 9.6): every parameter of every route gets
//! arbitrary values, and every answer must be JSON with a status below 500.
//! Targets that once failed are kept in `api-fuzz-corpus.txt` and replayed
//! on every run.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::sync::OnceLock;

use proptest::prelude::*;
use whosaid::Pipeline;
use whosaid_document::output::JsonDocument;
use whosaid_document::Meta;
use whosaid_store::server::{Config, Server};
use whosaid_store::Store;

/// One server for the whole test binary, over a database holding the seed.
fn server() -> SocketAddr {
    static ADDR: OnceLock<SocketAddr> = OnceLock::new();
    *ADDR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("whosaid-api-fuzz-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("news.db");
        let seed =
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../whosaid/tests/fixtures/seed/000_a94861bdbd30db23.txt");
        let text = std::fs::read_to_string(seed).unwrap();
        let meta = Meta {
            id: Some("seed".into()),
            published: chrono::NaiveDate::from_ymd_opt(2025, 4, 23),
            ..Meta::default()
        };
        let doc = JsonDocument::from_document(&Pipeline::default().extract(&text, "seed.txt", meta));
        {
            let mut store = Store::open(&db).unwrap();
            let mut w = store.writer(10);
            w.put(&doc).unwrap();
            w.finish().unwrap();
        }
        let config = Config { db, host: "127.0.0.1".into(), port: 0, threads: 2 };
        let server = Server::bind(&config).unwrap();
        let addr = server.addr();
        std::thread::spawn(move || server.run());
        addr
    })
}

/// GETs a target on a fresh connection; returns the status and the body.
fn get(target: &str) -> (u16, String) {
    let mut s = TcpStream::connect(server()).unwrap();
    write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (status, body)
}

fn check(target: &str) -> Result<(), String> {
    let (status, body) = get(target);
    if status == 0 || status >= 500 {
        return Err(format!("{target}: status {status}: {body}"));
    }
    if target.starts_with("/api/") && !target.starts_with("/api/openapi") && status != 204 {
        serde_json::from_str::<serde_json::Value>(&body).map_err(|e| format!("{target}: not JSON ({e}): {body}"))?;
    }
    Ok(())
}

/// Percent-encodes every byte that is not unreserved, so the value arrives as is.
fn encode(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|&b| {
            if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

const ROUTES: &[(&str, &[&str])] = &[
    (
        "/api/search",
        &["q", "in", "speaker", "actor", "outlet", "since", "until", "kind", "sort", "limit", "offset", "doc"],
    ),
    ("/api/documents", &["q", "outlet", "since", "until", "limit", "offset"]),
    ("/api/actors", &["q", "type", "limit", "offset"]),
    ("/api/actors/1", &["limit", "offset"]),
    ("/api/documents/1", &[]),
    ("/api/stats", &[]),
    ("/api/outlets", &[]),
    ("/api/stories", &["doc", "actor", "limit", "offset"]),
    ("/api/stories/1", &[]),
];

/// Values worth trying: raw bytes, FTS5 syntax, numbers at the edges, dates.
fn value() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        proptest::collection::vec(any::<u8>(), 0..24),
        "[a-zA-Z0-9 \"*():^+,-]{0,16}".prop_map(String::into_bytes),
        prop_oneof![
            Just("NEAR(a b)"),
            Just("\"\""),
            Just("a OR"),
            Just("NOT"),
            Just("-1"),
            Just("0"),
            Just("2025-04"),
            Just("18446744073709551616"),
            Just("direct,belief"),
            Just("newest"),
            Just("articles"),
            Just("person"),
            Just("a\u{0}b"),
            Just("\u{1}"),
        ]
        .prop_map(|s| s.as_bytes().to_vec()),
        any::<String>().prop_map(String::into_bytes),
    ]
}

#[test]
fn corpus_targets_never_get_a_server_error() {
    let corpus = include_str!("api-fuzz-corpus.txt");
    let failures: Vec<String> = corpus
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(|t| check(t).err())
        .collect();
    assert!(failures.is_empty(), "{failures:#?}");
    // The corpus is not vacuous: a good search still answers 200.
    assert_eq!(get("/api/search?q=Rubio").0, 200);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn any_parameter_value_gets_a_json_answer_below_500(
        route in 0..ROUTES.len(),
        params in proptest::collection::vec((0usize..16, value()), 0..4),
    ) {
        let (path, names) = ROUTES[route];
        let query: Vec<String> = params
            .iter()
            .map(|(i, v)| {
                // Mostly known names, sometimes an unknown one.
                let name = names.get(*i).copied().unwrap_or("bogus");
                format!("{name}={}", encode(v))
            })
            .collect();
        let target = if query.is_empty() { path.to_string() } else { format!("{path}?{}", query.join("&")) };
        if let Err(e) = check(&target) {
            return Err(TestCaseError::fail(e));
        }
    }

    #[test]
    fn any_path_gets_an_answer_below_500(path in proptest::collection::vec(any::<u8>(), 0..32)) {
        let target = format!("/api/{}", encode(&path));
        if let Err(e) = check(&target) {
            return Err(TestCaseError::fail(e));
        }
    }
}
