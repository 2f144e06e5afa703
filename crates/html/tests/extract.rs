//! Extraction on small hand-written pages (tests/fixtures).

use whosaid_html::{decode_html, extract, Article};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every map piece is verbatim (or a zero-length reference mark), pieces are
/// sorted and inside both strings.
pub fn check_map(article: &Article, html: &str) {
    let mut last = 0;
    for &(t, h, len) in &article.map {
        assert!(t >= last, "map not sorted at {t}");
        last = t;
        assert!(t + len <= article.text.len() && h + len <= html.len());
        if len > 0 {
            assert_eq!(&article.text[t..t + len], &html[h..h + len]);
        } else {
            assert_eq!(html.as_bytes()[h], b'&', "zero-length piece not on a reference");
        }
    }
}

#[test]
fn news_page_keeps_body_drops_junk() {
    let (html, lossy) = decode_html(&fixture("news.html"));
    assert!(!lossy);
    let a = extract(&html).unwrap();
    let text = &a.text;
    // The body, paragraph by paragraph, entities decoded.
    assert!(text.starts_with("The city council voted on Tuesday"), "{text}");
    assert!(text.contains("“This bridge will connect two neighbourhoods"));
    assert!(text.contains("Costs and timetable"));
    assert!(text.contains("Construction is expected to start next spring"));
    assert!(text.contains("against the design & its price."));
    assert_eq!(text.lines().count(), 5, "{text}");
    // Not the title, and none of the furniture.
    for junk in [
        "Council approves",
        "cookies",
        "Accept all",
        "Sport",
        "Advertisement",
        "cheap flights",
        "Share on",
        "Related stories",
        "Ferry service",
        "12 comments",
        "waste of money",
        "Most read",
        "newsletter",
        "All rights reserved",
        "dataLayer",
        "Photo: Gazette",
    ] {
        assert!(!text.contains(junk), "{junk:?} kept in:\n{text}");
    }
    assert_eq!(a.title.as_deref(), Some("Council approves river bridge plan"));
    assert_eq!(a.byline.as_deref(), Some("Maria Okafor"));
    assert_eq!(a.published.as_deref(), Some("2024-03-05"));
    assert_eq!(a.url.as_deref(), Some("https://gazette.example/news/river-bridge"));
    assert_eq!(a.site_name.as_deref(), Some("The Harbour Gazette"));
    check_map(&a, &html);
    // The first paragraph maps back verbatim.
    let (t, h, len) = a.map[0];
    assert_eq!(t, 0);
    assert!(html[h..].starts_with("The city council voted"));
    assert!(len >= "The city council voted on Tuesday".len());
    // The decoded “ maps to the start of its reference.
    let q = text.find('“').unwrap();
    assert!(html[a.to_html(q)..].starts_with("&ldquo;"));
}

#[test]
fn latin1_page_is_decoded() {
    let bytes = fixture("latin1.html");
    assert!(std::str::from_utf8(&bytes).is_err());
    let (html, lossy) = decode_html(&bytes);
    assert!(!lossy);
    let a = extract(&html).unwrap();
    assert!(a.text.starts_with("O café da praça central reabriu na terça-feira"), "{}", a.text);
    assert!(a.text.contains("«É uma alegria voltar»"));
    assert!(!a.text.contains("Notícias"));
    assert_eq!(a.title.as_deref(), Some("Café na praça"));
    check_map(&a, &html);
}

#[test]
fn broken_page_still_yields_text() {
    let (html, _) = decode_html(&fixture("broken.html"));
    let a = extract(&html).unwrap();
    assert!(a.text.contains("The first paragraph of a page whose markup is broken"));
    assert!(a.text.contains("bold and italic overlapping tags"));
    assert!(a.text.contains("an entity & so on"));
    assert!(a.text.contains("A third paragraph inside an unclosed span"));
    assert!(a.text.contains("truncated docu"));
    assert_eq!(a.title.as_deref(), Some("Broken page"));
    check_map(&a, &html);
    // Cut anywhere, it never fails other than with an error value.
    for cut in (0..html.len()).filter(|&c| html.is_char_boundary(c)) {
        if let Ok(a) = extract(&html[..cut]) {
            check_map(&a, &html[..cut]);
        }
    }
}

#[test]
fn map_covers_plain_paragraphs_whole() {
    let html = "<html><body><article><p>One plain paragraph with enough words to be an article body here.</p>\
                <p>Another plain paragraph, also long enough to be kept by the extractor.</p></article></body></html>";
    let a = extract(html).unwrap();
    assert_eq!(
        a.text,
        "One plain paragraph with enough words to be an article body here.\n\
         Another plain paragraph, also long enough to be kept by the extractor."
    );
    check_map(&a, html);
    let covered: usize = a.map.iter().map(|p| p.2).sum();
    assert_eq!(covered, a.text.len() - 1, "all but the newline is verbatim");
}
