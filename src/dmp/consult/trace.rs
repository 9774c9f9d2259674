//! The access-trace record of one DMP transaction ([`DmpTrace`]), for the local audit trail and
//! the DPO's extraction (SC.DMP/CONF.11, CONF.14, CONF.15): who (idNat_PS), which patient (an
//! opaque local reference given by the caller — never a name or an INS), which transaction,
//! which documents, in which access mode (with the bris de glace reason), the result, when (UTC)
//! and how long.
//!
//! CSV as every export writes it (`export::csv`): semicolon-separated for French spreadsheet
//! software, RFC 4180 quoting, CRLF, UTF-8 with a byte order mark, formulas neutralised; the
//! file's first line names the producer and its version, the second is the header.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::dmp::error::DmpError;
use crate::dmp::vihf::PurposeOfUse;

/// The byte order mark to write once at the start of a CSV file (see the module documentation).
pub const CSV_BOM: &str = "\u{feff}";

/// Field separator of the CSV extraction.
pub const CSV_SEPARATOR: char = crate::export::csv::SEPARATOR;

/// The DMP transactions this service runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TransactionCode {
    /// Existence test and the user's authorization.
    Td02,
    /// Sets the user's individual authorization.
    Td03,
    /// FindDocuments (ITI-18).
    Td31,
    /// GetDocuments by id (ITI-18).
    Td31b,
    /// Retrieve one document (ITI-43).
    Td32,
    /// Makes a document visible to the patient / legal representatives (ITI-57).
    Td33b,
}

impl TransactionCode {
    /// The code of the DMP integration guide, e.g. `TD3.1`.
    pub fn code(self) -> &'static str {
        match self {
            Self::Td02 => "TD0.2",
            Self::Td03 => "TD0.3",
            Self::Td31 => "TD3.1",
            Self::Td31b => "TD3.1b",
            Self::Td32 => "TD3.2",
            Self::Td33b => "TD3.3b",
        }
    }
}

/// How a transaction ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TraceResult {
    Ok,
    Error {
        /// Fluent id of the user message (`error-dmp-*`), stable: the error code of the trace.
        message_id: &'static str,
        retryable: bool,
        /// The error's French text (never carries patient identity nor document content).
        detail: String,
    },
}

impl TraceResult {
    pub fn of<T>(result: &Result<T, DmpError>) -> Self {
        match result {
            Ok(_) => Self::Ok,
            Err(e) => Self::Error {
                message_id: e.message_id(),
                retryable: e.is_retryable(),
                detail: e.to_string(),
            },
        }
    }

    pub fn is_ok(&self) -> bool {
        matches!(self, Self::Ok)
    }
}

/// One transaction with the DMP, as the audit trail keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DmpTrace {
    /// When the transaction started.
    pub at: DateTime<Utc>,
    /// idNat_PS of the professional on whose behalf it ran (the VIHF subject).
    pub professional_id: String,
    /// Idnat_Struct of the establishment (the VIHF structure).
    pub structure_id: String,
    /// The caller's opaque reference of the patient (a local id, never a name or an INS).
    pub patient_ref: String,
    pub transaction: TransactionCode,
    /// uniqueIds (CDA ids) of the documents involved: listed, retrieved or updated.
    pub documents: Vec<String>,
    /// The VIHF PurposeOfUse the transaction ran with.
    pub access_mode: PurposeOfUse,
    /// The reason the user gave for a bris de glace access.
    pub break_glass_reason: Option<String>,
    pub result: TraceResult,
    pub duration_ms: u64,
}

impl DmpTrace {
    /// The header line of the CSV extraction (no line terminator).
    pub fn csv_header() -> &'static str {
        "horodatage_utc;identifiant_national_ps;identifiant_structure;reference_patient;\
         transaction;documents;mode_acces;motif_bris_de_glace;resultat;code_erreur;\
         erreur_rejouable;detail_erreur;duree_ms"
    }

    /// This trace as one CSV record (no line terminator; records are separated by CRLF).
    /// Document ids are separated by spaces inside their field.
    pub fn to_csv_row(&self) -> String {
        let (result, code, retryable, detail) = match &self.result {
            TraceResult::Ok => ("ok", "", "", ""),
            TraceResult::Error {
                message_id,
                retryable,
                detail,
            } => (
                "erreur",
                *message_id,
                if *retryable { "oui" } else { "non" },
                detail.as_str(),
            ),
        };
        let fields = [
            self.at.to_rfc3339_opts(SecondsFormat::Millis, true),
            self.professional_id.clone(),
            self.structure_id.clone(),
            self.patient_ref.clone(),
            self.transaction.code().to_owned(),
            self.documents.join(" "),
            self.access_mode.code().to_owned(),
            self.break_glass_reason.clone().unwrap_or_default(),
            result.to_owned(),
            code.to_owned(),
            retryable.to_owned(),
            detail.to_owned(),
            self.duration_ms.to_string(),
        ];
        let mut out = String::new();
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                out.push(CSV_SEPARATOR);
            }
            out.push_str(&csv_field(field));
        }
        out
    }
}

/// A whole extraction: BOM, producer line, header and one record per trace, CRLF-terminated.
pub fn to_csv(traces: &[DmpTrace]) -> String {
    let rows: Vec<String> = traces.iter().map(DmpTrace::to_csv_row).collect();
    csv_document(rows.iter().map(String::as_str))
}

/// The same document from records already written by [`DmpTrace::to_csv_row`] (as the audit
/// trail keeps them).
pub fn csv_document<'a>(records: impl Iterator<Item = &'a str>) -> String {
    let mut csv = crate::export::csv::CsvWriter::new().stamp("traces d'accès au DMP", Utc::now());
    csv.raw_record(DmpTrace::csv_header());
    for record in records {
        csv.raw_record(record);
    }
    csv.finish()
}

/// One CSV field: neutralised when a spreadsheet would read it as a formula, quoted when it
/// holds the separator, a quote or a line break (inner quotes doubled).
pub fn csv_field(value: &str) -> String {
    crate::export::csv::cell(value)
}
