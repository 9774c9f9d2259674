//! The outbox screen without the workers: time left, stale answers, the commands a job
//! offers and the request each sends, Enter opening the document in its folder.

use std::path::Path;

use egui_kittest::kittest::Queryable;

use super::*;
use crate::domain::outbox::{AckKind, BusinessAck, OutboxRoute};
use crate::domain::{DocumentId, PatientId};
use crate::ui::Rights;

fn item(id: i64, state: OutboxState, final_failure: bool) -> OutboxItem {
    let now = Utc::now();
    OutboxItem {
        id: OutboxItemId(id),
        document: DocumentId(100 + id),
        patient: PatientId(7),
        patient_name: "PAT-TROIS Dominique".into(),
        title: format!("Lettre de liaison {id}"),
        action: OutboxAction::Feed,
        route: OutboxRoute::Dmp,
        state,
        final_failure,
        due_at: now + chrono::Duration::seconds(8 * 60 - 5),
        attempts: 0,
        reason: None,
        batch: None,
        created_by: "medecin".into(),
        updated_at: now,
        acks: Vec::new(),
    }
}

/// The screen in a harness; the requests it sends and whether it asked to open a document.
struct Screen {
    view: OutboxView,
    sent: Vec<Request>,
    opened: Option<DocumentId>,
}

fn harness(items: Vec<OutboxItem>) -> egui_kittest::Harness<'static, Screen> {
    let mut view = OutboxView::default();
    let _ = view.request();
    view.on_items(OutboxFilter::Pending, items);
    egui_kittest::Harness::builder()
        .with_size(egui::vec2(1280.0, 400.0))
        .build_ui_state(
            |ui, s: &mut Screen| {
                crate::ui::widgets::install_style(ui.ctx());
                let i18n = I18n::default();
                let ctx = ScreenCtx {
                    i18n: &i18n,
                    rights: Rights::default(),
                    sandbox: false,
                    data_dir: Path::new("."),
                    log_dir: None,
                    sandbox_ecps_url: None,
                    dark: false,
                };
                let mut commands = Vec::new();
                outbox_ui(ui, &ctx, &mut s.view, &mut commands);
                for command in commands {
                    match command {
                        Command::Send(request) => s.sent.push(request),
                        Command::OpenFolderDocument { document, .. } => s.opened = Some(document),
                        _ => {}
                    }
                }
            },
            Screen {
                view,
                sent: Vec::new(),
                opened: None,
            },
        )
}

#[test]
fn each_job_offers_the_commands_that_apply_and_sends_them() {
    let mut failed = item(2, OutboxState::Failed, false);
    failed.reason = Some("DMP indisponible (HTTP 503)".into());
    failed.attempts = 3;
    let mut sent = item(3, OutboxState::Acknowledged, false);
    sent.acks = vec![BusinessAck {
        kind: AckKind::DmpReceipt,
        ok: true,
        recipient: None,
        code: None,
        label: None,
        received_at: Utc::now(),
    }];
    let mut h = harness(vec![item(1, OutboxState::Waiting, false), failed, sent]);
    h.run();
    // Leaves in 8 minutes; tried again in 8 minutes.
    assert_eq!(h.query_all_by_label("dans 8 min").count(), 2);
    assert!(h.query_by_label("DMP ✔").is_some());
    assert!(h.query_by_label("DMP indisponible (HTTP 503)").is_some());
    // Waiting: hold or cancel; failed and retried later: hold, retry or cancel.
    assert_eq!(h.query_all_by_label("Suspendre").count(), 2);
    assert_eq!(h.query_all_by_label("Annuler").count(), 2);
    assert_eq!(h.query_all_by_label("Réessayer").count(), 1);
    assert!(h.query_by_label("Reprendre").is_none());
    h.get_by_label("Réessayer").click();
    h.run();
    assert!(matches!(
        h.state().sent.last(),
        Some(Request::OutboxCommand {
            item: OutboxItemId(2),
            command: OutboxCommand::Retry
        })
    ));
}

#[test]
fn enter_opens_the_selected_job_s_document_and_a_filter_asks_again() {
    let mut h = harness(vec![
        item(1, OutboxState::Waiting, false),
        item(2, OutboxState::Held, false),
    ]);
    h.run();
    h.key_press(egui::Key::ArrowDown);
    h.key_press(egui::Key::Enter);
    h.run();
    assert_eq!(h.state().opened, Some(DocumentId(102)));
    h.get_by_label("En échec").click();
    h.run_steps(2);
    assert!(matches!(
        h.state().sent.last(),
        Some(Request::Outbox {
            filter: OutboxFilter::Failed,
            patient: None
        })
    ));
}

#[test]
fn a_held_or_finally_failed_job_needs_a_person() {
    let items = [
        item(1, OutboxState::Waiting, false),
        item(2, OutboxState::Held, false),
        item(3, OutboxState::Failed, true),
        item(4, OutboxState::Failed, false),
    ];
    assert_eq!(attention(&items), 2);
}

#[test]
fn time_left_rounds_up_to_the_minute_and_shows_hours() {
    let now = Utc::now();
    assert_eq!(
        duration_text(now + chrono::Duration::seconds(7 * 60 + 1), now),
        "8 min"
    );
    assert_eq!(
        duration_text(now - chrono::Duration::seconds(30), now),
        "0 min"
    );
    assert_eq!(
        duration_text(now + chrono::Duration::minutes(125), now),
        "2 h 05"
    );
    let i18n = I18n::default();
    let due = now + chrono::Duration::minutes(8);
    assert_eq!(
        time_left_text(&i18n, OutboxState::Waiting, false, due, now).as_deref(),
        Some("dans 8 min")
    );
    assert!(time_left_text(&i18n, OutboxState::Failed, true, due, now).is_none());
    assert!(time_left_text(&i18n, OutboxState::Held, false, due, now).is_none());
}

#[test]
fn an_answer_for_another_filter_is_ignored() {
    let mut view = OutboxView::default();
    let _ = view.set_filter(OutboxFilter::Done);
    view.on_items(OutboxFilter::Pending, Vec::new());
    assert!(view.loading);
    view.on_items(OutboxFilter::Done, Vec::new());
    assert!(!view.loading);
}
