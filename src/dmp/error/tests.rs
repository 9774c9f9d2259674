//! Tests of the DMP error: retryability, message ids, masking, conversions.

use super::*;
use crate::dmp::hl7v3::AckDetail;

fn fault(code: FaultCode) -> DmpError {
    DmpError::SoapFault(SoapFault {
        version: SoapVersion::Soap12,
        code,
        subcodes: Vec::new(),
        reason: ServerText::new("raison"),
    })
}

fn registry(codes: &[(&str, &str)]) -> DmpError {
    DmpError::Registry {
        errors: codes
            .iter()
            .map(|(code, severity)| RegistryErrorInfo::new(code, "", severity, ""))
            .collect(),
    }
}

/// One of each kind of error, with whether it is retryable.
fn table() -> Vec<(DmpError, bool)> {
    let mut rows = vec![
        (DmpError::Connect, true),
        (DmpError::TlsRefused, false),
        (
            DmpError::CertificateRefused {
                side: CertificateSide::Server,
            },
            false,
        ),
        (
            DmpError::CertificateRefused {
                side: CertificateSide::Client,
            },
            false,
        ),
        (DmpError::Timeout { secs: 60 }, true),
        (DmpError::ConnectionReset, true),
        (DmpError::HttpStatus { status: 500 }, true),
        (DmpError::HttpStatus { status: 503 }, true),
        (DmpError::HttpStatus { status: 400 }, false),
        (DmpError::HttpStatus { status: 403 }, false),
        (DmpError::HttpStatus { status: 404 }, false),
        (DmpError::HttpStatus { status: 302 }, false),
        (fault(FaultCode::Receiver), true),
        (fault(FaultCode::Sender), false),
        (fault(FaultCode::VersionMismatch), false),
        (fault(FaultCode::MustUnderstand), false),
        (fault(FaultCode::Other(WireCode::new("x:Autre"))), false),
        (registry(&[("XDSRegistryBusy", "Error")]), true),
        (
            registry(&[
                ("XDSRepositoryBusy", "Error"),
                ("XDSRegistryError", "Error"),
            ]),
            false,
        ),
        (registry(&[("XDSRegistryError", "Error")]), false),
        (registry(&[("XDSRegistryBusy", "Warning")]), false),
        (
            DmpError::Hl7Ack {
                ack_code: AckCode::AE,
                query_code: None,
                details: Vec::new(),
            },
            false,
        ),
        (
            DmpError::ServiceStatus {
                status: WireCode::new("DMPErreur"),
                context: ServerText::default(),
            },
            false,
        ),
        (DmpError::malformed("output/status"), false),
        (DmpError::request("patientId"), false),
        (DmpError::Signing(SignError::Device("absente".into())), true),
        (DmpError::Signing(SignError::Key("illisible".into())), false),
    ];
    for kind in ALL_REFUSALS {
        rows.push((DmpError::refused(kind), false));
    }
    rows
}

const ALL_REFUSALS: [Refusal; 11] = [
    Refusal::NoDmp,
    Refusal::DmpClosed,
    Refusal::AuthorizationMissing,
    Refusal::AuthorizationExpired,
    Refusal::BlockedByPatient,
    Refusal::OppositionBrisDeGlace,
    Refusal::OppositionCentre15,
    Refusal::DocumentNotFound,
    Refusal::UnknownPatient,
    Refusal::VihfRejected,
    Refusal::TooManyResults,
];

#[test]
fn retryability_table() {
    for (err, retryable) in table() {
        assert_eq!(err.is_retryable(), retryable, "{err:?}");
    }
}

#[test]
fn message_ids_are_dmp_errors_and_differ_per_refusal() {
    for (err, _) in table() {
        let id = err.message_id();
        assert!(id.starts_with("error-dmp-"), "{id}");
    }
    let ids: std::collections::HashSet<_> = ALL_REFUSALS
        .iter()
        .map(|r| DmpError::refused(*r).message_id())
        .collect();
    assert_eq!(ids.len(), ALL_REFUSALS.len());
    assert_eq!(
        registry(&[("XDSRegistryBusy", "Error")]).message_id(),
        "error-dmp-registry-busy"
    );
}

/// Every id has a French and an English text in `error_messages.ftl.txt` (once pasted into
/// the locales, the i18n test of the crate checks them instead).
#[test]
fn every_message_id_has_french_and_english_texts() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/src/dmp/error_messages.ftl.txt"
    );
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let (fr, en) = text.split_once("# ---- en ----").expect("an English block");
    let defines = |block: &str, id: &str| {
        block.lines().any(|l| {
            l.split_once(" = ")
                .is_some_and(|(k, v)| k == id && !v.trim().is_empty())
        })
    };
    for (err, _) in table() {
        let id = err.message_id();
        assert!(defines(fr, id), "fr: {id}");
        assert!(defines(en, id), "en: {id}");
    }
    let count = |block: &str| {
        block
            .lines()
            .filter(|l| l.starts_with("error-dmp-"))
            .count()
    };
    assert_eq!(count(fr), count(en));
}

#[test]
fn wire_codes_keep_codes_and_mask_the_rest() {
    assert_eq!(WireCode::new(" DMPOk ").as_str(), "DMPOk");
    assert_eq!(
        WireCode::new("urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error").local(),
        "Error"
    );
    assert_eq!(WireCode::new("G15_10/SM26").as_str(), "G15_10/SM26");
    assert_eq!(WireCode::new("DUPONT Jean").as_str(), "DUPONT?Jean");
    assert_eq!(WireCode::new("INS207058575627097x").as_str(), "INS#x");
    assert_eq!(WireCode::new("12345").as_str(), "12345");
    assert_eq!(WireCode::new(&"A".repeat(500)).as_str().len(), 100);
    assert_eq!(WireCode::new("é<>").as_str(), "???");
}

#[test]
fn server_text_never_prints() {
    let text = ServerText::new("  Patient DUPONT 207058575627097  ");
    assert_eq!(text.as_str(), "Patient DUPONT 207058575627097");
    assert_eq!(format!("{text:?}"), "ServerText(30 chars)");
}

#[test]
fn codes_map_to_refusals() {
    let cases = [
        ("DMPClosed", Some(Refusal::DmpClosed)),
        ("DMPFound", None),
        ("DMPOk", None),
        ("DMPPatientAccessAlreadyExists", None),
        ("DMPPatientAccessOTPAlreadyExists", None),
        ("XDSDocumentUniqueIdError", Some(Refusal::DocumentNotFound)),
        ("XDSTooManyResults", Some(Refusal::TooManyResults)),
        ("XDSUnknownPatientId", Some(Refusal::UnknownPatient)),
        ("XDSRegistryError", None),
        ("wsse:InvalidSecurity", Some(Refusal::VihfRejected)),
        ("wsse:FailedAuthentication", Some(Refusal::VihfRejected)),
        ("DMPTooManyResult", Some(Refusal::TooManyResults)),
        ("DMPVihfInvalide", Some(Refusal::VihfRejected)),
        (
            "DMPAccessDeniedByExcludedPS",
            Some(Refusal::BlockedByPatient),
        ),
        ("DMPAccessDenied", Some(Refusal::AuthorizationMissing)),
        (
            "DMPAuthorizationExpired",
            Some(Refusal::AuthorizationExpired),
        ),
        (
            "DMPAuthorizationNotFound",
            Some(Refusal::AuthorizationMissing),
        ),
        (
            "DMPOppositionBrisDeGlace",
            Some(Refusal::OppositionBrisDeGlace),
        ),
        (
            "DMPOppositionAccesUrgence",
            Some(Refusal::OppositionCentre15),
        ),
        ("DMPNotFound", Some(Refusal::NoDmp)),
        ("DMPPatientNotFound", Some(Refusal::UnknownPatient)),
        ("DMPDocumentNotFound", Some(Refusal::DocumentNotFound)),
        ("DMPInvalidData", None),
        ("", None),
    ];
    for (code, expected) in cases {
        assert_eq!(Refusal::from_code(code), expected, "{code}");
    }
}

#[test]
fn dmp_status_conversion() {
    assert_eq!(
        DmpError::from_dmp_status("DMPOk", "Autorisation déjà présente"),
        None
    );
    assert_eq!(DmpError::from_dmp_status("dmpok", ""), None);
    assert_eq!(
        DmpError::from_dmp_status("", ""),
        Some(DmpError::malformed("output/status"))
    );
    assert_eq!(
        DmpError::from_dmp_status("DMPClosed", "fermé"),
        Some(DmpError::Refused {
            kind: Refusal::DmpClosed,
            code: Some(WireCode::new("DMPClosed")),
        })
    );
    let Some(DmpError::ServiceStatus { status, context }) =
        DmpError::from_dmp_status("DMPPatientAccessAlreadyExists", "Accès patient existant")
    else {
        panic!("service status");
    };
    assert_eq!(status.as_str(), "DMPPatientAccessAlreadyExists");
    assert_eq!(context.as_str(), "Accès patient existant");
}

#[test]
fn registry_errors_conversion() {
    assert_eq!(DmpError::from_registry_errors(Vec::new()), None);
    let warning = RegistryErrorInfo::new(
        "XDSExtraMetadataNotSaved",
        "slot ignoré",
        "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Warning",
        "",
    );
    assert_eq!(DmpError::from_registry_errors(vec![warning.clone()]), None);
    let not_found = RegistryErrorInfo::new(
        "XDSDocumentUniqueIdError",
        "Document 1.2.3 introuvable",
        "urn:oasis:names:tc:ebxml-regrep:ErrorSeverityType:Error",
        "repository",
    );
    assert_eq!(not_found.severity, RegistrySeverity::Error);
    assert_eq!(
        DmpError::from_registry_errors(vec![warning.clone(), not_found]).and_then(|e| e.refusal()),
        Some(Refusal::DocumentNotFound)
    );
    let other = RegistryErrorInfo::new("XDSRegistryError", "", "Error", "");
    let Some(err) = DmpError::from_registry_errors(vec![warning, other]) else {
        panic!("an error");
    };
    assert_eq!(err.message_id(), "error-dmp-registry");
    assert_eq!(
        err.to_string(),
        "le registre XDS du DMP a renvoyé des erreurs (XDSExtraMetadataNotSaved, XDSRegistryError)"
    );
}

#[test]
fn http_status_conversion() {
    assert_eq!(DmpError::from_http_status(200), None);
    assert_eq!(DmpError::from_http_status(204), None);
    assert_eq!(
        DmpError::from_http_status(502),
        Some(DmpError::HttpStatus { status: 502 })
    );
}

#[test]
fn display_and_debug_never_carry_identity() {
    let secret = "DUPONT Jean 207058575627097";
    let errors = [
        DmpError::ServiceStatus {
            status: WireCode::new("DMPErreur"),
            context: ServerText::new(secret),
        },
        DmpError::Hl7Ack {
            ack_code: AckCode::AE,
            query_code: None,
            details: vec![AckDetail {
                type_code: None,
                code: Some(WireCode::new(secret)),
                code_system: None,
                text: ServerText::new(secret),
            }],
        },
        DmpError::Registry {
            errors: vec![RegistryErrorInfo::new(secret, secret, "Error", secret)],
        },
        DmpError::Refused {
            kind: Refusal::UnknownPatient,
            code: Some(WireCode::new(secret)),
        },
    ];
    for err in errors {
        let shown = format!("{err} | {err:?}");
        assert!(!shown.contains("207058575627097"), "{shown}");
        assert!(!shown.contains("DUPONT Jean"), "{shown}");
    }
}

#[test]
fn display_is_french_and_names_the_code() {
    let err = DmpError::Refused {
        kind: Refusal::DmpClosed,
        code: Some(WireCode::new("DMPClosed")),
    };
    assert_eq!(
        err.to_string(),
        "le DMP du patient est fermé (code DMPClosed)"
    );
    assert_eq!(
        DmpError::malformed("output/status").to_string(),
        "réponse du DMP inexploitable (attendu : output/status)"
    );
    assert_eq!(
        FaultCode::parse("SOAP-ENV:Client.Authentication"),
        FaultCode::Sender
    );
}
