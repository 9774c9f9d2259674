//! What the identity requests and events carry between the UI and the workers: the providers
//! offered on the login screen, the card reader state, the choices of a first external login;
//! and the folder's DMP state.
//! Professionals' names and national ids appear here (the login screen shows them); patient
//! data never does.

use zeroize::Zeroizing;

/// An OpenID provider the login screen offers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderInfo {
    pub id: String,
    pub label: String,
    /// Pro Santé Connect (offers CIBA and the e-CPS).
    pub psc: bool,
    /// The provider has a CIBA endpoint configured.
    pub ciba: bool,
}

/// What the card reader shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardStatus {
    /// No PC/SC service (and no sandbox virtual card).
    NoService,
    /// Readers present, no card.
    NoCard { readers: Vec<String> },
    /// A CPS card is in a reader; its holder was read (no PIN yet).
    Inserted {
        serial: String,
        holder_name: String,
        national_id: String,
        /// PIN attempts left, when the card tells.
        attempts_left: Option<u8>,
        /// The sandbox virtual card, not a real one.
        virtual_card: bool,
    },
    /// The card left the reader.
    Removed,
    /// A card that is not a readable CPS card.
    Unreadable { message: &'static str },
}

/// The PIN was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PinOutcome {
    Wrong { attempts_left: u8 },
    Blocked,
}

/// How a first external login ends.
pub enum LinkChoice {
    /// Link to this local account, proven by its password.
    Password {
        login: String,
        password: Zeroizing<String>,
    },
    /// Ask an administrator to link to this account.
    AskAdministrator { login: String },
    /// Create an account whose role follows the profession.
    CreateAccount,
}

/// A link request waiting for an administrator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingLinkInfo {
    pub id: i64,
    pub account_login: String,
    pub trust_domain: String,
    pub national_id: String,
    pub requested_at: String,
}

/// What the folder shows about the DMP, beside the identity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DmpFolderStatus {
    /// The episode's record does not allow consultation: nothing was sent to the DMP.
    NotAllowed(crate::domain::RefusalReason),
    /// No DMP is configured.
    NotConfigured,
    /// The patient has no usable INS (provisional identity…): the DMP cannot be queried.
    NoIns,
    /// The signed-in user has no professional identity (national id) for the VIHF.
    NoProfessional,
    /// TD0.2 is on its way.
    Checking,
    /// The DMP answered.
    Badge {
        badge: crate::dmp::consult::DmpBadge,
        break_glass: bool,
        /// Chevet just set the individual authorization (TD0.3).
        authorized_now: bool,
    },
    /// The DMP could not be reached or refused; retry may help.
    Failed(super::UserMessage),
}
