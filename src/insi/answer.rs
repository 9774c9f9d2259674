//! Reading an INSi answer with `crate::xml` (DOCTYPE and unknown entities refused, size, depth
//! and element count bounded): a SOAP 1.2 envelope whose body is `RESULTAT`
//! (`CR/CodeCR` `00` one identity, `01` none, `02` several; `INDIVIDU` with `INSACTIF`,
//! `INSHISTO*` and the reference traits `TIQ`) or a `Fault` (code, `siram_NNN` subcode,
//! reason, `siram:Erreur code="desir_NNN"` detail). Every INS is checked (matricule, key, OID).

use chrono::NaiveDate;

use super::error::{Fault, InsiError};
use super::settings::MAX_ANSWER_BYTES;
use super::soap::NS_RESULTAT;
use super::types::{InsiAnswer, InsiIdentity};
use crate::domain::{Ins, Sex};
use crate::xml::{self, Element, Limits, decode::UnknownEncoding};

/// What an answer may be: a few KB, a handful of levels.
pub const LIMITS: Limits = Limits {
    max_bytes: MAX_ANSWER_BYTES,
    max_depth: 32,
    max_elements: 4_000,
};

/// Longest fault reason kept (characters).
const MAX_REASON_CHARS: usize = 300;

/// The meaning of an answer's bytes: its [`InsiAnswer`], or the fault as an error.
pub fn parse_answer(bytes: &[u8]) -> Result<InsiAnswer, InsiError> {
    let decoded = xml::decode::decode(bytes, UnknownEncoding::Guess).map_err(InsiError::Xml)?;
    let doc = xml::parse(&decoded.text, &LIMITS).map_err(InsiError::Xml)?;
    let root = doc.root();
    if !is_soap(&root, "Envelope") {
        return Err(InsiError::Malformed {
            what: "une enveloppe SOAP",
        });
    }
    let payload = root
        .children()
        .find(|c| is_soap(c, "Body"))
        .and_then(|b| b.first_child())
        .ok_or(InsiError::Malformed {
            what: "un corps SOAP",
        })?;
    if is_soap(&payload, "Fault") {
        return Err(InsiError::Fault(read_fault(&payload)));
    }
    if !payload.is_in_or_unqualified(NS_RESULTAT, "RESULTAT") {
        return Err(InsiError::Malformed {
            what: "un RESULTAT",
        });
    }
    read_resultat(&payload)
}

fn is_soap(e: &Element<'_>, local: &str) -> bool {
    e.local() == local
        && (e.ns() == super::soap::SOAP12 || e.ns() == "http://schemas.xmlsoap.org/soap/envelope/")
}

fn read_resultat(r: &Element<'_>) -> Result<InsiAnswer, InsiError> {
    let code = r
        .path(&["CR", "CodeCR"])
        .and_then(|c| c.text_trim())
        .ok_or(InsiError::Malformed { what: "un CodeCR" })?;
    match code {
        "00" => {
            let individu = r.child("INDIVIDU").ok_or(InsiError::Malformed {
                what: "un INDIVIDU avec le code 00",
            })?;
            Ok(InsiAnswer::Found(read_individu(&individu)?))
        }
        "01" => Ok(InsiAnswer::NotFound),
        "02" => Ok(InsiAnswer::Several),
        _ => Err(InsiError::Malformed {
            what: "un CodeCR connu (00, 01 ou 02)",
        }),
    }
}

/// `NumIdentifiant` + `Cle` and `OID` of an `INSACTIF` or `INSHISTO`.
fn read_ins(e: &Element<'_>) -> Result<Ins, InsiError> {
    let id = e.child("IdIndividu").ok_or(InsiError::Malformed {
        what: "un IdIndividu",
    })?;
    let number = id.child_text_trim("NumIdentifiant").unwrap_or_default();
    let key = id.child_text_trim("Cle").unwrap_or_default();
    let oid = e
        .child_text_trim("OID")
        .ok_or(InsiError::Malformed { what: "un OID" })?;
    if number.len() != 13 || key.len() != 2 {
        return Err(InsiError::InvalidIns(crate::domain::ins::InsError::Length(
            number.len() + key.len(),
        )));
    }
    Ins::parse(&format!("{number}{key}"), oid).map_err(InsiError::InvalidIns)
}

fn read_individu(i: &Element<'_>) -> Result<InsiIdentity, InsiError> {
    let active = i.child("INSACTIF").ok_or(InsiError::Malformed {
        what: "un INSACTIF",
    })?;
    let ins = read_ins(&active)?;
    let history = i
        .children_named("INSHISTO")
        .map(|h| read_ins(&h))
        .collect::<Result<Vec<_>, _>>()?;
    let tiq = i
        .child("TIQ")
        .ok_or(InsiError::Malformed { what: "des TIQ" })?;
    let text = |local: &'static str| tiq.child_text_trim(local).unwrap_or_default().to_owned();
    let birth_name = text("NomNaissance");
    let first_name = text("Prenom");
    let mut first_names = super::types::split_first_names(&text("ListePrenom"));
    if first_names.is_empty() && !first_name.is_empty() {
        first_names.push(first_name.clone());
    }
    let sex = tiq
        .child_text_trim("Sexe")
        .and_then(Sex::from_code)
        .ok_or(InsiError::Malformed { what: "un sexe" })?;
    let birth_date = tiq
        .child_text_trim("DateNaissance")
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
        .ok_or(InsiError::Malformed {
            what: "une date de naissance",
        })?;
    if birth_name.is_empty() {
        return Err(InsiError::Malformed {
            what: "un nom de naissance",
        });
    }
    Ok(InsiIdentity {
        ins,
        history,
        birth_name,
        first_name,
        first_names,
        sex,
        birth_date,
        birthplace_cog: tiq.child_text_trim("LieuNaissance").map(str::to_owned),
    })
}

/// A code as the service writes it, its prefix dropped; kept only when it looks like one.
fn code_of(value: &str) -> Option<String> {
    let local = value.rsplit(':').next().unwrap_or(value).trim();
    (!local.is_empty()
        && local.len() <= 40
        && local
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_'))
    .then(|| local.to_owned())
}

/// The service's reason, without control characters, bounded.
fn clean_reason(text: &str) -> String {
    let mut out: String = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .chars()
        .filter(|c| !c.is_control())
        .take(MAX_REASON_CHARS)
        .collect();
    if out.is_empty() {
        out.push_str("sans motif");
    }
    out
}

fn read_fault(f: &Element<'_>) -> Fault {
    // SOAP 1.2: Code/Value, Code/Subcode/Value, Reason/Text, Detail; SOAP 1.1: faultcode,
    // faultstring, detail.
    let code = f
        .path(&["Code", "Value"])
        .or_else(|| f.child("faultcode"))
        .and_then(|c| c.text_trim())
        .and_then(code_of)
        .unwrap_or_else(|| "Fault".to_owned());
    let subcode = f
        .path(&["Code", "Subcode", "Value"])
        .and_then(|c| c.text_trim())
        .and_then(code_of);
    let reason = f
        .path(&["Reason", "Text"])
        .or_else(|| f.child("faultstring"))
        .map(|t| clean_reason(t.text()))
        .unwrap_or_else(|| clean_reason(""));
    let erreur = f
        .child("Detail")
        .or_else(|| f.child("detail"))
        .and_then(|d| d.descendants_or_self().find(|e| e.local() == "Erreur"));
    Fault {
        code,
        subcode,
        detail_code: erreur.and_then(|e| e.attr_trim("code")).and_then(code_of),
        severity: erreur
            .and_then(|e| e.attr_trim("severite"))
            .and_then(code_of),
        reason,
    }
}

#[cfg(test)]
#[path = "answer_tests.rs"]
mod tests;
