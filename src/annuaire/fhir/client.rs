//! [`AnnuaireClient`]: the look-ups Chevet makes in the Annuaire Santé API V2 — by RPPS, by
//! name, by mailbox, by postal address (the V2 recipe: Organization with its roles, then the
//! practitioners by `_id`), by organisation name — and the incremental refresh
//! (`_lastUpdated=ge…`), each giving [`DirectoryEntry`]s.
//!
//! Paging follows `Bundle.link[relation=next]` within guards: a next URL seen twice or more
//! than `max_pages` pages is [`AnnuaireError::PagingLoop`], more than `max_entries` primary
//! results is [`AnnuaireError::TooManyResults`]; a next link to another origin (which would
//! receive the API key) is refused. A search that hits a guard gives the error, not partial
//! results: the caller's local directory answers instead. Only
//! [`updated_since`](AnnuaireClient::updated_since) hands its pages over as they come, so the
//! pages before a loop are kept.

use std::collections::HashSet;

use chrono::{NaiveDate, Utc};
use url::Url;

use super::error::AnnuaireError;
use super::map::Gathered;
use super::transport::{AnnuaireSettings, Transport};
use super::types::Bundle;
use crate::domain::directory::DirectoryEntry;

/// A postal address to search: the V2 API searches addresses on Organization only.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AddressQuery {
    pub postal_code: String,
    pub city: String,
    /// Street words ("rue de la paix"); may be empty.
    pub street: String,
}

/// The Annuaire Santé FHIR API V2.
pub struct AnnuaireClient {
    transport: Transport,
    base: Url,
}

impl AnnuaireClient {
    pub fn new(settings: AnnuaireSettings) -> Result<Self, AnnuaireError> {
        let base = Url::parse(&format!("{}/", settings.base_url.trim_end_matches('/')))
            .map_err(|_| AnnuaireError::Settings("adresse du service"))?;
        Ok(Self {
            transport: Transport::new(settings)?,
            base,
        })
    }

    pub fn settings(&self) -> &AnnuaireSettings {
        &self.transport.settings
    }

    /// The mailboxes of the person with this RPPS (or idNat), with the structures of their roles.
    pub async fn by_rpps(&self, rpps: &str) -> Result<Vec<DirectoryEntry>, AnnuaireError> {
        let url = self.url(
            "Practitioner",
            &[
                ("identifier", rpps.trim()),
                ("_revinclude", "PractitionerRole:practitioner"),
            ],
        )?;
        let mut gathered = Gathered::default();
        self.collect(url, &mut gathered).await?;
        self.complete(&mut gathered).await?;
        Ok(gathered.entries(Utc::now()))
    }

    /// By family name (prefix, accents and case ignored by the API), optional given name and
    /// profession or specialty code (`10`, `SM54`, or `system|code`).
    pub async fn by_name(
        &self,
        family: &str,
        given: Option<&str>,
        qualification: Option<&str>,
    ) -> Result<Vec<DirectoryEntry>, AnnuaireError> {
        let mut params = vec![("family", family.trim())];
        if let Some(g) = given.map(str::trim).filter(|g| !g.is_empty()) {
            params.push(("given", g));
        }
        if let Some(q) = qualification.map(str::trim).filter(|q| !q.is_empty()) {
            params.push(("qualification-code", q));
        }
        params.push(("_revinclude", "PractitionerRole:practitioner"));
        let url = self.url("Practitioner", &params)?;
        let mut gathered = Gathered::default();
        self.collect(url, &mut gathered).await?;
        self.complete(&mut gathered).await?;
        Ok(gathered.entries(Utc::now()))
    }

    /// The mailboxes starting with `mailbox` (case ignored), wherever the Annuaire keeps them.
    pub async fn by_mailbox(&self, mailbox: &str) -> Result<Vec<DirectoryEntry>, AnnuaireError> {
        let wanted = mailbox.trim().to_ascii_lowercase();
        let mut gathered = Gathered::default();
        let searches: [(&str, &[(&str, &str)]); 3] = [
            (
                "Practitioner",
                &[("_revinclude", "PractitionerRole:practitioner")],
            ),
            (
                "PractitionerRole",
                &[
                    ("_include", "PractitionerRole:practitioner"),
                    ("_include", "PractitionerRole:organization"),
                ],
            ),
            ("Organization", &[]),
        ];
        for (resource, extra) in searches {
            let mut params = vec![("mailbox-mss", wanted.as_str())];
            params.extend_from_slice(extra);
            let url = self.url(resource, &params)?;
            self.collect(url, &mut gathered).await?;
        }
        self.complete(&mut gathered).await?;
        let mut entries = gathered.entries(Utc::now());
        entries.retain(|e| e.mailbox.to_ascii_lowercase().starts_with(&wanted));
        Ok(entries)
    }

    /// The persons working at organisations at this address, and the organisations' own
    /// mailboxes: `Organization?address-postalcode&address-city&address&_revinclude=
    /// PractitionerRole:organization`, then `Practitioner?_id=a,b,c` by batches.
    pub async fn by_address(
        &self,
        query: &AddressQuery,
    ) -> Result<Vec<DirectoryEntry>, AnnuaireError> {
        let mut params = Vec::new();
        for (name, value) in [
            ("address-postalcode", &query.postal_code),
            ("address-city", &query.city),
            ("address", &query.street),
        ] {
            if !value.trim().is_empty() {
                params.push((name, value.trim()));
            }
        }
        if params.is_empty() {
            return Ok(Vec::new());
        }
        params.push(("_revinclude", "PractitionerRole:organization"));
        self.organisations(&params).await
    }

    /// The organisations whose name contains `name`, their mailboxes and their people's.
    pub async fn by_organisation(&self, name: &str) -> Result<Vec<DirectoryEntry>, AnnuaireError> {
        let params = [
            ("name:contains", name.trim()),
            ("_revinclude", "PractitionerRole:organization"),
        ];
        self.organisations(&params).await
    }

    async fn organisations(
        &self,
        params: &[(&str, &str)],
    ) -> Result<Vec<DirectoryEntry>, AnnuaireError> {
        let url = self.url("Organization", params)?;
        let mut gathered = Gathered::default();
        self.collect(url, &mut gathered).await?;
        self.complete(&mut gathered).await?;
        Ok(gathered.entries(Utc::now()))
    }

    /// What changed since `since`: practitioners (with their roles), roles (with their
    /// practitioner and organisation) and organisations holding a mailbox, handed over page by
    /// page as entries (a mailbox may come twice). Returns how many entries were handed over.
    pub async fn updated_since(
        &self,
        since: NaiveDate,
        mut on_page: impl FnMut(Vec<DirectoryEntry>),
    ) -> Result<usize, AnnuaireError> {
        let date = format!("ge{}", since.format("%Y-%m-%d"));
        let count = self.transport.settings.sync_page_size.to_string();
        let searches: [(&str, &[(&str, &str)]); 3] = [
            (
                "Practitioner",
                &[("_revinclude", "PractitionerRole:practitioner")],
            ),
            (
                "PractitionerRole",
                &[
                    ("_include", "PractitionerRole:practitioner"),
                    ("_include", "PractitionerRole:organization"),
                ],
            ),
            ("Organization", &[("mailbox-mss:contains", "@")]),
        ];
        let mut handed = 0;
        for (resource, extra) in searches {
            let mut params = vec![("_lastUpdated", date.as_str())];
            params.extend_from_slice(extra);
            let url = self.url_counted(resource, &params, &count)?;
            let mut pager = Pager::new(url, usize::MAX);
            while let Some(bundle) = pager.next(self).await? {
                let mut gathered = Gathered::default();
                take(bundle, &mut gathered, true);
                self.complete(&mut gathered).await?;
                let entries = gathered.entries(Utc::now());
                handed += entries.len();
                on_page(entries);
            }
        }
        Ok(handed)
    }

    /// [`updated_since`](Self::updated_since), all in one vector.
    pub async fn updated_since_all(
        &self,
        since: NaiveDate,
    ) -> Result<Vec<DirectoryEntry>, AnnuaireError> {
        let mut all = Vec::new();
        self.updated_since(since, |page| all.extend(page)).await?;
        Ok(all)
    }

    /// Fetches by `_id` the practitioners and organisations the roles point to.
    async fn complete(&self, gathered: &mut Gathered) -> Result<(), AnnuaireError> {
        for (resource, ids) in [
            ("Practitioner", gathered.missing_practitioners()),
            ("Organization", gathered.missing_organizations()),
        ] {
            for batch in ids.chunks(self.transport.settings.id_batch.max(1)) {
                let url = self.url(resource, &[("_id", &batch.join(","))])?;
                self.collect_into(url, gathered, false).await?;
            }
        }
        Ok(())
    }

    /// Every page of a search into `gathered`.
    async fn collect(&self, url: Url, gathered: &mut Gathered) -> Result<(), AnnuaireError> {
        self.collect_into(url, gathered, true).await
    }

    async fn collect_into(
        &self,
        url: Url,
        gathered: &mut Gathered,
        primary: bool,
    ) -> Result<(), AnnuaireError> {
        let mut pager = Pager::new(url, self.transport.settings.max_entries);
        while let Some(bundle) = pager.next(self).await? {
            take(bundle, gathered, primary);
        }
        Ok(())
    }

    /// `<base>/<resource>?<params>&_count=<page size>`.
    fn url(&self, resource: &str, params: &[(&str, &str)]) -> Result<Url, AnnuaireError> {
        let count = self.transport.settings.page_size.to_string();
        self.url_counted(resource, params, &count)
    }

    fn url_counted(
        &self,
        resource: &str,
        params: &[(&str, &str)],
        count: &str,
    ) -> Result<Url, AnnuaireError> {
        let mut url = self
            .base
            .join(resource)
            .map_err(|_| AnnuaireError::Settings("adresse du service"))?;
        url.query_pairs_mut()
            .extend_pairs(params.iter().copied())
            .append_pair("_count", count);
        Ok(url)
    }
}

/// A page's resources; `primary`: the search's own answers (not a completion by `_id`).
fn take(bundle: Bundle, gathered: &mut Gathered, primary: bool) {
    for entry in bundle.entry {
        let matched = primary && entry.search.as_ref().is_none_or(|s| s.mode == "match");
        if let Some(resource) = entry.resource {
            gathered.add(resource, matched);
        }
    }
}

/// The pages of one search, within the guards.
struct Pager {
    next: Option<Url>,
    seen: HashSet<String>,
    pages: usize,
    matches: usize,
    max_entries: usize,
}

impl Pager {
    fn new(first: Url, max_entries: usize) -> Self {
        Self {
            next: Some(first),
            seen: HashSet::new(),
            pages: 0,
            matches: 0,
            max_entries,
        }
    }

    async fn next(&mut self, client: &AnnuaireClient) -> Result<Option<Bundle>, AnnuaireError> {
        let Some(url) = self.next.take() else {
            return Ok(None);
        };
        let settings = &client.transport.settings;
        if !self.seen.insert(url.as_str().to_owned()) || self.pages >= settings.max_pages {
            tracing::warn!(
                pages = self.pages,
                "annuaire: paging stopped (loop or page cap)"
            );
            return Err(AnnuaireError::PagingLoop { pages: self.pages });
        }
        let bundle = client.transport.bundle(&url).await?;
        self.pages += 1;
        self.matches += bundle
            .entry
            .iter()
            .filter(|e| e.search.as_ref().is_none_or(|s| s.mode != "include"))
            .count();
        if self.matches > self.max_entries {
            return Err(AnnuaireError::TooManyResults {
                max: self.max_entries,
            });
        }
        if let Some(next) = bundle.next() {
            let next = Url::parse(next).map_err(|_| AnnuaireError::Unreadable {
                what: "lien suivant",
            })?;
            if next.origin() != client.base.origin() {
                return Err(AnnuaireError::ForeignNextLink);
            }
            self.next = Some(next);
        }
        Ok(Some(bundle))
    }
}
