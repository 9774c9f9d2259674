//! The MSSanté form's sections: the treating physician's mailboxes (a checkbox each), the
//! recipient search and its results to add, the chosen recipients (removable), the patient's
//! Mon espace santé mailbox and whether the patient may reply.

use egui::RichText;
use fluent_bundle::FluentValue;

use super::form::MssForm;
use crate::domain::directory::DirectoryHit;
use crate::ui::directory::{civility_text, profession_text, structure_text};
use crate::ui::{Command, ScreenCtx};

/// One line for a directory entry: "Dr Marie DURAND — Médecin · …", and with its mailbox
/// "Dr Marie DURAND <marie.durand@…> — Médecin · …" (the address before what may be cut).
fn hit_line(hit: &DirectoryHit, with_mailbox: bool) -> String {
    let e = &hit.entry;
    let mut name = match civility_text(&e.civility) {
        "" => e.display_name(),
        c => format!("{c} {}", e.display_name()),
    };
    if with_mailbox {
        name = format!("{name} <{}>", e.mailbox);
    }
    let about = [profession_text(e), structure_text(e)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" · ");
    if about.is_empty() {
        name
    } else {
        format!("{name} — {about}")
    }
}

pub(super) fn treating_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, form: &mut MssForm) {
    let i18n = ctx.i18n;
    ui.strong(i18n.tr("mss-form-treating"));
    if !form.proposals_loaded {
        ui.spinner();
    } else if form.treating.is_empty() {
        ui.label(RichText::new(i18n.tr("mss-form-treating-none")).weak());
    }
    for (hit, on) in &mut form.treating {
        ui.checkbox(on, hit_line(hit, true))
            .on_hover_text(&hit.entry.mailbox);
    }
}

pub(super) fn recipients_search_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    form: &mut MssForm,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.horizontal(|ui| {
        form.search
            .text_field_ui(ui, i18n, "mss-form-search", "directory-search-hint", 360.0);
        if form.search.is_waiting() {
            ui.spinner();
        }
    });
    commands.extend(form.search.tick(ui).map(Command::Send));
    if let Some(message) = form.search.message() {
        ui.colored_label(ui.visuals().warn_fg_color, i18n.tr(message));
    }
    if form.search.is_empty_query() {
        return;
    }
    let mut add = None;
    egui::ScrollArea::vertical()
        .id_salt("mss_form_hits")
        .max_height(150.0)
        .show(ui, |ui| {
            if form.search.hits().is_empty() && !form.search.is_waiting() {
                ui.label(RichText::new(i18n.tr("directory-no-result")).weak());
            }
            for hit in form.search.hits() {
                ui.horizontal(|ui| {
                    if ui.small_button(i18n.tr("mss-form-add")).clicked() {
                        add = Some(hit.clone());
                    }
                    ui.add(egui::Label::new(hit_line(hit, false)).truncate())
                        .on_hover_text(&hit.entry.mailbox);
                });
            }
        });
    if let Some(hit) = add {
        form.add(&hit);
    }
}

pub(super) fn chosen_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, form: &mut MssForm) {
    let i18n = ctx.i18n;
    ui.strong(i18n.tr_args(
        "mss-form-chosen",
        &[("count", FluentValue::from(form.recipients().len()))],
    ));
    let mut remove = None;
    for (i, hit) in form.chosen.iter().enumerate() {
        ui.horizontal(|ui| {
            if ui
                .small_button("✖")
                .on_hover_text(i18n.tr("mss-form-remove"))
                .clicked()
            {
                remove = Some(i);
            }
            ui.add(egui::Label::new(hit_line(hit, true)).truncate());
        });
    }
    if let Some(i) = remove {
        form.chosen.remove(i);
    }
}

pub(super) fn patient_ui(ui: &mut egui::Ui, ctx: &ScreenCtx<'_>, form: &mut MssForm) {
    let i18n = ctx.i18n;
    let has_mailbox = form.patient_mailbox.is_some();
    ui.horizontal(|ui| {
        ui.add_enabled(
            has_mailbox,
            egui::Checkbox::new(&mut form.to_patient, i18n.tr("mss-form-patient")),
        );
        match &form.patient_mailbox {
            Some(address) => {
                ui.label(RichText::new(address).monospace());
            }
            None if form.proposals_loaded => {
                ui.label(RichText::new(i18n.tr("mss-form-patient-unqualified")).weak());
            }
            None => {}
        }
    });
    if !form.to_patient {
        form.patient_may_not_reply = false;
    }
    ui.add_enabled(
        form.to_patient,
        egui::Checkbox::new(
            &mut form.patient_may_not_reply,
            i18n.tr("mss-form-no-reply"),
        ),
    );
}
