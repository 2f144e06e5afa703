//! Maps extracted text back into the HTML source.
//!
//! html5ever does not report source positions, so the source is scanned a
//! second time by a small lexer that keeps only character data (text outside
//! tags, comments and raw-text elements such as `<script>`), decoding
//! character references the way the HTML tokenizer does. That gives a decoded
//! "source text" with, for every stretch, where it came from: a verbatim run
//! of source bytes, or one character reference. The DOM's text nodes, taken in
//! document order, are then located in that text (each search starts where
//! the previous node was found and looks a bounded distance ahead), and every
//! piece of extracted text inherits the position of the text node it was
//! copied from.
//!
//! Work is bounded: one pass of the lexer, and searches whose total length is
//! capped at a small multiple of the input size; nodes not found within the
//! budget (foster-parented table text, pathological input) are left unmapped.

use crate::content::Src;
use crate::dom::{Dom, Kind, Tag, NONE};

/// One stretch of the decoded source text.
#[derive(Clone, Copy, Debug)]
struct Seg {
    /// Start in the decoded text.
    ss: usize,
    /// Length in the decoded text.
    len: usize,
    /// Start in the HTML source.
    src: usize,
    /// Copied byte for byte (else: decoded from a character reference, or a
    /// normalised newline, starting at `src`).
    verbatim: bool,
}

pub struct SourceText {
    text: String,
    segs: Vec<Seg>,
}

const RAWTEXT: &[&str] = &["script", "style", "xmp", "iframe", "noembed", "noframes", "noscript"];
const RCDATA: &[&str] = &["title", "textarea"];

impl SourceText {
    fn push_verbatim(&mut self, src: usize, s: &str) {
        if s.is_empty() {
            return;
        }
        let ss = self.text.len();
        if let Some(last) = self.segs.last_mut() {
            if last.verbatim && last.ss + last.len == ss && last.src + last.len == src {
                last.len += s.len();
                self.text.push_str(s);
                return;
            }
        }
        self.segs.push(Seg { ss, len: s.len(), src, verbatim: true });
        self.text.push_str(s);
    }

    fn push_decoded(&mut self, src: usize, s: &str) {
        let ss = self.text.len();
        self.segs.push(Seg { ss, len: s.len(), src, verbatim: false });
        self.text.push_str(s);
    }

    /// Character data of `html[start..end]`, references decoded.
    fn push_text(&mut self, html: &str, start: usize, end: usize) {
        let bytes = html.as_bytes();
        let mut run = start;
        let mut i = start;
        while i < end {
            match bytes[i] {
                b'&' => {
                    if let Some((len, decoded)) = char_ref(&html[i..end]) {
                        self.push_verbatim(run, &html[run..i]);
                        let mut buf = [0u8; 8];
                        let mut s = String::new();
                        for c in decoded.into_iter().flatten() {
                            s.push_str(c.encode_utf8(&mut buf));
                        }
                        self.push_decoded(i, &s);
                        i += len;
                        run = i;
                    } else {
                        i += 1;
                    }
                }
                b'\r' => {
                    self.push_verbatim(run, &html[run..i]);
                    if bytes.get(i + 1) == Some(&b'\n') {
                        // CR LF: the CR is dropped.
                        i += 1;
                    } else {
                        self.push_decoded(i, "\n");
                        i += 1;
                    }
                    run = i;
                }
                0 => {
                    self.push_verbatim(run, &html[run..i]);
                    i += 1;
                    run = i;
                }
                _ => i += 1,
            }
        }
        self.push_verbatim(run, &html[run..end]);
    }

    /// Scans `html` for character data.
    pub fn scan(html: &str) -> SourceText {
        let mut st = SourceText { text: String::with_capacity(html.len() / 2), segs: Vec::new() };
        let bytes = html.as_bytes();
        let n = bytes.len();
        let mut i = 0;
        let mut text_start = 0;
        while i < n {
            if bytes[i] != b'<' {
                i += 1;
                continue;
            }
            let rest = &bytes[i..];
            let markup_end = if rest.starts_with(b"<!--") {
                Some(find(bytes, i + 4, b"-->").map_or(n, |e| e + 3))
            } else if rest.len() > 1 && (rest[1] == b'!' || rest[1] == b'?') {
                Some(find_byte(bytes, i + 2, b'>').map_or(n, |e| e + 1))
            } else if rest.len() > 2 && rest[1] == b'/' && rest[2].is_ascii_alphabetic() {
                Some(tag_end(bytes, i + 2))
            } else if rest.len() > 1 && rest[1].is_ascii_alphabetic() {
                Some(tag_end(bytes, i + 1))
            } else {
                None
            };
            let Some(mut end) = markup_end else {
                i += 1;
                continue;
            };
            st.push_text(html, text_start, i);
            // Start tags of raw-text and RCDATA elements.
            if rest.len() > 1 && rest[1].is_ascii_alphabetic() {
                let name_end = (i + 1..end).find(|&k| !bytes[k].is_ascii_alphanumeric()).unwrap_or(end);
                let name = html[i + 1..name_end].to_ascii_lowercase();
                if name == "plaintext" {
                    st.push_text(html, end, n);
                    end = n;
                } else if RAWTEXT.contains(&name.as_str()) || RCDATA.contains(&name.as_str()) {
                    let close = find_close(bytes, end, name.as_bytes()).unwrap_or(n);
                    if RCDATA.contains(&name.as_str()) {
                        st.push_text(html, end, close);
                    }
                    end = if close < n { tag_end(bytes, close + 2) } else { n };
                }
            }
            i = end;
            text_start = end;
        }
        st.push_text(html, text_start.min(n), n);
        st
    }
}

fn find(bytes: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from >= bytes.len() {
        return None;
    }
    bytes[from..].windows(pat.len()).position(|w| w == pat).map(|p| p + from)
}

fn find_byte(bytes: &[u8], from: usize, b: u8) -> Option<usize> {
    if from >= bytes.len() {
        return None;
    }
    bytes[from..].iter().position(|&x| x == b).map(|p| p + from)
}

/// End (one past `>`) of the tag whose name starts at `from`; quoted
/// attribute values may hold `>`.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let n = bytes.len();
    let mut i = from;
    let mut quote: Option<u8> = None;
    let mut after_eq = false;
    while i < n {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == q {
                    quote = None;
                }
            }
            None => match b {
                b'>' => return i + 1,
                b'=' => {
                    after_eq = true;
                    i += 1;
                    continue;
                }
                b'"' | b'\'' if after_eq => quote = Some(b),
                b' ' | b'\t' | b'\n' | b'\r' | 0x0c if after_eq => {
                    i += 1;
                    continue;
                }
                _ => {}
            },
        }
        after_eq = false;
        i += 1;
    }
    n
}

/// Start of `</name` (case-insensitive) at or after `from`.
fn find_close(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = find(bytes, i, b"</") {
        let s = p + 2;
        if s + name.len() <= bytes.len()
            && bytes[s..s + name.len()].eq_ignore_ascii_case(name)
            && bytes.get(s + name.len()).is_none_or(|&b| matches!(b, b'>' | b'/' | b' ' | b'\t' | b'\n' | b'\r' | 0x0c))
        {
            return Some(p);
        }
        i = p + 2;
    }
    None
}

/// A character reference at the start of `s` (which starts with `&`), as the
/// HTML tokenizer reads it in text: its length and its one or two characters.
fn char_ref(s: &str) -> Option<(usize, [Option<char>; 2])> {
    let b = s.as_bytes();
    if b.len() < 2 {
        return None;
    }
    if b[1] == b'#' {
        let (hex, start) = if b.len() > 2 && (b[2] == b'x' || b[2] == b'X') { (true, 3) } else { (false, 2) };
        let mut i = start;
        let mut val: u32 = 0;
        while i < b.len() {
            let d = if hex { (b[i] as char).to_digit(16) } else { (b[i] as char).to_digit(10) };
            let Some(d) = d else { break };
            val = val.saturating_mul(if hex { 16 } else { 10 }).saturating_add(d);
            i += 1;
        }
        if i == start {
            return None;
        }
        if b.get(i) == Some(&b';') {
            i += 1;
        }
        let c = match val {
            0 => '\u{FFFD}',
            0x80..=0x9F => html5ever::data::C1_REPLACEMENTS[(val - 0x80) as usize]
                .unwrap_or_else(|| char::from_u32(val).unwrap_or('\u{FFFD}')),
            v => char::from_u32(v).unwrap_or('\u{FFFD}'),
        };
        return Some((i, [Some(c), None]));
    }
    // Named: the longest name (with or without `;`) in the entity table.
    let mut k = 1;
    while k < b.len() && k <= 40 && b[k].is_ascii_alphanumeric() {
        k += 1;
    }
    if k == 1 {
        return None;
    }
    let with_semi = b.get(k) == Some(&b';');
    let mut end = if with_semi { k + 1 } else { k };
    while end > 1 {
        if let Some(&(c1, c2)) = html5ever::data::NAMED_ENTITIES.get(&s[1..end]) {
            if c1 != 0 {
                let c1 = char::from_u32(c1);
                let c2 = if c2 != 0 { char::from_u32(c2) } else { None };
                return Some((end, [c1, c2]));
            }
        }
        end -= 1;
    }
    None
}

/// Nesting deeper than this is flattened before parsing (browsers cap it too:
/// Blink at 512); html5ever's scope checks walk the open-element stack, so
/// unbounded nesting would make parsing quadratic.
pub const MAX_DEPTH: usize = 256;

/// Elements that never nest (void) or that the parser closes implicitly when
/// a sibling opens; they are not counted as depth.
const NO_DEPTH: &[&str] = &[
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr", "param",
    "keygen", "p", "li", "dt", "dd", "tr", "td", "th", "option", "optgroup", "thead", "tbody", "tfoot", "colgroup",
    "rb", "rt", "rp", "html", "head", "body",
];

/// Replaces, with spaces, start tags that would nest deeper than
/// [`MAX_DEPTH`] and the end tags that close them. The result has the same
/// length and the same text, so byte offsets into it are offsets into `html`.
pub fn limit_depth(html: &str) -> std::borrow::Cow<'_, str> {
    let bytes = html.as_bytes();
    let n = bytes.len();
    let mut stack: Vec<String> = Vec::new();
    let mut blanked: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    let mut blank: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < n {
        if bytes[i] != b'<' {
            i += 1;
            continue;
        }
        let rest = &bytes[i..];
        if rest.starts_with(b"<!--") {
            i = find(bytes, i + 4, b"-->").map_or(n, |e| e + 3);
            continue;
        }
        if rest.len() > 1 && (rest[1] == b'!' || rest[1] == b'?') {
            i = find_byte(bytes, i + 2, b'>').map_or(n, |e| e + 1);
            continue;
        }
        let end_tag = rest.len() > 2 && rest[1] == b'/' && rest[2].is_ascii_alphabetic();
        let start_tag = rest.len() > 1 && rest[1].is_ascii_alphabetic();
        if !end_tag && !start_tag {
            i += 1;
            continue;
        }
        let name_start = if end_tag { i + 2 } else { i + 1 };
        let end = tag_end(bytes, name_start);
        let name_end =
            (name_start..end).find(|&k| !bytes[k].is_ascii_alphanumeric() && bytes[k] != b'-').unwrap_or(end);
        let name = html[name_start..name_end].to_ascii_lowercase();
        if end_tag {
            // Close the nearest open element of that name (looking a bounded
            // way down the stack), else drop a blanked one's end tag.
            let lo = stack.len().saturating_sub(32);
            if let Some(k) = (lo..stack.len()).rev().find(|&k| stack[k] == name) {
                stack.truncate(k);
            } else if let Some(c) = blanked.get_mut(&name).filter(|c| **c > 0) {
                *c -= 1;
                blank.push((i, end));
            }
            i = end;
            continue;
        }
        let self_closing = end >= 2 && bytes[end - 2] == b'/';
        if RAWTEXT.contains(&name.as_str()) || RCDATA.contains(&name.as_str()) {
            let close = find_close(bytes, end, name.as_bytes()).unwrap_or(n);
            i = if close < n { tag_end(bytes, close + 2) } else { n };
            continue;
        }
        if name == "plaintext" {
            break;
        }
        if !NO_DEPTH.contains(&name.as_str()) && !self_closing {
            if stack.len() >= MAX_DEPTH {
                blank.push((i, end));
                *blanked.entry(name).or_insert(0) += 1;
            } else {
                stack.push(name);
            }
        }
        i = end;
    }
    if blank.is_empty() {
        return std::borrow::Cow::Borrowed(html);
    }
    let mut out = bytes.to_vec();
    for (a, b) in blank {
        out[a..b].fill(b' ');
    }
    // Only ASCII tag bytes were replaced by ASCII spaces.
    std::borrow::Cow::Owned(String::from_utf8(out).unwrap_or_else(|_| html.to_string()))
}

/// Parents whose text the lexer skips (raw text), so the DOM's copy is not
/// looked for.
fn raw_text_parent(dom: &Dom, i: usize) -> bool {
    let p = dom.nodes[i].parent;
    if p == NONE {
        return false;
    }
    match dom.nodes[p as usize].tag {
        Tag::Script | Tag::Style | Tag::Noscript | Tag::Iframe => true,
        Tag::Other => dom.elem(p as usize).is_some_and(|e| e.name == "xmp"),
        _ => false,
    }
}

/// Where each DOM text node starts in the decoded source text (`NONE`-like
/// `usize::MAX` when not found).
#[allow(clippy::needless_range_loop)] // parallel arrays indexed by node
fn locate_nodes(dom: &Dom, st: &SourceText) -> Vec<usize> {
    let mut pos = vec![usize::MAX; dom.len()];
    let hay = st.text.as_str();
    let mut cursor = 0usize;
    let mut budget: usize = hay.len().saturating_mul(8).saturating_add(1 << 20);
    for i in 0..dom.len() {
        if dom.nodes[i].kind != Kind::Text || raw_text_parent(dom, i) {
            continue;
        }
        let t = dom.text(i).unwrap_or("");
        if t.trim().is_empty() {
            continue;
        }
        if budget == 0 {
            break;
        }
        let window = (64 * 1024).max(t.len() * 4);
        let mut end = (cursor + window + t.len()).min(hay.len());
        while end < hay.len() && !hay.is_char_boundary(end) {
            end += 1;
        }
        if cursor > end {
            continue;
        }
        // Charge what the search read: up to the match, or the window.
        match hay[cursor..end].find(t) {
            Some(p) => {
                budget = budget.saturating_sub(p + t.len());
                pos[i] = cursor + p;
                cursor += p + t.len();
            }
            None => budget = budget.saturating_sub(end - cursor),
        }
    }
    pos
}

/// Turns the sources of the extracted text into map pieces
/// `(text byte, html byte, len)`.
pub fn build_map(dom: &Dom, html: &str, original: &str, text: &str, srcs: &[Src]) -> Vec<(usize, usize, usize)> {
    if srcs.is_empty() {
        return Vec::new();
    }
    let st = SourceText::scan(html);
    let pos = locate_nodes(dom, &st);
    let mut map: Vec<(usize, usize, usize)> = Vec::with_capacity(srcs.len());
    for s in srcs {
        let Some(&start) = pos.get(s.node as usize) else {
            continue;
        };
        if start == usize::MAX {
            continue;
        }
        let a = start + s.off;
        let b = a + s.len;
        // Segments overlapping [a, b).
        let mut k = st.segs.partition_point(|g| g.ss + g.len <= a);
        while k < st.segs.len() && st.segs[k].ss < b {
            let g = st.segs[k];
            let lo = a.max(g.ss);
            let hi = b.min(g.ss + g.len);
            let t = s.out + (lo - a);
            if g.verbatim {
                let h = g.src + (lo - g.ss);
                let len = hi - lo;
                // `html` may have had tags blanked (limit_depth): keep only
                // pieces that are verbatim in the page as given.
                if text.as_bytes().get(t..t + len) == original.as_bytes().get(h..h + len) {
                    push_piece(&mut map, (t, h, len));
                }
            } else if lo == g.ss {
                push_piece(&mut map, (t, g.src, 0));
            }
            k += 1;
        }
    }
    map
}

fn push_piece(map: &mut Vec<(usize, usize, usize)>, p: (usize, usize, usize)) {
    if let Some(last) = map.last_mut() {
        if last.2 > 0 && p.2 > 0 && last.0 + last.2 == p.0 && last.1 + last.2 == p.1 {
            last.2 += p.2;
            return;
        }
    }
    map.push(p);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_decode() {
        assert_eq!(char_ref("&amp;x"), Some((5, [Some('&'), None])));
        assert_eq!(char_ref("&amp x"), Some((4, [Some('&'), None])));
        assert_eq!(char_ref("&#8217;"), Some((7, [Some('’'), None])));
        assert_eq!(char_ref("&#x2019"), Some((7, [Some('’'), None])));
        assert_eq!(char_ref("&#150;"), Some((6, [Some('–'), None])));
        assert_eq!(char_ref("&nosuch;"), None);
        assert_eq!(char_ref("& b"), None);
        assert_eq!(char_ref("&#;"), None);
    }

    #[test]
    fn scan_keeps_character_data_only() {
        let html =
            "<p class=\"a>b\">Tom &amp; Jerry</p><!-- x --><script>var a='<p>';</script>\r\nEnd<title>T&lt;</title>";
        let st = SourceText::scan(html);
        assert_eq!(st.text, "Tom & Jerry\nEndT<");
        // "Tom " is verbatim at its source offset.
        let g = st.segs[0];
        assert!(g.verbatim);
        assert_eq!(&html[g.src..g.src + g.len], "Tom ");
    }
}
