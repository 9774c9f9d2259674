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
//! and the demo rely on. The same seed always gives the same rows: the demo's SplitMix64
//! (`sandbox::demo::rng`), one stream per row. Reference lists in `tables`, organisations in
//! `orgs`.

use orgs::*;
use tables::*;

use crate::sandbox::demo::rng::Rng;
use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use crate::annuaire::extract::{FILE_NAME, write_entry, write_header};
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
                let (label, local) = *rng.choose(SERVICES);
                let prefix = if rng.chance(70) {
                    "secretariat"
                } else {
                    "accueil"
                };
                (format!("{prefix}.{local}"), label.to_owned())
            }
            OrgKind::Clinic => (
                (*rng.choose(&["secretariat", "accueil", "direction.medicale", "imagerie"]))
                    .to_owned(),
                String::new(),
            ),
            OrgKind::Laboratory => (
                (*rng.choose(&["resultats", "biologie", "secretariat"])).to_owned(),
                String::new(),
            ),
            OrgKind::Msp | OrgKind::HealthCentre => (
                (*rng.choose(&["contact", "secretariat", "coordination"])).to_owned(),
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
            let org = &self.orgs[*rng.choose(&self.hospitals)];
            entry.structure_id_type = "1".into();
            entry.structure_id = org.structure_id.clone();
            entry.organisation = org.name.clone();
            entry.address = org.address.clone();
            if physician && matches!(org.kind, OrgKind::Chu | OrgKind::Hospital) {
                entry.service = service_of(&specialty).to_owned();
            }
            domain = org.domain.clone();
        } else {
            let city = rng.choose(CITIES);
            entry.structure_id_type = "4".into();
            entry.structure_id = format!("4{rpps}");
            entry.organisation = if profession.code == "21" {
                format!(
                    "Pharmacie {}",
                    title_case(rng.choose::<&str>(STREET_LABELS))
                )
            } else if physician || profession.code == "40" {
                format!("{} {given} {family}", profession.practice)
            } else {
                format!(
                    "{} {}",
                    profession.practice,
                    title_case(rng.choose::<&str>(STREET_LABELS))
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

mod orgs;
mod tables;
#[cfg(test)]
#[path = "../generate_tests.rs"]
mod tests;
