//! `chevet auth set-credential ID`: the establishment provisions an OpenID provider's client
//! credential (secret, PEM private key, or the TLS client key) into the OS keyring, read from
//! standard input so that it appears in no shell history, file or process list.

use std::io::{Read, Write};
use std::process::ExitCode;

use zeroize::Zeroizing;

use super::CliError;

const USAGE: &str = "chevet auth set-credential ID_FOURNISSEUR < secret-ou-cle.pem";

/// Largest credential accepted (a PEM RSA 4096 key is about 3.3 KiB).
const MAX_CREDENTIAL_BYTES: u64 = 16 * 1024;

pub fn run(
    args: &[String],
    input: &mut dyn Read,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let [sub, provider] = args else {
        return Err(CliError::Usage(USAGE));
    };
    if sub != "set-credential" || provider.is_empty() || provider.starts_with('-') {
        return Err(CliError::Usage(USAGE));
    }
    let mut raw = Zeroizing::new(Vec::new());
    input
        .take(MAX_CREDENTIAL_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(CliError::Write)?;
    if raw.len() as u64 > MAX_CREDENTIAL_BYTES {
        return Err(CliError::Setup("secret trop long (16 Kio au plus)".into()));
    }
    let text = std::str::from_utf8(&raw)
        .map_err(|_| CliError::Setup("le secret doit être du texte UTF-8".into()))?;
    // A secret typed or piped ends with a newline that is not part of it; a PEM keeps its own.
    let secret = Zeroizing::new(if text.contains("-----BEGIN") {
        text.trim().to_owned() + "\n"
    } else {
        text.trim().to_owned()
    });
    if secret.is_empty() {
        return Err(CliError::Setup(
            "aucun secret reçu sur l'entrée standard".into(),
        ));
    }
    let keyrings = crate::store::key::platform_keyrings();
    let ring = crate::auth::providers::store_credential(&keyrings, provider, &secret)
        .map_err(|e| CliError::Setup(e.to_string()))?;
    writeln!(
        out,
        "identifiant du fournisseur {provider} enregistré dans le trousseau « {ring} »"
    )?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usage_and_empty_input_are_refused_before_any_keyring() {
        let mut out = Vec::new();
        assert!(matches!(
            run(&["nope".into()], &mut &b""[..], &mut out),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(
            run(
                &["set-credential".into(), "psc".into()],
                &mut &b"\n"[..],
                &mut out
            ),
            Err(CliError::Setup(_))
        ));
        let huge = vec![b'a'; 20_000];
        assert!(matches!(
            run(
                &["set-credential".into(), "psc".into()],
                &mut &huge[..],
                &mut out
            ),
            Err(CliError::Setup(_))
        ));
    }
}
