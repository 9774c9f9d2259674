//! Errors of the CDA parser. Messages are in French, say what is wrong and what the user can do,
//! and never carry document content, names or identifiers (only positions and fixed wording).

use std::fmt;

use crate::xml::XmlError;
pub use crate::xml::XmlProblem;

/// Why a CDA document (or one of its embedded contents) could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CdaError {
    #[error(
        "le document fait {size} octets, au-delà de la limite de {max} octets : il ne peut pas \
         être ouvert ; demandez à l'émetteur une version sans pièces jointes volumineuses"
    )]
    TooLarge { size: usize, max: usize },

    #[error(
        "le document contient une déclaration DOCTYPE, interdite dans un document CDA (risque \
         d'entités externes) : il a été refusé ; signalez-le à l'émetteur"
    )]
    Doctype,

    #[error(
        "l'encodage de caractères du document n'est pas pris en charge (seuls UTF-8, UTF-16, \
         ISO-8859-1, ISO-8859-15 et Windows-1252 le sont) : demandez à l'émetteur un document \
         en UTF-8"
    )]
    UnsupportedEncoding,

    #[error(
        "le document n'est pas un XML bien formé ({reason}, vers l'octet {position}) : le fichier \
         est probablement corrompu ; demandez à l'émetteur de le renvoyer"
    )]
    Malformed { position: u64, reason: XmlProblem },

    #[error(
        "le document s'arrête avant sa fin (vers l'octet {position}) : le fichier est tronqué ; \
         relancez le téléchargement ou demandez à l'émetteur de le renvoyer"
    )]
    Truncated { position: u64 },

    #[error(
        "le document utilise une entité XML inconnue (vers l'octet {position}) : il ne peut pas \
         être lu ; signalez-le à l'émetteur"
    )]
    UnknownEntity { position: u64 },

    #[error(
        "le document est imbriqué sur plus de {max} niveaux : il a été refusé par sécurité ; \
         signalez-le à l'émetteur"
    )]
    TooDeep { max: usize },

    #[error(
        "le fichier n'est pas un document CDA (aucun élément ClinicalDocument trouvé) : vérifiez \
         qu'il s'agit bien d'un document médical au format CDA R2"
    )]
    NotCda,

    #[error(
        "le document CDA n'a pas d'identifiant (ClinicalDocument/id) : il ne peut pas être \
         classé ; demandez à l'émetteur un document conforme"
    )]
    MissingId,

    #[error(
        "le contenu joint n'est pas un base64 valide ({problem}) : la pièce est corrompue ; \
         demandez à l'émetteur de la renvoyer"
    )]
    Base64 { problem: Base64Problem },

    #[error(
        "le contenu déclaré comme PDF ne commence pas par l'en-tête « %PDF- » : la pièce est \
         corrompue ou mal déclarée ; demandez à l'émetteur de la renvoyer"
    )]
    NotPdf,

    #[error(
        "le contenu joint est compressé, ce qui n'est pas pris en charge : demandez à l'émetteur \
         une version non compressée"
    )]
    Compressed,

    #[error(
        "le contenu n'est pas inclus dans le document, il y est seulement référencé : il ne peut \
         pas être affiché ; demandez à l'émetteur une version qui l'intègre"
    )]
    NotEmbedded,
}

impl CdaError {
    /// Parse errors describe the bytes themselves: trying again gives the same result.
    pub fn is_retryable(&self) -> bool {
        false
    }

    /// Fluent id of the message shown in the application (the `Display` text, in French, is for
    /// logs and the command line).
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::TooLarge { .. } => "error-cda-too-large",
            Self::Doctype => "error-cda-doctype",
            Self::UnsupportedEncoding => "error-cda-encoding",
            Self::Malformed { .. } => "error-cda-malformed",
            Self::Truncated { .. } => "error-cda-truncated",
            Self::UnknownEntity { .. } => "error-cda-entity",
            Self::TooDeep { .. } => "error-cda-too-deep",
            Self::NotCda => "error-cda-not-cda",
            Self::MissingId => "error-cda-missing-id",
            Self::Base64 { .. } | Self::NotPdf | Self::Compressed | Self::NotEmbedded => {
                "error-cda-content"
            }
        }
    }
}

/// What is wrong in a base64 content (positions count non-blank characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base64Problem {
    /// A character outside the base64 alphabet, at this position.
    InvalidCharacter(usize),
    /// The number of base64 characters cannot encode whole bytes.
    ImpossibleLength,
    /// The last characters do not form a valid ending.
    BadEnding,
}

impl fmt::Display for Base64Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidCharacter(pos) => write!(f, "caractère non autorisé en position {pos}"),
            Self::ImpossibleLength => f.write_str("longueur impossible, données incomplètes"),
            Self::BadEnding => f.write_str("fin des données incohérente"),
        }
    }
}

impl From<XmlError> for CdaError {
    /// The toolkit's errors in the CDA's words (positions kept, no content).
    fn from(e: XmlError) -> Self {
        match e {
            XmlError::TooLarge { size, max } => Self::TooLarge { size, max },
            XmlError::TooDeep { max } | XmlError::TooManyElements { max } => Self::TooDeep { max },
            XmlError::Doctype => Self::Doctype,
            XmlError::UnknownEntity { position } => Self::UnknownEntity { position },
            XmlError::BadCharRef { position } => Self::Malformed {
                position,
                reason: XmlProblem::Reference,
            },
            XmlError::UnboundPrefix { position } => Self::Malformed {
                position,
                reason: XmlProblem::Namespace,
            },
            XmlError::Truncated { position } => Self::Truncated { position },
            XmlError::SeveralRoots { position } => Self::Malformed {
                position,
                reason: XmlProblem::Other,
            },
            XmlError::NoRoot => Self::NotCda,
            XmlError::UnsupportedEncoding => Self::UnsupportedEncoding,
            XmlError::Malformed { position, problem } => Self::Malformed {
                position,
                reason: problem,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_retryable_and_french() {
        let errors = [
            CdaError::Doctype,
            CdaError::NotCda,
            CdaError::Truncated { position: 12 },
            CdaError::Base64 {
                problem: Base64Problem::InvalidCharacter(3),
            },
            CdaError::Malformed {
                position: 1,
                reason: XmlProblem::MismatchedEndTag,
            },
        ];
        for e in errors {
            assert!(!e.is_retryable());
            let text = e.to_string();
            assert!(text.contains(" : "), "{text}");
        }
    }
}
