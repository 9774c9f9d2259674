//! The sandbox DMP's answers outside XDS, shaped like the real ones in `fixtures/dmp`: TD0.2
//! (existence test, `PRPA_IN201308UV02` with the caller's `AUTORISATION` and `STATUT_MT`, a
//! closed DMP as `terminated` with its closure reason, no DMP as `NF`), TD0.3 (setAuthorization:
//! adds or removes the caller's authorization, refused for a blocked professional or a closed
//! DMP) and TD0.4 (patientList: the DMPs the caller is authorized on since a date).

use chrono::{NaiveDateTime, Utc};

use super::state::{Access, Denial, DmpLife, DmpState, PatientRecord};
use crate::dmp::hl7v3::{self, DMP_DEVICE_OID, HL7_NS, NS_HABILITATIONS, NS_PATIENTS};
use crate::dmp::soap;
use crate::xml::{Element, Limits, XmlWriter};

/// The caller as the VIHF names them.
pub struct Caller<'a> {
    /// idNat_PS.
    pub national_id: &'a str,
}

const AUTORISATION_SYSTEM: &str = "1.2.250.1.213.4.1.2.6.1";
const AUTORISATION_VALUES: &str = "1.2.250.1.213.4.1.2.6.2";
const STATUT_MT_SYSTEM: &str = "1.2.250.1.213.4.1.2.6.3";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

fn body_payload<'a>(tree: Element<'a>, ns: &str, local: &str) -> Option<Element<'a>> {
    soap::payload(tree, ns, local, "request").ok()
}

/// TD0.2. `request` is the whole SOAP envelope.
pub fn existence(state: &DmpState, caller: &Caller<'_>, request: &str) -> String {
    let tree = soap::parse(request, &Limits::HL7V3).ok();
    let query = tree
        .as_ref()
        .and_then(|t| body_payload(t.root(), HL7_NS, "PRPA_IN201307UV02"));
    let target = query.and_then(|q| q.child("id")).and_then(|id| {
        Some((
            id.attr_trim("root").unwrap_or_default().to_owned(),
            id.attr_trim("extension")?.to_owned(),
        ))
    });
    let patient_id = query
        .and_then(|q| {
            q.path(&[
                "controlActProcess",
                "queryByParameter",
                "parameterList",
                "patientIdentifier",
                "value",
            ])
        })
        .and_then(|v| v.attr_trim("extension"));
    let patient = patient_id
        .and_then(|m| state.patient(m))
        .filter(|p| p.life != DmpLife::None);
    let mut w = XmlWriter::new();
    w.open(
        "PRPA_IN201308UV02",
        &[
            ("xmlns", HL7_NS),
            ("xmlns:xsi", XSI),
            ("ITSVersion", "XML_1.0"),
        ],
    );
    w.empty("id", &[("root", &hl7v3::new_uuid())]);
    w.empty("creationTime", &[("value", &hl7v3::format_ts(&now()))]);
    w.empty(
        "interactionId",
        &[
            ("extension", "PRPA_IN201308UV02"),
            ("root", "2.16.840.1.113883.1.6"),
        ],
    );
    w.empty("processingCode", &[("code", "P")]);
    w.empty("processingModeCode", &[("code", "T")]);
    w.empty("acceptAckCode", &[("code", "NE")]);
    w.open("sender", &[("typeCode", "SND")]);
    w.open(
        "device",
        &[("classCode", "DEV"), ("determinerCode", "INSTANCE")],
    );
    w.empty("id", &[("root", DMP_DEVICE_OID)]);
    w.leaf("softwareName", &[], "DMP");
    w.close();
    w.close();
    if let Some(p) = patient {
        let authorization = match p.access.get(caller.national_id) {
            Some(Access::Valid) => "VALIDE",
            Some(Access::Expired) => "EXPIRE",
            Some(Access::Blocked) => "INTERDIT",
            None => "NON_EXISTE",
        };
        w.open("attentionLine", &[]);
        w.empty(
            "keyWordText",
            &[
                ("code", "AUTORISATION"),
                ("codeSystem", AUTORISATION_SYSTEM),
            ],
        );
        w.empty(
            "value",
            &[
                ("code", authorization),
                ("codeSystem", AUTORISATION_VALUES),
                ("xsi:type", "CV"),
            ],
        );
        w.close();
        let mt = p.treating_physician.as_deref() == Some(caller.national_id);
        w.open("attentionLine", &[]);
        w.empty(
            "keyWordText",
            &[("code", "STATUT_MT"), ("codeSystem", STATUT_MT_SYSTEM)],
        );
        w.empty("value", &[("value", bool_text(mt)), ("xsi:type", "BL")]);
        w.close();
    }
    w.open("acknowledgement", &[("typeCode", "AA")]);
    w.open("targetMessage", &[]);
    if let Some((root, extension)) = &target {
        w.empty("id", &[("extension", extension), ("root", root)]);
    }
    w.close();
    w.close();
    w.open(
        "controlActProcess",
        &[("classCode", "CACT"), ("moodCode", "EVN")],
    );
    w.empty(
        "reasonCode",
        &[
            ("code", "TEST_EXST"),
            ("codeSystem", hl7v3::REASON_CODE_SYSTEM),
            ("displayName", "Test d'existence de dossier"),
        ],
    );
    if let Some(p) = patient {
        registration_event(&mut w, p);
        if p.life == DmpLife::Closed {
            w.open("reasonOf", &[("typeCode", "RSON")]);
            w.open(
                "detectedIssueEvent",
                &[("classCode", "ALRT"), ("moodCode", "EVN")],
            );
            w.empty(
                "code",
                &[
                    ("code", "FERMETURE_DEMANDE_PATIENT"),
                    ("codeSystem", "1.2.250.1.213.4.1.2.4"),
                ],
            );
            w.leaf("text", &[], "Fermeture à la demande du patient");
            w.close();
            w.close();
        }
    }
    w.open("queryAck", &[]);
    let query_id = query
        .and_then(|q| q.path(&["controlActProcess", "queryByParameter", "queryId"]))
        .and_then(|id| {
            Some((
                id.attr_trim("root")?,
                id.attr_trim("extension").unwrap_or_default(),
            ))
        });
    if let Some((root, extension)) = query_id {
        w.empty("queryId", &[("extension", extension), ("root", root)]);
    }
    w.empty(
        "queryResponseCode",
        &[("code", if patient.is_some() { "OK" } else { "NF" })],
    );
    w.close();
    w.close();
    w.close();
    w.finish()
}

fn registration_event(w: &mut XmlWriter<'_>, p: &PatientRecord) {
    w.open(
        "subject",
        &[("contextConductionInd", "false"), ("typeCode", "SUBJ")],
    );
    w.open(
        "registrationEvent",
        &[("classCode", "REG"), ("moodCode", "EVN")],
    );
    w.empty("statusCode", &[("code", "completed")]);
    if p.life == DmpLife::Closed {
        w.empty("effectiveTime", &[("value", "20250115103000")]);
    }
    w.open("subject1", &[("typeCode", "SBJ")]);
    w.open("patient", &[("classCode", "PAT")]);
    w.empty(
        "id",
        &[
            ("extension", p.ins.matricule.as_str()),
            ("root", p.ins.oid.as_str()),
        ],
    );
    let status = if p.life == DmpLife::Closed {
        "terminated"
    } else {
        "active"
    };
    w.empty("statusCode", &[("code", status)]);
    w.open(
        "patientPerson",
        &[("classCode", "PSN"), ("determinerCode", "INSTANCE")],
    );
    w.open("name", &[]);
    w.leaf("given", &[], &p.given_name);
    w.leaf("family", &[("qualifier", "BR")], &p.family_name);
    w.close();
    w.empty("administrativeGenderCode", &[("code", &p.sex.to_string())]);
    w.empty("birthTime", &[("value", &p.birth_date)]);
    w.close();
    for (code, system, value) in [
        ("COMPTE_INTERNET_OUVERT", "1.2.250.1.213.4.1.2.9", true),
        ("RATTACHEMENT_ENS", "1.2.250.1.213.4.1.2.3", true),
    ] {
        w.open("subjectOf", &[("typeCode", "SBJ")]);
        w.open(
            "administrativeObservation",
            &[("classCode", "OBS"), ("moodCode", "EVN")],
        );
        w.empty("code", &[("code", code), ("codeSystem", system)]);
        w.empty("value", &[("value", bool_text(value)), ("xsi:type", "BL")]);
        w.close();
        w.close();
    }
    w.close();
    w.close();
    w.open("custodian", &[("typeCode", "CST")]);
    w.open("assignedEntity", &[("classCode", "ASSIGNED")]);
    w.empty("id", &[("root", DMP_DEVICE_OID)]);
    w.close();
    w.close();
    w.close();
    w.close();
}

/// TD0.3 on the patient named by the VIHF (`matricule`).
pub fn set_authorization(
    state: &mut DmpState,
    caller: &Caller<'_>,
    matricule: Option<&str>,
    request: &str,
) -> String {
    let action = soap::parse(request, &Limits::HL7V3).ok().and_then(|t| {
        body_payload(t.root(), NS_HABILITATIONS, "setAuthorization")
            .and_then(|p| p.child_text_trim("action"))
            .map(str::to_owned)
    });
    let outcome = match (action.as_deref(), matricule) {
        (Some(action @ ("AJOUT" | "SUPPRESSION")), Some(m)) => {
            authorize(state, caller, m, action == "AJOUT")
        }
        (Some(_), Some(_)) => Err((
            "DMPInvalidAction",
            "Action inconnue (AJOUT ou SUPPRESSION).",
        )),
        (_, None) => Err((
            "DMPPatientNotFound",
            "Le jeton VIHF ne désigne aucun patient.",
        )),
        (None, _) => Err(("DMPInvalidRequest", "Requête setAuthorization illisible.")),
    };
    let (status, context) = match outcome {
        Ok(context) => ("DMPOk", context),
        Err(e) => e,
    };
    service_output(
        "setAuthorizationResponse",
        NS_HABILITATIONS,
        status,
        context,
        |_| {},
    )
}

fn authorize(
    state: &mut DmpState,
    caller: &Caller<'_>,
    matricule: &str,
    add: bool,
) -> Result<&'static str, (&'static str, &'static str)> {
    let denial = |d: Denial| (d.code(), d.text());
    let patient = state
        .patient_mut(matricule)
        .ok_or_else(|| denial(Denial::NoDmp))?;
    match patient.life {
        DmpLife::None => return Err(denial(Denial::NoDmp)),
        DmpLife::Closed => return Err(denial(Denial::Closed)),
        DmpLife::Open => {}
    }
    let current = patient.access.get(caller.national_id).copied();
    match (add, current) {
        (_, Some(Access::Blocked)) => Err(denial(Denial::Blocked)),
        (true, Some(Access::Valid)) => Ok("Autorisation déjà présente aucune action effectuée"),
        (true, _) => {
            patient
                .access
                .insert(caller.national_id.to_owned(), Access::Valid);
            patient
                .authorized_at
                .insert(caller.national_id.to_owned(), Utc::now());
            Ok("Autorisation ajoutée")
        }
        (false, None) => Ok("Aucune autorisation à supprimer"),
        (false, Some(_)) => {
            patient.access.remove(caller.national_id);
            patient.authorized_at.remove(caller.national_id);
            Ok("Autorisation supprimée")
        }
    }
}

/// TD0.4.
pub fn patient_list(state: &DmpState, caller: &Caller<'_>, request: &str) -> String {
    let since = soap::parse(request, &Limits::HL7V3).ok().and_then(|t| {
        body_payload(t.root(), NS_PATIENTS, "patientList")
            .and_then(|p| p.child_text_trim("startDate"))
            .and_then(hl7v3::parse_ts)
    });
    let Some(since) = since else {
        return service_output(
            "patientListResponse",
            NS_PATIENTS,
            "DMPInvalidRequest",
            "startDate absente ou illisible.",
            |_| {},
        );
    };
    let mut listed: Vec<&PatientRecord> = state
        .patients()
        .filter(|p| p.life == DmpLife::Open)
        .filter(|p| p.access.get(caller.national_id) == Some(&Access::Valid))
        .filter(|p| {
            p.authorized_at
                .get(caller.national_id)
                .is_none_or(|t| t.naive_utc() >= since)
        })
        .collect();
    listed.sort_by(|a, b| a.key().cmp(b.key()));
    let last_doc = |p: &PatientRecord| -> Option<NaiveDateTime> {
        state
            .entries
            .iter()
            .filter(|e| e.patient == p.key())
            .map(|e| e.submitted_at.naive_utc())
            .max()
    };
    service_output("patientListResponse", NS_PATIENTS, "DMPOk", "", |w| {
        for p in listed {
            w.open("ns1:patientlistData", &[]);
            w.open("ns1:patientIdentifier", &[]);
            w.leaf("ns1:nationalId", &[], p.ins.matricule.as_str());
            w.leaf("ns1:nationalIdType", &[], p.ins.oid.as_str());
            w.close();
            w.leaf("ns1:lastName", &[], &p.family_name);
            w.leaf("ns1:firstName", &[], &p.given_name);
            w.leaf("ns1:dateOfBirth", &[], &p.birth_date);
            let mt = p.treating_physician.as_deref() == Some(caller.national_id);
            w.leaf("ns1:MT", &[], bool_text(mt));
            w.leaf("ns1:message", &[], "false");
            if let Some(t) = last_doc(p) {
                let t = hl7v3::format_ts(&t);
                w.leaf("ns1:lastUpdateDate", &[], &t);
                w.leaf("ns1:lastAddDate", &[], &t);
            }
            w.close();
        }
    })
}

/// `<ns1:{name}><ns1:output>…<ns1:status/><ns1:context/></ns1:output></ns1:{name}>`.
fn service_output(
    name: &str,
    ns: &str,
    status: &str,
    context: &str,
    items: impl FnOnce(&mut XmlWriter<'_>),
) -> String {
    let element = format!("ns1:{name}");
    let mut w = XmlWriter::new();
    w.open(&element, &[("xmlns:ns1", ns)]);
    w.open("ns1:output", &[]);
    items(&mut w);
    w.leaf("ns1:status", &[], status);
    if !context.is_empty() {
        w.leaf("ns1:context", &[], context);
    }
    w.close();
    w.close();
    w.finish()
}

fn bool_text(value: bool) -> &'static str {
    if value { "true" } else { "false" }
}

fn now() -> NaiveDateTime {
    Utc::now().naive_utc()
}
