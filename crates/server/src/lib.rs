//! `whosaid serve`: a small HTTP/1.1 server for the web app and the JSON API
//! (documented in `docs/api.openapi.yaml`, also served at `/api/openapi.yaml`),
//! over the store interface ([`StatementStore`]): `--db` is a SQLite file or a
//! `postgres://` URL and every page reads through the same typed methods.
//!
//! HTTP/1.1 is hyper's (`hyper::server::conn::http1`) on a small tokio
//! runtime of the server's own: hyper parses request heads, keeps connections
//! alive, and times out heads; the handlers below see parsed requests only.
//! The store calls block (rusqlite, the postgres crate), so every routed
//! request runs on tokio's blocking pool (`spawn_blocking`) over a fixed pool
//! of read-only store connections (reused across requests; a lost PostgreSQL
//! connection is reopened): at most `--threads` queries at a time, the rest
//! wait for a connection (up to 10 s, then 503).
//!
//! Hardening:
//! - only `GET` and `HEAD` (405); request bodies are refused (413), as are
//!   request heads over [`MAX_HEAD_BYTES`] or [`MAX_HEADERS`] fields (431) and
//!   targets over [`MAX_TARGET_BYTES`] (414), with JSON bodies; heads hyper's
//!   parser refuses outright (malformed, over [`PARSER_MAX_HEAD_BYTES`], not
//!   HTTP/1.x) get hyper's bodiless 4xx and a closed connection;
//! - every parameter is validated (unknown ones too) and answered with a JSON
//!   4xx naming it; control characters (a NUL) are a 400; result pages are
//!   capped ([`MAX_LIMIT`], [`MAX_OFFSET`]);
//! - SQL is parameterised only; each connection is read-only (SQLite
//!   `query_only`, PostgreSQL `default_transaction_read_only`), and a query
//!   running past [`QUERY_TIMEOUT`] is interrupted (SQLite progress handler,
//!   PostgreSQL `statement_timeout`) and answered 503;
//! - a page the backend cannot serve yet is a 501 JSON error naming it;
//! - slow clients time out: a request head not in within [`IDLE_TIMEOUT`] (and a
//!   keep-alive connection idle that long) is closed, a write that makes no
//!   progress that long fails, a request unanswered after [`REQUEST_TIMEOUT`] is
//!   a 503; at most [`MAX_CONNECTIONS`] connections are served (more get 503);
//! - a `Host` header (or absolute-form target) that is not this loopback
//!   address is refused (421), so a web page elsewhere cannot read the API
//!   through DNS rebinding;
//! - with an access token ([`auth`]), every request needs it (401 otherwise);
//! - responses carry `nosniff`, a strict Content-Security-Policy (assets are
//!   compiled in; nothing is fetched from the network).
#![deny(missing_docs)]

pub mod auth;

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex, OnceLock};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use http_body_util::Full;
use hyper::body::{Body, Bytes, Incoming};
use hyper::header::{self, HeaderName, HeaderValue};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use serde::Serialize;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use whosaid_compare::profiles::{outlet_report, OutletReport, ProfileOptions};
use whosaid_compare::stories::{stories, Story, StoryActor, StoryOptions, StoryOutlet};
use whosaid_store::backend::{StatementStore, Target};
use whosaid_store::{
    ActorsQuery, DocumentsQuery, Error, InvalidReason, OutletDocuments, Result, Scope, SearchQuery, Sort, Store,
};
use whosaid_store_pg::PgStore;

/// The port `whosaid serve` listens on unless told otherwise.
pub const DEFAULT_PORT: u16 = 8377;
/// Largest request head answered (431 with a JSON body past it).
pub const MAX_HEAD_BYTES: usize = 16 * 1024;
/// hyper's own cap on a head and on a connection's read buffer: past it the
/// parser answers 431 itself, before any handler runs.
pub const PARSER_MAX_HEAD_BYTES: usize = 2 * MAX_HEAD_BYTES;
/// Longest request target (path and query) answered; longer gets 414.
pub const MAX_TARGET_BYTES: usize = 4 * 1024;
/// Most header fields answered (hyper's parser stops at 100).
pub const MAX_HEADERS: usize = 64;
/// Connections served at once; one more gets a JSON 503 (limits.rs).
pub const MAX_CONNECTIONS: usize = 128;
/// Requests one keep-alive connection may make before it is closed.
pub const MAX_REQUESTS_PER_CONNECTION: usize = 10_000;
/// Largest page of results.
pub const MAX_LIMIT: usize = 200;
/// Deepest page start (use filters rather than paging further).
pub const MAX_OFFSET: usize = 10_000;
/// How long one store query may run before it is cancelled (503).
pub const QUERY_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a request head may take to arrive, a keep-alive connection may
/// sit idle, and a write may make no progress.
pub const IDLE_TIMEOUT: Duration = Duration::from_secs(10);
const POOL_WAIT: Duration = Duration::from_secs(10);
/// The deadline of one request, past the pool wait and the query timeout: it
/// also bounds the wait for the outlet comparison's computing, which no query
/// deadline interrupts (that work goes on in the background and fills the cache).
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Threads driving hyper's connections (the queries run on the blocking pool).
const IO_THREADS: usize = 2;
/// How long a connection over [`MAX_CONNECTIONS`] may take to get its 503.
const BUSY_TIMEOUT: Duration = Duration::from_secs(2);
const ACCEPT_BACKOFF: Duration = Duration::from_millis(20);

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const OPENAPI: &str = include_str!("../../../docs/api.openapi.yaml");
const OUTLETS_JS: &str = include_str!("../assets/outlets.js");
const OUTLETS_CSS: &str = include_str!("../assets/outlets.css");

const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
                   base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// Where `whosaid serve` reads and listens.
#[derive(Clone, Debug)]
pub struct Config {
    /// A SQLite file or a `postgres://` URL (as `--db`).
    pub db: PathBuf,
    /// Address to bind; anything but loopback needs an access token.
    pub host: String,
    /// Port to bind (0: any free port, see [`Server::addr`]).
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

/// A slot taken from the pool, given back when dropped: also when the
/// handler using it panics (answered 500), so the pool never shrinks.
struct Lease<'a> {
    pool: &'a Pool,
    slot: Option<Slot>,
}

impl Drop for Lease<'_> {
    fn drop(&mut self) {
        if let Some(slot) = self.slot.take() {
            slot.deadline.store(u64::MAX, Ordering::Relaxed);
            self.pool.slots.lock().unwrap_or_else(|e| e.into_inner()).push(slot);
            self.pool.ready.notify_one();
        }
    }
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
        let mut lease = Lease { pool: self, slot: Some(slot) };
        let out = f(lease.slot.as_mut().expect("leased").conn.store());
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
    listener: std::net::TcpListener,
    pool: Arc<Pool>,
    addr: SocketAddr,
    loopback: bool,
    token: Option<crate::auth::Token>,
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
        let listener = std::net::TcpListener::bind((config.host.as_str(), config.port))
            .map_err(|e| Error::io(format!("cannot listen on {}:{}", config.host, config.port), e))?;
        let addr = listener.local_addr().map_err(|e| Error::io(format!("{}:{}", config.host, config.port), e))?;
        if !addr.ip().is_loopback() && token.is_none() {
            return Err(Error::Invalid(InvalidReason::Config(format!(
                "{addr} is not loopback: an access token (--token-file) is required"
            ))));
        }
        Ok(Server { listener, pool: Arc::new(pool), addr, loopback: addr.ip().is_loopback(), token })
    }

    /// The bound address (the real port when [`Config::port`] was 0).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Serves until the process ends, on a tokio runtime of its own: a few
    /// threads drive hyper's connections, and the store calls (blocking)
    /// run on its blocking pool. Call it from a plain thread: it blocks, and
    /// tokio refuses to start a runtime inside another.
    pub fn run(self) -> Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(IO_THREADS)
            .max_blocking_threads(MAX_CONNECTIONS)
            .thread_name("whosaid-http")
            .enable_io()
            .enable_time()
            .build()
            .map_err(|e| Error::io("the server's runtime", e))?;
        let shared = Arc::new(Shared {
            pool: self.pool,
            port: self.addr.port(),
            loopback: self.loopback,
            token: self.token,
            http: http1_builder(),
        });
        runtime.block_on(accept(self.listener, shared))
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

/// What every connection of a server shares.
struct Shared {
    pool: Arc<Pool>,
    port: u16,
    loopback: bool,
    token: Option<crate::auth::Token>,
    http: http1::Builder,
}

/// hyper's HTTP/1.1 settings: the parser's hard limits and the header-read
/// timer. hyper starts that timer whenever it waits for a request head, so it
/// cuts off both a head trickled in slowly (slowloris) and a keep-alive
/// connection left idle; either is closed without an answer.
fn http1_builder() -> http1::Builder {
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(IDLE_TIMEOUT)
        .max_buf_size(PARSER_MAX_HEAD_BYTES)
        .max_header_size(PARSER_MAX_HEAD_BYTES)
        .keep_alive(true);
    http
}

/// Accepts connections until the process ends: up to [`MAX_CONNECTIONS`]
/// served, as many again answered 503, the rest closed unanswered.
async fn accept(listener: std::net::TcpListener, shared: Arc<Shared>) -> Result<()> {
    let addr = listener.local_addr().map(|a| a.to_string()).unwrap_or_else(|_| "the listening socket".into());
    listener.set_nonblocking(true).map_err(|e| Error::io(addr.clone(), e))?;
    let listener = tokio::net::TcpListener::from_std(listener).map_err(|e| Error::io(addr, e))?;
    let served = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let refused = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    loop {
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors, or a connection reset before it was
            // accepted: pause rather than spin.
            Err(_) => {
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let (permit, busy) = match served.clone().try_acquire_owned() {
            Ok(permit) => (permit, false),
            Err(_) => match refused.clone().try_acquire_owned() {
                Ok(permit) => (permit, true),
                Err(_) => continue,
            },
        };
        tokio::spawn(connection(stream, shared.clone(), permit, busy));
    }
}

/// One connection through hyper; `busy` ones get a 503 to their first
/// request and are dropped after [`BUSY_TIMEOUT`] at the latest. The permit
/// is the connection's slot, given back when it ends.
async fn connection(stream: TcpStream, shared: Arc<Shared>, _permit: OwnedSemaphorePermit, busy: bool) {
    let requests = AtomicUsize::new(0);
    let handler = shared.clone();
    let service = service_fn(move |req: Request<Incoming>| {
        let nth = requests.fetch_add(1, Ordering::Relaxed) + 1;
        let shared = handler.clone();
        async move { Ok::<_, Infallible>(respond(req, &shared, nth, busy).await) }
    });
    let conn = shared.http.serve_connection(TokioIo::new(WriteDeadline::new(stream)), service);
    // A connection's errors are its client's (reset, timed out, a malformed
    // head hyper has answered): nothing to report or recover.
    if busy {
        let _ = tokio::time::timeout(BUSY_TIMEOUT, conn).await;
    } else {
        let _ = conn.await;
    }
}

/// The answer to one request: a refusal by the hardening rules, else the
/// route's reply. The last request a connection may make closes it.
async fn respond(req: Request<Incoming>, shared: &Shared, nth: usize, busy: bool) -> Response<Full<Bytes>> {
    let (reply, close) = match refusal(&req, shared, busy) {
        Some(refused) => refused,
        None => {
            let target = req.uri().path_and_query().map_or("/", |t| t.as_str()).to_string();
            (route_blocking(shared.pool.clone(), target).await, false)
        }
    };
    response(reply, close || nth >= MAX_REQUESTS_PER_CONNECTION)
}

/// The hardening rules hyper leaves to us, checked before routing: the reply
/// refusing `req`, and whether to close the connection after it.
fn refusal(req: &Request<Incoming>, shared: &Shared, busy: bool) -> Option<(Reply, bool)> {
    if busy {
        return Some((Reply::error(503, "too many connections, try again"), true));
    }
    let (method, headers) = (req.method(), req.headers());
    if head_bytes(req) > MAX_HEAD_BYTES {
        return Some((Reply::error(431, "request head too large"), true));
    }
    if headers.len() > MAX_HEADERS {
        return Some((Reply::error(431, "too many header fields"), true));
    }
    let allowed = method == Method::GET || method == Method::HEAD;
    if !req.body().is_end_stream() {
        // The API takes no request bodies; not reading one means closing.
        let reply = if allowed { Reply::error(413, "request bodies are not accepted") } else { method_not_allowed() };
        return Some((reply, true));
    }
    if !allowed {
        return Some((method_not_allowed(), false));
    }
    if target_bytes(req.uri()) > MAX_TARGET_BYTES {
        return Some((Reply::error(414, format!("request target longer than {MAX_TARGET_BYTES} bytes")), false));
    }
    if shared.loopback && !request_host_allowed(req, shared.port) {
        return Some((Reply::error(421, "unexpected Host header: use http://127.0.0.1 or http://localhost"), false));
    }
    let authorization = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok());
    if shared.token.as_ref().is_some_and(|t| !crate::auth::bearer_matches(authorization, t)) {
        let mut r = Reply::error(401, "missing or wrong access token: send Authorization: Bearer <token>");
        r.extra.push((header::WWW_AUTHENTICATE, "Bearer"));
        return Some((r, false));
    }
    None
}

/// The request target's length as sent (origin or absolute form).
fn target_bytes(uri: &hyper::Uri) -> usize {
    uri.scheme_str().map_or(0, |s| s.len() + 3)
        + uri.authority().map_or(0, |a| a.as_str().len())
        + uri.path_and_query().map_or(0, |p| p.as_str().len())
}

/// The request head's size as parsed: request line and header fields with
/// their separators (what [`MAX_HEAD_BYTES`] bounds).
fn head_bytes(req: &Request<Incoming>) -> usize {
    let line = req.method().as_str().len() + 1 + target_bytes(req.uri()) + " HTTP/1.1\r\n".len();
    let fields: usize = req.headers().iter().map(|(k, v)| k.as_str().len() + 2 + v.len() + 2).sum();
    line + fields + 2
}

/// The Host check (DNS-rebinding guard) over every `Host` field and the
/// authority of an absolute-form target.
fn request_host_allowed(req: &Request<Incoming>, port: u16) -> bool {
    let fields_ok =
        req.headers().get_all(header::HOST).iter().all(|v| host_allowed(Some(v.to_str().unwrap_or("")), port));
    fields_ok && req.uri().authority().is_none_or(|a| host_allowed(Some(a.as_str()), port))
}

/// Runs `route` on the blocking pool (the store calls block) under the
/// request deadline.
async fn route_blocking(pool: Arc<Pool>, target: String) -> Reply {
    blocking_within(REQUEST_TIMEOUT, move || route(&pool, &target)).await
}

/// `work` on the blocking pool, answered 503 past `deadline` (it goes on in
/// the background); a `work` that panicked is a 500, not a lost connection.
async fn blocking_within(deadline: Duration, work: impl FnOnce() -> Reply + Send + 'static) -> Reply {
    match tokio::time::timeout(deadline, tokio::task::spawn_blocking(work)).await {
        Ok(Ok(reply)) => reply,
        Ok(Err(e)) => {
            eprintln!("whosaid serve: request handler failed: {e}");
            Reply::error(500, "internal error (see the server log)")
        }
        Err(_) => Reply::error(503, format!("request took longer than {} s; try again", deadline.as_secs())),
    }
}

/// A [`Reply`] as hyper's response, with the security headers every answer carries.
fn response(r: Reply, close: bool) -> Response<Full<Bytes>> {
    let mut resp = Response::new(Full::new(Bytes::from(r.body)));
    *resp.status_mut() = StatusCode::from_u16(r.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(r.content_type));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(r.cache));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    for (name, value) in r.extra {
        h.insert(name, HeaderValue::from_static(value));
    }
    if close {
        h.insert(header::CONNECTION, HeaderValue::from_static("close"));
    }
    resp
}

/// A TCP stream whose writes give up after [`IDLE_TIMEOUT`] without progress,
/// so a client that stops reading its answer does not keep its connection
/// slot (hyper has no write timeout of its own).
struct WriteDeadline {
    stream: TcpStream,
    stalled: Option<Pin<Box<tokio::time::Sleep>>>,
}

impl WriteDeadline {
    fn new(stream: TcpStream) -> WriteDeadline {
        WriteDeadline { stream, stalled: None }
    }

    /// A write's outcome, or a timeout once it has been pending too long.
    fn bounded<T>(&mut self, cx: &mut Context<'_>, poll: Poll<io::Result<T>>) -> Poll<io::Result<T>> {
        if poll.is_ready() {
            self.stalled = None;
            return poll;
        }
        let stalled = self.stalled.get_or_insert_with(|| Box::pin(tokio::time::sleep(IDLE_TIMEOUT)));
        match stalled.as_mut().poll(cx) {
            Poll::Ready(()) => Poll::Ready(Err(io::Error::new(io::ErrorKind::TimedOut, "the client stopped reading"))),
            Poll::Pending => Poll::Pending,
        }
    }
}

impl AsyncRead for WriteDeadline {
    fn poll_read(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for WriteDeadline {
    fn poll_write(self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write(cx, buf);
        this.bounded(cx, poll)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_write_vectored(cx, bufs);
        this.bounded(cx, poll)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_flush(cx);
        this.bounded(cx, poll)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let poll = Pin::new(&mut this.stream).poll_shutdown(cx);
        this.bounded(cx, poll)
    }
}

/// A response before it is sent.
pub struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
    cache: &'static str,
    extra: Vec<(HeaderName, &'static str)>,
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

fn method_not_allowed() -> Reply {
    let mut r = Reply::error(405, "only GET and HEAD are allowed");
    r.extra.push((header::ALLOW, "GET, HEAD"));
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
    }

    #[test]
    fn a_panicking_handler_gives_its_connection_back() {
        let dir = std::env::temp_dir().join(format!("whosaid-server-lease-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let db = dir.join("news.db");
        drop(Store::open(&db).unwrap());
        let config = Config { db, host: "127.0.0.1".into(), port: 0, threads: 1 };
        let pool = Pool::open(&config).unwrap();
        let crashed = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            pool.with(|_| panic!("handler bug"));
        }));
        assert!(crashed.is_err());
        // The only connection is back (else this waits POOL_WAIT and gets None).
        assert_eq!(pool.with(|s| s.backend()), Some("sqlite"));
        // And its query deadline was lifted.
        assert_eq!(pool.slots.lock().unwrap()[0].deadline.load(Ordering::Relaxed), u64::MAX);
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn slow_or_failing_handlers_get_json_errors() {
        let rt = tokio::runtime::Builder::new_current_thread().enable_time().build().unwrap();
        let status = |deadline: Duration, work: fn() -> Reply| {
            let r = rt.block_on(blocking_within(deadline, work));
            let v: serde_json::Value = serde_json::from_slice(&r.body).unwrap();
            assert_eq!(v["error"]["status"], r.status);
            r.status
        };
        let slow = || {
            std::thread::sleep(Duration::from_millis(500));
            Reply::error(400, "too late to matter")
        };
        assert_eq!(status(Duration::from_millis(20), slow), 503);
        assert_eq!(status(Duration::from_secs(30), || panic!("handler bug")), 500);
        assert_eq!(status(Duration::from_secs(30), || Reply::error(404, "x not found")), 404);
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
