//! SOAP Fault samples shaped as the agency's documentation describes them (SOAP 1.2 envelope,
//! `Code` Sender/Receiver, optional `Subcode`, `Reason` text in French) plus SOAP 1.1 faults as
//! some front ends send them. Written for these tests; the real texts vary.

use super::*;
use crate::dmp::error::Refusal;
use crate::dmp::hl7v3::test_support::fixture;
use crate::dmp::hl7v3::{parse_existence_test, parse_patient_list};

fn soap12(code: &str, subcodes: &[&str], reasons: &[(&str, &str)]) -> String {
    let mut sub = String::new();
    for s in subcodes.iter().rev() {
        sub = format!("<soap:Subcode><soap:Value>{s}</soap:Value>{sub}</soap:Subcode>");
    }
    let texts: String = reasons
        .iter()
        .map(|(lang, t)| format!("<soap:Text xml:lang=\"{lang}\">{t}</soap:Text>"))
        .collect();
    format!(
        r#"<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope"
              xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd">
          <soap:Header><Action xmlns="http://www.w3.org/2005/08/addressing">http://www.w3.org/2005/08/addressing/soap/fault</Action></soap:Header>
          <soap:Body><soap:Fault>
            <soap:Code><soap:Value>{code}</soap:Value>{sub}</soap:Code>
            <soap:Reason>{texts}</soap:Reason>
            <soap:Detail><erreur>détail technique</erreur></soap:Detail>
          </soap:Fault></soap:Body></soap:Envelope>"#
    )
}

fn soap11(code: &str, text: &str) -> String {
    format!(
        r#"<SOAP-ENV:Envelope xmlns:SOAP-ENV="http://schemas.xmlsoap.org/soap/envelope/">
          <SOAP-ENV:Body><SOAP-ENV:Fault>
            <faultcode>{code}</faultcode><faultstring>{text}</faultstring><detail/>
          </SOAP-ENV:Fault></SOAP-ENV:Body></SOAP-ENV:Envelope>"#
    )
}

#[test]
fn vihf_refused_by_ws_security_is_a_refusal() {
    let body = soap12(
        "soap:Sender",
        &["wsse:InvalidSecurity"],
        &[(
            "fr",
            "Le jeton VIHF est invalide : la signature ne peut pas être vérifiée",
        )],
    );
    let err = DmpError::from_soap_fault(&body).expect("a fault");
    assert_eq!(err.refusal(), Some(Refusal::VihfRejected));
    assert!(!err.is_retryable());
    assert_eq!(err.message_id(), "error-dmp-vihf-rejected");
}

#[test]
fn receiver_fault_is_retryable_and_keeps_its_reason() {
    let body = soap12(
        "soap:Receiver",
        &[],
        &[
            ("en", "Internal error"),
            (
                "fr",
                "Erreur technique du service, veuillez réessayer ultérieurement",
            ),
        ],
    );
    let Some(DmpError::SoapFault(fault)) = DmpError::from_soap_fault(&body) else {
        panic!("a SOAP fault");
    };
    assert_eq!(fault.version, SoapVersion::Soap12);
    assert_eq!(fault.code, FaultCode::Receiver);
    assert!(fault.subcodes.is_empty());
    assert!(
        fault.reason.as_str().starts_with("Erreur technique"),
        "French preferred"
    );
    let err = DmpError::SoapFault(fault);
    assert!(err.is_retryable());
    assert_eq!(err.message_id(), "error-dmp-fault-receiver");
}

#[test]
fn sender_fault_with_unknown_subcodes_keeps_the_chain() {
    let body = soap12(
        "env:Sender",
        &["dmp:RequeteInvalide", "dmp:ChampObligatoire"],
        &[("fr", "Le champ patientIdentifier est obligatoire")],
    );
    let body = body.replace("<soap:Value>env:Sender", "<soap:Value>soap:Sender");
    let Some(DmpError::SoapFault(fault)) = DmpError::from_soap_fault(&body) else {
        panic!("a SOAP fault");
    };
    assert_eq!(fault.code, FaultCode::Sender);
    let subcodes: Vec<&str> = fault.subcodes.iter().map(|s| s.as_str()).collect();
    assert_eq!(subcodes, ["dmp:RequeteInvalide", "dmp:ChampObligatoire"]);
    let err = DmpError::SoapFault(fault);
    assert!(!err.is_retryable());
    assert_eq!(err.message_id(), "error-dmp-fault-sender");
    assert_eq!(
        err.to_string(),
        "le DMP a renvoyé une erreur SOAP (Sender / dmp:RequeteInvalide / dmp:ChampObligatoire)"
    );
}

#[test]
fn business_subcode_maps_to_its_refusal() {
    let body = soap12(
        "soap:Sender",
        &["dmp:DMPAccessDeniedByExcludedPS"],
        &[("fr", "Accès refusé : le patient a bloqué ce professionnel")],
    );
    let err = DmpError::from_soap_fault(&body).expect("fault");
    assert_eq!(err.refusal(), Some(Refusal::BlockedByPatient));
}

#[test]
fn soap11_client_and_server_faults() {
    let Some(DmpError::SoapFault(client)) =
        DmpError::from_soap_fault(&soap11("SOAP-ENV:Client", "Requête mal formée"))
    else {
        panic!("fault");
    };
    assert_eq!(client.version, SoapVersion::Soap11);
    assert_eq!(client.code, FaultCode::Sender);
    assert_eq!(client.reason.as_str(), "Requête mal formée");
    let server = DmpError::from_soap_fault(&soap11(
        "SOAP-ENV:Server.Indisponible",
        "Service indisponible",
    ))
    .expect("fault");
    assert!(server.is_retryable());
    let odd = DmpError::from_soap_fault(&soap11("x:Autre", "?")).expect("fault");
    assert!(!odd.is_retryable());
    assert_eq!(odd.message_id(), "error-dmp-fault-protocol");
}

#[test]
fn a_bare_fault_element_or_body_is_found_too() {
    let bare = r#"<soap:Fault xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Code><soap:Value>soap:Receiver</soap:Value></soap:Code></soap:Fault>"#;
    assert!(DmpError::from_soap_fault(bare).is_some_and(|e| e.is_retryable()));
    let in_body = r#"<soap:Body xmlns:soap="http://www.w3.org/2003/05/soap-envelope"><soap:Fault><soap:Code><soap:Value>soap:Sender</soap:Value></soap:Code></soap:Fault></soap:Body>"#;
    assert!(DmpError::from_soap_fault(in_body).is_some_and(|e| !e.is_retryable()));
}

#[test]
fn no_fault_gives_none() {
    assert_eq!(
        DmpError::from_soap_fault(&fixture("TD0.2_existence_test_response.xml")),
        None
    );
    assert_eq!(DmpError::from_soap_fault("not xml <"), None);
    assert_eq!(DmpError::from_soap_fault(""), None);
    assert_eq!(
        DmpError::from_soap_fault("<Fault/>"),
        None,
        "not in a SOAP namespace"
    );
}

#[test]
fn parsers_report_the_fault_in_place_of_their_payload() {
    let body = soap12(
        "soap:Receiver",
        &[],
        &[("fr", "Service momentanément indisponible")],
    );
    assert!(matches!(
        parse_existence_test(&body),
        Err(DmpError::SoapFault(_))
    ));
    assert!(matches!(
        parse_patient_list(&body),
        Err(DmpError::SoapFault(_))
    ));
}

#[test]
fn reason_text_with_identity_never_shows_in_display_or_debug() {
    let body = soap12(
        "soap:Sender",
        &["dmp:Erreur207058575627097"],
        &[("fr", "Patient DUPONT Jean 207058575627097 inconnu")],
    );
    let err = DmpError::from_soap_fault(&body).expect("fault");
    let shown = format!("{err} {err:?}");
    for secret in ["DUPONT", "Jean", "207058575627097"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[test]
fn subcode_chain_is_bounded() {
    let subs: Vec<String> = (0..20).map(|i| format!("x:S{i}")).collect();
    let refs: Vec<&str> = subs.iter().map(String::as_str).collect();
    let body = soap12("soap:Sender", &refs, &[]);
    let Some(DmpError::SoapFault(fault)) = DmpError::from_soap_fault(&body) else {
        panic!("fault");
    };
    assert_eq!(fault.subcodes.len(), MAX_SUBCODES);
    assert!(fault.reason.is_empty());
}
