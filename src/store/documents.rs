//! Documents in the store: stored once by CDA `id`, listed per patient without their bytes,
//! read back whole for the viewer.

use super::db::{Param, Row, params};
use super::{Store, StoreError, datetime_text, parse_datetime};
use crate::domain::{
    BodyKind, DocumentId, DocumentMeta, DocumentRef, DocumentSummary, EpisodeId, PatientId,
    Provenance, ShareState, Visibility,
};

/// A document to store.
pub struct NewDocument<'a> {
    pub patient_id: PatientId,
    pub episode_id: Option<EpisodeId>,
    pub meta: &'a DocumentMeta,
    pub provenance: Provenance,
    pub visibility: Visibility,
    pub raw: &'a [u8],
}

/// What an insert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Inserted {
    New(DocumentId),
    /// A document with the same CDA id was already stored: nothing changed.
    AlreadyPresent(DocumentId),
}

impl Inserted {
    pub fn id(self) -> DocumentId {
        match self {
            Self::New(id) | Self::AlreadyPresent(id) => id,
        }
    }
}

/// Stores a document unless its CDA id is already known (integration is idempotent).
pub fn insert(store: &Store, d: &NewDocument<'_>) -> Result<Inserted, StoreError> {
    store.require_record()?;
    insert_on(store, d, None)
}

/// The insert itself, alone or inside a caller's transaction; `integrated`: who integrated a
/// received document, and for which unit.
fn insert_on(
    store: &Store,
    d: &NewDocument<'_>,
    integrated: Option<(&str, &str)>,
) -> Result<Inserted, StoreError> {
    if let Some(id) = by_cda_id(store, &d.meta.cda_id)? {
        return Ok(Inserted::AlreadyPresent(id));
    }
    insert_row(store, None, d, integrated).map(|id| Inserted::New(DocumentId(id)))
}

/// A cache's copy of a document integrated while degraded, under the id it is given.
pub(crate) fn insert_with_id(
    store: &Store,
    id: i64,
    d: &NewDocument<'_>,
    integrated: Option<(&str, &str)>,
) -> Result<(), StoreError> {
    insert_row(store, Some(id), d, integrated).map(|_| ())
}

fn insert_row(
    store: &Store,
    id: Option<i64>,
    d: &NewDocument<'_>,
    integrated: Option<(&str, &str)>,
) -> Result<i64, StoreError> {
    let m = d.meta;
    // The id column only when given: the record's ids are the database's own.
    let (id_column, id_value) = if id.is_some() {
        ("id, ", "?27, ")
    } else {
        ("", "")
    };
    let integrated_at = datetime_text(&chrono::Utc::now().naive_utc());
    let (episode, act, created) = (
        d.episode_id.map(|e| e.0),
        m.act_date.as_ref().map(datetime_text),
        m.created.as_ref().map(datetime_text),
    );
    let (body, provenance) = (m.body.code(), d.provenance.code());
    let (by, unit) = (integrated.map(|(by, _)| by), integrated.map(|(_, u)| u));
    let mut bound = params![
        d.patient_id.0,
        episode,
        m.cda_id,
        m.set_id,
        m.version_number,
        m.type_code,
        m.type_system,
        m.type_label,
        m.class_code,
        m.title,
        act,
        created,
        m.author,
        m.organisation,
        m.confidentiality,
        body,
        m.has_pdf,
        m.replaces,
        provenance,
        d.visibility.invisible_patient,
        d.visibility.invisible_legal_reps,
        d.visibility.masked_ps,
        integrated_at,
        d.raw,
        by,
        unit,
    ]
    .to_vec();
    if let Some(id) = id {
        bound.push(Param::Int(id));
    }
    store.insert_id(
        &format!(
            "INSERT INTO document ({id_column}patient_id, episode_id, cda_id, set_id,
                version_number, type_code, type_system, type_label, class_code, title, act_date,
                created_date, author, organisation, confidentiality, body_kind, has_pdf,
                replaces, provenance, invisible_patient, invisible_legal_reps, masked_ps,
                integrated_at, raw, integrated_by, integrated_unit)
             VALUES ({id_value}?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15,
                ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)"
        ),
        &bound,
    )
}

/// What integrating a received document did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Integrated {
    New(DocumentId),
    /// The same CDA `id` is already in the folder: refused as a duplicate.
    AlreadyPresent(DocumentId),
    /// Another document already holds this `setId` + `versionNumber`: refused.
    VersionTaken(DocumentId),
}

/// Integrates a document received from outside (DMP, MSSanté, XDM): duplicates are refused
/// on the CDA `id`, and a new version is accepted only when its `setId` + `versionNumber` is
/// free. Records who integrated it and for which unit, beside the date.
pub fn integrate(
    store: &mut Store,
    d: &NewDocument<'_>,
    by_login: &str,
    unit: &str,
) -> Result<Integrated, StoreError> {
    // One transaction (a savepoint inside a caller's): the check and the insert together, and
    // with the audit entry a caller writes beside them.
    store.in_transaction(|store| {
        let taken = store.query_opt(
            "SELECT id, cda_id FROM document
             WHERE patient_id = ?1 AND set_id = ?2 AND version_number = ?3",
            params![d.patient_id.0, d.meta.set_id, d.meta.version_number],
        )?;
        if let Some(row) = taken
            && row.get::<String>(1)? != d.meta.cda_id
        {
            return Ok(Integrated::VersionTaken(DocumentId(row.get(0)?)));
        }
        if store.is_cache() {
            // Degraded mode: listed from the cache at once, replayed to the record later.
            return Ok(match by_cda_id(store, &d.meta.cda_id)? {
                Some(id) => Integrated::AlreadyPresent(id),
                None => {
                    Integrated::New(super::replay::enqueue_integrate(store, d, by_login, unit)?)
                }
            });
        }
        Ok(match insert_on(store, d, Some((by_login, unit)))? {
            Inserted::AlreadyPresent(id) => Integrated::AlreadyPresent(id),
            Inserted::New(id) => Integrated::New(id),
        })
    })
}

/// Who integrated a document and for which unit (`None` for documents made here).
pub fn integrated_by(
    store: &Store,
    id: DocumentId,
) -> Result<Option<(String, String)>, StoreError> {
    let row = store.query_one(
        "SELECT integrated_by, integrated_unit FROM document WHERE id = ?1",
        params![id.0],
    )?;
    let by: Option<String> = row.get(0)?;
    let unit: Option<String> = row.get(1)?;
    Ok(by.map(|by| (by, unit.unwrap_or_default())))
}

/// The folder's copy of a document, by CDA id (`root` or `root^extension`).
pub fn by_cda_id(store: &Store, cda_id: &str) -> Result<Option<DocumentId>, StoreError> {
    store
        .query_opt("SELECT id FROM document WHERE cda_id = ?1", params![cda_id])?
        .map(|r| r.get(0).map(DocumentId))
        .transpose()
}

/// Records where a document stands towards the DMP.
pub fn set_dmp_share(store: &Store, id: DocumentId, share: ShareState) -> Result<(), StoreError> {
    store.execute(
        "UPDATE document SET dmp_share = ?1 WHERE id = ?2",
        params![share.code(), id.0],
    )?;
    Ok(())
}

/// Follows a visibility change made in the DMP on the folder's copy, if any.
pub fn set_visibility(store: &Store, cda_id: &str, v: Visibility) -> Result<(), StoreError> {
    store.execute(
        "UPDATE document SET invisible_patient = ?1, invisible_legal_reps = ?2, masked_ps = ?3
         WHERE cda_id = ?4",
        params![
            v.invisible_patient,
            v.invisible_legal_reps,
            v.masked_ps,
            cda_id
        ],
    )?;
    Ok(())
}

const SUMMARY_COLUMNS: &str = "id, patient_id, episode_id, cda_id, set_id, version_number,
    type_code, type_system, type_label, class_code, title, act_date, created_date, author,
    organisation, confidentiality, body_kind, has_pdf, replaces, provenance, dmp_share,
    mss_share, invisible_patient, invisible_legal_reps, masked_ps, integrated_at";

fn corrupt(what: &str) -> StoreError {
    StoreError::Corrupt(what.to_owned())
}

fn summary_from_row(r: &Row) -> Result<DocumentSummary, StoreError> {
    let act: Option<String> = r.get(11)?;
    let created: Option<String> = r.get(12)?;
    let body: String = r.get(16)?;
    let provenance: String = r.get(19)?;
    let dmp: String = r.get(20)?;
    let mss: String = r.get(21)?;
    let integrated: String = r.get(25)?;
    let meta = DocumentMeta {
        cda_id: r.get(3)?,
        set_id: r.get(4)?,
        version_number: r.get(5)?,
        type_code: r.get(6)?,
        type_system: r.get(7)?,
        type_label: r.get(8)?,
        class_code: r.get(9)?,
        title: r.get(10)?,
        act_date: act.as_deref().map(parse_datetime).transpose()?,
        created: created.as_deref().map(parse_datetime).transpose()?,
        author: r.get(13)?,
        organisation: r.get(14)?,
        confidentiality: r.get(15)?,
        body: BodyKind::from_code(&body).ok_or_else(|| corrupt("body kind"))?,
        has_pdf: r.get(17)?,
        replaces: r.get(18)?,
    };
    Ok(DocumentSummary {
        reference: DocumentRef::Stored(DocumentId(r.get(0)?)),
        patient_id: PatientId(r.get(1)?),
        episode_id: r.get::<Option<i64>>(2)?.map(EpisodeId),
        meta,
        provenance: Provenance::from_code(&provenance).ok_or_else(|| corrupt("provenance"))?,
        dmp_share: ShareState::from_code(&dmp).ok_or_else(|| corrupt("dmp share"))?,
        mss_share: ShareState::from_code(&mss).ok_or_else(|| corrupt("mss share"))?,
        visibility: Visibility {
            invisible_patient: r.get(22)?,
            invisible_legal_reps: r.get(23)?,
            masked_ps: r.get(24)?,
        },
        integrated_at: parse_datetime(&integrated)?,
        sharing: None,
    })
}

/// Documents of a patient, newest act first (undated last), without their bytes, each with
/// its latest outbox job.
pub fn for_patient(store: &Store, patient: PatientId) -> Result<Vec<DocumentSummary>, StoreError> {
    let mut sharing = super::outbox::sharing_for_patient(store, patient)?;
    let mut list = list_for_patient(store, patient)?;
    for d in &mut list {
        if let DocumentRef::Stored(id) = d.reference {
            d.sharing = sharing.remove(&id);
        }
    }
    Ok(list)
}

fn list_for_patient(store: &Store, patient: PatientId) -> Result<Vec<DocumentSummary>, StoreError> {
    store
        .query(
            &format!(
                "SELECT {SUMMARY_COLUMNS} FROM document WHERE patient_id = ?1
                 ORDER BY act_date DESC NULLS LAST, version_number DESC, id DESC"
            ),
            params![patient.0],
        )?
        .iter()
        .map(summary_from_row)
        .collect()
}

/// One document's summary.
pub fn summary(store: &Store, id: DocumentId) -> Result<DocumentSummary, StoreError> {
    let mut summary = summary_only(store, id)?;
    summary.sharing = super::outbox::sharing_of(store, id)?;
    Ok(summary)
}

fn summary_only(store: &Store, id: DocumentId) -> Result<DocumentSummary, StoreError> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM document WHERE id = ?1");
    summary_from_row(&store.query_one(&sql, params![id.0])?)
}

/// The stored CDA bytes of a document.
pub fn raw(store: &Store, id: DocumentId) -> Result<Vec<u8>, StoreError> {
    store
        .query_one("SELECT raw FROM document WHERE id = ?1", params![id.0])?
        .take(0)
}

/// Number of documents in the store.
pub fn count(store: &Store) -> Result<usize, StoreError> {
    store.query_value("SELECT count(*) FROM document", &[])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::consent::tests::each_store_with_patient;

    fn new_doc<'a>(patient: PatientId, meta: &'a DocumentMeta, raw: &'a [u8]) -> NewDocument<'a> {
        NewDocument {
            patient_id: patient,
            episode_id: None,
            meta,
            provenance: Provenance::Dmp,
            visibility: Visibility::default(),
            raw,
        }
    }

    #[test]
    fn integration_refuses_duplicates_and_taken_versions_and_records_who() {
        each_store_with_patient(|mut store, patient| {
            let mut meta = crate::domain::document::tests::doc(1, "CR", 1).meta;
            meta.cda_id = "1.2.3^v1".into();
            meta.set_id = "1.2.3.set".into();
            meta.version_number = 1;
            let first = integrate(
                &mut store,
                &new_doc(patient, &meta, b"<a/>"),
                "medecin",
                "Cardiologie",
            )
            .expect("integrate");
            let Integrated::New(id) = first else {
                panic!("first integration stores: {first:?}");
            };
            assert_eq!(
                integrated_by(&store, id).expect("who"),
                Some(("medecin".to_owned(), "Cardiologie".to_owned()))
            );
            assert_eq!(
                integrate(&mut store, &new_doc(patient, &meta, b"<a/>"), "autre", "X")
                    .expect("again"),
                Integrated::AlreadyPresent(id)
            );
            // Same setId + versionNumber under another id: refused.
            let mut clash = meta.clone();
            clash.cda_id = "1.2.3^other".into();
            assert_eq!(
                integrate(
                    &mut store,
                    &new_doc(patient, &clash, b"<b/>"),
                    "medecin",
                    "C"
                )
                .expect("clash"),
                Integrated::VersionTaken(id)
            );
            // The next version of the same set: accepted, listed in the chain.
            let mut v2 = meta;
            v2.cda_id = "1.2.3^v2".into();
            v2.version_number = 2;
            let second =
                integrate(&mut store, &new_doc(patient, &v2, b"<c/>"), "medecin", "C").expect("v2");
            assert!(matches!(second, Integrated::New(_)));
            assert_eq!(for_patient(&store, patient).expect("list").len(), 2);
        });
    }
}
