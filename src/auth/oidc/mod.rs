//! OpenID Connect client for Pro Santé Connect and the establishment's own provider: discovery
//! (PSC's wallet path), the browser flow (PKCE S256, loopback redirect), CIBA in poll mode,
//! ID token and signed userinfo verification, PSC claims mapping, refresh, logout (browser and
//! back channel, refresh token revocation) and client authentication (none, secret, private
//! key JWT, mTLS). Hand-written on reqwest and `jose`; see docs/oidc.md.
//!
//! Nothing here logs or puts in an error a token, a code, a national id or a name.

mod ciba;
mod claims;
mod client_auth;
mod config;
mod error;
mod grants;
mod http;
mod id_token;
pub mod jose;
mod logout;
mod loopback;
mod metadata;
mod pkce;
mod provider;
mod token;
mod userinfo;
mod wait;

pub use ciba::{CIBA_GRANT_TYPE, CibaPoll, CibaRequest, binding_message, ciba_wait};
pub use claims::{
    Activity, DEFAULT_NATIONAL_ID_CLAIM, Exercice, PscIdentity, generic_identity,
    generic_identity_with, psc_identity, rpps_of,
};
pub use client_auth::JWT_BEARER_ASSERTION;
pub use config::{
    ClientAuth, PSC_DISCOVERY_PATH, ProviderConfig, ProviderKind, STANDARD_DISCOVERY_PATH,
};
pub use error::OidcError;
pub use grants::AuthorizationRequest;
pub use http::{CONNECT_TIMEOUT, MAX_RESPONSE_BYTES, TOTAL_TIMEOUT, check_url};
pub use id_token::{IdTokenClaims, LEEWAY_S};
pub use loopback::LoopbackListener;
pub use metadata::{MtlsAliases, ProviderMetadata};
pub use pkce::challenge_s256;
pub use provider::Provider;
pub use token::TokenSet;
