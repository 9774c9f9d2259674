//! The sandbox INSi (docs/insi.md): an HTTPS server on loopback requiring a client
//! certificate of its test PKI (`pki`: CN `INSI-AUTO`/`INSI-MANU`, any other CN refused with
//! DESIR_560), reading the real SOAP requests (`request`), answering in the real `RESULTAT`
//! or fault format (`answer`) from a base of persons (`identities`: the CNDA-style test
//! identities and every demo patient of the sandbox), with injected latency and faults
//! (`faults`, from `CHEVET_SANDBOX_INSI_FAULTS`).

mod answer;
pub mod faults;
pub mod identities;
pub mod pki;
mod request;
pub mod server;
#[cfg(test)]
mod tests;

use chrono::{Days, NaiveDate};

pub use faults::{FaultPlan, PlanError};
pub use server::SandboxInsi;

use crate::dmp::transport::{TlsIdentity, trust_anchors};
use crate::insi::InsiSettings;
use crate::sandbox::dmp::pki::Identity;
use crate::sandbox::registry::Registry;
use identities::Directory;

/// The software authorisation number the sandbox INSi knows (public: a demonstration).
pub const SANDBOX_IDAM: &str = "CHEVET-SANDBOX-0001";

/// Days before today whose demo set the base also knows (a store seeded on an earlier day has
/// birth dates relative to that day), added in the background after the start.
pub const DEMO_DAYS_BACK: u64 = 45;

/// Why the simulator could not start.
#[derive(Debug, thiserror::Error)]
pub enum SandboxInsiError {
    #[error("{0}")]
    Pki(#[from] crate::sandbox::dmp::pki::PkiError),
    #[error("configuration TLS de l'INSi simulé refusée : {0}")]
    Tls(String),
    #[error("l'INSi simulé ne peut pas écouter : {0}")]
    Listen(#[from] std::io::Error),
}

impl SandboxInsiError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

/// Which certificate a client presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClientCn {
    Auto,
    Manu,
    /// A structure certificate of the same CA whose CN is not an INSi one.
    Other,
}

/// The running simulator: keep it (dropping it stops the server).
pub struct RunningInsi {
    registry: Registry,
    pub sandbox: SandboxInsi,
    pub pki: pki::InsiPki,
    /// `https://127.0.0.1:port/lps`.
    pub endpoint: String,
}

impl std::fmt::Debug for RunningInsi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "RunningInsi({})", self.endpoint)
    }
}

impl RunningInsi {
    /// A client's settings presenting this certificate.
    pub fn settings(&self, cn: ClientCn) -> Result<InsiSettings, SandboxInsiError> {
        let id: &Identity = match cn {
            ClientCn::Auto => &self.pki.auto,
            ClientCn::Manu => &self.pki.manu,
            ClientCn::Other => &self.pki.other,
        };
        let tls = |e: crate::dmp::transport::CredentialError| SandboxInsiError::Tls(e.to_string());
        let identity =
            TlsIdentity::from_pem(id.cert_pem.as_bytes(), id.key_pem.as_bytes()).map_err(tls)?;
        let roots = trust_anchors(self.pki.ca_pem.as_bytes()).map_err(tls)?;
        let mut settings = InsiSettings::new(&self.endpoint, identity, roots, SANDBOX_IDAM);
        settings.connect_timeout_ms = 2_000;
        Ok(settings)
    }

    /// The running services (the About box lists them).
    pub fn registry(&self) -> &Registry {
        &self.registry
    }
}

/// The CNDA identities and the demo set of `today`.
pub fn base(today: NaiveDate) -> Directory {
    let mut d = Directory::default();
    for p in identities::cnda_persons() {
        d.add(p);
    }
    for p in identities::demo_persons(today, &d) {
        d.add(p);
    }
    d
}

/// Starts the sandbox INSi on a loopback port with the CNDA identities and today's demo set;
/// the demo sets of the [`DEMO_DAYS_BACK`] previous days follow on a named background thread.
/// Returns the settings of a client presenting the `INSI-AUTO` certificate, and the running
/// simulator (keep it).
pub async fn start(faults: FaultPlan) -> Result<(InsiSettings, RunningInsi), SandboxInsiError> {
    let running = start_with(faults, DEMO_DAYS_BACK).await?;
    Ok((running.settings(ClientCn::Auto)?, running))
}

/// [`start`] with this many earlier demo days (0: today's set only, as tests use).
pub async fn start_with(
    faults: FaultPlan,
    demo_days_back: u64,
) -> Result<RunningInsi, SandboxInsiError> {
    let today = chrono::Local::now().date_naive();
    let pki = pki::generate()?;
    let sandbox = SandboxInsi::new(&pki, base(today), vec![SANDBOX_IDAM.to_owned()], faults)
        .map_err(SandboxInsiError::Tls)?;
    let registry = Registry::start(vec![Box::new(sandbox.clone())]).await?;
    let endpoint = format!(
        "{}{}",
        registry.url_of("insi").unwrap_or_default(),
        server::PATH
    );
    if demo_days_back > 0 {
        let filler = sandbox.clone();
        let spawned = std::thread::Builder::new()
            .name("sandbox-insi-demo".into())
            .spawn(move || {
                for back in 1..=demo_days_back {
                    let Some(day) = today.checked_sub_days(Days::new(back)) else {
                        break;
                    };
                    let persons = {
                        let Ok(d) = filler.shared.directory.read() else {
                            break;
                        };
                        identities::demo_persons(day, &d)
                    };
                    filler.add_persons(persons);
                }
            });
        if let Err(e) = spawned {
            tracing::warn!("sandbox INSi: earlier demo days left out ({e})");
        }
    }
    Ok(RunningInsi {
        registry,
        sandbox,
        pki,
        endpoint,
    })
}
