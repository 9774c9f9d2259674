//! `chevet annuaire …`: the local directory from a terminal. `search TEXT [--postal-code CP]
//! [--city VILLE] [--profession CODE|MOTS] [--limit N]` prints the entries found as JSON (best
//! first, `listeRouge` never); `import FICHIER` replaces the directory by a bulk extract (zip or
//! text) with progress on stderr; `generate FICHIER [--count N] [--seed S]` (sandbox builds)
//! writes a generated extract in the real format. `--config FILE` / `--data-dir DIR` choose the
//! store as the window would (the shared record in establishment mode).

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::AtomicBool;

use serde_json::json;

use super::CliError;
use super::common::setup;
use crate::domain::directory::{DirectoryHit, DirectoryQuery, DirectorySource};
use crate::store::{self, Store};

const USAGE: &str = "chevet annuaire [--config FICHIER] [--data-dir DOSSIER] \
    search TEXTE [--postal-code CP] [--city VILLE] [--profession CODE] [--limit N]\n       \
    chevet annuaire [--config FICHIER] [--data-dir DOSSIER] import FICHIER\n       \
    chevet annuaire generate FICHIER [--count N] [--seed S]";

/// Where the store is.
#[derive(Default)]
struct Place {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
}

/// Runs the command; progress and errors go to `err`.
pub fn run(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let mut place = Place::default();
    let mut rest = args;
    loop {
        match rest {
            [flag, value, tail @ ..] if flag == "--config" => {
                place.config = Some(PathBuf::from(value));
                rest = tail;
            }
            [flag, value, tail @ ..] if flag == "--data-dir" => {
                place.data_dir = Some(PathBuf::from(value));
                rest = tail;
            }
            _ => break,
        }
    }
    match rest {
        [sub, tail @ ..] if sub == "search" => search(&place, tail, out),
        [sub, file] if sub == "import" => import(&place, Path::new(file), out, err),
        #[cfg(feature = "sandbox")]
        [sub, file, tail @ ..] if sub == "generate" => generate(Path::new(file), tail, out),
        _ => Err(CliError::Usage(USAGE)),
    }
}

fn search(place: &Place, args: &[String], out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let mut query = DirectoryQuery {
        limit: 20,
        ..DirectoryQuery::default()
    };
    let mut words = Vec::new();
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(CliError::Usage(USAGE));
        match arg.as_str() {
            "--postal-code" => query.postal_code = Some(value()?),
            "--city" => query.city = Some(value()?),
            "--profession" => query.profession = Some(value()?),
            "--limit" => {
                query.limit = value()?.parse().map_err(|_| CliError::Usage(USAGE))?;
            }
            a if a.starts_with("--") => return Err(CliError::Usage(USAGE)),
            a => words.push(a.to_owned()),
        }
    }
    query.text = words.join(" ");
    let store = open(place, false)?;
    let started = std::time::Instant::now();
    let hits = store::directory::search(&store, &query).map_err(setup)?;
    let elapsed_ms = started.elapsed().as_secs_f64() * 1000.0;
    let report = json!({
        "count": hits.len(),
        "elapsed_ms": (elapsed_ms * 100.0).round() / 100.0,
        "entries": hits.iter().map(hit_json).collect::<Vec<_>>(),
    });
    super::common::print_json(out, &report)?;
    Ok(if hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// One entry as JSON (public directory data: professionals and organisations).
pub fn hit_json(h: &DirectoryHit) -> serde_json::Value {
    let e = &h.entry;
    json!({
        "rank": format!("{:?}", h.rank),
        "kind": e.kind.code(),
        "mailbox": e.mailbox,
        "rpps": e.rpps(),
        "national_id": e.national_id,
        "civility": e.civility,
        "family_name": e.family_name,
        "given_name": e.given_name,
        "profession": { "code": e.profession_code, "label": e.profession_label },
        "specialty": { "code": e.specialty_code, "label": e.specialty_label },
        "organisation": e.organisation,
        "service": e.service,
        "address": e.address.one_line(),
        "postal_code": e.address.postal_code,
        "city": e.address.city(),
        "confirmed_at": match e.source {
            DirectorySource::Api { confirmed_at } => Some(confirmed_at.to_rfc3339()),
            DirectorySource::Extract => None,
        },
    })
}

fn import(
    place: &Place,
    file: &Path,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let mut store = open(place, true)?;
    let started = std::time::Instant::now();
    let cancel = AtomicBool::new(false);
    let outcome = crate::annuaire::import::run(&mut store, file, &cancel, |p| {
        let _ = writeln!(
            err,
            "{:>5.1} % · {} entrées · {} lignes écartées",
            p.fraction() * 100.0,
            p.entries,
            p.skipped
        );
    });
    match outcome {
        Ok(info) => {
            let report = json!({
                "entries": info.entries,
                "skipped": info.skipped,
                "source": info.source,
                "seconds": (started.elapsed().as_secs_f64() * 10.0).round() / 10.0,
            });
            super::common::print_json(out, &report)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            writeln!(err, "{e}")?;
            Ok(ExitCode::from(2))
        }
    }
}

#[cfg(feature = "sandbox")]
fn generate(file: &Path, args: &[String], out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let mut count = 100_000usize;
    let mut seed = 16u64;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let value = it.next().ok_or(CliError::Usage(USAGE))?;
        match arg.as_str() {
            "--count" => count = value.parse().map_err(|_| CliError::Usage(USAGE))?,
            "--seed" => seed = value.parse().map_err(|_| CliError::Usage(USAGE))?,
            _ => return Err(CliError::Usage(USAGE)),
        }
    }
    let zip = file
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("zip"));
    let bytes = crate::sandbox::annuaire::generate::write_extract(file, seed, count, zip).map_err(
        |source| CliError::Read {
            path: file.to_path_buf(),
            source,
        },
    )?;
    writeln!(out, "{{\"rows\": {count}, \"bytes\": {bytes}}}")?;
    Ok(ExitCode::SUCCESS)
}

/// The store the window would open (see [`super::common::open_store`]).
fn open(place: &Place, writing: bool) -> Result<Store, CliError> {
    let config = super::common::config(place.config.as_deref(), place.data_dir.clone())?;
    super::common::open_store(&config, writing)
}
