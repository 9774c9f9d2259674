//! How demo data reach the workers without the workers knowing where they come from: the
//! sandbox implements [`DemoData`] (seeding an empty store, generating patients for load
//! tests); a production build has no implementation and passes none.

use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;

use crate::store::Store;

/// What seeding an empty store added.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Seeded {
    pub patients: usize,
    pub documents: usize,
}

/// Demo data for an installation that has none.
pub trait DemoData: Send + Sync {
    /// Fills an empty store (accounts, patients, episodes, documents); `progress(done, total)`.
    fn seed(
        &self,
        store: &mut Store,
        today: NaiveDate,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Seeded, DemoError>;

    /// Adds `count` generated patients; stops between batches once `cancelled` is set.
    /// Returns how many were added.
    fn add_patients(
        &self,
        store: &mut Store,
        count: usize,
        today: NaiveDate,
        cancelled: &AtomicBool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, DemoError>;

    /// Writes a demo bulk extract of the Annuaire Santé under `dir` and returns its path,
    /// imported into an empty directory at start; `None`: no demo directory.
    fn directory_extract(
        &self,
        dir: &std::path::Path,
    ) -> Result<Option<std::path::PathBuf>, DemoError> {
        let _ = dir;
        no_directory()
    }

    /// A message the sandbox's simulated GAM or PFI sends for `scenario` (HL7 v2, ER7),
    /// about the patients of `store`.
    fn hospital_message(
        &self,
        store: &Store,
        scenario: super::intake::HospitalScenario,
    ) -> Result<Vec<u8>, DemoError> {
        let _ = (store, scenario);
        Err(DemoError {
            detail: "no simulated hospital".to_owned(),
            retryable: false,
        })
    }
}

/// Default of [`DemoData::directory_extract`]: no demo directory.
pub fn no_directory() -> Result<Option<std::path::PathBuf>, DemoError> {
    Ok(None)
}

/// Demo data could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("demo data not written: {detail}")]
pub struct DemoError {
    /// What went wrong, without patient data (the data are fictitious anyway).
    pub detail: String,
    /// The store was busy or the disk full: trying again may work.
    pub retryable: bool,
}
