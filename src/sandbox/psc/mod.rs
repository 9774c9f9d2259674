//! The sandbox Pro Santé Connect: an in-process OpenID provider imitating PSC (and, in its
//! hospital flavour, the establishment's own provider), so that sandbox users log in by the
//! browser flow or by CIBA without the real PSC. Plain HTTP on 127.0.0.1.
//!
//! `options` (flavours, lifetimes, URL layout), `demo` (the fictitious professionals and
//! their claims), `state` (bounded in-memory grants), `server` (HTTP front, discovery, key
//! set, the service and its handle), `authorize`, `tokens`, `ciba`, `userinfo`, `logout`
//! (the endpoints), `pages` (HTML), `http` (plumbing). See `docs/sandbox-psc.md`.

mod authorize;
mod ciba;
pub mod demo;
mod error;
mod http;
mod logout;
pub mod options;
mod pages;
mod server;
mod state;
#[cfg(test)]
mod tests;
mod tokens;
mod userinfo;

pub use demo::{DemoActivity, DemoPro, demo_professionals};
pub use error::PscError;
pub use options::{Endpoints, Flavour, PscOptions};
pub use server::{PscHandle, SandboxPsc};
pub use state::PendingCiba;

/// A provider listening on 127.0.0.1; dropping `registry` stops it.
pub struct RunningPsc {
    pub registry: crate::sandbox::registry::Registry,
    pub handle: PscHandle,
    pub issuer: String,
    /// `http://127.0.0.1:PORT`.
    pub base_url: String,
    /// The e-CPS stand-in page; empty for the hospital flavour.
    pub ecps_url: String,
}

impl RunningPsc {
    /// Every URL of the provider.
    pub fn endpoints(&self) -> Endpoints {
        Endpoints::new(self.handle.flavour(), &self.base_url)
    }
}

/// Starts a provider on the current runtime, on a port chosen by the system.
pub async fn start(options: PscOptions) -> Result<RunningPsc, PscError> {
    let flavour = options.flavour;
    let (service, handle) = SandboxPsc::new(options)?;
    let registry = crate::sandbox::registry::Registry::start(vec![Box::new(service)]).await?;
    let base_url = registry
        .url_of(flavour.service_name())
        .ok_or_else(|| PscError::Listen(std::io::ErrorKind::AddrNotAvailable.into()))?;
    handle.set_base_url(&base_url);
    let endpoints = Endpoints::new(flavour, &base_url);
    Ok(RunningPsc {
        registry,
        handle,
        issuer: endpoints.issuer,
        base_url,
        ecps_url: endpoints.ecps,
    })
}
