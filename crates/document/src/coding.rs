//! Stand-off annotations of the coding stage: which issues (concepts) a
//! statement is about, the speaker's stance on each, and the actors the
//! statement's content refers to.
//!
//! They live beside the statements (indices into `Document::statements`)
//! rather than inside `Statement`, so the statement stage never sees them and
//! a document without coding is simply one with empty vectors.

use crate::Span;

/// Agreement of a speaker with an issue. `Unknown` is the conservative
/// default: the coder only says support or oppose on explicit evidence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Stance {
    /// The speaker is for it.
    Support,
    /// The speaker is against it.
    Oppose,
    /// No explicit evidence either way.
    Unknown,
}

impl Stance {
    /// The `stance` written in output.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::Support => "support",
            Stance::Oppose => "oppose",
            Stance::Unknown => "unknown",
        }
    }

    /// The stance named by [`Stance::as_str`]'s word.
    pub fn parse(s: &str) -> Option<Stance> {
        match s {
            "support" => Some(Stance::Support),
            "oppose" => Some(Stance::Oppose),
            "unknown" => Some(Stance::Unknown),
            _ => None,
        }
    }

    /// The opposite stance; `Unknown` stays unknown.
    pub fn flip(self) -> Stance {
        match self {
            Stance::Support => Stance::Oppose,
            Stance::Oppose => Stance::Support,
            Stance::Unknown => Stance::Unknown,
        }
    }
}

/// Where an issue came from: the user's codebook, or the built-in fallback
/// (a named entity or a key noun phrase of the content).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum IssueOrigin {
    /// An issue of the user's codebook.
    Codebook,
    /// A named entity of the content (no codebook).
    Entity,
    /// A key noun phrase of the content (no codebook).
    Phrase,
}

impl IssueOrigin {
    /// The `origin` written in output.
    pub fn as_str(self) -> &'static str {
        match self {
            IssueOrigin::Codebook => "codebook",
            IssueOrigin::Entity => "entity",
            IssueOrigin::Phrase => "phrase",
        }
    }
}

/// One issue coded on one statement (at most one per statement and issue).
#[derive(Clone, Debug, PartialEq)]
pub struct Coding {
    /// Index into `Document::statements`.
    pub statement: usize,
    /// The issue (concept) name: a codebook issue, or the fallback term.
    pub issue: String,
    /// The codebook categories above the issue, outermost first, joined by " / ".
    pub category: Option<String>,
    /// Where the issue came from.
    pub origin: IssueOrigin,
    /// The first place in the content where the issue was recognised.
    pub term: Span,
    /// The speaker's agreement with the issue.
    pub stance: Stance,
    /// Confidence in `stance` (0 for unknown).
    pub confidence: f32,
    /// The word or phrase that decided the stance (a cue, a polarity phrase).
    pub evidence: Option<Span>,
    /// How the stance was decided: "cue", "modifier", "predicate", "conflict"
    /// (occurrences disagreed) or "none".
    pub rule: &'static str,
}

/// An actor mentioned inside a statement's content: a directed edge from the
/// statement's speaker to the mention's entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ActorRef {
    /// Index into `Document::statements`.
    pub statement: usize,
    /// Its first mention in the content.
    pub mention: crate::MentionId,
}
