//! whosaid — who said what in news text.
//!
//! The pipeline is a fixed sequence of stages, each adding stand-off
//! annotations to one [`Document`]:
//!
//! ```text
//! clean → segment → mentions → entities → time → statements → speakers → (time attached)
//! ```
//!
//! ```
//! let pipeline = whosaid::Pipeline::default();
//! let doc = pipeline.extract("“We will win,” Rubio said.", "example", Default::default());
//! assert_eq!(doc.statements.len(), 1);
//! assert_eq!(doc.entity_name(doc.statements[0].speaker.unwrap()), Some("Rubio"));
//! ```

pub mod clean;
pub mod cues;
pub mod entities;
pub mod mentions;
pub mod segment;
pub mod speakers;
pub mod statements;
pub mod time;

pub use whosaid_document as document;
pub use whosaid_document::{Document, Meta};
pub use whosaid_lexicon::Lexicon;

/// The configured pipeline. Cheap to share across threads (`&Pipeline` is `Sync`).
#[derive(Clone, Debug)]
pub struct Pipeline {
    lexicon: Lexicon,
}

impl Default for Pipeline {
    fn default() -> Pipeline {
        Pipeline::new(Lexicon::builtin())
    }
}

impl Pipeline {
    pub fn new(lexicon: Lexicon) -> Pipeline {
        Pipeline { lexicon }
    }

    pub fn lexicon(&self) -> &Lexicon {
        &self.lexicon
    }

    /// Runs every stage over one raw article.
    pub fn extract(&self, raw: &str, source: &str, meta: Meta) -> Document {
        let mut doc = Document { source: source.to_string(), meta, ..Document::default() };
        clean::clean(&mut doc, raw, &self.lexicon);
        segment::segment(&mut doc);
        let words = cues::Words::new(&doc, &self.lexicon);
        mentions::find_mentions(&mut doc, &self.lexicon, &words);
        entities::resolve_entities(&mut doc, &self.lexicon);
        // Time expressions are found before statements (which step over "on
        // Wednesday" between a speaker and a cue) and attached after them.
        time::find_times(&mut doc, &words);
        statements::find_statements(&mut doc, &words);
        speakers::refine_speakers(&mut doc, &self.lexicon);
        time::attach_times(&mut doc, &words);
        doc
    }
}
