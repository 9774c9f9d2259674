//! The client functions of `crate::card` against the virtual card in process: identity, PIN
//! (wrong, right, blocked), signatures checked with the certificate key, tampered and malformed
//! answers, removal.

use std::sync::OnceLock;

use zeroize::Zeroizing;

use super::*;
use crate::card::identity::IdentityRecord;
use crate::card::{
    CPS3, CardChannel, CardError, CardProfile, SignMethod, certificate, pin_attempts_left,
    prove_possession, read_holder, sign_sha256, verify_pin,
};

fn keys() -> &'static keys::CardKeys {
    static KEYS: OnceLock<keys::CardKeys> = OnceLock::new();
    KEYS.get_or_init(|| {
        keys::generate(DEMO_NATIONAL_ID, DEMO_GIVEN_NAME, DEMO_FAMILY_NAME).expect("keys")
    })
}

fn identity() -> IdentityRecord {
    IdentityRecord {
        national_id: DEMO_NATIONAL_ID.into(),
        given_name: DEMO_GIVEN_NAME.into(),
        family_name: DEMO_FAMILY_NAME.into(),
        profession_code: Some(DEMO_PROFESSION.into()),
        specialty_code: Some(DEMO_SPECIALTY.into()),
        card_serial: Some("SBX810101234567".into()),
    }
}

fn card_with(profile: CardProfile, identity: &IdentityRecord) -> VirtualCps {
    let k = keys();
    VirtualCps::new(
        profile,
        identity,
        &k.key_pkcs8,
        k.certificate_der.clone(),
        k.ca_der.clone(),
    )
    .expect("card")
}

/// The demo physician's card, keys made once per test binary.
pub(super) fn demo_card() -> VirtualCps {
    card_with(CPS3, &identity())
}

fn pin(s: &str) -> Zeroizing<String> {
    Zeroizing::new(s.to_owned())
}

#[test]
fn demo_holder_is_read_from_the_card() {
    for t0 in [false, true] {
        let mut ch = VirtualChannel::new(demo_card().with_get_response(t0));
        let holder = read_holder(&mut ch, &CPS3).expect("holder");
        assert_eq!(holder.national_id, "810101234567");
        assert_eq!(
            (holder.given_name.as_str(), holder.family_name.as_str()),
            ("Claire", "LAMBERT")
        );
        assert_eq!(holder.profession_code.as_deref(), Some("10"));
        assert_eq!(holder.specialty_code.as_deref(), Some("SM04"));
        assert_eq!(holder.card_serial, "SBX810101234567");
        assert_eq!(holder.certificate_der, keys().certificate_der);
    }
}

#[test]
fn demo_function_makes_a_working_card() {
    let card = demo("899700012345", "Marc", "DURAND", "10", "").expect("demo");
    let mut ch = VirtualChannel::new(card);
    let holder = read_holder(&mut ch, &CPS3).expect("holder");
    assert_eq!(holder.national_id, "899700012345");
    assert_eq!(holder.specialty_code, None);
    verify_pin(&mut ch, &CPS3, &pin(DEFAULT_PIN)).expect("pin");
    prove_possession(&mut ch, &CPS3, &holder).expect("proof");
}

#[test]
fn card_certificate_chains_to_the_test_ca() {
    use x509_parser::prelude::{FromDer, X509Certificate};
    let (_, ca) = X509Certificate::from_der(&keys().ca_der).expect("ca");
    let (_, cert) = X509Certificate::from_der(&keys().certificate_der).expect("cert");
    cert.verify_signature(Some(ca.public_key()))
        .expect("signed by the CA");
    let subject = certificate::subject_holder(&keys().certificate_der).expect("subject");
    assert_eq!(subject.national_id.as_deref(), Some(DEMO_NATIONAL_ID));
    assert_eq!(subject.family_name.as_deref(), Some(DEMO_FAMILY_NAME));
}

/// Issue 17: the card carries the authority that issued it (file `C001`); a self-signed
/// forgery has none, and the holder it names is read all the same (trust is decided later).
#[test]
fn issue17_the_card_carries_its_issuing_authority() {
    let mut ch = VirtualChannel::new(demo_card());
    let holder = read_holder(&mut ch, &CPS3).expect("holder");
    assert_eq!(holder.authority_certificates, vec![keys().ca_der.clone()]);
    let pki = pki::shared().expect("pki");
    assert_eq!(keys().ca_der, pki.pki().intermediate_der());
    let forged = pki
        .demo_physician(CardKind::ForgedSelfSigned)
        .expect("forged");
    assert!(forged.ca_certificate_der().is_empty());
    let mut ch = VirtualChannel::new(forged);
    let holder = read_holder(&mut ch, &CPS3).expect("holder");
    assert_eq!(holder.national_id, DEMO_NATIONAL_ID);
    assert!(holder.authority_certificates.is_empty());
    // A profile without the file reads none.
    let without = CardProfile {
        authority_certificates_ef: None,
        ..CPS3
    };
    let mut ch = VirtualChannel::new(demo_card());
    assert!(
        read_holder(&mut ch, &without)
            .expect("holder")
            .authority_certificates
            .is_empty()
    );
    assert!("forged-ca".parse::<CardKind>().is_ok());
    assert!("bogus".parse::<CardKind>().is_err());
}

#[test]
fn wrong_then_right_pin_resets_the_counter() {
    let mut ch = VirtualChannel::new(demo_card());
    read_holder(&mut ch, &CPS3).expect("holder");
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(3));
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("0000")),
        Err(CardError::WrongPin { attempts_left: 2 })
    );
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(2));
    // A malformed PIN costs no try.
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("12a4")),
        Err(CardError::PinFormat)
    );
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(2));
    verify_pin(&mut ch, &CPS3, &pin("1234")).expect("right pin");
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(3));
    assert_eq!(ch.with_card(|c| c.attempts_left()), 3);
}

#[test]
fn three_wrong_pins_block_the_card() {
    let mut ch = VirtualChannel::new(demo_card().with_pin("87654321").expect("pin"));
    read_holder(&mut ch, &CPS3).expect("holder");
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("1234")),
        Err(CardError::WrongPin { attempts_left: 2 })
    );
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("1234")),
        Err(CardError::WrongPin { attempts_left: 1 })
    );
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("1234")),
        Err(CardError::PinBlocked)
    );
    assert_eq!(pin_attempts_left(&mut ch, &CPS3), Ok(0));
    // Even the right PIN is refused now, and no signature is possible.
    assert_eq!(
        verify_pin(&mut ch, &CPS3, &pin("87654321")),
        Err(CardError::PinBlocked)
    );
    assert_eq!(
        sign_sha256(&mut ch, &CPS3, b"x"),
        Err(CardError::PinRequired)
    );
}

#[test]
fn signature_needs_the_pin_and_verifies_with_the_certificate() {
    for profile in [
        CPS3,
        CardProfile {
            sign_method: SignMethod::PsoComputeDigitalSignature,
            ..CPS3
        },
    ] {
        let mut ch = VirtualChannel::new(card_with(profile, &identity()).with_get_response(true));
        let holder = read_holder(&mut ch, &profile).expect("holder");
        assert_eq!(
            sign_sha256(&mut ch, &profile, b"data"),
            Err(CardError::PinRequired)
        );
        assert_eq!(
            prove_possession(&mut ch, &profile, &holder),
            Err(CardError::PinRequired)
        );
        verify_pin(&mut ch, &profile, &pin("1234")).expect("pin");
        let signature = sign_sha256(&mut ch, &profile, b"data").expect("sign");
        assert_eq!(signature.len(), 256);
        certificate::verify_sha256(&holder.certificate_der, b"data", &signature).expect("valid");
        assert_eq!(
            certificate::verify_sha256(&holder.certificate_der, b"other", &signature),
            Err(CardError::BadSignature)
        );
        prove_possession(&mut ch, &profile, &holder).expect("proof");
    }
}

/// Passes commands to the card and lets a test rewrite the answers.
struct Tamper<F: FnMut(&[u8], Vec<u8>) -> Vec<u8> + Send> {
    inner: VirtualChannel,
    rewrite: F,
}

impl<F: FnMut(&[u8], Vec<u8>) -> Vec<u8> + Send> CardChannel for Tamper<F> {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        let answer = self.inner.transmit(command)?;
        Ok((self.rewrite)(command, answer))
    }
}

#[test]
fn tampered_signature_is_refused() {
    let mut ch = Tamper {
        inner: VirtualChannel::new(demo_card()),
        rewrite: |command: &[u8], mut answer: Vec<u8>| {
            if command.get(1) == Some(&0x88) && answer.len() > 2 {
                answer[10] ^= 0x01;
            }
            answer
        },
    };
    let holder = read_holder(&mut ch, &CPS3).expect("holder");
    verify_pin(&mut ch, &CPS3, &pin("1234")).expect("pin");
    assert_eq!(
        prove_possession(&mut ch, &CPS3, &holder),
        Err(CardError::BadSignature)
    );
}

#[test]
fn malformed_answers_are_errors_not_panics() {
    // Truncated status word, on every command.
    let mut ch = Tamper {
        inner: VirtualChannel::new(demo_card()),
        rewrite: |_: &[u8], _| vec![0x90],
    };
    assert!(matches!(
        read_holder(&mut ch, &CPS3),
        Err(CardError::Malformed(_))
    ));
    assert!(matches!(
        pin_attempts_left(&mut ch, &CPS3),
        Err(CardError::Malformed(_))
    ));
    // A certificate that is not DER.
    let mut ch = Tamper {
        inner: VirtualChannel::new(demo_card()),
        rewrite: |command: &[u8], answer: Vec<u8>| {
            if command.get(1) == Some(&0xB0) && answer.len() > 10 && answer[0] == 0x30 {
                let mut bad = vec![0xFF; answer.len() - 2];
                bad.extend_from_slice(&answer[answer.len() - 2..]);
                return bad;
            }
            answer
        },
    };
    assert!(matches!(
        read_holder(&mut ch, &CPS3),
        Err(CardError::Malformed(_))
    ));
    // An empty signature, an unexpected status, random garbage: never a panic.
    for garbage in [
        vec![0x90, 0x00],
        vec![0x6F, 0x00],
        vec![0x61],
        vec![0x63, 0xC5],
    ] {
        let mut ch = Tamper {
            inner: VirtualChannel::new(demo_card()),
            rewrite: move |command: &[u8], answer: Vec<u8>| {
                if command.get(1) == Some(&0x88) {
                    garbage.clone()
                } else {
                    answer
                }
            },
        };
        let holder = read_holder(&mut ch, &CPS3).expect("holder");
        verify_pin(&mut ch, &CPS3, &pin("1234")).expect("pin");
        assert!(prove_possession(&mut ch, &CPS3, &holder).is_err());
    }
}

#[test]
fn unreadable_identity_file_falls_back_to_the_certificate() {
    let card = demo_card().with_identity_file(vec![0x80, 0x7F, 0x01]);
    let mut ch = VirtualChannel::new(card);
    let holder = read_holder(&mut ch, &CPS3).expect("holder");
    assert_eq!(holder.national_id, DEMO_NATIONAL_ID);
    assert_eq!(holder.family_name, DEMO_FAMILY_NAME);
    assert_eq!(holder.given_name, DEMO_GIVEN_NAME);
    assert_eq!(holder.profession_code, None);
    assert!(!holder.card_serial.is_empty());
}

#[test]
fn identity_and_certificate_must_name_the_same_holder() {
    let other = IdentityRecord {
        national_id: "899999999999".into(),
        ..identity()
    };
    let mut ch = VirtualChannel::new(card_with(CPS3, &other));
    assert!(matches!(
        read_holder(&mut ch, &CPS3),
        Err(CardError::Malformed(_))
    ));
}

#[test]
fn another_card_is_not_a_cps() {
    let foreign = CardProfile {
        application_aid: &[0xA0, 0x00, 0x00, 0x00, 0x03],
        ..CPS3
    };
    let mut ch = VirtualChannel::new(demo_card());
    assert_eq!(read_holder(&mut ch, &foreign), Err(CardError::NotACps));
    let no_cert = CardProfile {
        auth_certificate_ef: 0x1234,
        ..CPS3
    };
    assert_eq!(read_holder(&mut ch, &no_cert), Err(CardError::NotACps));
}

#[test]
fn removal_fails_commands_and_reinsertion_needs_the_pin_again() {
    let mut ch = VirtualChannel::new(demo_card());
    let mut control = ch.clone();
    read_holder(&mut ch, &CPS3).expect("holder");
    verify_pin(&mut ch, &CPS3, &pin("1234")).expect("pin");
    control.remove();
    assert!(!control.is_present());
    assert_eq!(read_holder(&mut ch, &CPS3), Err(CardError::Removed));
    // Pulling twice or inserting twice changes nothing.
    control.remove();
    control.insert();
    control.insert();
    assert!(ch.is_present());
    read_holder(&mut ch, &CPS3).expect("holder");
    assert_eq!(
        sign_sha256(&mut ch, &CPS3, b"x"),
        Err(CardError::PinRequired)
    );
    // The same handle that pulled and inserted keeps working (the sandbox option does that).
    control.remove();
    control.insert();
    let mut same = control;
    read_holder(&mut same, &CPS3).expect("holder");
}

#[test]
fn debug_output_never_shows_the_pin() {
    let card = demo_card().with_pin("97531").expect("pin");
    let shown = format!("{card:?} {:?}", VirtualChannel::new(card.clone()));
    assert!(
        !shown.contains("97531") && !shown.contains("57, 55"),
        "{shown}"
    );
}

#[test]
fn atr_checksum_is_right() {
    assert_eq!(ATR[1..].iter().fold(0u8, |acc, b| acc ^ b), 0);
    assert_eq!(&ATR[4..14], b"CHEVET-CPS");
}
