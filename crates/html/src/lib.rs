//! Main-content extraction from HTML pages (placeholder; see issue 4).
