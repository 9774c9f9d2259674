//! Authentication: local accounts (`local`), professionals authenticated by an OpenID provider
//! or the CPS card and their link to local accounts (`external`), the OpenID Connect client
//! (`oidc`: Pro Santé Connect, the establishment's provider), and the session lock rules
//! (`lock`).

pub mod external;
pub mod local;
pub mod lock;
pub mod oidc;
pub mod providers;

pub use local::{AuthError, LoginMethod, Session};
