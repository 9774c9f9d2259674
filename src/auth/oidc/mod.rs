//! OpenID Connect client for Pro Santé Connect and the establishment's own provider.
