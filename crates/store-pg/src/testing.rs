//! Helpers for tests that need a PostgreSQL server (this crate's and the
//! CLI's): the server from `WHOSAID_TEST_PG` or a loud skip, a fresh
//! database per test, and a backend-neutral snapshot of a store's contents.

use std::collections::BTreeSet;

use whosaid_document::output::JsonDocument;
use whosaid_store::backend::StatementStore;
use whosaid_store::{ActorsQuery, SearchQuery, Sort};

/// Names the throwaway server tests may create databases on.
pub const URL_ENV: &str = "WHOSAID_TEST_PG";
/// Set to 1 (CI) to fail, not skip, when there is no server.
pub const REQUIRE_ENV: &str = "WHOSAID_REQUIRE_PG";

/// The server URL, or None after printing SKIPPED (panics when required).
pub fn server(test: &str) -> Option<String> {
    match std::env::var(URL_ENV) {
        Ok(u) if !u.trim().is_empty() => Some(u),
        _ => {
            if std::env::var_os(REQUIRE_ENV).is_some_and(|v| v != "0") {
                panic!("{test}: {URL_ENV} is not set, and {REQUIRE_ENV} says a PostgreSQL server must be there");
            }
            eprintln!(
                "SKIPPED {test}: {URL_ENV} not set (a postgres:// URL; scripts/pg-cluster start DIR makes a server)"
            );
            None
        }
    }
}

/// A new empty database on the server, named for the test; its URL.
pub fn fresh_db(url: &str, name: &str) -> String {
    // CREATE DATABASE copies template1, which must then have no other user.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _guard = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect to WHOSAID_TEST_PG");
    let db = format!("whosaid_t_{name}");
    c.batch_execute(&format!("DROP DATABASE IF EXISTS {db} WITH (FORCE)")).unwrap();
    c.batch_execute(&format!("CREATE DATABASE {db}")).unwrap();
    let base = url.split('?').next().unwrap();
    let cut = base.rfind('/').filter(|&i| i > base.find("://").unwrap() + 2).unwrap_or(base.len());
    format!("{}/{db}", &base[..cut])
}

/// The number one SQL query on `url` answers (a count, for tests that check
/// rows the store interface does not read).
pub fn count(url: &str, sql: &str) -> i64 {
    let mut c = postgres::Client::connect(url, postgres::NoTls).expect("connect to the test database");
    c.query_one(sql, &[]).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

/// A statement without row ids: (doc key, idx, kind, content, speaker, the
/// speaker's actor name and type, addressee, date, outlet).
pub type StatementRow = (
    String,
    i64,
    String,
    String,
    Option<String>,
    Option<(String, String)>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// An actor without its row id: (name, type, statements, documents, first, last).
pub type ActorRow = (String, String, i64, i64, Option<String>, Option<String>);

/// Everything two stores must agree on, without row ids.
#[derive(Debug, PartialEq)]
pub struct Snapshot {
    /// Documents, statements and actors.
    pub counts: (i64, i64, i64),
    /// Every statement with its document key and speaker.
    pub statements: BTreeSet<StatementRow>,
    /// Every actor with its figures.
    pub actors: BTreeSet<ActorRow>,
    /// The re-linking's evidence (`actor_links`).
    pub links: Vec<(String, String, String, String, String)>,
    /// Every stored document as read back.
    pub documents: Vec<JsonDocument>,
}

/// Reads everything `s` holds that the other backend must hold the same.
pub fn snapshot(s: &mut dyn StatementStore) -> Snapshot {
    let actors_list = s.actors(&ActorsQuery { limit: 1 << 20, ..Default::default() }).unwrap();
    let by_id: std::collections::HashMap<i64, (String, String)> =
        actors_list.iter().map(|a| (a.id, (a.name.clone(), a.etype.clone()))).collect();
    let all = s.search(&SearchQuery { sort: Sort::Oldest, limit: 1 << 20, ..Default::default() }).unwrap();
    assert_eq!(all.total as usize, all.results.len());
    let statements = all
        .results
        .iter()
        .map(|h| {
            (
                h.doc.clone(),
                h.idx,
                h.kind.clone(),
                h.content.clone(),
                h.speaker.clone(),
                h.actor_id.map(|a| by_id[&a].clone()),
                h.addressee.clone(),
                h.date.clone(),
                h.outlet.clone(),
            )
        })
        .collect();
    let actors =
        actors_list.into_iter().map(|a| (a.name, a.etype, a.statements, a.documents, a.first, a.last)).collect();
    let mut keys: Vec<String> =
        all.results.iter().map(|h| h.doc.clone()).collect::<BTreeSet<_>>().into_iter().collect();
    keys.sort();
    let documents = keys
        .iter()
        .map(|k| {
            let id = s.find_document(k).unwrap().unwrap_or_else(|| panic!("{k} not found"));
            s.load_json(id).unwrap().unwrap()
        })
        .collect();
    Snapshot { counts: s.counts().unwrap(), statements, actors, links: s.actor_links().unwrap(), documents }
}
