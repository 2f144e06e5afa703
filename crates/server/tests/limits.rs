//! The connection-level limits, each on a server of its own (they would
//! starve the shared ones): the connection cap and the write deadline.
//! HTTP-level only, so over an empty SQLite database.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use whosaid_server::{IDLE_TIMEOUT, MAX_CONNECTIONS};

#[test]
fn connections_over_the_cap_get_a_json_503_and_slots_come_back() {
    let addr = common::start(&common::sqlite_db("cap", &[]), 1, None);
    // Accepted in order, so these hold every slot before the next one comes.
    let held: Vec<TcpStream> = (0..MAX_CONNECTIONS).map(|_| TcpStream::connect(addr).unwrap()).collect();
    let (status, v) = common::get(addr, "/api/health");
    assert_eq!(status, 503, "{v}");
    assert_eq!(v["error"]["status"], 503);
    assert!(v["error"]["message"].as_str().unwrap().contains("too many connections"), "{v}");
    drop(held);
    // Their slots are given back once the server sees them closed.
    let started = Instant::now();
    loop {
        let (status, v) = common::get(addr, "/api/health");
        if status == 200 {
            assert_eq!(v["ok"], true);
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "slots never came back: {status} {v}");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn a_client_that_stops_reading_is_dropped() {
    let addr = common::start(&common::sqlite_db("stall", &[]), 1, None);
    let request = format!("GET /app.js HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n\r\n", addr.port());
    let (status, _, body) = common::raw(addr, &request.replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
    assert!(status == 200 && body.len() > 10_000, "{status}");
    // Far more answers than the socket buffers hold, none of them read.
    let n = 2000;
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = s.write_all(request.repeat(n).as_bytes());
    std::thread::sleep(IDLE_TIMEOUT + Duration::from_secs(3));
    // The server gave up writing and closed: the stream ends (or is reset)
    // short of all the answers instead of delivering them all.
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut got = Vec::new();
    let ended = s.read_to_end(&mut got);
    let reset = ended.as_ref().is_err_and(|e| e.kind() == std::io::ErrorKind::ConnectionReset);
    assert!(ended.is_ok() || reset, "still open: {ended:?}");
    let text = String::from_utf8_lossy(&got);
    let answers = text.matches("HTTP/1.1 200 OK").count();
    assert!(answers > 0, "nothing was answered");
    assert!(answers < n, "all {n} answers arrived: the stalled write was never cut off");
}
