//! `chevet indicators --from 2026-01 --to 2026-12 [--site FINESS]… [--type CODE]… [--csv]`:
//! the usage indicators computed from the store the window would open (the shared record in
//! establishment mode), printed as JSON — one object per FINESS géographique × document type ×
//! month, each indicator under its code — or, with `--csv`, written as the CSV file for French
//! Excel in `<data dir>/exports` (its path printed). Errors in French on stderr, exit code 2.
//!
//! `chevet indicators --rebuild`: recomputes the usage counters the report reads from the
//! sources (documents, outbox, receipts, received documents, the audit trail's DMP traces), in
//! one transaction — after an upgrade that could not fill them, or to repair them; prints the
//! number of counters written.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::json;

use super::CliError;
use crate::domain::indicators::{Indicator, IndicatorFilter, Month};
use crate::indicators;

const USAGE: &str = "chevet indicators [--config FICHIER] [--data-dir DOSSIER] --from AAAA-MM \
    --to AAAA-MM [--site FINESS]... [--type CODE]... [--csv] | --rebuild";

/// The command line, flags anywhere.
struct Args {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    filter: IndicatorFilter,
    csv: bool,
    /// Recompute the counters instead (no period needed).
    rebuild: bool,
}

fn parse(args: &[String]) -> Result<Args, CliError> {
    let (mut config, mut data_dir, mut from, mut to, mut csv) = (None, None, None, None, false);
    let mut rebuild = false;
    let (mut sites, mut type_codes) = (Vec::new(), Vec::new());
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut value = || it.next().cloned().ok_or(CliError::Usage(USAGE));
        let month = |text: String| Month::parse_iso(&text).ok_or(CliError::Usage(USAGE));
        match arg.as_str() {
            "--config" => config = Some(PathBuf::from(value()?)),
            "--data-dir" => data_dir = Some(PathBuf::from(value()?)),
            "--from" => from = Some(month(value()?)?),
            "--to" => to = Some(month(value()?)?),
            "--site" => sites.push(value()?),
            "--type" => type_codes.push(value()?),
            "--csv" => csv = true,
            "--rebuild" => rebuild = true,
            _ => return Err(CliError::Usage(USAGE)),
        }
    }
    let (from, to) = match (from, to) {
        (Some(from), Some(to)) => (from, to),
        // The period is not used by a rebuild.
        (None, None) if rebuild => (Month { year: 1, month: 1 }, Month { year: 1, month: 1 }),
        _ => return Err(CliError::Usage(USAGE)),
    };
    Ok(Args {
        config,
        data_dir,
        filter: IndicatorFilter {
            sites,
            type_codes,
            from,
            to,
        },
        csv,
        rebuild,
    })
}

/// Runs the command.
pub fn run(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let args = parse(args)?;
    let config = super::common::config(args.config.as_deref(), args.data_dir.clone())?;
    let mut store = super::common::open_store(&config, false)?;
    let finess = config.establishment().map(|e| e.finess).unwrap_or_default();
    let result = if args.rebuild {
        indicators::rebuild(&mut store).map(|written| json!({ "counters": written }))
    } else if args.csv {
        indicators::export::write(
            &mut store,
            &config.data_dir,
            &args.filter,
            &finess,
            "chevet indicators",
        )
        .map(|path| json!({ "path": path }))
    } else {
        indicators::compute(&store, &args.filter, &finess).map(|report| report_json(&report))
    };
    match result {
        Ok(value) => {
            super::common::print_json(out, &value)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => super::common::failed(err, config.language, e.message_id(), &e),
    }
}

/// The report with each count under its indicator's code.
fn report_json(report: &crate::domain::indicators::IndicatorReport) -> serde_json::Value {
    let rows: Vec<_> = report
        .rows
        .iter()
        .map(|r| {
            let counts: serde_json::Map<_, _> = Indicator::ALL
                .iter()
                .map(|i| (i.code().to_owned(), json!(r.count(*i))))
                .collect();
            json!({
                "finess_geo": r.finess_geo,
                "type_code": r.type_code,
                "type_label": r.type_label,
                "month": r.month.to_string(),
                "counts": counts,
            })
        })
        .collect();
    json!({
        "producer": crate::export::stamp::producer(),
        "computed_ms": report.computed_ms,
        "sites": report.sites.iter().map(|(s, _)| s).collect::<Vec<_>>(),
        "rows": rows,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue18_indicators_usage_needs_a_period() {
        let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        for bad in [
            &["--from", "2026-01"][..],
            &["--from", "2026-13", "--to", "2026-12"],
            &["--x"],
        ] {
            assert!(matches!(parse(&args(bad)), Err(CliError::Usage(_))));
        }
        let ok = parse(&args(&[
            "--to",
            "2026-12",
            "--csv",
            "--from",
            "2026-01",
            "--site",
            "750712184",
        ]))
        .unwrap();
        assert!(ok.csv);
        assert_eq!(ok.filter.sites, ["750712184"]);
        assert_eq!(ok.filter.from, Month::new(2026, 1).unwrap());
        assert!(!ok.rebuild);
        assert!(parse(&args(&["--rebuild"])).unwrap().rebuild);
    }
}
