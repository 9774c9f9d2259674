//! Assembly of the two demo sets: the seeded sandbox set (fixture patients first, then
//! generated ones on a fixed schedule of statuses, OIDs, Corsicans and documents) and the bulk
//! set for load tests (identities and episodes only).

use chrono::NaiveDate;

use super::episodes::{self, Person};
use super::fixtures::{self, Fixture};
use super::identity::{self, IdentitySpec, InsRegistry, PlacePool};
use super::retarget::retarget;
use super::rng::Rng;
use super::{DemoDocument, DemoEpisode, DemoPatient};
use crate::domain::{EpisodeKind, IdentityStatus, InsOid, PatientIdentity};
use IdentityStatus::{Provisoire as P, Qualifiee as Q, Recuperee as R, Validee as V};

/// Seed of the sandbox set. Changing it changes every demo patient.
pub const DEMO_SEED: u64 = 0x4348_4556_4554_0001;

/// Number of patients in the sandbox set (two from the fixtures, the rest generated).
pub const DEMO_PATIENT_COUNT: usize = 72;

/// First IPP of the bulk set; bulk IPPs are consecutive from there.
const BULK_IPP_BASE: u64 = 50_000_000;

/// Statuses of the generated patients, in turn: mostly qualifiée, some récupérée, validée and
/// provisoire.
#[rustfmt::skip]
const STATUS_CYCLE: [IdentityStatus; 20] = [
    Q, Q, R, Q, V, Q, Q, P, Q, Q, R, Q, Q, V, Q, Q, P, Q, R, Q,
];

/// Indexes of the generated patients born in Corsica (Ajaccio, Bastia, Corte), placed where
/// the status cycle gives a qualified identity, so that their INS shows `2A`/`2B`.
const CORSICAN_SLOTS: [usize; 3] = [8, 29, 51];

/// The seeded sandbox set for `today` (dates are relative to it): PAT-TROIS DOMINIQUE with
/// the CI-SIS examples, DECOURCY Ruth with her health certificate, then generated patients,
/// about a third of whom have one to three rewritten documents.
pub fn demo_patients(today: NaiveDate) -> Vec<DemoPatient> {
    let mut registry = InsRegistry::default();
    let mut out = Vec::with_capacity(DEMO_PATIENT_COUNT);
    for index in 0..DEMO_PATIENT_COUNT {
        let mut rng = Rng::for_item(DEMO_SEED, index as u64);
        let ipp = demo_ipp(&mut rng, index);
        let patient = match index {
            0 => fixtures::pat_trois(ipp, today, &mut registry),
            1 => fixtures::ruth(ipp, today, &mut rng, &mut registry),
            _ => seeded_patient(&mut rng, index, ipp, today, &mut registry),
        };
        out.push(patient);
    }
    out
}

/// `count` generated patients for load tests: unique IPPs (8 digits from 50000000) and
/// unique valid INS, 1–3 episodes each, no documents. Same `seed`, same patients.
pub fn bulk_patients(
    count: usize,
    seed: u64,
    today: NaiveDate,
) -> impl Iterator<Item = DemoPatient> {
    let mut registry = InsRegistry::default();
    (0..count).map(move |index| {
        let mut rng = Rng::for_item(seed, index as u64);
        let status = match rng.below(100) {
            0..70 => Q,
            70..82 => R,
            82..92 => V,
            _ => P,
        };
        let oid = if rng.chance(10) {
            InsOid::DemoNir
        } else {
            InsOid::TestNir
        };
        let spec = IdentitySpec {
            status,
            oid,
            places: PlacePool::Any,
        };
        let open = rng.chance(10);
        let ipp = format!("{:08}", BULK_IPP_BASE + index as u64);
        patient(&mut rng, spec, ipp, today, open, &mut registry)
    })
}

/// 8-digit IPPs, increasing with the index (hence unique), with random gaps.
fn demo_ipp(rng: &mut Rng, index: usize) -> String {
    format!("{:08}", 20_000_000 + index as u64 * 1000 + rng.below(1000))
}

fn seeded_patient(
    rng: &mut Rng,
    index: usize,
    ipp: String,
    today: NaiveDate,
    registry: &mut InsRegistry,
) -> DemoPatient {
    let spec = IdentitySpec {
        status: STATUS_CYCLE[index % STATUS_CYCLE.len()],
        oid: if index % 9 == 4 {
            InsOid::DemoNir
        } else {
            InsOid::TestNir
        },
        places: match CORSICAN_SLOTS.iter().position(|slot| *slot == index) {
            Some(which) => PlacePool::Corsica(which),
            None => PlacePool::NotCorsica,
        },
    };
    let mut patient = patient(rng, spec, ipp, today, index % 5 == 1, registry);
    if index.is_multiple_of(3) {
        patient.documents = documents_for(rng, &patient);
    }
    patient
}

fn patient(
    rng: &mut Rng,
    spec: IdentitySpec,
    ipp: String,
    today: NaiveDate,
    open: bool,
    registry: &mut InsRegistry,
) -> DemoPatient {
    let id = identity::generate(rng, today, spec, registry);
    let who = Person {
        birth: id.traits.birth_date,
        sex: id.traits.sex,
    };
    let episodes = episodes::generate(rng, today, who, open);
    DemoPatient {
        identity: PatientIdentity {
            ipp,
            ins: id.ins,
            traits: id.traits,
            used_name: id.used_name,
            used_first_name: id.used_first_name,
            status: id.status,
        },
        episodes,
        documents: Vec::new(),
    }
}

/// One to three distinct PDF-free fixtures rewritten for the patient, the discharge letter
/// tied to a hospitalisation and the rapid test to an emergency visit when there is one.
fn documents_for(rng: &mut Rng, patient: &DemoPatient) -> Vec<DemoDocument> {
    let mut pool: Vec<Fixture> = fixtures::RETARGETABLE.to_vec();
    let count = rng.range(1, pool.len() as u64);
    let mut out = Vec::new();
    for _ in 0..count {
        if pool.is_empty() {
            break;
        }
        let fixture = pool.remove(rng.index(pool.len()));
        let episode_index = if fixture.name == fixtures::LDL_SES.name {
            first_of(&patient.episodes, EpisodeKind::Hospitalisation)
        } else if fixture.name == fixtures::TROD_COVID.name {
            first_of(&patient.episodes, EpisodeKind::Urgence)
        } else {
            None
        };
        if let Ok(cda) = retarget(fixture.bytes, patient, &patient.identity.ipp) {
            out.push(DemoDocument { cda, episode_index });
        }
    }
    out
}

fn first_of(episodes: &[DemoEpisode], kind: EpisodeKind) -> Option<usize> {
    episodes.iter().position(|e| e.kind == kind)
}
