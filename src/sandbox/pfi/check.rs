//! What the gateway checks in a document message of the `CISIS_CDA_HL7_V2` 2.1 volet (spec
//! part C) before it answers AA: MSH-9 (`MDM^T02|T10|T04`, `ORU^R01` with ORC-1 `NW|RO|CA`),
//! ORC-1 coherent with the event, MSH-21 `2.1^CISIS_CDA_HL7_V2`, the sender PRT `SB` with the
//! author's id and the FINESS géographique (SC.DMP/CONF.12), the metadata OBX in the volet's
//! order with an allowed MSSanté combination, and a readable CDA with an INS. A failure is an
//! AE whose ERR carries the HL7 code and, for 207, a French explanation in ERR-8 (these labels
//! reach a person through the sender's outbox). Nothing here logs or returns message content.

use crate::cda::CdaDocument;
use crate::domain::{Ins, ProfessionalInfo, Visibility};
use crate::hl7::{AckError, ApplicationError, ErrorLocation, Hl7Condition, Message, Segment};
use crate::intake::envelope;

/// The volet's MSH-21.
pub const PROFILE: &str = "CISIS_CDA_HL7_V2";

/// The operation a message asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Operation {
    /// T02, or ORU with ORC-1 `NW`.
    Feed,
    /// T10, or ORU with ORC-1 `RO`.
    Replace,
    /// T04, or ORU with ORC-1 `CA`.
    Delete,
}

/// The metadata flags (OBX-3.1 codes of the `MetaDMPMSS` group), in the volet's order.
const FLAG_ORDER: [&str; 12] = [
    "MASQUE_PS",
    "INVISIBLE_PATIENT",
    "INVISIBLE_REP_LEGAUX",
    "CONNEXION_SECRETE",
    "MODIF_CONF_CODE",
    "DESTDMP",
    "DESTMSSANTEPS",
    "DESTMSSANTEPAT",
    "ACK_RECEPTION",
    "ACK_LECTURE_MSS",
    "CORPSMAIL_PS",
    "CORPSMAIL_PATIENT",
];

/// The first eight are required.
const REQUIRED_FLAGS: usize = 8;

/// The values of the yes/no flags, by their position in [`FLAG_ORDER`] (the mail bodies
/// excepted).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    values: [bool; 10],
}

impl Flags {
    fn get(&self, code: &str) -> bool {
        FLAG_ORDER[..10]
            .iter()
            .position(|c| *c == code)
            .is_some_and(|i| self.values[i])
    }

    pub fn dest_dmp(&self) -> bool {
        self.get("DESTDMP")
    }

    pub fn mss(&self) -> bool {
        self.get("DESTMSSANTEPS") || self.get("DESTMSSANTEPAT")
    }

    pub fn ack_reception(&self) -> bool {
        self.get("ACK_RECEPTION")
    }

    pub fn ack_reading(&self) -> bool {
        self.get("ACK_LECTURE_MSS")
    }

    pub fn visibility(&self) -> Visibility {
        Visibility {
            invisible_patient: self.get("INVISIBLE_PATIENT"),
            invisible_legal_reps: self.get("INVISIBLE_REP_LEGAUX"),
            masked_ps: self.get("MASQUE_PS"),
        }
    }
}

/// An MSSanté recipient (PRT `RCT`): its id (PRT-5.1) and address (PRT-15.4).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub id: String,
    pub address: String,
}

/// A message the gateway accepts.
#[derive(Clone)]
pub struct Checked {
    pub operation: Operation,
    /// MSH-9.2 (`T02`, `T10`, `T04`, `R01`).
    pub event: String,
    /// MSH-3/4 of the sender (MSH-5/6 of the ZAM) and MSH-5/6 (the gateway, MSH-3/4 of the ZAM).
    pub sender: (String, String),
    pub gateway: (String, String),
    /// PRT-5 of `SB` (its FINESS, PRT-8.10, is checked; the DMP client's own structure id
    /// signs the VIHF).
    pub author: ProfessionalInfo,
    pub flags: Flags,
    pub recipients: Vec<Recipient>,
    pub cda: Vec<u8>,
    pub document: CdaDocument,
    pub ins: Ins,
    /// The document's uniqueId (the CDA id).
    pub unique_id: String,
    /// T10: the uniqueId of the version replaced (CDA `relatedDocument`, else TXA-13).
    pub replaced: Option<String>,
}

fn application(text: &str, location: Option<ErrorLocation>) -> AckError {
    AckError::application(ApplicationError::Other, location).explained(text)
}

fn hl7(condition: Hl7Condition, location: Option<ErrorLocation>) -> AckError {
    AckError::message(condition, location)
}

/// Checks `msg`; the errors of the AE otherwise.
pub fn check(msg: &Message<'_>) -> Result<Checked, Vec<AckError>> {
    let msh = msg.msh();
    let at = |segment: &str, field: usize| Some(ErrorLocation::field(segment, 1, field));
    let kind = msg.message_type();
    let operation = match (kind.code.as_ref(), kind.trigger.as_ref()) {
        ("MDM", "T02") => Operation::Feed,
        ("MDM", "T10") => Operation::Replace,
        ("MDM", "T04") => Operation::Delete,
        ("ORU", "R01") => match msg.segment("ORC").map(|o| o.field(1).text().into_owned()) {
            Some(c) if c == "RO" => Operation::Replace,
            Some(c) if c == "CA" => Operation::Delete,
            _ => Operation::Feed,
        },
        ("MDM" | "ORU", _) => return Err(vec![hl7(Hl7Condition::UnsupportedEvent, at("MSH", 9))]),
        _ => {
            return Err(vec![hl7(
                Hl7Condition::UnsupportedMessageType,
                at("MSH", 9),
            )]);
        }
    };
    let profile = msh.field(21);
    if !profile
        .repetitions()
        .any(|r| r.component(1).text().trim() == "2.1" && r.component(2).text().trim() == PROFILE)
    {
        return Err(vec![hl7(Hl7Condition::UnsupportedVersion, at("MSH", 21))]);
    }
    let orc = msg
        .segment("ORC")
        .map(|o| o.field(1).text().trim().to_owned());
    let expected = match operation {
        Operation::Feed => "NW",
        Operation::Replace => "RO",
        Operation::Delete => "CA",
    };
    if orc
        .as_deref()
        .is_some_and(|c| !c.is_empty() && c != expected)
    {
        return Err(vec![application(
            "ORC-1 incohérent avec l'événement du message",
            at("ORC", 1),
        )]);
    }
    let (author, _finess) = sender(msg)?;
    let flags = flags(msg)?;
    let recipients = recipients(msg);
    if flags.mss() && recipients.is_empty() {
        return Err(vec![application(
            "destinataire MSSanté demandé sans segment PRT RCT",
            None,
        )]);
    }
    let (cda, document) = document(msg)?;
    let header = document.header();
    let ins = header
        .patient
        .as_ref()
        .and_then(|p| p.ins())
        .and_then(|id| Ins::parse(id.extension.as_deref()?, &id.root).ok())
        .ok_or_else(|| vec![AckError::application(ApplicationError::NoIns, None)])?;
    let unique_id = header.id.to_uid();
    let replaced = match operation {
        Operation::Replace => Some(
            header
                .replaces()
                .map(|id| id.to_uid())
                .or_else(|| txa_id(msg, 13))
                .ok_or_else(|| vec![hl7(Hl7Condition::RequiredFieldMissing, at("TXA", 13))])?,
        ),
        _ => None,
    };
    Ok(Checked {
        operation,
        event: kind.trigger.into_owned(),
        sender: (
            msh.field(3).text().into_owned(),
            msh.field(4).text().into_owned(),
        ),
        gateway: (
            msh.field(5).text().into_owned(),
            msh.field(6).text().into_owned(),
        ),
        author,
        flags,
        recipients,
        cda,
        document,
        ins,
        unique_id,
        replaced,
    })
}

/// TXA-12/13: `ext^^root^ISO`, or the root alone in the first component.
fn txa_id(msg: &Message<'_>, field: usize) -> Option<String> {
    let value = msg.segment("TXA")?.field(field);
    let first = value.component(1).text().trim().to_owned();
    let root = value.component(3).text().trim().to_owned();
    match (first.is_empty(), root.is_empty()) {
        (true, _) => None,
        (false, true) => Some(first),
        (false, false) => Some(format!("{root}^{first}")),
    }
}

fn role(prt: &Segment<'_>) -> String {
    prt.field(4).component(1).text().trim().to_owned()
}

/// The author and FINESS géographique of PRT `SB` (SC.DMP/CONF.12): both required.
fn sender(msg: &Message<'_>) -> Result<(ProfessionalInfo, String), Vec<AckError>> {
    let missing = |text: &str| vec![application(text, Some(ErrorLocation::field("PRT", 1, 4)))];
    let prt = msg
        .segments("PRT")
        .find(|p| role(p) == "SB")
        .ok_or_else(|| missing("segment PRT SB (auteur et structure) absent"))?;
    let person = prt.field(5);
    let id = person.component(1).text().trim().to_owned();
    let id_type = person.component(13).text().trim().to_owned();
    if id.is_empty() || !matches!(id_type.as_str(), "RPPS" | "IDNPS" | "ADELI" | "") {
        return Err(missing(
            "identifiant de l'auteur (PRT-5) absent dans le PRT SB",
        ));
    }
    let organisation = prt.field(8);
    let finess = organisation.component(10).text().trim().to_owned();
    let finess_type = organisation.component(7).text().trim().to_owned();
    if finess.is_empty() || !matches!(finess_type.as_str(), "FINEG" | "FINEJ" | "IDNST") {
        return Err(missing("FINESS géographique (PRT-8) absent dans le PRT SB"));
    }
    // idNat_PS: an RPPS (11 digits) is prefixed with 8.
    let national_id = if id_type == "RPPS" && id.len() == 11 {
        format!("8{id}")
    } else {
        id
    };
    Ok((
        ProfessionalInfo {
            national_id,
            given_name: person.component(3).text().trim().to_owned(),
            family_name: person.component(2).text().trim().to_owned(),
            title: None,
            specialty_code: "G15_10".to_owned(),
            specialty_label: "Médecin".to_owned(),
        },
        finess,
    ))
}

fn recipients(msg: &Message<'_>) -> Vec<Recipient> {
    msg.segments("PRT")
        .filter(|p| role(p) == "RCT")
        .filter_map(|p| {
            let address = p
                .field(15)
                .repetitions()
                .map(|r| r.component(4).text().trim().to_owned())
                .find(|a| a.contains('@'))?;
            Some(Recipient {
                id: p.field(5).component(1).text().trim().to_owned(),
                address,
            })
        })
        .collect()
}

const ORDER_TEXT: &str = "métadonnées DMP/MSSanté (OBX) absentes, en double ou dans le désordre";
const COMBINATION_TEXT: &str = "combinaison de métadonnées DMP/MSSanté non autorisée";

/// The metadata OBX: known codes, the volet's order, the required ones present, Y or N.
fn flags(msg: &Message<'_>) -> Result<Flags, Vec<AckError>> {
    let mut flags = Flags::default();
    let mut next = 0usize;
    for (n, obx) in msg.segments("OBX").enumerate() {
        let code = obx.field(3);
        if code.component(3).text().trim() != "MetaDMPMSS" {
            continue;
        }
        let at = Some(ErrorLocation::field("OBX", n + 1, 3));
        let name = match code.component(1).text().trim() {
            "ACK_LECTURE" => "ACK_LECTURE_MSS".to_owned(),
            other => other.to_owned(),
        };
        let position = FLAG_ORDER
            .iter()
            .position(|c| *c == name)
            .filter(|p| *p >= next)
            .ok_or_else(|| vec![application(ORDER_TEXT, at.clone())])?;
        if position > next && next < REQUIRED_FLAGS {
            return Err(vec![application(ORDER_TEXT, at)]);
        }
        next = position + 1;
        if position < 10 {
            flags.values[position] = match obx.field(5).component(1).text().trim() {
                "Y" => true,
                "N" => false,
                _ => {
                    let at = Some(ErrorLocation::field("OBX", n + 1, 5));
                    return Err(vec![hl7(Hl7Condition::TableValueNotFound, at)]);
                }
            };
        }
    }
    if next < REQUIRED_FLAGS {
        return Err(vec![application(ORDER_TEXT, None)]);
    }
    if !allowed(&flags) {
        return Err(vec![application(COMBINATION_TEXT, None)]);
    }
    Ok(flags)
}

/// The MSSanté combinations of the volet's management rules; a message to nobody by MSSanté
/// is not concerned. The agency's own examples send to professionals only with
/// `INVISIBLE_PATIENT` and `INVISIBLE_REP_LEGAUX` set either way: only `MASQUE_PS=N` is
/// required there (a document masked to professionals cannot be mailed to one).
fn allowed(f: &Flags) -> bool {
    let no = |code: &str| !f.get(code);
    match (f.get("DESTMSSANTEPS"), f.get("DESTMSSANTEPAT")) {
        (true, true) => no("MASQUE_PS") && no("INVISIBLE_PATIENT") && no("INVISIBLE_REP_LEGAUX"),
        (true, false) => no("MASQUE_PS"),
        (false, true) => no("INVISIBLE_PATIENT") && no("CONNEXION_SECRETE") && no("DESTDMP"),
        (false, false) => true,
    }
}

/// The CDA of the first document OBX (ED, not a mail body), decoded and parsed.
fn document(msg: &Message<'_>) -> Result<(Vec<u8>, CdaDocument), Vec<AckError>> {
    let (n, obx) = msg
        .segments("OBX")
        .enumerate()
        .find(|(_, o)| {
            envelope::is_document(o) && o.field(3).component(3).text().trim() != "MetaDMPMSS"
        })
        .ok_or_else(|| vec![application("aucun document CDA dans le message", None)])?;
    let at = Some(ErrorLocation::field("OBX", n + 1, 5));
    let bytes =
        envelope::payload(&obx).map_err(|e| vec![application(e.explanation(), at.clone())])?;
    let document = crate::cda::parse(&bytes)
        .map_err(|_| vec![application("le document CDA est illisible", at)])?;
    Ok((bytes, document))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture(path: &str) -> Vec<u8> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../shared/fixtures/hl7v2/trans-doc-cda-v2.1");
        std::fs::read(root.join(path)).expect("fixture")
    }

    #[test]
    fn the_agency_examples_pass_and_name_their_documents() {
        let ok = |path: &str| {
            let raw = fixture(path);
            let msg = crate::hl7::parse(&raw).expect("parse");
            let c = check(&msg).map_err(|e| format!("{e:?}")).expect(path);
            (
                c.operation,
                c.unique_id,
                c.replaced,
                c.flags,
                c.recipients.len(),
            )
        };
        let (op, id, replaced, flags, recipients) =
            ok("mdm-initiale/message_MDM_CR_Radio_INIT_N1_Base64.er7");
        assert_eq!(op, Operation::Feed);
        assert_eq!(id, "1.2.250.1.71.4.2.2.120456789.71024000081");
        assert_eq!(replaced, None);
        assert!(flags.dest_dmp() && flags.mss() && !flags.ack_reception());
        assert!(flags.visibility().invisible_patient && !flags.visibility().masked_ps);
        assert_eq!(recipients, 1);
        let (op, _, replaced, ..) = ok("mdm-remplacement/message_MDM_CR_Radio_RPLC_N1.er7");
        assert_eq!(op, Operation::Replace);
        assert_eq!(
            replaced.as_deref(),
            Some("1.2.250.1.71.4.2.2.120456789.71024000081")
        );
        assert_eq!(
            ok("mdm-suppression/message_MDM_CR_Radio_DEL_N1.er7").0,
            Operation::Delete
        );
        let (op, id, ..) = ok("oru-initiale/message_ORU_CR_Bio_INIT_N3_SEGUR.hl7");
        assert_eq!((op, id.as_str()), (Operation::Feed, "1.2.250.1.213.1.1.9"));
    }

    #[test]
    fn a_cda_not_in_base64_is_an_ae_at_its_obx() {
        let raw = fixture("mdm-initiale/message_MDM_CR_Radio_INIT_N1.er7");
        let msg = crate::hl7::parse(&raw).expect("parse");
        let errors = check(&msg).err().expect("refused");
        assert_eq!(errors[0].location, Some(ErrorLocation::field("OBX", 1, 5)));
        assert_eq!(errors[0].condition, Hl7Condition::Application);
    }

    #[test]
    fn an_event_the_volet_does_not_have_is_refused() {
        let raw = String::from_utf8(fixture("mdm-suppression/message_MDM_CR_Radio_DEL_N1.er7"))
            .expect("UTF-8")
            .replace("MDM^T04^MDM_T02", "MDM^T01^MDM_T01");
        let msg = crate::hl7::parse(raw.as_bytes()).expect("parse");
        let errors = check(&msg).err().expect("refused");
        assert_eq!(errors[0].condition, Hl7Condition::UnsupportedEvent);
        let raw = raw.replace("MDM^T01^MDM_T01", "ADT^A01^ADT_A01");
        let msg = crate::hl7::parse(raw.as_bytes()).expect("parse");
        let errors = check(&msg).err().expect("refused");
        assert_eq!(errors[0].condition, Hl7Condition::UnsupportedMessageType);
    }
}
