//! Chevet's entry point: command line, configuration, logging, the worker runtime (the only
//! place threads are created), and the native window. No logic lives here.

use std::io::Write;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, Result};
use chevet::app::{AppOptions, ChevetApp};
use chevet::config::Config;
use chevet::worker::{self, WorkerConfig};

const HELP: &str = "\
Chevet — poste de travail DPI (Ségur vague 2)

Usage: chevet [OPTIONS]

Sans configuration, Chevet démarre en mode SANDBOX : services simulés et données fictives.

Commandes d'exploitation :
  chevet cda inspect FICHIER [--with-identity]
                        ce que Chevet comprend d'un document CDA, en JSON
  chevet cda produce …  produit un document (voir chevet cda produce)
  chevet hl7 inspect FICHIER… [--with-identity]
                        ce que Chevet lit dans un message HL7 v2 reçu (en-tête, patient,
                        consentement ZFA, documents), en JSON
  chevet hl7 send FICHIER… --to HÔTE:PORT [--timeout-s N]
                        envoie des messages HL7 v2 en MLLP et affiche chaque accusé
                        (MSA, ERR) ; code 0 si tout est AA, 1 si AE/AR, 2 si illisible
  chevet xdm inspect ARCHIVE… [--with-identity]
                        ce que Chevet lit dans une archive IHE XDM (IHE_XDM.ZIP) : lots,
                        documents, tailles et empreintes, patient masqué, en JSON
  chevet dmp COMMANDE   transactions DMP (exists, authorize, find, get, hide, show,
                        delete, archive, feed, serve…) ; chevet dmp pour l'aide
  chevet serve --config FICHIER
                        processus d'établissement sans fenêtre (dossier partagé, tâches,
                        état sur 127.0.0.1) ; chevet serve --help pour l'aide
  chevet auth set-credential ID < secret
                        range l'identifiant client du fournisseur ID (secret, clé PEM)
                        dans le trousseau du système

Options:
  --config FICHIER      configuration de production (TOML, voir docs/configuration.md)
  --data-dir DOSSIER    dossier des données (base chiffrée, journaux)
  --lang fr|en          langue de l'interface
  --exit-after-first-frame
                        affiche le temps jusqu'à la première image puis quitte (mesure)
  --version             affiche la version
  -h, --help            affiche cette aide
";

struct Cli {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    lang: Option<String>,
    exit_after_first_frame: bool,
}

fn parse_cli() -> Result<Option<Cli>> {
    let mut args = pico_args::Arguments::from_env();
    let mut out = std::io::stdout();
    if args.contains(["-h", "--help"]) {
        out.write_all(HELP.as_bytes())?;
        return Ok(None);
    }
    if args.contains("--version") {
        writeln!(out, "chevet {}", env!("CARGO_PKG_VERSION"))?;
        return Ok(None);
    }
    let cli = Cli {
        config: args.opt_value_from_str("--config")?,
        data_dir: args.opt_value_from_str("--data-dir")?,
        lang: args.opt_value_from_str("--lang")?,
        exit_after_first_frame: args.contains("--exit-after-first-frame"),
    };
    let rest = args.finish();
    if !rest.is_empty() {
        anyhow::bail!("argument inconnu : {:?} (voir --help)", rest);
    }
    Ok(Some(cli))
}

/// Logs to a daily-rotated file in `<data dir>/logs` (14 files kept) and warnings to stderr.
fn init_logging(dir: &std::path::Path) -> Result<tracing_appender::non_blocking::WorkerGuard> {
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;
    use tracing_subscriber::{EnvFilter, Layer, fmt};

    std::fs::create_dir_all(dir).with_context(|| format!("création de {}", dir.display()))?;
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix("chevet")
        .filename_suffix("log")
        .max_log_files(14)
        .build(dir)
        .context("journal")?;
    let (writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env("CHEVET_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,wgpu=warn,naga=warn,eframe=warn,egui_wgpu=warn"));
    tracing_subscriber::registry()
        .with(
            fmt::layer()
                .with_writer(writer)
                .with_ansi(false)
                .with_filter(filter),
        )
        .with(
            fmt::layer()
                .with_writer(std::io::stderr)
                .with_filter(tracing_subscriber::filter::LevelFilter::WARN),
        )
        .init();
    Ok(guard)
}

fn main() -> Result<std::process::ExitCode> {
    let started = Instant::now();
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "serve") {
        return Ok(chevet::serve::run(&args[1..]));
    }
    if args.first().is_some_and(|a| a == "dmp") {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("chevet-cli-worker")
            .enable_all()
            .build()?;
        let code = chevet::cli::dmp::run(&args[1..], &rt, &mut std::io::stdout().lock())?;
        rt.shutdown_timeout(std::time::Duration::from_secs(1));
        return Ok(code);
    }
    if args.first().is_some_and(|a| a == "hl7") {
        let code = chevet::cli::hl7::run(
            &args[1..],
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )?;
        return Ok(code);
    }
    if args.first().is_some_and(|a| a == "annuaire") {
        let code = chevet::cli::annuaire::run(
            &args[1..],
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )?;
        return Ok(code);
    }
    if args.first().is_some_and(|a| a == "export" || a == "import") {
        let (out, err) = (&mut std::io::stdout().lock(), &mut std::io::stderr().lock());
        let code = if args[0] == "export" {
            chevet::cli::portability::run_export(&args[1..], out, err)?
        } else {
            chevet::cli::portability::run_import(&args[1..], out, err)?
        };
        return Ok(code);
    }
    if args.first().is_some_and(|a| a == "insi") {
        let code = chevet::cli::insi::run(
            &args[1..],
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )?;
        return Ok(code);
    }
    if args.first().is_some_and(|a| a == "backup") {
        let code = chevet::cli::backup::run(
            &args[1..],
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )?;
        return Ok(code);
    }
    if args.first().is_some_and(|a| a == "indicators") {
        let code = chevet::cli::indicators::run(
            &args[1..],
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )?;
        return Ok(code);
    }
    if args.first().is_some_and(|a| a == "xdm") {
        let code = chevet::cli::xdm::run(
            &args[1..],
            &mut std::io::stdout().lock(),
            &mut std::io::stderr().lock(),
        )?;
        return Ok(code);
    }
    if chevet::cli::is_command(&args) {
        return Ok(chevet::cli::run(&args, &mut std::io::stdout().lock())?);
    }
    let Some(cli) = parse_cli()? else {
        return Ok(std::process::ExitCode::SUCCESS);
    };
    let config = Config::resolve(cli.config.as_deref(), cli.data_dir, cli.lang.as_deref())?;
    let log_dir = config.data_dir.join("logs");
    let _log_guard = init_logging(&log_dir)?;
    tracing::info!(
        version = env!("CARGO_PKG_VERSION"),
        sandbox = config.is_sandbox(),
        "Chevet starting"
    );

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("chevet-worker")
        .enable_all()
        .build()
        .context("runtime des workers")?;

    // What the window talks to: the configured services, or the sandbox's simulators (kept
    // alive as long as the window by `_keep`).
    let keyrings = chevet::store::key::platform_keyrings();
    let services = services(&config, &runtime, &keyrings);
    let _keep = services.keep;

    let title = chevet::i18n::I18n::new(config.language).tr(if config.is_sandbox() {
        "app-window-title-sandbox"
    } else {
        "app-window-title"
    });
    let native_options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title(title)
            .with_app_id("fr.chevet.dpi")
            .with_inner_size([1280.0, 800.0])
            .with_min_inner_size([900.0, 600.0]),
        ..Default::default()
    };
    let options = AppOptions {
        sandbox: config.is_sandbox(),
        data_dir: config.data_dir.clone(),
        language: config.language,
        log_dir: Some(log_dir),
        inactivity: chevet::auth::lock::inactivity_limit(config.auth.inactivity_minutes),
        sandbox_ecps_url: services.ecps_url,
        demo_accounts: services.demo_accounts,
    };
    let shared_record = shared_record_target(&config, &keyrings);
    let worker_config = WorkerConfig {
        data_dir: config.data_dir.clone(),
        key_storage: config.key_storage,
        keyrings,
        demo: services.demo,
        establishment: config.establishment(),
        cda_limits: config.cda_limits,
        dmp: services.dmp,
        providers: services.providers,
        card: worker::CardConfig {
            pcsc: config.auth.pcsc.unwrap_or(true),
            virtual_card: services.virtual_card,
            trust: card_trust(&config),
        },
        // Single workstation: the workers listen (the sandbox's GAM and PFI send there);
        // establishment mode: `chevet serve` does.
        hl7_listen: if shared_record.is_some() {
            None
        } else {
            match config.hl7.listen.or(services.hl7_listen) {
                Some(listen) => Some((listen, config.hl7.listener_config()?)),
                None => None,
            }
        },
        outbox: outbox_settings(&config, services.pfi_address),
        annuaire: services.annuaire.clone(),
        insi: services.insi.clone(),
        shared_record,
        cache_days: config
            .shared_record
            .as_ref()
            .map_or(30, chevet::config::SharedRecordConfig::cache_days),
    };
    let handle = runtime.handle().clone();
    let exit_after_first_frame = cli.exit_after_first_frame;
    eframe::run_native(
        "Chevet",
        native_options,
        Box::new(move |cc| {
            let ctx = cc.egui_ctx.clone();
            let waker: worker::Waker = Arc::new(move || ctx.request_repaint());
            let (worker, events) = worker::start(&handle, worker_config, waker);
            let app = ChevetApp::new(worker, events, options);
            if exit_after_first_frame {
                return Ok(Box::new(FirstFrameProbe {
                    app,
                    started,
                    reported: false,
                }));
            }
            Ok(Box::new(app))
        }),
    )
    .map_err(|e| anyhow::anyhow!("fenêtre : {e}"))?;
    runtime.shutdown_timeout(std::time::Duration::from_secs(2));
    Ok(std::process::ExitCode::SUCCESS)
}

/// Establishment mode: where the shared record is, its password from the OS keyring (a
/// missing password is logged; the connection then says it was refused).
/// The outbox's settings: as configured, or in the sandbox a 2-minute delay to its DMP —
/// through its gateway when `CHEVET_SANDBOX_OUTBOX_ROUTE=pfi` (or `[outbox] route = "pfi"`
/// without an address).
fn outbox_settings(
    config: &Config,
    sandbox_pfi: Option<std::net::SocketAddr>,
) -> Option<chevet::outbox::OutboxSettings> {
    let establishment = config.establishment();
    let mut settings = match &config.outbox {
        Some(o) => o.settings(establishment.as_ref()),
        None if config.is_sandbox() => {
            let o = chevet::config::OutboxConfig {
                delay_minutes: Some(2),
                route: std::env::var("CHEVET_SANDBOX_OUTBOX_ROUTE").ok(),
                ..Default::default()
            };
            o.settings(establishment.as_ref())
        }
        None => return None,
    };
    if settings.pfi_address.is_none() {
        settings.pfi_address = sandbox_pfi;
    }
    Some(settings)
}

fn shared_record_target(
    config: &Config,
    keyrings: &[chevet::store::key::Keyring],
) -> Option<chevet::store::PgTarget> {
    let shared = config.shared_record.as_ref()?;
    let password =
        chevet::auth::providers::credential(keyrings, chevet::config::SHARED_RECORD_CREDENTIAL)
            .inspect_err(|e| tracing::error!("mot de passe de la base partagée : {e}"))
            .ok()
            .map(|secret| secret.to_string());
    Some(shared.target(password))
}

/// What the window talks to and shows beside the store.
#[derive(Default)]
struct Services {
    dmp: Option<chevet::dmp::setup::DmpEndpoint>,
    providers: Vec<chevet::auth::oidc::ProviderConfig>,
    virtual_card: Option<Box<dyn chevet::card::VirtualCard>>,
    demo: Option<Arc<dyn worker::DemoData>>,
    /// Where the workers listen for HL7 v2 when the configuration says nothing (the
    /// sandbox's loopback port, where its GAM and PFI send).
    hl7_listen: Option<std::net::SocketAddr>,
    demo_accounts: Vec<chevet::ui::login::DemoLogin>,
    /// The sandbox e-CPS page (approves CIBA requests).
    ecps_url: Option<String>,
    /// The sandbox gateway (PFI) the outbox sends to when its route is `pfi`.
    pfi_address: Option<std::net::SocketAddr>,
    /// The Annuaire Santé FHIR API (the sandbox's, or `[annuaire]` with its key).
    annuaire: Option<chevet::annuaire::fhir::AnnuaireSettings>,
    /// The INSi teleservice (the sandbox's, or `[insi]` with its key from the keyring).
    insi: Option<chevet::insi::InsiSettings>,
    /// Simulators to keep running as long as the window.
    keep: Vec<Box<dyn std::any::Any>>,
}

/// The configured services; in sandbox mode, the sandbox's.
fn services(
    config: &Config,
    runtime: &tokio::runtime::Runtime,
    keyrings: &[chevet::store::key::Keyring],
) -> Services {
    #[cfg(feature = "sandbox")]
    if config.is_sandbox() {
        return sandbox::services(runtime);
    }
    let _ = runtime;
    let dmp = config.dmp.as_ref().and_then(|dmp| {
        chevet::dmp::setup::DmpEndpoint::from_config(dmp)
            .inspect_err(|e| tracing::error!("DMP non configurable : {e}"))
            .ok()
    });
    let providers = config
        .auth
        .providers
        .iter()
        .filter_map(|entry| {
            chevet::auth::providers::provider_config(entry, keyrings)
                .inspect_err(|e| tracing::error!("fournisseur d'identité écarté : {e}"))
                .ok()
        })
        .collect();
    Services {
        dmp,
        providers,
        annuaire: config
            .annuaire
            .as_ref()
            .and_then(|a| a.api_settings(keyrings)),
        insi: config.insi.as_ref().and_then(|insi| {
            insi.settings(keyrings)
                .inspect_err(|e| tracing::error!("INSi non configurable : {e}"))
                .ok()
        }),
        ..Services::default()
    }
}

/// The sandbox's simulators and demo data (not in the production build).
#[cfg(feature = "sandbox")]
mod sandbox {
    use std::sync::Arc;

    use chevet::sandbox;

    use super::Services;

    /// Starts the sandbox DMP, Pro Santé Connect and hospital provider; the virtual card and
    /// the demo data. A simulator that cannot start is logged and left out: the rest works.
    pub(super) fn services(runtime: &tokio::runtime::Runtime) -> Services {
        // The demo physician's card from the test IGC-Santé (a vpcd card stays in `keep`).
        let mut keep: Vec<Box<dyn std::any::Any>> = Vec::new();
        let virtual_card = super::sandbox_card(&mut keep)
            .inspect_err(|e| tracing::warn!("carte virtuelle indisponible : {e}"))
            .ok()
            .flatten();
        let mut services = Services {
            demo: Some(Arc::new(sandbox::demo_data::SandboxDemo)),
            hl7_listen: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 2575))),
            demo_accounts: sandbox::demo_data::demo_logins(),
            virtual_card,
            keep,
            ..Services::default()
        };
        let today = chrono::Local::now().date_naive();
        let faults = std::env::var("CHEVET_SANDBOX_DMP_FAULTS")
            .ok()
            .and_then(|plan| {
                sandbox::dmp::faults::FaultPlan::parse(&plan)
                    .inspect_err(|e| tracing::warn!("{e}"))
                    .ok()
            })
            .unwrap_or_default();
        let started = runtime
            .block_on(sandbox::dmp::start(today, Arc::new(faults)))
            .map_err(|e| e.to_string())
            .and_then(|running| {
                let endpoint = running
                    .endpoint(Default::default())
                    .map_err(|e| e.to_string())?;
                Ok((endpoint, running))
            });
        match started {
            Ok((endpoint, running)) => {
                // The sandbox gateway in front of it, sending its ZAMs to the workers' port.
                match super::gateway(runtime, &endpoint) {
                    Ok(pfi) => {
                        services.pfi_address = Some(pfi.addr());
                        services.keep.push(Box::new(pfi));
                    }
                    Err(e) => tracing::warn!("passerelle PFI simulée indisponible : {e}"),
                }
                services.dmp = Some(endpoint);
                services.keep.push(Box::new(running));
            }
            Err(e) => tracing::error!("DMP simulé indisponible : {e}"),
        }
        // The sandbox Annuaire Santé API (faults from CHEVET_SANDBOX_ANNUAIRE_FAULTS, e.g.
        // "latency=3000" or "wave=504*3").
        let faults = std::env::var("CHEVET_SANDBOX_ANNUAIRE_FAULTS")
            .ok()
            .and_then(|plan| {
                sandbox::annuaire::server::FaultPlan::parse(&plan)
                    .inspect_err(|e| tracing::warn!("{e}"))
                    .ok()
            })
            .unwrap_or_default();
        match runtime.block_on(sandbox::annuaire::start(faults)) {
            Ok((running, settings)) => {
                services.annuaire = Some(settings);
                services.keep.push(Box::new(running));
            }
            Err(e) => tracing::error!("Annuaire Santé simulé indisponible : {e}"),
        }
        // The sandbox INSi (faults from CHEVET_SANDBOX_INSI_FAULTS, e.g. "latency=3000" or
        // "fault=insi_102*2").
        let faults = std::env::var("CHEVET_SANDBOX_INSI_FAULTS")
            .ok()
            .and_then(|plan| {
                sandbox::insi::FaultPlan::parse(&plan)
                    .inspect_err(|e| tracing::warn!("{e}"))
                    .ok()
            })
            .unwrap_or_default();
        match runtime.block_on(sandbox::insi::start(faults)) {
            Ok((settings, running)) => {
                services.insi = Some(settings);
                services.keep.push(Box::new(running));
            }
            Err(e) => tracing::error!("INSi simulé indisponible : {e}"),
        }
        let auto_approve = std::env::var("CHEVET_SANDBOX_ECPS_AUTO_APPROVE_S")
            .ok()
            .and_then(|s| s.parse::<u64>().ok())
            .map(std::time::Duration::from_secs);
        match runtime.block_on(sandbox::identity::SandboxIdentity::start(auto_approve)) {
            Ok(identity) => {
                services.providers = identity.providers();
                services.ecps_url = Some(identity.ecps_url());
                services.keep.push(Box::new(identity));
            }
            Err(e) => tracing::error!("Pro Santé Connect simulé indisponible : {e}"),
        }
        services
    }
}

/// The card trust: the configured IGC-Santé roots and revocation (`[card]`), or the sandbox's
/// test IGC-Santé. Unusable: logged, and every card is refused.
fn card_trust(config: &Config) -> Option<Arc<chevet::card::CardTrust>> {
    #[cfg(feature = "sandbox")]
    if config.is_sandbox() && config.card.trust_roots.is_empty() {
        return chevet::sandbox::card::sandbox_trust(&config.data_dir)
            .inspect_err(|e| tracing::error!("IGC-Santé de test indisponible : {e}"))
            .ok()
            .map(Arc::new);
    }
    match config.card.card_trust(&config.data_dir) {
        Ok(trust) => Some(Arc::new(trust)),
        Err(chevet::card::TrustError::NotConfigured) => {
            tracing::warn!("aucune racine IGC-Santé ([card] trust_roots) : cartes CPS refusées");
            None
        }
        Err(e) => {
            tracing::error!("racines IGC-Santé inutilisables, cartes CPS refusées : {e}");
            None
        }
    }
}

/// The sandbox's virtual card: the demo physician's, issued by the test IGC-Santé.
/// `CHEVET_SANDBOX_CARD` picks its kind (`genuine`, `revoked`, `expired`, `forged`,
/// `forged-ca`); with `CHEVET_SANDBOX_CARD_VPCD=1` it is plugged into pcscd's vpcd reader
/// (port 35963) instead of the in-process one (`None` then), until the window closes.
#[cfg(feature = "sandbox")]
fn sandbox_card(
    keep: &mut Vec<Box<dyn std::any::Any>>,
) -> Result<Option<Box<dyn chevet::card::VirtualCard>>, chevet::sandbox::card::VirtualCardError> {
    use chevet::sandbox::card::{self, CardKind};
    let kind: CardKind = std::env::var("CHEVET_SANDBOX_CARD")
        .unwrap_or_default()
        .parse()?;
    let virtual_card = card::pki::shared()?.demo_physician(kind)?;
    if std::env::var("CHEVET_SANDBOX_CARD_VPCD").as_deref() != Ok("1") {
        return Ok(Some(Box::new(card::VirtualChannel::new(virtual_card))));
    }
    /// Stops the vpcd card when the window closes.
    struct StopVpcd(Arc<std::sync::atomic::AtomicBool>);
    impl Drop for StopVpcd {
        fn drop(&mut self) {
            self.0.store(true, std::sync::atomic::Ordering::Relaxed);
        }
    }
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = Arc::clone(&stop);
    let addr = std::net::SocketAddr::from(([127, 0, 0, 1], card::VPCD_PORT));
    let spawned = std::thread::Builder::new()
        .name("chevet-sandbox-vpcd".into())
        .spawn(move || {
            if let Err(e) = card::serve_vpcd(addr, virtual_card, flag) {
                tracing::warn!("carte virtuelle sur vpcd arrêtée : {e}");
            }
        });
    match spawned {
        Ok(_) => keep.push(Box::new(StopVpcd(stop))),
        Err(e) => tracing::warn!("carte virtuelle sur vpcd non démarrée : {e}"),
    }
    Ok(None)
}

/// The sandbox gateway (PFI) on a loopback port, in front of the sandbox DMP.
#[cfg(feature = "sandbox")]
fn gateway(
    runtime: &tokio::runtime::Runtime,
    dmp: &chevet::dmp::setup::DmpEndpoint,
) -> Result<chevet::sandbox::pfi::SandboxPfi, String> {
    let client = dmp.client().map_err(|e| e.to_string())?;
    let mut config = chevet::sandbox::pfi::PfiConfig::new(client);
    config.ack_to = Some(std::net::SocketAddr::from(([127, 0, 0, 1], 2575)));
    runtime
        .block_on(chevet::sandbox::pfi::SandboxPfi::start(config))
        .map_err(|e| e.to_string())
}

/// Measures process start to the end of the first frame, prints it, and closes the window.
struct FirstFrameProbe {
    app: ChevetApp,
    started: Instant,
    reported: bool,
}

impl eframe::App for FirstFrameProbe {
    fn ui(&mut self, ui: &mut egui::Ui, frame: &mut eframe::Frame) {
        eframe::App::ui(&mut self.app, ui, frame);
        if !self.reported {
            self.reported = true;
            let elapsed_ms = self.started.elapsed().as_secs_f64() * 1000.0;
            let _ = writeln!(std::io::stdout(), "first_frame_ms={elapsed_ms:.1}");
            ui.ctx().send_viewport_cmd(egui::ViewportCommand::Close);
        }
    }
}
