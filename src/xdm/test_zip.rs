//! Test helper: writes ZIP archives byte by byte, so that tests can build what no archiver
//! would (lying sizes, an encryption flag without encryption, symbolic links, traversal
//! names), plus a folder of the fixtures zipped in memory and a minimal `METADATA.XML`.

use std::path::Path;

/// One entry to write.
pub(crate) struct TestEntry {
    pub name: String,
    pub data: Vec<u8>,
    pub deflate: bool,
    pub flags: u16,
    /// Unix mode put in the external attributes (made by Unix).
    pub unix_mode: Option<u32>,
    /// Uncompressed size written in the headers, instead of the real one.
    pub declared_size: Option<u32>,
}

impl TestEntry {
    pub fn new(name: &str, data: impl Into<Vec<u8>>) -> Self {
        Self {
            name: name.to_owned(),
            data: data.into(),
            deflate: true,
            flags: 0,
            unix_mode: None,
            declared_size: None,
        }
    }
}

/// Writes a ZIP of these entries.
pub(crate) fn build(entries: &[TestEntry]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for e in entries {
        let offset = out.len() as u32;
        let body = if e.deflate {
            miniz_oxide::deflate::compress_to_vec(&e.data, 6)
        } else {
            e.data.clone()
        };
        let method: u16 = if e.deflate { 8 } else { 0 };
        let crc = crc32(&e.data);
        let size = e.declared_size.unwrap_or(e.data.len() as u32);
        let name = e.name.as_bytes();
        let common = |v: &mut Vec<u8>| {
            put16(v, 20);
            put16(v, e.flags);
            put16(v, method);
            put16(v, 0);
            put16(v, 0x21);
            put32(v, crc);
            put32(v, body.len() as u32);
            put32(v, size);
            put16(v, name.len() as u16);
            put16(v, 0);
        };
        put32(&mut out, 0x0403_4b50);
        common(&mut out);
        out.extend_from_slice(name);
        out.extend_from_slice(&body);

        put32(&mut central, 0x0201_4b50);
        put16(
            &mut central,
            if e.unix_mode.is_some() { 0x0314 } else { 20 },
        );
        common(&mut central);
        put16(&mut central, 0);
        put16(&mut central, 0);
        put16(&mut central, 0);
        put32(&mut central, e.unix_mode.unwrap_or(0) << 16);
        put32(&mut central, offset);
        central.extend_from_slice(name);
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

/// Every file under `dir`, named relative to it with `prefix` in front.
pub(crate) fn zip_folder(dir: &Path, prefix: &str) -> Vec<u8> {
    fn walk(dir: &Path, rel: &str, out: &mut Vec<TestEntry>) {
        let mut items: Vec<_> = std::fs::read_dir(dir)
            .expect("fixture folder")
            .map(|d| d.expect("entry").path())
            .collect();
        items.sort();
        for path in items {
            let name = path.file_name().and_then(|n| n.to_str()).expect("name");
            let rel = format!("{rel}{name}");
            if path.is_dir() {
                walk(&path, &format!("{rel}/"), out);
            } else {
                out.push(TestEntry::new(&rel, std::fs::read(&path).expect("read")));
            }
        }
    }
    let mut entries = Vec::new();
    walk(dir, prefix, &mut entries);
    build(&entries)
}

/// A minimal ebRS 3.0 `METADATA.XML` with one document named `uri`, of these `size` and
/// `hash` slots, and these extra slots (raw XML).
pub(crate) fn metadata(uri: &str, size: usize, hash: &str, extra: &str) -> String {
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?>
<lcm:SubmitObjectsRequest xmlns:lcm="urn:oasis:names:tc:ebxml-regrep:xsd:lcm:3.0" xmlns:rim="urn:oasis:names:tc:ebxml-regrep:xsd:rim:3.0">
<rim:RegistryObjectList>
<rim:ExtrinsicObject id="Doc1" mimeType="text/plain">
<rim:Slot name="URI"><rim:ValueList><rim:Value>{uri}</rim:Value></rim:ValueList></rim:Slot>
<rim:Slot name="size"><rim:ValueList><rim:Value>{size}</rim:Value></rim:ValueList></rim:Slot>
<rim:Slot name="hash"><rim:ValueList><rim:Value>{hash}</rim:Value></rim:ValueList></rim:Slot>
{extra}
<rim:Name><rim:LocalizedString value="Compte rendu"/></rim:Name>
<rim:ExternalIdentifier identificationScheme="urn:uuid:2e82c1f6-a085-4c72-9da3-8640a32e42ab" value="1.2.3.4"/>
<rim:ExternalIdentifier identificationScheme="urn:uuid:58a6f841-87b3-4a3e-92fd-a8ffeff98427" value="1^^^&amp;1.2.250.1.213.1.4.10&amp;ISO"/>
</rim:ExtrinsicObject>
</rim:RegistryObjectList>
</lcm:SubmitObjectsRequest>"#
    )
}

fn put16(v: &mut Vec<u8>, x: u16) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn put32(v: &mut Vec<u8>, x: u32) {
    v.extend_from_slice(&x.to_le_bytes());
}

fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in data {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}
