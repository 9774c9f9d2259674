//! Documents the sandbox DMP holds that the hospital's database does not, so that the folder
//! has something to integrate and to make visible: for the first demo patients with an open
//! DMP, a consultation report by a cardiologist in town (recent, visible), a discharge letter
//! from another hospital, and a report this hospital sent invisible to the patient, waiting
//! for the consultation d'annonce. All are real CDA N3 documents with their PDF copy, made by
//! the production code.

use std::sync::Arc;

use chrono::{Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};

use super::state::{DmpState, REPOSITORY_UNIQUE_ID, StoredEntry};
use crate::cda::produce::catalog::DocumentKind;
use crate::cda::produce::form::{ProductionContext, build, empty_form};
use crate::dmp::xds::{DmpDocumentEntry, FeedParams, IdGen};
use crate::domain::{Establishment, ProfessionalInfo, Visibility};
use crate::sandbox::demo::DemoPatient;

/// The cardiologist in town who writes the outside reports.
fn outside_physician() -> ProfessionalInfo {
    ProfessionalInfo {
        national_id: "810100234561".into(),
        given_name: "Hugo".into(),
        family_name: "BERNARD".into(),
        title: Some("DR".into()),
        specialty_code: "SM04".into(),
        specialty_label: "Cardiologie et maladies vasculaires".into(),
    }
}

fn other_hospital_physician() -> ProfessionalInfo {
    ProfessionalInfo {
        national_id: "810100345672".into(),
        given_name: "Inès".into(),
        family_name: "MOREAU".into(),
        title: Some("DR".into()),
        specialty_code: "SM26".into(),
        specialty_label: "Médecine interne".into(),
    }
}

fn other_hospital() -> Establishment {
    Establishment {
        name: "Centre hospitalier de la Dordogne".into(),
        finess: "330999020".into(),
        ipp_oid: "1.2.250.1.999.330999020.1".into(),
        document_oid: "1.2.250.1.999.330999020.2".into(),
    }
}

fn outside_practice() -> Establishment {
    Establishment {
        name: "Cabinet de cardiologie du Parc (Lyon)".into(),
        finess: "690999016".into(),
        ipp_oid: "1.2.250.1.999.690999016.1".into(),
        document_oid: "1.2.250.1.999.690999016.2".into(),
    }
}

/// One produced report, or `None` when production fails (the seed goes on without it).
fn report(
    kind: DocumentKind,
    who: &ProfessionalInfo,
    site: &Establishment,
    patient: &DemoPatient,
    at: NaiveDateTime,
    unique: String,
    text: [&str; 2],
) -> Option<Vec<u8>> {
    let context = ProductionContext::new(who, site, patient.identity.clone(), None, at, unique)?;
    let mut form = empty_form(kind);
    for (section, text) in form.sections.iter_mut().zip(text) {
        section.text = text.to_owned();
    }
    let doc = build(&form, &context).ok()?;
    Some(crate::cda::produce::produce(&doc).ok()?.n3)
}

/// Adds the patient's DMP-only documents.
pub(super) fn add_outside_documents(
    state: &mut DmpState,
    ids: &mut IdGen,
    index: usize,
    patient: &DemoPatient,
    matricule: &str,
    today: NaiveDate,
) {
    let noon = |days_ago: i64| (today - Duration::days(days_ago)).and_hms_opt(11, 30, 0);
    let hospital_doctor = crate::sandbox::seed::DEMO_ACCOUNTS
        .iter()
        .find_map(|a| a.professional.as_ref())
        .map(|p| p.info());
    let documents = [
        (
            DocumentKind::CompteRenduConsultation,
            outside_physician(),
            outside_practice(),
            noon(3 + (index % 5) as i64),
            false,
            [
                "Bilan cardiologique demandé par le médecin traitant.",
                "Essoufflement à l'effort depuis deux mois.",
            ],
        ),
        (
            DocumentKind::LettreLiaisonSortie,
            other_hospital_physician(),
            other_hospital(),
            noon(20 + (index % 9) as i64),
            false,
            [
                "Hospitalisation pour décompensation cardiaque.",
                "Évolution favorable sous traitement diurétique.",
            ],
        ),
        (
            DocumentKind::CompteRenduConsultation,
            hospital_doctor.unwrap_or_else(outside_physician),
            crate::sandbox::establishment(),
            noon(12 + (index % 40) as i64),
            true,
            [
                "Résultats de l'examen anatomopathologique.",
                "Résultats à annoncer au patient lors de la consultation d'annonce.",
            ],
        ),
    ];
    for (n, (kind, who, site, at, invisible, text)) in documents.into_iter().enumerate() {
        let Some(at) = at else { continue };
        let unique = format!("{}{index:03}{n}", at.format("%Y%m%d"));
        let Some(cda) = report(kind, &who, &site, patient, at, unique, text) else {
            tracing::warn!(index, "sandbox DMP: outside document not produced");
            continue;
        };
        let Ok(doc) = crate::cda::parse(&cda) else {
            continue;
        };
        let mut params = FeedParams::suggested(&doc);
        params.visibility = Visibility {
            invisible_patient: invisible,
            invisible_legal_reps: invisible && index.is_multiple_of(2),
            masked_ps: false,
        };
        let Ok(mut entry) = DmpDocumentEntry::from_cda(&doc, &cda, &params) else {
            continue;
        };
        entry.entry_uuid = ids.urn_uuid();
        entry.logical_id = Some(entry.entry_uuid.clone());
        entry.version_name = Some("1".to_owned());
        entry.repository_unique_id = Some(REPOSITORY_UNIQUE_ID.to_owned());
        let submitted_at = Utc
            .from_local_datetime(&at)
            .single()
            .unwrap_or_else(Utc::now);
        state.add_document(StoredEntry {
            entry,
            bytes: Arc::new(cda),
            patient: matricule.to_owned(),
            author_id: who.national_id.clone(),
            submitted_at,
        });
    }
}
