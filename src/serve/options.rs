//! `chevet serve`'s command line (French, like the rest of the CLI) and where the shared
//! record's password comes from: the systemd credential `shared-record`
//! (`$CREDENTIALS_DIRECTORY/shared-record`), else the OS keyring, else none (a password in the
//! URL then applies).

use std::ffi::OsString;
use std::io::Read;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use super::ServeError;
use crate::config::SHARED_RECORD_CREDENTIAL;

pub const USAGE: &str = "\
Usage : chevet serve --config FICHIER [--data-dir DOSSIER] [--status-port PORT]

Processus d'établissement, sans fenêtre : migre le dossier partagé (PostgreSQL, section
[shared_record] de la configuration), exécute les tâches de l'établissement et expose leur
état sur 127.0.0.1 (GET /health, GET /status). S'arrête proprement sur SIGTERM ou Ctrl-C.
Annonce « READY http://127.0.0.1:PORT » sur la sortie standard une fois le dossier migré.

Options :
  --config FICHIER      configuration de l'établissement (TOML, avec [shared_record])
  --data-dir DOSSIER    dossier des données locales du processus
  --status-port PORT    port de l'état sur 127.0.0.1 (défaut : serve_status_port de
                        [shared_record], sinon 8471 ; 0 : un port libre, annoncé)
  -h, --help            affiche cette aide

Mot de passe de la base : $CREDENTIALS_DIRECTORY/shared-record (identifiant systemd),
sinon le trousseau du système (chevet auth set-credential shared-record < mot-de-passe).
";

/// What the command line asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    pub config: PathBuf,
    pub data_dir: Option<PathBuf>,
    pub status_port: Option<u16>,
}

/// The options after `serve`; `None` for `--help` (the usage is then printed by the caller).
pub fn parse(args: &[String]) -> Result<Option<Options>, ServeError> {
    let mut args = pico_args::Arguments::from_vec(args.iter().map(OsString::from).collect());
    if args.contains(["-h", "--help"]) {
        return Ok(None);
    }
    let usage = |e: pico_args::Error| ServeError::Usage(e.to_string());
    let config: Option<PathBuf> = args.opt_value_from_str("--config").map_err(usage)?;
    let data_dir = args.opt_value_from_str("--data-dir").map_err(usage)?;
    let status_port = args.opt_value_from_str("--status-port").map_err(usage)?;
    let rest = args.finish();
    if !rest.is_empty() {
        return Err(ServeError::Usage(format!(
            "argument inconnu : {:?} (voir chevet serve --help)",
            rest
        )));
    }
    let config = config.ok_or_else(|| {
        ServeError::Usage("--config FICHIER est requis (voir chevet serve --help)".into())
    })?;
    Ok(Some(Options {
        config,
        data_dir,
        status_port,
    }))
}

/// Largest password file read.
const MAX_CREDENTIAL_BYTES: u64 = 4 * 1024;

/// The shared record's password: the systemd credential when `CREDENTIALS_DIRECTORY` is set
/// and holds one; else the one written in `url`, when the configuration says it there (what
/// the configuration states wins over what a keyring happens to hold); else the OS keyring;
/// else none.
pub fn shared_record_password(url: &str) -> Result<Option<Zeroizing<String>>, ServeError> {
    if let Some(dir) = std::env::var_os("CREDENTIALS_DIRECTORY").filter(|d| !d.is_empty())
        && let Some(password) = read_credential(&Path::new(&dir).join(SHARED_RECORD_CREDENTIAL))?
    {
        tracing::info!("shared record password from the systemd credential");
        return Ok(Some(password));
    }
    if url::Url::parse(url).is_ok_and(|u| u.password().is_some()) {
        tracing::info!("shared record password from the configuration's address");
        return Ok(None);
    }
    let keyrings = crate::store::key::platform_keyrings();
    match crate::auth::providers::credential(&keyrings, SHARED_RECORD_CREDENTIAL) {
        Ok(password) => {
            tracing::info!("shared record password from the OS keyring");
            Ok(Some(password))
        }
        Err(crate::auth::providers::ProviderSetupError::MissingCredential(_)) => {
            tracing::info!("no shared record password stored; the URL's applies, if any");
            Ok(None)
        }
        Err(e) => {
            tracing::warn!("keyring unusable for the shared record password: {e}");
            Ok(None)
        }
    }
}

/// A credential file's text without its final newline; `None` when the file does not exist.
pub fn read_credential(path: &Path) -> Result<Option<Zeroizing<String>>, ServeError> {
    let unreadable = |source| ServeError::Credential {
        path: path.to_path_buf(),
        source,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    let mut raw = Zeroizing::new(Vec::new());
    file.take(MAX_CREDENTIAL_BYTES + 1)
        .read_to_end(&mut raw)
        .map_err(unreadable)?;
    let invalid = |what: &str| {
        unreadable(std::io::Error::new(
            std::io::ErrorKind::InvalidData,
            what.to_owned(),
        ))
    };
    if raw.len() as u64 > MAX_CREDENTIAL_BYTES {
        return Err(invalid("trop long (4 Kio au plus)"));
    }
    let text = std::str::from_utf8(&raw).map_err(|_| invalid("pas du texte UTF-8"))?;
    let password = text.trim_end_matches(['\r', '\n']);
    if password.is_empty() {
        return Err(invalid("vide"));
    }
    Ok(Some(Zeroizing::new(password.to_owned())))
}

/// Where the record is, for the logs: host, port and database, never the role nor a password.
pub fn endpoint_label(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(url) => format!(
            "{}:{}{}",
            url.host_str().unwrap_or("?"),
            url.port().unwrap_or(5432),
            url.path()
        ),
        Err(_) => "(invalid address)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_are_parsed_and_config_is_required() {
        let parsed = parse(&args(&[
            "--config",
            "/etc/chevet/serve.toml",
            "--status-port",
            "0",
        ]))
        .expect("parsed")
        .expect("options");
        assert_eq!(parsed.config, PathBuf::from("/etc/chevet/serve.toml"));
        assert_eq!(parsed.status_port, Some(0));
        assert_eq!(parsed.data_dir, None);
        assert_eq!(parse(&args(&["--help"])).expect("help"), None);
        for bad in [
            &["--status-port", "0"][..],
            &["--config", "a.toml", "--status-port", "70000"],
            &["--config", "a.toml", "--verbose"],
        ] {
            let e = parse(&args(bad)).expect_err("refused");
            assert!(matches!(e, ServeError::Usage(_)), "{e}");
            assert_eq!(e.exit_code(), 2);
        }
    }

    #[test]
    fn a_credential_file_loses_its_final_newline_only() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("shared-record");
        assert!(read_credential(&path).expect("absent").is_none());
        std::fs::write(&path, "  s3cret pass\n").expect("write");
        let password = read_credential(&path).expect("read").expect("present");
        assert_eq!(password.as_str(), "  s3cret pass");
        std::fs::write(&path, "\n").expect("write");
        assert!(read_credential(&path).is_err());
    }

    #[test]
    fn the_endpoint_label_holds_no_secret() {
        let label = endpoint_label("postgres://chevet_admin:hunter2@db.chu.fr:6432/chevet");
        assert_eq!(label, "db.chu.fr:6432/chevet");
        assert_eq!(endpoint_label("not a url"), "(invalid address)");
    }
}
