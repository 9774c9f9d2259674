//! The chain checks of `card::trust` and the list checks of `card::crl` against PKIs made
//! with rcgen: the sandbox's test IGC-Santé (`sandbox::card::keys::TestPki`) for the cards a
//! deployment meets, and hand-made authorities for the rules (not a CA, path length, key
//! usage, dates).

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, IsCa, Issuer, KeyPair,
    KeyUsagePurpose,
};

use super::crl::{self, CrlError};
use super::trust::{self, TrustAnchors, TrustError, certificates_in, verify_chain};
use crate::sandbox::card::keys::{CardKind, TestPki};

const ID: &str = "810101234567";
const DAY: i64 = 24 * 3600;

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

fn pki() -> TestPki {
    TestPki::generate(Some("http://crl.invalid")).expect("pki")
}

fn anchors(pki: &TestPki, with_intermediate: bool) -> TrustAnchors {
    let intermediates = if with_intermediate {
        vec![pki.intermediate_der().to_vec()]
    } else {
        Vec::new()
    };
    TrustAnchors::new(vec![pki.root_der().to_vec()], intermediates).expect("anchors")
}

#[test]
fn a_genuine_card_chains_through_the_intermediate_it_carries_or_the_configured_one() {
    let pki = pki();
    let card = pki
        .issue(CardKind::Genuine, ID, "Claire", "LAMBERT")
        .expect("card");
    let chain = verify_chain(
        &anchors(&pki, false),
        &card.certificate_der,
        std::slice::from_ref(&card.ca_der),
        now(),
    )
    .expect("from the card");
    assert_eq!(chain.certificates.len(), 3);
    assert_eq!(chain.certificates[2], pki.root_der());
    verify_chain(&anchors(&pki, true), &card.certificate_der, &[], now())
        .expect("from the configuration");
    assert_eq!(
        verify_chain(&anchors(&pki, false), &card.certificate_der, &[], now()),
        Err(TrustError::UnknownIssuer),
        "no intermediate anywhere"
    );
    assert_eq!(
        verify_chain(&TrustAnchors::default(), &card.certificate_der, &[], now()),
        Err(TrustError::NotConfigured)
    );
}

#[test]
fn forged_cards_carrying_a_real_national_id_are_refused() {
    let pki = pki();
    let anchors = anchors(&pki, true);
    let self_signed = pki
        .issue(CardKind::ForgedSelfSigned, ID, "Claire", "LAMBERT")
        .expect("forged");
    assert_eq!(
        verify_chain(&anchors, &self_signed.certificate_der, &[], now()),
        Err(TrustError::UnknownIssuer)
    );
    // Named like the real intermediate, signed by another key: the signature tells.
    let other = pki
        .issue(CardKind::ForgedOtherAuthority, ID, "Claire", "LAMBERT")
        .expect("forged");
    assert_eq!(
        verify_chain(
            &anchors,
            &other.certificate_der,
            std::slice::from_ref(&other.ca_der),
            now()
        ),
        Err(TrustError::BadSignature)
    );
    // Its own authority offered as a root by the card does not make it one.
    let only_card = TrustAnchors::new(vec![pki.root_der().to_vec()], Vec::new()).expect("a");
    assert!(verify_chain(&only_card, &other.certificate_der, &[other.ca_der], now()).is_err());
    // Another PKI's root does not vouch for this one's cards.
    let genuine = pki
        .issue(CardKind::Genuine, ID, "Claire", "LAMBERT")
        .expect("card");
    assert_eq!(
        verify_chain(
            &self::anchors(&self::pki(), true),
            &genuine.certificate_der,
            &[genuine.ca_der],
            now()
        ),
        Err(TrustError::UnknownIssuer)
    );
}

#[test]
fn dates_are_checked_for_the_card_and_its_authorities() {
    let pki = pki();
    let anchors = anchors(&pki, true);
    let expired = pki
        .issue(CardKind::Expired, ID, "Claire", "LAMBERT")
        .expect("expired");
    assert_eq!(
        verify_chain(&anchors, &expired.certificate_der, &[], now()),
        Err(TrustError::Expired)
    );
    let genuine = pki
        .issue(CardKind::Genuine, ID, "Claire", "LAMBERT")
        .expect("card");
    assert_eq!(
        verify_chain(&anchors, &genuine.certificate_der, &[], now() - 3 * DAY),
        Err(TrustError::NotYetValid)
    );
    // The card outlives its intermediate (10 years) in this PKI only on paper: checked at
    // year 11 the card has expired first; a hand-made short-lived authority shows the rule.
    let (root, root_issuer) = authority("R", None, 1, 20 * 365);
    let (inter, inter_issuer) = authority("I", Some(&root_issuer), 0, 365);
    let leaf = leaf_signed_by(
        &inter_issuer,
        5 * 365,
        vec![KeyUsagePurpose::DigitalSignature],
    );
    let anchors = TrustAnchors::new(vec![root], vec![inter]).expect("anchors");
    verify_chain(&anchors, &leaf, &[], now()).expect("both valid today");
    assert_eq!(
        verify_chain(&anchors, &leaf, &[], now() + 2 * 365 * DAY),
        Err(TrustError::AuthorityNotValid)
    );
}

fn name(cn: &str) -> DistinguishedName {
    let mut name = DistinguishedName::new();
    name.push(DnType::CommonName, cn);
    name
}

/// An authority named `cn`, self-signed or under `parent`, with this path length (`u8::MAX`:
/// not a CA at all), valid from yesterday for `days`.
fn authority(
    cn: &str,
    parent: Option<&Issuer<'static, KeyPair>>,
    path_len: u8,
    days: i64,
) -> (Vec<u8>, Issuer<'static, KeyPair>) {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::default();
    params.distinguished_name = name(cn);
    params.is_ca = if path_len == u8::MAX {
        IsCa::ExplicitNoCa
    } else {
        IsCa::Ca(BasicConstraints::Constrained(path_len))
    };
    params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    set_days(&mut params, days);
    let der = match parent {
        Some(parent) => params.signed_by(&key, parent),
        None => params.self_signed(&key),
    }
    .expect("authority")
    .der()
    .to_vec();
    (der, Issuer::new(params, key))
}

fn set_days(params: &mut CertificateParams, days: i64) {
    use chrono::Datelike;
    let at = |d: i64| {
        let date = chrono::Utc::now().date_naive() + chrono::Duration::days(d);
        rcgen::date_time_ymd(
            date.year(),
            u8::try_from(date.month()).expect("month"),
            u8::try_from(date.day()).expect("day"),
        )
    };
    params.not_before = at(-1);
    params.not_after = at(days);
}

fn leaf_signed_by(
    issuer: &Issuer<'static, KeyPair>,
    days: i64,
    usages: Vec<KeyUsagePurpose>,
) -> Vec<u8> {
    let key = KeyPair::generate().expect("key");
    let mut params = CertificateParams::default();
    params.distinguished_name = name(ID);
    params.key_usages = usages;
    set_days(&mut params, days);
    params.signed_by(&key, issuer).expect("leaf").der().to_vec()
}

#[test]
fn only_authorities_may_issue_and_only_within_their_path_length() {
    // An end entity "issuing" a card.
    let (root, root_issuer) = authority("R", None, 1, 3650);
    let (not_ca, not_ca_issuer) = authority("N", Some(&root_issuer), u8::MAX, 3650);
    let leaf = leaf_signed_by(&not_ca_issuer, 365, vec![KeyUsagePurpose::DigitalSignature]);
    let anchors = TrustAnchors::new(vec![root.clone()], vec![not_ca]).expect("anchors");
    assert_eq!(
        verify_chain(&anchors, &leaf, &[], now()),
        Err(TrustError::NotAnAuthority)
    );
    // A root allowing no intermediate.
    let (root0, root0_issuer) = authority("R0", None, 0, 3650);
    let (inter, inter_issuer) = authority("I0", Some(&root0_issuer), 0, 3650);
    let leaf = leaf_signed_by(&inter_issuer, 365, vec![KeyUsagePurpose::DigitalSignature]);
    let anchors = TrustAnchors::new(vec![root0], vec![inter]).expect("anchors");
    assert_eq!(
        verify_chain(&anchors, &leaf, &[], now()),
        Err(TrustError::NotAnAuthority)
    );
    // Directly under a root is fine.
    let leaf = leaf_signed_by(&root_issuer, 365, vec![KeyUsagePurpose::DigitalSignature]);
    let anchors = TrustAnchors::new(vec![root], Vec::new()).expect("anchors");
    assert_eq!(
        verify_chain(&anchors, &leaf, &[], now())
            .expect("chain")
            .certificates
            .len(),
        2
    );
}

#[test]
fn the_card_certificate_must_be_an_authentication_one() {
    let (root, root_issuer) = authority("R", None, 1, 3650);
    let anchors = TrustAnchors::new(vec![root], Vec::new()).expect("anchors");
    let encipher_only = leaf_signed_by(&root_issuer, 365, vec![KeyUsagePurpose::KeyEncipherment]);
    assert_eq!(
        verify_chain(&anchors, &encipher_only, &[], now()),
        Err(TrustError::WrongUsage)
    );
    let (ca_as_card, _) = authority(ID, Some(&root_issuer), 0, 365);
    assert_eq!(
        verify_chain(&anchors, &ca_as_card, &[], now()),
        Err(TrustError::WrongUsage)
    );
    assert_eq!(
        verify_chain(&anchors, b"not a certificate", &[], now()),
        Err(TrustError::Malformed)
    );
}

#[test]
fn anchor_files_are_pem_bundles_or_der() {
    let pki = pki();
    let pem = |der: &[u8]| {
        use base64::Engine as _;
        let body = base64::engine::general_purpose::STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).expect("ascii"))
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    };
    let bundle = format!(
        "# IGC-Santé test\n{}{}",
        pem(pki.root_der()),
        pem(pki.intermediate_der())
    );
    assert_eq!(
        certificates_in(bundle.as_bytes()),
        vec![pki.root_der().to_vec(), pki.intermediate_der().to_vec()]
    );
    assert_eq!(
        certificates_in(pki.root_der()),
        vec![pki.root_der().to_vec()]
    );
    assert!(certificates_in(b"nothing here").is_empty());
    let dir = tempfile::tempdir().expect("tempdir");
    let roots = dir.path().join("acr.pem");
    let inter = dir.path().join("aci.der");
    std::fs::write(&roots, pem(pki.root_der())).expect("write");
    std::fs::write(&inter, pki.intermediate_der()).expect("write");
    let anchors = TrustAnchors::from_files(std::slice::from_ref(&roots), &[inter]).expect("files");
    let card = pki
        .issue(CardKind::Genuine, ID, "Claire", "LAMBERT")
        .expect("card");
    verify_chain(&anchors, &card.certificate_der, &[], now()).expect("chain");
    std::fs::write(&roots, "empty").expect("write");
    assert!(matches!(
        TrustAnchors::from_files(&[roots], &[]),
        Err(TrustError::Anchors(_))
    ));
    let fp = trust::certificate_sha256(&card.certificate_der);
    assert_eq!(fp.len(), 64);
    assert!(
        fp.bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
    );
}

#[test]
fn revocation_lists_are_checked_against_their_authority() {
    let pki = pki();
    let genuine = pki
        .issue(CardKind::Genuine, ID, "Claire", "LAMBERT")
        .expect("card");
    let revoked = pki
        .issue(CardKind::Revoked, ID, "Claire", "LAMBERT")
        .expect("card");
    assert_eq!(
        crl::distribution_points(&genuine.certificate_der),
        vec!["http://crl.invalid/crl/personnes.crl".to_owned()]
    );
    assert_eq!(
        crl::distribution_points(pki.intermediate_der()),
        vec!["http://crl.invalid/crl/racine.crl".to_owned()]
    );
    let list = pki.crl_der().expect("crl");
    let checked = crl::check(&list, pki.intermediate_der(), false, now()).expect("checked");
    assert!(checked.is_current(now()));
    assert_eq!(checked.revoked_count(), 1);
    let serial = |der: &[u8]| crl::serial_of(der).expect("serial");
    assert!(checked.revokes(&serial(&revoked.certificate_der)));
    assert!(!checked.revokes(&serial(&genuine.certificate_der)));
    // The root's list, checked as the intermediate's: another authority.
    let arl = pki.arl_der().expect("arl");
    assert_eq!(
        crl::check(&arl, pki.intermediate_der(), false, now()),
        Err(CrlError::WrongIssuer)
    );
    crl::check(&arl, pki.root_der(), true, now()).expect("the root's own list");
    // Same name, another key: a forged list.
    let forger = TestPki::generate(None).expect("other pki");
    let forged = forger.crl_der().expect("forged list");
    assert_eq!(
        crl::check(&forged, pki.intermediate_der(), false, now()),
        Err(CrlError::BadSignature)
    );
    assert_eq!(
        crl::check(
            b"\x30\x03\x02\x01\x00",
            pki.intermediate_der(),
            false,
            now()
        ),
        Err(CrlError::Malformed)
    );
    assert_eq!(
        crl::check(&list, pki.intermediate_der(), false, now() - 2 * DAY),
        Err(CrlError::NotYetValid)
    );
    // A list past its date is still a valid list; the caller decides (grace period).
    let stale = pki.crl_der_dated(-3, -1).expect("stale");
    let stale = crl::check(&stale, pki.intermediate_der(), false, now()).expect("stale");
    assert!(!stale.is_current(now()));
    // Leading zeros do not hide a serial.
    let mut padded = vec![0];
    padded.extend(serial(&revoked.certificate_der));
    assert!(checked.revokes(&padded));
}
