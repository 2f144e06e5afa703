//! Stable hashes; the implementation is shared with batch runs (whosaid-document).

pub use whosaid_document::{content_hash, fnv1a_128_hex};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_vectors() {
        // Reference values of FNV-1a 128.
        assert_eq!(fnv1a_128_hex(b""), "6c62272e07bb014262b821756295c58d");
        assert_eq!(fnv1a_128_hex(b"a"), "d228cb696f1a8caf78912b704e4a8964");
        assert_ne!(content_hash("Rubio said."), content_hash("Rubio said!"));
    }
}
