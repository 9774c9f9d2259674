//! The contextual call of the DMP professional web portal (DSR §3.2.2 b, 2.6: DPI.DMP/UX.49,
//! the vaccination note page): a URL built from the configured template, with the patient's
//! INS and the page filled in, percent-encoded. No network. The URL carries the INS: hand it to
//! the browser, never log it.
//!
//! Placeholders: `{ins}` (the INS matricule, required), `{ins_oid}` (its OID), `{page}` (the
//! page code, [`PortalPage::code`]). The template must be `https://`, or `http://` on a loopback
//! host (the sandbox).

use crate::domain::Ins;
use crate::domain::dmp::PortalPage;

/// Why a portal template cannot give a URL.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PortalUrlError {
    #[error("le modèle d'URL du portail DMP ne contient pas {{ins}}")]
    MissingInsPlaceholder,
    #[error("le modèle d'URL du portail DMP contient un paramètre inconnu")]
    UnknownPlaceholder,
    #[error("le portail DMP doit être joint en https")]
    NotHttps,
    #[error("le modèle d'URL du portail DMP ne donne pas une URL valide")]
    Invalid,
}

/// Percent-encodes everything but the RFC 3986 unreserved characters.
fn encode(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// The portal URL for this patient and page.
pub fn portal_url(template: &str, ins: &Ins, page: PortalPage) -> Result<String, PortalUrlError> {
    let template = template.trim();
    if !template.contains("{ins}") {
        return Err(PortalUrlError::MissingInsPlaceholder);
    }
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find('}').ok_or(PortalUrlError::UnknownPlaceholder)?;
        let value = match &after[..end] {
            "ins" => encode(ins.matricule.as_str()),
            "ins_oid" => encode(ins.oid.as_str()),
            "page" => encode(page.code()),
            _ => return Err(PortalUrlError::UnknownPlaceholder),
        };
        out.push_str(&value);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    let url = url::Url::parse(&out).map_err(|_| PortalUrlError::Invalid)?;
    let loopback = matches!(url.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        _ => return Err(PortalUrlError::NotHttps),
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(PortalUrlError::Invalid);
    }
    Ok(out)
}
