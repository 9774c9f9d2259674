//! Documents from the messaging gateway (MDM T02/T10/T04 of the LPS volet 1.0/1.1 and of the
//! Trans-doc volet) and from hospital systems (ORU R01, one or two CDAs). Every ED OBX must
//! be a CDA (a placeholder gets AE 207/906 at `OBX^n^5`). A document is filed automatically
//! only when PID's INS is valid, names a patient whose identity is **qualified** here, and
//! the four traits sent (birth name, first given name, birth date, sex) are exactly the
//! stored ones, and the CDA's own INS, when it carries one, is the same; otherwise AE 902
//! (unknown), 903 (no INS), 904 (differs), 905 (incomplete traits), and the document waits
//! in the inbox. T10 files the new version beside the replaced one (the chain shows both);
//! T04 marks the document deleted, still viewable; both only for the latest version (900)
//! and for the sender who sent it (901). What is filed is traced and flagged unseen for the
//! folder's badge.

use super::envelope::{self, MessageEnvelope};
use super::pid::{self, SentPatient};
use super::{Outcome, app_error};
use crate::cda;
use crate::domain::{DocumentId, DocumentMeta, IdentityStatus, PatientId, Provenance};
use crate::hl7::{AckError, ApplicationError, Message, Segment};
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::documents::{self, Integrated, NewDocument};
use crate::store::inbox::{self, NewItem};
use crate::store::received::{self, Action, Channel};
use crate::store::{Store, StoreError, patients, stays};

/// One document read from its OBX.
struct Carried {
    raw: Vec<u8>,
    meta: DocumentMeta,
    /// The CDA's INS (`recordTarget`), matricule and OID, when it carries one.
    ins: Option<(String, String)>,
}

/// Files the documents of one MDM or ORU message (inside the caller's transaction).
pub fn apply(store: &mut Store, msg: &Message<'_>, journal: i64) -> Result<Outcome, StoreError> {
    let trigger = msg.message_type().trigger.into_owned();
    let action = match trigger.as_str() {
        "T10" => Action::Replace,
        "T04" => Action::Delete,
        _ => Action::New,
    };
    let env = envelope::read(msg);
    let sent = msg
        .segment("PID")
        .map(|p| pid::read(&p))
        .unwrap_or_default();
    let mut carried = Vec::new();
    let mut n = 0;
    for obx in msg.segments("OBX") {
        n += 1;
        if !envelope::is_document(&obx) {
            continue;
        }
        match read_document(&obx) {
            Ok(doc) => carried.push(doc),
            Err(explanation) => {
                return Ok(Outcome::rejected(
                    app_error(ApplicationError::Other, Some(("OBX", n, 5)), explanation),
                    "not a CDA",
                ));
            }
        }
    }
    let targets = target_ids(msg, action, carried.first());
    if carried.is_empty() && action != Action::Delete {
        return Ok(Outcome::rejected(
            app_error(
                ApplicationError::Other,
                Some(("OBX", 1, 5)),
                "aucun document dans le message",
            ),
            "no document",
        ));
    }
    let patient = match matched_patient(store, &sent, &carried)? {
        Ok(patient) => patient,
        Err((code, explanation)) => {
            let error = app_error(code, Some(("PID", 1, 3)), explanation);
            return park(
                store, msg, journal, &carried, &sent, &env, action, &targets, error,
            );
        }
    };
    if action != Action::New {
        let target = received::target(store, &targets)?;
        let refusal = match target {
            None => Some((ApplicationError::NotLatestVersion, "document visé inconnu")),
            Some(t) if t.patient != patient => Some((
                ApplicationError::InsMismatch,
                "le document visé appartient à un autre patient",
            )),
            Some(t) if t.superseded || t.deleted => Some((
                ApplicationError::NotLatestVersion,
                "le document visé n'est pas la dernière version connue",
            )),
            Some(t)
                if received::sender_of(store, t.document)?.as_deref()
                    != Some(&env.envelope.sender) =>
            {
                Some((
                    ApplicationError::AuthorNotAllowed,
                    "seul l'émetteur du document peut le remplacer ou le supprimer",
                ))
            }
            Some(_) => None,
        };
        if let Some((code, explanation)) = refusal {
            let error = app_error(
                code,
                Some(("TXA", 1, if action == Action::Delete { 12 } else { 13 })),
                explanation,
            );
            return park(
                store, msg, journal, &carried, &sent, &env, action, &targets, error,
            );
        }
        if action == Action::Delete {
            let target = target.expect("checked above").document;
            received::mark_deleted(store, target)?;
            audit::record(
                store,
                &actor(&env),
                AuditAction::DocumentDeletedBySender,
                AuditObject::Document(target.0),
                format!("channel={} message={journal}", env.channel.code()),
            )?;
            return Ok(Outcome::filed("deleted by its sender", Some(patient)));
        }
    }
    let episode = msg
        .segment("PV1")
        .and_then(|pv1| {
            let visit = pv1.field(19).component(1).text().trim().to_owned();
            (!visit.is_empty()).then_some(visit)
        })
        .map(|visit| stays::by_visit(store, &visit))
        .transpose()?
        .flatten()
        .filter(|stay| stay.patient == patient)
        .map(|stay| stay.episode);
    for doc in &mut carried {
        if action == Action::Replace && doc.meta.replaces.is_none() {
            doc.meta.replaces = targets.first().cloned();
        }
        let filed = file(store, patient, episode, doc, &env, journal, action)?;
        if let Err(error) = filed {
            return park(
                store, msg, journal, &carried, &sent, &env, action, &targets, error,
            );
        }
    }
    Ok(Outcome::filed(
        match action {
            Action::Replace => "new version filed",
            _ => "document filed",
        },
        Some(patient),
    ))
}

fn actor(env: &MessageEnvelope) -> String {
    format!("{}:{}", env.channel.code(), env.envelope.sender)
}

/// Files one document; an AE error when its version is taken by another document.
fn file(
    store: &mut Store,
    patient: PatientId,
    episode: Option<crate::domain::EpisodeId>,
    doc: &Carried,
    env: &MessageEnvelope,
    journal: i64,
    action: Action,
) -> Result<Result<(), AckError>, StoreError> {
    let provenance = match env.channel {
        Channel::Mssante => Provenance::Mssante,
        Channel::Xdm => Provenance::Xdm,
        // A laboratory or imaging system of the establishment.
        Channel::Hl7 => Provenance::Local,
    };
    let new = NewDocument {
        patient_id: patient,
        episode_id: episode,
        meta: &doc.meta,
        provenance,
        visibility: env.visibility,
        raw: &doc.raw,
    };
    let by = actor(env);
    let id: DocumentId =
        match documents::integrate(store, &new, &by, env.unit.as_deref().unwrap_or(""))? {
            Integrated::New(id) => id,
            // Sent again by another route (LGC.MDV.06): already in the folder, nothing to do.
            Integrated::AlreadyPresent(_) => return Ok(Ok(())),
            Integrated::VersionTaken(_) => {
                return Ok(Err(app_error(
                    ApplicationError::NotLatestVersion,
                    Some(("TXA", 1, 12)),
                    "cette version du document existe déjà sous un autre identifiant",
                )));
            }
        };
    received::record(
        store,
        id,
        patient,
        Some(journal),
        env.channel,
        action,
        &env.envelope,
    )?;
    audit::record(
        store,
        &by,
        AuditAction::DocumentReceived,
        AuditObject::Document(id.0),
        format!(
            "channel={} action={} message={journal}",
            env.channel.code(),
            action.code()
        ),
    )?;
    Ok(Ok(()))
}

/// Not filed: every document of the message waits in the inbox, and the sender gets AE.
#[allow(clippy::too_many_arguments)]
fn park(
    store: &mut Store,
    msg: &Message<'_>,
    journal: i64,
    carried: &[Carried],
    sent: &SentPatient,
    env: &MessageEnvelope,
    action: Action,
    targets: &[String],
    error: AckError,
) -> Result<Outcome, StoreError> {
    let reason = error.application.map_or("906", ApplicationError::code);
    let identity = sent.to_sent_identity();
    let fallback_title = msg
        .segment("OBR")
        .map(|o| o.field(4).component(2).text().into_owned())
        .unwrap_or_default();
    for doc in carried {
        let id = inbox::add(
            store,
            &NewItem {
                message: Some(journal),
                channel: env.channel,
                reason,
                cda_id: Some(&doc.meta.cda_id),
                title: if doc.meta.title.is_empty() {
                    &fallback_title
                } else {
                    &doc.meta.title
                },
                raw: &doc.raw,
                identity: &identity,
                envelope: &env.envelope,
                action,
                replaces: targets.first().map(String::as_str),
            },
        )?;
        audit::record(
            store,
            &actor(env),
            AuditAction::DocumentReceived,
            AuditObject::InboxItem(id),
            format!("to reconcile reason={reason} message={journal}"),
        )?;
    }
    Ok(if carried.is_empty() {
        Outcome::rejected(error, "not filed")
    } else {
        Outcome::to_reconcile(error, "to reconcile")
    })
}

/// The patient the message names, or why it cannot be filed automatically.
fn matched_patient(
    store: &Store,
    sent: &SentPatient,
    carried: &[Carried],
) -> Result<Result<PatientId, (ApplicationError, &'static str)>, StoreError> {
    let Some((matricule, oid)) = &sent.ins else {
        return Ok(Err(if sent.has_ids {
            (ApplicationError::NoIns, "PID-3 ne contient pas d'INS")
        } else {
            (
                ApplicationError::UnknownPatient,
                "PID-3 ne contient aucun identifiant",
            )
        }));
    };
    let Some(ins) = sent.valid_ins() else {
        return Ok(Err((
            ApplicationError::InsMismatch,
            "l'INS transmis n'est pas un INS valide",
        )));
    };
    if carried.iter().any(|d| {
        d.ins
            .as_ref()
            .is_some_and(|(m, o)| m != matricule || o != oid)
    }) {
        return Ok(Err((
            ApplicationError::InsMismatch,
            "l'INS du document CDA diffère de celui de PID-3",
        )));
    }
    let Some(patient) = patients::by_ins(store, ins.matricule.as_str(), ins.oid.as_str())? else {
        return Ok(Err((
            ApplicationError::UnknownPatient,
            "aucun patient ne porte cet INS",
        )));
    };
    if !sent.traits_complete() {
        return Ok(Err((
            ApplicationError::InsIncomplete,
            "traits d'identité incomplets dans PID",
        )));
    }
    if patient.identity.status != IdentityStatus::Qualifiee {
        return Ok(Err((
            ApplicationError::InsMismatch,
            "l'identité de ce patient n'est pas qualifiée ici",
        )));
    }
    if !sent.traits_match(&patient.identity) {
        return Ok(Err((
            ApplicationError::InsMismatch,
            "les traits d'identité diffèrent de ceux du patient",
        )));
    }
    Ok(Ok(patient.id))
}

/// Decodes and reads an ED OBX as a CDA.
fn read_document(obx: &Segment<'_>) -> Result<Carried, &'static str> {
    let raw = envelope::payload(obx).map_err(envelope::PayloadError::explanation)?;
    let head = String::from_utf8_lossy(&raw[..raw.len().min(512)]);
    if !head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        return Err(
            "le contenu décodé n'est pas un document CDA (texte ou contenu de remplacement)",
        );
    }
    let doc =
        cda::parse(&raw).map_err(|_| "le contenu décodé n'est pas un document CDA lisible")?;
    let ins = doc.header().patient.as_ref().and_then(|p| {
        p.ids.iter().find_map(|id| {
            crate::domain::InsOid::parse(&id.root)
                .and(id.extension.clone())
                .map(|m| (m, id.root.clone()))
        })
    });
    Ok(Carried {
        meta: doc.meta(),
        raw,
        ins,
    })
}

/// The ids a T10 (TXA-13) or a T04 (TXA-12, else the CDA's own id) names, in the forms the
/// store may hold: `root^extension` from `ext^^root^ISO`, or the value as sent (the agency's
/// examples write `root.ext^Organisation`, whose first component is the whole id).
fn target_ids(msg: &Message<'_>, action: Action, first: Option<&Carried>) -> Vec<String> {
    let field = match action {
        Action::New => return Vec::new(),
        Action::Replace => 13,
        Action::Delete => 12,
    };
    let mut ids = Vec::new();
    if let Some(txa) = msg.segment("TXA") {
        let ei = txa.field(field).repetition(0);
        let (first_c, root) = (ei.component(1).text(), ei.component(3).text());
        let (first_c, root) = (first_c.trim(), root.trim());
        if !root.is_empty() && !first_c.is_empty() {
            ids.push(format!("{root}^{first_c}"));
        }
        if !first_c.is_empty() {
            ids.push(first_c.to_owned());
        }
    }
    if let Some(doc) = first {
        match action {
            Action::Replace => ids.extend(doc.meta.replaces.clone()),
            Action::Delete => ids.push(doc.meta.cda_id.clone()),
            Action::New => {}
        }
    }
    ids.dedup();
    ids
}
