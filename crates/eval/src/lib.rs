//! Scoring whosaid against annotated corpora.
