//! What goes to INSi and what comes back: the traits searched ([`InsiTraits`]), a query
//! ([`InsiQuery`], by traits or from a carte Vitale), the identity found ([`InsiIdentity`]),
//! the answer's meaning ([`InsiAnswer`]) and a search's outcome ([`InsiReport`]). Every type
//! holding an identity redacts its `Debug`.

use std::fmt;

use chrono::NaiveDate;

use crate::dmp::hl7v3::new_uuid;
use crate::domain::{BirthTraits, Ins, Sex};

/// Identity traits as INSi searches them (the RNIV's strict traits).
#[derive(Clone, PartialEq, Eq)]
pub struct InsiTraits {
    /// Nom de naissance.
    pub birth_name: String,
    /// Prénoms de naissance, in order; a query sends the ones it holds, joined by a space.
    pub first_names: Vec<String>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// COG of the birthplace (INSEE commune code, `99xxx` abroad); sent only when present.
    pub birthplace_cog: Option<String>,
}

impl InsiTraits {
    /// The traits of a patient's folder: the birth first names split on spaces and commas
    /// (a compound first name such as `PIERRE-ALAIN` stays one).
    pub fn from_birth(b: &BirthTraits, birthplace_cog: Option<&str>) -> Self {
        Self {
            birth_name: b.birth_name.trim().to_owned(),
            first_names: split_first_names(&b.birth_first_names),
            sex: b.sex,
            birth_date: b.birth_date,
            birthplace_cog: birthplace_cog
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(str::to_owned),
        }
    }

    /// The same person with other first names to send (and the birthplace or not).
    pub fn with_first_names(&self, first_names: Vec<String>, birthplace: bool) -> Self {
        Self {
            first_names,
            birthplace_cog: if birthplace {
                self.birthplace_cog.clone()
            } else {
                None
            },
            ..self.clone()
        }
    }
}

/// First names as typed: separated by spaces or commas, empty parts dropped.
pub fn split_first_names(text: &str) -> Vec<String> {
    text.split([' ', ',', '\t'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

impl fmt::Debug for InsiTraits {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "InsiTraits({} first names, birthplace: {})",
            self.first_names.len(),
            self.birthplace_cog.is_some()
        )
    }
}

/// What a carte Vitale gives (RECVITALE): the beneficiary's NIR as read from the card, the
/// insured person's (ouvrant droit) NIR, the birth name, the birth date as on the card
/// (`YYYYMMDD`, possibly "lunar" such as `19600000`) and the birth rank.
#[derive(Clone, PartialEq, Eq)]
pub struct InsiVitale {
    /// NIR of the beneficiary as on the card (13 characters + 2-digit key).
    pub matricule_individu: String,
    /// NIR of the insured person (ouvrant droit), 13 + key.
    pub matricule_od: String,
    pub birth_name: String,
    /// As on the card, `YYYYMMDD` (day or month may be `00`).
    pub birth_date: String,
    /// Rang de naissance (twins), 1 by default.
    pub birth_rank: u8,
}

impl fmt::Debug for InsiVitale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "InsiVitale(rank {})", self.birth_rank)
    }
}

/// One INSi call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsiQuery {
    /// `rechercherInsAvecTraitsIdentite`: the traits, with the first names to send.
    Traits { traits: InsiTraits },
    /// `rechercherInsAvecCarteVitale`.
    CarteVitale { vitale: InsiVitale },
}

impl InsiQuery {
    /// The SOAP action of the operation.
    pub fn action(&self) -> &'static str {
        match self {
            Self::Traits { .. } => super::soap::ACTION_TRAITS,
            Self::CarteVitale { .. } => super::soap::ACTION_VITALE,
        }
    }
}

/// The identity INSi returned (`INDIVIDU`): the active INS, its history, the reference traits.
#[derive(Clone, PartialEq, Eq)]
pub struct InsiIdentity {
    /// `INSACTIF`: NIR (OID `.8`, `.10` in tests) or NIA (`.9`).
    pub ins: Ins,
    /// `INSHISTO`: earlier INS of the same person, most recent first as sent.
    pub history: Vec<Ins>,
    pub birth_name: String,
    /// `TIQ/Prenom`: the first birth first name.
    pub first_name: String,
    /// `TIQ/ListePrenom`, split on spaces (the first name alone when the list is absent).
    pub first_names: Vec<String>,
    pub sex: Sex,
    pub birth_date: NaiveDate,
    /// `TIQ/LieuNaissance`: COG of the birthplace.
    pub birthplace_cog: Option<String>,
}

impl fmt::Debug for InsiIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "InsiIdentity({:?}, {} in history)",
            self.ins,
            self.history.len()
        )
    }
}

/// What one call answered (`CR/CodeCR`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InsiAnswer {
    /// `00`: one identity.
    Found(InsiIdentity),
    /// `01`: "Aucune identité trouvée".
    NotFound,
    /// `02`: "Plusieurs identités trouvées".
    Several,
}

impl InsiAnswer {
    /// The `CodeCR` of the answer.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Found(_) => "00",
            Self::NotFound => "01",
            Self::Several => "02",
        }
    }
}

/// The outcome of [`search`](super::search): the last answer and how many calls it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InsiReport {
    pub answer: InsiAnswer,
    pub calls: u32,
}

/// The per-request values of the headers (fresh ones from [`RequestContext::fresh`]; tests
/// give fixed ones).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestContext {
    /// `ContexteBAM/Id`.
    pub bam_id: String,
    /// `ContexteLPS/Id`.
    pub lps_id: String,
    /// `wsa:MessageID` without its `uuid:` prefix.
    pub message_id: String,
    /// `Temps` of both contexts, ISO 8601 UTC.
    pub time: String,
}

impl RequestContext {
    /// New identifiers, the current time.
    pub fn fresh() -> Self {
        Self {
            bam_id: new_uuid(),
            lps_id: new_uuid(),
            message_id: new_uuid(),
            time: chrono::Utc::now()
                .format("%Y-%m-%dT%H:%M:%S%.3fZ")
                .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_names_split_on_spaces_and_commas_only() {
        let b = BirthTraits {
            birth_name: " ECETINSI ".into(),
            birth_first_names: "PIERRE-ALAIN, JEAN  MARC".into(),
            birth_date: NaiveDate::from_ymd_opt(1990, 1, 1).expect("date"),
            sex: Sex::Male,
            birthplace_insee: None,
        };
        let t = InsiTraits::from_birth(&b, Some(" "));
        assert_eq!(t.birth_name, "ECETINSI");
        assert_eq!(t.first_names, ["PIERRE-ALAIN", "JEAN", "MARC"]);
        assert_eq!(t.birthplace_cog, None);
        assert!(!format!("{t:?}").contains("PIERRE"));
    }
}
