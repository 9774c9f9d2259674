//! The INS (Identifiant National de Santé): the matricule (NIR or NIA, 13 characters plus a
//! two-digit control key) and the OID that says which register issued it.
//!
//! Validation follows the NIR rules: the key is `97 - (number mod 97)`, where the Corsican
//! department codes `2A` and `2B` count as `19` and `18`. Nothing here logs or formats an INS
//! into an error message: errors describe the defect, never the value.

use std::fmt;

/// OID of a production INS built on the NIR.
pub const OID_INS_NIR: &str = "1.2.250.1.213.1.4.8";
/// OID of a production INS built on the NIA (numéro d'identification d'attente).
pub const OID_INS_NIA: &str = "1.2.250.1.213.1.4.9";
/// OID of a test INS-NIR (qualification environments).
pub const OID_INS_NIR_TEST: &str = "1.2.250.1.213.1.4.10";
/// OID of a demonstration INS-NIR (training, demos).
pub const OID_INS_NIR_DEMO: &str = "1.2.250.1.213.1.4.11";

/// Which register an INS comes from, as carried by its OID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InsOid {
    Nir,
    Nia,
    TestNir,
    DemoNir,
}

impl InsOid {
    pub const ALL: [Self; 4] = [Self::Nir, Self::Nia, Self::TestNir, Self::DemoNir];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nir => OID_INS_NIR,
            Self::Nia => OID_INS_NIA,
            Self::TestNir => OID_INS_NIR_TEST,
            Self::DemoNir => OID_INS_NIR_DEMO,
        }
    }

    pub fn parse(oid: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == oid.trim())
    }

    /// True for the OIDs that must never reach a production service.
    pub fn is_test_or_demo(self) -> bool {
        matches!(self, Self::TestNir | Self::DemoNir)
    }
}

/// Why a matricule is not a valid INS. Never carries the value itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsError {
    #[error("le matricule INS doit compter 15 caractères (13 + clé), il en compte {0}")]
    Length(usize),
    #[error("le matricule INS contient un caractère non autorisé en position {0}")]
    Character(usize),
    #[error("le premier chiffre du matricule INS (sexe) doit être 1, 2, 3, 4, 7 ou 8")]
    SexDigit,
    #[error("la clé de contrôle du matricule INS ne correspond pas")]
    Key,
    #[error("l'OID de l'INS n'est pas un OID INS connu")]
    UnknownOid,
}

/// A validated 15-character INS matricule (13 characters + 2-digit key).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Matricule(String);

impl Matricule {
    /// Validates a matricule typed by a person: spaces are ignored, letters upper-cased.
    pub fn parse(input: &str) -> Result<Self, InsError> {
        let cleaned: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| c.to_ascii_uppercase())
            .collect();
        let count = cleaned.chars().count();
        if count != 15 {
            return Err(InsError::Length(count));
        }
        for (i, c) in cleaned.chars().enumerate() {
            let corsica = (i == 6) && (c == 'A' || c == 'B') && cleaned.as_bytes()[5] == b'2';
            if !c.is_ascii_digit() && !corsica {
                return Err(InsError::Character(i + 1));
            }
        }
        if !matches!(
            cleaned.as_bytes()[0],
            b'1' | b'2' | b'3' | b'4' | b'7' | b'8'
        ) {
            return Err(InsError::SexDigit);
        }
        let expected = control_key(&cleaned[..13])?;
        let given: u8 = cleaned[13..].parse().map_err(|_| InsError::Character(14))?;
        if expected != given {
            return Err(InsError::Key);
        }
        Ok(Self(cleaned))
    }

    /// The 15 characters, without spaces.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The sex digit: 1 or 3 (men), 2 or 4 (women), 7 or 8 (NIA).
    pub fn sex_digit(&self) -> u8 {
        self.0.as_bytes()[0] - b'0'
    }

    /// True when the matricule is a NIA (temporary number) rather than a NIR.
    pub fn is_nia(&self) -> bool {
        matches!(self.sex_digit(), 7 | 8)
    }

    /// The matricule grouped as printed on a carte Vitale: `1 84 12 76 451 089 46`.
    pub fn grouped(&self) -> String {
        let s = &self.0;
        format!(
            "{} {} {} {} {} {} {}",
            &s[0..1],
            &s[1..3],
            &s[3..5],
            &s[5..7],
            &s[7..10],
            &s[10..13],
            &s[13..15]
        )
    }
}

impl fmt::Debug for Matricule {
    /// Redacted on purpose: an INS must never reach a log through `{:?}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Matricule(…)")
    }
}

/// The control key of the first 13 characters of a NIR/NIA: `97 - (n mod 97)`, with the
/// Corsican departments `2A` → `19` and `2B` → `18`.
pub fn control_key(first13: &str) -> Result<u8, InsError> {
    if first13.len() != 13 {
        return Err(InsError::Length(first13.len()));
    }
    let digits: String = match &first13[5..7] {
        "2A" | "2a" => format!("{}19{}", &first13[..5], &first13[7..]),
        "2B" | "2b" => format!("{}18{}", &first13[..5], &first13[7..]),
        _ => first13.to_owned(),
    };
    let mut rest: u64 = 0;
    for (i, c) in digits.chars().enumerate() {
        let d = c.to_digit(10).ok_or(InsError::Character(i + 1))?;
        rest = (rest * 10 + u64::from(d)) % 97;
    }
    Ok(u8::try_from(97 - rest).unwrap_or(0))
}

/// An INS: matricule plus OID.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Ins {
    pub matricule: Matricule,
    pub oid: InsOid,
}

impl Ins {
    pub fn parse(matricule: &str, oid: &str) -> Result<Self, InsError> {
        let matricule = Matricule::parse(matricule)?;
        let oid = InsOid::parse(oid).ok_or(InsError::UnknownOid)?;
        Ok(Self { matricule, oid })
    }
}

impl fmt::Debug for Ins {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Ins(…, {:?})", self.oid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Keys computed by hand: 1840576451089 mod 97 = 66 → key 31.
    #[test]
    fn valid_nir_is_accepted_with_or_without_spaces() {
        assert!(Matricule::parse("184057645108931").is_ok());
        let m = Matricule::parse("1 84 05 76 451 089 31").expect("valid");
        assert_eq!(m.as_str(), "184057645108931");
        assert_eq!(m.grouped(), "1 84 05 76 451 089 31");
        assert_eq!(m.sex_digit(), 1);
        assert!(!m.is_nia());
    }

    #[test]
    fn wrong_key_is_refused() {
        assert_eq!(Matricule::parse("184057645108947"), Err(InsError::Key));
        assert_eq!(Matricule::parse("184057645108900"), Err(InsError::Key));
    }

    #[test]
    fn every_other_key_is_refused() {
        let first13 = "2690299341732";
        let good = control_key(first13).expect("digits");
        for key in 0..100u8 {
            let candidate = format!("{first13}{key:02}");
            assert_eq!(
                Matricule::parse(&candidate).is_ok(),
                key == good,
                "key {key}"
            );
        }
    }

    #[test]
    fn corsica_2a_and_2b_use_19_and_18() {
        let a = control_key("185022A012345").expect("2A");
        let as19 = control_key("1850219012345").expect("19");
        assert_eq!(a, as19);
        let b = control_key("185022B012345").expect("2B");
        let as18 = control_key("1850218012345").expect("18");
        assert_eq!(b, as18);
        assert_ne!(a, b);
        assert!(Matricule::parse(&format!("185022A012345{a:02}")).is_ok());
        assert!(Matricule::parse(&format!("185022b012345{b:02}")).is_ok());
        assert_eq!(
            Matricule::parse(&format!("185022A012345{b:02}")),
            Err(InsError::Key)
        );
    }

    #[test]
    fn letters_outside_the_department_are_refused() {
        assert_eq!(
            Matricule::parse("1840576A5108946"),
            Err(InsError::Character(8))
        );
        assert_eq!(
            Matricule::parse("18405 3A 451089 46"),
            Err(InsError::Character(7))
        );
    }

    #[test]
    fn length_and_sex_digit_are_checked() {
        assert_eq!(
            Matricule::parse("18405764510893"),
            Err(InsError::Length(14))
        );
        assert_eq!(Matricule::parse(""), Err(InsError::Length(0)));
        let k = control_key("5840576451089").expect("digits");
        assert_eq!(
            Matricule::parse(&format!("5840576451089{k:02}")),
            Err(InsError::SexDigit)
        );
    }

    #[test]
    fn nia_is_recognised() {
        let k = control_key("7840576451089").expect("digits");
        let m = Matricule::parse(&format!("7840576451089{k:02}")).expect("nia");
        assert!(m.is_nia());
    }

    #[test]
    fn oids_round_trip_and_unknown_is_refused() {
        for oid in InsOid::ALL {
            assert_eq!(InsOid::parse(oid.as_str()), Some(oid));
        }
        assert!(InsOid::TestNir.is_test_or_demo());
        assert!(!InsOid::Nir.is_test_or_demo());
        assert_eq!(
            Ins::parse("184057645108931", "1.2.3"),
            Err(InsError::UnknownOid)
        );
    }

    #[test]
    fn debug_output_never_shows_the_matricule() {
        let ins = Ins::parse("184057645108931", OID_INS_NIR_TEST).expect("valid");
        let shown = format!("{ins:?} {:?}", ins.matricule);
        assert!(!shown.contains("184057645108931"));
        assert!(!shown.contains("1840576"));
    }
}
