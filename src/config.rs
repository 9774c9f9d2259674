//! Configuration: sandbox by default; `--config FILE` (TOML) selects production endpoints and
//! options; `--data-dir` chooses where data lives. See `docs/configuration.md`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::i18n::Language;
use crate::store::KeyStorage;

/// Whether Chevet talks to simulators or to the real services.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Sandbox,
    Production,
}

/// `[store]` section.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StoreConfig {
    #[serde(default)]
    pub key_storage: KeyStorage,
}

/// `[cda]` section: limits of the CDA parser (documents beyond them are refused clearly).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CdaConfig {
    /// Largest document accepted, in MiB (default 64).
    pub max_document_mib: Option<usize>,
    /// Deepest XML nesting accepted (default 256).
    pub max_depth: Option<usize>,
}

/// `[hl7]` section: the MLLP listener of `chevet serve` (establishment mode), where the
/// messaging gateway (PFI) and the patient administration (GAM) send HL7 v2.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Hl7Config {
    /// Address and port to listen on, e.g. `"0.0.0.0:2575"` (absent: no listener).
    pub listen: Option<std::net::SocketAddr>,
    /// Connections served at once (default 64).
    pub max_connections: Option<usize>,
    /// Largest message accepted, in MiB (default 32).
    pub max_message_mib: Option<usize>,
    /// Seconds without a byte before a connection is closed (default 300).
    pub idle_timeout_secs: Option<u64>,
    /// MSH-3/MSH-4 of the ACK sent for an unreadable message (default `CHEVET`, empty).
    pub application: Option<String>,
    pub facility: Option<String>,
    /// MLLP over TLS: the server certificate chain and its key (PEM files); both or neither.
    pub tls_certificate: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// With TLS: senders must present a certificate issued by this CA (PEM).
    pub tls_client_ca: Option<PathBuf>,
}

impl Hl7Config {
    /// The listener's settings; the TLS files are read here (a configuration error stops the
    /// start).
    pub fn listener_config(
        &self,
    ) -> Result<crate::hl7::listener::ListenerConfig, crate::hl7::tls::TlsSetupError> {
        let default = crate::hl7::listener::ListenerConfig::default();
        let tls = match (&self.tls_certificate, &self.tls_key) {
            (Some(cert), Some(key)) => Some(crate::hl7::tls::server_config(
                cert,
                key,
                self.tls_client_ca.as_deref(),
            )?),
            (None, None) => None,
            _ => {
                return Err(crate::hl7::tls::TlsSetupError::Config(
                    "tls_certificate et tls_key vont ensemble".to_owned(),
                ));
            }
        };
        Ok(crate::hl7::listener::ListenerConfig {
            max_connections: self
                .max_connections
                .unwrap_or(default.max_connections)
                .max(1),
            max_frame_bytes: self.max_message_mib.map_or(default.max_frame_bytes, |mib| {
                mib.saturating_mul(1024 * 1024)
            }),
            idle_timeout: self.idle_timeout_secs.map_or(default.idle_timeout, |s| {
                std::time::Duration::from_secs(s.max(1))
            }),
            application: self.application.clone().unwrap_or(default.application),
            facility: self.facility.clone().unwrap_or(default.facility),
            tls,
            ..default
        })
    }
}

/// `[establishment]` section: who this installation is.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EstablishmentConfig {
    pub name: Option<String>,
    /// FINESS géographique of the site.
    pub finess_geo: Option<String>,
    /// OID under which this establishment assigns IPPs.
    pub ipp_oid: Option<String>,
    /// OID under which this establishment numbers the documents it produces.
    pub document_oid: Option<String>,
}

/// `[shared_record]` section: establishment mode. The record lives in the establishment's
/// PostgreSQL database; the workstation keeps an encrypted cache of what it opened. The
/// password is never here: it is in the OS keyring (`chevet auth set-credential shared-record`),
/// or, for `chevet serve` under systemd, in the service's credential `shared-record`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedRecordConfig {
    /// `postgres://ROLE@HOST:PORT/DATABASE` (no password).
    pub url: String,
    /// PEM file of the CA that signed the database server's certificate.
    pub ca_file: PathBuf,
    /// Schema holding Chevet's tables, when not the role's default search path.
    pub schema: Option<String>,
    /// Days a folder opened on this workstation stays in its cache (default 30).
    pub cache_days: Option<u32>,
    /// How long to wait for the server before working from the cache (default 3 s).
    pub connect_timeout_secs: Option<u64>,
    /// Loopback port of `chevet serve`'s health and status endpoint (default 8471).
    pub serve_status_port: Option<u16>,
}

/// The keyring entry (provider id) holding the shared record's password.
pub const SHARED_RECORD_CREDENTIAL: &str = "shared-record";

impl SharedRecordConfig {
    /// Where to connect, with the password found by the caller.
    pub fn target(&self, password: Option<String>) -> crate::store::PgTarget {
        crate::store::PgTarget {
            url: self.url.clone(),
            password,
            ca_file: self.ca_file.clone(),
            connect_timeout: std::time::Duration::from_secs(
                self.connect_timeout_secs.unwrap_or(3).max(1),
            ),
            schema: self.schema.clone(),
        }
    }

    /// Days a folder stays in the workstation's cache.
    pub fn cache_days(&self) -> u32 {
        self.cache_days.unwrap_or(30)
    }

    /// Port of `chevet serve`'s status endpoint.
    pub fn serve_status_port(&self) -> u16 {
        self.serve_status_port.unwrap_or(8471)
    }
}

/// The configuration file, all fields optional.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub mode: Option<Mode>,
    pub data_dir: Option<PathBuf>,
    pub language: Option<String>,
    #[serde(default)]
    pub store: StoreConfig,
    #[serde(default)]
    pub establishment: EstablishmentConfig,
    #[serde(default)]
    pub cda: CdaConfig,
    /// The DMP endpoint and certificates (production).
    pub dmp: Option<crate::dmp::setup::DmpConfig>,
    /// OpenID providers, card readers, inactivity lock.
    #[serde(default)]
    pub auth: crate::auth::providers::AuthConfig,
    /// Establishment mode: the shared PostgreSQL record (absent: single workstation).
    pub shared_record: Option<SharedRecordConfig>,
    /// The HL7 v2 listener of `chevet serve`.
    #[serde(default)]
    pub hl7: Hl7Config,
    /// Feeding the DMP (absent in production: documents are not queued).
    pub outbox: Option<OutboxConfig>,
    /// The Annuaire Santé: its API and the bulk extract the local directory is imported from.
    pub annuaire: Option<AnnuaireConfig>,
    /// Which CPS cards are trusted: the IGC-Santé roots, revocation lists (docs/card.md).
    #[serde(default)]
    pub card: crate::card::settings::CardSettings,
    /// The INSi teleservice (absent: the INS cannot be looked up).
    pub insi: Option<crate::insi::InsiConfig>,
}

/// `[annuaire]`: where the local directory comes from and the API that completes it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnuaireConfig {
    /// The FHIR API (default: the national `gateway.api.esante.gouv.fr/fhir/v2`); its key is
    /// the keyring credential `annuaire-sante` (`chevet auth set-credential annuaire-sante`).
    pub api_url: Option<String>,
    /// Searches may ask the API (default true when a key is in the keyring).
    pub online: Option<bool>,
    /// The bulk extract `chevet serve` imports every day: a file path (dropped by the
    /// establishment's scheduled download) or an `https://` URL.
    pub extract: Option<String>,
    /// PEM file of the authority of the extract's server (IGC-Santé is in no public store).
    pub extract_ca_file: Option<PathBuf>,
    /// Local hour of the daily import (default 5).
    pub refresh_hour: Option<u32>,
}

impl AnnuaireConfig {
    /// The API's settings, with the key from the keyring; `None` without a key or when off.
    pub fn api_settings(
        &self,
        keyrings: &[crate::store::key::Keyring],
    ) -> Option<crate::annuaire::fhir::AnnuaireSettings> {
        if self.online == Some(false) {
            return None;
        }
        let key = crate::auth::providers::credential(
            keyrings,
            crate::annuaire::fhir::transport::CREDENTIAL_ID,
        )
        .ok()?;
        Some(match &self.api_url {
            Some(url) => crate::annuaire::fhir::AnnuaireSettings::with_base_url(url, key),
            None => crate::annuaire::fhir::AnnuaireSettings::new(key),
        })
    }
}

/// `[outbox]`: how validated documents reach the DMP.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboxConfig {
    /// `dmp` (direct, ITI-41; the default) or `pfi` (through the hospital's gateway, HL7 v2).
    pub route: Option<String>,
    /// Minutes between validation and sending, to hold or cancel (default 10).
    pub delay_minutes: Option<u64>,
    /// The gateway's MLLP address (`pfi` route), e.g. `"10.0.0.5:2576"`.
    pub pfi_address: Option<std::net::SocketAddr>,
    /// MSH-5/MSH-6 of the gateway (default `PFI`, the establishment's FINESS).
    pub pfi_application: Option<String>,
    /// Lab reports go as ORU^R01 rather than MDM (default false).
    pub lab_as_oru: Option<bool>,
    /// Documents sent at the same time (default 8).
    pub concurrency: Option<usize>,
}

impl OutboxConfig {
    /// The outbox's settings for this establishment.
    pub fn settings(
        &self,
        establishment: Option<&crate::domain::Establishment>,
    ) -> crate::outbox::OutboxSettings {
        let mut s = crate::outbox::OutboxSettings::direct();
        if self.route.as_deref() == Some("pfi") {
            s.route = crate::domain::outbox::OutboxRoute::Pfi;
        }
        if let Some(m) = self.delay_minutes {
            s.delay = std::time::Duration::from_secs(m * 60);
        }
        s.pfi_address = self.pfi_address;
        if let Some(app) = &self.pfi_application {
            s.pfi.receiving_application = app.clone();
        }
        s.pfi.lab_as_oru = self.lab_as_oru.unwrap_or(false);
        if let Some(n) = self.concurrency {
            s.concurrency = n.clamp(1, 64);
        }
        if let Some(e) = establishment {
            s.pfi.sending_facility = e.finess.clone();
            s.pfi.receiving_facility = e.finess.clone();
            s.pfi.finess_geographique = e.finess.clone();
            s.pfi.structure_name = e.name.clone();
            s.ipp_authority_oid = e.ipp_oid.clone();
        }
        s
    }
}

/// The resolved configuration.
#[derive(Debug, Clone)]
pub struct Config {
    pub mode: Mode,
    pub data_dir: PathBuf,
    pub language: Language,
    pub key_storage: KeyStorage,
    pub establishment: EstablishmentConfig,
    pub cda_limits: crate::cda::Limits,
    pub dmp: Option<crate::dmp::setup::DmpConfig>,
    pub auth: crate::auth::providers::AuthConfig,
    /// Establishment mode when set; single workstation otherwise.
    pub shared_record: Option<SharedRecordConfig>,
    /// The HL7 v2 listener of `chevet serve`.
    pub hl7: Hl7Config,
    /// Feeding the DMP; the sandbox feeds its DMP after 2 minutes.
    pub outbox: Option<OutboxConfig>,
    /// The Annuaire Santé (the sandbox's simulator by default).
    pub annuaire: Option<AnnuaireConfig>,
    /// `[card]`: the card trust roots and revocation (the sandbox uses its test PKI).
    pub card: crate::card::settings::CardSettings,
    /// The INSi teleservice (the sandbox's simulator by default).
    pub insi: Option<crate::insi::InsiConfig>,
}

/// Why the configuration could not be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read the configuration file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("invalid configuration file {path}: {message}")]
    Parse { path: PathBuf, message: String },
    #[error("unknown language {0:?} (expected fr or en)")]
    Language(String),
    #[error("no data directory could be determined; pass --data-dir")]
    NoDataDir,
    #[error(
        "this build of Chevet has no sandbox: give the establishment's configuration with \
         --config FILE (see docs/configuration.md)"
    )]
    NoSandbox,
}

/// Whether this build carries the sandbox (the `sandbox` cargo feature, on by default; the
/// production package is built without it).
pub const SANDBOX_BUILT_IN: bool = cfg!(feature = "sandbox");

impl Config {
    /// Builds the configuration from the command-line options.
    pub fn resolve(
        config_file: Option<&Path>,
        data_dir: Option<PathBuf>,
        language: Option<&str>,
    ) -> Result<Self, ConfigError> {
        let file = match config_file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                let mut parsed: FileConfig =
                    toml::from_str(&text).map_err(|e| ConfigError::Parse {
                        path: path.to_path_buf(),
                        message: e.message().to_owned(),
                    })?;
                // A configuration file means production unless it says otherwise.
                parsed.mode.get_or_insert(Mode::Production);
                parsed
            }
            None => FileConfig::default(),
        };
        let mode = file.mode.unwrap_or_default();
        if mode == Mode::Sandbox && !SANDBOX_BUILT_IN {
            return Err(ConfigError::NoSandbox);
        }
        let language_code = language.map(str::to_owned).or(file.language);
        let language = match language_code {
            Some(code) => Language::from_code(&code).ok_or(ConfigError::Language(code))?,
            None => Language::default(),
        };
        let data_dir = match data_dir.or(file.data_dir) {
            Some(dir) => dir,
            None => default_data_dir(mode).ok_or(ConfigError::NoDataDir)?,
        };
        Ok(Self {
            mode,
            data_dir,
            language,
            key_storage: file.store.key_storage,
            dmp: file.dmp,
            auth: file.auth,
            shared_record: file.shared_record,
            hl7: file.hl7,
            outbox: file.outbox,
            annuaire: file.annuaire,
            card: file.card,
            insi: file.insi,
            establishment: file.establishment,
            cda_limits: {
                let default = crate::cda::Limits::default();
                crate::cda::Limits {
                    max_bytes: file
                        .cda
                        .max_document_mib
                        .map_or(default.max_bytes, |mib| mib.saturating_mul(1024 * 1024)),
                    max_depth: file.cda.max_depth.unwrap_or(default.max_depth),
                }
            },
        })
    }

    pub fn is_sandbox(&self) -> bool {
        self.mode == Mode::Sandbox
    }

    /// True in establishment mode (the record is the shared PostgreSQL database).
    pub fn is_establishment(&self) -> bool {
        self.shared_record.is_some()
    }

    /// The establishment: the sandbox's fictitious hospital, or the configured one when all its
    /// fields are set (producing documents needs it; the rest of Chevet does not).
    pub fn establishment(&self) -> Option<crate::domain::Establishment> {
        #[cfg(feature = "sandbox")]
        if self.is_sandbox() {
            return Some(crate::sandbox::establishment());
        }
        let e = &self.establishment;
        Some(crate::domain::Establishment {
            name: e.name.clone()?,
            finess: e.finess_geo.clone()?,
            ipp_oid: e.ipp_oid.clone()?,
            document_oid: e.document_oid.clone()?,
        })
    }
}

/// The per-user data directory of the platform, with one sub-directory per mode so that demo
/// data never mixes with real data.
pub fn default_data_dir(mode: Mode) -> Option<PathBuf> {
    let base = platform_data_dir()?;
    Some(base.join("chevet").join(match mode {
        Mode::Sandbox => "sandbox",
        Mode::Production => "production",
    }))
}

fn platform_data_dir() -> Option<PathBuf> {
    let env_dir = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    if cfg!(target_os = "windows") {
        env_dir("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        env_dir("HOME").map(|h| h.join("Library/Application Support"))
    } else {
        env_dir("XDG_DATA_HOME").or_else(|| env_dir("HOME").map(|h| h.join(".local/share")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_configuration_means_sandbox() {
        let c = Config::resolve(None, Some("/tmp/x".into()), None).expect("config");
        assert!(c.is_sandbox());
        assert_eq!(c.language, Language::Fr);
        assert_eq!(c.key_storage, KeyStorage::Auto);
    }

    #[test]
    fn a_configuration_file_means_production_unless_it_says_sandbox() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chevet.toml");
        std::fs::write(
            &path,
            "language = \"en\"\n[store]\nkey_storage = \"file\"\n[establishment]\nname = \"CH\"\n[cda]\nmax_document_mib = 8\nmax_depth = 100\n",
        )
        .expect("write");
        let c = Config::resolve(Some(&path), Some("/tmp/x".into()), None).expect("config");
        assert_eq!(c.mode, Mode::Production);
        assert_eq!(c.language, Language::En);
        assert_eq!(c.key_storage, KeyStorage::File);
        assert_eq!(c.cda_limits.max_bytes, 8 * 1024 * 1024);
        assert_eq!(c.cda_limits.max_depth, 100);
        std::fs::write(&path, "mode = \"sandbox\"\n").expect("write");
        let c = Config::resolve(Some(&path), Some("/tmp/x".into()), Some("fr")).expect("config");
        assert!(c.is_sandbox());
    }

    #[test]
    fn the_hl7_listener_is_configured_by_its_address() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chevet.toml");
        std::fs::write(&path, "language = \"fr\"\n").expect("write");
        let c = Config::resolve(Some(&path), Some("/tmp/x".into()), None).expect("config");
        assert_eq!(c.hl7.listen, None, "no listener unless asked for");
        std::fs::write(
            &path,
            "[hl7]\nlisten = \"127.0.0.1:2575\"\nmax_connections = 4\nmax_message_mib = 2\nidle_timeout_secs = 60\nfacility = \"CHU_X\"\n",
        )
        .expect("write");
        let c = Config::resolve(Some(&path), Some("/tmp/x".into()), None).expect("config");
        assert_eq!(
            c.hl7.listen,
            Some("127.0.0.1:2575".parse().expect("address"))
        );
        let listener = c.hl7.listener_config().expect("no TLS files to read");
        assert_eq!(
            (listener.max_connections, listener.max_frame_bytes),
            (4, 2 * 1024 * 1024)
        );
        assert_eq!(listener.idle_timeout, std::time::Duration::from_secs(60));
        assert_eq!(
            (listener.application.as_str(), listener.facility.as_str()),
            ("CHEVET", "CHU_X")
        );
        std::fs::write(&path, "[hl7]\nlisten = \"nowhere\"\n").expect("write");
        assert!(Config::resolve(Some(&path), Some("/tmp/x".into()), None).is_err());
    }

    #[test]
    fn unknown_keys_and_languages_are_errors() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("chevet.toml");
        std::fs::write(&path, "colour = \"blue\"\n").expect("write");
        assert!(matches!(
            Config::resolve(Some(&path), None, None),
            Err(ConfigError::Parse { .. })
        ));
        assert!(matches!(
            Config::resolve(None, Some("/tmp".into()), Some("de")),
            Err(ConfigError::Language(_))
        ));
    }
}
