//! The sandbox DMP's initial state, from the same demo patients as the local database: every
//! demo patient with an INS is known to the DMP, in one of the situations a hospital meets —
//! an open DMP the demo physician is authorized on (most), no DMP, a closed DMP, a DMP whose
//! patient blocked the demo physician, an expired authorization with an opposition to emergency
//! access, no authorization yet with an opposition to the centre 15. Their documents are the
//! demo CDA documents, fed as the hospital would, some made invisible to the patient, masked to
//! professionals, archived or deleted, and replaced versions deprecated.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::state::{Access, DmpLife, DmpState, PatientRecord, REPOSITORY_UNIQUE_ID, StoredEntry};
use crate::dmp::xds::{AvailabilityStatus, DmpDocumentEntry, FeedParams, IdGen};
use crate::domain::{Sex, Visibility};
use crate::sandbox::demo::{self, DemoPatient};
use crate::sandbox::seed::DEMO_ACCOUNTS;

/// The situation of the patient at `index` in the demo set.
pub fn situation(index: usize) -> (DmpLife, Option<Access>) {
    match index % 12 {
        7 => (DmpLife::None, None),
        8 => (DmpLife::Closed, Some(Access::Valid)),
        9 => (DmpLife::Open, Some(Access::Blocked)),
        10 => (DmpLife::Open, Some(Access::Expired)),
        11 => (DmpLife::Open, None),
        _ => (DmpLife::Open, Some(Access::Valid)),
    }
}

/// idNat_PS of the demo physician (the `medecin` account), who the situations are about.
pub fn demo_physician() -> &'static str {
    DEMO_ACCOUNTS
        .iter()
        .find_map(|a| a.professional.as_ref())
        .map_or("810101234567", |p| p.national_id)
}

/// How many demo patients (from the first) get documents only the DMP holds.
pub const OUTSIDE_DOCUMENTS_PATIENTS: usize = 24;

/// Whether the DMP holds documents of this patient that the hospital does not: the first two
/// dozen patients and those in consultation or at the emergencies now (producing them for
/// everyone would slow the sandbox's start).
pub fn has_outside_documents(index: usize, patient: &DemoPatient) -> bool {
    index < OUTSIDE_DOCUMENTS_PATIENTS
        || patient.episodes.last().is_some_and(|e| {
            e.end.is_none() && e.kind != crate::domain::EpisodeKind::Hospitalisation
        })
}

/// The first demo patient in consultation or at the emergencies now, with a qualified INS and
/// an open DMP the demo physician may read (so also documents only the DMP holds), and their
/// index: what tests and measurements open.
pub fn consultation_demo_patient(today: NaiveDate) -> Option<(usize, DemoPatient)> {
    demo::demo_patients(today)
        .into_iter()
        .enumerate()
        .find(|(i, p)| {
            situation(*i) == (DmpLife::Open, Some(Access::Valid))
                && p.identity.status.ins_usable()
                && p.episodes.last().is_some_and(|e| {
                    e.end.is_none() && e.kind != crate::domain::EpisodeKind::Hospitalisation
                })
        })
}

/// The state for the demo set of `today`.
pub fn demo_state(today: NaiveDate) -> DmpState {
    let mut state = DmpState::default();
    let mut ids = IdGen::seeded(demo::DEMO_SEED);
    for (index, patient) in demo::demo_patients(today).iter().enumerate() {
        add_patient(&mut state, &mut ids, index, patient);
        if has_outside_documents(index, patient)
            && let (Some(ins), (DmpLife::Open, _)) = (&patient.identity.ins, situation(index))
        {
            let matricule = ins.matricule.as_str().to_owned();
            super::seed_outside::add_outside_documents(
                &mut state, &mut ids, index, patient, &matricule, today,
            );
        }
    }
    state
}

fn add_patient(state: &mut DmpState, ids: &mut IdGen, index: usize, patient: &DemoPatient) {
    let Some(ins) = patient.identity.ins.clone() else {
        return;
    };
    let (life, access) = situation(index);
    let physician = demo_physician().to_owned();
    let traits = &patient.identity.traits;
    let mut record = PatientRecord {
        ins,
        family_name: traits.birth_name.clone(),
        given_name: traits.first_first_name().to_owned(),
        birth_date: traits.birth_date.format("%Y%m%d").to_string(),
        sex: match traits.sex {
            Sex::Male => 'M',
            Sex::Female => 'F',
            Sex::Unknown => 'U',
        },
        life,
        access: HashMap::new(),
        authorized_at: HashMap::new(),
        treating_physician: index.is_multiple_of(5).then(|| physician.clone()),
        opposes_bris_de_glace: index % 12 == 10,
        opposes_centre_15: index % 12 == 11,
    };
    if let Some(access) = access {
        record.access.insert(physician.clone(), access);
        let given = Utc
            .with_ymd_and_hms(2025, 1, 2, 9, 0, 0)
            .single()
            .unwrap_or_else(Utc::now)
            + Duration::days(index as i64);
        record.authorized_at.insert(physician, given);
    }
    let matricule = record.key().to_owned();
    state.add_patient(record);
    if life == DmpLife::None {
        return;
    }
    // Versions of one document share a setId: a later version deprecates the earlier one (the
    // CI-SIS examples' RPLC parent ids do not always name the previous version).
    let mut sets: HashMap<String, usize> = HashMap::new();
    for (n, document) in patient.documents.iter().enumerate() {
        let Ok(doc) = crate::cda::parse(&document.cda) else {
            continue;
        };
        let mut params = FeedParams::suggested(&doc);
        params.visibility = Visibility {
            invisible_patient: (index + n) % 4 == 1,
            invisible_legal_reps: false,
            masked_ps: (index + n) % 7 == 2,
        };
        let Ok(mut entry) = DmpDocumentEntry::from_cda(&doc, &document.cda, &params) else {
            continue;
        };
        entry.entry_uuid = ids.urn_uuid();
        entry.logical_id = Some(entry.entry_uuid.clone());
        entry.version_name = Some("1".to_owned());
        entry.repository_unique_id = Some(REPOSITORY_UNIQUE_ID.to_owned());
        entry.status = match (index + n) % 9 {
            3 => AvailabilityStatus::Archived,
            5 if index.is_multiple_of(2) => AvailabilityStatus::Deleted,
            _ => AvailabilityStatus::Approved,
        };
        let header = doc.header();
        let set_id = header.set_id.as_ref().map(crate::cda::InstanceId::to_uid);
        let previous = set_id
            .as_ref()
            .and_then(|s| sets.get(s).copied())
            .or_else(|| {
                let parent = header.replaces()?.to_uid();
                state.find_entry(&parent)
            });
        if let Some(old) = previous {
            state.entries[old].entry.status = AvailabilityStatus::Deprecated;
        }
        if let Some(set_id) = set_id {
            sets.insert(set_id, state.entries.len());
        }
        let author_id = entry
            .authors
            .first()
            .and_then(|a| a.person.as_ref())
            .and_then(|p| p.id())
            .unwrap_or_default();
        let submitted_at = entry.creation_time_utc().unwrap_or_else(Utc::now);
        state.add_document(StoredEntry {
            entry,
            bytes: Arc::new(document.cda.clone()),
            patient: matricule.clone(),
            author_id,
            submitted_at,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_dmp_has_every_situation_and_varied_documents() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap_or_default();
        let state = demo_state(today);
        let patients: Vec<&PatientRecord> = state.patients().collect();
        assert!(patients.len() >= 50, "{}", patients.len());
        let count = |f: &dyn Fn(&PatientRecord) -> bool| patients.iter().filter(|p| f(p)).count();
        let doctor = demo_physician();
        assert!(count(&|p| p.life == DmpLife::None) >= 4);
        assert!(count(&|p| p.life == DmpLife::Closed) >= 4);
        assert!(count(&|p| p.access.get(doctor) == Some(&Access::Blocked)) >= 4);
        assert!(count(&|p| p.access.get(doctor) == Some(&Access::Expired)) >= 4);
        assert!(count(&|p| p.opposes_bris_de_glace) >= 4);
        assert!(count(&|p| p.treating_physician.as_deref() == Some(doctor)) >= 4);

        let status =
            |s: AvailabilityStatus| state.entries.iter().filter(|e| e.entry.status == s).count();
        assert!(status(AvailabilityStatus::Approved) >= 10);
        assert!(status(AvailabilityStatus::Archived) >= 1);
        assert!(status(AvailabilityStatus::Deleted) >= 1);
        // Microbiologie V2 and the imaging replacement deprecate their first versions.
        assert!(status(AvailabilityStatus::Deprecated) >= 2);
        let flag = |f: fn(&Visibility) -> bool| {
            state
                .entries
                .iter()
                .filter(|e| f(&e.entry.visibility()))
                .count()
        };
        assert!(flag(|v| v.invisible_patient) >= 2);
        assert!(flag(|v| v.masked_ps) >= 1);
        // Documents only the DMP holds: an outside cardiologist's, and the hospital's own
        // waiting invisible for the consultation d'annonce.
        let by = |structure: &str| {
            state
                .entries
                .iter()
                .filter(|e| {
                    e.entry.authors.iter().any(|a| {
                        a.institutions
                            .iter()
                            .any(|o| o.id().is_some_and(|id| id.ends_with(structure)))
                    })
                })
                .collect::<Vec<_>>()
        };
        assert!(by("690999016").len() >= 10);
        let own = by(demo::SANDBOX_FINESS_GEO[0]);
        assert!(
            own.iter()
                .filter(|e| e.entry.visibility().invisible_patient)
                .count()
                >= 10
        );
        for e in &state.entries {
            assert!(e.entry.entry_uuid.starts_with("urn:uuid:"));
            assert_eq!(
                e.entry.logical_id.as_deref(),
                Some(e.entry.entry_uuid.as_str())
            );
            assert_eq!(e.entry.size, Some(e.bytes.len() as u64));
            assert!(state.patient(&e.patient).is_some());
        }
        // Same set every time (deterministic ids).
        let again = demo_state(today);
        assert_eq!(again.entries.len(), state.entries.len());
        assert_eq!(
            again.entries[0].entry.entry_uuid,
            state.entries[0].entry.entry_uuid
        );
    }
}
