//! The `directory-sync` job, when `[annuaire]` names a bulk extract or the API has a key:
//! once a day (at `refresh_hour`, and at start when the directory is older than a day) the
//! extract is fetched (a file the establishment's scheduled download drops, or an `https://`
//! URL) and imported into the shared record — a copy swapped in, so workstations never search
//! a half-imported directory — then the API's changes since the last run are merged (entries
//! confirmed with their date, `listeRouge` applied, mailboxes missing from the extract added).
//! Stopping interrupts an import; the previous directory stays.

use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use chrono::{Local, Timelike, Utc};

use super::jobs::{JobState, StatusCell, StopSignal};
use crate::annuaire::fhir::{AnnuaireClient, AnnuaireSettings};
use crate::store::{PgTarget, Store, directory};

/// How often the job looks whether a run is due.
const CHECK_EVERY: Duration = Duration::from_secs(600);

/// What the job needs.
pub struct DirectoryJob {
    pub target: PgTarget,
    /// A path or an `https://` URL.
    pub extract: Option<String>,
    pub extract_ca_file: Option<PathBuf>,
    pub api: Option<AnnuaireSettings>,
    pub refresh_hour: u32,
    /// Where a downloaded extract is kept while it is imported.
    pub work_dir: PathBuf,
}

impl DirectoryJob {
    /// The job's body, on its own thread.
    pub fn run(self, status: StatusCell, stop: StopSignal) {
        let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
        else {
            status.set(JobState::Failed, "no runtime");
            return;
        };
        status.set(JobState::Idle, "waiting for the daily refresh");
        loop {
            match self.due() {
                Ok(true) => match self.sync_once(&runtime, &status, &stop) {
                    Ok(detail) => {
                        status.set(JobState::Idle, detail);
                        status.succeeded();
                    }
                    Err(e) => status.failed(e),
                },
                Ok(false) => {}
                Err(e) => status.failed(e),
            }
            if stop.wait(CHECK_EVERY) {
                break;
            }
        }
        status.set(JobState::Idle, "stopped");
    }

    /// A run is due when nothing was ever imported, or when the last import is a day old
    /// and the refresh hour has come.
    fn due(&self) -> Result<bool, String> {
        let store = Store::connect(&self.target).map_err(|e| e.to_string())?;
        let last = directory::last_import(&store).map_err(|e| e.to_string())?;
        Ok(match last {
            None => true,
            Some(info) => {
                let age = Utc::now() - info.imported_at;
                age > chrono::Duration::hours(36)
                    || (age > chrono::Duration::hours(20)
                        && Local::now().hour() >= self.refresh_hour)
            }
        })
    }

    fn sync_once(
        &self,
        runtime: &tokio::runtime::Runtime,
        status: &StatusCell,
        stop: &StopSignal,
    ) -> Result<String, String> {
        let mut done = Vec::new();
        let mut store = Store::connect(&self.target).map_err(|e| e.to_string())?;
        if let Some(extract) = &self.extract {
            status.set(JobState::Running, "fetching the bulk extract");
            let path = self.fetch(runtime, extract)?;
            let cancel = AtomicBool::new(false);
            let info = crate::annuaire::import::run(&mut store, &path, &cancel, |p| {
                if stop.is_stopped() {
                    cancel.store(true, Ordering::Relaxed);
                }
                status.set(
                    JobState::Running,
                    format!("importing: {} entries", p.entries),
                );
            })
            .map_err(|e| e.to_string())?;
            if path.starts_with(&self.work_dir) {
                let _ = std::fs::remove_file(&path);
            }
            done.push(format!("{} entries imported", info.entries));
        }
        if let Some(api) = &self.api {
            status.set(
                JobState::Running,
                "asking the Annuaire Santé API for changes",
            );
            // The day of the last API refresh: the job's state, kept apart from the settings.
            let since = crate::settings::api_synced_on(&store)
                .map_err(|e| e.to_string())?
                .unwrap_or_else(|| Local::now().date_naive() - chrono::Duration::days(1));
            let client = AnnuaireClient::new(api.clone()).map_err(|e| e.to_string())?;
            let changed = runtime
                .block_on(client.updated_since_all(since))
                .map_err(|e| e.to_string())?;
            let added =
                directory::merge_confirmed(&mut store, &changed).map_err(|e| e.to_string())?;
            crate::settings::set_api_synced_on(&store, Local::now().date_naive())
                .map_err(|e| e.to_string())?;
            done.push(format!(
                "{} confirmed by the API, {added} added",
                changed.len()
            ));
        }
        Ok(done.join("; "))
    }

    /// The extract on disk: the path itself, or the URL downloaded into the work directory.
    fn fetch(&self, runtime: &tokio::runtime::Runtime, extract: &str) -> Result<PathBuf, String> {
        if !extract.starts_with("https://") {
            return Ok(PathBuf::from(extract));
        }
        let mut builder = reqwest::Client::builder()
            .timeout(Duration::from_secs(600))
            .connect_timeout(Duration::from_secs(30));
        if let Some(ca) = &self.extract_ca_file {
            let pem = std::fs::read(ca).map_err(|e| format!("extract CA file: {e}"))?;
            let cert = reqwest::Certificate::from_pem(&pem)
                .map_err(|_| "extract CA file: not a PEM certificate".to_owned())?;
            builder = builder.add_root_certificate(cert);
        }
        let client = builder.build().map_err(|_| "HTTP client".to_owned())?;
        std::fs::create_dir_all(&self.work_dir).map_err(|e| format!("work directory: {e}"))?;
        let path = self.work_dir.join("annuaire-extract.download");
        runtime.block_on(async {
            let mut answer = client
                .get(extract)
                .send()
                .await
                .map_err(|_| "the extract's server did not answer".to_owned())?;
            if !answer.status().is_success() {
                return Err(format!(
                    "the extract's server answered HTTP {}",
                    answer.status()
                ));
            }
            let mut file = std::fs::File::create(&path).map_err(|e| e.to_string())?;
            while let Some(chunk) = answer
                .chunk()
                .await
                .map_err(|_| "the extract's download was cut".to_owned())?
            {
                std::io::Write::write_all(&mut file, &chunk).map_err(|e| e.to_string())?;
            }
            Ok(())
        })?;
        Ok(path)
    }
}
