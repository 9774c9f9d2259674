//! The HL7 v2 values XDS metadata carries as text: a patient identifier (CX,
//! `123^^^&1.2.250.1.213.1.4.10&ISO`) and the `sourcePatientInfo` slot (`PID-5|NOM^Prénom`,
//! one PID field per value). Lenient: empty parts are absent, a doubly escaped `&amp;` (seen
//! in a real archive) reads as `&`, unknown PID fields are skipped.

use super::{SourcePatient, XdmPatientId};

/// A CX value; `None` when its id (CX.1) is empty.
pub(crate) fn patient_id(raw: &str) -> Option<XdmPatientId> {
    let text = raw.trim().replace("&amp;", "&");
    let mut components = text.split('^');
    let id = components.next().map(str::trim).unwrap_or_default();
    if id.is_empty() {
        return None;
    }
    let authority = components.nth(2).and_then(|hd| {
        let mut parts = hd.split('&').map(str::trim);
        let namespace = parts.next().unwrap_or_default();
        match parts.next() {
            Some(oid) if !oid.is_empty() => Some(oid.to_owned()),
            _ if is_oid(namespace) => Some(namespace.to_owned()),
            _ => None,
        }
    });
    Some(XdmPatientId {
        id: id.to_owned(),
        authority,
        raw: raw.trim().to_owned(),
    })
}

fn is_oid(s: &str) -> bool {
    !s.is_empty() && s.contains('.') && s.bytes().all(|b| b.is_ascii_digit() || b == b'.')
}

/// The traits of a `sourcePatientInfo` slot, one value per PID field (`PID-7|19960124`).
pub(crate) fn source_patient<'a>(values: impl IntoIterator<Item = &'a str>) -> SourcePatient {
    let mut patient = SourcePatient::default();
    for value in values {
        let Some((field, content)) = value.split_once('|') else {
            continue;
        };
        let content = content.trim();
        match field.trim().to_ascii_uppercase().as_str() {
            "PID-3" => patient
                .ids
                .extend(content.split('~').filter_map(patient_id)),
            "PID-5" if patient.family.is_none() && patient.given.is_none() => {
                let names: Vec<&str> = content.split('~').collect();
                let chosen = names
                    .iter()
                    .find(|n| n.split('^').nth(6).is_some_and(|t| t.trim() == "L"))
                    .or(names.first())
                    .copied()
                    .unwrap_or_default();
                let mut parts = chosen.split('^');
                patient.family = parts
                    .next()
                    .and_then(|f| f.split('&').next())
                    .and_then(non_empty);
                patient.given = parts.next().and_then(non_empty);
            }
            "PID-7" => patient.birth_date = content.split('^').next().and_then(non_empty),
            "PID-8" => patient.sex = non_empty(content),
            _ => {}
        }
    }
    patient
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_french_ins_splits_into_id_and_oid() {
        let p = patient_id("162018885045327^^^&1.2.250.1.213.1.4.10&ISO^NH").expect("id");
        assert_eq!(p.id, "162018885045327");
        assert_eq!(p.authority.as_deref(), Some("1.2.250.1.213.1.4.10"));
        assert_eq!(p.raw, "162018885045327^^^&1.2.250.1.213.1.4.10&ISO^NH");
        let doubly = patient_id("Z2004^^^&amp;1.2.840.114350&amp;ISO").expect("id");
        assert_eq!(doubly.authority.as_deref(), Some("1.2.840.114350"));
        assert_eq!(
            patient_id("123^^^1.2.3").expect("id").authority.as_deref(),
            Some("1.2.3")
        );
        assert_eq!(patient_id("123").expect("id").authority, None);
        assert!(patient_id("^^^&&ISO").is_none());
        assert!(patient_id("").is_none());
    }

    #[test]
    fn source_patient_info_gives_the_traits() {
        let p = source_patient([
            "PID-3|1^^^&2.16.840.1.113883.4.6&ISO~2^^^&1.2.3&ISO",
            "PID-5|DUPONT^Jean^^^^^D~PAT-SIX^Alain^^^^^L",
            "PID-7|19960124",
            "PID-8|M",
            "PID-11|1 rue^^Paris",
            "sans barre",
        ]);
        assert_eq!(p.ids.len(), 2);
        assert_eq!(p.family.as_deref(), Some("PAT-SIX"));
        assert_eq!(p.given.as_deref(), Some("Alain"));
        assert_eq!(p.birth_date.as_deref(), Some("19960124"));
        assert_eq!(p.sex.as_deref(), Some("M"));
        assert!(!format!("{p:?}").contains("PAT-SIX"));
        assert!(source_patient(["PID-3|^^^&&ISO"]).is_empty());
    }
}
