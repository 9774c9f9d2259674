//! Reading a VIHF back: every element and attribute as written ([`ParsedVihf`]), whether the
//! assertion stands alone or sits in a SOAP header, with either prefix style of the agency's
//! samples; the typed [`VihfRequest`] it describes ([`ParsedVihf::to_request`]); and the
//! signed reading the sandbox server uses ([`verify_and_parse`]), which parses only what the
//! signature covers.

use std::fmt;

use chrono::{DateTime, Utc};

use super::model::{
    AuthMode, AuthnContext, Coded, Conditions, Confidentiality, Lps, PurposeOfUse, VihfRequest,
};
use super::{
    ATTR_AUTH_MODE, ATTR_AUTH_MODE_ALT, ATTR_CONFIDENTIALITY, ATTR_LPS_HOMOLOGATION, ATTR_LPS_ID,
    ATTR_LPS_NOM, ATTR_LPS_VERSION, ATTR_PURPOSE, ATTR_RESOURCE_ID, ATTR_RESOURCE_URN, ATTR_ROLE,
    ATTR_SECTEUR, ATTR_STRUCTURE, ATTR_SUBJECT_ID, ATTR_VERSION, NS_SAML2, OID_SECTEUR,
    REQUIRED_ATTRIBUTES, VihfError,
};
use crate::dmp::xmldsig::tree::{ElemId, Tree};
use crate::dmp::xmldsig::{self, NS_DSIG, VerifiedSignature};
use crate::domain::Ins;

/// One `saml2:AttributeValue`.
#[derive(Clone, PartialEq, Eq)]
pub enum AttributeValue {
    /// Text content (the `xs:string` values).
    Text(String),
    /// An HL7 CE element (`Role`, `PurposeOfUse`): its local name and its codes.
    Coded { element: String, value: Coded },
}

impl fmt::Debug for AttributeValue {
    /// Text values may be a name or an INS: not shown. Codes are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Text(_) => f.write_str("Text(…)"),
            Self::Coded { element, value } => f
                .debug_struct("Coded")
                .field("element", element)
                .field("code", &value.code)
                .field("code_system", &value.code_system)
                .finish_non_exhaustive(),
        }
    }
}

/// One `saml2:Attribute`, values in document order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VihfAttribute {
    pub name: String,
    pub values: Vec<AttributeValue>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedConditions {
    pub not_before: Option<String>,
    pub not_on_or_after: Option<String>,
}

/// A VIHF as written: strings untouched (dates, codes, the Issuer DN).
#[derive(Clone, PartialEq, Eq)]
pub struct ParsedVihf {
    pub id: String,
    pub version: String,
    pub issue_instant: String,
    pub issuer: String,
    pub issuer_format: Option<String>,
    pub name_id: String,
    pub conditions: Option<ParsedConditions>,
    pub authn_instant: Option<String>,
    pub authn_context_class_ref: Option<String>,
    pub authn_context_decl: Option<String>,
    pub attributes: Vec<VihfAttribute>,
    /// True when the assertion holds a `ds:Signature` (not checked by [`parse`]).
    pub signed: bool,
}

impl fmt::Debug for ParsedVihf {
    /// Attribute names only: values may name the user or the patient.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParsedVihf")
            .field("id", &self.id)
            .field("issue_instant", &self.issue_instant)
            .field(
                "attributes",
                &self.attributes.iter().map(|a| &a.name).collect::<Vec<_>>(),
            )
            .field("signed", &self.signed)
            .finish_non_exhaustive()
    }
}

/// A signed VIHF whose signature verified, read from the signed bytes only.
#[derive(Debug, Clone)]
pub struct VerifiedVihf {
    pub vihf: ParsedVihf,
    pub signature: VerifiedSignature,
    /// The Issuer is exactly the signing certificate's DN as we write it (RFC 2253).
    /// Other writers format DNs differently (the agency samples use Java's form), so a
    /// mismatch is for the caller to weigh.
    pub issuer_matches_certificate: bool,
}

/// Reads the one `saml2:Assertion` of `xml` (alone or inside a SOAP envelope).
pub fn parse(xml: &str) -> Result<ParsedVihf, VihfError> {
    let tree = Tree::parse(xml).map_err(VihfError::Xml)?;
    // A root assertion is the VIHF (it may hold others in Advice); otherwise it must be the
    // only assertion of the document (SOAP envelope).
    let assertions: Vec<ElemId> = if tree.is(tree.root, NS_SAML2, "Assertion") {
        vec![tree.root]
    } else {
        tree.all_named(NS_SAML2, "Assertion").collect()
    };
    let [assertion] = assertions[..] else {
        return Err(VihfError::AssertionCount(assertions.len()));
    };
    read_assertion(&tree, assertion)
}

/// [`parse`] on bytes: UTF-8, or ISO-8859-1 (declared, or undeclared like two agency samples).
pub fn parse_bytes(bytes: &[u8]) -> Result<ParsedVihf, VihfError> {
    parse(&xmldsig::decode_xml_bytes(bytes).map_err(VihfError::Xml)?)
}

/// Verifies the VIHF's signature (optionally against a trusted certificate or CA, DER) and
/// parses the signed assertion — only what the signature covers.
pub fn verify_and_parse(xml: &str, trusted: Option<&[u8]>) -> Result<VerifiedVihf, VihfError> {
    let signature = xmldsig::verify_enveloped(xml, trusted).map_err(VihfError::Signature)?;
    let mut vihf = parse(&signature.signed_xml)?;
    if vihf.id != signature.reference_id {
        return Err(VihfError::Invalid(
            "ID (the signature covers another element)",
        ));
    }
    vihf.signed = true;
    let issuer_matches_certificate = vihf.issuer == signature.subject_dn;
    Ok(VerifiedVihf {
        vihf,
        signature,
        issuer_matches_certificate,
    })
}

fn read_assertion(tree: &Tree, assertion: ElemId) -> Result<ParsedVihf, VihfError> {
    let element = tree.get(assertion);
    let child = |parent: ElemId, local: &'static str| tree.child(parent, NS_SAML2, local);
    let required =
        |parent: ElemId, local: &'static str| child(parent, local).ok_or(VihfError::Missing(local));
    let issuer = required(assertion, "Issuer")?;
    let subject = required(assertion, "Subject")?;
    let name_id = required(subject, "NameID")?;
    let conditions = child(assertion, "Conditions").map(|c| ParsedConditions {
        not_before: tree.get(c).attr("NotBefore").map(str::to_owned),
        not_on_or_after: tree.get(c).attr("NotOnOrAfter").map(str::to_owned),
    });
    let authn = child(assertion, "AuthnStatement");
    let context = authn.and_then(|a| child(a, "AuthnContext"));
    let context_text =
        |local: &'static str| context.and_then(|c| child(c, local)).map(|e| tree.text(e));

    let mut attributes = Vec::new();
    for statement in tree.children_named(assertion, NS_SAML2, "AttributeStatement") {
        for attribute in tree.children_named(statement, NS_SAML2, "Attribute") {
            let name = tree
                .get(attribute)
                .attr("Name")
                .ok_or(VihfError::Missing("Attribute Name"))?
                .to_owned();
            let values = tree
                .children_named(attribute, NS_SAML2, "AttributeValue")
                .map(|value| read_value(tree, value))
                .collect();
            attributes.push(VihfAttribute { name, values });
        }
    }

    Ok(ParsedVihf {
        id: element
            .attr("ID")
            .ok_or(VihfError::Missing("ID"))?
            .to_owned(),
        version: element.attr("Version").unwrap_or_default().to_owned(),
        issue_instant: element
            .attr("IssueInstant")
            .ok_or(VihfError::Missing("IssueInstant"))?
            .to_owned(),
        issuer: tree.text(issuer),
        issuer_format: tree.get(issuer).attr("Format").map(str::to_owned),
        name_id: tree.text(name_id),
        conditions,
        authn_instant: authn
            .and_then(|a| tree.get(a).attr("AuthnInstant"))
            .map(str::to_owned),
        authn_context_class_ref: context_text("AuthnContextClassRef"),
        authn_context_decl: context_text("AuthnContextDecl"),
        attributes,
        signed: tree.child(assertion, NS_DSIG, "Signature").is_some(),
    })
}

fn read_value(tree: &Tree, value: ElemId) -> AttributeValue {
    let Some(coded) = tree.child_elements(value).next() else {
        return AttributeValue::Text(tree.text(value));
    };
    let element = tree.get(coded);
    let attr = |name: &str| element.attr(name).map(str::to_owned);
    AttributeValue::Coded {
        element: element.local.clone(),
        value: Coded {
            code: attr("code").unwrap_or_default(),
            code_system: attr("codeSystem").unwrap_or_default(),
            code_system_name: attr("codeSystemName"),
            display_name: attr("displayName"),
        },
    }
}

impl ParsedVihf {
    pub fn attribute(&self, name: &str) -> Option<&VihfAttribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    /// The first text value of attribute `name`.
    pub fn text(&self, name: &str) -> Option<&str> {
        self.attribute(name)?.values.iter().find_map(|v| match v {
            AttributeValue::Text(t) => Some(t.as_str()),
            AttributeValue::Coded { .. } => None,
        })
    }

    /// The coded values of attribute `name`.
    pub fn coded(&self, name: &str) -> Vec<&Coded> {
        self.attribute(name)
            .map(|a| {
                a.values
                    .iter()
                    .filter_map(|v| match v {
                        AttributeValue::Coded { value, .. } => Some(value),
                        AttributeValue::Text(_) => None,
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// `Authentification_mode`, in either spelling.
    pub fn authentication_mode(&self) -> Option<&str> {
        self.text(ATTR_AUTH_MODE)
            .or_else(|| self.text(ATTR_AUTH_MODE_ALT))
    }

    /// The required attributes ([`REQUIRED_ATTRIBUTES`]) this VIHF lacks or leaves empty.
    pub fn missing_required(&self) -> Vec<&'static str> {
        REQUIRED_ATTRIBUTES
            .into_iter()
            .filter(|&name| {
                let present = if name == ATTR_AUTH_MODE {
                    self.authentication_mode()
                        .is_some_and(|m| !m.trim().is_empty())
                } else {
                    self.attribute(name).is_some_and(|a| {
                        a.values.iter().any(|v| match v {
                            AttributeValue::Text(t) => !t.trim().is_empty(),
                            AttributeValue::Coded { value, .. } => !value.code.is_empty(),
                        })
                    })
                };
                !present
            })
            .collect()
    }

    /// The patient of `resource-id`, when there is one.
    pub fn resource_ins(&self) -> Result<Option<Ins>, VihfError> {
        self.text(ATTR_RESOURCE_ID).map(parse_cx).transpose()
    }

    /// The typed request this VIHF describes. Unknown codes are errors naming the field.
    pub fn to_request(&self) -> Result<VihfRequest, VihfError> {
        let text = |name: &'static str| self.text(name).ok_or(VihfError::Missing(name));
        let mode = AuthMode::parse(
            self.authentication_mode()
                .ok_or(VihfError::Missing(ATTR_AUTH_MODE))?,
        )
        .ok_or(VihfError::Invalid(ATTR_AUTH_MODE))?;
        let purpose_code = self
            .coded(ATTR_PURPOSE)
            .first()
            .map(|c| c.code.clone())
            .ok_or(VihfError::Missing(ATTR_PURPOSE))?;
        let secteur = text(ATTR_SECTEUR)?;
        let Some((secteur, OID_SECTEUR)) = secteur.split_once('^') else {
            return Err(VihfError::Invalid(ATTR_SECTEUR));
        };
        let conditions = self
            .conditions
            .as_ref()
            .map(|c| -> Result<Conditions, VihfError> {
                Ok(Conditions {
                    not_before: c.not_before.as_deref().map(time("NotBefore")).transpose()?,
                    not_on_or_after: c
                        .not_on_or_after
                        .as_deref()
                        .map(time("NotOnOrAfter"))
                        .transpose()?,
                })
            })
            .transpose()?;
        Ok(VihfRequest {
            id: self.id.clone(),
            issue_instant: time("IssueInstant")(&self.issue_instant)?,
            authn_instant: time("AuthnInstant")(
                self.authn_instant
                    .as_deref()
                    .ok_or(VihfError::Missing("AuthnInstant"))?,
            )?,
            issuer: self.issuer.clone(),
            mode,
            authn_context: AuthnContext::from_uri(
                self.authn_context_class_ref
                    .as_deref()
                    .ok_or(VihfError::Missing("AuthnContextClassRef"))?,
            ),
            authn_context_decl: self.authn_context_decl.clone(),
            name_id: self.name_id.clone(),
            subject_id: self.text(ATTR_SUBJECT_ID).map(str::to_owned),
            roles: self.coded(ATTR_ROLE).into_iter().cloned().collect(),
            structure_id: text(ATTR_STRUCTURE)?.to_owned(),
            secteur_activite: secteur.to_owned(),
            resource: self.resource_ins()?,
            resource_urn: text(ATTR_RESOURCE_URN)?.to_owned(),
            purpose: PurposeOfUse::parse(&purpose_code).ok_or(VihfError::Invalid(ATTR_PURPOSE))?,
            confidentiality: self
                .text(ATTR_CONFIDENTIALITY)
                .map(|v| Confidentiality::parse(v).ok_or(VihfError::Invalid(ATTR_CONFIDENTIALITY)))
                .transpose()?,
            vihf_version: text(ATTR_VERSION)?.to_owned(),
            lps: Lps {
                name: text(ATTR_LPS_NOM)?.to_owned(),
                version: text(ATTR_LPS_VERSION)?.to_owned(),
                instance_id: self.text(ATTR_LPS_ID).map(str::to_owned),
                homologation: text(ATTR_LPS_HOMOLOGATION)?.to_owned(),
            },
            conditions,
        })
    }
}

/// A parser of xs:dateTime values for the named field.
fn time(field: &'static str) -> impl Fn(&str) -> Result<DateTime<Utc>, VihfError> {
    move |value| {
        DateTime::parse_from_rfc3339(value.trim())
            .map(|t| t.with_timezone(&Utc))
            .map_err(|_| VihfError::Invalid(field))
    }
}

/// `matricule^^^&OID&ISO^NH` → INS.
fn parse_cx(value: &str) -> Result<Ins, VihfError> {
    let invalid = || VihfError::Invalid(ATTR_RESOURCE_ID);
    let fields: Vec<&str> = value.trim().split('^').collect();
    let [matricule, "", "", authority, "NH"] = fields[..] else {
        return Err(invalid());
    };
    let [namespace, oid, "ISO"] = authority.split('&').collect::<Vec<_>>()[..] else {
        return Err(invalid());
    };
    if !namespace.is_empty() {
        return Err(invalid());
    }
    Ins::parse(matricule, oid).map_err(|_| invalid())
}
