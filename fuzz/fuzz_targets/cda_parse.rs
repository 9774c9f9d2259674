//! Fuzz target: any bytes given to the CDA parser must give a document or an error, never a
//! panic, a hang or unbounded memory; and every embedded content of a parsed document must
//! decode or fail cleanly.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(doc) = chevet_fuzz::cda::parse(data) {
        let _ = doc.meta();
        for a in doc.attachments().iter().chain(doc.pdf()) {
            let _ = a.decode();
        }
        for s in doc.sections() {
            let _ = s.narrative_xml();
        }
    }
});
