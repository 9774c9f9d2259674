//! Writing an archive: one patient's folder or every patient of the store, streamed — each
//! document's bytes are read from the store, hashed and written into the ZIP one at a time;
//! only the index's metadata stays in memory — into a private file (`0600`, written under a
//! temporary name then renamed), by default in `<data dir>/exports`. Each folder is read in one
//! transaction, so that it is consistent with itself. One audit entry per export.

use std::io::{BufWriter, Seek, Write};
use std::path::{Path, PathBuf};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::format::{self, INDEX_CSV, INDEX_JSON, Index, Scope};
use super::{PortabilityError, Progress, rows};
use crate::domain::PatientId;
use crate::export::csv::CsvWriter;
use crate::store::Store;
use crate::store::audit::{self, AuditAction, AuditEntry, AuditObject};

/// What to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// One patient's folder.
    Patient(PatientId),
    /// Every patient of the store.
    Establishment,
}

/// What an export wrote (counts only: no identity).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExportSummary {
    pub path: PathBuf,
    pub scope: Scope,
    pub patients: usize,
    pub documents: usize,
    /// The archive's size on disk.
    pub archive_bytes: u64,
    /// The CDA files' bytes, before compression.
    pub document_bytes: u64,
}

/// A patient by IPP, for the command line.
pub fn patient_by_ipp(store: &Store, ipp: &str) -> Result<PatientId, PortabilityError> {
    rows::patient_by_ipp(store, ipp)?
        .map(PatientId)
        .ok_or(PortabilityError::PatientNotFound)
}

/// The default file name: `chevet-export-<scope>-<local time>.zip`.
pub fn default_file_name(scope: ExportScope) -> String {
    let what = match scope {
        ExportScope::Patient(_) => "dossier",
        ExportScope::Establishment => "etablissement",
    };
    format!(
        "chevet-export-{what}-{}.zip",
        crate::export::file::timestamp_for_name()
    )
}

/// Exports into `<data dir>/exports` under [`default_file_name`].
pub fn export_to_exports(
    store: &mut Store,
    scope: ExportScope,
    data_dir: &Path,
    actor: &str,
    progress: Progress<'_>,
) -> Result<ExportSummary, PortabilityError> {
    let dir = crate::export::file::exports_dir(data_dir);
    export_to(
        store,
        scope,
        &dir.join(default_file_name(scope)),
        actor,
        progress,
    )
}

/// Exports `scope` as the archive `out` (replaced if it exists), then audits it as `actor`.
pub fn export_to(
    store: &mut Store,
    scope: ExportScope,
    out: &Path,
    actor: &str,
    progress: Progress<'_>,
) -> Result<ExportSummary, PortabilityError> {
    let (ids, kind) = match scope {
        ExportScope::Patient(id) => {
            if rows::patient_exists(store, id.0)? {
                (vec![id.0], Scope::Patient)
            } else {
                return Err(PortabilityError::PatientNotFound);
            }
        }
        ExportScope::Establishment => (rows::patient_ids(store)?, Scope::Establishment),
    };
    let total = rows::document_count(store, &ids, scope)?;
    let dir = out.parent().filter(|p| !p.as_os_str().is_empty());
    let dir = dir.unwrap_or_else(|| Path::new("."));
    let name = out
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| std::io::Error::other("no file name"))?;
    let (path, mut file) = crate::export::file::create_private(dir, name)?;
    let written = write_archive(store, &ids, kind, &mut file.file, total, progress)?;
    file.persist(&path)?;
    let archive_bytes = std::fs::metadata(&path)?.len();
    let summary = ExportSummary {
        path,
        scope: kind,
        patients: ids.len(),
        documents: written.0,
        archive_bytes,
        document_bytes: written.1,
    };
    let object = match scope {
        ExportScope::Patient(id) => AuditObject::Patient(id.0),
        ExportScope::Establishment => AuditObject::Patients(ids.len()),
    };
    let detail = format!(
        "scope={};patients={};documents={}",
        kind.code(),
        summary.patients,
        summary.documents
    );
    audit::append(
        store,
        &AuditEntry::new(actor, AuditAction::DataExported, object).detail(detail),
    )?;
    Ok(summary)
}

/// The ZIP itself: documents first, as they are read, then `index.csv` and `index.json`.
/// Documents written and their bytes.
fn write_archive<W: Write + Seek>(
    store: &mut Store,
    ids: &[i64],
    scope: Scope,
    out: W,
    total: usize,
    progress: Progress<'_>,
) -> Result<(usize, u64), PortabilityError> {
    let generated = chrono::Utc::now();
    let mut zip = ZipWriter::new(BufWriter::with_capacity(256 * 1024, out));
    let deflate = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .unix_permissions(0o600);
    let mut csv = CsvWriter::new().stamp("export de portabilité", generated);
    csv.row(&format::CSV_HEADER);
    let mut patients = Vec::with_capacity(ids.len());
    let (mut done, mut bytes) = (0usize, 0u64);
    progress(0, total);
    for &id in ids {
        let mut record = store.in_transaction(|store| {
            let (mut record, doc_ids) = rows::read_patient(store, id)?;
            for (d, doc_id) in record.documents.iter_mut().zip(doc_ids) {
                let raw = rows::raw(store, doc_id)?;
                d.file = format::document_file(&d.cda_id);
                d.sha256 = format::sha256_hex(&raw);
                d.size = raw.len() as u64;
                zip.start_file(d.file.as_str(), deflate)
                    .map_err(zip_error)?;
                zip.write_all(&raw)?;
                done += 1;
                bytes += d.size;
                progress(done, total);
            }
            Ok::<_, PortabilityError>(record)
        })?;
        for d in &record.documents {
            csv.row(&format::csv_row(&record.ipp, d));
        }
        record.documents.shrink_to_fit();
        patients.push(record);
    }
    zip.start_file(INDEX_CSV, deflate).map_err(zip_error)?;
    zip.write_all(csv.finish().as_bytes())?;
    let index = Index {
        format: format::FORMAT_NAME.to_owned(),
        format_version: format::FORMAT_VERSION,
        producer: crate::export::stamp::producer(),
        generated_at: generated.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        scope,
        patients,
    };
    zip.start_file(INDEX_JSON, deflate).map_err(zip_error)?;
    serde_json::to_writer_pretty(&mut zip, &index)
        .map_err(|e| PortabilityError::Io(std::io::Error::other(e.to_string())))?;
    let mut inner = zip.finish().map_err(zip_error)?;
    inner.flush()?;
    Ok((done, bytes))
}

fn zip_error(e: zip::result::ZipError) -> PortabilityError {
    match e {
        zip::result::ZipError::Io(e) => PortabilityError::Io(e),
        other => PortabilityError::Io(std::io::Error::other(other.to_string())),
    }
}
