//! Drawing the Annuaire screen: the search field and its filters, « Chercher aussi dans
//! l'Annuaire Santé », the status line, the results table (name with civility, profession,
//! structure, address, mailbox, the Annuaire Santé's confirmation) and the chosen entry's
//! details; the import panel below for those who may change settings.

use egui::{Color32, RichText};
use egui_extras::{Column, TableBuilder};
use fluent_bundle::FluentValue;

use super::{DirectoryView, civility_text, profession_text, status_text, structure_text};
use crate::domain::directory::{DirectoryHit, DirectorySource};
use crate::i18n::I18n;
use crate::ui::{Command, ScreenCtx};

const CONFIRMED_COLOUR: Color32 = Color32::from_rgb(0x2E, 0x7D, 0x32);

/// The screen.
pub fn directory_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut DirectoryView,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.horizontal(|ui| {
        ui.heading(RichText::new(i18n.tr("directory-title")).strong());
        ui.add_space(12.0);
        if let Some(status) = &state.status {
            ui.label(RichText::new(status_text(i18n, status)).weak());
        }
    });
    ui.horizontal(|ui| {
        let field = state.search.text_field_ui(
            ui,
            i18n,
            "directory-search",
            "directory-search-hint",
            420.0,
        );
        if std::mem::take(&mut state.focus_search) {
            field.request_focus();
        }
        if state.search.is_waiting() {
            ui.spinner();
            ui.label(RichText::new(i18n.tr("directory-searching")).weak());
        }
    });
    ui.horizontal(|ui| {
        state.search.filters_ui(ui, i18n);
        ui.separator();
        let online = state.status.as_ref().is_none_or(|s| s.online);
        let can_ask = !state.search.is_empty_query() && !state.search.is_online_pending();
        let button = ui
            .add_enabled(
                can_ask,
                egui::Button::new(i18n.tr("directory-search-online")),
            )
            .on_hover_text(i18n.tr(if online {
                "directory-search-online-help"
            } else {
                "error-annuaire-not-configured"
            }));
        if button.clicked()
            && let Some(request) = state.search.online_request()
        {
            commands.push(Command::Send(request));
        }
        if state.search.is_online_pending() {
            ui.spinner();
        }
    });
    commands.extend(state.search.tick(ui).map(Command::Send));
    if let Some(message) = state.search.message() {
        ui.colored_label(ui.visuals().warn_fg_color, i18n.tr(message));
    }
    if ctx.rights.change_settings {
        super::import::import_ui(ui, i18n, &mut state.import, commands);
    }
    ui.separator();
    if state.search.is_empty_query() {
        ui.label(RichText::new(i18n.tr("directory-empty-query")).weak());
        return;
    }
    let hits = state.search.hits();
    if hits.is_empty() {
        if !state.search.is_waiting() {
            ui.label(i18n.tr("directory-no-result"));
        }
        return;
    }
    ui.label(i18n.tr_args(
        if hits.len() >= super::LIMIT {
            "directory-results-first"
        } else {
            "directory-results"
        },
        &[("count", FluentValue::from(hits.len()))],
    ));
    if let Some(entry) = state.selected_entry() {
        let mut parts = vec![entry.display_name(), entry.mailbox.clone()];
        if let Some(rpps) = entry.rpps() {
            parts.push(format!("RPPS {rpps}"));
        }
        ui.horizontal(|ui| {
            ui.label(RichText::new(parts.join(" · ")).strong());
            if ui.small_button(i18n.tr("directory-copy-mailbox")).clicked() {
                ui.ctx().copy_text(entry.mailbox.clone());
            }
        });
    }
    let mut clicked = None;
    hits_table_ui(ui, i18n, "directory_table", hits, state.selected, |id| {
        clicked = Some(id);
    });
    if let Some(id) = clicked {
        state.selected = Some(id);
    }
}

/// The results table; a click on a row calls `on_click` with its entry's id.
fn hits_table_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    id_salt: &str,
    hits: &[DirectoryHit],
    selected: Option<i64>,
    mut on_click: impl FnMut(i64),
) {
    ui.style_mut().interaction.selectable_labels = false;
    // The confirmation's column only when an entry of the list was confirmed.
    let confirmed = hits
        .iter()
        .any(|h| matches!(h.entry.source, DirectorySource::Api { .. }));
    let mut table = TableBuilder::new(ui)
        .id_salt(id_salt)
        .striped(true)
        .sense(egui::Sense::click())
        .column(Column::initial(195.0).clip(true).resizable(true))
        .column(Column::initial(240.0).clip(true).resizable(true))
        .column(Column::initial(235.0).clip(true).resizable(true))
        .column(Column::initial(255.0).clip(true).resizable(true))
        .column(Column::remainder().at_least(150.0).clip(true));
    let mut columns = vec![
        "directory-col-name",
        "directory-col-profession",
        "directory-col-structure",
        "directory-col-address",
        "directory-col-mailbox",
    ];
    if confirmed {
        table = table.column(Column::exact(150.0));
        columns.push("directory-col-source");
    }
    table
        .header(24.0, |mut header| {
            for id in columns {
                header.col(|ui| {
                    ui.strong(i18n.tr(id));
                });
            }
        })
        .body(|body| {
            body.rows(24.0, hits.len(), |mut row| {
                let hit = &hits[row.index()];
                let e = &hit.entry;
                row.set_selected(selected == Some(hit.id));
                let mut inside = false;
                row.col(|ui| {
                    ui.horizontal(|ui| {
                        let civility = civility_text(&e.civility);
                        if !civility.is_empty() {
                            inside |= cell_ui(ui, RichText::new(civility).weak());
                        }
                        inside |= cell_ui(ui, RichText::new(e.display_name()).strong());
                    });
                });
                for text in [profession_text(e), structure_text(e), e.address.one_line()] {
                    row.col(|ui| inside |= cell_ui(ui, text.into()));
                }
                row.col(|ui| inside |= cell_ui(ui, e.mailbox.as_str().into()));
                if confirmed {
                    row.col(|ui| confirmed_badge_ui(ui, i18n, e.source));
                }
                if inside || row.response().clicked() {
                    on_click(hit.id);
                }
            });
        });
}

/// A cell's text, cut to its column; true when clicked (the row is chosen).
fn cell_ui(ui: &mut egui::Ui, text: RichText) -> bool {
    ui.add(
        egui::Label::new(text)
            .truncate()
            .sense(egui::Sense::click()),
    )
    .clicked()
}

/// « Confirmé le 05/12/2026 », its full sentence as its name and tooltip, for an entry the
/// Annuaire Santé confirmed; nothing for the extract's.
pub fn confirmed_badge_ui(ui: &mut egui::Ui, i18n: &I18n, source: DirectorySource) {
    let DirectorySource::Api { confirmed_at } = source else {
        return;
    };
    let date = confirmed_at
        .with_timezone(&chrono::Local)
        .format("%d/%m/%Y")
        .to_string();
    let full = i18n.tr_args(
        "directory-confirmed",
        &[("date", FluentValue::from(date.as_str()))],
    );
    let short = i18n.tr_args(
        "directory-confirmed-short",
        &[("date", FluentValue::from(date.as_str()))],
    );
    let badge = egui::Frame::new()
        .fill(CONFIRMED_COLOUR)
        .corner_radius(4)
        .inner_margin(egui::Margin::symmetric(6, 1))
        .show(ui, |ui| {
            ui.label(RichText::new(short).small().color(Color32::WHITE))
        })
        .inner;
    badge.widget_info(|| egui::WidgetInfo::labeled(egui::Role::Label, true, full.as_str()));
    badge.on_hover_text(full);
}
