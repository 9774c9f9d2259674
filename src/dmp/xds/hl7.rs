//! HL7 v2 data types carried in XDS metadata — CX (patient ids: INS, IPP), XCN (persons),
//! XON (organisations), CE (specialties) — with HL7 v2 escaping, plus the coded value of an
//! XDS classification ([`Code`]) and XDS times (DTM, UTC). Identity-bearing types keep their
//! wire form and never show it in `Debug`.

use std::fmt;

use chrono::{DateTime, Utc};

use super::consts::{OID_PS_NATIONAL_ID, OID_STRUCTURE_ID};
use crate::domain::{Ins, ProfessionalInfo};

/// Escapes a value for a component or sub-component (`\E\ \F\ \S\ \T\ \R\`): HL7 v2
/// escaping inside the value, before the XML writer escapes it for the message.
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        match c {
            '\\' => out.push_str("\\E\\"),
            '|' => out.push_str("\\F\\"),
            '^' => out.push_str("\\S\\"),
            '&' => out.push_str("\\T\\"),
            '~' => out.push_str("\\R\\"),
            c => out.push(c),
        }
    }
    out
}

/// Reverses [`escape`]; unknown escape sequences are kept as written.
pub fn unescape(value: &str) -> String {
    if !value.contains('\\') {
        return value.to_owned();
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('\\') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let replaced = after.find('\\').and_then(|end| {
            let c = match &after[..end] {
                "E" => '\\',
                "F" => '|',
                "S" => '^',
                "T" => '&',
                "R" => '~',
                _ => return None,
            };
            Some((c, end))
        });
        match replaced {
            Some((c, end)) => {
                out.push(c);
                rest = &after[end + 1..];
            }
            None => {
                out.push('\\');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// Component `n` (1-based) of a raw HL7 v2 value, still escaped.
fn component(raw: &str, n: usize) -> Option<&str> {
    raw.split('^').nth(n.checked_sub(1)?)
}

/// Sub-component `n` (1-based) of a component.
fn sub(component: &str, n: usize) -> Option<&str> {
    component.split('&').nth(n.checked_sub(1)?)
}

fn non_empty(value: Option<&str>) -> Option<String> {
    value.filter(|v| !v.is_empty()).map(unescape)
}

/// CX: a patient identifier with its assigning authority, `id^^^&OID&ISO^TYPE` (INS: type
/// `NH`; local IPP: `PI`). Kept as written so that a copied entry stays byte-identical.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Cx(String);

impl Cx {
    pub fn new(id: &str, authority_oid: &str, id_type: &str) -> Self {
        Self(format!(
            "{}^^^&{}&ISO^{}",
            escape(id),
            escape(authority_oid),
            escape(id_type)
        ))
    }

    /// The INS as the DMP identifies the patient (`NH`).
    pub fn from_ins(ins: &Ins) -> Self {
        Self::new(ins.matricule.as_str(), ins.oid.as_str(), "NH")
    }

    /// A local patient identifier (IPP) under the establishment's OID (`PI`).
    pub fn ipp(ipp: &str, oid: &str) -> Self {
        Self::new(ipp, oid, "PI")
    }

    /// A CX as read from a message.
    pub fn from_hl7(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn as_hl7(&self) -> &str {
        &self.0
    }

    pub fn id(&self) -> String {
        component(&self.0, 1).map(unescape).unwrap_or_default()
    }

    pub fn authority_oid(&self) -> Option<String> {
        non_empty(component(&self.0, 4).and_then(|c| sub(c, 2)))
    }

    pub fn id_type(&self) -> Option<String> {
        non_empty(component(&self.0, 5))
    }

    /// The first five components only (`id^^^&OID&ISO^NH`), the form stored queries take; the
    /// DMP returns patient ids with extra components (an effective date).
    pub fn query_form(&self) -> Self {
        let parts: Vec<&str> = self.0.split('^').take(5).collect();
        Self(parts.join("^").trim_end_matches('^').to_owned())
    }
}

impl fmt::Debug for Cx {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Cx(…)")
    }
}

/// XCN: a person, `idNat^FAMILY^Given^^^^^^&OID&ISO^D^^^IDNPS` for a professional.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Xcn(String);

impl Xcn {
    /// A professional identified by their national id (idNat_PS).
    pub fn professional(national_id: &str, family: &str, given: &str) -> Self {
        Self::new(national_id, family, given, OID_PS_NATIONAL_ID, "IDNPS")
    }

    pub fn new(id: &str, family: &str, given: &str, authority_oid: &str, id_type: &str) -> Self {
        Self(format!(
            "{}^{}^{}^^^^^^&{}&ISO^D^^^{}",
            escape(id),
            escape(family),
            escape(given),
            escape(authority_oid),
            escape(id_type)
        ))
    }

    pub fn from_professional(p: &ProfessionalInfo) -> Self {
        Self::professional(&p.national_id, &p.family_name, &p.given_name)
    }

    pub fn from_hl7(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn as_hl7(&self) -> &str {
        &self.0
    }

    pub fn id(&self) -> Option<String> {
        non_empty(component(&self.0, 1))
    }

    pub fn family(&self) -> Option<String> {
        non_empty(component(&self.0, 2))
    }

    pub fn given(&self) -> Option<String> {
        non_empty(component(&self.0, 3))
    }

    pub fn authority_oid(&self) -> Option<String> {
        non_empty(component(&self.0, 9).and_then(|c| sub(c, 2)))
    }

    pub fn id_type(&self) -> Option<String> {
        non_empty(component(&self.0, 13))
    }

    /// "Given FAMILY", as the document list shows authors.
    pub fn display(&self) -> String {
        [self.given(), self.family()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join(" ")
    }
}

impl fmt::Debug for Xcn {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Xcn(…)")
    }
}

/// XON: an organisation, `Name^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^<idNat_Struct>`.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct Xon(String);

impl Xon {
    /// A structure identified by its idNat_Struct (`1` + FINESS, `3` + SIRET…).
    pub fn structure(name: &str, id_nat_struct: &str) -> Self {
        Self::new(name, OID_STRUCTURE_ID, id_nat_struct)
    }

    pub fn new(name: &str, authority_oid: &str, id: &str) -> Self {
        Self(format!(
            "{}^^^^^&{}&ISO^IDNST^^^{}",
            escape(name),
            escape(authority_oid),
            escape(id)
        ))
    }

    pub fn from_hl7(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    pub fn as_hl7(&self) -> &str {
        &self.0
    }

    pub fn name(&self) -> String {
        component(&self.0, 1).map(unescape).unwrap_or_default()
    }

    pub fn authority_oid(&self) -> Option<String> {
        non_empty(component(&self.0, 6).and_then(|c| sub(c, 2)))
    }

    /// The organisation identifier (XON.10), e.g. the idNat_Struct.
    pub fn id(&self) -> Option<String> {
        non_empty(component(&self.0, 10))
    }
}

impl fmt::Debug for Xon {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Xon(…)")
    }
}

/// A coded value: an XDS classification (`nodeRepresentation`, `codingScheme` slot, `Name`) or
/// an HL7 v2 CE (`code^display^scheme`, e.g. authorSpecialty).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Code {
    pub code: String,
    pub scheme: String,
    pub display: String,
}

impl Code {
    pub fn new(code: &str, scheme: &str, display: &str) -> Self {
        Self {
            code: code.to_owned(),
            scheme: scheme.to_owned(),
            display: display.to_owned(),
        }
    }

    /// `code^display^scheme`.
    pub fn to_ce(&self) -> String {
        format!(
            "{}^{}^{}",
            escape(&self.code),
            escape(&self.display),
            escape(&self.scheme)
        )
    }

    pub fn from_ce(raw: &str) -> Self {
        let part = |n| component(raw, n).map(unescape).unwrap_or_default();
        Self {
            code: part(1),
            display: part(2),
            scheme: part(3),
        }
    }

    /// `code^^scheme`, the form stored query parameters take.
    pub fn query_value(&self) -> String {
        format!("{}^^{}", self.code, self.scheme)
    }

    /// Same code in the same scheme (display names differ between producers).
    pub fn same_as(&self, code: &str, scheme: &str) -> bool {
        self.code == code && self.scheme == scheme
    }
}

/// The specialty of a professional as an authorSpecialty CE.
pub fn specialty(p: &ProfessionalInfo) -> Code {
    Code::new(
        &p.specialty_code,
        super::consts::OID_SPECIALTY,
        &p.specialty_label,
    )
}

/// An XDS time (`YYYY[MM[DD[hh[mm[ss]]]]]`, UTC) from a UTC instant, to the second.
pub fn format_dtm(t: &DateTime<Utc>) -> String {
    t.format("%Y%m%d%H%M%S").to_string()
}

/// Reads an XDS time (UTC); missing parts default to the start of the period.
pub fn parse_dtm(value: &str) -> Option<DateTime<Utc>> {
    let value = value.trim();
    if value.contains(['+', '-']) {
        return None;
    }
    crate::cda::parse_ts(value).map(|t| t.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn cx_of_the_dmp_response() {
        let cx = Cx::from_hl7("207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH^^20100907");
        assert_eq!(cx.id(), "207058575627097");
        assert_eq!(cx.authority_oid().as_deref(), Some("1.2.250.1.213.1.4.10"));
        assert_eq!(cx.id_type().as_deref(), Some("NH"));
        assert_eq!(
            cx.query_form().as_hl7(),
            "207058575627097^^^&1.2.250.1.213.1.4.10&ISO^NH"
        );
        assert_eq!(format!("{cx:?}"), "Cx(…)");
        let ipp = Cx::ipp("0456789999", "1.2.250.1.999.1.1.7898.2");
        assert_eq!(
            ipp.as_hl7(),
            "0456789999^^^&1.2.250.1.999.1.1.7898.2&ISO^PI"
        );
        assert_eq!(ipp.query_form(), ipp);
    }

    #[test]
    fn xcn_xon_ce_round_trip_with_escaping() {
        let xcn = Xcn::professional("899900063480", "MAX", "LIBRE");
        assert_eq!(
            xcn.as_hl7(),
            "899900063480^MAX^LIBRE^^^^^^&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS"
        );
        assert_eq!(xcn.id().as_deref(), Some("899900063480"));
        assert_eq!(xcn.authority_oid().as_deref(), Some(OID_PS_NATIONAL_ID));
        assert_eq!(xcn.id_type().as_deref(), Some("IDNPS"));
        assert_eq!(xcn.display(), "LIBRE MAX");
        let odd = Xcn::professional("1", "A^B&C", "D\\E|F~G");
        assert_eq!(odd.family().as_deref(), Some("A^B&C"));
        assert_eq!(odd.given().as_deref(), Some("D\\E|F~G"));

        let xon = Xon::structure("CABINET DR LIBRE", "499900063480001");
        assert_eq!(
            xon.as_hl7(),
            "CABINET DR LIBRE^^^^^&1.2.250.1.71.4.2.2&ISO^IDNST^^^499900063480001"
        );
        assert_eq!(xon.name(), "CABINET DR LIBRE");
        assert_eq!(xon.id().as_deref(), Some("499900063480001"));
        assert_eq!(xon.authority_oid().as_deref(), Some(OID_STRUCTURE_ID));

        let raw = "G15_10/SM26^Médecin - Qualifié en Médecine Générale (SM)^1.2.250.1.213.1.1.4.5";
        let ce = Code::from_ce(raw);
        assert_eq!(ce.code, "G15_10/SM26");
        assert_eq!(ce.scheme, "1.2.250.1.213.1.1.4.5");
        assert_eq!(ce.to_ce(), raw);
        assert_eq!(unescape("a\\X\\b\\"), "a\\X\\b\\");
    }

    #[test]
    fn dtm_in_and_out() {
        let t = Utc
            .with_ymd_and_hms(2010, 3, 19, 18, 32, 44)
            .single()
            .expect("t");
        assert_eq!(format_dtm(&t), "20100319183244");
        assert_eq!(parse_dtm("20100319183244"), Some(t));
        assert_eq!(
            parse_dtm("20100319"),
            Utc.with_ymd_and_hms(2010, 3, 19, 0, 0, 0).single()
        );
        assert_eq!(parse_dtm("20100319183244+0100"), None);
        assert_eq!(parse_dtm("2010031"), None);
    }
}
