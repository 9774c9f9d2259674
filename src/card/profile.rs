//! The card profile as data: every constant that ties the client to one kind of card (AID,
//! file ids, PIN and key references, the signing command). Only the CPS3 profile exists; when
//! a value turns out wrong on a real card it is corrected here, not in the logic.

/// Which command makes the card sign with the authentication key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignMethod {
    /// MSE SET on the authentication template (`22 41 A4`), then INTERNAL AUTHENTICATE
    /// (`88 00 00`) with a DigestInfo; the card adds the PKCS#1 v1.5 padding.
    InternalAuthenticate,
    /// MSE SET on the digital signature template (`22 41 B6`), then PSO COMPUTE DIGITAL
    /// SIGNATURE (`2A 9E 9A`) with a DigestInfo.
    PsoComputeDigitalSignature,
}

impl SignMethod {
    /// P2 of the MSE SET command: the control reference template to set.
    pub fn mse_template(self) -> u8 {
        match self {
            Self::InternalAuthenticate => 0xA4,
            Self::PsoComputeDigitalSignature => 0xB6,
        }
    }
}

/// Everything the client needs to know about one kind of card.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CardProfile {
    /// Human name, for logs.
    pub name: &'static str,
    /// AID of the IAS-ECC application, selected by name (`00 A4 04 0C`).
    pub application_aid: &'static [u8],
    /// File id (in the application) of the holder identity file (see `card::identity`).
    pub identity_ef: u16,
    /// File id (in the application) of the authentication certificate (X.509 DER).
    pub auth_certificate_ef: u16,
    /// File id of the issuing authorities' certificates the card may carry (X.509 DER, one
    /// after the other); a missing file is no error.
    pub authority_certificates_ef: Option<u16>,
    /// P2 of VERIFY for the holder PIN.
    pub pin_reference: u8,
    /// Shortest PIN accepted before anything is sent to the card.
    pub pin_min_len: u8,
    /// Longest PIN accepted.
    pub pin_max_len: u8,
    /// The PIN is padded to this many bytes with `pin_pad_byte` (0: not padded).
    pub pin_padded_len: u8,
    /// Padding byte of the PIN block.
    pub pin_pad_byte: u8,
    /// Tries the card allows after a correct PIN.
    pub pin_max_attempts: u8,
    /// Private key reference of the authentication key (MSE SET tag `84`).
    pub auth_key_reference: u8,
    /// Algorithm reference for RSA PKCS#1 v1.5 with a DigestInfo given (MSE SET tag `80`).
    pub auth_algorithm_reference: u8,
    /// INTERNAL AUTHENTICATE or PSO COMPUTE DIGITAL SIGNATURE.
    pub sign_method: SignMethod,
    /// Le of each READ BINARY (1..=256; 256 is sent as `00`).
    pub read_chunk: u16,
    /// Largest file the client agrees to read (a hostile card cannot make it loop forever).
    pub max_file_size: usize,
}

/// AID of the CPS3 IAS-ECC application in contact mode (public: ANS cryptolib sources, where the
/// contactless application ends in `20` instead of `10`).
pub const CPS3_IAS_AID: [u8; 13] = [
    0xE8, 0x28, 0xBD, 0x08, 0x0F, 0x80, 0x25, 0x00, 0x00, 0x01, 0xFF, 0x00, 0x10,
];

/// The CPS3 card.
///
/// Public (ANS's published cryptolib, IAS-ECC, ISO/IEC 7816-4): the application AID; the
/// authentication signature made by MSE SET `A4` + INTERNAL AUTHENTICATE; the 0xE7-byte
/// answers; the PIN blocking after 3 wrong tries; the APDU encodings themselves.
///
/// Assumptions (no public source; the sandbox card implements exactly these): the identity
/// file id and its TLV layout (`D0F1`, a Chevet layout: the real CPS identity files are not
/// public; a real card without it falls back to the certificate subject), the certificate file
/// id (`C000`), the authorities' certificates file id (`C001`; absent on a card, nothing is
/// lost: the configured intermediates serve), the PIN reference (`81`, an IAS-ECC local PIN) and its padding to 8 bytes with
/// `FF`, the authentication key reference (`82`) and the algorithm reference (`02`).
pub const CPS3: CardProfile = CardProfile {
    name: "CPS3 (IAS-ECC)",
    application_aid: &CPS3_IAS_AID,
    identity_ef: 0xD0F1,
    auth_certificate_ef: 0xC000,
    authority_certificates_ef: Some(0xC001),
    pin_reference: 0x81,
    pin_min_len: 4,
    pin_max_len: 8,
    pin_padded_len: 8,
    pin_pad_byte: 0xFF,
    pin_max_attempts: 3,
    auth_key_reference: 0x82,
    auth_algorithm_reference: 0x02,
    sign_method: SignMethod::InternalAuthenticate,
    read_chunk: 0xE7,
    max_file_size: 16 * 1024,
};

// The CPS3 values hold together (checked at compile time).
const _: () = {
    assert!(CPS3.read_chunk >= 1 && CPS3.read_chunk <= 256);
    assert!(CPS3.pin_min_len <= CPS3.pin_max_len);
    assert!(CPS3.pin_max_len <= CPS3.pin_padded_len);
    assert!(CPS3.pin_max_attempts > 0 && CPS3.pin_max_attempts <= 15);
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cps3_is_consistent() {
        assert_eq!(CPS3.application_aid.len(), 13);
        assert_eq!(CPS3.sign_method.mse_template(), 0xA4);
        assert_eq!(SignMethod::PsoComputeDigitalSignature.mse_template(), 0xB6);
    }
}
