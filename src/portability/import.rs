//! Reading an archive back into an EMPTY Chevet. The archive is refused before anything is
//! written when it is hostile (the XDM reader's ZIP hardening, `xdm::zip_guard`: entry count
//! read before the directory, traversal and absolute names, symbolic links, encryption,
//! unknown compression, inflated sizes counted against caps, a total budget and a ratio),
//! when it is not a Chevet export or a newer format, or when the store already holds
//! patients. Then everything is written in ONE transaction, each document's size and SHA-256
//! checked as it is inflated: any failure leaves the store as it was (all or nothing).

use std::io::{BufReader, Read, Seek};
use std::path::Path;

use zip::{CompressionMethod, ZipArchive};

use super::format::{self, DOCUMENTS_DIR, Header, INDEX_JSON, Index, Scope};
use super::{PortabilityError, Progress, insert};
use crate::store::Store;
use crate::store::audit::{self, AuditAction, AuditEntry, AuditObject};
use crate::xdm::zip_guard::{InflateGuard, InflateStop, declared_entry_count, is_unsafe_path};

/// The caps of an import (an establishment's archive is much larger than an XDM mail).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportLimits {
    /// Most entries in the ZIP's central directory.
    pub max_entries: usize,
    /// Most bytes inflated in all.
    pub max_total_bytes: u64,
    /// Largest `index.json`, once inflated.
    pub max_index_bytes: u64,
    /// Largest CDA file, once inflated.
    pub max_document_bytes: u64,
    /// Highest inflated/compressed ratio of one entry …
    pub max_ratio: u64,
    /// … checked once the entry has inflated beyond this many bytes.
    pub ratio_after: u64,
}

impl ImportLimits {
    /// Room for an establishment (a million documents, 64 GiB of CDA), nothing unbounded.
    pub const DEFAULT: Self = Self {
        max_entries: 1_000_000,
        max_total_bytes: 64 * 1024 * 1024 * 1024,
        max_index_bytes: 1024 * 1024 * 1024,
        max_document_bytes: 256 * 1024 * 1024,
        max_ratio: 100,
        ratio_after: 1024 * 1024,
    };
}

impl Default for ImportLimits {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// What an import wrote (counts only).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ImportSummary {
    pub scope: Scope,
    pub format_version: u32,
    /// The version of Chevet that wrote the archive.
    pub producer_version: String,
    pub patients: usize,
    pub documents: usize,
    pub document_bytes: u64,
}

/// Imports the archive at `path` into `store`, which must hold no patient; audited as `actor`.
pub fn import_file(
    store: &mut Store,
    path: &Path,
    actor: &str,
    limits: &ImportLimits,
    progress: Progress<'_>,
) -> Result<ImportSummary, PortabilityError> {
    let patients = crate::store::patients::count(store)?;
    if patients > 0 {
        return Err(PortabilityError::NotEmpty { patients });
    }
    let file = std::fs::File::open(path)?;
    let mut archive = Reader::open(BufReader::new(file), limits)?;
    let index = archive.index()?;
    let total: usize = index.patients.iter().map(|p| p.documents.len()).sum();
    for d in index.patients.iter().flat_map(|p| &p.documents) {
        if !d.file.starts_with(DOCUMENTS_DIR) || archive.zip.index_for_name(&d.file).is_none() {
            return Err(PortabilityError::MissingDocument);
        }
    }
    store.in_transaction(|store| {
        let (mut done, mut bytes) = (0usize, 0u64);
        progress(0, total);
        for p in &index.patients {
            let (patient, episodes) = insert::insert_patient(store, p)?;
            for d in &p.documents {
                let raw = archive.document(&d.file, d.size)?;
                if format::sha256_hex(&raw) != d.sha256 {
                    return Err(PortabilityError::Checksum);
                }
                insert::insert_document(store, patient, &episodes, d, &raw)?;
                done += 1;
                bytes += d.size;
                progress(done, total);
            }
        }
        let summary = ImportSummary {
            scope: index.scope,
            format_version: index.format_version,
            producer_version: index.producer.version.clone(),
            patients: index.patients.len(),
            documents: done,
            document_bytes: bytes,
        };
        let detail = format!(
            "scope={};patients={};documents={};format={};producer={}",
            summary.scope.code(),
            summary.patients,
            summary.documents,
            summary.format_version,
            version_code(&summary.producer_version),
        );
        audit::append(
            store,
            &AuditEntry::new(
                actor,
                AuditAction::DataImported,
                AuditObject::Patients(summary.patients),
            )
            .detail(detail),
        )?;
        Ok(summary)
    })
}

/// An opened, checked archive.
struct Reader<R: Read + Seek> {
    zip: ZipArchive<R>,
    limits: ImportLimits,
    /// Bytes inflated so far.
    spent: u64,
}

impl<R: Read + Seek> Reader<R> {
    /// Opens the ZIP and checks every entry's name and kind before reading any.
    fn open(mut reader: R, limits: &ImportLimits) -> Result<Self, PortabilityError> {
        if let Some(count) = declared_entry_count(&mut reader)
            && count > limits.max_entries as u64
        {
            return Err(PortabilityError::TooManyEntries {
                count: usize::try_from(count).unwrap_or(usize::MAX),
                max: limits.max_entries,
            });
        }
        reader.rewind()?;
        let zip = ZipArchive::new(reader).map_err(|_| PortabilityError::NotZip)?;
        if zip.len() > limits.max_entries {
            return Err(PortabilityError::TooManyEntries {
                count: zip.len(),
                max: limits.max_entries,
            });
        }
        if zip.has_duplicate_names() {
            return Err(PortabilityError::DuplicateEntry);
        }
        for index in 0..zip.len() {
            let e = zip
                .by_index_data(index)
                .map_err(|_| PortabilityError::NotZip)?;
            let name = e.name().map_err(|_| PortabilityError::UnsafePath)?;
            if is_unsafe_path(&name) {
                return Err(PortabilityError::UnsafePath);
            }
            if e.is_symlink() {
                return Err(PortabilityError::Symlink);
            }
            if e.encrypted() {
                return Err(PortabilityError::Encrypted);
            }
        }
        Ok(Self {
            zip,
            limits: *limits,
            spent: 0,
        })
    }

    /// `index.json`: its header first (a newer format is refused before its records are
    /// read), then the whole index.
    fn index(&mut self) -> Result<Index, PortabilityError> {
        if self.zip.index_for_name(INDEX_JSON).is_none() {
            return Err(PortabilityError::MissingIndex);
        }
        let max_bytes = self.limits.max_index_bytes;
        let bytes = self.read(
            INDEX_JSON,
            max_bytes,
            PortabilityError::TooLarge { max_bytes },
        )?;
        let header: Header = serde_json::from_slice(&bytes)
            .map_err(|_| PortabilityError::BadIndex("unreadable JSON"))?;
        if header.format != format::FORMAT_NAME {
            return Err(PortabilityError::BadIndex("format"));
        }
        if header.format_version > format::FORMAT_VERSION {
            return Err(PortabilityError::NewerVersion {
                found: header.format_version,
                supported: format::FORMAT_VERSION,
            });
        }
        if header.format_version == 0 {
            return Err(PortabilityError::BadIndex("format version"));
        }
        serde_json::from_slice(&bytes).map_err(|_| PortabilityError::BadIndex("records"))
    }

    /// A document's bytes: exactly `size` of them, or the archive is refused.
    fn document(&mut self, name: &str, size: u64) -> Result<Vec<u8>, PortabilityError> {
        if size > self.limits.max_document_bytes {
            return Err(PortabilityError::TooLarge {
                max_bytes: self.limits.max_document_bytes,
            });
        }
        let bytes = self.read(name, size, PortabilityError::SizeMismatch)?;
        if bytes.len() as u64 != size {
            return Err(PortabilityError::SizeMismatch);
        }
        Ok(bytes)
    }

    /// Inflates an entry under `cap` (`over_cap` when passed), the total budget and the ratio
    /// cap.
    fn read(
        &mut self,
        name: &str,
        cap: u64,
        over_cap: PortabilityError,
    ) -> Result<Vec<u8>, PortabilityError> {
        let mut file = self.zip.by_name(name).map_err(|e| match e {
            zip::result::ZipError::UnsupportedArchive(_) => {
                PortabilityError::UnsupportedCompression
            }
            zip::result::ZipError::FileNotFound => PortabilityError::MissingDocument,
            _ => PortabilityError::NotZip,
        })?;
        let method = file.compression();
        if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
            return Err(PortabilityError::UnsupportedCompression);
        }
        let (compressed, declared) = (file.compressed_size(), file.size());
        let guard = InflateGuard {
            cap,
            budget: self.limits.max_total_bytes.saturating_sub(self.spent),
            max_ratio: self.limits.max_ratio,
            ratio_after: self.limits.ratio_after,
        };
        let out = guard
            .inflate(&mut file, declared, compressed)
            .map_err(|stop| match stop {
                InflateStop::Read => PortabilityError::NotZip,
                InflateStop::Budget => PortabilityError::TooLarge {
                    max_bytes: self.limits.max_total_bytes,
                },
                InflateStop::Cap(_) => over_cap,
                InflateStop::Ratio => PortabilityError::CompressionRatio {
                    max_ratio: self.limits.max_ratio,
                },
            })?;
        self.spent += out.len() as u64;
        Ok(out)
    }
}

/// The producer's version as the audit trail may show it: a version's characters only.
fn version_code(version: &str) -> String {
    version
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+'))
        .take(32)
        .collect()
}
