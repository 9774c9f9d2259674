//! ZIP hardening shared by the readers of archives from outside (the XDM reader, the
//! portability import): the entry count read before the central directory is parsed, names
//! that would leave an extraction folder, and inflating under a cap, a total budget and a
//! ratio counted while inflating (declared sizes are never trusted).

use std::io::{Read, Seek, SeekFrom};

/// The entry count of the last end-of-central-directory record (ZIP64 when it says so), read
/// before the zip crate parses that many headers: a huge directory is refused unread. Any
/// seekable archive: a file as well as bytes in memory.
pub(crate) fn declared_entry_count<R: Read + Seek>(r: &mut R) -> Option<u64> {
    const EOCD: [u8; 4] = [0x50, 0x4b, 0x05, 0x06];
    const LOCATOR: [u8; 4] = [0x50, 0x4b, 0x06, 0x07];
    let len = r.seek(SeekFrom::End(0)).ok()?;
    let from = len.saturating_sub(22 + 0xFFFF);
    r.seek(SeekFrom::Start(from)).ok()?;
    let mut tail = Vec::new();
    r.by_ref().take(len - from).read_to_end(&mut tail).ok()?;
    let at = tail.windows(4).rposition(|w| w == EOCD)?;
    let le = |b: &[u8]| b.iter().rev().fold(0u64, |n, x| (n << 8) | u64::from(*x));
    let count = le(tail.get(at + 10..at + 12)?);
    if count != 0xFFFF {
        return Some(count);
    }
    let locator = tail.get(at.checked_sub(20)?..at)?;
    if locator[..4] != LOCATOR {
        return Some(count);
    }
    let zip64 = le(&locator[8..16]);
    r.seek(SeekFrom::Start(zip64.checked_add(32)?)).ok()?;
    let mut field = [0u8; 8];
    r.read_exact(&mut field).ok()?;
    Some(le(&field))
}

/// Why [`InflateGuard::inflate`] stopped.
pub(crate) enum InflateStop {
    /// The entry could not be read (damaged data, bad CRC).
    Read,
    /// The archive's total budget is spent.
    Budget,
    /// The entry's own cap was passed (at this many bytes).
    Cap(u64),
    /// The entry inflates beyond the ratio cap.
    Ratio,
}

/// The limits one entry is inflated under, counted while inflating (declared sizes are never
/// trusted); shared with the portability import.
pub(crate) struct InflateGuard {
    /// Most bytes for this entry.
    pub cap: u64,
    /// What the archive's total budget has left.
    pub budget: u64,
    pub max_ratio: u64,
    /// The ratio is checked once the entry has inflated beyond this many bytes.
    pub ratio_after: u64,
}

impl InflateGuard {
    /// Reads `file` whole; `declared` only sizes the first allocation (at most 1 MiB).
    pub fn inflate(
        &self,
        file: &mut impl Read,
        declared: u64,
        compressed: u64,
    ) -> Result<Vec<u8>, InflateStop> {
        let first = declared.min(1024 * 1024).min(self.budget.min(self.cap));
        let mut out = Vec::with_capacity(usize::try_from(first).unwrap_or(0));
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            let n = file.read(&mut chunk).map_err(|_| InflateStop::Read)?;
            if n == 0 {
                break;
            }
            let total = (out.len() + n) as u64;
            if total > self.budget {
                return Err(InflateStop::Budget);
            }
            if total > self.cap {
                return Err(InflateStop::Cap(total));
            }
            if total > self.ratio_after && total > compressed.saturating_mul(self.max_ratio) {
                return Err(InflateStop::Ratio);
            }
            out.extend_from_slice(&chunk[..n]);
        }
        Ok(out)
    }
}

/// True for names that would leave an extraction folder or mean another thing on Windows
/// (shared with the portability import).
pub(crate) fn is_unsafe_path(path: &str) -> bool {
    let bytes = path.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    path.is_empty()
        || path.contains(['\\', '\0'])
        || path.starts_with('/')
        || drive
        || path.split('/').any(|c| c == "..")
}
