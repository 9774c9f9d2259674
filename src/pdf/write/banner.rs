//! The first-page banner: establishment block, patient identity box (birth names, birth
//! date, sex, birthplace, INS only when qualified, IPP), the "INS à scanner" DataMatrix with
//! its caption, the title and the document details; and the running identity line of the
//! following pages.

use super::datamatrix;
use super::layout::{Flow, Item, LEFT, MODULE, RIGHT, TOP, WIDTH, leading, wrap};
use super::{PdfWriteError, Report};
use crate::domain::{InsOid, PatientIdentity, Sex};

fn ins_label(oid: InsOid) -> &'static str {
    match oid {
        InsOid::Nir => "INS-NIR",
        InsOid::Nia => "INS-NIA",
        InsOid::TestNir => "INS-NIR de test",
        InsOid::DemoNir => "INS-NIR de démonstration",
    }
}

/// Lines of the patient box; the INS only for a qualified identity.
fn patient_lines(p: &PatientIdentity) -> Vec<String> {
    let t = &p.traits;
    let mut lines = vec![
        format!("Nom de naissance : {}", t.birth_name),
        format!("Prénom(s) de naissance : {}", t.birth_first_names),
    ];
    if let Some(used) = p.used_name.as_ref().filter(|u| **u != t.birth_name) {
        lines.push(format!("Nom utilisé : {used}"));
    }
    if let Some(used) = &p.used_first_name {
        lines.push(format!("Prénom utilisé : {used}"));
    }
    let sex = match t.sex {
        Sex::Male => "Masculin",
        Sex::Female => "Féminin",
        Sex::Unknown => "Inconnu",
    };
    lines.push(format!(
        "Né(e) le : {} — Sexe : {sex}",
        t.birth_date.format("%d/%m/%Y")
    ));
    if let Some(insee) = &t.birthplace_insee {
        lines.push(format!("Lieu de naissance (code INSEE) : {insee}"));
    }
    if let Some(ins) = p.ins.as_ref().filter(|_| p.status.ins_usable()) {
        lines.push(format!(
            "INS : {} ({})",
            ins.matricule.grouped(),
            ins_label(ins.oid)
        ));
    }
    lines.push(format!("IPP : {}", p.ipp));
    lines
}

/// Running header of pages 2 and after: who the document is about.
pub(super) fn running_line(report: &Report) -> String {
    let t = &report.patient.traits;
    format!(
        "{} {} — né(e) le {} — IPP {} — {}",
        t.birth_name,
        t.birth_first_names,
        t.birth_date.format("%d/%m/%Y"),
        report.patient.ipp,
        report.title
    )
}

pub(super) fn first_page(flow: &mut Flow<'_>, report: &Report) -> Result<(), PdfWriteError> {
    let font = flow.font;
    let top = TOP;
    // Establishment, left column.
    let mut y = top;
    for (i, line) in report.establishment.iter().enumerate() {
        let (size, bold) = if i == 0 { (11.0, true) } else { (9.0, false) };
        for l in wrap(font, line, size, 200.0) {
            y -= leading(size);
            flow.text(LEFT, y, size, bold, &l);
        }
    }
    let left_bottom = y;

    // DataMatrix at the right edge, patient box beside it.
    let symbol = match datamatrix::ins_payload(&report.patient)? {
        Some(payload) => Some(datamatrix::encode(&payload)?),
        None => None,
    };
    let box_left = 262.0;
    let mut box_right = RIGHT;
    let mut dm_bottom = top;
    if let Some(symbol) = symbol {
        let side = symbol.width as f32 * MODULE;
        let x = RIGHT - side - 2.0 * MODULE;
        let y0 = top - 2.0 * MODULE - side;
        let caption = "INS à scanner";
        let cw = font.width(caption, 7.0);
        flow.text(x + (side - cw) / 2.0, y0 - 10.0, 7.0, false, caption);
        flow.push(Item::DataMatrix {
            x,
            y: y0,
            module: MODULE,
            symbol,
        });
        box_right = x - 3.0 * MODULE;
        dm_bottom = y0 - 14.0;
    }
    let mut y = top - 2.0;
    y -= leading(10.0);
    flow.text(box_left + 5.0, y, 10.0, true, "Patient");
    for line in patient_lines(&report.patient) {
        for l in wrap(font, &line, 8.5, box_right - box_left - 10.0) {
            y -= leading(8.5);
            flow.text(box_left + 5.0, y, 8.5, false, &l);
        }
    }
    y -= 5.0;
    flow.push(Item::Rect {
        x: box_left,
        y,
        w: box_right - box_left,
        h: top - y,
        fill: None,
    });
    flow.y = left_bottom.min(y).min(dm_bottom) - 16.0;

    flow.lines(LEFT, WIDTH, 15.0, true, &report.title);
    flow.y -= 4.0;
    for (label, value) in &report.details {
        flow.lines(LEFT, WIDTH, 9.0, false, &format!("{label} : {value}"));
    }
    flow.y -= 6.0;
    let y = flow.y;
    flow.push(Item::Rule {
        x1: LEFT,
        x2: RIGHT,
        y,
    });
    flow.y -= 4.0;
    Ok(())
}
