//! Export files written where only their owner can read them: the folder created `0700`, the
//! file written beside under a temporary name, flushed, then renamed (a crash leaves no half
//! file under the final name), `0600` on Unix.

use std::io::Write as _;
use std::path::{Path, PathBuf};

/// Where exports go: `<data dir>/exports`.
#[must_use]
pub fn exports_dir(data_dir: &Path) -> PathBuf {
    data_dir.join("exports")
}

/// Writes `bytes` as `dir/file_name`, readable by its owner only; the path written. An
/// existing file of that name is replaced.
pub fn write_private(dir: &Path, file_name: &str, bytes: &[u8]) -> std::io::Result<PathBuf> {
    let (path, mut file) = create_private(dir, file_name)?;
    file.file.write_all(bytes)?;
    file.persist(&path)?;
    Ok(path)
}

/// A file being written under a temporary name beside its final one.
#[derive(Debug)]
pub struct PrivateFile {
    pub file: std::fs::File,
    temp: PathBuf,
    done: bool,
}

impl PrivateFile {
    /// Flushes the file to disk and gives it its final name.
    pub fn persist(mut self, path: &Path) -> std::io::Result<()> {
        self.file.sync_all()?;
        std::fs::rename(&self.temp, path)?;
        self.done = true;
        Ok(())
    }
}

impl Drop for PrivateFile {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

/// Opens `dir/.file_name.partial` for writing (folder `0700`, file `0600`): the final path and
/// the file, to be [`PrivateFile::persist`]ed once written (for exports written as a stream).
pub fn create_private(dir: &Path, file_name: &str) -> std::io::Result<(PathBuf, PrivateFile)> {
    create_private_dir(dir)?;
    let path = dir.join(file_name);
    let temp = dir.join(format!(".{file_name}.partial"));
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let file = options.open(&temp)?;
    Ok((
        path,
        PrivateFile {
            file,
            temp,
            done: false,
        },
    ))
}

/// Creates `dir` and its parents; `dir` itself readable by its owner only.
pub fn create_private_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt as _;
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
    }
    #[cfg(not(unix))]
    {
        std::fs::create_dir_all(dir)
    }
}

/// A file name's time part, local time to the second: `20261206-101500`.
#[must_use]
pub fn timestamp_for_name() -> String {
    chrono::Local::now().format("%Y%m%d-%H%M%S").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn written_files_are_private_and_complete() {
        let dir = tempfile::tempdir().unwrap();
        let exports = exports_dir(dir.path());
        let path = write_private(&exports, "a.csv", b"x;y\r\n").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"x;y\r\n");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt as _;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
            let mode = std::fs::metadata(&exports).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o700);
        }
        let names: Vec<_> = std::fs::read_dir(&exports).unwrap().collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }

    #[test]
    fn an_abandoned_stream_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let (path, file) = create_private(dir.path(), "b.zip").unwrap();
        drop(file);
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
