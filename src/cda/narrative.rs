//! CDA R2 narrative blocks (`section/text`, N3 documents): parses the raw XML a [`Section`]
//! keeps into a model of blocks (paragraphs, lists, tables with spans, captions, multimedia
//! references) and styled inline runs, ready for the egui renderer
//! (`ui::structured_view`); builds the [`StructuredDocument`] of a whole document; gives the
//! plain text for search. No egui here, no I/O. Hostile input is bounded (depth, cells,
//! columns, no DOCTYPE) and errors carry positions only, never document content.
//!
//! Layout: `events` (quick-xml stream, prefix stripping), `flow` (paragraph building and
//! whitespace collapsing), `parser` (elements), `table` (tables and their grid), `model` (types),
//! `text` (plain text), `document` (section tree).
//!
//! [`Section`]: crate::cda::Section

mod document;
mod events;
mod flow;
mod model;
mod parser;
mod table;
mod text;

#[cfg(test)]
mod fixture_tests;
#[cfg(test)]
mod tests;

pub use document::{MediaInfo, StructuredDocument, StructuredSection, build};
pub use model::{
    Anchor, Block, Cell, CellAlign, Footnote, Inline, List, ListMarker, Media, Narrative, Row,
    RowGroup, RowGroupKind, Rules, Run, Style, Table,
};
pub use text::{inlines_text, narrative_text};

use super::XmlProblem;

/// Deepest element nesting accepted inside a narrative block.
pub const MAX_DEPTH: usize = 64;
/// Most table cells accepted in one narrative block.
pub const MAX_CELLS: usize = 10_000;
/// Widest table grid accepted (HTML caps `colspan` at 1000 too).
pub const MAX_COLUMNS: usize = 1_000;

/// Why a narrative block could not be shown. Messages are in French and carry byte positions
/// within the block only, never its content.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NarrativeError {
    #[error(
        "le texte de la section contient une déclaration DOCTYPE, interdite : il n'est pas \
         affiché ; signalez-le à l'émetteur"
    )]
    Doctype,

    #[error(
        "le texte de la section n'est pas un XML bien formé ({reason}, vers l'octet {position}) : \
         il n'est pas affiché ; consultez la copie PDF du document si elle existe"
    )]
    Malformed { position: u64, reason: XmlProblem },

    #[error(
        "le texte de la section s'arrête avant sa fin (vers l'octet {position}) : il n'est pas \
         affiché ; consultez la copie PDF du document si elle existe"
    )]
    Truncated { position: u64 },

    #[error(
        "le texte de la section est imbriqué sur plus de {max} niveaux (vers l'octet \
         {position}) : il n'est pas affiché par sécurité ; signalez-le à l'émetteur"
    )]
    TooDeep { max: usize, position: u64 },

    #[error(
        "le texte de la section contient plus de {max} cellules de tableau (vers l'octet \
         {position}) : il n'est pas affiché par sécurité ; consultez la copie PDF du document"
    )]
    TooManyCells { max: usize, position: u64 },

    #[error(
        "un tableau du texte de la section dépasse {max} colonnes (vers l'octet {position}) : \
         il n'est pas affiché par sécurité ; consultez la copie PDF du document"
    )]
    TooWide { max: usize, position: u64 },
}

impl NarrativeError {
    /// Fluent id of the message for the application (like `CdaError::message_id`; the
    /// `Display` text, in French, is for logs). The locales need these entries before use.
    pub fn message_id(&self) -> &'static str {
        match self {
            Self::Doctype => "error-narrative-doctype",
            Self::Malformed { .. } | Self::Truncated { .. } => "error-narrative-malformed",
            Self::TooDeep { .. } | Self::TooManyCells { .. } | Self::TooWide { .. } => {
                "error-narrative-too-large"
            }
        }
    }
}

/// Parses the raw XML of a section's `text` (as [`Section::narrative_xml`] gives it), with the
/// document's HL7 namespace prefix (`Some("c")` for `<c:paragraph>`, from
/// [`Section::narrative_prefix`]). Unknown elements keep their text; only malformed XML, a
/// DOCTYPE and the limits ([`MAX_DEPTH`], [`MAX_CELLS`], [`MAX_COLUMNS`]) are errors.
///
/// [`Section::narrative_xml`]: crate::cda::Section::narrative_xml
/// [`Section::narrative_prefix`]: crate::cda::Section::narrative_prefix
pub fn parse_narrative(xml: &str, prefix: Option<&str>) -> Result<Narrative, NarrativeError> {
    parser::parse(xml, prefix)
}
