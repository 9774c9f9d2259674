//! Authentication. This issue brings local accounts (`local`); Pro Santé Connect, other OIDC
//! providers and the CPS card come with the identity issue.

pub mod local;
pub mod oidc;

pub use local::{AuthError, Session};
