//! IHE PAM-FR from the GAM (`../shared/specs/hl7v2-outbox-annuaire-insi.md` H): the patient of
//! PID is created or updated by its IPP; the stay of PV1-19 follows the event (A05
//! pre-admission → planned; A01/A04 → in progress; A02 transfer; A03 discharge; A06/A07 class
//! change; A08/Z99 update; A11/A38 cancelled; A12 the transfer undone; A13 discharge undone;
//! A21/A22 leave and return); ZBE movements are inserted, updated or cancelled by their id;
//! ZFA-9/ZFA-11 become the stay's DMP information and opposition, recorded "from the GAM"
//! (NA leaves the defaults); A40 merges an IPP into another.
//!
//! Identity vigilance: an INS already held by another patient, a qualified identity whose
//! traits the message contradicts, a merge of two folders that both hold documents — each
//! raises an alert for a person and changes nothing of the identities involved.

use chrono::{NaiveDate, NaiveDateTime};

use super::pid::{self, SentPatient};
use super::{Outcome, app_error};
use crate::domain::{ConsentChange, EpisodeKind, IdentityStatus, PatientId};
use crate::hl7::{AckError, ApplicationError, ErrorLocation, Hl7Condition, Message, Segment};
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::identity_alerts::{self, AlertKind};
use crate::store::stays::{self, Movement, StayFacts, StayState};
use crate::store::{Store, StoreError, consent, patients};

/// Files one ADT message (inside the caller's transaction).
pub fn apply(store: &mut Store, msg: &Message<'_>, journal: i64) -> Result<Outcome, StoreError> {
    let trigger = msg.message_type().trigger.into_owned();
    let actor = format!("gam:{}", msg.msh().field(3).component(1).text().trim());
    let Some(pid) = msg.segment("PID") else {
        return Ok(missing("PID", 0, "segment PID absent"));
    };
    let sent = pid::read(&pid);
    let Some(ipp) = sent.ipp.clone() else {
        return Ok(missing("PID", 3, "IPP absent de PID-3"));
    };
    if trigger == "A40" {
        return merge(store, msg, &sent, &ipp, journal, &actor);
    }
    let patient = match upsert_patient(store, &sent, &ipp, journal, &actor)? {
        Ok(patient) => patient,
        Err(outcome) => return Ok(outcome),
    };
    if matches!(trigger.as_str(), "A28" | "A31" | "A47") {
        return Ok(Outcome::filed("patient", Some(patient)));
    }
    let Some(pv1) = msg.segment("PV1") else {
        return Ok(Outcome::filed("patient, no stay", Some(patient)));
    };
    let Some(visit) = text(&pv1.field(19).component(1).text()) else {
        return Ok(missing("PV1", 19, "numéro de venue absent de PV1-19"));
    };
    stay(store, msg, &pv1, &trigger, patient, &visit, &actor)
}

fn missing(segment: &str, field: usize, explanation: &str) -> Outcome {
    Outcome::rejected(
        AckError::message(
            Hl7Condition::RequiredFieldMissing,
            Some(ErrorLocation::field(segment, 1, field)),
        )
        .explained(explanation),
        "required field missing",
    )
}

fn text(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty() && s != "\"\"").then(|| s.to_owned())
}

/// Creates or updates the patient of PID; an identity conflict raises an alert.
fn upsert_patient(
    store: &mut Store,
    sent: &SentPatient,
    ipp: &str,
    journal: i64,
    actor: &str,
) -> Result<Result<PatientId, Outcome>, StoreError> {
    let Some(mut identity) = sent.to_identity(ipp) else {
        return Ok(Err(missing(
            "PID",
            5,
            "traits d'identité incomplets (PID-5, PID-7)",
        )));
    };
    let existing = patients::by_ipp(store, ipp)?;
    let mut conflict = None;
    if let Some(ins) = &identity.ins
        && let Some(holder) = patients::by_ins(store, ins.matricule.as_str(), ins.oid.as_str())?
        && existing.as_ref().map(|p| p.id) != Some(holder.id)
    {
        // The INS belongs to another folder here: the identity is kept without it.
        conflict = Some(holder.id);
        identity.ins = None;
        identity.status = match identity.status {
            IdentityStatus::Qualifiee => IdentityStatus::Validee,
            IdentityStatus::Recuperee => IdentityStatus::Provisoire,
            other => other,
        };
    }
    let id = match existing {
        Some(stored) => {
            let s = &stored.identity;
            if s.status == IdentityStatus::Qualifiee
                && s.ins.is_some()
                && s.ins == identity.ins
                && !sent.traits_match(s)
            {
                alert(
                    store,
                    AlertKind::InsTraitsDiffer,
                    Some(stored.id),
                    None,
                    journal,
                    actor,
                )?;
                return Ok(Ok(stored.id));
            }
            if identity.used_first_name.is_none() {
                identity.used_first_name = s.used_first_name.clone();
            }
            if *s != identity {
                patients::update_identity(store, stored.id, &identity)?;
                trace(
                    store,
                    actor,
                    AuditObject::Patient(stored.id.0),
                    "patient updated",
                )?;
            }
            stored.id
        }
        None => {
            let id = patients::insert(store, &identity)?;
            trace(store, actor, AuditObject::Patient(id.0), "patient created")?;
            id
        }
    };
    if let Some(holder) = conflict {
        alert(
            store,
            AlertKind::InsOnOtherPatient,
            Some(id),
            Some(holder),
            journal,
            actor,
        )?;
    }
    Ok(Ok(id))
}

fn trace(
    store: &mut Store,
    actor: &str,
    object: AuditObject,
    detail: &str,
) -> Result<(), StoreError> {
    audit::record(store, actor, AuditAction::GamUpdate, object, detail).map(|_| ())
}

fn alert(
    store: &mut Store,
    kind: AlertKind,
    patient: Option<PatientId>,
    other: Option<PatientId>,
    journal: i64,
    actor: &str,
) -> Result<(), StoreError> {
    let id = identity_alerts::raise(store, kind, patient, other, Some(journal))?;
    audit::record(
        store,
        actor,
        AuditAction::IdentityAlert,
        AuditObject::IdentityAlert(id),
        format!("raised {}", kind.code()),
    )
    .map(|_| ())
}

/// The stay of PV1-19 after this event, its movement (ZBE) and its consent (ZFA).
fn stay(
    store: &mut Store,
    msg: &Message<'_>,
    pv1: &Segment<'_>,
    trigger: &str,
    patient: PatientId,
    visit: &str,
    actor: &str,
) -> Result<Outcome, StoreError> {
    let zbe = msg.segment("ZBE");
    let start = [
        pv1.field(44).component(1).text(),
        zbe.as_ref()
            .map(|z| z.field(2).component(1).text())
            .unwrap_or_default(),
        msg.segment("EVN")
            .map(|e| e.field(6).component(1).text())
            .unwrap_or_default(),
    ]
    .iter()
    .find_map(|t| timestamp(t))
    .unwrap_or_else(|| chrono::Utc::now().naive_utc());
    let (unit, finess) = unit_of(pv1, zbe.as_ref());
    let facts = StayFacts {
        kind: kind_of(&pv1.field(2).text()),
        start,
        unit: &unit,
        finess_geo: &finess,
    };
    let known = stays::by_visit(store, visit)?;
    if let Some(known) = &known
        && known.patient != patient
    {
        return Ok(Outcome::rejected(
            app_error(
                ApplicationError::Other,
                Some(("PV1", 1, 19)),
                "ce numéro de venue appartient à un autre patient",
            ),
            "visit of another patient",
        ));
    }
    let creates = !matches!(trigger, "A11" | "A12" | "A38" | "A52" | "A53" | "A55");
    let episode = match known {
        Some(known) => {
            if matches!(
                trigger,
                "A01" | "A04" | "A05" | "A06" | "A07" | "A08" | "Z99"
            ) {
                stays::update(store, known.episode, &facts)?;
            }
            known.episode
        }
        None if creates => {
            let state = if trigger == "A05" {
                StayState::Planned
            } else {
                StayState::InProgress
            };
            stays::create(store, patient, visit, &facts, state)?
        }
        None => {
            return Ok(Outcome::filed(
                "cancellation of an unknown stay",
                Some(patient),
            ));
        }
    };
    let end = [
        pv1.field(45).component(1).text(),
        msg.segment("EVN")
            .map(|e| e.field(6).component(1).text())
            .unwrap_or_default(),
    ]
    .iter()
    .find_map(|t| timestamp(t))
    .unwrap_or_else(|| chrono::Utc::now().naive_utc());
    match trigger {
        "A01" | "A04" | "A13" | "A22" => {
            stays::set_state(store, episode, StayState::InProgress, None)?;
        }
        "A03" => stays::set_state(store, episode, StayState::Ended, Some(end))?,
        "A11" | "A38" => stays::set_state(store, episode, StayState::Cancelled, Some(start))?,
        "A21" => stays::set_state(store, episode, StayState::OnLeave, None)?,
        "A52" => stays::set_state(store, episode, StayState::InProgress, None)?,
        "A53" => stays::set_state(store, episode, StayState::OnLeave, None)?,
        "A02" => stays::set_unit(store, episode, &unit)?,
        _ => {}
    }
    if let Some(zbe) = &zbe {
        movement(store, zbe, episode, trigger, &unit)?;
    }
    trace(
        store,
        actor,
        AuditObject::Episode(episode.0),
        &format!("stay {trigger}"),
    )?;
    if let Some(zfa) = msg.segment("ZFA")
        && let Some((change, stated_on)) = consent_of(&zfa)
    {
        let application = actor.trim_start_matches("gam:");
        consent::record_from_gam(store, episode, &change, application, stated_on.as_deref())?;
    }
    Ok(Outcome::filed("stay", Some(patient)))
}

fn movement(
    store: &mut Store,
    zbe: &Segment<'_>,
    episode: crate::domain::EpisodeId,
    trigger: &str,
    unit: &str,
) -> Result<(), StoreError> {
    let Some(id) = text(&zbe.field(1).repetition(0).raw().replace('&', "^")) else {
        return Ok(());
    };
    match zbe.field(4).text().trim() {
        "CANCEL" => {
            stays::cancel_movement(store, &id)?;
            if let Some(unit) = stays::current_unit(store, episode)? {
                stays::set_unit(store, episode, &unit)?;
            }
        }
        action => {
            let original = zbe.field(6).text();
            let trigger = if action == "UPDATE" && !original.trim().is_empty() {
                original.trim().to_owned()
            } else {
                trigger.to_owned()
            };
            let start = timestamp(&zbe.field(2).component(1).text())
                .unwrap_or_else(|| chrono::Utc::now().naive_utc());
            let nature = text(&zbe.field(9).component(1).text());
            stays::put_movement(
                store,
                episode,
                &Movement {
                    movement_id: &id,
                    start,
                    trigger: &trigger,
                    unit,
                    nature: nature.as_deref(),
                },
            )?;
        }
    }
    Ok(())
}

/// PV1-2: I inpatient, E emergency; every other class is an outpatient episode.
fn kind_of(class: &str) -> EpisodeKind {
    EpisodeKind::from_code(class.trim()).unwrap_or(EpisodeKind::Consultation)
}

/// The unit (ZBE-7's name or code, else PV1-3.1) and the FINESS (PV1-3.4.2, else ZBE-7.6.2)
/// of the stay.
fn unit_of(pv1: &Segment<'_>, zbe: Option<&Segment<'_>>) -> (String, String) {
    let location = pv1.field(3).repetition(0);
    let zbe_unit = zbe.map(|z| z.field(7).repetition(0));
    let unit = zbe_unit
        .as_ref()
        .and_then(|u| text(&u.component(1).text()).or_else(|| text(&u.component(10).text())))
        .or_else(|| text(&location.component(1).text()))
        .unwrap_or_default();
    let finess = [
        location.component(4).subcomponent(2).text(),
        zbe_unit
            .map(|u| u.component(6).subcomponent(2).text())
            .unwrap_or_default(),
    ]
    .into_iter()
    .find(|f| f.len() == 9 && f.bytes().all(|b| b.is_ascii_digit()))
    .map(|f| f.into_owned())
    .unwrap_or_default();
    (unit, finess)
}

/// An HL7 TS (`YYYYMMDD[HH[MM[SS]]]…`) as a date-time; None when unreadable.
pub fn timestamp(ts: &str) -> Option<NaiveDateTime> {
    let digits: String = ts.trim().chars().take_while(char::is_ascii_digit).collect();
    let date = NaiveDate::parse_from_str(digits.get(..8)?, "%Y%m%d").ok()?;
    let part = |range: std::ops::Range<usize>| {
        digits
            .get(range)
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    date.and_hms_opt(part(8..10), part(10..12), part(12..14))
}

/// ZFA-9 (IO opposed to feeding, INO not opposed) and ZFA-11 (IC consents to consultation,
/// INC does not) as a consent change, with the date the GAM gives; NA or absent on both sides
/// leaves the defaults (None).
pub fn consent_of(zfa: &Segment<'_>) -> Option<(ConsentChange, Option<String>)> {
    let feeding = zfa.field(9).component(1).text().trim().to_owned();
    let consultation = zfa.field(11).component(1).text().trim().to_owned();
    let informed =
        matches!(feeding.as_str(), "IO" | "INO") || matches!(consultation.as_str(), "IC" | "INC");
    if !informed {
        return None;
    }
    let (opposes_feeding, opposes_consultation) = (feeding == "IO", consultation == "INC");
    let change = if opposes_feeding || opposes_consultation {
        ConsentChange::informed_opposed(opposes_feeding, opposes_consultation)
    } else {
        ConsentChange::informed_not_opposed()
    };
    let stated_on = [zfa.field(10).text(), zfa.field(12).text()]
        .iter()
        .find_map(|t| timestamp(t))
        .map(|t| t.date().format("%Y-%m-%d").to_string());
    Some((change, stated_on))
}

/// A40: the folder of MRG-1's IPP merged into PID's. An unknown old IPP changes nothing; an
/// unknown new IPP renumbers the old folder; two folders are merged only when the old one
/// holds no document, else an alert waits for a person.
fn merge(
    store: &mut Store,
    msg: &Message<'_>,
    sent: &SentPatient,
    ipp: &str,
    journal: i64,
    actor: &str,
) -> Result<Outcome, StoreError> {
    let Some(old_ipp) = msg.segment("MRG").and_then(|m| {
        m.field(1)
            .repetitions()
            .find(|r| r.component(5).text() == "PI" || r.component(5).text().is_empty())
            .and_then(|r| text(&r.component(1).text()))
    }) else {
        return Ok(missing("MRG", 1, "IPP à fusionner absent de MRG-1"));
    };
    let old = patients::by_ipp(store, &old_ipp)?;
    let new = patients::by_ipp(store, ipp)?;
    match (old, new) {
        (None, _) => {
            let id = match upsert_patient(store, sent, ipp, journal, actor)? {
                Ok(id) => id,
                Err(outcome) => return Ok(outcome),
            };
            alert(
                store,
                AlertKind::MergeUnknownPatient,
                Some(id),
                None,
                journal,
                actor,
            )?;
            Ok(Outcome::filed("merge of an unknown folder", Some(id)))
        }
        (Some(old), None) => {
            let mut identity = old.identity.clone();
            identity.ipp = ipp.to_owned();
            patients::update_identity(store, old.id, &identity)?;
            trace(
                store,
                actor,
                AuditObject::Patient(old.id.0),
                "renumbered by merge",
            )?;
            Ok(Outcome::filed("merge: renumbered", Some(old.id)))
        }
        (Some(old), Some(new)) if old.id == new.id => {
            Ok(Outcome::filed("merge: same folder", Some(new.id)))
        }
        (Some(old), Some(new)) => {
            if patients::document_count(store, old.id)? > 0 {
                alert(
                    store,
                    AlertKind::MergeWithDocuments,
                    Some(new.id),
                    Some(old.id),
                    journal,
                    actor,
                )?;
                return Ok(Outcome::filed(
                    "merge waits for identity vigilance",
                    Some(new.id),
                ));
            }
            stays::move_all(store, old.id, new.id)?;
            patients::remove_merged(store, old.id)?;
            trace(
                store,
                actor,
                AuditObject::Patient(new.id.0),
                &format!("merged patient {}", old.id.0),
            )?;
            Ok(Outcome::filed("merged", Some(new.id)))
        }
    }
}
