//! The document list's table: the columns (selection box — DMP rows to integrate, documents
//! produced here to send with the history —, provenance, sharing, type, title, act date,
//! author, organisation, visibility markers, version), the sort headers, and what a click asks
//! for.

use egui::RichText;
use egui_extras::{Column, TableBuilder};
use fluent_bundle::FluentValue;

use super::dmp::{DMP_COLOUR, MARKER_COLOUR, ask_visible, visibility_markers};
use super::sharing::{outbox_says, sendable, sharing_cell_ui};
use super::{DocumentListState, Origin};
use crate::domain::{DocumentSort, Provenance, ShareState};
use crate::i18n::I18n;
use crate::ui::widgets::datetime_text;
use crate::ui::{Command, Rights};

/// Short provenance tag and its explanation.
fn provenance_text(i18n: &I18n, p: Provenance) -> (String, String) {
    let short = match p {
        Provenance::Local => "provenance-short-local",
        Provenance::Dmp => "provenance-short-dmp",
        Provenance::Mssante => "provenance-short-mss",
        Provenance::Xdm => "provenance-short-xdm",
    };
    (i18n.tr(short), i18n.tr(p.label_key()))
}

/// Sharing state of a document towards the DMP and MSSanté, e.g. "DMP ✔ MSS …".
fn share_text(i18n: &I18n, dmp: ShareState, mss: ShareState) -> String {
    let mark = |s: ShareState| match s {
        ShareState::NotShared => None,
        ShareState::Pending => Some("…"),
        ShareState::Sent => Some("✔"),
        ShareState::Failed => Some("✖"),
        ShareState::Withdrawn => Some("⊘"),
    };
    let parts: Vec<String> = [("share-dmp", mark(dmp)), ("share-mss", mark(mss))]
        .into_iter()
        .filter_map(|(id, m)| m.map(|m| format!("{} {m}", i18n.tr(id))))
        .collect();
    if parts.is_empty() {
        "—".to_owned()
    } else {
        parts.join(" ")
    }
}

/// What the MSSanté mark says in words: « MSSanté envoyé »…; `None` when never sent.
fn mss_share_words(i18n: &I18n, mss: ShareState) -> Option<String> {
    let key = match mss {
        ShareState::NotShared => return None,
        ShareState::Pending => "share-mss-pending",
        ShareState::Sent => "share-mss-sent",
        ShareState::Failed => "share-mss-failed",
        ShareState::Withdrawn => "share-mss-withdrawn",
    };
    Some(i18n.tr(key))
}

/// Beside the DMP job's cell: « ✉ » when the document was sent by MSSanté, its words on hover.
fn mss_mark_ui(ui: &mut egui::Ui, i18n: &I18n, mss: ShareState) {
    if let Some(words) = mss_share_words(i18n, mss) {
        let mark = match mss {
            ShareState::Sent => "✉✔",
            ShareState::Failed => "✉✖",
            _ => "✉…",
        };
        let label = ui.label(mark);
        label.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, words.as_str()));
        label.on_hover_text(words);
    }
}

fn header_text(i18n: &I18n, state: &DocumentListState, id: &str, sort: DocumentSort) -> String {
    let arrow = if state.sort != sort {
        ""
    } else if state.ascending {
        " ▲"
    } else {
        " ▼"
    };
    format!("{}{arrow}", i18n.tr(id))
}

/// What a click in the table asked for.
enum Action {
    Sort(DocumentSort),
    History(usize),
    Open(usize),
    Select {
        row: usize,
        shift: bool,
    },
    /// Tick a document for "Envoyer l'historique".
    Pick(usize),
    /// Select a row without opening it (its sharing actions show).
    Choose(usize),
    Visible(usize),
}

/// The table: one row per version chain (older versions under it when shown), a click on a
/// header sorts, on a row opens, on a DMP row's box selects, on a marker asks to make visible.
pub(super) fn table_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut DocumentListState,
    rights: Rights,
    commands: &mut Vec<Command>,
) {
    let type_header = header_text(i18n, state, "folder-col-type", DocumentSort::Type);
    let date_header = header_text(i18n, state, "folder-col-date", DocumentSort::ActDate);
    let mut action = None;
    let shift = ui.input(|i| i.modifiers.shift);
    // Rows are clicked as a whole: labels must not take the click for text selection.
    ui.style_mut().interaction.selectable_labels = false;
    TableBuilder::new(ui)
        .id_salt("documents_table")
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::exact(22.0))
        .column(Column::exact(56.0))
        .column(Column::initial(140.0).clip(true).resizable(true))
        .column(
            Column::initial(100.0)
                .at_least(80.0)
                .clip(true)
                .resizable(true),
        )
        .column(Column::remainder().at_least(100.0).clip(true))
        .column(Column::exact(118.0))
        .column(Column::initial(92.0).clip(true).resizable(true))
        .column(Column::initial(96.0).clip(true).resizable(true))
        .column(Column::initial(128.0).clip(true).resizable(true))
        .column(Column::exact(56.0))
        .header(26.0, |mut header| {
            header.col(|_| {});
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-provenance"));
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-sharing"));
            });
            header.col(|ui| {
                if ui.button(&type_header).clicked() {
                    action = Some(Action::Sort(DocumentSort::Type));
                }
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-title"));
            });
            header.col(|ui| {
                if ui.button(&date_header).clicked() {
                    action = Some(Action::Sort(DocumentSort::ActDate));
                }
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-author"));
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-organisation"));
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-visibility"));
            });
            header.col(|ui| {
                ui.strong(i18n.tr("folder-col-version"));
            });
        })
        .body(|body| {
            body.rows(24.0, state.rows.len(), |mut row| {
                let index = row.index();
                let r = state.rows[index];
                let d = &state.documents[r.doc];
                let origin = state.origins[r.doc];
                row.set_selected(index == state.selected);
                let mut clicked_inside = false;
                row.col(|ui| {
                    if let Origin::Dmp(i) = origin
                        && !state.integrated.contains_key(&d.meta.cda_id)
                    {
                        let mut on = state.dmp.selected.contains(&i);
                        let tip = i18n.tr("list-select-help");
                        let name = i18n.tr_args(
                            "list-select",
                            &[("title", FluentValue::from(d.meta.title.as_str()))],
                        );
                        // No visible text (the row says it all), but a name for screen readers.
                        let response = ui.checkbox(&mut on, "");
                        response.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::Role::CheckBox,
                                true,
                                on,
                                name.as_str(),
                            )
                        });
                        if response.on_hover_text(tip).clicked() {
                            clicked_inside = true;
                            action = Some(Action::Select { row: index, shift });
                        }
                    }
                    let pickable = (origin == Origin::Local && rights.feed_dmp)
                        .then(|| sendable(d))
                        .flatten();
                    if let Some(id) = pickable {
                        let mut on = state.is_picked(id);
                        let name = i18n.tr_args(
                            "list-pick",
                            &[("title", FluentValue::from(d.meta.title.as_str()))],
                        );
                        let response = ui.checkbox(&mut on, "");
                        response.widget_info(|| {
                            egui::WidgetInfo::selected(
                                egui::Role::CheckBox,
                                true,
                                on,
                                name.as_str(),
                            )
                        });
                        if response.on_hover_text(i18n.tr("list-pick-help")).clicked() {
                            clicked_inside = true;
                            action = Some(Action::Pick(index));
                        }
                    }
                });
                row.col(|ui| {
                    provenance_ui(ui, i18n, d.provenance, origin);
                });
                row.col(|ui| {
                    match origin {
                        Origin::Dmp(_) if state.integrated.contains_key(&d.meta.cda_id) => {
                            ui.label(i18n.tr("list-integrated"))
                                .on_hover_text(i18n.tr("list-integrated-help"));
                        }
                        Origin::Dmp(_) => {
                            ui.label("—");
                        }
                        Origin::Local if outbox_says(d) => {
                            ui.horizontal(|ui| {
                                if sharing_cell_ui(ui, i18n, d) {
                                    clicked_inside = true;
                                    action = Some(Action::Choose(index));
                                }
                                mss_mark_ui(ui, i18n, d.mss_share);
                            });
                        }
                        Origin::Local => {
                            let label = ui.label(share_text(i18n, d.dmp_share, d.mss_share));
                            if let Some(words) = mss_share_words(i18n, d.mss_share) {
                                label.on_hover_text(words);
                            }
                        }
                    };
                });
                row.col(|ui| {
                    ui.label(&d.meta.type_label);
                });
                row.col(|ui| {
                    if state.opening.as_ref() == Some(&d.reference) {
                        ui.spinner();
                    }
                    if r.older {
                        ui.label(RichText::new(format!("↳ {}", d.meta.title)).weak());
                    } else {
                        ui.label(RichText::new(&d.meta.title).strong());
                    }
                });
                row.col(|ui| {
                    ui.label(d.meta.act_date.map(datetime_text).unwrap_or_default());
                });
                row.col(|ui| {
                    ui.label(&d.meta.author);
                });
                row.col(|ui| {
                    ui.label(&d.meta.organisation);
                });
                row.col(|ui| {
                    let archived = match origin {
                        Origin::Dmp(i) => state.dmp.rows.get(i).is_some_and(|r| r.archived),
                        Origin::Local => false,
                    };
                    // For who may change it, an invisibility marker is also the button that
                    // makes the document visible (with a confirmation).
                    let actionable = match origin {
                        Origin::Dmp(i) if rights.change_dmp_visibility => Some(i),
                        _ => None,
                    };
                    for (short, long) in visibility_markers(d.visibility, archived) {
                        let text = RichText::new(i18n.tr(short)).color(MARKER_COLOUR).strong();
                        let invisibility = short != "list-masked" && short != "list-archived";
                        match actionable.filter(|_| invisibility) {
                            Some(i) => {
                                let tip = format!(
                                    "{}\n{}",
                                    i18n.tr(long),
                                    i18n.tr("dmp-make-visible-key")
                                );
                                if ui.small_button(text).on_hover_text(tip).clicked() {
                                    clicked_inside = true;
                                    action = Some(Action::Visible(i));
                                }
                            }
                            None => {
                                ui.label(text).on_hover_text(i18n.tr(long));
                            }
                        }
                    }
                });
                let mut history_clicked = false;
                row.col(|ui| {
                    if let Origin::Dmp(_) = origin {
                        ui.label("—");
                        return;
                    }
                    let version = i18n.tr_args(
                        "doc-version",
                        &[("version", FluentValue::from(d.meta.version_number))],
                    );
                    if r.versions > 1 {
                        let tip = i18n.tr_args(
                            "folder-history",
                            &[("count", FluentValue::from(r.versions))],
                        );
                        history_clicked = ui
                            .small_button(format!("{version} ▾"))
                            .on_hover_text(tip)
                            .clicked();
                    } else {
                        ui.label(version);
                    }
                });
                if history_clicked {
                    action = Some(Action::History(index));
                } else if !clicked_inside && row.response().clicked() {
                    action = Some(Action::Open(index));
                }
            });
        });
    match action {
        Some(Action::Sort(sort)) => state.sort_by(sort),
        Some(Action::History(row)) => state.toggle_history(row),
        Some(Action::Open(row)) => {
            state.selected = row;
            commands.extend(state.open(row));
        }
        Some(Action::Select { row, shift }) => state.select_row(row, shift),
        Some(Action::Choose(row)) => state.selected = row,
        Some(Action::Pick(row)) => {
            state.selected = row;
            state.pick_row(row);
        }
        Some(Action::Visible(dmp)) => ask_visible(&mut state.dmp, dmp),
        None => {}
    }
}

/// The provenance sign: DMP rows not in the folder get a coloured one.
fn provenance_ui(ui: &mut egui::Ui, i18n: &I18n, provenance: Provenance, origin: Origin) {
    let (short, long) = provenance_text(i18n, provenance);
    match origin {
        Origin::Dmp(_) => {
            let text = RichText::new(format!("◆ {short}"))
                .monospace()
                .strong()
                .color(DMP_COLOUR);
            ui.label(text).on_hover_text(i18n.tr("list-dmp-row-help"));
        }
        Origin::Local => {
            ui.label(RichText::new(short).monospace())
                .on_hover_text(long);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn share_column_says_nothing_for_unshared_documents() {
        let i18n = I18n::default();
        assert_eq!(
            share_text(&i18n, ShareState::NotShared, ShareState::NotShared),
            "—"
        );
        assert_eq!(
            share_text(&i18n, ShareState::Sent, ShareState::Pending),
            "DMP ✔ MSS …"
        );
    }
}
