//! `chevet dmp …`: every DMP transaction from a terminal, for hospital IT to diagnose without
//! the window. The endpoint is the configured one (`--config` with a `[dmp]` section) or the
//! sandbox DMP: the one `chevet dmp serve` runs (found through the data directory), else a
//! fresh in-process simulator. Answers are printed as JSON; errors as JSON with their code.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use chrono::NaiveDate;
use serde_json::json;

use super::CliError;
use crate::dmp::client::{Caller, DmpClient};
use crate::dmp::error::DmpError;
use crate::dmp::hl7v3::{AuthorizationAction, PatientListDate};
use crate::dmp::setup::DmpEndpoint;
use crate::dmp::xds::{
    AvailabilityStatus, Code, Cx, DmpDocumentEntry, FeedParams, FindDocumentsQuery,
};
use crate::domain::{Ins, ProfessionalInfo};

pub const USAGE: &str = "chevet dmp [--config F] [--data-dir D] COMMANDE\n  \
    exists INS [--oid OID]            test d'existence et autorisation (TD0.2)\n  \
    authorize INS [--remove]          autorisation d'accès (TD0.3)\n  \
    patients [--since AAAAMMJJ]       DMP autorisés (TD0.4)\n  \
    find INS [--status S,..] [--type CODE] [--class CODE] [--format CODE]\n       \
    [--confidentiality CODE] [--since AAAAMMJJ]   recherche (TD3.1)\n  \
    get INS UNIQUE_ID [--out FICHIER]       récupération (TD3.2)\n  \
    hide|show|mask|unmask INS UNIQUE_ID     visibilité patient / masquage (TD3.3a/b)\n  \
    delete|archive|unarchive INS UNIQUE_ID  statut (TD3.3c/d)\n  \
    feed FICHIER.xml [--replaces ENTRY_UUID] [--invisible-patient] [--masked]  (TD2.1/2.2)\n  \
    serve [--faults PLAN]             lance le DMP simulé jusqu'à Ctrl-C\n\
    Hors bac à sable : --ps-id IDNAT --ps-name \"Prénom NOM\" --ps-specialty G15_10/SM26";

/// Options common to every command.
#[derive(Default)]
struct Options {
    config: Option<PathBuf>,
    data_dir: Option<PathBuf>,
    ps_id: Option<String>,
    ps_name: Option<String>,
    ps_specialty: Option<String>,
    flags: Vec<String>,
    values: Vec<(String, String)>,
    positional: Vec<String>,
}

const VALUED: [&str; 14] = [
    "--config",
    "--data-dir",
    "--ps-id",
    "--ps-name",
    "--ps-specialty",
    "--oid",
    "--since",
    "--status",
    "--type",
    "--class",
    "--format",
    "--confidentiality",
    "--out",
    "--replaces",
];
const VALUED_EXTRA: [&str; 1] = ["--faults"];

impl Options {
    fn parse(args: &[String]) -> Result<Self, CliError> {
        let mut o = Self::default();
        let mut it = args.iter();
        while let Some(arg) = it.next() {
            if VALUED.contains(&arg.as_str()) || VALUED_EXTRA.contains(&arg.as_str()) {
                let value = it.next().ok_or(CliError::Usage(USAGE))?.clone();
                match arg.as_str() {
                    "--config" => o.config = Some(value.into()),
                    "--data-dir" => o.data_dir = Some(value.into()),
                    "--ps-id" => o.ps_id = Some(value),
                    "--ps-name" => o.ps_name = Some(value),
                    "--ps-specialty" => o.ps_specialty = Some(value),
                    _ => o.values.push((arg.clone(), value)),
                }
            } else if arg.starts_with("--") {
                o.flags.push(arg.clone());
            } else {
                o.positional.push(arg.clone());
            }
        }
        Ok(o)
    }

    fn value(&self, name: &str) -> Option<&str> {
        self.values
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    fn flag(&self, name: &str) -> bool {
        self.flags.iter().any(|f| f == name)
    }
}

/// Runs `chevet dmp …` (`args` after `dmp`) on `rt`.
pub fn run(
    args: &[String],
    rt: &tokio::runtime::Runtime,
    out: &mut dyn Write,
) -> Result<ExitCode, CliError> {
    let options = Options::parse(args)?;
    let Some(command) = options.positional.first().cloned() else {
        return Err(CliError::Usage(USAGE));
    };
    let config =
        crate::config::Config::resolve(options.config.as_deref(), options.data_dir.clone(), None)
            .map_err(|e| CliError::Setup(e.to_string()))?;
    if command == "serve" {
        #[cfg(feature = "sandbox")]
        return super::dmp_sandbox::serve(options.value("--faults"), &config.data_dir, rt, out);
        #[cfg(not(feature = "sandbox"))]
        return Err(CliError::Setup(
            crate::config::ConfigError::NoSandbox.to_string(),
        ));
    }
    let target = Target::open(&config, &options, rt)?;
    let result = rt.block_on(execute(&command, &options, &target, out));
    match result {
        Ok(code) => Ok(code),
        Err(Failure::Cli(e)) => Err(e),
        Err(Failure::Dmp(e)) => {
            let value = json!({
                "error": e.to_string(),
                "code": e.message_id(),
                "retryable": e.is_retryable(),
            });
            serde_json::to_writer_pretty(&mut *out, &value)?;
            writeln!(out)?;
            Ok(ExitCode::from(2))
        }
    }
}

/// Which DMP the command talks to, and as whom.
pub(super) struct Target {
    pub client: DmpClient,
    pub caller: Caller,
    /// Keeps an in-process simulator alive for the command.
    pub _simulator: Option<Box<dyn std::any::Any + Send>>,
}

impl Target {
    fn open(
        config: &crate::config::Config,
        options: &Options,
        rt: &tokio::runtime::Runtime,
    ) -> Result<Self, CliError> {
        if let Some(dmp) = config.dmp.as_ref().filter(|_| !config.is_sandbox()) {
            let endpoint =
                DmpEndpoint::from_config(dmp).map_err(|e| CliError::Setup(e.to_string()))?;
            let client = endpoint
                .client()
                .map_err(|e| CliError::Setup(e.to_string()))?;
            return Ok(Self {
                client,
                caller: Caller::normal(operator(options)?),
                _simulator: None,
            });
        }
        // No DMP configured: the sandbox DMP (`chevet dmp serve`'s, else one for this command).
        #[cfg(feature = "sandbox")]
        return super::dmp_sandbox::target(&config.data_dir, rt).ok_or(CliError::Usage(USAGE))?;
        #[cfg(not(feature = "sandbox"))]
        {
            let _ = rt;
            Err(CliError::Setup(
                "aucun DMP configuré : section [dmp] de la configuration".to_owned(),
            ))
        }
    }
}

fn operator(options: &Options) -> Result<ProfessionalInfo, CliError> {
    let (Some(id), Some(name)) = (&options.ps_id, &options.ps_name) else {
        return Err(CliError::Usage(USAGE));
    };
    let (given, family) = name.split_once(' ').unwrap_or(("", name));
    Ok(ProfessionalInfo {
        national_id: id.clone(),
        given_name: given.to_owned(),
        family_name: family.to_owned(),
        title: None,
        specialty_code: options
            .ps_specialty
            .clone()
            .unwrap_or_else(|| "G15_10/SM26".into()),
        specialty_label: String::new(),
    })
}

enum Failure {
    Cli(CliError),
    Dmp(DmpError),
}

impl From<DmpError> for Failure {
    fn from(e: DmpError) -> Self {
        Self::Dmp(e)
    }
}

impl From<CliError> for Failure {
    fn from(e: CliError) -> Self {
        Self::Cli(e)
    }
}

impl From<std::io::Error> for Failure {
    fn from(e: std::io::Error) -> Self {
        Self::Cli(CliError::Write(e))
    }
}

impl From<serde_json::Error> for Failure {
    fn from(e: serde_json::Error) -> Self {
        Self::Cli(CliError::Json(e))
    }
}

fn ins_arg(options: &Options, at: usize) -> Result<Ins, CliError> {
    let matricule = options.positional.get(at).ok_or(CliError::Usage(USAGE))?;
    let oid = options
        .value("--oid")
        .unwrap_or(crate::domain::ins::OID_INS_NIR_TEST);
    Ins::parse(matricule, oid).map_err(|_| CliError::Setup("INS invalide".into()))
}

fn cx(ins: &Ins) -> Cx {
    Cx::new(ins.matricule.as_str(), ins.oid.as_str(), "NH")
}

fn since(options: &Options) -> Result<Option<NaiveDate>, CliError> {
    options
        .value("--since")
        .map(|d| {
            NaiveDate::parse_from_str(d, "%Y%m%d")
                .map_err(|_| CliError::Setup("date AAAAMMJJ".into()))
        })
        .transpose()
}

async fn execute(
    command: &str,
    o: &Options,
    t: &Target,
    out: &mut dyn Write,
) -> Result<ExitCode, Failure> {
    let (client, caller) = (&t.client, &t.caller);
    let value = match command {
        "exists" => {
            let status = client.exists(caller, &ins_arg(o, 1)?).await?;
            json!({
                "exists": status.exists(),
                "authorization": status.authorization.as_ref().map(|a| format!("{a:?}")),
                "treating_physician": status.treating_physician,
                "state": status.state.as_ref().map(|s| format!("{s:?}")),
                "web_account_open": status.web_account_open,
                "linked_to_mon_espace_sante": status.linked_to_mon_espace_sante,
            })
        }
        "authorize" => {
            let action = if o.flag("--remove") {
                AuthorizationAction::Remove
            } else {
                AuthorizationAction::Add
            };
            client
                .set_authorization(caller, &ins_arg(o, 1)?, action)
                .await?;
            json!({ "status": "DMPOk" })
        }
        "patients" => {
            let from = since(o)?
                .unwrap_or_default()
                .and_hms_opt(0, 0, 0)
                .unwrap_or_default();
            let list = client
                .authorized_patients(caller, &from, PatientListDate::LastAuthorization)
                .await?;
            json!({ "count": list.entries.len() })
        }
        "find" => {
            let ins = ins_arg(o, 1)?;
            let entries = client
                .find_documents(caller, &ins, &find_query(o, &ins)?)
                .await?;
            json!({ "count": entries.len(), "entries": entries.iter().map(entry_json).collect::<Vec<_>>() })
        }
        "get" => {
            let ins = ins_arg(o, 1)?;
            let entry = current(client, caller, &ins, o).await?;
            let repository = entry.repository_unique_id.clone().unwrap_or_default();
            let bytes = client
                .retrieve(caller, &ins, &repository, &entry.unique_id)
                .await?;
            let path = o
                .value("--out")
                .map_or_else(|| PathBuf::from("document.xml"), PathBuf::from);
            std::fs::write(&path, &bytes)?;
            json!({ "bytes": bytes.len(), "written_to": path.display().to_string() })
        }
        "hide" | "show" | "mask" | "unmask" => {
            let ins = ins_arg(o, 1)?;
            let entry = current(client, caller, &ins, o).await?;
            let mut visibility = entry.visibility();
            match command {
                "hide" => visibility.invisible_patient = true,
                "show" => visibility.invisible_patient = false,
                "mask" => visibility.masked_ps = true,
                _ => visibility.masked_ps = false,
            }
            client
                .set_visibility(caller, &ins, &entry, visibility)
                .await?;
            json!({ "status": "ok", "previous_entry_uuid": entry.entry_uuid })
        }
        "delete" | "archive" | "unarchive" => {
            let ins = ins_arg(o, 1)?;
            let entry = current(client, caller, &ins, o).await?;
            let status = match command {
                "delete" => AvailabilityStatus::Deleted,
                "archive" => AvailabilityStatus::Archived,
                _ => AvailabilityStatus::Approved,
            };
            client.set_status(caller, &ins, &entry, status).await?;
            json!({ "status": "ok" })
        }
        "feed" => feed(o, client, caller).await?,
        _ => return Err(CliError::Usage(USAGE).into()),
    };
    serde_json::to_writer_pretty(&mut *out, &value)?;
    writeln!(out)?;
    Ok(ExitCode::SUCCESS)
}

fn find_query(o: &Options, ins: &Ins) -> Result<FindDocumentsQuery, CliError> {
    let mut q = FindDocumentsQuery::new(cx(ins));
    if let Some(statuses) = o.value("--status") {
        q.statuses = statuses
            .split(',')
            .map(|s| match s.trim() {
                "approved" => Ok(AvailabilityStatus::Approved),
                "archived" => Ok(AvailabilityStatus::Archived),
                "deprecated" => Ok(AvailabilityStatus::Deprecated),
                "deleted" => Ok(AvailabilityStatus::Deleted),
                _ => Err(CliError::Usage(USAGE)),
            })
            .collect::<Result<_, _>>()?;
    }
    let code = |v: &str, scheme: &str| Code::new(v, scheme, "");
    if let Some(v) = o.value("--type") {
        q.type_codes = vec![code(v, crate::dmp::xds::OID_LOINC)];
    }
    if let Some(v) = o.value("--class") {
        q.class_codes = vec![code(v, crate::dmp::xds::OID_CLASS_CODE)];
    }
    if let Some(v) = o.value("--format") {
        q.format_codes = vec![code(v, crate::dmp::xds::OID_FORMAT_CODE)];
    }
    if let Some(v) = o.value("--confidentiality") {
        let scheme = if v.len() == 1 {
            crate::dmp::xds::OID_HL7_CONFIDENTIALITY
        } else {
            crate::dmp::xds::OID_DMP_VISIBILITY
        };
        q.confidentiality_codes = vec![code(v, scheme)];
    }
    if let Some(d) = since(o)? {
        q.creation_time.from = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    }
    Ok(q)
}

/// The current entry of the document named by its uniqueId (any status but deprecated).
async fn current(
    client: &DmpClient,
    caller: &Caller,
    ins: &Ins,
    o: &Options,
) -> Result<DmpDocumentEntry, Failure> {
    let unique_id = o.positional.get(2).ok_or(CliError::Usage(USAGE))?;
    let mut q = FindDocumentsQuery::new(cx(ins));
    q.statuses = vec![AvailabilityStatus::Approved, AvailabilityStatus::Archived];
    let entries = client.find_documents(caller, ins, &q).await?;
    entries
        .into_iter()
        .find(|e| &e.unique_id == unique_id)
        .ok_or(Failure::Dmp(DmpError::refused(
            crate::dmp::error::Refusal::DocumentNotFound,
        )))
}

async fn feed(
    o: &Options,
    client: &DmpClient,
    caller: &Caller,
) -> Result<serde_json::Value, Failure> {
    let path = PathBuf::from(o.positional.get(1).ok_or(CliError::Usage(USAGE))?);
    let bytes = std::fs::read(&path).map_err(|source| CliError::Read {
        path: path.clone(),
        source,
    })?;
    let doc = crate::cda::parse(&bytes).map_err(|e| CliError::Setup(e.to_string()))?;
    let ins = doc
        .header()
        .patient
        .as_ref()
        .and_then(|p| p.ins())
        .and_then(|id| Ins::parse(id.extension.as_deref()?, &id.root).ok())
        .ok_or(CliError::Setup(
            "le document ne porte pas d'INS valide".into(),
        ))?;
    let mut params = FeedParams::suggested(&doc);
    params.visibility.invisible_patient = o.flag("--invisible-patient");
    params.visibility.masked_ps = o.flag("--masked");
    let entry = DmpDocumentEntry::from_cda(&doc, &bytes, &params)
        .map_err(|e| CliError::Setup(e.to_string()))?;
    let unique_id = entry.unique_id.clone();
    let submission = client
        .feed(
            caller,
            &ins,
            entry,
            &bytes,
            o.value("--replaces").map(str::to_owned),
        )
        .await?;
    Ok(json!({ "unique_id": unique_id, "submission_set": submission }))
}

fn entry_json(e: &DmpDocumentEntry) -> serde_json::Value {
    let v = e.visibility();
    json!({
        "entry_uuid": e.entry_uuid,
        "logical_id": e.logical_id,
        "version": e.version_name,
        "unique_id": e.unique_id,
        "status": e.status.urn(),
        "title": e.title,
        "type": e.type_code.as_ref().map(|c| &c.code),
        "class": e.class_code.as_ref().map(|c| &c.code),
        "format": e.format_code.as_ref().map(|c| &c.code),
        "created": e.creation_time,
        "size": e.size,
        "invisible_patient": v.invisible_patient,
        "masked_ps": v.masked_ps,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn run_json(
        rt: &tokio::runtime::Runtime,
        dir: &Path,
        args: &[&str],
    ) -> (ExitCode, serde_json::Value) {
        let mut all: Vec<String> = vec!["--data-dir".into(), dir.display().to_string()];
        all.extend(args.iter().map(|s| (*s).to_owned()));
        let mut out = Vec::new();
        let code = run(&all, rt, &mut out).expect("ran");
        let value = serde_json::from_slice(&out).expect("json");
        (code, value)
    }

    fn runtime() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("cli-test-worker")
            .enable_all()
            .build()
            .expect("runtime")
    }

    fn demo_ins(index: usize) -> String {
        crate::sandbox::demo::demo_patients(chrono::Local::now().date_naive())[index]
            .identity
            .ins
            .as_ref()
            .map(|i| i.matricule.as_str().to_owned())
            .expect("ins")
    }

    #[test]
    fn exists_and_authorize_against_the_sandbox() {
        let rt = runtime();
        let dir = tempfile::tempdir().expect("tempdir");
        let (code, v) = run_json(&rt, dir.path(), &["exists", &demo_ins(0)]);
        assert_eq!(code, ExitCode::SUCCESS);
        assert_eq!(v["exists"], true);
        assert_eq!(v["authorization"], "Valid");
        let (code, v) = run_json(&rt, dir.path(), &["authorize", &demo_ins(0)]);
        assert_eq!(code, ExitCode::SUCCESS, "{v}");
        // Patient 9 of the demo set blocked the demo physician: a typed refusal, exit 2.
        let (code, v) = run_json(&rt, dir.path(), &["authorize", &demo_ins(9)]);
        assert_eq!(code, ExitCode::from(2));
        assert_eq!(v["code"], "error-dmp-blocked-by-patient");
        assert_eq!(v["retryable"], false);
    }

    #[test]
    fn bad_usage_and_bad_ins_are_errors() {
        let rt = runtime();
        let dir = tempfile::tempdir().expect("tempdir");
        let args = |a: &[&str]| -> Vec<String> {
            let mut all = vec!["--data-dir".to_owned(), dir.path().display().to_string()];
            all.extend(a.iter().map(|s| (*s).to_owned()));
            all
        };
        let mut out = Vec::new();
        assert!(matches!(
            run(&args(&[]), &rt, &mut out),
            Err(CliError::Usage(_))
        ));
        assert!(matches!(
            run(&args(&["exists", "123"]), &rt, &mut out),
            Err(CliError::Setup(_))
        ));
        assert!(matches!(
            run(&args(&["nonsense", &demo_ins(0)]), &rt, &mut out),
            Err(CliError::Usage(_))
        ));
    }
}
