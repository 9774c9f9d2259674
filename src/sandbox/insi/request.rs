//! How the sandbox INSi reads a request as the real service would: a SOAP 1.2 envelope read
//! with `crate::xml` (bounded, DOCTYPE refused); the headers checked (ContexteBAM `01_02` with
//! Id, Temps and Emetteur; ContexteLPS `01_00` with an IDAM `R="4"` the service knows, else
//! `desir_550`; a `urn:lps:` name; `wsa:Action` matching the body and the HTTP action;
//! `wsa:MessageID`); the body's traits or carte Vitale fields checked.

use chrono::NaiveDate;

use super::identities::TraitsQuery;
use crate::domain::Sex;
use crate::insi::{ACTION_TRAITS, ACTION_VITALE, NS_CTXBAM, NS_CTXLPS, NS_RECSANS, NS_RECVIT};
use crate::xml::{self, Element, Limits};

/// A request's limits: a few KB.
const LIMITS: Limits = Limits {
    max_bytes: 64 * 1024,
    max_depth: 16,
    max_elements: 200,
};

const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
const WSA: &str = "http://www.w3.org/2005/08/addressing";

/// A carte Vitale search.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VitaleQuery {
    pub matricule: String,
    pub birth_name: String,
}

/// What was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Asked {
    Traits(TraitsQuery),
    Vitale(VitaleQuery),
}

/// A request read and checked: what was asked, or the `desir_NNN` code of the fault to send.
pub fn read(
    body: &[u8],
    http_action: Option<&str>,
    idams: &[String],
) -> Result<Asked, &'static str> {
    const BAD: &str = "desir_500";
    let text = std::str::from_utf8(body).map_err(|_| BAD)?;
    let doc = xml::parse(text, &LIMITS).map_err(|_| BAD)?;
    let root = doc.root();
    if !root.is(SOAP12, "Envelope") {
        return Err(BAD);
    }
    let header = root
        .children()
        .find(|c| c.is(SOAP12, "Header"))
        .ok_or(BAD)?;
    let body = root
        .children()
        .find(|c| c.is(SOAP12, "Body"))
        .and_then(|b| b.first_child())
        .ok_or(BAD)?;
    let block = |ns: &str, local: &str| header.children().find(|c| c.is(ns, local));
    let bam = block(NS_CTXBAM, "ContexteBAM").ok_or(BAD)?;
    let lps = block(NS_CTXLPS, "ContexteLPS").ok_or(BAD)?;
    let filled =
        |e: &Element<'_>, names: &[&str]| names.iter().all(|n| e.child_text_trim(n).is_some());
    if bam.attr("Version") != Some("01_02") || !filled(&bam, &["Id", "Temps", "Emetteur"]) {
        return Err(BAD);
    }
    if bam.child("COUVERTURE").is_none() {
        return Err(BAD);
    }
    if lps.attr("Version") != Some("01_00") || !filled(&lps, &["Id", "Temps", "Emetteur"]) {
        return Err(BAD);
    }
    let software = lps.child("LPS").ok_or(BAD)?;
    if !filled(&software, &["Version", "Instance"])
        || !software
            .child_text_trim("Nom")
            .is_some_and(|n| n.starts_with("urn:lps:"))
    {
        return Err(BAD);
    }
    let idam = software.child("IDAM").ok_or(BAD)?;
    if idam.attr("R") != Some("4") {
        return Err(BAD);
    }
    if !idams
        .iter()
        .any(|known| Some(known.as_str()) == idam.text_trim())
    {
        return Err("desir_550");
    }
    let action = block(WSA, "Action")
        .and_then(|a| a.text_trim())
        .ok_or(BAD)?;
    if !block(WSA, "MessageID")
        .and_then(|m| m.text_trim())
        .is_some_and(|m| m.starts_with("uuid:"))
    {
        return Err(BAD);
    }
    if http_action.is_some_and(|h| h != action) {
        return Err(BAD);
    }
    match action {
        ACTION_TRAITS if body.is(NS_RECSANS, "RECSANSVITALE") => traits(&body).map(Asked::Traits),
        ACTION_VITALE if body.is(NS_RECVIT, "RECVITALE") => vitale(&body).map(Asked::Vitale),
        _ => Err(BAD),
    }
}

fn traits(b: &Element<'_>) -> Result<TraitsQuery, &'static str> {
    const BAD: &str = "desir_500";
    let only_known = b.children().all(|c| {
        c.ns() == NS_RECSANS
            && matches!(
                c.local(),
                "NomNaissance" | "Prenom" | "Sexe" | "DateNaissance" | "LieuNaissance"
            )
    });
    if !only_known {
        return Err(BAD);
    }
    let birth_name = b.child_text_trim("NomNaissance").ok_or(BAD)?.to_owned();
    let first: Vec<&str> = b
        .children_named("Prenom")
        .filter_map(|p| p.text_trim())
        .collect();
    let sex = match b.child_text_trim("Sexe") {
        Some("M") => Sex::Male,
        Some("F") => Sex::Female,
        _ => return Err(BAD),
    };
    let birth_date = b
        .child_text_trim("DateNaissance")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or(BAD)?;
    let birthplace_cog = match b.child_text_trim("LieuNaissance") {
        None => None,
        Some(c) if c.len() == 5 && c.bytes().all(|x| x.is_ascii_alphanumeric()) => {
            Some(c.to_ascii_uppercase())
        }
        Some(_) => return Err(BAD),
    };
    Ok(TraitsQuery {
        birth_name,
        first_names: (!first.is_empty()).then(|| first.join(" ")),
        sex,
        birth_date,
        birthplace_cog,
    })
}

fn vitale(b: &Element<'_>) -> Result<VitaleQuery, &'static str> {
    const BAD: &str = "desir_500";
    let matricule = b
        .child_text_trim("MatriculeIndividu")
        .ok_or(BAD)?
        .to_owned();
    let birth_name = b.child_text_trim("NomNaissance").ok_or(BAD)?.to_owned();
    if b.child("MatriculeOD").is_none() || b.child_text_trim("DateNaissance").is_none() {
        return Err(BAD);
    }
    Ok(VitaleQuery {
        matricule,
        birth_name,
    })
}
