//! Why an input (or one record of it) could not be read: a typed reason with
//! the input it happened in. Displayed as `source: reason`, the form every
//! message on stderr takes (`file`, `file:line` or `file#record`).

use std::fmt;

use whosaid_document::output::SCHEMA;

use crate::MAX_INPUT_BYTES;

/// An input that could not be read, or one record of it.
#[derive(Debug)]
pub struct ReadError {
    /// `file`, `file:line` (JSONL, whosaid/1 lines) or `file#record` (WARC, JSON streams).
    pub source: String,
    /// What went wrong there.
    pub reason: Reason,
}

/// What went wrong.
#[derive(Debug)]
pub enum Reason {
    // Paths.
    /// No file, directory or pattern match at this path.
    NoSuchPath,
    /// A wildcard pattern matched nothing.
    NoMatch,
    /// A wildcard outside the last path component.
    WildcardInDirectory,
    /// The directory a pattern is matched in cannot be listed.
    CannotListPatternDir {
        /// The directory the pattern is matched in.
        dir: String,
        /// Why it cannot be listed.
        error: std::io::Error,
    },
    /// A directory being walked cannot be listed.
    CannotListDirectory(std::io::Error),
    /// The file cannot be opened.
    Open(std::io::Error),
    /// Reading the first bytes (or the whole file) failed.
    Read(std::io::Error),
    /// Reading stdin failed.
    ReadStdin(std::io::Error),
    /// Reading failed mid-stream (JSONL, WARC, whosaid/1 lines).
    ReadFailed(std::io::Error),
    /// The stream ended inside a gzip member or a record.
    Truncated,
    /// The bytes are not what their format says (a corrupt gzip stream).
    Corrupt(std::io::Error),
    // Whole inputs.
    /// Over [`MAX_INPUT_BYTES`]; `unit` is how the limit is written ("MiB" or "MB").
    TooLarge {
        /// "MiB" or "MB", as the limit is written in the message.
        unit: &'static str,
    },
    /// Nothing but whitespace.
    Empty,
    /// Binary data, not text.
    Binary,
    /// whosaid/1 output given where articles are expected.
    WhosaidOutput,
    // JSONL.
    /// A JSONL line is not UTF-8.
    NotUtf8(std::str::Utf8Error),
    /// Not JSON; `rest_skipped` when the rest of a JSON stream is lost with it.
    NotJson {
        /// The parser's error.
        error: serde_json::Error,
        /// Whether the rest of an indented JSON stream is lost with it.
        rest_skipped: bool,
    },
    /// A JSON value that is not an object.
    NotObject,
    /// Neither of the configured body fields has text.
    NoBody {
        /// The configured text field.
        text_field: String,
        /// The configured HTML field.
        html_field: String,
    },
    /// A line longer than [`MAX_INPUT_BYTES`].
    LineTooLong,
    // WARC.
    /// A WARC header line of 64 KiB or more.
    HeaderLineTooLong,
    /// A record does not start with `WARC/` (the line found, cut).
    NotWarcHeader(String),
    /// The input ended inside a record header.
    TruncatedHeader,
    /// More header lines than a record may have.
    TooManyHeaderLines,
    /// A record without `Content-Length`.
    NoContentLength,
    /// A `Content-Length` that is not a number.
    BadContentLength,
    /// A record shorter than its `Content-Length`.
    TruncatedRecord {
        /// Payload bytes there were.
        got: u64,
        /// Payload bytes the header promised.
        len: u64,
    },
    /// A wanted payload over the input limit (skipped, reported).
    PayloadTooLarge {
        /// The payload's `Content-Length`.
        len: u64,
    },
    // whosaid/1 documents.
    /// Not a whosaid/1 document; `rest_skipped` for an indented stream.
    NotWhosaid {
        /// The parser's error.
        error: serde_json::Error,
        /// Whether the rest of an indented stream is lost with it.
        rest_skipped: bool,
    },
    /// A whosaid-like document of another schema.
    Schema(String),
    /// Input that does not start like whosaid/1 JSON.
    NotWhosaidJson,
}

impl Reason {
    /// A read error in words a user can act on (a cut gzip stream is "truncated").
    pub fn of_io(e: std::io::Error, otherwise: fn(std::io::Error) -> Reason) -> Reason {
        match e.kind() {
            std::io::ErrorKind::UnexpectedEof => Reason::Truncated,
            std::io::ErrorKind::InvalidInput | std::io::ErrorKind::InvalidData => Reason::Corrupt(e),
            _ => otherwise(e),
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rest = |skipped: bool| if skipped { " (rest of the file skipped)" } else { "" };
        match self {
            Reason::NoSuchPath => f.write_str("no such file or directory"),
            Reason::NoMatch => f.write_str("no file matches this pattern"),
            Reason::WildcardInDirectory => f.write_str("wildcards are supported in the last path component only"),
            Reason::CannotListPatternDir { dir, error } => write!(f, "cannot list {dir}: {error}"),
            Reason::CannotListDirectory(e) => write!(f, "cannot list directory: {e}"),
            Reason::Open(e) => write!(f, "cannot open: {e}"),
            Reason::Read(e) => write!(f, "cannot read: {e}"),
            Reason::ReadStdin(e) => write!(f, "cannot read stdin: {e}"),
            Reason::ReadFailed(e) => write!(f, "read failed: {e}"),
            Reason::Truncated => f.write_str("truncated file"),
            Reason::Corrupt(e) => write!(f, "corrupt data: {e}"),
            Reason::TooLarge { unit } => write!(f, "larger than {} {unit}, refused", MAX_INPUT_BYTES >> 20),
            Reason::Empty => f.write_str("empty input"),
            Reason::Binary => f.write_str("binary data, not text"),
            Reason::WhosaidOutput => f.write_str(
                "this is whosaid/1 output (from `whosaid extract`), not articles: `whosaid ingest` stores it as is",
            ),
            Reason::NotUtf8(e) => write!(f, "not valid UTF-8 ({e})"),
            Reason::NotJson { error, rest_skipped } => write!(f, "not valid JSON: {error}{}", rest(*rest_skipped)),
            Reason::NotObject => f.write_str("not a JSON object"),
            Reason::NoBody { text_field, html_field } => {
                write!(f, "no non-empty '{text_field}' or '{html_field}' field")
            }
            Reason::LineTooLong => f.write_str("line longer than the input limit, skipped"),
            Reason::HeaderLineTooLong => f.write_str("header line too long"),
            Reason::NotWarcHeader(found) => write!(f, "expected a WARC header, found {found:?}"),
            Reason::TruncatedHeader => f.write_str("truncated record header"),
            Reason::TooManyHeaderLines => f.write_str("too many header lines"),
            Reason::NoContentLength => f.write_str("record without Content-Length"),
            Reason::BadContentLength => f.write_str("invalid Content-Length"),
            Reason::TruncatedRecord { got, len } => write!(f, "truncated record: {got} of {len} bytes"),
            Reason::PayloadTooLarge { len } => {
                write!(f, "payload of {len} bytes is over the {} MiB input limit, skipped", MAX_INPUT_BYTES >> 20)
            }
            Reason::NotWhosaid { error, rest_skipped } => {
                write!(f, "not a whosaid/1 document: {error}{}", rest(*rest_skipped))
            }
            Reason::Schema(found) => write!(f, "schema '{found}', expected '{SCHEMA}'"),
            Reason::NotWhosaidJson => f.write_str("not whosaid/1 JSON"),
        }
    }
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.source, self.reason)
    }
}

impl std::error::Error for ReadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.reason {
            Reason::CannotListPatternDir { error, .. } => Some(error),
            Reason::CannotListDirectory(e)
            | Reason::Open(e)
            | Reason::Read(e)
            | Reason::ReadStdin(e)
            | Reason::ReadFailed(e)
            | Reason::Corrupt(e) => Some(e),
            Reason::NotUtf8(e) => Some(e),
            Reason::NotJson { error, .. } | Reason::NotWhosaid { error, .. } => Some(error),
            _ => None,
        }
    }
}

pub(crate) fn err(source: &str, reason: Reason) -> ReadError {
    ReadError { source: source.to_string(), reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_the_input_and_the_reason() {
        let io = || std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        assert_eq!(err("a.txt", Reason::Open(io())).to_string(), "a.txt: cannot open: denied");
        assert_eq!(err("a.txt", Reason::TooLarge { unit: "MiB" }).to_string(), "a.txt: larger than 64 MiB, refused");
        assert_eq!(
            err("c.warc#3", Reason::TruncatedRecord { got: 5, len: 9 }).to_string(),
            "c.warc#3: truncated record: 5 of 9 bytes"
        );
        let eof = std::io::Error::new(std::io::ErrorKind::UnexpectedEof, "eof");
        assert!(matches!(Reason::of_io(eof, Reason::Read), Reason::Truncated));
        let bad = std::io::Error::new(std::io::ErrorKind::InvalidData, "bad header");
        assert_eq!(Reason::of_io(bad, Reason::Read).to_string(), "corrupt data: bad header");
        assert!(matches!(Reason::of_io(io(), Reason::ReadFailed), Reason::ReadFailed(_)));
        let e = err("x", Reason::Read(io()));
        assert_eq!(std::error::Error::source(&e).map(|s| s.to_string()).as_deref(), Some("denied"));
    }
}
