//! Search latency through the store interface on PostgreSQL (no HTTP: the
//! server reads SQLite only so far). Runs each query REPEAT times over one
//! connection and prints p50 / p99 per query and overall.
//!
//!   cargo run --release -p whosaid-store-pg --example search_latency -- postgres://… [REPEAT]

use std::time::Instant;

use whosaid_store::backend::StatementStore;
use whosaid_store::{SearchQuery, Sort};
use whosaid_store_pg::PgStore;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or("usage: search_latency postgres://… [REPEAT]")?;
    let repeat: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(200);
    let mut store = PgStore::open_read_only(&url)?;
    let (docs, statements, _) = store.counts()?;
    println!("{docs} documents, {statements} statements");
    let queries: Vec<(&str, SearchQuery)> = vec![
        ("q=ceasefire", SearchQuery { text: Some("ceasefire".into()), limit: 50, ..Default::default() }),
        ("q=said president", SearchQuery { text: Some("said president".into()), limit: 50, ..Default::default() }),
        ("speaker=smith", SearchQuery { speaker: Some("smith".into()), limit: 50, ..Default::default() }),
        (
            "newest, since 2025-04-10",
            SearchQuery { since: Some("2025-04-10".into()), sort: Sort::Newest, limit: 50, ..Default::default() },
        ),
    ];
    let mut all = Vec::new();
    for (name, q) in &queries {
        let mut times = Vec::with_capacity(repeat);
        let mut total = 0;
        for _ in 0..repeat {
            let t = Instant::now();
            total = store.search(q)?.total;
            times.push(t.elapsed().as_secs_f64() * 1000.0);
        }
        all.extend(times.iter().copied());
        report(&format!("{name} ({total} matches)"), &mut times);
    }
    report("all", &mut all);
    Ok(())
}

fn report(name: &str, t: &mut [f64]) {
    t.sort_by(|a, b| a.total_cmp(b));
    let p = |q: f64| t[((t.len() as f64 - 1.0) * q).round() as usize];
    println!("{name}: p50 {:.1} ms, p99 {:.1} ms, n {}", p(0.5), p(0.99), t.len());
}
