//! Fuzz target: any bytes given to the bulk extract reader must give entries or a refusal,
//! never a panic, a hang or unbounded memory. Bytes starting with `PK` are read as a ZIP (from
//! a file, as the application does); any other bytes as the text, behind the real header. An
//! entry always has a mailbox; the counters agree with what was read; every refusal has a
//! message.

#![no_main]

use std::io::{Cursor, Read};

use chevet_fuzz::annuaire_extract::{ExtractReader, HEADER, ReadLimits};
use libfuzzer_sys::fuzz_target;

fn limits() -> ReadLimits {
    ReadLimits {
        max_uncompressed_bytes: 8 * 1024 * 1024,
        ..ReadLimits::default()
    }
}

fn drain(mut reader: ExtractReader) {
    let mut entries = 0u64;
    while let Some(next) = reader.next_entry() {
        match next {
            Ok(entry) => {
                assert!(entry.mailbox.contains('@'));
                entries += 1;
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                break;
            }
        }
    }
    let stats = reader.stats();
    assert_eq!(stats.entries, entries);
    assert!(reader.line_errors().len() as u64 <= stats.rows_skipped);
}

fuzz_target!(|data: &[u8]| {
    if data.starts_with(b"PK") {
        let path = std::env::temp_dir().join(format!("annuaire-fuzz-{}.zip", std::process::id()));
        if std::fs::write(&path, data).is_err() {
            return;
        }
        match ExtractReader::open(&path, limits()) {
            Ok(reader) => drain(reader),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
        let _ = std::fs::remove_file(&path);
    } else {
        let text = Cursor::new(format!("{HEADER}\n").into_bytes()).chain(Cursor::new(data.to_vec()));
        match ExtractReader::from_text(text, data.len() as u64, limits()) {
            Ok(reader) => drain(reader),
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
});
