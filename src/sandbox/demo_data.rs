//! The sandbox's demo data as the workers take them ([`crate::worker::DemoData`]): the demo
//! accounts, patients and documents seeded into an empty store, and generated patients for
//! load tests. The production build has none of this.

use std::sync::atomic::AtomicBool;

use chrono::NaiveDate;

use super::seed::{self, SeedError};
use crate::store::Store;
use crate::worker::{DemoData, DemoError, demo::Seeded};

/// The sandbox's [`DemoData`].
#[derive(Debug, Clone, Copy, Default)]
pub struct SandboxDemo;

fn demo_error(e: &SeedError) -> DemoError {
    DemoError {
        detail: e.to_string(),
        retryable: e.is_retryable(),
    }
}

impl DemoData for SandboxDemo {
    fn seed(
        &self,
        store: &mut Store,
        today: NaiveDate,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<Seeded, DemoError> {
        let report = seed::seed_demo(store, today, progress).map_err(|e| demo_error(&e))?;
        // A year of history for the usage indicators' screen (issue 18).
        super::indicators_load::demo_activity(store, today, 0x18)
            .map_err(|e| demo_error(&SeedError::Store(e)))?;
        Ok(Seeded {
            patients: report.patients,
            documents: report.documents,
        })
    }

    fn add_patients(
        &self,
        store: &mut Store,
        count: usize,
        today: NaiveDate,
        cancelled: &AtomicBool,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<usize, DemoError> {
        seed::bulk(store, count, today, cancelled, progress).map_err(|e| demo_error(&e))
    }

    fn directory_extract(
        &self,
        dir: &std::path::Path,
    ) -> Result<Option<std::path::PathBuf>, DemoError> {
        let path = dir.join("Extraction_Correspondance_MSSante_sandbox.txt");
        let generate = || {
            std::fs::create_dir_all(dir)?;
            crate::sandbox::annuaire::generate::write_extract(
                &path,
                crate::sandbox::annuaire::generate::SANDBOX_SEED,
                crate::sandbox::annuaire::generate::SANDBOX_COUNT,
                false,
            )
        };
        generate().map_err(|e| DemoError {
            detail: format!("demo directory: {e}"),
            retryable: true,
        })?;
        Ok(Some(path))
    }

    fn hospital_message(
        &self,
        store: &Store,
        scenario: crate::worker::HospitalScenario,
    ) -> Result<Vec<u8>, DemoError> {
        super::demo::hospital::message(store, scenario)
    }
}

/// The demo accounts as the login screen lists them: login, password, role.
pub fn demo_logins() -> Vec<(String, String, crate::domain::Role)> {
    seed::DEMO_ACCOUNTS
        .iter()
        .map(|a| (a.login.to_owned(), a.password.to_owned(), a.role))
        .collect()
}
