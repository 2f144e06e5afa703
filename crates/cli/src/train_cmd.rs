//! `whosaid train`: learn the attribution tagger from PolNeAR train, report
//! dev scores after every epoch, write the model file.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, Result};
use whosaid::statements::tagger::TrainConfig;
use whosaid_eval::{parse_jsonl, train};

#[derive(clap::Args)]
pub struct TrainArgs {
    /// Training corpus (PolNeAR JSONL), e.g. ../shared/data/polnear/train.jsonl.
    #[arg(long)]
    pub train: PathBuf,
    /// Development corpus, scored after every epoch (never trained on).
    #[arg(long)]
    pub dev: Option<PathBuf>,
    /// Where to write the model (e.g. crates/whosaid/models/attribution.wsm).
    #[arg(long)]
    pub out: PathBuf,
    #[arg(long, default_value_t = TrainConfig::default().epochs)]
    pub epochs: usize,
    /// log2 of the hashed feature table's rows.
    #[arg(long, default_value_t = TrainConfig::default().bits)]
    pub bits: u32,
    #[arg(long, default_value_t = TrainConfig::default().seed)]
    pub seed: u64,
    /// Extra lexicon entries (TOML).
    #[arg(long)]
    pub lexicon: Option<PathBuf>,
}

fn load(path: &PathBuf) -> Result<Vec<whosaid_eval::Article>> {
    let text = std::fs::read_to_string(path).with_context(|| format!("{}: cannot read", path.display()))?;
    parse_jsonl(&text).map_err(anyhow::Error::msg).with_context(|| format!("{}: not PolNeAR JSONL", path.display()))
}

pub fn run(args: TrainArgs) -> Result<ExitCode> {
    if !(8..=24).contains(&args.bits) {
        anyhow::bail!("--bits {}: must be between 8 and 24", args.bits);
    }
    let train_set = load(&args.train)?;
    let dev_set = args.dev.as_ref().map(load).transpose()?;
    let pipeline = whosaid::Pipeline::rules(crate::load_lexicon(args.lexicon.as_ref())?);
    let cfg = TrainConfig { bits: args.bits, epochs: args.epochs, seed: args.seed };
    let t0 = Instant::now();
    let tty = std::io::stderr().is_terminal();
    eprintln!(
        "training on {} articles ({} attributions), {} epochs, 2^{} feature rows",
        train_set.len(),
        train_set.iter().map(|a| a.attributions.len()).sum::<usize>(),
        cfg.epochs,
        cfg.bits
    );
    let model = train::train(&pipeline, &train_set, dev_set.as_deref(), cfg, |step| {
        let e = match step {
            train::Progress::Fold(k, n) => {
                eprintln!("jackknife fold {k}/{n} tagged ({:.0}s)", t0.elapsed().as_secs_f64());
                return;
            }
            train::Progress::Decider { threshold, threshold_alone, precision, recall, f1 } => {
                eprintln!(
                    "decider trained: thresholds {threshold:.2} / {threshold_alone:.2} alone (held-out train selection P {precision:.3} R {recall:.3} F1 {f1:.3})"
                );
                return;
            }
            train::Progress::Epoch(e) => e,
        };
        let bar_len = 20;
        let done = (e.epoch + 1) * bar_len / cfg.epochs.max(1);
        let bar: String = "#".repeat(done) + &".".repeat(bar_len - done);
        let scores = match &e.dev {
            Some(r) => format!(
                "dev content P {:.3} R {:.3} F1 {:.3} · e2e F1 {:.3} · exact F1 {:.3}",
                r.scores.content.p, r.scores.content.r, r.scores.content.f1, r.scores.end_to_end.f1, r.scores.exact.f1
            ),
            None => String::new(),
        };
        let line = format!("[{bar}] epoch {}/{} {:.0}s {scores}", e.epoch + 1, cfg.epochs, t0.elapsed().as_secs_f64());
        if tty {
            eprint!("\r{line}\x1b[K");
            if e.epoch + 1 == cfg.epochs {
                eprintln!();
            }
        } else {
            eprintln!("{line}");
        }
        let _ = std::io::stderr().flush();
    });
    let bytes = model.to_bytes();
    std::fs::write(&args.out, &bytes).with_context(|| format!("{}: cannot write model", args.out.display()))?;
    eprintln!("wrote {} ({} bytes) in {:.0}s", args.out.display(), bytes.len(), t0.elapsed().as_secs_f64());
    Ok(ExitCode::SUCCESS)
}
