//! A minimal ICC v2 monochrome display profile (gamma 2.2, D50 white), written by hand, for
//! the PDF/A output intent: the PDF only paints in DeviceGray.

const DESCRIPTION: &[u8] = b"Chevet Gray Gamma 2.2";
const COPYRIGHT: &[u8] = b"No copyright, use freely";

fn s15f16(value: f64) -> [u8; 4] {
    // s15Fixed16Number: value * 65536, big endian.
    let fixed = (value * 65536.0).round() as i32;
    fixed.to_be_bytes()
}

fn pad4(buf: &mut Vec<u8>) {
    while !buf.len().is_multiple_of(4) {
        buf.push(0);
    }
}

fn text_description() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"desc");
    t.extend_from_slice(&[0; 4]);
    let n = u32::try_from(DESCRIPTION.len() + 1).unwrap_or(0);
    t.extend_from_slice(&n.to_be_bytes());
    t.extend_from_slice(DESCRIPTION);
    t.push(0);
    t.extend_from_slice(&[0; 4]); // Unicode language code
    t.extend_from_slice(&[0; 4]); // Unicode count
    t.extend_from_slice(&[0; 2]); // ScriptCode code
    t.push(0); // ScriptCode count
    t.extend_from_slice(&[0; 67]); // Macintosh description
    t
}

fn text(value: &[u8]) -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"text");
    t.extend_from_slice(&[0; 4]);
    t.extend_from_slice(value);
    t.push(0);
    t
}

fn white_point() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"XYZ ");
    t.extend_from_slice(&[0; 4]);
    for v in [0.9642, 1.0, 0.8249] {
        t.extend_from_slice(&s15f16(v));
    }
    t
}

fn gamma_curve() -> Vec<u8> {
    let mut t = Vec::new();
    t.extend_from_slice(b"curv");
    t.extend_from_slice(&[0; 4]);
    t.extend_from_slice(&1u32.to_be_bytes());
    t.extend_from_slice(&0x0233u16.to_be_bytes()); // u8Fixed8 2.2
    t
}

/// The profile bytes.
pub(super) fn gray_profile() -> Vec<u8> {
    let tags: [(&[u8; 4], Vec<u8>); 4] = [
        (b"desc", text_description()),
        (b"cprt", text(COPYRIGHT)),
        (b"wtpt", white_point()),
        (b"kTRC", gamma_curve()),
    ];
    let table_len = 4 + 12 * tags.len();
    let mut data = Vec::new();
    let mut entries = Vec::new();
    for (sig, body) in &tags {
        let offset = 128 + table_len + data.len();
        entries.push((*sig, offset, body.len()));
        data.extend_from_slice(body);
        pad4(&mut data);
    }
    let total = 128 + table_len + data.len();

    let mut p = Vec::with_capacity(total);
    p.extend_from_slice(&u32::try_from(total).unwrap_or(0).to_be_bytes());
    p.extend_from_slice(&[0; 4]); // CMM
    p.extend_from_slice(&[0x02, 0x10, 0, 0]); // version 2.1
    p.extend_from_slice(b"mntr");
    p.extend_from_slice(b"GRAY");
    p.extend_from_slice(b"XYZ ");
    for v in [2024u16, 1, 1, 0, 0, 0] {
        p.extend_from_slice(&v.to_be_bytes());
    }
    p.extend_from_slice(b"acsp");
    p.extend_from_slice(&[0; 4]); // platform
    p.extend_from_slice(&[0; 4]); // flags
    p.extend_from_slice(&[0; 4]); // manufacturer
    p.extend_from_slice(&[0; 4]); // model
    p.extend_from_slice(&[0; 8]); // attributes
    p.extend_from_slice(&[0; 4]); // rendering intent: perceptual
    for v in [0.9642, 1.0, 0.8249] {
        p.extend_from_slice(&s15f16(v));
    }
    p.extend_from_slice(&[0; 4]); // creator
    p.extend_from_slice(&[0; 16]); // profile id
    p.extend_from_slice(&[0; 28]); // reserved
    p.extend_from_slice(&u32::try_from(tags.len()).unwrap_or(0).to_be_bytes());
    for (sig, offset, size) in entries {
        p.extend_from_slice(sig);
        p.extend_from_slice(&u32::try_from(offset).unwrap_or(0).to_be_bytes());
        p.extend_from_slice(&u32::try_from(size).unwrap_or(0).to_be_bytes());
    }
    p.extend_from_slice(&data);
    p
}

#[cfg(test)]
mod tests {
    #[test]
    fn header_and_size_are_consistent() {
        let p = super::gray_profile();
        assert_eq!(p.len() % 4, 0);
        assert_eq!(
            u32::from_be_bytes([p[0], p[1], p[2], p[3]]) as usize,
            p.len()
        );
        assert_eq!(&p[36..40], b"acsp");
        assert_eq!(&p[12..20], b"mntrGRAY");
        assert_eq!(u32::from_be_bytes([p[128], p[129], p[130], p[131]]), 4);
    }
}
