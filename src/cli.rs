//! Operator commands run from a terminal instead of the window: `chevet cda inspect FILE`
//! prints, as JSON, what Chevet understood of a CDA document (what hospital IT uses to
//! diagnose a document that displays badly).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Errors of the command line itself (bad usage, unreadable file, output closed).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error("usage : {0}")]
    Usage(&'static str),
    #[error("lecture de {path} impossible : {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("écriture impossible : {0}")]
    Write(#[from] std::io::Error),
    #[error("sérialisation JSON : {0}")]
    Json(#[from] serde_json::Error),
}

impl CliError {
    pub fn is_retryable(&self) -> bool {
        false
    }
}

const CDA_USAGE: &str = "chevet cda inspect FICHIER [--with-identity]";

/// True when the arguments name an operator command rather than the window.
pub fn is_command(args: &[String]) -> bool {
    args.first().is_some_and(|a| a == "cda")
}

/// Runs an operator command; the exit code says whether the document was readable.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match args {
        [cda, sub, rest @ ..] if cda == "cda" && sub == "inspect" => inspect(rest, out),
        _ => Err(CliError::Usage(CDA_USAGE)),
    }
}

fn inspect(args: &[String], out: &mut dyn Write) -> Result<ExitCode, CliError> {
    let mut file = None;
    let mut with_identity = false;
    for arg in args {
        match arg.as_str() {
            "--with-identity" => with_identity = true,
            a if a.starts_with('-') => return Err(CliError::Usage(CDA_USAGE)),
            a if file.is_none() => file = Some(PathBuf::from(a)),
            _ => return Err(CliError::Usage(CDA_USAGE)),
        }
    }
    let path = file.ok_or(CliError::Usage(CDA_USAGE))?;
    let bytes = std::fs::read(&path).map_err(|source| CliError::Read {
        path: path.clone(),
        source,
    })?;
    match crate::cda::parse(&bytes) {
        Ok(doc) => {
            let report = crate::cda::inspect::report(&doc, with_identity);
            serde_json::to_writer_pretty(&mut *out, &report)?;
            writeln!(out)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            let value = serde_json::json!({ "error": e.to_string(), "code": e.message_id() });
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)?;
            Ok(ExitCode::from(2))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_args(args: &[&str]) -> (Result<ExitCode, CliError>, String) {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let mut out = Vec::new();
        let r = run(&args, &mut out);
        (r, String::from_utf8(out).expect("utf-8"))
    }

    #[test]
    fn inspect_prints_json_for_a_fixture() {
        let path = format!(
            "{}/../shared/fixtures/cda/LDL-SES_2022.01.xml",
            env!("CARGO_MANIFEST_DIR")
        );
        let (r, out) = run_args(&["cda", "inspect", &path]);
        assert_eq!(r.expect("ran"), ExitCode::SUCCESS);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["level"], "N3");
        assert_eq!(v["set_id"], "1.2.250.1.213.1.1.1.29.2022.1");
        assert!(v["sections"].as_array().is_some_and(|s| !s.is_empty()));
    }

    #[test]
    fn unreadable_documents_exit_2_with_the_reason() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("xxe.xml");
        std::fs::write(
            &path,
            "<!DOCTYPE x [<!ENTITY e SYSTEM \"file:///etc/passwd\">]><ClinicalDocument>&e;</ClinicalDocument>",
        )
        .expect("write");
        let (r, out) = run_args(&["cda", "inspect", path.to_str().expect("path")]);
        assert_eq!(r.expect("ran"), ExitCode::from(2));
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["code"], "error-cda-doctype");
    }

    #[test]
    fn bad_usage_is_an_error() {
        assert!(matches!(run_args(&["cda"]).0, Err(CliError::Usage(_))));
        assert!(matches!(
            run_args(&["cda", "inspect"]).0,
            Err(CliError::Usage(_))
        ));
        assert!(is_command(&["cda".to_owned()]));
        assert!(!is_command(&["--lang".to_owned()]));
    }
}
