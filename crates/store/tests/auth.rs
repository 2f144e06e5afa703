//! `whosaid serve` with an access token: every request without the right
//! `Authorization: Bearer` header gets a 401 JSON error; a non-loopback host
//! without a token does not start.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;

use whosaid_store::auth::Token;
use whosaid_store::server::{Config, Server};
use whosaid_store::Store;

const SECRET: &str = "tok-0123456789abcdef-xyz";

fn db() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("whosaid-auth-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("a.db");
    Store::open(&db).unwrap();
    db
}

fn get(addr: SocketAddr, target: &str, auth: Option<&str>) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    let auth = auth.map(|a| format!("Authorization: {a}\r\n")).unwrap_or_default();
    write!(s, "GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{auth}Connection: close\r\n\r\n", addr.port()).unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).unwrap();
    let status = out.split(' ').nth(1).unwrap().parse().unwrap();
    let (head, body) = out.split_once("\r\n\r\n").unwrap();
    (status, head.to_string(), body.to_string())
}

#[test]
fn every_request_needs_the_token_and_wide_hosts_need_one() {
    let db = db();
    let config = Config { db: db.clone(), host: "127.0.0.1".into(), port: 0, threads: 1 };
    let server = Server::bind_with_token(&config, Some(Token::new(SECRET).unwrap())).unwrap();
    let addr = server.addr();
    std::thread::spawn(move || server.run());
    for target in ["/api/stats", "/", "/app.js", "/api/search?q=x"] {
        for auth in [None, Some("Bearer wrong-token-0123456789".to_string()), Some(format!("Basic {SECRET}"))] {
            let (status, head, body) = get(addr, target, auth.as_deref());
            assert_eq!(status, 401, "{target} {auth:?}");
            assert!(head.contains("WWW-Authenticate: Bearer"), "{head}");
            let v: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(v["error"]["status"], 401);
            assert!(!body.contains(SECRET));
        }
    }
    let (status, _, body) = get(addr, "/api/stats", Some(&format!("Bearer {SECRET}")));
    assert_eq!(status, 200, "{body}");
    assert!(body.contains("schema_version"), "{body}");

    // Loopback without a token stays the default; anything wider refuses to start.
    assert!(Server::bind(&config).is_ok());
    let wide = Config { host: "0.0.0.0".into(), ..config.clone() };
    let e = Server::bind(&wide).err().expect("refused").to_string();
    assert!(e.contains("--token-file"), "{e}");
    let _ = std::fs::remove_file(db);
}
