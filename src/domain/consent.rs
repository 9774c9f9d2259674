//! The patient's information and opposition about the DMP / Mon espace santé, recorded **per
//! care episode** (DSR HOP-DPI Va2 §3.2.2 a), SC.DMP/CONF.06, CONF.09), and the decisions it
//! implies for feeding and consulting the DMP, including access in *bris de glace*.
//!
//! # What is recorded
//!
//! The DSR screen has three mutually exclusive radio buttons, and under the second two
//! check boxes that are both ticked when it is selected:
//!
//! - « Le patient informé et non opposé à l'utilisation de son DMP » →
//!   [`Information::InformedNotOpposed`], no opposition flag;
//! - « Le patient informé et opposé à l'utilisation de son DMP » →
//!   [`Information::InformedOpposed`], with « s'oppose à l'alimentation » (`opposes_feeding`)
//!   and « s'oppose à la consultation » (`opposes_consultation`);
//! - « Accès en mode bris de glace avec motif justificatif » → [`Information::NotRecorded`]
//!   (the patient could not be informed: unconscious, emergency) with a [`BreakGlass`] reason.
//!
//! Nothing ticked (or a record saying the patient could not be informed yet) is
//! [`Information::NotRecorded`].
//!
//! # Decisions taken here
//!
//! 1. **Defaults** (DSR « valeur par défaut »): nothing recorded → feeding **allowed**,
//!    consultation **refused** ([`RefusalReason::NotInformed`]).
//! 2. **« Informé et opposé » without detail means opposed to both** feeding and consultation:
//!    the DSR ticks both boxes by default, and it is the reading that never acts against the
//!    patient's will. [`ConsentChange`] stores the two flags explicitly, so a stored row is
//!    never ambiguous; the decision functions apply the same rule to any row that would be.
//! 3. **An opposition flag always wins.** A flag set with another information value (which a
//!    [`ConsentChange`] cannot produce, but a hand-built [`EpisodeConsent`] could) is honoured.
//! 4. **Bris de glace replaces the information, it does not override an opposition.** It is
//!    the third radio button: it is recorded only when the patient is not informed, needs a
//!    reason of [`BREAK_GLASS_REASON_MIN_CHARS`] to [`BREAK_GLASS_REASON_MAX_CHARS`]
//!    characters, leaves feeding as by default, and is refused when the patient opposed
//!    emergency access in the DMP (known only from the DMP's answer, hence a parameter). A
//!    patient who, informed during the episode, opposed consultation is not consulted in bris
//!    de glace either.
//! 5. **Per episode only.** A record (and so a bris de glace) applies to the whole care team,
//!    for its episode only; the record that counts when a folder opens is the one of the
//!    episode in progress ([`episode_in_progress`]). Every record is a full state, not a
//!    delta: the latest one of the episode is the current state.
//! 6. **The individual DMP authorization** may be set automatically only when the patient is
//!    informed and not opposed to consultation ([`may_set_authorization`]); bris de glace
//!    needs no authorization and never sets one.

use chrono::NaiveDate;

use super::episode::{Episode, EpisodeId};

/// Fewest characters (after trimming) of a bris de glace reason.
pub const BREAK_GLASS_REASON_MIN_CHARS: usize = 10;
/// Most characters (after trimming) of a bris de glace reason.
pub const BREAK_GLASS_REASON_MAX_CHARS: usize = 500;

/// Whether the patient was informed, and what they answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Information {
    /// Not informed (nothing recorded, or recorded as not informed yet / not possible).
    #[default]
    NotRecorded,
    /// « Patient informé et non opposé ».
    InformedNotOpposed,
    /// « Patient informé et opposé »: see the `opposes_*` flags of the record.
    InformedOpposed,
}

impl Information {
    pub const ALL: [Self; 3] = [
        Self::NotRecorded,
        Self::InformedNotOpposed,
        Self::InformedOpposed,
    ];

    /// Stable code stored in the database.
    pub fn code(self) -> &'static str {
        match self {
            Self::NotRecorded => "none",
            Self::InformedNotOpposed => "not-opposed",
            Self::InformedOpposed => "opposed",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.code() == code)
    }

    /// Fluent id of the radio button / status label.
    pub fn label_key(self) -> &'static str {
        match self {
            Self::NotRecorded => "dmp-consent-not-informed",
            Self::InformedNotOpposed => "dmp-consent-informed-not-opposed",
            Self::InformedOpposed => "dmp-consent-informed-opposed",
        }
    }
}

/// A declared access in bris de glace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BreakGlass {
    /// The justification, trimmed (free text: kept in the store, never in the audit trail).
    pub reason: String,
    /// Login of the professional who declared it.
    pub by_login: String,
    /// When it was declared (store time text, UTC).
    pub at: String,
}

/// The state recorded for one care episode (one row of its history).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EpisodeConsent {
    pub episode: EpisodeId,
    pub information: Information,
    /// « S'oppose à l'alimentation » (legitimate reason, neither recorded nor transmitted).
    pub opposes_feeding: bool,
    /// « S'oppose à la consultation ».
    pub opposes_consultation: bool,
    pub break_glass: Option<BreakGlass>,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// What the record means once the rules of the module documentation are applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Effective {
    informed: bool,
    opposes_feeding: bool,
    opposes_consultation: bool,
    break_glass: bool,
}

fn effective(c: Option<&EpisodeConsent>) -> Effective {
    let Some(c) = c else {
        return Effective {
            informed: false,
            opposes_feeding: false,
            opposes_consultation: false,
            break_glass: false,
        };
    };
    let no_detail = !c.opposes_feeding && !c.opposes_consultation;
    let both = c.information == Information::InformedOpposed && no_detail;
    Effective {
        informed: c.information != Information::NotRecorded,
        opposes_feeding: c.opposes_feeding || both,
        opposes_consultation: c.opposes_consultation || both,
        break_glass: c.break_glass.is_some(),
    }
}

impl EpisodeConsent {
    /// Short code of the state, for the audit trail and logs: `not-informed`, `not-opposed`,
    /// `opposed:feeding`, `opposed:consultation`, `opposed:feeding+consultation`,
    /// `break-glass`. Never contains the reason.
    pub fn state_code(&self) -> &'static str {
        state_code(Some(self))
    }
}

/// [`EpisodeConsent::state_code`], with `none` when nothing is recorded.
pub fn state_code(c: Option<&EpisodeConsent>) -> &'static str {
    let Some(record) = c else {
        return "none";
    };
    let e = effective(c);
    match (e.opposes_feeding, e.opposes_consultation) {
        (true, true) => "opposed:feeding+consultation",
        (true, false) => "opposed:feeding",
        (false, true) => "opposed:consultation",
        (false, false) if e.informed => "not-opposed",
        (false, false) if record.break_glass.is_some() => "break-glass",
        (false, false) => "not-informed",
    }
}

/// How the DMP is consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AccessMode {
    /// With the professional's authorization (VIHF `PurposeOfUse` `normal`).
    Normal,
    /// Emergency access with a reason (`bris_de_glace`).
    BreakGlass,
}

/// Why the DMP may not be consulted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RefusalReason {
    /// Nothing recorded for the episode, or not informed: the default.
    NotInformed,
    /// The patient, informed, opposed consultation.
    PatientOpposed,
    /// Bris de glace declared, but the patient opposed emergency access in the DMP.
    BreakGlassOpposedByPatient,
}

impl RefusalReason {
    /// Fluent id of the explanation shown to the user.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::NotInformed => "dmp-consent-refused-not-informed",
            Self::PatientOpposed => "dmp-consent-refused-opposed",
            Self::BreakGlassOpposedByPatient => "dmp-consent-refused-break-glass-opposed",
        }
    }

    /// Short stable code for the audit trail.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NotInformed => "not-informed",
            Self::PatientOpposed => "opposed",
            Self::BreakGlassOpposedByPatient => "break-glass-opposed",
        }
    }
}

/// May the DMP be consulted for this episode, and how.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConsultationDecision {
    Allowed { mode: AccessMode },
    Refused(RefusalReason),
}

impl ConsultationDecision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed { .. })
    }
}

/// Why the DMP may not be fed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FeedingRefusal {
    /// The patient, informed, opposed feeding (for a legitimate reason).
    PatientOpposed,
}

impl FeedingRefusal {
    /// Fluent id of the explanation shown to the user.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::PatientOpposed => "dmp-consent-feeding-refused-opposed",
        }
    }

    /// Short stable code for the audit trail.
    pub fn code(&self) -> &'static str {
        match self {
            Self::PatientOpposed => "feeding-opposed",
        }
    }
}

/// May the DMP be fed with this episode's documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedingDecision {
    Allowed,
    Refused(FeedingRefusal),
}

impl FeedingDecision {
    pub fn is_allowed(&self) -> bool {
        matches!(self, Self::Allowed)
    }
}

/// Consultation rule. `c` is the current record of the episode in progress (None: nothing
/// recorded); `patient_opposes_break_glass` comes from the DMP (TD0.2 / TD1.3a), false when
/// unknown (the DMP then refuses by itself).
pub fn consultation(
    c: Option<&EpisodeConsent>,
    patient_opposes_break_glass: bool,
) -> ConsultationDecision {
    let e = effective(c);
    if e.opposes_consultation {
        ConsultationDecision::Refused(RefusalReason::PatientOpposed)
    } else if e.informed {
        ConsultationDecision::Allowed {
            mode: AccessMode::Normal,
        }
    } else if e.break_glass {
        if patient_opposes_break_glass {
            ConsultationDecision::Refused(RefusalReason::BreakGlassOpposedByPatient)
        } else {
            ConsultationDecision::Allowed {
                mode: AccessMode::BreakGlass,
            }
        }
    } else {
        ConsultationDecision::Refused(RefusalReason::NotInformed)
    }
}

/// Feeding rule: allowed unless the patient opposed feeding (allowed by default).
pub fn feeding(c: Option<&EpisodeConsent>) -> FeedingDecision {
    if effective(c).opposes_feeding {
        FeedingDecision::Refused(FeedingRefusal::PatientOpposed)
    } else {
        FeedingDecision::Allowed
    }
}

/// May Chevet set the user's individual DMP authorization by itself (zero-click status)?
/// Only when the patient is informed and not opposed to consultation.
pub fn may_set_authorization(c: Option<&EpisodeConsent>) -> bool {
    matches!(
        consultation(c, false),
        ConsultationDecision::Allowed {
            mode: AccessMode::Normal
        }
    )
}

/// Why a bris de glace reason is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BreakGlassError {
    #[error("a reason is required for an access in bris de glace")]
    Empty,
    #[error("the reason must have at least {min} characters")]
    TooShort { min: usize },
    #[error("the reason must have at most {max} characters")]
    TooLong { max: usize },
}

impl BreakGlassError {
    /// Never: the same reason is refused again until the user changes it.
    pub fn is_retryable(&self) -> bool {
        false
    }

    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Empty => "dmp-break-glass-reason-empty",
            Self::TooShort { .. } => "dmp-break-glass-reason-too-short",
            Self::TooLong { .. } => "dmp-break-glass-reason-too-long",
        }
    }
}

/// Checks a bris de glace reason; returns it trimmed. Lengths count characters, not bytes.
pub fn validate_break_glass_reason(reason: &str) -> Result<String, BreakGlassError> {
    let trimmed = reason.trim();
    let chars = trimmed.chars().count();
    if chars == 0 {
        Err(BreakGlassError::Empty)
    } else if chars < BREAK_GLASS_REASON_MIN_CHARS {
        Err(BreakGlassError::TooShort {
            min: BREAK_GLASS_REASON_MIN_CHARS,
        })
    } else if chars > BREAK_GLASS_REASON_MAX_CHARS {
        Err(BreakGlassError::TooLong {
            max: BREAK_GLASS_REASON_MAX_CHARS,
        })
    } else {
        Ok(trimmed.to_owned())
    }
}

/// Why a form's answer cannot be recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ConsentError {
    #[error("an opposition needs the patient to be informed and opposed")]
    OppositionWithoutInformedOpposed,
    #[error("bris de glace is recorded only when the patient could not be informed")]
    BreakGlassWhileInformed,
    #[error("bris de glace: {0}")]
    BreakGlass(#[from] BreakGlassError),
}

impl ConsentError {
    /// Never: the same answer is refused again until the user changes it.
    pub fn is_retryable(&self) -> bool {
        false
    }

    pub fn message_id(&self) -> &'static str {
        match self {
            Self::OppositionWithoutInformedOpposed => "dmp-consent-invalid-opposition",
            Self::BreakGlassWhileInformed => "dmp-consent-invalid-break-glass",
            Self::BreakGlass(e) => e.message_id(),
        }
    }
}

/// A new state to record for an episode, valid by construction (fields are private: build
/// it with the constructors, or [`ConsentChange::from_form`] for a form or an HL7 message).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsentChange {
    information: Information,
    opposes_feeding: bool,
    opposes_consultation: bool,
    break_glass_reason: Option<String>,
}

impl ConsentChange {
    /// « Patient informé et non opposé ».
    pub fn informed_not_opposed() -> Self {
        Self {
            information: Information::InformedNotOpposed,
            opposes_feeding: false,
            opposes_consultation: false,
            break_glass_reason: None,
        }
    }

    /// « Patient informé et opposé », with the two boxes; none ticked means both (decision 2).
    pub fn informed_opposed(feeding: bool, consultation: bool) -> Self {
        let both = !feeding && !consultation;
        Self {
            information: Information::InformedOpposed,
            opposes_feeding: feeding || both,
            opposes_consultation: consultation || both,
            break_glass_reason: None,
        }
    }

    /// The patient is (still) not informed: back to the defaults.
    pub fn not_informed() -> Self {
        Self {
            information: Information::NotRecorded,
            opposes_feeding: false,
            opposes_consultation: false,
            break_glass_reason: None,
        }
    }

    /// Access in bris de glace with its reason (checked and trimmed).
    pub fn break_glass(reason: &str) -> Result<Self, BreakGlassError> {
        Ok(Self {
            break_glass_reason: Some(validate_break_glass_reason(reason)?),
            ..Self::not_informed()
        })
    }

    /// From the raw fields of a form (or of an HL7 message). Refuses a bris de glace reason
    /// with « informé », and an opposition flag without « informé et opposé »; « informé et
    /// opposé » with no box ticked means both (decision 2). `Some` reason asks for a bris de
    /// glace, so a blank one is refused ([`BreakGlassError::Empty`]).
    pub fn from_form(
        information: Information,
        opposes_feeding: bool,
        opposes_consultation: bool,
        break_glass_reason: Option<&str>,
    ) -> Result<Self, ConsentError> {
        let flagged = opposes_feeding || opposes_consultation;
        match (information, break_glass_reason) {
            (Information::InformedNotOpposed | Information::InformedOpposed, Some(_)) => {
                Err(ConsentError::BreakGlassWhileInformed)
            }
            (Information::InformedOpposed, None) => Ok(Self::informed_opposed(
                opposes_feeding,
                opposes_consultation,
            )),
            _ if flagged => Err(ConsentError::OppositionWithoutInformedOpposed),
            (Information::InformedNotOpposed, None) => Ok(Self::informed_not_opposed()),
            (Information::NotRecorded, None) => Ok(Self::not_informed()),
            (Information::NotRecorded, Some(reason)) => Ok(Self::break_glass(reason)?),
        }
    }

    pub fn information(&self) -> Information {
        self.information
    }

    pub fn opposes_feeding(&self) -> bool {
        self.opposes_feeding
    }

    pub fn opposes_consultation(&self) -> bool {
        self.opposes_consultation
    }

    /// The trimmed reason, for a bris de glace.
    pub fn break_glass_reason(&self) -> Option<&str> {
        self.break_glass_reason.as_deref()
    }

    pub fn is_break_glass(&self) -> bool {
        self.break_glass_reason.is_some()
    }

    /// The record this change becomes once stored by `actor` at `at`.
    pub fn to_record(&self, episode: EpisodeId, actor: &str, at: &str) -> EpisodeConsent {
        EpisodeConsent {
            episode,
            information: self.information,
            opposes_feeding: self.opposes_feeding,
            opposes_consultation: self.opposes_consultation,
            break_glass: self.break_glass_reason.as_ref().map(|reason| BreakGlass {
                reason: reason.clone(),
                by_login: actor.to_owned(),
                at: at.to_owned(),
            }),
            recorded_by: actor.to_owned(),
            recorded_at: at.to_owned(),
        }
    }
}

/// The episode whose record counts on `today` among a patient's episodes: started on or
/// before `today` and not ended before it. An open episode (no end) wins over one that ended
/// today; then the latest start, then the highest id.
pub fn episode_in_progress(episodes: &[Episode], today: NaiveDate) -> Option<&Episode> {
    episodes
        .iter()
        .filter(|e| e.start.date() <= today && e.end.is_none_or(|end| end.date() >= today))
        .max_by_key(|e| (e.is_open(), e.start, e.id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{EpisodeKind, PatientId};

    fn record(information: Information, feeding: bool, consultation: bool) -> EpisodeConsent {
        EpisodeConsent {
            episode: EpisodeId(1),
            information,
            opposes_feeding: feeding,
            opposes_consultation: consultation,
            break_glass: None,
            recorded_by: "secretaire".into(),
            recorded_at: "2025-01-01T10:00:00Z".into(),
        }
    }

    fn with_break_glass(mut c: EpisodeConsent) -> EpisodeConsent {
        c.break_glass = Some(BreakGlass {
            reason: "patient inconscient, polytraumatisé".into(),
            by_login: "medecin".into(),
            at: "2025-01-01T10:05:00Z".into(),
        });
        c
    }

    const NORMAL: ConsultationDecision = ConsultationDecision::Allowed {
        mode: AccessMode::Normal,
    };
    const BREAK_GLASS: ConsultationDecision = ConsultationDecision::Allowed {
        mode: AccessMode::BreakGlass,
    };
    const NOT_INFORMED: ConsultationDecision =
        ConsultationDecision::Refused(RefusalReason::NotInformed);
    const OPPOSED: ConsultationDecision =
        ConsultationDecision::Refused(RefusalReason::PatientOpposed);
    const BG_OPPOSED: ConsultationDecision =
        ConsultationDecision::Refused(RefusalReason::BreakGlassOpposedByPatient);
    const FEED_REFUSED: FeedingDecision = FeedingDecision::Refused(FeedingRefusal::PatientOpposed);

    #[test]
    fn defaults_allow_feeding_and_refuse_consultation() {
        assert_eq!(feeding(None), FeedingDecision::Allowed);
        assert_eq!(consultation(None, false), NOT_INFORMED);
        assert_eq!(consultation(None, true), NOT_INFORMED);
        assert!(!may_set_authorization(None));
        let nothing = record(Information::NotRecorded, false, false);
        assert_eq!(feeding(Some(&nothing)), FeedingDecision::Allowed);
        assert_eq!(consultation(Some(&nothing), false), NOT_INFORMED);
        assert!(!may_set_authorization(Some(&nothing)));
        assert_eq!(state_code(None), "none");
        assert_eq!(nothing.state_code(), "not-informed");
    }

    /// Every combination of information × flags × bris de glace × DMP opposition to bris de
    /// glace, against the table written out by hand.
    #[test]
    fn decision_table() {
        use Information::*;
        // (information, feeding flag, consultation flag, bris de glace)
        //   → (feeding, consultation if the DMP allows bris de glace, if it refuses it,
        //      may set authorization)
        #[rustfmt::skip]
        let table = [
            (NotRecorded,        false, false, false, true,  NOT_INFORMED, NOT_INFORMED, false),
            (NotRecorded,        false, false, true,  true,  BREAK_GLASS,  BG_OPPOSED,   false),
            (NotRecorded,        true,  false, false, false, NOT_INFORMED, NOT_INFORMED, false),
            (NotRecorded,        true,  false, true,  false, BREAK_GLASS,  BG_OPPOSED,   false),
            (NotRecorded,        false, true,  false, true,  OPPOSED,      OPPOSED,      false),
            (NotRecorded,        false, true,  true,  true,  OPPOSED,      OPPOSED,      false),
            (NotRecorded,        true,  true,  false, false, OPPOSED,      OPPOSED,      false),
            (NotRecorded,        true,  true,  true,  false, OPPOSED,      OPPOSED,      false),
            (InformedNotOpposed, false, false, false, true,  NORMAL,       NORMAL,       true),
            (InformedNotOpposed, false, false, true,  true,  NORMAL,       NORMAL,       true),
            (InformedNotOpposed, true,  false, false, false, NORMAL,       NORMAL,       true),
            (InformedNotOpposed, true,  false, true,  false, NORMAL,       NORMAL,       true),
            (InformedNotOpposed, false, true,  false, true,  OPPOSED,      OPPOSED,      false),
            (InformedNotOpposed, false, true,  true,  true,  OPPOSED,      OPPOSED,      false),
            (InformedNotOpposed, true,  true,  false, false, OPPOSED,      OPPOSED,      false),
            (InformedNotOpposed, true,  true,  true,  false, OPPOSED,      OPPOSED,      false),
            // « Informé et opposé » without detail: opposed to both.
            (InformedOpposed,    false, false, false, false, OPPOSED,      OPPOSED,      false),
            (InformedOpposed,    false, false, true,  false, OPPOSED,      OPPOSED,      false),
            (InformedOpposed,    true,  false, false, false, NORMAL,       NORMAL,       true),
            (InformedOpposed,    true,  false, true,  false, NORMAL,       NORMAL,       true),
            (InformedOpposed,    false, true,  false, true,  OPPOSED,      OPPOSED,      false),
            (InformedOpposed,    false, true,  true,  true,  OPPOSED,      OPPOSED,      false),
            (InformedOpposed,    true,  true,  false, false, OPPOSED,      OPPOSED,      false),
            (InformedOpposed,    true,  true,  true,  false, OPPOSED,      OPPOSED,      false),
        ];
        assert_eq!(table.len(), 3 * 2 * 2 * 2);
        for (info, f, c, bg, feed_ok, bg_allowed, bg_refused, auth) in table {
            let mut r = record(info, f, c);
            if bg {
                r = with_break_glass(r);
            }
            let case = format!("{info:?} feeding={f} consultation={c} bg={bg}");
            assert_eq!(feeding(Some(&r)).is_allowed(), feed_ok, "{case}");
            if !feed_ok {
                assert_eq!(feeding(Some(&r)), FEED_REFUSED, "{case}");
            }
            assert_eq!(consultation(Some(&r), false), bg_allowed, "{case}");
            assert_eq!(consultation(Some(&r), true), bg_refused, "{case}");
            assert_eq!(may_set_authorization(Some(&r)), auth, "{case}");
        }
    }

    #[test]
    fn the_three_dsr_answers() {
        let yes = ConsentChange::informed_not_opposed().to_record(EpisodeId(1), "a", "t");
        assert_eq!(feeding(Some(&yes)), FeedingDecision::Allowed);
        assert_eq!(consultation(Some(&yes), true), NORMAL);
        assert!(may_set_authorization(Some(&yes)));
        assert_eq!(yes.state_code(), "not-opposed");

        let no = ConsentChange::informed_opposed(false, false).to_record(EpisodeId(1), "a", "t");
        assert!(no.opposes_feeding && no.opposes_consultation);
        assert_eq!(feeding(Some(&no)), FEED_REFUSED);
        assert_eq!(consultation(Some(&no), false), OPPOSED);
        assert_eq!(no.state_code(), "opposed:feeding+consultation");

        let feed_only =
            ConsentChange::informed_opposed(true, false).to_record(EpisodeId(1), "a", "t");
        assert_eq!(feeding(Some(&feed_only)), FEED_REFUSED);
        assert_eq!(consultation(Some(&feed_only), false), NORMAL);
        assert_eq!(feed_only.state_code(), "opposed:feeding");

        let consult_only =
            ConsentChange::informed_opposed(false, true).to_record(EpisodeId(1), "a", "t");
        assert_eq!(feeding(Some(&consult_only)), FeedingDecision::Allowed);
        assert_eq!(consultation(Some(&consult_only), false), OPPOSED);
        assert!(!may_set_authorization(Some(&consult_only)));
        assert_eq!(consult_only.state_code(), "opposed:consultation");

        let bg = ConsentChange::break_glass("  Patient inconscient à l'arrivée  ")
            .expect("reason")
            .to_record(EpisodeId(1), "medecin", "t");
        let declared = bg.break_glass.as_ref().expect("break glass");
        assert_eq!(declared.reason, "Patient inconscient à l'arrivée");
        assert_eq!(declared.by_login, "medecin");
        assert_eq!(feeding(Some(&bg)), FeedingDecision::Allowed);
        assert_eq!(consultation(Some(&bg), false), BREAK_GLASS);
        assert_eq!(consultation(Some(&bg), true), BG_OPPOSED);
        assert!(!may_set_authorization(Some(&bg)));
        assert_eq!(bg.state_code(), "break-glass");
    }

    #[test]
    fn break_glass_needs_a_reason() {
        assert_eq!(
            validate_break_glass_reason("   \n "),
            Err(BreakGlassError::Empty)
        );
        assert_eq!(
            validate_break_glass_reason("  urgence "),
            Err(BreakGlassError::TooShort { min: 10 })
        );
        // Nine characters in ten bytes: characters are counted, not bytes.
        assert_eq!(
            validate_break_glass_reason("inconscié"),
            Err(BreakGlassError::TooShort { min: 10 })
        );
        assert_eq!(
            validate_break_glass_reason(" inconsciée ").as_deref(),
            Ok("inconsciée")
        );
        assert!(validate_break_glass_reason(&"é".repeat(500)).is_ok());
        assert_eq!(
            validate_break_glass_reason(&"a".repeat(501)),
            Err(BreakGlassError::TooLong { max: 500 })
        );
        assert!(ConsentChange::break_glass("").is_err());
        let e = BreakGlassError::Empty;
        assert!(!e.is_retryable());
        assert_eq!(e.message_id(), "dmp-break-glass-reason-empty");
    }

    #[test]
    fn forms_are_checked() {
        use Information::*;
        assert_eq!(
            ConsentChange::from_form(InformedOpposed, false, false, None),
            Ok(ConsentChange::informed_opposed(true, true))
        );
        assert_eq!(
            ConsentChange::from_form(InformedOpposed, false, true, None),
            Ok(ConsentChange::informed_opposed(false, true))
        );
        assert_eq!(
            ConsentChange::from_form(InformedNotOpposed, false, false, None),
            Ok(ConsentChange::informed_not_opposed())
        );
        assert_eq!(
            ConsentChange::from_form(NotRecorded, false, false, None),
            Ok(ConsentChange::not_informed())
        );
        assert_eq!(
            ConsentChange::from_form(InformedNotOpposed, true, false, None),
            Err(ConsentError::OppositionWithoutInformedOpposed)
        );
        assert_eq!(
            ConsentChange::from_form(NotRecorded, false, true, None),
            Err(ConsentError::OppositionWithoutInformedOpposed)
        );
        assert_eq!(
            ConsentChange::from_form(NotRecorded, true, false, Some("inconscient ++")),
            Err(ConsentError::OppositionWithoutInformedOpposed)
        );
        assert_eq!(
            ConsentChange::from_form(InformedNotOpposed, false, false, Some("inconscient ++")),
            Err(ConsentError::BreakGlassWhileInformed)
        );
        assert_eq!(
            ConsentChange::from_form(InformedOpposed, true, true, Some("inconscient ++")),
            Err(ConsentError::BreakGlassWhileInformed)
        );
        assert_eq!(
            ConsentChange::from_form(NotRecorded, false, false, Some(" ")),
            Err(ConsentError::BreakGlass(BreakGlassError::Empty))
        );
        let bg = ConsentChange::from_form(NotRecorded, false, false, Some("arrêt cardiaque"))
            .expect("bg");
        assert!(bg.is_break_glass());
        assert_eq!(bg.break_glass_reason(), Some("arrêt cardiaque"));
        assert_eq!(
            ConsentError::BreakGlass(BreakGlassError::TooLong { max: 500 }).message_id(),
            "dmp-break-glass-reason-too-long"
        );
    }

    #[test]
    fn codes_round_trip_and_reasons_have_messages() {
        for i in Information::ALL {
            assert_eq!(Information::from_code(i.code()), Some(i));
            assert!(i.label_key().starts_with("dmp-consent-"));
        }
        for r in [
            RefusalReason::NotInformed,
            RefusalReason::PatientOpposed,
            RefusalReason::BreakGlassOpposedByPatient,
        ] {
            assert!(r.message_id().starts_with("dmp-consent-refused-"));
            assert!(!r.code().is_empty());
        }
        assert_eq!(
            FeedingRefusal::PatientOpposed.message_id(),
            "dmp-consent-feeding-refused-opposed"
        );
    }

    fn episode(id: i64, start: &str, end: Option<&str>) -> Episode {
        let parse = |t: &str| {
            chrono::NaiveDateTime::parse_from_str(t, "%Y-%m-%dT%H:%M").expect("date-time")
        };
        Episode {
            id: EpisodeId(id),
            patient_id: PatientId(1),
            kind: EpisodeKind::Consultation,
            start: parse(start),
            end: end.map(parse),
            unit: "Cardiologie".into(),
            finess_geo: "750000010".into(),
        }
    }

    #[test]
    fn the_episode_in_progress() {
        let today = NaiveDate::from_ymd_opt(2025, 3, 10).expect("date");
        let old = episode(1, "2025-01-02T09:00", Some("2025-01-02T10:00"));
        let future = episode(2, "2025-03-12T09:00", None);
        assert_eq!(
            episode_in_progress(&[old.clone(), future.clone()], today),
            None
        );
        assert_eq!(episode_in_progress(&[], today), None);

        let this_morning = episode(3, "2025-03-10T08:00", Some("2025-03-10T08:30"));
        let pair = [old.clone(), this_morning.clone()];
        let found = episode_in_progress(&pair, today);
        assert_eq!(found.map(|e| e.id), Some(EpisodeId(3)));

        let stay = episode(4, "2025-03-01T20:00", None);
        let all = [old, future, this_morning, stay];
        assert_eq!(
            episode_in_progress(&all, today).map(|e| e.id),
            Some(EpisodeId(4))
        );
        let ended_yesterday = episode(5, "2025-03-01T20:00", Some("2025-03-09T12:00"));
        assert_eq!(episode_in_progress(&[ended_yesterday], today), None);
    }
}
