//! Input readers: turn files, directories and stdin into raw article text plus
//! metadata. Every failure names the input and the reason; nothing panics.
#![deny(missing_docs)]

pub mod documents;
pub mod error;
pub mod gzip;
pub mod jsonl;
pub mod sniff;
pub mod warc;

use std::io::Read;
use std::path::{Path, PathBuf};

pub(crate) use error::err;
pub use error::{ReadError, Reason};
pub use sniff::{sniff, Format};
use whosaid_document::Meta;

/// What a record carries: plain article text, or an HTML page still to be
/// reduced to its main content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Article text, ready for the pipeline.
    Text(String),
    /// A whole page; `whosaid_html` extracts its article first.
    Html(String),
}

/// One document found in an input, with what the input said about it.
#[derive(Debug, Clone)]
pub struct Record {
    /// Where it came from: `file`, `file:line` (JSONL) or `file#record` (WARC).
    pub source: String,
    /// What the input said of it (id, title, URL, outlet, date); gaps filled later from the HTML.
    pub meta: Meta,
    /// The article as text or as HTML still to be extracted.
    pub body: Body,
    /// Set when the bytes were not valid UTF-8 and were decoded lossily.
    pub lossy: bool,
    /// Input bytes this record consumed (for progress and throughput).
    pub bytes: usize,
}

/// What reading an input yields, in input order.
#[derive(Debug)]
pub enum ReadEvent {
    /// A document to analyse.
    Record(Record),
    /// A record deliberately not processed (e.g. a WARC `request` record).
    Skipped {
        /// Where the skipped record was (`file#record`).
        source: String,
        /// Why it was not processed.
        reason: String,
    },
    /// A record or file that could not be read; reading goes on where possible.
    Error(ReadError),
}

/// Field names of JSONL inputs.
#[derive(Debug, Clone)]
pub struct JsonlFields {
    /// The field with plain article text.
    pub text: String,
    /// The field with HTML, extracted when there is no text field.
    pub html: String,
    /// The article's URL (also gives the outlet's site).
    pub url: String,
    /// The article's title.
    pub title: String,
    /// The publication date (a date or a timestamp).
    pub published: String,
    /// The outlet's name.
    pub outlet: String,
    /// The document id (kept as `meta.id`, the store's key).
    pub id: String,
}

impl Default for JsonlFields {
    fn default() -> JsonlFields {
        JsonlFields {
            text: "text".into(),
            html: "html".into(),
            url: "url".into(),
            title: "title".into(),
            published: "published".into(),
            outlet: "outlet".into(),
            id: "id".into(),
        }
    }
}

/// The date of a timestamp field (one parser for every crate: see
/// [`whosaid_document::dates`]).
pub use whosaid_document::dates::parse_date_prefix;

/// Opens any supported input and streams its events. Files and stdin ("-")
/// go through the same sniffing: gzip is unwrapped, then the format is taken
/// from the extension, else from the first bytes.
pub fn open(path: &Path, fields: &JsonlFields) -> Box<dyn Iterator<Item = ReadEvent> + Send> {
    let source = path.display().to_string();
    let reader: Box<dyn Read + Send> = if source == "-" {
        Box::new(std::io::stdin())
    } else {
        match std::fs::File::open(path) {
            Ok(f) => Box::new(f),
            Err(e) => return Box::new(std::iter::once(ReadEvent::Error(err(&source, Reason::Open(e))))),
        }
    };
    open_reader(source, reader, fields)
}

/// Bytes peeked from the start of a stream to pick its reader.
pub(crate) const SNIFF_BYTES: usize = 4096;

/// Sniffs a stream (gzip, then format) from a bounded peek and streams its
/// events; the peeked bytes are put back in front, nothing is read whole
/// except one text or HTML article (up to [`MAX_INPUT_BYTES`]).
pub fn open_reader(
    source: String,
    mut reader: Box<dyn Read + Send>,
    fields: &JsonlFields,
) -> Box<dyn Iterator<Item = ReadEvent> + Send> {
    let once = |e: ReadEvent| -> Box<dyn Iterator<Item = ReadEvent> + Send> { Box::new(std::iter::once(e)) };
    let head = match peek(&mut reader) {
        Ok(h) => h,
        Err(e) => return once(ReadEvent::Error(err(&source, Reason::Read(e)))),
    };
    let gz = gzip::is_gzip(&head);
    let raw: Box<dyn Read + Send> = Box::new(std::io::Cursor::new(head).chain(reader));
    let mut inner: Box<dyn Read + Send> = if gz { gzip::buffered(raw, 8 * 1024) } else { raw };
    let head = match peek(&mut inner) {
        Ok(h) => h,
        Err(e) => return once(ReadEvent::Error(err(&source, Reason::of_io(e, Reason::Read)))),
    };
    if whosaid_document::output::sniff_schema(&head).is_some() {
        return once(ReadEvent::Error(err(&source, Reason::WhosaidOutput)));
    }
    let format = sniff(&source, &head);
    let stream = std::io::BufReader::with_capacity(256 * 1024, std::io::Cursor::new(head).chain(inner));
    match format {
        Format::Jsonl => Box::new(jsonl::JsonlReader::from_reader(source, Box::new(stream), fields.clone())),
        Format::Warc => Box::new(warc::WarcReader::from_reader(source, Box::new(stream))),
        Format::Text => once(match read_body(&source, stream).and_then(|b| decode_owned(&source, b)) {
            Ok(i) => ReadEvent::Record(text_record(i)),
            Err(e) => ReadEvent::Error(e),
        }),
        // HTML is decoded by its own declaration (BOM, <meta charset>), not as UTF-8.
        Format::Html => once(match read_body(&source, stream) {
            Ok(bytes) => {
                let (text, lossy) = whosaid_html::decode_html(&bytes);
                let n = bytes.len();
                ReadEvent::Record(Record { source, meta: Meta::default(), body: Body::Html(text), lossy, bytes: n })
            }
            Err(e) => ReadEvent::Error(e),
        }),
    }
}

/// Reads up to [`SNIFF_BYTES`] from the front of `r` (the caller puts them back).
fn peek(r: &mut impl Read) -> std::io::Result<Vec<u8>> {
    let mut head = vec![0u8; SNIFF_BYTES];
    let n = sniff::read_up_to(r, &mut head)?;
    head.truncate(n);
    Ok(head)
}

fn text_record(i: Input) -> Record {
    let bytes = i.text.len();
    Record { source: i.source.clone(), meta: Meta::default(), body: Body::Text(i.text), lossy: i.lossy, bytes }
}

/// Inputs larger than this are refused rather than read whole.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// One article ready for the pipeline.
#[derive(Debug, Clone)]
pub struct Input {
    /// Path, "-" for stdin, or an id.
    pub source: String,
    /// The article text as read (the pipeline cleans it).
    pub text: String,
    /// Set when the bytes were not valid UTF-8 and were decoded lossily.
    pub lossy: bool,
}

/// Share of bytes that are control characters (other than whitespace) or NUL:
/// above this the input is binary, not text.
const MAX_BINARY_SHARE: f64 = 0.05;

/// Decodes bytes as text: UTF-8 (BOM dropped), else lossy with a flag.
/// Refuses binary data.
pub fn decode(source: &str, bytes: &[u8]) -> Result<Input, ReadError> {
    check_binary(source, bytes)?;
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Input { source: source.to_string(), text: s.to_string(), lossy: false }),
        Err(_) => {
            Ok(Input { source: source.to_string(), text: String::from_utf8_lossy(bytes).into_owned(), lossy: true })
        }
    }
}

/// Like [`decode`], without copying valid UTF-8.
fn decode_owned(source: &str, bytes: Vec<u8>) -> Result<Input, ReadError> {
    check_binary(source, &bytes)?;
    let bytes = if bytes.starts_with(b"\xEF\xBB\xBF") { bytes[3..].to_vec() } else { bytes };
    match String::from_utf8(bytes) {
        Ok(text) => Ok(Input { source: source.to_string(), text, lossy: false }),
        Err(e) => Ok(Input {
            source: source.to_string(),
            text: String::from_utf8_lossy(e.as_bytes()).into_owned(),
            lossy: true,
        }),
    }
}

/// Reads one whole article from a stream, refusing empty and oversized input.
fn read_body(source: &str, r: impl Read) -> Result<Vec<u8>, ReadError> {
    let mut bytes = Vec::new();
    r.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| err(source, Reason::of_io(e, Reason::Read)))?;
    whole_article(source, bytes, "MiB")
}

/// Bytes read with a limit of one past [`MAX_INPUT_BYTES`]: refused when over
/// it (`unit` as the message writes the limit) or blank.
fn whole_article(source: &str, bytes: Vec<u8>, unit: &'static str) -> Result<Vec<u8>, ReadError> {
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(err(source, Reason::TooLarge { unit }));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err(source, Reason::Empty));
    }
    Ok(bytes)
}

fn check_binary(source: &str, bytes: &[u8]) -> Result<(), ReadError> {
    let sample = &bytes[..bytes.len().min(8192)];
    let control =
        sample.iter().filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))).count();
    if !sample.is_empty() && (control as f64 / sample.len() as f64) > MAX_BINARY_SHARE {
        return Err(err(source, Reason::Binary));
    }
    Ok(())
}

/// Reads one file (or stdin for "-") as text.
pub fn read_path(path: &Path) -> Result<Input, ReadError> {
    let source = path.display().to_string();
    let bytes = read_bytes(path)?;
    decode(&source, &bytes)
}

/// Reads one file's bytes (or stdin for "-"), refusing empty and oversized input.
pub fn read_bytes(path: &Path) -> Result<Vec<u8>, ReadError> {
    let source = path.display().to_string();
    let mut bytes = Vec::new();
    if source == "-" {
        std::io::stdin()
            .take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(&source, Reason::ReadStdin(e)))?;
    } else {
        let file = std::fs::File::open(path).map_err(|e| err(&source, Reason::Open(e)))?;
        file.take(MAX_INPUT_BYTES + 1).read_to_end(&mut bytes).map_err(|e| err(&source, Reason::Read(e)))?;
    }
    whole_article(&source, bytes, "MB")
}

/// Expands inputs: directories recurse (sorted, so output order is stable),
/// files and "-" pass through. Fails on the first input that cannot be
/// expanded; [`expand_all`] reports each and keeps the rest.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    let (out, mut errors) = expand_all(paths);
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors.remove(0))
    }
}

/// Like [`expand`], but one bad path (missing, unreadable directory, a pattern
/// matching nothing) does not stop the others: the paths found come back with
/// one error per problem, in input order.
pub fn expand_all(paths: &[PathBuf]) -> (Vec<PathBuf>, Vec<ReadError>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            walk(p, &mut out, &mut errors);
        } else if p.exists() {
            out.push(p.clone());
        } else {
            match glob(p, &mut out, &mut errors) {
                Ok(true) => {}
                Ok(false) => errors.push(err(&p.display().to_string(), Reason::NoSuchPath)),
                Err(e) => errors.push(e),
            }
        }
    }
    (out, errors)
}

/// `*` and `?` in the last path component, for shells that pass patterns
/// through quoted ("data/*.warc.gz"). Matching directories are walked.
/// Ok(false) when `p` has no wildcard.
fn glob(p: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) -> Result<bool, ReadError> {
    let Some(pattern) = p.file_name().and_then(|n| n.to_str()) else { return Ok(false) };
    if !pattern.contains(['*', '?']) {
        return Ok(false);
    }
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let src = p.display().to_string();
    if dir.to_string_lossy().contains(['*', '?']) {
        return Err(err(&src, Reason::WildcardInDirectory));
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| err(&src, Reason::CannotListPatternDir { dir: dir.display().to_string(), error: e }))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|q| q.file_name().and_then(|n| n.to_str()).is_some_and(|n| wildcard_match(pattern, n)))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(err(&src, Reason::NoMatch));
    }
    for q in names {
        if q.is_dir() {
            walk(&q, out, errors);
        } else {
            out.push(q);
        }
    }
    Ok(true)
}

fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matcher with one backtrack point for the last '*'.
    let (mut i, mut j, mut star, mut mark) = (0, 0, None, 0);
    while j < n.len() {
        if i < p.len() && (p[i] == '?' || p[i] == n[j]) {
            i += 1;
            j += 1;
        } else if i < p.len() && p[i] == '*' {
            star = Some(i);
            mark = j;
            i += 1;
        } else if let Some(s) = star {
            i = s + 1;
            mark += 1;
            j = mark;
        } else {
            return false;
        }
    }
    p[i..].iter().all(|&c| c == '*')
}

/// Walks a directory; an unreadable directory is reported and skipped, its
/// siblings are still walked.
fn walk(dir: &Path, out: &mut Vec<PathBuf>, errors: &mut Vec<ReadError>) {
    let src = dir.display().to_string();
    let mut entries: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd.filter_map(|e| e.ok().map(|e| e.path())).collect(),
        Err(e) => {
            errors.push(err(&src, Reason::CannotListDirectory(e)));
            return;
        }
    };
    entries.sort();
    for p in entries {
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.starts_with('.') {
            continue;
        }
        // Symlinked directories are not followed: a link to an ancestor would loop.
        let is_link = std::fs::symlink_metadata(&p).is_ok_and(|m| m.file_type().is_symlink());
        if p.is_dir() {
            if !is_link {
                walk(&p, out, errors);
            }
        } else if !name.ends_with(".gold.json") {
            out.push(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_binary_and_flags_invalid_utf8() {
        let e = decode("x.bin", &[0u8, 1, 2, 3, 0, 0, 5, 6, 7, 0]).unwrap_err();
        assert_eq!(e.to_string(), "x.bin: binary data, not text");
        let i = decode("l1.txt", b"caf\xe9 said hello").unwrap();
        assert!(i.lossy);
        assert!(i.text.starts_with("caf\u{fffd}"));
        let i = decode("bom.txt", b"\xEF\xBB\xBFHello").unwrap();
        assert_eq!(i.text, "Hello");
        assert!(!i.lossy);
    }

    #[test]
    fn wildcards_match_and_expand_in_order() {
        assert!(wildcard_match("*.warc.gz", "cc-news-01.warc.gz"));
        assert!(wildcard_match("a?c*", "abcdef"));
        assert!(!wildcard_match("*.jsonl", "x.json"));
        let dir = std::env::temp_dir().join(format!("whosaid-glob-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for f in ["b.txt", "a.txt", "c.json"] {
            std::fs::write(dir.join(f), "x").unwrap();
        }
        let got = expand(&[dir.join("*.txt")]).unwrap();
        assert_eq!(got, vec![dir.join("a.txt"), dir.join("b.txt")]);
        assert!(expand(&[dir.join("*.none")]).unwrap_err().to_string().ends_with("no file matches this pattern"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn one_bad_path_does_not_hide_the_others() {
        let dir = std::env::temp_dir().join(format!("whosaid-expand-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("sub")).unwrap();
        std::fs::write(dir.join("sub/a.txt"), "x").unwrap();
        let (paths, errors) = expand_all(&[dir.join("missing.txt"), dir.clone(), dir.join("*.none")]);
        assert_eq!(paths, vec![dir.join("sub/a.txt")]);
        let errors: Vec<String> = errors.iter().map(|e| e.to_string()).collect();
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].ends_with("missing.txt: no such file or directory"));
        assert!(errors[1].ends_with("no file matches this pattern"));
        // A directory that cannot be listed (here: not a directory at all, as
        // permissions do not bind root) is reported; the walk goes on.
        let (mut out, mut errors) = (Vec::new(), Vec::new());
        walk(&dir.join("sub/a.txt"), &mut out, &mut errors);
        walk(&dir.join("sub"), &mut out, &mut errors);
        assert_eq!(out, vec![dir.join("sub/a.txt")]);
        assert!(errors[0].to_string().contains("a.txt: cannot list directory"), "{}", errors[0]);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn stdin_like_streams_are_sniffed() {
        let gz = {
            use std::io::Write;
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(b"{\"id\": \"a\", \"text\": \"Rubio said so.\"}\n").unwrap();
            e.finish().unwrap()
        };
        let ev: Vec<ReadEvent> =
            open_reader("-".into(), Box::new(std::io::Cursor::new(gz)), &JsonlFields::default()).collect();
        assert!(matches!(&ev[..], [ReadEvent::Record(r)] if r.source == "-:1"), "{ev:?}");
        let html = b"<!doctype html><html><body><p>Hi</p></body></html>".to_vec();
        let ev: Vec<ReadEvent> =
            open_reader("-".into(), Box::new(std::io::Cursor::new(html)), &JsonlFields::default()).collect();
        assert!(matches!(&ev[..], [ReadEvent::Record(Record { body: Body::Html(_), .. })]), "{ev:?}");
    }

    #[test]
    fn missing_and_empty_files_are_named() {
        let e = read_path(Path::new("/nonexistent/whosaid.txt")).unwrap_err();
        assert!(e.to_string().starts_with("/nonexistent/whosaid.txt: cannot open"));
        let dir = std::env::temp_dir().join(format!("whosaid-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let f = dir.join("empty.txt");
        std::fs::write(&f, "  \n").unwrap();
        assert!(read_path(&f).unwrap_err().to_string().ends_with("empty input"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
