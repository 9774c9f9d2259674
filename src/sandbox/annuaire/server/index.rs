//! The sandbox Annuaire's data: the entries regrouped as the API V2 models them — one
//! Practitioner per person (idNat), one Organization per structure, one PractitionerRole per
//! person × structure — with stable opaque ids, each mailbox on the resource the IG says
//! carries it (PER at a structure on the role, PER without one and CAB on the practitioner,
//! ORG/APP on the organisation), and the indexes a 100,000-entry server needs to answer fast
//! (ids, identifiers, folded family-name prefixes, roles by practitioner and organisation).

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;

use crate::annuaire::normalize::fold;
use crate::domain::directory::{DirectoryEntry, DirectorySource, MailboxKind, PostalAddress};

/// Length of the family-name prefixes indexed.
pub(super) const PREFIX: usize = 3;

#[derive(Debug, Clone)]
pub(super) struct Mailbox {
    pub address: String,
    pub kind: MailboxKind,
    pub service: String,
    pub unlisted: bool,
}

#[derive(Debug, Clone, Default)]
pub(super) struct Code {
    pub code: String,
    pub label: String,
}

#[derive(Debug, Clone)]
pub(super) struct Person {
    pub id: String,
    pub rpps: Option<String>,
    pub national_id: String,
    pub civility: String,
    pub family: String,
    pub given: String,
    pub family_f: String,
    pub given_f: String,
    pub profession: Code,
    pub specialty: Code,
    pub category: Code,
    pub mailboxes: Vec<Mailbox>,
    pub updated: NaiveDate,
    pub roles: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(super) struct Org {
    pub id: String,
    /// IDNST: type prefix + id.
    pub idnst: String,
    pub finess: Option<String>,
    pub name: String,
    pub trade_name: String,
    pub name_f: String,
    pub address: PostalAddress,
    /// Every line, postal code and city, folded.
    pub address_f: String,
    pub city_f: String,
    pub mailboxes: Vec<Mailbox>,
    pub updated: NaiveDate,
    pub roles: Vec<usize>,
}

#[derive(Debug, Clone)]
pub(super) struct Role {
    pub id: String,
    pub person: usize,
    pub org: usize,
    pub mailboxes: Vec<Mailbox>,
    pub updated: NaiveDate,
}

/// The three resource sets and their indexes.
#[derive(Debug, Default)]
pub(super) struct Index {
    pub persons: Vec<Person>,
    pub orgs: Vec<Org>,
    pub roles: Vec<Role>,
    pub person_by_id: HashMap<String, usize>,
    pub org_by_id: HashMap<String, usize>,
    pub role_by_id: HashMap<String, usize>,
    /// RPPS and idNat → person.
    pub person_by_identifier: HashMap<String, usize>,
    /// IDNST and FINESS → organisation.
    pub org_by_identifier: HashMap<String, usize>,
    /// The first [`PREFIX`] folded letters of the family name → persons.
    pub family_prefix: HashMap<String, Vec<usize>>,
}

/// FNV-1a: stable ids and dates across runs.
pub(super) fn stable_hash(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn updated(key: &str, source: DirectorySource) -> NaiveDate {
    match source {
        DirectorySource::Api { confirmed_at } => confirmed_at.date_naive(),
        DirectorySource::Extract => {
            let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default();
            base + chrono::Days::new(stable_hash(key) % 180)
        }
    }
}

fn code(code: &str, label: &str) -> Code {
    Code {
        code: code.trim().to_owned(),
        label: label.trim().to_owned(),
    }
}

impl Index {
    pub(super) fn build(entries: Vec<DirectoryEntry>) -> Self {
        let mut ix = Self::default();
        let mut role_by_pair: HashMap<(usize, usize), usize> = HashMap::new();
        let mut seen_mailboxes = HashSet::new();
        for e in entries {
            if e.mailbox.trim().is_empty() || !seen_mailboxes.insert(e.mailbox.to_ascii_lowercase())
            {
                continue;
            }
            let mailbox = Mailbox {
                address: e.mailbox.trim().to_owned(),
                kind: e.kind,
                service: e.service.trim().to_owned(),
                unlisted: e.unlisted,
            };
            let org = ix.org_of(&e);
            let person = matches!(e.kind, MailboxKind::Personal | MailboxKind::Practice)
                .then(|| ix.person_of(&e));
            let role = match (person, org) {
                (Some(p), Some(o)) => Some(*role_by_pair.entry((p, o)).or_insert_with(|| {
                    let id = format!("role-{:016x}", stable_hash(&format!("{p}/{o}")));
                    let n = ix.roles.len();
                    ix.role_by_id.insert(id.clone(), n);
                    ix.roles.push(Role {
                        updated: updated(&id, e.source),
                        id,
                        person: p,
                        org: o,
                        mailboxes: Vec::new(),
                    });
                    ix.persons[p].roles.push(n);
                    ix.orgs[o].roles.push(n);
                    n
                })),
                _ => None,
            };
            match (e.kind, person, role, org) {
                (MailboxKind::Personal, _, Some(r), _) => ix.roles[r].mailboxes.push(mailbox),
                (_, Some(p), _, _) => ix.persons[p].mailboxes.push(mailbox),
                (_, None, _, Some(o)) => ix.orgs[o].mailboxes.push(mailbox),
                _ => {}
            }
        }
        for (n, p) in ix.persons.iter().enumerate() {
            let prefix: String = p.family_f.chars().take(PREFIX).collect();
            ix.family_prefix.entry(prefix).or_default().push(n);
        }
        ix
    }

    fn person_of(&mut self, e: &DirectoryEntry) -> usize {
        let national = if e.national_id.trim().is_empty() {
            format!("{}{}", e.person_id_type.trim(), e.person_id.trim())
        } else {
            e.national_id.trim().to_owned()
        };
        let key = if national.is_empty() {
            e.mailbox.to_ascii_lowercase()
        } else {
            national.clone()
        };
        if let Some(&n) = self.person_by_identifier.get(&key) {
            return n;
        }
        let id = format!("003-{:016x}", stable_hash(&key));
        let rpps = e.rpps().map(str::to_owned);
        let n = self.persons.len();
        self.person_by_identifier.insert(key, n);
        if let Some(r) = &rpps {
            self.person_by_identifier.insert(r.clone(), n);
        }
        self.person_by_id.insert(id.clone(), n);
        self.persons.push(Person {
            updated: updated(&id, e.source),
            id,
            rpps,
            national_id: national,
            civility: e.civility.trim().to_owned(),
            family: e.family_name.trim().to_owned(),
            given: e.given_name.trim().to_owned(),
            family_f: fold(&e.family_name),
            given_f: fold(&e.given_name),
            profession: code(&e.profession_code, &e.profession_label),
            specialty: code(&e.specialty_code, &e.specialty_label),
            category: code(&e.category_code, &e.category_label),
            mailboxes: Vec::new(),
            roles: Vec::new(),
        });
        n
    }

    /// The entry's structure, created on first sight; none for a person without one.
    fn org_of(&mut self, e: &DirectoryEntry) -> Option<usize> {
        let idnst = format!("{}{}", e.structure_id_type.trim(), e.structure_id.trim());
        let key = if !e.structure_id.trim().is_empty() {
            idnst.clone()
        } else if !e.organisation.trim().is_empty() {
            format!("{}|{}", fold(&e.organisation), e.address.postal_code.trim())
        } else if matches!(e.kind, MailboxKind::Organisation | MailboxKind::Application) {
            e.mailbox.to_ascii_lowercase()
        } else {
            return None;
        };
        if let Some(&n) = self.org_by_identifier.get(&key) {
            return Some(n);
        }
        let id = format!("001-{:016x}", stable_hash(&key));
        let finess = (e.structure_id_type.trim() == "1").then(|| e.structure_id.trim().to_owned());
        let a = &e.address;
        let address_f = fold(&format!(
            "{} {} {} {} {} {}",
            a.complement,
            a.distribution,
            a.street_line(),
            a.locality,
            a.postal_code,
            a.city()
        ));
        let n = self.orgs.len();
        self.org_by_identifier.insert(key, n);
        if !idnst.is_empty() {
            self.org_by_identifier.insert(idnst.clone(), n);
        }
        if let Some(f) = &finess {
            self.org_by_identifier.insert(f.clone(), n);
        }
        self.org_by_id.insert(id.clone(), n);
        self.orgs.push(Org {
            updated: updated(&id, e.source),
            id,
            idnst,
            finess,
            name: e.organisation.trim().to_owned(),
            trade_name: e.trade_name.trim().to_owned(),
            name_f: fold(&e.organisation),
            address: e.address.clone(),
            address_f,
            city_f: fold(e.address.city()),
            mailboxes: Vec::new(),
            roles: Vec::new(),
        });
        Some(n)
    }
}
