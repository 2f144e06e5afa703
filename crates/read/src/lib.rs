//! Input readers: turn files, directories and stdin into raw article text plus
//! metadata. Every failure names the input and the reason; nothing panics.

pub mod jsonl;
pub mod sniff;
pub mod warc;

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

pub use sniff::{sniff, Format};
use whosaid_document::Meta;

/// What a record carries: plain article text, or an HTML page still to be
/// reduced to its main content.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    Text(String),
    Html(String),
}

/// One document found in an input, with what the input said about it.
#[derive(Debug, Clone)]
pub struct Record {
    /// Where it came from: `file`, `file:line` (JSONL) or `file#record` (WARC).
    pub source: String,
    pub meta: Meta,
    pub body: Body,
    /// Set when the bytes were not valid UTF-8 and were decoded lossily.
    pub lossy: bool,
    /// Input bytes this record consumed (for progress and throughput).
    pub bytes: usize,
}

/// What reading an input yields, in input order.
#[derive(Debug)]
pub enum ReadEvent {
    Record(Record),
    /// A record deliberately not processed (e.g. a WARC `request` record).
    Skipped {
        source: String,
        reason: String,
    },
    /// A record or file that could not be read; reading goes on where possible.
    Error(ReadError),
}

/// Field names of JSONL inputs.
#[derive(Debug, Clone)]
pub struct JsonlFields {
    pub text: String,
    pub html: String,
    pub url: String,
    pub title: String,
    pub published: String,
    pub outlet: String,
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

/// Parses the date part of `2025-04-23`, `2025-04-23T10:00:00Z` and the like.
pub fn parse_date_prefix(s: &str) -> Option<chrono::NaiveDate> {
    let s = s.trim();
    let head = s.get(..10)?;
    chrono::NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// Opens any supported input and streams its events. Files are sniffed by
/// extension and content; "-" is stdin, read as text.
pub fn open(path: &Path, fields: &JsonlFields) -> Box<dyn Iterator<Item = ReadEvent> + Send> {
    let source = path.display().to_string();
    if source == "-" {
        return Box::new(std::iter::once(match read_path(path) {
            Ok(i) => ReadEvent::Record(text_record(i)),
            Err(e) => ReadEvent::Error(e),
        }));
    }
    let format = match sniff::sniff_path(path) {
        Ok(f) => f,
        Err(e) => return Box::new(std::iter::once(ReadEvent::Error(e))),
    };
    match format {
        Format::Jsonl => match jsonl::JsonlReader::open(path, fields.clone()) {
            Ok(r) => Box::new(r),
            Err(e) => Box::new(std::iter::once(ReadEvent::Error(e))),
        },
        Format::Warc => match warc::WarcReader::open(path) {
            Ok(r) => Box::new(r),
            Err(e) => Box::new(std::iter::once(ReadEvent::Error(e))),
        },
        Format::Text => Box::new(std::iter::once(match read_path(path) {
            Ok(i) => ReadEvent::Record(text_record(i)),
            Err(e) => ReadEvent::Error(e),
        })),
        // HTML is decoded by its own declaration (BOM, <meta charset>), not as UTF-8.
        Format::Html => Box::new(std::iter::once(match read_bytes(path) {
            Ok(bytes) => {
                let (text, lossy) = whosaid_html::decode_html(&bytes);
                let n = bytes.len();
                ReadEvent::Record(Record { source, meta: Meta::default(), body: Body::Html(text), lossy, bytes: n })
            }
            Err(e) => ReadEvent::Error(e),
        })),
    }
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
    pub text: String,
    /// Set when the bytes were not valid UTF-8 and were decoded lossily.
    pub lossy: bool,
}

#[derive(Debug)]
pub struct ReadError {
    pub source: String,
    pub reason: String,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

impl std::error::Error for ReadError {}

pub(crate) fn err(source: &str, reason: impl Into<String>) -> ReadError {
    ReadError { source: source.to_string(), reason: reason.into() }
}

/// Share of bytes that are control characters (other than whitespace) or NUL:
/// above this the input is binary, not text.
const MAX_BINARY_SHARE: f64 = 0.05;

/// Decodes bytes as text: UTF-8 (BOM dropped), else lossy with a flag.
/// Refuses binary data.
pub fn decode(source: &str, bytes: &[u8]) -> Result<Input, ReadError> {
    let sample = &bytes[..bytes.len().min(8192)];
    let control =
        sample.iter().filter(|&&b| b == 0 || (b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))).count();
    if !sample.is_empty() && (control as f64 / sample.len() as f64) > MAX_BINARY_SHARE {
        return Err(err(source, "binary data, not text"));
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => Ok(Input { source: source.to_string(), text: s.to_string(), lossy: false }),
        Err(_) => {
            Ok(Input { source: source.to_string(), text: String::from_utf8_lossy(bytes).into_owned(), lossy: true })
        }
    }
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
            .map_err(|e| err(&source, format!("cannot read stdin: {e}")))?;
    } else {
        let file = std::fs::File::open(path).map_err(|e| err(&source, format!("cannot open: {e}")))?;
        file.take(MAX_INPUT_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| err(&source, format!("cannot read: {e}")))?;
    }
    if bytes.len() as u64 > MAX_INPUT_BYTES {
        return Err(err(&source, format!("larger than {} MB, refused", MAX_INPUT_BYTES / (1024 * 1024))));
    }
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(err(&source, "empty input"));
    }
    Ok(bytes)
}

/// Expands inputs: directories recurse (sorted, so output order is stable),
/// files and "-" pass through.
pub fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>, ReadError> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(p.clone());
        } else if p.is_dir() {
            walk(p, &mut out)?;
        } else if p.exists() {
            out.push(p.clone());
        } else if let Some(matches) = glob(p)? {
            out.extend(matches);
        } else {
            return Err(err(&p.display().to_string(), "no such file or directory"));
        }
    }
    Ok(out)
}

/// `*` and `?` in the last path component, for shells that pass patterns
/// through quoted ("data/*.warc.gz"). Matching directories are walked.
/// Ok(None) when `p` has no wildcard.
fn glob(p: &Path) -> Result<Option<Vec<PathBuf>>, ReadError> {
    let Some(pattern) = p.file_name().and_then(|n| n.to_str()) else { return Ok(None) };
    if !pattern.contains(['*', '?']) {
        return Ok(None);
    }
    let dir = p.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let src = p.display().to_string();
    if dir.to_string_lossy().contains(['*', '?']) {
        return Err(err(&src, "wildcards are supported in the last path component only"));
    }
    let mut names: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| err(&src, format!("cannot list {}: {e}", dir.display())))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|q| q.file_name().and_then(|n| n.to_str()).is_some_and(|n| wildcard_match(pattern, n)))
        .collect();
    names.sort();
    if names.is_empty() {
        return Err(err(&src, "no file matches this pattern"));
    }
    let mut out = Vec::new();
    for q in names {
        if q.is_dir() {
            walk(&q, &mut out)?;
        } else {
            out.push(q);
        }
    }
    Ok(Some(out))
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

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<(), ReadError> {
    let src = dir.display().to_string();
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| err(&src, format!("cannot list directory: {e}")))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
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
                walk(&p, out)?;
            }
        } else if !name.ends_with(".gold.json") {
            out.push(p);
        }
    }
    Ok(())
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
