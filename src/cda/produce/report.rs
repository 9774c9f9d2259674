//! Maps a produced document onto the PDF writer's report: establishment block, title,
//! patient identity, document details and the very same sections and blocks as the CDA.

use super::model::{Block, MedicationLine, ProducedDocument};
use crate::pdf::write::{self, Report, ReportSection};

fn date_time(t: &chrono::DateTime<chrono::FixedOffset>) -> String {
    t.format("%d/%m/%Y %H:%M").to_string()
}

fn period(
    start: &chrono::DateTime<chrono::FixedOffset>,
    end: Option<&chrono::DateTime<chrono::FixedOffset>>,
) -> String {
    match end {
        Some(end) => format!("du {} au {}", date_time(start), date_time(end)),
        None => format!("le {}", date_time(start)),
    }
}

fn block(b: &Block) -> write::Block {
    match b {
        Block::Paragraph(text) => write::Block::Paragraph(text.clone()),
        Block::List(items) => write::Block::List(items.clone()),
        Block::Table(t) => write::Block::Table {
            header: t.header.clone(),
            rows: t.rows.clone(),
        },
        Block::Medications(lines) => {
            let t = MedicationLine::table(lines);
            write::Block::Table {
                header: t.header,
                rows: t.rows,
            }
        }
    }
}

/// The PDF report of `doc`.
pub fn to_report(doc: &ProducedDocument) -> Report {
    let org = &doc.organisation;
    let mut establishment = vec![org.name.clone(), doc.encounter.unit_name.clone()];
    if let Some(a) = &org.address {
        establishment.push(format!("{}, {} {}", a.street, a.postal_code, a.city));
    }
    if let Some(t) = &org.telecom {
        let shown = t
            .strip_prefix("tel:")
            .map(|n| format!("Tél. {n}"))
            .unwrap_or_else(|| t.strip_prefix("mailto:").unwrap_or(t).to_owned());
        establishment.push(shown);
    }
    let author = &doc.author;
    let mut details = vec![
        (
            "Auteur".to_owned(),
            format!("{}, {}", author.display(), author.specialty.display),
        ),
        ("Date du document".to_owned(), date_time(&doc.created)),
        (
            "Venue".to_owned(),
            period(&doc.encounter.start, doc.encounter.end.as_ref()),
        ),
    ];
    if doc.ids.version > 1 {
        details.push((
            "Version".to_owned(),
            format!("{} (remplace la version précédente)", doc.ids.version),
        ));
    }
    Report {
        title: doc.title.clone(),
        establishment,
        patient: doc.patient.clone(),
        details,
        sections: doc
            .sections
            .iter()
            .map(|s| ReportSection {
                title: s.title.clone(),
                blocks: s.blocks.iter().map(block).collect(),
            })
            .collect(),
        document_id: doc.ids.id.to_uid(),
        author: author.display(),
        created: doc.created,
    }
}
