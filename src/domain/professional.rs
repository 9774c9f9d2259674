//! The professional identity of a user: national identifier (idNat_PS: "8" + RPPS), names,
//! title and specialty (TRE_G15 profession / savoir-faire). It signs produced documents and,
//! with the identity issue, feeds the VIHF.

/// Code system of the profession/specialty codes (`G15_10/SM26`…).
pub const SPECIALTY_SYSTEM: &str = "1.2.250.1.213.1.1.4.5";

/// A health professional as Chevet knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfessionalInfo {
    /// idNat_PS: "8" followed by the 11-digit RPPS.
    pub national_id: String,
    pub given_name: String,
    pub family_name: String,
    /// `DR`, `PR`, when any.
    pub title: Option<String>,
    pub specialty_code: String,
    pub specialty_label: String,
}

impl ProfessionalInfo {
    /// The RPPS number when the national id is an RPPS one ("8" + 11 digits).
    pub fn rpps(&self) -> Option<&str> {
        self.national_id
            .strip_prefix('8')
            .filter(|r| r.len() == 11 && r.bytes().all(|b| b.is_ascii_digit()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rpps_is_read_from_the_national_id() {
        let mut p = ProfessionalInfo {
            national_id: "810101234567".into(),
            given_name: "Claire".into(),
            family_name: "LAMBERT".into(),
            title: Some("DR".into()),
            specialty_code: "G15_10/SM04".into(),
            specialty_label: "Cardiologie".into(),
        };
        assert_eq!(p.rpps(), Some("10101234567"));
        p.national_id = "0123456789".into();
        assert_eq!(p.rpps(), None);
    }
}
