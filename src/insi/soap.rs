//! The INSi request, written with `crate::xml::XmlWriter`: a SOAP 1.2 envelope whose header
//! holds, in this order, `ctxbam:ContexteBAM` (Version `01_02`: Id, Temps, Emetteur, an empty
//! COUVERTURE), `ctxlps:ContexteLPS` (Nature `CTXLPS`, Version `01_00`: Id, Temps, Emetteur,
//! LPS {IDAM `R="4"`, Version, Instance, Nom `urn:lps:<name>:<version>`}), `wsa:Action` and
//! `wsa:MessageID` (`uuid:<uuid>`); the body is `RECSANSVITALE` (traits) or `RECVITALE`
//! (carte Vitale). Names are sent as INSi compares them: upper case, without diacritics.

use chrono::Datelike;

use super::error::InsiError;
use super::settings::InsiSettings;
use super::types::{InsiQuery, InsiTraits, InsiVitale, RequestContext};
use crate::domain::Sex;
use crate::xml::XmlWriter;

pub const SOAP12: &str = "http://www.w3.org/2003/05/soap-envelope";
pub const WSA: &str = "http://www.w3.org/2005/08/addressing";
pub const NS_CTXBAM: &str = "urn:siram:bam:ctxbam";
pub const NS_CTXLPS: &str = "urn:siram:lps:ctxlps";
/// Body of `rechercherInsAvecTraitsIdentite`.
pub const NS_RECSANS: &str = "http://www.cnamts.fr/INSiRecSans";
/// Body of `rechercherInsAvecCarteVitale`.
pub const NS_RECVIT: &str = "http://www.cnamts.fr/INSiRecVit";
/// The answer (`RESULTAT`).
pub const NS_RESULTAT: &str = "http://www.cnamts.fr/INSiResultat";
/// Namespace of the fault details (`siram:Erreur`).
pub const NS_SIRAM: &str = "urn:siram";

pub const ACTION_TRAITS: &str =
    "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecTraitsIdentite";
pub const ACTION_VITALE: &str = "urn:ServiceIdentiteCertifiee:1.0.0:rechercherInsAvecCarteVitale";

/// `Content-Type` of a request.
pub fn content_type(action: &str) -> String {
    format!("application/soap+xml; charset=utf-8; action=\"{action}\"")
}

/// A name as INSi compares it: upper case, diacritics dropped, `’` as `'`, only letters,
/// digits, spaces, hyphens and apostrophes, single spaces.
pub fn wire_text(text: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(text.len());
    for c in text.nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        let c = match c {
            '’' | '‘' | '`' => '\'',
            'œ' | 'Œ' => {
                out.push_str("OE");
                continue;
            }
            'æ' | 'Æ' => {
                out.push_str("AE");
                continue;
            }
            c => c,
        };
        if c.is_alphanumeric() || c == '-' || c == '\'' {
            out.extend(c.to_uppercase());
        } else if c.is_whitespace() && !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
    let end = out.trim_end().len();
    out.truncate(end);
    out
}

/// `M` or `F`; INSi knows no other value.
fn sex_code(sex: Sex) -> Result<&'static str, InsiError> {
    match sex {
        Sex::Male => Ok("M"),
        Sex::Female => Ok("F"),
        Sex::Unknown => Err(InsiError::Incomplete { what: "le sexe" }),
    }
}

/// Checks the traits can be sent (birth name, sex, a COG of 5 characters when given).
fn check_traits(t: &InsiTraits) -> Result<(), InsiError> {
    if wire_text(&t.birth_name).is_empty() {
        return Err(InsiError::Incomplete {
            what: "le nom de naissance",
        });
    }
    sex_code(t.sex)?;
    if let Some(cog) = &t.birthplace_cog
        && (cog.len() != 5 || !cog.bytes().all(|b| b.is_ascii_alphanumeric()))
    {
        return Err(InsiError::Incomplete {
            what: "le code du lieu de naissance (5 caractères)",
        });
    }
    Ok(())
}

/// The whole request for `query`.
pub fn write_request(
    settings: &InsiSettings,
    query: &InsiQuery,
    ctx: &RequestContext,
) -> Result<String, InsiError> {
    if let InsiQuery::Traits { traits } = query {
        check_traits(traits)?;
    }
    let (body_ns_prefix, body_ns) = match query {
        InsiQuery::Traits { .. } => ("xmlns:ins", NS_RECSANS),
        InsiQuery::CarteVitale { .. } => ("xmlns:vit", NS_RECVIT),
    };
    let nom = format!(
        "urn:lps:{}:{}",
        settings.software_name, settings.software_version
    );
    let message_id = format!("uuid:{}", ctx.message_id);
    let mut w = XmlWriter::new();
    w.declaration()
        .open(
            "soap:Envelope",
            &[
                ("xmlns:soap", SOAP12),
                ("xmlns:ctxbam", NS_CTXBAM),
                ("xmlns:ctxlps", NS_CTXLPS),
                ("xmlns:wsa", WSA),
                (body_ns_prefix, body_ns),
            ],
        )
        .open("soap:Header", &[])
        .open("ctxbam:ContexteBAM", &[("Version", "01_02")])
        .leaf("ctxbam:Id", &[], &ctx.bam_id)
        .leaf("ctxbam:Temps", &[], &ctx.time)
        .leaf("ctxbam:Emetteur", &[], &settings.emetteur)
        .empty("ctxbam:COUVERTURE", &[])
        .close()
        .open(
            "ctxlps:ContexteLPS",
            &[("Nature", "CTXLPS"), ("Version", "01_00")],
        )
        .leaf("ctxlps:Id", &[], &ctx.lps_id)
        .leaf("ctxlps:Temps", &[], &ctx.time)
        .leaf("ctxlps:Emetteur", &[], &settings.emetteur)
        .open("ctxlps:LPS", &[])
        .leaf("ctxlps:IDAM", &[("R", "4")], &settings.idam)
        .leaf("ctxlps:Version", &[], &settings.software_version)
        .leaf("ctxlps:Instance", &[], &settings.instance)
        .leaf("ctxlps:Nom", &[], &nom)
        .close()
        .close()
        .leaf("wsa:Action", &[], query.action())
        .leaf("wsa:MessageID", &[], &message_id)
        .close()
        .open("soap:Body", &[]);
    match query {
        InsiQuery::Traits { traits } => traits_body(&mut w, traits)?,
        InsiQuery::CarteVitale { vitale } => vitale_body(&mut w, vitale),
    }
    Ok(w.finish())
}

fn traits_body(w: &mut XmlWriter<'_>, t: &InsiTraits) -> Result<(), InsiError> {
    let first_names = t
        .first_names
        .iter()
        .map(|n| wire_text(n))
        .filter(|n| !n.is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    let date = format!(
        "{:04}-{:02}-{:02}",
        t.birth_date.year(),
        t.birth_date.month(),
        t.birth_date.day()
    );
    w.open("ins:RECSANSVITALE", &[])
        .leaf("ins:NomNaissance", &[], &wire_text(&t.birth_name));
    if !first_names.is_empty() {
        w.leaf("ins:Prenom", &[], &first_names);
    }
    w.leaf("ins:Sexe", &[], sex_code(t.sex)?)
        .leaf("ins:DateNaissance", &[], &date);
    if let Some(cog) = &t.birthplace_cog {
        w.leaf("ins:LieuNaissance", &[], &cog.to_ascii_uppercase());
    }
    w.close();
    Ok(())
}

/// A NIR as `NumIdentifiant` (13) and `Cle` (2), spaces dropped.
fn split_nir(nir: &str) -> (String, String) {
    let s: String = nir.chars().filter(|c| !c.is_whitespace()).collect();
    if s.len() == 15 && s.is_ascii() {
        (s[..13].to_owned(), s[13..].to_owned())
    } else {
        (s, String::new())
    }
}

fn vitale_body(w: &mut XmlWriter<'_>, v: &InsiVitale) {
    let individu: String = v
        .matricule_individu
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let (od_num, od_key) = split_nir(&v.matricule_od);
    w.open("vit:RECVITALE", &[])
        .leaf("vit:MatriculeIndividu", &[], &individu)
        .open("vit:MatriculeOD", &[])
        .leaf("vit:NumIdentifiant", &[], &od_num)
        .leaf("vit:Cle", &[], &od_key)
        .leaf("vit:TypeMatricule", &[], "NIR")
        .close()
        .leaf("vit:NomNaissance", &[], &wire_text(&v.birth_name))
        .leaf("vit:DateNaissance", &[], &v.birth_date)
        .leaf("vit:RangNaissance", &[], &v.birth_rank.max(1).to_string())
        .close();
}

#[cfg(test)]
#[path = "soap_tests.rs"]
mod tests;
