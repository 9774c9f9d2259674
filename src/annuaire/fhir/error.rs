//! Why a call to the Annuaire Santé FHIR API failed, in French, saying what to do. The texts
//! never quote a URL (its query names a person), a name, an RPPS nor the API key.

/// A failed look-up in the Annuaire Santé.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnnuaireError {
    #[error(
        "L'Annuaire Santé ne répond pas (délai de {secs} s dépassé) : la recherche continue dans l'annuaire local"
    )]
    Timeout { secs: u64 },
    #[error(
        "L'Annuaire Santé est injoignable (connexion impossible{}) : la recherche continue dans l'annuaire local ; vérifiez la connexion au réseau",
        if *tls { ", certificat refusé" } else { "" }
    )]
    Unreachable { tls: bool },
    #[error(
        "La réponse de l'Annuaire Santé a été interrompue : la recherche continue dans l'annuaire local, réessayez plus tard"
    )]
    Interrupted,
    #[error(
        "L'Annuaire Santé limite le nombre d'appels (HTTP 429) : réessayez dans quelques secondes"
    )]
    RateLimited,
    #[error(
        "L'Annuaire Santé est indisponible (HTTP {status}) : la recherche continue dans l'annuaire local, réessayez plus tard"
    )]
    Unavailable { status: u16 },
    #[error(
        "L'Annuaire Santé refuse la clé d'API (HTTP {status}) : vérifiez la clé ESANTE-API-KEY enregistrée (chevet auth set-credential annuaire-sante)"
    )]
    Unauthorized { status: u16 },
    #[error(
        "L'Annuaire Santé refuse la recherche (HTTP {status}{}) : précisez ou simplifiez les critères",
        diagnostic.as_deref().map(|d| format!(", {d}")).unwrap_or_default()
    )]
    Rejected {
        status: u16,
        /// The OperationOutcome's issue code (`invalid`, `not-supported`…), never its text.
        diagnostic: Option<String>,
    },
    #[error(
        "Réponse inattendue de l'Annuaire Santé (HTTP {status}) : la recherche continue dans l'annuaire local"
    )]
    UnexpectedStatus { status: u16 },
    #[error(
        "Réponse illisible de l'Annuaire Santé ({what}) : la recherche continue dans l'annuaire local"
    )]
    Unreadable { what: &'static str },
    #[error(
        "Réponse de l'Annuaire Santé trop volumineuse (plus de {max} octets) : précisez la recherche"
    )]
    TooLarge { max: usize },
    #[error(
        "L'Annuaire Santé renvoie toujours la même page (lien « suivant » en boucle après {pages} pages) : les résultats sont incomplets, réessayez plus tard"
    )]
    PagingLoop { pages: usize },
    #[error("Trop de résultats dans l'Annuaire Santé (plus de {max}) : précisez la recherche")]
    TooManyResults { max: usize },
    #[error(
        "Le lien vers la page suivante de l'Annuaire Santé sort du service configuré : recherche arrêtée"
    )]
    ForeignNextLink,
    #[error("Paramètres de l'Annuaire Santé invalides ({0}) : corrigez la configuration")]
    Settings(&'static str),
}

impl AnnuaireError {
    /// Worth trying again later (the service is slow, busy or down), as opposed to a refusal
    /// that the same request will meet again.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self,
            Self::Timeout { .. }
                | Self::Unreachable { tls: false }
                | Self::Interrupted
                | Self::RateLimited
                | Self::Unavailable { .. }
                | Self::PagingLoop { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_french_and_say_what_to_do() {
        let t = AnnuaireError::Timeout { secs: 30 };
        assert_eq!(
            t.to_string(),
            "L'Annuaire Santé ne répond pas (délai de 30 s dépassé) : la recherche continue dans l'annuaire local"
        );
        assert!(t.is_retryable());
        let k = AnnuaireError::Unauthorized { status: 401 };
        assert!(k.to_string().contains("vérifiez la clé"));
        assert!(!k.is_retryable());
        let r = AnnuaireError::Rejected {
            status: 400,
            diagnostic: Some("not-supported".into()),
        };
        assert!(r.to_string().contains("HTTP 400, not-supported"));
        assert!(!r.is_retryable());
        assert!(AnnuaireError::Unavailable { status: 504 }.is_retryable());
        assert!(!AnnuaireError::Unreachable { tls: true }.is_retryable());
    }
}
