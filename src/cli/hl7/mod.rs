//! `chevet hl7 inspect FICHIER… [--with-identity]`: prints, as JSON, what Chevet reads in a
//! received HL7 v2 message (header, patient, ZFA consent, documents and why a payload is not
//! a CDA), with identities masked unless asked for; what hospital IT uses to diagnose a
//! message that was refused or filed to the wrong place. Several files give a JSON array.
//! Exit code 2, with one line on stderr, when a file or a message is unreadable.
//!
//! `chevet hl7 send FICHIER… --to HÔTE:PORT [--timeout-s N]` (`send`) sends each file over
//! MLLP and prints the ACK it got (MSA-1, MSA-2, ERR-3/ERR-5).

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

pub mod send;
pub mod summary;
#[cfg(test)]
mod summary_tests;

use self::summary::{Summary, summarise};
use super::CliError;

const HL7_USAGE: &str = "chevet hl7 inspect FICHIER… [--with-identity]\n       \
    chevet hl7 send FICHIER… --to HÔTE:PORT [--timeout-s N]";

/// Runs `chevet hl7 …` (arguments after `hl7`); errors of usage are returned, an unreadable
/// file or message is told on `err` and exits 2.
pub fn run(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    match args {
        [sub, rest @ ..] if sub == "inspect" => inspect(rest, out, err),
        [sub, rest @ ..] if sub == "send" => send::send(rest, out, err),
        _ => Err(CliError::Usage(HL7_USAGE)),
    }
}

fn inspect(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let mut files = Vec::new();
    let mut with_identity = false;
    for arg in args {
        match arg.as_str() {
            "--with-identity" => with_identity = true,
            a if a.starts_with('-') => return Err(CliError::Usage(HL7_USAGE)),
            a => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        return Err(CliError::Usage(HL7_USAGE));
    }
    let mut summaries: Vec<Summary> = Vec::with_capacity(files.len());
    let mut failed = false;
    for path in &files {
        match summary_of(path, with_identity) {
            Ok(summary) => summaries.push(summary),
            Err(reason) => {
                writeln!(err, "{} : {reason}", path.display())?;
                failed = true;
            }
        }
    }
    match summaries.as_slice() {
        [] => {}
        [one] if files.len() == 1 => serde_json::to_writer_pretty(&mut *out, one)?,
        all => serde_json::to_writer_pretty(&mut *out, all)?,
    }
    if !summaries.is_empty() {
        writeln!(out)?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The summary of one file, or a one-line reason (no message content in it).
fn summary_of(path: &std::path::Path, with_identity: bool) -> Result<Summary, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("lecture impossible : {e}"))?;
    let message = crate::hl7::parse(&bytes).map_err(|e| e.to_string())?;
    Ok(summarise(&message, with_identity))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hl7::test_support::HL7_FIXTURES;

    fn run_args(args: &[&str]) -> (Result<ExitCode, CliError>, String, String) {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = run(&args, &mut out, &mut err);
        let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8");
        (r, text(out), text(err))
    }

    fn fixture(name: &str) -> String {
        format!("{HL7_FIXTURES}{name}")
    }

    #[test]
    fn inspect_prints_masked_json_for_an_adt() {
        let path = fixture("pam-fr-consent/NonConsentementConsultation_OppositionAlimentation.er7");
        let (r, out, err) = run_args(&["inspect", &path]);
        assert_eq!(r.expect("ran"), ExitCode::SUCCESS);
        assert!(err.is_empty(), "{err}");
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["message_type"], "ADT^A01^ADT_A01");
        assert_eq!(v["control_id"], "3977");
        assert_eq!(v["consent"]["feeding"], "IO");
        assert_eq!(v["consent"]["consultation"], "INC");
        assert_eq!(v["patient"]["ins"], "***");
        assert_eq!(v["patient"]["ipp"], "***");
        assert_eq!(v["patient"]["birth_name"], "***");
        assert_eq!(v["patient"]["ins_oid"], "1.2.250.1.213.1.4.10");
        assert!(!out.contains("PAT-TROIS") && !out.contains("279035121518989"));
    }

    #[test]
    fn with_identity_shows_the_patient() {
        let path = fixture("lps-mssante-v1.0/mdm/message.hl7");
        let (r, out, _) = run_args(&["inspect", "--with-identity", &path]);
        assert_eq!(r.expect("ran"), ExitCode::SUCCESS);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v["patient"]["ins"], "276037510669380");
        assert_eq!(v["patient"]["birth_name"], "DE VINCI");
        assert_eq!(v["patient"]["birth_date"], "20100807");
    }

    #[test]
    fn several_files_give_an_array() {
        let a = fixture("pam-fr-consent/ConsentementConsultation_NonOppositionAlimentation.er7");
        let b = fixture("trans-doc-cda-v1.2/mdm/message.hl7");
        let (r, out, _) = run_args(&["inspect", &a, &b]);
        assert_eq!(r.expect("ran"), ExitCode::SUCCESS);
        let v: serde_json::Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v.as_array().map(Vec::len), Some(2));
    }

    #[test]
    fn unreadable_files_and_messages_exit_2_with_one_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let not_hl7 = dir.path().join("not.hl7");
        std::fs::write(&not_hl7, "PID|||123^^^X^PI\r").expect("write");
        let missing = dir.path().join("missing.hl7");
        for path in [&not_hl7, &missing] {
            let (r, out, err) = run_args(&["inspect", path.to_str().expect("path")]);
            assert_eq!(r.expect("ran"), ExitCode::from(2));
            assert!(out.is_empty());
            assert_eq!(err.lines().count(), 1, "{err}");
        }
        let (_, _, err_text) = run_args(&["inspect", not_hl7.to_str().expect("path")]);
        assert!(err_text.contains("MSH"), "{err_text}");
    }

    #[test]
    fn bad_usage_is_an_error() {
        assert!(matches!(run_args(&["inspect"]).0, Err(CliError::Usage(_))));
        assert!(matches!(run_args(&["send"]).0, Err(CliError::Usage(_))));
        assert!(matches!(
            run_args(&["inspect", "--bogus", "x"]).0,
            Err(CliError::Usage(_))
        ));
    }
}
