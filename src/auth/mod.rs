//! Authentication: local accounts (`local`), professionals authenticated by an OpenID provider
//! or the CPS card and their link to local accounts (`external`), the OpenID Connect client
//! (`oidc`: Pro Santé Connect, the establishment's provider), and the session lock rules
//! (`lock`). Local accounts' security: the password policy (`password_policy`), TOTP
//! (`totp`), the second factor's secrets at rest (`second_factor`), the user's own credentials
//! (`credentials`) and what administrators do to accounts (`account_admin`).

pub mod account_admin;
pub mod credentials;
pub mod external;
pub mod local;
pub mod lock;
pub mod oidc;
pub mod password_policy;
pub mod providers;
pub mod second_factor;
pub mod totp;

pub use local::{AuthError, LoginMethod, Session};
