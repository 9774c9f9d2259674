//! Test helpers of the sandbox Annuaire: the server started on 127.0.0.1 in the current
//! runtime, the base URL of its API, and client settings for it (a short back-off so that
//! retries do not slow the tests down).

use std::time::Duration;

use zeroize::Zeroizing;

use super::SandboxAnnuaire;
use crate::annuaire::fhir::AnnuaireSettings;
use crate::sandbox::registry::Registry;

/// The API key the tests give the server.
pub const TEST_API_KEY: &str = "sandbox-annuaire-key";

/// Starts `server` (a clone keeps driving its faults); returns the running registry (keep it:
/// dropping it stops the server) and the API's base URL, `http://127.0.0.1:port/fhir/v2`.
pub async fn start(server: SandboxAnnuaire) -> std::io::Result<(Registry, String)> {
    let registry = Registry::start(vec![Box::new(server)]).await?;
    let url = registry.url_of("annuaire").unwrap_or_default();
    Ok((registry, format!("{url}{}", super::BASE_PATH)))
}

/// Client settings for the sandbox at `base_url`: quick back-off, 5 s timeout.
pub fn settings(base_url: &str, api_key: &str) -> AnnuaireSettings {
    let mut s = AnnuaireSettings::with_base_url(base_url, Zeroizing::new(api_key.to_owned()));
    s.timeout = Duration::from_secs(5);
    s.connect_timeout = Duration::from_secs(2);
    s.retry_base = Duration::from_millis(10);
    s.rate_per_second = 1000;
    s
}
