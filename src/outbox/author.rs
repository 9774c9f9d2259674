//! The professional on whose behalf a job goes, kept with the job (JSON) so that whoever
//! drains the outbox later — this workstation or `chevet serve` — sends it in their name.

use serde_json::{Value, json};

use crate::domain::ProfessionalInfo;

/// The JSON kept in `outbox_item.author`.
pub fn to_json(p: &ProfessionalInfo) -> String {
    json!({
        "national_id": p.national_id,
        "given_name": p.given_name,
        "family_name": p.family_name,
        "title": p.title,
        "specialty_code": p.specialty_code,
        "specialty_label": p.specialty_label,
    })
    .to_string()
}

/// Reads it back; `None` when it is not what [`to_json`] wrote.
pub fn from_json(text: &str) -> Option<ProfessionalInfo> {
    let v: Value = serde_json::from_str(text).ok()?;
    let s = |k: &str| v.get(k).and_then(Value::as_str).map(str::to_owned);
    Some(ProfessionalInfo {
        national_id: s("national_id")?,
        given_name: s("given_name")?,
        family_name: s("family_name")?,
        title: s("title"),
        specialty_code: s("specialty_code")?,
        specialty_label: s("specialty_label").unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let p = ProfessionalInfo {
            national_id: "810001234567".into(),
            given_name: "Jeanne".into(),
            family_name: "Martin \"M\"".into(),
            title: Some("DR".into()),
            specialty_code: "G15_10/SM26".into(),
            specialty_label: "Qualifié en médecine générale".into(),
        };
        assert_eq!(from_json(&to_json(&p)), Some(p));
        assert_eq!(from_json("{}"), None);
    }
}
