//! A deterministic generator of Annuaire Santé entries in the real shape of the bulk extract
//! `Extraction_Correspondance_MSSante`, for the sandbox (≥ 100,000 entries) and the benchmarks
//! (1,000,000): about 85 % PER rows (RPPS type 8, unique 11-digit RPPS with its Luhn key,
//! idNat `8` + RPPS) and 15 % ORG rows (no person, structure `1` + FINESS), French names with
//! their accents, TRE_G15 professions and TRE_R38 specialties with their labels, AFNOR
//! addresses whose postal code, routing line and department agree, unique lower-case ASCII
//! mailboxes (a digit added on collision), and, as in the real file, some persons on two rows
//! (a second mailbox, or the same mailbox at a second structure).
//!
//! The first rows are always the documented [`fixed_entries`] (Dr Marie DURAND, Dr Jean-Luc
//! MARTIN, Dr Hélène LEFÈVRE and the CHU de Nantes' cardiology secretariat), which the tests
//! and the demo rely on. The same seed always gives the same rows: the pseudo-random source is
//! a SplitMix64 written here (the demo's own is private to `sandbox::demo`), one stream per row.

use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::annuaire::extract::{FILE_NAME, write_entry, write_header};
use crate::annuaire::normalize::fold;
use crate::domain::directory::{DirectoryEntry, DirectorySource, MailboxKind, PostalAddress};

/// The sandbox's seed.
pub const SANDBOX_SEED: u64 = 0x00C0_FFEE_A11A_5A17;
/// Rows of the sandbox's directory.
pub const SANDBOX_COUNT: usize = 100_000;
/// Rows of the benchmarks' directory.
pub const BENCH_COUNT: usize = 1_000_000;

/// Dr Marie DURAND, médecin généraliste (SM54), in her practice in Nantes.
pub const DURAND_RPPS: &str = "10003456789";
pub const DURAND_MAILBOX: &str = "marie.durand@medecin.mssante.fr";
/// Dr Jean-Luc MARTIN, cardiologue (SM04) at the CHU de Nantes.
pub const MARTIN_RPPS: &str = "10004567891";
pub const MARTIN_MAILBOX: &str = "jl.martin@chu-nantes.mssante.fr";
/// Dr Hélène LEFÈVRE, pneumologue (SM41), in her practice in Paris 16e.
pub const LEFEVRE_RPPS: &str = "10005678912";
pub const LEFEVRE_MAILBOX: &str = "helene.lefevre@medecin.mssante.fr";
/// The CHU de Nantes' cardiology secretariat (an ORG mailbox).
pub const CARDIOLOGY_SECRETARIAT_MAILBOX: &str = "secretariat.cardiologie@chu-nantes.mssante.fr";
/// The CHU de Nantes' FINESS (legal entity) and its structure id in the extract (`1` + FINESS).
pub const CHU_NANTES_FINESS: &str = "440000289";
pub const CHU_NANTES_STRUCTURE_ID: &str = "1440000289";

/// The fixed entries, always the first rows, in this order: DURAND, MARTIN, LEFÈVRE, the
/// cardiology secretariat.
pub fn fixed_entries() -> Vec<DirectoryEntry> {
    let chu_address = PostalAddress {
        street_number: "1".into(),
        street_type: "PL".into(),
        street_label: "ALEXIS RICORDEAU".into(),
        routing_line: "44093 NANTES CEDEX 1".into(),
        postal_code: "44093".into(),
        department: "44".into(),
        country: "FRANCE".into(),
        ..PostalAddress::default()
    };
    let doctor =
        |rpps: &str, mailbox: &str, family: &str, given: &str, sm: &Specialty| DirectoryEntry {
            kind: MailboxKind::Personal,
            mailbox: mailbox.into(),
            person_id_type: "8".into(),
            person_id: rpps.into(),
            national_id: format!("8{rpps}"),
            civility: "DR".into(),
            family_name: family.into(),
            given_name: given.into(),
            category_code: "C".into(),
            category_label: "Civil".into(),
            profession_code: "10".into(),
            profession_label: "Médecin".into(),
            specialty_code: sm.code.into(),
            specialty_label: sm.label.into(),
            dematerialisation: "O".into(),
            source: DirectorySource::Extract,
            ..DirectoryEntry::default()
        };
    let mut durand = doctor(
        DURAND_RPPS,
        DURAND_MAILBOX,
        "DURAND",
        "Marie",
        &SPECIALTY_GENERAL,
    );
    durand.structure_id_type = "4".into();
    durand.structure_id = format!("4{DURAND_RPPS}");
    durand.organisation = "Cabinet du Dr Marie DURAND".into();
    durand.address = PostalAddress {
        street_number: "12".into(),
        street_type: "R".into(),
        street_label: "DE LA PAIX".into(),
        routing_line: "44000 NANTES".into(),
        postal_code: "44000".into(),
        department: "44".into(),
        country: "FRANCE".into(),
        ..PostalAddress::default()
    };
    let mut martin = doctor(
        MARTIN_RPPS,
        MARTIN_MAILBOX,
        "MARTIN",
        "Jean-Luc",
        &SPECIALTY_CARDIOLOGY,
    );
    martin.structure_id_type = "1".into();
    martin.structure_id = CHU_NANTES_STRUCTURE_ID.into();
    martin.service = "Service de cardiologie".into();
    martin.organisation = "CHU de Nantes".into();
    martin.address = chu_address.clone();
    let mut lefevre = doctor(
        LEFEVRE_RPPS,
        LEFEVRE_MAILBOX,
        "LEFÈVRE",
        "Hélène",
        &SPECIALTY_PNEUMOLOGY,
    );
    lefevre.structure_id_type = "4".into();
    lefevre.structure_id = format!("4{LEFEVRE_RPPS}");
    lefevre.organisation = "Cabinet du Dr Hélène LEFÈVRE".into();
    lefevre.address = PostalAddress {
        street_number: "8".into(),
        street_type: "AV".into(),
        street_label: "VICTOR HUGO".into(),
        routing_line: "75016 PARIS".into(),
        postal_code: "75016".into(),
        department: "75".into(),
        country: "FRANCE".into(),
        ..PostalAddress::default()
    };
    let secretariat = DirectoryEntry {
        kind: MailboxKind::Organisation,
        mailbox: CARDIOLOGY_SECRETARIAT_MAILBOX.into(),
        structure_id_type: "1".into(),
        structure_id: CHU_NANTES_STRUCTURE_ID.into(),
        service: "Service de cardiologie".into(),
        organisation: "CHU de Nantes".into(),
        address: chu_address,
        source: DirectorySource::Extract,
        ..DirectoryEntry::default()
    };
    vec![durand, martin, lefevre, secretariat]
}

/// `count` entries (the fixed ones first, then generated ones) for this seed.
pub fn entries(seed: u64, count: usize) -> impl Iterator<Item = DirectoryEntry> {
    Generator::new(seed).take(count)
}

/// Writes `count` entries as an extract at `path`: the text itself, or a ZIP holding
/// `Extraction_Correspondance_MSSante.txt` (deflated) as published. Returns the size of the
/// text (uncompressed bytes).
pub fn write_extract(path: &Path, seed: u64, count: usize, zip: bool) -> io::Result<u64> {
    let file = File::create(path)?;
    if zip {
        let mut writer = zip::ZipWriter::new(BufWriter::with_capacity(1 << 20, file));
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .compression_level(Some(1))
            .large_file(count > 10_000_000);
        writer
            .start_file(format!("{FILE_NAME}.txt"), options)
            .map_err(io::Error::other)?;
        let mut counting = Counting {
            inner: BufWriter::with_capacity(1 << 20, &mut writer),
            bytes: 0,
        };
        write_rows(&mut counting, seed, count)?;
        counting.inner.flush()?;
        let bytes = counting.bytes;
        drop(counting);
        let mut out = writer.finish().map_err(io::Error::other)?;
        out.flush()?;
        Ok(bytes)
    } else {
        let mut counting = Counting {
            inner: BufWriter::with_capacity(1 << 20, file),
            bytes: 0,
        };
        write_rows(&mut counting, seed, count)?;
        counting.inner.flush()?;
        Ok(counting.bytes)
    }
}

fn write_rows(w: &mut impl Write, seed: u64, count: usize) -> io::Result<()> {
    write_header(w)?;
    for e in entries(seed, count) {
        write_entry(w, &e)?;
    }
    Ok(())
}

struct Counting<W: Write> {
    inner: W,
    bytes: u64,
}

impl<W: Write> Write for Counting<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.bytes += n as u64;
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

// ---------------------------------------------------------------------------------------------
// The pseudo-random source

/// SplitMix64 (the same algorithm as the demo's), one independent stream per row.
struct Rng(u64);

const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl Rng {
    fn for_item(seed: u64, index: u64) -> Self {
        Self(mix(
            seed ^ mix(index.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA))
        ))
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(GOLDEN_GAMMA);
        mix(self.0)
    }

    fn below(&mut self, n: u64) -> u64 {
        u64::try_from((u128::from(self.next_u64()) * u128::from(n)) >> 64).unwrap_or(0)
    }

    fn index(&mut self, len: usize) -> usize {
        usize::try_from(self.below(len as u64)).unwrap_or(0)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        let i = self.index(items.len());
        &items[i.min(items.len().saturating_sub(1))]
    }

    /// An index drawn by weight.
    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        let mut x = self.below(total);
        for (i, w) in weights.iter().enumerate() {
            let w = u64::from(*w);
            if x < w {
                return i;
            }
            x -= w;
        }
        0
    }
}

// ---------------------------------------------------------------------------------------------
// Reference lists

/// A TRE_R38 specialty.
#[derive(Debug, Clone, Copy)]
struct Specialty {
    code: &'static str,
    label: &'static str,
}

const fn sm(code: &'static str, label: &'static str) -> Specialty {
    Specialty { code, label }
}

const SPECIALTY_GENERAL: Specialty = sm("SM54", "Médecine générale");
const SPECIALTY_CARDIOLOGY: Specialty = sm("SM04", "Cardiologie et maladies vasculaires");
const SPECIALTY_PNEUMOLOGY: Specialty = sm("SM41", "Pneumologie");

/// Physicians' specialties (TRE_R38 `SM..`), with weights (general practice dominant).
const SPECIALTIES: &[(Specialty, u32)] = &[
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
struct Profession {
    code: &'static str,
    label: &'static str,
    weight: u32,
    domain: &'static str,
    practice: &'static str,
}

const PROFESSIONS: &[Profession] = &[
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
struct City {
    postal: &'static str,
    name: &'static str,
    department: &'static str,
    chu: bool,
}

const fn c(postal: &'static str, name: &'static str, department: &'static str, chu: bool) -> City {
    City {
        postal,
        name,
        department,
        chu,
    }
}

#[rustfmt::skip]
const CITIES: &[City] = &[
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

const STREET_TYPES: &[(&str, u32)] = &[
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
const STREET_LABELS: &[&str] = &[
    "DE LA RÉPUBLIQUE", "VICTOR HUGO", "DES LILAS", "DE LA PAIX", "JEAN JAURÈS",
    "DU GÉNÉRAL DE GAULLE", "PASTEUR", "GAMBETTA", "DE LA GARE", "DES ÉCOLES", "DU MOULIN",
    "SAINT-MICHEL", "DE VERDUN", "FOCH", "CLEMENCEAU", "DE LA LIBÉRATION", "DES TILLEULS",
    "DU CHÂTEAU", "DE L'ÉGLISE", "DES ROSIERS", "ÉMILE ZOLA", "JULES FERRY", "CARNOT",
    "DE LA MAIRIE", "DU MARCHÉ", "DES ACACIAS", "ANATOLE FRANCE", "DE BRETAGNE",
    "DES PEUPLIERS", "MARÉCHAL LECLERC", "DE LA FONTAINE", "PAUL BERT", "DU PORT",
    "DES CHÊNES", "LOUIS PASTEUR", "DE PARIS", "DES VIGNES", "MOZART", "DES PRÉS",
    "DE L'HÔPITAL", "ARISTIDE BRIAND", "DES MARRONNIERS", "SAINTE-ANNE", "DU STADE",
];

const NUMBER_COMPLEMENTS: &[&str] = &["B", "T", "BIS", "TER", "A"];

const LOCATION_COMPLEMENTS: &[&str] = &[
    "BATIMENT A",
    "BATIMENT B",
    "RESIDENCE LES JARDINS",
    "2EME ETAGE",
    "CENTRE MEDICAL",
    "ESPACE SANTE",
    "POLE SANTE",
];

#[rustfmt::skip]
const FAMILY_NAMES: &[&str] = &[
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
const FEMALE_NAMES: &[&str] = &[
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
const MALE_NAMES: &[&str] = &[
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
const SERVICES: &[(&str, &str)] = &[
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

const SAINTS: &[&str] = &[
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

// ---------------------------------------------------------------------------------------------
// Organisations

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum OrgKind {
    Chu,
    Hospital,
    Clinic,
    Laboratory,
    Msp,
    HealthCentre,
}

struct Org {
    kind: OrgKind,
    name: String,
    structure_id: String,
    domain: String,
    address: PostalAddress,
}

fn slug(text: &str) -> String {
    fold(text).replace(' ', "-")
}

fn title_case(upper: &str) -> String {
    let mut out = String::with_capacity(upper.len());
    let mut start = true;
    for ch in upper.chars() {
        if start {
            out.push(ch);
        } else {
            out.extend(ch.to_lowercase());
        }
        start = matches!(ch, ' ' | '-' | '\'');
    }
    out
}

fn street_address(rng: &mut Rng, city: &City) -> PostalAddress {
    let types: Vec<u32> = STREET_TYPES.iter().map(|(_, w)| *w).collect();
    let street_type = STREET_TYPES[rng.weighted(&types)].0;
    let cedex = rng.chance(3);
    let postal = city.postal.to_owned();
    PostalAddress {
        complement: if rng.chance(8) {
            (*rng.pick(LOCATION_COMPLEMENTS)).to_owned()
        } else {
            String::new()
        },
        distribution: if rng.chance(3) {
            format!("BP {}", 10 + rng.below(990))
        } else {
            String::new()
        },
        street_number: (1 + rng.below(if street_type == "PL" { 30 } else { 180 })).to_string(),
        street_number_complement: if rng.chance(5) {
            (*rng.pick(NUMBER_COMPLEMENTS)).to_owned()
        } else {
            String::new()
        },
        street_type: street_type.to_owned(),
        street_label: (*rng.pick(STREET_LABELS)).to_owned(),
        locality: String::new(),
        routing_line: if cedex {
            format!("{postal} {} CEDEX", city.name)
        } else {
            format!("{postal} {}", city.name)
        },
        postal_code: postal,
        department: city.department.to_owned(),
        // As often in the real file, the country is empty on many rows.
        country: if rng.chance(60) {
            "FRANCE".to_owned()
        } else {
            String::new()
        },
    }
}

/// A FINESS: the department's two characters (`2A`, `97` overseas) and seven digits.
fn finess(rng: &mut Rng, city: &City, used: &mut HashSet<String>) -> String {
    let prefix = &city.department[..2];
    loop {
        let candidate = format!("{prefix}{:07}", rng.below(10_000_000));
        if candidate != CHU_NANTES_FINESS && used.insert(candidate.clone()) {
            return candidate;
        }
    }
}

fn build_orgs(seed: u64) -> Vec<Org> {
    let mut rng = Rng::for_item(seed ^ 0x0F6A_15A7_1015, 0);
    let mut used_finess = HashSet::new();
    let mut used_domains: HashSet<String> = HashSet::new();
    let mut orgs = Vec::new();
    let mut push =
        |rng: &mut Rng, kind: OrgKind, name: String, city: &City, orgs: &mut Vec<Org>| {
            let base = slug(&name);
            let mut domain = base.clone();
            let mut n = 2;
            while !used_domains.insert(domain.clone()) {
                domain = format!("{base}-{n}");
                n += 1;
            }
            let id = if kind == OrgKind::Chu && city.name == "NANTES" {
                CHU_NANTES_FINESS.to_owned()
            } else {
                finess(rng, city, &mut used_finess)
            };
            orgs.push(Org {
                kind,
                name,
                structure_id: format!("1{id}"),
                domain: format!("{domain}.mssante.fr"),
                address: street_address(rng, city),
            });
        };
    // The CHU de Nantes first (its domain is the fixed entries').
    let nantes = CITIES.iter().find(|c| c.name == "NANTES");
    if let Some(city) = nantes {
        push(
            &mut rng,
            OrgKind::Chu,
            "CHU de Nantes".into(),
            city,
            &mut orgs,
        );
        if let Some(chu) = orgs.last_mut() {
            chu.domain = "chu-nantes.mssante.fr".into();
            chu.address = fixed_entries()
                .into_iter()
                .nth(1)
                .map(|e| e.address)
                .unwrap_or_default();
        }
    }
    let mut seen_cities = HashSet::new();
    for city in CITIES {
        let town = title_case(city.name);
        let first = seen_cities.insert(city.name);
        if first && city.chu {
            push(
                &mut rng,
                OrgKind::Chu,
                format!("CHU de {town}"),
                city,
                &mut orgs,
            );
        }
        if first && city.name != "PARIS" {
            push(
                &mut rng,
                OrgKind::Hospital,
                format!("Centre hospitalier de {town}"),
                city,
                &mut orgs,
            );
        }
        let saint = rng.pick(SAINTS);
        push(
            &mut rng,
            OrgKind::Clinic,
            format!("Clinique {saint} {town}"),
            city,
            &mut orgs,
        );
        push(
            &mut rng,
            OrgKind::Laboratory,
            format!("Laboratoire Biomédical {town} {}", city.postal),
            city,
            &mut orgs,
        );
        let street = title_case(rng.pick::<&str>(STREET_LABELS));
        push(
            &mut rng,
            OrgKind::Msp,
            format!("Maison de santé pluriprofessionnelle {street} {town}"),
            city,
            &mut orgs,
        );
        push(
            &mut rng,
            OrgKind::HealthCentre,
            format!("Centre de santé municipal {town} {}", city.postal),
            city,
            &mut orgs,
        );
    }
    orgs
}

// ---------------------------------------------------------------------------------------------
// The generator

struct Generator {
    seed: u64,
    row: u64,
    person: u64,
    fixed: std::vec::IntoIter<DirectoryEntry>,
    orgs: Vec<Org>,
    hospitals: Vec<usize>,
    pending: Option<DirectoryEntry>,
    /// Mailboxes given so far, by a hash of the address before any digit: how many.
    used: HashMap<u64, u32>,
    female_slugs: Vec<String>,
    male_slugs: Vec<String>,
    family_slugs: Vec<String>,
    specialty_weights: Vec<u32>,
    profession_weights: Vec<u32>,
}

fn fnv(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xCBF2_9CE4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
    h
}

impl Generator {
    fn new(seed: u64) -> Self {
        let fixed = fixed_entries();
        let orgs = build_orgs(seed);
        let hospitals = orgs
            .iter()
            .enumerate()
            .filter(|(_, o)| matches!(o.kind, OrgKind::Chu | OrgKind::Hospital | OrgKind::Clinic))
            .map(|(i, _)| i)
            .collect();
        let mut used = HashMap::new();
        for e in &fixed {
            if let Some((local, domain)) = e.mailbox.split_once('@') {
                used.insert(fnv(&[local, domain]), 1);
            }
        }
        Self {
            seed,
            row: 0,
            person: 0,
            fixed: fixed.into_iter(),
            orgs,
            hospitals,
            pending: None,
            used,
            female_slugs: FEMALE_NAMES.iter().map(|n| slug(n)).collect(),
            male_slugs: MALE_NAMES.iter().map(|n| slug(n)).collect(),
            family_slugs: FAMILY_NAMES.iter().map(|n| slug(n)).collect(),
            specialty_weights: SPECIALTIES.iter().map(|(_, w)| *w).collect(),
            profession_weights: PROFESSIONS.iter().map(|p| p.weight).collect(),
        }
    }

    /// A unique mailbox `local@domain`, with a digit after `local` when taken.
    fn mailbox(&mut self, local: &str, domain: &str) -> String {
        let n = self.used.entry(fnv(&[local, domain])).or_insert(0);
        *n += 1;
        if *n == 1 {
            format!("{local}@{domain}")
        } else {
            format!("{local}{n}@{domain}")
        }
    }

    fn org_row(&mut self, rng: &mut Rng) -> DirectoryEntry {
        let org_index = rng.index(self.orgs.len());
        let (local, service) = match self.orgs[org_index].kind {
            OrgKind::Chu | OrgKind::Hospital => {
                let (label, local) = *rng.pick(SERVICES);
                let prefix = if rng.chance(70) {
                    "secretariat"
                } else {
                    "accueil"
                };
                (format!("{prefix}.{local}"), label.to_owned())
            }
            OrgKind::Clinic => (
                (*rng.pick(&["secretariat", "accueil", "direction.medicale", "imagerie"]))
                    .to_owned(),
                String::new(),
            ),
            OrgKind::Laboratory => (
                (*rng.pick(&["resultats", "biologie", "secretariat"])).to_owned(),
                String::new(),
            ),
            OrgKind::Msp | OrgKind::HealthCentre => (
                (*rng.pick(&["contact", "secretariat", "coordination"])).to_owned(),
                String::new(),
            ),
        };
        let domain = self.orgs[org_index].domain.clone();
        let mailbox = self.mailbox(&local, &domain);
        let org = &self.orgs[org_index];
        DirectoryEntry {
            kind: MailboxKind::Organisation,
            mailbox,
            structure_id_type: "1".into(),
            structure_id: org.structure_id.clone(),
            service,
            organisation: org.name.clone(),
            address: org.address.clone(),
            source: DirectorySource::Extract,
            ..DirectoryEntry::default()
        }
    }

    fn rpps(&self) -> String {
        // "10" + eight digits from a permutation of the person's number (7^9 is prime to
        // 9·10^7), third digit 1–9 so that no generated RPPS meets a fixed one, Luhn key last.
        let body = 10_000_000 + (self.person.wrapping_mul(40_353_607) % 90_000_000);
        let ten = format!("10{body:08}");
        format!("{ten}{}", luhn_key(&ten))
    }

    fn person_rows(&mut self, rng: &mut Rng) -> DirectoryEntry {
        let rpps = self.rpps();
        self.person += 1;
        let profession = &PROFESSIONS[rng.weighted(&self.profession_weights)];
        let female = rng.chance(if profession.code == "50" { 97 } else { 55 });
        let (given_i, given) = if female {
            let i = rng.index(FEMALE_NAMES.len());
            (i, FEMALE_NAMES[i])
        } else {
            let i = rng.index(MALE_NAMES.len());
            (i, MALE_NAMES[i])
        };
        let family_i = rng.index(FAMILY_NAMES.len());
        let family = FAMILY_NAMES[family_i];
        let physician = profession.code == "10";
        let specialty = if physician {
            SPECIALTIES[rng.weighted(&self.specialty_weights)].0
        } else {
            Specialty {
                code: "",
                label: "",
            }
        };
        let general =
            specialty.code == "SM54" || specialty.code == "SM26" || specialty.code == "SM53";
        let civility = if physician || profession.code == "40" {
            if !general && rng.chance(4) {
                "PR"
            } else {
                "DR"
            }
        } else if female {
            "MME"
        } else {
            "M"
        };
        let military = rng.chance(1);
        let hospital = match profession.code {
            "10" => rng.chance(if general { 10 } else { 55 }),
            "60" | "50" => rng.chance(50),
            "21" => rng.chance(15),
            _ => rng.chance(8),
        };
        let given_slug = if female {
            &self.female_slugs[given_i]
        } else {
            &self.male_slugs[given_i]
        };
        let family_slug = &self.family_slugs[family_i];
        let local = if rng.chance(10) {
            let initials: String = given_slug
                .split('-')
                .filter_map(|w| w.chars().next())
                .collect();
            format!("{initials}.{family_slug}")
        } else {
            format!("{given_slug}.{family_slug}")
        };

        let mut entry = DirectoryEntry {
            kind: MailboxKind::Personal,
            person_id_type: "8".into(),
            national_id: format!("8{rpps}"),
            person_id: rpps.clone(),
            civility: civility.into(),
            family_name: family.into(),
            given_name: given.into(),
            category_code: if military { "M" } else { "C" }.into(),
            category_label: if military { "Militaire" } else { "Civil" }.into(),
            profession_code: profession.code.into(),
            profession_label: profession.label.into(),
            specialty_code: specialty.code.into(),
            specialty_label: specialty.label.into(),
            dematerialisation: if rng.chance(85) { "O" } else { "N" }.into(),
            source: DirectorySource::Extract,
            ..DirectoryEntry::default()
        };
        let domain;
        if hospital && !self.hospitals.is_empty() {
            let org = &self.orgs[*rng.pick(&self.hospitals)];
            entry.structure_id_type = "1".into();
            entry.structure_id = org.structure_id.clone();
            entry.organisation = org.name.clone();
            entry.address = org.address.clone();
            if physician && matches!(org.kind, OrgKind::Chu | OrgKind::Hospital) {
                entry.service = service_of(&specialty).to_owned();
            }
            domain = org.domain.clone();
        } else {
            let city = rng.pick(CITIES);
            entry.structure_id_type = "4".into();
            entry.structure_id = format!("4{rpps}");
            entry.organisation = if profession.code == "21" {
                format!("Pharmacie {}", title_case(rng.pick::<&str>(STREET_LABELS)))
            } else if physician || profession.code == "40" {
                format!("{} {given} {family}", profession.practice)
            } else {
                format!(
                    "{} {}",
                    profession.practice,
                    title_case(rng.pick::<&str>(STREET_LABELS))
                )
            };
            entry.address = street_address(rng, city);
            domain = profession.domain.to_owned();
        }
        entry.mailbox = self.mailbox(&local, &domain);

        // As in the real file, some persons have a second row.
        if rng.chance(7) {
            let mut second = entry.clone();
            if rng.chance(50) {
                // Another mailbox at the same structure.
                second.mailbox = self.mailbox(&format!("{local}.pro"), &domain);
                self.pending = Some(second);
            } else if let Some(org) = self
                .hospitals
                .get(rng.index(self.hospitals.len()))
                .map(|&i| &self.orgs[i])
                .filter(|org| org.structure_id != entry.structure_id)
            {
                // The same mailbox at a second structure.
                second.structure_id_type = "1".into();
                second.structure_id = org.structure_id.clone();
                second.organisation = org.name.clone();
                second.address = org.address.clone();
                second.service = String::new();
                self.pending = Some(second);
            }
        }
        entry
    }
}

fn service_of(specialty: &Specialty) -> &'static str {
    match specialty.code {
        "SM04" => "Service de cardiologie",
        "SM41" => "Service de pneumologie",
        "SM02" => "Service d'anesthésie",
        "SM18" => "Service de gériatrie",
        "SM40" => "Service de pédiatrie",
        "SM32" => "Service de neurologie",
        "SM30" => "Service de néphrologie",
        "SM44" | "SM28" => "Service de radiologie",
        "SM20" | "SM19" => "Service de maternité",
        "SM08" => "Service de chirurgie orthopédique",
        "SM27" => "Service de médecine interne",
        "SM42" => "Service de psychiatrie",
        "SM01" | "SM03" => "Laboratoire de biologie médicale",
        _ => "Service des urgences",
    }
}

/// The Luhn key of a string of digits.
fn luhn_key(digits: &str) -> u32 {
    let mut sum = 0;
    for (i, d) in digits.bytes().rev().enumerate() {
        let mut v = u32::from(d.saturating_sub(b'0'));
        if i % 2 == 0 {
            v *= 2;
            if v > 9 {
                v -= 9;
            }
        }
        sum += v;
    }
    (10 - sum % 10) % 10
}

impl Iterator for Generator {
    type Item = DirectoryEntry;

    fn next(&mut self) -> Option<DirectoryEntry> {
        if let Some(e) = self.fixed.next() {
            return Some(e);
        }
        if let Some(e) = self.pending.take() {
            self.row += 1;
            return Some(e);
        }
        let mut rng = Rng::for_item(self.seed, self.row);
        self.row += 1;
        Some(if rng.chance(15) {
            self.org_row(&mut rng)
        } else {
            self.person_rows(&mut rng)
        })
    }
}

#[cfg(test)]
#[path = "generate_tests.rs"]
mod tests;
