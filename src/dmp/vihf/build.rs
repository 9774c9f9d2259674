//! Writing the assertion: one compact line in the samples' shape and attribute order
//! (structure, sector, subject-id, roles, version, mode, patient, URN, purpose,
//! confidentiality, LPS_*), then the enveloped signature after `saml2:Issuer`.

use chrono::{DateTime, Utc};

use super::model::{Coded, VihfRequest};
use super::{
    ATTR_AUTH_MODE, ATTR_CONFIDENTIALITY, ATTR_LPS_HOMOLOGATION, ATTR_LPS_ID, ATTR_LPS_NOM,
    ATTR_LPS_VERSION, ATTR_PURPOSE, ATTR_RESOURCE_ID, ATTR_RESOURCE_URN, ATTR_ROLE, ATTR_SECTEUR,
    ATTR_STRUCTURE, ATTR_SUBJECT_ID, ATTR_VERSION, ISSUER_FORMAT, NS_HL7, NS_SAML2, OID_SECTEUR,
    VihfError,
};
use crate::dmp::signer::Signer;
use crate::dmp::xmldsig::{self, Placement};
use crate::domain::Ins;

/// The unsigned assertion (no XML declaration: it is embedded in a SOAP header).
pub fn build(request: &VihfRequest) -> String {
    let mut out = String::with_capacity(4096);
    out.push_str(&format!(
        "<saml2:Assertion xmlns:saml2=\"{NS_SAML2}\" \
         xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" \
         ID=\"{}\" IssueInstant=\"{}\" Version=\"2.0\">",
        escape_attribute(&request.id),
        instant(request.issue_instant)
    ));
    out.push_str(&format!(
        "<saml2:Issuer Format=\"{ISSUER_FORMAT}\">{}</saml2:Issuer>",
        escape_text(&request.issuer)
    ));
    out.push_str(&format!(
        "<saml2:Subject><saml2:NameID>{}</saml2:NameID></saml2:Subject>",
        escape_text(&request.name_id)
    ));
    if let Some(conditions) = &request.conditions {
        out.push_str("<saml2:Conditions");
        if let Some(t) = conditions.not_before {
            out.push_str(&format!(" NotBefore=\"{}\"", instant(t)));
        }
        if let Some(t) = conditions.not_on_or_after {
            out.push_str(&format!(" NotOnOrAfter=\"{}\"", instant(t)));
        }
        out.push_str("/>");
    }
    out.push_str(&format!(
        "<saml2:AuthnStatement AuthnInstant=\"{}\"><saml2:AuthnContext>\
         <saml2:AuthnContextClassRef>{}</saml2:AuthnContextClassRef>",
        instant(request.authn_instant),
        escape_text(&request.authn_context.uri())
    ));
    if let Some(declaration) = &request.authn_context_decl {
        out.push_str(&format!(
            "<saml2:AuthnContextDecl>{}</saml2:AuthnContextDecl>",
            escape_text(declaration)
        ));
    }
    out.push_str("</saml2:AuthnContext></saml2:AuthnStatement><saml2:AttributeStatement>");

    string_attribute(&mut out, ATTR_STRUCTURE, &request.structure_id);
    string_attribute(
        &mut out,
        ATTR_SECTEUR,
        &format!("{}^{OID_SECTEUR}", request.secteur_activite),
    );
    if let Some(subject) = &request.subject_id {
        string_attribute(&mut out, ATTR_SUBJECT_ID, subject);
    }
    coded_attribute(&mut out, ATTR_ROLE, "Role", &request.roles);
    string_attribute(&mut out, ATTR_VERSION, &request.vihf_version);
    string_attribute(&mut out, ATTR_AUTH_MODE, request.mode.as_str());
    if let Some(ins) = &request.resource {
        string_attribute(&mut out, ATTR_RESOURCE_ID, &cx(ins));
    }
    string_attribute(&mut out, ATTR_RESOURCE_URN, &request.resource_urn);
    coded_attribute(
        &mut out,
        ATTR_PURPOSE,
        "PurposeOfUse",
        &[request.purpose.coded()],
    );
    if let Some(confidentiality) = request.confidentiality {
        string_attribute(&mut out, ATTR_CONFIDENTIALITY, confidentiality.value());
    }
    if let Some(instance) = &request.lps.instance_id {
        string_attribute(&mut out, ATTR_LPS_ID, instance);
    }
    string_attribute(&mut out, ATTR_LPS_NOM, &request.lps.name);
    string_attribute(&mut out, ATTR_LPS_VERSION, &request.lps.version);
    string_attribute(&mut out, ATTR_LPS_HOMOLOGATION, &request.lps.homologation);
    out.push_str("</saml2:AttributeStatement></saml2:Assertion>");
    out
}

/// The assertion signed by `signer`; its Issuer is the signing certificate's subject DN
/// (whatever `request.issuer` says). The request is validated first.
pub fn build_signed(request: &VihfRequest, signer: &dyn Signer) -> Result<String, VihfError> {
    let issuer =
        xmldsig::subject_dn_rfc2253(signer.certificate_der()).map_err(VihfError::Signature)?;
    let mut request = request.clone();
    request.issuer = issuer;
    request.validate()?;
    let placement = Placement::After {
        namespace: NS_SAML2,
        local_name: "Issuer",
    };
    xmldsig::sign_enveloped(&build(&request), &request.id, placement, signer)
        .map_err(VihfError::Signature)
}

/// The patient as an HL7 CX: `matricule^^^&OID&ISO^NH`.
pub(crate) fn cx(ins: &Ins) -> String {
    format!("{}^^^&{}&ISO^NH", ins.matricule.as_str(), ins.oid.as_str())
}

/// UTC, to the millisecond, `Z`: `2019-06-26T08:08:55.849Z`.
pub(crate) fn instant(time: DateTime<Utc>) -> String {
    time.format("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

/// Text content, escaped by the toolkit's one rule set (forbidden characters dropped).
fn escape_text(value: &str) -> String {
    crate::xml::escape_text(value)
}

/// Attribute content, likewise.
fn escape_attribute(value: &str) -> String {
    crate::xml::escape_attr(value)
}

fn string_attribute(out: &mut String, name: &str, value: &str) {
    out.push_str(&format!(
        "<saml2:Attribute Name=\"{}\"><saml2:AttributeValue \
         xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" xsi:type=\"xs:string\">{}\
         </saml2:AttributeValue></saml2:Attribute>",
        escape_attribute(name),
        escape_text(value)
    ));
}

fn coded_attribute(out: &mut String, name: &str, element: &str, values: &[Coded]) {
    out.push_str(&format!(
        "<saml2:Attribute Name=\"{}\">",
        escape_attribute(name)
    ));
    for value in values {
        out.push_str(&format!(
            "<saml2:AttributeValue><{element} xmlns=\"{NS_HL7}\" code=\"{}\" codeSystem=\"{}\"",
            escape_attribute(&value.code),
            escape_attribute(&value.code_system)
        ));
        if let Some(system_name) = &value.code_system_name {
            out.push_str(&format!(
                " codeSystemName=\"{}\"",
                escape_attribute(system_name)
            ));
        }
        if let Some(display) = &value.display_name {
            out.push_str(&format!(" displayName=\"{}\"", escape_attribute(display)));
        }
        out.push_str(" xsi:type=\"CE\"/></saml2:AttributeValue>");
    }
    out.push_str("</saml2:Attribute>");
}
