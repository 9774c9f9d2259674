//! The contextual call of the DMP professional web portal (DSR §3.2.2 b, 2.6: DPI.DMP/UX.49,
//! the vaccination note page) without the patient's identity in the address the browser opens
//! (browser history, proxy logs, `Referer`). The DMP's own contextual-access mechanism is not
//! public; Chevet does the safest thing a portal can check (docs/dmp.md, "Portail en
//! contexte"):
//!
//! 1. over the DMP's channel — mutual TLS with the establishment's authentication certificate,
//!    a signed VIHF naming the professional, the patient (the INS in `resource-id`) and the
//!    access mode — it posts the page wanted to the portal's context address
//!    ([`PortalClient::portal_url`]);
//! 2. the portal answers with the address to open: a random token, single use, valid for a
//!    short time and bound to that professional;
//! 3. Chevet checks that address ([`check_portal_address`]: https, or http on a loopback host;
//!    the context address's host; no INS in it) and only then hands it to the system browser.
//!
//! The address is never logged (it holds the token); errors name what was wrong, never it.

use std::fmt;
use std::sync::Arc;

use super::super::client::{Caller, DmpSettings, signed_vihf};
use super::super::error::DmpError;
use super::super::hl7v3;
use super::super::setup::DmpEndpoint;
use super::super::signer::Signer;
use super::super::soap::{self, Headers};
use super::super::transport::{Body, Transport};
use crate::domain::Ins;
use crate::domain::dmp::PortalPage;
use crate::xml::{Element, Limits, XmlWriter};

/// SOAP action of the context request.
pub const CONTEXT_ACTION: &str = "urn:chevet:dmp:portail:contexte";
/// SOAP action of its answer.
pub const CONTEXT_RESPONSE_ACTION: &str = "urn:chevet:dmp:portail:contexteResponse";
/// Namespace of the request and answer payloads.
pub const NS_PORTAL: &str = "urn:chevet:dmp:portail:1";

/// The client of the portal's context address, over the DMP's mutual-TLS channel.
#[derive(Clone)]
pub struct PortalClient {
    transport: Transport,
    settings: Arc<DmpSettings>,
    signer: Arc<dyn Signer>,
    context_url: String,
}

impl fmt::Debug for PortalClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PortalClient")
            .field("context_url", &self.context_url)
            .finish_non_exhaustive()
    }
}

impl PortalClient {
    /// The portal client of a DMP endpoint that names a context address (`https://`); `None`
    /// when it names none, or one that cannot be used (said in the log).
    pub fn from_endpoint(endpoint: &DmpEndpoint) -> Option<Self> {
        let context_url = endpoint.portal_context_url.as_deref()?.trim().to_owned();
        let usable = url::Url::parse(&context_url)
            .is_ok_and(|u| u.scheme() == "https" && u.host_str().is_some_and(|h| !h.is_empty()));
        if !usable {
            tracing::error!("DMP portal: the context address must be an https:// URL");
            return None;
        }
        let transport = Transport::new(&endpoint.identity, &endpoint.roots, endpoint.timeouts)
            .inspect_err(|e| tracing::error!("DMP portal client unusable: {e}"))
            .ok()?;
        Some(Self {
            transport,
            settings: Arc::new(endpoint.settings.clone()),
            signer: endpoint.signer.clone(),
            context_url,
        })
    }

    /// The address to open in the browser for this patient and page, as `caller`: asks the
    /// portal for a single-use token (one POST, not retried: each creates a token).
    pub async fn portal_url(
        &self,
        caller: &Caller,
        ins: &Ins,
        page: PortalPage,
    ) -> Result<String, DmpError> {
        let vihf = signed_vihf(&self.settings, self.signer.as_ref(), caller, Some(ins))?;
        let envelope = soap::envelope(
            &Headers {
                action: CONTEXT_ACTION,
                to: &self.context_url,
                message_id: soap::new_message_id(),
                vihf: Some(&vihf),
            },
            &request_body(page),
        );
        let reply = self
            .transport
            .post(
                &self.context_url,
                CONTEXT_ACTION,
                &Body::Soap { xml: envelope },
                false,
            )
            .await?;
        let not_soap = || {
            DmpError::from_http_status(reply.status).unwrap_or(DmpError::malformed("a SOAP answer"))
        };
        let text = soap::decode_text(&reply.body);
        let Ok(doc) = soap::parse(&text, &Limits::HL7V3) else {
            return Err(not_soap());
        };
        let Ok(answer) = soap::read_answer(&doc) else {
            return Err(not_soap());
        };
        if answer.is_fault() {
            return Err(hl7v3::fault_error(&answer.payload));
        }
        if let Some(e) = DmpError::from_http_status(reply.status) {
            return Err(e);
        }
        let address = read_answer(answer.payload)?;
        check_portal_address(address, &self.context_url, ins)
    }
}

/// The request's payload: only the page. The patient and the professional are in the VIHF.
pub fn request_body(page: PortalPage) -> String {
    let mut w = XmlWriter::compact();
    w.open("portail:ContexteAcces", &[("xmlns:portail", NS_PORTAL)])
        .leaf("portail:page", &[], page.code())
        .close();
    w.finish()
}

/// The answer's payload: the address to open and its validity in seconds.
pub fn answer_body(address: &str, valid_secs: u64) -> String {
    let mut w = XmlWriter::compact();
    w.open("portail:JetonAcces", &[("xmlns:portail", NS_PORTAL)])
        .leaf("portail:adresse", &[], address)
        .leaf("portail:validiteSecondes", &[], &valid_secs.to_string())
        .close();
    w.finish()
}

/// The page asked for in a request's payload.
pub fn read_request(payload: Element<'_>) -> Option<PortalPage> {
    if !payload.is(NS_PORTAL, "ContexteAcces") {
        return None;
    }
    let code = payload.child_text_trim("page")?;
    [
        PortalPage::Summary,
        PortalPage::Documents,
        PortalPage::VaccinationNote,
    ]
    .into_iter()
    .find(|p| p.code() == code)
}

fn read_answer(payload: Element<'_>) -> Result<&str, DmpError> {
    if !payload.is(NS_PORTAL, "JetonAcces") {
        return Err(DmpError::malformed("the portal's access token"));
    }
    payload
        .child_text_trim("adresse")
        .ok_or(DmpError::malformed("the portal's access address"))
}

/// The address the portal gave, if the browser may open it: `https://` (or `http://` on a
/// loopback host, the sandbox), on the context address's host, and carrying neither the INS
/// matricule nor its OID.
pub fn check_portal_address(
    address: &str,
    context_url: &str,
    ins: &Ins,
) -> Result<String, DmpError> {
    let refused = || DmpError::malformed("a portal address on the portal's host, without the INS");
    let url = url::Url::parse(address.trim()).map_err(|_| refused())?;
    let context = url::Url::parse(context_url).map_err(|_| refused())?;
    let host = url.host_str().unwrap_or_default();
    let loopback = matches!(host, "127.0.0.1" | "localhost" | "[::1]");
    let scheme_ok = url.scheme() == "https" || (url.scheme() == "http" && loopback);
    let same_host = !host.is_empty() && Some(host) == context.host_str();
    let text = url.as_str().to_ascii_lowercase();
    let matricule = ins.matricule.as_str().to_ascii_lowercase();
    let carries_ins = text.contains(&matricule) || text.contains(ins.oid.as_str());
    if !scheme_ok || !same_host || carries_ins || url.query().is_none_or(str::is_empty) {
        return Err(refused());
    }
    Ok(url.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ins() -> Ins {
        Ins::parse("279035121518989", "1.2.250.1.213.1.4.10").expect("INS")
    }

    #[test]
    fn the_request_names_the_page_only() {
        let body = request_body(PortalPage::VaccinationNote);
        assert!(body.contains("note-vaccination"), "{body}");
        assert!(!body.contains("279035121518989"));
        let doc = crate::xml::parse(&body, &Limits::HL7V3).expect("xml");
        assert_eq!(read_request(doc.root()), Some(PortalPage::VaccinationNote));
        let other = crate::xml::parse(
            "<ContexteAcces><page>x</page></ContexteAcces>",
            &Limits::HL7V3,
        )
        .expect("xml");
        assert_eq!(read_request(other.root()), None);
    }

    #[test]
    fn the_answer_is_read_and_its_address_checked() {
        let body = answer_body("http://127.0.0.1:4000/portail?ctx=abc", 60);
        let doc = crate::xml::parse(&body, &Limits::HL7V3).expect("xml");
        let address = read_answer(doc.root()).expect("address");
        let context = "https://127.0.0.1:4001/portail/contexte";
        assert_eq!(
            check_portal_address(address, context, &ins()).expect("ok"),
            "http://127.0.0.1:4000/portail?ctx=abc"
        );
        for bad in [
            // The INS, in clear or as its OID.
            "http://127.0.0.1:4000/portail?ins=279035121518989",
            "http://127.0.0.1:4000/portail/279035121518989?ctx=a",
            "http://127.0.0.1:4000/portail?ctx=a&oid=1.2.250.1.213.1.4.10",
            // Another host, plain http off loopback, no token, not a URL.
            "http://127.0.0.2:4000/portail?ctx=abc",
            "https://portail.example/portail?ctx=abc",
            "http://127.0.0.1:4000/portail",
            "javascript:alert(1)",
            "",
        ] {
            assert!(check_portal_address(bad, context, &ins()).is_err(), "{bad}");
        }
        let prod = "https://portail.dmp.example/contexte";
        assert!(check_portal_address("https://portail.dmp.example/p?ctx=x", prod, &ins()).is_ok());
        assert!(check_portal_address("http://portail.dmp.example/p?ctx=x", prod, &ins()).is_err());
        let wrong = crate::xml::parse("<JetonAcces/>", &Limits::HL7V3).expect("xml");
        assert!(read_answer(wrong.root()).is_err());
    }
}
