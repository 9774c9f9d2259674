//! The local production form: what a physician fills in (kind, title, one text per section,
//! medication lines), the default sections of each kind, and the conversion of a filled form
//! plus its context (author, establishment, patient, episode) into a [`ProducedDocument`].
//! Text becomes blocks: paragraphs split by blank lines, lines starting with "- " or "• " become
//! a list. The form is serde-serialisable so that `chevet cda produce` reads it from JSON.

use chrono::NaiveDateTime;
use serde::{Deserialize, Serialize};

use super::catalog::{Coded, DocumentKind, FACILITY_TYPE, PRACTICE_SETTING, SectionCode, sections};
use super::model::{
    Act, Block, DocumentIds, Encounter, Identifier, MedicationLine, Organisation, ProducedDocument,
    Professional, Section, paris_time,
};
use crate::domain::professional::SPECIALTY_SYSTEM;
use crate::domain::{Episode, EpisodeKind, Establishment, PatientIdentity, ProfessionalInfo};

/// Stable codes of the four kinds, as the form and the command line name them.
pub fn kind_code(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::LettreLiaisonSortie => "lettre-liaison",
        DocumentKind::CompteRenduOperatoire => "cr-operatoire",
        DocumentKind::OrdonnanceSortie => "ordonnance",
        DocumentKind::CompteRenduConsultation => "cr-consultation",
    }
}

pub fn kind_from_code(code: &str) -> Option<DocumentKind> {
    DocumentKind::ALL
        .into_iter()
        .find(|k| kind_code(*k) == code)
}

/// One section of the form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormSection {
    pub title: String,
    /// LOINC code of the section, when it is one of the catalogue's.
    #[serde(default)]
    pub loinc: Option<String>,
    /// Free text; blank lines separate paragraphs, "- " starts a list item.
    #[serde(default)]
    pub text: String,
    /// Medication lines (ordonnance, treatments at discharge).
    #[serde(default)]
    pub medications: Vec<FormMedication>,
    /// True for a section whose natural content is medication lines.
    #[serde(default)]
    pub takes_medications: bool,
}

/// One medication line of the form.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct FormMedication {
    pub medication: String,
    pub posology: String,
    pub duration: String,
    #[serde(default)]
    pub instructions: String,
}

/// A filled (or empty) production form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductionForm {
    /// `lettre-liaison`, `cr-operatoire`, `ordonnance` or `cr-consultation`.
    pub kind: String,
    pub title: String,
    pub sections: Vec<FormSection>,
}

/// What the form cannot provide: who writes, where, for whom, when.
#[derive(Debug, Clone)]
pub struct ProductionContext {
    pub author: Professional,
    pub organisation: Organisation,
    /// OID under which the establishment assigns IPPs.
    pub ipp_root: String,
    /// OID under which the establishment numbers its documents.
    pub document_root: String,
    /// Unique suffix for the new document's id and set id (e.g. time + random).
    pub unique: String,
    pub patient: PatientIdentity,
    pub episode: Option<Episode>,
    pub now: NaiveDateTime,
}

impl ProductionContext {
    /// The context for a signed-in professional of an establishment; `None` when the
    /// professional has no RPPS (they cannot sign).
    pub fn new(
        professional: &ProfessionalInfo,
        establishment: &Establishment,
        patient: PatientIdentity,
        episode: Option<Episode>,
        now: NaiveDateTime,
        unique: String,
    ) -> Option<Self> {
        Some(Self {
            author: Professional {
                rpps: professional.rpps()?.to_owned(),
                given: professional.given_name.clone(),
                family: professional.family_name.clone(),
                title: professional.title.clone(),
                specialty: Coded::new(
                    &professional.specialty_code,
                    SPECIALTY_SYSTEM,
                    &professional.specialty_label,
                ),
            },
            organisation: Organisation {
                name: establishment.name.clone(),
                finess: establishment.finess.clone(),
                telecom: None,
                address: None,
                practice_setting: Coded::new(
                    "ETABLISSEMENT",
                    PRACTICE_SETTING,
                    "Etablissement de santé",
                ),
            },
            ipp_root: establishment.ipp_oid.clone(),
            document_root: establishment.document_oid.clone(),
            unique,
            patient,
            episode,
            now,
        })
    }
}

/// Why a form cannot be produced (before the document's own validation).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormError {
    #[error("type de document inconnu")]
    UnknownKind,
    #[error("le document est vide : remplissez au moins une section")]
    Empty,
}

impl FormError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

fn section(code: SectionCode, title: &str, takes_medications: bool) -> FormSection {
    FormSection {
        title: title.to_owned(),
        loinc: Some(code.loinc.to_owned()),
        text: String::new(),
        medications: Vec::new(),
        takes_medications,
    }
}

/// The empty form of a kind, with its usual sections.
pub fn empty_form(kind: DocumentKind) -> ProductionForm {
    use sections as s;
    let sections = match kind {
        DocumentKind::LettreLiaisonSortie => vec![
            section(s::MOTIF_HOSPITALISATION, "Motif d'hospitalisation", false),
            section(s::SYNTHESE_SEJOUR, "Synthèse médicale du séjour", false),
            section(s::RESULTATS_EXAMENS, "Résultats d'examens", false),
            section(s::TRAITEMENTS_SORTIE, "Traitements à la sortie", true),
            section(s::SUITES_A_DONNER, "Suites à donner", false),
        ],
        DocumentKind::CompteRenduOperatoire => vec![
            section(s::INDICATION_OPERATOIRE, "Indication", false),
            section(
                s::DIAGNOSTIC_PREOPERATOIRE,
                "Diagnostic préopératoire",
                false,
            ),
            section(s::ANESTHESIE, "Anesthésie", false),
            section(
                s::DESCRIPTION_INTERVENTION,
                "Description de l'intervention",
                false,
            ),
            section(s::COMPLICATIONS, "Incidents et complications", false),
            section(s::PRELEVEMENTS, "Prélèvements", false),
            section(
                s::DIAGNOSTIC_POSTOPERATOIRE,
                "Diagnostic postopératoire",
                false,
            ),
            section(s::PLAN_DE_SOINS, "Suites opératoires et consignes", false),
        ],
        DocumentKind::OrdonnanceSortie => vec![
            section(s::PRESCRIPTION_MEDICAMENTS, "Prescriptions", true),
            section(s::COMMENTAIRE, "Commentaire", false),
        ],
        DocumentKind::CompteRenduConsultation => vec![
            section(s::MOTIF_CONSULTATION, "Motif de consultation", false),
            section(s::HISTOIRE_MALADIE, "Histoire de la maladie", false),
            section(s::EXAMEN_CLINIQUE, "Examen clinique", false),
            section(s::CONCLUSION, "Conclusion", false),
            section(s::PLAN_DE_SOINS, "Conduite à tenir", false),
        ],
    };
    ProductionForm {
        kind: kind_code(kind).to_owned(),
        title: kind.default_title().to_owned(),
        sections,
    }
}

/// Every section code of the catalogue, to find a form section's code again.
const CATALOGUE: &[SectionCode] = &[
    sections::MOTIF_HOSPITALISATION,
    sections::SYNTHESE_SEJOUR,
    sections::TRAITEMENTS_ADMINISTRES,
    sections::TRAITEMENTS_SORTIE,
    sections::RESULTATS_EXAMENS,
    sections::SUITES_A_DONNER,
    sections::ALLERGIES,
    sections::COMMENTAIRE,
    sections::PRESCRIPTION_MEDICAMENTS,
    sections::INDICATION_OPERATOIRE,
    sections::DIAGNOSTIC_PREOPERATOIRE,
    sections::DESCRIPTION_INTERVENTION,
    sections::ANESTHESIE,
    sections::COMPLICATIONS,
    sections::PRELEVEMENTS,
    sections::DIAGNOSTIC_POSTOPERATOIRE,
    sections::MOTIF_CONSULTATION,
    sections::HISTOIRE_MALADIE,
    sections::EXAMEN_CLINIQUE,
    sections::CONCLUSION,
    sections::PLAN_DE_SOINS,
];

/// Free text to blocks: blank lines separate paragraphs; "- " or "• " lines form lists.
pub fn text_blocks(text: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut list: Vec<String> = Vec::new();
    let flush_paragraph = |p: &mut Vec<&str>, blocks: &mut Vec<Block>| {
        if !p.is_empty() {
            blocks.push(Block::Paragraph(p.join("\n")));
            p.clear();
        }
    };
    let flush_list = |l: &mut Vec<String>, blocks: &mut Vec<Block>| {
        if !l.is_empty() {
            blocks.push(Block::List(std::mem::take(l)));
        }
    };
    for line in text.lines().map(str::trim_end) {
        let item = line
            .trim_start()
            .strip_prefix("- ")
            .or_else(|| line.trim_start().strip_prefix("• "));
        match item {
            Some(item) => {
                flush_paragraph(&mut paragraph, &mut blocks);
                list.push(item.trim().to_owned());
            }
            None if line.trim().is_empty() => {
                flush_paragraph(&mut paragraph, &mut blocks);
                flush_list(&mut list, &mut blocks);
            }
            None => {
                flush_list(&mut list, &mut blocks);
                paragraph.push(line.trim());
            }
        }
    }
    flush_paragraph(&mut paragraph, &mut blocks);
    flush_list(&mut list, &mut blocks);
    blocks
}

fn facility_type(kind: EpisodeKind) -> Coded {
    // The sandbox and most users are public hospitals; the establishment's real type comes with
    // the configuration of the DMP issue.
    let _ = kind;
    Coded::new("SA01", FACILITY_TYPE, "Etablissement public de santé")
}

/// Builds the document to produce from a filled form and its context.
pub fn build(
    form: &ProductionForm,
    ctx: &ProductionContext,
) -> Result<ProducedDocument, FormError> {
    let kind = kind_from_code(&form.kind).ok_or(FormError::UnknownKind)?;
    let sections: Vec<Section> = form
        .sections
        .iter()
        .filter_map(|s| {
            let mut blocks = text_blocks(&s.text);
            let meds: Vec<MedicationLine> = s
                .medications
                .iter()
                .filter(|m| !m.medication.trim().is_empty())
                .map(|m| MedicationLine {
                    medication: m.medication.trim().to_owned(),
                    posology: m.posology.trim().to_owned(),
                    duration: m.duration.trim().to_owned(),
                    instructions: (!m.instructions.trim().is_empty())
                        .then(|| m.instructions.trim().to_owned()),
                })
                .collect();
            if !meds.is_empty() {
                blocks.insert(0, Block::Medications(meds));
            }
            (!blocks.is_empty()).then(|| Section {
                code: s
                    .loinc
                    .as_deref()
                    .and_then(|l| CATALOGUE.iter().find(|c| c.loinc == l).copied()),
                title: s.title.trim().to_owned(),
                blocks,
            })
        })
        .collect();
    if sections.is_empty() {
        return Err(FormError::Empty);
    }
    let created = paris_time(ctx.now);
    let (encounter_kind, start, end, unit) = match &ctx.episode {
        Some(e) => (
            e.kind,
            paris_time(e.start),
            e.end.map(paris_time),
            e.unit.clone(),
        ),
        // No episode: the encounter is a consultation at the establishment itself.
        None => (
            EpisodeKind::Consultation,
            created,
            None,
            ctx.organisation.name.clone(),
        ),
    };
    Ok(ProducedDocument {
        kind,
        title: if form.title.trim().is_empty() {
            kind.default_title().to_owned()
        } else {
            form.title.trim().to_owned()
        },
        ids: DocumentIds::first(
            // Full OIDs: the DMP does not take OID^extension (volet CISIS_CDA_HL7_V2, TXA).
            Identifier::oid_under(&ctx.document_root, 1, &ctx.unique),
            Identifier::oid_under(&ctx.document_root, 2, &ctx.unique),
        ),
        created,
        act: Act {
            start,
            end: Some(end.unwrap_or(created)),
            code: None,
        },
        patient: ctx.patient.clone(),
        ipp_root: ctx.ipp_root.clone(),
        author: ctx.author.clone(),
        legal_authenticator: None,
        organisation: ctx.organisation.clone(),
        custodian: ctx.organisation.clone(),
        encounter: Encounter {
            kind: encounter_kind,
            start,
            end,
            unit_name: unit,
            facility_type: facility_type(encounter_kind),
        },
        sections,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_becomes_paragraphs_and_lists() {
        let blocks = text_blocks("Ligne 1\nligne 2\n\n- a\n- b\nSuite\n\n\n• c");
        assert_eq!(
            blocks,
            vec![
                Block::Paragraph("Ligne 1\nligne 2".into()),
                Block::List(vec!["a".into(), "b".into()]),
                Block::Paragraph("Suite".into()),
                Block::List(vec!["c".into()]),
            ]
        );
        assert!(text_blocks("  \n\n ").is_empty());
    }

    #[test]
    fn every_kind_has_an_empty_form_with_catalogue_codes() {
        for kind in DocumentKind::ALL {
            let form = empty_form(kind);
            assert_eq!(kind_from_code(&form.kind), Some(kind));
            assert!(!form.sections.is_empty());
            for s in &form.sections {
                let code = s.loinc.as_deref().expect("coded");
                assert!(CATALOGUE.iter().any(|c| c.loinc == code), "{code}");
            }
        }
    }

    #[test]
    fn forms_round_trip_through_json() {
        let form = empty_form(DocumentKind::OrdonnanceSortie);
        let json = serde_json::to_string(&form).expect("json");
        let back: ProductionForm = serde_json::from_str(&json).expect("parse");
        assert_eq!(back, form);
    }
}
