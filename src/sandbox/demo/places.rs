//! Birthplaces of the demo identities: real INSEE codes (COG) of communes, Paris, Lyon and
//! Marseille arrondissements, Corsican (`2A`/`2B`) and overseas communes, and foreign countries
//! (`99xxx`), with the earliest birth year for which the code is what a NIR carries.

use super::names::Origin;
use Origin as O;

/// One birthplace: INSEE code, name as the COG writes it, family-name origin, and the first
/// birth year for which this code appears in the NIR (earlier births were coded otherwise:
/// Corsica was one department `20` until 1976, the Île-de-France departments 91–95 date from
/// 1968, Algeria was French departments until 1962).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Place {
    pub(crate) code: &'static str,
    pub(crate) name: &'static str,
    pub(crate) origin: Origin,
    pub(crate) from_year: i32,
}

const fn p(code: &'static str, name: &'static str, origin: Origin, from_year: i32) -> Place {
    Place {
        code,
        name,
        origin,
        from_year,
    }
}

/// Metropolitan communes (Corsica apart).
pub(crate) const METROPOLE: &[Place] = &[
    p("75104", "Paris 4e Arrondissement", O::France, 0),
    p("75107", "Paris 7e Arrondissement", O::France, 0),
    p("75112", "Paris 12e Arrondissement", O::France, 0),
    p("75113", "Paris 13e Arrondissement", O::France, 0),
    p("75114", "Paris 14e Arrondissement", O::France, 0),
    p("75115", "Paris 15e Arrondissement", O::France, 0),
    p("75118", "Paris 18e Arrondissement", O::France, 0),
    p("75120", "Paris 20e Arrondissement", O::France, 0),
    p("13205", "Marseille 5e Arrondissement", O::France, 0),
    p("13208", "Marseille 8e Arrondissement", O::France, 0),
    p("69383", "Lyon 3e Arrondissement", O::France, 0),
    p("69387", "Lyon 7e Arrondissement", O::France, 0),
    p("31555", "Toulouse", O::France, 0),
    p("33063", "Bordeaux", O::France, 0),
    p("59350", "Lille", O::France, 0),
    p("59512", "Roubaix", O::France, 0),
    p("67482", "Strasbourg", O::France, 0),
    p("68224", "Mulhouse", O::France, 0),
    p("44109", "Nantes", O::France, 0),
    p("35238", "Rennes", O::Bretagne, 0),
    p("29019", "Brest", O::Bretagne, 0),
    p("29232", "Quimper", O::Bretagne, 0),
    p("22278", "Saint-Brieuc", O::Bretagne, 0),
    p("56260", "Vannes", O::Bretagne, 0),
    p("06088", "Nice", O::France, 0),
    p("34172", "Montpellier", O::France, 0),
    p("76540", "Rouen", O::France, 0),
    p("76351", "Le Havre", O::France, 0),
    p("21231", "Dijon", O::France, 0),
    p("63113", "Clermont-Ferrand", O::France, 0),
    p("87085", "Limoges", O::France, 0),
    p("37261", "Tours", O::France, 0),
    p("45234", "Orléans", O::France, 0),
    p("51454", "Reims", O::France, 0),
    p("51215", "Dompremy", O::France, 0),
    p("54395", "Nancy", O::France, 0),
    p("57463", "Metz", O::France, 0),
    p("25056", "Besançon", O::France, 0),
    p("38185", "Grenoble", O::France, 0),
    p("42218", "Saint-Étienne", O::France, 0),
    p("49007", "Angers", O::France, 0),
    p("14118", "Caen", O::France, 0),
    p("80021", "Amiens", O::France, 0),
    p("86194", "Poitiers", O::France, 0),
    p("64445", "Pau", O::France, 0),
    p("64102", "Bayonne", O::France, 0),
    p("66136", "Perpignan", O::France, 0),
    p("30189", "Nîmes", O::France, 0),
    p("84007", "Avignon", O::France, 0),
    p("83137", "Toulon", O::France, 0),
    p("17300", "La Rochelle", O::France, 0),
    p("72181", "Le Mans", O::France, 0),
    p("18033", "Bourges", O::France, 0),
    p("74010", "Annecy", O::France, 0),
    p("78646", "Versailles", O::France, 0),
    p("92012", "Boulogne-Billancourt", O::France, 1968),
    p("93066", "Saint-Denis", O::France, 1968),
    p("94028", "Créteil", O::France, 1968),
    p("91228", "Évry-Courcouronnes", O::France, 1968),
];

/// Corsican communes: their NIR department is `2A`/`2B` (births from 1976 on).
pub(crate) const CORSE: &[Place] = &[
    p("2A004", "Ajaccio", O::Corse, 1976),
    p("2B033", "Bastia", O::Corse, 1976),
    p("2B096", "Corte", O::Corse, 1976),
];

/// Overseas departments.
pub(crate) const OUTRE_MER: &[Place] = &[
    p("97411", "Saint-Denis", O::OutreMer, 0),
    p("97416", "Saint-Pierre", O::OutreMer, 0),
    p("97209", "Fort-de-France", O::OutreMer, 0),
    p("97105", "Basse-Terre", O::OutreMer, 0),
    p("97120", "Pointe-à-Pitre", O::OutreMer, 0),
    p("97302", "Cayenne", O::OutreMer, 0),
];

/// Foreign countries (COG country codes; the NIR carries department 99 and the country).
pub(crate) const ETRANGER: &[Place] = &[
    p("99350", "Maroc", O::Maghreb, 0),
    p("99352", "Algérie", O::Maghreb, 1963),
    p("99351", "Tunisie", O::Maghreb, 0),
    p("99139", "Portugal", O::Iberie, 0),
    p("99134", "Espagne", O::Iberie, 0),
    p("99127", "Italie", O::Italie, 0),
    p("99109", "Allemagne", O::Europe, 0),
    p("99131", "Belgique", O::Europe, 0),
    p("99132", "Royaume-Uni", O::Europe, 0),
    p("99140", "Suisse", O::Europe, 0),
    p("99122", "Pologne", O::Europe, 0),
    p("99341", "Sénégal", O::AfriqueOuest, 1961),
    p("99326", "Côte d'Ivoire", O::AfriqueOuest, 1961),
    p("99208", "Turquie", O::Turquie, 0),
    p("99243", "Viêt Nam", O::Vietnam, 1955),
];

/// True for a foreign-country code (`99xxx`).
pub(crate) fn is_foreign(code: &str) -> bool {
    code.starts_with("99")
}

/// The name of a birthplace code known to the generator (commune or country).
pub fn birthplace_name(code: &str) -> Option<&'static str> {
    [METROPOLE, CORSE, OUTRE_MER, ETRANGER]
        .into_iter()
        .flatten()
        .find(|p| p.code == code)
        .map(|p| p.name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_five_characters_and_unique() {
        let all: Vec<&Place> = [METROPOLE, CORSE, OUTRE_MER, ETRANGER]
            .into_iter()
            .flatten()
            .collect();
        let mut codes: Vec<&str> = all.iter().map(|p| p.code).collect();
        for code in &codes {
            assert_eq!(code.len(), 5, "{code}");
            let corsica = code.starts_with("2A") || code.starts_with("2B");
            assert!(
                corsica || code.bytes().all(|b| b.is_ascii_digit()),
                "{code}"
            );
        }
        codes.sort_unstable();
        let n = codes.len();
        codes.dedup();
        assert_eq!(codes.len(), n);
        assert!(ETRANGER.iter().all(|p| is_foreign(p.code)));
        assert!(!METROPOLE.iter().any(|p| is_foreign(p.code)));
        assert_eq!(birthplace_name("2A004"), Some("Ajaccio"));
        assert_eq!(birthplace_name("00000"), None);
    }
}
