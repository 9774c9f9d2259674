//! The exact request of a job, as stored before its first send: for the DMP route the signed
//! ITI-41 body and its XAdES signature (the VIHF alone is made afresh at each send, its
//! assertion being short-lived); for the gateway route the HL7 v2 message itself. A
//! deletion on the DMP route stores nothing here: ITI-57 is built from the entry the DMP
//! returns for the target's uniqueId, and deleting twice changes nothing.

use serde::{Deserialize, Serialize};

use crate::dmp::xds::ProvideAndRegister;

/// What `outbox_item.request` holds on the DMP route.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFeed {
    pub body: String,
    pub signature: String,
    pub submission_set_unique_id: String,
    pub signature_unique_id: String,
}

impl std::fmt::Debug for StoredFeed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "StoredFeed({} bytes)", self.body.len())
    }
}

impl StoredFeed {
    pub fn from_pnr(p: &ProvideAndRegister) -> Self {
        Self {
            body: p.body.clone(),
            signature: p.signature.clone(),
            submission_set_unique_id: p.submission_set_unique_id.clone(),
            signature_unique_id: p.signature_unique_id.clone(),
        }
    }

    pub fn to_pnr(&self) -> ProvideAndRegister {
        ProvideAndRegister {
            body: self.body.clone(),
            signature: self.signature.clone(),
            submission_set_unique_id: self.submission_set_unique_id.clone(),
            signature_unique_id: self.signature_unique_id.clone(),
        }
    }

    pub fn to_bytes(&self) -> Vec<u8> {
        serde_json::to_vec(self).unwrap_or_default()
    }

    /// `None` for an empty request (built at first take) or one that is not a feeding.
    pub fn from_bytes(bytes: &[u8]) -> Option<Self> {
        if bytes.is_empty() {
            return None;
        }
        serde_json::from_slice(bytes).ok()
    }
}
