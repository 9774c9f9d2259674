//! What Chevet understood of a CDA document, as a serialisable report for `chevet cda inspect`:
//! header fields, level (N1/N3), the PDF copy and attachments with their real media type and
//! decoded size, the section tree, and warnings about what would make it display badly.
//! Patient identity is masked unless asked for, so a report can be pasted into a ticket.

use serde::Serialize;

use super::{Attachment, CdaDocument, Section};
use crate::domain::{BodyKind, Matricule};

/// The whole report.
#[derive(Debug, Serialize)]
pub struct Report {
    pub id: String,
    pub set_id: Option<String>,
    pub version_number: Option<u32>,
    pub replaces: Option<String>,
    pub type_code: Option<CodeReport>,
    pub title: String,
    pub effective_time: Option<String>,
    pub confidentiality: Option<String>,
    pub language: Option<String>,
    pub template_ids: Vec<String>,
    /// `N1` or `N3`.
    pub level: &'static str,
    pub body: &'static str,
    pub patient: Option<PatientReport>,
    pub authors: Vec<String>,
    pub organisation: Option<String>,
    pub custodian: Option<String>,
    pub pdf: Option<AttachmentReport>,
    pub attachments: Vec<AttachmentReport>,
    pub sections: Vec<SectionReport>,
    pub warnings: Vec<Warning>,
}

#[derive(Debug, Serialize)]
pub struct CodeReport {
    pub code: String,
    pub system: String,
    pub display_name: String,
}

/// The patient as the document names them (masked unless identities are shown).
#[derive(Debug, Serialize)]
pub struct PatientReport {
    pub ins: Option<String>,
    pub ins_oid: Option<String>,
    pub ins_key_valid: Option<bool>,
    pub other_ids: usize,
    pub birth_name: Option<String>,
    pub first_names: Option<String>,
    pub gender: Option<String>,
    pub birth_date: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct AttachmentReport {
    pub id: Option<String>,
    pub kind: &'static str,
    pub media_type: String,
    pub declared_media_type: String,
    pub encoded_bytes: usize,
    pub decoded_bytes: Option<usize>,
    pub error: Option<String>,
    pub section: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct SectionReport {
    pub title: String,
    pub code: Option<String>,
    pub template_ids: Vec<String>,
    pub pdf_copy: bool,
    pub media: Vec<String>,
    pub sections: Vec<SectionReport>,
}

/// Something that may make the document display or file badly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub code: &'static str,
    pub message: String,
}

const MASK: &str = "***";

fn warn(warnings: &mut Vec<Warning>, code: &'static str, message: impl Into<String>) {
    warnings.push(Warning {
        code,
        message: message.into(),
    });
}

/// Builds the report; `with_identity` shows the patient's names, INS and birth date.
pub fn report(doc: &CdaDocument, with_identity: bool) -> Report {
    let h = doc.header();
    let mut warnings = Vec::new();
    let meta = doc.meta();
    let body = doc.body_kind();
    let level = if body == BodyKind::Structured {
        "N3"
    } else {
        "N1"
    };

    if h.set_id.is_none() {
        warn(
            &mut warnings,
            "no-set-id",
            "pas de setId : les versions ne pourront pas être chaînées",
        );
    }
    match (h.version_number.unwrap_or(1), h.replaces()) {
        (v, None) if v > 1 => warn(
            &mut warnings,
            "version-without-rplc",
            format!("version {v} sans relatedDocument RPLC vers la version remplacée"),
        ),
        (1, Some(_)) => warn(
            &mut warnings,
            "rplc-on-first-version",
            "relatedDocument RPLC sur un document en version 1",
        ),
        _ => {}
    }
    if h.authors.is_empty() {
        warn(&mut warnings, "no-author", "aucun auteur");
    }
    if level == "N3" && doc.pdf_copies().is_empty() {
        warn(
            &mut warnings,
            "n3-without-pdf-copy",
            "document N3 sans section « Copie du document » (PDF) : la vue structurée sera montrée",
        );
    }

    let patient = h.patient.as_ref().map(|p| {
        let ins = p.ins();
        let key_valid = ins
            .and_then(|i| i.extension.as_deref())
            .map(|m| Matricule::parse(m).is_ok());
        match (ins, key_valid) {
            (None, _) => warn(
                &mut warnings,
                "no-ins",
                "le patient n'a pas d'INS dans le document",
            ),
            (Some(_), Some(false)) => warn(
                &mut warnings,
                "ins-invalid",
                "l'INS du document est invalide (longueur, caractères ou clé de contrôle)",
            ),
            _ => {}
        }
        let name = p.names.first();
        let shown = |v: Option<String>| {
            if with_identity {
                v
            } else {
                v.map(|_| MASK.to_owned())
            }
        };
        PatientReport {
            ins: shown(ins.and_then(|i| i.extension.clone())),
            ins_oid: ins.map(|i| i.root.clone()),
            ins_key_valid: key_valid,
            other_ids: p.other_ids().count(),
            birth_name: shown(name.and_then(|n| n.birth_family()).map(str::to_owned)),
            first_names: shown(name.and_then(|n| n.birth_given()).map(str::to_owned)),
            gender: p.gender.clone(),
            birth_date: shown(p.birth_date().map(|d| d.format("%Y-%m-%d").to_string())),
        }
    });
    if h.patient.is_none() {
        warn(
            &mut warnings,
            "no-record-target",
            "aucun patient (recordTarget)",
        );
    }

    let pdf = doc.pdf().map(|a| attachment_report(a, &mut warnings));
    let attachments = doc
        .attachments()
        .iter()
        .map(|a| attachment_report(a, &mut warnings))
        .collect();

    Report {
        id: meta.cda_id.clone(),
        set_id: h.set_id.as_ref().map(|s| s.to_uid()),
        version_number: h.version_number,
        replaces: meta.replaces.clone(),
        type_code: h.code.as_ref().map(|c| CodeReport {
            code: c.code.clone(),
            system: c.system.clone(),
            display_name: c.display_name.clone(),
        }),
        title: h.title.clone(),
        effective_time: h
            .effective_time
            .map(|t| t.format("%Y-%m-%dT%H:%M:%S").to_string()),
        confidentiality: h.confidentiality.as_ref().map(|c| c.code.clone()),
        language: h.language.clone(),
        template_ids: h.template_ids.clone(),
        level,
        body: body.code(),
        patient,
        authors: h.authors.iter().map(|a| a.display_name()).collect(),
        organisation: (!meta.organisation.is_empty()).then(|| meta.organisation.clone()),
        custodian: h.custodian.as_ref().map(|c| c.name.clone()),
        pdf,
        attachments,
        sections: doc.sections().iter().map(section_report).collect(),
        warnings,
    }
}

fn attachment_report(a: &Attachment, warnings: &mut Vec<Warning>) -> AttachmentReport {
    let decoded = a.decode();
    if let Err(e) = &decoded {
        warn(warnings, "attachment-undecodable", e.to_string());
    }
    if a.media_type_mismatch() {
        warn(
            warnings,
            "media-type-mismatch",
            format!(
                "contenu déclaré {} mais de type {}",
                a.declared_media_type(),
                a.media_type()
            ),
        );
    }
    AttachmentReport {
        id: a.id().map(str::to_owned),
        kind: match a.kind() {
            super::AttachmentKind::Body => "body",
            super::AttachmentKind::PdfCopy => "pdf-copy",
            super::AttachmentKind::Attached => "attached",
        },
        media_type: a.media_type().to_owned(),
        declared_media_type: a.declared_media_type().to_owned(),
        encoded_bytes: a.encoded_len(),
        decoded_bytes: decoded.as_ref().ok().map(Vec::len),
        error: decoded.err().map(|e| e.to_string()),
        section: a.section().map(|s| s.title.clone()),
    }
}

fn section_report(s: &Section) -> SectionReport {
    SectionReport {
        title: s.title.clone(),
        code: s.code.as_ref().map(|c| c.code.clone()),
        template_ids: s.template_ids.clone(),
        pdf_copy: s.is_pdf_copy(),
        media: s.media_ids.clone(),
        sections: s.sections.iter().map(section_report).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::testing::cda_fixture as fixture;

    #[test]
    fn lab_report_n3_with_pdf_copy() {
        let doc = crate::cda::parse(&fixture("BIO-CR-BIO_2024.01_TSH_1.xml")).expect("parse");
        let r = report(&doc, false);
        assert_eq!(r.level, "N3");
        assert_eq!(r.id, "1.2.250.1.213.1.1.1.55.2024.9.1");
        let pdf = r.pdf.as_ref().expect("pdf copy");
        assert_eq!(pdf.kind, "pdf-copy");
        assert_eq!(pdf.media_type, "application/pdf");
        assert!(pdf.decoded_bytes.unwrap_or(0) > 1000);
        assert!(r.sections.iter().any(|s| s.pdf_copy));
        let patient = r.patient.as_ref().expect("patient");
        assert_eq!(patient.ins.as_deref(), Some(MASK));
        assert_eq!(patient.ins_key_valid, Some(true));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let json = serde_json::to_string(&r).expect("json");
        assert!(!json.contains("PAT-TROIS") && !json.contains("279035121518989"));
    }

    #[test]
    fn identity_is_shown_only_when_asked() {
        let doc = crate::cda::parse(&fixture("BIO-CR-BIO_2024.01_TSH_1.xml")).expect("parse");
        let r = report(&doc, true);
        let patient = r.patient.as_ref().expect("patient");
        assert_eq!(patient.ins.as_deref(), Some("279035121518989"));
        assert_eq!(patient.birth_name.as_deref(), Some("PAT-TROIS"));
    }

    #[test]
    fn fixture_defects_become_warnings() {
        // The newborn certificate: INS with a wrong key, RPLC on a version 1.
        let doc = crate::cda::parse(&fixture("CSE-CS8_2024.01.xml")).expect("parse");
        let codes: Vec<_> = report(&doc, false)
            .warnings
            .iter()
            .map(|w| w.code)
            .collect();
        assert!(codes.contains(&"ins-invalid"), "{codes:?}");
        assert!(codes.contains(&"rplc-on-first-version"), "{codes:?}");
        assert!(codes.contains(&"n3-without-pdf-copy"), "{codes:?}");
        // The prescription declares a JPEG that is a PNG.
        let doc = crate::cda::parse(&fixture("eP-MED-DM_2024.01_PosoStruct.xml")).expect("parse");
        let codes: Vec<_> = report(&doc, false)
            .warnings
            .iter()
            .map(|w| w.code)
            .collect();
        assert!(codes.contains(&"media-type-mismatch"), "{codes:?}");
    }

    #[test]
    fn n1_pdf_body() {
        let doc = crate::cda::parse(&fixture("DOC_NON_STRUCTURE_CDA-R2-N1.xml")).expect("parse");
        let r = report(&doc, false);
        assert_eq!(r.level, "N1");
        assert_eq!(r.body, "pdf");
        assert_eq!(r.pdf.as_ref().map(|p| p.kind), Some("body"));
        assert!(r.sections.is_empty());
    }
}
