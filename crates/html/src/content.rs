//! Main-content heuristics (trafilatura / readability style) over [`Dom`].
//!
//! 1. Boilerplate is marked: always for scripts, forms controls, media and
//!    the like; for navigation, asides, footers, hidden elements and elements
//!    whose class/id reads like navigation, sharing, comments, ads, related
//!    links, newsletters or cookie banners only when the element does not hold
//!    most of the page's paragraph text (a guard against `class="has-sidebar"`
//!    wrappers).
//! 2. The main container is chosen: elements whose class/id or `itemprop`
//!    names an article body, else readability's paragraph scoring (text length
//!    and commas credited to parents and grandparents, weighted by class and
//!    discounted by link density), plus qualifying siblings.
//! 3. Its text is collected line by line (block elements break lines) and
//!    lines that are mostly links, headlines or short boilerplate phrases are
//!    dropped.

use crate::dom::{Dom, Kind, Tag, NONE};

/// A piece of output text copied from a DOM text node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Src {
    /// Byte offset in the block's (later the article's) text.
    pub out: usize,
    /// DOM node index of the text node.
    pub node: u32,
    /// Byte offset in that text node's text.
    pub off: usize,
    pub len: usize,
}

/// One line of extracted text.
#[derive(Clone, Debug, Default)]
pub struct Block {
    pub text: String,
    pub srcs: Vec<Src>,
    /// Non-whitespace characters, and those inside links.
    pub chars: usize,
    pub link_chars: usize,
    /// Innermost block element when the line started.
    pub tag: Option<Tag>,
    pub in_list: bool,
}

/// Parts of class/id names that mark boilerplate containers.
const NEG_PARTS: &[&str] = &[
    "nav",
    "navbar",
    "navigation",
    "menu",
    "footer",
    "sidebar",
    "related",
    "comment",
    "comments",
    "share",
    "sharing",
    "social",
    "newsletter",
    "subscribe",
    "subscription",
    "cookie",
    "cookies",
    "consent",
    "gdpr",
    "advert",
    "advertisement",
    "advertising",
    "ad",
    "ads",
    "sponsor",
    "sponsored",
    "promo",
    "breadcrumb",
    "breadcrumbs",
    "tags",
    "popup",
    "modal",
    "widget",
    "recommended",
    "recommendations",
    "outbrain",
    "taboola",
    "disqus",
    "signup",
    "paywall",
    "trending",
    "popular",
    "toolbar",
    "masthead",
    "login",
    "byline",
    "caption",
    "credit",
    "credits",
    "pagination",
    "pager",
    "follow",
    "rating",
    "dateline",
    "timestamp",
    "meta",
    "author",
    "bio",
    "banner",
    "skip",
];

/// Substrings of class/id tokens that mark boilerplate.
const NEG_SUBSTR: &[&str] = &[
    "readmore",
    "read-more",
    "more-stories",
    "morestories",
    "more-from",
    "also-read",
    "you-may",
    "youmay",
    "might-like",
    "mightlike",
    "related",
    "comment",
    "social",
    "newsletter",
    "cookie",
    "consent",
    "advert",
    "sponsor",
    "breadcrumb",
    "outbrain",
    "taboola",
    "disqus",
    "recommend",
    "paywall",
    "sign-up",
    "subscribe",
    "popup",
    "sharebar",
    "promo",
    "share-",
    "-share",
    "share_",
    "_share",
    "visually-hidden",
    "sr-only",
    "screen-reader",
    "screenreader",
];

/// Parts of class/id names that suggest article content.
const POS_PARTS: &[&str] = &["article", "body", "content", "entry", "main", "page", "post", "text", "blog", "story"];

/// Substrings of class/id tokens naming an article body container.
const BODY_SUBSTR: &[&str] = &[
    "article-body",
    "articlebody",
    "article__body",
    "article_body",
    "article-content",
    "articlecontent",
    "article__content",
    "article_content",
    "article-text",
    "articletext",
    "entry-content",
    "entry_content",
    "entrycontent",
    "post-content",
    "post_content",
    "postcontent",
    "post-body",
    "postbody",
    "post-text",
    "post_text",
    "story-body",
    "storybody",
    "story-content",
    "story-text",
    "story__body",
    "td-post-content",
    "field-name-body",
    "field--name-body",
    "entry-body",
    "body-text",
];

fn parts(token: &str) -> impl Iterator<Item = &str> {
    token.split(['-', '_']).filter(|p| !p.is_empty())
}

fn class_is_boilerplate(class_id: &str) -> bool {
    for token in class_id.split_whitespace() {
        if token.starts_with("hidden-") || token.starts_with("visible-") {
            continue;
        }
        if token == "hidden" || token == "is-hidden" {
            return true;
        }
        if NEG_SUBSTR.iter().any(|s| token.contains(s)) {
            return true;
        }
        if parts(token).any(|p| NEG_PARTS.contains(&p)) {
            return true;
        }
    }
    false
}

fn class_weight(class_id: &str) -> f64 {
    let mut w = 0.0;
    let mut neg = false;
    let mut pos = false;
    for token in class_id.split_whitespace() {
        for p in parts(token) {
            if NEG_PARTS.contains(&p) || matches!(p, "combx" | "contact" | "foot" | "shopping") {
                neg = true;
            }
            if POS_PARTS.contains(&p) {
                pos = true;
            }
        }
    }
    if neg {
        w -= 25.0;
    }
    if pos {
        w += 25.0;
    }
    w
}

fn is_body_container(dom: &Dom, i: usize) -> bool {
    if let Some(ip) = dom.attr(i, "itemprop") {
        if ip.eq_ignore_ascii_case("articleBody") {
            return true;
        }
    }
    dom.class_id(i).split_whitespace().any(|t| BODY_SUBSTR.iter().any(|s| t.contains(s)))
}

/// Elements removed with their subtree, whatever they hold.
fn hard_junk(tag: Tag) -> bool {
    matches!(
        tag,
        Tag::Head
            | Tag::Title
            | Tag::Meta
            | Tag::Link
            | Tag::Script
            | Tag::Style
            | Tag::Noscript
            | Tag::Template
            | Tag::Svg
            | Tag::Math
            | Tag::Iframe
            | Tag::Object
            | Tag::Embed
            | Tag::Canvas
            | Tag::Video
            | Tag::Audio
            | Tag::Button
            | Tag::Input
            | Tag::Select
            | Tag::Textarea
            | Tag::Option
            | Tag::Dialog
            | Tag::Label
    )
}

/// Hidden by attribute or inline style.
fn is_hidden(dom: &Dom, i: usize) -> bool {
    let Some(e) = dom.elem(i) else { return false };
    if e.attr("hidden").is_some() || e.attr("aria-hidden") == Some("true") {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let s: String = style.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
        if s.contains("display:none") || s.contains("visibility:hidden") {
            return true;
        }
    }
    false
}

fn soft_junk(dom: &Dom, i: usize) -> bool {
    let n = &dom.nodes[i];
    if matches!(n.tag, Tag::Nav | Tag::Aside | Tag::Footer | Tag::Form | Tag::Menu | Tag::Figure | Tag::Header) {
        return true;
    }
    let Some(e) = dom.elem(i) else { return false };
    if is_hidden(dom, i) {
        return true;
    }
    if let Some(role) = e.attr("role") {
        if matches!(
            role.to_ascii_lowercase().as_str(),
            "navigation"
                | "banner"
                | "contentinfo"
                | "complementary"
                | "dialog"
                | "alertdialog"
                | "search"
                | "menu"
                | "menubar"
                | "toolbar"
        ) {
            return true;
        }
    }
    if is_body_container(dom, i) {
        return false;
    }
    class_is_boilerplate(&e.class_id)
}

/// Class/id parts of image, video and gallery wrappers: their short text is
/// captions and credits.
const MEDIA_PARTS: &[&str] =
    &["image", "img", "photo", "gallery", "figure", "picture", "thumbnail", "media", "video", "slideshow", "carousel"];

fn is_media_wrapper(dom: &Dom, i: usize) -> bool {
    dom.class_id(i).split_whitespace().any(|t| parts(t).any(|p| MEDIA_PARTS.contains(&p)))
}

/// Per-node statistics over the non-junk text of each subtree.
struct Stats {
    junk: Vec<bool>,
    /// Non-whitespace characters.
    chars: Vec<u32>,
    /// Of which inside links.
    link: Vec<u32>,
    /// Text whose nearest block ancestor is this element, and its commas.
    own: Vec<u32>,
    own_commas: Vec<u32>,
    /// Whether the element has block-level element children.
    has_block_child: Vec<bool>,
}

fn count_chars(t: &str) -> (u32, u32) {
    let mut n = 0u32;
    let mut commas = 0u32;
    for c in t.chars() {
        if !c.is_whitespace() {
            n = n.saturating_add(1);
        }
        if c == ',' || c == '，' || c == '、' {
            commas = commas.saturating_add(1);
        }
    }
    (n, commas)
}

fn compute_stats(dom: &Dom) -> Stats {
    let n = dom.len();
    // Paragraph text per subtree, before soft junk is applied (for the guard).
    let mut hard = vec![false; n];
    let mut hidden = vec![false; n];
    let mut in_p = vec![false; n];
    for i in 0..n {
        let node = &dom.nodes[i];
        let p = node.parent;
        let (ph, pp) = if p == NONE { (false, false) } else { (hard[p as usize], in_p[p as usize]) };
        hard[i] = ph || (node.kind == Kind::Element && hard_junk(node.tag)) || node.kind == Kind::Other;
        in_p[i] = pp || matches!(node.tag, Tag::P | Tag::Pre | Tag::Blockquote);
        hidden[i] = (p != NONE && hidden[p as usize]) || is_hidden(dom, i);
    }
    // Text per subtree before soft junk is applied (for the guards): all
    // non-link text, and text inside paragraphs.
    let mut ptext = vec![0u32; n];
    let mut plain = vec![0u32; n];
    let mut link_pre = vec![false; n];
    for i in 0..n {
        let p = dom.nodes[i].parent;
        link_pre[i] = (p != NONE && link_pre[p as usize]) || dom.nodes[i].tag == Tag::A;
    }
    for i in (0..n).rev() {
        if !hard[i] {
            if let Some(t) = dom.text(i) {
                let c = count_chars(t).0;
                if in_p[i] {
                    ptext[i] = ptext[i].saturating_add(c);
                }
                if !link_pre[i] {
                    plain[i] = plain[i].saturating_add(c);
                }
            }
        }
        let p = dom.nodes[i].parent;
        if p != NONE {
            ptext[p as usize] = ptext[p as usize].saturating_add(ptext[i]);
            plain[p as usize] = plain[p as usize].saturating_add(plain[i]);
        }
    }
    let total_p = ptext.first().copied().unwrap_or(0);
    let total_plain = plain.first().copied().unwrap_or(0);
    // The ancestors of the largest named article-body container are never
    // boilerplate.
    let mut protected = vec![false; n];
    let mut best_body = None;
    for i in 0..n {
        if !hard[i]
            && !hidden[i]
            && dom.nodes[i].kind == Kind::Element
            && is_body_container(dom, i)
            && best_body.is_none_or(|b: usize| plain[i] > plain[b])
        {
            best_body = Some(i);
        }
    }
    if let Some(b) = best_body {
        let mut a = dom.nodes[b].parent;
        while a != NONE {
            protected[a as usize] = true;
            a = dom.nodes[a as usize].parent;
        }
    }
    let dominant = |i: usize| -> bool {
        protected[i]
            || (total_p > 200 && ptext[i] as f64 > 0.5 * total_p as f64)
            || (total_p <= 200 && total_plain > 200 && plain[i] as f64 > 0.5 * total_plain as f64)
    };
    let mut junk = vec![false; n];
    let mut in_link = vec![false; n];
    for i in 0..n {
        let node = &dom.nodes[i];
        let p = node.parent;
        let (pj, pl) = if p == NONE { (false, false) } else { (junk[p as usize], in_link[p as usize]) };
        in_link[i] = pl || node.tag == Tag::A;
        junk[i] = pj
            || hard[i]
            || (node.kind == Kind::Element
                && (soft_junk(dom, i) || (plain[i] < 400 && is_media_wrapper(dom, i)))
                && !dominant(i));
    }
    let mut chars = vec![0u32; n];
    let mut link = vec![0u32; n];
    for i in (0..n).rev() {
        if !junk[i] {
            if let Some(t) = dom.text(i) {
                let c = count_chars(t).0;
                chars[i] = chars[i].saturating_add(c);
                if in_link[i] {
                    link[i] = link[i].saturating_add(c);
                }
            }
        }
        let p = dom.nodes[i].parent;
        if p != NONE && !junk[i] {
            let p = p as usize;
            chars[p] = chars[p].saturating_add(chars[i]);
            link[p] = link[p].saturating_add(link[i]);
        }
    }
    let mut own = vec![0u32; n];
    let mut own_commas = vec![0u32; n];
    let mut has_block_child = vec![false; n];
    let mut nearest_block = vec![NONE; n];
    for i in 0..n {
        let node = &dom.nodes[i];
        let p = node.parent;
        let pb = if p == NONE { NONE } else { nearest_block[p as usize] };
        nearest_block[i] = if node.kind == Kind::Element && node.tag.is_block() {
            if p != NONE && !junk[i] {
                has_block_child[p as usize] = true;
            }
            i as u32
        } else {
            pb
        };
        if !junk[i] && node.kind == Kind::Text && pb != NONE {
            let (c, k) = count_chars(dom.text(i).unwrap_or(""));
            own[pb as usize] = own[pb as usize].saturating_add(c);
            own_commas[pb as usize] = own_commas[pb as usize].saturating_add(k);
        }
    }
    Stats { junk, chars, link, own, own_commas, has_block_child }
}

fn link_density(s: &Stats, i: usize) -> f64 {
    if s.chars[i] == 0 {
        0.0
    } else {
        s.link[i] as f64 / s.chars[i] as f64
    }
}

/// Readability's candidate scoring; returns the roots to extract from.
#[allow(clippy::needless_range_loop)] // parallel arrays indexed by node
fn readability_roots(dom: &Dom, s: &Stats) -> Vec<usize> {
    let n = dom.len();
    let mut score = vec![f64::NAN; n];
    let init = |i: usize| -> f64 {
        let base = match dom.nodes[i].tag {
            Tag::Div | Tag::Article | Tag::Main => 5.0,
            Tag::Section => 3.0,
            Tag::Pre | Tag::Td | Tag::Blockquote => 3.0,
            Tag::Address | Tag::Ol | Tag::Ul | Tag::Dl | Tag::Dd | Tag::Dt | Tag::Li | Tag::Form => -3.0,
            Tag::H1 | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 | Tag::Th => -5.0,
            _ => 0.0,
        };
        base + class_weight(dom.class_id(i))
    };
    for i in 0..n {
        if s.junk[i] || dom.nodes[i].kind != Kind::Element {
            continue;
        }
        let tag = dom.nodes[i].tag;
        // Paragraph-like elements credit their parent; other blocks with text
        // of their own hold a virtual paragraph (readability wraps such text
        // in <p>) and so credit themselves first.
        let first = match tag {
            Tag::P | Tag::Pre | Tag::Td | Tag::Blockquote | Tag::H2 | Tag::H3 | Tag::H4 | Tag::H5 | Tag::H6 => {
                dom.nodes[i].parent
            }
            Tag::Div | Tag::Section | Tag::Article | Tag::Main | Tag::Center | Tag::Other => {
                if s.has_block_child[i] {
                    i as u32
                } else {
                    dom.nodes[i].parent
                }
            }
            _ => continue,
        };
        let len = s.own[i];
        if len < 25 {
            continue;
        }
        let content = 1.0 + s.own_commas[i] as f64 + (len as f64 / 100.0).min(3.0);
        let mut anc = first;
        let mut level = 0;
        while anc != NONE && level < 5 {
            let a = anc as usize;
            if dom.nodes[a].kind != Kind::Element {
                break;
            }
            if score[a].is_nan() {
                score[a] = init(a);
            }
            let div = match level {
                0 => 1.0,
                1 => 2.0,
                l => l as f64 * 3.0,
            };
            score[a] += content / div;
            anc = dom.nodes[a].parent;
            level += 1;
        }
    }
    let mut best = NONE as usize;
    let mut best_score = f64::MIN;
    for i in 0..n {
        if score[i].is_nan() || s.junk[i] {
            continue;
        }
        let f = score[i] * (1.0 - link_density(s, i));
        score[i] = f;
        if f > best_score {
            best_score = f;
            best = i;
        }
    }
    if best == NONE as usize {
        return Vec::new();
    }
    // Siblings that look like part of the article.
    let parent = dom.nodes[best].parent;
    if parent == NONE {
        return vec![best];
    }
    let threshold = (best_score * 0.2).max(10.0);
    let best_class = dom.class_id(best).to_string();
    let mut roots = Vec::new();
    let mut c = parent as usize + 1;
    let end = dom.nodes[parent as usize].end as usize;
    while c < end {
        if c == best {
            roots.push(c);
        } else if !s.junk[c] && dom.nodes[c].kind == Kind::Element {
            let mut sc = if score[c].is_nan() { f64::MIN } else { score[c] };
            if !best_class.is_empty() && dom.class_id(c) == best_class {
                sc += best_score * 0.2;
            }
            let ok = if sc >= threshold {
                true
            } else if dom.nodes[c].tag == Tag::P {
                let len = s.chars[c];
                let ld = link_density(s, c);
                let text = dom.inner_text(c);
                (len > 80 && ld < 0.25) || (len > 0 && len <= 80 && ld == 0.0 && text.ends_with('.'))
            } else {
                false
            };
            if ok {
                roots.push(c);
            }
        }
        c = dom.nodes[c].end as usize;
    }
    roots
}

/// Article-body containers named by class/id or itemprop (outermost only).
fn body_roots(dom: &Dom, s: &Stats) -> Vec<usize> {
    let mut roots = Vec::new();
    let mut i = 0;
    let n = dom.len();
    while i < n {
        if s.junk[i] {
            i = dom.nodes[i].end as usize;
            continue;
        }
        if dom.nodes[i].kind == Kind::Element && is_body_container(dom, i) && s.chars[i] > 0 {
            roots.push(i);
            i = dom.nodes[i].end as usize;
            continue;
        }
        i += 1;
    }
    roots
}

/// Collects the text lines of the subtrees at `roots`.
pub fn gather(dom: &Dom, junk: &[bool], roots: &[usize]) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut cur = Block::default();
    let mut pending_space = false;
    let mut pending_src: Option<(u32, usize)> = None;
    for &root in roots {
        let root_end = dom.nodes[root].end as usize;
        // Ends of open block elements (with their tags) and of open links.
        let mut blocks_open: Vec<(usize, Tag)> = Vec::new();
        let mut links_open: Vec<usize> = Vec::new();
        let mut lists_open: Vec<usize> = Vec::new();
        let mut i = root;
        loop {
            while blocks_open.last().is_some_and(|&(e, _)| e <= i) {
                blocks_open.pop();
                flush(&mut blocks, &mut cur, &mut pending_space, &mut pending_src);
            }
            while links_open.last().is_some_and(|&e| e <= i) {
                links_open.pop();
            }
            while lists_open.last().is_some_and(|&e| e <= i) {
                lists_open.pop();
            }
            if i >= root_end {
                break;
            }
            let node = &dom.nodes[i];
            if junk[i] {
                if node.kind == Kind::Element && node.tag.is_block() {
                    flush(&mut blocks, &mut cur, &mut pending_space, &mut pending_src);
                }
                i = node.end as usize;
                continue;
            }
            match node.kind {
                Kind::Element => {
                    if node.tag.is_block() {
                        flush(&mut blocks, &mut cur, &mut pending_space, &mut pending_src);
                        blocks_open.push((node.end as usize, node.tag));
                    }
                    if node.tag == Tag::A {
                        links_open.push(node.end as usize);
                    }
                    if matches!(node.tag, Tag::Li | Tag::Dd | Tag::Dt) {
                        lists_open.push(node.end as usize);
                    }
                }
                Kind::Text => {
                    let t = dom.text(i).unwrap_or("");
                    let in_link = !links_open.is_empty();
                    if cur.tag.is_none() {
                        cur.tag = blocks_open.last().map(|&(_, t)| t);
                        cur.in_list = !lists_open.is_empty();
                    }
                    append(&mut cur, t, i as u32, in_link, &mut pending_space, &mut pending_src);
                }
                _ => {}
            }
            i += 1;
        }
        flush(&mut blocks, &mut cur, &mut pending_space, &mut pending_src);
    }
    blocks
}

fn flush(blocks: &mut Vec<Block>, cur: &mut Block, pending_space: &mut bool, pending_src: &mut Option<(u32, usize)>) {
    *pending_space = false;
    *pending_src = None;
    if !cur.text.is_empty() {
        blocks.push(std::mem::take(cur));
    } else {
        *cur = Block::default();
    }
}

fn append(
    cur: &mut Block,
    t: &str,
    node: u32,
    in_link: bool,
    pending_space: &mut bool,
    pending_src: &mut Option<(u32, usize)>,
) {
    let mut iter = t.char_indices().peekable();
    while let Some((off, c)) = iter.next() {
        if c.is_whitespace() {
            if !*pending_space {
                *pending_space = true;
                *pending_src = if c == ' ' { Some((node, off)) } else { None };
            }
            continue;
        }
        if *pending_space && !cur.text.is_empty() {
            if let Some((n, o)) = *pending_src {
                cur.srcs.push(Src { out: cur.text.len(), node: n, off: o, len: 1 });
            }
            cur.text.push(' ');
        }
        *pending_space = false;
        *pending_src = None;
        // The run of non-whitespace characters starting here.
        let mut end = off + c.len_utf8();
        let mut n = 1;
        while let Some(&(o2, c2)) = iter.peek() {
            if c2.is_whitespace() {
                break;
            }
            end = o2 + c2.len_utf8();
            n += 1;
            iter.next();
        }
        cur.srcs.push(Src { out: cur.text.len(), node, off, len: end - off });
        cur.text.push_str(&t[off..end]);
        cur.chars += n;
        if in_link {
            cur.link_chars += n;
        }
    }
}

/// Short lines that are page furniture, not article text.
fn is_boilerplate_line(text: &str) -> bool {
    let lower = text.trim().to_lowercase();
    let l = lower.trim_end_matches([':', '.', '!', '…', ' ']);
    if l.chars().count() > 60 {
        return false;
    }
    const EXACT: &[&str] = &[
        "advertisement",
        "advertising",
        "ad",
        "sponsored",
        "share",
        "share this",
        "share this article",
        "share on facebook",
        "share on twitter",
        "tweet",
        "email",
        "print",
        "comments",
        "read more",
        "continue reading",
        "related",
        "related articles",
        "related stories",
        "loading",
        "close",
        "menu",
        "skip to content",
        "skip to main content",
        "back to top",
        "see also",
        "more",
    ];
    if EXACT.contains(&l) {
        return true;
    }
    const PREFIX: &[&str] = &[
        "sign up for",
        "subscribe to",
        "follow us on",
        "click here to",
        "read more:",
        "related:",
        "advertisement",
        "this article was originally published",
        "we use cookies",
    ];
    PREFIX.iter().any(|p| lower.starts_with(p))
}

fn keep_block(b: &Block) -> bool {
    if b.tag == Some(Tag::H1) {
        return false;
    }
    let ld = if b.chars == 0 { 0.0 } else { b.link_chars as f64 / b.chars as f64 };
    if ld >= 0.9 {
        return false;
    }
    if ld > 0.5 && b.chars < 150 {
        return false;
    }
    if is_boilerplate_line(&b.text) {
        return false;
    }
    true
}

/// The extracted article lines, with their sources.
pub fn extract_blocks(dom: &Dom) -> Vec<Block> {
    let s = compute_stats(dom);
    let read = readability_roots(dom, &s);
    let read_chars: u32 = read.iter().map(|&r| s.chars[r]).sum();
    let body = body_roots(dom, &s);
    let body_chars: u32 = body.iter().map(|&r| s.chars[r]).sum();
    let roots = if !body.is_empty() && body_chars as f64 >= 0.5 * read_chars as f64 { body } else { read };
    let mut blocks: Vec<Block> = gather(dom, &s.junk, &roots).into_iter().filter(keep_block).collect();
    let total: usize = blocks.iter().map(|b| b.chars).sum();
    if total < 100 {
        // Fall back to the whole page's text, minus boilerplate.
        let root = vec![0usize];
        let all: Vec<Block> = gather(dom, &s.junk, &root).into_iter().filter(keep_block).collect();
        if all.iter().map(|b| b.chars).sum::<usize>() > total {
            blocks = all;
        }
    }
    blocks
}
