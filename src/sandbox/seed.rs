//! Puts the demo data into an empty sandbox store: demo accounts (shown on the sandbox login
//! screen), the generated patients with their episodes, and their documents, whose metadata is
//! read by the real CDA parser. Also adds bulk patients for load tests, in batches that can be
//! cancelled between two transactions.

use chrono::NaiveDate;
use zeroize::Zeroizing;

use super::demo::{self, DemoPatient};
use crate::auth::{self, AuthError};
use crate::domain::{ProfessionalInfo, Provenance, Role, ShareState, Visibility};
use crate::sandbox::dmp::state::DmpLife;
use crate::store::documents::{self, NewDocument};
use crate::store::episodes::{self, NewEpisode};
use crate::store::patients;
use crate::store::{Store, StoreError};

/// A demo account of the sandbox.
pub struct DemoAccount {
    pub login: &'static str,
    pub password: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    /// Fictitious professional identity (RPPS numbers of the 1010… test range).
    pub professional: Option<DemoProfessional>,
}

/// The professional identity of a demo account.
pub struct DemoProfessional {
    pub national_id: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    pub title: Option<&'static str>,
    pub specialty_code: &'static str,
    pub specialty_label: &'static str,
}

impl DemoProfessional {
    pub fn info(&self) -> ProfessionalInfo {
        ProfessionalInfo {
            national_id: self.national_id.to_owned(),
            given_name: self.given_name.to_owned(),
            family_name: self.family_name.to_owned(),
            title: self.title.map(str::to_owned),
            specialty_code: self.specialty_code.to_owned(),
            specialty_label: self.specialty_label.to_owned(),
        }
    }
}

/// The sandbox accounts. Their passwords are public on purpose: the sandbox holds no real data.
pub const DEMO_ACCOUNTS: &[DemoAccount] = &[
    DemoAccount {
        login: "medecin",
        password: "chevet-demo",
        display_name: "Dr Claire Lambert",
        role: Role::Medecin,
        professional: Some(DemoProfessional {
            national_id: "810101234567",
            given_name: "Claire",
            family_name: "LAMBERT",
            title: Some("DR"),
            specialty_code: "G15_10/SM04",
            specialty_label: "Médecin - Cardiologie et maladies vasculaires (SM)",
        }),
    },
    DemoAccount {
        login: "interne",
        password: "chevet-demo",
        display_name: "Hugo Marchand",
        role: Role::Interne,
        professional: Some(DemoProfessional {
            national_id: "810109876543",
            given_name: "Hugo",
            family_name: "MARCHAND",
            title: None,
            specialty_code: "G15_10/SM26",
            specialty_label: "Médecin - Qualifié en Médecine Générale (SM)",
        }),
    },
    DemoAccount {
        login: "infirmier",
        password: "chevet-demo",
        display_name: "Inès Robert",
        role: Role::Infirmier,
        professional: None,
    },
    DemoAccount {
        login: "secretaire",
        password: "chevet-demo",
        display_name: "Sophie Garnier",
        role: Role::Secretaire,
        professional: None,
    },
    DemoAccount {
        login: "admin",
        password: "chevet-admin",
        display_name: "Service informatique",
        role: Role::Administrateur,
        professional: None,
    },
];

/// Why seeding failed.
#[derive(Debug, thiserror::Error)]
pub enum SeedError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Auth(#[from] AuthError),
    #[error("demo document {index} of patient {patient} is not a readable CDA: {source}")]
    Cda {
        patient: usize,
        index: usize,
        source: crate::cda::CdaError,
    },
}

impl SeedError {
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store(e) => e.is_retryable(),
            Self::Auth(e) => e.is_retryable(),
            Self::Cda { .. } => false,
        }
    }
}

/// What was seeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SeedReport {
    pub patients: usize,
    pub documents: usize,
}

/// Seeds an empty store with the demo accounts, patients, episodes and documents.
pub fn seed_demo(
    store: &mut Store,
    today: NaiveDate,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<SeedReport, SeedError> {
    let patients = demo::demo_patients(today);
    let total = patients.len();
    store.in_transaction(|store| {
        for account in DEMO_ACCOUNTS {
            let id = auth::local::create_account(
                store,
                "system",
                account.login,
                account.display_name,
                account.role,
                &Zeroizing::new(account.password.to_owned()),
            )?;
            if let Some(p) = &account.professional {
                crate::store::accounts::set_professional(store, id, &p.info())?;
            }
        }
        let mut report = SeedReport::default();
        for (n, patient) in patients.iter().enumerate() {
            report.documents += insert_patient(store, n, patient)?;
            report.patients += 1;
            progress(n + 1, total);
        }
        crate::store::audit::record(
            store,
            "system",
            crate::store::audit::AuditAction::SandboxSeeded,
            crate::store::audit::AuditObject::Patients(report.patients),
            format!("documents={}", report.documents),
        )?;
        Ok(report)
    })
}

/// Inserts one demo patient with episodes and documents; returns the number of documents.
fn insert_patient(store: &Store, n: usize, p: &DemoPatient) -> Result<usize, SeedError> {
    let id = patients::insert(store, &p.identity)?;
    let mut episode_ids = Vec::with_capacity(p.episodes.len());
    for e in &p.episodes {
        episode_ids.push(episodes::insert(
            store,
            &NewEpisode {
                patient_id: id,
                kind: e.kind,
                start: e.start,
                end: e.end,
                unit: e.unit.clone(),
                finess_geo: e.finess_geo.clone(),
            },
        )?);
    }
    for (index, doc) in p.documents.iter().enumerate() {
        let cda = crate::cda::parse(&doc.cda).map_err(|source| SeedError::Cda {
            patient: n,
            index,
            source,
        })?;
        let meta = cda.meta();
        let inserted = documents::insert(
            store,
            &NewDocument {
                patient_id: id,
                episode_id: doc.episode_index.and_then(|i| episode_ids.get(i).copied()),
                meta: &meta,
                provenance: Provenance::Local,
                visibility: Visibility::default(),
                raw: &doc.cda,
            },
        )?;
        // The sandbox DMP holds the hospital's documents of every patient who has a DMP:
        // they were sent there.
        if p.identity.ins.is_some() && crate::sandbox::dmp::seed::situation(n).0 != DmpLife::None {
            documents::set_dmp_share(store, inserted.id(), ShareState::Sent)?;
        }
    }
    Ok(p.documents.len())
}

/// Patients per transaction in [`bulk`]; cancellation is checked between batches.
const BATCH: usize = 500;

/// Adds `count` generated patients (identities and episodes, no documents). Identities that
/// collide with existing ones are skipped. Returns how many were added.
pub fn bulk(
    store: &mut Store,
    count: usize,
    today: NaiveDate,
    cancelled: &std::sync::atomic::AtomicBool,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<usize, SeedError> {
    let seed = patients::count(store)? as u64 + 0x5eed;
    let mut generated = demo::bulk_patients(count, seed, today).peekable();
    let mut added = 0;
    let mut done = 0;
    while generated.peek().is_some() {
        if cancelled.load(std::sync::atomic::Ordering::Acquire) {
            break;
        }
        added += store.in_transaction(|store| {
            let mut batch_added = 0;
            for p in generated.by_ref().take(BATCH) {
                done += 1;
                match insert_patient(store, done, &p) {
                    Ok(_) => batch_added += 1,
                    Err(SeedError::Store(StoreError::Duplicate)) => {}
                    Err(e) => return Err(e),
                }
            }
            Ok::<_, SeedError>(batch_added)
        })?;
        progress(done, count);
    }
    Ok(added)
}

/// Adds `count` documents to a patient's folder for load measurements: the metadata vary
/// (types, titles, dates, a few version chains), the bytes are those of `template` (one of
/// the folder's documents). Returns how many were added.
pub fn bulk_documents(
    store: &mut Store,
    patient: crate::domain::PatientId,
    template: crate::domain::DocumentId,
    count: usize,
) -> Result<usize, SeedError> {
    const TYPES: [(&str, &str); 5] = [
        ("11490-0", "Lettre de liaison à la sortie"),
        ("11488-4", "Compte rendu de consultation"),
        ("34874-8", "Compte rendu opératoire"),
        ("11502-2", "Compte rendu d'examens biologiques"),
        ("18748-4", "Compte rendu d'imagerie médicale"),
    ];
    let raw = documents::raw(store, template)?;
    let base = documents::summary(store, template)?.meta;
    let start = NaiveDate::from_ymd_opt(2010, 1, 1)
        .and_then(|d| d.and_hms_opt(8, 0, 0))
        .unwrap_or_default();
    store.in_transaction(|store| {
        for n in 0..count {
            let (code, label) = TYPES[n % TYPES.len()];
            // Every tenth document is a second version of the one before it.
            let set = if n % 10 == 9 { n - 1 } else { n };
            let meta = crate::domain::DocumentMeta {
                cda_id: format!("1.2.250.1.999.1.{}.{n}", patient.0),
                set_id: format!("1.2.250.1.999.2.{}.{set}", patient.0),
                version_number: if set == n { 1 } else { 2 },
                type_code: code.to_owned(),
                type_label: label.to_owned(),
                title: format!("{label} n° {n}"),
                act_date: Some(start + chrono::Duration::hours(6 * n as i64)),
                ..base.clone()
            };
            documents::insert(
                store,
                &NewDocument {
                    patient_id: patient,
                    episode_id: None,
                    meta: &meta,
                    provenance: Provenance::Local,
                    visibility: Visibility::default(),
                    raw: &raw,
                },
            )?;
        }
        Ok::<_, SeedError>(count)
    })
}
