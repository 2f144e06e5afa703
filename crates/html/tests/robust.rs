//! Never panics, whatever the input; work stays bounded.

use proptest::prelude::*;
use std::time::{Duration, Instant};
use whosaid_html::{decode_html, extract, Article};

fn check(a: &Article, html: &str) {
    for &(t, h, len) in &a.map {
        assert!(t + len <= a.text.len() && h + len <= html.len());
        if len > 0 {
            assert_eq!(&a.text[t..t + len], &html[h..h + len]);
        }
    }
}

fn run(html: &str) {
    if let Ok(a) = extract(html) {
        check(&a, html);
    }
}

const PIECES: &[&str] = &[
    "<p>",
    "</p>",
    "<div class=\"article-body\">",
    "</div>",
    "<table>",
    "<td>",
    "<tr>",
    "</table>",
    "<a href=x>",
    "</a>",
    "<b>",
    "</b>",
    "<i>",
    "<script>",
    "</script>",
    "<style>",
    "<!--",
    "-->",
    "<title>",
    "</title>",
    "&amp;",
    "&#8217;",
    "&",
    "&#x",
    "<",
    ">",
    "\"",
    "'",
    "=",
    " ",
    "\n",
    "\r\n",
    "\0",
    "text ",
    "Word, word, word. ",
    "é",
    "💡",
    "<br>",
    "<h1>",
    "<li>",
    "<ul>",
    "</ul>",
    "<nav>",
    "<form>",
    "<select>",
    "<textarea>",
    "<plaintext>",
    "<svg><p>",
    "<math>",
    "<noscript>",
    "<meta charset=latin1>",
    "<![CDATA[",
    "]]>",
    "<?php",
    "<frameset>",
    "<template>",
    "</body>",
    "</html>",
    "<body>",
    "<html>",
    "<head>",
    "<!DOCTYPE html>",
    "<p class='comments'>",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
        let (html, _) = decode_html(&bytes);
        run(&html);
    }

    #[test]
    fn random_tag_soup(idx in proptest::collection::vec(0..PIECES.len(), 0..400)) {
        let html: String = idx.iter().map(|&i| PIECES[i]).collect();
        run(&html);
    }
}

#[test]
fn deep_nesting_needs_no_recursion() {
    let depth = 100_000;
    let mut html = String::with_capacity(depth * 12);
    for _ in 0..depth {
        html.push_str("<div><span>");
    }
    html.push_str("<p>Deep text, deep text, deep text, deep text, deep text.</p>");
    for _ in 0..depth {
        html.push_str("<h1><div>");
    }
    run(&html);
}

/// A 50 MB page (many long paragraphs in deep tag soup) is handled in bounded
/// time: the input is cut at `MAX_HTML_BYTES` and every pass is linear.
#[test]
fn fifty_megabytes() {
    let unit =
        "<div class=x><p>Some paragraph text, with commas, that repeats &amp; repeats.</p><a href=/y>link</a><b><i>";
    let html = unit.repeat(50 * 1024 * 1024 / unit.len() + 1);
    assert!(html.len() >= 50 * 1024 * 1024);
    let t0 = Instant::now();
    run(&html);
    let limit = if cfg!(debug_assertions) { 600 } else { 60 };
    assert!(t0.elapsed() < Duration::from_secs(limit), "{:?}", t0.elapsed());
}
