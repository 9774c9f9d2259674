//! From FHIR resources to [`DirectoryEntry`]s: one entry per MSSanté mailbox (a telecom
//! flagged `MSSANTE`), merged from the three places the Annuaire puts them — the Practitioner
//! (PER without structure, CAB), the PractitionerRole (PER at a structure: the person and the
//! Organization it points to) and the Organization (ORG, APP). The same mailbox met twice is
//! kept once, the PractitionerRole's first (it names the structure). `listeRouge` entries are
//! kept, marked `unlisted`: the directory decides never to show them.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};

use super::types::{
    Address, ContactPoint, Extension, HumanName, Organization, Practitioner, PractitionerRole,
    Resource, SYSTEM_IDNPS, SYSTEM_IDNST, SYSTEM_RPPS,
};
use crate::domain::directory::{DirectoryEntry, DirectorySource, MailboxKind, PostalAddress};

/// Resources gathered over one or several searches, by id.
#[derive(Debug, Clone, Default)]
pub struct Gathered {
    pub practitioners: HashMap<String, Practitioner>,
    pub roles: HashMap<String, PractitionerRole>,
    pub organizations: HashMap<String, Organization>,
    /// Organizations a search asked for (not only fetched for a role): their own mailboxes
    /// (ORG, APP) are entries too.
    pub matched_organizations: HashSet<String>,
}

impl Gathered {
    /// A resource; `matched` when it answers the search itself (`search.mode = match` of a
    /// search, not a resource fetched to complete another).
    pub fn add(&mut self, resource: Resource, matched: bool) {
        match resource {
            Resource::Practitioner(p) => {
                self.practitioners.insert(p.id.clone(), p);
            }
            Resource::PractitionerRole(r) => {
                self.roles.insert(r.id.clone(), r);
            }
            Resource::Organization(o) => {
                if matched {
                    self.matched_organizations.insert(o.id.clone());
                }
                self.organizations.insert(o.id.clone(), o);
            }
            Resource::OperationOutcome(_) | Resource::Other => {}
        }
    }

    /// Practitioners the roles point to and that are not here yet, sorted.
    pub fn missing_practitioners(&self) -> Vec<String> {
        missing(
            self.roles
                .values()
                .filter_map(|r| r.practitioner.as_ref())
                .map(|r| r.id()),
            &self.practitioners,
        )
    }

    /// Organizations the roles point to and that are not here yet, sorted.
    pub fn missing_organizations(&self) -> Vec<String> {
        missing(
            self.roles
                .values()
                .filter_map(|r| r.organization.as_ref())
                .map(|r| r.id()),
            &self.organizations,
        )
    }

    /// The entries, sorted by mailbox for a stable order.
    pub fn entries(&self, now: DateTime<Utc>) -> Vec<DirectoryEntry> {
        let source = DirectorySource::Api { confirmed_at: now };
        let mut out = Vec::new();
        let mut roles: Vec<&PractitionerRole> = self.roles.values().collect();
        roles.sort_by(|a, b| a.id.cmp(&b.id));
        for role in roles {
            let person = role
                .practitioner
                .as_ref()
                .and_then(|r| self.practitioners.get(r.id()));
            let org = role
                .organization
                .as_ref()
                .and_then(|r| self.organizations.get(r.id()));
            for t in role.telecom.iter().filter(|t| t.is_mss()) {
                let mut e = mailbox_entry(t, MailboxKind::Personal, source);
                if let Some(p) = person {
                    fill_person(&mut e, p);
                }
                if let Some(o) = org {
                    fill_organization(&mut e, o);
                }
                out.push(e);
            }
        }
        let mut people: Vec<&Practitioner> = self.practitioners.values().collect();
        people.sort_by(|a, b| a.id.cmp(&b.id));
        for p in people {
            for t in p.telecom.iter().filter(|t| t.is_mss()) {
                let mut e = mailbox_entry(t, MailboxKind::Personal, source);
                fill_person(&mut e, p);
                out.push(e);
            }
        }
        let mut orgs: Vec<&Organization> = self
            .organizations
            .values()
            .filter(|o| self.matched_organizations.contains(&o.id))
            .collect();
        orgs.sort_by(|a, b| a.id.cmp(&b.id));
        for o in orgs {
            for t in o.telecom.iter().filter(|t| t.is_mss()) {
                let mut e = mailbox_entry(t, MailboxKind::Organisation, source);
                fill_organization(&mut e, o);
                out.push(e);
            }
        }
        let mut seen = HashSet::new();
        out.retain(|e| seen.insert(e.mailbox.to_ascii_lowercase()));
        out.sort_by(|a, b| a.mailbox.cmp(&b.mailbox));
        out
    }
}

fn missing<'a>(
    ids: impl Iterator<Item = &'a str>,
    have: &HashMap<String, impl Sized>,
) -> Vec<String> {
    let mut out: Vec<String> = ids
        .filter(|id| !id.is_empty() && !have.contains_key(*id))
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

fn mailbox_entry(
    t: &ContactPoint,
    default: MailboxKind,
    source: DirectorySource,
) -> DirectoryEntry {
    let meta = t.metadata();
    DirectoryEntry {
        kind: meta
            .kind
            .as_deref()
            .and_then(MailboxKind::from_code)
            .unwrap_or(default),
        mailbox: t.value.trim().to_owned(),
        service: meta.service.unwrap_or_default(),
        unlisted: meta.unlisted,
        source,
        ..DirectoryEntry::default()
    }
}

/// Identifiers, name and qualifications of the person.
pub fn fill_person(e: &mut DirectoryEntry, p: &Practitioner) {
    for id in &p.identifier {
        let value = id.value.trim();
        if id.system == SYSTEM_RPPS && !value.is_empty() {
            e.person_id_type = "8".into();
            e.person_id = value.to_owned();
        } else if id.system == SYSTEM_IDNPS && !value.is_empty() {
            e.national_id = value.to_owned();
        }
    }
    if e.person_id.is_empty() && e.national_id.len() > 1 {
        // The idNat alone: its first digit is the type (8 RPPS, 0 ADELI).
        let (kind, rest) = e.national_id.split_at(1);
        e.person_id_type = kind.to_owned();
        e.person_id = rest.to_owned();
    }
    if e.national_id.is_empty() && e.person_id_type == "8" {
        e.national_id = format!("8{}", e.person_id);
    }
    if let Some(name) = best_name(&p.name) {
        e.family_name = name.family.trim().to_owned();
        e.given_name = name
            .given
            .iter()
            .map(|g| g.trim())
            .collect::<Vec<_>>()
            .join(" ");
        e.civility = name
            .prefix
            .first()
            .or(name.suffix.first())
            .map(|s| s.trim().to_owned())
            .unwrap_or_default();
    }
    for q in &p.qualification {
        for c in &q.code.coding {
            let (code, label) = (c.code.trim().to_owned(), c.display.trim().to_owned());
            if has_table(&c.system, "G15") {
                (e.profession_code, e.profession_label) = (code, label);
            } else if has_table(&c.system, "R38") {
                (e.specialty_code, e.specialty_label) = (code, label);
            } else if has_table(&c.system, "R09") {
                (e.category_code, e.category_label) = (code, label);
            }
        }
    }
}

/// `TRE_G15` / `TRE-G15` in a NOS system URL.
fn has_table(system: &str, table: &str) -> bool {
    system.contains(&format!("TRE_{table}")) || system.contains(&format!("TRE-{table}"))
}

fn best_name(names: &[HumanName]) -> Option<&HumanName> {
    names
        .iter()
        .find(|n| n.usage == "official" || n.usage == "usual")
        .or(names.first())
}

/// Identifier, name and address of the structure.
pub fn fill_organization(e: &mut DirectoryEntry, o: &Organization) {
    if let Some(id) = o
        .identifier
        .iter()
        .find(|i| i.system == SYSTEM_IDNST && i.value.trim().len() > 1)
    {
        let (kind, rest) = id.value.trim().split_at(1);
        e.structure_id_type = kind.to_owned();
        e.structure_id = rest.to_owned();
    }
    e.organisation = o.name.trim().to_owned();
    if let Some(alias) = o.alias.first() {
        e.trade_name = alias.trim().to_owned();
    }
    if let Some(a) = o.address.first() {
        e.address = postal_address(a);
    }
}

/// An Address as the extract's L2–L6 would give it: the line holding a street (a number, or
/// FR Core's street extensions) is L4, split best-effort into number, complement, type and
/// label; a line before it is L2 (L3 when it looks like "BP"/"CS"), one after it L5.
pub fn postal_address(a: &Address) -> PostalAddress {
    let mut out = PostalAddress {
        postal_code: a.postal_code.trim().to_owned(),
        country: a.country.trim().to_owned(),
        ..PostalAddress::default()
    };
    let city = a.city.trim();
    out.routing_line = [out.postal_code.as_str(), city]
        .iter()
        .filter(|s| !s.is_empty())
        .copied()
        .collect::<Vec<_>>()
        .join(" ");
    if out.postal_code.len() >= 2 {
        out.department = department(&out.postal_code);
    }
    let street_at = a
        .line
        .iter()
        .enumerate()
        .position(|(i, l)| street_parts(a, i).is_some() || starts_with_number(l))
        .unwrap_or(a.line.len().saturating_sub(1));
    for (i, line) in a.line.iter().enumerate() {
        let line = line.trim();
        if i == street_at {
            let (n, c, t, l) = street_parts(a, i).unwrap_or_else(|| split_street(line));
            out.street_number = n;
            out.street_number_complement = c;
            out.street_type = t;
            out.street_label = l;
        } else if i < street_at {
            let upper = line.to_ascii_uppercase();
            if ["BP ", "CS ", "TSA "].iter().any(|p| upper.starts_with(p)) {
                out.distribution = line.to_owned();
            } else {
                out.complement = line.to_owned();
            }
        } else {
            out.locality = line.to_owned();
        }
    }
    out
}

fn department(postal_code: &str) -> String {
    let code = postal_code.trim();
    if code.starts_with("97") && code.len() >= 3 {
        code[..3].to_owned()
    } else if let Some(rest) = code.strip_prefix("20") {
        // Corsica: 200xx/201xx 2A, 202xx/206xx 2B.
        if rest.starts_with('0') || rest.starts_with('1') {
            "2A"
        } else {
            "2B"
        }
        .to_owned()
    } else {
        code.chars().take(2).collect()
    }
}

fn starts_with_number(line: &str) -> bool {
    line.trim()
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit())
}

/// The street parts FR Core's `_line` extensions give for line `i`.
fn street_parts(a: &Address, i: usize) -> Option<(String, String, String, String)> {
    let ext = a.line_elements.get(i)?.as_ref()?;
    let get = |url: &str| {
        ext.extension
            .iter()
            .find(|e| e.url == url)
            .and_then(Extension::code)
            .unwrap_or_default()
            .to_owned()
    };
    let parts = (
        get(super::types::EXT_HOUSE_NUMBER),
        get(super::types::EXT_NUMBER_SUFFIX),
        get(super::types::EXT_STREET_TYPE),
        get(super::types::EXT_STREET_NAME),
    );
    (!parts.0.is_empty() || !parts.2.is_empty() || !parts.3.is_empty()).then_some(parts)
}

/// "12 bis R DE LA PAIX" → ("12", "bis", "R", "DE LA PAIX"); "RUE X" → ("", "", "RUE", "X").
pub fn split_street(line: &str) -> (String, String, String, String) {
    const SUFFIXES: [&str; 8] = ["B", "BIS", "T", "TER", "Q", "QUATER", "C", "A"];
    const TYPES: [&str; 14] = [
        "R",
        "RUE",
        "AV",
        "AVENUE",
        "BD",
        "BOULEVARD",
        "PL",
        "PLACE",
        "CHE",
        "CHEMIN",
        "ALL",
        "ALLEE",
        "RTE",
        "ROUTE",
    ];
    let words: Vec<&str> = line.split_whitespace().collect();
    let mut i = 0;
    let mut number = String::new();
    let mut suffix = String::new();
    let mut kind = String::new();
    if let Some(w) = words.first()
        && w.starts_with(|c: char| c.is_ascii_digit())
    {
        let w = w.trim_end_matches(',');
        let digits: String = w.chars().take_while(char::is_ascii_digit).collect();
        suffix = w[digits.len()..].to_owned();
        number = digits;
        i = 1;
        if suffix.is_empty()
            && words.len() > i + 1
            && SUFFIXES.contains(&words[i].to_ascii_uppercase().as_str())
        {
            suffix = words[i].to_owned();
            i += 1;
        }
    }
    if words.len() > i + 1
        && TYPES.contains(&words[i].trim_end_matches('.').to_ascii_uppercase().as_str())
    {
        kind = words[i].to_owned();
        i += 1;
    }
    let label = words[i.min(words.len())..].join(" ");
    (number, suffix, kind, label)
}

#[cfg(test)]
#[path = "map_tests.rs"]
mod tests;
