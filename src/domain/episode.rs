//! Care episodes (venues): hospitalisation, consultation, urgence, with their unit and the
//! FINESS géographique of the site. Consent to the DMP is recorded per episode (later issue).

use chrono::NaiveDateTime;

use super::patient::PatientId;

/// Row id of an episode in the local store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EpisodeId(pub i64);

/// Kind of care episode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EpisodeKind {
    /// Séjour hospitalier (complet ou de jour).
    Hospitalisation,
    /// Consultation externe.
    Consultation,
    /// Passage aux urgences.
    Urgence,
}

impl EpisodeKind {
    pub const ALL: [Self; 3] = [Self::Hospitalisation, Self::Consultation, Self::Urgence];

    /// Stable code stored in the database; HL7 v2 patient class (PV1-2) letters.
    pub fn code(self) -> &'static str {
        match self {
            Self::Hospitalisation => "I",
            Self::Consultation => "O",
            Self::Urgence => "E",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            Self::Hospitalisation => "episode-hospitalisation",
            Self::Consultation => "episode-consultation",
            Self::Urgence => "episode-urgence",
        }
    }

    /// Kinds for which the count of new DMP documents runs by default on opening the folder
    /// (external consultations and emergencies, where the patient's history is least known).
    pub fn counts_new_dmp_documents_by_default(self) -> bool {
        matches!(self, Self::Consultation | Self::Urgence)
    }
}

/// A care episode of a patient.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Episode {
    pub id: EpisodeId,
    pub patient_id: PatientId,
    pub kind: EpisodeKind,
    pub start: NaiveDateTime,
    /// None while the episode is open.
    pub end: Option<NaiveDateTime>,
    /// Unité fonctionnelle / service.
    pub unit: String,
    /// FINESS géographique of the site (9 characters).
    pub finess_geo: String,
}

impl Episode {
    pub fn is_open(&self) -> bool {
        self.end.is_none()
    }
}

/// Why a FINESS number is not valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FinessError {
    #[error("un numéro FINESS compte 9 caractères")]
    Length,
    #[error("un numéro FINESS ne contient que des chiffres (ou 2A/2B en Corse)")]
    Character,
    #[error("la clé du numéro FINESS ne correspond pas")]
    Key,
}

/// Checks a FINESS number: 2-character department, 6-digit order number and a Luhn key as
/// last digit. Corsican numbers start with `2A`/`2B`; the key is then computed with `20`
/// (assumption, see docs/decisions.md: no public source states the Corsican rule).
pub fn check_finess(finess: &str) -> Result<(), FinessError> {
    if finess.len() != 9 {
        return Err(FinessError::Length);
    }
    let mapped = match &finess[..2] {
        "2A" => format!("20{}", &finess[2..]),
        "2B" => format!("20{}", &finess[2..]),
        _ => finess.to_owned(),
    };
    let digits: Option<Vec<u32>> = mapped.chars().map(|c| c.to_digit(10)).collect();
    let digits = digits.ok_or(FinessError::Character)?;
    if luhn_valid(&digits) {
        Ok(())
    } else {
        Err(FinessError::Key)
    }
}

/// The Luhn check digit to append to `digits`.
pub fn luhn_check_digit(digits: &[u32]) -> u32 {
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &d)| if i % 2 == 0 { luhn_double(d) } else { d })
        .sum();
    (10 - sum % 10) % 10
}

fn luhn_double(d: u32) -> u32 {
    let x = d * 2;
    if x > 9 { x - 9 } else { x }
}

fn luhn_valid(digits: &[u32]) -> bool {
    match digits.split_last() {
        Some((&last, rest)) => luhn_check_digit(rest) == last,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_default_counting() {
        for k in EpisodeKind::ALL {
            assert_eq!(EpisodeKind::from_code(k.code()), Some(k));
        }
        assert!(!EpisodeKind::Hospitalisation.counts_new_dmp_documents_by_default());
        assert!(EpisodeKind::Urgence.counts_new_dmp_documents_by_default());
        assert!(EpisodeKind::Consultation.counts_new_dmp_documents_by_default());
    }

    #[test]
    fn finess_luhn_key() {
        // 75000001 → check digit computed by Luhn.
        let base = [7, 5, 0, 0, 0, 0, 0, 1];
        let key = luhn_check_digit(&base);
        let good = format!("75000001{key}");
        assert_eq!(check_finess(&good), Ok(()));
        let bad = format!("75000001{}", (key + 1) % 10);
        assert_eq!(check_finess(&bad), Err(FinessError::Key));
        assert_eq!(check_finess("7500"), Err(FinessError::Length));
        assert_eq!(check_finess("75X000011"), Err(FinessError::Character));
    }

    #[test]
    fn known_luhn_example() {
        // Classic Luhn example: 7992739871 has check digit 3.
        assert_eq!(luhn_check_digit(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1]), 3);
    }
}
