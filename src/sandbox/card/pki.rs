//! `SandboxPki`: the test IGC-Santé (`keys::TestPki`) with its revocation list server
//! (`crl_server`), as the sandbox uses them: one shared per process (`shared`, started on first
//! use and kept until exit) issuing every sandbox card, the trust that accepts exactly its
//! cards (`trust`), and the cards of each kind (`card`). Tests that break the list server
//! start their own (`start`).

use std::path::Path;
use std::sync::{Arc, OnceLock};

use super::crl_server::{self, CrlServer};
use super::keys::{self, CardKind, TestPki};
use super::{VirtualCardError, VirtualCps};
use crate::card::identity::IdentityRecord;
use crate::card::profile::CPS3;
use crate::card::{CardTrust, RevocationPolicy, TrustAnchors};

/// The test PKI and its list server.
#[derive(Debug)]
pub struct SandboxPki {
    pki: Arc<TestPki>,
    server: CrlServer,
}

impl SandboxPki {
    /// A new PKI whose cards name this instance's list server.
    pub fn start() -> Result<Self, VirtualCardError> {
        let listener = crl_server::bind().map_err(|e| VirtualCardError::Server(e.kind()))?;
        let base = format!(
            "http://{}",
            listener
                .local_addr()
                .map_err(|e| VirtualCardError::Server(e.kind()))?
        );
        let pki = Arc::new(TestPki::generate(Some(&base))?);
        let server = CrlServer::serve(listener, Arc::clone(&pki))
            .map_err(|e| VirtualCardError::Server(e.kind()))?;
        Ok(Self { pki, server })
    }

    pub fn pki(&self) -> &TestPki {
        &self.pki
    }

    pub fn server(&self) -> &CrlServer {
        &self.server
    }

    pub fn server_mut(&mut self) -> &mut CrlServer {
        &mut self.server
    }

    /// The trust of a sandbox installation: this PKI's root only (the intermediate comes from
    /// the card), lists cached in `cache_dir`, the given policy.
    pub fn trust_with(
        &self,
        cache_dir: &Path,
        policy: RevocationPolicy,
    ) -> Result<CardTrust, VirtualCardError> {
        let anchors = TrustAnchors::new(vec![self.pki.root_der().to_vec()], Vec::new())
            .map_err(|_| VirtualCardError::Key)?;
        Ok(CardTrust::new(
            anchors,
            policy,
            cache_dir.to_path_buf(),
            Vec::new(),
        ))
    }

    /// [`Self::trust_with`] the default policy (refuse when no list can be had).
    pub fn trust(&self, cache_dir: &Path) -> Result<CardTrust, VirtualCardError> {
        self.trust_with(cache_dir, RevocationPolicy::default())
    }

    /// A card of this kind for this holder, PIN `1234`.
    pub fn card(
        &self,
        kind: CardKind,
        national_id: &str,
        given: &str,
        family: &str,
        profession: &str,
        specialty: &str,
    ) -> Result<VirtualCps, VirtualCardError> {
        let keys = self.pki.issue(kind, national_id, given, family)?;
        VirtualCps::from_keys(keys, national_id, given, family, profession, specialty)
    }

    /// The demo physician's card of this kind (a forged one carries her real national id).
    pub fn demo_physician(&self, kind: CardKind) -> Result<VirtualCps, VirtualCardError> {
        self.card(
            kind,
            super::DEMO_NATIONAL_ID,
            super::DEMO_GIVEN_NAME,
            super::DEMO_FAMILY_NAME,
            super::DEMO_PROFESSION,
            super::DEMO_SPECIALTY,
        )
    }
}

impl VirtualCps {
    /// A CPS3 card for this holder with fresh keys and a genuine certificate from the shared
    /// test PKI (see `keys`); serial `SBX` + national id.
    pub fn demo(
        national_id: &str,
        given: &str,
        family: &str,
        profession: &str,
        specialty: &str,
    ) -> Result<Self, VirtualCardError> {
        let keys = keys::generate(national_id, given, family)?;
        Self::from_keys(keys, national_id, given, family, profession, specialty)
    }

    /// A CPS3 card for this holder with these keys; serial `SBX` + national id.
    pub fn from_keys(
        keys: keys::CardKeys,
        national_id: &str,
        given: &str,
        family: &str,
        profession: &str,
        specialty: &str,
    ) -> Result<Self, VirtualCardError> {
        let identity = IdentityRecord {
            national_id: national_id.to_owned(),
            given_name: given.to_owned(),
            family_name: family.to_owned(),
            profession_code: Some(profession.to_owned()).filter(|s| !s.is_empty()),
            specialty_code: Some(specialty.to_owned()).filter(|s| !s.is_empty()),
            card_serial: Some(format!("SBX{national_id}")),
        };
        Self::new(
            CPS3,
            &identity,
            &keys.key_pkcs8,
            keys.certificate_der,
            keys.ca_der,
        )
    }
}

/// The process's sandbox PKI, started on first use.
pub fn shared() -> Result<&'static SandboxPki, VirtualCardError> {
    static SHARED: OnceLock<Result<SandboxPki, String>> = OnceLock::new();
    SHARED
        .get_or_init(|| SandboxPki::start().map_err(|e| e.to_string()))
        .as_ref()
        .map_err(|e| VirtualCardError::Pki(e.clone()))
}

/// The trust of a sandbox installation whose data is in `data_dir`: the shared PKI's root,
/// lists cached in `data_dir/crl`.
pub fn sandbox_trust(data_dir: &Path) -> Result<CardTrust, VirtualCardError> {
    shared()?.trust(&data_dir.join("crl"))
}
