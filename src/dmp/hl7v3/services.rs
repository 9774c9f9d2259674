//! What the "DMP services" (the non-HL7 SOAP services `habilitations` and `patientsSpecific`)
//! share: a request element in the service's namespace with a few text children, and an answer
//! `<xResponse><output>… <status>DMPOk</status><context>…</context></output></xResponse>`.
//!
//! These requests carry no patient identifier: for TD0.3 and TD1.6 the patient is the one named
//! by the VIHF `resource-id` attribute of the SOAP header.

use crate::dmp::error::{DmpError, ServerText, WireCode};
use crate::dmp::soap;
use crate::xml::{Element, XmlWriter};

/// `output/status` and `output/context` of a DMP service answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceStatus {
    /// `DMPOk`, or an error code such as `DMPPatientAccessAlreadyExists`.
    pub status: WireCode,
    /// Free text, e.g. "Autorisation déjà présente aucune action effectuée".
    pub context: ServerText,
}

impl ServiceStatus {
    /// True for `DMPOk` (any case).
    pub fn is_ok(&self) -> bool {
        self.status.as_str().eq_ignore_ascii_case("DMPOk")
    }

    /// `Ok` for `DMPOk`, else the matching [`DmpError`].
    pub fn check(&self) -> Result<(), DmpError> {
        match DmpError::from_dmp_status(self.status.as_str(), self.context.as_str()) {
            None => Ok(()),
            Some(err) => Err(err),
        }
    }
}

/// A request `<local xmlns="ns"><child>value</child>…</local>`; `None` values are left out.
pub(crate) fn write_request(ns: &str, local: &str, fields: &[(&str, Option<&str>)]) -> String {
    let mut w = XmlWriter::new();
    w.open(local, &[("xmlns", ns)]);
    for (name, value) in fields {
        if let Some(value) = value {
            w.leaf(name, &[], value);
        }
    }
    w.close();
    w.finish()
}

/// Finds `ns:response/output` in a service answer (its root: an envelope, a Body or the
/// payload) and hands it to `read` with its status. A missing `output` or `status` is
/// malformed.
pub(crate) fn read_output<T>(
    root: Element<'_>,
    ns: &str,
    response: &'static str,
    read: impl FnOnce(Element<'_>, ServiceStatus) -> Result<T, DmpError>,
) -> Result<T, DmpError> {
    let answer = soap::payload(root, ns, response, response)?;
    let output = answer
        .child("output")
        .ok_or(DmpError::malformed("output"))?;
    let status = output
        .child_text_trim("status")
        .ok_or(DmpError::malformed("output/status"))?;
    let status = ServiceStatus {
        status: WireCode::new(status),
        context: ServerText::new(output.child_text_trim("context").unwrap_or_default()),
    };
    read(output, status)
}

/// `true` / `false` (xs:boolean also allows `1` / `0`).
pub(crate) fn parse_xs_bool(value: &str) -> Option<bool> {
    match value.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dmp::error::Refusal;

    #[test]
    fn request_values_are_escaped_and_absent_ones_left_out() {
        let xml = write_request("urn:x", "op", &[("a", Some("<&>")), ("b", None)]);
        assert_eq!(xml, "<op xmlns=\"urn:x\">\n  <a>&lt;&amp;&gt;</a>\n</op>\n");
    }

    #[test]
    fn status_check_maps_codes() {
        let status = |code: &str| ServiceStatus {
            status: WireCode::new(code),
            context: ServerText::new("texte"),
        };
        assert!(status("DMPOk").is_ok());
        assert!(status("DMPOK").check().is_ok());
        assert!(matches!(
            status("DMPPatientAccessAlreadyExists").check(),
            Err(DmpError::ServiceStatus { .. })
        ));
        assert_eq!(
            status("DMPTooManyResult")
                .check()
                .err()
                .and_then(|e| e.refusal()),
            Some(Refusal::TooManyResults)
        );
    }

    #[test]
    fn output_and_status_are_required() {
        let ns = "urn:si-dmp-habilitations";
        let read = |_: Element<'_>, s: ServiceStatus| Ok(s);
        for (xml, expected) in [
            (format!("<r xmlns=\"{ns}\"/>"), "output"),
            (format!("<r xmlns=\"{ns}\"><output/></r>"), "output/status"),
            (format!("<q xmlns=\"{ns}\"/>"), "r"),
        ] {
            let doc = crate::dmp::hl7v3::test_support::parse(&xml);
            assert_eq!(
                read_output(doc.root(), ns, "r", read),
                Err(DmpError::malformed(expected))
            );
        }
    }
}
