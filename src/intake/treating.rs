//! The patient's treating physician as PAM-FR sends it: a `ROL` segment whose role (ROL-3) is
//! `ODRP` (médecin traitant déclaré) — or `FHCP`/`PP`, which some GAMs send for it — and whose
//! person (ROL-4, an XCN: id, family name, given name) names them; action `DE` (ROL-2) clears
//! it. Kept on the patient, it is the first MSSanté recipient proposed.

use crate::domain::PatientId;
use crate::hl7::Message;
use crate::store::{Store, StoreError, mss};

/// Role codes taken as the treating physician, best first.
const ROLES: [&str; 3] = ["ODRP", "FHCP", "PP"];

/// Records the treating physician the message names, if it names one.
pub fn apply(store: &Store, msg: &Message<'_>, patient: PatientId) -> Result<(), StoreError> {
    let mut best: Option<(usize, String, String, bool)> = None;
    for rol in msg.segments("ROL") {
        let role = rol.field(3).component(1).text().trim().to_ascii_uppercase();
        let Some(rank) = ROLES.iter().position(|r| *r == role) else {
            continue;
        };
        let person = rol.field(4);
        let id = person.component(1).text().trim().to_owned();
        if id.is_empty() {
            continue;
        }
        let name = [person.component(3).text(), person.component(2).text()]
            .iter()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty() && s != "\"\"")
            .collect::<Vec<_>>()
            .join(" ");
        let delete = rol.field(2).text().trim().eq_ignore_ascii_case("DE");
        if best.as_ref().is_none_or(|b| rank < b.0) {
            best = Some((rank, id, name, delete));
        }
    }
    match best {
        Some((_, _, _, true)) => mss::set_treating_physician(store, patient, "", ""),
        Some((_, id, name, false)) => mss::set_treating_physician(store, patient, &id, &name),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{BirthTraits, IdentityStatus, PatientIdentity, Sex};

    fn patient(store: &Store) -> PatientId {
        crate::store::patients::insert(
            store,
            &PatientIdentity {
                ipp: "IPP-ROL".into(),
                ins: None,
                traits: BirthTraits {
                    birth_name: "ROL".into(),
                    birth_first_names: "TEST".into(),
                    birth_date: chrono::NaiveDate::from_ymd_opt(1970, 1, 1).expect("date"),
                    sex: Sex::Female,
                    birthplace_insee: None,
                },
                used_name: None,
                used_first_name: None,
                status: IdentityStatus::Provisoire,
            },
        )
        .expect("patient")
    }

    #[test]
    fn the_declared_treating_physician_is_kept_and_cleared() {
        crate::store::testing::each_backend(|store| {
            let p = patient(&store);
            let text = "MSH|^~\\&|GAM|H|CHEVET|H|20260101||ADT^A31^ADT_A05|1|P|2.5\r\
                        PID|||IPP-ROL^^^H^PI||ROL^TEST\r\
                        ROL||UC|AT^attending|10009999999^AUTRE^Paul^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^RPPS\r\
                        ROL||UC|ODRP^Médecin traitant|810003456789^DURAND^Marie^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS\r";
            let msg = Message::parse(text.as_bytes()).expect("message");
            apply(&store, &msg, p).expect("apply");
            assert_eq!(
                mss::treating_physician(&store, p).expect("read"),
                Some(("810003456789".into(), "Marie DURAND".into()))
            );
            let clear = text.replace("ROL||UC|ODRP", "ROL||DE|ODRP");
            let msg = Message::parse(clear.as_bytes()).expect("message");
            apply(&store, &msg, p).expect("apply");
            assert_eq!(mss::treating_physician(&store, p).expect("read"), None);
        });
    }
}
