//! The indicators on the small store of `tests_fixture`, on both backends, each count checked
//! against the hand count; the filter, the traces' records, the CSV and its file.

use chrono::{TimeZone as _, Utc};

use super::tests_fixture::*;
use super::*;
use crate::dmp::consult::{DmpTrace, TraceResult, TransactionCode};
use crate::dmp::vihf::PurposeOfUse;
use crate::domain::indicators::{Indicator as I, IndicatorFilter};
use crate::store::testing::each_backend;

#[test]
fn issue18_every_indicator_matches_the_hand_count() {
    each_backend(|mut store| {
        fill(&mut store);
        let report = compute(&store, &year(), DEF).unwrap();
        assert_eq!(cells(&report), owned(expected()));
        let sites: Vec<&str> = report.sites.iter().map(|(s, _)| s.as_str()).collect();
        assert_eq!(sites, [A, B, DEF]);
        assert_eq!(
            report.types,
            [
                (String::new(), String::new()),
                (CR.to_owned(), "CR de consultation".to_owned()),
                (LAB.to_owned(), "=Résultats; labo".to_owned())
            ]
        );
    });
}

#[test]
fn issue18_the_filter_keeps_sites_types_and_months() {
    each_backend(|mut store| {
        fill(&mut store);
        let filter = IndicatorFilter {
            sites: vec![A.into(), DEF.into()],
            type_codes: vec![CR.into(), String::new()],
            from: m(2),
            to: m(4),
        };
        let report = compute(&store, &filter, DEF).unwrap();
        let want: Vec<_> = expected()
            .into_iter()
            .filter(|((s, t, month), _)| {
                [A, DEF].contains(s) && [CR, ""].contains(t) && (m(2)..=m(4)).contains(month)
            })
            .collect();
        assert_eq!(want.len(), 2, "A//Feb and A/CR/Feb");
        assert_eq!(cells(&report), owned(want));
        let backwards = IndicatorFilter {
            from: m(5),
            to: m(4),
            ..year()
        };
        assert!(matches!(
            compute(&store, &backwards, DEF),
            Err(IndicatorsError::Period)
        ));
    });
}

#[test]
fn issue18_traces_are_read_from_their_csv_record() {
    let t = DmpTrace {
        at: Utc.with_ymd_and_hms(2026, 3, 11, 10, 0, 0).unwrap(),
        professional_id: "=1".into(),
        structure_id: "s".into(),
        patient_ref: "7".into(),
        transaction: TransactionCode::Td32,
        documents: vec!["d1".into(), "d2".into()],
        access_mode: PurposeOfUse::BrisDeGlace,
        break_glass_reason: Some("a;\"b\"\r\nc".into()),
        result: TraceResult::Ok,
        duration_ms: 3,
    };
    let fields = traces::parse(&t.to_csv_row()).unwrap();
    assert_eq!(fields.at, "2026-03-11T10:00:00.000Z");
    assert_eq!(fields.transaction, "TD3.2");
    assert_eq!(fields.document.as_deref(), Some("d1"));
    assert_eq!(fields.mode, "bris_de_glace");
    assert!(fields.ok);
    assert_eq!(traces::parse("not a trace"), None);
}

#[test]
fn issue18_the_csv_is_for_french_excel() {
    each_backend(|mut store| {
        fill(&mut store);
        let report = compute(&store, &year(), DEF).unwrap();
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0).unwrap();
        let text = export::to_csv(&report, &year(), at);
        assert!(text.starts_with('\u{feff}'));
        assert!(!text.replace("\r\n", "").contains('\n'), "CRLF only");
        let lines: Vec<&str> = text.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert!(lines[0].starts_with("Chevet "), "{}", lines[0]);
        assert!(lines[0].contains(env!("CARGO_PKG_VERSION")));
        assert!(lines[1].starts_with("FINESS géographique;"), "{}", lines[1]);
        assert!(lines[1].contains(";Documents produits;"), "{}", lines[1]);
        assert_eq!(lines[1].split(';').count(), 4 + I::COUNT);
        // One row per cell, then the totals, then the final CRLF.
        assert_eq!(lines.len(), 2 + expected().len() + 1 + 1);
        let lab = lines
            .iter()
            .find(|l| l.starts_with(&format!("{DEF};{LAB};")))
            .unwrap();
        assert!(
            lab.starts_with(&format!("{DEF};{LAB};\"'=Résultats; labo\";2026-01;1;")),
            "{lab}"
        );
        let total = lines[lines.len() - 2];
        assert_eq!(total, "Total;;;;3;2;2;2;1;1;2;1;1;4;1;1");
        let name = export::file_name(&year());
        assert!(name.starts_with("indicateurs-2026-01-2026-12-") && name.ends_with(".csv"));
    });
}

#[test]
fn issue18_the_export_is_written_private_and_audited() {
    each_backend(|mut store| {
        fill(&mut store);
        let dir = tempfile::tempdir().unwrap();
        let path = export::write(&mut store, dir.path(), &year(), DEF, "admin").unwrap();
        assert!(path.starts_with(dir.path().join("exports")));
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains("Total;"));
        let n: i64 = store
            .query_value(
                "SELECT count(*) FROM audit WHERE action = 'indicators.exported' AND object_id = ?1",
                params![expected().len().to_string()],
            )
            .unwrap();
        assert_eq!(n, 1);
    });
}

#[test]
fn issue18_a_workstation_cache_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let cache = Store::open_cache(
        &dir.path().join("cache.db"),
        &crate::store::DbKey::generate(),
    )
    .unwrap();
    let e = compute(&cache, &year(), DEF).unwrap_err();
    assert!(matches!(e, IndicatorsError::Degraded));
    assert_eq!(e.message_id(), "indicators-error-degraded");
    assert!(e.is_retryable());
}
