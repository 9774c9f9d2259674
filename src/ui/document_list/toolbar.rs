//! Above the document list: the entry count, the filter (all, local, DMP with its count), the
//! DMP list's state (loading, failed with retry), the search form, integrating the selection,
//! the consultation d'annonce worklist and the "make visible" confirmation.

use fluent_bundle::FluentValue;

use super::dmp::{DmpListStatus, confirm_visible_ui, search_form_ui, worklist_ui};
use super::{DocumentListState, ListFilter};
use crate::i18n::I18n;
use crate::ui::{Command, Rights};

/// Filter, DMP state and actions above the table.
pub(super) fn toolbar_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    state: &mut DocumentListState,
    rights: Rights,
    commands: &mut Vec<Command>,
) {
    let patient = state.patient;
    let (search_key, dmp_key) = ui.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::F),
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::D),
        )
    });
    let mut filter = state.filter;
    ui.horizontal_wrapped(|ui| {
        ui.heading(i18n.tr("folder-documents"));
        ui.label(i18n.tr_args(
            "folder-documents-count",
            &[("count", FluentValue::from(state.entries()))],
        ));
        ui.separator();
        for (f, key) in [
            (ListFilter::All, "list-filter-all"),
            (ListFilter::Local, "list-filter-local"),
        ] {
            if ui.selectable_label(filter == f, i18n.tr(key)).clicked() {
                filter = f;
            }
        }
        if !rights.consult_dmp {
            return;
        }
        let dmp_label = i18n.tr_args(
            "list-filter-dmp",
            &[("count", FluentValue::from(state.dmp.rows.len()))],
        );
        let dmp_clicked = ui
            .selectable_label(filter == ListFilter::Dmp, dmp_label)
            .on_hover_text(i18n.tr("list-filter-dmp-key"))
            .clicked();
        if dmp_clicked || dmp_key {
            filter = if filter == ListFilter::Dmp && dmp_key {
                ListFilter::All
            } else {
                ListFilter::Dmp
            };
        }
        let mut wants_rows =
            (dmp_clicked || dmp_key) && state.dmp.status == DmpListStatus::NotAsked;
        match &state.dmp.status {
            DmpListStatus::Loading => {
                ui.spinner();
                ui.label(i18n.tr("list-dmp-loading"));
            }
            DmpListStatus::Failed(message) => {
                ui.colored_label(ui.visuals().error_fg_color, i18n.tr(message.id));
                wants_rows |= message.retryable && ui.small_button(i18n.tr("dmp-retry")).clicked();
            }
            _ => {}
        }
        if wants_rows && let Some(request) = state.dmp.search_request(state.patient) {
            commands.push(Command::Send(request));
        }
        if ui
            .selectable_label(state.dmp.search_open, i18n.tr("list-dmp-search"))
            .on_hover_text(i18n.tr("list-dmp-search-key"))
            .clicked()
            || search_key
        {
            state.dmp.search_open = !state.dmp.search_open;
        }
        let selected = state.dmp.selected.len();
        let integrate = ui
            .add_enabled(
                selected > 0,
                egui::Button::new(
                    i18n.tr_args("list-integrate", &[("count", FluentValue::from(selected))]),
                ),
            )
            .on_hover_text(i18n.tr("list-integrate-key"));
        if integrate.clicked()
            && let Some(request) = state.integrate_request()
        {
            commands.push(Command::Send(request));
        }
    });
    if filter != state.filter {
        state.set_filter(filter);
    }
    if rights.consult_dmp && state.dmp.search_open {
        search_form_ui(ui, i18n, &mut state.dmp, patient, commands);
    }
    if rights.consult_dmp {
        worklist_ui(ui, i18n, &mut state.dmp, rights.change_dmp_visibility);
        confirm_visible_ui(ui.ctx(), i18n, &mut state.dmp, patient, commands);
    }
}
