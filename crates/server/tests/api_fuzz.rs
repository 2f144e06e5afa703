//! Fuzzing the JSON API (issue 9.6): every parameter of every route gets
//! arbitrary values, and every answer must be JSON with a status below 500.
//! Targets that once failed are kept in `api-fuzz-corpus.txt` and replayed
//! on every run.

mod common;

use std::net::SocketAddr;
use std::sync::OnceLock;

use proptest::prelude::*;

/// One server per backend for the whole test binary, over a database
/// holding the seed and the fixture articles (PostgreSQL when
/// `WHOSAID_TEST_PG` names a server).
fn servers() -> &'static [(&'static str, SocketAddr)] {
    static SERVERS: OnceLock<Vec<(&'static str, SocketAddr)>> = OnceLock::new();
    SERVERS.get_or_init(|| {
        let docs = common::corpus();
        common::databases("fuzz", &docs).into_iter().map(|(b, db)| (b, common::start(&db, 2, None))).collect()
    })
}

/// GETs a target on a fresh connection to `addr`; returns the status and the body.
fn get_at(addr: SocketAddr, target: &str) -> (u16, String) {
    let (status, _, body) =
        common::raw(addr, &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"));
    (status, body)
}

/// Every backend answers `target` with JSON and a status below 500 (501,
/// "not available on this backend yet", counts as an answer).
fn check(target: &str) -> Result<(), String> {
    for &(backend, addr) in servers() {
        let (status, body) = get_at(addr, target);
        if status == 0 || (status >= 500 && status != 501) {
            return Err(format!("{backend} {target}: status {status}: {body}"));
        }
        if target.starts_with("/api/") && !target.starts_with("/api/openapi") && status != 204 {
            serde_json::from_str::<serde_json::Value>(&body)
                .map_err(|e| format!("{backend} {target}: not JSON ({e}): {body}"))?;
        }
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
    // The corpus is not vacuous: a good search still answers 200, on every backend.
    for &(backend, addr) in servers() {
        assert_eq!(get_at(addr, "/api/search?q=Rubio").0, 200, "{backend}");
    }
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
