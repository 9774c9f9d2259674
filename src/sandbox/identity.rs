//! The sandbox's identity services, started with the window: a Pro Santé Connect imitation
//! (browser flow, CIBA with its e-CPS page) and the establishment's own OpenID provider, both
//! on loopback, with the client configurations that reach them; and the virtual CPS card of
//! the demo physician for workstations without a reader.

use std::time::Duration;

use zeroize::Zeroizing;

use super::psc::{self, Flavour, PscError, PscOptions, RunningPsc};
use crate::auth::oidc::{ClientAuth, ProviderConfig, ProviderKind};

/// Both sandbox providers; dropping it stops them.
pub struct SandboxIdentity {
    pub psc: RunningPsc,
    pub hospital: RunningPsc,
}

impl SandboxIdentity {
    /// Starts both on the current runtime. `auto_approve` approves CIBA requests by itself
    /// after that delay (demonstrations without a second screen).
    pub async fn start(auto_approve: Option<Duration>) -> Result<Self, PscError> {
        let psc = psc::start(PscOptions {
            flavour: Flavour::Psc,
            auto_approve_ciba_after: auto_approve,
            ..PscOptions::default()
        })
        .await?;
        let hospital = psc::start(PscOptions {
            flavour: Flavour::Hospital,
            ..PscOptions::default()
        })
        .await?;
        Ok(Self { psc, hospital })
    }

    /// The client configurations Chevet uses for them.
    pub fn providers(&self) -> Vec<ProviderConfig> {
        vec![
            config(
                &self.psc,
                "psc",
                "Pro Santé Connect (bac à sable)",
                ProviderKind::Psc,
            ),
            config(
                &self.hospital,
                "idp-hopital",
                "Annuaire de l'hôpital (bac à sable)",
                ProviderKind::Generic,
            ),
        ]
    }

    /// The sandbox e-CPS page, where pending CIBA requests are approved.
    pub fn ecps_url(&self) -> String {
        self.psc.ecps_url.clone()
    }
}

fn config(running: &RunningPsc, id: &str, label: &str, kind: ProviderKind) -> ProviderConfig {
    let psc = kind == ProviderKind::Psc;
    ProviderConfig {
        id: id.to_owned(),
        label: label.to_owned(),
        kind,
        issuer: running.issuer.clone(),
        discovery_url: None,
        client_id: running.handle.client_id().to_owned(),
        client_auth: ClientAuth::SecretBasic {
            secret: Zeroizing::new(running.handle.client_secret().to_owned()),
        },
        scopes: if psc {
            "openid scope_all".into()
        } else {
            "openid profile".into()
        },
        acr_values: psc.then(|| "eidas1".to_owned()),
        extra_ca_pem: None,
        post_logout_redirect_uri: None,
    }
}

/// The demo physician's virtual CPS card (Dr Claire Lambert, PIN 1234) in an in-process
/// reader, as the workers take a virtual card.
pub fn virtual_card() -> Result<Box<dyn crate::card::VirtualCard>, super::card::VirtualCardError> {
    let card = super::card::demo_physician()?;
    Ok(Box::new(super::card::VirtualChannel::new(card)))
}
