//! The sandbox side of `chevet dmp`: `chevet dmp serve` runs the sandbox DMP in the foreground
//! and writes its address and test credentials under the data directory; without a configured
//! DMP, the other commands talk to that served sandbox DMP, else to one started for the
//! command, as the sandbox's demo physician. Not in the production build.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use super::CliError;
use super::dmp::Target;
use crate::dmp::client::DmpClient;
use crate::dmp::transport::Timeouts;
use crate::sandbox::dmp::RunningDmp;
use crate::sandbox::dmp::faults::FaultPlan;

/// The sandbox DMP as a target, with the demo physician as caller.
pub(super) fn target(
    data_dir: &Path,
    rt: &tokio::runtime::Runtime,
) -> Option<Result<Target, CliError>> {
    let caller = crate::sandbox::dmp::demo_caller()?;
    if let Some(client) = served_sandbox(data_dir) {
        return Some(Ok(Target {
            client,
            caller,
            _simulator: None,
        }));
    }
    Some((|| {
        let running = start_sandbox(rt, FaultPlan::default())?;
        let endpoint = running
            .endpoint(Timeouts::default())
            .map_err(|e| CliError::Setup(e.to_string()))?;
        Ok(Target {
            client: endpoint
                .client()
                .map_err(|e| CliError::Setup(e.to_string()))?,
            caller,
            _simulator: Some(Box::new(running)),
        })
    })())
}

fn start_sandbox(rt: &tokio::runtime::Runtime, faults: FaultPlan) -> Result<RunningDmp, CliError> {
    let today = chrono::Local::now().date_naive();
    rt.block_on(crate::sandbox::dmp::start(today, Arc::new(faults)))
        .map_err(|e| CliError::Setup(e.to_string()))
}

/// The sandbox DMP of `chevet dmp serve`, when one is listening.
fn served_sandbox(data_dir: &Path) -> Option<DmpClient> {
    crate::sandbox::dmp::client_from_dir(&data_dir.join("sandbox-dmp"), Timeouts::default())
}

/// `chevet dmp serve`: the sandbox DMP in the foreground; its address and test credentials are
/// written under the data directory for other tools (owner-only files).
pub(super) fn serve(
    faults: Option<&str>,
    data_dir: &Path,
    rt: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let plan =
        FaultPlan::parse(faults.unwrap_or_default()).map_err(|e| CliError::Setup(e.to_string()))?;
    let running = start_sandbox(rt, plan)?;
    let url = running.url.clone();
    let dir = data_dir.join("sandbox-dmp");
    crate::sandbox::dmp::write_credentials(&running, &dir)?;
    writeln!(
        out,
        "DMP simulé : {url}{}\ncertificats de test : {}\nCtrl-C pour arrêter.",
        crate::sandbox::dmp::server::BASE_PATH,
        dir.display()
    )?;
    out.flush()?;
    rt.block_on(async {
        let _ = tokio::signal::ctrl_c().await;
    });
    drop(running);
    let _ = std::fs::remove_file(dir.join(crate::sandbox::dmp::ENDPOINT_FILE));
    Ok(ExitCode::SUCCESS)
}
