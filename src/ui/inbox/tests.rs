//! The inbox's state without the workers: the folder proposed for an item, the one key that
//! files it, the next item after filing, searches told apart from the patient list's, and
//! every text of the screen in both languages.

use super::reconcile::{channel_key, reason_key};
use super::*;
use crate::domain::{IdentityStatus, Sex};
use crate::i18n::{I18n, Language};
use crate::store::inbox::SentIdentity;
use crate::store::received::{Action, Channel};

fn item(id: i64, ins: Option<&str>) -> InboxRow {
    InboxRow {
        id,
        channel: Channel::Mssante,
        reason: "904".into(),
        title: format!("Compte rendu {id}"),
        identity: SentIdentity {
            ins: ins.map(str::to_owned),
            birth_name: Some("DUPONT".into()),
            given: Some("MARIE".into()),
            ..SentIdentity::default()
        },
        sender: "dr.x@medecin.mssante.fr".into(),
        subject: None,
        action: Action::New,
        received_at: "2026-12-05T10:42:00Z".into(),
    }
}

fn patient(id: i64, ins: Option<&str>) -> PatientRow {
    PatientRow {
        id: PatientId(id),
        display_name: format!("DUPONT Marie {id}"),
        birth_date: chrono::NaiveDate::from_ymd_opt(1980, 1, 1).expect("date"),
        sex: Sex::Female,
        ipp: id.to_string(),
        ins: ins.map(str::to_owned),
        status: IdentityStatus::Qualifiee,
    }
}

/// The state with two items, the first selected and its search answered with `rows`.
fn selected_with(rows: Vec<PatientRow>) -> InboxState {
    let mut state = InboxState::default();
    assert!(
        state
            .on_items(vec![item(1, Some("279035121518989")), item(2, None)])
            .is_empty()
    );
    let requests = state.select(0);
    assert!(matches!(requests[0], Request::OpenInboxItem { item: 1 }));
    let Request::SearchPatients { generation, query } = &requests[1] else {
        panic!("a patient search");
    };
    assert_eq!(query, "DUPONT MARIE");
    assert!(state.is_search(*generation));
    let total = rows.len();
    state.on_patients(*generation, SearchResult { rows, total });
    state
}

#[test]
fn issue14_the_folder_with_the_sent_ins_is_proposed_else_the_first() {
    let state = selected_with(vec![
        patient(10, None),
        patient(11, Some("279035121518989")),
    ]);
    assert_eq!(state.search.proposal(), Some(1));
    let state = selected_with(vec![patient(10, None), patient(11, Some("1"))]);
    assert_eq!(state.search.proposal(), Some(0));
    assert_eq!(selected_with(Vec::new()).search.proposal(), None);
}

#[test]
fn issue14_one_key_files_the_proposal_and_the_next_item_follows() {
    let mut state = selected_with(vec![
        patient(10, None),
        patient(11, Some("279035121518989")),
    ]);
    // The user picks another folder instead.
    state.search.chosen = Some(0);
    let Some(Request::FileInboxItem { item, patient }) = state.file_request() else {
        panic!("filed");
    };
    assert_eq!((item, patient), (1, PatientId(10)));
    assert!(state.file_request().is_none(), "sent once");
    let next = state.on_filed(1, PatientId(10), DocumentId(5));
    assert_eq!(state.filed.as_deref(), Some("DUPONT Marie 10"));
    assert_eq!(state.selected, Some(2));
    assert!(matches!(next[0], Request::OpenInboxItem { item: 2 }));
    assert!(state.previews(&DocumentRef::Received(2)));
    assert!(!state.previews(&DocumentRef::Received(1)));
}

#[test]
fn issue14_a_refused_item_gives_its_place_to_the_next() {
    let mut state = selected_with(vec![patient(10, None)]);
    assert!(matches!(
        state.refuse_request(),
        Some(Request::RefuseInboxItem { item: 1 })
    ));
    let requests = state.on_items(vec![item(2, None)]);
    assert_eq!(state.selected, Some(2));
    assert_eq!(requests.len(), 2);
}

#[test]
fn issue14_the_patient_list_searches_are_not_the_inbox_s() {
    let mut state = selected_with(vec![patient(10, None)]);
    assert!(!state.is_search(1));
    assert!(!state.is_search(0));
    // A stale answer of the inbox's own search is ignored.
    let old = state.search.generation;
    let _ = state.search.request();
    state.on_patients(
        old,
        SearchResult {
            rows: vec![patient(12, None)],
            total: 1,
        },
    );
    assert!(state.search.rows.iter().all(|r| r.id != PatientId(12)));
}

#[test]
fn issue14_every_text_of_the_screen_exists_in_both_languages() {
    let mut ids: Vec<&str> = [
        "900",
        "901",
        "902",
        "903",
        "904",
        "905",
        "906",
        "import",
        "import-integrity",
    ]
    .iter()
    .map(|c| reason_key(c))
    .collect();
    ids.extend(["mss", "hl7", "xdm"].iter().map(|c| channel_key(c)));
    let sources = [
        include_str!("mod.rs"),
        include_str!("reconcile.rs"),
        include_str!("received.rs"),
        include_str!("alerts.rs"),
        include_str!("tools.rs"),
        include_str!("../../app/intake.rs"),
        include_str!("../../app/layout.rs"),
        include_str!("../chrome.rs"),
        include_str!("../folder.rs"),
    ];
    let quoted: Vec<String> = sources
        .iter()
        .flat_map(|s| s.split('"').skip(1).step_by(2))
        .filter(|s| {
            ["inbox-", "menu-inbox", "folder-received"]
                .iter()
                .any(|p| s.starts_with(p))
        })
        .map(str::to_owned)
        .collect();
    ids.extend(quoted.iter().map(String::as_str));
    assert!(ids.len() > 40, "{}", ids.len());
    for lang in Language::ALL {
        let i18n = I18n::new(lang);
        let missing: Vec<_> = ids.iter().filter(|id| !i18n.has(id)).collect();
        assert!(missing.is_empty(), "{}: {missing:?}", lang.code());
    }
}

/// The alerts tab drawn with the rights of `role`; what a click on "Marquer comme traité" asks.
fn alerts_tab(role: crate::domain::Role, click: bool) -> (bool, Vec<Command>) {
    use egui_kittest::kittest::Queryable as _;
    let state = InboxState {
        tab: InboxTab::Alerts,
        ..InboxState::default()
    };
    let mut h = egui_kittest::Harness::builder()
        .with_size(egui::vec2(1200.0, 600.0))
        .build_ui_state(
            move |ui, (state, commands): &mut (InboxState, Vec<Command>)| {
                let i18n = I18n::new(Language::Fr);
                let ctx = ScreenCtx {
                    i18n: &i18n,
                    rights: crate::ui::Rights::of(role),
                    sandbox: false,
                    data_dir: std::path::Path::new("."),
                    log_dir: None,
                    sandbox_ecps_url: None,
                    dark: false,
                };
                crate::ui::widgets::install_style(ui.ctx());
                inbox_ui(ui, &ctx, state, None, commands);
            },
            (state, Vec::new()),
        );
    // The application's fonts (⚠) from the second frame on.
    h.run();
    h.state_mut().0.on_alerts(vec![AlertRow {
        id: 7,
        kind: crate::store::identity_alerts::AlertKind::InsTraitsDiffer,
        patient: Some((PatientId(3), "PAT-TROIS DOMINIQUE".into())),
        other: None,
        raised_at: "2026-12-05T10:42:00Z".into(),
    }]);
    h.run();
    assert!(
        h.query_by_label("⚠ INS connu, traits d'identité différents")
            .is_some()
    );
    assert!(h.query_by_label("PAT-TROIS DOMINIQUE").is_some());
    assert!(h.query_by_label("Identitovigilance (1)").is_some());
    let button = h.query_by_label("Marquer comme traité").is_some();
    if click && button {
        h.get_by_label("Marquer comme traité").click();
        h.run();
    }
    let (_, commands) = h.into_state();
    (button, commands)
}

#[test]
fn issue14_only_who_manages_identities_marks_an_alert_handled() {
    use crate::domain::Role;
    let (shown, commands) = alerts_tab(Role::Infirmier, false);
    assert!(!shown && commands.is_empty());
    let (shown, commands) = alerts_tab(Role::Secretaire, true);
    assert!(shown);
    assert!(matches!(
        commands.as_slice(),
        [Command::Send(Request::ResolveAlert { id: 7 })]
    ));
}
