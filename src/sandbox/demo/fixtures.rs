//! The real CI-SIS CDA examples embedded in the binary (`assets/sandbox/cda/`), and the two
//! patients who come from them: PAT-TROIS DOMINIQUE (the ANS test identity, whose documents
//! are kept unchanged) and DECOURCY Ruth (the newborn of the health certificate, re-issued a
//! valid test INS because the fixture's key is wrong).

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta};

use super::episodes::{self, Person};
use super::identity::InsRegistry;
use super::retarget::retarget;
use super::rng::Rng;
use super::{DemoDocument, DemoEpisode, DemoPatient, SANDBOX_FINESS_GEO};
use crate::domain::ins::OID_INS_NIR_TEST;
use crate::domain::{BirthTraits, EpisodeKind, IdentityStatus, Ins, InsOid, PatientIdentity, Sex};

/// One embedded fixture: its file name (without `.xml`) and bytes.
#[derive(Clone, Copy)]
pub(crate) struct Fixture {
    pub(crate) name: &'static str,
    pub(crate) bytes: &'static [u8],
}

macro_rules! fixture {
    ($name:literal) => {
        Fixture {
            name: $name,
            bytes: include_bytes!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/assets/sandbox/cda/",
                $name,
                ".xml"
            )),
        }
    };
}

pub(crate) const TSH: Fixture = fixture!("BIO-CR-BIO_2024.01_TSH_1");
pub(crate) const MICROBIOLOGIE_V1: Fixture = fixture!("BIO-CR-BIO_2024.01_Microbiologie_V1");
pub(crate) const MICROBIOLOGIE_V2: Fixture = fixture!("BIO-CR-BIO_2024.01_Microbiologie_V2");
pub(crate) const LDL_SES: Fixture = fixture!("LDL-SES_2022.01");
pub(crate) const VSM: Fixture = fixture!("VSM_1.4_2022.01");
pub(crate) const N1_PDF: Fixture = fixture!("DOC_NON_STRUCTURE_CDA-R2-N1");
pub(crate) const IMAGERIE_INITIALE: Fixture = fixture!("transmission_initiale_cr_imagerie");
pub(crate) const IMAGERIE_REMPLACEMENT: Fixture = fixture!("remplacement_cr_imagerie");
pub(crate) const IMG_CR: Fixture = fixture!("IMG_CR_IMG_2024.01");
pub(crate) const PRESCRIPTION: Fixture = fixture!("eP-MED-DM_2024.01_PosoStruct");
pub(crate) const TROD_COVID: Fixture = fixture!("BIO-TROD_2024.01_COVID-19");
pub(crate) const CSE_CS8: Fixture = fixture!("CSE-CS8_2024.01");

/// Every embedded fixture.
#[cfg(test)]
pub(crate) const ALL: [Fixture; 12] = [
    TSH,
    MICROBIOLOGIE_V1,
    MICROBIOLOGIE_V2,
    LDL_SES,
    VSM,
    N1_PDF,
    IMAGERIE_INITIALE,
    IMAGERIE_REMPLACEMENT,
    IMG_CR,
    PRESCRIPTION,
    TROD_COVID,
    CSE_CS8,
];

/// The PDF-free fixtures that may be rewritten for generated adults and children. The
/// newborn certificate is kept for Ruth: its body names her parents throughout.
pub(crate) const RETARGETABLE: [Fixture; 3] = [LDL_SES, VSM, TROD_COVID];

/// INS of the ANS test patient, as in every fixture (valid key).
pub(crate) const PAT_TROIS_INS: &str = "279035121518989";

/// Demo patient #1: PAT-TROIS DOMINIQUE MARIE-LOUISE, born 1979-03-28 in Dompremy (51215, as
/// in the fixtures' `birthplace` and the INS), qualifiée, with her fixtures unchanged.
pub(crate) fn pat_trois(ipp: String, today: NaiveDate, registry: &mut InsRegistry) -> DemoPatient {
    let ins = Ins::parse(PAT_TROIS_INS, OID_INS_NIR_TEST).ok();
    if let Some(ins) = &ins {
        registry.reserve(ins);
    }
    let status = if ins.is_some() {
        IdentityStatus::Qualifiee
    } else {
        IdentityStatus::Provisoire
    };
    let site = SANDBOX_FINESS_GEO[0].to_owned();
    let episode =
        |kind, start: NaiveDateTime, end: Option<NaiveDateTime>, unit: &str| DemoEpisode {
            kind,
            start,
            end,
            unit: unit.to_owned(),
            finess_geo: site.clone(),
        };
    let episodes = vec![
        episode(
            EpisodeKind::Consultation,
            at(today, 300, 10 * 60 + 30),
            Some(at(today, 300, 11 * 60)),
            "Endocrinologie-diabétologie",
        ),
        episode(
            EpisodeKind::Hospitalisation,
            at(today, 120, 9 * 60),
            Some(at(today, 114, 14 * 60)),
            "Médecine interne",
        ),
        episode(
            EpisodeKind::Urgence,
            at(today, 45, 21 * 60 + 10),
            Some(at(today, 44, 2 * 60 + 40)),
            "Urgences adultes",
        ),
        episode(
            EpisodeKind::Hospitalisation,
            at(today, 2, 16 * 60 + 20),
            None,
            "Cardiologie",
        ),
    ];
    let doc = |f: Fixture, episode_index: Option<usize>| DemoDocument {
        cda: f.bytes.to_vec(),
        episode_index,
    };
    let documents = vec![
        doc(TSH, Some(0)),
        doc(PRESCRIPTION, Some(0)),
        doc(MICROBIOLOGIE_V1, Some(1)),
        doc(MICROBIOLOGIE_V2, Some(1)),
        doc(IMG_CR, Some(1)),
        doc(LDL_SES, Some(1)),
        doc(IMAGERIE_INITIALE, Some(2)),
        doc(IMAGERIE_REMPLACEMENT, Some(2)),
        doc(TROD_COVID, Some(2)),
        doc(VSM, None),
        doc(N1_PDF, None),
    ];
    DemoPatient {
        identity: PatientIdentity {
            ipp,
            ins,
            traits: BirthTraits {
                birth_name: "PAT-TROIS".into(),
                birth_first_names: "DOMINIQUE MARIE-LOUISE".into(),
                birth_date: NaiveDate::from_ymd_opt(1979, 3, 28).unwrap_or(NaiveDate::MIN),
                sex: Sex::Female,
                birthplace_insee: Some("51215".into()),
            },
            used_name: None,
            used_first_name: None,
            status,
        },
        episodes,
        documents,
    }
}

/// Demo patient #2: DECOURCY Ruth Isabelle, born 2023-04-25 at Cochin (Paris 14e: 75114), with
/// a newly issued valid test INS (the fixture's production INS has a wrong key) and her
/// health certificate rewritten for that identity.
pub(crate) fn ruth(
    ipp: String,
    today: NaiveDate,
    rng: &mut Rng,
    registry: &mut InsRegistry,
) -> DemoPatient {
    let traits = BirthTraits {
        birth_name: "DECOURCY".into(),
        birth_first_names: "Ruth Isabelle".into(),
        birth_date: NaiveDate::from_ymd_opt(2023, 4, 25).unwrap_or(NaiveDate::MIN),
        sex: Sex::Female,
        birthplace_insee: Some("75114".into()),
    };
    let ins = registry.issue(rng, &traits, InsOid::TestNir);
    let status = if ins.is_some() {
        IdentityStatus::Qualifiee
    } else {
        IdentityStatus::Provisoire
    };
    let who = Person {
        birth: traits.birth_date,
        sex: traits.sex,
    };
    let mut patient = DemoPatient {
        identity: PatientIdentity {
            ipp,
            ins,
            traits,
            used_name: None,
            used_first_name: None,
            status,
        },
        episodes: episodes::generate(rng, today, who, false),
        documents: Vec::new(),
    };
    if let Ok(cda) = retarget(CSE_CS8.bytes, &patient, &patient.identity.ipp) {
        patient.documents.push(DemoDocument {
            cda,
            episode_index: None,
        });
    }
    patient
}

/// `days` before `today` at `minute` past midnight.
fn at(today: NaiveDate, days: u64, minute: i64) -> NaiveDateTime {
    let day = today.checked_sub_days(Days::new(days)).unwrap_or(today);
    day.and_time(NaiveTime::MIN) + TimeDelta::minutes(minute)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sandbox::demo::retarget::has_embedded_pdf;

    #[test]
    fn the_fixture_ins_of_ruth_is_invalid_and_pat_trois_is_valid() {
        use crate::domain::ins::{InsError, Matricule};
        assert_eq!(Matricule::parse("223042545611404"), Err(InsError::Key));
        assert!(Matricule::parse(PAT_TROIS_INS).is_ok());
    }

    #[test]
    fn fixtures_are_embedded_and_small_enough() {
        let total: usize = ALL.iter().map(|f| f.bytes.len()).sum();
        assert!(total < 3 * 1024 * 1024, "{total}");
        for f in ALL {
            assert!(f.bytes.len() > 1000, "{}", f.name);
        }
    }

    #[test]
    fn retargetable_fixtures_carry_no_pdf_and_the_others_do() {
        for f in RETARGETABLE.iter().chain([&CSE_CS8]) {
            assert_eq!(has_embedded_pdf(f.bytes).ok(), Some(false), "{}", f.name);
        }
        for f in [
            TSH,
            MICROBIOLOGIE_V1,
            MICROBIOLOGIE_V2,
            N1_PDF,
            IMAGERIE_INITIALE,
            IMG_CR,
        ] {
            assert_eq!(has_embedded_pdf(f.bytes).ok(), Some(true), "{}", f.name);
        }
    }
}
