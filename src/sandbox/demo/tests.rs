//! Tests of the whole demo set and of `retarget` on the real fixtures: determinism, identity
//! consistency, uniqueness of IPPs, INS and document ids, version chains, rewriting rules.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate, NaiveTime};
use quick_xml::Reader;
use quick_xml::events::{BytesStart, Event};

use super::fixtures;
use super::*;
use crate::domain::IdentityStatus;
use crate::domain::episode::check_finess;
use crate::domain::patient::identity_problems;
use crate::domain::{InsOid, Sex};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 23).expect("date")
}

/// Identifiers of a CDA as `root` or `root^extension`: (id, setId, parent ids).
struct DocIds {
    id: String,
    set_id: String,
    parents: Vec<String>,
}

fn ii(e: &BytesStart<'_>) -> String {
    let get = |k: &str| {
        e.try_get_attribute(k)
            .ok()
            .flatten()
            .map(|a| a.value.into_owned())
    };
    match (get("root"), get("extension")) {
        (Some(r), Some(x)) => format!("{r}^{x}"),
        (Some(r), None) => r,
        (None, _) => String::new(),
    }
}

/// Reads the whole document with quick-xml (so it must be well formed) and collects its ids.
fn scan(cda: &[u8]) -> DocIds {
    let text = std::str::from_utf8(cda.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cda)).expect("utf8");
    let mut reader = Reader::from_str(text);
    let mut stack: Vec<String> = Vec::new();
    let mut ids = DocIds {
        id: String::new(),
        set_id: String::new(),
        parents: Vec::new(),
    };
    loop {
        let event = reader.read_event().expect("well-formed XML");
        let (e, empty) = match event {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(_) => {
                stack.pop();
                continue;
            }
            Event::Eof => break,
            _ => continue,
        };
        let local = e.local_name().as_ref().to_owned();
        let path: Vec<&str> = stack.iter().map(String::as_str).collect();
        match (path.as_slice(), local.as_str()) {
            (["ClinicalDocument"], "id") => ids.id = ii(&e),
            (["ClinicalDocument"], "setId") => ids.set_id = ii(&e),
            (["ClinicalDocument", "relatedDocument", "parentDocument"], "id") => {
                ids.parents.push(ii(&e));
            }
            _ => {}
        }
        if !empty {
            stack.push(local);
        }
    }
    assert!(stack.is_empty(), "unclosed elements");
    ids
}

fn assert_ins_consistent(p: &DemoPatient) {
    assert!(
        identity_problems(
            &p.identity.traits,
            p.identity.ins.as_ref(),
            p.identity.status
        )
        .is_empty(),
        "identity problems for IPP {}",
        p.identity.ipp
    );
    if p.identity.status.requires_ins() {
        assert!(p.identity.ins.is_some());
    }
    let Some(ins) = &p.identity.ins else { return };
    assert!(ins.oid.is_test_or_demo());
    let m = ins.matricule.as_str();
    let sex_digit = match p.identity.traits.sex {
        Sex::Male => "1",
        Sex::Female => "2",
        Sex::Unknown => "?",
    };
    assert_eq!(&m[0..1], sex_digit);
    assert_eq!(
        &m[1..3],
        format!("{:02}", p.identity.traits.birth_date.year() % 100)
    );
    assert_eq!(
        &m[3..5],
        format!("{:02}", p.identity.traits.birth_date.month())
    );
    assert_eq!(
        Some(&m[5..10]),
        p.identity.traits.birthplace_insee.as_deref()
    );
}

fn assert_episodes_valid(p: &DemoPatient) {
    let midnight = today().and_time(NaiveTime::MIN);
    let two_years = today()
        .checked_sub_days(chrono::Days::new(731))
        .expect("date")
        .and_time(NaiveTime::MIN);
    assert!((1..=4).contains(&p.episodes.len()));
    for (i, e) in p.episodes.iter().enumerate() {
        assert!(e.start >= two_years && e.start < midnight);
        assert!(e.start.date() > p.identity.traits.birth_date);
        assert_eq!(check_finess(&e.finess_geo), Ok(()));
        assert!(SANDBOX_FINESS_GEO.contains(&e.finess_geo.as_str()));
        match (e.end, p.episodes.get(i + 1)) {
            (Some(end), Some(next)) => assert!(e.start < end && end < next.start),
            (Some(end), None) => assert!(e.start < end && end < midnight),
            (None, next) => assert!(next.is_none(), "only the last episode may be open"),
        }
    }
    for d in &p.documents {
        if let Some(i) = d.episode_index {
            assert!(i < p.episodes.len());
        }
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

fn generated_adult() -> DemoPatient {
    demo_patients(today())
        .into_iter()
        .skip(2)
        .find(|p| p.identity.status == IdentityStatus::Qualifiee && p.identity.used_name.is_some())
        .expect("a qualified patient with a used name")
}

#[test]
fn same_today_same_data() {
    let a = demo_patients(today());
    let b = demo_patients(today());
    assert!(a == b);
    let x: Vec<DemoPatient> = bulk_patients(300, 7, today()).collect();
    let y: Vec<DemoPatient> = bulk_patients(300, 7, today()).collect();
    assert!(x == y);
    let z: Vec<DemoPatient> = bulk_patients(300, 8, today()).collect();
    assert!(x != z);
}

#[test]
fn demo_set_identities_are_valid_unique_and_varied() {
    let set = demo_patients(today());
    assert!(set.len() >= 60);
    let mut ipps = HashSet::new();
    let mut inss = HashSet::new();
    for p in &set {
        assert_eq!(p.identity.ipp.len(), 8);
        assert!(p.identity.ipp.bytes().all(|b| b.is_ascii_digit()));
        assert!(ipps.insert(p.identity.ipp.clone()), "duplicate IPP");
        if let Some(ins) = &p.identity.ins {
            assert!(
                inss.insert(ins.matricule.as_str().to_owned()),
                "duplicate INS"
            );
        }
        assert_ins_consistent(p);
        assert_episodes_valid(p);
        if let Some(used) = &p.identity.used_name {
            assert_ne!(used, &p.identity.traits.birth_name);
        }
    }
    let count = |f: &dyn Fn(&DemoPatient) -> bool| set.iter().filter(|p| f(p)).count();
    for status in IdentityStatus::ALL {
        assert!(count(&|p| p.identity.status == status) >= 2, "{status:?}");
    }
    assert!(count(&|p| p.identity.status == IdentityStatus::Qualifiee) > set.len() / 2);
    assert!(
        count(&|p| p
            .identity
            .ins
            .as_ref()
            .is_some_and(|i| i.oid == InsOid::DemoNir))
            >= 2
    );
    let corsican = count(&|p| {
        p.identity
            .traits
            .birthplace_insee
            .as_deref()
            .is_some_and(|c| c.starts_with("2A") || c.starts_with("2B"))
    });
    assert!((2..=3).contains(&corsican), "{corsican}");
    for department in ["2A", "2B"] {
        let with_ins = count(&|p| {
            p.identity
                .ins
                .as_ref()
                .is_some_and(|i| &i.matricule.as_str()[5..7] == department)
        });
        assert!(with_ins >= 1, "{department}");
    }
    let born_abroad_with_ins = count(&|p| {
        p.identity
            .ins
            .as_ref()
            .is_some_and(|i| &i.matricule.as_str()[5..7] == "99")
    });
    assert!(born_abroad_with_ins >= 1);
    let age = |p: &DemoPatient| {
        today()
            .years_since(p.identity.traits.birth_date)
            .unwrap_or(0)
    };
    assert!(count(&|p| age(p) < 18) >= 3);
    assert!(count(&|p| age(p) >= 85) >= 3);
    assert!(count(&|p| p.identity.used_name.is_some()) >= 5);
    assert!(count(&|p| p.episodes.last().is_some_and(|e| e.end.is_none())) >= 5);
    for kind in EpisodeKind::ALL {
        assert!(count(&|p| p.episodes.iter().any(|e| e.kind == kind)) >= 5);
    }
    let accents = count(&|p| {
        !p.identity.traits.birth_name.is_ascii() || !p.identity.traits.birth_first_names.is_ascii()
    });
    assert!(accents >= 5, "{accents}");
}

#[test]
fn another_today_gives_another_valid_set() {
    let later = NaiveDate::from_ymd_opt(2031, 2, 28).expect("date");
    let set = demo_patients(later);
    assert!(set != demo_patients(today()));
    for p in &set {
        assert_ins_consistent(p);
        let last = p.episodes.last().expect("episodes");
        assert!(last.start.date() < later);
        assert!(
            p.episodes
                .iter()
                .all(|e| e.start.date() > p.identity.traits.birth_date)
        );
    }
}

#[test]
fn fixture_patients_come_first() {
    let set = demo_patients(today());
    let first = &set[0];
    assert_eq!(first.identity.traits.birth_name, "PAT-TROIS");
    assert_eq!(
        first.identity.traits.birth_first_names,
        "DOMINIQUE MARIE-LOUISE"
    );
    assert_eq!(
        first.identity.traits.birth_date,
        NaiveDate::from_ymd_opt(1979, 3, 28).expect("date")
    );
    assert_eq!(first.identity.traits.sex, Sex::Female);
    assert_eq!(first.identity.status, IdentityStatus::Qualifiee);
    let ins = first.identity.ins.as_ref().expect("ins");
    assert_eq!(ins.matricule.as_str(), fixtures::PAT_TROIS_INS);
    assert_eq!(ins.oid, InsOid::TestNir);
    assert_eq!(first.documents.len(), 11);
    // Her documents are the fixtures, byte for byte.
    for d in &first.documents {
        assert!(fixtures::ALL.iter().any(|f| f.bytes == d.cda.as_slice()));
    }
    let ruth = &set[1];
    assert_eq!(ruth.identity.traits.birth_name, "DECOURCY");
    assert_eq!(ruth.identity.traits.first_first_name(), "Ruth");
    let ruth_ins = ruth.identity.ins.as_ref().expect("ins");
    assert_eq!(ruth_ins.oid, InsOid::TestNir);
    assert_ne!(ruth_ins.matricule.as_str(), "223042545611404");
    assert_eq!(ruth.documents.len(), 1);
    let cse = &ruth.documents[0].cda;
    assert!(!contains(cse, "223042545611404"));
    assert!(contains(cse, ruth_ins.matricule.as_str()));
    assert!(contains(cse, "<family qualifier=\"BR\">DECOURCY</family>"));
    let ids = scan(cse);
    assert_eq!(
        ids.id,
        format!("1.2.250.1.213.1.1.1.5.1.2024.1.1.{}", ruth.identity.ipp)
    );
    assert_eq!(
        ids.parents,
        vec![format!("1.2.250.1.213.1.1.1.5.1.1.{}", ruth.identity.ipp)]
    );
}

#[test]
fn document_ids_are_unique_and_version_pairs_share_their_set_id() {
    let set = demo_patients(today());
    let mut ids = HashSet::new();
    let mut documents = 0;
    let mut with_documents = 0;
    for p in &set {
        if !p.documents.is_empty() {
            with_documents += 1;
        }
        for d in &p.documents {
            let scanned = scan(&d.cda);
            assert!(!scanned.id.is_empty());
            assert!(ids.insert(scanned.id), "duplicate document id");
            documents += 1;
        }
    }
    assert!(documents >= 30, "{documents}");
    assert!(with_documents >= set.len() / 4, "{with_documents}");
    let first = &set[0];
    let scanned: Vec<DocIds> = first.documents.iter().map(|d| scan(&d.cda)).collect();
    let by_id = |id: &str| scanned.iter().find(|s| s.id == id).expect("document");
    let v1 = by_id("1.2.250.1.213.1.1.1.55.2024.8.1");
    let v2 = by_id("1.2.250.1.213.1.1.1.55.2024.8.2");
    assert_eq!(v1.set_id, v2.set_id);
    let initial = by_id("1.2.250.1.213.4.5.4.402");
    let replacement = by_id("1.2.250.1.213.4.5.4.403");
    assert_eq!(initial.set_id, replacement.set_id);
    assert_eq!(replacement.parents, vec![initial.id.clone()]);
}

#[test]
fn retargeted_document_names_only_the_new_patient() {
    let p = generated_adult();
    for fixture in fixtures::RETARGETABLE {
        let out = retarget(fixture.bytes, &p, &p.identity.ipp).expect("retarget");
        for old in [
            "PAT-TROIS",
            "DOMINIQUE",
            "MARIE-LOUISE",
            fixtures::PAT_TROIS_INS,
            "DOMPREMY",
        ] {
            assert!(!contains(&out, old), "{} still names {old}", fixture.name);
        }
        let ins = p.identity.ins.as_ref().expect("ins");
        assert!(contains(&out, ins.matricule.as_str()));
        assert!(contains(&out, &p.identity.ipp));
        assert!(contains(&out, SANDBOX_IPP_OID));
        let used = p.identity.used_name.as_deref().expect("used name");
        assert!(contains(
            &out,
            &format!("<family qualifier=\"SP\">{}</family>", escape(used))
        ));
        let ids = scan(&out);
        let original = scan(fixture.bytes);
        assert_eq!(ids.id, format!("{}.{}", original.id, p.identity.ipp));
        assert_eq!(
            ids.set_id,
            format!("{}.{}", original.set_id, p.identity.ipp)
        );
    }
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[test]
fn every_byte_outside_record_target_and_ids_is_kept() {
    let p = generated_adult();
    let suffix = p.identity.ipp.as_str();
    for fixture in fixtures::RETARGETABLE {
        let original = std::str::from_utf8(fixture.bytes).expect("utf8");
        let out = retarget(fixture.bytes, &p, suffix).expect("retarget");
        let out = std::str::from_utf8(&out).expect("utf8");
        let split = |s: &str| {
            let a = s.find("<recordTarget").expect("start");
            let b = s.find("</recordTarget>").expect("end") + "</recordTarget>".len();
            (s[..a].to_owned(), s[b..].to_owned())
        };
        let (before, after) = split(original);
        let (out_before, out_after) = split(out);
        assert_eq!(after, out_after, "{}", fixture.name);
        let ids = scan(fixture.bytes);
        let expected = before
            .replacen(
                &format!("<id root=\"{}\"", ids.id),
                &format!("<id root=\"{}.{suffix}\"", ids.id),
                1,
            )
            .replacen(
                &format!("<setId root=\"{}\"", ids.set_id),
                &format!("<setId root=\"{}.{suffix}\"", ids.set_id),
                1,
            );
        assert_eq!(expected, out_before, "{}", fixture.name);
    }
}

#[test]
fn pdf_carrying_fixtures_are_refused() {
    let p = generated_adult();
    for fixture in [
        fixtures::TSH,
        fixtures::N1_PDF,
        fixtures::MICROBIOLOGIE_V2,
        fixtures::IMAGERIE_REMPLACEMENT,
        fixtures::PRESCRIPTION,
    ] {
        let result = retarget(fixture.bytes, &p, &p.identity.ipp);
        assert!(
            matches!(result, Err(DemoError::EmbeddedPdf)),
            "{}",
            fixture.name
        );
    }
}

fn small_cda(prefix: &str, set_id: &str, body: &str) -> String {
    let p = if prefix.is_empty() {
        String::new()
    } else {
        format!("{prefix}:")
    };
    let ns = if prefix.is_empty() {
        String::from("xmlns")
    } else {
        format!("xmlns:{prefix}")
    };
    format!(
        "<?xml version=\"1.0\"?>\n<{p}ClinicalDocument {ns}=\"urn:hl7-org:v3\">\n\t<{p}id root=\"1.2.3\" extension=\"A&amp;B\"/>\n\t<{p}setId root='{set_id}' />\n\t<{p}recordTarget><{p}patientRole/></{p}recordTarget>\n{body}</{p}ClinicalDocument>\n"
    )
}

#[test]
fn identifier_rules_extension_oid_and_uuid() {
    let p = generated_adult();
    let parent = "\t<relatedDocument typeCode=\"RPLC\"><parentDocument><id root=\"D52DE737-001D-4031-B571-0A0ED7C42300\"/></parentDocument></relatedDocument>\n";
    let doc = small_cda("", "D52DE737-001D-4031-B571-0A0ED7C42300", parent);
    let out = retarget(doc.as_bytes(), &p, "42").expect("retarget");
    let text = std::str::from_utf8(&out).expect("utf8");
    assert!(
        text.contains("<id root=\"1.2.3\" extension=\"A&amp;B42\"/>"),
        "{text}"
    );
    assert!(
        text.contains("<setId root='D52DE737-001D-4031-B571-0A0ED7C42300' extension=\"42\" />")
    );
    assert!(text.contains("<id root=\"D52DE737-001D-4031-B571-0A0ED7C42300\" extension=\"42\"/>"));
    let ids = scan(&out);
    assert_eq!(ids.id, "1.2.3^A&amp;B42");
    // The indentation of the generated recordTarget follows the document's (tabs here).
    assert!(text.contains("\n\t\t<patientRole>"));
}

#[test]
fn prefixed_documents_get_prefixed_elements() {
    let p = generated_adult();
    let doc = small_cda("c", "1.2.3.4", "");
    let out = retarget(doc.as_bytes(), &p, "7").expect("retarget");
    let text = std::str::from_utf8(&out).expect("utf8");
    assert!(text.contains("<c:patientRole>"));
    assert!(text.contains("<c:setId root='1.2.3.4.7' />"));
    scan(&out);
}

#[test]
fn values_are_escaped_and_bom_is_kept() {
    let mut p = generated_adult();
    p.identity.traits.birth_name = "O'<B&\"R>".into();
    p.identity.used_first_name = Some("Zoé & Lou".into());
    let mut doc = b"\xEF\xBB\xBF".to_vec();
    doc.extend_from_slice(small_cda("", "1.2.3.4", "").as_bytes());
    let out = retarget(&doc, &p, "9").expect("retarget");
    assert!(out.starts_with(b"\xEF\xBB\xBF"));
    assert!(contains(
        &out,
        "<family qualifier=\"BR\">O&apos;&lt;B&amp;&quot;R&gt;</family>"
    ));
    assert!(contains(
        &out,
        "<given qualifier=\"CL\">Zoé &amp; Lou</given>"
    ));
    scan(&out);
}

#[test]
fn ins_is_written_only_for_qualified_identities() {
    let set = demo_patients(today());
    let recup = set
        .iter()
        .find(|p| p.identity.status == IdentityStatus::Recuperee)
        .expect("a récupérée identity");
    let out = retarget(fixtures::VSM.bytes, recup, &recup.identity.ipp).expect("retarget");
    let ins = recup.identity.ins.as_ref().expect("ins");
    assert!(!contains(&out, ins.matricule.as_str()));
    assert!(contains(&out, &recup.identity.ipp));
}

#[test]
fn malformed_inputs_are_refused() {
    let p = generated_adult();
    let doc = small_cda("", "1.2.3.4", "");
    for bad in ["", "012", "1a", "1.2"] {
        assert!(matches!(
            retarget(doc.as_bytes(), &p, bad),
            Err(DemoError::InvalidSuffix)
        ));
    }
    let not_cda = b"<html><body/></html>";
    assert!(matches!(
        retarget(not_cda, &p, "1"),
        Err(DemoError::NotClinicalDocument)
    ));
    let two = small_cda("", "1.2.3.4", "\t<recordTarget/>\n");
    assert!(matches!(
        retarget(two.as_bytes(), &p, "1"),
        Err(DemoError::RecordTargetCount(2))
    ));
    let none = "<ClinicalDocument><id root=\"1.2\"/></ClinicalDocument>";
    assert!(matches!(
        retarget(none.as_bytes(), &p, "1"),
        Err(DemoError::RecordTargetCount(0))
    ));
    let no_id = "<ClinicalDocument><recordTarget/></ClinicalDocument>";
    assert!(matches!(
        retarget(no_id.as_bytes(), &p, "1"),
        Err(DemoError::MissingDocumentId)
    ));
    let broken = "<ClinicalDocument><id root=\"1.2\"/><recordTarget/></Clinical>";
    assert!(matches!(
        retarget(broken.as_bytes(), &p, "1"),
        Err(DemoError::Xml(_))
    ));
    assert!(matches!(
        retarget(b"\xFF\xFE<", &p, "1"),
        Err(DemoError::NotUtf8)
    ));
}

#[test]
fn bulk_set_of_ten_thousand_is_unique_and_valid() {
    let mut ipps = HashSet::new();
    let mut inss = HashSet::new();
    let mut n = 0;
    for p in bulk_patients(10_000, 2026, today()) {
        n += 1;
        assert!(ipps.insert(p.identity.ipp.clone()), "duplicate IPP");
        if let Some(ins) = &p.identity.ins {
            assert!(
                inss.insert(ins.matricule.as_str().to_owned()),
                "duplicate INS"
            );
        }
        assert_ins_consistent(&p);
        assert_episodes_valid(&p);
        assert!(p.documents.is_empty());
    }
    assert_eq!(n, 10_000);
    assert!(inss.len() > 7_000, "{}", inss.len());
}

#[test]
fn debug_output_shows_no_identity() {
    let set = demo_patients(today());
    for p in set.iter().take(10) {
        let shown = format!("{p:?} {:?}", p.documents);
        assert!(!shown.contains(&p.identity.traits.birth_name));
        assert!(!shown.contains(&p.identity.ipp));
        if let Some(ins) = &p.identity.ins {
            assert!(!shown.contains(ins.matricule.as_str()));
        }
    }
}

#[test]
fn domain_conversions_keep_the_values() {
    let set = demo_patients(today());
    let p = &set[0];
    let patient = p.patient(PatientId(1));
    assert_eq!(patient.identity.ipp, p.identity.ipp);
    assert!(patient.identity.problems().is_empty());
    let e = p.episodes[0].episode(EpisodeId(3), patient.id);
    assert_eq!(e.unit, p.episodes[0].unit);
    assert_eq!(e.finess_geo, p.episodes[0].finess_geo);
}

#[test]
fn sandbox_constants_are_valid() {
    for finess in SANDBOX_FINESS_GEO.iter().chain([&SANDBOX_FINESS_EJ]) {
        assert_eq!(check_finess(finess), Ok(()));
    }
    assert_eq!(SANDBOX_SITE_NAMES.len(), SANDBOX_FINESS_GEO.len());
    assert!(
        SANDBOX_IPP_OID
            .split('.')
            .all(|arc| !arc.is_empty() && arc.bytes().all(|b| b.is_ascii_digit()))
    );
}
