//! TD0.2, the existence test: the `PRPA_IN201307UV02` query with reasonCode `TEST_EXST`, and its
//! `PRPA_IN201308UV02` answer read into a [`DmpStatus`] — does the DMP exist, is it active, what
//! is the user's authorization (`AUTORISATION` attentionLine: VALIDE / EXPIRE / INTERDIT /
//! NON_EXISTE), is the user the DMP's treating physician (`STATUT_MT`), the patient's ids, web
//! account, link to Mon espace santé and the identity traits the DMP holds.
//!
//! [`DmpStatus::check_access`] turns this into "may the user consult now?" for one access mode
//! (normal, bris de glace, centre de régulation), following §5 of the protocol digest.

use super::ack::{Acknowledgement, QueryResponse};
use super::message::{MessageIds, QueryReason, Sender, write_patient_query};
use super::person::{NationalId, PatientTraits};
use super::registration::{DmpState, read_with};
use crate::dmp::error::{DmpError, Refusal, WireCode};
use crate::dmp::soap;
use crate::domain::Ins;
use crate::xml::{Element, Limits};

const TEST_EXST: QueryReason = QueryReason {
    code: "TEST_EXST",
    display_name: "Test d'existence de dossier",
};

/// How the user is accessing the DMP (the VIHF `PurposeOfUse`, TRE_R248).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AccessMode {
    #[default]
    Normal,
    /// Emergency access by a professional (`bris_de_glace`).
    BrisDeGlace,
    /// Regulating physician of a centre 15 / SAMU (`centre_15`).
    CentreDeRegulation,
}

impl AccessMode {
    /// The VIHF `PurposeOfUse` code.
    pub fn purpose_of_use(self) -> &'static str {
        match self {
            Self::Normal => "normal",
            Self::BrisDeGlace => "bris_de_glace",
            Self::CentreDeRegulation => "centre_15",
        }
    }
}

/// The user's authorization on the DMP (`AUTORISATION` attentionLine, `1.2.250.1.213.4.1.2.6.2`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthorizationStatus {
    /// `VALIDE`.
    Valid,
    /// `EXPIRE`.
    Expired,
    /// `INTERDIT`: the patient blocked this professional.
    Forbidden,
    /// `NON_EXISTE`: no authorization yet.
    Missing,
    Other(WireCode),
}

impl AuthorizationStatus {
    pub fn parse(code: &str) -> Self {
        match code.trim() {
            "VALIDE" => Self::Valid,
            "EXPIRE" => Self::Expired,
            "INTERDIT" => Self::Forbidden,
            "NON_EXISTE" => Self::Missing,
            other => Self::Other(WireCode::new(other)),
        }
    }
}

/// What the existence test says about a patient's DMP and the user's access to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmpStatus {
    pub acknowledgement: Acknowledgement,
    /// `OK` (found) / `NF` (no DMP); `None` when absent.
    pub query_response: Option<QueryResponse>,
    pub authorization: Option<AuthorizationStatus>,
    /// `STATUT_MT`: the user is the DMP's treating physician.
    pub treating_physician: Option<bool>,
    pub state: Option<DmpState>,
    /// Ids returned (INS-C legacy, INS).
    pub patient_ids: Vec<NationalId>,
    /// `COMPTE_INTERNET_OUVERT`: the patient's web access is open.
    pub web_account_open: Option<bool>,
    /// `RATTACHEMENT_ENS`: the DMP is linked to Mon espace santé.
    pub linked_to_mon_espace_sante: Option<bool>,
    /// The identity the DMP holds. Not to be displayed in "centre de régulation" mode: use
    /// [`DmpStatus::traits_for_display`].
    pub traits: Option<PatientTraits>,
}

/// The TD0.2 request for `ins`, as SOAP Body content.
pub fn build_existence_test(ins: &Ins, sender: &Sender, ids: &MessageIds) -> String {
    write_patient_query(&TEST_EXST, ins, sender, ids)
}

/// Reads a TD0.2 answer (SOAP body or envelope). Acknowledgement errors are kept in the status
/// (see [`DmpStatus::check_access`]); a SOAP Fault or a malformed answer is an error.
pub fn parse_existence_test(body: &str) -> Result<DmpStatus, DmpError> {
    read_existence_test(soap::parse(body, &Limits::HL7V3)?.root())
}

/// [`parse_existence_test`] of an answer already parsed (its envelope, its Body or the payload).
pub fn read_existence_test(root: Element<'_>) -> Result<DmpStatus, DmpError> {
    read_with(root, |message, reg| {
        Ok(DmpStatus {
            authorization: attention_line(message, "AUTORISATION")
                .and_then(|v| v.attr_trim("code"))
                .map(AuthorizationStatus::parse),
            treating_physician: attention_line(message, "STATUT_MT")
                .and_then(|v| v.attr_trim("value"))
                .and_then(super::person::parse_bool),
            web_account_open: reg.flag("COMPTE_INTERNET_OUVERT"),
            linked_to_mon_espace_sante: reg.flag("RATTACHEMENT_ENS"),
            acknowledgement: reg.acknowledgement,
            query_response: reg.query_response,
            state: reg.state,
            patient_ids: reg.patient_ids,
            traits: reg.traits,
        })
    })
}

/// The `value` of the `attentionLine` whose `keyWordText/@code` is `keyword`.
fn attention_line<'a>(message: Element<'a>, keyword: &str) -> Option<Element<'a>> {
    message
        .children_named("attentionLine")
        .find(|a| a.child("keyWordText").and_then(|k| k.attr_trim("code")) == Some(keyword))
        .and_then(|a| a.child("value"))
}

impl DmpStatus {
    /// True when the DMP answered `OK`.
    pub fn exists(&self) -> bool {
        self.query_response == Some(QueryResponse::Found)
    }

    /// The INS among the returned ids (valid key), if any.
    pub fn ins(&self) -> Option<Ins> {
        self.patient_ids.iter().find_map(NationalId::to_ins)
    }

    /// The traits the UI may show: none in "centre de régulation" mode (RG_0320).
    pub fn traits_for_display(&self, mode: AccessMode) -> Option<&PatientTraits> {
        match mode {
            AccessMode::CentreDeRegulation => None,
            AccessMode::Normal | AccessMode::BrisDeGlace => self.traits.as_ref(),
        }
    }

    /// May the user consult this DMP in `mode`? In order: the DMP's answer must not be an
    /// error; the DMP must exist and be active; then
    /// - normal: the authorization must be `VALIDE` (`EXPIRE`, `INTERDIT`, `NON_EXISTE` or none
    ///   give the matching refusal);
    /// - bris de glace: no authorization needed, but a professional the patient blocked stays
    ///   blocked (rule "NB1", which holds with or without the patient's authorization);
    /// - centre de régulation: the authorization is not checked at all.
    ///
    /// The patient's oppositions to emergency access are only known from TD1.3a
    /// ([`super::DmpAdminData::check_emergency_access`]) or from the DMP's refusal.
    pub fn check_access(&self, mode: AccessMode) -> Result<(), DmpError> {
        if let Some(err) = DmpError::from_hl7_ack(&self.acknowledgement) {
            return Err(err);
        }
        match &self.query_response {
            Some(QueryResponse::Found) => {}
            Some(QueryResponse::NotFound) => return Err(DmpError::refused(Refusal::NoDmp)),
            Some(other) => {
                return Err(DmpError::from_ack_details(
                    self.acknowledgement.code.clone(),
                    Some(WireCode::new(other.code())),
                    &self.acknowledgement.details,
                ));
            }
            None => return Err(DmpError::malformed("queryAck/queryResponseCode")),
        }
        match &self.state {
            Some(DmpState::Active) => {}
            Some(DmpState::Closed(_)) => return Err(DmpError::refused(Refusal::DmpClosed)),
            Some(DmpState::Other(_)) | None => {
                return Err(DmpError::malformed(
                    "patient/statusCode active or terminated",
                ));
            }
        }
        let authorization = self.authorization.as_ref();
        match mode {
            AccessMode::CentreDeRegulation => Ok(()),
            AccessMode::BrisDeGlace => match authorization {
                Some(AuthorizationStatus::Forbidden) => {
                    Err(DmpError::refused(Refusal::BlockedByPatient))
                }
                _ => Ok(()),
            },
            AccessMode::Normal => match authorization {
                Some(AuthorizationStatus::Valid) => Ok(()),
                Some(AuthorizationStatus::Expired) => {
                    Err(DmpError::refused(Refusal::AuthorizationExpired))
                }
                Some(AuthorizationStatus::Forbidden) => {
                    Err(DmpError::refused(Refusal::BlockedByPatient))
                }
                Some(AuthorizationStatus::Missing | AuthorizationStatus::Other(_)) | None => {
                    Err(DmpError::refused(Refusal::AuthorizationMissing))
                }
            },
        }
    }
}

#[cfg(test)]
#[path = "existence_tests.rs"]
mod tests;
