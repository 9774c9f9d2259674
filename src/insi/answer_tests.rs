//! Tests of the INSi answer reader: the agency's example answer, the 01/02 answers, history
//! and NIA, faults, and what must be refused without a panic (hostile or truncated XML, bad
//! keys).

use super::*;
use crate::domain::InsOid;
use crate::xml::XmlError;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!(
        "{}/../shared/fixtures/dmp/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .expect("fixture")
}

#[test]
fn issue17_the_agency_example_answer_is_read() {
    let answer = parse_answer(&fixture("INSi_search_ins_with_traits_response.xml")).expect("read");
    let InsiAnswer::Found(id) = answer else {
        panic!("expected 00, got {answer:?}");
    };
    assert_eq!(id.ins.matricule.as_str(), "207058575627097");
    assert_eq!(id.ins.oid, InsOid::Nir);
    assert!(id.history.is_empty());
    assert_eq!(id.birth_name, "PATB-QUATRE");
    assert_eq!(id.first_name, "LAURENCE");
    assert_eq!(id.first_names, ["LAURENCE"]);
    assert_eq!(id.sex, Sex::Female);
    assert_eq!(
        id.birth_date,
        NaiveDate::from_ymd_opt(1907, 5, 25).expect("date")
    );
    assert_eq!(id.birthplace_cog.as_deref(), Some("85756"));
    assert!(!format!("{id:?}").contains("PATB"));
}

fn resultat(code: &str, individu: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<S:Envelope xmlns:S="http://www.w3.org/2003/05/soap-envelope"><S:Body>
<ns2:RESULTAT xmlns:ns2="http://www.cnamts.fr/INSiResultat"><ns2:CR><ns2:CodeCR>{code}</ns2:CodeCR><ns2:LibelleCR>x</ns2:LibelleCR></ns2:CR>{individu}</ns2:RESULTAT>
</S:Body></S:Envelope>"#
    )
}

fn individu(active: (&str, &str, &str), histo: &[(&str, &str, &str)]) -> String {
    let ins = |tag: &str, (n, k, o): (&str, &str, &str)| {
        format!(
            "<ns2:{tag}><ns2:IdIndividu><ns2:NumIdentifiant>{n}</ns2:NumIdentifiant><ns2:Cle>{k}</ns2:Cle></ns2:IdIndividu><ns2:OID>{o}</ns2:OID></ns2:{tag}>"
        )
    };
    let mut s = String::from("<ns2:INDIVIDU>");
    s += &ins("INSACTIF", active);
    for h in histo {
        s += &ins("INSHISTO", *h);
    }
    s += "<ns2:TIQ><ns2:NomNaissance>CORSE</ns2:NomNaissance><ns2:Prenom>ANTHONY</ns2:Prenom><ns2:ListePrenom>ANTHONY JEAN</ns2:ListePrenom><ns2:Sexe>M</ns2:Sexe><ns2:DateNaissance>1980-05-02</ns2:DateNaissance><ns2:LieuNaissance>2B020</ns2:LieuNaissance></ns2:TIQ></ns2:INDIVIDU>";
    s
}

#[test]
fn codes_history_and_nia() {
    assert_eq!(
        parse_answer(resultat("01", "").as_bytes()),
        Ok(InsiAnswer::NotFound)
    );
    assert_eq!(
        parse_answer(resultat("02", "").as_bytes()),
        Ok(InsiAnswer::Several)
    );
    let text = resultat(
        "00",
        &individu(
            ("180052B020041", "27", "1.2.250.1.213.1.4.10"),
            &[("7991299134123", "09", "1.2.250.1.213.1.4.9")],
        ),
    );
    let Ok(InsiAnswer::Found(id)) = parse_answer(text.as_bytes()) else {
        panic!("expected 00");
    };
    assert_eq!(id.ins.matricule.as_str(), "180052B02004127");
    assert_eq!(id.ins.oid, InsOid::TestNir);
    assert_eq!(id.history.len(), 1);
    assert_eq!(id.history[0].oid, InsOid::Nia);
    assert!(id.history[0].matricule.is_nia());
    assert_eq!(id.first_names, ["ANTHONY", "JEAN"]);
    assert_eq!(id.birthplace_cog.as_deref(), Some("2B020"));
}

#[test]
fn bad_keys_unknown_oids_and_codes_are_refused() {
    let wrong_key = resultat(
        "00",
        &individu(("180052B020041", "28", "1.2.250.1.213.1.4.10"), &[]),
    );
    assert!(matches!(
        parse_answer(wrong_key.as_bytes()),
        Err(InsiError::InvalidIns(crate::domain::ins::InsError::Key))
    ));
    let bad_oid = resultat("00", &individu(("180052B020041", "27", "1.2.3"), &[]));
    assert!(matches!(
        parse_answer(bad_oid.as_bytes()),
        Err(InsiError::InvalidIns(_))
    ));
    assert!(matches!(
        parse_answer(resultat("00", "").as_bytes()),
        Err(InsiError::Malformed { .. })
    ));
    assert!(matches!(
        parse_answer(resultat("07", "").as_bytes()),
        Err(InsiError::Malformed { .. })
    ));
}

#[test]
fn issue17_faults_keep_reason_and_codes() {
    let fault = r#"<?xml version="1.0" encoding="UTF-8"?>
<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body><soap:Fault>
<soap:Code><soap:Value>soap:Sender</soap:Value><soap:Subcode><soap:Value xmlns:siram="urn:siram">siram:siram_100</soap:Value></soap:Subcode></soap:Code>
<soap:Reason><soap:Text xml:lang="fr">Numéro d'autorisation
   du logiciel inconnu</soap:Text></soap:Reason>
<soap:Detail><siram:Erreur xmlns:siram="urn:siram" severite="fatal" code="desir_550">x</siram:Erreur></soap:Detail>
</soap:Fault></soap:Body></soap:Envelope>"#;
    let Err(InsiError::Fault(f)) = parse_answer(fault.as_bytes()) else {
        panic!("expected a fault");
    };
    assert_eq!(f.code, "Sender");
    assert_eq!(f.subcode.as_deref(), Some("siram_100"));
    assert_eq!(f.detail_code.as_deref(), Some("desir_550"));
    assert_eq!(f.severity.as_deref(), Some("fatal"));
    assert_eq!(f.reason, "Numéro d'autorisation du logiciel inconnu");
    assert!(f.is_unknown_software());
}

#[test]
fn issue17_hostile_and_truncated_answers_are_refused() {
    let bomb = r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>&b;</soap:Body></soap:Envelope>"#;
    assert_eq!(
        parse_answer(bomb.as_bytes()),
        Err(InsiError::Xml(XmlError::Doctype))
    );
    let external = r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Body>&xxe;</soap:Body></soap:Envelope>"#;
    assert!(matches!(
        parse_answer(external.as_bytes()),
        Err(InsiError::Xml(_))
    ));
    let whole = resultat("01", "");
    for cut in [10, whole.len() / 2, whole.len() - 3] {
        assert!(
            matches!(
                parse_answer(&whole.as_bytes()[..cut]),
                Err(InsiError::Xml(_))
            ),
            "cut at {cut}"
        );
    }
    let deep = format!("{}{}", "<a>".repeat(100), "</a>".repeat(100));
    assert!(matches!(
        parse_answer(deep.as_bytes()),
        Err(InsiError::Xml(_))
    ));
    assert!(matches!(parse_answer(b""), Err(InsiError::Xml(_))));
    assert!(matches!(
        parse_answer(b"<html><body>502</body></html>"),
        Err(InsiError::Malformed { .. })
    ));
    let huge = vec![b' '; MAX_ANSWER_BYTES + 1];
    assert!(matches!(parse_answer(&huge), Err(InsiError::Xml(_))));
}
