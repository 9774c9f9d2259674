//! The producer stamp carried by every export (CSV, archive index, backup manifest, chart
//! image): which program and which version wrote it, so that a file found later says where it
//! came from.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

/// This program's name as exports spell it.
pub const PRODUCER_NAME: &str = "Chevet";

/// Who wrote an export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Producer {
    pub name: String,
    pub version: String,
}

/// This build of Chevet.
#[must_use]
pub fn producer() -> Producer {
    Producer {
        name: PRODUCER_NAME.to_owned(),
        version: version().to_owned(),
    }
}

/// The version of this build (Cargo's package version).
#[must_use]
pub const fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// One line naming the producer, what the file holds and when it was written (UTC, seconds):
/// `Chevet 0.1.0 · indicateurs d'usage · 2026-12-06T10:00:00Z`.
#[must_use]
pub fn stamp_line(what: &str, at: DateTime<Utc>) -> String {
    format!(
        "{PRODUCER_NAME} {} · {what} · {}",
        version(),
        at.to_rfc3339_opts(SecondsFormat::Secs, true)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone as _;

    #[test]
    fn the_stamp_names_the_version_and_the_time() {
        let at = Utc.with_ymd_and_hms(2026, 12, 6, 10, 0, 0).unwrap();
        let line = stamp_line("indicateurs", at);
        assert_eq!(
            line,
            format!("Chevet {} · indicateurs · 2026-12-06T10:00:00Z", version())
        );
        assert_eq!(producer().version, env!("CARGO_PKG_VERSION"));
    }
}
