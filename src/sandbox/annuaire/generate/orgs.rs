//! The generator's organisations: hospitals, clinics, laboratories, health centres and
//! practices with their FINESS or RPPS structure ids, services and addresses.

use std::collections::HashSet;

use super::tables::*;
use super::{CHU_NANTES_FINESS, fixed_entries};
use crate::annuaire::normalize::fold;
use crate::domain::directory::PostalAddress;
use crate::sandbox::demo::rng::Rng;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum OrgKind {
    Chu,
    Hospital,
    Clinic,
    Laboratory,
    Msp,
    HealthCentre,
}

pub(super) struct Org {
    pub(super) kind: OrgKind,
    pub(super) name: String,
    pub(super) structure_id: String,
    pub(super) domain: String,
    pub(super) address: PostalAddress,
}

pub(super) fn slug(text: &str) -> String {
    fold(text).replace(' ', "-")
}

pub(super) fn title_case(upper: &str) -> String {
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

pub(super) fn street_address(rng: &mut Rng, city: &City) -> PostalAddress {
    let types: Vec<u32> = STREET_TYPES.iter().map(|(_, w)| *w).collect();
    let street_type = STREET_TYPES[rng.weighted(&types)].0;
    let cedex = rng.chance(3);
    let postal = city.postal.to_owned();
    PostalAddress {
        complement: if rng.chance(8) {
            (*rng.choose(LOCATION_COMPLEMENTS)).to_owned()
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
            (*rng.choose(NUMBER_COMPLEMENTS)).to_owned()
        } else {
            String::new()
        },
        street_type: street_type.to_owned(),
        street_label: (*rng.choose(STREET_LABELS)).to_owned(),
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
pub(super) fn finess(rng: &mut Rng, city: &City, used: &mut HashSet<String>) -> String {
    let prefix = &city.department[..2];
    loop {
        let candidate = format!("{prefix}{:07}", rng.below(10_000_000));
        if candidate != CHU_NANTES_FINESS && used.insert(candidate.clone()) {
            return candidate;
        }
    }
}

pub(super) fn build_orgs(seed: u64) -> Vec<Org> {
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
        let saint = rng.choose(SAINTS);
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
        let street = title_case(rng.choose::<&str>(STREET_LABELS));
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
