//! Near-duplicate detection with SimHash over word shingles.
//!
//! Wire copies republished by many outlets differ by a headline, a byline or a
//! trailing paragraph; their 64-bit SimHash fingerprints then differ in few
//! bits. Two documents are near-duplicates when the Hamming distance of their
//! fingerprints is at most [`MAX_DISTANCE`]. Lookup splits fingerprints into
//! four 16-bit bands: by pigeonhole, two fingerprints within distance 3 share
//! at least one band exactly, so only same-band candidates are compared.

use std::collections::HashMap;

/// Fingerprints at most this many bits apart are near-duplicates.
pub const MAX_DISTANCE: u32 = 3;
/// Texts shorter than this (in words) are too small to fingerprint reliably.
pub const MIN_WORDS: usize = 40;
const SHINGLE: usize = 3;

/// FNV-1a over a word's lower-cased chars, stable across platforms and Rust
/// versions (unlike `DefaultHasher`); no allocation per word.
fn word_hash(word: &str) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    if word.is_ascii() {
        for &b in word.as_bytes() {
            h ^= b.to_ascii_lowercase() as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
        return h;
    }
    for c in word.chars().flat_map(char::to_lowercase) {
        let mut buf = [0u8; 4];
        for &b in c.encode_utf8(&mut buf).as_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x100000001b3);
        }
    }
    h
}

/// Mixes the word hashes of one shingle (order matters) and finishes with
/// splitmix64, so nearby inputs spread over all 64 bits.
fn shingle_hash(words: &[u64]) -> u64 {
    let mut h: u64 = 0;
    for &w in words {
        h = h.rotate_left(23) ^ w;
        h = h.wrapping_mul(0x9e3779b97f4a7c15);
    }
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d049bb133111eb);
    h ^ (h >> 31)
}

/// The fingerprint of a text, or None when it is too short.
pub fn fingerprint(text: &str) -> Option<u64> {
    let words: Vec<u64> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(word_hash).collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    // A bit of the fingerprint is set when more than half of the shingle
    // hashes have it set. The ones are counted eight bits at a time: lane j
    // (byte j) of `lanes[b]` counts bit 8j + b, flushed before a lane can
    // overflow.
    let mut ones = [0u32; 64];
    let mut lanes = [0u64; 8];
    let mut in_lanes = 0;
    let mut n = 0u32;
    let flush = |lanes: &mut [u64; 8], ones: &mut [u32; 64]| {
        for (b, lane) in lanes.iter_mut().enumerate() {
            for j in 0..8 {
                ones[8 * j + b] += ((*lane >> (8 * j)) & 0xff) as u32;
            }
            *lane = 0;
        }
    };
    for sh in words.windows(SHINGLE) {
        let h = shingle_hash(sh);
        for (b, lane) in lanes.iter_mut().enumerate() {
            *lane += (h >> b) & 0x0101_0101_0101_0101;
        }
        n += 1;
        in_lanes += 1;
        if in_lanes == 255 {
            flush(&mut lanes, &mut ones);
            in_lanes = 0;
        }
    }
    flush(&mut lanes, &mut ones);
    Some(ones.iter().enumerate().fold(0u64, |acc, (bit, &c)| if 2 * c > n { acc | 1 << bit } else { acc }))
}

/// The first definition of [`fingerprint`] (one counter per bit), kept to
/// check that the counting above gives the same bits.
#[cfg(test)]
fn fingerprint_reference(text: &str) -> Option<u64> {
    let words: Vec<u64> = text.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).map(word_hash).collect();
    if words.len() < MIN_WORDS {
        return None;
    }
    let mut counts = [0i32; 64];
    for sh in words.windows(SHINGLE) {
        let h = shingle_hash(sh);
        for (bit, c) in counts.iter_mut().enumerate() {
            *c += if h >> bit & 1 == 1 { 1 } else { -1 };
        }
    }
    Some(counts.iter().enumerate().fold(0u64, |acc, (bit, &c)| if c > 0 { acc | 1 << bit } else { acc }))
}

/// Fingerprints seen so far, in input order.
#[derive(Default, Clone, Debug)]
pub struct Index {
    bands: [HashMap<u16, Vec<usize>>; 4],
    entries: Vec<(u64, String)>,
}

impl Index {
    /// Returns the id of the first earlier near-duplicate, else records `fp` under `id`.
    pub fn check_and_insert(&mut self, fp: u64, id: &str) -> Option<String> {
        let mut best: Option<usize> = None;
        for (b, band) in self.bands.iter().enumerate() {
            let key = (fp >> (16 * b)) as u16;
            if let Some(list) = band.get(&key) {
                for &e in list {
                    if (self.entries[e].0 ^ fp).count_ones() <= MAX_DISTANCE && best.is_none_or(|x| e < x) {
                        best = Some(e);
                    }
                }
            }
        }
        if let Some(e) = best {
            return Some(self.entries[e].1.clone());
        }
        let idx = self.entries.len();
        self.entries.push((fp, id.to_string()));
        for (b, band) in self.bands.iter_mut().enumerate() {
            band.entry((fp >> (16 * b)) as u16).or_default().push(idx);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WIRE: &str = "Washington has gained a much better understanding of Russia's position on the Ukraine \
        conflict now that it has engaged with Moscow after three years of diplomatic refusal US Secretary of State \
        Marco Rubio has said Rubio made the remarks on Wednesday in an interview with The Free Press saying the US \
        has been seeking to grasp what the Russian position is We have a better understanding of that now because \
        we have actually spoken to them after three years of not speaking to them he stated Ties between Moscow \
        and Washington all but collapsed following the 2022 escalation of the Ukraine conflict under then President \
        Joe Biden Since returning to the White House in January President Donald Trump has distanced himself from \
        Biden era policies pushing for a rapid resolution to the conflict and a reset in bilateral relations The two \
        sides have held several rounds of high level talks in recent months Voicing hope for a peace deal Rubio \
        emphasized there is no military end to the ongoing hostilities We have to be frank Russia is not just going \
        to roll over Ukraine and take the whole country And Ukraine is not going to push them all the way back";

    #[test]
    fn wire_copy_with_small_edits_is_a_near_duplicate() {
        let copy = format!("By Staff Reporter. {WIRE} Read more on our website.");
        let a = fingerprint(WIRE).unwrap();
        let b = fingerprint(&copy).unwrap();
        let mut index = Index::default();
        assert_eq!(index.check_and_insert(a, "first"), None);
        assert_eq!(index.check_and_insert(b, "second").as_deref(), Some("first"), "distance {}", (a ^ b).count_ones());
    }

    #[test]
    fn counting_by_lanes_gives_the_reference_bits() {
        // Long texts cross the lane flush (255 shingles) several times.
        let long = format!("{WIRE} {WIRE} Ünïcödé ÀBC Straße {WIRE} ").repeat(3);
        for text in [WIRE, long.as_str(), &WIRE[..WIRE.len() / 2], &long[..long.len() / 3]] {
            assert_eq!(fingerprint(text), fingerprint_reference(text));
        }
        assert!(fingerprint(&long).is_some());
        // Upper and lower case hash alike on the ASCII fast path and the general one.
        assert_eq!(word_hash("Rubio"), word_hash("rUBIO"));
        assert_eq!(word_hash("Straße"), word_hash("STRASSE".to_lowercase().replace("ss", "ß").as_str()));
    }

    #[test]
    fn different_articles_are_not_duplicates() {
        let other = "The river rose by two metres overnight and schools in the region were closed while buses ran \
            on a reduced timetable farmers moved cattle to higher ground before the water arrived and the mayor asked \
            residents to stay at home until the evening when the rain was expected to stop and the roads to reopen \
            after the clean up crews had cleared the debris from the main bridge";
        let mut index = Index::default();
        index.check_and_insert(fingerprint(WIRE).unwrap(), "a");
        assert_eq!(index.check_and_insert(fingerprint(other).unwrap(), "b"), None);
        assert_eq!(fingerprint("too short to say"), None);
    }
}
