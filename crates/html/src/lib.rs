//! Main-content extraction from HTML article pages.
//!
//! [`extract`] parses the page with html5ever (through `scraper`), drops
//! navigation, ads, related links, comments, cookie banners and other page
//! furniture with trafilatura/readability-style heuristics (see
//! `content.rs`), and returns the article body as plain text, one paragraph a
//! line, together with the page's metadata and a map from the text back into
//! the HTML. [`decode_html`] turns raw bytes into the string to pass in,
//! honouring the declared charset.
//!
//! The extractor was chosen by measurement against the crates.io extractors
//! on the Zyte article-extraction benchmark: see this crate's README (the
//! benchmark harness is `whosaid_eval::article_extraction`). Nothing here panics on broken HTML or binary junk, and work is
//! bounded (linear passes; inputs over [`MAX_HTML_BYTES`] are cut).
#![deny(missing_docs)]

mod align;
mod content;
mod dom;
mod meta;

use std::fmt;

pub use meta::normalize_date;

/// Inputs longer than this are cut (at a character boundary) before parsing:
/// article text sits well within the first megabytes of any real page.
pub const MAX_HTML_BYTES: usize = 16 * 1024 * 1024;

/// An article extracted from an HTML page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Article {
    /// The page's article title (og:title, else the headline or `<title>`).
    pub title: Option<String>,
    /// Who wrote it, as the page says.
    pub byline: Option<String>,
    /// `YYYY-MM-DD`.
    pub published: Option<String>,
    /// Canonical URL (or `og:url`).
    pub url: Option<String>,
    /// The site's own name (og:site_name), the outlet when the input gives none.
    pub site_name: Option<String>,
    /// The article body: paragraphs (and headings, list items) one per line,
    /// separated by `"\n"`, whitespace collapsed; the title is not included.
    pub text: String,
    /// Pieces of `text` copied from the HTML: `(text byte, html byte, len)`,
    /// sorted by text byte, byte offsets into the `html` string given to
    /// [`extract`]. Rules:
    /// - a piece with `len > 0` is verbatim:
    ///   `text[t..t + len] == html[h..h + len]`;
    /// - a character decoded from a character reference (`&amp;`, `&#8217;`)
    ///   gets a zero-length piece `(t, h, 0)` whose `h` is the `&` that starts
    ///   the reference;
    /// - text covered by no piece (the `"\n"` between paragraphs, a space that
    ///   stands for a collapsed newline or tab, text whose source node could
    ///   not be located) belongs to the end of the piece before it, as in
    ///   `whosaid_document::OffsetMap::to_raw`.
    pub map: Vec<(usize, usize, usize)>,
}

impl Article {
    /// The HTML byte offset for a byte offset into `text` (see `map`).
    pub fn to_html(&self, text_byte: usize) -> usize {
        whosaid_document::lookup(&self.map, text_byte, |p| p)
    }
}

/// Why no article could be extracted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HtmlError {
    /// The input is empty or blank.
    Empty,
    /// The input is binary data, not HTML.
    Binary,
    /// The page has no text that could be taken for an article body.
    NoContent,
}

impl fmt::Display for HtmlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HtmlError::Empty => write!(f, "empty input"),
            HtmlError::Binary => write!(f, "binary data, not HTML"),
            HtmlError::NoContent => write!(f, "no article text found"),
        }
    }
}

impl std::error::Error for HtmlError {}

/// Share of control characters (other than whitespace) above which the input
/// is taken for binary data.
const MAX_CONTROL_SHARE: f64 = 0.05;

fn looks_binary(html: &str) -> bool {
    let sample: Vec<char> = html.chars().take(8192).collect();
    if sample.is_empty() {
        return false;
    }
    let control = sample
        .iter()
        .filter(|&&c| (c.is_control() && !matches!(c, '\n' | '\r' | '\t' | '\u{0c}')) || c == '\u{FFFD}')
        .count();
    control as f64 / sample.len() as f64 > MAX_CONTROL_SHARE
}

/// Extracts the article from an HTML page.
pub fn extract(html: &str) -> Result<Article, HtmlError> {
    let mut cut = html.len().min(MAX_HTML_BYTES);
    while !html.is_char_boundary(cut) {
        cut -= 1;
    }
    let html = &html[..cut];
    if html.trim().is_empty() {
        return Err(HtmlError::Empty);
    }
    if looks_binary(html) {
        return Err(HtmlError::Binary);
    }
    let limited = align::limit_depth(html);
    let dom = dom::Dom::parse(&limited);
    let blocks = content::extract_blocks(&dom);
    let meta = meta::extract_meta(&dom);
    let mut text = String::new();
    let mut srcs = Vec::new();
    for b in &blocks {
        if !text.is_empty() {
            text.push('\n');
        }
        let base = text.len();
        srcs.extend(b.srcs.iter().map(|s| content::Src { out: s.out + base, ..*s }));
        text.push_str(&b.text);
    }
    if text.is_empty() {
        return Err(HtmlError::NoContent);
    }
    // `limited` has the same bytes as `html` except blanked tags, so the map
    // is built on it and checked against `html`.
    let map = align::build_map(&dom, &limited, html, &text, &srcs);
    Ok(Article {
        title: meta.title,
        byline: meta.byline,
        published: meta.published,
        url: meta.url,
        site_name: meta.site_name,
        text,
        map,
    })
}

/// How many bytes are searched for a `<meta charset>` declaration.
const CHARSET_PRESCAN: usize = 4096;

/// The encoding declared in the first bytes of a page (`<meta charset=...>`
/// or `<meta http-equiv="Content-Type" content="...; charset=...">`).
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(CHARSET_PRESCAN)];
    let lower: Vec<u8> = head.iter().map(|b| b.to_ascii_lowercase()).collect();
    let mut from = 0;
    while let Some(p) = find(&lower, from, b"<meta") {
        let end = find(&lower, p, b">").unwrap_or(lower.len());
        let tag = &lower[p..end];
        if let Some(c) = find(tag, 0, b"charset") {
            let mut k = c + 7;
            while k < tag.len() && tag[k].is_ascii_whitespace() {
                k += 1;
            }
            if k < tag.len() && tag[k] == b'=' {
                k += 1;
                while k < tag.len() && (tag[k].is_ascii_whitespace() || matches!(tag[k], b'"' | b'\'')) {
                    k += 1;
                }
                let start = k;
                while k < tag.len() && (tag[k].is_ascii_alphanumeric() || matches!(tag[k], b'-' | b'_' | b'.' | b':')) {
                    k += 1;
                }
                if let Some(enc) = encoding_rs::Encoding::for_label(&tag[start..k]) {
                    // A page that says UTF-16 in ASCII is not UTF-16.
                    if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
                        return Some(encoding_rs::UTF_8);
                    }
                    if enc == encoding_rs::X_USER_DEFINED {
                        return Some(encoding_rs::WINDOWS_1252);
                    }
                    return Some(enc);
                }
            }
        }
        from = end.max(p + 5);
    }
    None
}

fn find(hay: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from >= hay.len() {
        return None;
    }
    hay[from..].windows(pat.len()).position(|w| w == pat).map(|p| p + from)
}

/// Decodes the bytes of an HTML page: a byte-order mark wins, then a charset
/// declared in a `<meta>` tag within the first 4 KiB (labels as browsers read
/// them: `iso-8859-1` is windows-1252), else UTF-8. Undeclared bytes that are
/// not valid UTF-8 are read as windows-1252, the web's legacy default.
/// The flag is set when the result is a guess or has replacement characters:
/// malformed bytes for the encoding used, or the windows-1252 fallback.
pub fn decode_html(bytes: &[u8]) -> (String, bool) {
    decode_html_with(bytes, None)
}

/// Like [`decode_html`], with the charset a transport declared (an HTTP
/// `Content-Type` header in a WARC record), which wins over `<meta>` as in
/// browsers: byte-order mark, then transport, then the page's own declaration.
pub fn decode_html_with(bytes: &[u8], transport_charset: Option<&str>) -> (String, bool) {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (s, had_errors) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (s.into_owned(), had_errors);
    }
    let transport = transport_charset.and_then(|c| encoding_rs::Encoding::for_label(c.trim().as_bytes()));
    match transport.or_else(|| declared_encoding(bytes)) {
        Some(enc) if enc != encoding_rs::UTF_8 => {
            let (s, had_errors) = enc.decode_without_bom_handling(bytes);
            (s.into_owned(), had_errors)
        }
        declared => match std::str::from_utf8(bytes) {
            Ok(s) => (s.to_string(), false),
            Err(_) if declared.is_none() => {
                let (s, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(bytes);
                (s.into_owned(), true)
            }
            Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transport_charset_wins_and_cyrillic_decodes() {
        // "Привет" in windows-1251, page declaring nothing.
        let page = b"<html><body>\xcf\xf0\xe8\xe2\xe5\xf2</body></html>";
        let (s, lossy) = decode_html_with(page, Some("windows-1251"));
        assert!(s.contains("Привет"), "{s}");
        assert!(!lossy);
        let meta = b"<html><head><meta charset=\"windows-1251\"></head><body>\xcf\xf0\xe8\xe2\xe5\xf2</body></html>";
        assert!(decode_html(meta).0.contains("Привет"));
    }

    #[test]
    fn charset_is_honoured() {
        let page = b"<html><head><meta charset=\"iso-8859-1\"></head><body>caf\xe9</body></html>";
        let (s, lossy) = decode_html(page);
        assert!(s.contains("café"));
        assert!(!lossy);
        let page = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=windows-1251\">\xcf\xf0\xe8";
        assert!(decode_html(page).0.ends_with("При"));
    }

    #[test]
    fn utf8_and_fallbacks() {
        assert_eq!(decode_html("naïve".as_bytes()), ("naïve".to_string(), false));
        // BOM wins.
        assert_eq!(decode_html(b"\xEF\xBB\xBFok").0, "ok");
        // Undeclared Latin-1: a guess, flagged.
        let (s, lossy) = decode_html(b"caf\xe9");
        assert_eq!(s, "café");
        assert!(lossy);
        // Declared UTF-8 but invalid: replacement characters, flagged.
        let (s, lossy) = decode_html(b"<meta charset=utf-8>caf\xe9");
        assert!(s.ends_with("caf\u{FFFD}"));
        assert!(lossy);
    }

    #[test]
    fn errors() {
        assert_eq!(extract(""), Err(HtmlError::Empty));
        assert_eq!(extract("  \n "), Err(HtmlError::Empty));
        assert_eq!(extract("\u{1}\u{2}\u{3}\u{4}"), Err(HtmlError::Binary));
        assert_eq!(extract("<html><body></body></html>"), Err(HtmlError::NoContent));
    }

    #[test]
    fn to_html_follows_map() {
        let a = Article { map: vec![(0, 10, 3), (4, 20, 2)], ..Default::default() };
        assert_eq!(a.to_html(1), 11);
        assert_eq!(a.to_html(3), 13);
        assert_eq!(a.to_html(5), 21);
    }
}
