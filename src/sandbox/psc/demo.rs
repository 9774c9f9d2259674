//! The fictitious professionals the sandbox provider knows, and the claims it gives about
//! them: PSC's `SubjectRefPro` (exercices and activités), `otherIds`, and the standard claims
//! of the establishment's provider. National ids are in the RPPS test range (`8` + RPPS).

use serde_json::{Value, json};

use crate::sandbox::demo::{SANDBOX_FINESS_EJ, SANDBOX_FINESS_GEO, SANDBOX_SITE_NAMES};

/// One situation d'exercice (activité) of a professional.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoActivity {
    /// TRE_R23: `S` salarié, `L` libéral.
    pub mode_exercice: &'static str,
    /// TRE_R02, `SA01` établissement public de santé.
    pub secteur_activite: &'static str,
    /// Pharmacists only (TRE_R47, `H` établissements de santé).
    pub section_pharmacien: &'static str,
    pub finess_site: &'static str,
    pub finess_juridique: &'static str,
    pub raison_sociale_site: &'static str,
    pub numero_voie: &'static str,
    pub libelle_voie: &'static str,
    pub code_postal: &'static str,
    pub bureau_cedex: &'static str,
}

/// A demo professional, with one exercice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoPro {
    /// idNat_PS: `8` + RPPS.
    pub national_id: &'static str,
    pub given_name: &'static str,
    pub family_name: &'static str,
    /// TRE_R81 civilité: `M`, `MME`.
    pub civilite: &'static str,
    /// TRE_R11 civilité d'exercice: `DR`, or empty.
    pub civilite_exercice: &'static str,
    /// TRE_G15: `10` médecin, `21` pharmacien, `60` infirmier.
    pub profession: &'static str,
    /// Label shown on the sandbox pages.
    pub profession_label: &'static str,
    /// TRE_R09: `C` civil.
    pub categorie: &'static str,
    /// TRE_R04: `S` spécialité ordinale, or empty.
    pub type_savoir_faire: &'static str,
    /// TRE_R38, e.g. `SM04`, or empty.
    pub savoir_faire: &'static str,
    pub activities: &'static [DemoActivity],
}

const BELLEVUE: DemoActivity = DemoActivity {
    mode_exercice: "S",
    secteur_activite: "SA01",
    section_pharmacien: "",
    finess_site: SANDBOX_FINESS_GEO[0],
    finess_juridique: SANDBOX_FINESS_EJ,
    raison_sociale_site: SANDBOX_SITE_NAMES[0],
    numero_voie: "12",
    libelle_voie: "RUE DE BELLEVUE",
    code_postal: "75019",
    bureau_cedex: "75019 PARIS",
};

const PARC: DemoActivity = DemoActivity {
    mode_exercice: "S",
    secteur_activite: "SA01",
    section_pharmacien: "",
    finess_site: SANDBOX_FINESS_GEO[2],
    finess_juridique: SANDBOX_FINESS_EJ,
    raison_sociale_site: SANDBOX_SITE_NAMES[2],
    numero_voie: "3",
    libelle_voie: "AVENUE DU PARC",
    code_postal: "92100",
    bureau_cedex: "92100 BOULOGNE-BILLANCOURT",
};

const PHARMACIE_BELLEVUE: DemoActivity = DemoActivity {
    section_pharmacien: "H",
    ..BELLEVUE
};

static PROFESSIONALS: [DemoPro; 5] = [
    DemoPro {
        national_id: "810101234567",
        given_name: "Claire",
        family_name: "LAMBERT",
        civilite: "MME",
        civilite_exercice: "DR",
        profession: "10",
        profession_label: "Médecin — cardiologie",
        categorie: "C",
        type_savoir_faire: "S",
        savoir_faire: "SM04",
        activities: &[BELLEVUE, PARC],
    },
    DemoPro {
        national_id: "810109876543",
        given_name: "Hugo",
        family_name: "MARCHAND",
        civilite: "M",
        civilite_exercice: "DR",
        profession: "10",
        profession_label: "Médecin — médecine générale",
        categorie: "C",
        type_savoir_faire: "S",
        savoir_faire: "SM26",
        activities: &[BELLEVUE],
    },
    DemoPro {
        national_id: "899700366240",
        given_name: "Jeanne",
        family_name: "DUVAL",
        civilite: "MME",
        civilite_exercice: "DR",
        profession: "10",
        profession_label: "Médecin — pneumologie (sans compte local)",
        categorie: "C",
        type_savoir_faire: "S",
        savoir_faire: "SM41",
        activities: &[PARC],
    },
    DemoPro {
        national_id: "810100011112",
        given_name: "Nadia",
        family_name: "BENALI",
        civilite: "MME",
        civilite_exercice: "DR",
        profession: "21",
        profession_label: "Pharmacienne",
        categorie: "C",
        type_savoir_faire: "",
        savoir_faire: "",
        activities: &[PHARMACIE_BELLEVUE],
    },
    DemoPro {
        national_id: "810100022223",
        given_name: "Lucas",
        family_name: "PERRIN",
        civilite: "M",
        civilite_exercice: "",
        profession: "60",
        profession_label: "Infirmier",
        categorie: "C",
        type_savoir_faire: "",
        savoir_faire: "",
        activities: &[BELLEVUE],
    },
];

/// The professionals of the sandbox, in the order the login page lists them.
pub fn demo_professionals() -> &'static [DemoPro] {
    &PROFESSIONALS
}

/// The professional with this national id.
pub fn find(national_id: &str) -> Option<&'static DemoPro> {
    PROFESSIONALS.iter().find(|p| p.national_id == national_id)
}

/// Keycloak-style identity-provider id in PSC subjects (`f:<uuid>:<idnat>`), fixed so that a
/// subject is stable from one sandbox run to the next.
const PSC_SUBJECT_PREFIX: &str = "f:5b0e64a4-2c1f-4d8e-9a37-c0de5a4db0c5:";

impl DemoPro {
    /// `sub` as PSC gives it.
    pub fn psc_subject(&self) -> String {
        format!("{PSC_SUBJECT_PREFIX}{}", self.national_id)
    }

    /// `sub` as the establishment's provider gives it: a stable UUID-like string.
    pub fn hospital_subject(&self) -> String {
        use sha2::{Digest, Sha256};
        let h = Sha256::digest(format!("hopital:{}", self.national_id).as_bytes());
        let hex = hex::encode(&h[..16]);
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    /// "Dr Claire LAMBERT".
    pub fn display_name(&self) -> String {
        let title = match self.civilite_exercice {
            "DR" => "Dr ",
            _ => "",
        };
        format!("{title}{} {}", self.given_name, self.family_name)
    }

    /// `SubjectRefPro`: the civilité and every exercice with its activités.
    pub fn subject_ref_pro(&self) -> Value {
        let activities: Vec<Value> = self
            .activities
            .iter()
            .map(|a| {
                json!({
                    "codeModeExercice": a.mode_exercice,
                    "codeSecteurDactivite": a.secteur_activite,
                    "codeSectionPharmacien": a.section_pharmacien,
                    "codeRole": "",
                    "numeroSiretSite": "",
                    "numeroSirenSite": "",
                    "numeroFinessSite": a.finess_site,
                    "numeroFinessetablissementJuridique": a.finess_juridique,
                    "identifiantTechniqueDeLaStructure": format!("F{}", a.finess_site),
                    "raisonSocialeSite": a.raison_sociale_site,
                    "enseigneCommercialeSite": "",
                    "complementDestinataire": "",
                    "complementPointGeographique": "",
                    "numeroVoie": a.numero_voie,
                    "indiceRepetitionVoie": "",
                    "codeTypeDeVoie": "",
                    "libelleVoie": a.libelle_voie,
                    "mentionDistribution": "",
                    "bureauCedex": a.bureau_cedex,
                    "codePostal": a.code_postal,
                    "codeCommune": "",
                    "codePays": "99000",
                    "telephone": "",
                    "telephone2": "",
                    "telecopie": "",
                    "adresseEMail": "",
                    "codeDepartement": a.code_postal.get(..2).unwrap_or_default(),
                    "ancienIdentifiantDeLaStructure": "",
                    "autoriteDenregistrement": "ARS",
                    "codeGenreActivite": "GENR01",
                })
            })
            .collect();
        json!({
            "codeCivilite": self.civilite,
            "exercices": [{
                "codeProfession": self.profession,
                "codeCategorieProfessionnelle": self.categorie,
                "codeCiviliteDexercice": self.civilite_exercice,
                "nomDexercice": self.family_name,
                "prenomDexercice": self.given_name,
                "codeTypeSavoirFaire": self.type_savoir_faire,
                "codeSavoirFaire": self.savoir_faire,
                "activities": activities,
            }],
        })
    }

    /// `otherIds`: the RPPS identifier, in its 8-prefixed form as in PSC samples.
    pub fn other_ids(&self) -> Value {
        json!([{ "identifiant": self.national_id, "origine": "RPPS", "qualite": 1 }])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_set_covers_the_expected_professionals() {
        let claire = find("810101234567").expect("Claire");
        assert_eq!(claire.savoir_faire, "SM04");
        assert_eq!(claire.activities.len(), 2);
        assert!(
            claire
                .activities
                .iter()
                .all(|a| a.finess_juridique == "750999005")
        );
        assert_eq!(find("810109876543").map(|p| p.savoir_faire), Some("SM26"));
        assert!(find("899700366240").is_some());
        let professions: Vec<&str> = demo_professionals().iter().map(|p| p.profession).collect();
        assert!(professions.contains(&"21") && professions.contains(&"60"));
        for p in demo_professionals() {
            assert_eq!(p.national_id.len(), 12);
            assert!(p.national_id.starts_with('8'));
        }
    }

    #[test]
    fn subjects_are_stable_and_distinct() {
        let claire = find("810101234567").expect("Claire");
        assert!(claire.psc_subject().starts_with("f:"));
        assert!(claire.psc_subject().ends_with(":810101234567"));
        assert_eq!(claire.hospital_subject(), claire.hospital_subject());
        assert_eq!(claire.hospital_subject().len(), 36);
        let hugo = find("810109876543").expect("Hugo");
        assert_ne!(claire.hospital_subject(), hugo.hospital_subject());
    }

    #[test]
    fn subject_ref_pro_has_the_psc_shape() {
        let v = find("810101234567").expect("Claire").subject_ref_pro();
        let ex = &v["exercices"][0];
        assert_eq!(ex["codeProfession"], "10");
        assert_eq!(ex["codeSavoirFaire"], "SM04");
        assert_eq!(ex["activities"][1]["numeroFinessSite"], "920999034");
        assert_eq!(ex["activities"][0]["codePostal"], "75019");
    }
}
