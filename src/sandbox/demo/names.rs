//! Name lists of the demo identities: birth names by family origin, first names by sex,
//! generation and origin. Fictitious combinations of common names; upper-case birth names,
//! first names as written on a birth certificate (accents, hyphens and apostrophes kept).

use chrono::{Datelike, NaiveDate};

use crate::domain::Sex;

/// Where a family's names come from; chosen from the birthplace so that names look plausible.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Origin {
    France,
    Bretagne,
    Corse,
    OutreMer,
    Maghreb,
    Iberie,
    Italie,
    AfriqueOuest,
    Vietnam,
    Turquie,
    Europe,
}

#[rustfmt::skip]
const FRANCE: &[&str] = &[
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
    "LAURENT", "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
    "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT", "FAURE",
    "ANDRÉ", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER", "CHEVALIER", "FRANÇOIS", "LEGRAND",
    "GAUTHIER", "PERRIN", "ROBIN", "CLÉMENT", "MORIN", "NICOLAS", "HENRY", "ROUSSEL", "MATHIEU",
    "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "LEMAIRE", "NOËL", "MEYER", "DUFOUR",
    "MEUNIER", "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIÈRE", "LUCAS", "BRUNET", "GAILLARD",
    "BARBIER", "ARNAUD", "GÉRARD", "ROCHE", "RENARD", "SCHMITT", "ROY", "COLIN", "VIDAL", "CARON",
    "PICARD", "ROGER", "FABRE", "AUBERT", "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER",
    "BOURGEOIS", "BENOÎT", "LECLERC", "HÉBERT", "BÉRANGER", "DESCHAMPS", "DELAPORTE",
    "DE LA FONTAINE", "SAINT-MARTIN", "L'HERMITE", "MOREAU-DUCHÊNE", "BERNARD-LEROY",
    "ROUSSEL-MAILLARD", "D'AUBIGNÉ", "DU PONTAVICE", "LEBŒUF",
];

#[rustfmt::skip]
const BRETAGNE: &[&str] = &[
    "LE GALL", "LE GOFF", "LE ROUX", "LE BIHAN", "LE CORRE", "GUILLOU", "MADEC", "LE MEUR",
    "TANGUY", "KERMARREC", "LE BRIS", "QUÉRÉ", "L'HOSTIS", "MORVAN", "LE NÉDELEC",
];

#[rustfmt::skip]
const CORSE: &[&str] = &[
    "SANTONI", "CASANOVA", "PIETRI", "MATTEI", "BARTOLI", "LUCIANI", "ALBERTINI", "PAOLI",
    "FILIPPI", "GRAZIANI", "ORSINI", "COLONNA D'ISTRIA",
];

#[rustfmt::skip]
const OUTRE_MER: &[&str] = &[
    "PAYET", "HOARAU", "GRONDIN", "TECHER", "RIVIÈRE", "ÉTIENNE", "JEAN-BAPTISTE", "SAINT-LOUIS",
    "PHILOGÈNE", "MARIE-SAINTE", "LAGUERRE", "NOMDEDEU",
];

#[rustfmt::skip]
const MAGHREB: &[&str] = &[
    "BENALI", "EL AMRANI", "BEN SAÏD", "HADDAD", "BOUZID", "MANSOURI", "CHÉRIF", "BELKACEM",
    "BENMOUSSA", "EL IDRISSI", "TRABELSI", "BEN AMOR", "ZITOUNI", "MESSAOUDI", "BOUAZIZ",
];

#[rustfmt::skip]
const IBERIE: &[&str] = &[
    "DA SILVA", "DOS SANTOS", "FERREIRA", "PEREIRA", "RODRIGUES", "GONÇALVES", "MARTINS",
    "D'ALMEIDA", "DE SOUSA", "FERNANDES", "GARCIA", "MARTINEZ", "LÓPEZ", "SÁNCHEZ", "FERNÁNDEZ",
];

#[rustfmt::skip]
const ITALIE: &[&str] = &[
    "ROSSI", "BIANCHI", "ESPOSITO", "RUSSO", "ROMANO", "COLOMBO", "DI MARCO", "D'ANGELO", "DE LUCA",
    "LOMBARDI",
];

#[rustfmt::skip]
const AFRIQUE_OUEST: &[&str] = &[
    "DIALLO", "N'DIAYE", "SOW", "TRAORÉ", "KONÉ", "DIOP", "FALL", "COULIBALY", "KOUASSI", "CISSÉ",
    "BA", "N'GUESSAN",
];

#[rustfmt::skip]
const VIETNAM: &[&str] = &[
    "NGUYEN", "TRAN", "LE", "PHAM", "HOANG", "VU", "DANG", "BUI", "DO",
];

#[rustfmt::skip]
const TURQUIE: &[&str] = &[
    "YILMAZ", "KAYA", "DEMIR", "ÇELIK", "ŞAHIN", "ÖZTÜRK",
];

#[rustfmt::skip]
const EUROPE: &[&str] = &[
    "MÜLLER", "SCHNEIDER", "WEBER", "KOWALSKI", "NOWAK", "JANSSENS", "PEETERS", "O'BRIEN", "SMITH",
    "HUBER", "FISCHER",
];

#[rustfmt::skip]
const F_CLASSIC: &[&str] = &[
    "Marie", "Jeanne", "Françoise", "Monique", "Catherine", "Nicole", "Jacqueline", "Anne",
    "Sylvie", "Martine", "Christine", "Madeleine", "Denise", "Simone", "Suzanne", "Yvette",
    "Hélène", "Odette", "Geneviève", "Colette", "Thérèse", "Josette", "Marie-Claire",
    "Marie-Thérèse", "Anne-Marie", "Germaine", "Paulette", "Ginette", "Brigitte", "Danielle",
    "Élisabeth", "Michèle", "Régine", "Lucienne", "Renée", "Édith",
];

#[rustfmt::skip]
const F_MIDDLE: &[&str] = &[
    "Céline", "Stéphanie", "Sandrine", "Valérie", "Aurélie", "Julie", "Émilie", "Caroline",
    "Virginie", "Sophie", "Lætitia", "Karine", "Audrey", "Élodie", "Mélanie", "Claire", "Marion",
    "Laure", "Camille", "Marie-Laure", "Anne-Sophie", "Delphine", "Séverine", "Gaëlle", "Isabelle",
    "Nathalie", "Hélène",
];

#[rustfmt::skip]
const F_RECENT: &[&str] = &[
    "Emma", "Léa", "Chloé", "Manon", "Inès", "Jade", "Louise", "Alice", "Lina", "Zoé", "Maëlys",
    "Anaïs", "Romane", "Clémence", "Juliette", "Lou", "Mia", "Ambre", "Rose", "Agathe", "Léonie",
    "Héloïse", "Maëlle", "Anna", "Éléonore", "Noémie", "Lou-Anne",
];

#[rustfmt::skip]
const M_CLASSIC: &[&str] = &[
    "Jean", "Pierre", "Michel", "André", "Philippe", "René", "Louis", "Alain", "Jacques", "Bernard",
    "Marcel", "Daniel", "Roger", "Robert", "Claude", "Henri", "Georges", "Gérard", "Paul",
    "Christian", "Joseph", "Maurice", "Raymond", "Lucien", "Jean-Pierre", "Jean-Claude",
    "Jean-Marie", "Jean-Louis", "François", "Gilles", "Patrick", "Serge", "Guy", "Yves", "Hervé",
];

#[rustfmt::skip]
const M_MIDDLE: &[&str] = &[
    "Nicolas", "Julien", "Sébastien", "Christophe", "Stéphane", "Frédéric", "Olivier", "Laurent",
    "David", "Thomas", "Jérôme", "Cédric", "Guillaume", "Mathieu", "Vincent", "Benoît", "Grégory",
    "Damien", "Jean-Baptiste", "Fabrice", "Loïc", "Anthony", "Romain", "Maxime", "Arnaud",
];

#[rustfmt::skip]
const M_RECENT: &[&str] = &[
    "Lucas", "Hugo", "Gabriel", "Léo", "Louis", "Raphaël", "Arthur", "Jules", "Adam", "Nathan",
    "Ethan", "Noé", "Timéo", "Maël", "Théo", "Paul", "Sacha", "Aaron", "Gaël", "Enzo", "Mathéo",
    "Noah", "Côme", "Baptiste", "Aurèle", "Jean-Gabriel",
];

#[rustfmt::skip]
const F_MAGHREB: &[&str] = &[
    "Fatima", "Nadia", "Samira", "Leïla", "Yasmine", "Amina", "Sofia", "Malika", "Kenza", "Naïma",
];
#[rustfmt::skip]
const M_MAGHREB: &[&str] = &[
    "Mohamed", "Karim", "Youssef", "Rachid", "Mehdi", "Samir", "Bilal", "Nassim", "Ahmed", "Rayan",
];
#[rustfmt::skip]
const F_AFRIQUE: &[&str] = &[
    "Aminata", "Fatoumata", "Awa", "Mariama", "Aïssatou", "Adjoua",
];
#[rustfmt::skip]
const M_AFRIQUE: &[&str] = &[
    "Mamadou", "Moussa", "Ibrahima", "Ousmane", "Abdoulaye", "Cheikh",
];
#[rustfmt::skip]
const F_IBERIE: &[&str] = &[
    "Maria", "Ana", "Inês", "Rosa", "Carmen", "Isabel", "Conceição",
];
#[rustfmt::skip]
const M_IBERIE: &[&str] = &[
    "José", "João", "Manuel", "António", "Carlos", "Miguel", "Pedro",
];
#[rustfmt::skip]
const F_ITALIE: &[&str] = &[
    "Giulia", "Francesca", "Chiara", "Maria", "Anna", "Graziella",
];
#[rustfmt::skip]
const M_ITALIE: &[&str] = &[
    "Giuseppe", "Marco", "Luca", "Giovanni", "Antonio", "Salvatore",
];
#[rustfmt::skip]
const F_VIETNAM: &[&str] = &[
    "Lan", "Mai", "Linh", "Hoa", "Thu", "Ngọc",
];
#[rustfmt::skip]
const M_VIETNAM: &[&str] = &[
    "Minh", "Duc", "Tuan", "Quang", "Huy", "Thanh",
];
#[rustfmt::skip]
const F_TURQUIE: &[&str] = &[
    "Ayşe", "Elif", "Zeynep", "Fatma", "Emine",
];
#[rustfmt::skip]
const M_TURQUIE: &[&str] = &[
    "Mehmet", "Mustafa", "Emre", "Murat", "Hüseyin",
];

/// Birth names plausible for a family of this origin.
pub(crate) fn family_names(origin: Origin) -> &'static [&'static str] {
    match origin {
        Origin::France => FRANCE,
        Origin::Bretagne => BRETAGNE,
        Origin::Corse => CORSE,
        Origin::OutreMer => OUTRE_MER,
        Origin::Maghreb => MAGHREB,
        Origin::Iberie => IBERIE,
        Origin::Italie => ITALIE,
        Origin::AfriqueOuest => AFRIQUE_OUEST,
        Origin::Vietnam => VIETNAM,
        Origin::Turquie => TURQUIE,
        Origin::Europe => EUROPE,
    }
}

/// Common French birth names, used for spouses' names (noms d'usage).
pub(crate) fn spouse_names() -> &'static [&'static str] {
    FRANCE
}

/// First names for a person of this sex, birth date and origin. French lists follow the
/// fashion of the birth years; other origins have their own short lists.
pub(crate) fn first_names(sex: Sex, birth: NaiveDate, origin: Origin) -> &'static [&'static str] {
    let female = sex == Sex::Female;
    let origin_list = match origin {
        Origin::Maghreb => Some((F_MAGHREB, M_MAGHREB)),
        Origin::AfriqueOuest => Some((F_AFRIQUE, M_AFRIQUE)),
        Origin::Iberie => Some((F_IBERIE, M_IBERIE)),
        Origin::Italie => Some((F_ITALIE, M_ITALIE)),
        Origin::Vietnam => Some((F_VIETNAM, M_VIETNAM)),
        Origin::Turquie => Some((F_TURQUIE, M_TURQUIE)),
        _ => None,
    };
    if let Some((f, m)) = origin_list {
        return if female { f } else { m };
    }
    french_first_names(female, birth.year())
}

/// French first names in fashion in `year` (used for second and third first names too).
pub(crate) fn french_first_names(female: bool, year: i32) -> &'static [&'static str] {
    match (female, year) {
        (true, ..1970) => F_CLASSIC,
        (true, 1970..1995) => F_MIDDLE,
        (true, _) => F_RECENT,
        (false, ..1970) => M_CLASSIC,
        (false, 1970..1995) => M_MIDDLE,
        (false, _) => M_RECENT,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ALL_ORIGINS: [Origin; 11] = [
        Origin::France,
        Origin::Bretagne,
        Origin::Corse,
        Origin::OutreMer,
        Origin::Maghreb,
        Origin::Iberie,
        Origin::Italie,
        Origin::AfriqueOuest,
        Origin::Vietnam,
        Origin::Turquie,
        Origin::Europe,
    ];

    #[test]
    fn birth_names_are_upper_case_and_varied() {
        let mut total = 0;
        for origin in ALL_ORIGINS {
            for name in family_names(origin) {
                assert_eq!(*name, name.to_uppercase(), "{name}");
                assert_eq!(name.trim(), *name);
                total += 1;
            }
        }
        assert!(total > 200, "{total}");
        let all: Vec<&str> = ALL_ORIGINS
            .iter()
            .flat_map(|o| family_names(*o))
            .copied()
            .collect();
        assert!(all.iter().any(|n| n.contains('\'')));
        assert!(all.iter().any(|n| n.contains('-')));
        assert!(all.iter().any(|n| n.contains(' ')));
        assert!(all.iter().any(|n| !n.is_ascii()));
    }

    #[test]
    fn first_names_are_single_words() {
        for female in [true, false] {
            for year in [1930, 1980, 2020] {
                for name in french_first_names(female, year) {
                    assert!(!name.contains(' '), "{name}");
                }
            }
        }
        let birth = NaiveDate::from_ymd_opt(1990, 1, 1).unwrap_or_default();
        for origin in ALL_ORIGINS {
            for sex in [Sex::Female, Sex::Male] {
                let list = first_names(sex, birth, origin);
                assert!(!list.is_empty());
                assert!(list.iter().all(|n| !n.contains(' ')));
            }
        }
    }
}
