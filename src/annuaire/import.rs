//! Importing a bulk extract into the local directory: the file read as a stream
//! (`extract`), entries written to a copy (`store::directory::Import`) and swapped in at the
//! end; progress reported as it goes; a cancel or an error leaves the previous directory.

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::extract::{ExtractError, ExtractReader, ReadLimits};
use crate::store::directory::{Import, ImportInfo};
use crate::store::{Store, StoreError};

/// How often progress is reported.
const PROGRESS_EVERY: Duration = Duration::from_millis(200);

/// Where an import stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ImportProgress {
    /// Bytes of the text read (uncompressed) and its size.
    pub bytes_read: u64,
    pub total_bytes: u64,
    pub entries: u64,
    pub skipped: u64,
}

impl ImportProgress {
    /// 0.0 to 1.0.
    pub fn fraction(&self) -> f32 {
        if self.total_bytes == 0 {
            0.0
        } else {
            (self.bytes_read as f64 / self.total_bytes as f64).clamp(0.0, 1.0) as f32
        }
    }
}

/// Why an import stopped.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Extract(#[from] ExtractError),
    #[error("l'annuaire local n'a pas pu être mis à jour : {0}")]
    Store(#[from] StoreError),
    #[error("import annulé : l'annuaire local est inchangé")]
    Cancelled,
    #[error("un autre import de l'annuaire est en cours : attendez sa fin")]
    Running,
    #[error(
        "le fichier ne contient aucune boîte aux lettres MSSanté : l'annuaire local est inchangé"
    )]
    Empty,
}

impl ImportError {
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Extract(e) => e.is_retryable(),
            Self::Store(e) => e.is_retryable(),
            Self::Running => true,
            Self::Cancelled | Self::Empty => false,
        }
    }
}

/// Imports `path` into `store`; `progress` is called every 200 ms and at the end.
pub fn run(
    store: &mut Store,
    path: &Path,
    cancel: &AtomicBool,
    mut progress: impl FnMut(&ImportProgress),
) -> Result<ImportInfo, ImportError> {
    let mut reader = ExtractReader::open(path, ReadLimits::default())?;
    let source = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut import = Import::begin(store).map_err(|e| match e {
        StoreError::Duplicate => ImportError::Running,
        e => ImportError::Store(e),
    })?;
    let mut state = ImportProgress {
        total_bytes: reader.total_bytes(),
        ..ImportProgress::default()
    };
    let mut last = Instant::now();
    while let Some(next) = reader.next_entry() {
        // A line that cannot be read is skipped and counted by the reader; an error here is
        // the file's (unreadable, over the limits): the import stops.
        import.add(next?)?;
        state.entries += 1;
        if state.entries.is_multiple_of(1024) {
            if cancel.load(Ordering::Relaxed) {
                return Err(ImportError::Cancelled);
            }
            if last.elapsed() >= PROGRESS_EVERY {
                last = Instant::now();
                state.bytes_read = reader.bytes_read();
                state.skipped = reader.rows_skipped();
                progress(&state);
            }
        }
    }
    state.skipped = reader.rows_skipped();
    if state.entries == 0 {
        return Err(ImportError::Empty);
    }
    if cancel.load(Ordering::Relaxed) {
        return Err(ImportError::Cancelled);
    }
    state.bytes_read = state.total_bytes;
    progress(&state);
    Ok(import.finish(&source, state.skipped)?)
}
