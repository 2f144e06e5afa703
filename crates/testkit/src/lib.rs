//! What the workspace's integration tests share, so that each crate's tests
//! keep only their own assertions: scratch directories removed after the
//! test, the paths of the checked-in fixtures (the seed article and the
//! fixture articles under `crates/whosaid/tests/fixtures`), and raw HTTP/1.1
//! exchanges for the server tests.
//!
//! A dev-dependency only (`publish = false`); it depends on no workspace
//! crate, so any crate's tests may use it without a dependency cycle.
#![deny(missing_docs)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// A scratch directory removed when the test ends (pass or fail).
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `<tmp>/whosaid-<name>-<pid>`, emptied first: the pid keeps test
    /// binaries running at once apart, `name` the tests of one binary.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("whosaid-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    /// A file or directory name inside the scratch directory.
    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `crates/whosaid/tests/fixtures`: the seed and the fixture articles.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../whosaid/tests/fixtures")
}

/// The seed article, the specification by example.
pub fn seed() -> PathBuf {
    fixtures().join("seed/000_a94861bdbd30db23.txt")
}

/// The `.txt` files of `dir`, sorted by path (the order tests number them in).
pub fn txt_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// The seed, then every fixture article in path order.
pub fn seed_and_articles() -> Vec<PathBuf> {
    let mut paths = vec![seed()];
    paths.extend(txt_files(&fixtures().join("articles")));
    paths
}

/// Sends `request` as is on a fresh connection and reads to its end:
/// the status (0 when there is none), the head and the body.
pub fn http_raw(addr: impl ToSocketAddrs, request: &str) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    s.write_all(request.as_bytes()).unwrap();
    let mut buf = Vec::new();
    let _ = s.read_to_end(&mut buf);
    let text = String::from_utf8_lossy(&buf).into_owned();
    let status = text.split(' ').nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    (status, head.to_string(), body.to_string())
}

/// Reads one response off a kept-alive connection: its status line and
/// its body (of the `Content-Length` it gives; none without one).
pub fn read_response(reader: &mut impl BufRead) -> (String, Vec<u8>) {
    let mut status = String::new();
    reader.read_line(&mut status).unwrap();
    let mut len = 0;
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).unwrap();
        if h == "\r\n" {
            break;
        }
        if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
            len = v.trim().parse().unwrap();
        }
    }
    let mut body = vec![0; len];
    reader.read_exact(&mut body).unwrap();
    (status, body)
}

/// Sends `request` `times` times on one kept-alive connection, reading each
/// answer before sending the next: the answers (as [`read_response`] gives
/// them), and the connection's reader, to see what the server does after.
pub fn keep_alive(
    addr: impl ToSocketAddrs,
    request: &str,
    times: usize,
) -> (Vec<(String, Vec<u8>)>, BufReader<TcpStream>) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut reader = BufReader::new(s.try_clone().unwrap());
    let mut answers = Vec::with_capacity(times);
    for _ in 0..times {
        s.write_all(request.as_bytes()).unwrap();
        answers.push(read_response(&mut reader));
    }
    (answers, reader)
}

/// Requests every API server must refuse with a JSON error, as
/// `(target, status, words its message contains)`: one list, so that the
/// CLI's `serve` test and the server's own tests hold it to the same contract.
pub const BAD_REQUESTS: &[(&str, u16, &str)] = &[
    ("/api/search?since=April", 400, "since"),
    ("/api/search?limit=100000", 400, "limit"),
    ("/api/search?kind=shouted", 400, "kind"),
    ("/api/search?colour=red", 400, "unknown parameter 'colour'"),
    ("/api/search?q=%ZZ", 400, "percent"),
    ("/api/search?q=a&q=b", 400, "more than once"),
    ("/api/documents/abc", 400, "number"),
    ("/api/documents/999999", 404, "not found"),
    ("/api/nothing", 404, "not found"),
];

/// Asserts that `get` answers each of `cases` (see [`BAD_REQUESTS`]) with
/// its status and a JSON error `{"error": {"status", "message"}}` whose
/// message contains the words; `label` names the server in failures.
pub fn assert_json_errors(
    label: &str,
    cases: &[(&str, u16, &str)],
    mut get: impl FnMut(&str) -> (u16, serde_json::Value),
) {
    for &(target, status, needle) in cases {
        let (got, v) = get(target);
        assert_eq!(got, status, "{label} {target}: {v}");
        let msg = v["error"]["message"].as_str().unwrap_or_default();
        assert!(msg.contains(needle), "{label} {target}: {msg}");
        assert_eq!(v["error"]["status"], status, "{label} {target}: {v}");
    }
}

/// Removes the row ids (`id`, `actor_id`, `doc_id`) at every depth of a
/// JSON answer: they may differ between backends, nothing else may.
pub fn without_ids(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::Object(m) => {
            m.retain(|k, _| k != "id" && k != "actor_id" && k != "doc_id");
            m.values_mut().for_each(without_ids);
        }
        serde_json::Value::Array(a) => a.iter_mut().for_each(without_ids),
        _ => {}
    }
}
