//! `chevet xdm inspect ARCHIVE… [--with-identity]`: prints, as JSON, what Chevet reads in an
//! IHE XDM archive (`IHE_XDM.ZIP` of an MSSanté mail): its subsets, their submission set, and
//! per document its ids, title, type, the declared and actual size and SHA-1 and whether they
//! match, the patient (masked unless asked for, like `chevet hl7 inspect`) and the PFI's
//! action. What hospital IT uses to understand an archive that was refused or misfiled.
//! Several archives give a JSON array. Exit code 2, with one line on stderr per archive, when
//! one is unreadable or refused.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use serde_json::{Value, json};

use super::CliError;
use super::hl7::summary::MASK;
use crate::xdm::{
    SourcePatient, XdmArchive, XdmCode, XdmDocument, XdmLimits, XdmPatientId, XdmSubmissionSet,
    read_archive_file,
};

const XDM_USAGE: &str = "chevet xdm inspect ARCHIVE… [--with-identity]";

/// Runs `chevet xdm …` (arguments after `xdm`); errors of usage are returned, an unreadable
/// or refused archive is told on `err` and exits 2.
pub fn run(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let [sub, rest @ ..] = args else {
        return Err(CliError::Usage(XDM_USAGE));
    };
    if sub != "inspect" {
        return Err(CliError::Usage(XDM_USAGE));
    }
    let mut files = Vec::new();
    let mut with_identity = false;
    for arg in rest {
        match arg.as_str() {
            "--with-identity" => with_identity = true,
            a if a.starts_with('-') => return Err(CliError::Usage(XDM_USAGE)),
            a => files.push(PathBuf::from(a)),
        }
    }
    if files.is_empty() {
        return Err(CliError::Usage(XDM_USAGE));
    }
    let mut reports = Vec::with_capacity(files.len());
    let mut failed = false;
    for path in &files {
        match read_archive_file(path, &XdmLimits::DEFAULT) {
            Ok(archive) => reports.push(report(path, &archive, with_identity)),
            Err(e) => {
                writeln!(err, "{} : {e}", path.display())?;
                failed = true;
            }
        }
    }
    match reports.as_slice() {
        [] => {}
        [one] if files.len() == 1 => serde_json::to_writer_pretty(&mut *out, one)?,
        all => serde_json::to_writer_pretty(&mut *out, all)?,
    }
    if !reports.is_empty() {
        writeln!(out)?;
    }
    Ok(if failed {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// The JSON report of one archive.
pub fn report(path: &Path, archive: &XdmArchive, with_identity: bool) -> Value {
    let mask = Mask(with_identity);
    let subsets: Vec<Value> = archive
        .subsets
        .iter()
        .map(|s| {
            json!({
                "folder": s.folder,
                "format": s.format.as_str(),
                "submission_set": submission_set(&s.submission_set, mask),
                "documents": s.documents.iter().map(|d| document(d, mask)).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({ "archive": path.display().to_string(), "subsets": subsets })
}

#[derive(Clone, Copy)]
struct Mask(bool);

impl Mask {
    fn value(self, v: Option<&str>) -> Option<String> {
        v.map(|v| {
            if self.0 {
                v.to_owned()
            } else {
                MASK.to_owned()
            }
        })
    }

    fn id(self, id: Option<&XdmPatientId>) -> Value {
        id.map_or(
            Value::Null,
            |p| json!({ "id": self.value(Some(&p.id)), "authority": p.authority }),
        )
    }

    fn patient(self, p: &SourcePatient) -> Value {
        if p.is_empty() {
            return Value::Null;
        }
        json!({
            "ids": p.ids.iter().map(|i| self.id(Some(i))).collect::<Vec<_>>(),
            "family": self.value(p.family.as_deref()),
            "given": self.value(p.given.as_deref()),
            "birth_date": self.value(p.birth_date.as_deref()),
            "sex": self.value(p.sex.as_deref()),
        })
    }
}

fn submission_set(s: &XdmSubmissionSet, mask: Mask) -> Value {
    json!({
        "unique_id": s.unique_id,
        "source_id": s.source_id,
        "title": s.title,
        "author": s.author.as_ref().map(|a| json!({ "person": a.person, "institution": a.institution })),
        "submission_time": s.submission_time,
        "patient_id": mask.id(s.patient_id.as_ref()),
    })
}

fn code(c: Option<&XdmCode>) -> Value {
    c.map_or(
        Value::Null,
        |c| json!({ "code": c.code, "scheme": c.scheme, "display": c.display }),
    )
}

fn document(d: &XdmDocument, mask: Mask) -> Value {
    json!({
        "entry_id": d.entry_id,
        "unique_id": d.unique_id,
        "title": d.title,
        "mime_type": d.mime_type,
        "type_code": code(d.type_code.as_ref()),
        "class_code": code(d.class_code.as_ref()),
        "creation_time": d.creation_time,
        "uri": d.uri,
        "path": d.path,
        "size": { "declared": d.declared_size, "actual": d.actual_size(), "matches": d.size_matches },
        "hash": { "declared": d.declared_hash, "actual": d.actual_hash, "matches": d.hash_matches },
        "integrity_ok": d.integrity_ok(),
        "patient_id": mask.id(d.patient_id.as_ref()),
        "source_patient": mask.patient(&d.source_patient),
        "action": d.action.map(|a| a.as_str()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../shared/fixtures/xdm/");

    fn run_args(args: &[&str]) -> (Result<ExitCode, CliError>, String, String) {
        let args: Vec<String> = args.iter().map(|s| (*s).to_owned()).collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let r = run(&args, &mut out, &mut err);
        let text = |b: Vec<u8>| String::from_utf8(b).expect("utf-8");
        (r, text(out), text(err))
    }

    #[test]
    fn inspect_prints_masked_json() {
        let path = format!("{FIXTURES}nist-xdm-samples/CCDA_Ambulatory_in_XDM.zip");
        let (r, out, err) = run_args(&["inspect", &path]);
        assert_eq!(r.expect("ran"), ExitCode::SUCCESS);
        assert!(err.is_empty(), "{err}");
        let v: Value = serde_json::from_str(&out).expect("json");
        let doc = &v["subsets"][0]["documents"][0];
        assert_eq!(v["subsets"][0]["folder"], "SUBSET01");
        assert_eq!(doc["mime_type"], "text/xml");
        assert_eq!(doc["uri"], "CCDA_AMBULATORY.XML");
        assert_eq!(doc["size"]["matches"], true);
        assert_eq!(doc["hash"]["matches"], true);
        assert_eq!(doc["patient_id"]["id"], MASK);
        assert_eq!(doc["source_patient"]["family"], MASK);
        assert_eq!(doc["source_patient"]["birth_date"], MASK);
        assert!(
            !out.contains("Isabella") && !out.contains("19470501"),
            "{out}"
        );
    }

    #[test]
    fn with_identity_and_several_archives() {
        let a = format!("{FIXTURES}nist-xdm-samples/Sage.zip");
        let b = format!("{FIXTURES}nist-xdm-samples/MIE.zip");
        let (r, out, _) = run_args(&["inspect", "--with-identity", &a, &b]);
        assert_eq!(r.expect("ran"), ExitCode::SUCCESS);
        let v: Value = serde_json::from_str(&out).expect("json");
        assert_eq!(v.as_array().map(Vec::len), Some(2));
        assert_eq!(v[0]["subsets"].as_array().map(Vec::len), Some(2));
        let doc = &v[0]["subsets"][1]["documents"][0];
        assert_eq!(doc["source_patient"]["family"], "FARNSWORTH");
        assert_eq!(
            v[1]["subsets"][0]["documents"][0]["patient_id"]["id"],
            "1192011827"
        );
    }

    #[test]
    fn refused_and_missing_archives_exit_2_with_one_line() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("absent.zip");
        let siemens = format!("{FIXTURES}nist-xdm-samples/Siemens.zip");
        for path in [missing.to_str().expect("path"), siemens.as_str()] {
            let (r, out, err) = run_args(&["inspect", path]);
            assert_eq!(r.expect("ran"), ExitCode::from(2));
            assert!(out.is_empty());
            assert_eq!(err.lines().count(), 1, "{err}");
        }
        let (_, _, err) = run_args(&["inspect", &siemens]);
        assert!(err.contains("IHE_XDM"), "{err}");
    }

    #[test]
    fn bad_usage_is_an_error() {
        assert!(matches!(run_args(&["inspect"]).0, Err(CliError::Usage(_))));
        assert!(matches!(run_args(&[]).0, Err(CliError::Usage(_))));
        assert!(matches!(
            run_args(&["list", "x"]).0,
            Err(CliError::Usage(_))
        ));
        assert!(matches!(
            run_args(&["inspect", "--bogus", "x"]).0,
            Err(CliError::Usage(_))
        ));
    }
}
