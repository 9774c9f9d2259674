//! Fuzz target: any bytes given to the IHE XDM reader must give an archive or a refusal, never
//! a panic, a hang or unbounded memory. Bytes starting with `PK` are read as the archive
//! itself; any other bytes as the `METADATA.XML` of a small archive built here (so that the
//! metadata reader is reached without the fuzzer having to write deflate). A read document's
//! flags must agree with its bytes; every refusal must have a message.

#![no_main]

use chevet_fuzz::xdm::{XdmLimits, read_archive};
use libfuzzer_sys::fuzz_target;

#[allow(dead_code)]
#[path = "../../src/xdm/test_zip.rs"]
mod test_zip;

use test_zip::{TestEntry, build};

const LIMITS: XdmLimits = XdmLimits {
    max_archive_bytes: 16 * 1024 * 1024,
    max_entries: 2_000,
    max_total_bytes: 16 * 1024 * 1024,
    max_metadata_bytes: 4 * 1024 * 1024,
    max_ratio: 100,
    ratio_after: 1024 * 1024,
};

fuzz_target!(|data: &[u8]| {
    let built;
    let bytes = if data.starts_with(b"PK") {
        data
    } else {
        let mut entries = [
            TestEntry::new("IHE_XDM/SUBSET01/METADATA.XML", data),
            TestEntry::new("IHE_XDM/SUBSET01/DOC0001.XML", "<ClinicalDocument/>"),
            TestEntry::new("IHE_XDM/SS000001/KOS_1_1.DCM", vec![0u8; 64]),
        ];
        // Stored, not deflated: the run's time goes to the reader.
        for e in &mut entries {
            e.deflate = false;
        }
        built = build(&entries);
        &built
    };
    match read_archive(bytes, &LIMITS) {
        Ok(archive) => {
            for doc in archive.documents() {
                assert_eq!(doc.actual_hash.len(), 40);
                if doc.declared_hash.is_none() {
                    assert!(doc.hash_matches.is_none());
                }
                let _ = (doc.integrity_ok(), format!("{doc:?}"));
            }
        }
        Err(e) => assert!(!e.to_string().is_empty()),
    }
});
