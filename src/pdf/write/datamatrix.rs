//! The "INS à scanner" DataMatrix (ECC 200): its payload, built from a qualified identity, and
//! the symbol's modules for drawing.
//!
//! # Payload, as read from the sources available
//!
//! `dmp-protocol.md` §4 and ANS's CDA-FO.xsl give the structure; the official ANS
//! "Format datamatrix INS" was not available. The field rules below follow the 2D-Doc
//! convention the header mimics, as implemented by a certified DPI (Mediboard's
//! `CPatientINSNIR::createDataForDatamatrix`):
//!
//! - header `IS010000000000000000000000` (26 characters: marker `IS`, version `01`, 22 reserved
//!   zeros), no separator after it;
//! - then data fields, each a two-character identifier followed by its value:
//!   `S1` matricule INS (fixed, 15), `S2` OID of the INS (variable, at most 20), `S3` birth first
//!   names, space separated (variable, at most 100), `S4` birth name (variable, at most 100),
//!   `S5` sex `M`/`F` (fixed, 1), `S6` birth date `dd-mm-yyyy` (fixed, 10), `S7` INSEE code of
//!   the birthplace (fixed, 5, left out when unknown);
//! - a variable-length field ends with GS (0x1D) unless it has reached its maximum length
//!   (then the reader knows where it ends); fixed-length fields never carry one. S2, S3 and S4
//!   are never last, so in practice: `S2` 19-character OIDs (1.2.250.1.213.1.4.8 / .9) are
//!   followed by GS, 20-character ones (…4.10 / …4.11) are not.
//!
//! Names are upper-cased without diacritics (the INSi lexical profile: A-Z, space, hyphen,
//! apostrophe). An identity whose sex is unknown cannot be encoded (INSi only gives M or F).

use chrono::Datelike;
use datamatrix::{DataMatrixBuilder, EncodationType, SymbolList};
use unicode_normalization::UnicodeNormalization;

use super::PdfWriteError;
use crate::domain::{PatientIdentity, Sex};

/// Fixed header of the INS DataMatrix payload.
pub const INS_HEADER: &str = "IS010000000000000000000000";
/// Group separator ending variable-length fields.
pub const GS: char = '\u{1D}';

const MAX_OID: usize = 20;
const MAX_NAMES: usize = 100;

/// Upper case, diacritics removed, blanks collapsed; `None` when a character outside the
/// INSi alphabet (letters, space, hyphen, apostrophe) remains.
fn insi_text(text: &str) -> Option<String> {
    let folded: String = text
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .flat_map(char::to_uppercase)
        .map(|c| if c == '’' { '\'' } else { c })
        .collect();
    let folded = folded.split_whitespace().collect::<Vec<_>>().join(" ");
    folded
        .chars()
        .all(|c| c.is_ascii_uppercase() || matches!(c, ' ' | '-' | '\''))
        .then_some(folded)
}

fn variable(out: &mut String, id: &str, value: &str, max: usize) -> Result<(), PdfWriteError> {
    let len = value.chars().count();
    if len == 0 || len > max {
        return Err(PdfWriteError::DataMatrix("champ vide ou trop long"));
    }
    out.push_str(id);
    out.push_str(value);
    if len < max {
        out.push(GS);
    }
    Ok(())
}

/// The payload of the "INS à scanner" DataMatrix, or `None` when the identity is not qualified
/// (or has no INS): then no DataMatrix is printed.
pub fn ins_payload(identity: &PatientIdentity) -> Result<Option<String>, PdfWriteError> {
    let Some(ins) = identity
        .ins
        .as_ref()
        .filter(|_| identity.status.ins_usable())
    else {
        return Ok(None);
    };
    let t = &identity.traits;
    let sex = match t.sex {
        Sex::Male => 'M',
        Sex::Female => 'F',
        Sex::Unknown => return Err(PdfWriteError::DataMatrix("sexe inconnu")),
    };
    let first_names = insi_text(&t.birth_first_names)
        .ok_or(PdfWriteError::DataMatrix("prénoms hors alphabet INSi"))?;
    let birth_name =
        insi_text(&t.birth_name).ok_or(PdfWriteError::DataMatrix("nom hors alphabet INSi"))?;
    let mut out = String::with_capacity(128);
    out.push_str(INS_HEADER);
    out.push_str("S1");
    out.push_str(ins.matricule.as_str());
    variable(&mut out, "S2", ins.oid.as_str(), MAX_OID)?;
    variable(&mut out, "S3", &first_names, MAX_NAMES)?;
    variable(&mut out, "S4", &birth_name, MAX_NAMES)?;
    out.push_str("S5");
    out.push(sex);
    let d = t.birth_date;
    out.push_str(&format!(
        "S6{:02}-{:02}-{:04}",
        d.day(),
        d.month(),
        d.year()
    ));
    if let Some(insee) = t.birthplace_insee.as_deref().map(str::trim)
        && insee.len() == 5
        && insee.bytes().all(|b| b.is_ascii_alphanumeric())
    {
        out.push_str("S7");
        out.push_str(&insee.to_ascii_uppercase());
    }
    Ok(Some(out))
}

/// An encoded symbol: modules in rows from the top, `true` = dark.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    pub width: usize,
    pub height: usize,
    pub dark: Vec<bool>,
}

impl Symbol {
    pub fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark.get(y * self.width + x).copied().unwrap_or(false)
    }
}

/// Encodes an ASCII payload as a square ECC 200 symbol (ASCII and C40 encodation, no macro).
pub fn encode(payload: &str) -> Result<Symbol, PdfWriteError> {
    if !payload.is_ascii() {
        return Err(PdfWriteError::DataMatrix("contenu non ASCII"));
    }
    let code = DataMatrixBuilder::new()
        .with_encodation_types(EncodationType::Ascii | EncodationType::C40)
        .with_macros(false)
        .with_symbol_list(SymbolList::default().enforce_square())
        .encode(payload.as_bytes())
        .map_err(|_| PdfWriteError::DataMatrix("contenu trop long"))?;
    let bitmap = code.bitmap();
    Ok(Symbol {
        width: bitmap.width(),
        height: bitmap.height(),
        dark: bitmap.bits().to_vec(),
    })
}
