//! The stay of an IHE PAM-FR message (`../shared/specs/hl7v2-outbox-annuaire-insi.md` H): PV1-19
//! names it; the event sets its state (A05 planned; A01/A04/A13/A22 in progress; A03 ended;
//! A11/A38 cancelled; A21 on leave; A02 a new unit; A06/A07/A08/Z99 update its kind and unit);
//! ZBE inserts, updates or cancels a movement by its id; ZFA-9/ZFA-11 become the stay's DMP
//! information and opposition, recorded "from the GAM".

use chrono::{NaiveDate, NaiveDateTime};

use super::adt::{text, trace};
use super::{Outcome, app_error};
use crate::domain::{ConsentChange, EpisodeKind, PatientId};
use crate::hl7::{ApplicationError, Message, Segment};
use crate::store::audit::AuditObject;
use crate::store::stays::{self, Movement, StayFacts, StayState};
use crate::store::{Store, StoreError, consent};

/// The stay of PV1-19 after this event, its movement (ZBE) and its consent (ZFA).
pub(super) fn apply(
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
