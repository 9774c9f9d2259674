//! The consultation service against the sandbox DMP started in-process (HTTPS, mutual TLS,
//! signed VIHF): the badges of the seeded situations, authorization, the count of new documents
//! checked against the seed, search, retrieve, visibility, versions, fault injection and its
//! traces; and the pure parts (CSV, age). The portal's are in `portal.rs` and
//! `tests/integration/portal.rs`.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use super::*;
use crate::dmp::error::Refusal;
use crate::dmp::hl7v3::AuthorizationStatus;
use crate::dmp::transport::Timeouts;
use crate::dmp::xds::{AvailabilityStatus, Code, DmpDocumentEntry, FeedParams, OID_LOINC};
use crate::sandbox::dmp::faults::{Fault, FaultPlan, Transaction};
use crate::sandbox::dmp::seed::situation;
use crate::sandbox::dmp::state::{Access, DmpLife};

fn today() -> NaiveDate {
    chrono::Local::now().date_naive()
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime")
}

struct Sandbox {
    _running: crate::sandbox::dmp::RunningDmp,
    consult: DmpConsult,
    faults: Arc<FaultPlan>,
    doctor: ProfessionalInfo,
}

fn sandbox(rt: &tokio::runtime::Runtime) -> Sandbox {
    let faults = Arc::new(FaultPlan::default());
    let running = rt
        .block_on(crate::sandbox::dmp::start(today(), faults.clone()))
        .expect("sandbox DMP");
    let endpoint = running
        .endpoint(Timeouts {
            connect_secs: 5,
            total_secs: 20,
        })
        .expect("endpoint");
    Sandbox {
        consult: DmpConsult::new(endpoint.client().expect("client")),
        _running: running,
        faults,
        doctor: crate::sandbox::dmp::demo_caller()
            .expect("demo physician")
            .professional,
    }
}

/// The first demo patient with an INS in this situation.
fn patient_in(life: DmpLife, access: Option<Access>) -> ConsultPatient {
    crate::sandbox::demo::demo_patients(today())
        .into_iter()
        .enumerate()
        .find_map(|(i, p)| {
            let ins = p.identity.ins?;
            (situation(i) == (life, access)).then(|| ConsultPatient {
                ins,
                local_ref: format!("patient-{i}"),
            })
        })
        .expect("a demo patient in this situation")
}

/// PAT-TROIS: open DMP, authorized (and treating physician), the CI-SIS example documents.
fn documented() -> ConsultPatient {
    ConsultPatient {
        ins: crate::sandbox::demo::demo_patients(today())[0]
            .identity
            .ins
            .clone()
            .expect("INS"),
        local_ref: "patient-0".into(),
    }
}

/// This establishment's structure ids: the legal entity and its sites.
fn own_structures() -> Vec<String> {
    let mut ids = vec![crate::sandbox::dmp::structure_id()];
    ids.extend(
        crate::sandbox::demo::SANDBOX_FINESS_GEO
            .iter()
            .map(|f| format!("1{f}")),
    );
    ids
}

fn codes(traces: &[DmpTrace]) -> Vec<&'static str> {
    traces.iter().map(|t| t.transaction.code()).collect()
}

fn long_ago() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .expect("date")
}

#[test]
fn badges_follow_the_seeded_situations_and_authorize_opens_access() {
    let rt = runtime();
    let s = sandbox(&rt);
    let normal = AccessMode::Normal;
    let break_glass = AccessMode::BreakGlass {
        reason: "Patient inconscient; \"urgence\" vitale".into(),
    };
    rt.block_on(async {
        let badge = |o: &Outcome<StatusReport>| o.result.as_ref().expect("status").badge;

        let out = s
            .consult
            .status(&s.doctor, &patient_in(DmpLife::None, None), &normal)
            .await;
        assert_eq!(badge(&out), DmpBadge::NoDmp);
        assert_eq!(codes(&out.traces), ["TD0.2"]);
        assert!(out.traces[0].result.is_ok());
        assert!(out.traces[0].patient_ref.starts_with("patient-"));
        assert_eq!(out.traces[0].professional_id, "810101234567");

        let closed = patient_in(DmpLife::Closed, Some(Access::Valid));
        let out = s.consult.status(&s.doctor, &closed, &normal).await;
        assert_eq!(badge(&out), DmpBadge::Closed);
        let facts = &out.result.as_ref().expect("status").facts;
        assert!(facts.exists && facts.closed);
        assert!(facts.closure_reason.is_some());

        let blocked = patient_in(DmpLife::Open, Some(Access::Blocked));
        let out = s.consult.status(&s.doctor, &blocked, &normal).await;
        assert_eq!(badge(&out), DmpBadge::BlockedThisProfessional);
        // Bris de glace does not lift a block (and needs no probe to say so).
        let out = s.consult.status(&s.doctor, &blocked, &break_glass).await;
        assert_eq!(badge(&out), DmpBadge::BlockedThisProfessional);
        assert_eq!(codes(&out.traces), ["TD0.2"]);
        let out = s.consult.authorize(&s.doctor, &blocked).await;
        assert_eq!(
            out.result.as_ref().err().and_then(DmpError::refusal),
            Some(Refusal::BlockedByPatient)
        );
        assert_eq!(out.badge_hint(), Some(DmpBadge::BlockedThisProfessional));
        assert_eq!(codes(&out.traces), ["TD0.3"]);
        assert!(!out.traces[0].result.is_ok());

        // Expired authorization, and the patient opposes bris de glace.
        let expired = patient_in(DmpLife::Open, Some(Access::Expired));
        let out = s.consult.status(&s.doctor, &expired, &normal).await;
        let report = out.result.as_ref().expect("status");
        assert_eq!(report.badge, DmpBadge::NotAuthorized);
        assert_eq!(
            report.facts.authorization,
            Some(AuthorizationStatus::Expired)
        );
        assert_eq!(report.facts.opposes_break_glass, None);
        let out = s.consult.status(&s.doctor, &expired, &break_glass).await;
        let report = out.result.as_ref().expect("status");
        assert_eq!(report.badge, DmpBadge::PatientOpposed);
        assert_eq!(report.facts.opposes_break_glass, Some(true));
        assert_eq!(codes(&out.traces), ["TD0.2", "TD3.1"]);
        let probe = &out.traces[1];
        assert_eq!(probe.access_mode, PurposeOfUse::BrisDeGlace);
        assert_eq!(
            probe.break_glass_reason.as_deref(),
            Some("Patient inconscient; \"urgence\" vitale")
        );
        assert!(matches!(
            probe.result,
            TraceResult::Error {
                message_id: "error-dmp-opposition-bris-de-glace",
                retryable: false,
                ..
            }
        ));

        // No authorization yet, and the patient opposes the centre 15.
        let unauthorized = patient_in(DmpLife::Open, None);
        let out = s.consult.status(&s.doctor, &unauthorized, &normal).await;
        let report = out.result.as_ref().expect("status");
        assert_eq!(report.badge, DmpBadge::NotAuthorized);
        assert_eq!(
            report.facts.authorization,
            Some(AuthorizationStatus::Missing)
        );
        let out = s
            .consult
            .status(&s.doctor, &unauthorized, &AccessMode::Centre15)
            .await;
        let report = out.result.as_ref().expect("status");
        assert_eq!(report.badge, DmpBadge::PatientOpposed);
        assert_eq!(report.facts.opposes_centre_15, Some(true));
        let out = s
            .consult
            .status(&s.doctor, &unauthorized, &break_glass)
            .await;
        let report = out.result.as_ref().expect("status");
        assert_eq!(report.badge, DmpBadge::Authorized);
        assert_eq!(report.facts.opposes_break_glass, Some(false));
        assert!(out.traces.iter().all(|t| t.result.is_ok()));

        // The patient was informed and did not oppose: the authorization opens access.
        let out = s.consult.authorize(&s.doctor, &unauthorized).await;
        assert_eq!(badge(&out), DmpBadge::Authorized);
        assert_eq!(codes(&out.traces), ["TD0.3", "TD0.2"]);
        let out = s.consult.status(&s.doctor, &unauthorized, &normal).await;
        assert_eq!(badge(&out), DmpBadge::Authorized);

        let out = s.consult.status(&s.doctor, &documented(), &normal).await;
        let report = out.result.as_ref().expect("status");
        assert_eq!(report.badge, DmpBadge::Authorized);
        assert_eq!(report.facts.treating_physician, Some(true));
        assert_eq!(report.facts.minor, Some(false));
        assert_eq!(report.facts.purpose, Some(PurposeOfUse::Normal));
    });
}

/// A fresh document for PAT-TROIS produced by this establishment, invisible to the patient.
fn produced_invisible() -> (DmpDocumentEntry, Vec<u8>) {
    use crate::cda::produce::{self, form};
    let context = crate::sandbox::production_context().expect("context");
    let mut filled = form::empty_form(produce::DocumentKind::CompteRenduConsultation);
    filled.sections[0].text = "Consultation de contrôle, examen normal.".into();
    let document = form::build(&filled, &context).expect("form");
    let bytes = produce::produce(&document).expect("produce").n1;
    let doc = crate::cda::parse(&bytes).expect("cda");
    let mut params = FeedParams::suggested(&doc);
    params.visibility.invisible_patient = true;
    let entry = DmpDocumentEntry::from_cda(&doc, &bytes, &params).expect("entry");
    (entry, bytes)
}

#[test]
fn new_documents_exclude_ours_and_include_the_invisible_ones() {
    let rt = runtime();
    let s = sandbox(&rt);
    let patient = documented();
    let mode = AccessMode::Normal;
    let own = own_structures();
    let own: Vec<&str> = own.iter().map(String::as_str).collect();

    // What the seed holds for this patient, as this physician sees it.
    let state = crate::sandbox::dmp::seed::demo_state(today());
    let expected: BTreeSet<String> = state
        .entries
        .iter()
        .filter(|e| e.patient == patient.ins.matricule.as_str())
        .filter(|e| e.entry.status == AvailabilityStatus::Approved)
        .filter(|e| e.entry.creation_time_utc().is_some_and(|t| t >= long_ago()))
        .filter(|e| state.visible_to(e, &s.doctor.national_id))
        .filter(|e| !DmpDocumentRow::from_entry(e.entry.clone()).authored_by(&own))
        .map(|e| e.entry.unique_id.clone())
        .collect();
    assert!(expected.len() >= 3, "{}", expected.len());

    rt.block_on(async {
        let out = s
            .consult
            .count_new(&s.doctor, &patient, &mode, long_ago(), &own)
            .await;
        let count = out.result.expect("count");
        let got: BTreeSet<String> = count.rows.iter().map(|r| r.unique_id.clone()).collect();
        assert_eq!(got, expected);
        assert_eq!(count.count, expected.len());
        assert!(
            count.invisible_to_patient >= 1,
            "invisible ones are counted"
        );
        assert_eq!(count.entry_uuids().len(), count.count);
        assert_eq!(codes(&out.traces), ["TD3.1"]);
        // The trace names every document the DMP returned, ours included.
        assert!(out.traces[0].documents.len() >= count.count);

        // A document of ours, fed just now: not counted as ours, counted otherwise.
        let (entry, bytes) = produced_invisible();
        let fed_id = entry.unique_id.clone();
        let caller = Caller::normal(s.doctor.clone());
        s.consult
            .client()
            .feed(&caller, &patient.ins, entry, &bytes, None)
            .await
            .expect("feed");
        // (The producer writes its local time as French time: a margin of two days.)
        let since = Utc::now() - Duration::days(2);
        let out = s
            .consult
            .count_new(&s.doctor, &patient, &mode, since, &own)
            .await;
        let count = out.result.expect("count");
        assert_eq!(count.count, 0, "{:?}", count.rows);
        let out = s
            .consult
            .count_new(&s.doctor, &patient, &mode, since, &["1999999999"])
            .await;
        let count = out.result.expect("count");
        assert_eq!(count.count, 1);
        assert_eq!(count.invisible_to_patient, 1);
        assert_eq!(count.rows[0].unique_id, fed_id);
        assert!(count.rows[0].invisible_to_patient);
        assert!(count.rows[0].authored_by(&own));
    });
}

#[test]
fn search_retrieve_make_visible_and_versions() {
    let rt = runtime();
    let s = sandbox(&rt);
    let patient = documented();
    let mode = AccessMode::Normal;
    rt.block_on(async {
        let search = |criteria: SearchCriteria| {
            let (consult, doctor, patient) = (&s.consult, &s.doctor, &patient);
            async move {
                consult
                    .search(doctor, patient, &AccessMode::Normal, &criteria)
                    .await
            }
        };
        let all = search(SearchCriteria::default()).await;
        assert_eq!(codes(&all.traces), ["TD3.1"]);
        let all = all.result.expect("search");
        assert!(all.len() >= 5);
        assert!(
            all.iter()
                .all(|r| r.status == AvailabilityStatus::Approved && !r.archived)
        );
        assert!(
            all.windows(2).all(|w| w[0].created >= w[1].created),
            "newest first"
        );

        let labs = search(SearchCriteria {
            type_codes: vec![Code::new("11502-2", OID_LOINC, "")],
            ..SearchCriteria::default()
        })
        .await
        .result
        .expect("labs");
        assert!(!labs.is_empty() && labs.len() < all.len());
        assert!(
            labs.iter()
                .all(|r| r.type_code.as_ref().is_some_and(|c| c.code == "11502-2"))
        );

        let with_author = all
            .iter()
            .find(|r| !r.author_name.is_empty())
            .expect("author");
        let family = with_author
            .author_name
            .split_whitespace()
            .last()
            .expect("name")
            .to_lowercase();
        let by_author = search(SearchCriteria {
            author: Some(family),
            ..SearchCriteria::default()
        })
        .await
        .result
        .expect("by author");
        assert!(
            by_author
                .iter()
                .any(|r| r.unique_id == with_author.unique_id)
        );

        let archived = search(SearchCriteria {
            statuses: vec![AvailabilityStatus::Archived],
            ..SearchCriteria::default()
        })
        .await
        .result
        .expect("archived");
        assert!(!archived.is_empty() && archived.iter().all(|r| r.archived));

        let hidden = search(SearchCriteria {
            visibility: VisibilityFilter::InvisibleToPatient,
            ..SearchCriteria::default()
        })
        .await
        .result
        .expect("invisible");
        assert!(!hidden.is_empty() && hidden.iter().all(|r| r.invisible_to_patient));
        let row = hidden
            .iter()
            .find(|r| !r.masked_to_professionals)
            .unwrap_or(&hidden[0])
            .clone();

        // TD3.2: the CDA itself.
        let out = s.consult.retrieve(&s.doctor, &patient, &mode, &row).await;
        assert_eq!(codes(&out.traces), ["TD3.2"]);
        assert_eq!(
            out.traces[0].documents,
            std::slice::from_ref(&row.unique_id)
        );
        let got = out.result.expect("retrieve");
        assert_eq!(got.mime_type, "text/xml");
        let doc = crate::cda::parse(&got.bytes).expect("a CDA");
        assert_eq!(doc.header().id.to_uid(), row.unique_id);

        // TD3.3b: visible to the patient now; a new metadata version of the same entry.
        let out = s
            .consult
            .make_visible(&s.doctor, &patient, &mode, &row, true, false)
            .await;
        assert_eq!(codes(&out.traces), ["TD3.3b", "TD3.1b"]);
        let visible = out.result.expect("visible");
        assert!(!visible.invisible_to_patient);
        assert_eq!(visible.masked_to_professionals, row.masked_to_professionals);
        assert_eq!(visible.unique_id, row.unique_id);
        assert_eq!(visible.logical_id, row.logical_id);
        assert_ne!(visible.entry_uuid, row.entry_uuid);
        let hidden = search(SearchCriteria {
            visibility: VisibilityFilter::InvisibleToPatient,
            ..SearchCriteria::default()
        })
        .await
        .result
        .expect("invisible");
        assert!(hidden.iter().all(|r| r.unique_id != row.unique_id));
        // Already visible to the patient: nothing sent.
        let out = s
            .consult
            .make_visible(&s.doctor, &patient, &mode, &visible, true, false)
            .await;
        assert!(out.traces.is_empty());
        assert_eq!(out.result.expect("unchanged"), visible);

        // Versions: a deprecated one has a newer version with the same CDA setId.
        let deprecated = search(SearchCriteria {
            statuses: vec![AvailabilityStatus::Deprecated],
            ..SearchCriteria::default()
        })
        .await
        .result
        .expect("deprecated");
        // Deprecated rows are replaced documents, or older metadata versions (like the one
        // make_visible just left behind), whose document is still current.
        let current: BTreeSet<String> = search(SearchCriteria {
            statuses: vec![AvailabilityStatus::Approved, AvailabilityStatus::Archived],
            ..SearchCriteria::default()
        })
        .await
        .result
        .expect("current")
        .into_iter()
        .map(|r| r.unique_id)
        .collect();
        let (metadata_versions, replaced): (Vec<_>, Vec<_>) = deprecated
            .iter()
            .partition(|r| current.contains(&r.unique_id));
        assert!(!replaced.is_empty() && !metadata_versions.is_empty());
        for old in metadata_versions {
            let local = LocalDocumentRef {
                unique_id: old.unique_id.clone(),
                set_id: None,
                version_number: None,
            };
            let out = s
                .consult
                .newer_or_deleted(&s.doctor, &patient, &mode, &local)
                .await;
            assert!(matches!(out.result, Ok(VersionCheck::Current(_))));
        }
        for old in replaced {
            let local = LocalDocumentRef {
                unique_id: old.unique_id.clone(),
                set_id: None,
                version_number: None,
            };
            let out = s
                .consult
                .newer_or_deleted(&s.doctor, &patient, &mode, &local)
                .await;
            assert_eq!(out.traces[0].transaction, TransactionCode::Td31b);
            let VersionCheck::Newer(newer) = out.result.expect("check") else {
                panic!("a newer version of {}", old.unique_id);
            };
            assert_ne!(newer.unique_id, old.unique_id);
            let old_cda = s
                .consult
                .retrieve(&s.doctor, &patient, &mode, old)
                .await
                .result
                .expect("old");
            let new_cda = s
                .consult
                .retrieve(&s.doctor, &patient, &mode, &newer)
                .await
                .result
                .expect("new");
            let set_of = |bytes: &[u8]| {
                crate::cda::parse(bytes)
                    .expect("cda")
                    .header()
                    .set_id
                    .as_ref()
                    .map(crate::cda::InstanceId::to_uid)
            };
            assert_eq!(set_of(&old_cda.bytes), set_of(&new_cda.bytes));
        }

        let check = |unique_id: &str| {
            let local = LocalDocumentRef {
                unique_id: unique_id.to_owned(),
                set_id: None,
                version_number: None,
            };
            let (consult, doctor, patient) = (&s.consult, &s.doctor, &patient);
            async move {
                consult
                    .newer_or_deleted(doctor, patient, &AccessMode::Normal, &local)
                    .await
                    .result
                    .expect("check")
            }
        };
        let deleted = search(SearchCriteria {
            statuses: vec![AvailabilityStatus::Deleted],
            ..SearchCriteria::default()
        })
        .await
        .result
        .expect("deleted");
        assert!(!deleted.is_empty());
        assert_eq!(check(&deleted[0].unique_id).await, VersionCheck::Deleted);
        assert!(matches!(
            check(&visible.unique_id).await,
            VersionCheck::Current(row) if row.entry_uuid == visible.entry_uuid
        ));
        assert_eq!(check("1.2.250.1.999.1.2.3").await, VersionCheck::Unknown);
    });
}

#[test]
fn faults_give_retryable_errors_and_still_a_trace() {
    let rt = runtime();
    let s = sandbox(&rt);
    let patient = documented();
    let mode = AccessMode::Normal;
    rt.block_on(async {
        // Queries are retried three times: three 503s reach the caller.
        s.faults
            .set(Transaction::Find, Fault::Http { status: 503 }, Some(3));
        let out = s
            .consult
            .search(&s.doctor, &patient, &mode, &SearchCriteria::default())
            .await;
        let e = out.result.as_ref().expect_err("503");
        assert_eq!(*e, DmpError::HttpStatus { status: 503 });
        assert!(e.is_retryable());
        assert_eq!(out.badge_hint(), None);
        assert_eq!(out.traces.len(), 1);
        let trace = &out.traces[0];
        assert_eq!(trace.transaction, TransactionCode::Td31);
        assert!(trace.documents.is_empty());
        assert_eq!(
            trace.result,
            TraceResult::Error {
                message_id: "error-dmp-http-server",
                retryable: true,
                detail: "le DMP a répondu par le statut HTTP 503".into(),
            }
        );
        let row = trace.to_csv_row();
        assert!(row.contains(";TD3.1;;normal;;erreur;error-dmp-http-server;oui;"));
        assert!(!row.contains(patient.ins.matricule.as_str()));

        // Then the DMP is back.
        let out = s
            .consult
            .search(&s.doctor, &patient, &mode, &SearchCriteria::default())
            .await;
        assert!(out.result.is_ok());
        assert!(out.traces[0].result.is_ok());

        s.faults.set(Transaction::Exists, Fault::SoapFault, None);
        let out = s.consult.status(&s.doctor, &patient, &mode).await;
        assert!(out.result.as_ref().is_err_and(DmpError::is_retryable));
        assert_eq!(codes(&out.traces), ["TD0.2"]);
        assert!(!out.traces[0].result.is_ok());
        s.faults.clear(Transaction::Exists);
    });
}

fn trace(reason: Option<&str>, result: TraceResult) -> DmpTrace {
    DmpTrace {
        at: Utc
            .with_ymd_and_hms(2026, 3, 4, 5, 6, 7)
            .single()
            .expect("time"),
        professional_id: "810101234567".into(),
        structure_id: "1750999005".into(),
        patient_ref: "P-42".into(),
        transaction: TransactionCode::Td32,
        documents: vec!["1.2.3^a".into(), "1.2.4".into()],
        access_mode: if reason.is_some() {
            PurposeOfUse::BrisDeGlace
        } else {
            PurposeOfUse::Normal
        },
        break_glass_reason: reason.map(str::to_owned),
        result,
        duration_ms: 12,
    }
}

#[test]
fn csv_rows_quote_as_rfc_4180_with_semicolons() {
    assert_eq!(csv_field("simple"), "simple");
    assert_eq!(csv_field("a;b"), "\"a;b\"");
    assert_eq!(csv_field("dit \"non\""), "\"dit \"\"non\"\"\"");
    assert_eq!(csv_field("deux\r\nlignes"), "\"deux\r\nlignes\"");
    assert_eq!(csv_field("a,b"), "a,b");
    assert_eq!(csv_field("=HYPERLINK(1)"), "'=HYPERLINK(1)");
    assert_eq!(csv_field("-1;2"), "\"'-1;2\"");

    let ok = trace(None, TraceResult::Ok);
    assert_eq!(
        ok.to_csv_row(),
        "2026-03-04T05:06:07.000Z;810101234567;1750999005;P-42;TD3.2;1.2.3^a 1.2.4;normal;;ok;;;;12"
    );
    let header_columns = DmpTrace::csv_header().split(';').count();
    assert_eq!(header_columns, 13);
    let bdg = trace(
        Some("Arrêt cardiaque; \"inconscient\"\nSAMU"),
        TraceResult::Error {
            message_id: "error-dmp-timeout",
            retryable: true,
            detail: "le DMP n'a pas répondu en 60 s".into(),
        },
    );
    assert_eq!(
        bdg.to_csv_row(),
        "2026-03-04T05:06:07.000Z;810101234567;1750999005;P-42;TD3.2;1.2.3^a 1.2.4;\
         bris_de_glace;\"Arrêt cardiaque; \"\"inconscient\"\"\nSAMU\";erreur;error-dmp-timeout;\
         oui;le DMP n'a pas répondu en 60 s;12"
    );
    let file = to_csv(&[ok, bdg]);
    assert!(file.starts_with(CSV_BOM));
    assert!(file.ends_with(";12\r\n"));
    assert_eq!(
        file.matches("\r\n").count(),
        4,
        "producer, header, two records"
    );
    assert!(file.trim_start_matches(CSV_BOM).starts_with("Chevet "));
}

#[test]
fn minors_are_under_eighteen() {
    let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).expect("date");
    assert!(status::is_minor(d(2008, 3, 5), d(2026, 3, 4)));
    assert!(!status::is_minor(d(2008, 3, 4), d(2026, 3, 4)));
    assert!(!status::is_minor(d(1979, 3, 28), d(2026, 3, 4)));
}
