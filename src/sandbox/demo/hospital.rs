//! The sandbox's simulated hospital systems, as outside senders: the GAM (patient
//! administration) admits a new patient with IHE PAM-FR `ADT^A01` (PID with the IPP and a
//! qualified test INS, PV1, ZBE, and ZFA with the DMP information and opposition), and the
//! messaging gateway (PFI) hands over an MSSanté mail as `MDM^T02` of the LPS volet 1.1 (a CDA
//! for a qualified patient of the folder list, the sender and recipient in PRT, the mail's
//! subject and body, the flags). The "unmatched" document names the same patient with a birth
//! date off by one day, as a typing error upstream would: intake must not file it. Messages
//! are ER7 text with CR separators; the workers send them over MLLP to their own listener.

use ::base64::Engine as _;
use chrono::{Days, NaiveDate, Utc};

use super::fixtures::{LDL_SES, PAT_TROIS_INS};
use super::generate::bulk_patients;
use super::retarget::retarget;
use super::{DemoPatient, SANDBOX_FINESS_GEO};
use crate::domain::ins::OID_INS_NIR_TEST;
use crate::domain::{IdentityStatus, Patient, PatientIdentity};
use crate::store::{Store, patients};
use crate::worker::{DemoError, HospitalScenario};

const SENDER: &str = "dr.lefebvre@medecin.mssante.fr";
const RECIPIENT: &str = "cardiologie@chevet-demo.mssante.fr";

fn error(detail: &str) -> DemoError {
    DemoError {
        detail: detail.to_owned(),
        retryable: false,
    }
}

/// The message of `scenario` (ER7, CR between segments).
pub fn message(store: &Store, scenario: HospitalScenario) -> Result<Vec<u8>, DemoError> {
    let stamp = Utc::now();
    let control = format!("SIM{}", stamp.timestamp_micros());
    let now = stamp.format("%Y%m%d%H%M%S").to_string();
    let text = match scenario {
        HospitalScenario::Admission => admission(store, &control, &now)?,
        HospitalScenario::MssDocument => mss_document(store, &control, &now, false)?,
        HospitalScenario::UnmatchedDocument => mss_document(store, &control, &now, true)?,
    };
    Ok(text.into_bytes())
}

/// A value with every HL7 delimiter escaped.
fn esc(text: &str) -> String {
    crate::hl7::escape::escape(text, &crate::hl7::Delimiters::default())
}

/// PID of an identity: IPP (and the INS when qualified), the legal name (5.2 the first given
/// name, 5.3 all of them), birth date, sex, birthplace, identity status.
fn pid(identity: &PatientIdentity, birth_date: NaiveDate) -> String {
    let mut ids = format!(
        "{}^^^CHEVET&{}&M^PI",
        esc(&identity.ipp),
        SANDBOX_FINESS_GEO[0]
    );
    if let Some(ins) = &identity.ins {
        ids.push_str(&format!(
            "~{}^^^ASIP-SANTE-INS-NIR&{}&ISO^INS",
            ins.matricule.as_str(),
            ins.oid.as_str()
        ));
    }
    let t = &identity.traits;
    let birthplace = t
        .birthplace_insee
        .as_deref()
        .map(|c| format!("^^^^^^BDL^^{}", esc(c)))
        .unwrap_or_default();
    let mut fields = vec![String::new(); 33];
    fields[0] = "PID".into();
    fields[1] = "1".into();
    fields[3] = ids;
    fields[5] = format!(
        "{}^{}^{}^^^^L",
        esc(&t.birth_name),
        esc(t.first_first_name()),
        esc(&t.birth_first_names)
    );
    fields[7] = birth_date.format("%Y%m%d").to_string();
    fields[8] = t.sex.code().into();
    fields[11] = birthplace;
    fields[32] = identity.status.code().into();
    fields.join("|")
}

/// ADT^A01 for a new patient, with ZFA.
fn admission(store: &Store, control: &str, now: &str) -> Result<String, DemoError> {
    let today = Utc::now().date_naive();
    let seed = Utc::now().timestamp_micros().unsigned_abs();
    let patient = (0..32u64)
        .filter_map(|n| bulk_patients(1, seed.wrapping_add(n), today).next())
        .map(|p| p.identity)
        .find(|p| {
            p.status == IdentityStatus::Qualifiee
                && p.ins.as_ref().is_some_and(|ins| {
                    patients::by_ins(store, ins.matricule.as_str(), ins.oid.as_str())
                        .is_ok_and(|found| found.is_none())
                })
        })
        .ok_or_else(|| error("no free test INS"))?;
    let mut identity = patient;
    // The GAM's IPP: 9 digits starting with 9 (the demo's are 8), from the clock.
    identity.ipp = format!(
        "9{}",
        &control[3..].chars().rev().take(8).collect::<String>()
    );
    let visit = format!("V{}", &control[control.len().saturating_sub(9)..]);
    let (feeding, consultation) = match seed % 3 {
        0 => ("INO", "IC"),
        1 => ("INO", "INC"),
        _ => ("IO", "INC"),
    };
    let pv1 = {
        let mut f = vec![String::new(); 45];
        f[0] = "PV1".into();
        f[1] = "1".into();
        f[2] = "I".into();
        f[3] = format!("Cardiologie^^^CHEVET&{}&M", SANDBOX_FINESS_GEO[0]);
        f[19] = format!("{visit}^^^CHEVET&{}&M^VN", SANDBOX_FINESS_GEO[0]);
        f[44] = now.to_owned();
        f.join("|")
    };
    Ok([
        format!(
            "MSH|^~\\&|GAM|CHEVET|CHEVET|CHEVET|{now}||ADT^A01^ADT_A01|{control}|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8|FR||2.11^IHE_FRANCE-2.11-PAM"
        ),
        format!("EVN||{now}||||{now}"),
        pid(&identity, identity.traits.birth_date),
        pv1,
        format!("ZBE|M{control}^CHEVET|{now}||INSERT|N||Cardiologie^^^^^CHEVET&{}&M^UF^^^CARDIO||HMS", SANDBOX_FINESS_GEO[0]),
        format!("ZFA|ACTIF|{now}|||||||{feeding}|{now}|{consultation}|{now}"),
        String::new(),
    ]
    .join("\r"))
}

/// A qualified patient of the store: PAT-TROIS when present, else the first qualified one with
/// an INS.
fn qualified(store: &Store) -> Result<Patient, DemoError> {
    if let Ok(Some(p)) = patients::by_ins(store, PAT_TROIS_INS, OID_INS_NIR_TEST)
        && p.identity.status == IdentityStatus::Qualifiee
    {
        return Ok(p);
    }
    let rows = store
        .query(
            "SELECT id FROM patient WHERE identity_status = 'QUAL' AND ins_matricule IS NOT NULL
             ORDER BY id LIMIT 1",
            &[],
        )
        .map_err(|e| error(&e.to_string()))?;
    let id: i64 = rows
        .first()
        .ok_or_else(|| error("no qualified patient"))?
        .get(0)
        .map_err(|e| error(&e.to_string()))?;
    patients::get(store, crate::domain::PatientId(id)).map_err(|e| error(&e.to_string()))
}

/// MDM^T02 of the LPS volet 1.1 carrying a CDA for a qualified patient; `unmatched`: the
/// birth date sent is one day off.
fn mss_document(
    store: &Store,
    control: &str,
    now: &str,
    unmatched: bool,
) -> Result<String, DemoError> {
    let patient = qualified(store)?;
    let suffix = control[3..].to_owned();
    // The CI-SIS lettre de liaison, rewritten for this patient (an example whose PDF names
    // another person would contradict the identity checks the demo shows).
    let demo = DemoPatient {
        identity: patient.identity.clone(),
        episodes: Vec::new(),
        documents: Vec::new(),
    };
    let cda = retarget(LDL_SES.bytes, &demo, &suffix).map_err(|e| error(&e.to_string()))?;
    let t = &patient.identity.traits;
    let birth_date = if unmatched {
        t.birth_date
            .checked_add_days(Days::new(1))
            .unwrap_or(t.birth_date)
    } else {
        t.birth_date
    };
    let b64 = |bytes: &[u8]| ::base64::engine::general_purpose::STANDARD.encode(bytes);
    let subject = format!(
        "Lettre de liaison {} {}",
        t.birth_name,
        t.first_first_name()
    );
    let body = "Bonjour,\nveuillez trouver ci-joint la lettre de liaison de notre patient(e).\nBien confraternellement,\nDr Lefebvre";
    Ok([
        format!(
            "MSH|^~\\&|PFI|CHEVET|CHEVET|CHEVET|{now}||MDM^T02^MDM_T02|{control}|P|2.6|||||FRA|UNICODE UTF-8|||1.1^CISIS_CDA_HL7_LPS"
        ),
        format!("EVN||{now}"),
        pid(&patient.identity, birth_date),
        "PV1|1|N".to_owned(),
        "ORC|NW".to_owned(),
        "OBR|1|||11490-0^Lettre de liaison à la sortie d'un établissement de soins^LN".to_owned(),
        format!("TXA|1|11490-0|TEXT|{now}||||||||{suffix}||||AU"),
        format!("OBX|1|ED|11490-0^Lettre de liaison^LN||^text^XML^Base64^{}||||||F", b64(&cda)),
        format!("PRT||UC||SB^Send by^participation|||||||||||^^X.400^{SENDER}"),
        format!("PRT||UC||RCT^Result Copies To^participation||||Cardiologie|||||||^^X.400^{RECIPIENT}"),
        format!("OBX|2|ED|1^XDM/1.0/DDM+{}||^text^^Base64^{}||||||F", esc(&subject), b64(body.as_bytes())),
        "OBX|3|CWE|MASQUE_PS^Masqué aux professionnels de Santé^MetaDMPMSS||N^^expandedYes-NoIndicator||||||F".to_owned(),
        "OBX|4|CWE|INVISIBLE_PATIENT^Document Non Visible par le patient^MetaDMPMSS||N^^expandedYes-NoIndicator||||||F".to_owned(),
        String::new(),
    ]
    .join("\r"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hl7::AckCode;
    use crate::store::DbKey;

    fn seeded() -> Store {
        let mut store = Store::open_in_memory(&DbKey::generate()).expect("store");
        crate::sandbox::seed::seed_demo(&mut store, Utc::now().date_naive(), &mut |_, _| {})
            .expect("seed");
        store
    }

    fn file(store: &mut Store, raw: &[u8]) -> AckCode {
        let parsed = crate::hl7::parse(raw).expect("an HL7 message");
        let received = crate::hl7::listener::received(&parsed, std::sync::Arc::new(raw.to_vec()));
        crate::intake::sink::record_and_file(store, &received)
            .expect("committed")
            .0
            .code
    }

    #[test]
    fn issue14_the_simulated_gam_and_pfi_are_filed_as_intended() {
        let mut store = seeded();
        let before = patients::count(&store).expect("count");
        let adt = message(&store, HospitalScenario::Admission).expect("adt");
        assert_eq!(file(&mut store, &adt), AckCode::Accept);
        assert_eq!(patients::count(&store).expect("count"), before + 1);
        let mdm = message(&store, HospitalScenario::MssDocument).expect("mdm");
        assert_eq!(
            file(&mut store, &mdm),
            AckCode::Accept,
            "filed: exact match"
        );
        let unmatched = message(&store, HospitalScenario::UnmatchedDocument).expect("mdm");
        assert_eq!(file(&mut store, &unmatched), AckCode::Error, "to reconcile");
        assert_eq!(
            crate::store::inbox::pending_count(&store).expect("count"),
            1
        );
    }
}
