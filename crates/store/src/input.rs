//! Reading `whosaid extract` output back (JSONL, or indented JSON documents one
//! after another, optionally gzipped) so it is stored without re-extraction.

use std::io::{BufRead, BufReader};
use std::path::Path;

use whosaid_document::output::{JsonDocument, SCHEMA};

/// How a whosaid/1 input is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One compact document per line: a bad line is reported and skipped.
    Lines,
    /// Indented documents one after another: read as a JSON stream.
    Stream,
}

/// Whether the first bytes of an input are a `whosaid/1` document (`schema`
/// is always the first field), and how it is laid out.
pub fn sniff_whosaid(head: &[u8]) -> Option<Layout> {
    whosaid_document::output::sniff_schema(head).map(|compact| if compact { Layout::Lines } else { Layout::Stream })
}

/// Sniffs a file (through gzip when it is gzip).
pub fn sniff_whosaid_path(path: &Path) -> Option<Layout> {
    let mut reader = open(path).ok()?;
    let head = reader.fill_buf().ok()?;
    sniff_whosaid(head)
}

/// Like [`sniff_whosaid`], through gzip when `head` is gzip (as much as
/// `head` holds is decompressed): for stdin, where only a peek is possible.
pub fn sniff_whosaid_head(head: &[u8]) -> Option<Layout> {
    if head.starts_with(&[0x1f, 0x8b]) {
        let mut inner = Vec::new();
        // A peek ends mid-stream: keep what decompressed before the error.
        let _ = std::io::Read::read_to_end(
            &mut std::io::Read::take(flate2::read::MultiGzDecoder::new(head), 4096),
            &mut inner,
        );
        return sniff_whosaid(&inner);
    }
    sniff_whosaid(head)
}

fn open(path: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    Ok(buffered(Box::new(std::fs::File::open(path)?)))
}

/// Buffers a stream, unwrapping gzip when it starts with the gzip magic.
pub fn buffered(r: Box<dyn std::io::Read + Send>) -> Box<dyn BufRead + Send> {
    let mut buf = BufReader::new(r);
    let gz = buf.fill_buf().map(|b| b.starts_with(&[0x1f, 0x8b])).unwrap_or(false);
    if gz {
        Box::new(BufReader::new(flate2::read::MultiGzDecoder::new(buf)))
    } else {
        Box::new(buf)
    }
}

/// Streams the documents of a whosaid/1 input; errors are `source[:line]: reason`.
pub fn read_documents(
    source: &str,
    reader: Box<dyn BufRead + Send>,
    layout: Layout,
) -> Box<dyn Iterator<Item = Result<JsonDocument, String>> + Send> {
    let source = source.to_string();
    match layout {
        Layout::Lines => {
            let mut line_no = 0usize;
            Box::new(reader.split(b'\n').filter_map(move |line| {
                line_no += 1;
                let line = match line {
                    Ok(l) => l,
                    Err(e) => return Some(Err(format!("{source}:{line_no}: read failed: {e}"))),
                };
                if line.iter().all(u8::is_ascii_whitespace) {
                    return None;
                }
                Some(parse(&line).map_err(|e| format!("{source}:{line_no}: {e}")))
            }))
        }
        Layout::Stream => {
            let stream = serde_json::Deserializer::from_reader(reader).into_iter::<JsonDocument>();
            let mut failed = false;
            Box::new(stream.map_while(move |r| {
                if failed {
                    return None;
                }
                Some(r.map_err(|e| {
                    failed = true;
                    format!("{source}: not a whosaid/1 document: {e} (rest of the file skipped)")
                }))
            }))
        }
    }
}

fn parse(line: &[u8]) -> Result<JsonDocument, String> {
    let doc: JsonDocument = serde_json::from_slice(line).map_err(|e| format!("not a whosaid/1 document: {e}"))?;
    if doc.schema != SCHEMA {
        return Err(format!("schema '{}', expected '{SCHEMA}'", doc.schema));
    }
    Ok(doc)
}

/// Opens a whosaid/1 file and streams its documents.
pub fn read_path(path: &Path, layout: Layout) -> Box<dyn Iterator<Item = Result<JsonDocument, String>> + Send> {
    let source = path.display().to_string();
    match open(path) {
        Ok(r) => read_documents(&source, r, layout),
        Err(e) => Box::new(std::iter::once(Err(format!("{source}: cannot open: {e}")))),
    }
}

/// Reads whole input for tests and small tools.
pub fn read_all(source: &str, bytes: &[u8]) -> Vec<Result<JsonDocument, String>> {
    let Some(layout) = sniff_whosaid(bytes) else { return vec![Err(format!("{source}: not whosaid/1 JSON"))] };
    let owned = bytes.to_vec();
    let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(owned));
    read_documents(source, reader, layout).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_compact_and_indented() {
        assert_eq!(sniff_whosaid(b"{\"schema\":\"whosaid/1\",\"source\":"), Some(Layout::Lines));
        assert_eq!(sniff_whosaid(b"\n{\n  \"schema\": \"whosaid/1\",\n"), Some(Layout::Stream));
        assert_eq!(sniff_whosaid(b"{\"id\": 1, \"text\": \"Rubio said\"}"), None);
        assert_eq!(sniff_whosaid(b"{\"schema\":\"other/1\"}"), None);
        assert_eq!(sniff_whosaid(b"Plain text"), None);
    }
}
