//! Comparing person and organisation names the way the speaker scoring
//! (`../shared/data/README.md`) and cross-article actor linking both need:
//! fold away accents, case and honorifics, then compare words allowing the
//! small spelling differences transliteration produces (Zelensky/Zelenskyy).
//!
//! Shared here because the eval crate (scoring) and the store (linking) must
//! agree on what "the same name" means. [`normalise_name`] is the exact
//! cross-document key (the store's actors); [`fold`] and [`same_word`] the
//! looser comparison linking and scoring apply on top of it.

use unicode_normalization::UnicodeNormalization;

/// Words dropped by [`fold`]: an article and honorifics never tell two
/// referents apart.
pub const FOLD_DROP: &[&str] = &["the", "mr", "ms", "mrs", "dr", "sir"];

/// Folded words of a name: NFKD, ASCII only (accents dropped), lower case,
/// split on anything not alphanumeric, minus [`FOLD_DROP`]; a possessive
/// `'s` is dropped ("Mr. Zelenskyy’s" → `["zelenskyy"]`).
pub fn fold_words(name: &str) -> Vec<String> {
    // Combining marks go (é → e); other non-ASCII separates words, except the
    // typographic apostrophe, which is an apostrophe.
    // An ASCII name is its own NFKD form and has no marks or curly
    // apostrophes: lower-casing is all there is to do (most names; the
    // decomposition is the costly part).
    let ascii: String = if name.is_ascii() {
        name.to_ascii_lowercase()
    } else {
        name.nfkd()
            .filter(|c| !('\u{300}'..='\u{36f}').contains(c))
            .map(|c| match c {
                '’' | '‘' => '\'',
                c if c.is_ascii() => c.to_ascii_lowercase(),
                _ => ' ',
            })
            .collect()
    };
    // Possessive before splitting, so "Trump's" is "trump", not "trump s".
    let ascii = ascii.replace("'s ", " ");
    let ascii = ascii.strip_suffix("'s").unwrap_or(&ascii).to_string();
    ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty() && !FOLD_DROP.contains(w))
        .map(str::to_string)
        .collect()
}

/// The folded name as one string (words joined by one space).
pub fn fold(name: &str) -> String {
    fold_words(name).join(" ")
}

/// Levenshtein distance over bytes (folded words are ASCII).
pub fn edit_distance(a: &str, b: &str) -> usize {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, &ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// Two folded words spell the same name: equal, or both of six letters or
/// more and at most two edits apart (Zelensky/Zelenskyy/Zelenskiy, but not
/// Bush/Rush).
pub fn same_word(a: &str, b: &str) -> bool {
    a == b || (a.len() >= 6 && b.len() >= 6 && edit_distance(a, b) <= 2)
}

/// The scoring's **referent right**: the folded names are equal, or the
/// gold name's last word is one of the predicted name's words up to
/// [`same_word`].
pub fn same_referent(gold: &str, predicted: &str) -> bool {
    let g = fold_words(gold);
    let p = fold_words(predicted);
    if g.is_empty() || p.is_empty() {
        return false;
    }
    if g == p {
        return true;
    }
    let last = g.last().expect("not empty");
    p.iter().any(|w| same_word(last, w))
}

/// The scoring's **full name right**: the folded names are equal.
pub fn same_full_name(gold: &str, predicted: &str) -> bool {
    let g = fold_words(gold);
    !g.is_empty() && g == fold_words(predicted)
}

/// The cross-document key of a name (the store's actor key, see
/// `whosaid_store::link`): lowercase, typographic apostrophes and
/// dashes made plain, dots dropped ("U.S." = "US"), hyphens and runs of
/// whitespace made one space, a leading "the " dropped. Nothing else: no
/// stemming, no surname-only matching, no fuzzy similarity.
pub fn normalise_name(name: &str) -> String {
    let mut s = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '\u{2019}' | '\u{2018}' | '\u{02bc}' | '`' => s.push('\''),
            '.' => {}
            '-' | '\u{2010}' | '\u{2011}' | '\u{2013}' | '\u{2014}' => s.push(' '),
            c if c.is_whitespace() => s.push(' '),
            c => s.extend(c.to_lowercase()),
        }
    }
    let s = s.split_whitespace().collect::<Vec<_>>().join(" ");
    match s.strip_prefix("the ") {
        Some(rest) if !rest.is_empty() => rest.to_string(),
        _ => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_names_conservatively() {
        assert_eq!(normalise_name("Marco  Rubio"), "marco rubio");
        assert_eq!(normalise_name("MARCO RUBIO"), "marco rubio");
        assert_eq!(normalise_name("The Free Press"), normalise_name("Free Press"));
        assert_eq!(normalise_name("U.S. State Department"), "us state department");
        assert_eq!(normalise_name("Jean-Luc Mélenchon"), "jean luc mélenchon");
        assert_eq!(normalise_name("O’Brien"), normalise_name("O'Brien"));
        assert_ne!(normalise_name("Rubio"), normalise_name("Marco Rubio"));
        assert_eq!(normalise_name("The"), "the");
    }

    #[test]
    fn folding_drops_accents_case_and_honorifics() {
        assert_eq!(fold("Mr. Volodymyr Zelenskyy"), "volodymyr zelenskyy");
        assert_eq!(fold("Sir Lindsay Hoyle"), "lindsay hoyle");
        assert_eq!(fold("The New York Post"), "new york post");
        assert_eq!(fold("François Hollande"), "francois hollande");
        assert_eq!(fold("Dr Jill Biden’s"), "jill biden");
        assert_eq!(fold("Trump's"), "trump");
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("zelensky", "zelenskyy"), 1);
        assert_eq!(edit_distance("zelenskiy", "zelenskyy"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
    }

    #[test]
    fn referent_and_full_name() {
        assert!(same_referent("Donald Trump", "Trump"));
        assert!(!same_full_name("Donald Trump", "Trump"));
        assert!(same_referent("Volodymyr Zelensky", "Volodymyr Zelenskyy"));
        assert!(same_full_name("Mr. Obama", "Obama"));
        // Short words need equality: Bush is not Rush.
        assert!(!same_referent("George Bush", "Rush"));
        // The gold's last word must be in the prediction, not any word.
        assert!(!same_referent("Hillary Clinton", "Hillary Duff"));
        assert!(same_referent("Hillary Clinton", "Bill Clinton")); // the rule is lenient on first names
        assert!(!same_referent("Donald Trump", ""));
    }
}
