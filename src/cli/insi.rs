//! `chevet insi search`: one INS search from a terminal, by the same strategy as the window
//! (each first name alone, then the list; on 02, every first name and the birthplace), printed
//! as JSON with the number of calls. With `--config FILE` it asks the configured INSi
//! (`[insi]`, key from the keyring); otherwise, in sandbox builds, the sandbox INSi started for
//! the command. The identity found is masked unless `--with-identity` is given, like the other
//! commands.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use serde_json::{Value, json};

use super::CliError;
use super::hl7::summary::MASK;
use crate::domain::Sex;
use crate::insi::{InsiAnswer, InsiIdentity, InsiSettings, InsiTraits, split_first_names};

const USAGE: &str = "chevet insi [--config FICHIER] search --nom NOM --prenoms \"PRÉNOMS\" \
    --sexe M|F --naissance AAAA-MM-JJ [--lieu COG] [--with-identity]";

struct Options {
    config: Option<PathBuf>,
    traits: InsiTraits,
    with_identity: bool,
}

fn options(args: &[String]) -> Result<Options, CliError> {
    let usage = || CliError::Usage(USAGE);
    let mut config = None;
    let mut rest = args;
    if let [flag, file, tail @ ..] = rest
        && flag == "--config"
    {
        config = Some(PathBuf::from(file));
        rest = tail;
    }
    let [sub, tail @ ..] = rest else {
        return Err(usage());
    };
    if sub != "search" {
        return Err(usage());
    }
    let (mut name, mut first, mut sex, mut birth, mut place) = (None, None, None, None, None);
    let mut with_identity = false;
    let mut it = tail.iter();
    while let Some(flag) = it.next() {
        if flag == "--with-identity" {
            with_identity = true;
            continue;
        }
        let value = it.next().ok_or_else(usage)?.clone();
        match flag.as_str() {
            "--nom" => name = Some(value),
            "--prenoms" => first = Some(value),
            "--sexe" => sex = Some(Sex::from_code(&value.to_ascii_uppercase()).ok_or_else(usage)?),
            "--naissance" => {
                birth = Some(
                    chrono::NaiveDate::parse_from_str(&value, "%Y-%m-%d").map_err(|_| usage())?,
                );
            }
            "--lieu" => place = Some(value),
            _ => return Err(usage()),
        }
    }
    Ok(Options {
        config,
        traits: InsiTraits {
            birth_name: name.ok_or_else(usage)?,
            first_names: split_first_names(&first.unwrap_or_default()),
            sex: sex.ok_or_else(usage)?,
            birth_date: birth.ok_or_else(usage)?,
            birthplace_cog: place,
        },
        with_identity,
    })
}

fn masked(value: &str, show: bool) -> Value {
    Value::String(if show {
        value.to_owned()
    } else {
        MASK.to_owned()
    })
}

/// The identity as JSON: the INS, names, date and birthplace masked unless asked for.
pub fn identity_json(id: &InsiIdentity, show: bool) -> Value {
    json!({
        "ins": masked(id.ins.matricule.as_str(), show),
        "oid": id.ins.oid.as_str(),
        "nia": id.ins.matricule.is_nia(),
        "history": id.history.iter().map(|h| json!({
            "ins": masked(h.matricule.as_str(), show),
            "oid": h.oid.as_str(),
        })).collect::<Vec<_>>(),
        "birth_name": masked(&id.birth_name, show),
        "first_names": masked(&id.first_names.join(" "), show),
        "sex": id.sex.code(),
        "birth_date": masked(&id.birth_date.to_string(), show),
        "birthplace_cog": id.birthplace_cog.as_deref().map(|c| masked(c, show)),
    })
}

/// Runs the command; the exit code is 0 for `00`, 1 for `01`/`02`, 2 for an error.
pub fn run(
    args: &[String],
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let o = options(args)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("chevet-cli-insi")
        .enable_all()
        .build()?;
    let value = rt.block_on(async {
        let (settings, _running) = settings(&o, err).await?;
        let client =
            crate::insi::InsiClient::new(&settings).map_err(|e| CliError::Setup(e.to_string()))?;
        Ok::<_, CliError>(match crate::insi::search(&client, &o.traits).await {
            Ok(report) => {
                let identity = match &report.answer {
                    InsiAnswer::Found(id) => identity_json(id, o.with_identity),
                    _ => Value::Null,
                };
                json!({ "code": report.answer.code(), "calls": report.calls, "identity": identity })
            }
            Err(e) => json!({
                "error": e.to_string(),
                "message_id": e.message_id(),
                "retryable": e.is_retryable(),
            }),
        })
    });
    rt.shutdown_timeout(std::time::Duration::from_secs(1));
    let value = value?;
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(match value.get("code").and_then(Value::as_str) {
        Some("00") => ExitCode::SUCCESS,
        Some(_) => ExitCode::from(1),
        None => ExitCode::from(2),
    })
}

/// The configured INSi, or the sandbox's (kept running by the returned guard).
async fn settings(
    o: &Options,
    err: &mut dyn Write,
) -> Result<(InsiSettings, Option<Box<dyn std::any::Any>>), CliError> {
    if let Some(path) = &o.config {
        let config = crate::config::Config::resolve(Some(path), None, None)
            .map_err(|e| CliError::Setup(e.to_string()))?;
        let insi = config
            .insi
            .ok_or_else(|| CliError::Setup("aucune section [insi] dans la configuration".into()))?;
        let settings = insi
            .settings(&crate::store::key::platform_keyrings())
            .map_err(|e| CliError::Setup(e.to_string()))?;
        return Ok((settings, None));
    }
    #[cfg(feature = "sandbox")]
    {
        writeln!(err, "INSi simulé du bac à sable")?;
        use crate::sandbox::insi::{ClientCn, FaultPlan, start_with};
        let setup = |e: crate::sandbox::insi::SandboxInsiError| CliError::Setup(e.to_string());
        let running = start_with(FaultPlan::default(), 0).await.map_err(setup)?;
        let settings = running.settings(ClientCn::Auto).map_err(setup)?;
        Ok((settings, Some(Box::new(running))))
    }
    #[cfg(not(feature = "sandbox"))]
    {
        let _ = err;
        Err(CliError::Setup(
            "donnez la configuration : --config FICHIER".into(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(text: &str) -> Vec<String> {
        text.split(' ').map(str::to_owned).collect()
    }

    #[test]
    fn usage_is_checked_before_any_call() {
        let mut out = Vec::new();
        let mut err = Vec::new();
        assert!(matches!(
            run(&args("search --nom X"), &mut out, &mut err),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(
            run(&args("find --nom X"), &mut out, &mut err),
            Err(CliError::Usage(_))
        ));
    }

    #[cfg(feature = "sandbox")]
    #[test]
    fn issue17_search_prints_json_with_the_identity_masked() {
        let mut out = Vec::new();
        let mut err = Vec::new();
        let code = run(
            &args("search --nom HERMANN --prenoms JEAN,GATIEN --sexe M --naissance 2001-02-28"),
            &mut out,
            &mut err,
        )
        .expect("run");
        assert_eq!(code, ExitCode::SUCCESS);
        let v: Value = serde_json::from_slice(&out).expect("json");
        assert_eq!(v["code"], "00");
        assert_eq!(v["calls"], 2);
        assert_eq!(v["identity"]["ins"], MASK);
        assert_eq!(v["identity"]["birth_name"], MASK);
        assert_eq!(v["identity"]["oid"], "1.2.250.1.213.1.4.10");
        assert!(!String::from_utf8_lossy(&out).contains("HERMANN"));
    }
}
