//! From and to Chevet's domain: a [`DmpDocumentEntry`] as the patient folder lists it
//! ([`DocumentMeta`], [`Visibility`]), and the entry of a CDA about to be fed (spec §3.1
//! "CDA → XDS": confidentiality, creation time, facility, service times and event codes from
//! the header; class, practice setting and N3 format from the caller).

use chrono::{DateTime, Local, NaiveDateTime, Utc};

use super::cda_times::{header_times, local_to_utc, ts_to_dtm};
use super::consts::*;
use super::entry::{Author, AvailabilityStatus, DmpDocumentEntry};
use super::hl7::{Code, Cx, Xcn, Xon, escape, format_dtm};
use crate::cda::{CdaDocument, InstanceId, Professional};
use crate::dmp::error::DmpError;
use crate::domain::{BodyKind, DocumentMeta, Visibility};

/// What the CDA header cannot say about a document to feed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedParams {
    /// classCode (JDV_J57, from the type code through ASS_X04).
    pub class_code: Code,
    /// practiceSettingCode (JDV_J62), e.g. `ETABLISSEMENT`.
    pub practice_setting: Code,
    /// healthcareFacilityTypeCode when the CDA has no `healthCareFacility/code`.
    pub healthcare_facility_type: Option<Code>,
    /// formatCode; required for N3 documents (ASS_A11). N1 formats follow from the media type.
    pub format_code: Option<Code>,
    /// DMP visibility flags at feeding time.
    pub visibility: Visibility,
    /// `Description` (comments) of the entry.
    pub comments: Option<String>,
}

impl FeedParams {
    /// Parameters for a document produced in this establishment when the caller has nothing
    /// better: class "Compte rendu" (certificates "Certificat"), practice setting
    /// `ETABLISSEMENT`, public hospital (`SA01`) when the CDA names no facility type, and for
    /// N3 documents the lab format for lab reports, the generic CI-SIS format otherwise. The
    /// full ASS_X04 / ASS_A11 tables are not in this code base (see `docs/decisions.md`).
    pub fn suggested(doc: &CdaDocument) -> Self {
        let type_code = doc
            .header()
            .code
            .as_ref()
            .map(|c| c.code.as_str())
            .unwrap_or_default();
        let class_code = match type_code {
            // Certificats de santé de l'enfant.
            "CERT_DECL" | "75492-9" | "11371-4" | "57827-8" => {
                Code::new("13", OID_CLASS_CODE, "Certificat")
            }
            _ => Code::new("10", OID_CLASS_CODE, "Compte rendu"),
        };
        let format_code = format_code_for(doc).or_else(|| {
            Some(if type_code == "11502-2" {
                Code::new(
                    "urn:ihe:lab:xd-lab:2008",
                    OID_FORMAT_CODE,
                    "CR d'examens biologiques",
                )
            } else {
                Code::new(
                    "urn:asip:ci-sis:2010",
                    OID_FORMAT_CODE,
                    "Document structuré CI-SIS",
                )
            })
        });
        Self {
            class_code,
            practice_setting: Code::new(
                "ETABLISSEMENT",
                OID_PRACTICE_SETTING,
                "Etablissement de santé",
            ),
            healthcare_facility_type: Some(Code::new(
                "SA01",
                OID_FACILITY_TYPE,
                "Etablissement public de santé",
            )),
            format_code,
            visibility: Visibility::default(),
            comments: None,
        }
    }
}

const PDF: &str = "urn:ihe:iti:xds-sd:pdf:2008";
const TEXT: &str = "urn:ihe:iti:xds-sd:text:2008";
const RTF: &str = "urn:ihe:iti-fr:xds-sd:rtf:2010";
const JPEG: &str = "urn:ihe:iti-fr:xds-sd:jpeg:2010";
const TIFF: &str = "urn:ihe:iti-fr:xds-sd:tiff:2010";

/// The formatCode of an N1 document, from its body media type (ASS_R222 → TRE_A11); `None`
/// for N3 documents (their format depends on the content model).
pub fn format_code_for(doc: &CdaDocument) -> Option<Code> {
    let (code, label) = match doc.non_xml_body()?.declared_media_type() {
        "application/pdf" => (PDF, "Document à corps non structuré en Pdf/A-1"),
        "text/plain" => (TEXT, "Document à corps non structuré en texte brut"),
        "text/rtf" | "application/rtf" => (RTF, "Document à corps non structuré en format rtf"),
        "image/jpeg" => (JPEG, "Document à corps non structuré en format jpeg"),
        "image/tiff" => (TIFF, "Document à corps non structuré en format tiff"),
        _ => return None,
    };
    Some(Code::new(code, OID_FORMAT_CODE, label))
}

fn local_naive(t: DateTime<Utc>) -> NaiveDateTime {
    t.with_timezone(&Local).naive_local()
}

impl DmpDocumentEntry {
    /// The metadata the patient folder lists. Times are shown in this computer's time zone.
    /// XDS metadata carry neither the CDA `setId` nor its `versionNumber`: the uniqueId and
    /// 1 stand in until the document itself is read.
    pub fn to_meta(&self) -> DocumentMeta {
        let type_code = self.type_code.clone().unwrap_or_default();
        let format = self.format_code.as_ref().map(|c| c.code.as_str());
        let body = match format {
            Some(PDF) => BodyKind::Pdf,
            Some(TEXT) => BodyKind::Text,
            Some(RTF) => BodyKind::Rtf,
            Some(JPEG | TIFF) => BodyKind::Image,
            _ if self.mime_type == "text/xml" => BodyKind::Structured,
            _ => BodyKind::Other,
        };
        let author = self.authors.first();
        let created = self.creation_time_utc().map(local_naive);
        DocumentMeta {
            cda_id: self.unique_id.clone(),
            set_id: self.unique_id.clone(),
            version_number: 1,
            type_label: if type_code.display.is_empty() {
                self.title.clone().unwrap_or_default()
            } else {
                type_code.display.clone()
            },
            type_code: type_code.code,
            type_system: type_code.scheme,
            class_code: self.class_code.as_ref().map(|c| c.code.clone()),
            title: self.title.clone().unwrap_or_default(),
            act_date: self.service_start_utc().map(local_naive).or(created),
            created,
            author: author
                .and_then(|a| a.person.as_ref())
                .map(Xcn::display)
                .unwrap_or_default(),
            organisation: author
                .and_then(|a| a.institutions.first())
                .map(Xon::name)
                .unwrap_or_default(),
            confidentiality: self
                .hl7_confidentiality()
                .map_or_else(|| "N".to_owned(), |c| c.code.clone()),
            body,
            has_pdf: body == BodyKind::Pdf,
            replaces: None,
        }
    }

    /// The entry of a CDA document to feed: `bytes` are exactly the bytes that will be sent
    /// (size and SHA-1 are computed on them). The entryUUID is left empty (a submission gives
    /// its own id).
    pub fn from_cda(
        doc: &CdaDocument,
        bytes: &[u8],
        params: &FeedParams,
    ) -> Result<Self, DmpError> {
        let h = doc.header();
        let patient = h
            .patient
            .as_ref()
            .ok_or(DmpError::request("recordTarget"))?;
        let ins = patient
            .ins()
            .and_then(|id| Some(Cx::new(id.extension.as_deref()?, &id.root, "NH")))
            .ok_or(DmpError::request("INS of the patient"))?;
        let source_patient_id = patient
            .other_ids()
            .find_map(|id| Some(Cx::ipp(id.extension.as_deref()?, &id.root)))
            .unwrap_or_else(|| ins.clone());
        let format_code = params
            .format_code
            .clone()
            .or_else(|| format_code_for(doc))
            .ok_or(DmpError::request("formatCode"))?;
        let facility = h
            .encounter
            .as_ref()
            .and_then(|e| e.facility_code.as_ref())
            .filter(|c| !c.code.is_empty())
            .map(|c| Code::new(&c.code, &c.system, &c.display_name))
            .or_else(|| params.healthcare_facility_type.clone())
            .ok_or(DmpError::request("healthcareFacilityTypeCode"))?;
        let type_code = h
            .code
            .as_ref()
            .filter(|c| !c.code.is_empty())
            .map(|c| Code::new(&c.code, &c.system, &c.display_name))
            .ok_or(DmpError::request("ClinicalDocument/code"))?;

        let times = header_times(bytes);
        let dtm = |raw: Option<String>, parsed: Option<NaiveDateTime>| {
            raw.as_deref().and_then(ts_to_dtm).or_else(|| {
                parsed
                    .as_ref()
                    .and_then(local_to_utc)
                    .map(|t| format_dtm(&t))
            })
        };
        let first_service = h.service_events.first().map(|s| s.time);
        let confidentiality = h
            .confidentiality
            .as_ref()
            .filter(|c| matches!(c.code.as_str(), "N" | "R" | "V"))
            .map_or_else(super::entry::normal_confidentiality, |c| {
                Code::new(&c.code, OID_HL7_CONFIDENTIALITY, &c.display_name)
            });

        let mut entry = Self {
            status: AvailabilityStatus::Approved,
            unique_id: h.id.to_uid(),
            mime_type: "text/xml".to_owned(),
            creation_time: dtm(times.effective, h.effective_time),
            service_start_time: dtm(times.service_low, first_service.and_then(|t| t.low)),
            service_stop_time: dtm(times.service_high, first_service.and_then(|t| t.high)),
            size: Some(bytes.len() as u64),
            hash: Some(super::sha1::hex_digest(bytes)),
            language_code: Some(h.language.clone().unwrap_or_else(|| "fr-FR".to_owned())),
            title: Some(if h.title.is_empty() {
                type_code.display.clone()
            } else {
                h.title.clone()
            }),
            comments: params.comments.clone(),
            legal_authenticator: h.legal_authenticator.as_ref().and_then(person),
            authors: h
                .authors
                .iter()
                .map(|a| author(a, h.custodian.as_ref()))
                .collect(),
            class_code: Some(params.class_code.clone()),
            type_code: Some(type_code),
            format_code: Some(format_code),
            practice_setting_code: Some(params.practice_setting.clone()),
            healthcare_facility_type_code: Some(facility),
            event_codes: h
                .service_events
                .iter()
                .filter_map(|s| s.code.as_ref())
                .filter(|c| !c.code.is_empty())
                .map(|c| Code::new(&c.code, &c.system, &c.display_name))
                .collect(),
            confidentiality_codes: vec![confidentiality],
            patient_id: Some(ins),
            source_patient_id: Some(source_patient_id),
            source_patient_info: patient_info(patient),
            ..Self::default()
        };
        entry.set_visibility(params.visibility);
        Ok(entry)
    }
}

fn person(p: &Professional) -> Option<Xcn> {
    let id = p.national_id().and_then(|id| id.extension.clone());
    let name = p.name.as_ref();
    let family = name.and_then(|n| n.used_family()).unwrap_or_default();
    let given = name.and_then(|n| n.used_given()).unwrap_or_default();
    if id.is_none() && family.is_empty() {
        return None;
    }
    Some(Xcn::professional(&id.unwrap_or_default(), family, given))
}

fn institution(name: &str, ids: &[InstanceId]) -> Option<Xon> {
    let id = ids
        .iter()
        .find(|i| i.root == OID_STRUCTURE_ID)
        .or_else(|| ids.first())?;
    Some(Xon::new(
        name,
        &id.root,
        id.extension.as_deref().unwrap_or(""),
    ))
}

fn author(p: &Professional, custodian: Option<&crate::cda::Organisation>) -> Author {
    let org = p
        .organisation
        .as_ref()
        .filter(|o| !o.ids.is_empty())
        .or(custodian);
    Author {
        person: person(p),
        institutions: org
            .and_then(|o| institution(&o.name, &o.ids))
            .into_iter()
            .collect(),
        roles: Vec::new(),
        specialties: p
            .specialty
            .iter()
            .filter(|c| !c.code.is_empty())
            .map(|c| Code::new(&c.code, &c.system, &c.display_name))
            .collect(),
        telecommunications: Vec::new(),
    }
}

/// `PID-5|BIRTHNAME^FirstName^^^^^L`, `PID-7|birth date`, `PID-8|sex`.
fn patient_info(p: &crate::cda::PatientRole) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(name) = p.names.first() {
        out.push(format!(
            "PID-5|{}^{}^^^^^L",
            escape(name.birth_family().unwrap_or_default()),
            escape(name.first_given().unwrap_or_default())
        ));
    }
    if let Some(birth) = &p.birth_time {
        out.push(format!("PID-7|{}", escape(birth)));
    }
    if let Some(gender) = &p.gender {
        out.push(format!("PID-8|{}", escape(gender)));
    }
    out
}
