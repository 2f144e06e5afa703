//! The attribution model file: the tagger's weights (quantised) and the
//! decider's, compressed.
//!
//! Layout (all integers little-endian):
//!
//! ```text
//! b"WHOSAIDM"  magic (8 bytes)
//! u32          format version (FORMAT_VERSION)
//! deflate(     payload:
//!   tagger:                          the first pass
//!     u32 feature version   u32 bits   u32 labels   f32 scale
//!     f32 × (labels+1)·labels        transitions (row `labels` = start)
//!     i16 × 2^bits · labels          emission weights, `weight = i16 · scale`
//!   u32 0 or 1                       whether a second (stacked) pass follows
//!   tagger                           the second pass (its own feature version)
//!   u32 decider feature version  u32 bits   f32 threshold  f32 threshold alone
//!   f32 × 2^bits                     decider weights
//!   u64                              FNV-1a of everything above in the payload
//! )
//! ```
//!
//! Format version 1 (one tagger, no stacked-pass flag) is still read.
//!
//! Quantising to 16 bits keeps every decision the float weights make on dev
//! (checked when the model is written) and halves the size; deflate does the
//! rest, because most hashed rows are zero. The same weights always give the
//! same bytes (no timestamps, fixed compression level).

use std::fmt;
use std::io::{Read, Write};

use super::select::DECIDER_FEATURE_VERSION;
use super::tagger::{fnv, Scorer, Weights, FEATURE_VERSION, LABELS, STACK_FEATURE_VERSION, STRIDE};

/// First bytes of a model file: anything else is refused as not a model.
pub const MAGIC: &[u8; 8] = b"WHOSAIDM";
/// Version of the file layout; a file of another version is refused, never
/// misread.
pub const FORMAT_VERSION: u32 = 2;
/// The older format this whosaid still reads (no second pass).
pub const FORMAT_VERSION_SINGLE: u32 = 1;
/// Largest table a file may declare (2^24 rows = 268 MB of i16): a corrupt
/// header must not make us allocate without bound.
const MAX_BITS: u32 = 24;
const MAX_DECIDER_BITS: u32 = 24;

/// Why a model file could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ModelError {
    /// The file does not start with the model magic.
    NotAModel,
    /// Written by another format version.
    FormatVersion {
        /// The file's version.
        found: u32,
        /// This build's [`FORMAT_VERSION`].
        expected: u32,
    },
    /// Trained with other feature templates.
    FeatureVersion {
        /// The file's feature version.
        found: u32,
        /// This build's feature version.
        expected: u32,
    },
    /// Truncated, bad checksum or impossible sizes.
    Corrupt(String),
}

impl fmt::Display for ModelError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ModelError::NotAModel => write!(f, "not a whosaid model file (bad magic)"),
            ModelError::FormatVersion { found, expected } => {
                write!(f, "model format version {found}, this whosaid reads version {expected}")
            }
            ModelError::FeatureVersion { found, expected } => write!(
                f,
                "model trained with feature templates v{found}, this whosaid computes v{expected}: retrain it with `whosaid train`"
            ),
            ModelError::Corrupt(why) => write!(f, "corrupt model file: {why}"),
        }
    }
}

impl std::error::Error for ModelError {}

/// A trained attribution model: the tagger that proposes and the decider
/// that selects.
#[derive(Clone, Debug, PartialEq)]
pub struct Model {
    /// The first pass: proposes candidates from BIO tags.
    pub tagger: Tagger,
    /// The second pass, over the first pass's labels (stacking), when trained.
    pub stacked: Option<Tagger>,
    /// Decides which candidates are statements.
    pub decider: Decider,
}

/// The tagger's weights, quantised.
#[derive(Clone, Debug, PartialEq)]
pub struct Tagger {
    /// Hashed feature rows are `2^bits`: the size and the collision rate.
    pub bits: u32,
    scale: f32,
    /// `2^bits` rows of [`STRIDE`] quantised weights.
    emit: Vec<i16>,
    /// Transitions divided by `scale`, so scores stay in quantised units.
    trans: Vec<f32>,
    /// Transitions as trained (written back unchanged).
    trans_raw: Vec<f32>,
}

impl Scorer for Tagger {
    fn bits(&self) -> u32 {
        self.bits
    }
    #[inline]
    fn add_row(&self, f: u32, acc: &mut [f32; STRIDE]) {
        let base = f as usize * STRIDE;
        let row = &self.emit[base..base + STRIDE];
        for (a, &w) in acc.iter_mut().zip(row) {
            *a += w as f32;
        }
    }
    #[inline]
    fn transition(&self, from: usize, to: usize) -> f32 {
        self.trans[from * LABELS + to]
    }
    /// Sums the i16 rows in i32 and converts once: every partial sum of the
    /// float version is an integer below 2^24 in magnitude (at most 54 rows
    /// of |w| ≤ 32767, 1.8 M; exact up to 512 rows), so f32 holds it exactly
    /// and both give the same floats. Integer adds are also what lets the sum
    /// be vectorised (the float one must keep its order).
    #[inline]
    fn emission(&self, feats: &[u32]) -> [f32; STRIDE] {
        let rows = feats.iter().map(|&f| {
            let base = f as usize * STRIDE;
            let row: &[i16; STRIDE] = self.emit[base..base + STRIDE].try_into().expect("a row is STRIDE weights");
            row
        });
        sum_rows(rows).map(|a| a as f32)
    }
    #[inline]
    fn prefetch(&self, feats: &[u32]) {
        #[cfg(target_arch = "x86_64")]
        for &f in feats {
            use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
            // `get` keeps the address inside the table; a prefetch never
            // faults and changes no value, only what is in cache.
            if let Some(w) = self.emit.get(f as usize * STRIDE) {
                // SAFETY: `w` is a valid reference; prefetching reads nothing.
                unsafe { _mm_prefetch::<_MM_HINT_T0>(w as *const i16 as *const i8) };
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = feats;
    }
}

/// The rows summed lane by lane, widened to i32. On x86-64 with SSE2 (part
/// of its baseline): one load and four vector operations per row instead of
/// eight scalar ones, which LLVM does not find on its own here.
#[inline(always)]
fn sum_rows<'a>(rows: impl Iterator<Item = &'a [i16; STRIDE]>) -> [i32; STRIDE] {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{
            __m128i, _mm_add_epi32, _mm_loadu_si128, _mm_setzero_si128, _mm_srai_epi32, _mm_storeu_si128,
            _mm_unpackhi_epi16, _mm_unpacklo_epi16,
        };
        let mut out = [0i32; STRIDE];
        // SAFETY: SSE2 is always available on x86-64; each load reads exactly
        // the 16 bytes of one `[i16; 8]` row and each store writes one half of
        // `out` (the unaligned forms, so no alignment is assumed).
        unsafe {
            let (mut lo, mut hi) = (_mm_setzero_si128(), _mm_setzero_si128());
            for row in rows {
                let w = _mm_loadu_si128(row.as_ptr() as *const __m128i);
                // Each i16 into the high half of an i32, then an arithmetic
                // shift right: SSE2's sign extension.
                lo = _mm_add_epi32(lo, _mm_srai_epi32::<16>(_mm_unpacklo_epi16(w, w)));
                hi = _mm_add_epi32(hi, _mm_srai_epi32::<16>(_mm_unpackhi_epi16(w, w)));
            }
            let p = out.as_mut_ptr() as *mut __m128i;
            _mm_storeu_si128(p, lo);
            _mm_storeu_si128(p.add(1), hi);
        }
        out
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut out = [0i32; STRIDE];
        for row in rows {
            for (a, &w) in out.iter_mut().zip(row) {
                *a += w as i32;
            }
        }
        out
    }
}

impl Model {
    /// The model's bits of the tagger table.
    pub fn bits(&self) -> u32 {
        self.tagger.bits
    }

    /// The model file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut payload = Vec::new();
        self.tagger.write(&mut payload, FEATURE_VERSION);
        payload.extend_from_slice(&(self.stacked.is_some() as u32).to_le_bytes());
        if let Some(t) = &self.stacked {
            t.write(&mut payload, STACK_FEATURE_VERSION);
        }
        self.decider.write(&mut payload);
        let sum = fnv(&payload);
        payload.extend_from_slice(&sum.to_le_bytes());
        let mut out = Vec::new();
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&FORMAT_VERSION.to_le_bytes());
        let mut enc = flate2::write::DeflateEncoder::new(out, flate2::Compression::new(9));
        enc.write_all(&payload).expect("writing to memory");
        enc.finish().expect("writing to memory")
    }

    /// Reads a model file, checking magic, versions, sizes and checksum.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(ModelError::NotAModel);
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != FORMAT_VERSION && version != FORMAT_VERSION_SINGLE {
            return Err(ModelError::FormatVersion { found: version, expected: FORMAT_VERSION });
        }
        // Read at most the largest legal payload (+1 to detect excess).
        let limit = 2 * (16 + (LABELS + 1) * LABELS * 4 + (1usize << MAX_BITS) * LABELS * 2)
            + 4
            + 16
            + (1usize << MAX_DECIDER_BITS) * 4
            + 8
            + 1;
        let mut payload = Vec::new();
        flate2::read::DeflateDecoder::new(&bytes[12..])
            .take(limit as u64)
            .read_to_end(&mut payload)
            .map_err(|e| ModelError::Corrupt(format!("cannot decompress: {e}")))?;
        if payload.len() < 8 {
            return Err(ModelError::Corrupt("truncated".into()));
        }
        let body = payload.len() - 8;
        let sum_stored = u64::from_le_bytes(payload[body..].try_into().expect("8 bytes"));
        let mut r = Reader { buf: &payload[..body], pos: 0 };
        // Versions first: a model of another version is reported as such,
        // whatever its checksum.
        let tagger = Tagger::read(&mut r, FEATURE_VERSION)?;
        let stacked = match version {
            FORMAT_VERSION_SINGLE => None,
            _ => match r.u32()? {
                0 => None,
                1 => Some(Tagger::read(&mut r, STACK_FEATURE_VERSION)?),
                x => return Err(ModelError::Corrupt(format!("stacked-pass flag {x}"))),
            },
        };
        if stacked.as_ref().is_some_and(|t| t.bits != tagger.bits) {
            // The second pass reuses the first pass's hashed feature ids.
            return Err(ModelError::Corrupt("the two passes' tables differ in size".into()));
        }
        let decider = Decider::read(&mut r)?;
        if r.pos != body {
            return Err(ModelError::Corrupt(format!("{} unexpected bytes at the end", body - r.pos)));
        }
        if fnv(&payload[..body]) != sum_stored {
            return Err(ModelError::Corrupt("checksum mismatch".into()));
        }
        Ok(Model { tagger, stacked, decider })
    }
}

impl Tagger {
    /// Quantises trained weights.
    pub fn from_weights(w: &Weights) -> Tagger {
        let max = w.emit.iter().fold(0f32, |m, x| m.max(x.abs())).max(1e-9);
        let scale = max / i16::MAX as f32;
        let emit = w
            .emit
            .iter()
            .enumerate()
            .map(|(i, x)| if i % STRIDE < LABELS { (x / scale).round().clamp(-32767.0, 32767.0) as i16 } else { 0 })
            .collect();
        let trans = w.trans.iter().map(|t| t / scale).collect();
        Tagger { bits: w.bits, scale, emit, trans, trans_raw: w.trans.clone() }
    }

    fn write(&self, payload: &mut Vec<u8>, feature_version: u32) {
        payload.extend_from_slice(&feature_version.to_le_bytes());
        payload.extend_from_slice(&self.bits.to_le_bytes());
        payload.extend_from_slice(&(LABELS as u32).to_le_bytes());
        payload.extend_from_slice(&self.scale.to_le_bytes());
        for t in &self.trans_raw {
            payload.extend_from_slice(&t.to_le_bytes());
        }
        for row in self.emit.chunks(STRIDE) {
            for w in &row[..LABELS] {
                payload.extend_from_slice(&w.to_le_bytes());
            }
        }
    }

    fn read(r: &mut Reader, expected: u32) -> Result<Tagger, ModelError> {
        let feature_version = r.u32()?;
        if feature_version != expected {
            return Err(ModelError::FeatureVersion { found: feature_version, expected });
        }
        let bits = r.u32()?;
        let labels = r.u32()? as usize;
        if labels != LABELS {
            return Err(ModelError::Corrupt(format!("{labels} labels, expected {LABELS}")));
        }
        if !(1..=MAX_BITS).contains(&bits) {
            return Err(ModelError::Corrupt(format!("table of 2^{bits} rows")));
        }
        let scale = r.f32()?;
        if !(scale.is_finite() && scale > 0.0) {
            return Err(ModelError::Corrupt(format!("weight scale {scale}")));
        }
        let rows = 1usize << bits;
        if r.buf.len() < r.pos + (LABELS + 1) * LABELS * 4 + rows * LABELS * 2 {
            return Err(ModelError::Corrupt("truncated tagger weights".into()));
        }
        let mut trans_raw = Vec::with_capacity((LABELS + 1) * LABELS);
        for _ in 0..(LABELS + 1) * LABELS {
            let t = r.f32()?;
            if !t.is_finite() {
                return Err(ModelError::Corrupt("non-finite transition".into()));
            }
            trans_raw.push(t);
        }
        let trans = trans_raw.iter().map(|t| t / scale).collect();
        let mut emit = vec![0i16; rows * STRIDE];
        for row in emit.chunks_mut(STRIDE) {
            for w in &mut row[..LABELS] {
                *w = r.i16()?;
            }
        }
        Ok(Tagger { bits, scale, emit, trans, trans_raw })
    }
}

/// The decider: logistic regression over hashed candidate features, and the
/// probability a candidate needs to be kept.
#[derive(Clone, Debug, PartialEq)]
pub struct Decider {
    /// Hashed feature rows are `2^bits`.
    pub bits: u32,
    /// One weight per hashed feature row.
    pub weights: Vec<f32>,
    /// Probability a tagger candidate needs when it covers a rule candidate.
    pub threshold: f32,
    /// Probability a tagger candidate needs when no rule candidate found the
    /// same attribution (it must also have a speaker).
    pub threshold_alone: f32,
}

impl Decider {
    /// A decider that keeps every candidate it does not see a reason against:
    /// zero weights give probability 0.5, kept at threshold 0.5.
    pub fn keep_all(bits: u32) -> Decider {
        Decider { bits, weights: vec![0.0; 1 << bits], threshold: 0.5, threshold_alone: 0.5 }
    }

    /// Probability that a candidate with these features is a real attribution.
    pub fn probability(&self, feats: &[u32]) -> f32 {
        let z: f32 = feats.iter().map(|&f| self.weights[f as usize]).sum();
        1.0 / (1.0 + (-z).exp())
    }

    fn write(&self, payload: &mut Vec<u8>) {
        payload.extend_from_slice(&DECIDER_FEATURE_VERSION.to_le_bytes());
        payload.extend_from_slice(&self.bits.to_le_bytes());
        payload.extend_from_slice(&self.threshold.to_le_bytes());
        payload.extend_from_slice(&self.threshold_alone.to_le_bytes());
        for w in &self.weights {
            payload.extend_from_slice(&w.to_le_bytes());
        }
    }

    fn read(r: &mut Reader) -> Result<Decider, ModelError> {
        let version = r.u32()?;
        if version != DECIDER_FEATURE_VERSION {
            return Err(ModelError::FeatureVersion { found: version, expected: DECIDER_FEATURE_VERSION });
        }
        let bits = r.u32()?;
        if !(1..=MAX_DECIDER_BITS).contains(&bits) {
            return Err(ModelError::Corrupt(format!("decider table of 2^{bits} rows")));
        }
        let threshold = r.f32()?;
        let threshold_alone = r.f32()?;
        if !(0.0..=1.0).contains(&threshold) || !(0.0..=1.0).contains(&threshold_alone) {
            return Err(ModelError::Corrupt(format!("decider thresholds {threshold}, {threshold_alone}")));
        }
        if r.buf.len() < r.pos + (1usize << bits) * 4 {
            return Err(ModelError::Corrupt("truncated decider weights".into()));
        }
        let mut weights = Vec::with_capacity(1 << bits);
        for _ in 0..1usize << bits {
            let w = r.f32()?;
            if !w.is_finite() {
                return Err(ModelError::Corrupt("non-finite decider weight".into()));
            }
            weights.push(w);
        }
        Ok(Decider { bits, weights, threshold, threshold_alone })
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn take<const N: usize>(&mut self) -> Result<[u8; N], ModelError> {
        let s = self.buf.get(self.pos..self.pos + N).ok_or_else(|| ModelError::Corrupt("truncated".into()))?;
        self.pos += N;
        Ok(s.try_into().expect("N bytes"))
    }
    fn u32(&mut self) -> Result<u32, ModelError> {
        self.take::<4>().map(u32::from_le_bytes)
    }
    fn f32(&mut self) -> Result<f32, ModelError> {
        self.take::<4>().map(f32::from_le_bytes)
    }
    fn i16(&mut self) -> Result<i16, ModelError> {
        self.take::<2>().map(i16::from_le_bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Model {
        Model {
            tagger: small_tagger(),
            stacked: Some(small_tagger()),
            decider: Decider {
                bits: 3,
                weights: (0..8).map(|i| i as f32 - 4.0).collect(),
                threshold: 0.4,
                threshold_alone: 0.6,
            },
        }
    }

    fn small_tagger() -> Tagger {
        let mut w = Weights::zeros(6);
        for (i, x) in w.emit.iter_mut().enumerate() {
            *x = ((i * 37) % 11) as f32 - 5.0;
        }
        for (i, t) in w.trans.iter_mut().enumerate() {
            *t = i as f32 * 0.25 - 3.0;
        }
        Tagger::from_weights(&w)
    }

    /// The vectorised integer sum must give the floats of the row-by-row
    /// one, with full-scale weights of both signs (the quantiser maps the
    /// largest magnitude to ±32767) and the widest token (54 rows).
    #[test]
    fn emission_equals_the_row_by_row_float_sum() {
        let mut w = Weights::zeros(6);
        for (i, x) in w.emit.iter_mut().enumerate() {
            *x = ((i * 7919) % 65535) as f32 - 32767.0;
        }
        let t = Tagger::from_weights(&w);
        for seed in 0..64u32 {
            let feats: Vec<u32> = (0..54).map(|k| (seed * 31 + k * 17 + k * k) % 64).collect();
            let mut acc = [0f32; STRIDE];
            for &f in &feats {
                t.add_row(f, &mut acc);
            }
            assert_eq!(t.emission(&feats), acc);
        }
        // All rows at the extreme, so the sum is as far from zero as it gets.
        let far: Vec<u32> = vec![63; 54];
        let mut acc = [0f32; STRIDE];
        for &f in &far {
            t.add_row(f, &mut acc);
        }
        assert_eq!(t.emission(&far), acc);
    }

    #[test]
    fn round_trips_byte_for_byte() {
        let m = small();
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.to_bytes(), bytes);
        assert_eq!(back, m);
    }

    #[test]
    fn a_model_without_a_second_pass_round_trips() {
        let mut m = small();
        m.stacked = None;
        let bytes = m.to_bytes();
        assert_eq!(Model::from_bytes(&bytes).unwrap(), m);
    }

    #[test]
    fn rejects_damage_with_a_reason() {
        let bytes = small().to_bytes();
        assert_eq!(Model::from_bytes(b"hello world, not a model"), Err(ModelError::NotAModel));
        let mut v = bytes.clone();
        v[8] = 9;
        assert!(matches!(Model::from_bytes(&v), Err(ModelError::FormatVersion { found: 9, .. })));
        let truncated = &bytes[..bytes.len() / 2];
        assert!(matches!(Model::from_bytes(truncated), Err(ModelError::Corrupt(_))));
        let mut flipped = bytes.clone();
        let k = flipped.len() - 3;
        flipped[k] ^= 0x55;
        assert!(Model::from_bytes(&flipped).is_err());
    }
}
