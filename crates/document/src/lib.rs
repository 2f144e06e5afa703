//! The `Document`: one article's cleaned text plus stand-off annotations.
//!
//! Every pipeline stage reads the annotations of earlier stages and appends its
//! own; nothing re-parses text another stage already understood. All spans are
//! byte ranges into [`Document::text`] (the cleaned text); [`OffsetMap`] maps
//! them back to the raw input. Serialisation to JSON (see [`output`]) converts
//! byte offsets to Unicode code points, the unit Python and JavaScript use.
//!
//! Invariants (checked by property tests in the `whosaid` crate):
//! - every span satisfies `start <= end <= text.len()` and lies on `char`
//!   boundaries;
//! - annotation vectors are sorted by start offset (statements by content start);
//! - indices between vectors (mention → entity, statement → mention) are valid.
#![deny(missing_docs)]

pub mod charmap;
pub mod coding;
pub mod dates;
pub mod names;
pub mod output;
pub mod shared_data;

use chrono::NaiveDate;

/// A half-open byte range `[start, end)` into the cleaned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// `[start, end)`; `start <= end` (checked in debug builds).
    pub fn new(start: usize, end: usize) -> Span {
        debug_assert!(start <= end);
        Span { start, end }
    }
    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    /// Whether it covers no byte.
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }
    /// Whether `other` lies wholly inside this span.
    pub fn contains(&self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
    /// Whether the two share at least one byte.
    pub fn overlaps(&self, other: Span) -> bool {
        self.start < other.end && other.start < self.end
    }
    /// The text it covers (`text` must be the text it indexes).
    pub fn slice<'t>(&self, text: &'t str) -> &'t str {
        &text[self.start..self.end]
    }
}

/// One contiguous piece of cleaned text copied from the raw input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Where the piece starts in the cleaned text.
    pub clean: usize,
    /// Where it starts in the raw input.
    pub raw: usize,
    /// Its length in bytes (the same in both).
    pub len: usize,
}

/// Maps cleaned-text byte offsets back to raw-input byte offsets.
///
/// Cleaning only ever *drops* raw text or inserts separators (a newline between
/// kept blocks), so the map is a sorted list of copied pieces. An offset inside
/// an inserted separator maps to the raw offset just after the previous piece.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OffsetMap {
    /// Sorted by `clean`, non-overlapping.
    pub pieces: Vec<Piece>,
}

impl OffsetMap {
    /// Chains this map (clean → intermediate) with `outer` (intermediate →
    /// source, as pieces), giving clean → source. Used when the raw text was
    /// itself extracted from HTML. Parts of a piece that `outer` does not
    /// cover map to the start of the nearest outer piece before them.
    pub fn compose(&self, outer: &[Piece]) -> OffsetMap {
        let mut out = Vec::with_capacity(self.pieces.len());
        for p in &self.pieces {
            let (mut clean, mut raw, mut left) = (p.clean, p.raw, p.len);
            while left > 0 {
                let idx = outer.partition_point(|o| o.clean <= raw);
                let Some(o) = idx.checked_sub(1).map(|i| outer[i]) else {
                    out.push(Piece { clean, raw: outer.first().map(|o| o.raw).unwrap_or(0), len: left });
                    break;
                };
                let inside = (o.clean + o.len).saturating_sub(raw);
                if inside == 0 {
                    // Gap between outer pieces: one byte maps to the piece end.
                    let next = outer.get(idx).map(|n| n.clean).unwrap_or(raw + left);
                    let step = (next - raw).min(left).max(1);
                    out.push(Piece { clean, raw: o.raw + o.len, len: 0 });
                    clean += step;
                    raw += step;
                    left -= step;
                    continue;
                }
                let take = inside.min(left);
                out.push(Piece { clean, raw: o.raw + (raw - o.clean), len: take });
                clean += take;
                raw += take;
                left -= take;
            }
        }
        out.retain(|p| p.len > 0);
        OffsetMap { pieces: out }
    }

    /// The raw offset of a clean offset (see [`lookup`]).
    pub fn to_raw(&self, clean: usize) -> usize {
        lookup(&self.pieces, clean, |p| (p.clean, p.raw, p.len))
    }

    /// The raw byte ranges a clean span was copied from, one per piece it
    /// overlaps, in order. Unlike mapping both ends through [`Self::to_raw`], a
    /// span that crosses a dropped line (or an inserted separator) never
    /// picks up raw text cleaning removed.
    pub fn raw_ranges(&self, span: Span) -> Vec<(usize, usize)> {
        let first = self.pieces.partition_point(|p| p.clean + p.len <= span.start);
        let mut out = Vec::new();
        for p in &self.pieces[first..] {
            if p.clean >= span.end {
                break;
            }
            let lo = span.start.max(p.clean);
            let hi = span.end.min(p.clean + p.len);
            if lo < hi {
                out.push((p.raw + (lo - p.clean), p.raw + (hi - p.clean)));
            }
        }
        out
    }

    /// The clean spans copied from raw bytes `raw_start..raw_end`, one per
    /// piece it overlaps (raw text cleaning dropped has none).
    pub fn clean_spans(&self, raw_start: usize, raw_end: usize) -> Vec<Span> {
        let mut out = Vec::new();
        for p in &self.pieces {
            let lo = raw_start.max(p.raw);
            let hi = raw_end.min(p.raw + p.len);
            if lo < hi {
                out.push(Span::new(p.clean + (lo - p.raw), p.clean + (hi - p.raw)));
            }
        }
        out
    }
}

/// The one offset lookup through copied pieces, for every map of the kind
/// (clean → raw here, article text → HTML in `whosaid_html::Article::to_html`):
/// `pieces` are `(from, to, len)` sorted by `from`; an offset inside a piece
/// moves with it, an offset in a gap between pieces belongs to the end of the
/// piece before it, and one before the first piece maps to that piece's start.
pub fn lookup<P: Copy>(pieces: &[P], at: usize, parts: impl Fn(P) -> (usize, usize, usize)) -> usize {
    let idx = pieces.partition_point(|&p| parts(p).0 <= at);
    match idx.checked_sub(1) {
        None => pieces.first().map(|&p| parts(p).1).unwrap_or(0),
        Some(i) => {
            let (from, to, len) = parts(pieces[i]);
            to + (at - from).min(len)
        }
    }
}

/// Metadata known about the input before extraction (from the reader or flags).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Meta {
    /// The document id (`--id`, a JSONL `id`): the store's key when given.
    pub id: Option<String>,
    /// The article's title.
    pub title: Option<String>,
    /// The article's URL (gives the outlet's site).
    pub url: Option<String>,
    /// The outlet's name.
    pub outlet: Option<String>,
    /// Who wrote it.
    pub byline: Option<String>,
    /// Publication date: the anchor of relative time expressions.
    pub published: Option<NaiveDate>,
}

/// Why a raw line was dropped by cleaning.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BoilerplateKind {
    /// "Click here if you are not redirected".
    Redirect,
    /// A newsletter sign-up.
    Newsletter,
    /// An advertisement marker.
    Advertisement,
    /// A cookie notice.
    Cookies,
    /// Share buttons ("Share on Facebook").
    Share,
    /// A photo credit line.
    PhotoCredit,
    /// "Read more" links.
    ReadMore,
    /// Site navigation, and any boilerplate line of no other kind.
    Navigation,
    /// The byline line.
    Byline,
}

impl BoilerplateKind {
    /// The `reason` written in `whosaid/1` output.
    pub fn as_str(self) -> &'static str {
        match self {
            BoilerplateKind::Redirect => "redirect",
            BoilerplateKind::Newsletter => "newsletter",
            BoilerplateKind::Advertisement => "advertisement",
            BoilerplateKind::Cookies => "cookies",
            BoilerplateKind::Share => "share",
            BoilerplateKind::PhotoCredit => "photo-credit",
            BoilerplateKind::ReadMore => "read-more",
            BoilerplateKind::Navigation => "navigation",
            BoilerplateKind::Byline => "byline",
        }
    }
}

/// A raw-input line that cleaning removed (raw byte offsets).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Removed {
    /// Where the line was in the raw input.
    pub raw: Span,
    /// Why it was removed.
    pub kind: BoilerplateKind,
    /// The line as it was.
    pub text: String,
}

/// A paragraph of the cleaned text (one kept line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paragraph {
    /// Where it is in the cleaned text.
    pub span: Span,
    /// A title or standfirst line: no final punctuation, first in the text.
    pub is_headline: bool,
}

/// A sentence; sentences never cross paragraphs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sentence {
    /// Where it is in the cleaned text.
    pub span: Span,
    /// Index of its paragraph in `Document::paragraphs`.
    pub paragraph: usize,
}

/// What a token is, for the stages that read tokens.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// A word (letters, possibly with inner apostrophes or hyphens).
    Word,
    /// A number.
    Number,
    /// Quotation mark; `open`/`close` says how it can act, both for `"`.
    Quote {
        /// It can open a quotation.
        open: bool,
        /// It can close a quotation.
        close: bool,
    },
    /// Any other punctuation.
    Punct,
}

/// A token of the cleaned text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Token {
    /// Where it is in the cleaned text.
    pub span: Span,
    /// What it is.
    pub kind: TokenKind,
    /// Index of its sentence in `Document::sentences`.
    pub sentence: usize,
}

/// A quoted passage: `span` includes the marks, `inner` excludes them. A quote
/// whose closing mark is missing at a paragraph end continues into the next
/// paragraph when that one opens with a quotation mark (news convention).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quotation {
    /// The passage with its quotation marks.
    pub span: Span,
    /// The passage without them.
    pub inner: Span,
    /// Whether a closing mark was found (else it ends at its paragraph).
    pub closed: bool,
}

/// What kind of actor an entity or mention is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EntityType {
    /// A person.
    Person,
    /// A company, party, ministry, agency, ….
    Organization,
    /// A news outlet.
    Media,
    /// A country, city or region (or its government, by metonymy).
    Place,
    /// A plural actor ("Russian officials").
    Group,
    /// A text cited as a source: a poll, report, ruling or ad ("A Quinnipiac
    /// University poll found"). Never a person, so never "he" or "she".
    Document,
}

impl EntityType {
    /// The `type` written in `whosaid/1` output.
    pub fn as_str(self) -> &'static str {
        match self {
            EntityType::Person => "person",
            EntityType::Organization => "organization",
            EntityType::Media => "media",
            EntityType::Place => "place",
            EntityType::Group => "group",
            EntityType::Document => "document",
        }
    }
}

/// How a mention refers to its entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum MentionKind {
    /// A proper name, possibly with a title before it ("President Donald Trump").
    Name,
    /// A role without a name ("the US secretary of state", "the president").
    Title,
    /// A common-noun phrase for an entity named elsewhere ("the outlet").
    Nominal,
    /// A personal or relative pronoun ("he", "who").
    Pronoun,
    /// A plural actor defined by a description ("Russian officials").
    Group,
}

impl MentionKind {
    /// Every kind, in declaration order.
    pub const ALL: [MentionKind; 5] =
        [MentionKind::Name, MentionKind::Title, MentionKind::Nominal, MentionKind::Pronoun, MentionKind::Group];

    /// The kind named by [`Self::as_str`]'s word (exactly, lower case).
    pub fn parse(s: &str) -> Option<MentionKind> {
        MentionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The `kind` written in `whosaid/1` output.
    pub fn as_str(self) -> &'static str {
        match self {
            MentionKind::Name => "name",
            MentionKind::Title => "title",
            MentionKind::Nominal => "nominal",
            MentionKind::Pronoun => "pronoun",
            MentionKind::Group => "group",
        }
    }
}

/// Index of a mention in [`Document::mentions`]: what statements, entities
/// and the coding stage point at. Written as a bare number in output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct MentionId(pub usize);

/// Index of an entity in [`Document::entities`]: what a mention resolves to.
/// Written as a bare number in output.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct EntityId(pub usize);

macro_rules! typed_index {
    ($id:ident, $item:ty) => {
        impl $id {
            /// The position it stands for.
            pub fn index(self) -> usize {
                self.0
            }
        }
        impl std::fmt::Display for $id {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }
        impl std::ops::Index<$id> for [$item] {
            type Output = $item;
            fn index(&self, id: $id) -> &$item {
                &self[id.0]
            }
        }
        impl std::ops::IndexMut<$id> for [$item] {
            fn index_mut(&mut self, id: $id) -> &mut $item {
                &mut self[id.0]
            }
        }
        impl std::ops::Index<$id> for Vec<$item> {
            type Output = $item;
            fn index(&self, id: $id) -> &$item {
                &self[id.0]
            }
        }
        impl std::ops::IndexMut<$id> for Vec<$item> {
            fn index_mut(&mut self, id: $id) -> &mut $item {
                &mut self[id.0]
            }
        }
    };
}
typed_index!(MentionId, Mention);
typed_index!(EntityId, Entity);

/// A span of text that refers to an actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mention {
    /// The whole mention, title included.
    pub span: Span,
    /// How it refers.
    pub kind: MentionKind,
    /// What kind of actor it refers to.
    pub etype: EntityType,
    /// The name part of a Name mention (without title or possessor).
    pub name: Option<Span>,
    /// Normalised title or role ("US Secretary of State").
    pub title: Option<String>,
    /// A place used for its government ("Moscow has maintained").
    pub metonymic: bool,
    /// The entity it refers to, set by the entity stage.
    pub entity: Option<EntityId>,
    /// Inside a quotation: not a candidate speaker of that quotation.
    pub in_quote: bool,
}

/// One actor of the article: its mentions joined by coreference.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entity {
    /// Canonical name: the fullest name mention.
    pub name: String,
    /// What kind of actor it is.
    pub etype: EntityType,
    /// Titles and roles its mentions give it.
    pub titles: Vec<String>,
    /// Its mentions, ascending.
    pub mentions: Vec<MentionId>,
    /// For a government entity reached by metonymy: the place that stood for it.
    pub metonym_of: Option<String>,
}

/// What form a time expression has (how its date was resolved).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimeKind {
    /// A weekday ("on Wednesday", "last Friday").
    Weekday,
    /// Relative to the publication date ("yesterday", "last week").
    Relative,
    /// A month ("in March", "last month").
    Month,
    /// A full calendar date ("April 23, 2025").
    Absolute,
    /// "later", "earlier" next to a cue: a time without a date.
    Vague,
}

/// A time expression of the text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeExpr {
    /// Where it is in the cleaned text.
    pub span: Span,
    /// Its form.
    pub kind: TimeKind,
    /// For `Month`, the date is the first of the month and is written `YYYY-MM`.
    /// Resolved calendar date (with a publication date or an absolute date).
    pub date: Option<NaiveDate>,
}

/// How a statement reports what was said.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum StatementKind {
    /// Quoted word for word.
    Direct,
    /// Reported speech, not quoted ("he said that …").
    Indirect,
    /// Reported speech with a quoted part.
    Mixed,
    /// An attributed belief or intention ("Trump believes …", "Clinton wants …"):
    /// not speech, kept apart so speech-only users can filter it out.
    Belief,
}

impl StatementKind {
    /// Every kind, in the order filters and statistics list them.
    pub const ALL: [StatementKind; 4] =
        [StatementKind::Direct, StatementKind::Indirect, StatementKind::Mixed, StatementKind::Belief];

    /// The kind named by [`Self::as_str`]'s word (exactly, lower case).
    pub fn parse(s: &str) -> Option<StatementKind> {
        StatementKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The kinds' words joined by ", " (for error messages).
    pub fn list() -> String {
        StatementKind::ALL.map(StatementKind::as_str).join(", ")
    }

    /// The `kind` written in output and taken by filters.
    pub fn as_str(self) -> &'static str {
        match self {
            StatementKind::Direct => "direct",
            StatementKind::Indirect => "indirect",
            StatementKind::Mixed => "mixed",
            StatementKind::Belief => "belief",
        }
    }
}

/// Who said what: an attribution found in the article.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// How it is reported.
    pub kind: StatementKind,
    /// What was said. For a quotation split by its attribution (“A,” he said,
    /// “B.”) this runs from A to B and `parts` lists the pieces.
    pub content: Span,
    /// The pieces of a discontinuous content; empty when `content` is contiguous.
    pub parts: Vec<Span>,
    /// None for a quotation carried over from the previous speaker or left
    /// unattributed.
    pub cue: Option<Span>,
    /// Normalised cue ("say", "tell", "according to"); empty without a cue.
    pub cue_lemma: String,
    /// The speaker as written.
    pub speaker: Option<MentionId>,
    /// The addressee or medium ("told AFP", "in an interview with ...").
    pub addressee: Option<MentionId>,
    /// Index into `Document::times`.
    pub time: Option<usize>,
    /// How sure the pipeline is, 0..1 (the decider's probability under the learned selector).
    pub confidence: f32,
    /// Which rule produced it; useful when reading errors.
    pub rule: &'static str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compose_chains_two_maps() {
        // clean "bc" = text[1..3]; text "abc" came from html[10..13]
        let inner = OffsetMap { pieces: vec![Piece { clean: 0, raw: 1, len: 2 }] };
        let outer = [Piece { clean: 0, raw: 10, len: 3 }];
        let m = inner.compose(&outer);
        assert_eq!(m.to_raw(0), 11);
        assert_eq!(m.to_raw(1), 12);
        // split across two outer pieces
        let outer = [Piece { clean: 0, raw: 10, len: 2 }, Piece { clean: 2, raw: 50, len: 5 }];
        let m = inner.compose(&outer);
        assert_eq!(m.to_raw(0), 11);
        assert_eq!(m.to_raw(1), 50);
    }

    /// raw "ab\nXX\ncd": clean "ab\ncd" dropped the line "XX".
    fn dropped_line() -> OffsetMap {
        OffsetMap { pieces: vec![Piece { clean: 0, raw: 0, len: 2 }, Piece { clean: 3, raw: 6, len: 2 }] }
    }

    #[test]
    fn lookup_moves_inside_pieces_and_sticks_in_gaps() {
        let m = dropped_line();
        assert_eq!(m.to_raw(0), 0);
        assert_eq!(m.to_raw(1), 1);
        // The inserted "\n" belongs to the end of the piece before it.
        assert_eq!(m.to_raw(2), 2);
        assert_eq!(m.to_raw(3), 6);
        assert_eq!(m.to_raw(5), 8);
        assert_eq!(m.to_raw(99), 8);
        assert_eq!(OffsetMap::default().to_raw(7), 0);
        // Before the first piece: its start.
        let late = [(5usize, 100usize, 3usize)];
        assert_eq!(lookup(&late, 2, |p| p), 100);
        assert_eq!(lookup(&late, 6, |p| p), 101);
    }

    #[test]
    fn spans_map_per_piece_both_ways() {
        let m = dropped_line();
        // "b\nc" covers two pieces and never the dropped "XX".
        assert_eq!(m.raw_ranges(Span::new(1, 4)), vec![(1, 2), (6, 7)]);
        assert_eq!(m.raw_ranges(Span::new(2, 3)), Vec::<(usize, usize)>::new());
        assert_eq!(m.clean_spans(1, 7), vec![Span::new(1, 2), Span::new(3, 4)]);
        assert_eq!(m.clean_spans(3, 5), Vec::<Span>::new());
    }
}

/// A contested term as written ("Kiev"), from the terminology lexicon: which
/// group of competing terms it belongs to and what it stands against. Kept
/// apart from mentions: it records a wording choice, not an actor.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Term {
    /// Where the term is in the cleaned text.
    pub span: Span,
    /// The lexicon form matched ("Kiev"; the text may read "KIEV" or "Kiev’s").
    pub term: String,
    /// The contested referent ("Kyiv", "Maidan 2014").
    pub group: String,
    /// `place`, `name` or `phrase`.
    pub kind: String,
    /// The counterpart form(s), " / " between several.
    pub variant_of: String,
}

/// One article and everything the pipeline found in it.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Input path or id.
    pub source: String,
    /// What the input said about the article.
    pub meta: Meta,
    /// Byte length of the raw input the cleaned text came from.
    pub raw_len: usize,
    /// The cleaned text every span indexes (never modified after cleaning).
    pub text: String,
    /// Clean → raw offsets.
    pub offsets: OffsetMap,
    /// Raw lines cleaning dropped.
    pub removed: Vec<Removed>,
    /// Paragraphs, sorted.
    pub paragraphs: Vec<Paragraph>,
    /// Sentences, sorted.
    pub sentences: Vec<Sentence>,
    /// Tokens, sorted.
    pub tokens: Vec<Token>,
    /// Quotations, sorted by start.
    pub quotations: Vec<Quotation>,
    /// Mentions, sorted by start (longer first).
    pub mentions: Vec<Mention>,
    /// Entities (coreference chains).
    pub entities: Vec<Entity>,
    /// Time expressions, sorted by start.
    pub times: Vec<TimeExpr>,
    /// Statements, sorted by content start.
    pub statements: Vec<Statement>,
    /// Contested terms (terminology stage), sorted by start, longer first.
    pub terms: Vec<Term>,
    /// Issues and stances per statement (coding stage), sorted by statement
    /// then term start.
    pub codings: Vec<coding::Coding>,
    /// Actors referred to inside statements (coding stage), sorted by
    /// statement then mention.
    pub references: Vec<coding::ActorRef>,
    /// Id of an earlier document this one nearly duplicates (set by batch runs).
    pub duplicate_of: Option<String>,
}

impl Document {
    /// The cleaned text under `span`.
    pub fn slice(&self, span: Span) -> &str {
        span.slice(&self.text)
    }

    /// Index of the sentence containing byte `offset` (or the last before it).
    pub fn sentence_at(&self, offset: usize) -> Option<usize> {
        let idx = self.sentences.partition_point(|s| s.span.start <= offset);
        idx.checked_sub(1)
    }

    /// Index of the first token starting at or after byte `byte` (tokens are
    /// sorted): the token index of a span's start, or one past its end.
    pub fn token_at(&self, byte: usize) -> usize {
        self.tokens.partition_point(|t| t.span.start < byte)
    }

    /// Canonical name of the entity a mention resolves to.
    pub fn entity_name(&self, mention: MentionId) -> Option<&str> {
        let e = self.mentions.get(mention.0)?.entity?;
        self.entities.get(e.0).map(|e| e.name.as_str())
    }
}

/// FNV-1a 128 of `bytes`, as 32 lowercase hex digits: stable on every
/// machine and build, which `DefaultHasher` does not promise.
pub fn fnv1a_128_hex(bytes: &[u8]) -> String {
    const OFFSET: u128 = 0x6c62272e07bb014262b821756295c58d;
    const PRIME: u128 = 0x0000000001000000000000000000013B;
    let mut h = OFFSET;
    for &b in bytes {
        h ^= u128::from(b);
        h = h.wrapping_mul(PRIME);
    }
    format!("{h:032x}")
}

/// The content hash of a document: of its cleaned text, so the same article
/// read from another path (or from `whosaid extract` JSONL) is recognised.
pub fn content_hash(text: &str) -> String {
    fnv1a_128_hex(text.as_bytes())
}

/// The one identity rule for documents, used by batch runs (resume, duplicate
/// marking) and the store (its key): the id when it has a non-blank one, else
/// its source. None when only the content can tell it apart (stdin without an
/// id); see [`document_key`].
pub fn known_key(id: Option<&str>, source: &str) -> Option<String> {
    match id.map(str::trim).filter(|s| !s.is_empty()) {
        Some(id) => Some(id.to_string()),
        None if source == "-" || source.is_empty() => None,
        None => Some(source.to_string()),
    }
}

/// [`known_key`], else `stdin:` and the start of the content hash of the
/// cleaned text, so two different articles piped in never share a key.
pub fn document_key(id: Option<&str>, source: &str, text: &str) -> String {
    known_key(id, source).unwrap_or_else(|| format!("stdin:{}", &content_hash(text)[..16]))
}
