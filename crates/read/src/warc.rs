//! WARC and WARC.gz: every `response` (or `resource`) record with an HTML
//! payload becomes a record; other records are skipped and counted. Streams
//! record by record, so memory does not grow with the file. A truncated or
//! corrupt file ends with an error naming the record (`file#N: reason`);
//! everything before it has already been yielded.

use std::io::{BufRead, Read};
use std::path::Path;

use whosaid_document::Meta;

use crate::{err, parse_date_prefix, Body, ReadError, ReadEvent, Reason, Record, MAX_INPUT_BYTES};

const MAX_HEADER_LINE: u64 = 64 * 1024;
const MAX_HEADER_LINES: usize = 512;

/// Streams [`ReadEvent`]s from a WARC file record by record.
pub struct WarcReader {
    source: String,
    reader: Box<dyn BufRead + Send>,
    record: usize,
    done: bool,
}

struct Headers(Vec<(String, String)>);

impl Headers {
    fn get(&self, name: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

impl WarcReader {
    /// Opens a file (gzipped or not); only a failure to open it is an error here.
    pub fn open(path: &Path) -> Result<WarcReader, ReadError> {
        let source = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| err(&source, Reason::Open(e)))?;
        Ok(WarcReader::from_reader(source, crate::gzip::buffered(file, 256 * 1024)))
    }

    /// Reads an already opened stream, naming it `source` in records and errors.
    pub fn from_reader(source: String, reader: Box<dyn BufRead + Send>) -> WarcReader {
        WarcReader { source, reader, record: 0, done: false }
    }

    fn here(&self) -> String {
        format!("{}#{}", self.source, self.record)
    }

    fn read_line(&mut self) -> Result<Option<String>, Reason> {
        let mut line = Vec::new();
        let n = (&mut self.reader).take(MAX_HEADER_LINE).read_until(b'\n', &mut line).map_err(io_reason)?;
        if n == 0 {
            return Ok(None);
        }
        if !line.ends_with(b"\n") && n as u64 >= MAX_HEADER_LINE {
            return Err(Reason::HeaderLineTooLong);
        }
        Ok(Some(String::from_utf8_lossy(&line).trim_end_matches(['\r', '\n']).to_string()))
    }

    fn next_record(&mut self) -> Result<Option<ReadEvent>, Reason> {
        // Version line, skipping blank separators.
        let version = loop {
            match self.read_line()? {
                None => return Ok(None),
                Some(l) if l.trim().is_empty() => continue,
                Some(l) => break l,
            }
        };
        self.record += 1;
        if !version.starts_with("WARC/") {
            return Err(Reason::NotWarcHeader(truncate(&version, 40).to_string()));
        }
        let mut headers = Vec::new();
        loop {
            let line = self.read_line()?.ok_or(Reason::TruncatedHeader)?;
            if line.is_empty() {
                break;
            }
            if headers.len() >= MAX_HEADER_LINES {
                return Err(Reason::TooManyHeaderLines);
            }
            if let Some((k, v)) = line.split_once(':') {
                headers.push((k.trim().to_string(), v.trim().to_string()));
            }
        }
        let headers = Headers(headers);
        let len: u64 = headers
            .get("Content-Length")
            .ok_or(Reason::NoContentLength)?
            .parse()
            .map_err(|_| Reason::BadContentLength)?;
        let wtype = headers.get("WARC-Type").unwrap_or("").to_ascii_lowercase();
        let ctype = headers.get("Content-Type").unwrap_or("").to_ascii_lowercase();
        let wanted = (wtype == "response" && ctype.contains("application/http"))
            || (wtype == "resource" && ctype.contains("html"));
        if !wanted || len > MAX_INPUT_BYTES {
            let copied = std::io::copy(&mut (&mut self.reader).take(len), &mut std::io::sink()).map_err(io_reason)?;
            if copied < len {
                return Err(Reason::TruncatedRecord { got: copied, len });
            }
            if wanted {
                // A page lost to the size limit is a problem, not a deliberate skip.
                return Ok(Some(ReadEvent::Error(err(&self.here(), Reason::PayloadTooLarge { len }))));
            }
            let reason = format!("WARC-Type {wtype} ({ctype})");
            return Ok(Some(ReadEvent::Skipped { source: self.here(), reason }));
        }
        let mut payload = Vec::with_capacity(len as usize);
        (&mut self.reader).take(len).read_to_end(&mut payload).map_err(io_reason)?;
        if (payload.len() as u64) < len {
            return Err(Reason::TruncatedRecord { got: payload.len() as u64, len });
        }
        let meta = Meta {
            id: headers.get("WARC-Record-ID").map(|s| s.trim_matches(['<', '>']).to_string()),
            url: headers.get("WARC-Target-URI").map(str::to_string),
            published: headers.get("WARC-Date").and_then(parse_date_prefix),
            ..Meta::default()
        };
        let (body, charset) = if wtype == "response" {
            match split_http(&payload) {
                Ok(x) => x,
                Err(reason) => return Ok(Some(ReadEvent::Skipped { source: self.here(), reason })),
            }
        } else {
            (payload, None)
        };
        let (text, lossy) = whosaid_html::decode_html_with(&body, charset.as_deref());
        Ok(Some(ReadEvent::Record(Record {
            source: self.here(),
            meta,
            body: Body::Html(text),
            lossy,
            bytes: len as usize,
        })))
    }
}

fn truncate(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn io_reason(e: std::io::Error) -> Reason {
    Reason::of_io(e, Reason::ReadFailed)
}

/// Splits an HTTP response into its (decoded) body and declared charset.
/// Non-HTML responses are an error (the caller skips them).
fn split_http(payload: &[u8]) -> Result<(Vec<u8>, Option<String>), String> {
    let end = payload
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .map(|p| (p, p + 4))
        .or_else(|| payload.windows(2).position(|w| w == b"\n\n").map(|p| (p, p + 2)));
    let (head_end, body_start) = end.ok_or("HTTP response without header end")?;
    let head = String::from_utf8_lossy(&payload[..head_end]);
    let mut lines = head.lines();
    let status = lines.next().unwrap_or("");
    if !status.starts_with("HTTP/") {
        return Err("not an HTTP response".into());
    }
    let code = status.split_whitespace().nth(1).unwrap_or("");
    if !code.starts_with('2') {
        return Err(format!("HTTP status {code}"));
    }
    let mut content_type = String::new();
    let mut chunked = false;
    let mut encoding = String::new();
    for l in lines {
        if let Some((k, v)) = l.split_once(':') {
            let k = k.trim().to_ascii_lowercase();
            let v = v.trim().to_ascii_lowercase();
            match k.as_str() {
                "content-type" => content_type = v,
                "transfer-encoding" => chunked = v.contains("chunked"),
                "content-encoding" => encoding = v,
                _ => {}
            }
        }
    }
    if !content_type.is_empty() && !content_type.contains("html") {
        return Err(format!("not HTML ({content_type})"));
    }
    let mut body = payload[body_start..].to_vec();
    if chunked {
        body = dechunk(&body).unwrap_or(body);
    }
    if encoding.contains("gzip") || encoding.contains("deflate") {
        let mut out = Vec::new();
        let ok = if encoding.contains("gzip") {
            flate2::read::MultiGzDecoder::new(&body[..]).take(MAX_INPUT_BYTES).read_to_end(&mut out).is_ok()
        } else {
            flate2::read::ZlibDecoder::new(&body[..]).take(MAX_INPUT_BYTES).read_to_end(&mut out).is_ok()
        };
        if ok {
            body = out;
        }
    }
    let charset = content_type
        .split(';')
        .find_map(|p| p.trim().strip_prefix("charset=").map(|c| c.trim_matches('"').to_string()));
    Ok((body, charset))
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = data.iter().position(|&b| b == b'\n')?;
        let size_line = std::str::from_utf8(&data[..nl]).ok()?.trim();
        let size = usize::from_str_radix(size_line.split(';').next()?.trim(), 16).ok()?;
        data = &data[nl + 1..];
        if size == 0 {
            return Some(out);
        }
        out.extend_from_slice(data.get(..size)?);
        data = data.get(size..)?;
        data = data.strip_prefix(b"\r\n").or_else(|| data.strip_prefix(b"\n")).unwrap_or(data);
    }
}

impl Iterator for WarcReader {
    type Item = ReadEvent;

    fn next(&mut self) -> Option<ReadEvent> {
        if self.done {
            return None;
        }
        match self.next_record() {
            Ok(Some(e)) => Some(e),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(reason) => {
                self.done = true;
                Some(ReadEvent::Error(err(&self.here(), reason)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(wtype: &str, ctype: &str, uri: &str, payload: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {wtype}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2025-04-23T08:00:00Z\r\nWARC-Record-ID: <urn:uuid:{uri}>\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n",
            payload.len()
        )
        .into_bytes();
        r.extend_from_slice(payload);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(body: &str) -> Vec<u8> {
        format!("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{body}").into_bytes()
    }

    fn gz(parts: &[Vec<u8>]) -> Vec<u8> {
        // One gzip member per record, as crawlers write them.
        let mut out = Vec::new();
        for p in parts {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(p).unwrap();
            out.extend(e.finish().unwrap());
        }
        out
    }

    fn events(bytes: Vec<u8>) -> Vec<ReadEvent> {
        let reader = crate::gzip::buffered(std::io::Cursor::new(bytes), 8 * 1024);
        WarcReader::from_reader("crawl.warc.gz".into(), reader).collect()
    }

    #[test]
    fn mixed_records_with_truncated_tail() {
        let parts = vec![
            record("warcinfo", "application/warc-fields", "x", b"software: test\r\n"),
            record("request", "application/http; msgtype=request", "http://a/1", b"GET /1 HTTP/1.1\r\n\r\n"),
            record(
                "response",
                "application/http; msgtype=response",
                "http://a/1",
                &http("<html><p>One said.</p></html>"),
            ),
            record(
                "response",
                "application/http; msgtype=response",
                "http://a/img",
                b"HTTP/1.1 200 OK\r\nContent-Type: image/png\r\n\r\n\x89PNG",
            ),
            record(
                "response",
                "application/http; msgtype=response",
                "http://a/2",
                &http("<html><p>Two said.</p></html>"),
            ),
        ];
        let mut bytes = gz(&parts);
        let last = gz(&[record(
            "response",
            "application/http; msgtype=response",
            "http://a/3",
            &http("<html><p>Three</p></html>"),
        )]);
        bytes.extend_from_slice(&last[..last.len() / 2]);
        let ev = events(bytes);
        let records: Vec<&Record> =
            ev.iter().filter_map(|e| if let ReadEvent::Record(r) = e { Some(r) } else { None }).collect();
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].meta.url.as_deref(), Some("http://a/1"));
        assert_eq!(records[0].source, "crawl.warc.gz#3");
        assert_eq!(records[0].meta.published.unwrap().to_string(), "2025-04-23");
        assert!(matches!(&records[1].body, Body::Html(h) if h.contains("Two said")));
        let skipped = ev.iter().filter(|e| matches!(e, ReadEvent::Skipped { .. })).count();
        assert_eq!(skipped, 3);
        match ev.last().unwrap() {
            ReadEvent::Error(e) => assert!(e.to_string().starts_with("crawl.warc.gz#6:"), "{e}"),
            e => panic!("expected an error at the truncated tail, got {e:?}"),
        }
    }

    #[test]
    fn garbage_is_an_error_not_a_panic() {
        let ev = events(b"this is not a warc file\n".to_vec());
        assert_eq!(ev.len(), 1);
        assert!(matches!(&ev[0], ReadEvent::Error(e) if matches!(e.reason, Reason::NotWarcHeader(_))));
    }

    #[test]
    fn latin1_body_is_decoded_by_its_charset() {
        let (s, lossy) = whosaid_html::decode_html_with(b"caf\xe9 \x93quoted\x94", Some("iso-8859-1"));
        assert_eq!(s, "café “quoted”");
        assert!(!lossy);
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n").unwrap(), b"Wikipedia");
    }
}
