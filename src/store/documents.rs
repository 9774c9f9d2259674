//! Documents in the store: stored once by CDA `id`, listed per patient without their bytes,
//! read back whole for the viewer.

use rusqlite::{OptionalExtension, Row, params};

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
    insert_on(store.conn(), d, None)
}

/// The insert itself, on a connection or inside a caller's savepoint; `integrated`: who
/// integrated a received document, and for which unit.
fn insert_on(
    conn: &rusqlite::Connection,
    d: &NewDocument<'_>,
    integrated: Option<(&str, &str)>,
) -> Result<Inserted, StoreError> {
    let existing: Option<i64> = conn
        .query_row(
            "SELECT id FROM document WHERE cda_id = ?1",
            [&d.meta.cda_id],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(id) = existing {
        return Ok(Inserted::AlreadyPresent(DocumentId(id)));
    }
    let m = d.meta;
    conn.execute(
        "INSERT INTO document (patient_id, episode_id, cda_id, set_id, version_number,
            type_code, type_system, type_label, class_code, title, act_date, created_date,
            author, organisation, confidentiality, body_kind, has_pdf, replaces, provenance,
            invisible_patient, invisible_legal_reps, masked_ps, integrated_at, raw,
            integrated_by, integrated_unit)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17,
            ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25, ?26)",
        params![
            d.patient_id.0,
            d.episode_id.map(|e| e.0),
            m.cda_id,
            m.set_id,
            m.version_number,
            m.type_code,
            m.type_system,
            m.type_label,
            m.class_code,
            m.title,
            m.act_date.as_ref().map(datetime_text),
            m.created.as_ref().map(datetime_text),
            m.author,
            m.organisation,
            m.confidentiality,
            m.body.code(),
            m.has_pdf,
            m.replaces,
            d.provenance.code(),
            d.visibility.invisible_patient,
            d.visibility.invisible_legal_reps,
            d.visibility.masked_ps,
            datetime_text(&chrono::Utc::now().naive_utc()),
            d.raw,
            integrated.map(|(by, _)| by),
            integrated.map(|(_, unit)| unit),
        ],
    )?;
    Ok(Inserted::New(DocumentId(conn.last_insert_rowid())))
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
    // One savepoint: the check and the insert are one transaction, and compose with a
    // caller's transaction (the audit entry that goes with it).
    let tx = store.conn_mut().savepoint()?;
    let taken: Option<(i64, String)> = tx
        .query_row(
            "SELECT id, cda_id FROM document
             WHERE patient_id = ?1 AND set_id = ?2 AND version_number = ?3",
            params![d.patient_id.0, d.meta.set_id, d.meta.version_number],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    if let Some((id, cda_id)) = taken
        && cda_id != d.meta.cda_id
    {
        return Ok(Integrated::VersionTaken(DocumentId(id)));
    }
    let done = match insert_on(&tx, d, Some((by_login, unit)))? {
        Inserted::AlreadyPresent(id) => Integrated::AlreadyPresent(id),
        Inserted::New(id) => Integrated::New(id),
    };
    tx.commit()?;
    Ok(done)
}

/// Who integrated a document and for which unit (`None` for documents made here).
pub fn integrated_by(
    store: &Store,
    id: DocumentId,
) -> Result<Option<(String, String)>, StoreError> {
    let row: (Option<String>, Option<String>) = store
        .conn()
        .query_row(
            "SELECT integrated_by, integrated_unit FROM document WHERE id = ?1",
            [id.0],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?
        .ok_or(StoreError::NotFound)?;
    Ok(row.0.map(|by| (by, row.1.unwrap_or_default())))
}

/// The folder's copy of a document, by CDA id (`root` or `root^extension`).
pub fn by_cda_id(store: &Store, cda_id: &str) -> Result<Option<DocumentId>, StoreError> {
    Ok(store
        .conn()
        .query_row("SELECT id FROM document WHERE cda_id = ?1", [cda_id], |r| {
            r.get(0)
        })
        .optional()?
        .map(DocumentId))
}

/// Records where a document stands towards the DMP.
pub fn set_dmp_share(store: &Store, id: DocumentId, share: ShareState) -> Result<(), StoreError> {
    store.conn().execute(
        "UPDATE document SET dmp_share = ?1 WHERE id = ?2",
        params![share.code(), id.0],
    )?;
    Ok(())
}

/// Follows a visibility change made in the DMP on the folder's copy, if any.
pub fn set_visibility(store: &Store, cda_id: &str, v: Visibility) -> Result<(), StoreError> {
    store.conn().execute(
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

fn summary_from_row(r: &Row<'_>) -> rusqlite::Result<Result<DocumentSummary, StoreError>> {
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
        act_date: None,
        created: None,
        author: r.get(13)?,
        organisation: r.get(14)?,
        confidentiality: r.get(15)?,
        body: BodyKind::Other,
        has_pdf: r.get(17)?,
        replaces: r.get(18)?,
    };
    let id = DocumentId(r.get(0)?);
    let patient_id = PatientId(r.get(1)?);
    let episode_id = r.get::<_, Option<i64>>(2)?.map(EpisodeId);
    let visibility = Visibility {
        invisible_patient: r.get(22)?,
        invisible_legal_reps: r.get(23)?,
        masked_ps: r.get(24)?,
    };
    Ok((|| {
        Ok(DocumentSummary {
            reference: DocumentRef::Stored(id),
            patient_id,
            episode_id,
            meta: DocumentMeta {
                act_date: act.as_deref().map(parse_datetime).transpose()?,
                created: created.as_deref().map(parse_datetime).transpose()?,
                body: BodyKind::from_code(&body).ok_or_else(|| corrupt("body kind"))?,
                ..meta
            },
            provenance: Provenance::from_code(&provenance).ok_or_else(|| corrupt("provenance"))?,
            dmp_share: ShareState::from_code(&dmp).ok_or_else(|| corrupt("dmp share"))?,
            mss_share: ShareState::from_code(&mss).ok_or_else(|| corrupt("mss share"))?,
            visibility,
            integrated_at: parse_datetime(&integrated)?,
        })
    })())
}

/// Documents of a patient, newest act first, without their bytes.
pub fn for_patient(store: &Store, patient: PatientId) -> Result<Vec<DocumentSummary>, StoreError> {
    let sql = format!(
        "SELECT {SUMMARY_COLUMNS} FROM document WHERE patient_id = ?1
         ORDER BY act_date DESC, version_number DESC"
    );
    let mut stmt = store.conn().prepare_cached(&sql)?;
    let rows = stmt.query_map([patient.0], summary_from_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.push(row??);
    }
    Ok(out)
}

/// One document's summary.
pub fn summary(store: &Store, id: DocumentId) -> Result<DocumentSummary, StoreError> {
    let sql = format!("SELECT {SUMMARY_COLUMNS} FROM document WHERE id = ?1");
    store
        .conn()
        .query_row(&sql, [id.0], summary_from_row)
        .optional()?
        .ok_or(StoreError::NotFound)?
}

/// The stored CDA bytes of a document.
pub fn raw(store: &Store, id: DocumentId) -> Result<Vec<u8>, StoreError> {
    store
        .conn()
        .query_row("SELECT raw FROM document WHERE id = ?1", [id.0], |r| {
            r.get(0)
        })
        .optional()?
        .ok_or(StoreError::NotFound)
}

/// Number of documents in the store.
pub fn count(store: &Store) -> Result<usize, StoreError> {
    let n: i64 = store
        .conn()
        .query_row("SELECT count(*) FROM document", [], |r| r.get(0))?;
    Ok(usize::try_from(n).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::consent::tests::store_with_patient;

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
        let (mut store, patient) = store_with_patient();
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
            integrate(&mut store, &new_doc(patient, &meta, b"<a/>"), "autre", "X").expect("again"),
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
    }
}
