//! The patient a message names (PID, IHE PAM-FR and the CI-SIS INS annex): the IPP (PID-3
//! of type `PI`), the INS (PID-3 whose assigning authority is an INS OID), the birth name and
//! the given names of the legal name (PID-5 of type `L`: 5.2 the first given name, 5.3 all
//! of them), the used name (type `D`), the birth date (PID-7), sex (PID-8), the birthplace's
//! INSEE code (PID-11 of type `BDL`, component 9) and the identity status (PID-32). Pure
//! reading, and the comparison with a stored identity that auto-filing relies on.

use chrono::NaiveDate;

use crate::domain::patient::search_key;
use crate::domain::{BirthTraits, IdentityStatus, Ins, InsOid, PatientIdentity, Sex};
use crate::hl7::Segment;
use crate::store::inbox::SentIdentity;

/// What PID says, as sent (identity values: never logged).
#[derive(Clone, Default)]
pub struct SentPatient {
    pub ipp: Option<String>,
    /// The INS as sent (matricule, OID), whether or not it is valid.
    pub ins: Option<(String, String)>,
    /// PID-3 holds identifiers (any), beside or instead of an INS.
    pub has_ids: bool,
    pub birth_name: Option<String>,
    pub first_given: Option<String>,
    pub all_given: Option<String>,
    pub used_name: Option<String>,
    pub birth_date: Option<NaiveDate>,
    pub sex: Option<Sex>,
    pub birthplace: Option<String>,
    pub status: Option<IdentityStatus>,
}

impl std::fmt::Debug for SentPatient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SentPatient({:?})", self.status)
    }
}

fn text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s != "\"\"").then(|| s.to_owned())
}

/// Reads PID.
pub fn read(pid: &Segment<'_>) -> SentPatient {
    let ids = pid.field(3);
    let mut sent = SentPatient::default();
    for id in ids.repetitions().filter(|r| !r.is_empty()) {
        sent.has_ids = true;
        let value = id.component(1).text();
        let oid = id.component(4).subcomponent(2).text();
        let kind = id.component(5).text();
        if InsOid::parse(&oid).is_some()
            || kind == "INS"
            || (kind == "NH" && oid.contains("1.2.250.1.213.1.4."))
        {
            if sent.ins.is_none() {
                sent.ins = text(&value).map(|v| (v, oid.trim().to_owned()));
            }
        } else if kind == "PI" && sent.ipp.is_none() {
            sent.ipp = text(&value);
        }
    }
    let names = pid.field(5);
    let legal = names
        .repetitions()
        .find(|r| r.component(7).text() == "L")
        .or_else(|| names.repetitions().next());
    if let Some(legal) = legal {
        sent.birth_name = text(&legal.component(1).text());
        sent.first_given = text(&legal.component(2).text());
        sent.all_given = text(&legal.component(3).text());
    }
    sent.used_name = names
        .repetitions()
        .find(|r| r.component(7).text() == "D")
        .and_then(|r| text(&r.component(1).text()));
    let birth = pid.field(7).component(1).text();
    sent.birth_date = birth
        .get(..8)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y%m%d").ok());
    sent.sex = Sex::from_code(pid.field(8).text().trim());
    sent.birthplace = pid
        .field(11)
        .repetitions()
        .find(|r| r.component(7).text() == "BDL")
        .and_then(|r| text(&r.component(9).text()));
    sent.status = IdentityStatus::from_code(pid.field(32).text().trim());
    sent
}

impl SentPatient {
    /// The birth first names: PID-5.3 (all of them) when sent, else PID-5.2.
    pub fn first_names(&self) -> Option<&str> {
        self.all_given.as_deref().or(self.first_given.as_deref())
    }

    /// The four traits auto-filing compares are all there.
    pub fn traits_complete(&self) -> bool {
        self.birth_name.is_some()
            && self.first_given.is_some()
            && self.birth_date.is_some()
            && self.sex.is_some()
    }

    /// The INS, when its matricule and OID are valid.
    pub fn valid_ins(&self) -> Option<Ins> {
        self.ins
            .as_ref()
            .and_then(|(m, oid)| Ins::parse(m, oid).ok())
    }

    /// The traits sent are exactly the stored ones: birth name, first birth first name, birth
    /// date and sex (case, accents and repeated blanks aside, as the INS traits are written).
    pub fn traits_match(&self, stored: &PatientIdentity) -> bool {
        let same = |a: Option<&str>, b: &str| a.is_some_and(|a| search_key(a) == search_key(b));
        same(self.birth_name.as_deref(), &stored.traits.birth_name)
            && same(
                self.first_given.as_deref(),
                stored.traits.first_first_name(),
            )
            && self.birth_date == Some(stored.traits.birth_date)
            && self.sex == Some(stored.traits.sex)
    }

    /// The identity to store for this patient, when the traits are there. The INS is kept only
    /// when valid and consistent with the traits; a status that needs an INS falls back
    /// without one (QUAL → VALI, RECUP → PROV); no status is PROV.
    pub fn to_identity(&self, ipp: &str) -> Option<PatientIdentity> {
        let traits = BirthTraits {
            birth_name: self.birth_name.clone()?.to_uppercase(),
            birth_first_names: self.first_names()?.to_owned(),
            birth_date: self.birth_date?,
            sex: self.sex.unwrap_or(Sex::Unknown),
            birthplace_insee: self.birthplace.clone(),
        };
        let mut status = self.status.unwrap_or(IdentityStatus::Provisoire);
        let ins = self.valid_ins().filter(|ins| {
            crate::domain::patient::identity_problems(&traits, Some(ins), status).is_empty()
        });
        if ins.is_none() {
            status = match status {
                IdentityStatus::Qualifiee => IdentityStatus::Validee,
                IdentityStatus::Recuperee => IdentityStatus::Provisoire,
                other => other,
            };
        }
        let used_name = self
            .used_name
            .clone()
            .filter(|u| search_key(u) != search_key(&traits.birth_name));
        Some(PatientIdentity {
            ipp: ipp.to_owned(),
            ins,
            traits,
            used_name,
            used_first_name: None,
            status,
        })
    }

    /// What the inbox keeps of it, to pre-fill the patient search.
    pub fn to_sent_identity(&self) -> SentIdentity {
        SentIdentity {
            ins: self.ins.as_ref().map(|(m, _)| m.clone()),
            ins_oid: self.ins.as_ref().map(|(_, o)| o.clone()),
            ipp: self.ipp.clone(),
            birth_name: self.birth_name.clone(),
            given: self.first_given.clone(),
            birth_date: self.birth_date.map(|d| d.format("%Y-%m-%d").to_string()),
            sex: self.sex.map(|s| s.code().to_owned()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pid(line: &str) -> SentPatient {
        let text = format!("MSH|^~\\&|GAM|CHU|DPI|CHU|20240306||ADT^A01|1|P|2.5\r{line}\r");
        let msg = crate::hl7::parse(text.as_bytes()).expect("parse");
        read(&msg.segment("PID").expect("PID"))
    }

    #[test]
    fn the_pam_fr_pid_gives_ipp_ins_traits_and_status() {
        let p = pid(
            "PID|1||000003^^^CHU-X&000897406&N^PI~279035121518989^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.10&ISO^INS^^20101207||PAT-TROIS^DOMINIQUE^DOMINIQUE ANNE^^^^L~MARTIN^^^^^^D||19790328|F|||^^^^^^BDL^^63220|||||||||||||||||||||VALI",
        );
        assert_eq!(p.ipp.as_deref(), Some("000003"));
        let (m, oid) = p.ins.clone().expect("ins");
        assert_eq!(
            (m.as_str(), oid.as_str()),
            ("279035121518989", "1.2.250.1.213.1.4.10")
        );
        assert!(p.valid_ins().is_some());
        assert_eq!(p.first_names(), Some("DOMINIQUE ANNE"));
        assert_eq!(p.used_name.as_deref(), Some("MARTIN"));
        assert_eq!(p.birthplace.as_deref(), Some("63220"));
        assert_eq!(p.status, Some(IdentityStatus::Validee));
        let identity = p.to_identity("000003").expect("identity");
        assert_eq!(identity.traits.first_first_name(), "DOMINIQUE");
        assert!(p.traits_match(&identity));
    }

    #[test]
    fn traits_compare_without_case_or_accents_but_not_otherwise() {
        let p = pid("PID|1||1^^^H^PI||Élodie^Zoé||19800101|F");
        let mut identity = p.to_identity("1").expect("identity");
        identity.traits.birth_name = "ELODIE".into();
        identity.traits.birth_first_names = "ZOE MARIE".into();
        assert!(p.traits_match(&identity));
        identity.traits.sex = Sex::Male;
        assert!(!p.traits_match(&identity));
    }

    #[test]
    fn a_qualified_status_without_a_usable_ins_falls_back() {
        let p = pid(
            "PID|1||1^^^H^PI~123^^^X&1.2.250.1.213.1.4.8&ISO^INS||NOM^PRENOM||19800101|F||||||||||||||||||||||||QUAL",
        );
        assert!(p.valid_ins().is_none());
        let identity = p.to_identity("1").expect("identity");
        assert_eq!(identity.status, IdentityStatus::Validee);
        assert!(identity.ins.is_none());
        assert!(!pid("PID|1||1^^^H^PI||NOM").traits_complete());
    }
}
