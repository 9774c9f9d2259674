//! Search as you type over the local directory, accent- and case-insensitive, ranked: an
//! exact RPPS/ADELI/idNat or mailbox first, then family names equal to or starting with a
//! typed word (a B-tree range), then entries where every word starts a word anywhere (the
//! word index: FTS5 on SQLite, a GIN `tsvector` on PostgreSQL). Candidates are read as ids
//! and search keys, filtered in Rust against every word, and only the page kept is read
//! whole. `listeRouge` entries are never returned.

use std::collections::HashSet;

use super::db::{Backend, Param, params};
use super::directory::{COLUMNS, entry_of};
use super::{Store, StoreError};
use crate::annuaire::normalize::{fold, is_stop_word, is_weak_word};
use crate::domain::directory::{DirectoryHit, DirectoryQuery, MatchRank};

/// Rows read per candidate query before the filter (a page is 50 at most).
const CANDIDATES: usize = 400;
const DEFAULT_LIMIT: usize = 50;

/// The query, folded once.
struct Plan {
    words: Vec<String>,
    /// Words used by the word index: stop words and single letters left out when others exist.
    indexed: Vec<String>,
    /// `indexed` holds rare enough words to ask the word index with (not only street numbers,
    /// street types or stop words).
    strong: bool,
    /// The postal code typed, and the upper bound of its range.
    postal_range: Option<(String, String)>,
    city: Option<String>,
    profession_code: Option<String>,
    limit: usize,
}

fn plan(q: &DirectoryQuery) -> Plan {
    let mut words = fold(&q.text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect::<Vec<_>>();
    let mut profession_code = None;
    if let Some(p) = q
        .profession
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        if p.bytes().all(|b| b.is_ascii_digit()) {
            profession_code = Some(p.to_owned());
        } else {
            words.extend(
                fold(p)
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            );
        }
    }
    // The words that find candidates: neither stop words, nor single letters, nor the weak
    // words of an address when rarer ones exist; every word still has to match.
    let strong: Vec<String> = words
        .iter()
        .filter(|w| !is_stop_word(w) && w.len() > 1 && !is_weak_word(w))
        .cloned()
        .collect();
    let has_strong = !strong.is_empty();
    let indexed = if strong.is_empty() {
        let useful: Vec<String> = words
            .iter()
            .filter(|w| !is_stop_word(w) && w.len() > 1)
            .cloned()
            .collect();
        if useful.is_empty() {
            words.clone()
        } else {
            useful
        }
    } else {
        strong
    };
    Plan {
        words,
        indexed,
        strong: has_strong,
        postal_range: q
            .postal_code
            .as_deref()
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| (p.to_owned(), format!("{p}\u{7f}"))),
        city: q.city.as_deref().map(fold).filter(|c| !c.is_empty()),
        profession_code,
        limit: if q.limit == 0 { DEFAULT_LIMIT } else { q.limit },
    }
}

impl Plan {
    /// The filters as SQL over `e`, with their parameters numbered from `first`.
    fn filters<'a>(&'a self, first: usize, params: &mut Vec<Param<'a>>) -> String {
        let mut sql = String::from(" AND e.unlisted = 0");
        let mut n = first;
        if let Some((code, upper)) = &self.postal_range {
            if code.len() >= 5 {
                sql.push_str(&format!(" AND e.postal_code = ?{n}"));
                params.push(Param::Text(code));
                n += 1;
            } else {
                // A department or the start of a code: a range, which the index serves.
                sql.push_str(&format!(
                    " AND e.postal_code >= ?{n} AND e.postal_code < ?{}",
                    n + 1
                ));
                params.push(Param::Text(code));
                params.push(Param::Text(upper));
                n += 2;
            }
        }
        if let Some(city) = &self.city {
            sql.push_str(&format!(" AND e.city_key = ?{n}"));
            params.push(Param::Text(city));
            n += 1;
        }
        if let Some(code) = &self.profession_code {
            sql.push_str(&format!(" AND e.profession_code = ?{n}"));
            params.push(Param::Text(code));
        }
        sql
    }

    /// No filter and one word: candidates need no second look.
    fn single_word(&self) -> bool {
        self.words.len() == 1
            && self.postal_range.is_none()
            && self.city.is_none()
            && self.profession_code.is_none()
    }

    /// Whether candidates need a second look at their key: a typed word the index did not
    /// check, or a filter.
    fn needs_key(&self) -> bool {
        self.words.iter().any(|w| !self.indexed.contains(w))
    }

    fn has_filters(&self) -> bool {
        self.postal_range.is_some() || self.city.is_some() || self.profession_code.is_some()
    }

    /// Every typed word starts a word of the entry's key.
    fn matches(&self, key: &str) -> bool {
        self.words
            .iter()
            .all(|w| key.split(' ').any(|k| k.starts_with(w.as_str())))
    }
}

/// Up to `query.limit` (50 by default) entries, best first.
pub fn search(store: &Store, query: &DirectoryQuery) -> Result<Vec<DirectoryHit>, StoreError> {
    let plan = plan(query);
    let mut ranked: Vec<(MatchRank, i64)> = Vec::new();
    let mut seen = HashSet::new();
    let mut push = |rank: MatchRank, id: i64, ranked: &mut Vec<(MatchRank, i64)>| {
        if seen.insert(id) {
            ranked.push((rank, id));
        }
    };
    // Exact identifiers and mailboxes.
    for w in query.text.split_whitespace() {
        let digits = w.bytes().all(|b| b.is_ascii_digit());
        if digits && (8..=12).contains(&w.len()) {
            // An RPPS or ADELI, or an idNat (its type digit first).
            let without_type = if w.len() >= 10 { &w[1..] } else { w };
            for id in candidates(
                store,
                &plan,
                "e.person_id IN (?1, ?2)",
                &[Param::Text(w), Param::Text(without_type)],
            )? {
                push(MatchRank::ExactId, id.0, &mut ranked);
            }
        } else if w.contains('@') {
            let lower = w.to_ascii_lowercase();
            for id in candidates(store, &plan, "e.mailbox = ?1", &[Param::Text(&lower)])? {
                push(MatchRank::ExactMailbox, id.0, &mut ranked);
            }
        }
        if digits && (6..11).contains(&w.len()) {
            // An RPPS typed so far: its prefix.
            let upper = format!("{w}\u{7f}");
            for (id, _, _) in candidates(
                store,
                &plan,
                "e.person_id >= ?1 AND e.person_id < ?2",
                &[Param::Text(w), Param::Text(&upper)],
            )? {
                push(MatchRank::NamePrefix, id, &mut ranked);
            }
        }
    }
    // Family names: equal to, then starting with, one of the first two words.
    for w in plan.indexed.iter().take(2) {
        if w.bytes().all(|b| b.is_ascii_digit()) {
            continue;
        }
        let upper = format!("{w}\u{7f}");
        let range = [Param::Text(w), Param::Text(&upper)];
        let found = if plan.single_word() {
            // Read from the index alone: ids and names, no second look needed.
            by_family_only(store, &range, plan.limit)?
        } else {
            candidates(
                store,
                &plan,
                "e.family_key >= ?1 AND e.family_key < ?2",
                &range,
            )?
        };
        for (id, key, family) in found {
            if plan.single_word() || plan.matches(&key) {
                let exact = family == *w || family.starts_with(&format!("{w} "));
                let rank = if exact {
                    MatchRank::ExactName
                } else {
                    MatchRank::NamePrefix
                };
                push(rank, id, &mut ranked);
            }
        }
    }
    // Every word anywhere (when a rare enough word was typed: a street number or « rue »
    // alone would list half the directory).
    if ranked.len() < plan.limit && plan.strong {
        let needs_key = plan.needs_key();
        for (id, key, _) in by_words(store, &plan)? {
            if !needs_key || plan.matches(&key) {
                push(MatchRank::Elsewhere, id, &mut ranked);
            }
        }
    }
    // Only filters: the entries at that address or of that profession, by name.
    if plan.words.is_empty()
        && (plan.postal_range.is_some() || plan.city.is_some() || plan.profession_code.is_some())
    {
        for (id, _, _) in candidates(store, &plan, "1 = 1", &[])? {
            push(MatchRank::Elsewhere, id, &mut ranked);
        }
    }
    ranked.sort_by_key(|(rank, _)| *rank);
    ranked.truncate(plan.limit);
    read_hits(store, &ranked)
}

/// Candidates of one condition (with its own `?1`, `?2`), as (id, search key, family key),
/// in name order.
fn candidates<'a>(
    store: &Store,
    plan: &'a Plan,
    condition: &str,
    condition_params: &[Param<'a>],
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut params: Vec<Param<'a>> = condition_params.to_vec();
    let filters = plan.filters(params.len() + 1, &mut params);
    let sql = format!(
        "SELECT e.id, e.search_key, e.family_key FROM directory_entry e \
         WHERE ({condition}){filters} ORDER BY e.family_key, e.given_key LIMIT {CANDIDATES}"
    );
    read_candidates(store, &sql, &params)
}

/// Entries whose family name is in the range, from the family index alone (`key` left empty).
fn by_family_only(
    store: &Store,
    range: &[Param<'_>],
    limit: usize,
) -> Result<Vec<(i64, String, String)>, StoreError> {
    let sql = format!(
        "SELECT e.id, '', e.family_key FROM directory_entry e \
         WHERE e.family_key >= ?1 AND e.family_key < ?2 AND e.unlisted = 0 \
         ORDER BY e.family_key, e.given_key LIMIT {limit}"
    );
    read_candidates(store, &sql, range)
}

/// Candidates from the word index: every indexed word as a prefix.
fn by_words(store: &Store, plan: &Plan) -> Result<Vec<(i64, String, String)>, StoreError> {
    let mut params: Vec<Param<'_>> = Vec::new();
    let (source, condition, expression);
    match store.backend() {
        Backend::Sqlite => {
            expression = plan
                .indexed
                .iter()
                .map(|w| format!("\"{w}\"*"))
                .collect::<Vec<_>>()
                .join(" AND ");
            source = "directory_fts JOIN directory_entry e ON e.id = directory_fts.rowid";
            condition = "directory_fts MATCH ?1";
        }
        Backend::Postgres => {
            expression = plan
                .indexed
                .iter()
                .map(|w| format!("{w}:*"))
                .collect::<Vec<_>>()
                .join(" & ");
            source = "directory_entry e";
            condition = "to_tsvector('simple'::regconfig, e.search_key) \
                         @@ to_tsquery('simple'::regconfig, ?1)";
        }
    }
    params.push(Param::Text(&expression));
    if !plan.needs_key() && !plan.has_filters() && store.backend() == Backend::Sqlite {
        // The index alone answers: no row read before the page.
        let sql = format!(
            "SELECT rowid, '', '' FROM directory_fts WHERE directory_fts MATCH ?1 LIMIT {}",
            plan.limit * 2
        );
        return read_candidates(store, &sql, &params);
    }
    let filters = plan.filters(2, &mut params);
    // No ORDER BY: the index gives the first matches at once; the page is sorted by rank.
    let sql = format!(
        "SELECT e.id, e.search_key, e.family_key FROM {source} \
         WHERE {condition}{filters} LIMIT {CANDIDATES}"
    );
    read_candidates(store, &sql, &params)
}

fn read_candidates(
    store: &Store,
    sql: &str,
    params: &[Param<'_>],
) -> Result<Vec<(i64, String, String)>, StoreError> {
    store
        .query(sql, params)?
        .into_iter()
        .map(|mut r| Ok((r.take(0)?, r.take(1)?, r.take(2)?)))
        .collect()
}

/// The page, read whole, in rank then name order.
fn read_hits(store: &Store, ranked: &[(MatchRank, i64)]) -> Result<Vec<DirectoryHit>, StoreError> {
    if ranked.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = ranked.iter().map(|(_, id)| *id).collect();
    let placeholders = (1..=ids.len())
        .map(|n| format!("?{n}"))
        .collect::<Vec<_>>()
        .join(",");
    let params: Vec<Param<'_>> = ids.iter().map(|id| Param::Int(*id)).collect();
    let rows = store.query(
        &format!(
            "SELECT {COLUMNS} FROM directory_entry WHERE id IN ({placeholders}) AND unlisted = 0"
        ),
        &params,
    )?;
    let mut by_id = std::collections::HashMap::new();
    for row in rows {
        let (id, entry) = entry_of(row)?;
        by_id.insert(id, entry);
    }
    let mut hits: Vec<DirectoryHit> = ranked
        .iter()
        .filter_map(|(rank, id)| {
            by_id.remove(id).map(|entry| DirectoryHit {
                id: *id,
                entry,
                rank: *rank,
            })
        })
        .collect();
    hits.sort_by(|a, b| {
        a.rank.cmp(&b.rank).then_with(|| {
            fold(&a.entry.family_name)
                .cmp(&fold(&b.entry.family_name))
                .then_with(|| fold(&a.entry.given_name).cmp(&fold(&b.entry.given_name)))
        })
    });
    Ok(hits)
}

/// One entry by id (the recipient chosen in a list).
pub fn entry(store: &Store, id: i64) -> Result<Option<DirectoryHit>, StoreError> {
    let Some(row) = store.query_opt(
        &format!("SELECT {COLUMNS} FROM directory_entry WHERE id = ?1 AND unlisted = 0"),
        params![id],
    )?
    else {
        return Ok(None);
    };
    let (id, entry) = entry_of(row)?;
    Ok(Some(DirectoryHit {
        id,
        entry,
        rank: MatchRank::ExactId,
    }))
}
