//! Operator commands run from a terminal instead of the window: `chevet cda inspect FILE`
//! prints, as JSON, what Chevet understood of a CDA document (what hospital IT uses to
//! diagnose a document that displays badly); `chevet dmp …` runs DMP transactions (`dmp`);
//! `chevet auth set-credential ID` puts a provider's client credential in the keyring (`auth`);
//! `chevet hl7 inspect FILE` prints what Chevet reads in a received HL7 v2 message (`hl7`);
//! `chevet xdm inspect ARCHIVE` prints what Chevet reads in an IHE XDM archive (`xdm`);
//! `chevet annuaire search|import` searches and imports the local directory (`annuaire`);
//! `chevet insi search` looks an INS up in INSi (`insi`).

pub mod annuaire;
pub mod auth;
pub mod backup;
mod common;
pub mod dmp;
#[cfg(feature = "sandbox")]
mod dmp_sandbox;
pub mod hl7;
pub mod indicators;
pub mod insi;
pub mod portability;
pub mod xdm;

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
    #[error("JSON : {0}")]
    Json(#[from] serde_json::Error),
    #[error("formulaire : {0}")]
    Form(#[from] crate::cda::produce::form::FormError),
    #[error("production : {0}")]
    Produce(#[from] crate::cda::produce::ProduceError),
    #[error("{0}")]
    Setup(String),
}

const CDA_USAGE: &str = "chevet cda inspect FICHIER [--with-identity]\n       \
    chevet cda produce --template TYPE\n       \
    chevet cda produce FORMULAIRE.json [--out DOSSIER]\n       \
    (TYPE : lettre-liaison, cr-operatoire, ordonnance, cr-consultation)";

/// True when the arguments name an operator command rather than the window.
pub fn is_command(args: &[String]) -> bool {
    args.first().is_some_and(|a| a == "cda" || a == "auth")
}

/// Runs an operator command; the exit code says whether the document was readable.
pub fn run(args: &[String], out: &mut dyn Write) -> Result<ExitCode, CliError> {
    match args {
        [cda, sub, rest @ ..] if cda == "cda" && sub == "inspect" => inspect(rest, out),
        [cda, sub, rest @ ..] if cda == "cda" && sub == "produce" => produce(rest, out),
        [auth, rest @ ..] if auth == "auth" => auth::run(rest, &mut std::io::stdin().lock(), out),
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

/// `produce --template TYPE` prints an empty form; `produce FORM.json` writes the PDF, the N1
/// and the N3 documents into `--out` (default: current directory), for the sandbox's demo
/// physician, hospital and patient (PAT-TROIS), so that IT can check what Chevet produces.
fn produce(args: &[String], out: &mut dyn Write) -> Result<ExitCode, CliError> {
    use crate::cda::produce::form::{self, ProductionForm, kind_from_code};
    match args {
        [flag, kind] if flag == "--template" => {
            let kind = kind_from_code(kind).ok_or(CliError::Usage(CDA_USAGE))?;
            serde_json::to_writer_pretty(&mut *out, &form::empty_form(kind))?;
            writeln!(out)?;
            return Ok(ExitCode::SUCCESS);
        }
        [] => return Err(CliError::Usage(CDA_USAGE)),
        _ => {}
    }
    let (form_path, out_dir) = match args {
        [f] => (PathBuf::from(f), PathBuf::from(".")),
        [f, flag, dir] if flag == "--out" => (PathBuf::from(f), PathBuf::from(dir)),
        _ => return Err(CliError::Usage(CDA_USAGE)),
    };
    let text = std::fs::read_to_string(&form_path).map_err(|source| CliError::Read {
        path: form_path.clone(),
        source,
    })?;
    let filled: ProductionForm = serde_json::from_str(&text)?;
    let context = demo_context()?;
    let document = form::build(&filled, &context)?;
    let produced = crate::cda::produce::produce(&document)?;
    std::fs::create_dir_all(&out_dir)?;
    let stem = &filled.kind;
    for (suffix, bytes) in [
        ("pdf", &produced.pdf),
        ("n1.xml", &produced.n1),
        ("n3.xml", &produced.n3),
    ] {
        let path = out_dir.join(format!("{stem}.{suffix}"));
        std::fs::write(&path, bytes)?;
        writeln!(out, "{}", path.display())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Who and where `chevet cda produce` writes as: the sandbox's demo physician, hospital and
/// patient.
#[cfg(feature = "sandbox")]
fn demo_context() -> Result<crate::cda::produce::form::ProductionContext, CliError> {
    crate::sandbox::production_context().ok_or(CliError::Usage(CDA_USAGE))
}

#[cfg(not(feature = "sandbox"))]
fn demo_context() -> Result<crate::cda::produce::form::ProductionContext, CliError> {
    Err(CliError::Setup(
        crate::config::ConfigError::NoSandbox.to_string(),
    ))
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
        let path = format!("{}LDL-SES_2022.01.xml", crate::testing::CDA_FIXTURES);
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
    fn produce_from_a_template_writes_pdf_n1_and_n3() {
        let (r, template) = run_args(&["cda", "produce", "--template", "cr-consultation"]);
        assert_eq!(r.expect("template"), ExitCode::SUCCESS);
        let mut form: crate::cda::produce::form::ProductionForm =
            serde_json::from_str(&template).expect("form");
        form.sections[0].text = "Bilan d'une dyspnée d'effort.".into();
        let dir = tempfile::tempdir().expect("tempdir");
        let form_path = dir.path().join("form.json");
        std::fs::write(&form_path, serde_json::to_string(&form).expect("json")).expect("write");
        let out_dir = dir.path().join("out");
        let (r, listing) = run_args(&[
            "cda",
            "produce",
            form_path.to_str().expect("path"),
            "--out",
            out_dir.to_str().expect("path"),
        ]);
        assert_eq!(r.expect("produce"), ExitCode::SUCCESS);
        assert_eq!(listing.lines().count(), 3);
        let n3 = std::fs::read(out_dir.join("cr-consultation.n3.xml")).expect("n3");
        let doc = crate::cda::parse(&n3).expect("parses back");
        assert_eq!(doc.meta().type_code, "11488-4");
        assert!(doc.pdf().is_some());
        let pdf = std::fs::read(out_dir.join("cr-consultation.pdf")).expect("pdf");
        assert!(pdf.starts_with(b"%PDF-"));
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
