//! Fixed vocabulary of produced documents: OIDs, the four document kinds with their LOINC type
//! codes and model templateIds, and the catalogue of section codes (LOINC + CI-SIS section
//! templateIds). Every templateId and section code here is copied from the CI-SIS example
//! documents in `shared/fixtures/cda` (LDL-SES_2022.01.xml, eP-MED-DM_2024.01_PosoStruct.xml,
//! DOC_NON_STRUCTURE_CDA-R2-N1.xml); the operative-report and consultation section codes are
//! plain LOINC codes (no CI-SIS model in the fixtures).

/// LOINC code system.
pub const LOINC: &str = "2.16.840.1.113883.6.1";
/// HL7 ActCode (encounter and service-event codes).
pub const ACT_CODE: &str = "2.16.840.1.113883.5.4";
/// HL7 AdministrativeGender.
pub const GENDER: &str = "2.16.840.1.113883.5.1";
/// HL7 Confidentiality.
pub const CONFIDENTIALITY: &str = "2.16.840.1.113883.5.25";
/// Profession / specialty of health professionals (TRE_G15 + TRE_R38, JDV_J01).
pub const PS_SPECIALTY: &str = "1.2.250.1.213.1.1.4.5";
/// Type of healthcare facility (TRE_R02 SAxx, JDV_J02).
pub const FACILITY_TYPE: &str = "1.2.250.1.71.4.2.4";
/// Practice setting (JDV_J62).
pub const PRACTICE_SETTING: &str = "1.2.250.1.213.1.1.4.9";
/// Structure national identifier (`1` + FINESS, `3` + SIRET...).
pub const OID_STRUCTURE_ID: &str = "1.2.250.1.71.4.2.2";
/// Health professional national identifier (`8` + RPPS).
pub use crate::cda::OID_PS_NATIONAL_ID;

/// `typeId` of every CDA R2 document.
pub const TYPE_ID_ROOT: &str = "2.16.840.1.113883.1.3";
pub const TYPE_ID_EXTENSION: &str = "POCD_HD000040";
/// Conformance to HL7 France.
pub const TEMPLATE_HL7_FRANCE: &str = "2.16.840.1.113883.2.8.2.1";
/// Conformance to the CI-SIS.
pub const TEMPLATE_CI_SIS: &str = "1.2.250.1.213.1.1.1.1";
/// IHE XDS-SD (scanned / unstructured documents): every N1 document.
pub const TEMPLATE_XDS_SD: &str = "1.3.6.1.4.1.19376.1.2.20";

/// PDF copy section and its entries (FR-Document-PDF-copie, FR-Document-attache,
/// FR-Type-document-attache), as in eP-MED-DM_2024.01_PosoStruct.xml.
pub const TEMPLATE_PDF_COPY_SECTION: &str = crate::cda::TEMPLATE_PDF_COPY;
pub const LOINC_PDF_COPY: &str = crate::cda::LOINC_PDF_COPY;
pub const TEMPLATE_ATTACHED_ORGANIZER: &str = "1.2.250.1.213.1.1.3.18";
pub const LOINC_ATTACHED_DOCUMENT: &str = "55107-7";
pub const TEMPLATES_ATTACHED_TYPE_OBSERVATION: [&str; 3] = [
    "1.3.6.1.4.1.19376.1.5.3.1.4.13",
    "1.2.250.1.213.1.1.3.48",
    "1.2.250.1.213.1.1.3.48.18",
];
pub const LOINC_DOCUMENT_TYPE: &str = "69764-9";
/// `ID` of the observationMedia holding the PDF copy (target of `renderMultiMedia`).
pub const PDF_COPY_MEDIA_ID: &str = "doc-1";

/// A document-level templateId, with its version extension when the model has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Template {
    pub root: &'static str,
    pub extension: Option<&'static str>,
}

const fn t(root: &'static str) -> Template {
    Template {
        root,
        extension: None,
    }
}

/// The four documents Chevet produces.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DocumentKind {
    /// Lettre de liaison à la sortie d'un établissement de soins (LDL-SES).
    LettreLiaisonSortie,
    /// Compte rendu opératoire.
    CompteRenduOperatoire,
    /// Ordonnance de sortie (prescription de médicaments).
    OrdonnanceSortie,
    /// Compte rendu de consultation.
    CompteRenduConsultation,
}

impl DocumentKind {
    pub const ALL: [Self; 4] = [
        Self::LettreLiaisonSortie,
        Self::CompteRenduOperatoire,
        Self::OrdonnanceSortie,
        Self::CompteRenduConsultation,
    ];

    /// LOINC type code (`ClinicalDocument/code`).
    pub fn loinc(self) -> &'static str {
        match self {
            Self::LettreLiaisonSortie => "11490-0",
            Self::CompteRenduOperatoire => "34874-8",
            Self::OrdonnanceSortie => "57833-6",
            Self::CompteRenduConsultation => "11488-4",
        }
    }

    /// Display name of the type code, as the CI-SIS value set spells it.
    pub fn display_name(self) -> &'static str {
        match self {
            Self::LettreLiaisonSortie => {
                "Lettre de liaison à la sortie d'un établissement de soins"
            }
            Self::CompteRenduOperatoire => "CR opératoire",
            Self::OrdonnanceSortie => "Prescription de produits de santé",
            Self::CompteRenduConsultation => "CR de consultation",
        }
    }

    /// Title used when the form gives none.
    pub fn default_title(self) -> &'static str {
        match self {
            Self::LettreLiaisonSortie => "Lettre de liaison à la sortie",
            Self::CompteRenduOperatoire => "Compte rendu opératoire",
            Self::OrdonnanceSortie => "Ordonnance de sortie",
            Self::CompteRenduConsultation => "Compte rendu de consultation",
        }
    }

    /// Model templateIds of the N3 form, after HL7 France and CI-SIS. The operative report and
    /// the consultation report have no CI-SIS content model in the fixtures: only the generic
    /// ones apply.
    pub fn n3_templates(self) -> &'static [Template] {
        if !CLAIM_CONTENT_MODELS {
            return &[];
        }
        const LDL_SES: [Template; 1] = [Template {
            root: "1.2.250.1.213.1.1.1.29",
            extension: Some("2022.01"),
        }];
        const EP_MED: [Template; 3] = [
            t("1.3.6.1.4.1.19376.1.9.1.1.1"),
            t("1.3.6.1.4.1.19376.1.5.3.1.1.1"),
            Template {
                root: "1.2.250.1.213.1.1.1.39",
                extension: Some("2024.01"),
            },
        ];
        match self {
            Self::LettreLiaisonSortie => &LDL_SES,
            Self::OrdonnanceSortie => &EP_MED,
            Self::CompteRenduOperatoire | Self::CompteRenduConsultation => &[],
        }
    }

    /// Default code of `documentationOf/serviceEvent` when the form gives none.
    pub fn default_service_code(self) -> Option<Coded> {
        match self {
            Self::LettreLiaisonSortie => Some(Coded::new(
                "IMP",
                ACT_CODE,
                "Hospitalisation (établissement, y compris HAD)",
            )),
            Self::OrdonnanceSortie => Some(Coded::new(
                "57833-6",
                LOINC,
                "Prescription de produits de santé",
            )),
            Self::CompteRenduOperatoire | Self::CompteRenduConsultation => None,
        }
    }
}

/// A coded value (code, code system, display name).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    pub code: String,
    pub system: String,
    pub display: String,
}

impl Coded {
    pub fn new(code: &str, system: &str, display: &str) -> Self {
        Self {
            code: code.to_owned(),
            system: system.to_owned(),
            display: display.to_owned(),
        }
    }
}

/// Whether produced N3 documents claim the CI-SIS content models (LDL-SES, eP-MED) and their
/// section templates. Off: those models require coded entries (document status section,
/// structured medication entries, e-prescription code) that Chevet does not produce yet, and a
/// document claiming them would fail the DMP's schematron checks. Produced N3 documents are
/// generic CI-SIS documents: LOINC-coded narrative sections plus the PDF copy section. See
/// docs/decisions.md.
pub const CLAIM_CONTENT_MODELS: bool = false;

/// A section code: LOINC code, its display name and the section templateIds that go with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SectionCode {
    pub loinc: &'static str,
    pub display: &'static str,
    pub templates: &'static [&'static str],
}

impl SectionCode {
    /// The section templateIds written into documents (none unless models are claimed).
    pub fn claimed_templates(&self) -> &'static [&'static str] {
        if CLAIM_CONTENT_MODELS {
            self.templates
        } else {
            &[]
        }
    }
}

/// Section codes, by the CI-SIS section they stand for.
pub mod sections {
    use super::SectionCode;

    /// FR-Raison-de-la-recommandation-non-code (LDL-SES "Motif de l'hospitalisation").
    pub const MOTIF_HOSPITALISATION: SectionCode = SectionCode {
        loinc: "42349-1",
        display: "Raison de la recommandation",
        templates: &["1.3.6.1.4.1.19376.1.5.3.1.3.1", "1.2.250.1.213.1.1.2.127"],
    };
    /// FR-Resultats-evenements-LDL-SES ("Synthèse médicale du séjour").
    pub const SYNTHESE_SEJOUR: SectionCode = SectionCode {
        loinc: "42545-4",
        display: "Evènements observés",
        templates: &[
            "1.3.6.1.4.1.19376.1.5.3.1.1.21.2.9",
            "1.3.6.1.4.1.19376.1.7.3.1.1.13.7",
            "1.2.250.1.213.1.1.2.163",
            "1.2.250.1.213.1.1.2.163.1",
        ],
    };
    /// FR-Traitements-administres.
    pub const TRAITEMENTS_ADMINISTRES: SectionCode = SectionCode {
        loinc: "18610-6",
        display: "Traitements administrés",
        templates: &["1.3.6.1.4.1.19376.1.5.3.1.3.21", "1.2.250.1.213.1.1.2.145"],
    };
    /// FR-Traitements-a-la-sortie.
    pub const TRAITEMENTS_SORTIE: SectionCode = SectionCode {
        loinc: "10183-2",
        display: "Traitements à la sortie",
        templates: &["1.3.6.1.4.1.19376.1.5.3.1.3.22", "1.2.250.1.213.1.1.2.146"],
    };
    /// FR-Resultats-examens-non-code.
    pub const RESULTATS_EXAMENS: SectionCode = SectionCode {
        loinc: "30954-2",
        display: "Résultats d'examens",
        templates: &["1.3.6.1.4.1.19376.1.5.3.1.3.27", "1.2.250.1.213.1.1.2.150"],
    };
    /// FR-Plan-de-soins (LDL-SES "Suites à donner").
    pub const SUITES_A_DONNER: SectionCode = SectionCode {
        loinc: "18776-5",
        display: "Plan de soins",
        templates: &[
            "2.16.840.1.113883.10.20.1.10",
            "1.3.6.1.4.1.19376.1.5.3.1.3.36",
            "1.2.250.1.213.1.1.2.158",
        ],
    };
    /// FR-Allergies-et-intolerances.
    pub const ALLERGIES: SectionCode = SectionCode {
        loinc: "48765-2",
        display: "Allergies et hypersensibilités",
        templates: &[
            "2.16.840.1.113883.10.20.1.2",
            "1.3.6.1.4.1.19376.1.5.3.1.3.13",
            "1.2.250.1.213.1.1.2.137",
        ],
    };
    /// FR-Commentaire-non-code (free text).
    pub const COMMENTAIRE: SectionCode = SectionCode {
        loinc: "55112-7",
        display: "Commentaire",
        templates: &[
            "2.16.840.1.113883.10.12.201",
            "1.3.6.1.4.1.19376.1.4.1.2.16",
            "1.2.250.1.213.1.1.2.73",
        ],
    };
    /// FR-Prescription-medicaments (eP-MED-DM).
    pub const PRESCRIPTION_MEDICAMENTS: SectionCode = SectionCode {
        loinc: "57828-6",
        display: "Prescriptions",
        templates: &["1.3.6.1.4.1.19376.1.9.1.2.1", "1.2.250.1.213.1.1.2.171"],
    };

    /// Plain LOINC sections (operative report, consultation), without CI-SIS templates.
    const fn loinc(loinc: &'static str, display: &'static str) -> SectionCode {
        SectionCode {
            loinc,
            display,
            templates: &[],
        }
    }
    pub const INDICATION_OPERATOIRE: SectionCode = loinc("59768-2", "Procedure indications");
    pub const DIAGNOSTIC_PREOPERATOIRE: SectionCode = loinc("10219-4", "Preoperative diagnosis");
    pub const DESCRIPTION_INTERVENTION: SectionCode = loinc("29554-3", "Procedure");
    pub const ANESTHESIE: SectionCode = loinc("59774-0", "Procedure anesthesia");
    pub const COMPLICATIONS: SectionCode = loinc("55109-3", "Complications");
    pub const PRELEVEMENTS: SectionCode = loinc("59773-2", "Procedure specimens taken");
    pub const DIAGNOSTIC_POSTOPERATOIRE: SectionCode = loinc("10218-6", "Postoperative diagnosis");
    pub const MOTIF_CONSULTATION: SectionCode = loinc("29299-5", "Reason for visit");
    pub const HISTOIRE_MALADIE: SectionCode = loinc("10164-2", "History of present illness");
    pub const EXAMEN_CLINIQUE: SectionCode = loinc("29545-1", "Physical findings");
    pub const CONCLUSION: SectionCode = loinc("51848-0", "Evaluation note");
    pub const PLAN_DE_SOINS: SectionCode = loinc("18776-5", "Plan of care");
}
