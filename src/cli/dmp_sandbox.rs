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
use crate::dmp::setup::DmpEndpoint;
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

/// File naming the address of the sandbox DMP `chevet dmp serve` runs.
const ENDPOINT_FILE: &str = "endpoint.txt";

/// The sandbox DMP of `chevet dmp serve`, when one is listening.
fn served_sandbox(data_dir: &Path) -> Option<DmpClient> {
    let dir = data_dir.join("sandbox-dmp");
    let url = std::fs::read_to_string(dir.join(ENDPOINT_FILE)).ok()?;
    let address = url.trim().strip_prefix("https://")?;
    std::net::TcpStream::connect(address).ok()?;
    let files = |cert: &str, key: &str| crate::dmp::setup::CredentialFiles {
        certificate_pem: Some(dir.join(cert)),
        key_pem: Some(dir.join(key)),
        pkcs12: None,
    };
    let config = crate::dmp::setup::DmpConfig {
        base_url: format!("{}{}", url.trim(), crate::sandbox::dmp::server::BASE_PATH),
        authentication: files("auth.pem", "auth.key"),
        signature: files("sign.pem", "sign.key"),
        trust_anchors_pem: dir.join("ca.pem"),
        structure_id: crate::sandbox::dmp::structure_id(),
        structure_name: crate::sandbox::demo::SANDBOX_ESTABLISHMENT_NAME.to_owned(),
        secteur_activite: "SA01".to_owned(),
        software_oid: crate::sandbox::demo::SANDBOX_DOCUMENT_OID.to_owned(),
        homologation: "SANDBOX".to_owned(),
        connect_timeout_secs: None,
        timeout_secs: None,
        portal_url_template: None,
    };
    DmpEndpoint::from_config(&config).ok()?.client().ok()
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
    let (pki, url) = (&running.pki, running.url.clone());
    let dir = data_dir.join("sandbox-dmp");
    std::fs::create_dir_all(&dir)?;
    for (name, text) in [
        ("ca.pem", pki.ca_pem.as_str()),
        ("auth.pem", pki.structure_auth.cert_pem.as_str()),
        ("auth.key", pki.structure_auth.key_pem.as_str()),
        ("sign.pem", pki.structure_sign.cert_pem.as_str()),
        ("sign.key", pki.structure_sign.key_pem.as_str()),
    ] {
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        crate::store::key::write_owner_only(&path, text.as_bytes())
            .map_err(|e| CliError::Setup(e.to_string()))?;
    }
    std::fs::write(dir.join(ENDPOINT_FILE), &url)?;
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
    let _ = std::fs::remove_file(dir.join(ENDPOINT_FILE));
    Ok(ExitCode::SUCCESS)
}
