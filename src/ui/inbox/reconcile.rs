//! The "À rapprocher" tab: the documents not filed automatically (received date, channel,
//! sender, subject, title, why), and for the one selected the identity its sender gave, the
//! patient search pre-filled from it with the folder proposed, "classer" (Enter) and
//! "refuser", beside the document itself. Arrow keys move through the items.

use egui::{Key, Modifiers, RichText};
use egui_extras::{Column, TableBuilder};
use fluent_bundle::FluentValue;

use super::{InboxState, PatientRow};
use crate::i18n::I18n;
use crate::ui::document::{DocumentState, document_preview_ui};
use crate::ui::widgets::{date_text, identity_badge_ui, local_time_text};
use crate::ui::{Command, ScreenCtx};
use crate::worker::{InboxRow, Request};

/// The words for a channel code (`mss`, `hl7`, `xdm`).
pub(super) fn channel_key(code: &str) -> &'static str {
    match code {
        "mss" => "inbox-channel-mss",
        "hl7" => "inbox-channel-hl7",
        _ => "inbox-channel-xdm",
    }
}

/// The words for why an item waits (the application error code, or the import's).
pub(super) fn reason_key(code: &str) -> &'static str {
    match code {
        "900" => "inbox-reason-900",
        "901" => "inbox-reason-901",
        "902" => "inbox-reason-902",
        "903" => "inbox-reason-903",
        "904" => "inbox-reason-904",
        "905" => "inbox-reason-905",
        "import" => "inbox-reason-import",
        "import-integrity" => "inbox-reason-import-integrity",
        _ => "inbox-reason-906",
    }
}

/// A reason that must catch the eye (the archive's content is not what its metadata say).
fn is_warning(code: &str) -> bool {
    code == "import-integrity"
}

pub(super) fn reconcile_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut InboxState,
    preview: Option<&mut DocumentState>,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    if let Some(name) = &state.filed {
        ui.colored_label(
            egui::Color32::from_rgb(0x1B, 0x7A, 0x36),
            i18n.tr_args("inbox-filed", &[("name", FluentValue::from(name.as_str()))]),
        );
    }
    if state.items.is_empty() {
        ui.label(i18n.tr("inbox-none"));
        return;
    }
    if state.selected.is_none() {
        let requests = state.select(0);
        send_selection(ctx, requests, commands);
    }
    keyboard(ui, ctx, state, commands);
    items_table_ui(ui, ctx, state, commands);
    ui.separator();
    let Some(item) = state.selected_item().cloned() else {
        return;
    };
    egui::Panel::left("inbox_item")
        .resizable(true)
        .default_size(410.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("inbox_item_scroll")
                .show(ui, |ui| item_ui(ui, ctx, state, &item, commands));
        });
    egui::CentralPanel::default().show(ui, |ui| match preview {
        Some(doc) => document_preview_ui(ui, ctx, doc, commands),
        None if ctx.rights.read_documents => {
            ui.spinner();
        }
        None => {
            ui.label(i18n.tr("folder-documents-forbidden"));
        }
    });
}

/// The requests of a new selection; the document is asked for only by who may read it.
fn send_selection(ctx: &ScreenCtx<'_>, requests: Vec<Request>, commands: &mut Vec<Command>) {
    commands.extend(
        requests
            .into_iter()
            .filter(|r| ctx.rights.read_documents || !matches!(r, Request::OpenInboxItem { .. }))
            .map(Command::Send),
    );
}

/// Arrows move through the items; Enter, when no field has the keyboard, files the selected
/// item in the proposed folder (a focused button takes Enter as its own click).
fn keyboard(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut InboxState,
    commands: &mut Vec<Command>,
) {
    if ui.ctx().text_edit_focused() {
        return;
    }
    let (down, up) = ui.input_mut(|i| {
        (
            i.count_and_consume_key(Modifiers::NONE, Key::ArrowDown),
            i.count_and_consume_key(Modifiers::NONE, Key::ArrowUp),
        )
    });
    if down + up > 0 {
        let current = state
            .selected
            .and_then(|id| state.items.iter().position(|i| i.id == id))
            .unwrap_or(0);
        let next = (current + down).saturating_sub(up);
        let requests = state.select(next);
        send_selection(ctx, requests, commands);
    }
    let nothing_focused = ui.memory(|m| m.focused()).is_none();
    if ctx.rights.read_documents
        && nothing_focused
        && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Enter))
        && let Some(request) = state.file_request()
    {
        commands.push(Command::Send(request));
    }
}

fn items_table_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut InboxState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    let mut clicked = None;
    let selected_index = state
        .selected
        .and_then(|id| state.items.iter().position(|i| i.id == id));
    ui.push_id("inbox_items", |ui| {
        ui.style_mut().interaction.selectable_labels = false;
        let mut table = TableBuilder::new(ui)
            .id_salt("inbox_items_table")
            .striped(true)
            .sense(egui::Sense::click())
            .max_scroll_height(150.0)
            .column(Column::exact(140.0))
            .column(Column::exact(80.0))
            .column(Column::initial(190.0).clip(true).resizable(true))
            .column(Column::initial(210.0).clip(true).resizable(true))
            .column(Column::initial(230.0).clip(true).resizable(true))
            .column(Column::remainder().at_least(160.0).clip(true));
        if state.scroll_to_selected
            && let Some(row) = selected_index
        {
            table = table.scroll_to_row(row, None);
            state.scroll_to_selected = false;
        }
        table
            .header(24.0, |mut header| {
                for id in [
                    "inbox-col-received",
                    "inbox-col-channel",
                    "inbox-col-sender",
                    "inbox-col-subject",
                    "inbox-col-title",
                    "inbox-col-reason",
                ] {
                    header.col(|ui| {
                        ui.strong(i18n.tr(id));
                    });
                }
            })
            .body(|body| {
                body.rows(24.0, state.items.len(), |mut row| {
                    let index = row.index();
                    let item = &state.items[index];
                    row.set_selected(selected_index == Some(index));
                    row.col(|ui| {
                        ui.label(local_time_text(&item.received_at));
                    });
                    row.col(|ui| {
                        ui.label(i18n.tr(channel_key(item.channel.code())));
                    });
                    row.col(|ui| {
                        ui.label(&item.sender);
                    });
                    row.col(|ui| {
                        ui.label(item.subject.as_deref().unwrap_or("—"));
                    });
                    row.col(|ui| {
                        ui.label(RichText::new(&item.title).strong());
                    });
                    row.col(|ui| {
                        reason_ui(ui, i18n, &item.reason);
                    });
                    if row.response().clicked() {
                        clicked = Some(index);
                    }
                });
            });
    });
    if let Some(index) = clicked {
        let requests = state.select(index);
        send_selection(ctx, requests, commands);
    }
}

fn reason_ui(ui: &mut egui::Ui, i18n: &I18n, code: &str) {
    let text = i18n.tr(reason_key(code));
    if is_warning(code) {
        ui.label(
            RichText::new(format!("⚠ {text}"))
                .color(ui.visuals().warn_fg_color)
                .strong(),
        );
    } else {
        ui.label(text);
    }
}

/// The selected item: why it waits, who the sender says it is about, the search and the
/// folder proposed, the decisions.
fn item_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    state: &mut InboxState,
    item: &InboxRow,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    ui.horizontal_wrapped(|ui| {
        ui.label(RichText::new(i18n.tr("inbox-reason")).strong());
        reason_ui(ui, i18n, &item.reason);
    });
    ui.add_space(4.0);
    ui.label(RichText::new(i18n.tr("inbox-sent-identity")).strong());
    let proposed = state
        .search
        .proposal()
        .and_then(|i| state.search.rows.get(i));
    sent_identity_ui(ui, i18n, item, proposed);
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        let label = ui.label(RichText::new(i18n.tr("inbox-search")).strong());
        let field = ui
            .add(egui::TextEdit::singleline(&mut state.search.query).desired_width(240.0))
            .labelled_by(label.id);
        if field.changed() {
            commands.push(Command::Send(state.search.request()));
        }
        if state.search.searching {
            ui.spinner();
        }
    });
    let proposal = state.search.proposal();
    if !state.search.searching {
        ui.label(
            RichText::new(i18n.tr_args(
                "patients-count",
                &[("count", FluentValue::from(state.search.total))],
            ))
            .small(),
        );
    }
    let mut picked = None;
    for (index, row) in state.search.rows.iter().enumerate().take(8) {
        let proposed = proposal == Some(index);
        ui.horizontal(|ui| {
            let text = format!(
                "{} · {} · {}",
                row.display_name,
                date_text(row.birth_date),
                row.ins.as_deref().unwrap_or("—")
            );
            if ui.selectable_label(proposed, text).clicked() {
                picked = Some(index);
            }
            identity_badge_ui(ui, i18n, row.status);
        });
    }
    if let Some(index) = picked {
        state.search.chosen = Some(index);
    }
    ui.add_space(8.0);
    let can_file = ctx.rights.read_documents;
    ui.horizontal_wrapped(|ui| {
        let name = proposal
            .and_then(|i| state.search.rows.get(i))
            .map(|r| r.display_name.clone());
        let filing = state.filing.is_some();
        if let Some(name) = name {
            let text = i18n.tr_args("inbox-file", &[("name", FluentValue::from(name))]);
            let button = egui::Button::new(RichText::new(text).strong())
                .fill(ui.visuals().selection.bg_fill);
            if ui
                .add_enabled(can_file && !filing, button)
                .on_hover_text(i18n.tr("inbox-file-help"))
                .clicked()
                && let Some(request) = state.file_request()
            {
                commands.push(Command::Send(request));
            }
        } else if !state.search.searching {
            ui.label(i18n.tr("inbox-no-proposal"));
        }
        if filing {
            ui.spinner();
        }
        if ui
            .add_enabled(
                can_file && state.refusing.is_none(),
                egui::Button::new(i18n.tr("inbox-refuse")),
            )
            .on_hover_text(i18n.tr("inbox-refuse-help"))
            .clicked()
            && let Some(request) = state.refuse_request()
        {
            commands.push(Command::Send(request));
        }
    });
}

/// The traits and identifiers the sender gave, as a grid; where the proposed folder says
/// otherwise (birth date, sex, INS), its value beside, to be checked before filing.
fn sent_identity_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    item: &InboxRow,
    proposed: Option<&PatientRow>,
) {
    let id = &item.identity;
    let birth = id.birth_date.as_deref().map(|d| {
        chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d").map_or_else(|_| d.to_owned(), date_text)
    });
    let in_folder = |sent: &Option<String>, folder: Option<String>| -> Option<String> {
        let folder = folder?;
        let differs = sent
            .as_deref()
            .is_none_or(|s| super::compact(s) != super::compact(&folder));
        differs.then_some(folder)
    };
    let lines = [
        ("inbox-id-birth-name", id.birth_name.clone(), None),
        ("inbox-id-given", id.given.clone(), None),
        (
            "inbox-id-birth-date",
            birth.clone(),
            in_folder(&birth, proposed.map(|p| date_text(p.birth_date))),
        ),
        (
            "inbox-id-sex",
            id.sex.clone(),
            in_folder(&id.sex, proposed.map(|p| p.sex.code().to_owned())),
        ),
        (
            "inbox-id-ins",
            id.ins.clone(),
            in_folder(&id.ins, proposed.and_then(|p| p.ins.clone())),
        ),
        ("inbox-id-ipp", id.ipp.clone(), None),
    ];
    egui::Grid::new("inbox_sent_identity")
        .num_columns(3)
        .spacing([12.0, 2.0])
        .show(ui, |ui| {
            for (key, value, differs) in lines {
                ui.label(i18n.tr(key));
                match value.filter(|v| !v.trim().is_empty()) {
                    Some(v) => ui.monospace(v),
                    None => ui.weak("—"),
                };
                if let Some(folder) = differs {
                    ui.label(
                        RichText::new(
                            i18n.tr_args(
                                "inbox-id-differs",
                                &[("value", FluentValue::from(folder))],
                            ),
                        )
                        .color(ui.visuals().warn_fg_color)
                        .strong(),
                    );
                }
                ui.end_row();
            }
        });
}
