//! Tests of the INSi request writer: the agency's example request has the same header blocks
//! (same elements, namespaces and order inside each) and the same body.

use std::sync::Arc;

use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::*;
use crate::dmp::transport::TlsIdentity;
use crate::xml::{self, Element, Limits};

fn fixture(name: &str) -> String {
    let path = format!(
        "{}/../shared/fixtures/dmp/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    String::from_utf8(std::fs::read(path).expect("fixture")).expect("utf-8")
}

pub(crate) fn settings() -> InsiSettings {
    // The writer never touches the key: placeholders do.
    let identity = TlsIdentity {
        certificate_chain: vec![CertificateDer::from(vec![0u8])],
        key: Arc::new(PrivateKeyDer::Pkcs8(vec![0u8].into())),
    };
    let mut s = InsiSettings::new(
        "https://127.0.0.1/lps",
        identity,
        Vec::new(),
        "NumAutorisation",
    );
    s.emetteur = "899900063480".into();
    s.software_version = "1.00.00".into();
    s
}

fn context() -> RequestContext {
    RequestContext {
        bam_id: "8a689655-1712-4df1-bef8-7a64f8fb5847".into(),
        lps_id: "ecd08001-dec9-428a-98a4-3402c5a94a9e".into(),
        message_id: "0dfb8f66-de74-4f30-ba83-bebde1239ebf".into(),
        time: "2021-06-16T09:39:02.004Z".into(),
    }
}

fn laurence() -> InsiTraits {
    InsiTraits {
        birth_name: "PATB-QUATRE".into(),
        first_names: vec!["Laurence".into()],
        sex: Sex::Female,
        birth_date: chrono::NaiveDate::from_ymd_opt(1907, 5, 25).expect("date"),
        birthplace_cog: None,
    }
}

/// Every element under `e` (itself excluded) as (namespace, local name, trimmed text), in
/// document order.
fn shape(e: &Element<'_>) -> Vec<(String, String, String)> {
    e.descendants_or_self()
        .skip(1)
        .map(|d| {
            (
                d.ns().to_owned(),
                d.local().to_owned(),
                if d.first_child().is_some() {
                    String::new()
                } else {
                    d.text().trim().to_owned()
                },
            )
        })
        .collect()
}

fn names(v: &[(String, String, String)]) -> Vec<(String, String)> {
    v.iter().map(|(n, l, _)| (n.clone(), l.clone())).collect()
}

#[test]
fn issue17_request_matches_the_agency_example() {
    let ours = write_request(
        &settings(),
        &InsiQuery::Traits { traits: laurence() },
        &context(),
    )
    .expect("request");
    let theirs = fixture("INSi_search_ins_with_traits_request.xml");
    let ours_doc = xml::parse(&ours, &Limits::XDS).expect("ours parses");
    let theirs_doc = xml::parse(&theirs, &Limits::XDS).expect("fixture parses");
    let (o, t) = (ours_doc.root(), theirs_doc.root());
    assert!(o.is(SOAP12, "Envelope") && t.is(SOAP12, "Envelope"));
    fn header<'a>(r: &Element<'a>) -> Element<'a> {
        r.child("Header").expect("header")
    }
    fn body<'a>(r: &Element<'a>) -> Element<'a> {
        r.child("Body").expect("body")
    }
    // The body: same elements, namespaces, order and values.
    assert_eq!(shape(&body(&o)), shape(&body(&t)));
    // The header blocks (the example's wsse:Security is the CPx mode's; mutual TLS has none).
    let blocks = |r: &Element<'_>| -> Vec<(String, String)> {
        header(r)
            .children()
            .filter(|b| b.local() != "Security")
            .map(|b| (b.ns().to_owned(), b.local().to_owned()))
            .collect()
    };
    let mut ours_blocks = blocks(&o);
    assert_eq!(
        ours_blocks,
        [
            (NS_CTXBAM, "ContexteBAM"),
            (NS_CTXLPS, "ContexteLPS"),
            (WSA, "Action"),
            (WSA, "MessageID"),
        ]
        .map(|(n, l)| (n.to_owned(), l.to_owned()))
    );
    let mut theirs_blocks = blocks(&t);
    ours_blocks.sort();
    theirs_blocks.sort();
    assert_eq!(ours_blocks, theirs_blocks);
    // Inside each context: same elements in the same order, same version.
    for (ns, local) in [(NS_CTXBAM, "ContexteBAM"), (NS_CTXLPS, "ContexteLPS")] {
        let ob = header(&o).find(ns, local).expect("ours");
        let tb = header(&t).find(ns, local).expect("theirs");
        assert_eq!(names(&shape(&ob)), names(&shape(&tb)), "{local}");
        assert_eq!(ob.attr("Version"), tb.attr("Version"), "{local}");
    }
    let lps = header(&o).find(NS_CTXLPS, "ContexteLPS").expect("lps");
    assert_eq!(lps.attr("Nature"), Some("CTXLPS"));
    assert_eq!(
        lps.find(NS_CTXLPS, "IDAM").and_then(|i| i.attr("R")),
        Some("4")
    );
    assert_eq!(
        lps.find(NS_CTXLPS, "Nom").and_then(|n| n.text_trim()),
        Some("urn:lps:Chevet:1.00.00")
    );
    let wsa = |local| header(&o).find(WSA, local).and_then(|e| e.text_trim());
    assert_eq!(wsa("Action"), Some(ACTION_TRAITS));
    assert_eq!(
        wsa("MessageID"),
        Some("uuid:0dfb8f66-de74-4f30-ba83-bebde1239ebf")
    );
    assert_eq!(
        content_type(ACTION_TRAITS),
        "application/soap+xml; charset=utf-8; action=\"urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite\""
    );
}

#[test]
fn names_are_sent_as_insi_compares_them() {
    assert_eq!(wire_text("  Léa-Zoé  d’Arc "), "LEA-ZOE D'ARC");
    assert_eq!(wire_text("Cœur"), "COEUR");
    let mut t = laurence();
    t.first_names = vec!["Marie".into(), "Hélène".into()];
    t.birthplace_cog = Some("2b020".into());
    let xml =
        write_request(&settings(), &InsiQuery::Traits { traits: t }, &context()).expect("request");
    assert!(xml.contains("<ins:Prenom>MARIE HELENE</ins:Prenom>"));
    assert!(xml.contains("<ins:LieuNaissance>2B020</ins:LieuNaissance>"));
    let mut unknown = laurence();
    unknown.sex = Sex::Unknown;
    assert_eq!(
        write_request(
            &settings(),
            &InsiQuery::Traits { traits: unknown },
            &context()
        ),
        Err(InsiError::Incomplete { what: "le sexe" })
    );
    let mut bad_cog = laurence();
    bad_cog.birthplace_cog = Some("7505".into());
    assert!(
        write_request(
            &settings(),
            &InsiQuery::Traits { traits: bad_cog },
            &context()
        )
        .is_err()
    );
}

#[test]
fn carte_vitale_request_has_its_operation() {
    let q = InsiQuery::CarteVitale {
        vitale: InsiVitale {
            matricule_individu: "2 07 05 85 756 270 97".into(),
            matricule_od: "207058575627097".into(),
            birth_name: "Patb-Quatre".into(),
            birth_date: "19070525".into(),
            birth_rank: 1,
        },
    };
    let xml = write_request(&settings(), &q, &context()).expect("request");
    let doc = xml::parse(&xml, &Limits::XDS).expect("parses");
    let body = doc
        .root()
        .child("Body")
        .and_then(|b| b.first_child())
        .expect("body");
    assert!(body.is(NS_RECVIT, "RECVITALE"));
    assert_eq!(
        body.child_text_trim("MatriculeIndividu"),
        Some("207058575627097")
    );
    assert_eq!(
        body.path(&["MatriculeOD", "Cle"])
            .and_then(|c| c.text_trim()),
        Some("97")
    );
    assert!(xml.contains(ACTION_VITALE));
}
