//! Picks a reader by file extension, then by the first bytes.

use std::io::Read;
use std::path::Path;

use crate::{err, ReadError, Reason};

/// Which reader an input needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// Plain article text, one document.
    Text,
    /// An HTML page, one document after extraction.
    Html,
    /// JSON lines (or indented JSON), one document a record.
    Jsonl,
    /// A web archive, one document an HTML response record.
    Warc,
}

/// Format from the name and the first bytes (already decompressed for `.gz`).
pub fn sniff(name: &str, head: &[u8]) -> Format {
    let lower = name.to_ascii_lowercase();
    let base = lower.strip_suffix(".gz").unwrap_or(&lower);
    if base.ends_with(".warc") || base.ends_with(".arc") {
        return Format::Warc;
    }
    if base.ends_with(".jsonl") || base.ends_with(".ndjson") || base.ends_with(".json") {
        return Format::Jsonl;
    }
    if base.ends_with(".html") || base.ends_with(".htm") || base.ends_with(".xhtml") {
        return Format::Html;
    }
    if base.ends_with(".txt") || base.ends_with(".text") {
        return Format::Text;
    }
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = head.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(head.len());
    let head = &head[start..];
    if head.starts_with(b"WARC/") {
        return Format::Warc;
    }
    if head.starts_with(b"{") {
        return Format::Jsonl;
    }
    // A JSON array of objects (read as a JSON stream by the JSONL reader).
    if let Some(rest) = head.strip_prefix(b"[") {
        if rest.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            return Format::Jsonl;
        }
    }
    let lower_head: Vec<u8> = head.iter().take(512).map(|b| b.to_ascii_lowercase()).collect();
    let has = |needle: &[u8]| lower_head.windows(needle.len()).any(|w| w == needle);
    if has(b"<!doctype html") || has(b"<html") || has(b"<head") || has(b"<body") {
        return Format::Html;
    }
    Format::Text
}

/// Reads the first bytes of a file (through gzip when it is gzip) and sniffs.
pub fn sniff_path(path: &Path) -> Result<Format, ReadError> {
    let source = path.display().to_string();
    let mut file = std::fs::File::open(path).map_err(|e| err(&source, Reason::Open(e)))?;
    let mut head = vec![0u8; 1024];
    let n = read_up_to(&mut file, &mut head).map_err(|e| err(&source, Reason::Read(e)))?;
    head.truncate(n);
    Ok(sniff(&source, &crate::gzip::peek_inner(&head, 1024)))
}

pub(crate) fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) if n > 0 => {
                let _ = e;
                break;
            }
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_by_extension_then_content() {
        assert_eq!(sniff("a.warc.gz", b""), Format::Warc);
        assert_eq!(sniff("a.jsonl", b"x"), Format::Jsonl);
        assert_eq!(sniff("a.htm", b""), Format::Html);
        assert_eq!(sniff("noext", b"WARC/1.0\r\n"), Format::Warc);
        assert_eq!(sniff("noext", b"  {\"text\": 1}"), Format::Jsonl);
        assert_eq!(sniff("noext", b"<!DOCTYPE html><html>"), Format::Html);
        assert_eq!(sniff("noext", b"Plain words."), Format::Text);
    }
}
