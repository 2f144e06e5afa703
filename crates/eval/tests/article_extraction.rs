//! The article-extraction benchmark, read from ../shared (never copied into
//! the repository). Skipped, with a message, when the data is not there.

use std::path::PathBuf;

use whosaid_eval::article_extraction as bench;

fn data_dir() -> PathBuf {
    match std::env::var_os("WHOSAID_HTML_BENCH") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..").join(bench::DEFAULT_DIR),
    }
}

#[test]
fn benchmark_f1_and_map() {
    let dir = data_dir();
    if whosaid_document::shared_data::skip_missing(
        "benchmark_f1_and_map (set WHOSAID_HTML_BENCH)",
        &dir.join("ground-truth.json"),
    ) {
        return;
    }
    let pages = bench::load(&dir).expect("benchmark loads");
    assert_eq!(pages.len(), 181);
    let mut mapped = 0usize;
    let mut total = 0usize;
    let report = bench::run(&pages, |p| {
        let a = whosaid_html::extract(&p.html).ok()?;
        let mut last = 0;
        for &(t, h, len) in &a.map {
            assert!(t >= last, "{}: map not sorted", p.id);
            last = t;
            if len > 0 {
                assert_eq!(&a.text[t..t + len], &p.html[h..h + len], "{}", p.id);
            }
            mapped += len;
        }
        total += a.text.len() - a.text.matches('\n').count();
        Some(a.text)
    });
    let t = report.totals;
    eprintln!(
        "benchmark: F1 {:.4} P {:.4} R {:.4} accuracy {:.4}; {:.1}% of text bytes mapped verbatim",
        t.f1,
        t.precision,
        t.recall,
        t.accuracy,
        100.0 * mapped as f64 / total.max(1) as f64
    );
    assert!(t.f1 >= 0.96, "F1 {:.4} below the 0.96 goal", t.f1);
    assert!(mapped as f64 >= 0.95 * total as f64, "map covers too little");
}

#[test]
fn missing_data_dir_is_named() {
    let err = bench::load(std::path::Path::new("/nonexistent/bench")).unwrap_err();
    assert!(err.to_string().contains("/nonexistent/bench"), "{err}");
}
