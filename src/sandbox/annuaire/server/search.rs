//! The V2 search parameters of the sandbox Annuaire, per resource, as the real API takes them:
//! strings match the start of the value, accents and case ignored (`:contains` anywhere,
//! `:exact` as written), `a,b` is OR, a repeated parameter is AND, `_lastUpdated` takes the
//! eq/ge/gt/le/lt prefixes. A parameter the resource does not know (a name on
//! PractitionerRole, an address on Practitioner) is refused with 400, like the real one.

use chrono::NaiveDate;

use super::index::{Index, Mailbox, PREFIX};
use crate::annuaire::fhir::types::{SYSTEM_FINESS, SYSTEM_IDNPS, SYSTEM_IDNST, SYSTEM_RPPS};
use crate::annuaire::normalize::fold;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Practitioner,
    Role,
    Organization,
}

/// What comes with each page's matches.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Includes {
    /// `_revinclude=PractitionerRole:practitioner` / `:organization`.
    pub roles_of_match: bool,
    /// `_include=PractitionerRole:practitioner` / `:organization` (or `*`).
    pub practitioner: bool,
    pub organization: bool,
}

/// A search, read.
#[derive(Debug)]
pub(super) struct Search {
    pub kind: Kind,
    pub count: usize,
    pub includes: Includes,
    filters: Vec<(String, String, String)>,
}

const COMMON: [&str; 8] = [
    "_id",
    "_lastUpdated",
    "active",
    "identifier",
    "mailbox-mss",
    "_count",
    "_total",
    "_elements",
];

impl Search {
    pub(super) fn parse(kind: Kind, params: &[(String, String)]) -> Result<Self, String> {
        let own: &[&str] = match kind {
            Kind::Practitioner => &[
                "family",
                "given",
                "name",
                "qualification-code",
                "_revinclude",
            ],
            Kind::Role => &["practitioner", "organization", "role", "_include"],
            Kind::Organization => &[
                "name",
                "address",
                "address-city",
                "address-postalcode",
                "type",
                "_revinclude",
            ],
        };
        let mut search = Self {
            kind,
            count: 50,
            includes: Includes::default(),
            filters: Vec::new(),
        };
        for (key, value) in params {
            let (name, modifier) = key.split_once(':').unwrap_or((key.as_str(), ""));
            if !COMMON.contains(&name) && !own.contains(&name) {
                return Err(format!("Unknown search parameter \"{name}\""));
            }
            match name {
                "_count" => {
                    search.count = value
                        .trim()
                        .parse::<usize>()
                        .map_err(|_| format!("Invalid _count \"{value}\""))?
                        .clamp(1, 10_000);
                }
                "_total" | "_elements" | "active" | "role" | "type" => {}
                "_revinclude" => match (kind, value.as_str()) {
                    (Kind::Practitioner, "PractitionerRole:practitioner")
                    | (Kind::Organization, "PractitionerRole:organization") => {
                        search.includes.roles_of_match = true;
                    }
                    _ => return Err(format!("Invalid _revinclude \"{value}\"")),
                },
                "_include" => match value.as_str() {
                    "PractitionerRole:practitioner" => search.includes.practitioner = true,
                    "PractitionerRole:organization" => search.includes.organization = true,
                    "*" | "PractitionerRole:*" => {
                        search.includes.practitioner = true;
                        search.includes.organization = true;
                    }
                    _ => return Err(format!("Invalid _include \"{value}\"")),
                },
                _ => search
                    .filters
                    .push((name.to_owned(), modifier.to_owned(), value.clone())),
            }
        }
        Ok(search)
    }

    /// The matches, in index order.
    pub(super) fn run(&self, ix: &Index, hidden: &std::collections::HashSet<String>) -> Vec<usize> {
        let total = match self.kind {
            Kind::Practitioner => ix.persons.len(),
            Kind::Role => ix.roles.len(),
            Kind::Organization => ix.orgs.len(),
        };
        let mut candidates: Vec<usize> = match self.candidates(ix) {
            Some(c) => c,
            None => (0..total).collect(),
        };
        candidates.retain(|&n| self.filters.iter().all(|f| self.keep(ix, hidden, n, f)));
        candidates.sort_unstable();
        candidates.dedup();
        candidates
    }

    /// A short list from an index, when a filter allows one.
    fn candidates(&self, ix: &Index) -> Option<Vec<usize>> {
        for (name, modifier, value) in &self.filters {
            let values = value.split(',').map(str::trim);
            match (self.kind, name.as_str(), modifier.as_str()) {
                (Kind::Practitioner, "_id", _) => {
                    return Some(
                        values
                            .filter_map(|v| ix.person_by_id.get(v).copied())
                            .collect(),
                    );
                }
                (Kind::Organization, "_id", _) => {
                    return Some(
                        values
                            .filter_map(|v| ix.org_by_id.get(v).copied())
                            .collect(),
                    );
                }
                (Kind::Role, "_id", _) => {
                    return Some(
                        values
                            .filter_map(|v| ix.role_by_id.get(v).copied())
                            .collect(),
                    );
                }
                (Kind::Practitioner, "identifier", _) => {
                    return Some(
                        values
                            .filter_map(|v| ix.person_by_identifier.get(token_code(v)).copied())
                            .collect(),
                    );
                }
                (Kind::Practitioner, "family", "")
                    if values.clone().all(|v| fold(v).len() >= PREFIX) =>
                {
                    let mut out = Vec::new();
                    for v in values {
                        let prefix: String = fold(v).chars().take(PREFIX).collect();
                        out.extend(ix.family_prefix.get(&prefix).into_iter().flatten());
                    }
                    return Some(out);
                }
                _ => {}
            }
        }
        None
    }

    fn keep(
        &self,
        ix: &Index,
        hidden: &std::collections::HashSet<String>,
        n: usize,
        (name, modifier, value): &(String, String, String),
    ) -> bool {
        value.split(',').any(|v| {
            let v = v.trim();
            match (self.kind, name.as_str()) {
                (Kind::Practitioner, "_id") => ix.persons[n].id == v,
                (Kind::Role, "_id") => ix.roles[n].id == v,
                (Kind::Organization, "_id") => ix.orgs[n].id == v,
                (Kind::Practitioner, "identifier") => {
                    let p = &ix.persons[n];
                    let (system, code) = split_token(v);
                    (p.rpps.as_deref() == Some(code) && system.is_none_or(|s| s == SYSTEM_RPPS))
                        || (p.national_id == code && system.is_none_or(|s| s == SYSTEM_IDNPS))
                }
                (Kind::Organization, "identifier") => {
                    let o = &ix.orgs[n];
                    let (system, code) = split_token(v);
                    (o.idnst == code && system.is_none_or(|s| s == SYSTEM_IDNST))
                        || (o.finess.as_deref() == Some(code)
                            && system.is_none_or(|s| s == SYSTEM_FINESS))
                }
                (Kind::Role, "identifier") => false,
                (Kind::Practitioner, "family") => {
                    let p = &ix.persons[n];
                    text(&p.family, &p.family_f, modifier, v)
                }
                (Kind::Practitioner, "given") => {
                    let p = &ix.persons[n];
                    text(&p.given, &p.given_f, modifier, v)
                }
                (Kind::Practitioner, "name") => {
                    let p = &ix.persons[n];
                    text(&p.family, &p.family_f, modifier, v)
                        || text(&p.given, &p.given_f, modifier, v)
                }
                (Kind::Practitioner, "qualification-code") => {
                    let p = &ix.persons[n];
                    let code = token_code(v);
                    [&p.profession, &p.specialty, &p.category]
                        .iter()
                        .any(|c| !c.code.is_empty() && c.code == code)
                }
                (Kind::Practitioner, "mailbox-mss") => {
                    mailbox(&ix.persons[n].mailboxes, hidden, modifier, v)
                }
                (Kind::Role, "mailbox-mss") => mailbox(&ix.roles[n].mailboxes, hidden, modifier, v),
                (Kind::Organization, "mailbox-mss") => {
                    mailbox(&ix.orgs[n].mailboxes, hidden, modifier, v)
                }
                (Kind::Practitioner, "_lastUpdated") => date(ix.persons[n].updated, v),
                (Kind::Role, "_lastUpdated") => date(ix.roles[n].updated, v),
                (Kind::Organization, "_lastUpdated") => date(ix.orgs[n].updated, v),
                (Kind::Role, "practitioner") => ix.persons[ix.roles[n].person].id == reference(v),
                (Kind::Role, "organization") => ix.orgs[ix.roles[n].org].id == reference(v),
                (Kind::Organization, "name") => {
                    let o = &ix.orgs[n];
                    text(&o.name, &o.name_f, modifier, v)
                        || (!o.trade_name.is_empty()
                            && text(&o.trade_name, &fold(&o.trade_name), modifier, v))
                }
                (Kind::Organization, "address") => {
                    let o = &ix.orgs[n];
                    match modifier.as_str() {
                        "exact" => o.address.one_line() == v,
                        "contains" => o.address_f.contains(&fold(v)),
                        // A word of the address starts with the value.
                        _ => {
                            let f = fold(v);
                            !f.is_empty()
                                && (o.address_f.starts_with(&f)
                                    || o.address_f.contains(&format!(" {f}")))
                        }
                    }
                }
                (Kind::Organization, "address-city") => {
                    let o = &ix.orgs[n];
                    text(o.address.city(), &o.city_f, modifier, v)
                }
                (Kind::Organization, "address-postalcode") => {
                    let code = ix.orgs[n].address.postal_code.trim();
                    text(code, code, modifier, v)
                }
                _ => false,
            }
        })
    }
}

/// `system|code` → (system, code).
fn split_token(v: &str) -> (Option<&str>, &str) {
    match v.split_once('|') {
        Some((s, c)) if !s.is_empty() => (Some(s), c),
        Some((_, c)) => (None, c),
        None => (None, v),
    }
}

fn token_code(v: &str) -> &str {
    split_token(v).1
}

fn reference(v: &str) -> &str {
    v.rsplit('/').next().unwrap_or(v)
}

/// A FHIR string search on one value (`folded`: the value, folded at start).
fn text(field: &str, folded: &str, modifier: &str, v: &str) -> bool {
    match modifier {
        "exact" => field == v,
        "contains" => folded.contains(&fold(v)),
        _ => {
            let f = fold(v);
            !f.is_empty() && folded.starts_with(&f)
        }
    }
}

fn mailbox(
    mailboxes: &[Mailbox],
    hidden: &std::collections::HashSet<String>,
    modifier: &str,
    v: &str,
) -> bool {
    let v_lower = v.to_ascii_lowercase();
    mailboxes.iter().any(|m| {
        let a = m.address.to_ascii_lowercase();
        !hidden.contains(&a)
            && match modifier {
                "exact" => m.address == v,
                "contains" => a.contains(&v_lower),
                _ => a.starts_with(&v_lower),
            }
    })
}

/// `ge2026-06-01` against a day.
fn date(day: NaiveDate, v: &str) -> bool {
    let (prefix, rest) = match v.get(..2) {
        Some(p @ ("eq" | "ne" | "ge" | "gt" | "le" | "lt")) => (p, &v[2..]),
        _ => ("eq", v),
    };
    let Some(wanted) = rest
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
    else {
        return false;
    };
    match prefix {
        "ne" => day != wanted,
        "ge" => day >= wanted,
        "gt" => day > wanted,
        "le" => day <= wanted,
        "lt" => day < wanted,
        _ => day == wanted,
    }
}
