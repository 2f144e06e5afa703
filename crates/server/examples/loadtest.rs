//! Load test helper for `scripts/load-test` (loopback only, bounded).
//!
//! ```text
//! loadtest gen IN.jsonl N OUT.jsonl      # N distinct documents from whosaid/1 JSONL
//! loadtest run ADDR SECONDS CONCURRENCY MAX_REQUESTS TARGET...
//! ```
//!
//! `gen` varies id, outlet, URL, publication date and a trailing line of the text
//! of the given documents, so every copy is a distinct document (own content
//! hash) and outlets and dates spread as in a real corpus. `run` keeps
//! CONCURRENCY keep-alive connections to ADDR (which must be a loopback
//! address), cycles through the TARGETs, stops after SECONDS or MAX_REQUESTS,
//! and prints latency percentiles and requests/s per target and overall.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use whosaid_document::output::JsonDocument;

const OUTLETS: &[(&str, &str)] = &[
    ("RT", "https://www.rt.com/news/"),
    ("BBC News", "https://www.bbc.co.uk/news/"),
    ("Reuters", "https://www.reuters.com/world/"),
    ("AFP", "https://www.afp.com/en/news/"),
    ("The Guardian", "https://www.theguardian.com/world/"),
    ("Al Jazeera", "https://www.aljazeera.com/news/"),
    ("Kyiv Independent", "https://kyivindependent.com/"),
    ("TASS", "https://tass.com/politics/"),
    ("Politico", "https://www.politico.eu/article/"),
    ("Deutsche Welle", "https://www.dw.com/en/"),
    ("Le Monde", "https://www.lemonde.fr/en/"),
    ("AP", "https://apnews.com/article/"),
];

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("gen") if args.len() == 4 => gen(&args[1], args[2].parse().expect("N"), &args[3]),
        Some("run") if args.len() >= 6 => run(
            &args[1],
            args[2].parse().expect("SECONDS"),
            args[3].parse().expect("CONCURRENCY"),
            args[4].parse().expect("MAX_REQUESTS"),
            &args[5..],
        ),
        _ => {
            eprintln!("usage: loadtest gen IN.jsonl N OUT.jsonl | loadtest run ADDR SECONDS CONCURRENCY MAX TARGET...");
            std::process::exit(2);
        }
    }
}

fn gen(input: &str, n: usize, output: &str) {
    let base: Vec<JsonDocument> = BufReader::new(std::fs::File::open(input).expect("open input"))
        .lines()
        .map(|l| serde_json::from_str(&l.expect("read")).expect("whosaid/1 JSONL"))
        .collect();
    assert!(!base.is_empty(), "no documents in {input}");
    let mut out = std::io::BufWriter::new(std::fs::File::create(output).expect("create output"));
    let mut state = 0x2545f4914f6cdd1du64;
    let mut rand = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for i in 0..n {
        let mut d = base[i % base.len()].clone();
        let (outlet, url) = OUTLETS[(rand() % OUTLETS.len() as u64) as usize];
        let day = rand() % 730; // two years from 2024-01-01
        let date =
            chrono::NaiveDate::from_ymd_opt(2024, 1, 1).expect("valid date") + chrono::Duration::days(day as i64);
        d.meta.id = Some(format!("load-{i:05}"));
        d.meta.outlet = Some(outlet.to_string());
        d.meta.url = Some(format!("{url}{i:05}"));
        d.meta.published = Some(date.format("%Y-%m-%d").to_string());
        // Appending keeps every offset valid and makes the content hash unique.
        d.text.push_str(&format!("\n[load test copy {i}]"));
        serde_json::to_writer(&mut out, &d).expect("write");
        out.write_all(b"\n").expect("write");
    }
    out.flush().expect("flush");
}

struct Sample {
    target: usize,
    micros: u64,
    ok: bool,
}

fn run(addr: &str, seconds: u64, concurrency: usize, max_requests: usize, targets: &[String]) {
    let sock: SocketAddr = addr.parse().expect("ADDR is ip:port");
    assert!(sock.ip().is_loopback(), "load tests target loopback addresses only");
    let seconds = seconds.clamp(1, 600);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let issued = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let handles: Vec<_> = (0..concurrency.clamp(1, 256))
        .map(|w| {
            let targets = targets.to_vec();
            let issued = issued.clone();
            let host = addr.to_string();
            std::thread::spawn(move || {
                let mut samples = Vec::new();
                let mut conn: Option<(TcpStream, BufReader<TcpStream>)> = None;
                let mut k = w;
                while Instant::now() < deadline && issued.fetch_add(1, Ordering::Relaxed) < max_requests {
                    let t = k % targets.len();
                    k += 1;
                    if conn.is_none() {
                        let s = TcpStream::connect(sock).expect("connect");
                        s.set_nodelay(true).ok();
                        s.set_read_timeout(Some(Duration::from_secs(30))).ok();
                        let r = BufReader::new(s.try_clone().expect("clone"));
                        conn = Some((s, r));
                    }
                    let (s, r) = conn.as_mut().expect("connected");
                    let t0 = Instant::now();
                    let ok = exchange(s, r, &host, &targets[t]);
                    samples.push(Sample { target: t, micros: t0.elapsed().as_micros() as u64, ok: ok.is_some() });
                    if ok != Some(true) {
                        conn = None; // closed or failed: reconnect
                    }
                }
                samples
            })
        })
        .collect();
    let samples: Vec<Sample> = handles.into_iter().flat_map(|h| h.join().expect("worker")).collect();
    let elapsed = started.elapsed().as_secs_f64();
    println!("{} requests in {:.1} s over {} connections", samples.len(), elapsed, concurrency);
    println!(
        "{:<70} {:>7} {:>8} {:>8} {:>8} {:>8} {:>7}",
        "target", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors"
    );
    let report = |name: &str, mut lat: Vec<u64>, errors: usize| {
        lat.sort_unstable();
        let pct = |p: f64| -> f64 {
            if lat.is_empty() {
                return 0.0;
            }
            let i = ((p / 100.0) * (lat.len() as f64 - 1.0)).round() as usize;
            lat[i] as f64 / 1000.0
        };
        println!(
            "{:<70} {:>7} {:>8.2} {:>8.2} {:>8.2} {:>8.2} {:>7}",
            name,
            lat.len(),
            pct(50.0),
            pct(90.0),
            pct(99.0),
            lat.last().copied().unwrap_or(0) as f64 / 1000.0,
            errors
        );
    };
    for (i, t) in targets.iter().enumerate() {
        let lat: Vec<u64> = samples.iter().filter(|s| s.target == i && s.ok).map(|s| s.micros).collect();
        let errors = samples.iter().filter(|s| s.target == i && !s.ok).count();
        report(t, lat, errors);
    }
    let all: Vec<u64> = samples.iter().filter(|s| s.ok).map(|s| s.micros).collect();
    let errors = samples.iter().filter(|s| !s.ok).count();
    report("all", all, errors);
    println!("throughput: {:.0} requests/s", samples.iter().filter(|s| s.ok).count() as f64 / elapsed);
    if errors > 0 {
        std::process::exit(1);
    }
}

/// One request/response on a keep-alive connection. Some(true): 200 and the
/// connection stays open; Some(false): 200 but closed; None: failed.
fn exchange(s: &mut TcpStream, r: &mut BufReader<TcpStream>, host: &str, target: &str) -> Option<bool> {
    s.write_all(format!("GET {target} HTTP/1.1\r\nHost: {host}\r\n\r\n").as_bytes()).ok()?;
    let mut status = String::new();
    r.read_line(&mut status).ok()?;
    let ok = status.starts_with("HTTP/1.1 200");
    let mut len = 0usize;
    let mut keep = true;
    loop {
        let mut h = String::new();
        if r.read_line(&mut h).ok()? == 0 {
            return None;
        }
        if h == "\r\n" {
            break;
        }
        let lower = h.to_ascii_lowercase();
        if let Some(v) = lower.strip_prefix("content-length:") {
            len = v.trim().parse().ok()?;
        } else if lower.starts_with("connection:") && lower.contains("close") {
            keep = false;
        }
    }
    let mut body = vec![0; len];
    r.read_exact(&mut body).ok()?;
    ok.then_some(keep)
}
