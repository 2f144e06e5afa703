//! `whosaid serve`: a small HTTP/1.1 server for the web app and the JSON API
//! (documented in `docs/api.openapi.yaml`, also served at `/api/openapi.yaml`),
//! over the store interface ([`StatementStore`]): `--db` is a SQLite file or a
//! `postgres://` URL and every page reads through the same typed methods.
//!
//! Synchronous on purpose: one thread per connection (at most
//! [`MAX_CONNECTIONS`]), a fixed pool of read-only store connections shared
//! by them (reused across requests; a lost PostgreSQL connection is reopened),
//! keep-alive.
//!
//! Hardening:
//! - only `GET` and `HEAD`; request bodies are refused (413), as are request
//!   heads over [`MAX_HEAD_BYTES`] (431) and targets over [`MAX_TARGET_BYTES`] (414);
//! - every parameter is validated (unknown ones too) and answered with a JSON
//!   4xx naming it; control characters (a NUL) are a 400; result pages are
//!   capped ([`MAX_LIMIT`], [`MAX_OFFSET`]);
//! - SQL is parameterised only; each connection is read-only (SQLite
//!   `query_only`, PostgreSQL `default_transaction_read_only`), and a query
//!   running past [`QUERY_TIMEOUT`] is interrupted (SQLite progress handler,
//!   PostgreSQL `statement_timeout`) and answered 503;
//! - a page the backend cannot serve yet is a 501 JSON error naming it;
//! - slow clients time out; a `Host` header that is not this loopback address
//!   is refused (421), so a web page elsewhere cannot read the API through DNS
//!   rebinding;
//! - with an access token ([`auth`]), every request needs it (401 otherwise);
//! - responses carry `nosniff`, a strict Content-Security-Policy (assets are
//!   compiled in; nothing is fetched from the network).

pub mod auth;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde::Serialize;
use whosaid_compare::profiles::{outlet_report, OutletReport, ProfileOptions};
use whosaid_compare::stories::{stories, Story, StoryActor, StoryOptions, StoryOutlet};
use whosaid_store::backend::{StatementStore, Target};
use whosaid_store::{
    ActorsQuery, DocumentsQuery, Error, InvalidReason, OutletDocuments, Result, Scope, SearchQuery, Sort, Store,
};
use whosaid_store_pg::PgStore;

/// The port `whosaid serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8377;
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
pub const MAX_TARGET_BYTES: usize = 4 * 1024;
pub const MAX_HEADERS: usize = 64;
pub const MAX_CONNECTIONS: usize = 128;
pub const MAX_REQUESTS_PER_CONNECTION: usize = 10_000;
/// Largest page of results.
pub const MAX_LIMIT: usize = 200;
/// Deepest page start (use filters rather than paging further).
pub const MAX_OFFSET: usize = 10_000;
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(5);
const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
const POOL_WAIT: Duration = Duration::from_secs(10);

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const OPENAPI: &str = include_str!("../../../docs/api.openapi.yaml");
const OUTLETS_JS: &str = include_str!("../assets/outlets.js");
const OUTLETS_CSS: &str = include_str!("../assets/outlets.css");

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[derive(Clone, Debug)]
pub struct Config {
    /// A SQLite file or a `postgres://` URL (as `--db`).
    pub db: PathBuf,
    pub host: String,
    pub port: u16,
    /// Read-only database connections (concurrent queries).
    pub threads: usize,
}

/// One read-only connection of either backend.
enum Conn {
    Sqlite(Store),
    Pg(Box<PgStore>),
}

impl Conn {
    fn store(&mut self) -> &mut dyn StatementStore {
        match self {
            Conn::Sqlite(s) => s,
            Conn::Pg(s) => s.as_mut(),
        }
    }
}

/// A pooled read-only connection with its query deadline.
struct Slot {
    conn: Conn,
    deadline: Arc<AtomicU64>,
}

/// The outlet comparison of one database state.
struct Analysis {
    outlets: OutletReport,
    stories: Vec<Story>,
}

struct Pool {
    target: Target,
    slots: Mutex<Vec<Slot>>,
    ready: Condvar,
    /// The outlet comparison, keyed by [`StatementStore::state_key`]: the
    /// corpus is read whole (about a second for PolNeAR's 924 articles), and
    /// page views must not repeat that.
    analysis: Mutex<Option<(String, Arc<Analysis>)>>,
}

fn clock_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

fn open_conn(target: &Target) -> Result<Slot> {
    let deadline = Arc::new(AtomicU64::new(u64::MAX));
    let conn = match target {
        Target::Sqlite(path) => {
            let store = Store::open_read_only(path)?;
            let d = deadline.clone();
            // Past the deadline, SQLite interrupts the statement.
            store.interrupt_when(move || clock_ms() > d.load(Ordering::Relaxed));
            Conn::Sqlite(store)
        }
        Target::Postgres(url) => {
            let mut store = PgStore::open_read_only(url)?;
            store.set_statement_timeout(QUERY_TIMEOUT)?;
            store.tune_for_serving()?;
            Conn::Pg(Box::new(store))
        }
    };
    Ok(Slot { conn, deadline })
}

impl Pool {
    fn open(config: &Config) -> Result<Pool> {
        let target = Target::parse(&config.db)?;
        let mut slots = Vec::new();
        for _ in 0..config.threads.max(1) {
            slots.push(open_conn(&target)?);
        }
        Ok(Pool { target, slots: Mutex::new(slots), ready: Condvar::new(), analysis: Mutex::new(None) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut dyn StatementStore) -> T) -> Option<T> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        while slots.is_empty() {
            let left = POOL_WAIT.checked_sub(started.elapsed())?;
            slots = self.ready.wait_timeout(slots, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        let mut slot = slots.pop().expect("not empty");
        drop(slots);
        // A PostgreSQL server restarted since: reconnect (else keep the old
        // slot, and the query below reports the error).
        if let Conn::Pg(pg) = &slot.conn {
            if pg.is_closed() {
                match open_conn(&self.target) {
                    Ok(fresh) => slot = fresh,
                    Err(e) => eprintln!("whosaid serve: reconnecting: {e}"),
                }
            }
        }
        slot.deadline.store(clock_ms() + QUERY_TIMEOUT.as_millis() as u64, Ordering::Relaxed);
        let out = f(slot.conn.store());
        slot.deadline.store(u64::MAX, Ordering::Relaxed);
        self.slots.lock().unwrap_or_else(|e| e.into_inner()).push(slot);
        self.ready.notify_one();
        Some(out)
    }

    /// The outlet comparison of the database as it is now (cached).
    fn analysis(&self, store: &mut dyn StatementStore) -> Result<Arc<Analysis>> {
        let key = store.state_key()?;
        if let Some((k, a)) = self.analysis.lock().unwrap_or_else(|e| e.into_inner()).as_ref() {
            if *k == key {
                return Ok(a.clone());
            }
        }
        let corpus = store.corpus()?;
        let a = Arc::new(Analysis {
            outlets: outlet_report(&corpus, &ProfileOptions::default()),
            stories: stories(&corpus, &StoryOptions::default()),
        });
        *self.analysis.lock().unwrap_or_else(|e| e.into_inner()) = Some((key, a.clone()));
        Ok(a)
    }
}

/// A bound server, ready to run.
pub struct Server {
    listener: TcpListener,
    pool: Arc<Pool>,
    addr: SocketAddr,
    loopback: bool,
    token: Option<Arc<crate::auth::Token>>,
}

impl Server {
    /// Opens the pool (fails early on a missing or unreadable database) and binds.
    pub fn bind(config: &Config) -> Result<Server> {
        Server::bind_with_token(config, None)
    }

    /// As [`Server::bind`], with an access token every request must carry
    /// (`crate::auth`); required when the host is not loopback.
    pub fn bind_with_token(config: &Config, token: Option<crate::auth::Token>) -> Result<Server> {
        crate::auth::require_token(&config.host, token.as_ref())?;
        let pool = Pool::open(config)?;
        let listener = TcpListener::bind((config.host.as_str(), config.port))
            .map_err(|e| Error::io(format!("cannot listen on {}:{}", config.host, config.port), e))?;
        let addr = listener.local_addr().map_err(|e| Error::io(format!("{}:{}", config.host, config.port), e))?;
        if !addr.ip().is_loopback() && token.is_none() {
            return Err(Error::Invalid(InvalidReason::Config(format!(
                "{addr} is not loopback: an access token (--token-file) is required"
            ))));
        }
        let token = token.map(Arc::new);
        Ok(Server { listener, pool: Arc::new(pool), addr, loopback: addr.ip().is_loopback(), token })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process ends.
    pub fn run(self) -> Result<()> {
        let active = Arc::new(AtomicUsize::new(0));
        for stream in self.listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
                let _ = stream.set_write_timeout(Some(Duration::from_secs(1)));
                let body = error_body(503, "too many connections, try again");
                let _ = write_response(&mut stream, &Reply::json(503, &body), false, true);
                continue;
            }
            active.fetch_add(1, Ordering::SeqCst);
            let pool = self.pool.clone();
            let active_undo = active.clone();
            let active = active.clone();
            let ctx = Ctx { port: self.addr.port(), loopback: self.loopback, token: self.token.clone() };
            let spawned = std::thread::Builder::new().name("whosaid-http".into()).spawn(move || {
                serve_connection(stream, &pool, &ctx);
                active.fetch_sub(1, Ordering::SeqCst);
            });
            if spawned.is_err() {
                // The closure was dropped without running: undo its count.
                active_undo.fetch_sub(1, Ordering::SeqCst);
            }
        }
        Ok(())
    }
}

/// Binds, reports the address, and serves until the process ends.
pub fn serve(config: &Config, on_ready: impl FnOnce(SocketAddr)) -> Result<()> {
    serve_with_token(config, None, on_ready)
}

/// [`serve`] with an access token ([`Server::bind_with_token`]).
pub fn serve_with_token(
    config: &Config,
    token: Option<crate::auth::Token>,
    on_ready: impl FnOnce(SocketAddr),
) -> Result<()> {
    let server = Server::bind_with_token(config, token)?;
    on_ready(server.addr());
    server.run()
}

struct Ctx {
    port: u16,
    loopback: bool,
    token: Option<Arc<crate::auth::Token>>,
}

/// A response before it is written.
pub struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    cache: &'static str,
    extra: Vec<(&'static str, String)>,
}

impl Reply {
    fn json(status: u16, body: &impl Serialize) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(body).unwrap_or_default(),
            cache: "no-store",
            extra: Vec::new(),
        }
    }

    fn asset(content_type: &'static str, body: &str) -> Reply {
        Reply { status: 200, content_type, body: body.as_bytes().to_vec(), cache: "no-cache", extra: Vec::new() }
    }

    fn error(status: u16, message: impl Into<String>) -> Reply {
        Reply::json(status, &error_body(status, &message.into()))
    }
}

/// Every error answer: `{"error": {"status": N, "message": "…"}}`.
#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    status: u16,
    message: &'a str,
}

fn error_body(status: u16, message: &str) -> ErrorBody<'_> {
    ErrorBody { error: ErrorDetail { status, message } }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        401 => "Unauthorized",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        413 => "Content Too Large",
        414 => "URI Too Long",
        421 => "Misdirected Request",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

fn write_response(stream: &mut TcpStream, r: &Reply, head_only: bool, close: bool) -> std::io::Result<()> {
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nCache-Control: {}\r\n\
         X-Content-Type-Options: nosniff\r\nReferrer-Policy: no-referrer\r\nX-Frame-Options: DENY\r\n\
         Content-Security-Policy: {CSP}\r\nConnection: {}\r\n",
        r.status,
        reason(r.status),
        r.content_type,
        r.body.len(),
        r.cache,
        if close { "close" } else { "keep-alive" }
    );
    for (k, v) in &r.extra {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    let mut buf = head.into_bytes();
    if !head_only {
        buf.extend_from_slice(&r.body);
    }
    stream.write_all(&buf)?;
    stream.flush()
}

/// A parsed request head.
struct Head {
    method: String,
    target: String,
    version: String,
    headers: Vec<(String, String)>,
}

impl Head {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

enum ReadHead {
    Head(Head),
    /// The client closed (or went idle) between requests.
    Closed,
    /// A malformed or oversized head: answer with this status, then close.
    Bad(u16, &'static str),
}

fn read_head(reader: &mut BufReader<TcpStream>) -> ReadHead {
    let mut raw = Vec::with_capacity(512);
    let mut lines: Vec<String> = Vec::new();
    let started = Instant::now();
    loop {
        // A head trickled in slowly (slowloris) is cut off, whatever the pace.
        if !raw.is_empty() && started.elapsed() > IDLE_TIMEOUT {
            return ReadHead::Bad(408, "request head too slow");
        }
        let mut line = Vec::new();
        let limit = (MAX_HEAD_BYTES + 1).saturating_sub(raw.len()) as u64;
        match reader.by_ref().take(limit).read_until(b'\n', &mut line) {
            Ok(0) => {
                return if raw.is_empty() { ReadHead::Closed } else { ReadHead::Bad(400, "incomplete request") };
            }
            Ok(_) => {}
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return if raw.is_empty() { ReadHead::Closed } else { ReadHead::Bad(408, "request head too slow") };
            }
            Err(_) => return ReadHead::Closed,
        }
        raw.extend_from_slice(&line);
        if raw.len() > MAX_HEAD_BYTES || !line.ends_with(b"\n") {
            return ReadHead::Bad(431, "request head too large");
        }
        let text = match String::from_utf8(line) {
            Ok(t) => t,
            Err(_) => return ReadHead::Bad(400, "request head is not UTF-8"),
        };
        let text = text.trim_end_matches(['\r', '\n']).to_string();
        if text.is_empty() {
            if lines.is_empty() {
                raw.clear(); // tolerate blank lines before a request
                continue;
            }
            break;
        }
        lines.push(text);
        if lines.len() > MAX_HEADERS + 1 {
            return ReadHead::Bad(431, "too many header fields");
        }
    }
    let mut first = lines[0].split(' ');
    let (Some(method), Some(target), Some(version), None) = (first.next(), first.next(), first.next(), first.next())
    else {
        return ReadHead::Bad(400, "malformed request line");
    };
    if !version.starts_with("HTTP/1.") {
        return ReadHead::Bad(505, "only HTTP/1.x is spoken here");
    }
    let mut headers = Vec::new();
    for l in &lines[1..] {
        let Some((k, v)) = l.split_once(':') else { return ReadHead::Bad(400, "malformed header field") };
        if k.is_empty() || k.contains(' ') {
            return ReadHead::Bad(400, "malformed header field");
        }
        headers.push((k.to_string(), v.trim().to_string()));
    }
    ReadHead::Head(Head {
        method: method.to_string(),
        target: target.to_string(),
        version: version.to_string(),
        headers,
    })
}

fn serve_connection(stream: TcpStream, pool: &Pool, ctx: &Ctx) {
    let _ = stream.set_read_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_write_timeout(Some(IDLE_TIMEOUT));
    let _ = stream.set_nodelay(true);
    let Ok(mut writer) = stream.try_clone() else { return };
    let mut reader = BufReader::with_capacity(8 * 1024, stream);
    for _ in 0..MAX_REQUESTS_PER_CONNECTION {
        let head = match read_head(&mut reader) {
            ReadHead::Head(h) => h,
            ReadHead::Closed => return,
            ReadHead::Bad(status, msg) => {
                let _ = write_response(&mut writer, &Reply::error(status, msg), false, true);
                return;
            }
        };
        let head_only = head.method == "HEAD";
        let connection = head.header("Connection").map(str::to_ascii_lowercase).unwrap_or_default();
        let mut close =
            connection.contains("close") || (head.version == "HTTP/1.0" && !connection.contains("keep-alive"));
        let has_body = head.header("Transfer-Encoding").is_some()
            || head.header("Content-Length").is_some_and(|v| v.trim().parse::<u64>().map_or(true, |n| n > 0));
        let reply = if has_body {
            // The API takes no request bodies; not reading one means closing.
            close = true;
            if head.method == "GET" || head.method == "HEAD" {
                Reply::error(413, "request bodies are not accepted")
            } else {
                method_not_allowed()
            }
        } else if head.method != "GET" && head.method != "HEAD" {
            method_not_allowed()
        } else if head.target.len() > MAX_TARGET_BYTES {
            Reply::error(414, format!("request target longer than {MAX_TARGET_BYTES} bytes"))
        } else if ctx.loopback && !host_allowed(head.header("Host"), ctx.port) {
            Reply::error(421, "unexpected Host header: use http://127.0.0.1 or http://localhost")
        } else if ctx.token.as_ref().is_some_and(|t| !crate::auth::bearer_matches(head.header("Authorization"), t)) {
            let mut r = Reply::error(401, "missing or wrong access token: send Authorization: Bearer <token>");
            r.extra.push(("WWW-Authenticate", "Bearer".into()));
            r
        } else {
            route(pool, &head.target)
        };
        if write_response(&mut writer, &reply, head_only, close).is_err() || close {
            return;
        }
    }
}

fn method_not_allowed() -> Reply {
    let mut r = Reply::error(405, "only GET and HEAD are allowed");
    r.extra.push(("Allow", "GET, HEAD".into()));
    r
}

/// Loopback servers answer only to loopback names (DNS-rebinding guard).
fn host_allowed(host: Option<&str>, port: u16) -> bool {
    let Some(host) = host else { return true }; // HTTP/1.0 clients send none
    let name = if let Some(rest) = host.strip_prefix('[') {
        rest.split(']').next().unwrap_or("")
    } else {
        host.rsplit_once(':').map(|(h, p)| if p == port.to_string() { h } else { "" }).unwrap_or(host)
    };
    let name = name.to_ascii_lowercase();
    name == "localhost"
        || name.ends_with(".localhost")
        || name.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Percent-decoding for query strings (`+` is a space).
fn decode(s: &str) -> std::result::Result<String, String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
                let v = hex.and_then(|h| u8::from_str_radix(h, 16).ok()).ok_or("malformed percent-escape")?;
                out.push(v);
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).map_err(|_| "not UTF-8 after decoding".to_string())
}

/// Query parameters, checked against the names a route accepts.
struct Params {
    map: HashMap<String, Vec<String>>,
}

impl Params {
    fn parse(query: &str, allowed: &[&str]) -> std::result::Result<Params, Reply> {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let k = decode(k).map_err(|e| Reply::error(400, format!("query string: {e}")))?;
            let v = decode(v).map_err(|e| Reply::error(400, format!("parameter {k}: {e}")))?;
            // No parameter has a use for control characters (a NUL ends an SQLite string).
            if v.chars().any(|c| c.is_control() && c != '\t') {
                return Err(Reply::error(400, format!("parameter '{k}': control characters are not allowed")));
            }
            if !allowed.contains(&k.as_str()) {
                let list = if allowed.is_empty() { "none".to_string() } else { allowed.join(", ") };
                return Err(Reply::error(400, format!("unknown parameter '{k}' (accepted: {list})")));
            }
            map.entry(k).or_default().push(v);
        }
        Ok(Params { map })
    }

    /// A single-valued parameter; empty counts as absent.
    fn one(&self, k: &str) -> std::result::Result<Option<String>, Reply> {
        match self.map.get(k).map(Vec::as_slice) {
            None => Ok(None),
            Some([v]) => Ok(Some(v.trim().to_string()).filter(|v| !v.is_empty())),
            Some(_) => Err(Reply::error(400, format!("parameter '{k}' given more than once"))),
        }
    }

    fn number(&self, k: &str, default: usize, min: usize, max: usize) -> std::result::Result<usize, Reply> {
        match self.one(k)? {
            None => Ok(default),
            Some(v) => match v.parse::<usize>() {
                Ok(n) if (min..=max).contains(&n) => Ok(n),
                _ => Err(Reply::error(400, format!("parameter '{k}' must be a whole number from {min} to {max}"))),
            },
        }
    }

    fn id(&self, k: &str) -> std::result::Result<Option<i64>, Reply> {
        match self.one(k)? {
            None => Ok(None),
            Some(v) => {
                v.parse::<i64>().map(Some).map_err(|_| Reply::error(400, format!("parameter '{k}' must be a number")))
            }
        }
    }
}

fn store_reply<T: Serialize>(r: Option<Result<T>>) -> Reply {
    match r {
        None => Reply::error(503, "server busy, try again"),
        Some(Ok(v)) => Reply::json(200, &v),
        Some(Err(e)) => error_reply(e),
    }
}

/// A store error as an answer: the caller's fault 400, not available on
/// this backend 501, a query cancelled at the timeout 503 (each backend
/// reports it as [`Error::Interrupted`]), anything else 500 (logged, not shown).
fn error_reply(e: Error) -> Reply {
    match e {
        Error::Invalid(r) => Reply::error(400, r.to_string()),
        Error::Unsupported(m) => Reply::error(501, m),
        Error::Interrupted { .. } => {
            Reply::error(503, format!("query took longer than {} s; narrow it down", QUERY_TIMEOUT.as_secs()))
        }
        e @ (Error::Io { .. } | Error::Database { .. } | Error::Schema { .. } | Error::Data { .. }) => {
            eprintln!("whosaid serve: {e}");
            Reply::error(500, "internal error (see the server log)")
        }
    }
}

/// Either the value, or 404 naming what was not found.
fn found<T: Serialize>(r: Option<Result<Option<T>>>, what: &str) -> Reply {
    match r {
        Some(Ok(None)) => not_found(what),
        Some(Ok(Some(v))) => Reply::json(200, &v),
        Some(Err(e)) => error_reply(e),
        None => store_reply::<()>(None),
    }
}

fn not_found(what: &str) -> Reply {
    Reply::error(404, format!("{what} not found"))
}

#[derive(Serialize)]
struct Health {
    ok: bool,
}

/// `/api/stats`: corpus totals, the outlets and the kinds (the search form).
#[derive(Serialize)]
struct ApiStats {
    backend: &'static str,
    schema_version: i64,
    documents: i64,
    statements: i64,
    actors: i64,
    first: Option<String>,
    last: Option<String>,
    outlets: Vec<OutletDocuments>,
    kinds: [&'static str; 4],
}

fn api_stats(s: &mut dyn StatementStore) -> Result<ApiStats> {
    let st = s.stats()?;
    Ok(ApiStats {
        backend: s.backend(),
        schema_version: st.schema_version,
        documents: st.documents,
        statements: st.statements,
        actors: st.actors,
        first: st.first,
        last: st.last,
        outlets: s.outlet_counts()?,
        kinds: whosaid_document::StatementKind::ALL.map(whosaid_document::StatementKind::as_str),
    })
}

#[derive(Serialize)]
struct Page<T> {
    results: Vec<T>,
}

/// A story without its quotes: what the story list shows.
#[derive(Serialize)]
struct StorySummary<'a> {
    id: usize,
    title: &'a str,
    first: &'a Option<String>,
    last: &'a Option<String>,
    keywords: &'a [String],
    outlets: &'a [StoryOutlet],
    articles: &'a [whosaid_compare::stories::StoryArticle],
    actors: &'a [StoryActor],
    quotes: usize,
    shared_quotes: usize,
}

impl<'a> StorySummary<'a> {
    fn of(s: &'a Story) -> StorySummary<'a> {
        StorySummary {
            id: s.id,
            title: &s.title,
            first: &s.first,
            last: &s.last,
            keywords: &s.keywords,
            outlets: &s.outlets,
            articles: &s.articles,
            actors: &s.actors[..s.actors.len().min(5)],
            quotes: s.quotes.len(),
            shared_quotes: s.quotes.iter().filter(|q| q.outlets.len() > 1).count(),
        }
    }
}

#[derive(Serialize)]
struct StoriesPage<'a> {
    total: usize,
    limit: usize,
    offset: usize,
    results: Vec<StorySummary<'a>>,
}

/// Dispatches a request target to an asset or an API handler.
fn route(pool: &Pool, target: &str) -> Reply {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = match decode(path) {
        Ok(p) => p,
        Err(e) => return Reply::error(400, format!("path: {e}")),
    };
    if path.chars().any(char::is_control) {
        return Reply::error(400, "path: control characters are not allowed");
    }
    let params = |allowed: &[&str]| Params::parse(query, allowed);
    let result: std::result::Result<Reply, Reply> = (|| {
        Ok(match path.as_str() {
            "/" | "/index.html" => {
                params(&[])?;
                Reply::asset("text/html; charset=utf-8", INDEX_HTML)
            }
            "/app.js" => Reply::asset("text/javascript; charset=utf-8", APP_JS),
            "/app.css" => Reply::asset("text/css; charset=utf-8", APP_CSS),
            "/outlets.js" => Reply::asset("text/javascript; charset=utf-8", OUTLETS_JS),
            "/outlets.css" => Reply::asset("text/css; charset=utf-8", OUTLETS_CSS),
            "/favicon.ico" => Reply { status: 204, ..Reply::asset("image/x-icon", "") },
            "/api/openapi.yaml" => Reply::asset("application/yaml; charset=utf-8", OPENAPI),
            "/api/health" => {
                params(&[])?;
                Reply::json(200, &Health { ok: true })
            }
            "/api/stats" => {
                params(&[])?;
                store_reply(pool.with(api_stats))
            }
            "/api/search" => {
                let p = params(&[
                    "q", "in", "speaker", "actor", "outlet", "since", "until", "kind", "sort", "limit", "offset", "doc",
                ])?;
                let mut kinds = Vec::new();
                for v in p.map.get("kind").into_iter().flatten() {
                    kinds.extend(v.split(',').map(|k| k.trim().to_lowercase()).filter(|k| !k.is_empty()));
                }
                let bad = |e: Error| Reply::error(400, e.to_string());
                let q = SearchQuery {
                    text: p.one("q")?,
                    scope: p.one("in")?.map(|s| Scope::parse(&s)).transpose().map_err(bad)?.unwrap_or_default(),
                    speaker: p.one("speaker")?,
                    actor: p.id("actor")?,
                    outlet: p.one("outlet")?,
                    since: p.one("since")?,
                    until: p.one("until")?,
                    kinds,
                    doc: p.id("doc")?,
                    sort: p.one("sort")?.map(|s| Sort::parse(&s)).transpose().map_err(bad)?.unwrap_or_default(),
                    limit: p.number("limit", 50, 1, MAX_LIMIT)?,
                    offset: p.number("offset", 0, 0, MAX_OFFSET)?,
                };
                q.validate().map_err(bad)?;
                store_reply(pool.with(|s| s.search(&q)))
            }
            "/api/documents" => {
                let p = params(&["q", "outlet", "since", "until", "limit", "offset"])?;
                let q = DocumentsQuery {
                    text: p.one("q")?,
                    outlet: p.one("outlet")?,
                    since: p.one("since")?,
                    until: p.one("until")?,
                    limit: p.number("limit", 50, 1, MAX_LIMIT)?,
                    offset: p.number("offset", 0, 0, MAX_OFFSET)?,
                };
                store_reply(pool.with(|s| s.documents(&q)))
            }
            "/api/actors" => {
                let p = params(&["q", "type", "limit", "offset"])?;
                let q = ActorsQuery {
                    name: p.one("q")?,
                    etype: p.one("type")?,
                    limit: p.number("limit", 50, 1, MAX_LIMIT)?,
                    offset: p.number("offset", 0, 0, MAX_OFFSET)?,
                };
                store_reply(pool.with(|s| s.actors(&q).map(|results| Page { results })))
            }
            // The outlet comparison (whosaid-compare over StatementStore::corpus, cached per database state).
            "/api/outlets" => {
                params(&[])?;
                match pool.with(|s| pool.analysis(s)) {
                    Some(Ok(a)) => Reply::json(200, &a.outlets),
                    other => store_reply::<()>(other.map(|r| r.map(|_| ()))),
                }
            }
            "/api/stories" => {
                let p = params(&["doc", "actor", "limit", "offset"])?;
                let (doc, actor) = (p.id("doc")?, p.id("actor")?);
                let limit = p.number("limit", 50, 1, MAX_LIMIT)?;
                let offset = p.number("offset", 0, 0, MAX_OFFSET)?;
                match pool.with(|s| pool.analysis(s)) {
                    Some(Ok(a)) => {
                        let matching: Vec<&Story> = a
                            .stories
                            .iter()
                            .filter(|s| doc.is_none_or(|d| s.articles.iter().any(|x| x.id == d)))
                            .filter(|s| actor.is_none_or(|id| s.actors.iter().any(|x| x.actor_id == id)))
                            .collect();
                        Reply::json(
                            200,
                            &StoriesPage {
                                total: matching.len(),
                                limit,
                                offset,
                                results: matching
                                    .iter()
                                    .skip(offset)
                                    .take(limit)
                                    .map(|s| StorySummary::of(s))
                                    .collect(),
                            },
                        )
                    }
                    other => store_reply::<()>(other.map(|r| r.map(|_| ()))),
                }
            }
            _ => {
                if let Some(id) = path.strip_prefix("/api/stories/") {
                    params(&[])?;
                    let id: usize = id.parse().map_err(|_| Reply::error(400, "story id must be a number"))?;
                    match pool.with(|s| pool.analysis(s)) {
                        Some(Ok(a)) => match a.stories.iter().find(|s| s.id == id) {
                            Some(story) => Reply::json(200, story),
                            None => not_found(&format!("story {id}")),
                        },
                        other => store_reply::<()>(other.map(|r| r.map(|_| ()))),
                    }
                } else if let Some(id) = path.strip_prefix("/api/documents/") {
                    params(&[])?;
                    let id: i64 = id.parse().map_err(|_| Reply::error(400, "document id must be a number"))?;
                    found(pool.with(|s| s.document_view(id)), &format!("document {id}"))
                } else if let Some(id) = path.strip_prefix("/api/actors/") {
                    let p = params(&["limit", "offset"])?;
                    let id: i64 = id.parse().map_err(|_| Reply::error(400, "actor id must be a number"))?;
                    let limit = p.number("limit", 100, 1, MAX_LIMIT * 5)?;
                    let offset = p.number("offset", 0, 0, MAX_OFFSET)?;
                    found(pool.with(|s| s.actor_profile(id, limit, offset)), &format!("actor {id}"))
                } else {
                    not_found(&path)
                }
            }
        })
    })();
    result.unwrap_or_else(|e| e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_query_strings() {
        assert_eq!(decode("a+b%20c%C3%A9").unwrap(), "a b cé");
        assert!(decode("%zz").is_err());
        assert!(decode("%ff").is_err());
    }

    #[test]
    fn store_errors_map_to_statuses() {
        let status = |e| error_reply(e).status;
        let since = whosaid_store::FilterError::DateBound { name: "since".into(), value: "x".into() };
        assert_eq!(status(since.into()), 400);
        assert_eq!(status(Error::Invalid(InvalidReason::Config("no token".into()))), 400);
        assert_eq!(status(Error::Unsupported("not on postgres yet".into())), 501);
        assert_eq!(status(Error::Interrupted { backend: whosaid_store::Backend::Sqlite }), 503);
        assert_eq!(status(Error::Interrupted { backend: whosaid_store::Backend::Postgres }), 503);
        // A message that merely mentions an interruption is not one.
        let db = Error::database(whosaid_store::Backend::Sqlite, "database", "disk I/O error (interrupted)");
        assert_eq!(status(db), 500);
        assert_eq!(status(Error::io("a.db", std::io::Error::other("gone"))), 500);
        let schema = Error::Schema { database: "a.db".into(), found: 1, expected: 5 };
        assert_eq!(status(schema), 500);
        let r = error_reply(Error::Invalid(InvalidReason::Config("--host 0.0.0.0 needs a token".into())));
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["error"]["message"], "--host 0.0.0.0 needs a token");
        let r = error_reply(Error::Unsupported("the outlet comparison is not available on postgres yet".into()));
        let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
        assert_eq!(v["error"]["status"], 501);
        assert!(v["error"]["message"].as_str().unwrap().contains("postgres"));
        assert_eq!(reason(501), "Not Implemented");
    }

    #[test]
    fn hosts() {
        assert!(host_allowed(Some("127.0.0.1:8377"), 8377));
        assert!(host_allowed(Some("localhost:8377"), 8377));
        assert!(host_allowed(Some("[::1]:8377"), 8377));
        assert!(host_allowed(Some("localhost"), 8377));
        assert!(!host_allowed(Some("evil.example:8377"), 8377));
        assert!(!host_allowed(Some("127.0.0.1.evil.example"), 8377));
        assert!(!host_allowed(Some("127.0.0.1:9999"), 8377));
    }
}
