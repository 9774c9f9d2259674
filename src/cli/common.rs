//! Steps shared by the commands that work on an installation (`annuaire`, `backup`,
//! `export`/`import`, `indicators`): its configuration from `--config`/`--data-dir`, the store the
//! window would open, and the result printed as JSON or as a French message with exit code 2.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::CliError;
use crate::config::Config;
use crate::i18n::Language;
use crate::store::{self, Store};

/// A setup failure (configuration, key, store) as the command line reports it.
pub(crate) fn setup(e: impl std::fmt::Display) -> CliError {
    CliError::Setup(e.to_string())
}

/// The configuration the window would use, from `--config` and `--data-dir`.
pub(crate) fn config(config: Option<&Path>, data_dir: Option<PathBuf>) -> Result<Config, CliError> {
    Config::resolve(config, data_dir, None).map_err(setup)
}

/// The store the window would open: the shared record in establishment mode (as its owner when
/// `writing`, which may migrate it; else as a workstation, which only checks its version), else
/// the workstation's encrypted file (created, with its key, when `writing` into a new data
/// directory).
pub(crate) fn open_store(config: &Config, writing: bool) -> Result<Store, CliError> {
    let keyrings = store::key::platform_keyrings();
    if let Some(shared) = &config.shared_record {
        let password =
            crate::auth::providers::credential(&keyrings, crate::config::SHARED_RECORD_CREDENTIAL)
                .ok()
                .map(|secret| secret.to_string());
        let target = shared.target(password);
        return if writing {
            Store::connect(&target)
        } else {
            Store::connect_workstation(&target)
        }
        .map_err(setup);
    }
    let path = config.data_dir.join(store::DB_FILE_NAME);
    let exists = path.exists();
    if !exists && !writing {
        return Err(CliError::Setup(format!(
            "aucune base Chevet dans {} : lancez Chevet une fois ou indiquez --data-dir",
            config.data_dir.display()
        )));
    }
    std::fs::create_dir_all(&config.data_dir).map_err(setup)?;
    let (key, _) = store::key::obtain_key(&config.data_dir, exists, config.key_storage, &keyrings)
        .map_err(setup)?;
    Store::open(&path, &key).map_err(setup)
}

/// Writes `value` as indented JSON and an end of line.
pub(crate) fn print_json(
    out: &mut dyn Write,
    value: &impl serde::Serialize,
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

/// A failed command: the French message (what happened, what to do) of `message_id` in
/// `language`, then the detail, on `err`; exit code 2.
pub(crate) fn failed(
    err: &mut dyn Write,
    language: Language,
    message_id: &str,
    detail: &dyn std::fmt::Display,
) -> Result<ExitCode, CliError> {
    let i18n = crate::i18n::I18n::new(language);
    writeln!(err, "{}", i18n.tr(message_id))?;
    writeln!(err, "({detail})")?;
    Ok(ExitCode::from(2))
}
