//! whosaid — who said what in news text.
//!
//! The pipeline is a fixed sequence of stages, each adding stand-off
//! annotations to one [`Document`]:
//!
//! ```text
//! clean → segment → mentions → entities → time → statements → speakers → (time attached) → terminology
//! ```
//!
//! ```
//! let pipeline = whosaid::Pipeline::default();
//! let doc = pipeline.extract("“We will win,” Rubio said.", "example", Default::default());
//! assert_eq!(doc.statements.len(), 1);
//! assert_eq!(doc.entity_name(doc.statements[0].speaker.unwrap()), Some("Rubio"));
//! ```

#![deny(missing_docs)]

pub mod clean;
pub mod coding;
pub mod cues;
pub mod entities;
pub mod mentions;
pub mod segment;
pub mod speakers;
pub mod statements;
pub mod terminology;
pub mod time;

pub use statements::{Model, ModelError, Selector};
pub use whosaid_document as document;
pub use whosaid_document::{Document, Meta};
pub use whosaid_lexicon::Lexicon;

/// The configured pipeline. Cheap to share across threads (`&Pipeline` is `Sync`).
#[derive(Clone, Debug)]
pub struct Pipeline {
    lexicon: Lexicon,
    selector: Selector,
    /// The user's codebook for the coding stage (None: the built-in fallback).
    codebook: Option<std::sync::Arc<coding::Codebook>>,
    /// The lexicon's terminology folded and indexed once, not per document.
    terms: std::sync::Arc<terminology::TermIndex>,
}

impl Default for Pipeline {
    /// The built-in lexicons and the built-in attribution model.
    fn default() -> Pipeline {
        Pipeline::new(Lexicon::builtin())
    }
}

impl Pipeline {
    /// A pipeline with the learned selector and the compiled-in model.
    pub fn new(lexicon: Lexicon) -> Pipeline {
        // The compiled-in model is checked by a test; failing here is a build defect.
        let selector = Selector::builtin().expect("the compiled-in attribution model is valid");
        let terms = std::sync::Arc::new(terminology::TermIndex::new(&lexicon));
        Pipeline { lexicon, selector, codebook: None, terms }
    }

    /// A pipeline whose statements are the rule candidates (the baseline; also
    /// what training starts from, so it never needs a model).
    pub fn rules(lexicon: Lexicon) -> Pipeline {
        let terms = std::sync::Arc::new(terminology::TermIndex::new(&lexicon));
        Pipeline { lexicon, selector: Selector::Rules, codebook: None, terms }
    }

    /// The same pipeline deciding statements with `selector`.
    pub fn with_selector(mut self, selector: Selector) -> Pipeline {
        self.selector = selector;
        self
    }

    /// The same pipeline coding issues with `codebook` instead of the fallback.
    pub fn with_codebook(mut self, codebook: coding::Codebook) -> Pipeline {
        self.codebook = Some(std::sync::Arc::new(codebook));
        self
    }

    /// The user's codebook, if any: callers record which one coded a corpus.
    pub fn codebook(&self) -> Option<&coding::Codebook> {
        self.codebook.as_deref()
    }

    /// The lexicon the stages read, for callers that look words up the same way.
    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// How statements are decided, to report which model produced an output.
    pub fn selector(&self) -> &Selector {
        &self.selector
    }

    /// Runs every stage over one raw article.
    pub fn extract(&self, raw: &str, source: &str, meta: Meta) -> Document {
        let (mut doc, words) = self.annotate(raw, source, meta);
        statements::find_statements(&mut doc, &words, &self.selector);
        speakers::refine_speakers(&mut doc, &self.lexicon);
        time::attach_times(&mut doc, &words);
        terminology::find_terms_indexed(&mut doc, &self.lexicon, &self.terms);
        coding::code_statements(&mut doc, &self.lexicon, self.codebook.as_deref());
        doc
    }

    /// Every stage before statements: what the statement stage (and training
    /// it) reads.
    pub fn annotate(&self, raw: &str, source: &str, meta: Meta) -> (Document, cues::Words) {
        let mut doc = Document { source: source.to_string(), meta, ..Document::default() };
        clean::clean(&mut doc, raw, &self.lexicon);
        segment::segment(&mut doc, &self.lexicon);
        let words = cues::Words::new(&doc, &self.lexicon);
        mentions::find_mentions(&mut doc, &self.lexicon, &words);
        entities::resolve_entities(&mut doc, &self.lexicon);
        // Time expressions are found before statements (which step over "on
        // Wednesday" between a speaker and a cue) and attached after them.
        time::find_times(&mut doc, &words, &self.lexicon);
        (doc, words)
    }
}
