//! Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30-second steps,
//! 6 digits, one step of drift either way, and a step used once never accepted again (the
//! caller keeps the last step used). The secret as RFC 4648 base32 and the `otpauth://` URI
//! an authenticator application reads from the QR code. No code or secret reaches a log.

use aws_lc_rs::hmac;
use zeroize::Zeroizing;

/// Length of a time step.
pub const STEP_S: u64 = 30;
/// Digits of a code.
pub const DIGITS: u32 = 6;
/// Steps of clock drift accepted on each side of the current one.
pub const WINDOW_STEPS: i64 = 1;
/// Bytes of a generated secret (160 bits, the size of an HMAC-SHA1 block output).
pub const SECRET_BYTES: usize = 20;
/// The issuer the authenticator application shows.
pub const ISSUER: &str = "Chevet";

/// A TOTP secret. Its `Debug` says nothing of it; it is wiped when dropped.
#[derive(Clone, PartialEq, Eq)]
pub struct TotpSecret(Zeroizing<Vec<u8>>);

impl std::fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TotpSecret(…)")
    }
}

impl TotpSecret {
    /// A new random secret.
    pub fn generate() -> Self {
        Self(Zeroizing::new(
            rand::random::<[u8; SECRET_BYTES]>().to_vec(),
        ))
    }

    pub fn from_bytes(bytes: &[u8]) -> Self {
        Self(Zeroizing::new(bytes.to_vec()))
    }

    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The secret as an authenticator application takes it typed: base32, no padding.
    pub fn to_base32(&self) -> Zeroizing<String> {
        Zeroizing::new(base32_encode(&self.0))
    }

    /// Reads a base32 secret (case, spaces and padding ignored); `None` when it is not base32.
    pub fn from_base32(text: &str) -> Option<Self> {
        base32_decode(text).map(|b| Self(Zeroizing::new(b)))
    }

    /// The code of the step `unix_s` falls in.
    pub fn code_at(&self, unix_s: u64) -> String {
        format_code(hotp(&self.0, unix_s / STEP_S, DIGITS), DIGITS)
    }

    /// Checks a typed code at `unix_s` against the steps around it; the step it matched when
    /// it is valid and later than `last_step` (a code, once used, is refused: replay).
    pub fn verify(&self, code: &str, unix_s: u64, last_step: Option<i64>) -> Option<i64> {
        let typed: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if typed.len() != DIGITS as usize || !typed.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let now = i64::try_from(unix_s / STEP_S).ok()?;
        let mut matched = None;
        // Every step of the window is computed, whichever matches, so that timing says nothing.
        for step in now - WINDOW_STEPS..=now + WINDOW_STEPS {
            let Ok(counter) = u64::try_from(step) else {
                continue;
            };
            let expected = format_code(hotp(&self.0, counter, DIGITS), DIGITS);
            let same = aws_lc_rs::constant_time::verify_slices_are_equal(
                expected.as_bytes(),
                typed.as_bytes(),
            )
            .is_ok();
            if same && last_step.is_none_or(|last| step > last) {
                matched = Some(step);
            }
        }
        matched
    }

    /// The `otpauth://totp/…` URI of this secret for `account` (the login), as the QR code
    /// carries it.
    pub fn otpauth_uri(&self, account: &str) -> Zeroizing<String> {
        let label = format!("{ISSUER}:{account}");
        Zeroizing::new(format!(
            "otpauth://totp/{}?secret={}&issuer={}&algorithm=SHA1&digits={DIGITS}&period={STEP_S}",
            percent_encode(&label),
            base32_encode(&self.0),
            percent_encode(ISSUER),
        ))
    }
}

/// The current Unix time in seconds.
pub fn now_unix_s() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// RFC 4226 HOTP with HMAC-SHA1: the `digits`-digit value of `counter`.
pub fn hotp(secret: &[u8], counter: u64, digits: u32) -> u32 {
    let key = hmac::Key::new(hmac::HMAC_SHA1_FOR_LEGACY_USE_ONLY, secret);
    let tag = hmac::sign(&key, &counter.to_be_bytes());
    let mac = tag.as_ref();
    let offset = usize::from(mac[mac.len() - 1] & 0x0f);
    let binary = u32::from_be_bytes([
        mac[offset],
        mac[offset + 1],
        mac[offset + 2],
        mac[offset + 3],
    ]) & 0x7fff_ffff;
    binary % 10u32.pow(digits)
}

fn format_code(value: u32, digits: u32) -> String {
    format!("{value:0width$}", width = digits as usize)
}

const BASE32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32, without padding.
pub fn base32_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &b in bytes {
        buffer = (buffer << 8) | u32::from(b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// RFC 4648 base32 (either case; spaces, dashes and padding ignored).
pub fn base32_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for c in text.chars() {
        if c.is_whitespace() || c == '=' || c == '-' {
            continue;
        }
        let upper = c.to_ascii_uppercase();
        let value = BASE32.iter().position(|&a| char::from(a) == upper)?;
        buffer = (buffer << 5) | u32::try_from(value).ok()?;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push(u8::try_from((buffer >> bits) & 0xff).ok()?);
        }
    }
    Some(out)
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The RFC 6238 appendix B seed for HMAC-SHA1.
    const RFC_SEED: &[u8] = b"12345678901234567890";

    #[test]
    fn rfc6238_sha1_vectors() {
        // Appendix B: time, 8-digit TOTP (SHA1).
        for (time, expected) in [
            (59u64, "94287082"),
            (1_111_111_109, "07081804"),
            (1_111_111_111, "14050471"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
            (20_000_000_000, "65353130"),
        ] {
            assert_eq!(
                format_code(hotp(RFC_SEED, time / STEP_S, 8), 8),
                expected,
                "T = {time}"
            );
            // The 6-digit code is the same value's last six digits.
            let six = TotpSecret::from_bytes(RFC_SEED).code_at(time);
            assert_eq!(six, expected[2..], "T = {time}");
        }
    }

    #[test]
    fn rfc4226_hotp_vectors() {
        let expected = [
            755_224, 287_082, 359_152, 969_429, 338_314, 254_676, 287_922, 162_583, 399_871,
            520_489,
        ];
        for (counter, value) in expected.iter().enumerate() {
            assert_eq!(hotp(RFC_SEED, counter as u64, 6), *value);
        }
    }

    #[test]
    fn a_code_is_accepted_one_step_either_way_and_not_beyond() {
        let secret = TotpSecret::from_bytes(RFC_SEED);
        let t = 1_234_567_890;
        let step = i64::try_from(t / STEP_S).expect("step");
        let code = secret.code_at(t);
        assert_eq!(secret.verify(&code, t, None), Some(step));
        assert_eq!(secret.verify(&code, t + STEP_S, None), Some(step));
        assert_eq!(secret.verify(&code, t - STEP_S, None), Some(step));
        assert_eq!(secret.verify(&code, t + 2 * STEP_S, None), None);
        assert_eq!(secret.verify(&code, t - 2 * STEP_S, None), None);
        assert_eq!(secret.verify(&format!(" {} ", &code[..3]), t, None), None);
        assert_eq!(secret.verify("abcdef", t, None), None);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        assert_eq!(secret.verify(&spaced, t, None), Some(step));
    }

    #[test]
    fn a_used_step_is_refused_again_and_earlier_ones_too() {
        let secret = TotpSecret::from_bytes(RFC_SEED);
        let t = 1_234_567_890;
        let code = secret.code_at(t);
        let used = secret.verify(&code, t, None).expect("first use");
        assert_eq!(secret.verify(&code, t, Some(used)), None, "replay");
        let previous = secret.code_at(t - STEP_S);
        assert_eq!(secret.verify(&previous, t, Some(used)), None, "older step");
        let next = secret.code_at(t + STEP_S);
        assert_eq!(secret.verify(&next, t, Some(used)), Some(used + 1));
    }

    #[test]
    fn base32_round_trips_and_matches_rfc4648() {
        assert_eq!(base32_encode(b"foobar"), "MZXW6YTBOI");
        assert_eq!(base32_encode(b"f"), "MY");
        assert_eq!(
            base32_decode("mzxw 6ytb-oi======").as_deref(),
            Some(&b"foobar"[..])
        );
        assert_eq!(base32_decode("MZ1"), None);
        let secret = TotpSecret::generate();
        let text = secret.to_base32();
        assert_eq!(text.len(), 32);
        assert_eq!(TotpSecret::from_base32(&text), Some(secret));
    }

    #[test]
    fn the_uri_names_the_issuer_the_account_and_the_parameters() {
        let secret = TotpSecret::from_bytes(b"foobar");
        let uri = secret.otpauth_uri("dr house");
        assert_eq!(
            uri.as_str(),
            "otpauth://totp/Chevet%3Adr%20house?secret=MZXW6YTBOI&issuer=Chevet\
             &algorithm=SHA1&digits=6&period=30"
        );
        assert_eq!(format!("{secret:?}"), "TotpSecret(…)");
    }
}
