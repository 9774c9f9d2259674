//! The DMP badge beside the patient's identity (DSR §3.2.2 b, step 2: "savoir sans clic si son
//! patient a un DMP ouvert et si son accès est autorisé"): TD0.2 read into one [`DmpBadge`] and
//! the facts the screens need ([`DmpFacts`]); TD0.3 to set the professional's individual
//! authorization, then the new badge.
//!
//! TD0.2 does not say whether the patient opposes emergency access. In bris de glace or centre 15
//! mode, once TD0.2 shows an open DMP the professional is not blocked from, [`DmpConsult::status`]
//! asks the DMP itself with a TD3.1 returning only entry ids: the DMP's refusal tells the
//! opposition. That probe is a real access in that mode (the DMP traces it and may notify the
//! patient), which is what the user asked for by choosing the mode; it is traced here too.

use chrono::{Months, NaiveDate, NaiveDateTime, Utc};

use super::{AccessMode, ConsultPatient, DmpConsult, Outcome, Session, TransactionCode};
use crate::dmp::error::{DmpError, Refusal};
use crate::dmp::hl7v3::{self, AuthorizationAction, AuthorizationStatus, DmpState, DmpStatus};
use crate::dmp::vihf::PurposeOfUse;
use crate::dmp::xds::{Cx, FindDocumentsQuery, ReturnType};
use crate::domain::ProfessionalInfo;
use crate::domain::dmp::DmpBadge;

/// The badge a refusal of the DMP implies, whatever the transaction.
pub fn badge_of_refusal(refusal: Refusal) -> Option<DmpBadge> {
    match refusal {
        Refusal::NoDmp => Some(DmpBadge::NoDmp),
        Refusal::DmpClosed => Some(DmpBadge::Closed),
        Refusal::AuthorizationMissing | Refusal::AuthorizationExpired => {
            Some(DmpBadge::NotAuthorized)
        }
        Refusal::BlockedByPatient => Some(DmpBadge::BlockedThisProfessional),
        Refusal::OppositionBrisDeGlace | Refusal::OppositionCentre15 => {
            Some(DmpBadge::PatientOpposed)
        }
        Refusal::DocumentNotFound
        | Refusal::UnknownPatient
        | Refusal::VihfRejected
        | Refusal::TooManyResults => None,
    }
}

/// What TD0.2 (and, in emergency modes, the probe) said, beside the badge. No identity traits.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DmpFacts {
    /// The mode the badge was computed for.
    pub purpose: Option<PurposeOfUse>,
    /// The DMP answered `OK` (a DMP exists, open or closed).
    pub exists: bool,
    pub closed: bool,
    /// When the DMP was closed, when the DMP says.
    pub closed_on: Option<NaiveDateTime>,
    /// The closure reason code (e.g. `FERMETURE_DEMANDE_PATIENT`).
    pub closure_reason: Option<String>,
    /// The professional's individual authorization (`VALIDE`, `EXPIRE`, `INTERDIT`,
    /// `NON_EXISTE`).
    pub authorization: Option<AuthorizationStatus>,
    /// The professional is the DMP's treating physician (`STATUT_MT`).
    pub treating_physician: Option<bool>,
    /// The patient's web access to Mon espace santé is open.
    pub web_account_open: Option<bool>,
    /// The DMP is linked to Mon espace santé.
    pub linked_to_mon_espace_sante: Option<bool>,
    /// Under 18 on the birth date the DMP holds (legal representatives involved).
    pub minor: Option<bool>,
    /// Known from the DMP's answer in bris de glace mode; `None` when not asked.
    pub opposes_break_glass: Option<bool>,
    /// Known from the DMP's answer in centre 15 mode; `None` when not asked.
    pub opposes_centre_15: Option<bool>,
}

/// The badge and its facts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    pub badge: DmpBadge,
    pub facts: DmpFacts,
}

fn hl7_mode(mode: &AccessMode) -> hl7v3::AccessMode {
    match mode {
        AccessMode::Normal => hl7v3::AccessMode::Normal,
        AccessMode::BreakGlass { .. } => hl7v3::AccessMode::BrisDeGlace,
        AccessMode::Centre15 => hl7v3::AccessMode::CentreDeRegulation,
    }
}

/// Under 18 on `today`.
pub(super) fn is_minor(birth: NaiveDate, today: NaiveDate) -> bool {
    birth
        .checked_add_months(Months::new(18 * 12))
        .is_some_and(|adult| adult > today)
}

fn facts_of(status: &DmpStatus, purpose: PurposeOfUse) -> DmpFacts {
    let (closed, closed_on, closure_reason) = match &status.state {
        Some(DmpState::Closed(c)) => (
            true,
            c.date,
            c.reason_code.as_ref().map(|r| r.as_str().to_owned()),
        ),
        _ => (false, None, None),
    };
    DmpFacts {
        purpose: Some(purpose),
        exists: status.exists(),
        closed,
        closed_on,
        closure_reason,
        authorization: status.authorization.clone(),
        treating_physician: status.treating_physician,
        web_account_open: status.web_account_open,
        linked_to_mon_espace_sante: status.linked_to_mon_espace_sante,
        minor: status
            .traits
            .as_ref()
            .and_then(|t| t.birth_date)
            .map(|b| is_minor(b, Utc::now().date_naive())),
        opposes_break_glass: None,
        opposes_centre_15: None,
    }
}

/// The badge TD0.2 gives for `mode`; an error when the answer itself is an error.
pub(super) fn badge_of(status: &DmpStatus, mode: &AccessMode) -> Result<DmpBadge, DmpError> {
    match status.check_access(hl7_mode(mode)) {
        Ok(()) => Ok(DmpBadge::Authorized),
        Err(e) => e.refusal().and_then(badge_of_refusal).ok_or(e),
    }
}

impl Session<'_> {
    async fn existence(&mut self, purpose: PurposeOfUse) -> Result<DmpStatus, DmpError> {
        let (client, ins) = (self.client, &self.patient.ins);
        let caller = self.caller_with(purpose);
        self.run(
            TransactionCode::Td02,
            purpose,
            Vec::new(),
            |_| Vec::new(),
            async move { client.exists(&caller, ins).await },
        )
        .await
    }

    /// TD0.2 then, in an emergency mode with access not yet refused, the probe.
    async fn status_report(&mut self) -> Result<StatusReport, DmpError> {
        let purpose = self.mode.purpose();
        let status = self.existence(purpose).await?;
        let mut facts = facts_of(&status, purpose);
        let mut badge = badge_of(&status, self.mode)?;
        if purpose == PurposeOfUse::Normal || badge != DmpBadge::Authorized {
            return Ok(StatusReport { badge, facts });
        }
        let (client, ins) = (self.client, &self.patient.ins);
        let caller = self.caller();
        let mut probe = FindDocumentsQuery::new(Cx::from_ins(ins));
        probe.return_type = ReturnType::ObjectRef;
        let answer = self
            .run(
                TransactionCode::Td31,
                purpose,
                Vec::new(),
                |_| Vec::new(),
                async move { client.find_documents(&caller, ins, &probe).await },
            )
            .await;
        let opposed = match answer {
            Ok(_) => false,
            Err(e) => match e.refusal() {
                Some(Refusal::OppositionBrisDeGlace | Refusal::OppositionCentre15) => true,
                Some(other) => {
                    badge = badge_of_refusal(other).ok_or(e)?;
                    return Ok(StatusReport { badge, facts });
                }
                None => return Err(e),
            },
        };
        if opposed {
            badge = DmpBadge::PatientOpposed;
        }
        match purpose {
            PurposeOfUse::BrisDeGlace => facts.opposes_break_glass = Some(opposed),
            PurposeOfUse::Centre15 => facts.opposes_centre_15 = Some(opposed),
            PurposeOfUse::Normal => {}
        }
        Ok(StatusReport { badge, facts })
    }
}

impl DmpConsult {
    /// The DMP badge for `professional` on this patient's DMP in `mode` (TD0.2; in bris de glace
    /// or centre 15 mode also the TD3.1 probe described in the module documentation).
    pub async fn status(
        &self,
        professional: &ProfessionalInfo,
        patient: &ConsultPatient,
        mode: &AccessMode,
    ) -> Outcome<StatusReport> {
        let mut session = self.session(professional, patient, mode);
        let result = session.status_report().await;
        session.finish(result)
    }

    /// Sets the professional's individual authorization (TD0.3, once the patient was informed
    /// and did not oppose), then reads the new badge in normal mode (TD0.2). A refused TD0.3 is
    /// the outcome's error (its refusal gives the badge, [`Outcome::badge_hint`]).
    pub async fn authorize(
        &self,
        professional: &ProfessionalInfo,
        patient: &ConsultPatient,
    ) -> Outcome<StatusReport> {
        let mode = AccessMode::Normal;
        let mut session = self.session(professional, patient, &mode);
        let (client, ins) = (session.client, &patient.ins);
        let caller = session.caller();
        let set = session
            .run(
                TransactionCode::Td03,
                PurposeOfUse::Normal,
                Vec::new(),
                |_| Vec::new(),
                async move {
                    client
                        .set_authorization(&caller, ins, AuthorizationAction::Add)
                        .await
                },
            )
            .await;
        let result = match set {
            Ok(()) => session.status_report().await,
            Err(e) => Err(e),
        };
        session.finish(result)
    }
}
