//! Errors of document production. Messages are in French, name the field at fault and never
//! carry its value (no identity, no clinical text).

use crate::pdf::write::PdfWriteError;

/// Why a document could not be produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProduceError {
    #[error("champ obligatoire vide : {field} ; complétez le formulaire")]
    Missing { field: &'static str },

    #[error("valeur invalide pour {field} : {rule} ; corrigez le formulaire")]
    Invalid {
        field: &'static str,
        rule: &'static str,
    },

    #[error(
        "l'identifiant du document (id) doit différer de celui de la série (setId), et une \
         version 2 ou plus doit désigner le document qu'elle remplace"
    )]
    Versioning,

    #[error("le contenu fourni comme PDF ne commence pas par « %PDF- »")]
    NotPdf,

    #[error("le document ne contient aucune section")]
    NoSection,

    #[error("écriture du PDF impossible : {0}")]
    Pdf(#[from] PdfWriteError),
}

impl ProduceError {
    /// Production is deterministic: the same input fails the same way.
    pub fn is_retryable(&self) -> bool {
        false
    }
}
