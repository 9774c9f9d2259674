//! The bulk extract `Extraction_Correspondance_MSSante` of the Annuaire Santé: reading it as
//! published (a ZIP holding one `.txt`, or the `.txt` itself), line by line without ever
//! holding the file in memory, into [`DirectoryEntry`]s; and writing the same format back
//! (the sandbox's generator and the tests use it).
//!
//! The format (spec K): UTF-8, `|` separated, one header line, 31 columns matched by position.
//! Tolerated: a BOM, CRLF, an empty 32nd field, blank lines, spaces around fields, lines in
//! Windows-1252 (decoded as such and counted). A line with the wrong number of fields, without
//! a mailbox or with an unknown `Type de BAL` is skipped and counted; its number is kept, never
//! its content (public data about professionals, but no content in errors all the same).
//!
//! A ZIP is read defensively: a few entries at most (counted from the end record before the
//! central directory is parsed), the first `.txt`/`.csv` that is not under `__MACOSX/` and
//! whose name stays inside the archive, no encryption, stored or deflated only, the
//! uncompressed bytes capped by [`ReadLimits`] whatever the headers declare, and the CRC and
//! the declared size checked at the end. Deflate is streamed here with `miniz_oxide`, so that
//! the reader owns its file and needs no thread.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Take, Write};
use std::path::Path;

use miniz_oxide::inflate::stream::{InflateState, inflate};
use miniz_oxide::{DataFormat, MZError, MZFlush, MZStatus};
use thiserror::Error;
use zip::result::ZipError;
use zip::{CompressionMethod, ZipArchive};

use crate::domain::directory::DirectoryEntry;

/// The published file's base name (`.zip` as downloaded, `.txt` inside).
pub const FILE_NAME: &str = "Extraction_Correspondance_MSSante";

/// The exact header line of the real file (spec K), without its line ending.
pub const HEADER: &str = "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|\
Identification nationale PP|Type identifiant structure|Identification Structure|\
Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|\
Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|\
Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale structure BAL|\
Enseigne commerciale structure BAL|L2COMPLEMENTLOCALISATION structure BAL|\
L3COMPLEMENTDISTRIBUTION structure BAL|L4NUMEROVOIE structure BAL|\
L4COMPLEMENTNUMEROVOIE structure BAL|NL4TYPEVOIE structure BAL|L4LIBELLEVOIE structure BAL|\
L5LIEUDITMENTION structure BAL|L6LIGNEACHEMINEMENT structure BAL|Code postal structure BAL|\
Département structure BAL|Pays structure BAL";

/// Number of columns of a row.
pub const COLUMNS: usize = 31;

/// Lines skipped whose [`LineError`] is kept (the counters keep counting past it).
const KEPT_LINE_ERRORS: usize = 100;

const ZIP_MAGIC: &[u8; 4] = b"PK\x03\x04";
const BOM: &[u8; 3] = b"\xEF\xBB\xBF";
const READ_BUFFER: usize = 256 * 1024;

/// What reading an extract may spend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Uncompressed bytes read at most (header included), whatever a ZIP declares.
    pub max_uncompressed_bytes: u64,
    /// Entries a ZIP may hold (the real one holds one).
    pub max_entries: usize,
    /// Bytes of one line; a longer line is skipped and counted.
    pub max_line_bytes: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        Self {
            max_uncompressed_bytes: 4 * 1024 * 1024 * 1024,
            max_entries: 8,
            max_line_bytes: 64 * 1024,
        }
    }
}

/// Why an extract cannot be read (or stopped being read). Messages are French, for the user,
/// and never quote the file.
#[derive(Debug, Error)]
pub enum ExtractError {
    #[error(
        "Fichier de l'annuaire introuvable ou inaccessible : vérifiez le chemin et les droits \
         du fichier, puis relancez l'import."
    )]
    Inaccessible {
        #[source]
        source: io::Error,
    },
    #[error(
        "La lecture du fichier de l'annuaire a été interrompue : réessayez plus tard ; si \
         l'erreur persiste, vérifiez le disque ou téléchargez de nouveau l'extraction."
    )]
    Io {
        #[source]
        source: io::Error,
    },
    #[error(
        "ce fichier n'est pas une extraction Correspondance MSSanté : choisissez le fichier \
         Extraction_Correspondance_MSSante (.zip ou .txt) publié par l'Annuaire Santé."
    )]
    NotAnExtract,
    #[error(
        "L'archive ZIP de l'annuaire est endommagée ou incomplète : téléchargez de nouveau \
         l'extraction."
    )]
    DamagedArchive,
    #[error(
        "L'archive ZIP contient {count} fichiers (au plus {max} attendus) : ce n'est pas \
         l'extraction publiée ; téléchargez de nouveau l'extraction."
    )]
    TooManyEntries { count: u64, max: usize },
    #[error(
        "L'archive ZIP ne contient aucun fichier .txt d'extraction : téléchargez de nouveau \
         l'extraction Correspondance MSSanté."
    )]
    NoTextEntry,
    #[error(
        "L'archive ZIP est chiffrée : l'extraction publiée ne l'est pas ; téléchargez-la de \
         nouveau depuis l'Annuaire Santé."
    )]
    Encrypted,
    #[error(
        "L'archive ZIP utilise une compression non prise en charge : décompressez-la et \
         importez le fichier .txt."
    )]
    UnsupportedCompression,
    #[error(
        "L'extraction dépasse la taille autorisée ({limit_mib} Mio décompressés) : import \
         arrêté. S'il s'agit bien du fichier officiel, augmentez la limite dans la \
         configuration."
    )]
    TooLarge { limit_mib: u64 },
}

impl ExtractError {
    /// True when the same import may succeed later without changing the file (an I/O error
    /// of the moment); false for what the file is.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Io { source } => !matches!(
                source.kind(),
                io::ErrorKind::InvalidData
                    | io::ErrorKind::InvalidInput
                    | io::ErrorKind::Unsupported
                    | io::ErrorKind::PermissionDenied
                    | io::ErrorKind::NotFound
            ),
            _ => false,
        }
    }

    fn from_read(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::InvalidData {
            Self::DamagedArchive
        } else {
            Self::Io { source: e }
        }
    }

    fn from_zip(e: ZipError) -> Self {
        match e {
            ZipError::Io(source) => Self::from_read(source),
            ZipError::InvalidPassword => Self::Encrypted,
            ZipError::CompressionMethodNotSupported(_) => Self::UnsupportedCompression,
            ZipError::DecompressedSizeLimitExceeded { limit, .. } => Self::TooLarge {
                limit_mib: limit / (1024 * 1024),
            },
            _ => Self::DamagedArchive,
        }
    }

    fn too_large(limits: &ReadLimits) -> Self {
        Self::TooLarge {
            limit_mib: limits.max_uncompressed_bytes / (1024 * 1024),
        }
    }
}

/// Why one line was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SkipReason {
    /// Not 31 fields (nor 31 and an empty 32nd).
    FieldCount { found: usize },
    /// No `Adresse BAL` (or no `@` in it).
    NoMailbox,
    /// A `Type de BAL` other than PER, ORG, APP, CAB.
    UnknownKind,
    /// Longer than [`ReadLimits::max_line_bytes`].
    TooLong,
}

impl std::fmt::Display for SkipReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::FieldCount { found } => write!(f, "{found} champs au lieu de {COLUMNS}"),
            Self::NoMailbox => f.write_str("pas d'adresse de messagerie"),
            Self::UnknownKind => f.write_str("type de BAL inconnu"),
            Self::TooLong => f.write_str("ligne trop longue"),
        }
    }
}

/// One skipped line: its number (1 = the header) and why; never its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[error("ligne {line} ignorée : {reason}")]
pub struct LineError {
    pub line: u64,
    pub reason: SkipReason,
}

/// What a reading has seen so far.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ExtractStats {
    /// Data rows read (header and blank lines apart).
    pub rows_read: u64,
    /// Entries returned.
    pub entries: u64,
    /// Rows skipped, all reasons together, then by reason.
    pub rows_skipped: u64,
    pub wrong_field_count: u64,
    pub no_mailbox: u64,
    pub unknown_kind: u64,
    pub too_long: u64,
    /// Lines that were not UTF-8 and were decoded as Windows-1252 (still read).
    pub latin1_lines: u64,
}

/// Whether the input was a ZIP or the text itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    Zip,
    Text,
}

/// A streaming reader of the extract: [`open`](Self::open) checks the container and the
/// header, then [`next_entry`](Self::next_entry) (or the iterator) returns the entries one by
/// one, skipping and counting bad lines; the first error ends the reading.
pub struct ExtractReader {
    input: BufReader<Box<dyn Read + Send>>,
    format: InputFormat,
    limits: ReadLimits,
    total_bytes: u64,
    bytes_read: u64,
    line_number: u64,
    line: Vec<u8>,
    stats: ExtractStats,
    line_errors: Vec<LineError>,
    finished: bool,
}

impl std::fmt::Debug for ExtractReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExtractReader")
            .field("format", &self.format)
            .field("bytes_read", &self.bytes_read)
            .field("total_bytes", &self.total_bytes)
            .field("stats", &self.stats)
            .finish_non_exhaustive()
    }
}

/// A text line as read: its bytes are in the reader's buffer.
enum RawLine {
    Fits,
    TooLong,
}

impl ExtractReader {
    /// Opens `path` (ZIP or text, told by its first bytes) and checks the header.
    pub fn open(path: &Path, limits: ReadLimits) -> Result<Self, ExtractError> {
        let mut file = File::open(path).map_err(|source| ExtractError::Inaccessible { source })?;
        let mut magic = [0u8; 4];
        let got = read_up_to(&mut file, &mut magic).map_err(ExtractError::from_read)?;
        file.seek(SeekFrom::Start(0))
            .map_err(ExtractError::from_read)?;
        if got == magic.len() && &magic == ZIP_MAGIC {
            let (reader, size) = open_zip_entry(file, &limits)?;
            Self::start(reader, size, InputFormat::Zip, limits)
        } else {
            let size = file
                .metadata()
                .map_err(|source| ExtractError::Inaccessible { source })?
                .len();
            Self::start(Box::new(file), size, InputFormat::Text, limits)
        }
    }

    /// Reads the text format from any source (`total_bytes` for the progress only).
    pub fn from_text(
        reader: impl Read + Send + 'static,
        total_bytes: u64,
        limits: ReadLimits,
    ) -> Result<Self, ExtractError> {
        Self::start(Box::new(reader), total_bytes, InputFormat::Text, limits)
    }

    fn start(
        reader: Box<dyn Read + Send>,
        total_bytes: u64,
        format: InputFormat,
        limits: ReadLimits,
    ) -> Result<Self, ExtractError> {
        let mut this = Self {
            input: BufReader::with_capacity(READ_BUFFER, reader),
            format,
            limits,
            total_bytes,
            bytes_read: 0,
            line_number: 0,
            line: Vec::with_capacity(1024),
            stats: ExtractStats::default(),
            line_errors: Vec::new(),
            finished: false,
        };
        this.check_header()?;
        Ok(this)
    }

    /// The next entry, `None` at the end or after an error.
    pub fn next_entry(&mut self) -> Option<Result<DirectoryEntry, ExtractError>> {
        if self.finished {
            return None;
        }
        loop {
            let raw = match self.read_line() {
                Ok(Some(raw)) => raw,
                Ok(None) => {
                    self.finished = true;
                    return None;
                }
                Err(e) => {
                    self.finished = true;
                    return Some(Err(e));
                }
            };
            let line = trim_line_end(&self.line);
            if line.is_empty() && matches!(raw, RawLine::Fits) {
                continue;
            }
            self.stats.rows_read += 1;
            let parsed = match raw {
                RawLine::TooLong => Err(SkipReason::TooLong),
                RawLine::Fits => match std::str::from_utf8(line) {
                    Ok(text) => parse_row(text),
                    Err(_) => {
                        self.stats.latin1_lines += 1;
                        parse_row(&decode_windows_1252(line))
                    }
                },
            };
            match parsed {
                Ok(entry) => {
                    self.stats.entries += 1;
                    return Some(Ok(entry));
                }
                Err(reason) => self.skip(reason),
            }
        }
    }

    /// Uncompressed bytes consumed so far (header included).
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The uncompressed size: the ZIP entry's declared size or the file's length.
    pub fn total_bytes(&self) -> u64 {
        self.total_bytes
    }

    pub fn format(&self) -> InputFormat {
        self.format
    }

    pub fn stats(&self) -> ExtractStats {
        self.stats
    }

    /// Data rows read so far.
    pub fn rows_read(&self) -> u64 {
        self.stats.rows_read
    }

    /// Rows skipped so far.
    pub fn rows_skipped(&self) -> u64 {
        self.stats.rows_skipped
    }

    /// The first skipped lines (at most 100), in order.
    pub fn line_errors(&self) -> &[LineError] {
        &self.line_errors
    }

    fn skip(&mut self, reason: SkipReason) {
        self.stats.rows_skipped += 1;
        match reason {
            SkipReason::FieldCount { .. } => self.stats.wrong_field_count += 1,
            SkipReason::NoMailbox => self.stats.no_mailbox += 1,
            SkipReason::UnknownKind => self.stats.unknown_kind += 1,
            SkipReason::TooLong => self.stats.too_long += 1,
        }
        if self.line_errors.len() < KEPT_LINE_ERRORS {
            self.line_errors.push(LineError {
                line: self.line_number,
                reason,
            });
        }
    }

    /// The first non-blank line must be the header: first column `Type de BAL`, second
    /// `Adresse BAL`, 31 columns (or 32, the last empty); the suffix " structure BAL" of the
    /// last ones may be there or not, the other names are not checked.
    fn check_header(&mut self) -> Result<(), ExtractError> {
        loop {
            let Some(raw) = self.read_line()? else {
                return Err(ExtractError::NotAnExtract);
            };
            if matches!(raw, RawLine::TooLong) {
                return Err(ExtractError::NotAnExtract);
            }
            let mut line = trim_line_end(&self.line);
            if self.line_number == 1 {
                line = line.strip_prefix(BOM.as_slice()).unwrap_or(line);
            }
            if line.is_empty() {
                continue;
            }
            let text = match std::str::from_utf8(line) {
                Ok(t) => std::borrow::Cow::Borrowed(t),
                Err(_) => std::borrow::Cow::Owned(decode_windows_1252(line)),
            };
            let fields: Vec<&str> = text.split('|').map(str::trim).collect();
            let count_ok = fields.len() == COLUMNS
                || (fields.len() == COLUMNS + 1 && fields[COLUMNS].is_empty());
            let names_ok = fields[0].eq_ignore_ascii_case("Type de BAL")
                && fields
                    .get(1)
                    .is_some_and(|f| f.to_ascii_lowercase().starts_with("adresse bal"));
            return if count_ok && names_ok {
                Ok(())
            } else {
                Err(ExtractError::NotAnExtract)
            };
        }
    }

    /// Reads one line (without its `\n`) into `self.line`, at most `max_line_bytes` of it.
    fn read_line(&mut self) -> Result<Option<RawLine>, ExtractError> {
        self.line.clear();
        let mut too_long = false;
        let mut any = false;
        loop {
            let buf = match self.input.fill_buf() {
                Ok(buf) => buf,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(ExtractError::from_read(e)),
            };
            if buf.is_empty() {
                break;
            }
            any = true;
            let (chunk, used, found) = match buf.iter().position(|b| *b == b'\n') {
                Some(i) => (&buf[..i], i + 1, true),
                None => (buf, buf.len(), false),
            };
            if !too_long {
                if self.line.len() + chunk.len() > self.limits.max_line_bytes {
                    too_long = true;
                    self.line.clear();
                } else {
                    self.line.extend_from_slice(chunk);
                }
            }
            self.input.consume(used);
            self.bytes_read += used as u64;
            if self.bytes_read > self.limits.max_uncompressed_bytes {
                return Err(ExtractError::too_large(&self.limits));
            }
            if found {
                break;
            }
        }
        if !any {
            return Ok(None);
        }
        self.line_number += 1;
        Ok(Some(if too_long {
            RawLine::TooLong
        } else {
            RawLine::Fits
        }))
    }
}

impl Iterator for ExtractReader {
    type Item = Result<DirectoryEntry, ExtractError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_entry()
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match r.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The line without its `\r` and trailing spaces.
fn trim_line_end(line: &[u8]) -> &[u8] {
    let end = line
        .iter()
        .rposition(|b| !matches!(b, b'\r' | b' ' | b'\t'))
        .map_or(0, |i| i + 1);
    &line[..end]
}

/// One data row into an entry, by position.
fn parse_row(text: &str) -> Result<DirectoryEntry, SkipReason> {
    let mut fields = [""; COLUMNS];
    let mut found = 0usize;
    let mut extra_non_empty = false;
    for (i, field) in text.split('|').enumerate() {
        if let Some(slot) = fields.get_mut(i) {
            *slot = field.trim();
        } else if i > COLUMNS || !field.trim().is_empty() {
            extra_non_empty = true;
        }
        found = i + 1;
    }
    if found < COLUMNS || extra_non_empty {
        return Err(SkipReason::FieldCount { found });
    }
    if fields[1].is_empty() || !fields[1].contains('@') {
        return Err(SkipReason::NoMailbox);
    }
    DirectoryEntry::from_fields(fields.map(str::to_owned)).ok_or(SkipReason::UnknownKind)
}

/// Windows-1252 (a superset of Latin-1's printable range) to UTF-8; the five undefined bytes
/// become U+FFFD.
fn decode_windows_1252(bytes: &[u8]) -> String {
    const HIGH: [char; 32] = [
        '€', '\u{FFFD}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{FFFD}', 'Ž',
        '\u{FFFD}', '\u{FFFD}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ',
        '\u{FFFD}', 'ž', 'Ÿ',
    ];
    bytes
        .iter()
        .map(|&b| match b {
            0x80..=0x9F => HIGH[usize::from(b - 0x80)],
            _ => char::from(b),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Writing

/// Writes the header line.
pub fn write_header(w: &mut impl Write) -> io::Result<()> {
    w.write_all(HEADER.as_bytes())?;
    w.write_all(b"\n")
}

/// Writes one entry as a row of the real format (`|` and line breaks inside a field become
/// spaces). `unlisted` and `source` have no column.
pub fn write_entry(w: &mut impl Write, e: &DirectoryEntry) -> io::Result<()> {
    let fields = e.fields();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            w.write_all(b"|")?;
        }
        write_field(w, field)?;
    }
    w.write_all(b"\n")
}

fn write_field(w: &mut impl Write, field: &str) -> io::Result<()> {
    let bad = |b: &u8| matches!(b, b'|' | b'\n' | b'\r');
    if !field.as_bytes().iter().any(bad) {
        return w.write_all(field.as_bytes());
    }
    let clean: Vec<u8> = field
        .bytes()
        .map(|b| if bad(&b) { b' ' } else { b })
        .collect();
    w.write_all(&clean)
}

// ---------------------------------------------------------------------------------------------
// ZIP

/// Picks the extract's entry and returns a reader of its uncompressed bytes and its declared
/// size.
fn open_zip_entry(
    mut file: File,
    limits: &ReadLimits,
) -> Result<(Box<dyn Read + Send>, u64), ExtractError> {
    if let Some(count) = end_record_entry_count(&mut file).map_err(ExtractError::from_read)?
        && count > limits.max_entries as u64
    {
        return Err(ExtractError::TooManyEntries {
            count,
            max: limits.max_entries,
        });
    }
    let mut archive = ZipArchive::new(BufReader::new(file)).map_err(ExtractError::from_zip)?;
    if archive.len() > limits.max_entries {
        return Err(ExtractError::TooManyEntries {
            count: archive.len() as u64,
            max: limits.max_entries,
        });
    }
    let mut chosen = None;
    for index in 0..archive.len() {
        let Ok(entry) = archive.by_index_data(index) else {
            continue;
        };
        let Ok(name) = entry.name() else {
            continue;
        };
        let name = name.replace('\\', "/");
        let base = name.rsplit('/').next().unwrap_or_default();
        let traversal =
            name.starts_with('/') || name.contains(':') || name.split('/').any(|part| part == "..");
        let ignored = traversal
            || name.starts_with("__MACOSX/")
            || name.contains("/__MACOSX/")
            || base.starts_with("._")
            || entry.is_dir()
            || entry.is_symlink()
            || entry.enclosed_name().is_none();
        let lower = base.to_ascii_lowercase();
        if ignored || !(lower.ends_with(".txt") || lower.ends_with(".csv")) {
            continue;
        }
        if entry.encrypted() {
            return Err(ExtractError::Encrypted);
        }
        let deflated = match entry.compression() {
            CompressionMethod::Stored => false,
            CompressionMethod::Deflated => true,
            _ => return Err(ExtractError::UnsupportedCompression),
        };
        if entry.size() > limits.max_uncompressed_bytes {
            return Err(ExtractError::too_large(limits));
        }
        chosen = Some((index, deflated, entry.size(), entry.crc32()));
        break;
    }
    let (index, deflated, size, crc) = chosen.ok_or(ExtractError::NoTextEntry)?;
    let (data_start, compressed) = {
        let raw = archive
            .by_index_raw(index)
            .map_err(ExtractError::from_zip)?;
        (
            raw.data_start().ok_or(ExtractError::DamagedArchive)?,
            raw.compressed_size(),
        )
    };
    let mut inner = archive.into_inner();
    inner
        .seek(SeekFrom::Start(data_start))
        .map_err(ExtractError::from_read)?;
    let reader = EntryReader {
        src: inner.take(compressed),
        inflater: deflated.then(|| InflateState::new_boxed(DataFormat::Raw)),
        input: vec![0; 64 * 1024].into_boxed_slice(),
        in_pos: 0,
        in_len: 0,
        src_eof: false,
        ended: false,
        done: false,
        crc: Crc32::new(),
        expected_crc: crc,
        written: 0,
        declared_size: size,
    };
    Ok((Box::new(reader), size))
}

/// The entry count of the end-of-central-directory record, read before the central directory
/// itself (so that a million-entry archive is refused before it is parsed). `None` when the
/// record is not found or says ZIP64 (the parser's own count is checked then).
fn end_record_entry_count(file: &mut File) -> io::Result<Option<u64>> {
    const EOCD: &[u8; 4] = b"PK\x05\x06";
    let len = file.metadata()?.len();
    let tail = len.min(22 + 65_535);
    file.seek(SeekFrom::Start(len - tail))?;
    let mut buf = vec![0u8; usize::try_from(tail).unwrap_or(0)];
    let got = read_up_to(file, &mut buf)?;
    buf.truncate(got);
    file.seek(SeekFrom::Start(0))?;
    let Some(at) = buf.windows(4).rposition(|w| w == EOCD) else {
        return Ok(None);
    };
    let Some(bytes) = buf.get(at + 10..at + 12) else {
        return Ok(None);
    };
    let count = u16::from_le_bytes([bytes[0], bytes[1]]);
    Ok((count != u16::MAX).then_some(u64::from(count)))
}

/// The bytes of one stored or deflated entry, checked against its CRC and declared size.
struct EntryReader {
    src: Take<BufReader<File>>,
    inflater: Option<Box<InflateState>>,
    input: Box<[u8]>,
    in_pos: usize,
    in_len: usize,
    src_eof: bool,
    ended: bool,
    done: bool,
    crc: Crc32,
    expected_crc: u32,
    written: u64,
    declared_size: u64,
}

fn damaged() -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, "damaged ZIP entry")
}

impl EntryReader {
    fn finish(&mut self) -> io::Result<usize> {
        self.done = true;
        if self.crc.value() != self.expected_crc || self.written != self.declared_size {
            return Err(damaged());
        }
        Ok(0)
    }

    fn refill(&mut self) -> io::Result<()> {
        if self.in_pos == self.in_len && !self.src_eof {
            self.in_pos = 0;
            self.in_len = loop {
                match self.src.read(&mut self.input) {
                    Ok(n) => break n,
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    Err(e) => return Err(e),
                }
            };
            self.src_eof = self.in_len == 0;
        }
        Ok(())
    }

    fn account(&mut self, out: &[u8]) {
        self.crc.update(out);
        self.written += out.len() as u64;
    }
}

impl Read for EntryReader {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.done || out.is_empty() {
            return Ok(0);
        }
        if self.ended {
            return self.finish();
        }
        if self.inflater.is_none() {
            let n = self.src.read(out)?;
            if n == 0 {
                return self.finish();
            }
            self.account(&out[..n]);
            return Ok(n);
        }
        loop {
            self.refill()?;
            let input = &self.input[self.in_pos..self.in_len];
            if input.is_empty() && !self.src_eof {
                continue;
            }
            let Some(state) = self.inflater.as_mut() else {
                return Err(damaged());
            };
            let r = inflate(state, input, out, MZFlush::None);
            self.in_pos += r.bytes_consumed;
            let n = r.bytes_written;
            self.account(&out[..n]);
            match r.status {
                Ok(MZStatus::StreamEnd) => {
                    self.ended = true;
                    return if n > 0 { Ok(n) } else { self.finish() };
                }
                Ok(_) | Err(MZError::Buf) => {
                    if n > 0 {
                        return Ok(n);
                    }
                    if self.src_eof && self.in_pos == self.in_len {
                        // The compressed data ended before the deflate stream did.
                        return Err(damaged());
                    }
                    if r.bytes_consumed == 0 && self.in_pos < self.in_len {
                        return Err(damaged());
                    }
                }
                Err(_) => return Err(damaged()),
            }
        }
    }
}

/// CRC-32 (IEEE 802.3, reflected), as ZIP uses it.
struct Crc32(u32);

const CRC_TABLE: [u32; 256] = {
    let mut table = [0u32; 256];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 == 1 {
                0xEDB8_8320 ^ (c >> 1)
            } else {
                c >> 1
            };
            k += 1;
        }
        table[i] = c;
        i += 1;
    }
    table
};

impl Crc32 {
    fn new() -> Self {
        Self(0xFFFF_FFFF)
    }

    fn update(&mut self, bytes: &[u8]) {
        let mut c = self.0;
        for &b in bytes {
            c = CRC_TABLE[usize::from((c as u8) ^ b)] ^ (c >> 8);
        }
        self.0 = c;
    }

    fn value(&self) -> u32 {
        !self.0
    }
}

#[cfg(test)]
#[path = "extract_tests.rs"]
mod tests;
