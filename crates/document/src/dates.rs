//! Calendar dates as inputs and flags write them: the one place that parses
//! them. Every crate that reads a date from text (flags, JSONL and WARC
//! fields, gold files, stored documents, HTML metadata, store filters) calls
//! one of these, so "a date" means the same everywhere.
//!
//! | function | accepts | used for |
//! |---|---|---|
//! | [`parse_ymd`] | `YYYY-MM-DD` (chrono `%Y-%m-%d`: one-digit month and day too, nothing around it) | `--published`, `--from`/`--to`, gold and stored `published` |
//! | [`parse_date_prefix`] | `YYYY-MM-DD` at the start of a timestamp (`2025-04-23T10:00:00Z`) | JSONL `published`, `WARC-Date` |
//! | [`parse_loose`] | `YYYY-MM-DD`, `YYYY/MM/DD`, `YYYY.MM.DD`, `YYYYMMDD`, years 1900–2200 | HTML metadata |
//! | [`is_date_bound`] | `YYYY`, `YYYY-MM` or `YYYY-MM-DD` with plausible numbers | search filters (`since`, `until`) |
//! | [`is_ymd_shaped`] | ten characters `DDDD-DD-DD` (digits), compared as text | the public figures' terms in the lexicon |
//!
//! Month names ("April 23") are not input dates but time expressions in
//! article text: `whosaid::time` resolves those from the lexicon.

use chrono::NaiveDate;

/// The flags' and stored documents' format.
pub const YMD: &str = "%Y-%m-%d";

/// A real calendar date written `YYYY-MM-DD` (chrono's `%Y-%m-%d`: nothing
/// before or after it); the error says why not ("input is out of range").
pub fn parse_ymd(s: &str) -> Result<NaiveDate, chrono::ParseError> {
    NaiveDate::parse_from_str(s, YMD)
}

/// `date` written `YYYY-MM-DD`, as [`parse_ymd`] reads it back.
pub fn format_ymd(date: NaiveDate) -> String {
    date.format(YMD).to_string()
}

/// The date part of `2025-04-23`, `2025-04-23T10:00:00Z` and the like: the
/// first ten bytes (after surrounding whitespace) as [`parse_ymd`].
pub fn parse_date_prefix(s: &str) -> Option<NaiveDate> {
    parse_ymd(s.trim().get(..10)?).ok()
}

/// A date at the start of a metadata string, however pages write it:
/// `2019-11-19T10:00:00Z`, `2019/11/19`, `2019.11.19` (one separator, used
/// twice; anything may follow) or `20191119` (not followed by a digit), when
/// it is a real date with a year from 1900 to 2200.
pub fn parse_loose(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    let b = s.as_bytes();
    if b.len() < 8 {
        return None;
    }
    let (y, m, d) = if b.len() >= 10 && matches!(b[4], b'-' | b'/' | b'.') && b[7] == b[4] {
        (digits(s, 0..4)?, digits(s, 5..7)?, digits(s, 8..10)?)
    } else if b[..8].iter().all(u8::is_ascii_digit) && b.get(8).is_none_or(|c| !c.is_ascii_digit()) {
        (digits(s, 0..4)?, digits(s, 4..6)?, digits(s, 6..8)?)
    } else {
        return None;
    };
    let date = NaiveDate::from_ymd_opt(y as i32, m, d)?;
    (1900..=2200).contains(&y).then_some(date)
}

/// Whether `s` bounds a date range: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, each
/// part exactly that many digits, year 1000–9999, month 1–12, day 1–31 (a
/// bound, so 2025-02-31 passes: it compares as text).
pub fn is_date_bound(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    if parts.len() > 3 {
        return false;
    }
    const WIDTHS: [usize; 3] = [4, 2, 2];
    const RANGES: [(u32, u32); 3] = [(1000, 9999), (1, 12), (1, 31)];
    parts.iter().enumerate().all(|(i, p)| {
        p.len() == WIDTHS[i] && digits(p, 0..p.len()).is_some_and(|n| (RANGES[i].0..=RANGES[i].1).contains(&n))
    })
}

/// Whether `s` is written like `YYYY-MM-DD` (digits with dashes at 4 and 7),
/// whatever the numbers: a term bound compared as text with a `YYYY-MM-DD`
/// publication date.
pub fn is_ymd_shaped(s: &str) -> bool {
    s.len() == 10 && s.bytes().enumerate().all(|(i, b)| if i == 4 || i == 7 { b == b'-' } else { b.is_ascii_digit() })
}

/// The ASCII digits `s[r]` as a number; None when any byte is not a digit.
fn digits(s: &str, r: std::ops::Range<usize>) -> Option<u32> {
    let part = s.get(r)?;
    if !part.is_empty() && part.bytes().all(|c| c.is_ascii_digit()) {
        part.parse().ok()
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ymd(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(y, m, d)
    }

    #[test]
    fn ymd_is_exact() {
        assert_eq!(parse_ymd("2025-04-23").ok(), ymd(2025, 4, 23));
        assert_eq!(parse_ymd("2024-02-29").ok(), ymd(2024, 2, 29));
        // chrono's %m and %d take one digit too.
        assert_eq!(parse_ymd("2025-4-3").ok(), ymd(2025, 4, 3));
        assert_eq!(parse_ymd("2025-13-01").unwrap_err().to_string(), "input is out of range");
        let d = ymd(987, 1, 2).unwrap();
        assert_eq!(format_ymd(d), "0987-01-02");
        assert_eq!(parse_ymd(&format_ymd(d)).ok(), Some(d));
        for bad in ["2025-02-30", "2025/04/23", "23-04-2025", "2025-04-23T10:00", "2025-04", "", "x"] {
            assert!(parse_ymd(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn prefix_takes_the_date_of_a_timestamp() {
        assert_eq!(parse_date_prefix("2025-04-23T10:00:00Z"), ymd(2025, 4, 23));
        assert_eq!(parse_date_prefix("  2025-04-23 "), ymd(2025, 4, 23));
        assert_eq!(parse_date_prefix("2025-04-23"), ymd(2025, 4, 23));
        for bad in ["2025-04-2", "2025/04/23T10", "April 23, 2025", "2025-02-30T00:00:00Z", ""] {
            assert_eq!(parse_date_prefix(bad), None, "{bad}");
        }
        // A multi-byte character inside the first ten bytes is not a date, not a panic.
        assert_eq!(parse_date_prefix("2025-04-2é"), None);
    }

    #[test]
    fn loose_reads_metadata_dates() {
        assert_eq!(parse_loose("2019-11-19T10:00:00Z"), ymd(2019, 11, 19));
        assert_eq!(parse_loose("2019/01/02"), ymd(2019, 1, 2));
        assert_eq!(parse_loose("2019.01.02 10:00"), ymd(2019, 1, 2));
        assert_eq!(parse_loose("20191119"), ymd(2019, 11, 19));
        assert_eq!(parse_loose(" 20191119T1000"), ymd(2019, 11, 19));
        for bad in
            ["2019-02-30", "Nov 19, 2019", "", "2019-11/19", "201911190", "1850-01-01", "2201-01-01", "2019-1-19x"]
        {
            assert_eq!(parse_loose(bad), None, "{bad}");
        }
    }

    #[test]
    fn shape_is_digits_and_dashes() {
        for good in ["2025-04-23", "2025-02-30", "0000-99-99"] {
            assert!(is_ymd_shaped(good), "{good}");
        }
        for bad in ["", "2025-4-23", "2025/04/23", "2025-04-23T", "2025-04-2x", "202é-04-2"] {
            assert!(!is_ymd_shaped(bad), "{bad}");
        }
    }

    #[test]
    fn bounds_are_year_month_or_day() {
        for good in ["2025", "2025-04", "2025-04-23", "2025-02-31", "1000-01-01"] {
            assert!(is_date_bound(good), "{good}");
        }
        for bad in
            ["", "25", "2025-4", "2025-13", "2025-00", "2025-04-32", "0999", "2025-04-23-01", "2025-04-2x", "+025"]
        {
            assert!(!is_date_bound(bad), "{bad}");
        }
    }
}
