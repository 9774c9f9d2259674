//! The document list's state and table: version chains, history, DMP rows merged once.

use super::*;
use crate::domain::document::tests::doc;

fn chain_docs() -> Vec<DocumentSummary> {
    let mut v1 = doc(1, "CR", 3);
    v1.meta.set_id = "s".into();
    let mut v2 = doc(2, "CR", 4);
    v2.meta.set_id = "s".into();
    v2.meta.version_number = 2;
    let other = doc(3, "Lettre", 1);
    vec![v1, v2, other]
}

#[test]
fn a_chain_is_one_row_until_its_history_is_opened() {
    let mut s = DocumentListState::new(PatientId(1), chain_docs());
    assert_eq!(s.entries(), 2);
    assert_eq!(s.rows.len(), 2);
    assert_eq!(
        s.documents[s.rows[0].doc].reference.stored(),
        Some(DocumentId(2))
    );
    assert_eq!(s.rows[0].versions, 2);
    s.toggle_history(0);
    assert_eq!(s.rows.len(), 3);
    assert!(s.rows[1].older);
    assert_eq!(
        s.documents[s.rows[1].doc].reference.stored(),
        Some(DocumentId(1))
    );
    s.toggle_history(0);
    assert_eq!(s.rows.len(), 2);
}

#[test]
fn history_button_opens_the_older_versions() {
    use egui_kittest::kittest::Queryable;
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 400.0))
        .build_ui_state(
            |ui, state: &mut DocumentListState| {
                crate::ui::widgets::install_style(ui.ctx());
                let i18n = I18n::default();
                let mut commands = Vec::new();
                document_list_ui(ui, &i18n, state, Rights::default(), &mut commands);
            },
            DocumentListState::new(PatientId(1), chain_docs()),
        );
    h.run();
    h.get_by_label("v2 ▾").click();
    h.run();
    assert_eq!(h.state().rows.len(), 3);
}

fn dmp_row(unique_id: &str, invisible: bool) -> DmpDocument {
    let mut meta = doc(9, &format!("DMP {unique_id}"), 2).meta;
    meta.cda_id = unique_id.into();
    meta.set_id = unique_id.into();
    DmpDocument {
        patient: PatientId(1),
        entry: DmpEntry(format!("urn:uuid:{unique_id}")),
        unique_id: unique_id.into(),
        meta,
        created: None,
        visibility: crate::domain::Visibility {
            invisible_patient: invisible,
            ..Default::default()
        },
        archived: false,
        authored_here: false,
    }
}

/// Issue 6: DMP rows merge into the list once; integrated ones show as the folder's copy.
#[test]
fn issue6_dmp_rows_merge_once_and_filters_split_them() {
    let mut local = chain_docs();
    local[2].meta.cda_id = "dmp-1".into();
    let mut s = DocumentListState::new(PatientId(1), local.clone());
    s.set_dmp(vec![dmp_row("dmp-1", false), dmp_row("dmp-2", true)]);
    // All: two local chains + the one DMP row not integrated.
    assert_eq!(s.entries(), 3);
    assert_eq!(s.integrated_copy("dmp-1"), Some(DocumentId(3)));
    s.set_filter(ListFilter::Dmp);
    assert_eq!(s.entries(), 2);
    s.set_filter(ListFilter::Local);
    assert_eq!(s.entries(), 2);
    s.set_filter(ListFilter::All);
    // The same answer again changes nothing; a new local document is taken in.
    s.set_dmp(vec![dmp_row("dmp-1", false), dmp_row("dmp-2", true)]);
    assert_eq!(s.entries(), 3);
    let mut integrated = doc(4, "CR", 9);
    integrated.meta.cda_id = "dmp-2".into();
    local.push(integrated);
    s.set_local(local);
    assert_eq!(s.entries(), 3, "dmp-2 is now listed as the folder's copy");
    assert!(s.integrate_request().is_none(), "nothing left to integrate");
}

fn rights_to_feed() -> Rights {
    Rights {
        read_documents: true,
        feed_dmp: true,
        ..Rights::default()
    }
}

/// The history is sent for the ticked documents never sent; the batch's bar shows its
/// progress and goes when it ends.
#[test]
fn the_history_is_sent_for_the_ticked_documents_and_its_progress_shows() {
    use crate::domain::outbox::{BatchProgress, OutboxAction, OutboxItemId, OutboxState, Sharing};
    use egui_kittest::kittest::Queryable;
    let mut docs = chain_docs();
    docs[0].sharing = Some(Sharing {
        item: OutboxItemId(1),
        action: OutboxAction::Feed,
        state: OutboxState::Held,
        final_failure: false,
        due_at: chrono::Utc::now(),
        reason: Some("INS non qualifiée".into()),
    });
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 400.0))
        .build_ui_state(
            |ui, (state, sent): &mut (DocumentListState, Vec<Request>)| {
                crate::ui::widgets::install_style(ui.ctx());
                let i18n = I18n::default();
                let mut commands = Vec::new();
                document_list_ui(ui, &i18n, state, rights_to_feed(), &mut commands);
                sent.extend(commands.into_iter().filter_map(|c| match c {
                    Command::Send(r) => Some(r),
                    _ => None,
                }));
            },
            (DocumentListState::new(PatientId(1), docs), Vec::new()),
        );
    h.run();
    // Documents 2 (current of its chain) and 3 never sent; document 1 is held.
    assert_eq!(h.query_all_by_label("Non envoyé").count(), 2);
    h.get_by_label("Tout cocher").click();
    h.run();
    h.get_by_label("Envoyer l'historique au DMP (2)").click();
    h.run_steps(2);
    match h.state().1.last() {
        Some(Request::SendHistory { patient, documents }) => {
            assert_eq!(*patient, PatientId(1));
            assert_eq!(documents, &[DocumentId(2), DocumentId(3)]);
        }
        _ => panic!("SendHistory expected"),
    }
    let progress = BatchProgress {
        total: 40,
        sent: 12,
        failed: 1,
        cancelled: 0,
    };
    h.state_mut().0.on_batch_progress("h1".into(), progress);
    h.run_steps(2);
    assert!(
        h.query_by_label("Historique : 12/40 envoyés, 1 échec")
            .is_some()
    );
    h.get_by_label("Annuler l'envoi").click();
    h.run_steps(2);
    assert!(matches!(
        h.state().1.last(),
        Some(Request::CancelBatch { batch }) if batch == "h1"
    ));
    let done = BatchProgress {
        cancelled: 27,
        ..progress
    };
    h.state_mut().0.on_batch_progress("h1".into(), done);
    h.run_steps(2);
    assert!(h.query_by_label_contains("Historique : ").is_none());
}
