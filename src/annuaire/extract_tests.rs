//! Tests of the bulk extract's reader and writer: header variants, BOM, CRLF, the 32nd field,
//! Windows-1252 lines, bad rows, the round trip, and hostile ZIPs (bomb, `__MACOSX`,
//! traversal names, encryption, too many entries, damage). ZIPs are written byte by byte here
//! so that the tests can build what no archiver would.

use std::io::{Cursor, Write as _};
use std::path::PathBuf;

use super::*;
use crate::domain::directory::{DirectorySource, MailboxKind};

const SHORT_HEADER: &str = "Type de BAL|Adresse BAL|Type Identifiant PP|Identifiant PP|\
Identification nationale PP|Type identifiant structure|Identification Structure|\
Service de rattachement|Civilité d'exercice|Nom d'exercice|Prénom d'exercice|\
Catégorie profession|Libellé de catégorie profession|Code Profession|Libellé Profession|\
Code savoir-faire|Libellé savoir-faire|Dématérialisation|Raison Sociale|Enseigne commerciale|\
L2COMPLEMENTLOCALISATION|L3COMPLEMENTDISTRIBUTION|L4NUMEROVOIE|L4COMPLEMENTNUMEROVOIE|\
NL4TYPEVOIE|L4LIBELLEVOIE|L5LIEUDITMENTION|L6LIGNEACHEMINEMENT|Code postal|Département|Pays";

const PER_ROW: &str = "PER|marie.durand@medecin.mssante.fr|8|10003456789|810003456789|||\
|DR|DURAND|Marie|C|Civil|10|Médecin|SM54|Médecine générale|O|Cabinet du Dr Durand||||12||R|\
DE LA PAIX||44000 NANTES|44000|44|FRANCE";

const ORG_ROW: &str = "ORG|secretariat.cardiologie@chu-nantes.mssante.fr||||1|440000289|\
Cardiologie|||||||||||CHU de Nantes||Hôtel-Dieu||1||PL|ALEXIS RICORDEAU||44093 NANTES CEDEX 1|\
44093|44|";

fn read_all(text: &[u8]) -> (Vec<DirectoryEntry>, ExtractReader) {
    let mut r = ExtractReader::from_text(
        Cursor::new(text.to_vec()),
        text.len() as u64,
        ReadLimits::default(),
    )
    .expect("header accepted");
    let entries: Vec<DirectoryEntry> = r.by_ref().map(|e| e.expect("entry")).collect();
    (entries, r)
}

fn open_text(text: &[u8]) -> Result<ExtractReader, ExtractError> {
    ExtractReader::from_text(
        Cursor::new(text.to_vec()),
        text.len() as u64,
        ReadLimits::default(),
    )
}

fn temp_file(dir: &tempfile::TempDir, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.path().join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

#[test]
fn header_constant_has_31_columns_and_the_exact_names() {
    let cols: Vec<&str> = HEADER.split('|').collect();
    assert_eq!(cols.len(), COLUMNS);
    assert_eq!(cols[0], "Type de BAL");
    assert_eq!(cols[8], "Civilité d'exercice");
    assert_eq!(cols[24], "NL4TYPEVOIE structure BAL");
    assert_eq!(cols[30], "Pays structure BAL");
}

#[test]
fn header_variants_are_accepted() {
    for header in [
        HEADER.to_owned(),
        SHORT_HEADER.to_owned(),
        format!("{HEADER}|"),
        format!("  {HEADER}  "),
        HEADER.to_uppercase(),
    ] {
        let text = format!("{header}\n{PER_ROW}\n");
        let (entries, _) = read_all(text.as_bytes());
        assert_eq!(entries.len(), 1, "{header}");
    }
}

#[test]
fn a_file_that_is_not_the_extract_is_refused_clearly() {
    let wrong = [
        String::new(),
        "\n\n".to_owned(),
        "nom;prenom;rpps\nDURAND;Marie;10003456789\n".to_owned(),
        format!("{PER_ROW}\n{PER_ROW}\n"),
        // Thirty columns only.
        HEADER
            .rsplit_once('|')
            .map(|(a, _)| a.to_owned())
            .unwrap_or_default(),
        "PK\u{1}\u{2}garbage".to_owned(),
    ];
    for text in wrong {
        let err = open_text(text.as_bytes()).expect_err("refused");
        assert!(matches!(err, ExtractError::NotAnExtract), "{err:?}");
        assert!(!err.is_retryable());
        assert!(
            err.to_string()
                .contains("ce fichier n'est pas une extraction Correspondance MSSanté")
        );
    }
}

#[test]
fn bom_crlf_blank_lines_trailing_spaces_and_empty_32nd_field() {
    let text = format!("\u{FEFF}{HEADER}\r\n\r\n{PER_ROW}|\r\n   \r\n{ORG_ROW}   \r\n\n");
    let (entries, r) = read_all(text.as_bytes());
    assert_eq!(entries.len(), 2);
    assert_eq!(r.rows_read(), 2);
    assert_eq!(r.rows_skipped(), 0);
    assert_eq!(r.bytes_read(), text.len() as u64);
    assert_eq!(r.total_bytes(), text.len() as u64);

    let per = &entries[0];
    assert_eq!(per.kind, MailboxKind::Personal);
    assert_eq!(per.mailbox, "marie.durand@medecin.mssante.fr");
    assert_eq!(per.rpps(), Some("10003456789"));
    assert_eq!(per.national_id, "810003456789");
    assert_eq!(per.civility, "DR");
    assert_eq!(per.family_name, "DURAND");
    assert_eq!(per.given_name, "Marie");
    assert_eq!(per.category_code, "C");
    assert_eq!(per.profession_code, "10");
    assert_eq!(per.profession_label, "Médecin");
    assert_eq!(per.specialty_code, "SM54");
    assert_eq!(per.dematerialisation, "O");
    assert_eq!(per.organisation, "Cabinet du Dr Durand");
    assert_eq!(per.address.street_line(), "12 R DE LA PAIX");
    assert_eq!(per.address.city(), "NANTES");
    assert_eq!(per.address.postal_code, "44000");
    assert_eq!(per.address.department, "44");
    assert_eq!(per.address.country, "FRANCE");
    assert_eq!(per.source, DirectorySource::Extract);
    assert!(!per.unlisted);

    let org = &entries[1];
    assert_eq!(org.kind, MailboxKind::Organisation);
    assert_eq!(org.person_id, "");
    assert_eq!(org.structure_id_type, "1");
    assert_eq!(org.structure_id, "440000289");
    assert_eq!(org.service, "Cardiologie");
    assert_eq!(org.organisation, "CHU de Nantes");
    assert_eq!(org.address.distribution, "");
    assert_eq!(org.address.complement, "Hôtel-Dieu");
    assert_eq!(org.address.routing_line, "44093 NANTES CEDEX 1");
    assert_eq!(org.address.country, "");
    assert_eq!(org.display_name(), "CHU de Nantes");
}

#[test]
fn a_windows_1252_line_is_decoded_and_counted() {
    let mut text = format!("{HEADER}\n").into_bytes();
    // "LEFÈVRE" and "Hélène" in Windows-1252, and a typographic apostrophe (0x92).
    let row = PER_ROW
        .replace("DURAND", "LEFÈVRE")
        .replace("Marie", "Hélène")
        .replace("Cabinet du Dr Durand", "Cabinet d’Hélène");
    for c in row.chars() {
        let b = match c {
            'È' => 0xC8,
            'é' => 0xE9,
            'è' => 0xE8,
            '’' => 0x92,
            _ => u8::try_from(u32::from(c)).expect("latin-1"),
        };
        text.push(b);
    }
    text.push(b'\n');
    text.extend_from_slice(format!("{PER_ROW}\n").as_bytes());
    let (entries, r) = read_all(&text);
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].family_name, "LEFÈVRE");
    assert_eq!(entries[0].given_name, "Hélène");
    assert_eq!(entries[0].profession_label, "Médecin");
    assert_eq!(entries[0].organisation, "Cabinet d’Hélène");
    assert_eq!(entries[1].family_name, "DURAND");
    assert_eq!(r.stats().latin1_lines, 1);
    assert_eq!(r.rows_skipped(), 0);
}

#[test]
fn bad_rows_are_skipped_and_counted_by_line_number_without_content() {
    let short = PER_ROW.rsplit_once('|').map(|(a, _)| a).unwrap_or_default();
    let long = format!("{PER_ROW}|extra");
    let no_mailbox = PER_ROW.replace("marie.durand@medecin.mssante.fr", "");
    let not_mail = PER_ROW.replace("marie.durand@medecin.mssante.fr", "DURAND");
    let unknown = PER_ROW.replacen("PER", "XYZ", 1);
    let text = format!(
        "{HEADER}\n{short}\n{PER_ROW}\n{long}\n{no_mailbox}\n{not_mail}\n{unknown}\n{ORG_ROW}\n"
    );
    let (entries, r) = read_all(text.as_bytes());
    assert_eq!(entries.len(), 2);
    let stats = r.stats();
    assert_eq!(stats.rows_read, 7);
    assert_eq!(stats.entries, 2);
    assert_eq!(stats.rows_skipped, 5);
    assert_eq!(stats.wrong_field_count, 2);
    assert_eq!(stats.no_mailbox, 2);
    assert_eq!(stats.unknown_kind, 1);
    let errors = r.line_errors();
    assert_eq!(
        errors[0],
        LineError {
            line: 2,
            reason: SkipReason::FieldCount { found: 30 }
        }
    );
    assert_eq!(
        errors[1],
        LineError {
            line: 4,
            reason: SkipReason::FieldCount { found: 32 }
        }
    );
    assert_eq!(errors[2].reason, SkipReason::NoMailbox);
    assert_eq!(errors[4].line, 7);
    for e in errors {
        let shown = e.to_string();
        assert!(shown.starts_with("ligne "), "{shown}");
        assert!(!shown.contains("DURAND") && !shown.contains('@'), "{shown}");
    }
}

#[test]
fn a_line_longer_than_the_limit_is_skipped_and_reading_goes_on() {
    let huge = format!("PER|{}@x.fr{}", "a".repeat(5000), "|".repeat(29));
    let text = format!("{HEADER}\n{huge}\n{PER_ROW}\n");
    let limits = ReadLimits {
        max_line_bytes: 2048,
        ..ReadLimits::default()
    };
    let mut r = ExtractReader::from_text(Cursor::new(text.into_bytes()), 0, limits).expect("ok");
    let entries: Vec<_> = r.by_ref().map(|e| e.expect("entry")).collect();
    assert_eq!(entries.len(), 1);
    assert_eq!(r.stats().too_long, 1);
    assert_eq!(r.line_errors()[0].line, 2);
}

#[test]
fn the_uncompressed_cap_stops_a_plain_file_too() {
    let mut text = format!("{HEADER}\n");
    for _ in 0..100 {
        text.push_str(PER_ROW);
        text.push('\n');
    }
    let limits = ReadLimits {
        max_uncompressed_bytes: 4096,
        ..ReadLimits::default()
    };
    let r = ExtractReader::from_text(Cursor::new(text.into_bytes()), 0, limits).expect("ok");
    let results: Vec<_> = r.collect();
    let last = results.last().expect("something");
    assert!(
        matches!(last, Err(ExtractError::TooLarge { .. })),
        "{last:?}"
    );
    assert!(results[..results.len() - 1].iter().all(Result::is_ok));
}

fn sample_entries() -> Vec<DirectoryEntry> {
    let (mut entries, _) = read_all(format!("{HEADER}\n{PER_ROW}\n{ORG_ROW}\n").as_bytes());
    let mut odd = entries[0].clone();
    odd.mailbox = "jl.martin@chu-nantes.mssante.fr".into();
    odd.organisation = "Clinique A|B".into();
    odd.address.complement = "Bât. C\r\n2e étage".into();
    odd.kind = MailboxKind::Practice;
    entries.push(odd);
    entries
}

#[test]
fn written_rows_read_back_identically() {
    let entries = sample_entries();
    let mut out = Vec::new();
    write_header(&mut out).expect("header");
    for e in &entries {
        write_entry(&mut out, e).expect("row");
    }
    let text = String::from_utf8(out.clone()).expect("utf-8");
    assert!(text.starts_with(&format!("{HEADER}\n")));
    assert_eq!(text.lines().nth(1), Some(PER_ROW));
    assert!(
        text.lines()
            .all(|l| l.split('|').count() == COLUMNS && !l.contains('\r'))
    );
    let (back, r) = read_all(&out);
    assert_eq!(r.rows_skipped(), 0);
    assert_eq!(back[..2], entries[..2]);
    assert_eq!(back[2].organisation, "Clinique A B");
    assert_eq!(back[2].address.complement, "Bât. C  2e étage");
    assert_eq!(back[2].kind, MailboxKind::Practice);
}

#[test]
fn a_plain_file_is_read_from_disk_with_progress() {
    let dir = tempfile::tempdir().expect("tempdir");
    let text = format!("{HEADER}\n{PER_ROW}\n{ORG_ROW}\n");
    let path = temp_file(
        &dir,
        "Extraction_Correspondance_MSSante.txt",
        text.as_bytes(),
    );
    let mut r = ExtractReader::open(&path, ReadLimits::default()).expect("open");
    assert_eq!(r.format(), InputFormat::Text);
    assert_eq!(r.total_bytes(), text.len() as u64);
    assert_eq!(r.by_ref().filter(Result::is_ok).count(), 2);
    assert_eq!(r.bytes_read(), r.total_bytes());
    assert!(r.next_entry().is_none());
}

#[test]
fn a_missing_file_is_inaccessible_and_not_retryable() {
    let err = ExtractReader::open(Path::new("/nonexistent/extract.zip"), ReadLimits::default())
        .expect_err("missing");
    assert!(matches!(err, ExtractError::Inaccessible { .. }));
    assert!(!err.is_retryable());
    let io = ExtractError::Io {
        source: io::Error::from(io::ErrorKind::TimedOut),
    };
    assert!(io.is_retryable());
    assert!(!ExtractError::DamagedArchive.is_retryable());
    assert!(!ExtractError::TooLarge { limit_mib: 1 }.is_retryable());
}

// ---------------------------------------------------------------------------------------------
// ZIP

/// One entry of a hand-written ZIP.
struct Z {
    name: String,
    data: Vec<u8>,
    deflate: bool,
    flags: u16,
    declared_size: Option<u32>,
    crc: Option<u32>,
}

impl Z {
    fn new(name: &str, data: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.to_owned(),
            data: data.into(),
            deflate: true,
            flags: 0,
            declared_size: None,
            crc: None,
        }
    }
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn crc(data: &[u8]) -> u32 {
    let mut c = Crc32::new();
    c.update(data);
    c.value()
}

fn build_zip(entries: &[Z]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let body = if e.deflate {
            miniz_oxide::deflate::compress_to_vec(&e.data, 6)
        } else {
            e.data.clone()
        };
        let common = |v: &mut Vec<u8>| {
            put16(v, 20);
            put16(v, e.flags);
            put16(v, if e.deflate { 8 } else { 0 });
            put16(v, 0);
            put16(v, 0x21);
            put32(v, e.crc.unwrap_or_else(|| crc(&e.data)));
            put32(v, body.len() as u32);
            put32(v, e.declared_size.unwrap_or(e.data.len() as u32));
            put16(v, e.name.len() as u16);
            put16(v, 0);
        };
        put32(&mut out, 0x0403_4b50);
        common(&mut out);
        out.extend_from_slice(e.name.as_bytes());
        out.extend_from_slice(&body);
        put32(&mut central, 0x0201_4b50);
        put16(&mut central, 20);
        common(&mut central);
        put16(&mut central, 0);
        put16(&mut central, 0);
        put16(&mut central, 0);
        put32(&mut central, 0);
        put32(&mut central, offset);
        central.extend_from_slice(e.name.as_bytes());
    }
    let cd_offset = out.len() as u32;
    out.extend_from_slice(&central);
    put32(&mut out, 0x0605_4b50);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, entries.len() as u16);
    put16(&mut out, entries.len() as u16);
    put32(&mut out, central.len() as u32);
    put32(&mut out, cd_offset);
    put16(&mut out, 0);
    out
}

fn extract_text(rows: usize) -> String {
    let mut text = format!("{HEADER}\n");
    for _ in 0..rows {
        text.push_str(PER_ROW);
        text.push('\n');
    }
    text
}

fn open_zip(bytes: &[u8], limits: ReadLimits) -> Result<ExtractReader, ExtractError> {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = temp_file(&dir, "Extraction_Correspondance_MSSante.zip", bytes);
    ExtractReader::open(&path, limits)
}

fn drain(r: ExtractReader) -> Result<usize, ExtractError> {
    let mut n = 0;
    for e in r {
        e?;
        n += 1;
    }
    Ok(n)
}

#[test]
fn deflated_and_stored_zips_are_read() {
    let text = extract_text(2000);
    for deflate in [true, false] {
        let mut z = Z::new("Extraction_Correspondance_MSSante.txt", text.clone());
        z.deflate = deflate;
        let mut r = open_zip(&build_zip(&[z]), ReadLimits::default()).expect("open");
        assert_eq!(r.format(), InputFormat::Zip);
        assert_eq!(r.total_bytes(), text.len() as u64);
        let first = r.next_entry().expect("one").expect("entry");
        assert_eq!(first.mailbox, "marie.durand@medecin.mssante.fr");
        assert_eq!(drain(r).expect("all"), 1999);
    }
}

#[test]
fn a_zip_written_by_the_zip_crate_is_read() {
    let text = extract_text(50);
    let mut cursor = Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut cursor);
        let options = zip::write::SimpleFileOptions::default()
            .compression_method(CompressionMethod::Deflated);
        w.start_file("Extraction_Correspondance_MSSante.txt", options)
            .expect("start");
        w.write_all(text.as_bytes()).expect("write");
        w.finish().expect("finish");
    }
    let r = open_zip(cursor.get_ref(), ReadLimits::default()).expect("open");
    assert_eq!(drain(r).expect("all"), 50);
}

#[test]
fn a_zip_bomb_stops_at_the_cap_whatever_it_declares() {
    // Highly compressible: ~1.2 MB of rows in a few kilobytes.
    let text = extract_text(6000);
    let limits = ReadLimits {
        max_uncompressed_bytes: 64 * 1024,
        ..ReadLimits::default()
    };
    // Honest declared size: refused at once.
    let honest = build_zip(&[Z::new("bomb.txt", text.clone())]);
    assert!(honest.len() < 20_000, "{}", honest.len());
    let err = open_zip(&honest, limits).expect_err("too large");
    assert!(
        matches!(err, ExtractError::TooLarge { limit_mib: 0 }),
        "{err:?}"
    );
    // Lying declared size: stopped while reading.
    let mut lying = Z::new("bomb.txt", text);
    lying.declared_size = Some(1000);
    let r = open_zip(&build_zip(&[lying]), limits).expect("header fits");
    let err = drain(r).expect_err("stopped");
    assert!(matches!(err, ExtractError::TooLarge { .. }), "{err:?}");
    assert!(err.to_string().contains("taille autorisée"));
}

#[test]
fn macosx_and_traversal_entries_are_ignored() {
    let text = extract_text(3);
    let zip = build_zip(&[
        Z::new("__MACOSX/._Extraction_Correspondance_MSSante.txt", "junk"),
        Z::new("../../etc/Extraction.txt", "PER|evil"),
        Z::new("/abs/Extraction.txt", "PER|evil"),
        Z::new("lisezmoi.pdf", "pdf"),
        Z::new("dossier/._Extraction.txt", "junk"),
        Z::new("dossier/Extraction_Correspondance_MSSante.txt", text),
    ]);
    let r = open_zip(&zip, ReadLimits::default()).expect("open");
    assert_eq!(drain(r).expect("all"), 3);

    let only_bad = build_zip(&[
        Z::new("__MACOSX/x.txt", "junk"),
        Z::new("../evil.txt", extract_text(1)),
    ]);
    let err = open_zip(&only_bad, ReadLimits::default()).expect_err("nothing");
    assert!(matches!(err, ExtractError::NoTextEntry), "{err:?}");
}

#[test]
fn too_many_entries_are_refused_before_parsing() {
    let entries: Vec<Z> = (0..20).map(|i| Z::new(&format!("f{i}.txt"), "x")).collect();
    let err = open_zip(&build_zip(&entries), ReadLimits::default()).expect_err("refused");
    assert!(
        matches!(err, ExtractError::TooManyEntries { count: 20, max: 8 }),
        "{err:?}"
    );
}

#[test]
fn an_encrypted_entry_is_refused() {
    let mut z = Z::new("Extraction.txt", extract_text(2));
    z.flags = 1;
    z.deflate = false;
    let err = open_zip(&build_zip(&[z]), ReadLimits::default()).expect_err("refused");
    assert!(matches!(err, ExtractError::Encrypted), "{err:?}");
}

#[test]
fn damaged_archives_are_reported_as_such() {
    let text = extract_text(500);
    // Wrong CRC: found at the end.
    let mut bad_crc = Z::new("Extraction.txt", text.clone());
    bad_crc.crc = Some(0x1234_5678);
    let r = open_zip(&build_zip(&[bad_crc]), ReadLimits::default()).expect("open");
    let err = drain(r).expect_err("crc");
    assert!(matches!(err, ExtractError::DamagedArchive), "{err:?}");
    assert!(!err.is_retryable());

    // Corrupted deflate data in the middle.
    let mut zip = build_zip(&[Z::new("Extraction.txt", text)]);
    let mid = 30 + "Extraction.txt".len() + 200;
    for b in &mut zip[mid..mid + 64] {
        *b = 0xFF;
    }
    let result = open_zip(&zip, ReadLimits::default()).and_then(drain);
    // Garbage may come out before the error is seen: either way, a clean error.
    assert!(
        matches!(
            result,
            Err(ExtractError::DamagedArchive | ExtractError::NotAnExtract)
        ),
        "{result:?}"
    );

    // Truncated: the central directory is gone.
    let whole = build_zip(&[Z::new("Extraction.txt", extract_text(10))]);
    let err = open_zip(&whole[..whole.len() / 2], ReadLimits::default()).expect_err("cut");
    assert!(
        matches!(
            err,
            ExtractError::DamagedArchive | ExtractError::NotAnExtract
        ),
        "{err:?}"
    );
}

#[test]
fn an_unsupported_compression_is_refused() {
    let mut zip = build_zip(&[Z::new("Extraction.txt", extract_text(2))]);
    // Method 12 (bzip2) in the local and the central header.
    zip[8] = 12;
    let cd = zip
        .windows(4)
        .position(|w| w == b"PK\x01\x02")
        .expect("central");
    zip[cd + 10] = 12;
    let err = open_zip(&zip, ReadLimits::default()).expect_err("refused");
    assert!(
        matches!(
            err,
            ExtractError::UnsupportedCompression | ExtractError::DamagedArchive
        ),
        "{err:?}"
    );
}
