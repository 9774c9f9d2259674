//! What a received HL7 v2 message says, as a serialisable summary for `chevet hl7 inspect`:
//! the header (MSH-9 as sent, control id, version, profile MSH-21, charset MSH-18), the
//! patient of PID (INS of PID-3 by its assigning authority, IPP, birth name and given names
//! of the "L" name, birth date, sex, identity status PID-32), the visit number (PV1-19), the
//! DMP information and consent of ZFA (ZFA-9 feeding, ZFA-11 consultation), and every
//! document carried in an ED OBX: its base64 decoded and read as a CDA (id, title), or the
//! reason it is not one. Identity fields are masked unless asked for, like
//! `chevet cda inspect`, so a summary can be pasted into a ticket. It lives beside the
//! command, not in `src/hl7/`, which stays free of the CDA reader and serde.

use ::base64::Engine as _;
use ::base64::alphabet;
use ::base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use serde::Serialize;

use crate::domain::InsOid;
use crate::hl7::{Message, Segment};

/// What replaces a masked identity value.
pub const MASK: &str = "***";

/// Lenient on padding; blanks and line breaks are removed before decoding.
const ENGINE: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// The whole summary.
#[derive(Debug, Serialize)]
pub struct Summary {
    /// MSH-9 as sent (`MDM^T02^MDM_T02`).
    pub message_type: String,
    pub control_id: String,
    /// MSH-12.1.
    pub version: String,
    /// MSH-21, each repetition as sent (`1.1^CISIS_CDA_HL7_LPS`).
    pub profile: Vec<String>,
    /// MSH-18 as sent (`UNICODE UTF-8`), null when not declared.
    pub charset: Option<String>,
    pub patient: Option<PatientSummary>,
    /// PV1-19.1.
    pub visit_number: Option<String>,
    pub consent: ConsentSummary,
    pub documents: Vec<DocumentSummary>,
}

/// The patient of PID (identity fields masked unless shown).
#[derive(Debug, Serialize)]
pub struct PatientSummary {
    pub ins: Option<String>,
    pub ins_oid: Option<String>,
    pub ipp: Option<String>,
    pub birth_name: Option<String>,
    /// PID-5.2, the first given name.
    pub given: Option<String>,
    /// PID-5.3, the given names (French profile: all of them, space-separated).
    pub other_given: Option<String>,
    pub birth_date: Option<String>,
    pub sex: Option<String>,
    /// PID-32 (`VALI`, `PROV`, `QUAL`…).
    pub identity_status: Option<String>,
}

/// The ZFA codes (IHE PAM-FR): null when the segment or the field is absent.
#[derive(Debug, Serialize)]
pub struct ConsentSummary {
    /// ZFA-9: opposition to feeding the DMP (`IO`, `INO`, `NA`).
    pub feeding: Option<String>,
    /// ZFA-11: consent to consulting the DMP (`IC`, `INC`, `NA`).
    pub consultation: Option<String>,
}

/// One document of an ED OBX.
#[derive(Debug, Serialize)]
pub struct DocumentSummary {
    /// OBX-1.
    pub obx: String,
    /// The CDA's `id`: root, or root^extension.
    pub cda_id: Option<String>,
    /// OBX-11 (`F`, `C`, `D`) as sent.
    pub status: Option<String>,
    /// TXA-13.1 on a replacement (T10), else null.
    pub replaced_id: Option<String>,
    /// The CDA title, else OBX-3.2.
    pub title: Option<String>,
    /// Why the payload is not a readable CDA.
    pub error: Option<String>,
}

/// Builds the summary; `with_identity` shows INS, IPP, names and birth date.
pub fn summarise(msg: &Message<'_>, with_identity: bool) -> Summary {
    let msh = msg.msh();
    let shown = |v: Option<String>| {
        if with_identity {
            v
        } else {
            v.map(|_| MASK.to_owned())
        }
    };
    let patient = msg.segment("PID").map(|pid| patient(&pid, &shown));
    let zfa = msg.segment("ZFA");
    let is_replacement = msg.message_type().trigger == "T10";
    let replaced_id = msg
        .segment("TXA")
        .filter(|_| is_replacement)
        .and_then(|txa| non_empty(&txa.field(13).component(1).text()));
    let documents = msg
        .segments("OBX")
        .filter(|obx| is_document(obx))
        .map(|obx| document(&obx, replaced_id.clone()))
        .collect();
    Summary {
        message_type: msh.field(9).raw().to_owned(),
        control_id: msg.control_id().into_owned(),
        version: msg.version().into_owned(),
        profile: msh
            .field(21)
            .repetitions()
            .filter(|r| !r.is_empty())
            .map(|r| r.raw().to_owned())
            .collect(),
        charset: non_empty(msh.field(18).raw()),
        patient,
        visit_number: msg
            .segment("PV1")
            .and_then(|pv1| non_empty(&pv1.field(19).component(1).text())),
        consent: ConsentSummary {
            feeding: zfa.as_ref().and_then(|z| non_empty(&z.field(9).text())),
            consultation: zfa.as_ref().and_then(|z| non_empty(&z.field(11).text())),
        },
        documents,
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_owned())
}

fn patient(pid: &Segment<'_>, shown: &dyn Fn(Option<String>) -> Option<String>) -> PatientSummary {
    let ids = pid.field(3);
    let ins = ids.repetitions().find(|r| {
        InsOid::parse(&r.component(4).subcomponent(2).text()).is_some()
            || r.component(5).text() == "INS"
    });
    let ipp = ids.repetitions().find(|r| r.component(5).text() == "PI");
    let names = pid.field(5);
    let legal = names
        .repetitions()
        .find(|r| r.component(7).text() == "L")
        .or_else(|| names.repetitions().next());
    PatientSummary {
        ins: shown(ins.as_ref().and_then(|r| non_empty(&r.component(1).text()))),
        ins_oid: ins
            .as_ref()
            .and_then(|r| non_empty(&r.component(4).subcomponent(2).text())),
        ipp: shown(ipp.and_then(|r| non_empty(&r.component(1).text()))),
        birth_name: shown(
            legal
                .as_ref()
                .and_then(|r| non_empty(&r.component(1).text())),
        ),
        given: shown(
            legal
                .as_ref()
                .and_then(|r| non_empty(&r.component(2).text())),
        ),
        other_given: shown(
            legal
                .as_ref()
                .and_then(|r| non_empty(&r.component(3).text())),
        ),
        birth_date: shown(non_empty(&pid.field(7).component(1).text())),
        sex: non_empty(&pid.field(8).text()),
        identity_status: non_empty(&pid.field(32).text()),
    }
}

/// An OBX carrying a document: value type ED, and not the mail's subject and body (OBX-3
/// `XDM/1.0/DDM…` in the LPS volet, `CORPSMAIL_…` in the Trans-doc volet).
fn is_document(obx: &Segment<'_>) -> bool {
    if obx.field(2).text() != "ED" {
        return false;
    }
    let code = obx.field(3);
    let (id, text) = (code.component(1).text(), code.component(2).text());
    !(id.starts_with("CORPSMAIL") || text.starts_with("XDM/1.0/DDM"))
}

fn document(obx: &Segment<'_>, replaced_id: Option<String>) -> DocumentSummary {
    let mut summary = DocumentSummary {
        obx: obx.field(1).text().into_owned(),
        cda_id: None,
        status: non_empty(&obx.field(11).text()),
        replaced_id,
        title: non_empty(&obx.field(3).component(2).text()),
        error: None,
    };
    let value = obx.field(5);
    let encoding = value.component(4).text();
    if !encoding.is_empty() && !encoding.eq_ignore_ascii_case("Base64") {
        summary.error = Some(format!(
            "encodage OBX-5.4 « {encoding} » non pris en charge (Base64 attendu)"
        ));
        return summary;
    }
    match read_cda(&value.component(5).text()) {
        Ok((id, title)) => {
            summary.cda_id = Some(id);
            if !title.trim().is_empty() {
                summary.title = Some(title.trim().to_owned());
            }
        }
        Err(reason) => summary.error = Some(reason),
    }
    summary
}

/// Decodes an ED payload (base64, padded or not, lines wrapped or not) and reads it as a CDA:
/// its id and title, or why it is not one.
pub fn read_cda(payload: &str) -> Result<(String, String), String> {
    let compact: Vec<u8> = payload
        .bytes()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    if compact.is_empty() {
        return Err("OBX-5 ne contient aucun document".to_owned());
    }
    let bytes = ENGINE
        .decode(&compact)
        .map_err(|e| format!("OBX-5.5 n'est pas du base64 valide ({e})"))?;
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(512)]);
    if !head
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        return Err(format!(
            "le contenu décodé ({} octets) n'est pas du XML : texte ou contenu de remplacement, \
             pas un document CDA",
            bytes.len()
        ));
    }
    let doc = crate::cda::parse(&bytes)
        .map_err(|e| format!("le contenu décodé n'est pas un document CDA lisible : {e}"))?;
    let header = doc.header();
    Ok((header.id.to_uid(), header.title.clone()))
}
