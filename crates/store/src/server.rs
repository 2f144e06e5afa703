//! `whosaid serve`: a small HTTP/1.1 server for the web app and the JSON API
//! (documented in `docs/api.openapi.yaml`, also served at `/api/openapi.yaml`).
//!
//! Synchronous and dependency-free on purpose: one thread per connection (at
//! most [`MAX_CONNECTIONS`]), a fixed pool of read-only SQLite connections
//! shared by them, keep-alive.
//!
//! Hardening:
//! - only `GET` and `HEAD`; request bodies are refused (413), as are request
//!   heads over [`MAX_HEAD_BYTES`] (431) and targets over [`MAX_TARGET_BYTES`] (414);
//! - every parameter is validated (unknown ones too) and answered with a JSON
//!   4xx naming it; result pages are capped ([`MAX_LIMIT`], [`MAX_OFFSET`]);
//! - SQL is parameterised only; each connection is opened read-only with
//!   `query_only`, and a query running past [`QUERY_TIMEOUT`] is interrupted (503);
//! - slow clients time out; a `Host` header that is not this loopback address
//!   is refused (421), so a web page elsewhere cannot read the API through DNS
//!   rebinding;
//! - responses carry `nosniff`, a strict Content-Security-Policy (assets are
//!   compiled in; nothing is fetched from the network).

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::{ActorsQuery, DocumentsQuery, Error, Result, Scope, SearchQuery, Sort, Store};

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
    pub db: PathBuf,
    pub host: String,
    pub port: u16,
    /// Read-only database connections (concurrent queries).
    pub threads: usize,
}

/// A pooled read-only connection with its query deadline.
struct Slot {
    store: Store,
    deadline: Arc<AtomicU64>,
}

struct Pool {
    slots: Mutex<Vec<Slot>>,
    ready: Condvar,
}

fn clock_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

impl Pool {
    fn open(config: &Config) -> Result<Pool> {
        let mut slots = Vec::new();
        for _ in 0..config.threads.max(1) {
            let store = Store::open_read_only(&config.db)?;
            let deadline = Arc::new(AtomicU64::new(u64::MAX));
            let d = deadline.clone();
            // Checked every few thousand VM steps: past the deadline, SQLite
            // interrupts the statement.
            store.conn.progress_handler(4000, Some(move || clock_ms() > d.load(Ordering::Relaxed)));
            slots.push(Slot { store, deadline });
        }
        Ok(Pool { slots: Mutex::new(slots), ready: Condvar::new() })
    }

    fn with<T>(&self, f: impl FnOnce(&Store) -> T) -> Option<T> {
        let mut slots = self.slots.lock().unwrap_or_else(|e| e.into_inner());
        let started = Instant::now();
        while slots.is_empty() {
            let left = POOL_WAIT.checked_sub(started.elapsed())?;
            slots = self.ready.wait_timeout(slots, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        let slot = slots.pop().expect("not empty");
        drop(slots);
        slot.deadline.store(clock_ms() + QUERY_TIMEOUT.as_millis() as u64, Ordering::Relaxed);
        let out = f(&slot.store);
        slot.deadline.store(u64::MAX, Ordering::Relaxed);
        self.slots.lock().unwrap_or_else(|e| e.into_inner()).push(slot);
        self.ready.notify_one();
        Some(out)
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
            .map_err(|e| Error::Db(format!("cannot listen on {}:{}: {e}", config.host, config.port)))?;
        let addr = listener.local_addr()?;
        if !addr.ip().is_loopback() && token.is_none() {
            return Err(Error::Invalid(format!("{addr} is not loopback: an access token (--token-file) is required")));
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
                let _ = write_response(&mut stream, &Reply::json(503, body), false, true);
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
    fn json(status: u16, body: serde_json::Value) -> Reply {
        Reply {
            status,
            content_type: "application/json; charset=utf-8",
            body: serde_json::to_vec(&body).unwrap_or_default(),
            cache: "no-store",
            extra: Vec::new(),
        }
    }

    fn asset(content_type: &'static str, body: &str) -> Reply {
        Reply { status: 200, content_type, body: body.as_bytes().to_vec(), cache: "no-cache", extra: Vec::new() }
    }

    fn error(status: u16, message: impl Into<String>) -> Reply {
        Reply::json(status, error_body(status, &message.into()))
    }
}

fn error_body(status: u16, message: &str) -> serde_json::Value {
    json!({"error": {"status": status, "message": message}})
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

fn store_reply(r: Option<Result<serde_json::Value>>) -> Reply {
    match r {
        None => Reply::error(503, "server busy, try again"),
        Some(Ok(v)) => Reply::json(200, v),
        Some(Err(Error::Invalid(m))) => Reply::error(400, m),
        Some(Err(Error::Db(m))) if m.contains("interrupted") => {
            Reply::error(503, format!("query took longer than {} s; narrow it down", QUERY_TIMEOUT.as_secs()))
        }
        Some(Err(Error::Db(m))) => {
            eprintln!("whosaid serve: {m}");
            Reply::error(500, "internal error (see the server log)")
        }
    }
}

fn not_found(what: &str) -> Reply {
    Reply::error(404, format!("{what} not found"))
}

/// Dispatches a request target to an asset or an API handler.
fn route(pool: &Pool, target: &str) -> Reply {
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    let path = match decode(path) {
        Ok(p) => p,
        Err(e) => return Reply::error(400, format!("path: {e}")),
    };
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
                Reply::json(200, json!({"ok": true}))
            }
            "/api/stats" => {
                params(&[])?;
                store_reply(pool.with(|s| s.stats()))
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
                store_reply(pool.with(|s| s.search(&q).map(|r| serde_json::to_value(r).unwrap_or_default())))
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
                store_reply(pool.with(|s| {
                    s.documents(&q).map(
                        |(total, docs)| json!({"total": total, "limit": q.limit, "offset": q.offset, "results": docs}),
                    )
                }))
            }
            "/api/actors" => {
                let p = params(&["q", "type", "limit", "offset"])?;
                let q = ActorsQuery {
                    name: p.one("q")?,
                    etype: p.one("type")?,
                    limit: p.number("limit", 50, 1, MAX_LIMIT)?,
                    offset: p.number("offset", 0, 0, MAX_OFFSET)?,
                };
                store_reply(pool.with(|s| s.actors(&q).map(|a| json!({"results": a}))))
            }
            // The outlet comparison (crates/store/src/outlets.rs, cached per database state).
            "/api/outlets" => {
                params(&[])?;
                store_reply(pool.with(|s| crate::outlets::analysis(s).map(|a| a.outlets.clone())))
            }
            "/api/stories" => {
                let p = params(&["doc", "actor", "limit", "offset"])?;
                let (doc, actor) = (p.id("doc")?, p.id("actor")?);
                let limit = p.number("limit", 50, 1, MAX_LIMIT)?;
                let offset = p.number("offset", 0, 0, MAX_OFFSET)?;
                store_reply(pool.with(|s| {
                    crate::outlets::analysis(s).map(|a| crate::outlets::stories_page(&a, doc, actor, limit, offset))
                }))
            }
            _ => {
                if let Some(id) = path.strip_prefix("/api/stories/") {
                    params(&[])?;
                    let id: usize = id.parse().map_err(|_| Reply::error(400, "story id must be a number"))?;
                    match pool.with(crate::outlets::analysis) {
                        Some(Ok(a)) => match a.stories.iter().find(|s| s.id == id) {
                            Some(story) => Reply::json(200, serde_json::to_value(story).unwrap_or_default()),
                            None => not_found(&format!("story {id}")),
                        },
                        Some(Err(e)) => store_reply(Some(Err(e))),
                        None => store_reply(None),
                    }
                } else if let Some(id) = path.strip_prefix("/api/documents/") {
                    params(&[])?;
                    let id: i64 = id.parse().map_err(|_| Reply::error(400, "document id must be a number"))?;
                    match pool.with(|s| s.document_view(id)) {
                        Some(Ok(None)) => not_found(&format!("document {id}")),
                        other => store_reply(other.map(|r| r.map(Option::unwrap_or_default))),
                    }
                } else if let Some(id) = path.strip_prefix("/api/actors/") {
                    let p = params(&["limit", "offset"])?;
                    let id: i64 = id.parse().map_err(|_| Reply::error(400, "actor id must be a number"))?;
                    let limit = p.number("limit", 100, 1, MAX_LIMIT * 5)?;
                    let offset = p.number("offset", 0, 0, MAX_OFFSET)?;
                    match pool.with(|s| s.actor_profile(id, limit, offset)) {
                        Some(Ok(None)) => not_found(&format!("actor {id}")),
                        other => store_reply(other.map(|r| r.map(Option::unwrap_or_default))),
                    }
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
