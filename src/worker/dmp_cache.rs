//! What the workers remember of the DMP between requests, bounded: the rows the screens were
//! shown (with their XDS entries, which stay here), by entry, so that a request names a DMP
//! document by its entry only; and the documents read by TD3.2, by CDA id, so that viewing,
//! attachments, the stylesheet and integration read one document once. Both forget the oldest
//! first; a request about a forgotten row is refused with a message asking to refresh the list.

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use crate::dmp::consult::DmpDocumentRow;
use crate::domain::PatientId;
use crate::domain::dmp::DmpEntry;

/// Rows kept (a large DMP lists a few hundred documents).
pub const MAX_ROWS: usize = 5_000;
/// Documents kept.
pub const MAX_DOCUMENTS: usize = 16;
/// Bytes of documents kept.
pub const MAX_DOCUMENT_BYTES: usize = 64 * 1024 * 1024;

/// A row the screens were shown, with the patient it belongs to.
#[derive(Clone)]
pub struct CachedRow {
    pub patient: PatientId,
    pub row: Arc<DmpDocumentRow>,
}

/// A map that forgets its oldest entries beyond a count and a total weight.
struct Bounded<K, V> {
    map: HashMap<K, (V, usize)>,
    /// Oldest first (most recently used last).
    order: VecDeque<K>,
    weight: usize,
    max_len: usize,
    max_weight: usize,
}

impl<K: Clone + Eq + Hash, V: Clone> Bounded<K, V> {
    fn new(max_len: usize, max_weight: usize) -> Self {
        Self {
            map: HashMap::new(),
            order: VecDeque::new(),
            weight: 0,
            max_len,
            max_weight,
        }
    }

    fn insert(&mut self, key: K, value: V, weight: usize) {
        if weight > self.max_weight {
            return;
        }
        if let Some((_, old)) = self.map.insert(key.clone(), (value, weight)) {
            self.weight -= old;
            self.order.retain(|k| k != &key);
        }
        self.order.push_back(key);
        self.weight += weight;
        while self.map.len() > self.max_len || self.weight > self.max_weight {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some((_, w)) = self.map.remove(&oldest) {
                self.weight -= w;
            }
        }
    }

    fn get(&self, key: &K) -> Option<V> {
        self.map.get(key).map(|(v, _)| v.clone())
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.map.len()
    }
}

/// The DMP rows and documents the workers keep.
pub struct DmpCache {
    rows: Mutex<Bounded<DmpEntry, CachedRow>>,
    documents: Mutex<Bounded<String, Arc<Vec<u8>>>>,
}

impl Default for DmpCache {
    fn default() -> Self {
        Self {
            rows: Mutex::new(Bounded::new(MAX_ROWS, usize::MAX)),
            documents: Mutex::new(Bounded::new(MAX_DOCUMENTS, MAX_DOCUMENT_BYTES)),
        }
    }
}

impl DmpCache {
    /// Remembers rows about to be shown.
    pub fn keep_rows(&self, patient: PatientId, rows: &[Arc<DmpDocumentRow>]) {
        let mut cache = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        for row in rows {
            let entry = DmpEntry(row.entry_uuid.clone());
            let cached = CachedRow {
                patient,
                row: Arc::clone(row),
            };
            cache.insert(entry, cached, 1);
        }
    }

    /// A row shown for `patient`, by entry.
    pub fn row(&self, patient: PatientId, entry: &DmpEntry) -> Option<Arc<DmpDocumentRow>> {
        self.rows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(entry)
            .filter(|c| c.patient == patient)
            .map(|c| c.row)
    }

    /// Remembers a document read from the DMP, by CDA id.
    pub fn keep_document(&self, unique_id: &str, bytes: Arc<Vec<u8>>) {
        let weight = bytes.len();
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(unique_id.to_owned(), bytes, weight);
    }

    /// A document read before, by CDA id.
    pub fn document(&self, unique_id: &str) -> Option<Arc<Vec<u8>>> {
        self.documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&unique_id.to_owned())
    }

    /// Forgets everything (the session ended: the next user reads through the gate again).
    pub fn clear(&self) {
        let mut rows = self.rows.lock().unwrap_or_else(PoisonError::into_inner);
        *rows = Bounded::new(MAX_ROWS, usize::MAX);
        let mut docs = self
            .documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        *docs = Bounded::new(MAX_DOCUMENTS, MAX_DOCUMENT_BYTES);
    }

    /// Rows and documents held.
    #[cfg(test)]
    pub fn sizes(&self) -> (usize, usize) {
        let rows = self
            .rows
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        let docs = self
            .documents
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len();
        (rows, docs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_go_first_beyond_the_count_or_the_weight() {
        let mut b: Bounded<u32, u32> = Bounded::new(3, 10);
        for k in 0..4 {
            b.insert(k, k, 1);
        }
        assert_eq!((b.len(), b.get(&0), b.get(&3)), (3, None, Some(3)));
        b.insert(9, 9, 9);
        assert_eq!(b.len(), 2, "weight 2 + 9 > 10: the two oldest left");
        assert_eq!(b.get(&9), Some(9));
        b.insert(10, 10, 11);
        assert_eq!(b.get(&10), None, "heavier than the whole cache: not kept");
        b.insert(9, 90, 1);
        assert_eq!((b.get(&9), b.weight), (Some(90), 2));
    }

    #[test]
    fn documents_are_bounded_by_bytes_and_rows_by_patient() {
        let cache = DmpCache::default();
        for n in 0..(MAX_DOCUMENTS + 3) {
            cache.keep_document(&format!("doc-{n}"), Arc::new(vec![0; 10]));
        }
        assert_eq!(cache.sizes().1, MAX_DOCUMENTS);
        assert!(cache.document(&format!("doc-{}", 0)).is_none());
        assert!(
            cache
                .document(&format!("doc-{}", MAX_DOCUMENTS + 2))
                .is_some()
        );
        let row = Arc::new(DmpDocumentRow::from_entry(
            crate::dmp::xds::DmpDocumentEntry {
                entry_uuid: "urn:uuid:1".into(),
                ..Default::default()
            },
        ));
        cache.keep_rows(PatientId(1), &[row]);
        let entry = DmpEntry("urn:uuid:1".into());
        assert!(cache.row(PatientId(1), &entry).is_some());
        assert!(
            cache.row(PatientId(2), &entry).is_none(),
            "another patient's row"
        );
    }
}
