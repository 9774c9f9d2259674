//! CSV for a French spreadsheet (Excel opens it with a double click): UTF-8 with a byte-order
//! mark so that accents survive, `;` between cells, CRLF line ends, RFC 4180 quoting, and a
//! cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab or carriage return first)
//! neutralised by a leading apostrophe.

use chrono::{DateTime, Utc};

/// The byte-order mark that starts every file.
pub const BOM: char = '\u{feff}';
/// The cell separator of French spreadsheets.
pub const SEPARATOR: char = ';';

/// Builds one CSV document in memory.
#[derive(Debug)]
pub struct CsvWriter {
    out: String,
}

impl Default for CsvWriter {
    fn default() -> Self {
        Self::new()
    }
}

impl CsvWriter {
    #[must_use]
    pub fn new() -> Self {
        let mut out = String::with_capacity(4096);
        out.push(BOM);
        Self { out }
    }

    /// The first line: the producer and its version, what the file holds and when
    /// ([`super::stamp::stamp_line`]), as one cell.
    #[must_use]
    pub fn stamp(mut self, what: &str, at: DateTime<Utc>) -> Self {
        let line = super::stamp::stamp_line(what, at);
        self.row(&[line.as_str()]);
        self
    }

    /// One record.
    pub fn row<S: AsRef<str>>(&mut self, cells: &[S]) {
        for (i, value) in cells.iter().enumerate() {
            if i > 0 {
                self.out.push(SEPARATOR);
            }
            push_cell(&mut self.out, value.as_ref());
        }
        self.out.push_str("\r\n");
    }

    /// A record already written by [`cell`]s joined with [`SEPARATOR`] (no line end).
    pub fn raw_record(&mut self, record: &str) {
        self.out.push_str(record);
        self.out.push_str("\r\n");
    }

    #[must_use]
    pub fn finish(self) -> String {
        self.out
    }
}

/// One cell, neutralised and quoted as needed.
#[must_use]
pub fn cell(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 3);
    push_cell(&mut out, value);
    out
}

fn push_cell(out: &mut String, value: &str) {
    let formula = value.starts_with(['=', '+', '-', '@', '\t', '\r']);
    let quote = value.contains([SEPARATOR, '"', '\n', '\r']);
    if quote {
        out.push('"');
    }
    if formula {
        out.push('\'');
    }
    if quote {
        out.push_str(&value.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn cells_are_neutralised_and_quoted() {
        assert_eq!(cell("plain"), "plain");
        assert_eq!(cell("=1+1"), "'=1+1");
        assert_eq!(cell("-3"), "'-3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("a;b"), "\"a;b\"");
        assert_eq!(cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(cell("=a;b"), "\"'=a;b\"");
        assert_eq!(cell("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn a_document_has_its_bom_stamp_and_crlf() {
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0).unwrap();
        let mut csv = CsvWriter::new().stamp("essai", at);
        csv.row(&["Mois", "Nombre"]);
        csv.row(&["2026-12", "3"]);
        let text = csv.finish();
        assert!(text.starts_with('\u{feff}'));
        let lines: Vec<&str> = text.trim_start_matches(BOM).split("\r\n").collect();
        assert!(lines[0].starts_with("Chevet "), "{}", lines[0]);
        assert_eq!(lines[1], "Mois;Nombre");
        assert_eq!(lines[2], "2026-12;3");
        assert_eq!(lines[3], "");
        assert!(!text.replace("\r\n", "").contains('\n'));
    }
}
