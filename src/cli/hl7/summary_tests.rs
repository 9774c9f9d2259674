//! Tests of `summary` on the agency's example messages of `../shared/fixtures/hl7v2`: every
//! fixture is summarised, and the fields are checked on a few of them against values read in
//! the files.

use super::summary::{MASK, Summary, read_cda, summarise};
use crate::hl7::test_support::{all_fixtures, fixture};

fn summary(path: &str, with_identity: bool) -> Summary {
    let bytes = fixture(path);
    let msg = crate::hl7::parse(&bytes).expect("parses");
    summarise(&msg, with_identity)
}

#[test]
fn every_fixture_is_summarised_and_masked() {
    let fixtures = all_fixtures();
    assert!(fixtures.len() >= 15, "{}", fixtures.len());
    for (name, bytes) in fixtures {
        let msg = crate::hl7::parse(&bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        let s = summarise(&msg, false);
        assert!(!s.message_type.is_empty(), "{name}");
        let json = serde_json::to_string(&s).expect("json");
        for secret in [
            "PAT-TROIS",
            "DE VINCI",
            "279035121518989",
            "276037510669380",
        ] {
            assert!(!json.contains(secret), "{name} shows {secret}");
        }
        if name.contains("ack") {
            assert!(s.patient.is_none() && s.documents.is_empty(), "{name}");
        } else {
            assert!(s.patient.is_some(), "{name}");
            if !name.starts_with("pam-fr") {
                assert!(!s.documents.is_empty(), "{name}");
            }
            for d in &s.documents {
                assert!(d.cda_id.is_some() != d.error.is_some(), "{name}: {d:?}");
            }
        }
    }
}

#[test]
fn lps_initial_mdm_with_a_real_cda() {
    let s = summary(
        "lps-mssante-v1.1/mdm-initiale/message_MDM__LPS_MSS_CR_Radio_INIT_N1_Base64.er7",
        true,
    );
    assert_eq!(s.message_type, "MDM^T02^MDM_T02");
    assert_eq!(s.control_id, "015");
    assert_eq!(s.version, "2.6");
    assert_eq!(s.profile, ["1.1^CISIS_CDA_HL7_LPS"]);
    assert_eq!(s.charset.as_deref(), Some("UNICODE UTF-8"));
    let p = s.patient.expect("patient");
    assert_eq!(p.ins.as_deref(), Some("279035121518989"));
    assert_eq!(p.ins_oid.as_deref(), Some("1.2.250.1.213.1.4.10"));
    assert_eq!(p.ipp, None);
    assert_eq!(p.birth_name.as_deref(), Some("PAT-TROIS"));
    assert_eq!(p.given.as_deref(), Some("DOMINIQUE"));
    assert_eq!(p.birth_date.as_deref(), Some("19790328"));
    assert_eq!(p.sex.as_deref(), Some("F"));
    assert_eq!(s.documents.len(), 1, "the mail body is not a document");
    let d = &s.documents[0];
    assert_eq!(d.error, None);
    assert!(
        d.cda_id.as_deref().is_some_and(|id| id.starts_with("1.2.")),
        "{d:?}"
    );
    assert_eq!(d.status.as_deref(), Some("F"));
    assert_eq!(d.replaced_id, None);
    assert!(d.title.is_some());
    assert_eq!(s.consent.feeding, None);
}

#[test]
fn placeholder_payloads_are_reported_not_cda() {
    // OBX-5.5 is base64 of "Document medcial au format CDA niveau 1".
    let s = summary(
        "lps-mssante-v1.1/mdm-initiale/message_MDM__LPS_MSS_CR_Radio_INIT_N1.er7",
        false,
    );
    let d = &s.documents[0];
    assert_eq!(d.cda_id, None);
    assert!(
        d.error.as_deref().is_some_and(|e| e.contains("pas du XML")),
        "{d:?}"
    );
    assert_eq!(d.title.as_deref(), Some("CR d'imagerie médicale"));
}

#[test]
fn replacement_gives_the_replaced_id() {
    let s = summary(
        "trans-doc-cda-v2.1/mdm-remplacement/message_MDM_CR_Radio_RPLC_N1.er7",
        false,
    );
    assert_eq!(s.message_type, "MDM^T10^MDM_T02");
    assert_eq!(s.profile, ["2.1^CISIS_CDA_HL7_V2"]);
    assert_eq!(s.visit_number.as_deref(), Some("000897406"));
    let d = &s.documents[0];
    assert_eq!(
        d.replaced_id.as_deref(),
        Some("1.2.250.1.71.4.2.2.120456789.71024000081")
    );
    assert!(d.cda_id.is_some(), "{d:?}");
}

#[test]
fn oru_with_a_segur_n3_cda() {
    let s = summary(
        "trans-doc-cda-v2.1/oru-initiale/message_ORU_CR_Bio_INIT_N3_SEGUR.hl7",
        false,
    );
    assert_eq!(s.message_type, "ORU^R01^ORU_R01");
    assert_eq!(s.version, "2.5");
    assert_eq!(s.documents.len(), 1);
    assert!(s.documents[0].cda_id.is_some(), "{:?}", s.documents[0]);
}

#[test]
fn adt_with_zfa_consent_ipp_and_identity_status() {
    let s = summary(
        "pam-fr-consent/ConsentementConsultation_NonOppositionAlimentation.er7",
        false,
    );
    assert_eq!(s.message_type, "ADT^A01^ADT_A01");
    assert_eq!(s.control_id, "3975");
    assert_eq!(s.version, "2.5");
    assert_eq!(s.profile, ["2.11^IHE_FRANCE-2.11-PAM"]);
    assert_eq!(s.visit_number.as_deref(), Some("000897406"));
    assert_eq!(s.consent.feeding.as_deref(), Some("INO"));
    assert_eq!(s.consent.consultation.as_deref(), Some("IC"));
    let p = s.patient.expect("patient");
    assert_eq!(p.ins.as_deref(), Some(MASK));
    assert_eq!(p.ipp.as_deref(), Some(MASK));
    assert_eq!(p.birth_name.as_deref(), Some(MASK));
    assert_eq!(p.birth_date.as_deref(), Some(MASK));
    assert_eq!(p.ins_oid.as_deref(), Some("1.2.250.1.213.1.4.10"));
    assert_eq!(p.identity_status.as_deref(), Some("VALI"));
    assert_eq!(p.sex.as_deref(), Some("F"));
    assert!(s.documents.is_empty());

    let shown = summary(
        "pam-fr-consent/ConsentementConsultation_NonOppositionAlimentation.er7",
        true,
    );
    let p = shown.patient.expect("patient");
    assert_eq!(p.ipp.as_deref(), Some("000003"));
    assert_eq!(p.ins.as_deref(), Some("279035121518989"));
}

#[test]
fn payloads_unpadded_wrapped_or_broken() {
    use ::base64::Engine as _;
    let xml = "<ClinicalDocument xmlns=\"urn:hl7-org:v3\"><id root=\"1.2.3\" extension=\"X\"/>\
               <title>T</title></ClinicalDocument>";
    let b64 = ::base64::engine::general_purpose::STANDARD_NO_PAD.encode(xml);
    let wrapped: String = b64
        .as_bytes()
        .chunks(20)
        .map(|c| format!("{}\r\n", String::from_utf8_lossy(c)))
        .collect();
    for payload in [b64.as_str(), wrapped.as_str()] {
        let (id, title) = read_cda(payload).expect("a CDA");
        assert_eq!((id.as_str(), title.as_str()), ("1.2.3^X", "T"));
    }
    assert!(read_cda("%%%").is_err_and(|e| e.contains("base64")));
    assert!(read_cda("").is_err_and(|e| e.contains("aucun")));
    let text = ::base64::engine::general_purpose::STANDARD.encode("<html/>");
    assert!(read_cda(&text).is_err_and(|e| e.contains("CDA")));
}

#[test]
fn other_encodings_and_mail_bodies_are_told_apart() {
    let text = "MSH|^~\\&|PFI|X|DPI|X|20240101||MDM^T02^MDM_T02|1|P|2.6\r\
                PID|||123^^^X&1.2.3&ISO^PI||NOM^PRENOM^^^^^L\r\
                OBX|1|ED|11488-4^CR||^text^XML^A^<ClinicalDocument/>||||||F\r\
                OBX|2|ED|CORPSMAIL_PS^Corps||^text^^Base64^Qm9uam91cg==||||||F\r";
    let msg = crate::hl7::parse(text.as_bytes()).expect("parses");
    let s = summarise(&msg, false);
    assert_eq!(s.documents.len(), 1);
    assert!(
        s.documents[0]
            .error
            .as_deref()
            .is_some_and(|e| e.contains("OBX-5.4")),
        "{:?}",
        s.documents[0]
    );
    let p = s.patient.expect("patient");
    assert_eq!((p.ins, p.ipp.as_deref()), (None, Some(MASK)));
    assert_eq!(s.profile, Vec::<String>::new());
    assert_eq!(s.charset, None);
}
