//! From a provider's claims to a professional: Pro Santé Connect (`SubjectNameID`,
//! `SubjectRefPro` with its exercices and activities, RPPS derived from an `8`-prefixed national
//! id) and generic providers (national id from a configurable claim, names only).
//!
//! Claim values may be strings or numbers; `SubjectRefPro` may come as an object or as a JSON
//! text (some Keycloak mappers). Lists and texts are capped. `Debug` shows no name or id.

use serde_json::{Map, Value};

use super::error::OidcError;

/// Claim read by [`generic_identity`].
pub const DEFAULT_NATIONAL_ID_CLAIM: &str = "preferred_username";
const MAX_TEXT: usize = 512;
const MAX_EXERCICES: usize = 50;
const MAX_ACTIVITIES: usize = 100;

/// A professional as the provider describes them.
#[derive(Clone, PartialEq, Eq)]
pub struct PscIdentity {
    /// National id (idNat_PS), the stable key: `8`+RPPS, `0`+ADELI, `5…/…`…
    pub national_id: String,
    /// The RPPS number when the national id is `8` followed by 11 digits.
    pub rpps: Option<String>,
    pub given_name: String,
    pub family_name: String,
    pub civility: Option<String>,
    pub exercices: Vec<Exercice>,
}

impl std::fmt::Debug for PscIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PscIdentity")
            .field("rpps", &self.rpps.is_some())
            .field("exercices", &self.exercices)
            .finish_non_exhaustive()
    }
}

/// One professional practice (TRE_G15 profession, TRE_R38 savoir-faire).
#[derive(Clone, PartialEq, Eq)]
pub struct Exercice {
    pub profession_code: String,
    pub category_code: Option<String>,
    pub savoir_faire_code: Option<String>,
    pub given_name: Option<String>,
    pub family_name: Option<String>,
    pub activities: Vec<Activity>,
}

impl std::fmt::Debug for Exercice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exercice")
            .field("profession_code", &self.profession_code)
            .field("category_code", &self.category_code)
            .field("savoir_faire_code", &self.savoir_faire_code)
            .field("activities", &self.activities)
            .finish_non_exhaustive()
    }
}

/// Where the practice takes place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Activity {
    pub structure_id: Option<String>,
    pub finess_site: Option<String>,
    pub finess_legal: Option<String>,
    pub siret: Option<String>,
    pub name: Option<String>,
    pub sector_code: Option<String>,
    pub role_code: Option<String>,
    pub mode_code: Option<String>,
}

/// A non-empty text (numbers accepted), trimmed and capped.
fn text(object: &Map<String, Value>, key: &str) -> Option<String> {
    let value = match object.get(key)? {
        Value::String(s) => s.trim().to_owned(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    if value.is_empty() || value.chars().any(char::is_control) {
        return None;
    }
    Some(value.chars().take(MAX_TEXT).collect())
}

/// The RPPS number inside a national id, when it is one (`8` + 11 digits).
pub fn rpps_of(national_id: &str) -> Option<String> {
    let rest = national_id.strip_prefix('8')?;
    (rest.len() == 11 && rest.bytes().all(|b| b.is_ascii_digit())).then(|| rest.to_owned())
}

fn national_id(object: &Map<String, Value>, keys: &[&str]) -> Result<String, OidcError> {
    let id = keys
        .iter()
        .find_map(|k| text(object, k))
        .ok_or(OidcError::Malformed("no national id in the claims"))?;
    if id.len() > 64 || id.chars().any(char::is_whitespace) {
        return Err(OidcError::Malformed("unusable national id in the claims"));
    }
    Ok(id)
}

fn activity(object: &Map<String, Value>) -> Activity {
    Activity {
        structure_id: text(object, "identifiantTechniqueDeLaStructure"),
        finess_site: text(object, "numeroFinessSite"),
        finess_legal: text(object, "numeroFinessetablissementJuridique"),
        siret: text(object, "numeroSiretSite"),
        name: text(object, "raisonSocialeSite").or_else(|| text(object, "enseigneCommercialeSite")),
        sector_code: text(object, "codeSecteurDactivite"),
        role_code: text(object, "codeRole"),
        mode_code: text(object, "codeModeExercice"),
    }
}

fn exercice(object: &Map<String, Value>) -> Option<Exercice> {
    let activities = object
        .get("activities")
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .take(MAX_ACTIVITIES)
                .map(activity)
                .collect()
        })
        .unwrap_or_default();
    Some(Exercice {
        profession_code: text(object, "codeProfession")?,
        category_code: text(object, "codeCategorieProfessionnelle"),
        savoir_faire_code: text(object, "codeSavoirFaire"),
        given_name: text(object, "prenomDexercice"),
        family_name: text(object, "nomDexercice"),
        activities,
    })
}

/// Maps PSC claims (userinfo or ID token) to a professional.
pub fn psc_identity(claims: &Value) -> Result<PscIdentity, OidcError> {
    let object = claims
        .as_object()
        .ok_or(OidcError::Malformed("claims are not an object"))?;
    let national_id = national_id(object, &["SubjectNameID", "preferred_username"])?;
    let parsed_ref;
    let ref_pro = match object.get("SubjectRefPro") {
        Some(Value::String(json)) => {
            parsed_ref = serde_json::from_str::<Value>(json)
                .map_err(|_| OidcError::Malformed("SubjectRefPro is not JSON"))?;
            parsed_ref.as_object()
        }
        Some(Value::Object(o)) => Some(o),
        _ => None,
    };
    let exercices: Vec<Exercice> = ref_pro
        .and_then(|r| r.get("exercices"))
        .and_then(Value::as_array)
        .map(|list| {
            list.iter()
                .filter_map(Value::as_object)
                .take(MAX_EXERCICES)
                .filter_map(exercice)
                .collect()
        })
        .unwrap_or_default();
    let first = exercices.first();
    let given_name = text(object, "given_name")
        .or_else(|| first.and_then(|e| e.given_name.clone()))
        .ok_or(OidcError::Malformed("no given name in the claims"))?;
    let family_name = text(object, "family_name")
        .or_else(|| first.and_then(|e| e.family_name.clone()))
        .ok_or(OidcError::Malformed("no family name in the claims"))?;
    Ok(PscIdentity {
        rpps: rpps_of(&national_id),
        national_id,
        given_name,
        family_name,
        civility: ref_pro.and_then(|r| text(r, "codeCivilite")),
        exercices,
    })
}

/// Maps a generic provider's claims: national id from `preferred_username`.
pub fn generic_identity(claims: &Value) -> Result<PscIdentity, OidcError> {
    generic_identity_with(claims, DEFAULT_NATIONAL_ID_CLAIM)
}

/// Maps a generic provider's claims, the national id being read from `national_id_claim`.
pub fn generic_identity_with(
    claims: &Value,
    national_id_claim: &str,
) -> Result<PscIdentity, OidcError> {
    let object = claims
        .as_object()
        .ok_or(OidcError::Malformed("claims are not an object"))?;
    let national_id = national_id(object, &[national_id_claim])?;
    Ok(PscIdentity {
        rpps: rpps_of(&national_id),
        national_id,
        given_name: text(object, "given_name")
            .ok_or(OidcError::Malformed("no given name in the claims"))?,
        family_name: text(object, "family_name")
            .ok_or(OidcError::Malformed("no family name in the claims"))?,
        civility: None,
        exercices: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claire() -> Value {
        serde_json::json!({
            "sub": "f:1234:810101234567",
            "SubjectNameID": "810101234567",
            "preferred_username": "810101234567",
            "given_name": "Claire",
            "family_name": "LAMBERT",
            "SubjectRefPro": {
                "codeCivilite": "MME",
                "exercices": [{
                    "codeProfession": "10",
                    "codeCategorieProfessionnelle": "C",
                    "codeSavoirFaire": "SM04",
                    "prenomDexercice": "Claire",
                    "nomDexercice": "LAMBERT",
                    "activities": [
                        {"identifiantTechniqueDeLaStructure": "F690781810", "numeroFinessSite": "690781810",
                         "numeroFinessetablissementJuridique": "690781810", "raisonSocialeSite": "CHU",
                         "codeSecteurDactivite": "SA01", "codeRole": "FON-05", "codeModeExercice": "S",
                         "numeroSiretSite": ""},
                        {"numeroSiretSite": "12345678900017", "raisonSocialeSite": "Cabinet", "codeModeExercice": "L"}
                    ]
                }, {"codeCategorieProfessionnelle": "C"}]
            }
        })
    }

    #[test]
    fn psc_claims_map_to_a_professional() {
        let id = psc_identity(&claire()).expect("identity");
        assert_eq!(id.national_id, "810101234567");
        assert_eq!(id.rpps.as_deref(), Some("10101234567"));
        assert_eq!(id.given_name, "Claire");
        assert_eq!(id.civility.as_deref(), Some("MME"));
        assert_eq!(
            id.exercices.len(),
            1,
            "an exercice without profession is dropped"
        );
        let e = &id.exercices[0];
        assert_eq!(e.profession_code, "10");
        assert_eq!(e.savoir_faire_code.as_deref(), Some("SM04"));
        assert_eq!(e.activities.len(), 2);
        assert_eq!(e.activities[0].finess_site.as_deref(), Some("690781810"));
        assert_eq!(e.activities[0].siret, None, "empty strings are absent");
        assert_eq!(e.activities[1].siret.as_deref(), Some("12345678900017"));
        let shown = format!("{id:?}");
        assert!(!shown.contains("810101234567") && !shown.contains("LAMBERT"));
    }

    #[test]
    fn subject_ref_pro_as_text_and_fallbacks() {
        let mut c = claire();
        let text = c["SubjectRefPro"].to_string();
        c["SubjectRefPro"] = Value::String(text);
        c.as_object_mut().expect("object").remove("SubjectNameID");
        c.as_object_mut().expect("object").remove("given_name");
        let id = psc_identity(&c).expect("identity");
        assert_eq!(id.national_id, "810101234567");
        assert_eq!(id.given_name, "Claire");
        assert_eq!(id.exercices[0].activities.len(), 2);
    }

    #[test]
    fn rpps_only_for_8_and_11_digits() {
        assert_eq!(rpps_of("899700366240").as_deref(), Some("99700366240"));
        assert_eq!(rpps_of("0123456789"), None);
        assert_eq!(rpps_of("500000001815646/CPAT00045"), None);
        assert_eq!(rpps_of("8997003662401"), None);
        assert_eq!(rpps_of("89970036624a"), None);
        let staff = serde_json::json!({"SubjectNameID": "500000001815646/CPAT00045",
            "given_name": "A", "family_name": "B"});
        let id = psc_identity(&staff).expect("identity");
        assert_eq!(id.rpps, None);
        assert!(id.exercices.is_empty());
    }

    #[test]
    fn missing_or_bad_ids_are_errors() {
        assert!(psc_identity(&serde_json::json!({"given_name": "A", "family_name": "B"})).is_err());
        assert!(
            psc_identity(
                &serde_json::json!({"SubjectNameID": "8 1", "given_name": "A", "family_name": "B"})
            )
            .is_err()
        );
        assert!(psc_identity(&serde_json::json!([])).is_err());
        assert!(psc_identity(&serde_json::json!({"SubjectNameID": "1", "SubjectRefPro": "{", "given_name": "A", "family_name": "B"})).is_err());
    }

    #[test]
    fn generic_claims() {
        let c = serde_json::json!({"preferred_username": "899700366240", "given_name": "Paul",
            "family_name": "MARTIN", "employee_id": "E42"});
        let id = generic_identity(&c).expect("identity");
        assert_eq!(id.national_id, "899700366240");
        assert_eq!(id.rpps.as_deref(), Some("99700366240"));
        assert!(id.exercices.is_empty());
        assert_eq!(
            generic_identity_with(&c, "employee_id")
                .expect("id")
                .national_id,
            "E42"
        );
        assert!(generic_identity_with(&c, "missing").is_err());
    }
}
