//! The one error type of the XML toolkit, [`XmlError`], and [`XmlProblem`], the fixed wording
//! of what is wrong in a malformed document. Errors carry byte positions and fixed words,
//! never a name or a value read from the document (it may be a patient's). Each service maps
//! them to its own error (`DmpError::Malformed`, `CdaError`).

use std::fmt;

/// Why a text could not be read as XML.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum XmlError {
    #[error("XML text of {size} bytes, more than the {max} accepted")]
    TooLarge { size: usize, max: usize },
    #[error("XML nested deeper than {max} levels")]
    TooDeep { max: usize },
    #[error("XML with more than {max} elements")]
    TooManyElements { max: usize },
    #[error("XML with a DOCTYPE declaration (refused)")]
    Doctype,
    #[error("XML using an entity other than the five predefined ones near byte {position}")]
    UnknownEntity { position: u64 },
    #[error("XML with an invalid character reference near byte {position}")]
    BadCharRef { position: u64 },
    #[error("XML using an undeclared namespace prefix near byte {position}")]
    UnboundPrefix { position: u64 },
    #[error("XML that stops before its end (near byte {position})")]
    Truncated { position: u64 },
    #[error("XML with more than one root element near byte {position}")]
    SeveralRoots { position: u64 },
    #[error("XML without any element")]
    NoRoot,
    #[error("XML declaring an unsupported character encoding")]
    UnsupportedEncoding,
    #[error("malformed XML near byte {position}: {problem}")]
    Malformed { position: u64, problem: XmlProblem },
}

impl XmlError {
    /// Maps a quick-xml error at `position` without keeping any of its text (which may quote
    /// names or values found in the document).
    pub fn from_quick(err: &quick_xml::Error, position: u64) -> Self {
        use quick_xml::errors::IllFormedError as I;
        use quick_xml::escape::EscapeError as E;
        let malformed = |problem| Self::Malformed { position, problem };
        match err {
            quick_xml::Error::Syntax(_) => Self::Truncated { position },
            quick_xml::Error::IllFormed(ill) => match ill {
                I::MissingEndTag(_) => Self::Truncated { position },
                I::MismatchedEndTag { .. } => malformed(XmlProblem::MismatchedEndTag),
                I::UnmatchedEndTag(_) => malformed(XmlProblem::UnmatchedEndTag),
                I::MissingDeclVersion(_) | I::UnknownVersion => malformed(XmlProblem::Declaration),
                I::MissingDoctypeName => Self::Doctype,
                I::DoubleHyphenInComment => malformed(XmlProblem::Comment),
                I::UnclosedReference => malformed(XmlProblem::Reference),
            },
            quick_xml::Error::Escape(E::UnrecognizedEntity(..)) => Self::UnknownEntity { position },
            quick_xml::Error::Escape(_) => Self::BadCharRef { position },
            quick_xml::Error::InvalidAttr(_) => malformed(XmlProblem::Attribute),
            quick_xml::Error::Encoding(_) => malformed(XmlProblem::Characters),
            quick_xml::Error::Namespace(_) => Self::UnboundPrefix { position },
            _ => malformed(XmlProblem::Other),
        }
    }
}

/// What is wrong in a malformed XML document (fixed French wording, shown in CDA messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum XmlProblem {
    MismatchedEndTag,
    UnmatchedEndTag,
    Declaration,
    Comment,
    Reference,
    Attribute,
    Characters,
    Namespace,
    Other,
}

impl fmt::Display for XmlProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::MismatchedEndTag => "balise fermante qui ne correspond pas à la balise ouverte",
            Self::UnmatchedEndTag => "balise fermante sans balise ouvrante",
            Self::Declaration => "déclaration XML invalide",
            Self::Comment => "commentaire invalide",
            Self::Reference => "référence de caractère invalide",
            Self::Attribute => "attribut invalide",
            Self::Characters => "caractères invalides",
            Self::Namespace => "espace de noms invalide",
            Self::Other => "structure invalide",
        })
    }
}
