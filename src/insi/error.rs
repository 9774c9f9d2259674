//! Why an INSi call gave no usable answer, in French, saying what to do. A SOAP fault keeps
//! the service's own reason (`soap:Text`, shown to the user) and its codes (`siram_NNN`
//! subcode, `desir_NNN` / `insi_NNN` detail); nothing else read from an answer is kept, and no
//! text quotes a trait, an INS or a URL.

use crate::domain::ins::InsError;
use crate::xml::XmlError;

/// A SOAP 1.2 fault of the teleservice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fault {
    /// `soap:Code/soap:Value` (`soap:Sender`, `soap:Receiver`), local name only.
    pub code: String,
    /// `soap:Subcode/soap:Value`, e.g. `siram_100` (prefix dropped).
    pub subcode: Option<String>,
    /// `soap:Detail/siram:Erreur/@code`, e.g. `desir_550`, `insi_102`.
    pub detail_code: Option<String>,
    /// `soap:Detail/siram:Erreur/@severite`.
    pub severity: Option<String>,
    /// `soap:Reason/soap:Text`: the service's message, bounded and without control characters.
    pub reason: String,
}

impl Fault {
    /// The codes as shown: `desir_550 / siram_100`.
    pub fn codes(&self) -> String {
        let codes: Vec<&str> = [self.detail_code.as_deref(), self.subcode.as_deref()]
            .into_iter()
            .flatten()
            .collect();
        if codes.is_empty() {
            self.code.clone()
        } else {
            codes.join(" / ")
        }
    }

    fn has(&self, code: &str) -> bool {
        [self.detail_code.as_deref(), self.subcode.as_deref()]
            .into_iter()
            .flatten()
            .any(|c| c.eq_ignore_ascii_case(code))
    }

    /// DESIR_560: the certificate's CN is neither INSI-AUTO nor INSI-MANU.
    pub fn is_access_level(&self) -> bool {
        self.has("desir_560")
    }

    /// DESIR_550: the software authorisation number (IDAM) is unknown.
    pub fn is_unknown_software(&self) -> bool {
        self.has("desir_550")
    }

    /// The service says it is temporarily unavailable (`insi_102`, `siram_40`, or a
    /// `Receiver` fault).
    pub fn is_temporary(&self) -> bool {
        self.has("insi_102") || self.has("siram_40") || self.code.eq_ignore_ascii_case("Receiver")
    }
}

/// A failed INSi call.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsiError {
    #[error("{}", fault_text(.0))]
    Fault(Fault),
    #[error(
        "Le téléservice INSi ne répond pas (délai de {ms} ms dépassé) : réessayez dans quelques instants"
    )]
    Timeout { ms: u64 },
    #[error(
        "Le téléservice INSi est injoignable (connexion impossible ou refusée) : vérifiez la connexion au réseau, puis le certificat INSI-AUTO ou INSI-MANU de l'établissement et sa chaîne de confiance"
    )]
    Unreachable,
    #[error(
        "La connexion sécurisée au téléservice INSi a échoué (certificat refusé) : vérifiez le certificat INSI-AUTO ou INSI-MANU de l'établissement et sa chaîne de confiance"
    )]
    Tls,
    #[error("La réponse du téléservice INSi a été interrompue : réessayez")]
    Interrupted,
    #[error(
        "Le téléservice INSi est indisponible (HTTP {status}) : réessayez dans quelques minutes"
    )]
    Unavailable { status: u16 },
    #[error(
        "Le téléservice INSi a répondu autre chose qu'un message SOAP (HTTP {status}, page d'erreur) : vérifiez l'adresse du service dans la configuration"
    )]
    NotSoap { status: u16 },
    #[error(
        "Réponse illisible du téléservice INSi ({what}) : réessayez ; si cela persiste, prévenez le service informatique"
    )]
    Malformed { what: &'static str },
    #[error("Réponse XML refusée du téléservice INSi ({0}) : prévenez le service informatique")]
    Xml(XmlError),
    #[error(
        "Le téléservice INSi a renvoyé un INS invalide ({0}) : ne l'utilisez pas, prévenez le service informatique"
    )]
    InvalidIns(InsError),
    #[error("Paramètres INSi invalides ({0}) : corrigez la section [insi] de la configuration")]
    Settings(&'static str),
    #[error("Traits insuffisants pour interroger INSi ({what}) : complétez l'identité du patient")]
    Incomplete { what: &'static str },
}

fn fault_text(f: &Fault) -> String {
    let what = if f.is_access_level() {
        "le certificat de l'établissement doit avoir pour nom INSI-AUTO ou INSI-MANU : prévenez le service informatique"
    } else if f.is_unknown_software() {
        "le numéro d'autorisation du logiciel (IDAM) n'est pas reconnu : corrigez la section [insi] de la configuration"
    } else if f.is_temporary() {
        "réessayez dans quelques minutes"
    } else {
        "vérifiez les traits saisis ; si cela persiste, prévenez le service informatique"
    };
    format!(
        "Le téléservice INSi a refusé la demande : « {} » ({}) ; {what}",
        f.reason,
        f.codes()
    )
}

impl InsiError {
    /// Worth trying again later (the service is slow, busy or down), as opposed to a refusal
    /// the same request will meet again.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Fault(f) => f.is_temporary(),
            Self::Timeout { .. } | Self::Unreachable | Self::Interrupted => true,
            Self::Unavailable { .. } => true,
            Self::Tls
            | Self::NotSoap { .. }
            | Self::Malformed { .. }
            | Self::Xml(_)
            | Self::InvalidIns(_)
            | Self::Settings(_)
            | Self::Incomplete { .. } => false,
        }
    }

    /// The Fluent id of the message shown to the user (arguments: [`InsiError::message_args`]).
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Fault(f) if f.is_access_level() => "error-insi-access",
            Self::Fault(f) if f.is_unknown_software() => "error-insi-software",
            Self::Fault(f) if f.is_temporary() => "error-insi-busy",
            Self::Fault(_) => "error-insi-fault",
            Self::Timeout { .. } => "error-insi-timeout",
            Self::Unreachable | Self::Interrupted | Self::Unavailable { .. } => {
                "error-insi-unavailable"
            }
            Self::Tls => "error-insi-tls",
            Self::NotSoap { .. } | Self::Malformed { .. } | Self::Xml(_) => "error-insi-answer",
            Self::InvalidIns(_) => "error-insi-invalid-ins",
            Self::Settings(_) => "error-insi-config",
            Self::Incomplete { .. } => "error-insi-incomplete",
        }
    }

    /// The arguments of the Fluent message: `reason` and `codes` for a fault.
    pub fn message_args(&self) -> Vec<(&'static str, String)> {
        match self {
            Self::Fault(f) => vec![("reason", f.reason.clone()), ("codes", f.codes())],
            _ => Vec::new(),
        }
    }

    /// The service's fault, when the call ended in one.
    pub fn fault(&self) -> Option<&Fault> {
        match self {
            Self::Fault(f) => Some(f),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fault(detail: &str, subcode: &str, code: &str) -> InsiError {
        InsiError::Fault(Fault {
            code: code.into(),
            subcode: Some(subcode.into()),
            detail_code: Some(detail.into()),
            severity: Some("Erreur".into()),
            reason: "Niveau d'accès insuffisant".into(),
        })
    }

    #[test]
    fn faults_keep_the_reason_and_say_what_to_do() {
        let e = fault("DESIR_560", "siram_110", "Sender");
        let text = e.to_string();
        assert!(text.contains("« Niveau d'accès insuffisant »"));
        assert!(text.contains("INSI-AUTO ou INSI-MANU"));
        assert!(text.contains("DESIR_560 / siram_110"));
        assert_eq!(e.message_id(), "error-insi-access");
        assert!(!e.is_retryable());
        assert_eq!(e.message_args()[0].1, "Niveau d'accès insuffisant");
        let busy = fault("insi_102", "siram_40", "Receiver");
        assert!(busy.is_retryable());
        assert_eq!(busy.message_id(), "error-insi-busy");
        assert_eq!(
            fault("desir_550", "siram_100", "Sender").message_id(),
            "error-insi-software"
        );
        assert!(InsiError::Timeout { ms: 10 }.is_retryable());
        assert!(!InsiError::Tls.is_retryable());
        assert!(!InsiError::Xml(XmlError::Doctype).is_retryable());
    }
}
