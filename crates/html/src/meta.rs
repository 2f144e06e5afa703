//! Page metadata: title, byline, publication date, canonical URL, site name.
//!
//! Sources, best first:
//! - title: JSON-LD `headline`, `og:title`, the first `<h1>`, `<title>` (a
//!   trailing " | Site name" is cut when it names the site);
//! - byline: JSON-LD `author`, `<meta name="author">`, `article:author` (when
//!   not a URL), `itemprop="author"`, `rel="author"`, a short element whose
//!   class names a byline or author ("By " dropped);
//! - published (YYYY-MM-DD): `article:published_time`, JSON-LD
//!   `datePublished`, other date metas (`itemprop=datePublished`, `pubdate`,
//!   `date`, `dc.date`, ...), then the first `<time datetime>`;
//! - url: `<link rel="canonical">`, `og:url`, JSON-LD `url` /
//!   `mainEntityOfPage`;
//! - site name: `og:site_name`, JSON-LD `publisher.name`,
//!   `application-name`, JSON-LD `WebSite.name`.

use serde_json::Value;
use whosaid_document::dates;

use crate::dom::{Dom, Kind, Tag};

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    pub title: Option<String>,
    pub byline: Option<String>,
    pub published: Option<String>,
    pub url: Option<String>,
    pub site_name: Option<String>,
}

/// JSON-LD blocks larger than this are not parsed.
const MAX_JSON_LD: usize = 1 << 20;

#[derive(Default)]
struct JsonLd {
    headline: Option<String>,
    authors: Vec<String>,
    published: Option<String>,
    url: Option<String>,
    publisher: Option<String>,
    website: Option<String>,
}

fn clean(s: &str) -> Option<String> {
    let mut out = String::new();
    crate::dom::push_collapsed(&mut out, s);
    let out = out.trim().to_string();
    if out.is_empty() {
        None
    } else {
        Some(out)
    }
}

fn str_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => clean(s),
        Value::Object(o) => o.get("name").and_then(str_of).or_else(|| o.get("@id").and_then(str_of)),
        Value::Array(a) => a.iter().find_map(str_of),
        _ => None,
    }
}

fn type_names(o: &serde_json::Map<String, Value>) -> Vec<String> {
    match o.get("@type") {
        Some(Value::String(s)) => vec![s.clone()],
        Some(Value::Array(a)) => a.iter().filter_map(|v| v.as_str().map(str::to_string)).collect(),
        _ => Vec::new(),
    }
}

fn is_article_type(t: &str) -> bool {
    t.ends_with("Article") || t.ends_with("Posting") || t == "Report" || t == "Review"
}

fn collect_objects<'v>(v: &'v Value, out: &mut Vec<&'v serde_json::Map<String, Value>>) {
    // Bounded: JSON-LD nesting is shallow; only top level, arrays and @graph.
    match v {
        Value::Array(a) => {
            for x in a.iter().take(256) {
                if let Value::Object(o) = x {
                    out.push(o);
                    if let Some(Value::Array(g)) = o.get("@graph") {
                        out.extend(g.iter().take(256).filter_map(Value::as_object));
                    }
                }
            }
        }
        Value::Object(o) => {
            out.push(o);
            if let Some(Value::Array(g)) = o.get("@graph") {
                out.extend(g.iter().take(256).filter_map(Value::as_object));
            }
        }
        _ => {}
    }
}

fn read_json_ld(blocks: &[&str]) -> JsonLd {
    let mut ld = JsonLd::default();
    for b in blocks {
        if b.len() > MAX_JSON_LD {
            continue;
        }
        let Ok(v) = serde_json::from_str::<Value>(b.trim()) else {
            continue;
        };
        let mut objs = Vec::new();
        collect_objects(&v, &mut objs);
        for o in objs {
            let types = type_names(o);
            if types.iter().any(|t| is_article_type(t)) {
                if ld.headline.is_none() {
                    ld.headline = o.get("headline").and_then(str_of);
                }
                if ld.authors.is_empty() {
                    match o.get("author") {
                        Some(Value::Array(a)) => {
                            ld.authors = a.iter().filter_map(str_of).collect();
                        }
                        Some(v) => ld.authors.extend(str_of(v)),
                        None => {}
                    }
                    ld.authors.retain(|a| !a.starts_with("http"));
                }
                if ld.published.is_none() {
                    ld.published = o.get("datePublished").and_then(str_of);
                }
                if ld.url.is_none() {
                    ld.url = o.get("url").and_then(str_of).or_else(|| o.get("mainEntityOfPage").and_then(str_of));
                }
                if ld.publisher.is_none() {
                    ld.publisher = o.get("publisher").and_then(str_of);
                }
            } else if types.iter().any(|t| t == "WebSite") && ld.website.is_none() {
                ld.website = o.get("name").and_then(str_of);
            }
        }
    }
    ld
}

/// `YYYY-MM-DD` from the start of a date string (`2019-11-19T10:00:00Z`,
/// `2019/11/19`, `2019.11.19`), when it is a real date.
/// See [`whosaid_document::dates::parse_loose`] for what is accepted.
pub fn normalize_date(s: &str) -> Option<String> {
    dates::parse_loose(s).map(dates::format_ymd)
}

fn clean_byline(s: &str) -> Option<String> {
    let s = clean(s)?;
    let lower = s.to_lowercase();
    let s = if lower.starts_with("by ") { s[3..].trim().to_string() } else { s };
    if s.is_empty() || s.starts_with("http") || s.chars().count() > 120 {
        None
    } else {
        Some(s)
    }
}

/// Cuts " | Site", " - Site", " — Site" from a title when it names the site.
fn strip_site(title: String, site: Option<&str>) -> String {
    let Some(site) = site else { return title };
    for sep in [" | ", " - ", " – ", " — ", " :: ", " · "] {
        if let Some(p) = title.rfind(sep) {
            let tail = title[p + sep.len()..].trim();
            if !tail.is_empty() && tail.eq_ignore_ascii_case(site.trim()) && p > 0 {
                return title[..p].trim().to_string();
            }
        }
    }
    title
}

/// Text of a small subtree (bounded work on pathological nesting).
fn small_text(dom: &Dom, i: usize) -> String {
    if dom.nodes[i].end as usize - i > 4096 {
        String::new()
    } else {
        dom.inner_text(i)
    }
}

pub fn extract_meta(dom: &Dom) -> Meta {
    let mut metas: Vec<(String, String)> = Vec::new();
    let mut canonical = None;
    let mut title_tag = None;
    let mut h1 = None;
    let mut time = None;
    let mut json_ld: Vec<&str> = Vec::new();
    let mut itemprop_author = None;
    let mut itemprop_date = None;
    let mut rel_author = None;
    let mut class_byline = None;
    for i in 0..dom.len() {
        if dom.nodes[i].kind != Kind::Element {
            continue;
        }
        let Some(e) = dom.elem(i) else { continue };
        match dom.nodes[i].tag {
            Tag::Meta => {
                let key = e.attr("property").or_else(|| e.attr("name")).or_else(|| e.attr("itemprop"));
                if let (Some(k), Some(v)) = (key, e.attr("content")) {
                    metas.push((k.to_ascii_lowercase(), v.to_string()));
                }
            }
            Tag::Link => {
                let rel = e.attr("rel").unwrap_or("").to_ascii_lowercase();
                if canonical.is_none() && rel.split_whitespace().any(|r| r == "canonical") {
                    canonical = e.attr("href").and_then(clean);
                }
            }
            Tag::Title if title_tag.is_none() => title_tag = clean(&small_text(dom, i)),
            Tag::H1 if h1.is_none() => h1 = clean(&small_text(dom, i)),
            Tag::Time if time.is_none() => time = e.attr("datetime").and_then(normalize_date),
            Tag::Script if e.attr("type").is_some_and(|t| t.contains("ld+json")) => {
                for j in i + 1..dom.nodes[i].end as usize {
                    if let Some(t) = dom.text(j) {
                        json_ld.push(t);
                    }
                }
            }
            _ => {}
        }
        if let Some(ip) = e.attr("itemprop") {
            if itemprop_author.is_none() && ip.eq_ignore_ascii_case("author") {
                itemprop_author =
                    e.attr("content").and_then(clean_byline).or_else(|| clean_byline(&small_text(dom, i)));
            }
            if itemprop_date.is_none() && ip.eq_ignore_ascii_case("datePublished") {
                itemprop_date = e
                    .attr("content")
                    .or_else(|| e.attr("datetime"))
                    .and_then(normalize_date)
                    .or_else(|| normalize_date(&small_text(dom, i)));
            }
        }
        if rel_author.is_none()
            && dom.nodes[i].tag == Tag::A
            && e.attr("rel").is_some_and(|r| r.eq_ignore_ascii_case("author"))
        {
            rel_author = clean_byline(&small_text(dom, i));
        }
        if class_byline.is_none()
            && !matches!(dom.nodes[i].tag, Tag::Meta | Tag::Link | Tag::Script | Tag::Body | Tag::Html)
            && e.class_id
                .split_whitespace()
                .any(|t| t.split(['-', '_']).any(|p| matches!(p, "byline" | "author" | "authors")))
            && (dom.nodes[i].end as usize - i) < 64
        {
            class_byline = clean_byline(&small_text(dom, i));
        }
    }
    let meta = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .find_map(|k| metas.iter().find(|(mk, v)| mk == k && !v.trim().is_empty()).and_then(|(_, v)| clean(v)))
    };
    let ld = read_json_ld(&json_ld);

    let site_name = meta(&["og:site_name"])
        .or_else(|| ld.publisher.clone())
        .or_else(|| meta(&["application-name"]))
        .or_else(|| ld.website.clone());
    let title = ld
        .headline
        .clone()
        .or_else(|| meta(&["og:title", "twitter:title"]))
        .or(h1)
        .or(title_tag)
        .map(|t| strip_site(t, site_name.as_deref()));
    let byline = if !ld.authors.is_empty() { Some(ld.authors.join(", ")) } else { None }
        .or_else(|| meta(&["author", "article:author", "byl", "dc.creator"]).and_then(|a| clean_byline(&a)))
        .or(itemprop_author)
        .or(rel_author)
        .or(class_byline);
    let published = meta(&["article:published_time"])
        .and_then(|d| normalize_date(&d))
        .or_else(|| ld.published.as_deref().and_then(normalize_date))
        .or_else(|| {
            meta(&[
                "datepublished",
                "og:published_time",
                "pubdate",
                "publishdate",
                "publish-date",
                "date",
                "dc.date",
                "dc.date.issued",
                "dcterms.date",
                "sailthru.date",
                "parsely-pub-date",
                "article.published",
            ])
            .and_then(|d| normalize_date(&d))
        })
        .or(itemprop_date)
        .or(time);
    let url = canonical.or_else(|| meta(&["og:url"])).or_else(|| ld.url.clone());
    Meta { title, byline, published, url, site_name }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_normalise() {
        assert_eq!(normalize_date("2019-11-19T10:00:00Z").as_deref(), Some("2019-11-19"));
        assert_eq!(normalize_date("2019/01/02").as_deref(), Some("2019-01-02"));
        assert_eq!(normalize_date("20191119").as_deref(), Some("2019-11-19"));
        assert_eq!(normalize_date("2019-02-30"), None);
        assert_eq!(normalize_date("Nov 19, 2019"), None);
        assert_eq!(normalize_date(""), None);
    }

    #[test]
    fn site_suffix_is_cut() {
        assert_eq!(strip_site("Big news | The Daily".into(), Some("The Daily")), "Big news");
        assert_eq!(strip_site("Left - right".into(), Some("The Daily")), "Left - right");
    }
}
