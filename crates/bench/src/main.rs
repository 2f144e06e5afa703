//! `whosaid-bench`: throughput and peak memory of the whole whosaid pipeline.
//!
//! Reads article texts from a JSON-lines file (PolNeAR `train.jsonl` by
//! default: one object per line with a `text` field and optionally `id` and
//! `published`), runs [`whosaid::Pipeline::extract`] over every text for a few
//! repetitions on N threads, and reports MB/s of input text, articles/s and the
//! process's peak resident set size (`VmHWM` from `/proc/self/status`).
//!
//! Run one thread count per process so that the peak RSS belongs to that mode:
//!
//! ```text
//! whosaid-bench --threads 1 --json
//! whosaid-bench --threads 0          # 0 = all cores
//! ```
//!
//! With `--process PATH/TO/whosaid` it also runs the whole process,
//! `whosaid extract DATA -j 1 -q --profile P > file` for each profile,
//! interleaved with the in-process passes (so both see the same machine
//! load), and reports its MB/s and MB per CPU-second beside the in-process
//! figures, as ratios.
//!
//! It reports; it asserts nothing. `scripts/bench` runs both modes and the
//! spaCy + textacy reference side by side.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use whosaid::{Meta, Pipeline};

const USAGE: &str = "\
usage: whosaid-bench [options]

Runs the whosaid pipeline over the texts of a JSON-lines corpus and reports
throughput (MB/s of input text, articles/s) and peak RSS.

options:
  --data PATH     JSON-lines file with a \"text\" field per line
                  (default: ../shared/data/polnear/train.jsonl beside the repo,
                  or $WHOSAID_BENCH_DATA)
  --threads N     worker threads; 0 = all cores (default 1)
  --reps N        timed repetitions over the whole set (default 5)
  --warmup N      untimed repetitions first (default 1)
  --limit N       use only the first N articles (default: all)
  --json          print one JSON object instead of the human-readable report
  --json-out FILE also write that JSON object to FILE
  --process BIN   also time the whole process `BIN extract DATA -j N -q --profile P`
                  (stdout to a file), one run per profile after each in-process pass
  --profiles LIST profiles for --process (default full,statements,table)
  --process-jobs N  the -j of those runs (default 1)
  -h, --help      this text
";

struct Args {
    data: Option<PathBuf>,
    threads: usize,
    reps: usize,
    warmup: usize,
    limit: Option<usize>,
    json: bool,
    json_out: Option<PathBuf>,
    process: Option<PathBuf>,
    profiles: Vec<String>,
    process_jobs: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        data: None,
        threads: 1,
        reps: 5,
        warmup: 1,
        limit: None,
        json: false,
        json_out: None,
        process: None,
        profiles: ["full", "statements", "table"].map(String::from).to_vec(),
        process_jobs: 1,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline.clone().or_else(|| it.next()).ok_or_else(|| format!("{name} needs a value"))
        };
        let number = |name: &str, v: String| -> Result<usize, String> {
            v.parse::<usize>().map_err(|_| format!("{name}: expected a non-negative integer, got {v:?}"))
        };
        match flag.as_str() {
            "--data" => args.data = Some(PathBuf::from(value("--data")?)),
            "--threads" => args.threads = number("--threads", value("--threads")?)?,
            "--reps" => args.reps = number("--reps", value("--reps")?)?.max(1),
            "--warmup" => args.warmup = number("--warmup", value("--warmup")?)?,
            "--limit" => args.limit = Some(number("--limit", value("--limit")?)?),
            "--json" => args.json = true,
            "--json-out" => args.json_out = Some(PathBuf::from(value("--json-out")?)),
            "--process" => args.process = Some(PathBuf::from(value("--process")?)),
            "--profiles" => {
                let list = value("--profiles")?;
                args.profiles = list.split(',').map(str::trim).filter(|p| !p.is_empty()).map(String::from).collect();
                if let Some(bad) = args.profiles.iter().find(|p| !["full", "statements", "table"].contains(&p.as_str()))
                {
                    return Err(format!("--profiles: unknown profile {bad:?} (full, statements, table)"));
                }
            }
            "--process-jobs" => args.process_jobs = number("--process-jobs", value("--process-jobs")?)?.max(1),
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other:?}\n\n{USAGE}")),
        }
    }
    Ok(args)
}

/// `../shared/data/polnear/train.jsonl` relative to the repository root.
fn default_data() -> PathBuf {
    if let Some(p) = std::env::var_os("WHOSAID_BENCH_DATA") {
        return PathBuf::from(p);
    }
    // crates/bench → repo root → its parent.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    match root.canonicalize() {
        Ok(root) if root.parent().is_some() => root.parent().unwrap_or(&root).join("shared/data/polnear/train.jsonl"),
        _ => root.join("../shared/data/polnear/train.jsonl"),
    }
}

#[derive(Debug)]
struct Article {
    id: String,
    text: String,
    published: Option<chrono::NaiveDate>,
}

fn load(path: &Path, limit: Option<usize>) -> Result<Vec<Article>, String> {
    let raw = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read the benchmark corpus {}: {e}\n\
             (expected PolNeAR train.jsonl at ../shared/data/polnear/train.jsonl \
             relative to the repository root; pass --data PATH or set WHOSAID_BENCH_DATA)",
            path.display()
        )
    })?;
    let mut out = Vec::new();
    for (n, line) in raw.lines().enumerate() {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        if line.trim().is_empty() {
            continue;
        }
        let v: Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: not JSON: {e}", path.display(), n + 1))?;
        let Some(text) = v.get("text").and_then(Value::as_str) else {
            return Err(format!("{}:{}: no \"text\" field", path.display(), n + 1));
        };
        let id = v.get("id").and_then(Value::as_str).map(str::to_string).unwrap_or_else(|| format!("line-{}", n + 1));
        let published = v.get("published").and_then(Value::as_str).and_then(whosaid_document::dates::parse_date_prefix);
        out.push(Article { id, text: text.to_string(), published });
    }
    if out.is_empty() {
        return Err(format!("{}: no articles", path.display()));
    }
    Ok(out)
}

/// What one pass over the corpus produced (a checksum so the work is observable).
#[derive(Default, Clone, Copy, PartialEq, Eq, Debug)]
struct Counts {
    articles: usize,
    statements: usize,
    entities: usize,
    mentions: usize,
    sentences: usize,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.articles += o.articles;
        self.statements += o.statements;
        self.entities += o.entities;
        self.mentions += o.mentions;
        self.sentences += o.sentences;
    }
}

fn run_one(pipeline: &Pipeline, a: &Article) -> Counts {
    let meta = Meta { id: Some(a.id.clone()), published: a.published, ..Meta::default() };
    let doc = pipeline.extract(&a.text, &a.id, meta);
    Counts {
        articles: 1,
        statements: doc.statements.len(),
        entities: doc.entities.len(),
        mentions: doc.mentions.len(),
        sentences: doc.sentences.len(),
    }
}

/// One pass over all articles on `threads` workers pulling from a shared index
/// (articles differ a lot in length, so a queue balances better than chunks).
fn pass(pipeline: &Pipeline, articles: &[Article], threads: usize) -> (Duration, Counts) {
    let start = Instant::now();
    let counts = if threads <= 1 {
        let mut c = Counts::default();
        for a in articles {
            c.add(run_one(pipeline, a));
        }
        c
    } else {
        let next = AtomicUsize::new(0);
        std::thread::scope(|s| {
            let workers: Vec<_> = (0..threads)
                .map(|_| {
                    s.spawn(|| {
                        let mut c = Counts::default();
                        loop {
                            let i = next.fetch_add(1, Ordering::Relaxed);
                            let Some(a) = articles.get(i) else { break };
                            c.add(run_one(pipeline, a));
                        }
                        c
                    })
                })
                .collect();
            let mut c = Counts::default();
            for w in workers {
                c.add(w.join().expect("benchmark worker panicked"));
            }
            c
        })
    };
    (start.elapsed(), counts)
}

/// A `kB` field of `/proc/self/status` (Linux only).
fn proc_status_kb(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.trim().trim_end_matches("kB").trim().parse().ok()
    })
}

/// CPU time (user + system, all threads) of this process so far, from
/// `/proc/self/stat` (in USER_HZ = 100 ticks per second on Linux).
fn cpu_seconds() -> Option<f64> {
    stat_seconds(11, 12)
}

/// CPU time of the waited-for children so far (cutime + cstime).
fn children_cpu_seconds() -> Option<f64> {
    stat_seconds(13, 14)
}

/// The sum of two tick fields of `/proc/self/stat`, counted after the command name.
fn stat_seconds(a: usize, b: usize) -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the parenthesised command name; utime and stime are fields
    // 14 and 15, cutime and cstime 16 and 17.
    let rest = &stat[stat.rfind(')')? + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    let x: f64 = f.get(a)?.parse().ok()?;
    let y: f64 = f.get(b)?.parse().ok()?;
    Some((x + y) / 100.0)
}

/// One run of the whole `whosaid extract` process over the corpus file.
struct ProcessRun {
    seconds: f64,
    cpu: Option<f64>,
    output_bytes: u64,
}

fn run_process(bin: &Path, data: &Path, profile: &str, jobs: usize, out: &Path) -> Result<ProcessRun, String> {
    let file = std::fs::File::create(out).map_err(|e| format!("{}: cannot create: {e}", out.display()))?;
    let cpu_before = children_cpu_seconds();
    let start = Instant::now();
    let result = std::process::Command::new(bin)
        .arg("extract")
        .arg(data)
        .args(["-j", &jobs.to_string(), "-q", "--profile", profile])
        .stdout(file)
        .stderr(std::process::Stdio::piped())
        .output()
        .map_err(|e| format!("{}: cannot run: {e}", bin.display()))?;
    let seconds = start.elapsed().as_secs_f64();
    let cpu = children_cpu_seconds().zip(cpu_before).map(|(a, b)| a - b);
    if !result.status.success() {
        return Err(format!(
            "{} extract --profile {profile} failed ({}): {}",
            bin.display(),
            result.status,
            String::from_utf8_lossy(&result.stderr).trim()
        ));
    }
    let output_bytes = std::fs::metadata(out).map(|m| m.len()).unwrap_or(0);
    Ok(ProcessRun { seconds, cpu, output_bytes })
}

/// The 1-minute load average at start: a busy machine makes the numbers noisy.
fn loadavg() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/loadavg").ok()?;
    s.split_whitespace().next()?.parse().ok()
}

fn mib(kb: Option<u64>) -> String {
    kb.map(|k| format!("{:.1} MiB", k as f64 / 1024.0)).unwrap_or_else(|| "n/a".into())
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(|a, b| a.total_cmp(b));
    let n = v.len();
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("whosaid-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let path = args.data.clone().unwrap_or_else(default_data);
    let rss_start_kb = proc_status_kb("VmRSS");
    let load_at_start = loadavg();

    let articles = match load(&path, args.limit) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("whosaid-bench: {e}");
            return ExitCode::from(2);
        }
    };
    let bytes: usize = articles.iter().map(|a| a.text.len()).sum();
    let rss_loaded_kb = proc_status_kb("VmRSS");

    let cores = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let threads = if args.threads == 0 { cores } else { args.threads };

    let t = Instant::now();
    // WHOSAID_BENCH_SELECTOR=rules measures the rule baseline beside the model.
    let pipeline = match std::env::var("WHOSAID_BENCH_SELECTOR").as_deref() {
        Ok("rules") => Pipeline::rules(whosaid::Lexicon::builtin()),
        _ => Pipeline::default(),
    };
    let setup = t.elapsed();

    let out_dir = std::env::temp_dir().join(format!("whosaid-bench-{}", std::process::id()));
    let out_file = |p: &str| out_dir.join(format!("process-{p}.out"));
    if args.process.is_some() {
        if let Err(e) = std::fs::create_dir_all(&out_dir) {
            eprintln!("whosaid-bench: {}: {e}", out_dir.display());
            return ExitCode::from(2);
        }
    }
    let mut process_runs: Vec<Vec<ProcessRun>> = args.profiles.iter().map(|_| Vec::new()).collect();
    // Runs every profile once; the warm-up discards its runs.
    let mut run_profiles = |keep: bool| -> Result<(), String> {
        let Some(bin) = &args.process else { return Ok(()) };
        for (i, p) in args.profiles.iter().enumerate() {
            let r = run_process(bin, &path, p, args.process_jobs, &out_file(p))?;
            if keep {
                process_runs[i].push(r);
            }
        }
        Ok(())
    };

    let mut reference: Option<Counts> = None;
    for _ in 0..args.warmup {
        let (_, c) = pass(&pipeline, &articles, threads);
        reference.get_or_insert(c);
        if let Err(e) = run_profiles(false) {
            eprintln!("whosaid-bench: {e}");
            return ExitCode::from(2);
        }
    }
    let mut secs = Vec::with_capacity(args.reps);
    let mut cpu = Some(0.0);
    for _ in 0..args.reps {
        let cpu_before = cpu_seconds();
        let (d, c) = pass(&pipeline, &articles, threads);
        cpu = cpu.zip(cpu_seconds().zip(cpu_before)).map(|(sum, (a, b))| sum + a - b);
        if let Some(r) = reference {
            // The pipeline is deterministic: every pass must agree.
            assert_eq!(r, c, "passes disagree: the pipeline is not deterministic");
        }
        reference.get_or_insert(c);
        secs.push(d.as_secs_f64());
        // The whole process right after, so both see the same machine load.
        if let Err(e) = run_profiles(true) {
            eprintln!("whosaid-bench: {e}");
            return ExitCode::from(2);
        }
    }
    if args.process.is_some() {
        let _ = std::fs::remove_dir_all(&out_dir);
    }
    let counts = reference.unwrap_or_default();
    let peak_kb = proc_status_kb("VmHWM");

    let mb = bytes as f64 / 1e6;
    let n = articles.len() as f64;
    let best = secs.iter().copied().fold(f64::INFINITY, f64::min);
    let med = median(&secs);
    let mbps_best = mb / best;
    let mbps_median = mb / med;
    // Throughput per CPU-second: robust when other work shares the machine.
    let mb_per_cpu_s = cpu.filter(|&c| c > 0.0).map(|c| mb * args.reps as f64 / c);

    // The whole process per profile, beside the in-process figures.
    let process: Vec<(String, Value)> = args
        .profiles
        .iter()
        .zip(&process_runs)
        .filter(|(_, runs)| !runs.is_empty())
        .map(|(p, runs)| {
            let s: Vec<f64> = runs.iter().map(|r| r.seconds).collect();
            let med_s = median(&s);
            let cpus: Option<Vec<f64>> = runs.iter().map(|r| r.cpu).collect();
            let cpu_total: Option<f64> = cpus.as_ref().map(|c| c.iter().sum());
            let mbps = mb / med_s;
            let per_cpu = cpu_total.filter(|&c| c > 0.0).map(|c| mb * runs.len() as f64 / c);
            let out_bytes = runs.last().map(|r| r.output_bytes).unwrap_or(0);
            let v = json!({
                "profile": p,
                "seconds_per_run": s,
                "seconds_median": med_s,
                "mb_per_s": mbps,
                "cpu_seconds": cpu_total,
                "mb_per_cpu_s": per_cpu,
                "ratio_wall": mbps / mbps_median,
                "ratio_cpu": per_cpu.zip(mb_per_cpu_s).map(|(a, b)| a / b),
                "output_bytes": out_bytes,
                "output_per_input_byte": out_bytes as f64 / bytes as f64,
            });
            (p.clone(), v)
        })
        .collect();

    let out = json!({
        "tool": "whosaid",
        "data": path.display().to_string(),
        "threads": threads,
        "cores": cores,
        "loadavg_at_start": load_at_start,
        "articles": articles.len(),
        "bytes": bytes,
        "reps": args.reps,
        "warmup": args.warmup,
        "seconds_per_pass": secs,
        "seconds_best": best,
        "seconds_median": med,
        "mb_per_s": mbps_median,
        "mb_per_s_best": mbps_best,
        "mb_per_s_per_thread": mbps_median / threads as f64,
        "articles_per_s": n / med,
        "cpu_seconds": cpu,
        "mb_per_cpu_s": mb_per_cpu_s,
        "pipeline_setup_ms": setup.as_secs_f64() * 1e3,
        "rss_start_kb": rss_start_kb,
        "rss_after_load_kb": rss_loaded_kb,
        "peak_rss_kb": peak_kb,
        "output": {
            "statements": counts.statements,
            "entities": counts.entities,
            "mentions": counts.mentions,
            "sentences": counts.sentences,
        },
        "process": args.process.as_ref().map(|bin| json!({
            "bin": bin.display().to_string(),
            "command": format!("{} extract {} -j {} -q --profile PROFILE > FILE", bin.display(), path.display(), args.process_jobs),
            "jobs": args.process_jobs,
            "profiles": process.iter().map(|(_, v)| v.clone()).collect::<Vec<_>>(),
        })),
    });
    if let Some(p) = &args.json_out {
        if let Err(e) = std::fs::write(p, format!("{out}\n")) {
            eprintln!("whosaid-bench: cannot write {}: {e}", p.display());
            return ExitCode::from(2);
        }
    }
    if args.json {
        println!("{out}");
    } else {
        println!("whosaid-bench: {}", path.display());
        println!(
            "  corpus     {} articles, {:.2} MB of text (mean {:.1} KB/article)",
            articles.len(),
            mb,
            bytes as f64 / n / 1e3
        );
        println!(
            "  threads    {threads} (of {cores} cores); {} warm-up + {} timed passes; load average {}",
            args.warmup,
            args.reps,
            load_at_start.map_or("n/a".into(), |l| format!("{l:.2}"))
        );
        println!("  setup      Pipeline::default() {:.1} ms", setup.as_secs_f64() * 1e3);
        let list: Vec<String> = secs.iter().map(|s| format!("{s:.3}")).collect();
        println!("  passes     {} s", list.join(" "));
        println!(
            "  throughput {:.2} MB/s median ({:.2} best), {:.2} MB/s per thread, {:.0} articles/s",
            mbps_median,
            mbps_best,
            mbps_median / threads as f64,
            n / med
        );
        if let (Some(c), Some(r)) = (cpu, mb_per_cpu_s) {
            println!("  cpu        {c:.2} s over the timed passes: {r:.2} MB per CPU-second");
        }
        println!(
            "  memory     peak RSS (VmHWM) {}; RSS at start {}, after loading texts {}",
            mib(peak_kb),
            mib(rss_start_kb),
            mib(rss_loaded_kb)
        );
        println!(
            "  output     {} statements, {} entities, {} mentions, {} sentences per pass",
            counts.statements, counts.entities, counts.mentions, counts.sentences
        );
        if let Some(bin) = &args.process {
            println!(
                "  process    {} extract DATA -j {} -q --profile P > file, one run after each pass; ratio = process / in-process",
                bin.display(),
                args.process_jobs
            );
            println!(
                "  {:<10} {:>9} {:>8} {:>11} {:>9} {:>10}",
                "profile", "MB/s", "ratio", "MB/CPU-s", "ratio", "output"
            );
            println!(
                "  {:<10} {:>9.2} {:>8} {:>11} {:>9} {:>10}",
                "in-process",
                mbps_median,
                "1",
                mb_per_cpu_s.map_or("n/a".into(), |r| format!("{r:.2}")),
                "1",
                "-"
            );
            for (p, v) in &process {
                let f = |k: &str| v[k].as_f64().map_or("n/a".to_string(), |x| format!("{x:.2}"));
                println!(
                    "  {:<10} {:>9} {:>8} {:>11} {:>9} {:>9.1}x",
                    p,
                    f("mb_per_s"),
                    f("ratio_wall"),
                    f("mb_per_cpu_s"),
                    f("ratio_cpu"),
                    v["output_per_input_byte"].as_f64().unwrap_or(0.0)
                );
            }
        }
    }
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
    }

    #[test]
    fn loads_texts_ids_dates_and_limit() {
        let dir = std::env::temp_dir().join(format!("whosaid-bench-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("c.jsonl");
        std::fs::write(
            &path,
            "{\"id\":\"a\",\"published\":\"2016-03-01\",\"text\":\"“Hi,” Rubio said.\"}\n\n{\"text\":\"Two.\"}\n{\"text\":\"Three.\"}\n",
        )
        .unwrap();
        let all = load(&path, None).unwrap();
        assert_eq!(all.len(), 3);
        assert_eq!(all[0].id, "a");
        assert_eq!(all[0].published, chrono::NaiveDate::from_ymd_opt(2016, 3, 1));
        assert_eq!(all[1].id, "line-3");
        assert_eq!(load(&path, Some(2)).unwrap().len(), 2);

        std::fs::write(&path, "{\"id\":\"x\"}\n").unwrap();
        assert!(load(&path, None).unwrap_err().contains("no \"text\""));
        assert!(load(&dir.join("missing.jsonl"), None).unwrap_err().contains("WHOSAID_BENCH_DATA"));
        std::fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn one_pass_counts_agree_across_thread_counts() {
        let articles: Vec<Article> = ["“We will win,” Rubio said.", "Lavrov said the talks failed.", "No quotes here."]
            .iter()
            .enumerate()
            .map(|(i, t)| Article { id: format!("t{i}"), text: t.to_string(), published: None })
            .collect();
        let p = Pipeline::default();
        let (_, one) = pass(&p, &articles, 1);
        let (_, two) = pass(&p, &articles, 2);
        assert_eq!(one, two);
        assert_eq!(one.articles, 3);
    }
}
