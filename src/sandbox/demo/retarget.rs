//! Rewrites a CDA fixture for a demo patient: the `recordTarget` is replaced by one built from
//! the patient, and the document identifiers (`id`, `setId`, `parentDocument/id|setId`) get a
//! per-patient suffix. Everything else is copied through event by event, byte for byte.
//! Documents that embed a PDF are refused: the PDF would still show the original patient.

use quick_xml::Reader;
use quick_xml::Writer;
use quick_xml::events::{BytesEnd, BytesStart, BytesText, Event};

use super::places::{birthplace_name, is_foreign};
use super::{DemoError, DemoPatient, SANDBOX_IPP_OID};
use crate::domain::Sex;

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";
const GENDER_CODE_SYSTEM: &str = "2.16.840.1.113883.5.1";

/// Rewrites `fixture` (a CDA R2 document) for `patient`.
///
/// - The whole `ClinicalDocument/recordTarget` becomes the patient's: INS (only when the
///   identity is qualifiée, the one status in which the INS may be shared) and IPP under
///   [`SANDBOX_IPP_OID`], birth name and first names, nom d'usage (`SP`) and prénom utilisé
///   (`CL`) when set, sex, birth date and birthplace. Every value is XML-escaped.
/// - `ClinicalDocument/id`, `ClinicalDocument/setId` and
///   `relatedDocument/parentDocument/id` (and `setId`) get `doc_suffix` appended to their
///   `extension`; without one, to their OID `root` as an extra arc; a non-OID root (UUID) gets
///   `extension="doc_suffix"`. The same rule on both sides keeps version chains consistent.
/// - All other bytes are unchanged.
///
/// `doc_suffix` must be digits without a leading zero (a valid OID arc), e.g. the IPP.
pub fn retarget(
    fixture: &[u8],
    patient: &DemoPatient,
    doc_suffix: &str,
) -> Result<Vec<u8>, DemoError> {
    if !is_oid_arc(doc_suffix) {
        return Err(DemoError::InvalidSuffix);
    }
    let (bom, body) = match fixture.strip_prefix(UTF8_BOM) {
        Some(rest) => (true, rest),
        None => (false, fixture),
    };
    let text = std::str::from_utf8(body).map_err(|_| DemoError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    let mut writer = Writer::new(Vec::with_capacity(fixture.len() + 2048));
    if bom {
        writer.write_bom()?;
    }
    let mut stack: Vec<String> = Vec::new();
    let mut prefix: Option<String> = None;
    let mut indent = String::new();
    let mut record_targets = 0usize;
    let mut document_id_done = false;
    let mut saw_root = false;
    loop {
        let (element, empty) = match reader.read_event()? {
            Event::Start(e) => (e, false),
            Event::Empty(e) => (e, true),
            Event::End(end) => {
                stack.pop();
                writer.write_event(Event::End(end))?;
                continue;
            }
            Event::Text(text) => {
                remember_indent(&text, &mut indent);
                writer.write_event(Event::Text(text))?;
                continue;
            }
            Event::Eof => break,
            other => {
                writer.write_event(other)?;
                continue;
            }
        };
        refuse_pdf(&element)?;
        let local = local_name(&element);
        if stack.is_empty() {
            if saw_root || empty {
                return Err(DemoError::NotClinicalDocument);
            }
            prefix = root_prefix(&element)?;
            saw_root = true;
        }
        if stack.len() == 1 && local == "recordTarget" {
            if !empty {
                reader.read_to_end(element.name())?;
            }
            write_record_target(&mut writer, patient, prefix.as_deref(), &indent)?;
            record_targets += 1;
            continue;
        }
        let element = match id_role(&stack, &local) {
            Some(role) => {
                let rewritten = suffixed_id(&element, doc_suffix)?;
                document_id_done |= role == IdRole::Document && rewritten.is_some();
                rewritten.unwrap_or(element)
            }
            None => element,
        };
        if empty {
            writer.write_event(Event::Empty(element))?;
        } else {
            writer.write_event(Event::Start(element))?;
            stack.push(local);
        }
    }
    if !saw_root {
        return Err(DemoError::NotClinicalDocument);
    }
    if record_targets != 1 {
        return Err(DemoError::RecordTargetCount(record_targets));
    }
    if !document_id_done {
        return Err(DemoError::MissingDocumentId);
    }
    Ok(writer.into_inner())
}

/// True when the fixture embeds a PDF anywhere (`mediaType="application/pdf"`).
pub fn has_embedded_pdf(fixture: &[u8]) -> Result<bool, DemoError> {
    let body = fixture.strip_prefix(UTF8_BOM).unwrap_or(fixture);
    let text = std::str::from_utf8(body).map_err(|_| DemoError::NotUtf8)?;
    let mut reader = Reader::from_str(text);
    loop {
        match reader.read_event()? {
            Event::Start(e) | Event::Empty(e) if is_pdf(&e)? => return Ok(true),
            Event::Eof => return Ok(false),
            _ => {}
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdRole {
    Document,
    Set,
    Parent,
}

/// Which document identifier, if any, the element `local` under `stack` is.
fn id_role(stack: &[String], local: &str) -> Option<IdRole> {
    let path: Vec<&str> = stack.iter().map(String::as_str).collect();
    match (path.as_slice(), local) {
        (["ClinicalDocument"], "id") => Some(IdRole::Document),
        (["ClinicalDocument"], "setId") => Some(IdRole::Set),
        (["ClinicalDocument", "relatedDocument", "parentDocument"], "id" | "setId") => {
            Some(IdRole::Parent)
        }
        _ => None,
    }
}

/// Keeps the whitespace that starts the last line of a text node: the indentation of the
/// element that follows it.
fn remember_indent(text: &str, indent: &mut String) {
    if let Some((_, last_line)) = text.rsplit_once('\n')
        && last_line.chars().all(|c| c == ' ' || c == '\t')
    {
        last_line.clone_into(indent);
    }
}

fn local_name(e: &BytesStart<'_>) -> String {
    e.local_name().as_ref().to_owned()
}

/// Checks the root element and returns its namespace prefix (for the elements we write).
fn root_prefix(root: &BytesStart<'_>) -> Result<Option<String>, DemoError> {
    if root.local_name().as_ref() != "ClinicalDocument" {
        return Err(DemoError::NotClinicalDocument);
    }
    Ok(root.name().prefix().map(|p| p.as_ref().to_owned()))
}

fn refuse_pdf(e: &BytesStart<'_>) -> Result<(), DemoError> {
    if is_pdf(e)? {
        return Err(DemoError::EmbeddedPdf);
    }
    Ok(())
}

/// True when the element declares `mediaType="application/pdf"`.
fn is_pdf(e: &BytesStart<'_>) -> Result<bool, DemoError> {
    for attr in e.attributes().with_checks(false) {
        let attr = attr?;
        if attr.key.local_name().as_ref() == "mediaType"
            && attr.value.trim().eq_ignore_ascii_case("application/pdf")
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The identifier element with `suffix` added (see [`retarget`]); None when it has neither
/// `extension` nor `root` (left as it is). Only the attribute value changes: spacing, quotes
/// and the other attributes keep their bytes.
fn suffixed_id(e: &BytesStart<'_>, suffix: &str) -> Result<Option<BytesStart<'static>>, DemoError> {
    let content: &str = e;
    let name_len = e.name().as_ref().len();
    let spans = attribute_spans(content, name_len).ok_or(DemoError::MalformedId)?;
    let find = |key: &str| {
        spans
            .iter()
            .find(|(k, _, _)| *k == key)
            .map(|(_, s, end)| (*s, *end))
    };
    let new_content = if let Some((_, end)) = find("extension") {
        format!("{}{suffix}{}", &content[..end], &content[end..])
    } else if let Some((start, end)) = find("root") {
        if is_oid(&content[start..end]) {
            format!("{}.{suffix}{}", &content[..end], &content[end..])
        } else {
            let at = content.trim_end().len();
            format!(
                "{} extension=\"{suffix}\"{}",
                &content[..at],
                &content[at..]
            )
        }
    } else {
        return Ok(None);
    };
    Ok(Some(BytesStart::from_content(new_content, name_len)))
}

/// `(name, value_start, value_end)` of each attribute in a tag's content (name included,
/// attributes start at `from`); None if the attributes are not well formed.
fn attribute_spans(content: &str, from: usize) -> Option<Vec<(&str, usize, usize)>> {
    let bytes = content.as_bytes();
    let skip_ws = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        i
    };
    let mut out = Vec::new();
    let mut i = skip_ws(from);
    while i < bytes.len() {
        let name_start = i;
        while bytes
            .get(i)
            .is_some_and(|b| !b.is_ascii_whitespace() && *b != b'=')
        {
            i += 1;
        }
        let name = content.get(name_start..i)?;
        i = skip_ws(i);
        if bytes.get(i) != Some(&b'=') {
            return None;
        }
        i = skip_ws(i + 1);
        let quote = *bytes.get(i).filter(|q| **q == b'"' || **q == b'\'')?;
        let value_start = i + 1;
        let len = bytes.get(value_start..)?.iter().position(|b| *b == quote)?;
        out.push((name, value_start, value_start + len));
        i = skip_ws(value_start + len + 1);
    }
    Some(out)
}

fn is_oid(value: &str) -> bool {
    !value.is_empty() && value.split('.').all(is_oid_arc)
}

fn is_oid_arc(arc: &str) -> bool {
    !arc.is_empty()
        && arc.len() <= 40
        && arc.bytes().all(|b| b.is_ascii_digit())
        && (arc == "0" || !arc.starts_with('0'))
}

/// Writes the patient's `recordTarget`, indented like the fixture (`indent` is the whitespace
/// that precedes the replaced element, one level below the root).
fn write_record_target(
    writer: &mut Writer<Vec<u8>>,
    patient: &DemoPatient,
    prefix: Option<&str>,
    indent: &str,
) -> Result<(), DemoError> {
    let unit = if indent.is_empty() { "  " } else { indent };
    let mut out = Tree {
        writer,
        prefix,
        base: indent,
        unit,
        level: 0,
    };
    let t = &patient.identity.traits;
    out.open("recordTarget", &[])?;
    out.open("patientRole", &[])?;
    out.comment(" Patient fictif du bac à sable Chevet (recordTarget réécrit) ")?;
    if let Some(ins) = patient
        .identity
        .ins
        .as_ref()
        .filter(|_| patient.identity.status.ins_usable())
    {
        out.empty(
            "id",
            &[
                ("extension", ins.matricule.as_str()),
                ("root", ins.oid.as_str()),
            ],
        )?;
    }
    out.empty(
        "id",
        &[
            ("extension", &patient.identity.ipp),
            ("root", SANDBOX_IPP_OID),
        ],
    )?;
    out.open("patient", &[("classCode", "PSN")])?;
    out.open("name", &[])?;
    out.leaf("family", &[("qualifier", "BR")], &t.birth_name)?;
    out.leaf("given", &[], &t.birth_first_names)?;
    out.leaf("given", &[("qualifier", "BR")], t.first_first_name())?;
    if let Some(used) = &patient.identity.used_name {
        out.leaf("family", &[("qualifier", "SP")], used)?;
    }
    if let Some(used) = &patient.identity.used_first_name {
        out.leaf("given", &[("qualifier", "CL")], used)?;
    }
    out.close("name")?;
    let gender = match t.sex {
        Sex::Female => "Féminin",
        Sex::Male => "Masculin",
        Sex::Unknown => "Inconnu",
    };
    out.empty(
        "administrativeGenderCode",
        &[
            ("code", t.sex.code()),
            ("displayName", gender),
            ("codeSystem", GENDER_CODE_SYSTEM),
        ],
    )?;
    let birth = t.birth_date.format("%Y%m%d").to_string();
    out.empty("birthTime", &[("value", &birth)])?;
    if let Some(code) = &t.birthplace_insee {
        out.open("birthplace", &[])?;
        out.open("place", &[])?;
        out.open("addr", &[])?;
        out.leaf("county", &[], code)?;
        if let Some(name) = birthplace_name(code) {
            let tag = if is_foreign(code) { "country" } else { "city" };
            out.leaf(tag, &[], &name.to_uppercase())?;
        }
        out.close("addr")?;
        out.close("place")?;
        out.close("birthplace")?;
    }
    out.close("patient")?;
    out.close("patientRole")?;
    out.close("recordTarget")?;
    Ok(())
}

/// A small indenting element writer for the generated `recordTarget`.
struct Tree<'a, 'w> {
    writer: &'w mut Writer<Vec<u8>>,
    prefix: Option<&'a str>,
    base: &'a str,
    unit: &'a str,
    level: usize,
}

impl Tree<'_, '_> {
    fn qname(&self, local: &str) -> String {
        match self.prefix {
            Some(p) => format!("{p}:{local}"),
            None => local.to_owned(),
        }
    }

    fn element(&self, local: &str, attrs: &[(&str, &str)]) -> BytesStart<'static> {
        let mut e = BytesStart::new(self.qname(local));
        for attr in attrs {
            e.push_attribute(*attr);
        }
        e
    }

    /// Line break and indentation before a tag (none before the root, which takes the
    /// place of the fixture's own element).
    fn newline(&mut self) -> Result<(), DemoError> {
        if self.level == 0 {
            return Ok(());
        }
        let ws = format!("\n{}{}", self.base, self.unit.repeat(self.level));
        self.writer
            .write_event(Event::Text(BytesText::from_escaped(ws)))?;
        Ok(())
    }

    fn open(&mut self, local: &str, attrs: &[(&str, &str)]) -> Result<(), DemoError> {
        self.newline()?;
        let e = self.element(local, attrs);
        self.writer.write_event(Event::Start(e))?;
        self.level += 1;
        Ok(())
    }

    fn close(&mut self, local: &str) -> Result<(), DemoError> {
        self.level = self.level.saturating_sub(1);
        if self.level == 0 {
            let ws = format!("\n{}", self.base);
            self.writer
                .write_event(Event::Text(BytesText::from_escaped(ws)))?;
        } else {
            self.newline()?;
        }
        self.writer
            .write_event(Event::End(BytesEnd::new(self.qname(local))))?;
        Ok(())
    }

    fn empty(&mut self, local: &str, attrs: &[(&str, &str)]) -> Result<(), DemoError> {
        self.newline()?;
        let e = self.element(local, attrs);
        self.writer.write_event(Event::Empty(e))?;
        Ok(())
    }

    fn leaf(&mut self, local: &str, attrs: &[(&str, &str)], text: &str) -> Result<(), DemoError> {
        self.newline()?;
        let e = self.element(local, attrs);
        self.writer.write_event(Event::Start(e))?;
        self.writer.write_event(Event::Text(BytesText::new(text)))?;
        self.writer
            .write_event(Event::End(BytesEnd::new(self.qname(local))))?;
        Ok(())
    }

    fn comment(&mut self, text: &str) -> Result<(), DemoError> {
        self.newline()?;
        self.writer
            .write_event(Event::Comment(BytesText::from_escaped(text)))?;
        Ok(())
    }
}
