//! Helpers shared by the CLI integration tests.

use std::path::PathBuf;

/// A scratch directory removed when the test ends (pass or fail).
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// `<tmp>/whosaid-<name>-<pid>`, emptied first.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("whosaid-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        TempDir(dir)
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
