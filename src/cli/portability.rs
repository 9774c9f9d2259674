//! `chevet export …` and `chevet import …`: data portability from a terminal
//! (`docs/portability.md`). `export patient --ipp IPP [--out FICHIER]` writes one patient's
//! folder, `export all [--out FICHIER]` every patient (default: `<data dir>/exports`);
//! `import FICHIER` loads an archive into an EMPTY Chevet. Each prints a JSON summary (counts,
//! sizes, path; never an identity), progress on stderr. `--config FILE` / `--data-dir DIR`
//! choose the store as the window would (the shared record in establishment mode).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::CliError;
use crate::config::Config;
use crate::portability::{self, ExportScope, ImportLimits, PortabilityError};
use crate::store::Store;

const USAGE: &str = "chevet export [--config FICHIER] [--data-dir DOSSIER] \
    patient --ipp IPP [--out FICHIER]\n       \
    chevet export [--config FICHIER] [--data-dir DOSSIER] all [--out FICHIER]\n       \
    chevet import [--config FICHIER] [--data-dir DOSSIER] ARCHIVE";

/// Who the audit trail names for a command-line export or import.
const ACTOR: &str = "cli";

/// The store's place and what follows.
struct Args<'a> {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    rest: &'a [String],
}

fn place(args: &[String]) -> Args<'_> {
    let mut parsed = Args {
        config: None,
        data_dir: None,
        rest: args,
    };
    loop {
        match parsed.rest {
            [flag, value, tail @ ..] if flag == "--config" => {
                parsed.config = Some(PathBuf::from(value));
                parsed.rest = tail;
            }
            [flag, value, tail @ ..] if flag == "--data-dir" => {
                parsed.data_dir = Some(PathBuf::from(value));
                parsed.rest = tail;
            }
            _ => return parsed,
        }
    }
}

/// `chevet export …` (arguments after `export`).
pub fn run_export(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let args = place(args);
    let (ipp, file) = match args.rest {
        [sub, rest @ ..] if sub == "patient" => match rest {
            [flag, ipp] if flag == "--ipp" => (Some(ipp), None),
            [flag, ipp, o, file] if flag == "--ipp" && o == "--out" => (Some(ipp), Some(file)),
            [o, file, flag, ipp] if flag == "--ipp" && o == "--out" => (Some(ipp), Some(file)),
            _ => return Err(CliError::Usage(USAGE)),
        },
        [sub] if sub == "all" => (None, None),
        [sub, o, file] if sub == "all" && o == "--out" => (None, Some(file)),
        _ => return Err(CliError::Usage(USAGE)),
    };
    let (config, mut store) = open(&args, false)?;
    let started = std::time::Instant::now();
    let mut last = 0;
    let mut progress = |done: usize, total: usize| {
        if done == total || done >= last + 500 {
            last = done;
            let _ = writeln!(err, "{done} / {total} documents");
        }
    };
    let outcome = (|| {
        let scope = match ipp {
            Some(ipp) => ExportScope::Patient(portability::export::patient_by_ipp(&store, ipp)?),
            None => ExportScope::Establishment,
        };
        match file {
            Some(f) => {
                portability::export_to(&mut store, scope, Path::new(f), ACTOR, &mut progress)
            }
            None => portability::export_to_exports(
                &mut store,
                scope,
                &config.data_dir,
                ACTOR,
                &mut progress,
            ),
        }
    })();
    report(outcome, started, out, err)
}

/// `chevet import …` (arguments after `import`).
pub fn run_import(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let args = place(args);
    let [file] = args.rest else {
        return Err(CliError::Usage(USAGE));
    };
    let (_, mut store) = open(&args, true)?;
    let started = std::time::Instant::now();
    let mut last = 0;
    let outcome = portability::import_file(
        &mut store,
        Path::new(file),
        ACTOR,
        &ImportLimits::DEFAULT,
        &mut |done, total| {
            if done == total || done >= last + 500 {
                last = done;
                let _ = writeln!(err, "{done} / {total} documents");
            }
        },
    );
    report(outcome, started, out, err)
}

/// The summary as JSON with the time taken, or the error on stderr (exit code 2).
fn report<T: serde::Serialize>(
    outcome: Result<T, PortabilityError>,
    started: std::time::Instant,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    match outcome {
        Ok(summary) => {
            let mut value = serde_json::to_value(&summary)?;
            value["seconds"] = ((started.elapsed().as_secs_f64() * 10.0).round() / 10.0).into();
            super::common::print_json(out, &value)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => super::common::failed(err, crate::i18n::Language::Fr, e.message_id(), &e),
    }
}

/// The configuration and the store the window would open (created for an import into a new
/// data directory; see [`super::common::open_store`]).
fn open(args: &Args<'_>, importing: bool) -> Result<(Config, Store), CliError> {
    let config = super::common::config(args.config.as_deref(), args.data_dir.clone())?;
    let store = super::common::open_store(&config, importing)?;
    Ok((config, store))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue18_portability_usage_is_checked_before_any_store() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        for bad in [&["patient"][..], &["patient", "--out", "x"], &["some"], &[]] {
            let e = run_export(&args(bad), &mut out, &mut err).expect_err("usage");
            assert!(matches!(e, CliError::Usage(_)));
        }
        let e = run_import(&args(&["a.zip", "b.zip"]), &mut out, &mut err).expect_err("usage");
        assert!(matches!(e, CliError::Usage(_)));
    }
}
