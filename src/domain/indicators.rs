//! Usage indicators (DSR SC.STAT/ES.01): what is counted, by FINESS géographique × document
//! type × month, and the filter a report is asked with. Computed from the store by
//! `indicators`, shown by `ui::indicators`, exported as CSV.

use serde::{Deserialize, Serialize};

/// One thing counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Indicator {
    /// Documents produced here (validated).
    DocumentsProduced,
    /// Documents fed to the DMP (sent, directly or through the gateway).
    DmpFed,
    /// … of which the DMP acknowledged the filing.
    DmpAcknowledged,
    /// Documents sent by MSSanté.
    MssSent,
    /// … of which a delivery receipt came back.
    MssDelivered,
    /// … of which a read receipt came back.
    MssRead,
    /// Documents received from MSSanté (or the gateway, or an XDM archive).
    Received,
    /// … filed automatically (exact qualified-INS match).
    ReceivedAuto,
    /// … reconciled by hand from the inbox.
    ReceivedManual,
    /// DMP consultations (folder, list, document) in the normal access mode.
    DmpConsultations,
    /// DMP consultations under bris de glace (counted apart).
    DmpBreakGlass,
    /// Visibility changes (made visible to the patient, hidden, masked).
    VisibilityChanges,
}

impl Indicator {
    pub const ALL: [Self; 12] = [
        Self::DocumentsProduced,
        Self::DmpFed,
        Self::DmpAcknowledged,
        Self::MssSent,
        Self::MssDelivered,
        Self::MssRead,
        Self::Received,
        Self::ReceivedAuto,
        Self::ReceivedManual,
        Self::DmpConsultations,
        Self::DmpBreakGlass,
        Self::VisibilityChanges,
    ];
    pub const COUNT: usize = Self::ALL.len();

    /// Its position in [`IndicatorRow::counts`].
    #[must_use]
    pub fn index(self) -> usize {
        self as usize
    }

    /// A stable code for files (CSV column names, chart file names).
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Self::DocumentsProduced => "documents_produits",
            Self::DmpFed => "dmp_alimentes",
            Self::DmpAcknowledged => "dmp_acquittes",
            Self::MssSent => "mss_envoyes",
            Self::MssDelivered => "mss_distribues",
            Self::MssRead => "mss_lus",
            Self::Received => "recus",
            Self::ReceivedAuto => "recus_integres_auto",
            Self::ReceivedManual => "recus_rapproches_main",
            Self::DmpConsultations => "dmp_consultations",
            Self::DmpBreakGlass => "dmp_bris_de_glace",
            Self::VisibilityChanges => "changements_visibilite",
        }
    }

    /// The Fluent id of its label (`indicators-kind-<code>`).
    #[must_use]
    pub fn message_id(self) -> String {
        format!("indicators-kind-{}", self.code().replace('_', "-"))
    }
}

/// A calendar month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Month {
    pub year: i32,
    /// 1 to 12.
    pub month: u32,
}

impl Month {
    /// `None` when `month` is not 1 to 12.
    #[must_use]
    pub fn new(year: i32, month: u32) -> Option<Self> {
        (1..=12).contains(&month).then_some(Self { year, month })
    }

    /// From the first 7 characters of an ISO 8601 date or time (`2026-12…`).
    #[must_use]
    pub fn parse_iso(text: &str) -> Option<Self> {
        let year = text.get(0..4)?.parse().ok()?;
        if text.get(4..5)? != "-" {
            return None;
        }
        Self::new(year, text.get(5..7)?.parse().ok()?)
    }

    #[must_use]
    pub fn next(self) -> Self {
        if self.month == 12 {
            Self {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Self {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Months since January of year 0: a number line for charts.
    #[must_use]
    pub fn ordinal(self) -> i64 {
        i64::from(self.year) * 12 + i64::from(self.month) - 1
    }

    #[must_use]
    pub fn from_ordinal(ordinal: i64) -> Self {
        let year = ordinal.div_euclid(12);
        Self {
            year: i32::try_from(year).unwrap_or(i32::MAX),
            month: u32::try_from(ordinal.rem_euclid(12)).unwrap_or(0) + 1,
        }
    }
}

impl std::fmt::Display for Month {
    /// `2026-12`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

/// What a report covers. Empty lists mean "all".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorFilter {
    /// FINESS géographiques.
    pub sites: Vec<String>,
    /// Document type codes (LOINC).
    pub type_codes: Vec<String>,
    /// First month, included.
    pub from: Month,
    /// Last month, included.
    pub to: Month,
}

/// The counts of one FINESS géographique × document type × month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorRow {
    pub finess_geo: String,
    /// The document type's code; empty for what has no document type (a DMP folder opened).
    pub type_code: String,
    pub type_label: String,
    pub month: Month,
    /// One count per [`Indicator`], at [`Indicator::index`].
    pub counts: [u64; Indicator::COUNT],
}

impl IndicatorRow {
    #[must_use]
    pub fn count(&self, indicator: Indicator) -> u64 {
        self.counts[indicator.index()]
    }
}

/// A computed report: the rows matching the filter, sorted by site, type and month, plus what
/// the filters may offer.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndicatorReport {
    pub rows: Vec<IndicatorRow>,
    /// Every FINESS géographique known to the store, with its label when one is known.
    pub sites: Vec<(String, String)>,
    /// Every document type seen: code and label.
    pub types: Vec<(String, String)>,
    /// How long the computation took, for the screen's footer.
    pub computed_ms: u64,
}
