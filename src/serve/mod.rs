//! `chevet serve`: the establishment's headless process (same binary, no window). It owns the
//! shared record (connects as the schema's owner, migrates it under the advisory lock, grants
//! the workstations' role), runs the jobs that belong to the establishment, exposes a health
//! and status endpoint on 127.0.0.1, logs technical facts only to stderr (journald), and stops
//! cleanly on SIGTERM or SIGINT.
//!
//! Jobs ([`jobs::Job`]), each on its own named thread with a stop signal and a status:
//! - `record` (implemented, [`record`]): migrations, the sandbox's demo data in an empty
//!   record, a check every 10 s, reconnection with backoff;
//! - `hl7-listener` (when `[hl7] listen` is set, [`hl7`]): the MLLP listener the gateway
//!   (PFI) and the patient administration (GAM) push HL7 v2 to; each message is journalled in
//!   the shared record before its AA;
//! - `dmp-outbox`: the outbox's lanes feeding the DMP, directly or through the gateway (`[outbox]`);
//! - `directory-sync`: the local directory of MSSanté mailboxes, imported every day from the
//!   bulk extract and completed by the Annuaire Santé API (`[annuaire]`).
//!
//! Jobs not configured or not yet written are listed as "not configured". Files: [`options`] (command line,
//! password), [`supervisor`] (runtime, signals, stop), [`http`] (the endpoint), [`status`]
//! (what it reports). See `docs/configuration.md` and `packaging/chevet-serve.service`.

pub mod directory;
pub mod hl7;
pub mod http;
pub mod jobs;
pub mod options;
pub mod outbox;
pub mod record;
pub mod status;
pub mod supervisor;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::Config;

/// Why `chevet serve` could not run (its texts are French: they reach the operator as is).
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("usage : {0}")]
    Usage(String),
    #[error("configuration inutilisable : {0}")]
    Config(#[from] crate::config::ConfigError),
    #[error(
        "la configuration n'a pas de section [shared_record] : chevet serve sert le dossier \
         partagé de l'établissement (PostgreSQL) ; voir docs/configuration.md"
    )]
    NoSharedRecord,
    #[error("mot de passe de la base partagée illisible ({path}) : {source}")]
    Credential {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("port d'état 127.0.0.1:{port} indisponible : {source}")]
    Bind { port: u16, source: std::io::Error },
    #[error("écoute HL7 impossible sur {addr} : {source}")]
    Hl7Bind {
        addr: std::net::SocketAddr,
        source: std::io::Error,
    },
    #[error("écoute HL7 en TLS impossible : {0}")]
    Hl7Tls(#[from] crate::hl7::tls::TlsSetupError),
    #[error("démarrage impossible : {0}")]
    Runtime(std::io::Error),
    #[error("tâche {job} non démarrée : {source}")]
    Spawn {
        job: &'static str,
        source: std::io::Error,
    },
    #[error("la tâche {job} s'est arrêtée sur une erreur interne")]
    Panicked { job: &'static str },
    #[error("dossier partagé inutilisable : {detail}")]
    Store { detail: String, retryable: bool },
    #[error("sortie standard : {0}")]
    Output(std::io::Error),
}

impl ServeError {
    /// True when starting again later may succeed.
    pub fn is_retryable(&self) -> bool {
        match self {
            Self::Store { retryable, .. } => *retryable,
            Self::Bind { source, .. } | Self::Hl7Bind { source, .. } => {
                source.kind() == std::io::ErrorKind::AddrInUse
            }
            Self::Runtime(_) | Self::Spawn { .. } | Self::Panicked { .. } => true,
            _ => false,
        }
    }

    /// The process's exit code: 2 for a usage or configuration error, 1 otherwise.
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::Usage(_) | Self::Config(_) | Self::NoSharedRecord | Self::Credential { .. } => 2,
            _ => 1,
        }
    }
}

/// What the jobs and the signal handlers tell the supervisor.
#[derive(Debug)]
pub enum Control {
    /// The record is migrated at this version: the process is ready.
    Ready { schema_version: u32 },
    /// A job cannot go on; the process stops with this error.
    Fatal(ServeError),
    /// SIGTERM or SIGINT (its name).
    Signal(&'static str),
}

/// Runs `chevet serve ARGS…`; errors are written to stderr and become the exit code.
pub fn run(args: &[String]) -> ExitCode {
    match run_inner(args) {
        Ok(code) => code,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "chevet serve : {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

fn run_inner(args: &[String]) -> Result<ExitCode, ServeError> {
    let Some(options) = options::parse(args)? else {
        std::io::stdout()
            .write_all(options::USAGE.as_bytes())
            .map_err(ServeError::Output)?;
        return Ok(ExitCode::SUCCESS);
    };
    let config = Config::resolve(Some(&options.config), options.data_dir, None)?;
    let shared_record = config
        .shared_record
        .clone()
        .ok_or(ServeError::NoSharedRecord)?;
    init_logging();
    let status_port = options
        .status_port
        .unwrap_or_else(|| shared_record.serve_status_port());
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        sandbox = config.is_sandbox(),
        record = %options::endpoint_label(&shared_record.url),
        schema = shared_record.schema.as_deref().unwrap_or("(search path)"),
        data_dir = %config.data_dir.display(),
        status_port,
        hl7_listen = ?config.hl7.listen,
        "chevet serve starting"
    );
    // Read before the runtime starts: a keyring may run its own.
    let password = options::shared_record_password(&shared_record.url)?;
    let target = shared_record.target(password.map(|p| p.as_str().to_owned()));
    let directory = directory_setup(&config, &target);
    supervisor::serve(supervisor::Setup {
        target,
        demo: demo_data(&config),
        status_port,
        hl7: match config.hl7.listen {
            Some(listen) => Some((listen, config.hl7.listener_config()?)),
            None => None,
        },
        outbox: outbox_setup(&config),
        directory,
    })?;
    Ok(ExitCode::SUCCESS)
}

/// The outbox job's settings and DMP client, when `[outbox]` is configured and its route has
/// somewhere to send (the DMP configured, or the gateway's address).
fn outbox_setup(
    config: &Config,
) -> Option<(
    crate::outbox::OutboxSettings,
    Option<crate::dmp::client::DmpClient>,
)> {
    let settings = config
        .outbox
        .as_ref()?
        .settings(config.establishment().as_ref());
    let dmp = config.dmp.as_ref().and_then(|d| {
        let endpoint = crate::dmp::setup::DmpEndpoint::from_config(d)
            .map_err(|e| tracing::warn!("dmp-outbox: the DMP is not usable: {e}"))
            .ok()?;
        endpoint
            .client()
            .map_err(|e| tracing::warn!("dmp-outbox: the DMP is not usable: {e}"))
            .ok()
    });
    let can_send = match settings.route {
        crate::domain::outbox::OutboxRoute::Dmp => dmp.is_some(),
        crate::domain::outbox::OutboxRoute::Pfi => settings.pfi_address.is_some(),
    };
    can_send.then_some((settings, dmp))
}

/// The directory job's settings, when `[annuaire]` names an extract or the API has a key.
fn directory_setup(
    config: &Config,
    target: &crate::store::PgTarget,
) -> Option<directory::DirectoryJob> {
    let annuaire = config.annuaire.as_ref()?;
    let api = annuaire.api_settings(&crate::store::key::platform_keyrings());
    if annuaire.extract.is_none() && api.is_none() {
        return None;
    }
    Some(directory::DirectoryJob {
        target: target.clone(),
        extract: annuaire.extract.clone(),
        extract_ca_file: annuaire.extract_ca_file.clone(),
        api,
        refresh_hour: annuaire.refresh_hour.unwrap_or(5).min(23),
        work_dir: config.data_dir.join("annuaire"),
    })
}

/// Logs to stderr (journald collects it), level from `CHEVET_LOG` (default `info`).
fn init_logging() {
    use std::io::IsTerminal;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer, fmt};

    let filter = EnvFilter::try_from_env("CHEVET_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_writer(std::io::stderr)
                .with_ansi(std::io::stderr().is_terminal())
                .with_filter(filter),
        )
        .try_init();
}

/// The sandbox's demo data, seeded into an empty record when the configuration says
/// `mode = "sandbox"` (sandbox build only).
fn demo_data(config: &Config) -> Option<Box<dyn crate::worker::DemoData>> {
    #[cfg(feature = "sandbox")]
    if config.is_sandbox() {
        return Some(Box::new(crate::sandbox::demo_data::SandboxDemo));
    }
    let _ = config;
    None
}
