//! The whole read: the archive checked and opened (`archive`), each subset's `METADATA.XML`
//! read (`metadata`), each document's `URI` resolved and its file inflated, its SHA-1 and size
//! compared with the declared ones. A mismatch is kept as a flag on the document (real
//! archives carry some); a missing file refuses the archive.

use std::io::Read;
use std::path::Path;

use aws_lc_rs::digest::{SHA1_FOR_LEGACY_USE_ONLY, digest};

use super::archive::Archive;
use super::error::{XdmError, sanitize};
use super::metadata::{self, EntryMeta};
use super::{XdmArchive, XdmDocument, XdmLimits, XdmSubset};

/// Reads an `IHE_XDM.ZIP` from its bytes.
pub fn read_archive(bytes: &[u8], limits: &XdmLimits) -> Result<XdmArchive, XdmError> {
    let mut archive = Archive::open(bytes, limits)?;
    let mut subsets = Vec::new();
    for subset in archive.subsets()? {
        let folder = subset.folder;
        let xml = archive.read_metadata(subset.metadata, &folder)?;
        let meta = metadata::read(&xml, &folder, limits.max_entries)?;
        drop(xml);
        let mut documents = Vec::with_capacity(meta.entries.len());
        for entry in meta.entries {
            let uri = entry.uri.clone().ok_or_else(|| XdmError::MissingUri {
                subset: sanitize(&folder),
            })?;
            let id = archive.resolve(&folder, &uri)?;
            let content = archive.read_document(id)?;
            let path = archive.path(id).to_owned();
            documents.push(document(entry, uri, path, content));
        }
        subsets.push(XdmSubset {
            folder,
            format: meta.format,
            submission_set: meta.submission_set,
            documents,
        });
    }
    Ok(XdmArchive { subsets })
}

/// Reads an archive file, refusing one larger than `limits.max_archive_bytes` before reading.
pub fn read_archive_file(path: &Path, limits: &XdmLimits) -> Result<XdmArchive, XdmError> {
    let file = std::fs::File::open(path)?;
    let size = file.metadata()?.len();
    if size > limits.max_archive_bytes {
        return Err(XdmError::ArchiveTooLarge {
            size,
            max: limits.max_archive_bytes,
        });
    }
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
    file.take(limits.max_archive_bytes.saturating_add(1))
        .read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limits.max_archive_bytes {
        return Err(XdmError::ArchiveTooLarge {
            size: bytes.len() as u64,
            max: limits.max_archive_bytes,
        });
    }
    read_archive(&bytes, limits)
}

fn document(entry: EntryMeta, uri: String, path: String, content: Vec<u8>) -> XdmDocument {
    let actual_hash = hex::encode(digest(&SHA1_FOR_LEGACY_USE_ONLY, &content));
    let size_matches = entry
        .size
        .as_deref()
        .map(|s| s.parse::<u64>().ok() == Some(content.len() as u64));
    let hash_matches = entry
        .hash
        .as_deref()
        .map(|h| h.eq_ignore_ascii_case(&actual_hash));
    XdmDocument {
        entry_id: entry.entry_id,
        unique_id: entry.unique_id,
        patient_id: entry.patient_id,
        source_patient: entry.source_patient,
        title: entry.title,
        mime_type: entry.mime_type,
        type_code: entry.type_code,
        class_code: entry.class_code,
        creation_time: entry.creation_time,
        uri,
        path,
        content,
        declared_size: entry.size,
        declared_hash: entry.hash,
        actual_hash,
        size_matches,
        hash_matches,
        action: entry.action,
    }
}
