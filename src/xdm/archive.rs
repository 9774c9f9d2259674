//! The ZIP layer of the XDM reader: opens the archive, refuses a hostile one before reading any
//! entry (too many entries, duplicate names, path traversal, absolute paths, backslashes,
//! symbolic links, encrypted entries), leaves out what operating systems add (`__MACOSX/`,
//! dot files such as `.DS_Store`, editor swap files), finds `IHE_XDM/` (at the root, or under one
//! wrapping folder), its subset folders and their files, and inflates an entry under the
//! archive's total budget and the per-entry ratio cap, counted while inflating: the sizes an
//! archive declares are never trusted.

use std::io::Cursor;

use zip::{CompressionMethod, ZipArchive};

use super::XdmLimits;
use super::error::{MetadataProblem, XdmError, sanitize};
use super::zip_guard::{InflateGuard, InflateStop, declared_entry_count, is_unsafe_path};

/// A file of the archive that may be read.
struct Entry {
    /// Index in the ZIP's central directory.
    index: usize,
    /// The name as written.
    path: String,
    /// The path below `IHE_XDM/`, when inside it.
    rel: Option<String>,
}

/// An opened, checked archive.
pub(crate) struct Archive<'b> {
    zip: ZipArchive<Cursor<&'b [u8]>>,
    entries: Vec<Entry>,
    limits: XdmLimits,
    /// Bytes inflated so far.
    spent: u64,
}

/// A subset folder and its `METADATA.XML`.
pub(crate) struct SubsetEntry {
    pub folder: String,
    pub metadata: usize,
}

/// What a `URI` slot resolved to: the entry to read.
pub(crate) type EntryId = usize;

impl<'b> Archive<'b> {
    /// Opens `bytes` and checks every entry's name and kind.
    pub fn open(bytes: &'b [u8], limits: &XdmLimits) -> Result<Self, XdmError> {
        if let Some(count) = declared_entries(bytes)
            && count > limits.max_entries as u64
        {
            return Err(XdmError::TooManyEntries {
                count: usize::try_from(count).unwrap_or(usize::MAX),
                max: limits.max_entries,
            });
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(|_| XdmError::NotZip)?;
        if zip.len() > limits.max_entries {
            return Err(XdmError::TooManyEntries {
                count: zip.len(),
                max: limits.max_entries,
            });
        }
        if zip.has_duplicate_names() {
            return Err(XdmError::DuplicateEntry);
        }
        let mut files = Vec::new();
        let mut dirs = Vec::new();
        for index in 0..zip.len() {
            let e = zip
                .by_index_data(index)
                .map_err(|_| corrupt("(nom illisible)"))?;
            let path = e
                .name()
                .map_err(|_| corrupt("(nom illisible)"))?
                .into_owned();
            check_path(&path)?;
            if e.is_symlink() {
                return Err(XdmError::Symlink {
                    entry: sanitize(&path),
                });
            }
            if e.encrypted() {
                return Err(XdmError::Encrypted {
                    entry: sanitize(&path),
                });
            }
            if is_ignored(&path) {
                continue;
            }
            if e.is_dir() {
                dirs.push(path);
            } else {
                files.push((index, path));
            }
        }
        let prefix = xdm_prefix(files.iter().map(|(_, p)| p).chain(&dirs))?;
        let entries = files
            .into_iter()
            .map(|(index, path)| Entry {
                index,
                rel: strip_prefix_ci(&path, &prefix).map(str::to_owned),
                path,
            })
            .collect();
        Ok(Self {
            zip,
            entries,
            limits: *limits,
            spent: 0,
        })
    }

    /// The subset folders with a `METADATA.XML`, by folder name.
    pub fn subsets(&self) -> Result<Vec<SubsetEntry>, XdmError> {
        let mut subsets: Vec<SubsetEntry> = Vec::new();
        for (i, entry) in self.entries.iter().enumerate() {
            let Some((folder, name)) = entry.rel.as_deref().and_then(|r| r.split_once('/')) else {
                continue;
            };
            if name.eq_ignore_ascii_case("METADATA.XML")
                && !folder.is_empty()
                && !subsets.iter().any(|s| s.folder == folder)
            {
                subsets.push(SubsetEntry {
                    folder: folder.to_owned(),
                    metadata: i,
                });
            }
        }
        if subsets.is_empty() {
            return Err(XdmError::NoMetadata);
        }
        subsets.sort_by(|a, b| a.folder.cmp(&b.folder));
        Ok(subsets)
    }

    /// The entry a `URI` slot of subset `folder` names: relative to the subset folder or to
    /// `IHE_XDM/`, as written, then regardless of case, then percent-decoded.
    pub fn resolve(&self, folder: &str, uri: &str) -> Result<EntryId, XdmError> {
        let uri = uri.trim();
        let uri = uri.strip_prefix("./").unwrap_or(uri);
        if uri.is_empty() {
            return Err(XdmError::MissingUri {
                subset: sanitize(folder),
            });
        }
        if is_unsafe_uri(uri) {
            return Err(XdmError::BadUri {
                subset: sanitize(folder),
                uri: sanitize(uri),
            });
        }
        let decoded = percent_decode(uri).filter(|d| !is_unsafe_uri(d));
        let mut candidates = Vec::new();
        for u in std::iter::once(uri).chain(decoded.as_deref()) {
            candidates.push(format!("{folder}/{u}"));
            candidates.push(u.to_owned());
            if let Some(rest) = strip_prefix_ci(u, "IHE_XDM/") {
                candidates.push(rest.to_owned());
            }
        }
        let exact = candidates.iter().find_map(|c| {
            self.entries
                .iter()
                .position(|e| e.rel.as_deref() == Some(c.as_str()))
        });
        let found = exact.or_else(|| {
            candidates.iter().find_map(|c| {
                self.entries
                    .iter()
                    .position(|e| e.rel.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(c)))
            })
        });
        found.ok_or_else(|| XdmError::MissingDocument {
            subset: sanitize(folder),
            uri: sanitize(uri),
        })
    }

    /// The entry's path as written.
    pub fn path(&self, id: EntryId) -> &str {
        &self.entries[id].path
    }

    /// A subset's `METADATA.XML`, within its own cap.
    pub fn read_metadata(&mut self, id: EntryId, folder: &str) -> Result<Vec<u8>, XdmError> {
        let max = self.limits.max_metadata_bytes;
        self.read(id, max).map_err(|e| match e {
            Overflow::Cap(size) => XdmError::Metadata {
                subset: sanitize(folder),
                problem: MetadataProblem::TooLarge { size, max },
            },
            Overflow::Error(e) => e,
        })
    }

    /// A document's bytes.
    pub fn read_document(&mut self, id: EntryId) -> Result<Vec<u8>, XdmError> {
        self.read(id, u64::MAX).map_err(|e| match e {
            Overflow::Cap(_) => XdmError::TooMuchData {
                max: self.limits.max_total_bytes,
            },
            Overflow::Error(e) => e,
        })
    }

    /// Inflates an entry: at most `cap` bytes for it, within what the total budget has left,
    /// its ratio checked as it grows.
    fn read(&mut self, id: EntryId, cap: u64) -> Result<Vec<u8>, Overflow> {
        let Entry { index, path, .. } = &self.entries[id];
        let entry = sanitize(path);
        let mut file = self.zip.by_index(*index).map_err(|e| {
            Overflow::Error(match e {
                zip::result::ZipError::UnsupportedArchive(_) => XdmError::UnsupportedCompression {
                    entry: entry.clone(),
                },
                _ => corrupt(path),
            })
        })?;
        let method = file.compression();
        if method != CompressionMethod::Stored && method != CompressionMethod::Deflated {
            return Err(Overflow::Error(XdmError::UnsupportedCompression { entry }));
        }
        let (compressed, declared) = (file.compressed_size(), file.size());
        let budget = self.limits.max_total_bytes.saturating_sub(self.spent);
        let guard = InflateGuard {
            cap,
            budget,
            max_ratio: self.limits.max_ratio,
            ratio_after: self.limits.ratio_after,
        };
        let max_total = self.limits.max_total_bytes;
        let out = guard
            .inflate(&mut file, declared, compressed)
            .map_err(|stop| match stop {
                InflateStop::Cap(total) => Overflow::Cap(total),
                InflateStop::Read => Overflow::Error(corrupt(path)),
                InflateStop::Budget => Overflow::Error(XdmError::TooMuchData { max: max_total }),
                InflateStop::Ratio => Overflow::Error(XdmError::CompressionRatio {
                    entry,
                    max: guard.max_ratio,
                }),
            })?;
        self.spent += out.len() as u64;
        Ok(out)
    }
}

/// Why [`Archive::read`] stopped.
enum Overflow {
    /// The entry's own cap was passed (at this many bytes).
    Cap(u64),
    Error(XdmError),
}

/// The entry count of the last end-of-central-directory record (ZIP64 when it says so), read
/// before the zip crate parses that many headers: a huge directory is refused unread.
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    declared_entry_count(&mut Cursor::new(bytes))
}

fn corrupt(path: &str) -> XdmError {
    XdmError::Corrupt {
        entry: sanitize(path),
    }
}

/// Refuses names that would leave an extraction folder or mean another thing on Windows.
fn check_path(path: &str) -> Result<(), XdmError> {
    if is_unsafe_path(path) {
        return Err(XdmError::UnsafePath {
            entry: sanitize(path),
        });
    }
    Ok(())
}

/// A `URI` slot that would leave `IHE_XDM/` or is not a relative path.
fn is_unsafe_uri(uri: &str) -> bool {
    uri.contains(['\\', '\0', ':']) || uri.starts_with('/') || uri.split('/').any(|c| c == "..")
}

/// What archivers and editors add, never part of the exchange.
fn is_ignored(path: &str) -> bool {
    let mut components = path.split('/').filter(|c| !c.is_empty());
    let last = path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
    components.any(|c| c.eq_ignore_ascii_case("__MACOSX") || c.starts_with('.'))
        || last.ends_with('~')
        || last.ends_with(".swp")
        || last.eq_ignore_ascii_case("Thumbs.db")
        || last.eq_ignore_ascii_case("desktop.ini")
}

/// `IHE_XDM/` as written, at the root or under one wrapping folder (`export/IHE_XDM/`); the
/// root one wins.
fn xdm_prefix<'p>(paths: impl Iterator<Item = &'p String>) -> Result<String, XdmError> {
    let mut nested = None;
    for path in paths {
        let mut parts = path.split('/');
        let (first, second) = (parts.next().unwrap_or(""), parts.next());
        if first.eq_ignore_ascii_case("IHE_XDM") && second.is_some() {
            return Ok(format!("{first}/"));
        }
        if nested.is_none()
            && second.is_some_and(|s| s.eq_ignore_ascii_case("IHE_XDM"))
            && parts.next().is_some()
        {
            nested = Some(format!("{first}/{}/", second.unwrap_or_default()));
        }
    }
    nested.ok_or(XdmError::NoXdmFolder)
}

/// `path` without `prefix`, compared regardless of ASCII case.
fn strip_prefix_ci<'p>(path: &'p str, prefix: &str) -> Option<&'p str> {
    let head = path.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &path[prefix.len()..])
}

/// `%20`-style escapes decoded, when there are any and they make UTF-8.
fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return None;
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().filter(|d| d != s)
}
