//! `chevet backup …`: backup and restore of the single-workstation store from a terminal.
//! `set-passphrase` sets the administrator's backup passphrase (the store's key wrapped under
//! it, kept in the store); `create [--to DOSSIER]` copies the store online into
//! `<data dir>/backups` (progress on stderr); `list [--to DOSSIER]` prints the backups with
//! their age, size and whether they verify; `restore SAUVEGARDE --data-dir NOUVEAU` restores a
//! backup folder into an empty data directory (another machine), re-keyed to a fresh key kept
//! in that machine's keyring (or key file). Passphrases are read from the terminal without
//! echo, or from the first line of `--passphrase-file` (scripts, tests); never from arguments.
//! Results are JSON on stdout; errors in French on stderr, exit code 2.

use std::io::{BufRead as _, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use serde_json::json;
use zeroize::Zeroizing;

use super::CliError;
use crate::backup::{self, BackupError, BackupOptions};
use crate::config::Config;
use crate::store::{self, Store};

const USAGE: &str = "chevet backup [--config FICHIER] [--data-dir DOSSIER] set-passphrase \
    [--passphrase-file FICHIER]\n       \
    chevet backup [--config FICHIER] [--data-dir DOSSIER] create [--to DOSSIER]\n       \
    chevet backup [--config FICHIER] [--data-dir DOSSIER] list [--to DOSSIER]\n       \
    chevet backup restore SAUVEGARDE --data-dir NOUVEAU_DOSSIER [--config FICHIER] \
    [--passphrase-file FICHIER]";

/// The command line, flags anywhere.
#[derive(Default)]
struct Args {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    passphrase_file: Option<PathBuf>,
    to: Option<PathBuf>,
    words: Vec<String>,
}

fn parse(args: &[String]) -> Result<Args, CliError> {
    let mut out = Args::default();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().map(PathBuf::from).ok_or(CliError::Usage(USAGE));
        match arg.as_str() {
            "--config" => out.config = Some(value()?),
            "--data-dir" => out.data_dir = Some(value()?),
            "--passphrase-file" => out.passphrase_file = Some(value()?),
            "--to" => out.to = Some(value()?),
            a if a.starts_with("--") => return Err(CliError::Usage(USAGE)),
            a => out.words.push(a.to_owned()),
        }
    }
    Ok(out)
}

/// Runs the command; progress, prompts and errors go to `err`.
pub fn run(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let args = parse(args)?;
    let config = super::common::config(args.config.as_deref(), args.data_dir.clone())?;
    let words: Vec<&str> = args.words.iter().map(String::as_str).collect();
    let result = match words.as_slice() {
        ["set-passphrase"] => set_passphrase(&args, &config, out, err),
        ["create"] => create(&args, &config, out, err),
        ["list"] => list(&args, &config, out),
        ["restore", folder] if args.data_dir.is_some() => {
            restore(&args, &config, Path::new(folder), out, err)
        }
        _ => return Err(CliError::Usage(USAGE)),
    };
    match result {
        Ok(code) => Ok(code),
        Err(e) => super::common::failed(err, config.language, e.message_id(), &e),
    }
}

/// The workstation's own store and its key; refused in establishment mode.
fn open(config: &Config) -> Result<(Store, store::DbKey), BackupError> {
    if config.shared_record.is_some() {
        return Err(BackupError::Establishment);
    }
    let path = config.data_dir.join(store::DB_FILE_NAME);
    if !path.exists() {
        return Err(store::StoreError::NotFound.into());
    }
    let keyrings = store::key::platform_keyrings();
    let (key, _) = store::key::obtain_key(&config.data_dir, true, config.key_storage, &keyrings)?;
    let store = Store::open(&path, &key)?;
    Ok((store, key))
}

fn backups_dir(args: &Args, config: &Config) -> PathBuf {
    args.to
        .clone()
        .unwrap_or_else(|| backup::backups_dir(&config.data_dir))
}

fn set_passphrase(
    args: &Args,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, BackupError> {
    let (mut store, key) = open(config)?;
    let (passphrase, confirmation) = match &args.passphrase_file {
        Some(file) => {
            let p = read_passphrase_file(file)?;
            (p.clone(), p)
        }
        None => (
            prompt(err, "Phrase de passe de sauvegarde : ")?,
            prompt(err, "La même, encore : ")?,
        ),
    };
    let record = backup::set_passphrase(&store, &key, &passphrase, &confirmation)?;
    store::audit::record(
        &mut store,
        "chevet backup",
        store::audit::AuditAction::SettingChanged,
        store::audit::AuditObject::Setting(backup::escrow::ESCROW_SETTING.to_owned()),
        "",
    )?;
    let report = json!({ "escrow": "set", "key_id": record.key_id, "kdf": record.kdf });
    super::common::print_json(out, &report)?;
    Ok(ExitCode::SUCCESS)
}

fn create(
    args: &Args,
    config: &Config,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, BackupError> {
    let (store, key) = open(config)?;
    let escrow = backup::load_escrow(&store)?.ok_or(BackupError::NoEscrow)?;
    let source = store.path().to_path_buf();
    let started = std::time::Instant::now();
    let mut last_percent = None;
    let entry = backup::create(
        &source,
        &key,
        &escrow,
        &backups_dir(args, config),
        &BackupOptions::default(),
        &AtomicBool::new(false),
        &mut |p| {
            let percent = (p.pages_done * 100).checked_div(p.pages_total).unwrap_or(0);
            if last_percent != Some(percent / 10) {
                last_percent = Some(percent / 10);
                let _ = writeln!(
                    err,
                    "{percent:>3} % · {} / {} pages",
                    p.pages_done, p.pages_total
                );
            }
        },
    )?;
    drop(store);
    let report = json!({
        "backup": entry.folder,
        "size_bytes": entry.size_bytes,
        "schema_version": entry.schema_version,
        "seconds": (started.elapsed().as_secs_f64() * 100.0).round() / 100.0,
    });
    super::common::print_json(out, &report)?;
    Ok(ExitCode::SUCCESS)
}

fn list(args: &Args, config: &Config, out: &mut dyn Write) -> Result<ExitCode, BackupError> {
    let now = chrono::Utc::now();
    let entries = backup::list(&backups_dir(args, config), true)?;
    let rows: Vec<_> = entries
        .iter()
        .map(|e| {
            json!({
                "backup": e.folder,
                "name": e.name,
                "created_at": e.created_at.map(store::utc_text),
                "age_days": e.age_days(now),
                "size_bytes": e.size_bytes,
                "schema_version": e.schema_version,
                "producer_version": e.producer_version,
                "verified": e.verified,
            })
        })
        .collect();
    super::common::print_json(out, &json!({ "backups": rows }))?;
    Ok(ExitCode::SUCCESS)
}

fn restore(
    args: &Args,
    config: &Config,
    folder: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, BackupError> {
    if config.shared_record.is_some() {
        return Err(BackupError::Establishment);
    }
    let passphrase = match &args.passphrase_file {
        Some(file) => read_passphrase_file(file)?,
        None => prompt(err, "Phrase de passe de la sauvegarde : ")?,
    };
    let keyrings = store::key::platform_keyrings();
    let report = backup::restore(
        folder,
        &passphrase,
        &config.data_dir,
        config.key_storage,
        &keyrings,
    )?;
    let key_home = match &report.key_origin {
        store::KeyOrigin::Keyring { store } => json!({ "keyring": store }),
        store::KeyOrigin::File { path, .. } => json!({ "file": path }),
    };
    let value = json!({
        "data_dir": report.data_dir,
        "schema_from": report.schema_from,
        "schema_now": report.schema_now,
        "key": key_home,
        "audit_rows": report.audit_rows,
        "audit_intact": report.audit_intact,
    });
    super::common::print_json(out, &value)?;
    Ok(if report.audit_intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(3)
    })
}

/// The first line of a passphrase file (its end of line is not part of it).
fn read_passphrase_file(path: &Path) -> Result<Zeroizing<String>, BackupError> {
    let text = Zeroizing::new(std::fs::read_to_string(path)?);
    Ok(Zeroizing::new(
        text.lines().next().unwrap_or_default().to_owned(),
    ))
}

/// Reads a line from standard input; without echo when it is a terminal (`stty -echo`).
fn prompt(err: &mut dyn Write, label: &str) -> Result<Zeroizing<String>, BackupError> {
    use std::io::IsTerminal as _;
    write!(err, "{label}")?;
    err.flush()?;
    let terminal = std::io::stdin().is_terminal();
    if terminal {
        set_echo(false);
    }
    let mut line = Zeroizing::new(String::new());
    let read = std::io::stdin().lock().read_line(&mut line);
    if terminal {
        set_echo(true);
        writeln!(err)?;
    }
    read?;
    let trimmed = line.trim_end_matches(['\r', '\n']).to_owned();
    Ok(Zeroizing::new(trimmed))
}

#[cfg(unix)]
fn set_echo(on: bool) {
    let _ = std::process::Command::new("stty")
        .arg(if on { "echo" } else { "-echo" })
        .stdin(std::process::Stdio::inherit())
        .status();
}

#[cfg(not(unix))]
fn set_echo(_on: bool) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue18_backup_usage_is_checked_before_any_store() {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert!(matches!(
            run(&args(&["frobnicate"]), &mut out, &mut err),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(
            run(&args(&["restore", "x"]), &mut out, &mut err),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(
            run(&args(&["list", "--bogus"]), &mut out, &mut err),
            Err(CliError::Usage(_))
        ));
    }
}
