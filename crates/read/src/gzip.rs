//! The one gzip detection: every reader (files, stdin, JSONL, WARC, whosaid/1
//! documents) unwraps gzip here, by the magic bytes, never by the name.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};

/// The first two bytes of every gzip member.
pub const MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Whether `head` (the first bytes of a stream) starts a gzip member.
pub fn is_gzip(head: &[u8]) -> bool {
    head.starts_with(&MAGIC)
}

/// Buffers `r` (`capacity` bytes), unwrapping gzip (all members, as
/// concatenated `.gz` files and WARC.gz have several) when it starts with
/// the magic. A stream that cannot be peeked is taken as not gzip: the first
/// read reports the error.
pub fn buffered<R: Read + Send + 'static>(r: R, capacity: usize) -> Box<dyn BufRead + Send> {
    let mut buf = BufReader::with_capacity(capacity, r);
    if buf.fill_buf().is_ok_and(is_gzip) {
        Box::new(BufReader::with_capacity(capacity, flate2::read::MultiGzDecoder::new(buf)))
    } else {
        Box::new(buf)
    }
}

/// What a peeked `head` holds: when it is gzip, up to `limit` bytes of it
/// decompressed (a peek ends mid-stream, so what decompressed before the cut
/// is kept), else `head` itself. For sniffing a format from a bounded peek.
pub fn peek_inner(head: &[u8], limit: usize) -> Cow<'_, [u8]> {
    if !is_gzip(head) {
        return Cow::Borrowed(head);
    }
    let mut inner = Vec::new();
    let _ = flate2::read::MultiGzDecoder::new(head).take(limit as u64).read_to_end(&mut inner);
    Cow::Owned(inner)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(bytes: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(bytes).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn detects_by_magic_only() {
        assert!(is_gzip(&gz(b"x")));
        assert!(!is_gzip(b"\x1f"));
        assert!(!is_gzip(b"WARC/1.0"));
        assert!(!is_gzip(b""));
    }

    #[test]
    fn buffered_unwraps_every_member() {
        let mut two = gz(b"one\n");
        two.extend(gz(b"two\n"));
        let mut out = String::new();
        buffered(std::io::Cursor::new(two), 8192).read_to_string(&mut out).unwrap();
        assert_eq!(out, "one\ntwo\n");
        let mut out = String::new();
        buffered(std::io::Cursor::new(b"plain".to_vec()), 8192).read_to_string(&mut out).unwrap();
        assert_eq!(out, "plain");
    }

    #[test]
    fn peek_keeps_what_a_cut_peek_decompressed() {
        let text = "Rubio said so. ".repeat(2000);
        let z = gz(text.as_bytes());
        assert_eq!(&peek_inner(&z, 100)[..], &text.as_bytes()[..100]);
        // Cut mid-stream: no panic, a non-empty prefix of the text.
        let cut = peek_inner(&z[..z.len() / 2], 1 << 20);
        assert!(!cut.is_empty() && text.as_bytes().starts_with(&cut));
        assert_eq!(&peek_inner(b"plain text", 5)[..], b"plain text");
    }
}
