//! HL7 v2 in ER7 (pipe-and-hat) encoding, written from the standard and the agency's volets
//! (`../shared/specs/hl7v2-outbox-annuaire-insi.md`, parts A, B, H), with no HL7 crate:
//! - `charset`: MSH-18 (UTF-8, 8859/1, 8859/15, undeclared) and the bytes ↔ text rules;
//! - `delimiters`: MSH-1/MSH-2 (any field, component, repetition, escape and subcomponent
//!   characters, and the truncation character of v2.7);
//! - `escape`: `\F\ \S\ \T\ \R\ \E\ \P\ \Xhh…\` and the formatting sequences (`\.br\`…);
//! - `er7`: the parser: a [`Message`] borrows its text and indexes segments and fields once;
//!   repetitions, components and subcomponents are split, and escapes decoded, only when read;
//! - `access`: typed, 1-based access (`msg.segments("PID")`, `seg.field(3).repetition(0)
//!   .component(4).subcomponent(2)`) and decoded text;
//! - `writer`: values to ER7 text with every delimiter escaped (parse(write(x)) == x);
//! - `ack`: the acknowledgement of a received message (MSA AA/AE/AR, ERR with the HL7 codes of
//!   table 0357 and the application codes 900–906 of the volet, in French on the wire);
//! - `mllp`: the MLLP framing (0x0B … 0x1C 0x0D), an incremental decoder fed by chunks and the
//!   encoder.
//!
//! Pure code: no socket, no store, no clock (callers pass timestamps and control ids). Design
//! decisions (charsets, formatting sequences, limits) are in `docs/hl7.md`. Errors never carry
//! message content: only sizes, positions and fixed wording.

pub mod access;
pub mod ack;
pub mod charset;
#[cfg(not(fuzzing))]
pub mod client;
pub mod delimiters;
pub mod er7;
pub mod escape;
#[cfg(not(fuzzing))]
pub mod listener;
pub mod mllp;
#[cfg(not(fuzzing))]
pub mod tls;
pub mod writer;

#[cfg(test)]
mod ack_tests;
#[cfg(test)]
mod er7_tests;
#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
pub(crate) mod test_support;

use std::fmt;

pub use access::{Component, Field, Repetition, Segment, Subcomponent};
pub use ack::{
    Ack, AckCode, AckError, AckParams, ApplicationError, ErrorLocation, Hl7Condition, Severity,
};
pub use charset::{Charset, DecodingNote};
pub use delimiters::Delimiters;
pub use er7::{Limits, Message, MessageType, parse};
pub use mllp::MllpDecoder;
pub use writer::{FieldValue, SegmentValue};

/// Everything that can go wrong reading, writing or framing an HL7 v2 message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Hl7Error {
    #[error("le message HL7 est vide")]
    Empty,

    #[error(
        "les données ne sont pas un message HL7 v2 : elles ne commencent pas par un segment MSH"
    )]
    NoHeader,

    #[error("l'en-tête MSH du message HL7 est inexploitable ({problem})")]
    BadHeader { problem: HeaderProblem },

    #[error(
        "le jeu de caractères déclaré en MSH-18 n'est pas pris en charge (seuls UNICODE UTF-8, \
         8859/1 et 8859/15 le sont)"
    )]
    UnsupportedCharset,

    #[error("le message HL7 fait {size} octets, au-delà de la limite de {max} octets")]
    TooLarge { size: usize, max: usize },

    #[error("le message HL7 compte plus de {max} champs")]
    TooManyFields { max: usize },

    #[error(
        "un caractère (position {position}) ne peut pas être écrit dans le jeu de caractères du \
         message"
    )]
    Unencodable { position: usize },

    #[error("une trame MLLP dépasse la limite de {max} octets : elle a été ignorée")]
    FrameTooLarge { max: usize },

    #[error(
        "une trame MLLP s'est interrompue avant son octet de fin (connexion coupée ou nouvelle \
         trame)"
    )]
    FrameTruncated,
}

impl Hl7Error {
    /// Only a frame cut by the connection may come whole if sent again; every other error
    /// describes the bytes themselves.
    pub fn is_retryable(&self) -> bool {
        matches!(self, Self::FrameTruncated)
    }

    /// Fluent id of the message shown in the application (the `Display` text, in French, is
    /// for logs and the command line).
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Empty => "error-hl7-empty",
            Self::NoHeader => "error-hl7-no-header",
            Self::BadHeader { .. } => "error-hl7-bad-header",
            Self::UnsupportedCharset => "error-hl7-charset",
            Self::TooLarge { .. } | Self::TooManyFields { .. } => "error-hl7-too-large",
            Self::Unencodable { .. } => "error-hl7-unencodable",
            Self::FrameTooLarge { .. } => "error-hl7-frame-too-large",
            Self::FrameTruncated => "error-hl7-frame-truncated",
        }
    }
}

/// What is wrong in the MSH segment's first two fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderProblem {
    /// The segment stops before its encoding characters (MSH-2).
    TooShort,
    /// MSH-2 has neither 4 characters nor 5 (with the truncation character).
    EncodingLength,
    /// A delimiter is a letter, a digit, a blank, a control or a non-ASCII character.
    InvalidDelimiter,
    /// The same character is used for two delimiters.
    RepeatedDelimiter,
}

impl fmt::Display for HeaderProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::TooShort => "segment tronqué avant les caractères d'encodage",
            Self::EncodingLength => "MSH-2 doit compter 4 ou 5 caractères",
            Self::InvalidDelimiter => "séparateur non autorisé",
            Self::RepeatedDelimiter => "même caractère pour deux séparateurs",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_are_french_and_only_truncation_is_retryable() {
        let errors = [
            Hl7Error::Empty,
            Hl7Error::NoHeader,
            Hl7Error::BadHeader {
                problem: HeaderProblem::RepeatedDelimiter,
            },
            Hl7Error::UnsupportedCharset,
            Hl7Error::TooLarge { size: 10, max: 5 },
            Hl7Error::TooManyFields { max: 5 },
            Hl7Error::Unencodable { position: 3 },
            Hl7Error::FrameTooLarge { max: 5 },
            Hl7Error::FrameTruncated,
        ];
        for e in errors {
            assert_eq!(e.is_retryable(), e == Hl7Error::FrameTruncated);
            assert!(e.message_id().starts_with("error-hl7-"));
            assert!(e.to_string().contains(' '), "{e}");
        }
    }
}
