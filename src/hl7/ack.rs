//! The acknowledgement of a received message ("original mode" ACK of the volets, spec part A):
//! `MSH [ERR…]` with MSH-3/4 and MSH-5/6 swapped, MSH-9 `ACK^<trigger>^ACK`, MSH-11, MSH-12,
//! MSH-17 and MSH-18 as received, `MSA|<AA|AE|AR>|<received MSH-10>`, and one ERR per error:
//! ERR-2 location, ERR-3 the HL7 code (table 0357, `messageErrorCondition`), ERR-4 severity,
//! ERR-5 the application code 900–906 (`applicationErrorCode`) when ERR-3 is 207.
//!
//! The labels go on the wire and reach a person (the PFI turns them into the MSSanté
//! disposition notification), so they are constants here, in the volet's own French wording,
//! not UI messages. The ACK is written with the received message's delimiters and charset;
//! when the received message declared no charset, its text is folded to ASCII (`é` → `e`).
//! Nothing here reads a clock: the caller gives the new control id and timestamp.

use super::access::Field;
use super::charset::{Charset, fold_to_ascii};
use super::delimiters::Delimiters;
use super::er7::Message;
use super::writer::{FieldValue, SegmentValue, write_message};

/// MSA-1.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AckCode {
    /// `AA`: integrated; the sender is released of the message.
    Accept,
    /// `AE`: the message has an error; sending it again unchanged will fail again.
    Error,
    /// `AR`: refused for a circumstantial reason; it may be sent again later.
    Reject,
}

impl AckCode {
    pub fn code(self) -> &'static str {
        match self {
            Self::Accept => "AA",
            Self::Error => "AE",
            Self::Reject => "AR",
        }
    }
}

/// ERR-3: HL7 table 0357, with the labels of the volet's table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Hl7Condition {
    Accepted,
    SegmentSequence,
    RequiredFieldMissing,
    DataType,
    TableValueNotFound,
    Cardinality,
    OtherHl7,
    UnsupportedMessageType,
    UnsupportedEvent,
    UnsupportedProcessingId,
    UnsupportedVersion,
    /// 207: the cause is the application code of ERR-5.
    Application,
}

impl Hl7Condition {
    pub fn code(self) -> &'static str {
        self.entry().0
    }

    pub fn label(self) -> &'static str {
        self.entry().1
    }

    /// The condition of an ERR-3 code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::Accepted,
            Self::SegmentSequence,
            Self::RequiredFieldMissing,
            Self::DataType,
            Self::TableValueNotFound,
            Self::Cardinality,
            Self::OtherHl7,
            Self::UnsupportedMessageType,
            Self::UnsupportedEvent,
            Self::UnsupportedProcessingId,
            Self::UnsupportedVersion,
            Self::Application,
        ]
        .into_iter()
        .find(|c| c.code() == code)
    }

    fn entry(self) -> (&'static str, &'static str) {
        match self {
            Self::Accepted => ("0", "Message accepted"),
            Self::SegmentSequence => ("100", "Segment sequence error"),
            Self::RequiredFieldMissing => ("101", "Required field missing"),
            Self::DataType => ("102", "Data type error"),
            Self::TableValueNotFound => ("103", "Table value not found"),
            Self::Cardinality => ("198", "Non-conformant cardinality"),
            Self::OtherHl7 => ("199", "Other HL7 Error"),
            Self::UnsupportedMessageType => ("200", "Unsupported message type"),
            Self::UnsupportedEvent => ("201", "Unsupported event code"),
            Self::UnsupportedProcessingId => ("202", "Unsupported processing id"),
            Self::UnsupportedVersion => ("203", "Unsupported version id"),
            Self::Application => ("207", "Application error"),
        }
    }
}

/// Labels of the application codes, as the volet words them (`error-codes`, table
/// `applicationErrorCondition`): the sender's users read them.
pub const LABEL_900: &str =
    "Version du document incorrecte lors d'une demande de remplacement/suppression";
pub const LABEL_901: &str = "Auteur non autorisé à remplacer ou supprimer un document";
pub const LABEL_902: &str = "Identifiant patient inconnu";
pub const LABEL_903: &str = "INS non présent dans le document";
pub const LABEL_904: &str =
    "L'INS transmis ne correspond pas exactement à celui stocké dans la base du consommateur";
pub const LABEL_905: &str = "L'INS transmis n'est pas complet";
pub const LABEL_906: &str = "Erreur 'Autre'";

/// ERR-5: the application codes of the volet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicationError {
    /// 900: the replaced or deleted document is not the latest version known.
    NotLatestVersion,
    /// 901: the sender may not replace or delete this document.
    AuthorNotAllowed,
    /// 902: unknown patient.
    UnknownPatient,
    /// 903: the document has patient ids but no INS.
    NoIns,
    /// 904: the INS is there but the traits or the number differ from ours.
    InsMismatch,
    /// 905: the INS number is there but its traits are incomplete.
    InsIncomplete,
    /// 906: any other cause.
    Other,
}

impl ApplicationError {
    pub fn code(self) -> &'static str {
        match self {
            Self::NotLatestVersion => "900",
            Self::AuthorNotAllowed => "901",
            Self::UnknownPatient => "902",
            Self::NoIns => "903",
            Self::InsMismatch => "904",
            Self::InsIncomplete => "905",
            Self::Other => "906",
        }
    }

    /// The application error of an ERR-5 code.
    pub fn from_code(code: &str) -> Option<Self> {
        [
            Self::NotLatestVersion,
            Self::AuthorNotAllowed,
            Self::UnknownPatient,
            Self::NoIns,
            Self::InsMismatch,
            Self::InsIncomplete,
            Self::Other,
        ]
        .into_iter()
        .find(|a| a.code() == code)
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::NotLatestVersion => LABEL_900,
            Self::AuthorNotAllowed => LABEL_901,
            Self::UnknownPatient => LABEL_902,
            Self::NoIns => LABEL_903,
            Self::InsMismatch => LABEL_904,
            Self::InsIncomplete => LABEL_905,
            Self::Other => LABEL_906,
        }
    }
}

/// ERR-4: HL7 table 0516.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
    Information,
}

impl Severity {
    pub fn code(self) -> &'static str {
        match self {
            Self::Error => "E",
            Self::Warning => "W",
            Self::Information => "I",
        }
    }
}

/// ERR-2 (ERL): where the error is, e.g. `PID^1^3` (segment, its occurrence, field).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorLocation {
    pub segment: String,
    /// 1-based occurrence of the segment in the message.
    pub sequence: usize,
    /// 1-based field position; 0 for the segment as a whole.
    pub field: usize,
}

impl ErrorLocation {
    pub fn field(segment: &str, sequence: usize, field: usize) -> Self {
        Self {
            segment: segment.to_owned(),
            sequence,
            field,
        }
    }

    fn value(&self) -> FieldValue {
        let mut parts = vec![self.segment.clone(), self.sequence.to_string()];
        if self.field > 0 {
            parts.push(self.field.to_string());
        }
        FieldValue::components(parts)
    }
}

/// One ERR segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AckError {
    pub condition: Hl7Condition,
    pub severity: Severity,
    pub application: Option<ApplicationError>,
    pub location: Option<ErrorLocation>,
    /// ERR-8, what the sender's users read (French, fixed wording, never message content).
    pub user_message: Option<String>,
}

impl AckError {
    /// An application error (ERR-3 207, ERR-4 `E`, ERR-5 `code`).
    pub fn application(code: ApplicationError, location: Option<ErrorLocation>) -> Self {
        Self {
            condition: Hl7Condition::Application,
            severity: Severity::Error,
            application: Some(code),
            location,
            user_message: None,
        }
    }

    /// The same error with an explanation in ERR-8.
    pub fn explained(mut self, text: &str) -> Self {
        self.user_message = Some(text.to_owned());
        self
    }

    /// A message error (ERR-3 `condition`, ERR-4 `E`, no ERR-5).
    pub fn message(condition: Hl7Condition, location: Option<ErrorLocation>) -> Self {
        Self {
            condition,
            severity: Severity::Error,
            application: None,
            location,
            user_message: None,
        }
    }

    fn segment(&self) -> SegmentValue {
        let mut err = SegmentValue::new("ERR");
        if let Some(location) = &self.location {
            err.set(2, location.value());
        }
        let condition = self.condition;
        err.set(
            3,
            FieldValue::components([condition.code(), condition.label(), "messageErrorCondition"]),
        );
        err.set(4, FieldValue::text(self.severity.code()));
        if let Some(app) = self.application {
            err.set(
                5,
                FieldValue::components([app.code(), app.label(), "applicationErrorCode"]),
            );
        }
        if let Some(text) = &self.user_message {
            err.set(8, FieldValue::text(text));
        }
        err
    }
}

/// What the caller decides for the ACK's own header.
#[derive(Debug, Clone, Copy)]
pub struct AckParams<'p> {
    /// MSH-10 of the ACK (unique per message Chevet sends).
    pub control_id: &'p str,
    /// MSH-7, `YYYYMMDDHHMMSS[+ZZZZ]`.
    pub timestamp: &'p str,
}

/// An acknowledgement ready to be written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ack {
    pub segments: Vec<SegmentValue>,
    pub delimiters: Delimiters,
    pub charset: Charset,
}

impl Ack {
    /// The acknowledgement of `received`.
    pub fn for_message(
        received: &Message<'_>,
        code: AckCode,
        errors: &[AckError],
        params: &AckParams<'_>,
    ) -> Self {
        let msh = received.msh();
        let copy = |n: usize| FieldValue::from_field(&msh.field(n));
        let trigger = received.message_type().trigger.into_owned();
        let message_type = if trigger.is_empty() {
            FieldValue::text("ACK")
        } else {
            FieldValue::components(["ACK", trigger.as_str(), "ACK"])
        };
        let country = if msh.field(17).is_empty() {
            FieldValue::text("FRA")
        } else {
            copy(17)
        };
        let header = SegmentValue::new("MSH")
            .with(3, copy(5))
            .with(4, copy(6))
            .with(5, copy(3))
            .with(6, copy(4))
            .with(7, FieldValue::text(params.timestamp))
            .with(9, message_type)
            .with(10, FieldValue::text(params.control_id))
            .with(11, copy(11))
            .with(12, copy(12))
            .with(17, country)
            .with(18, FieldValue::text(msh.field(18).repetition(0).text()));
        let msa = SegmentValue::new("MSA")
            .with(1, FieldValue::text(code.code()))
            .with(2, acknowledged_id(&msh.field(10)));
        Self::assemble(
            header,
            msa,
            errors,
            received.delimiters(),
            received.charset(),
        )
    }

    /// The acknowledgement of bytes that could not be read as a message: MSA-2 is empty (the
    /// received control id is unknown), MSH-3/4 name Chevet, no charset is declared.
    pub fn for_unreadable(
        application: &str,
        facility: &str,
        error: &AckError,
        params: &AckParams<'_>,
    ) -> Self {
        let header = SegmentValue::new("MSH")
            .with(3, FieldValue::text(application))
            .with(4, FieldValue::text(facility))
            .with(7, FieldValue::text(params.timestamp))
            .with(9, FieldValue::text("ACK"))
            .with(10, FieldValue::text(params.control_id))
            .with(11, FieldValue::text("P"))
            .with(12, FieldValue::text("2.5"))
            .with(17, FieldValue::text("FRA"));
        let msa = SegmentValue::new("MSA").with(1, FieldValue::text(AckCode::Error.code()));
        let errors = std::slice::from_ref(error);
        Self::assemble(
            header,
            msa,
            errors,
            Delimiters::STANDARD,
            Charset::Undeclared,
        )
    }

    fn assemble(
        header: SegmentValue,
        msa: SegmentValue,
        errors: &[AckError],
        delimiters: Delimiters,
        charset: Charset,
    ) -> Self {
        let mut segments = vec![header, msa];
        segments.extend(errors.iter().map(AckError::segment));
        if charset == Charset::Undeclared {
            for segment in &mut segments {
                fold_segment(segment);
            }
        }
        Self {
            segments,
            delimiters,
            charset,
        }
    }

    /// The ACK in ER7 (segments ended by CR).
    pub fn to_er7(&self) -> String {
        write_message(&self.segments, &self.delimiters)
    }

    /// The ACK's bytes in its charset (`?` for a character the charset cannot hold, which
    /// only an echoed header value could bring).
    pub fn to_bytes(&self) -> Vec<u8> {
        self.charset.encode_lossy(&self.to_er7())
    }
}

/// MSA-2: the received MSH-10 as sent (its first repetition, all components).
fn acknowledged_id(field: &Field<'_>) -> FieldValue {
    let value = FieldValue::from_field(field);
    match value.parts().first() {
        Some(first) => FieldValue::from_parts(vec![first.clone()]),
        None => value,
    }
}

fn fold_segment(segment: &mut SegmentValue) {
    for field in &mut segment.fields {
        let parts = field
            .parts()
            .iter()
            .map(|rep| {
                rep.iter()
                    .map(|c| c.iter().map(|s| fold_to_ascii(s)).collect())
                    .collect()
            })
            .collect();
        *field = FieldValue::from_parts(parts);
    }
}
