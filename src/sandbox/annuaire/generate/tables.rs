//! The generator's reference lists: TRE_R38 specialties and TRE_G15 professions with their
//! labels, cities with postal codes, street types and labels, names, hospital services.

/// A TRE_R38 specialty.
#[derive(Debug, Clone, Copy)]
pub(super) struct Specialty {
    pub(super) code: &'static str,
    pub(super) label: &'static str,
}

pub(super) const fn sm(code: &'static str, label: &'static str) -> Specialty {
    Specialty { code, label }
}

pub(super) const SPECIALTY_GENERAL: Specialty = sm("SM54", "Médecine générale");
pub(super) const SPECIALTY_CARDIOLOGY: Specialty =
    sm("SM04", "Cardiologie et maladies vasculaires");
pub(super) const SPECIALTY_PNEUMOLOGY: Specialty = sm("SM41", "Pneumologie");

/// Physicians' specialties (TRE_R38 `SM..`), with weights (general practice dominant).
pub(super) const SPECIALTIES: &[(Specialty, u32)] = &[
    (SPECIALTY_GENERAL, 300),
    (sm("SM26", "Qualifié en médecine générale"), 120),
    (sm("SM53", "Spécialiste en médecine générale"), 40),
    (SPECIALTY_CARDIOLOGY, 30),
    (sm("SM02", "Anesthésie-réanimation"), 40),
    (SPECIALTY_PNEUMOLOGY, 15),
    (sm("SM01", "Anatomie et cytologie pathologiques"), 8),
    (sm("SM03", "Biologie médicale"), 10),
    (sm("SM05", "Chirurgie générale"), 10),
    (sm("SM08", "Chirurgie orthopédique et traumatologie"), 15),
    (sm("SM14", "Chirurgie viscérale et digestive"), 8),
    (sm("SM15", "Dermatologie et vénéréologie"), 12),
    (sm("SM16", "Endocrinologie et métabolisme"), 8),
    (sm("SM18", "Gériatrie"), 15),
    (sm("SM19", "Gynécologie médicale"), 8),
    (sm("SM20", "Gynécologie-obstétrique"), 15),
    (sm("SM21", "Hématologie"), 5),
    (sm("SM24", "Gastro-entérologie et hépatologie"), 12),
    (sm("SM25", "Médecine du travail"), 10),
    (sm("SM27", "Médecine interne"), 10),
    (sm("SM28", "Médecine nucléaire"), 4),
    (sm("SM29", "Médecine physique et réadaptation"), 6),
    (sm("SM30", "Néphrologie"), 6),
    (sm("SM32", "Neurologie"), 10),
    (sm("SM34", "O.R.L et chirurgie cervico faciale"), 8),
    (sm("SM38", "Ophtalmologie"), 15),
    (sm("SM40", "Pédiatrie"), 20),
    (sm("SM42", "Psychiatrie"), 25),
    (sm("SM44", "Radio-diagnostic"), 20),
    (sm("SM47", "Rhumatologie"), 8),
];

/// A TRE_G15 profession: code, label, weight, the operators' MSSanté domain of the liberal
/// ones, whether physicians' specialties apply, and the practice's name.
pub(super) struct Profession {
    pub(super) code: &'static str,
    pub(super) label: &'static str,
    pub(super) weight: u32,
    pub(super) domain: &'static str,
    pub(super) practice: &'static str,
}

pub(super) const PROFESSIONS: &[Profession] = &[
    Profession {
        code: "10",
        label: "Médecin",
        weight: 48,
        domain: "medecin.mssante.fr",
        practice: "Cabinet du Dr",
    },
    Profession {
        code: "60",
        label: "Infirmier",
        weight: 14,
        domain: "infirmier.mssante.fr",
        practice: "Cabinet infirmier",
    },
    Profession {
        code: "21",
        label: "Pharmacien",
        weight: 12,
        domain: "pharmacien.mssante.fr",
        practice: "Pharmacie",
    },
    Profession {
        code: "40",
        label: "Chirurgien-Dentiste",
        weight: 8,
        domain: "chirurgien-dentiste.mssante.fr",
        practice: "Cabinet dentaire",
    },
    Profession {
        code: "70",
        label: "Masseur-Kinésithérapeute",
        weight: 8,
        domain: "masseur-kinesitherapeute.mssante.fr",
        practice: "Cabinet de kinésithérapie",
    },
    Profession {
        code: "50",
        label: "Sage-Femme",
        weight: 4,
        domain: "sage-femme.mssante.fr",
        practice: "Cabinet de sage-femme",
    },
    Profession {
        code: "80",
        label: "Pédicure-Podologue",
        weight: 2,
        domain: "pedicure-podologue.mssante.fr",
        practice: "Cabinet de podologie",
    },
    Profession {
        code: "91",
        label: "Orthophoniste",
        weight: 2,
        domain: "orthophoniste.mssante.fr",
        practice: "Cabinet d'orthophonie",
    },
    Profession {
        code: "92",
        label: "Orthoptiste",
        weight: 1,
        domain: "orthoptiste.mssante.fr",
        practice: "Cabinet d'orthoptie",
    },
    Profession {
        code: "26",
        label: "Audioprothésiste",
        weight: 1,
        domain: "audioprothesiste.mssante.fr",
        practice: "Centre auditif",
    },
];

/// A city: postal code, name as the routing line writes it, department, whether it has a CHU.
pub(super) struct City {
    pub(super) postal: &'static str,
    pub(super) name: &'static str,
    pub(super) department: &'static str,
    pub(super) chu: bool,
}

pub(super) const fn c(
    postal: &'static str,
    name: &'static str,
    department: &'static str,
    chu: bool,
) -> City {
    City {
        postal,
        name,
        department,
        chu,
    }
}

#[rustfmt::skip]
pub(super) const CITIES: &[City] = &[
    c("75001", "PARIS", "75", false), c("75002", "PARIS", "75", false),
    c("75003", "PARIS", "75", false), c("75004", "PARIS", "75", false),
    c("75005", "PARIS", "75", false), c("75006", "PARIS", "75", false),
    c("75007", "PARIS", "75", false), c("75008", "PARIS", "75", false),
    c("75009", "PARIS", "75", false), c("75010", "PARIS", "75", false),
    c("75011", "PARIS", "75", false), c("75012", "PARIS", "75", false),
    c("75013", "PARIS", "75", true), c("75014", "PARIS", "75", false),
    c("75015", "PARIS", "75", false), c("75016", "PARIS", "75", false),
    c("75017", "PARIS", "75", false), c("75018", "PARIS", "75", false),
    c("75019", "PARIS", "75", false), c("75020", "PARIS", "75", false),
    c("69003", "LYON", "69", true), c("69006", "LYON", "69", false),
    c("69008", "LYON", "69", false), c("13005", "MARSEILLE", "13", true),
    c("13008", "MARSEILLE", "13", false), c("13013", "MARSEILLE", "13", false),
    c("44000", "NANTES", "44", false), c("33000", "BORDEAUX", "33", true),
    c("59000", "LILLE", "59", true), c("31000", "TOULOUSE", "31", true),
    c("67000", "STRASBOURG", "67", true), c("35000", "RENNES", "35", true),
    c("06000", "NICE", "06", true), c("34000", "MONTPELLIER", "34", true),
    c("76000", "ROUEN", "76", true), c("76600", "LE HAVRE", "76", false),
    c("21000", "DIJON", "21", true), c("63000", "CLERMONT-FERRAND", "63", true),
    c("87000", "LIMOGES", "87", true), c("37000", "TOURS", "37", true),
    c("45000", "ORLEANS", "45", true), c("51100", "REIMS", "51", true),
    c("54000", "NANCY", "54", true), c("57000", "METZ", "57", false),
    c("25000", "BESANCON", "25", true), c("38000", "GRENOBLE", "38", true),
    c("42000", "SAINT-ETIENNE", "42", true), c("49000", "ANGERS", "49", true),
    c("14000", "CAEN", "14", true), c("80000", "AMIENS", "80", true),
    c("86000", "POITIERS", "86", true), c("29200", "BREST", "29", true),
    c("29000", "QUIMPER", "29", false), c("56000", "VANNES", "56", false),
    c("22000", "SAINT-BRIEUC", "22", false), c("64000", "PAU", "64", false),
    c("64100", "BAYONNE", "64", false), c("66000", "PERPIGNAN", "66", false),
    c("30000", "NIMES", "30", true), c("84000", "AVIGNON", "84", false),
    c("83000", "TOULON", "83", false), c("17000", "LA ROCHELLE", "17", false),
    c("72000", "LE MANS", "72", false), c("18000", "BOURGES", "18", false),
    c("74000", "ANNECY", "74", false), c("78000", "VERSAILLES", "78", false),
    c("92100", "BOULOGNE-BILLANCOURT", "92", false), c("93200", "SAINT-DENIS", "93", false),
    c("94000", "CRETEIL", "94", false), c("91000", "EVRY-COURCOURONNES", "91", false),
    c("68100", "MULHOUSE", "68", false), c("59100", "ROUBAIX", "59", false),
    c("85000", "LA ROCHE-SUR-YON", "85", false), c("44600", "SAINT-NAZAIRE", "44", false),
    c("62000", "ARRAS", "62", false), c("02100", "SAINT-QUENTIN", "02", false),
    c("10000", "TROYES", "10", false), c("41000", "BLOIS", "41", false),
    c("28000", "CHARTRES", "28", false), c("60000", "BEAUVAIS", "60", false),
    c("81000", "ALBI", "81", false), c("65000", "TARBES", "65", false),
    c("24000", "PERIGUEUX", "24", false), c("03100", "MONTLUCON", "03", false),
    c("20000", "AJACCIO", "2A", false), c("20200", "BASTIA", "2B", false),
    c("97400", "SAINT-DENIS", "974", true), c("97200", "FORT-DE-FRANCE", "972", true),
    c("97110", "POINTE-A-PITRE", "971", true), c("97300", "CAYENNE", "973", false),
];

pub(super) const STREET_TYPES: &[(&str, u32)] = &[
    ("R", 45),
    ("AV", 20),
    ("BD", 10),
    ("PL", 6),
    ("CHE", 5),
    ("IMP", 3),
    ("ALL", 4),
    ("RTE", 4),
    ("QUAI", 3),
];

#[rustfmt::skip]
pub(super) const STREET_LABELS: &[&str] = &[
    "DE LA RÉPUBLIQUE", "VICTOR HUGO", "DES LILAS", "DE LA PAIX", "JEAN JAURÈS",
    "DU GÉNÉRAL DE GAULLE", "PASTEUR", "GAMBETTA", "DE LA GARE", "DES ÉCOLES", "DU MOULIN",
    "SAINT-MICHEL", "DE VERDUN", "FOCH", "CLEMENCEAU", "DE LA LIBÉRATION", "DES TILLEULS",
    "DU CHÂTEAU", "DE L'ÉGLISE", "DES ROSIERS", "ÉMILE ZOLA", "JULES FERRY", "CARNOT",
    "DE LA MAIRIE", "DU MARCHÉ", "DES ACACIAS", "ANATOLE FRANCE", "DE BRETAGNE",
    "DES PEUPLIERS", "MARÉCHAL LECLERC", "DE LA FONTAINE", "PAUL BERT", "DU PORT",
    "DES CHÊNES", "LOUIS PASTEUR", "DE PARIS", "DES VIGNES", "MOZART", "DES PRÉS",
    "DE L'HÔPITAL", "ARISTIDE BRIAND", "DES MARRONNIERS", "SAINTE-ANNE", "DU STADE",
];

pub(super) const NUMBER_COMPLEMENTS: &[&str] = &["B", "T", "BIS", "TER", "A"];

pub(super) const LOCATION_COMPLEMENTS: &[&str] = &[
    "BATIMENT A",
    "BATIMENT B",
    "RESIDENCE LES JARDINS",
    "2EME ETAGE",
    "CENTRE MEDICAL",
    "ESPACE SANTE",
    "POLE SANTE",
];

#[rustfmt::skip]
pub(super) const FAMILY_NAMES: &[&str] = &[
    "MARTIN", "BERNARD", "THOMAS", "PETIT", "ROBERT", "RICHARD", "DURAND", "DUBOIS", "MOREAU",
    "LAURENT", "SIMON", "MICHEL", "LEFÈVRE", "LEROY", "ROUX", "DAVID", "BERTRAND", "MOREL",
    "FOURNIER", "GIRARD", "BONNET", "DUPONT", "LAMBERT", "FONTAINE", "ROUSSEAU", "VINCENT",
    "FAURE", "ANDRÉ", "MERCIER", "BLANC", "GUÉRIN", "BOYER", "GARNIER", "CHEVALIER",
    "FRANÇOIS", "LEGRAND", "GAUTHIER", "PERRIN", "ROBIN", "CLÉMENT", "MORIN", "NICOLAS",
    "HENRY", "ROUSSEL", "MATHIEU", "MASSON", "MARCHAND", "DUVAL", "DENIS", "DUMONT", "LEMAIRE",
    "NOËL", "MEYER", "DUFOUR", "MEUNIER", "BRUN", "BLANCHARD", "GIRAUD", "JOLY", "RIVIÈRE",
    "LUCAS", "BRUNET", "GAILLARD", "BARBIER", "ARNAUD", "GÉRARD", "ROCHE", "RENARD",
    "SCHMITT", "ROY", "COLIN", "VIDAL", "CARON", "PICARD", "ROGER", "FABRE", "AUBERT",
    "LEMOINE", "RENAUD", "DUMAS", "LACROIX", "OLIVIER", "BOURGEOIS", "BENOÎT", "LECLERC",
    "HÉBERT", "BÉRANGER", "DESCHAMPS", "DE LA FONTAINE", "SAINT-MARTIN", "L'HERMITE",
    "MOREAU-DUCHÊNE", "D'AUBIGNÉ", "LE GALL", "LE GOFF", "LE ROUX", "LE BIHAN", "GUILLOU",
    "KERMARREC", "QUÉRÉ", "MORVAN", "SANTONI", "CASANOVA", "PIETRI", "PAYET", "HOARAU",
    "GRONDIN", "BENALI", "EL AMRANI", "BEN SAÏD", "HADDAD", "BOUZID", "CHÉRIF", "BELKACEM",
    "DA SILVA", "DOS SANTOS", "FERREIRA", "PEREIRA", "GONÇALVES", "GARCIA", "MARTINEZ",
    "LÓPEZ", "ROSSI", "ESPOSITO", "DI MARCO", "D'ANGELO", "DIALLO", "N'DIAYE", "TRAORÉ",
    "KONÉ", "DIOP", "COULIBALY", "NGUYEN", "TRAN", "PHAM", "YILMAZ", "ÇELIK", "MÜLLER",
    "SCHNEIDER", "KOWALSKI", "NOWAK", "JANSSENS", "O'BRIEN", "HUBER", "FISCHER",
];

#[rustfmt::skip]
pub(super) const FEMALE_NAMES: &[&str] = &[
    "Marie", "Anne", "Catherine", "Isabelle", "Nathalie", "Sylvie", "Christine", "Hélène",
    "Valérie", "Sandrine", "Céline", "Stéphanie", "Aurélie", "Julie", "Émilie", "Caroline",
    "Virginie", "Sophie", "Lætitia", "Karine", "Audrey", "Élodie", "Mélanie", "Claire",
    "Marion", "Laure", "Camille", "Marie-Laure", "Anne-Sophie", "Delphine", "Séverine",
    "Gaëlle", "Agnès", "Béatrice", "Cécile", "Florence", "Véronique", "Élisabeth", "Françoise",
    "Geneviève", "Léa", "Chloé", "Manon", "Inès", "Clémence", "Juliette", "Noémie",
    "Maëlle", "Anaïs", "Pauline", "Charlotte", "Lucie", "Mathilde", "Margaux", "Fatima",
    "Nadia", "Leïla", "Yasmine", "Amina", "Aminata", "Maria", "Ana", "Giulia", "Linh",
    "Ayşe", "Zoé", "Éléonore", "Héloïse",
];

#[rustfmt::skip]
pub(super) const MALE_NAMES: &[&str] = &[
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Jacques", "François", "Patrick",
    "Jean-Pierre", "Jean-Luc", "Jean-Marc", "Jean-François", "Nicolas", "Julien", "Sébastien",
    "Christophe", "Stéphane", "Frédéric", "Olivier", "Laurent", "David", "Thomas", "Jérôme",
    "Cédric", "Guillaume", "Mathieu", "Vincent", "Benoît", "Grégory", "Damien",
    "Jean-Baptiste", "Fabrice", "Loïc", "Romain", "Maxime", "Arnaud", "Hervé", "Yves",
    "Gilles", "Éric", "Bruno", "Thierry", "Pascal", "Didier", "Emmanuel", "Xavier", "Hugo",
    "Lucas", "Antoine", "Raphaël", "Arthur", "Théo", "Baptiste", "Clément", "Mohamed",
    "Karim", "Youssef", "Mehdi", "Mamadou", "Moussa", "José", "João", "Marco", "Minh",
    "Mehmet", "Noé", "Gaël", "Côme",
];

/// Hospital services: the label and the mailbox's local part.
pub(super) const SERVICES: &[(&str, &str)] = &[
    ("Service de cardiologie", "cardiologie"),
    ("Service de pneumologie", "pneumologie"),
    ("Service des urgences", "urgences"),
    ("Service de gériatrie", "geriatrie"),
    ("Service de pédiatrie", "pediatrie"),
    ("Service de neurologie", "neurologie"),
    ("Service d'oncologie", "oncologie"),
    ("Service de radiologie", "radiologie"),
    ("Service de néphrologie", "nephrologie"),
    ("Service de maternité", "maternite"),
    ("Service de chirurgie orthopédique", "orthopedie"),
    ("Service de médecine interne", "medecine-interne"),
    ("Service d'anesthésie", "anesthesie"),
    ("Laboratoire de biologie médicale", "laboratoire"),
    ("Département d'information médicale", "dim"),
    ("Service de psychiatrie", "psychiatrie"),
];

pub(super) const SAINTS: &[&str] = &[
    "Saint-Joseph",
    "Sainte-Marie",
    "Saint-Augustin",
    "Saint-Vincent",
    "du Parc",
    "des Cèdres",
    "Pasteur",
    "Bon Secours",
    "de l'Espérance",
    "Jules Verne",
    "des Lilas",
    "du Littoral",
];
