//! The sandbox DMP simulator: HTTPS with client-certificate checks on 127.0.0.1 (`server`),
//! a test PKI made at start (`pki`), the stateful record (`state`, seeded from the demo data
//! by `seed`), the HL7v3 and DMP-services transactions (`hl7v3_side`), the XDS transactions
//! (`xds_side`) and fault injection per transaction (`faults`).

pub mod faults;
pub mod hl7v3_side;
pub mod pki;
pub mod portal;
pub mod seed;
mod seed_outside;
pub mod server;
pub mod state;
mod xds_answers;
#[cfg(test)]
mod xds_conformance_tests;
mod xds_feed;
#[cfg(test)]
mod xds_feed_tests;
mod xds_params;
mod xds_query;
mod xds_retrieve;
#[cfg(test)]
mod xds_retrieve_tests;
pub mod xds_side;
#[cfg(test)]
mod xds_side_tests;
#[cfg(test)]
mod xds_test_support;
mod xds_update;
#[cfg(test)]
mod xds_write_tests;

use std::sync::Arc;

use crate::dmp::client::{Caller, DmpSettings};
use crate::dmp::setup::{DmpEndpoint, SetupError, chevet_lps};
use crate::dmp::transport::{Timeouts, TlsIdentity, trust_anchors};
use crate::dmp::vihf::AuthMode;
use crate::dmp::xmldsig::SoftwareSigner;

/// Identifiant_Structure of the sandbox hospital: `1` + its FINESS juridique.
pub fn structure_id() -> String {
    format!("1{}", crate::sandbox::demo::SANDBOX_FINESS_EJ)
}

/// A fresh simulator seeded with the demo set of `today`, with its own test PKI.
pub fn simulator(
    today: chrono::NaiveDate,
    faults: Arc<faults::FaultPlan>,
) -> Result<server::SandboxDmp, server::SandboxDmpError> {
    let pki = pki::generate(&structure_id(), seed::demo_physician())?;
    server::SandboxDmp::new(pki, seed::demo_state(today), faults)
}

/// A simulator listening on 127.0.0.1; dropping it stops it.
pub struct RunningDmp {
    pub registry: crate::sandbox::registry::Registry,
    pub pki: pki::TestPki,
    /// The web portal (its context side and browser side are in `registry`).
    pub portal: portal::SandboxPortal,
    /// `https://127.0.0.1:port`.
    pub url: String,
}

impl RunningDmp {
    /// How a client reaches it.
    pub fn endpoint(&self, timeouts: Timeouts) -> Result<DmpEndpoint, SetupError> {
        let mut endpoint = endpoint(&self.pki, &self.url, timeouts)?;
        endpoint.portal_context_url = self
            .registry
            .url_of(portal::CONTEXT_SERVICE)
            .map(|u| portal::context_url(&u));
        Ok(endpoint)
    }
}

/// The files another process needs to reach a running simulator: its URL and test
/// credentials, written owner-only under `dir` (what `chevet dmp serve` leaves for the
/// command line, and the outbox's reliability run for its draining process).
pub fn write_credentials(running: &RunningDmp, dir: &std::path::Path) -> std::io::Result<()> {
    let pki = &running.pki;
    std::fs::create_dir_all(dir)?;
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
            .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    std::fs::write(dir.join(ENDPOINT_FILE), &running.url)
}

/// File naming the address of a simulator whose credentials were written.
pub const ENDPOINT_FILE: &str = "endpoint.txt";

/// A client of the simulator whose credentials [`write_credentials`] wrote in `dir`, when it
/// listens.
pub fn client_from_dir(
    dir: &std::path::Path,
    timeouts: Timeouts,
) -> Option<crate::dmp::client::DmpClient> {
    let url = std::fs::read_to_string(dir.join(ENDPOINT_FILE)).ok()?;
    let address = url.trim().strip_prefix("https://")?;
    std::net::TcpStream::connect(address).ok()?;
    let files = |cert: &str, key: &str| crate::dmp::setup::CredentialFiles {
        certificate_pem: Some(dir.join(cert)),
        key_pem: Some(dir.join(key)),
        pkcs12: None,
    };
    let config = crate::dmp::setup::DmpConfig {
        base_url: format!("{}{}", url.trim(), server::BASE_PATH),
        authentication: files("auth.pem", "auth.key"),
        signature: files("sign.pem", "sign.key"),
        trust_anchors_pem: dir.join("ca.pem"),
        structure_id: structure_id(),
        structure_name: crate::sandbox::demo::SANDBOX_ESTABLISHMENT_NAME.to_owned(),
        secteur_activite: "SA01".to_owned(),
        software_oid: crate::sandbox::demo::SANDBOX_DOCUMENT_OID.to_owned(),
        homologation: "SANDBOX".to_owned(),
        connect_timeout_secs: Some(timeouts.connect_secs),
        timeout_secs: Some(timeouts.total_secs),
        portal_context_url: None,
    };
    DmpEndpoint::from_config(&config).ok()?.client().ok()
}

/// Starts a fresh simulator (see [`simulator`]) on the current runtime.
pub async fn start(
    today: chrono::NaiveDate,
    faults: Arc<faults::FaultPlan>,
) -> Result<RunningDmp, server::SandboxDmpError> {
    let simulator = simulator(today, faults)?;
    let pki = simulator.pki().clone();
    let portal = portal::SandboxPortal::new(&pki, portal::TOKEN_TTL)?;
    let registry = crate::sandbox::registry::Registry::start(vec![
        Box::new(simulator),
        portal.browser_side(),
        portal.context_side(),
    ])
    .await?;
    portal.publish(&registry);
    let url = registry.url_of("dmp").unwrap_or_default();
    Ok(RunningDmp {
        registry,
        pki,
        portal,
        url,
    })
}

/// How a client reaches the simulator at `root_url` (`https://127.0.0.1:port`).
pub fn endpoint(
    pki: &pki::TestPki,
    root_url: &str,
    timeouts: Timeouts,
) -> Result<DmpEndpoint, SetupError> {
    let identity = TlsIdentity::from_pem(
        pki.structure_auth.cert_pem.as_bytes(),
        pki.structure_auth.key_pem.as_bytes(),
    )?;
    let signer =
        SoftwareSigner::from_pem(&pki.structure_sign.key_pem, &pki.structure_sign.cert_pem)?;
    Ok(DmpEndpoint {
        settings: DmpSettings {
            base_url: format!("{}{}", root_url.trim_end_matches('/'), server::BASE_PATH),
            lps: chevet_lps("SANDBOX"),
            software_oid: crate::sandbox::demo::SANDBOX_DOCUMENT_OID.to_owned(),
            structure_id: structure_id(),
            structure_name: crate::sandbox::demo::SANDBOX_ESTABLISHMENT_NAME.to_owned(),
            secteur_activite: "SA01".to_owned(),
            mode: AuthMode::IndirecteRenforcee,
        },
        identity,
        roots: trust_anchors(pki.ca_pem.as_bytes())?,
        signer: Arc::new(signer),
        timeouts,
        portal_context_url: None,
    })
}

/// The demo physician (the `medecin` account) as a DMP caller.
pub fn demo_caller() -> Option<Caller> {
    crate::sandbox::seed::DEMO_ACCOUNTS
        .iter()
        .find_map(|a| a.professional.as_ref())
        .map(|p| Caller::normal(p.info()))
}
