//! Reading `whosaid extract` output back (JSONL, or indented JSON documents one
//! after another, optionally gzipped) so it is stored without re-extraction.
//! Errors are [`ReadError`]s naming `source[:line]` and the reason.

use std::io::BufRead;
use std::path::Path;

use whosaid_document::output::{JsonDocument, SCHEMA};

use crate::{err, gzip, ReadError, Reason, SNIFF_BYTES};

/// How a whosaid/1 input is laid out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// One compact document per line: a bad line is reported and skipped.
    Lines,
    /// Indented documents one after another: read as a JSON stream.
    Stream,
}

/// The documents of a whosaid/1 input, or the reason one could not be read.
pub type Documents = Box<dyn Iterator<Item = Result<JsonDocument, ReadError>> + Send>;

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
    sniff_whosaid(&gzip::peek_inner(head, SNIFF_BYTES))
}

fn open(path: &Path) -> std::io::Result<Box<dyn BufRead + Send>> {
    Ok(gzip::buffered(std::fs::File::open(path)?, DEFAULT_BUFFER))
}

/// std's default `BufReader` capacity.
const DEFAULT_BUFFER: usize = 8 * 1024;

/// Standard input, buffered, through gzip when it is gzip.
pub fn stdin() -> Box<dyn BufRead + Send> {
    gzip::buffered(std::io::stdin(), DEFAULT_BUFFER)
}

/// Streams the documents of a whosaid/1 input; errors are `source[:line]: reason`.
pub fn read_documents(source: &str, reader: Box<dyn BufRead + Send>, layout: Layout) -> Documents {
    let source = source.to_string();
    match layout {
        Layout::Lines => {
            let mut line_no = 0usize;
            Box::new(reader.split(b'\n').filter_map(move |line| {
                line_no += 1;
                let here = || format!("{source}:{line_no}");
                let line = match line {
                    Ok(l) => l,
                    Err(e) => return Some(Err(err(&here(), Reason::ReadFailed(e)))),
                };
                if line.iter().all(u8::is_ascii_whitespace) {
                    return None;
                }
                Some(parse(&line).map_err(|reason| err(&here(), reason)))
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
                    err(&source, Reason::NotWhosaid { error: e, rest_skipped: true })
                }))
            }))
        }
    }
}

fn parse(line: &[u8]) -> Result<JsonDocument, Reason> {
    let doc: JsonDocument =
        serde_json::from_slice(line).map_err(|error| Reason::NotWhosaid { error, rest_skipped: false })?;
    if doc.schema != SCHEMA {
        return Err(Reason::Schema(doc.schema));
    }
    Ok(doc)
}

/// Opens a whosaid/1 file and streams its documents.
pub fn read_path(path: &Path, layout: Layout) -> Documents {
    let source = path.display().to_string();
    match open(path) {
        Ok(r) => read_documents(&source, r, layout),
        Err(e) => Box::new(std::iter::once(Err(err(&source, Reason::Open(e))))),
    }
}

/// Reads a whole whosaid/1 input held in memory (tests and small tools).
pub fn read_all(source: &str, bytes: &[u8]) -> Vec<Result<JsonDocument, ReadError>> {
    let Some(layout) = sniff_whosaid(bytes) else { return vec![Err(err(source, Reason::NotWhosaidJson))] };
    let reader: Box<dyn BufRead + Send> = Box::new(std::io::Cursor::new(bytes.to_vec()));
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

    #[test]
    fn bad_lines_are_named_and_skipped() {
        let got = read_all("d.jsonl", b"{\"schema\":\"whosaid/1\",\"source\": 5}\n\n{\"schema\":\"whosaid/1\"\n");
        let errors: Vec<String> = got.iter().map(|r| r.as_ref().unwrap_err().to_string()).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].starts_with("d.jsonl:1: not a whosaid/1 document"), "{}", errors[0]);
        assert!(errors[1].starts_with("d.jsonl:3: not a whosaid/1 document"), "{}", errors[1]);
        assert_eq!(read_all("x.txt", b"Rubio said.")[0].as_ref().unwrap_err().to_string(), "x.txt: not whosaid/1 JSON");
        let missing = read_path(Path::new("/nonexistent/d.jsonl"), Layout::Lines).next().unwrap().unwrap_err();
        assert!(missing.to_string().starts_with("/nonexistent/d.jsonl: cannot open"), "{missing}");
    }
}
