//! The attribution tagger: a linear-chain model that labels every token of a
//! paragraph as part of a cue, a source or a content (BIO tags), so any word
//! can be a cue — not only lexicon entries — and content boundaries are learned
//! rather than written by hand.
//!
//! Features are hashed into a fixed table of `2^bits` rows (one weight per
//! label in each row), so the model is one array plus a transition matrix; no
//! feature dictionary has to ship. Decoding is Viterbi with the BIO
//! constraints built into the transitions. Training is the averaged structured
//! perceptron (Collins 2002): deterministic for a given seed and data.
//!
//! The rule generator's candidates are features too (stacking): the tagger
//! learns where to trust the rules and where to extend them.

use whosaid_document::{Document, Statement, TokenKind};
use whosaid_lexicon::CueClass;

use crate::cues::Words;

/// Number of labels; rows are padded to [`STRIDE`] for alignment.
pub const LABELS: usize = 7;
/// Row stride of the weight table.
pub const STRIDE: usize = 8;
/// Features per token (fixed: every template fires once per token).
pub const FEATURES: usize = 36;
/// Version of the feature templates: a model trained with other templates
/// cannot be read (its weights would mean something else).
pub const FEATURE_VERSION: u32 = 1;
/// Templates the second (stacked) pass adds over the first pass's labels.
pub const STACK_FEATURES: usize = 18;
/// Features per token of the second pass (the first pass's and its own).
pub const STACKED_FEATURES: usize = FEATURES + STACK_FEATURES;
/// Version of the second pass's templates (checked like [`FEATURE_VERSION`]).
pub const STACK_FEATURE_VERSION: u32 = 1;

/// Token labels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(u8)]
pub enum Label {
    /// In no attribution.
    Outside = 0,
    /// Opens a cue.
    CueBegin = 1,
    /// Continues a cue.
    CueInside = 2,
    /// Opens a source.
    SourceBegin = 3,
    /// Continues a source.
    SourceInside = 4,
    /// Opens a content.
    ContentBegin = 5,
    /// Continues a content.
    ContentInside = 6,
}

/// The three roles a token can play.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// The words that report ("said", "according to").
    Cue,
    /// Who said it.
    Source,
    /// What was said.
    Content,
}

impl Label {
    /// Every label in index order: the weight columns' order.
    pub const ALL: [Label; LABELS] = [
        Label::Outside,
        Label::CueBegin,
        Label::CueInside,
        Label::SourceBegin,
        Label::SourceInside,
        Label::ContentBegin,
        Label::ContentInside,
    ];
    /// The label of a weight column (an index past the end is the last label).
    pub fn from_index(i: usize) -> Label {
        Label::ALL[i.min(LABELS - 1)]
    }
    /// The role the label tags, if any.
    pub fn role(self) -> Option<Role> {
        match self {
            Label::Outside => None,
            Label::CueBegin | Label::CueInside => Some(Role::Cue),
            Label::SourceBegin | Label::SourceInside => Some(Role::Source),
            Label::ContentBegin | Label::ContentInside => Some(Role::Content),
        }
    }
    /// Whether the label opens a span (where a new segment starts).
    pub fn begins(self) -> bool {
        matches!(self, Label::CueBegin | Label::SourceBegin | Label::ContentBegin)
    }
    /// The label that opens a span of `role`.
    pub fn begin_of(role: Role) -> Label {
        match role {
            Role::Cue => Label::CueBegin,
            Role::Source => Label::SourceBegin,
            Role::Content => Label::ContentBegin,
        }
    }
    /// The label that continues a span of `role`.
    pub fn inside_of(role: Role) -> Label {
        match role {
            Role::Cue => Label::CueInside,
            Role::Source => Label::SourceInside,
            Role::Content => Label::ContentInside,
        }
    }
}

/// Whether `to` may follow `from` (`None` = sequence start): an inside tag
/// continues a span of its own role.
pub fn allowed(from: Option<Label>, to: Label) -> bool {
    match to {
        Label::CueInside | Label::SourceInside | Label::ContentInside => from.is_some_and(|f| f.role() == to.role()),
        _ => true,
    }
}

/// Score lookups shared by the shipped (quantised) and the training weights.
pub trait Scorer {
    /// log2 of the feature table's rows (features are hashed into it).
    fn bits(&self) -> u32;
    /// Adds the row of feature `f` to `acc`.
    fn add_row(&self, f: u32, acc: &mut [f32; STRIDE]);
    /// Transition score `from → to`; `from == LABELS` is the sequence start.
    fn transition(&self, from: usize, to: usize) -> f32;
    /// The emission scores of one token: the rows of its features `feats`
    /// summed in order into zeros, as [`Scorer::add_row`] does one by one.
    /// A scorer may override it with a faster sum that gives the same floats.
    #[inline]
    fn emission(&self, feats: &[u32]) -> [f32; STRIDE] {
        let mut acc = [0f32; STRIDE];
        for &f in feats {
            self.add_row(f, &mut acc);
        }
        acc
    }
    /// A hint that the rows of `feats` are read next: a scorer whose table
    /// does not fit in cache may start loading them. Changes no score.
    #[inline]
    fn prefetch(&self, _feats: &[u32]) {}
}

/// Float weights, as trained.
#[derive(Clone, Debug, PartialEq)]
pub struct Weights {
    /// Hashed feature rows are `2^bits`.
    pub bits: u32,
    /// `2^bits` rows of [`STRIDE`] weights (the last `STRIDE - LABELS` unused).
    pub emit: Vec<f32>,
    /// `(LABELS + 1) × LABELS`: row `LABELS` is the start.
    pub trans: Vec<f32>,
}

impl Weights {
    /// All-zero weights of `2^bits` rows: where training starts.
    pub fn zeros(bits: u32) -> Weights {
        Weights { bits, emit: vec![0.0; (1usize << bits) * STRIDE], trans: vec![0.0; (LABELS + 1) * LABELS] }
    }
}

impl Scorer for Weights {
    fn bits(&self) -> u32 {
        self.bits
    }
    #[inline]
    fn add_row(&self, f: u32, acc: &mut [f32; STRIDE]) {
        let row = &self.emit[f as usize * STRIDE..f as usize * STRIDE + STRIDE];
        for (a, w) in acc.iter_mut().zip(row) {
            *a += w;
        }
    }
    #[inline]
    fn transition(&self, from: usize, to: usize) -> f32 {
        self.trans[from * LABELS + to]
    }
}

/// One paragraph's tokens as the tagger sees them: `width` hashed feature
/// ids per token ([`FEATURES`] for the first pass, [`STACKED_FEATURES`] for
/// the second).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Sequence {
    /// Token index (into `Document::tokens`) of the first token.
    pub first: usize,
    /// Features per token.
    pub width: usize,
    /// `width` feature ids per token, token after token.
    pub feats: Vec<u32>,
}

impl Sequence {
    /// How many tokens.
    pub fn len(&self) -> usize {
        self.feats.len().checked_div(self.width).unwrap_or(0)
    }
    /// Whether it has no tokens.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
    fn token(&self, i: usize) -> &[u32] {
        &self.feats[i * self.width..(i + 1) * self.width]
    }
}

/// FNV-1a: stable across runs and platforms (hash maps' hashers are not).
/// The one hash of the statement stage: features, decider and model checksum.
pub fn fnv(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

/// Combines a feature template id with a value (a 64-bit finaliser).
#[inline]
pub fn mix(a: u64, b: u64) -> u64 {
    let mut h = a ^ b.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    h ^= h >> 31;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^ (h >> 29)
}

/// Word shape: 0 lower, 1 Capitalised, 2 ALLCAPS, 3 number, 4 punctuation,
/// 5 opening quote, 6 closing quote, 7 ambiguous quote.
fn shape(doc: &Document, i: usize) -> u8 {
    let t = &doc.tokens[i];
    match t.kind {
        TokenKind::Number => 3,
        TokenKind::Punct => 4,
        TokenKind::Quote { open: true, close: true } => 7,
        TokenKind::Quote { open: true, .. } => 5,
        TokenKind::Quote { .. } => 6,
        TokenKind::Word => {
            let s = doc.slice(t.span);
            let mut chars = s.chars();
            match chars.next() {
                Some(c) if c.is_uppercase() => {
                    if s.chars().count() > 1 && s.chars().all(|c| !c.is_lowercase()) {
                        2
                    } else {
                        1
                    }
                }
                _ => 0,
            }
        }
    }
}

fn distance_bucket(d: Option<usize>) -> u64 {
    match d {
        None => 0,
        Some(0) => 1,
        Some(1) => 2,
        Some(2) => 3,
        Some(3..=5) => 4,
        Some(6..=10) => 5,
        Some(11..=20) => 6,
        Some(_) => 7,
    }
}

/// Per-token facts computed once per document, from which the templates are
/// hashed.
struct TokenFacts {
    word: Vec<u64>,
    suffix: Vec<u64>,
    shape: Vec<u8>,
    /// 0 outside quotations, 1 inside, 2 first token inside, 3 last inside.
    quote: Vec<u8>,
    /// 0 none, else 1 + kind × 8 + entity type of the covering mention.
    mention: Vec<u8>,
    mention_begins: Vec<bool>,
    /// 0 none, 1 speech, 2 belief, 3 evidence (first token of a lexicon cue),
    /// 4 later token of a multi-word lexicon cue.
    cue: Vec<u8>,
    cue_lemma: Vec<u64>,
    /// Rule candidates: bit 0 content, bit 1 content start, bit 2 cue, bit 3 speaker.
    rule: Vec<u8>,
    rule_name: Vec<u64>,
    /// Distance (tokens) to the nearest lexicon cue on the left / right in the sentence.
    cue_left: Vec<Option<usize>>,
    cue_right: Vec<Option<usize>>,
    /// 0 mid, 1 first, 2 last, 3 both; and sentence index within the paragraph (capped).
    sent_pos: Vec<u8>,
    sent_index: Vec<u8>,
    paragraph: Vec<usize>,
}

fn cue_class_code(c: CueClass) -> u8 {
    match c {
        CueClass::Speech => 1,
        CueClass::Belief => 2,
        CueClass::Evidence => 3,
    }
}

impl TokenFacts {
    fn new(doc: &Document, words: &Words, rules: &[Statement]) -> TokenFacts {
        let n = doc.tokens.len();
        let mut word = Vec::with_capacity(n);
        let mut suffix = Vec::with_capacity(n);
        let mut shapes = Vec::with_capacity(n);
        for i in 0..n {
            let w = words.get(i);
            word.push(fnv(w.as_bytes()));
            let start = w.char_indices().rev().nth(2).map(|(b, _)| b).unwrap_or(0);
            suffix.push(fnv(&w.as_bytes()[start..]));
            shapes.push(shape(doc, i));
        }
        let mut quote = vec![0u8; n];
        for q in &doc.quotations {
            let (a, b) = (doc.token_at(q.inner.start), doc.token_at(q.inner.end));
            for (k, slot) in quote.iter_mut().enumerate().take(b.min(n)).skip(a) {
                *slot = if k == a {
                    2
                } else if k + 1 == b {
                    3
                } else {
                    1
                };
            }
        }
        let mut mention = vec![0u8; n];
        let mut mention_begins = vec![false; n];
        for m in &doc.mentions {
            let (a, b) = (doc.token_at(m.span.start), doc.token_at(m.span.end));
            let code = 1 + (m.kind as u8) * 8 + (m.etype as u8);
            for k in a..b.min(n) {
                if mention[k] == 0 {
                    mention[k] = code;
                    mention_begins[k] = k == a;
                }
            }
        }
        let mut cue = vec![0u8; n];
        let mut cue_lemma = vec![0u64; n];
        for i in 0..n {
            if let Some(cm) = words.cue(i) {
                if cue[i] == 0 {
                    cue[i] = cue_class_code(cm.cue.class);
                    cue_lemma[i] = fnv(cm.cue.lemma.as_bytes());
                }
                for slot in cue.iter_mut().take(cm.end.min(n)).skip(i + 1) {
                    *slot = 4;
                }
            }
        }
        let mut rule = vec![0u8; n];
        let mut rule_name = vec![0u64; n];
        for st in rules {
            let pieces: Vec<_> = if st.parts.is_empty() { vec![st.content] } else { st.parts.clone() };
            for p in pieces {
                let (a, b) = (doc.token_at(p.start), doc.token_at(p.end));
                for slot in rule.iter_mut().take(b.min(n)).skip(a) {
                    *slot |= 1;
                }
                if a < n {
                    rule[a] |= 2;
                }
            }
            if let Some(c) = st.cue {
                let (a, b) = (doc.token_at(c.start), doc.token_at(c.end));
                for k in a..b.min(n) {
                    rule[k] |= 4;
                    rule_name[k] = fnv(st.rule.as_bytes());
                }
            }
            if let Some(m) = st.speaker.and_then(|m| doc.mentions.get(m.index())) {
                let (a, b) = (doc.token_at(m.span.start), doc.token_at(m.span.end));
                for slot in rule.iter_mut().take(b.min(n)).skip(a) {
                    *slot |= 8;
                }
            }
        }
        let mut cue_left = vec![None; n];
        let mut cue_right = vec![None; n];
        let mut sent_pos = vec![0u8; n];
        let mut sent_index = vec![0u8; n];
        let mut paragraph = vec![0usize; n];
        let mut i = 0;
        let mut para_of_prev = usize::MAX;
        let mut sent_in_para = 0u8;
        while i < n {
            let s = doc.tokens[i].sentence;
            let start = i;
            while i < n && doc.tokens[i].sentence == s {
                i += 1;
            }
            let para = doc.sentences.get(s).map(|x| x.paragraph).unwrap_or(0);
            if para != para_of_prev {
                sent_in_para = 0;
                para_of_prev = para;
            } else {
                sent_in_para = sent_in_para.saturating_add(1);
            }
            let mut last: Option<usize> = None;
            for k in start..i {
                cue_left[k] = last.map(|l| k - l);
                if matches!(cue[k], 1..=3) {
                    last = Some(k);
                }
            }
            let mut next: Option<usize> = None;
            for k in (start..i).rev() {
                cue_right[k] = next.map(|x| x - k);
                if matches!(cue[k], 1..=3) {
                    next = Some(k);
                }
            }
            for k in start..i {
                sent_pos[k] = (k == start) as u8 | (((k + 1 == i) as u8) << 1);
                sent_index[k] = sent_in_para.min(3);
                paragraph[k] = para;
            }
        }
        TokenFacts {
            word,
            suffix,
            shape: shapes,
            quote,
            mention,
            mention_begins,
            cue,
            cue_lemma,
            rule,
            rule_name,
            cue_left,
            cue_right,
            sent_pos,
            sent_index,
            paragraph,
        }
    }
}

/// Feature sequences for every paragraph of `doc`, hashed into `2^bits` rows.
/// `rules` are the rule generator's candidates (features, not decisions).
pub fn sequences(doc: &Document, words: &Words, rules: &[Statement], bits: u32) -> Vec<Sequence> {
    let n = doc.tokens.len();
    if n == 0 {
        return Vec::new();
    }
    let f = TokenFacts::new(doc, words, rules);
    let shift = 64 - bits;
    let mut out = Vec::new();
    let mut i = 0;
    while i < n {
        let para = f.paragraph[i];
        let first = i;
        while i < n && f.paragraph[i] == para {
            i += 1;
        }
        let end = i;
        let mut feats = Vec::with_capacity((end - first) * FEATURES);
        // Outside the paragraph, neighbours are a boundary marker.
        let word = |k: isize| -> u64 {
            if k < first as isize || k >= end as isize {
                0x5eed
            } else {
                f.word[k as usize]
            }
        };
        let small = |v: &Vec<u8>, k: isize| -> u64 {
            if k < first as isize || k >= end as isize {
                255
            } else {
                v[k as usize] as u64
            }
        };
        for k in first..end {
            let ki = k as isize;
            let left = distance_bucket(f.cue_left[k]);
            let right = distance_bucket(f.cue_right[k]);
            let ment = f.mention[k] as u64 | ((f.mention_begins[k] as u64) << 8);
            let templates: [u64; FEATURES] = [
                mix(1, 0),
                mix(2, word(ki)),
                mix(3, word(ki - 1)),
                mix(4, word(ki + 1)),
                mix(5, word(ki - 2)),
                mix(6, word(ki + 2)),
                mix(7, mix(word(ki - 1), word(ki))),
                mix(8, mix(word(ki), word(ki + 1))),
                mix(9, f.suffix[k]),
                mix(10, small(&f.shape, ki - 1) << 16 | small(&f.shape, ki) << 8 | small(&f.shape, ki + 1)),
                mix(11, f.quote[k] as u64),
                mix(12, small(&f.quote, ki - 1) << 8 | f.quote[k] as u64),
                mix(13, small(&f.quote, ki + 1) << 8 | f.quote[k] as u64),
                mix(14, ment),
                mix(15, small(&f.mention, ki - 1)),
                mix(16, small(&f.mention, ki + 1)),
                mix(17, f.cue[k] as u64),
                mix(18, f.cue_lemma[k]),
                mix(19, small(&f.cue, ki - 1)),
                mix(20, small(&f.cue, ki + 1)),
                mix(21, small(&f.cue, ki - 2)),
                mix(22, small(&f.cue, ki + 2)),
                mix(23, f.rule[k] as u64),
                mix(24, small(&f.rule, ki - 1) << 8 | f.rule[k] as u64),
                mix(25, left << 8 | right),
                mix(26, f.rule_name[k]),
                mix(27, (f.sent_pos[k] as u64) << 8 | f.sent_index[k] as u64),
                mix(28, mix(word(ki), small(&f.cue, ki - 1))),
                mix(29, mix(word(ki), left)),
                mix(30, (f.quote[k] as u64) << 16 | left << 8 | right),
                mix(31, ment << 8 | small(&f.cue, ki + 1)),
                mix(32, ment << 8 | small(&f.cue, ki - 1)),
                mix(33, (para == 0) as u64),
                mix(34, mix(mix(word(ki - 1), word(ki)), word(ki + 1))),
                mix(35, mix(word(ki), right)),
                mix(36, mix(f.suffix[k], (f.sent_pos[k] as u64) << 8 | f.shape[k] as u64)),
            ];
            let mut ids = [0u32; FEATURES];
            for (id, &h) in ids.iter_mut().zip(&templates) {
                *id = (h >> shift) as u32;
            }
            feats.extend_from_slice(&ids);
        }
        out.push(Sequence { first, width: FEATURES, feats });
    }
    out
}

/// The second pass's features of one paragraph: the first pass's features
/// plus [`STACK_FEATURES`] templates over the first pass's predicted labels
/// `tags` (stacking): where the predicted cues are, the predicted labels
/// around the token, with the word. A cue the first pass learned from words
/// (not from the lexicon) can so pull its content along.
pub fn stacked(doc: &Document, words: &Words, seq: &Sequence, tags: &[Label], bits: u32) -> Sequence {
    let n = seq.len();
    let shift = 64 - bits;
    let first = seq.first;
    let lab = |i: isize| -> u64 {
        if i < 0 || i as usize >= n {
            255
        } else {
            tags[i as usize] as u64
        }
    };
    let word_hash: Vec<u64> = (0..n).map(|i| fnv(words.get(first + i).as_bytes())).collect();
    let word = |i: isize| -> u64 {
        if i < 0 || i as usize >= n {
            0x5eed
        } else {
            word_hash[i as usize]
        }
    };
    let sentence = |i: usize| doc.tokens[first + i].sentence;
    let is_cue = |i: usize| tags[i].role() == Some(Role::Cue);
    // Nearest predicted cue token left / right: in the sentence and in the
    // paragraph (distance, and the cue's first word).
    let mut left_s = vec![None; n];
    let mut left_p = vec![None; n];
    let mut left_word = vec![0u64; n];
    let mut last: Option<usize> = None;
    for i in 0..n {
        if let Some(l) = last {
            left_p[i] = Some(i - l);
            if sentence(l) == sentence(i) {
                left_s[i] = Some(i - l);
            }
            let mut b = l;
            while b > 0 && tags[b] == Label::CueInside {
                b -= 1;
            }
            left_word[i] = word_hash[b];
        }
        if is_cue(i) {
            last = Some(i);
        }
    }
    let mut right_s = vec![None; n];
    let mut right_p = vec![None; n];
    let mut right_word = vec![0u64; n];
    let mut next: Option<usize> = None;
    for i in (0..n).rev() {
        if is_cue(i) && tags[i].begins() {
            next = Some(i);
        }
        if let Some(x) = next.filter(|&x| x > i) {
            right_p[i] = Some(x - i);
            if sentence(x) == sentence(i) {
                right_s[i] = Some(x - i);
            }
            right_word[i] = word_hash[x];
        }
    }
    // Per sentence: has a predicted cue / source / content.
    let mut sent_roles = vec![0u64; n];
    let mut i = 0;
    while i < n {
        let s = sentence(i);
        let start = i;
        let mut roles = 0u64;
        while i < n && sentence(i) == s {
            roles |= match tags[i].role() {
                Some(Role::Cue) => 1,
                Some(Role::Source) => 2,
                Some(Role::Content) => 4,
                None => 0,
            };
            i += 1;
        }
        for slot in &mut sent_roles[start..i] {
            *slot = roles;
        }
    }
    let mut feats = Vec::with_capacity(n * STACKED_FEATURES);
    for i in 0..n {
        let k = i as isize;
        let (ls, rs) = (distance_bucket(left_s[i]), distance_bucket(right_s[i]));
        let (lp, rp) = (distance_bucket(left_p[i]), distance_bucket(right_p[i]));
        let lo = i.saturating_sub(3);
        let hi = (i + 4).min(n);
        let source_near = (lo..hi).any(|j| tags[j].role() == Some(Role::Source)) as u64;
        let shape = shape(doc, first + i) as u64;
        let templates: [u64; STACK_FEATURES] = [
            mix(101, lab(k)),
            mix(102, lab(k - 1) << 8 | lab(k)),
            mix(103, lab(k) << 8 | lab(k + 1)),
            mix(104, lab(k - 1) << 16 | lab(k) << 8 | lab(k + 1)),
            mix(105, lab(k - 2) << 8 | lab(k - 1)),
            mix(106, lab(k + 1) << 8 | lab(k + 2)),
            mix(107, ls << 8 | rs),
            mix(108, lp << 8 | rp),
            mix(109, sent_roles[i] << 8 | source_near),
            mix(110, mix(word(k), lab(k))),
            mix(111, mix(word(k), ls)),
            mix(112, mix(word(k), rs)),
            mix(113, mix(left_word[i], ls << 8 | lp)),
            mix(114, mix(right_word[i], rs << 8 | rp)),
            mix(115, shape << 16 | ls << 8 | rs),
            mix(116, lab(k) << 16 | ls << 8 | rs),
            mix(117, mix(word(k - 1), ls << 8 | lab(k - 1))),
            mix(118, mix(word(k + 1), rs << 8 | lab(k + 1))),
        ];
        feats.extend_from_slice(seq.token(i));
        let mut ids = [0u32; STACK_FEATURES];
        for (id, &h) in ids.iter_mut().zip(&templates) {
            *id = (h >> shift) as u32;
        }
        feats.extend_from_slice(&ids);
    }
    Sequence { first, width: STACKED_FEATURES, feats }
}

/// The best label sequence under `scorer` (BIO constraints enforced).
pub fn viterbi<S: Scorer>(scorer: &S, seq: &Sequence) -> Vec<Label> {
    let n = seq.len();
    if n == 0 {
        return Vec::new();
    }
    const NEG: f32 = f32::NEG_INFINITY;
    let mut back = vec![0u8; n * LABELS];
    let mut prev = [NEG; LABELS];
    let mut cur = [NEG; LABELS];
    // The transitions and the BIO constraints, looked up once per sequence
    // rather than 49 times per token.
    // `trans[y][x]` is `from x to y`; `froms[y][..nfrom[y]]` the labels that
    // may precede `y`, ascending (so ties go to the lowest, as before).
    let mut trans = [[0f32; LABELS + 1]; LABELS];
    let mut froms = [[0usize; LABELS]; LABELS];
    let mut nfrom = [0usize; LABELS];
    for (y, (row, (from, count))) in trans.iter_mut().zip(froms.iter_mut().zip(&mut nfrom)).enumerate() {
        for (x, t) in row.iter_mut().enumerate() {
            *t = scorer.transition(x, y);
            if x < LABELS && allowed(Some(Label::from_index(x)), Label::from_index(y)) {
                from[*count] = x;
                *count += 1;
            }
        }
    }
    for i in 0..n {
        // The next token's rows load while this one is decoded: the table is
        // megabytes of randomly hashed rows, so most reads miss the cache.
        if i + 1 < n {
            scorer.prefetch(seq.token(i + 1));
        }
        let acc = scorer.emission(seq.token(i));
        for (y, slot) in cur.iter_mut().enumerate() {
            if i == 0 {
                *slot = if allowed(None, Label::from_index(y)) { trans[y][LABELS] + acc[y] } else { NEG };
                continue;
            }
            let mut best = NEG;
            let mut arg = 0u8;
            for &x in &froms[y][..nfrom[y]] {
                let p = prev[x];
                if p == NEG {
                    continue;
                }
                let s = p + trans[y][x];
                if s > best {
                    best = s;
                    arg = x as u8;
                }
            }
            *slot = if best == NEG { NEG } else { best + acc[y] };
            back[i * LABELS + y] = arg;
        }
        prev = cur;
    }
    let mut y = (0..LABELS).fold(0, |b, y| if prev[y] > prev[b] { y } else { b });
    let mut out = vec![Label::Outside; n];
    for i in (0..n).rev() {
        out[i] = Label::from_index(y);
        y = back[i * LABELS + y] as usize;
    }
    out
}

/// One training example: a paragraph and its gold labels.
#[derive(Clone, Debug)]
pub struct Example {
    /// The paragraph's features.
    pub seq: Sequence,
    /// One gold label per token of `seq`.
    pub gold: Vec<Label>,
}

/// Training settings.
#[derive(Clone, Copy, Debug)]
pub struct TrainConfig {
    /// Hashed feature rows are `2^bits`: the model's size.
    pub bits: u32,
    /// Passes over the training data, at most.
    pub epochs: usize,
    /// Seeds the shuffles, so the same data gives the same model bytes.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> TrainConfig {
        TrainConfig { bits: 20, epochs: 8, seed: 20161108 }
    }
}

/// Averaged structured perceptron. `after_epoch(epoch, averaged weights)` is
/// called after each epoch (dev scores, progress); it may return false to stop.
pub fn train(examples: &[Example], cfg: TrainConfig, mut after_epoch: impl FnMut(usize, &Weights) -> bool) -> Weights {
    let mut w = Weights::zeros(cfg.bits);
    // `u` accumulates c·update so that the average is w − u/c (Daumé's trick).
    let mut u = Weights::zeros(cfg.bits);
    let mut c: f32 = 1.0;
    let mut order: Vec<usize> = (0..examples.len()).collect();
    let mut rng = cfg.seed | 1;
    let mut averaged = w.clone();
    for epoch in 0..cfg.epochs {
        // Fisher–Yates with xorshift64: same order for the same seed.
        for i in (1..order.len()).rev() {
            rng ^= rng << 13;
            rng ^= rng >> 7;
            rng ^= rng << 17;
            order.swap(i, (rng % (i as u64 + 1)) as usize);
        }
        for &ei in &order {
            let ex = &examples[ei];
            let pred = viterbi(&w, &ex.seq);
            if pred != ex.gold {
                for i in 0..ex.gold.len() {
                    let (g, p) = (ex.gold[i] as usize, pred[i] as usize);
                    if g != p {
                        for &f in ex.seq.token(i) {
                            let base = f as usize * STRIDE;
                            w.emit[base + g] += 1.0;
                            w.emit[base + p] -= 1.0;
                            u.emit[base + g] += c;
                            u.emit[base + p] -= c;
                        }
                    }
                    let gp = if i == 0 { LABELS } else { ex.gold[i - 1] as usize };
                    let pp = if i == 0 { LABELS } else { pred[i - 1] as usize };
                    if gp != pp || g != p {
                        w.trans[gp * LABELS + g] += 1.0;
                        w.trans[pp * LABELS + p] -= 1.0;
                        u.trans[gp * LABELS + g] += c;
                        u.trans[pp * LABELS + p] -= c;
                    }
                }
            }
            c += 1.0;
        }
        averaged = average(&w, &u, c);
        if !after_epoch(epoch, &averaged) {
            break;
        }
    }
    averaged
}

fn average(w: &Weights, u: &Weights, c: f32) -> Weights {
    Weights {
        bits: w.bits,
        emit: w.emit.iter().zip(&u.emit).map(|(a, b)| a - b / c).collect(),
        trans: w.trans.iter().zip(&u.trans).map(|(a, b)| a - b / c).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inside_tags_only_continue_their_role() {
        assert!(!allowed(None, Label::CueInside));
        assert!(!allowed(Some(Label::Outside), Label::ContentInside));
        assert!(!allowed(Some(Label::SourceBegin), Label::CueInside));
        assert!(allowed(Some(Label::ContentBegin), Label::ContentInside));
        assert!(allowed(Some(Label::CueInside), Label::ContentBegin));
    }

    #[test]
    fn viterbi_never_emits_an_orphan_inside_tag() {
        // Weights that prefer ContentInside everywhere: the first token must
        // still begin the span.
        let mut w = Weights::zeros(4);
        for row in 0..16 {
            w.emit[row * STRIDE + Label::ContentInside as usize] = 5.0;
        }
        let seq = Sequence { first: 0, width: FEATURES, feats: (0..3 * FEATURES as u32).map(|i| i % 16).collect() };
        let tags = viterbi(&w, &seq);
        assert_eq!(tags[0], Label::ContentBegin);
        assert_eq!(&tags[1..], &[Label::ContentInside, Label::ContentInside]);
    }

    #[test]
    fn perceptron_learns_a_separable_sequence() {
        let seq = Sequence { first: 0, width: FEATURES, feats: (0..2 * FEATURES as u32).collect() };
        let ex = Example { seq, gold: vec![Label::CueBegin, Label::ContentBegin] };
        let w = train(std::slice::from_ref(&ex), TrainConfig { bits: 8, epochs: 3, seed: 1 }, |_, _| true);
        assert_eq!(viterbi(&w, &ex.seq), ex.gold);
    }
}
