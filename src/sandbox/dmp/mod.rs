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
    /// `https://127.0.0.1:port`.
    pub url: String,
}

impl RunningDmp {
    /// How a client reaches it.
    pub fn endpoint(&self, timeouts: Timeouts) -> Result<DmpEndpoint, SetupError> {
        let mut endpoint = endpoint(&self.pki, &self.url, timeouts)?;
        endpoint.portal_template = self
            .registry
            .url_of("dmp-portail")
            .map(|u| portal::template(&u));
        Ok(endpoint)
    }
}

/// Starts a fresh simulator (see [`simulator`]) on the current runtime.
pub async fn start(
    today: chrono::NaiveDate,
    faults: Arc<faults::FaultPlan>,
) -> Result<RunningDmp, server::SandboxDmpError> {
    let simulator = simulator(today, faults)?;
    let pki = simulator.pki().clone();
    let registry = crate::sandbox::registry::Registry::start(vec![
        Box::new(simulator),
        Box::new(portal::SandboxPortal),
    ])
    .await?;
    let url = registry.url_of("dmp").unwrap_or_default();
    Ok(RunningDmp { registry, pki, url })
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
        portal_template: None,
    })
}

/// The demo physician (the `medecin` account) as a DMP caller.
pub fn demo_caller() -> Option<Caller> {
    crate::sandbox::seed::DEMO_ACCOUNTS
        .iter()
        .find_map(|a| a.professional.as_ref())
        .map(|p| Caller::normal(p.info()))
}
