//! `whosaid outlets` and `whosaid stories`: the outlet comparison of a
//! database (computed by whosaid-compare over `Store::corpus`). A table on a
//! terminal, JSONL otherwise; CSV on request.

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Result;
use whosaid_compare::profiles::{OutletProfile, ProfileOptions};
use whosaid_compare::stories::{Story, StoryOptions};

use crate::store_cmd::{clip, csv_field, write_table, ListFormat};

#[derive(clap::Args)]
pub struct OutletsArgs {
    #[arg(long)]
    pub db: PathBuf,
    /// Per actor: the outlets quoting them most against the corpus average
    /// (instead of one profile per outlet).
    #[arg(long)]
    pub actors: bool,
    /// Actors per profile (and twice as many with --actors).
    #[arg(long, default_value_t = 10)]
    pub top: usize,
    /// Distinctive words and phrases per outlet.
    #[arg(long, default_value_t = 15)]
    pub words: usize,
    /// Weight of the Fightin' Words prior (α₀, pseudo-counts).
    #[arg(long, default_value_t = whosaid_compare::fightin::DEFAULT_PRIOR)]
    pub prior: f64,
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

#[derive(clap::Args)]
pub struct StoriesArgs {
    #[arg(long)]
    pub db: PathBuf,
    /// Show one story (its number in the list): articles and aligned quotes.
    #[arg(long)]
    pub story: Option<usize>,
    /// Largest distance in days between two articles of one story.
    #[arg(long, default_value_t = StoryOptions::default().window_days)]
    pub window_days: i64,
    /// Least mean TF-IDF cosine at which articles join one story (0–1).
    #[arg(long, default_value_t = StoryOptions::default().threshold)]
    pub threshold: f64,
    /// Least number of original articles (copies not counted) of a story.
    #[arg(long, default_value_t = StoryOptions::default().min_articles)]
    pub min_articles: usize,
    /// List at most this many stories (0: all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

fn format(f: Option<ListFormat>) -> ListFormat {
    f.unwrap_or(if std::io::stdout().is_terminal() { ListFormat::Table } else { ListFormat::Jsonl })
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// The comparison's input from `--db` (a SQLite file or a postgres:// URL).
fn corpus(db: &std::path::Path) -> Result<whosaid_compare::Corpus> {
    Ok(crate::db::open_store_read_only(db)?.corpus()?)
}

fn top_actors(p: &OutletProfile, n: usize) -> String {
    p.top_actors.iter().take(n).map(|a| format!("{} ({})", a.name, a.statements)).collect::<Vec<_>>().join("; ")
}

fn words(list: &[whosaid_compare::fightin::Distinctive], n: usize) -> String {
    list.iter().take(n).map(|d| format!("{} ({:.1})", d.ngram, d.z)).collect::<Vec<_>>().join("; ")
}

pub fn outlets(args: OutletsArgs) -> Result<ExitCode> {
    if !(args.prior > 0.0 && args.prior.is_finite()) {
        anyhow::bail!("--prior must be a positive number");
    }
    let opts = ProfileOptions { top_actors: args.top, top_words: args.words, prior: args.prior, ..Default::default() };
    let report = whosaid_compare::profiles::outlet_report(&corpus(&args.db)?, &opts);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let fmt = format(args.format);
    if args.actors {
        match fmt {
            ListFormat::Jsonl => {
                for a in &report.actors {
                    writeln!(out, "{}", serde_json::to_string(a)?)?;
                }
            }
            ListFormat::Csv => {
                writeln!(out, "actor_id,actor,statements,corpus_share,outlet,outlet_statements,outlet_share,ratio")?;
                for a in &report.actors {
                    for s in &a.outlets {
                        writeln!(
                            out,
                            "{},{},{},{},{},{},{},{}",
                            a.actor_id,
                            csv_field(&a.name),
                            a.statements,
                            a.corpus_share,
                            csv_field(&s.outlet),
                            s.statements,
                            s.share,
                            s.ratio
                        )?;
                    }
                }
            }
            ListFormat::Table => {
                let rows: Vec<Vec<String>> = report
                    .actors
                    .iter()
                    .map(|a| {
                        let most = a
                            .outlets
                            .iter()
                            .take(3)
                            .map(|s| format!("{} ×{:.1}", s.outlet, s.ratio))
                            .collect::<Vec<_>>()
                            .join(", ");
                        vec![clip(&a.name, 30), a.statements.to_string(), pct(a.corpus_share), most]
                    })
                    .collect();
                write_table(&mut out, &["actor", "statements", "of all", "quoted most by (× corpus average)"], &rows)?;
            }
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    match fmt {
        ListFormat::Jsonl => {
            for p in &report.outlets {
                writeln!(out, "{}", serde_json::to_string(p)?)?;
            }
        }
        ListFormat::Csv => {
            let kinds: Vec<&str> = whosaid_compare::SpeakerKind::ALL.iter().map(|k| k.as_str()).collect();
            writeln!(
                out,
                "outlet,articles,copies,statements,statements_per_article,direct_share,reported_share,unnamed_share,{},top_actors,distinctive_words,distinctive_phrases,terminology",
                kinds.iter().map(|k| format!("{k}_share")).collect::<Vec<_>>().join(",")
            )?;
            for p in &report.outlets {
                let terms = p
                    .terminology
                    .iter()
                    .map(|t| {
                        let uses =
                            t.terms.iter().map(|s| format!("{} {}", s.name, s.count)).collect::<Vec<_>>().join(", ");
                        format!("{}: {uses}", t.group)
                    })
                    .collect::<Vec<_>>()
                    .join("; ");
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{},{},{},{}",
                    csv_field(&p.outlet),
                    p.articles,
                    p.copies,
                    p.statements,
                    p.statements_per_article,
                    p.direct_share,
                    p.reported_share,
                    p.unnamed_share,
                    p.speaker_types.iter().map(|s| s.share.to_string()).collect::<Vec<_>>().join(","),
                    csv_field(&top_actors(p, opts.top_actors)),
                    csv_field(&words(&p.distinctive_words, opts.top_words)),
                    csv_field(&words(&p.distinctive_phrases, opts.top_words)),
                    csv_field(&terms),
                )?;
            }
        }
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = report
                .outlets
                .iter()
                .map(|p| {
                    let share = |k: &str| p.speaker_types.iter().find(|s| s.name == k).map_or(0.0, |s| s.share);
                    vec![
                        clip(&p.outlet, 24),
                        p.articles.to_string(),
                        p.statements.to_string(),
                        format!("{:.1}", p.statements_per_article),
                        pct(p.direct_share),
                        pct(p.unnamed_share),
                        pct(share("person")),
                        pct(share("organization") + share("government")),
                        clip(&top_actors(p, 3), 50),
                        words(&p.distinctive_words, 5),
                    ]
                })
                .collect();
            write_table(
                &mut out,
                &[
                    "outlet",
                    "articles",
                    "statements",
                    "per art.",
                    "direct",
                    "unnamed",
                    "persons",
                    "orgs+gov",
                    "top actors",
                    "distinctive words (z)",
                ],
                &rows,
            )?;
            // Terminology: one line per outlet and contested referent.
            let mut rows = Vec::new();
            for p in &report.outlets {
                for t in &p.terminology {
                    let uses = t.terms.iter().map(|s| format!("{} {}", s.name, s.count)).collect::<Vec<_>>().join(", ");
                    rows.push(vec![clip(&p.outlet, 24), t.group.clone(), uses]);
                }
            }
            if !rows.is_empty() {
                writeln!(out)?;
                write_table(&mut out, &["outlet", "term group", "uses"], &rows)?;
            }
            writeln!(
                out,
                "\n{} articles, {} statements, {} outlets",
                report.articles,
                report.statements,
                report.outlets.len()
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

pub fn stories(args: StoriesArgs) -> Result<ExitCode> {
    if !(0.0..=1.0).contains(&args.threshold) {
        anyhow::bail!("--threshold must be between 0 and 1");
    }
    if args.window_days < 0 {
        anyhow::bail!("--window-days must not be negative");
    }
    let corpus = corpus(&args.db)?;
    let opts = StoryOptions {
        window_days: args.window_days,
        threshold: args.threshold,
        min_articles: args.min_articles,
        ..StoryOptions::default()
    };
    let mut all = whosaid_compare::stories::stories(&corpus, &opts);
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let fmt = format(args.format);
    if let Some(n) = args.story {
        let Some(s) = all.iter().find(|s| s.id == n) else {
            anyhow::bail!("{}: no story {n} (there are {})", args.db.display(), all.len());
        };
        match fmt {
            ListFormat::Jsonl => writeln!(out, "{}", serde_json::to_string(s)?)?,
            ListFormat::Csv => write_story_csv(&mut out, s)?,
            ListFormat::Table => write_story_table(&mut out, s)?,
        }
        out.flush()?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.limit > 0 {
        all.truncate(args.limit);
    }
    match fmt {
        ListFormat::Jsonl => {
            for s in &all {
                writeln!(out, "{}", serde_json::to_string(s)?)?;
            }
        }
        ListFormat::Csv => {
            writeln!(out, "story,first,last,outlets,articles,statements,shared_quotes,title,outlet_names,keywords")?;
            for s in &all {
                writeln!(
                    out,
                    "{},{},{},{},{},{},{},{},{},{}",
                    s.id,
                    s.first.as_deref().unwrap_or(""),
                    s.last.as_deref().unwrap_or(""),
                    s.outlets.len(),
                    s.articles.len(),
                    s.outlets.iter().map(|o| o.statements).sum::<usize>(),
                    s.quotes.iter().filter(|q| q.outlets.len() > 1).count(),
                    csv_field(&s.title),
                    csv_field(&s.outlets.iter().map(|o| o.outlet.as_str()).collect::<Vec<_>>().join("; ")),
                    csv_field(&s.keywords.join(" ")),
                )?;
            }
        }
        ListFormat::Table => {
            let rows: Vec<Vec<String>> = all
                .iter()
                .map(|s| {
                    vec![
                        s.id.to_string(),
                        s.first.clone().unwrap_or_default(),
                        s.outlets.len().to_string(),
                        s.articles.len().to_string(),
                        s.quotes.iter().filter(|q| q.outlets.len() > 1).count().to_string(),
                        clip(&s.title, 70),
                    ]
                })
                .collect();
            write_table(&mut out, &["story", "first", "outlets", "articles", "shared quotes", "title"], &rows)?;
            writeln!(out, "\n{} stories (`whosaid stories --story N` shows one)", all.len())?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn write_story_table(out: &mut dyn Write, s: &Story) -> Result<()> {
    writeln!(
        out,
        "story {}: {} ({} – {})",
        s.id,
        s.title,
        s.first.as_deref().unwrap_or("?"),
        s.last.as_deref().unwrap_or("?")
    )?;
    let rows: Vec<Vec<String>> = s
        .articles
        .iter()
        .map(|a| {
            vec![
                clip(&a.outlet, 24),
                a.published.clone().unwrap_or_default(),
                if a.copy_of.is_some() { "copy".into() } else { String::new() },
                clip(&a.title, 80),
            ]
        })
        .collect();
    write_table(out, &["outlet", "date", "", "title"], &rows)?;
    writeln!(out)?;
    let outlets: Vec<&str> = s.outlets.iter().map(|o| o.outlet.as_str()).collect();
    let mut header: Vec<String> = vec!["speaker".into()];
    header.extend(outlets.iter().map(|o| clip(o, 12)));
    header.push("quote".into());
    let rows: Vec<Vec<String>> = s
        .quotes
        .iter()
        .map(|q| {
            let mut r = vec![clip(q.speaker.as_deref().unwrap_or("-"), 22)];
            r.extend(outlets.iter().map(|o| if q.outlets.iter().any(|x| x == o) { "yes".into() } else { "-".into() }));
            r.push(clip(&q.text, 80));
            r
        })
        .collect();
    let header: Vec<&str> = header.iter().map(String::as_str).collect();
    write_table(out, &header, &rows)?;
    Ok(())
}

fn write_story_csv(out: &mut dyn Write, s: &Story) -> Result<()> {
    writeln!(out, "story,quote,speaker,outlet,article_id,statement_id,kind,content")?;
    for (k, q) in s.quotes.iter().enumerate() {
        for c in &q.carried {
            writeln!(
                out,
                "{},{},{},{},{},{},{},{}",
                s.id,
                k + 1,
                csv_field(q.speaker.as_deref().unwrap_or("")),
                csv_field(&c.outlet),
                c.article_id,
                c.statement_id,
                c.kind,
                csv_field(&c.content)
            )?;
        }
    }
    Ok(())
}
