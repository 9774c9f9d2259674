//! The sandbox Pro Santé Connect: an in-process OpenID provider imitating PSC.
