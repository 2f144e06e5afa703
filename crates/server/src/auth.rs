//! Access tokens for `whosaid serve` on a shared address. A server that
//! listens beyond loopback must have a token ([`require_token`]); then every
//! request must carry `Authorization: Bearer <token>`, compared in constant
//! time ([`bearer_matches`]), or is answered 401 with a JSON error. The token
//! never appears in a message, a log line or `Debug` output.

use std::fmt;
use std::net::IpAddr;
use std::path::Path;

use whosaid_store::{Error, InvalidReason, Result};

/// Shortest token accepted (characters).
pub const MIN_TOKEN_CHARS: usize = 16;

/// A secret token. `Debug` prints `Token(***)`.
#[derive(Clone)]
pub struct Token(Vec<u8>);

impl fmt::Debug for Token {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Token(***)")
    }
}

impl Token {
    /// Reads a token file: its content without surrounding whitespace, at
    /// least [`MIN_TOKEN_CHARS`] visible ASCII characters.
    pub fn from_file(path: &Path) -> Result<Token> {
        let text =
            std::fs::read_to_string(path).map_err(|e| Error::io(format!("--token-file {}", path.display()), e))?;
        Token::new(text.trim())
            .map_err(|why| Error::Invalid(InvalidReason::Config(format!("--token-file {}: {why}", path.display()))))
    }

    /// A token from its text (see [`Token::from_file`] for the rules).
    pub fn new(text: &str) -> std::result::Result<Token, TokenError> {
        if text.chars().count() < MIN_TOKEN_CHARS {
            return Err(TokenError::TooShort);
        }
        if !text.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(TokenError::NotVisibleAscii);
        }
        Ok(Token(text.as_bytes().to_vec()))
    }
}

/// Why a text is no access token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenError {
    /// Fewer than [`MIN_TOKEN_CHARS`] characters: guessable.
    TooShort,
    /// Spaces, control or non-ASCII characters: they do not survive an HTTP header.
    NotVisibleAscii,
}

impl std::fmt::Display for TokenError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TokenError::TooShort => write!(f, "the token must be at least {MIN_TOKEN_CHARS} characters"),
            TokenError::NotVisibleAscii => f.write_str("the token must be visible ASCII characters without spaces"),
        }
    }
}

impl std::error::Error for TokenError {}

/// Equal byte strings, in time that depends only on their lengths.
pub fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    let mut diff = (a.len() ^ b.len()) as u64;
    for i in 0..a.len().max(b.len()) {
        let x = a.get(i).copied().unwrap_or(0);
        let y = b.get(i).copied().unwrap_or(0);
        diff |= u64::from(x ^ y);
    }
    // Keep the optimiser from turning the loop into an early exit.
    std::hint::black_box(diff) == 0
}

/// Whether an `Authorization` header value carries this bearer token.
pub fn bearer_matches(header: Option<&str>, token: &Token) -> bool {
    let Some(value) = header.map(str::trim) else { return false };
    let Some((scheme, given)) = value.split_once(' ') else { return false };
    scheme.eq_ignore_ascii_case("bearer") && constant_time_eq(given.trim().as_bytes(), &token.0)
}

/// Whether a `--host` value is a loopback address or name.
pub fn is_loopback_host(host: &str) -> bool {
    let h = host.trim().trim_start_matches('[').trim_end_matches(']');
    h.eq_ignore_ascii_case("localhost") || h.parse::<IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Refuses a non-loopback `host` without a token.
pub fn require_token(host: &str, token: Option<&Token>) -> Result<()> {
    if token.is_none() && !is_loopback_host(host) {
        return Err(Error::Invalid(InvalidReason::Config(format!(
            "--host {host} is reachable from other machines: give an access token with --token-file FILE \
             (clients then send `Authorization: Bearer <token>`), or listen on 127.0.0.1"
        ))));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_whole_and_never_show() {
        let t = Token::new("s3cret-token-0123456789").unwrap();
        assert!(bearer_matches(Some("Bearer s3cret-token-0123456789"), &t));
        assert!(bearer_matches(Some("bearer  s3cret-token-0123456789 "), &t));
        assert!(!bearer_matches(Some("Bearer s3cret-token-012345678"), &t));
        assert!(!bearer_matches(Some("Bearer s3cret-token-01234567890"), &t));
        assert!(!bearer_matches(Some("Basic s3cret-token-0123456789"), &t));
        assert!(!bearer_matches(Some("s3cret-token-0123456789"), &t));
        assert!(!bearer_matches(None, &t));
        assert_eq!(format!("{t:?}"), "Token(***)");
        assert_eq!(Token::new("short").err(), Some(TokenError::TooShort));
        assert_eq!(Token::new("has a space in it, long enough").err(), Some(TokenError::NotVisibleAscii));
        assert!(constant_time_eq(b"", b""));
        assert!(!constant_time_eq(b"a", b""));
    }

    #[test]
    fn only_loopback_goes_without_a_token() {
        for h in ["127.0.0.1", "localhost", "::1", "[::1]", "127.1.2.3"] {
            assert!(require_token(h, None).is_ok(), "{h}");
        }
        for h in ["0.0.0.0", "::", "192.0.2.7", "example.org"] {
            let e = require_token(h, None).unwrap_err().to_string();
            assert!(e.contains("--token-file"), "{e}");
        }
        let t = Token::new("s3cret-token-0123456789").unwrap();
        assert!(require_token("0.0.0.0", Some(&t)).is_ok());
    }
}
