//! ITI-41 Provide and Register Document Set-b (TD2.1 new document, TD2.2 replacement): the
//! `ProvideAndRegisterDocumentSetRequest` body — SubmissionSet, document ExtrinsicObject(s),
//! the XAdES signature ExtrinsicObject, HasMember associations, the `signs` association
//! (signature → SubmissionSet), an RPLC association to the replaced entryUUID — and the
//! `Document` elements that point at the MTOM parts (`xop:Include href="cid:…"`). The
//! signature document itself comes from `xades.rs`.

use std::fmt;

use super::consts::{signature as sig, *};
use super::entry::DmpDocumentEntry;
use super::hl7::{Code, format_dtm};
use super::ids::IdGen;
use super::retrieve::cid_href;
use super::rim_write::{EntryForm, Symbols, association, extrinsic_object};
use super::submission::{
    SUBMISSION_SET_ID, SubmissionContext, open_submit_objects, write_submission_set,
};
use super::xades::{SignatureInput, UnsignedSignature, prepare_signature};
use crate::dmp::error::DmpError;
use crate::dmp::signer::Signer;
use crate::xml::XmlWriter;

const SIGNATURE_ID: &str = "Signature01";

/// One document of a feeding.
#[derive(Clone)]
pub struct FeedDocument<'a> {
    /// Its metadata (see [`DmpDocumentEntry::from_cda`]); the entryUUID is ignored.
    pub entry: DmpDocumentEntry,
    /// The exact bytes of the MTOM part (digested into the signature).
    pub bytes: &'a [u8],
    /// Content-ID of its MTOM part (without `cid:` or brackets).
    pub content_id: String,
    /// entryUUID of the entry this document replaces (TD2.2): adds an RPLC association.
    pub replaces: Option<String>,
}

impl fmt::Debug for FeedDocument<'_> {
    /// No content bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FeedDocument")
            .field("entry", &self.entry)
            .field("bytes", &self.bytes.len())
            .field("content_id", &self.content_id)
            .field("replaces", &self.replaces)
            .finish()
    }
}

/// A feeding.
#[derive(Debug, Clone)]
pub struct FeedRequest<'a> {
    pub submission: SubmissionContext,
    pub documents: Vec<FeedDocument<'a>>,
    /// Content-ID of the MTOM part that will carry the signature document.
    pub signature_content_id: String,
}

/// A feeding whose signature is not made yet.
#[derive(Clone)]
pub struct PreparedFeed {
    /// The `ProvideAndRegisterDocumentSetRequest` element (SOAP body content).
    pub body: String,
    pub signature: UnsignedSignature,
    pub submission_set_unique_id: String,
    pub signature_unique_id: String,
}

/// A feeding ready to send: the body and the bytes of the signature part.
#[derive(Clone, PartialEq, Eq)]
pub struct ProvideAndRegister {
    pub body: String,
    /// The XAdES document, to send as the part named by `signature_content_id`.
    pub signature: String,
    pub submission_set_unique_id: String,
    pub signature_unique_id: String,
}

impl fmt::Debug for PreparedFeed {
    /// Sizes and ids only: the body holds the patient's identity.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PreparedFeed")
            .field("body", &self.body.len())
            .field("submission_set_unique_id", &self.submission_set_unique_id)
            .field("signature_unique_id", &self.signature_unique_id)
            .finish_non_exhaustive()
    }
}

impl fmt::Debug for ProvideAndRegister {
    /// Sizes and ids only: the body holds the patient's identity.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProvideAndRegister")
            .field("body", &self.body.len())
            .field("signature", &self.signature.len())
            .field("submission_set_unique_id", &self.submission_set_unique_id)
            .field("signature_unique_id", &self.signature_unique_id)
            .finish()
    }
}

impl PreparedFeed {
    /// Completes the signature with its RSA-SHA256 value.
    pub fn finish(self, signature_value: &[u8]) -> ProvideAndRegister {
        ProvideAndRegister {
            signature: self.signature.finish(signature_value),
            body: self.body,
            submission_set_unique_id: self.submission_set_unique_id,
            signature_unique_id: self.signature_unique_id,
        }
    }
}

/// The metadata of the signature document (IHE DSG codes, the rest from the first document).
fn signature_entry(
    doc: &DmpDocumentEntry,
    ctx: &SubmissionContext,
    unique_id: &str,
) -> DmpDocumentEntry {
    let now = format_dtm(&ctx.time);
    DmpDocumentEntry {
        unique_id: unique_id.to_owned(),
        mime_type: "text/xml".to_owned(),
        creation_time: Some(now.clone()),
        service_start_time: Some(now.clone()),
        service_stop_time: Some(now),
        language_code: Some(sig::LANGUAGE.to_owned()),
        legal_authenticator: doc.legal_authenticator.clone(),
        source_patient_id: doc.source_patient_id.clone(),
        title: Some(sig::PURPOSE_LABEL.to_owned()),
        authors: vec![ctx.author.clone()],
        class_code: Some(Code::new(
            sig::CLASS_CODE,
            sig::CLASS_SCHEME,
            sig::CLASS_LABEL,
        )),
        type_code: Some(Code::new(sig::TYPE_CODE, sig::TYPE_SCHEME, sig::TYPE_LABEL)),
        format_code: Some(Code::new(
            sig::FORMAT_CODE,
            sig::FORMAT_SCHEME,
            sig::FORMAT_LABEL,
        )),
        confidentiality_codes: doc.confidentiality_codes.clone(),
        healthcare_facility_type_code: doc.healthcare_facility_type_code.clone(),
        practice_setting_code: doc.practice_setting_code.clone(),
        event_codes: vec![Code::new(
            sig::PURPOSE_CODE,
            sig::PURPOSE_SCHEME,
            sig::PURPOSE_LABEL,
        )],
        patient_id: doc.patient_id.clone(),
        ..DmpDocumentEntry::default()
    }
}

/// Builds the body and the unsigned signature. `certificate_der` is the signer's certificate.
pub fn prepare_feed(
    req: &FeedRequest<'_>,
    certificate_der: &[u8],
    ids: &mut IdGen,
) -> Result<PreparedFeed, DmpError> {
    let first = req.documents.first().ok_or(DmpError::request("document"))?;
    let patient = first
        .entry
        .patient_id
        .as_ref()
        .ok_or(DmpError::request("patientId"))?;
    for d in &req.documents {
        if d.entry.patient_id.as_ref() != Some(patient) {
            return Err(DmpError::request("patientId"));
        }
        if d.entry.unique_id.is_empty() {
            return Err(DmpError::request("uniqueId"));
        }
        if d.content_id.is_empty() {
            return Err(DmpError::request("content id"));
        }
    }
    if req.signature_content_id.is_empty() {
        return Err(DmpError::request("signature content id"));
    }
    let ctx = &req.submission;
    let submission_set_unique_id = ids.oid();
    let signature_unique_id = ids.oid();
    let doc_ids: Vec<String> = (1..=req.documents.len())
        .map(|n| format!("Document{n:02}"))
        .collect();

    let mut w = XmlWriter::new();
    let mut sym = Symbols::default();
    w.open(
        "xdsb:ProvideAndRegisterDocumentSetRequest",
        &[
            ("xmlns:xdsb", ns::XDSB),
            ("xmlns:lcm", ns::LCM),
            ("xmlns:rim", ns::RIM),
        ],
    );
    open_submit_objects(&mut w, false);
    write_submission_set(&mut w, &mut sym, ctx, patient, &submission_set_unique_id);
    for (d, id) in req.documents.iter().zip(&doc_ids) {
        extrinsic_object(&mut w, &mut sym, &d.entry, id, EntryForm::NewDocument);
    }
    let signature = signature_entry(&first.entry, ctx, &signature_unique_id);
    extrinsic_object(
        &mut w,
        &mut sym,
        &signature,
        SIGNATURE_ID,
        EntryForm::NewDocument,
    );
    let original: &[(&str, &[&str])] = &[("SubmissionSetStatus", &["Original"])];
    for id in doc_ids.iter().map(String::as_str).chain([SIGNATURE_ID]) {
        let as_id = sym.next("as");
        association(
            &mut w,
            &as_id,
            ASSOC_HAS_MEMBER,
            SUBMISSION_SET_ID,
            id,
            original,
        );
    }
    let as_id = sym.next("as");
    association(
        &mut w,
        &as_id,
        ASSOC_SIGNS,
        SIGNATURE_ID,
        SUBMISSION_SET_ID,
        original,
    );
    for (d, id) in req.documents.iter().zip(&doc_ids) {
        if let Some(old) = &d.replaces {
            let as_id = sym.next("as");
            association(&mut w, &as_id, ASSOC_RPLC, id, old, &[]);
        }
    }
    w.close();
    w.close();
    let parts = req
        .documents
        .iter()
        .zip(&doc_ids)
        .map(|(d, id)| (id.as_str(), d.content_id.as_str()))
        .chain([(SIGNATURE_ID, req.signature_content_id.as_str())]);
    for (id, content_id) in parts {
        w.open("xdsb:Document", &[("id", id)]);
        w.empty(
            "xop:Include",
            &[("xmlns:xop", ns::XOP), ("href", &cid_href(content_id))],
        );
        w.close();
    }
    let body = w.finish();

    let input = SignatureInput {
        // Prefixed so that the Id is an XML NCName (a UUID may start with a digit).
        signature_id: format!("sig-{}", ids.uuid()),
        submission_set_unique_id: submission_set_unique_id.clone(),
        documents: req
            .documents
            .iter()
            .map(|d| (d.entry.unique_id.clone(), d.bytes))
            .collect(),
        signing_time: ctx.time,
    };
    Ok(PreparedFeed {
        body,
        signature: prepare_signature(&input, certificate_der)?,
        submission_set_unique_id,
        signature_unique_id,
    })
}

/// Builds and signs a feeding.
pub fn provide_and_register(
    req: &FeedRequest<'_>,
    signer: &dyn Signer,
    ids: &mut IdGen,
) -> Result<ProvideAndRegister, DmpError> {
    let prepared = prepare_feed(req, signer.certificate_der(), ids)?;
    let value = signer.sign_rsa_sha256(prepared.signature.bytes_to_sign())?;
    Ok(prepared.finish(&value))
}
