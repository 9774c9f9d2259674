//! Fuzz target: any bytes given to the XML toolkit's reader (what every DMP answer, HL7v3 or
//! XDS message goes through) must give a tree or an error, never a panic, a hang or unbounded
//! memory; a tree's every element, attribute and text must be readable.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = chevet_fuzz::xml::decode_lenient(data);
    let limits = chevet_fuzz::xml::Limits::XDS;
    if let Ok(doc) = chevet_fuzz::xml::parse(&text, &limits) {
        for element in doc.root().descendants_or_self() {
            let _ = (element.ns(), element.local(), element.text());
            for attr in element.attrs() {
                let _ = (attr.ns(), attr.local(), attr.value());
            }
        }
    }
});
