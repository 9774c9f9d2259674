//! Making an enveloped signature: digest the element carrying the ID (exc-c14n with
//! [`REFERENCE_INCLUSIVE_PREFIXES`]), insert a `ds:Signature` with an empty SignatureValue
//! into the original text at the chosen place, canonicalise its SignedInfo where it now
//! stands (so inherited namespaces are the real ones), sign that, and fill the value in.
//! The rest of the document is kept byte for byte.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest as _, Sha256};

use super::c14n::{canonicalize, escape_attribute, parse_prefix_list};
use super::tree::{ElemId, Tree};
use super::{
    ALG_ENVELOPED, ALG_EXC_C14N, ALG_RSA_SHA256, ALG_SHA256, NS_DSIG, REFERENCE_INCLUSIVE_PREFIXES,
    XmlDsigError,
};
use crate::dmp::signer::Signer;

/// Where the `ds:Signature` goes inside the signed element.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement<'a> {
    /// Right after the first child element with this namespace and local name
    /// (SAML 2.0: after `saml2:Issuer`).
    After {
        namespace: &'a str,
        local_name: &'a str,
    },
    /// As the first child.
    FirstChild,
    /// As the last child.
    LastChild,
}

/// Signs the element whose `ID` (or `Id`, `id`) attribute is `id` with an enveloped
/// signature placed at `placement`, and returns the signed document.
pub fn sign_enveloped(
    xml: &str,
    id: &str,
    placement: Placement<'_>,
    signer: &dyn Signer,
) -> Result<String, XmlDsigError> {
    let tree = Tree::parse(xml)?;
    let target = find_by_id(&tree, id)?;
    let prefixes = parse_prefix_list(REFERENCE_INCLUSIVE_PREFIXES);
    let digest = Sha256::digest(canonicalize(&tree, target, None, &prefixes).as_bytes());

    let offset = insertion_offset(&tree, target, placement)?;
    let signed_info = signed_info(id, &STANDARD.encode(digest));
    let head = format!("<ds:Signature xmlns:ds=\"{NS_DSIG}\">{signed_info}<ds:SignatureValue>");
    let tail = format!(
        "</ds:SignatureValue><ds:KeyInfo><ds:X509Data><ds:X509Certificate>{}\
         </ds:X509Certificate></ds:X509Data></ds:KeyInfo></ds:Signature>",
        STANDARD.encode(signer.certificate_der())
    );

    // SignedInfo canonicalised in place: the signature is parsed inside the document.
    let draft = format!("{}{head}{tail}{}", &xml[..offset], &xml[offset..]);
    let draft_tree = Tree::parse(&draft)?;
    let signature = draft_tree
        .all_named(NS_DSIG, "Signature")
        .find(|&e| draft_tree.get(e).start == offset)
        .ok_or(XmlDsigError::Structure("inserted signature not found"))?;
    let info = draft_tree
        .child(signature, NS_DSIG, "SignedInfo")
        .ok_or(XmlDsigError::Structure("inserted SignedInfo not found"))?;
    let canonical_info = canonicalize(&draft_tree, info, None, &[]);
    let value = signer.sign_rsa_sha256(canonical_info.as_bytes())?;

    Ok(format!(
        "{}{head}{}{tail}{}",
        &xml[..offset],
        STANDARD.encode(value),
        &xml[offset..]
    ))
}

/// The single element whose ID attribute equals `id`.
pub(crate) fn find_by_id(tree: &Tree, id: &str) -> Result<ElemId, XmlDsigError> {
    let mut found = tree.elements.iter().enumerate().filter(|(_, element)| {
        ["ID", "Id", "id"]
            .iter()
            .any(|name| element.attr(name) == Some(id))
    });
    let (first, _) = found.next().ok_or(XmlDsigError::IdNotFound)?;
    if found.next().is_some() {
        return Err(XmlDsigError::IdNotUnique);
    }
    Ok(first)
}

fn insertion_offset(
    tree: &Tree,
    target: ElemId,
    placement: Placement<'_>,
) -> Result<usize, XmlDsigError> {
    let element = tree.get(target);
    if element.start_tag_end == element.end {
        return Err(XmlDsigError::Refused(
            "the signed element is an empty-element tag",
        ));
    }
    match placement {
        Placement::After {
            namespace,
            local_name,
        } => tree
            .child(target, namespace, local_name)
            .map(|child| tree.get(child).end)
            .ok_or(XmlDsigError::PlacementNotFound),
        Placement::FirstChild => Ok(element.start_tag_end),
        Placement::LastChild => Ok(element.end_tag_start),
    }
}

fn signed_info(id: &str, digest_b64: &str) -> String {
    format!(
        "<ds:SignedInfo>\
         <ds:CanonicalizationMethod Algorithm=\"{ALG_EXC_C14N}\"/>\
         <ds:SignatureMethod Algorithm=\"{ALG_RSA_SHA256}\"/>\
         <ds:Reference URI=\"#{uri}\">\
         <ds:Transforms>\
         <ds:Transform Algorithm=\"{ALG_ENVELOPED}\"/>\
         <ds:Transform Algorithm=\"{ALG_EXC_C14N}\">\
         <ec:InclusiveNamespaces xmlns:ec=\"{ALG_EXC_C14N}\" PrefixList=\"{REFERENCE_INCLUSIVE_PREFIXES}\"/>\
         </ds:Transform>\
         </ds:Transforms>\
         <ds:DigestMethod Algorithm=\"{ALG_SHA256}\"/>\
         <ds:DigestValue>{digest_b64}</ds:DigestValue>\
         </ds:Reference>\
         </ds:SignedInfo>",
        uri = escape_attribute(id)
    )
}
