//! Version chains: the documents of a patient that are versions of one another form one entry
//! of the document list, newest version first.
//!
//! The rule (docs/decisions.md, "versions"): documents with the same `setId` are one chain,
//! ordered by `versionNumber` (then by integration time). A `relatedDocument` RPLC whose parent
//! id is a document of another chain joins the two chains (a producer that changed the setId);
//! an RPLC parent that matches no known document changes nothing (real documents carry wrong
//! parent ids, e.g. the CI-SIS microbiology example V2). Chains never split: a document is never
//! hidden because its RPLC is wrong.

use std::cmp::Ordering;
use std::collections::HashMap;

use super::DocumentId;
use super::document::{DocumentSort, DocumentSummary, compare_documents};

/// One entry of the list: indexes into the documents slice, newest version first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionChain {
    pub versions: Vec<usize>,
}

impl VersionChain {
    /// The current (newest) version.
    pub fn current(&self) -> usize {
        self.versions[0]
    }

    /// Older versions, newest first.
    pub fn older(&self) -> &[usize] {
        &self.versions[1..]
    }
}

fn find(parent: &mut [usize], mut i: usize) -> usize {
    while parent[i] != i {
        parent[i] = parent[parent[i]];
        i = parent[i];
    }
    i
}

fn union(parent: &mut [usize], a: usize, b: usize) {
    let (ra, rb) = (find(parent, a), find(parent, b));
    if ra != rb {
        parent[ra.max(rb)] = ra.min(rb);
    }
}

/// Newest first: higher version number, then later integration, then later act.
fn newest_first(a: &DocumentSummary, b: &DocumentSummary) -> Ordering {
    b.meta
        .version_number
        .cmp(&a.meta.version_number)
        .then(b.integrated_at.cmp(&a.integrated_at))
        .then(b.meta.act_date.cmp(&a.meta.act_date))
}

/// Groups documents into version chains (in no particular order).
pub fn chains(docs: &[DocumentSummary]) -> Vec<VersionChain> {
    let mut parent: Vec<usize> = (0..docs.len()).collect();
    let mut by_set: HashMap<&str, usize> = HashMap::new();
    let mut by_id: HashMap<&str, usize> = HashMap::new();
    for (i, d) in docs.iter().enumerate() {
        by_id.insert(d.meta.cda_id.as_str(), i);
        match by_set.get(d.meta.set_id.as_str()) {
            Some(&first) => union(&mut parent, first, i),
            None => {
                by_set.insert(d.meta.set_id.as_str(), i);
            }
        }
    }
    for (i, d) in docs.iter().enumerate() {
        if let Some(&p) = d.meta.replaces.as_deref().and_then(|r| by_id.get(r)) {
            union(&mut parent, p, i);
        }
    }
    let mut groups: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..docs.len() {
        let root = find(&mut parent, i);
        groups.entry(root).or_default().push(i);
    }
    let mut out: Vec<VersionChain> = groups
        .into_values()
        .map(|mut versions| {
            versions.sort_by(|&a, &b| newest_first(&docs[a], &docs[b]));
            VersionChain { versions }
        })
        .collect();
    out.sort_by_key(VersionChain::current);
    out
}

/// Sorts chains by their current version, as the list columns ask.
pub fn sort_chains(
    chains: &mut [VersionChain],
    docs: &[DocumentSummary],
    sort: DocumentSort,
    ascending: bool,
) {
    chains
        .sort_by(|a, b| compare_documents(&docs[a.current()], &docs[b.current()], sort, ascending));
}

/// The current version of the chain holding `doc`, when it is not `doc` itself.
pub fn newer_version(docs: &[DocumentSummary], doc: DocumentId) -> Option<&DocumentSummary> {
    let index = docs
        .iter()
        .position(|d| d.reference.stored() == Some(doc))?;
    let chain = chains(docs)
        .into_iter()
        .find(|c| c.versions.contains(&index))?;
    (chain.current() != index).then(|| &docs[chain.current()])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::document::tests::doc;

    fn with(
        mut d: DocumentSummary,
        id: &str,
        set: &str,
        version: u32,
        replaces: Option<&str>,
    ) -> DocumentSummary {
        d.meta.cda_id = id.into();
        d.meta.set_id = set.into();
        d.meta.version_number = version;
        d.meta.replaces = replaces.map(str::to_owned);
        d
    }

    #[test]
    fn same_set_is_one_chain_newest_first_even_with_a_wrong_rplc_parent() {
        // Like the CI-SIS microbiology example: V2 replaces an id that is not V1's.
        let docs = vec![
            with(doc(1, "CR bio", 3), "a.1", "a", 1, None),
            with(doc(2, "CR bio", 4), "a.2", "a", 2, Some("somewhere.else")),
            with(doc(3, "Lettre", 5), "b.1", "b", 1, None),
        ];
        let mut c = chains(&docs);
        c.sort_by_key(|c| c.versions.len());
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].versions, vec![1, 0]);
        assert_eq!(c[1].current(), 1);
        assert_eq!(c[1].older(), &[0]);
        assert_eq!(
            newer_version(&docs, DocumentId(1)).and_then(|d| d.reference.stored()),
            Some(DocumentId(2))
        );
        assert_eq!(newer_version(&docs, DocumentId(2)), None);
        assert_eq!(newer_version(&docs, DocumentId(3)), None);
    }

    #[test]
    fn rplc_to_a_known_document_joins_chains_across_set_ids() {
        let docs = vec![
            with(doc(1, "CR img", 3), "x.1", "set-x", 1, None),
            with(doc(2, "CR img", 4), "y.1", "set-y", 2, Some("x.1")),
        ];
        let c = chains(&docs);
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].current(), 1);
    }

    #[test]
    fn chains_sort_by_their_current_version() {
        let docs = vec![
            with(doc(1, "B", 1), "a.1", "a", 1, None),
            with(doc(2, "B", 9), "a.2", "a", 2, Some("a.1")),
            with(doc(3, "A", 5), "b.1", "b", 1, None),
        ];
        let mut c = chains(&docs);
        sort_chains(&mut c, &docs, DocumentSort::ActDate, false);
        assert_eq!(
            c.iter().map(VersionChain::current).collect::<Vec<_>>(),
            [1, 2]
        );
        sort_chains(&mut c, &docs, DocumentSort::Type, true);
        assert_eq!(
            c.iter().map(VersionChain::current).collect::<Vec<_>>(),
            [2, 1]
        );
    }
}
