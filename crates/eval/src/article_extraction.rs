//! The article-extraction benchmark: loading its pages and ground truth,
//! running an extractor over them, and the published results to compare with.
//!
//! The data is never copied into the repository: it is read from the folder
//! given (by default `../shared/data/article-extraction`).

use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub mod score;

use score::{aggregate, score_page, PageScore, Totals};

/// Default location of the benchmark, relative to the project root.
pub const DEFAULT_DIR: &str = "../shared/data/article-extraction";

/// Published results on the 181 pages (benchmark README, latest run):
/// (extractor, F1, precision, recall, accuracy).
pub const PUBLISHED: &[(&str, f64, f64, f64, f64)] = &[
    ("rs_trafilatura (Rust)", 0.970, 0.951, 0.990, 0.287),
    ("go_trafilatura", 0.960, 0.940, 0.980, 0.287),
    ("trafilatura 2.0.0 (Python)", 0.958, 0.938, 0.978, 0.293),
    ("Readability.js 0.6.0", 0.947, 0.914, 0.982, 0.166),
    ("newspaper4k 0.9.3.1", 0.949, 0.964, 0.934, 0.326),
    ("readable_readability 0.4.0 (Rust)", 0.884, 0.886, 0.881, 0.177),
    ("readability_rs 0.3.0 (Rust)", 0.873, 0.906, 0.843, 0.227),
    ("dom_smoothie 0.14.0 (Rust)", 0.865, 0.785, 0.963, 0.055),
    ("llm_readability 0.0.13 (Rust)", 0.829, 0.851, 0.809, 0.077),
    ("html-text (whole page text, baseline)", 0.665, 0.500, 0.994, 0.000),
];

/// One benchmark page.
#[derive(Clone, Debug)]
pub struct Page {
    /// The benchmark's page id (names it in the per-page scores).
    pub id: String,
    /// The page's original URL.
    pub url: String,
    /// The HTML, decoded (see [`whosaid_html::decode_html`]).
    pub html: String,
    /// The ground-truth article body.
    pub truth: String,
}

/// Why the benchmark could not be loaded.
#[derive(Debug)]
pub struct BenchError {
    /// The file or folder that failed to load.
    pub path: PathBuf,
    /// Why.
    pub reason: BenchReason,
}

/// What is wrong with a benchmark file.
#[derive(Debug)]
pub enum BenchReason {
    /// The benchmark folder does not exist.
    NoFolder,
    /// A file cannot be read.
    Read(std::io::Error),
    /// `ground-truth.json` is not JSON.
    BadJson(serde_json::Error),
    /// A page is not valid gzip.
    BadGzip(std::io::Error),
}

impl fmt::Display for BenchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path.display())?;
        match &self.reason {
            BenchReason::NoFolder => {
                f.write_str("benchmark folder not found (expected html/<id>.html.gz and ground-truth.json)")
            }
            BenchReason::Read(e) => write!(f, "{e}"),
            BenchReason::BadJson(e) => write!(f, "bad JSON: {e}"),
            BenchReason::BadGzip(e) => write!(f, "bad gzip: {e}"),
        }
    }
}

impl std::error::Error for BenchError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.reason {
            BenchReason::NoFolder => None,
            BenchReason::Read(e) | BenchReason::BadGzip(e) => Some(e),
            BenchReason::BadJson(e) => Some(e),
        }
    }
}

fn err(path: &Path, reason: BenchReason) -> BenchError {
    BenchError { path: path.to_path_buf(), reason }
}

/// Loads every page of the benchmark in `dir` (`html/<id>.html.gz` and
/// `ground-truth.json`), sorted by id.
pub fn load(dir: &Path) -> Result<Vec<Page>, BenchError> {
    if !dir.is_dir() {
        return Err(err(dir, BenchReason::NoFolder));
    }
    let gt_path = dir.join("ground-truth.json");
    let gt_text = std::fs::read_to_string(&gt_path).map_err(|e| err(&gt_path, BenchReason::Read(e)))?;
    let gt: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&gt_text).map_err(|e| err(&gt_path, BenchReason::BadJson(e)))?;
    let mut pages = Vec::with_capacity(gt.len());
    for (id, entry) in &gt {
        let truth = entry.get("articleBody").and_then(|v| v.as_str()).unwrap_or("").to_string();
        let url = entry.get("url").and_then(|v| v.as_str()).unwrap_or("").to_string();
        let path = dir.join("html").join(format!("{id}.html.gz"));
        let gz = std::fs::read(&path).map_err(|e| err(&path, BenchReason::Read(e)))?;
        let mut bytes = Vec::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_end(&mut bytes)
            .map_err(|e| err(&path, BenchReason::BadGzip(e)))?;
        let (html, _lossy) = whosaid_html::decode_html(&bytes);
        pages.push(Page { id: id.clone(), url, html, truth });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

/// Result of running one extractor over the benchmark.
#[derive(Clone, Debug)]
pub struct Report {
    /// The scores over every page.
    pub totals: Totals,
    /// Each page's id and score, in benchmark order.
    pub per_page: Vec<(String, PageScore)>,
    /// Extraction time only (not loading or scoring).
    pub elapsed: Duration,
    /// Pages on which the extractor returned an error (scored as empty).
    pub failures: usize,
}

impl Report {
    /// Extraction throughput (0 when no time was measured).
    pub fn pages_per_second(&self) -> f64 {
        let s = self.elapsed.as_secs_f64();
        if s > 0.0 {
            self.totals.pages as f64 / s
        } else {
            0.0
        }
    }
}

/// Runs `extract` on every page and scores the bodies it returns (`None`
/// counts as a failure and an empty body).
pub fn run<F>(pages: &[Page], mut extract: F) -> Report
where
    F: FnMut(&Page) -> Option<String>,
{
    let mut elapsed = Duration::ZERO;
    let mut failures = 0;
    let mut per_page = Vec::with_capacity(pages.len());
    for page in pages {
        let t0 = Instant::now();
        let body = extract(page);
        elapsed += t0.elapsed();
        let body = body.unwrap_or_else(|| {
            failures += 1;
            String::new()
        });
        per_page.push((page.id.clone(), score_page(&page.truth, &body)));
    }
    let scores: Vec<PageScore> = per_page.iter().map(|(_, s)| *s).collect();
    Report { totals: aggregate(&scores), per_page, elapsed, failures }
}

/// Runs [`whosaid_html::extract`] over the benchmark.
pub fn run_default(pages: &[Page]) -> Report {
    run(pages, |p| whosaid_html::extract(&p.html).ok().map(|a| a.text))
}

/// The report as a table beside the published results.
pub fn format_table(report: &Report, source: &str) -> String {
    let t = &report.totals;
    let mut out = format!("article-extraction benchmark: {} pages from {source}\n\n", t.pages);
    out.push_str(&format!("{:<40} {:>6} {:>10} {:>7} {:>9}\n", "extractor", "F1", "precision", "recall", "accuracy"));
    out.push_str(&format!(
        "{:<40} {:>6.3} {:>10.3} {:>7.3} {:>9.3}\n",
        "whosaid-html (this run)", t.f1, t.precision, t.recall, t.accuracy
    ));
    out.push_str("published results on the same pages (benchmark README):\n");
    for (name, f1, p, r, acc) in PUBLISHED {
        out.push_str(&format!("{:<40} {:>6.3} {:>10.3} {:>7.3} {:>9.3}\n", format!("  {name}"), f1, p, r, acc));
    }
    out.push_str(&format!(
        "\nspeed: {:.1} pages/s ({:.2} s extracting {} pages); failures: {}\n",
        report.pages_per_second(),
        report.elapsed.as_secs_f64(),
        t.pages,
        report.failures
    ));
    out
}

/// The report as JSON.
pub fn report_json(report: &Report) -> serde_json::Value {
    let t = &report.totals;
    serde_json::json!({
        "extractor": "whosaid-html",
        "pages": t.pages,
        "f1": t.f1,
        "precision": t.precision,
        "recall": t.recall,
        "accuracy": t.accuracy,
        "pages_per_second": report.pages_per_second(),
        "seconds": report.elapsed.as_secs_f64(),
        "failures": report.failures,
        "published": PUBLISHED.iter().map(|(name, f1, p, r, acc)| serde_json::json!({
            "extractor": name, "f1": f1, "precision": p, "recall": r, "accuracy": acc,
        })).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn load_errors_name_the_file_and_the_reason() {
        let missing = load(Path::new("/nonexistent/bench")).unwrap_err();
        assert!(matches!(missing.reason, BenchReason::NoFolder));
        assert!(missing.to_string().starts_with("/nonexistent/bench: benchmark folder not found"), "{missing}");
        let dir = std::env::temp_dir().join(format!("whosaid-bench-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("ground-truth.json"), "{not json").unwrap();
        let bad = load(&dir).unwrap_err();
        assert!(matches!(bad.reason, BenchReason::BadJson(_)));
        assert!(bad.to_string().contains("ground-truth.json: bad JSON"), "{bad}");
        std::fs::write(dir.join("ground-truth.json"), r#"{"p1": {"articleBody": "x"}}"#).unwrap();
        let no_page = load(&dir).unwrap_err();
        assert!(matches!(no_page.reason, BenchReason::Read(_)), "{no_page}");
        assert!(no_page.path.ends_with("html/p1.html.gz"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
