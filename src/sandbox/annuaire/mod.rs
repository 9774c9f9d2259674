//! The sandbox Annuaire Santé: a generated bulk extract in the real column format
//! (`generate`) and a FHIR R4 server over the same entries with the V2 API's search
//! parameters, paging and limits (`server`).

pub mod generate;
pub mod server;

use std::time::Duration;

use zeroize::Zeroizing;

use crate::annuaire::fhir::AnnuaireSettings;
use crate::sandbox::registry::Registry;

/// The sandbox API's key (public: the sandbox is a demonstration).
pub const SANDBOX_API_KEY: &str = "chevet-sandbox-annuaire";

/// Starts the sandbox Annuaire Santé API over the entries of the demo extract (the same
/// seed), with one mailbox in a hundred missing from the API as in the real service; returns
/// the running service (keep it) and the client's settings.
pub async fn start(faults: server::FaultPlan) -> std::io::Result<(Registry, AnnuaireSettings)> {
    let entries: Vec<_> =
        generate::entries(generate::SANDBOX_SEED, generate::SANDBOX_COUNT).collect();
    let missing = entries
        .iter()
        .skip(10)
        .step_by(100)
        .map(|e| e.mailbox.to_ascii_lowercase())
        .collect();
    let api = server::SandboxAnnuaire::new(entries, SANDBOX_API_KEY, faults);
    api.set_missing_mailboxes(missing);
    let registry = Registry::start(vec![Box::new(api)]).await?;
    let url = registry.url_of("annuaire").unwrap_or_default();
    let mut settings = AnnuaireSettings::with_base_url(
        &format!("{url}{}", server::BASE_PATH),
        Zeroizing::new(SANDBOX_API_KEY.to_owned()),
    );
    settings.connect_timeout = Duration::from_secs(2);
    Ok((registry, settings))
}
