//! `whosaid eval`: quality against annotated data (PolNeAR JSONL).
//!
//! Scoring is defined in `whosaid_eval::score`; the README of the data folder
//! (`../shared/data/README.md`) gives the reference systems shown beside ours.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use whosaid_eval::speakers::{parse_speakers, render_speaker_errors, render_speakers, score_speakers};
use whosaid_eval::{errors::render_errors, evaluate, parse_jsonl, render_table};

#[derive(clap::Args)]
pub struct EvalArgs {
    /// Gold corpus (PolNeAR JSONL), e.g. ../shared/data/polnear/dev.jsonl.
    #[arg(long)]
    pub gold: PathBuf,
    /// Also list N misses, N false alarms and N wrong speakers, most
    /// frequent patterns first.
    #[arg(long, value_name = "N")]
    pub errors: Option<usize>,
    /// Print one JSON object with every score instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Exit with code 1 when end-to-end F1 is below X (a CI ratchet; see
    /// ci/eval-floor.txt).
    #[arg(long, value_name = "X")]
    pub min_e2e_f1: Option<f64>,
    /// Exit with code 1 when the speaker referent share (matched statements
    /// whose resolved speaker is the right referent) is below X, or when no
    /// speaker referents were read (a CI ratchet; see ci/referent-floor.txt).
    #[arg(long, value_name = "X")]
    pub min_referent: Option<f64>,
    /// Score only the first N articles.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Extra lexicon entries (TOML).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
    #[command(flatten)]
    pub selector: crate::SelectorArgs,
    /// Speaker referents (dev-speakers.jsonl format); by default
    /// `<gold dir>/<gold stem>-speakers.jsonl` when that file exists.
    #[arg(long, value_name = "PATH")]
    pub speakers: Option<PathBuf>,
}

/// The speaker file to score against: the flag (which must exist), else the
/// one beside the gold file, if any.
fn speakers_path(args: &EvalArgs) -> Result<Option<PathBuf>> {
    if let Some(p) = &args.speakers {
        if !p.is_file() {
            anyhow::bail!("{}: speaker file not found", p.display());
        }
        return Ok(Some(p.clone()));
    }
    let stem = args.gold.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let p = args.gold.with_file_name(format!("{stem}-speakers.jsonl"));
    Ok(p.is_file().then_some(p))
}

pub fn run(args: EvalArgs) -> Result<ExitCode> {
    if !args.gold.is_file() {
        anyhow::bail!(
            "{}: gold file not found (expected PolNeAR JSONL, e.g. ../shared/data/polnear/dev.jsonl)",
            args.gold.display()
        );
    }
    let text = std::fs::read_to_string(&args.gold)
        .with_context(|| format!("{}: cannot read gold file", args.gold.display()))?;
    let mut articles = parse_jsonl(&text)
        .map_err(anyhow::Error::msg)
        .with_context(|| format!("{}: not PolNeAR JSONL", args.gold.display()))?;
    if let Some(n) = args.limit {
        articles.truncate(n);
    }
    let pipeline = crate::load_pipeline_with(args.lexicon.as_ref(), &args.selector)?;
    let ev = evaluate(&pipeline, &articles);
    let mut report = ev.report();
    report.selector = pipeline.selector().name().to_string();
    // The model is always shown beside the rules it was built on.
    let rules_ev = (!matches!(pipeline.selector(), whosaid::Selector::Rules)).then(|| {
        let rules = pipeline.clone().with_selector(whosaid::Selector::Rules);
        evaluate(&rules, &articles)
    });
    if let Some(rev) = &rules_ev {
        let mut b = rev.report();
        b.selector = "rules".into();
        report.baseline = Some(Box::new(b));
    }
    let speakers = match speakers_path(&args)? {
        Some(p) => {
            let text = std::fs::read_to_string(&p).with_context(|| format!("{}: cannot read", p.display()))?;
            let gold = parse_speakers(&text).with_context(|| format!("{}: not a speaker file", p.display()))?;
            Some(score_speakers(&ev, &gold))
        }
        None => None,
    };
    if args.json {
        let mut v = serde_json::to_value(&report)?;
        if let (Some(s), Some(obj)) = (&speakers, v.as_object_mut()) {
            obj.insert("speakers".into(), serde_json::to_value(s)?);
        }
        println!("{}", serde_json::to_string_pretty(&v)?);
    } else {
        println!("gold: {}", args.gold.display());
        print!("{}", render_table(&report));
        println!();
        print!("{}", whosaid_eval::taxonomy::render_error_types(&ev, rules_ev.as_ref(), pipeline.lexicon()));
        if let Some(s) = &speakers {
            println!();
            print!("{}", render_speakers(s));
        }
    }
    if let Some(n) = args.errors {
        // Keep stdout a single JSON object under --json.
        if args.json {
            eprint!("{}", render_errors(&ev, n));
            if let Some(s) = &speakers {
                eprint!("{}", render_speaker_errors(s, n));
            }
        } else {
            println!();
            print!("{}", render_errors(&ev, n));
            if let Some(s) = &speakers {
                println!();
                print!("{}", render_speaker_errors(s, n));
            }
        }
    }
    if let Some(floor) = args.min_e2e_f1 {
        let f1 = report.scores.end_to_end.f1;
        if f1 < floor {
            eprintln!("whosaid eval: end-to-end F1 {f1:.4} is below the floor {floor}");
            return Ok(ExitCode::from(1));
        }
    }
    if let Some(floor) = args.min_referent {
        let Some(s) = &speakers else {
            eprintln!("whosaid eval: --min-referent needs speaker referents (--speakers, or <gold stem>-speakers.jsonl beside the gold)");
            return Ok(ExitCode::from(1));
        };
        let share = s.overall.referent_share;
        if share < floor {
            eprintln!("whosaid eval: speaker referent share {share:.4} is below the floor {floor}");
            return Ok(ExitCode::from(1));
        }
    }
    Ok(ExitCode::SUCCESS)
}
