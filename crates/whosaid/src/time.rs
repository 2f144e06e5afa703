//! Stage 5 — time: find time expressions, resolve them against the publication
//! date, and give each statement the time of its utterance.
//!
//! News writing is anchored at publication: "on Wednesday" is the most recent
//! Wednesday on or before the publication date, "in January" the most recent
//! January, "yesterday" the day before. Without a publication date only
//! expressions that carry their own year resolve. A statement takes the time
//! expression of its sentence that lies outside its content (a time inside the
//! content belongs to the reported event), nearest to the cue; failing that a
//! bare "later"/"earlier" next to the cue is kept as text with no date.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use whosaid_document::{Document, Span, TimeExpr, TimeKind, TokenKind};

use whosaid_lexicon::Lexicon;

use crate::cues::Words;

/// A weekday from the calendar lexicon's number (Monday = 1).
fn weekday_of(w: &str, lex: &Lexicon) -> Option<Weekday> {
    let n = *lex.weekdays().get(w)?;
    Weekday::try_from(n - 1).ok()
}

fn month_of(w: &str, lex: &Lexicon) -> Option<u32> {
    lex.months().get(w).map(|&m| m as u32)
}

/// The most recent `day` on or before `anchor` (`strictly_before` for "last Monday").
pub fn weekday_on_or_before(anchor: NaiveDate, day: Weekday, strictly_before: bool) -> NaiveDate {
    let back = (anchor.weekday().num_days_from_monday() + 7 - day.num_days_from_monday()) % 7;
    let back = if back == 0 && strictly_before { 7 } else { back };
    anchor.checked_sub_signed(Duration::days(back as i64)).unwrap_or(anchor)
}

/// The first day of the most recent `month` on or before `anchor`'s month.
pub fn month_on_or_before(anchor: NaiveDate, month: u32) -> NaiveDate {
    let year = if month <= anchor.month() { anchor.year() } else { anchor.year() - 1 };
    // Only at the very edge of chrono's range can this fail; keep the anchor then.
    NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(anchor)
}

fn day_in_past_year(anchor: NaiveDate, month: u32, day: u32) -> Option<NaiveDate> {
    let this = NaiveDate::from_ymd_opt(anchor.year(), month, day)?;
    // A date up to a week after publication is announced, not past: keep this year.
    if anchor.checked_add_signed(Duration::days(7)).is_none_or(|limit| this <= limit) {
        Some(this)
    } else {
        NaiveDate::from_ymd_opt(anchor.year() - 1, month, day)
    }
}

fn number(w: &str) -> Option<u32> {
    let w = w.trim_end_matches(|c: char| c.is_alphabetic()); // 23rd
    w.parse().ok()
}

/// Finds time expressions in `doc` (fills `doc.times`).
pub fn find_times(doc: &mut Document, words: &Words, lex: &Lexicon) {
    let anchor = doc.meta.published;
    let n = doc.tokens.len();
    let mut out = Vec::new();
    let span = |a: usize, b: usize| Span::new(doc.tokens[a].span.start, doc.tokens[b - 1].span.end);
    let same = |a: usize, b: usize| b < n && doc.tokens[a].sentence == doc.tokens[b].sentence;
    let mut i = 0;
    while i < n {
        let w = words.get(i);
        let lead = |i: usize| -> (usize, &str) {
            if i > 0
                && same(i - 1, i)
                && matches!(words.get(i - 1), "on" | "last" | "this" | "next" | "in" | "since" | "early" | "late")
            {
                (i - 1, words.get(i - 1))
            } else {
                (i, "")
            }
        };
        if let Some(day) = weekday_of(w, lex) {
            let (s, l) = lead(i);
            let mut e = i + 1;
            if same(i, e) && matches!(words.get(e), "morning" | "afternoon" | "evening" | "night") {
                e += 1;
            }
            let date = anchor.map(|a| match l {
                "next" => weekday_on_or_before(a.checked_add_signed(Duration::days(7)).unwrap_or(a), day, false),
                "last" => weekday_on_or_before(a, day, true),
                _ => weekday_on_or_before(a, day, false),
            });
            out.push(TimeExpr { span: span(s, e), kind: TimeKind::Weekday, date });
            i = e;
            continue;
        }
        if matches!(w, "yesterday" | "today" | "tonight") {
            let date = anchor.and_then(|a| if w == "yesterday" { a.pred_opt() } else { Some(a) });
            out.push(TimeExpr { span: span(i, i + 1), kind: TimeKind::Relative, date });
            i += 1;
            continue;
        }
        if matches!(w, "last" | "this")
            && same(i, i + 1)
            && matches!(words.get(i + 1), "week" | "month" | "year" | "weekend")
        {
            let date = match (words.get(i), words.get(i + 1), anchor) {
                ("last", "month", Some(a)) => {
                    Some(month_on_or_before(a, if a.month() == 1 { 12 } else { a.month() - 1 }))
                }
                ("this", "month", Some(a)) => Some(month_on_or_before(a, a.month())),
                _ => None,
            };
            let kind = if date.is_some() { TimeKind::Month } else { TimeKind::Relative };
            out.push(TimeExpr { span: span(i, i + 2), kind, date });
            i += 2;
            continue;
        }
        let is_cap = doc.slice(doc.tokens[i].span).starts_with(|c: char| c.is_uppercase());
        if let (Some(month), true) = (month_of(w, lex), is_cap && doc.tokens[i].kind == TokenKind::Word) {
            // "April 23(, 2025)" / "23 April 2025" / "in January"
            let day_after =
                if same(i, i + 1) { number(words.get(i + 1)).filter(|d| (1..=31).contains(d)) } else { None };
            let day_before =
                if i > 0 && same(i - 1, i) { number(words.get(i - 1)).filter(|d| (1..=31).contains(d)) } else { None };
            if let Some(day) = day_after.or(day_before) {
                let s = if day_after.is_some() { i } else { i - 1 };
                let mut e = if day_after.is_some() { i + 2 } else { i + 1 };
                let mut year = None;
                let y_at = if words.get(e) == "," { e + 1 } else { e };
                if same(i, y_at) {
                    if let Some(y) = number(words.get(y_at)).filter(|y| (1900..=2100).contains(y)) {
                        year = Some(y as i32);
                        e = y_at + 1;
                    }
                }
                let date = match (year, anchor) {
                    (Some(y), _) => NaiveDate::from_ymd_opt(y, month, day),
                    (None, Some(a)) => day_in_past_year(a, month, day),
                    (None, None) => None,
                };
                let (s, _) = if s == i { lead(i) } else { (s, "") };
                out.push(TimeExpr { span: span(s, e), kind: TimeKind::Absolute, date });
                i = e;
                continue;
            }
            // "May" alone is too often the modal verb.
            if w != "may" {
                let (s, l) = lead(i);
                if !l.is_empty() {
                    let mut e = i + 1;
                    let mut date = anchor.map(|a| month_on_or_before(a, month));
                    if same(i, e) {
                        if let Some(y) = number(words.get(e)).filter(|y| (1900..=2100).contains(y)) {
                            date = NaiveDate::from_ymd_opt(y as i32, month, 1);
                            e += 1;
                        }
                    }
                    out.push(TimeExpr { span: span(s, e), kind: TimeKind::Month, date });
                    i = e;
                    continue;
                }
            }
        }
        i += 1;
    }
    doc.times = out;
}

/// Gives each statement the time of its utterance (see module docs).
pub fn attach_times(doc: &mut Document, words: &Words) {
    let mut extra: Vec<TimeExpr> = Vec::new();
    let mut choice: Vec<Option<Result<usize, usize>>> = Vec::with_capacity(doc.statements.len());
    for st in &doc.statements {
        let Some(cue) = st.cue else {
            choice.push(None);
            continue;
        };
        let Some(sent) = doc.sentence_at(cue.start) else {
            choice.push(None);
            continue;
        };
        let ss = doc.sentences[sent].span;
        let from = doc.times.partition_point(|t| t.span.start < ss.start);
        let best = doc.times[from..]
            .iter()
            .enumerate()
            .map(|(i, t)| (from + i, t))
            .take_while(|(_, t)| t.span.start < ss.end)
            .filter(|(_, t)| ss.contains(t.span) && !st.content.contains(t.span))
            .min_by_key(|(_, t)| {
                if t.span.end <= cue.start {
                    cue.start - t.span.end
                } else {
                    t.span.start.saturating_sub(cue.end)
                }
            })
            .map(|(i, _)| i);
        if let Some(b) = best {
            choice.push(Some(Ok(b)));
            continue;
        }
        // "later confirmed", "said later"
        let ti = doc.tokens.partition_point(|t| t.span.start < cue.start);
        let te = doc.tokens.partition_point(|t| t.span.start < cue.end);
        let candidates = [ti.checked_sub(1), Some(te)];
        let vague = candidates.into_iter().flatten().find(|&k| {
            k < doc.tokens.len()
                && matches!(words.get(k), "later" | "earlier")
                && doc.tokens[k].sentence == doc.tokens[ti.min(doc.tokens.len() - 1)].sentence
        });
        match vague {
            Some(k) => {
                let span = doc.tokens[k].span;
                let idx = extra.iter().position(|t| t.span == span).unwrap_or_else(|| {
                    extra.push(TimeExpr { span, kind: TimeKind::Vague, date: None });
                    extra.len() - 1
                });
                choice.push(Some(Err(idx)));
            }
            None => choice.push(None),
        }
    }
    // Merge the vague expressions into the sorted list and remap indices.
    let base = doc.times.len();
    let mut all: Vec<(TimeExpr, usize)> =
        doc.times.drain(..).enumerate().collect::<Vec<_>>().into_iter().map(|(i, t)| (t, i)).collect();
    all.extend(extra.into_iter().enumerate().map(|(i, t)| (t, base + i)));
    all.sort_by_key(|(t, old)| (t.span.start, t.span.end, *old));
    let mut remap = vec![0; all.len()];
    for (new, (_, old)) in all.iter().enumerate() {
        remap[*old] = new;
    }
    doc.times = all.into_iter().map(|(t, _)| t).collect();
    for (st, c) in doc.statements.iter_mut().zip(choice) {
        st.time = c.map(|r| match r {
            Ok(i) => remap[i],
            Err(i) => remap[base + i],
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn weekdays_resolve_to_most_recent_on_or_before() {
        let wed = d("2025-04-23");
        assert_eq!(weekday_on_or_before(wed, Weekday::Wed, false), wed);
        assert_eq!(weekday_on_or_before(wed, Weekday::Tue, false), d("2025-04-22"));
        assert_eq!(weekday_on_or_before(wed, Weekday::Thu, false), d("2025-04-17"));
        assert_eq!(weekday_on_or_before(wed, Weekday::Wed, true), d("2025-04-16"));
    }

    #[test]
    fn months_resolve_within_the_past_year() {
        assert_eq!(month_on_or_before(d("2025-04-23"), 1), d("2025-01-01"));
        assert_eq!(month_on_or_before(d("2025-04-23"), 11), d("2024-11-01"));
        assert_eq!(day_in_past_year(d("2025-01-03"), 12, 30), Some(d("2024-12-30")));
        assert_eq!(day_in_past_year(d("2025-04-23"), 4, 25), Some(d("2025-04-25")));
    }
}
