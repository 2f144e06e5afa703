//! `whosaid serve` with an access token: every request without the right
//! `Authorization: Bearer` header gets a 401 JSON error; a non-loopback host
//! without a token does not start. On SQLite and (with `WHOSAID_TEST_PG`)
//! PostgreSQL.

mod common;

use std::net::SocketAddr;

use whosaid_server::auth::Token;
use whosaid_server::{Config, Server};

const SECRET: &str = "tok-0123456789abcdef-xyz";

fn get(addr: SocketAddr, target: &str, auth: Option<&str>) -> (u16, String, String) {
    let auth = auth.map(|a| format!("Authorization: {a}\r\n")).unwrap_or_default();
    common::raw(
        addr,
        &format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\n{auth}Connection: close\r\n\r\n", addr.port()),
    )
}

#[test]
fn every_request_needs_the_token_and_wide_hosts_need_one() {
    for (backend, db) in common::databases("auth", &[]) {
        let config = Config { db: db.clone(), host: "127.0.0.1".into(), port: 0, threads: 1 };
        let server = Server::bind_with_token(&config, Some(Token::new(SECRET).unwrap())).unwrap();
        let addr = server.addr();
        std::thread::spawn(move || server.run());
        for target in ["/api/stats", "/", "/app.js", "/api/search?q=x"] {
            for auth in [None, Some("Bearer wrong-token-0123456789".to_string()), Some(format!("Basic {SECRET}"))] {
                let (status, head, body) = get(addr, target, auth.as_deref());
                assert_eq!(status, 401, "{backend} {target} {auth:?}");
                assert_eq!(common::header(&head, "www-authenticate").as_deref(), Some("Bearer"), "{head}");
                let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                assert_eq!(v["error"]["status"], 401);
                assert!(!body.contains(SECRET));
            }
        }
        let (status, _, body) = get(addr, "/api/stats", Some(&format!("Bearer {SECRET}")));
        assert_eq!(status, 200, "{backend}: {body}");
        assert!(body.contains("schema_version") && body.contains(backend), "{body}");

        // Loopback without a token stays the default; anything wider refuses to start.
        assert!(Server::bind(&config).is_ok());
        let wide = Config { host: "0.0.0.0".into(), ..config.clone() };
        let e = Server::bind(&wide).err().expect("refused").to_string();
        assert!(e.contains("--token-file"), "{e}");
        assert!(!e.contains(SECRET));
    }
}

#[test]
fn a_missing_database_is_refused_at_start() {
    let config = Config { db: "/nonexistent/whosaid.db".into(), host: "127.0.0.1".into(), port: 0, threads: 1 };
    let e = Server::bind(&config).err().expect("refused").to_string();
    assert!(e.contains("no such database"), "{e}");
    let config = Config { db: "mysql://u:pw@h/db".into(), ..config };
    let e = Server::bind(&config).err().expect("refused").to_string();
    assert!(e.contains("mysql") && !e.contains("pw@"), "{e}");
}
