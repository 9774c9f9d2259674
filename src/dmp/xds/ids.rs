//! Fresh identifiers for built messages: random (v4) UUIDs and OIDs derived from them
//! (`2.25.<UUID as an integer>`, ISO/IEC 9834-8) for SubmissionSet and document uniqueIds.
//! Seedable so that tests build the same message every time.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// Source of random identifiers.
pub struct IdGen {
    rng: StdRng,
}

impl Default for IdGen {
    fn default() -> Self {
        Self::new()
    }
}

impl IdGen {
    /// Seeded from the operating system.
    pub fn new() -> Self {
        Self {
            rng: StdRng::from_os_rng(),
        }
    }

    /// Deterministic (tests).
    pub fn seeded(seed: u64) -> Self {
        Self {
            rng: StdRng::seed_from_u64(seed),
        }
    }

    /// An independent generator seeded from this one (deterministic when this one is).
    pub fn fork(&mut self) -> Self {
        Self::seeded(self.rng.random())
    }

    fn uuid_bits(&mut self) -> u128 {
        let random: u128 = self.rng.random();
        // Version 4, variant RFC 4122.
        (random & !(0xf << 76) & !(0x3 << 62)) | (0x4 << 76) | (0x2 << 62)
    }

    /// A v4 UUID, `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`.
    pub fn uuid(&mut self) -> String {
        let hex = format!("{:032x}", self.uuid_bits());
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// `urn:uuid:` + a v4 UUID.
    pub fn urn_uuid(&mut self) -> String {
        format!("urn:uuid:{}", self.uuid())
    }

    /// An OID nobody else will make: `2.25.` followed by a v4 UUID as a decimal integer.
    pub fn oid(&mut self) -> String {
        format!("2.25.{}", self.uuid_bits())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_v4_and_seeding_is_deterministic() {
        let mut ids = IdGen::seeded(7);
        let u = ids.uuid();
        assert_eq!(u.len(), 36);
        assert_eq!(&u[14..15], "4");
        assert!(matches!(&u[19..20], "8" | "9" | "a" | "b"));
        assert_eq!(IdGen::seeded(7).uuid(), u);
        assert_ne!(ids.uuid(), u);
        assert!(ids.urn_uuid().starts_with("urn:uuid:"));
        let oid = ids.oid();
        assert!(oid.starts_with("2.25."));
        assert!(oid.len() <= 64);
        assert!(oid[5..].bytes().all(|b| b.is_ascii_digit()));
        assert_ne!(IdGen::new().uuid(), IdGen::new().uuid());
    }
}
