//! `CardError`: every way talking to a CPS card can fail, whether it is worth retrying, and the
//! Fluent id of the message shown to the user. No variant ever carries the PIN.

/// Why a card operation failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CardError {
    /// No PC/SC reader is connected (or the named reader is gone).
    #[error("no card reader")]
    NoReader,
    /// The reader is empty.
    #[error("no card in the reader")]
    NoCard,
    /// The card was pulled (or reset by another application) during the exchange.
    #[error("the card was removed")]
    Removed,
    /// The PC/SC service (pcscd) is not running or went away.
    #[error("the smart card service is unavailable")]
    ServiceUnavailable,
    /// The PIN was refused; the card allows `attempts_left` more tries.
    #[error("wrong PIN ({attempts_left} attempts left)")]
    WrongPin { attempts_left: u8 },
    /// The PIN is blocked: only the unblocking code (PUK) can help.
    #[error("PIN blocked")]
    PinBlocked,
    /// The card wants the PIN verified before this operation (`6982`).
    #[error("the PIN must be verified first")]
    PinRequired,
    /// The PIN typed is not 4 to 8 digits; nothing was sent to the card.
    #[error("the PIN must be 4 to 8 digits")]
    PinFormat,
    /// The card answers, but it has no CPS application (or not the expected files).
    #[error("this card is not a CPS card")]
    NotACps,
    /// The card refused a command with this status word.
    #[error("the card answered with status {0:04X}")]
    Status(u16),
    /// The card's answer could not be understood.
    #[error("malformed card answer: {0}")]
    Malformed(&'static str),
    /// A signature made by the card does not verify with its certificate.
    #[error("the card's signature does not verify")]
    BadSignature,
    /// Any other PC/SC failure (text from the PC/SC layer, never card data).
    #[error("PC/SC error: {0}")]
    Pcsc(String),
    /// The card's certificate is not trusted: chain, dates or revocation (`card::trust`).
    #[error(transparent)]
    Trust(#[from] super::trust::TrustError),
}

impl CardError {
    /// True when the same operation may succeed later without the user changing anything but
    /// waiting or re-inserting the card: the service or the card came back, a transient PC/SC
    /// failure. Never for PIN refusals, a foreign card or malformed answers.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::NoReader
            | Self::NoCard
            | Self::Removed
            | Self::ServiceUnavailable
            | Self::Pcsc(_) => true,
            Self::WrongPin { .. }
            | Self::PinBlocked
            | Self::PinRequired
            | Self::PinFormat
            | Self::NotACps
            | Self::Status(_)
            | Self::Malformed(_)
            | Self::BadSignature => false,
            Self::Trust(e) => e.is_retryable(),
        }
    }

    /// Fluent id of the message shown to the user.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NoReader => "error-card-no-reader",
            Self::NoCard => "error-card-no-card",
            Self::Removed => "error-card-removed",
            Self::ServiceUnavailable => "error-card-service",
            Self::WrongPin { .. } => "error-card-wrong-pin",
            Self::PinBlocked => "error-card-pin-blocked",
            Self::PinRequired => "error-card-pin-required",
            Self::PinFormat => "error-card-pin-format",
            Self::NotACps => "error-card-not-cps",
            Self::Status(_) => "error-card-status",
            Self::Malformed(_) => "error-card-malformed",
            Self::BadSignature => "error-card-bad-signature",
            Self::Pcsc(_) => "error-card-pcsc",
            Self::Trust(e) => e.message_id(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retryable_and_ids() {
        assert!(CardError::Removed.is_retryable());
        assert!(CardError::ServiceUnavailable.is_retryable());
        assert!(!CardError::WrongPin { attempts_left: 2 }.is_retryable());
        assert!(!CardError::PinBlocked.is_retryable());
        assert_eq!(
            CardError::WrongPin { attempts_left: 1 }.message_id(),
            "error-card-wrong-pin"
        );
        assert_eq!(
            CardError::WrongPin { attempts_left: 2 }.to_string(),
            "wrong PIN (2 attempts left)"
        );
        assert!(CardError::Status(0x6982).to_string().contains("6982"));
    }
}
