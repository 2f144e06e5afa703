//! The store against real SQLite files in a temporary directory: idempotent
//! re-ingest, cross-document actors, filters that combine (checked against a
//! brute-force oracle over the same documents), read-only access.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use whosaid::Pipeline;
use whosaid_document::output::JsonDocument;
use whosaid_document::{MentionKind, Meta};
use whosaid_lexicon::Lexicon;
use whosaid_store::{normalise_name, url_site, ActorsQuery, Outcome, Scope, SearchQuery, Sort, Store};

use whosaid_testkit::TempDir;

/// The seed and every fixture article through the real pipeline.
fn analysed() -> Vec<JsonDocument> {
    let pipeline = Pipeline::new(Lexicon::builtin());
    whosaid_testkit::seed_and_articles()
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            let meta = Meta { published: chrono::NaiveDate::from_ymd_opt(2025, 4, 23), ..Meta::default() };
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            JsonDocument::from_document(&pipeline.extract(&text, &name, meta))
        })
        .collect()
}

const OUTLETS: &[(Option<&str>, Option<&str>)] = &[
    (Some("RT"), Some("https://www.rt.com/news/1")),
    (Some("BBC News"), Some("https://www.bbc.co.uk/news/2")),
    (None, Some("https://rt.com/russia/3")),
    (Some("The Guardian"), None),
    (None, None),
];
const DATES: &[Option<&str>] = &[Some("2025-03-30"), Some("2025-04-01"), Some("2025-04-23"), Some("2025-05-02"), None];

/// A corpus of distinct documents with varied outlets and dates.
fn corpus(n: usize) -> Vec<JsonDocument> {
    let base = analysed();
    (0..n)
        .map(|i| {
            let mut d = base[i % base.len()].clone();
            d.meta.id = Some(format!("doc-{i}"));
            let (outlet, url) = OUTLETS[i % OUTLETS.len()];
            d.meta.outlet = outlet.map(str::to_string);
            d.meta.url = url.map(|u| format!("{u}/{i}"));
            d.meta.published = DATES[(i / 2) % DATES.len()].map(str::to_string);
            d.text.push_str(&format!("\n[copy {i}]"));
            d
        })
        .collect()
}

fn put_all(store: &mut Store, docs: &[JsonDocument], batch: usize) -> Vec<Outcome> {
    let mut w = store.writer(batch);
    let out = docs.iter().map(|d| w.put(d).unwrap().0).collect();
    w.finish().unwrap();
    out
}

#[test]
fn ingest_twice_is_idempotent_and_updates_in_place() {
    let tmp = TempDir::new("store-idempotent");
    let docs = corpus(12);
    let statements: usize = docs.iter().map(|d| d.statements.len()).sum();
    assert!(statements > 20, "the corpus has statements");
    {
        let mut store = Store::open(&tmp.path("news.db")).unwrap();
        assert!(put_all(&mut store, &docs, 5).iter().all(|o| *o == Outcome::Inserted));
    }
    let first = Store::open(&tmp.path("news.db")).unwrap().counts().unwrap();
    assert_eq!(first.0, 12);
    assert_eq!(first.1 as usize, statements);
    // Same documents again (fresh process-like open): nothing changes.
    let mut store = Store::open(&tmp.path("news.db")).unwrap();
    assert!(put_all(&mut store, &docs, 5).iter().all(|o| *o == Outcome::Unchanged));
    assert_eq!(store.counts().unwrap(), first);
    // Same id, new metadata: updated in place, same row id.
    let before = store.find_document("doc-3").unwrap().unwrap();
    let mut changed = docs[3].clone();
    changed.meta.title = Some("A new title".into());
    assert_eq!(put_all(&mut store, &[changed], 5), vec![Outcome::Updated]);
    assert_eq!(store.find_document("doc-3").unwrap(), Some(before));
    assert_eq!(store.counts().unwrap(), first);
    // Same content under another id (another path, a copy): stored as its own
    // document, linked to the first as a duplicate; neither id vanishes.
    let mut copy = docs[4].clone();
    copy.meta.id = Some("doc-4-again".into());
    let row = store.find_document("doc-4").unwrap().unwrap();
    assert_eq!(put_all(&mut store, &[copy], 5), vec![Outcome::Inserted]);
    assert_eq!(store.find_document("doc-4").unwrap(), Some(row));
    let again = store.find_document("doc-4-again").unwrap().unwrap();
    assert_ne!(again, row);
    assert_eq!(store.load_json(again).unwrap().unwrap().duplicate_of.as_deref(), Some("doc-4"));
    assert_eq!(store.counts().unwrap().0, first.0 + 1);
    assert_eq!(store.check().unwrap(), Vec::<String>::new());
    // A repeated id with different content in one run: the first is kept.
    let mut w = store.writer(5);
    let mut a = docs[5].clone();
    a.meta.id = Some("twice".into());
    let mut b = docs[6].clone();
    b.meta.id = Some("twice".into());
    assert_eq!(w.put(&a).unwrap().0, Outcome::Inserted);
    assert_eq!(w.put(&b).unwrap().0, Outcome::Conflict);
    w.finish().unwrap();
    let twice = store.find_document("twice").unwrap().unwrap();
    assert_eq!(store.load_json(twice).unwrap().unwrap().text, docs[5].text);
    // The full-text index follows updates: the new title is found, nothing twice.
    let hits = store
        .search(&SearchQuery {
            text: Some("new title".into()),
            scope: Scope::Articles,
            limit: 100,
            ..Default::default()
        })
        .unwrap();
    assert_eq!(hits.total as usize, docs[3].statements.len());
    assert!(hits.results.iter().all(|h| h.doc == "doc-3"));
}

#[test]
fn stored_json_round_trips() {
    let tmp = TempDir::new("store-roundtrip");
    let docs = corpus(3);
    let mut store = Store::open(&tmp.path("news.db")).unwrap();
    put_all(&mut store, &docs, 10);
    for d in &docs {
        let id = store.find_document(d.meta.id.as_deref().unwrap()).unwrap().unwrap();
        assert_eq!(store.load_json(id).unwrap().as_ref(), Some(d));
        let view = store.document_view(id).unwrap().unwrap();
        assert_eq!(view.statements, d.statements);
        assert_eq!(view.text, d.text);
        assert_eq!(view.entities.len(), d.entities.len());
    }
}

#[test]
fn actors_link_across_documents_conservatively() {
    let tmp = TempDir::new("store-actors");
    let docs = corpus(analysed().len() * 2 + 1);
    let mut store = Store::open(&tmp.path("news.db")).unwrap();
    put_all(&mut store, &docs, 3);
    let rubio = store.actors(&ActorsQuery { name: Some("Rubio".into()), limit: 10, ..Default::default() }).unwrap();
    assert_eq!(rubio.len(), 1, "one Marco Rubio across documents: {rubio:?}");
    let seed_copies = docs.iter().filter(|d| d.source.starts_with("000_")).count();
    assert!(seed_copies >= 2);
    // Expected: every statement whose speaker resolves to the person Marco Rubio.
    let mut want_docs = HashSet::new();
    let mut want = 0;
    for d in &docs {
        for s in &d.statements {
            let e = s.speaker.as_ref().and_then(|a| a.entity).map(|e| &d.entities[e]);
            if e.is_some_and(|e| normalise_name(&e.name) == "marco rubio" && e.etype == "person") {
                want += 1;
                want_docs.insert(d.meta.id.clone());
            }
        }
    }
    assert_eq!(rubio[0].name, "Marco Rubio");
    assert_eq!(rubio[0].etype, "person");
    assert!(want_docs.len() >= seed_copies);
    assert_eq!(rubio[0].documents as usize, want_docs.len());
    assert_eq!(rubio[0].statements as usize, want);
    // The actor's profile counts what search finds for it.
    let profile = store.actor_profile(rubio[0].id, 500, 0).unwrap().unwrap();
    assert_eq!(profile.statements, rubio[0].statements);
    assert_eq!(profile.page.total, rubio[0].statements);
    assert!(profile.aliases.iter().any(|a| a == "Rubio"), "{:?}", profile.aliases);
    // Unnamed entities (pronoun, title or nominal only) are not actors.
    let all = store.actors(&ActorsQuery { limit: 1000, ..Default::default() }).unwrap();
    assert!(all.iter().all(|a| a.name != "he" && a.name != "she"));
    // Top speakers are sorted by count.
    assert!(all.windows(2).all(|w| w[0].statements >= w[1].statements));
}

/// Brute force over the documents: which (doc key, statement index) pairs a
/// query should return.
fn oracle(docs: &[JsonDocument], q: &SearchQuery) -> BTreeSet<(String, usize)> {
    // Aliases per actor key, as the store links them.
    let mut aliases: HashMap<(String, String), HashSet<String>> = HashMap::new();
    for d in docs {
        for e in &d.entities {
            if e.metonym_of.is_some()
                || e.mentions.iter().any(|m| m.kind == MentionKind::Name || m.kind == MentionKind::Group)
            {
                let set = aliases.entry((normalise_name(&e.name), e.etype.clone())).or_default();
                set.insert(e.name.to_lowercase());
                set.extend(e.mentions.iter().filter(|m| m.kind == MentionKind::Name).map(|m| m.text.to_lowercase()));
            }
        }
    }
    let tokens = |s: &str| -> HashSet<String> {
        s.split(|c: char| !c.is_alphanumeric()).filter(|t| !t.is_empty()).map(str::to_lowercase).collect()
    };
    let mut out = BTreeSet::new();
    for d in docs {
        let site = d.meta.url.as_deref().and_then(url_site);
        let outlet = d.meta.outlet.clone().or(site.clone());
        let published = d.meta.published.clone();
        for (i, s) in d.statements.iter().enumerate() {
            if let Some(t) = &q.text {
                let have = tokens(&s.content.text);
                if !t.split_whitespace().all(|w| have.contains(&w.to_lowercase())) {
                    continue;
                }
            }
            if let Some(sp) = &q.speaker {
                let sp = sp.to_lowercase();
                let Some(a) = &s.speaker else { continue };
                let name = a.name.clone().unwrap_or(a.text.clone()).to_lowercase();
                let linked = a.entity.map(|e| &d.entities[e]).and_then(|e| {
                    aliases.get(&(normalise_name(&e.name), e.etype.clone())).filter(|_| {
                        e.metonym_of.is_some()
                            || e.mentions.iter().any(|m| m.kind == MentionKind::Name || m.kind == MentionKind::Group)
                    })
                });
                let hit = name.contains(&sp)
                    || a.text.to_lowercase().contains(&sp)
                    || linked.is_some_and(|set| set.iter().any(|al| al.contains(&sp)));
                if !hit {
                    continue;
                }
            }
            if let Some(o) = &q.outlet {
                let by_name = outlet.as_deref().is_some_and(|x| x.eq_ignore_ascii_case(o));
                let by_site = site.as_deref() == Some(o.to_lowercase().as_str());
                if !by_name && !by_site {
                    continue;
                }
            }
            if let Some(since) = &q.since {
                if published.as_deref().is_none_or(|p| p < since.as_str()) {
                    continue;
                }
            }
            if let Some(until) = &q.until {
                if published.as_deref().is_none_or(|p| &p[..until.len().min(p.len())] > until.as_str()) {
                    continue;
                }
            }
            if !q.kinds.is_empty() && !q.kinds.contains(&s.kind) {
                continue;
            }
            out.insert((d.meta.id.clone().unwrap(), i));
        }
    }
    out
}

#[test]
fn search_filters_combine_correctly() {
    let tmp = TempDir::new("store-filters");
    let docs = corpus(40);
    let mut store = Store::open(&tmp.path("news.db")).unwrap();
    put_all(&mut store, &docs, 7);
    drop(store);
    let store = Store::open_read_only(&tmp.path("news.db")).unwrap();
    let texts = [None, Some("ceasefire"), Some("war"), Some("Russia said")];
    let speakers = [None, Some("Rubio"), Some("putin"), Some("Secretary of State")];
    let outlets = [None, Some("rt.com"), Some("bbc news"), Some("The Guardian")];
    let ranges =
        [(None, None), (Some("2025-04-01"), None), (None, Some("2025-04")), (Some("2025-04-01"), Some("2025-04-23"))];
    let kinds: [&[&str]; 3] = [&[], &["direct"], &["indirect", "mixed"]];
    let mut checked = 0;
    let mut nonempty = 0;
    for text in texts {
        for speaker in speakers {
            for outlet in outlets {
                for (since, until) in ranges {
                    for k in kinds {
                        let q = SearchQuery {
                            text: text.map(str::to_string),
                            speaker: speaker.map(str::to_string),
                            outlet: outlet.map(str::to_string),
                            since: since.map(str::to_string),
                            until: until.map(str::to_string),
                            kinds: k.iter().map(|s| s.to_string()).collect(),
                            sort: Sort::Newest,
                            limit: 10_000,
                            ..Default::default()
                        };
                        let want = oracle(&docs, &q);
                        let got = store.search(&q).unwrap();
                        let have: BTreeSet<(String, usize)> =
                            got.results.iter().map(|h| (h.doc.clone(), h.idx as usize)).collect();
                        assert_eq!(have, want, "{q:?}");
                        assert_eq!(got.total as usize, want.len(), "{q:?}");
                        // Every hit satisfies its filters on its own face, too.
                        for h in &got.results {
                            if let Some(s) = since {
                                assert!(h.date.as_deref().unwrap() >= s);
                            }
                            if !k.is_empty() {
                                assert!(k.contains(&h.kind.as_str()));
                            }
                        }
                        checked += 1;
                        nonempty += usize::from(!want.is_empty());
                    }
                }
            }
        }
    }
    assert_eq!(checked, 4 * 4 * 4 * 4 * 3);
    assert!(nonempty > 100, "the oracle is not trivially empty ({nonempty} non-empty)");
}

#[test]
fn search_orders_and_pages() {
    let tmp = TempDir::new("store-paging");
    let docs = corpus(20);
    let mut store = Store::open(&tmp.path("news.db")).unwrap();
    put_all(&mut store, &docs, 4);
    let all = store.search(&SearchQuery { sort: Sort::Newest, limit: 10_000, ..Default::default() }).unwrap();
    assert!(all.results.windows(2).all(|w| w[0].date >= w[1].date));
    let mut paged = Vec::new();
    for page in 0.. {
        let r = store
            .search(&SearchQuery { sort: Sort::Newest, limit: 7, offset: page * 7, ..Default::default() })
            .unwrap();
        if r.results.is_empty() {
            break;
        }
        assert_eq!(r.total, all.total);
        paged.extend(r.results);
    }
    assert_eq!(paged, all.results);
    let ranked = store
        .search(&SearchQuery { text: Some("ceasefire OR war".into()), limit: 10_000, ..Default::default() })
        .unwrap();
    assert!(ranked.total > 0);
}

#[test]
fn bad_filters_are_refused_with_their_name() {
    let tmp = TempDir::new("store-invalid");
    let mut store = Store::open(&tmp.path("news.db")).unwrap();
    put_all(&mut store, &corpus(2), 4);
    let bad = |q: SearchQuery| store.search(&q).unwrap_err().to_string();
    assert!(bad(SearchQuery { since: Some("yesterday".into()), ..Default::default() }).starts_with("since"));
    assert!(bad(SearchQuery { kinds: vec!["shouted".into()], ..Default::default() }).starts_with("kind"));
    assert!(bad(SearchQuery { text: Some("– ** ".into()), ..Default::default() }).contains("no searchable words"));
    assert!(bad(SearchQuery { text: Some("x".repeat(600)), ..Default::default() }).starts_with("q"));
    // FTS syntax in user text is plain text, not an error.
    for q in ["NEAR(a b)", "a:b", "\"unbalanced", "col:war", "^start", "(war", "war)"] {
        store.search(&SearchQuery { text: Some(q.into()), limit: 5, ..Default::default() }).unwrap();
    }
}

#[test]
fn read_only_connections_cannot_write_and_schema_is_versioned() {
    let tmp = TempDir::new("store-readonly");
    {
        let mut store = Store::open(&tmp.path("news.db")).unwrap();
        put_all(&mut store, &corpus(1), 4);
        assert_eq!(store.schema_version().unwrap(), whosaid_store::SCHEMA_VERSION);
    }
    let ro = Store::open_read_only(&tmp.path("news.db")).unwrap();
    let before = ro.counts().unwrap();
    drop(ro);
    let mut ro = Store::open_read_only(&tmp.path("news.db")).unwrap();
    let mut w = ro.writer(1);
    assert!(w.put(&corpus(2)[1]).is_err(), "a read-only store refuses writes");
    drop(w);
    assert_eq!(ro.counts().unwrap(), before);
    assert!(Store::open_read_only(&tmp.0.join("missing.db")).is_err());
    // A database from a newer whosaid is refused, not damaged.
    let conn = rusqlite::Connection::open(tmp.path("news.db")).unwrap();
    conn.execute_batch(&format!("PRAGMA user_version = {}", whosaid_store::SCHEMA_VERSION + 1)).unwrap();
    drop(conn);
    let e = Store::open(&tmp.path("news.db")).err().expect("newer schema refused").to_string();
    assert!(e.contains("newer"), "{e}");
    assert!(Store::open_read_only(&tmp.path("news.db")).is_err());
}

/// The multi-outlet corpus (tests/fixtures/outlets) through the pipeline.
fn outlet_corpus() -> Vec<JsonDocument> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/outlets");
    let pipeline = Pipeline::new(Lexicon::builtin());
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().to_string();
            let meta = Meta { id: Some(name.clone()), ..Meta::default() };
            JsonDocument::from_document(&pipeline.extract(&std::fs::read_to_string(p).unwrap(), &name, meta))
        })
        .collect()
}

/// Person actors whose name or an alias contains `needle`.
fn people(store: &Store, needle: &str) -> Vec<whosaid_store::ActorSummary> {
    store
        .actors(&ActorsQuery {
            name: Some(needle.into()),
            etype: Some("person".into()),
            limit: 50,
            ..Default::default()
        })
        .unwrap()
}

#[test]
fn multi_outlet_corpus_links_one_actor_per_person() {
    let tmp = TempDir::new("store-outlets");
    let docs = outlet_corpus();
    let mut store = Store::open(&tmp.path("news.db")).unwrap();
    put_all(&mut store, &docs, 2);
    // Every spelling is one actor, found under each of them.
    for (spellings, docs_with) in [
        (&["Zelensky", "Zelenskyy", "Zelenskiy", "Vladimir"][..], 4),
        (&["Sybiha", "Sibiga"][..], 3),
        (&["Klymenko", "Klimenko", "Igor"][..], 3),
        (&["Hoyle"][..], 2),
    ] {
        let mut ids = BTreeSet::new();
        for s in spellings {
            let found = people(&store, s);
            assert_eq!(found.len(), 1, "{s}: {found:?}");
            ids.insert(found[0].id);
        }
        assert_eq!(ids.len(), 1, "{spellings:?} are one actor");
        let a = &people(&store, spellings[0])[0];
        assert_eq!(a.documents, docs_with, "{a:?}");
    }
    // "Trump" alone (06) joins the only full-name Trump in the corpus (05).
    let trump = people(&store, "Trump");
    assert_eq!(trump.len(), 1, "{trump:?}");
    assert_eq!(trump[0].name, "Donald Trump");
    assert_eq!(trump[0].documents, 2);
    // Two people with one surname stay apart.
    let clintons = people(&store, "Clinton");
    let names: BTreeSet<&str> = clintons.iter().map(|a| a.name.as_str()).collect();
    assert!(names.contains("Bill Clinton") && names.contains("Hillary Clinton"), "{names:?}");
    assert_ne!(people(&store, "Bill")[0].id, people(&store, "Hillary")[0].id);
    // The evidence of each link is kept.
    let links = store.actor_links().unwrap();
    assert!(links.iter().any(|l| l.0 == "trump" && l.3 == "surname"), "{links:?}");
    assert!(links.iter().any(|l| l.0 == "vladimir zelensky" && l.3 == "spelling"), "{links:?}");
    // The display name is the most frequent spelling, national romanisation on a tie.
    assert!(people(&store, "Zelensk")[0].name.starts_with("Volodymyr Zelensk"), "{links:?}");

    // The actor page lists every spelling with the articles it came from.
    let z = &people(&store, "Zelensk")[0];
    let profile = store.actor_profile(z.id, 10, 0).unwrap().unwrap();
    let spelled: BTreeSet<&str> = profile.variants.iter().map(|v| v.name.as_str()).collect();
    assert!(spelled.contains("Vladimir Zelensky") && spelled.contains("Volodymyr Zelenskyy"), "{spelled:?}");
    let moscow = profile.variants.iter().find(|v| v.name == "Vladimir Zelensky").unwrap();
    assert_eq!(moscow.documents.len(), 1);
    assert!(moscow.documents[0].title.contains("02_moscow_wire"), "{moscow:?}");

    // A user split is respected by every later re-link, re-ingest included...
    store.correct_actors("split", "Vladimir Zelensky", "Volodymyr Zelensky").unwrap();
    put_all(&mut store, &docs, 2);
    assert_eq!(people(&store, "Zelensk").len(), 2, "{:?}", people(&store, "Zelensk"));
    // ...and a merge joins what the rules keep apart; it undoes the split.
    store.correct_actors("merge", "Vladimir Zelensky", "Volodymyr Zelensky").unwrap();
    assert_eq!(people(&store, "Zelensk").len(), 1);
    store.correct_actors("merge", "Clinton", "Hillary Clinton").unwrap();
    let hillary = &people(&store, "Hillary")[0];
    assert_eq!(people(&store, "Clinton").iter().filter(|a| a.id == hillary.id).count(), 1);
}
