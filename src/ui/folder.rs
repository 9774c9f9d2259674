//! The patient folder: the identity banner with the INS status badge, "Rechercher l'INS" and
//! the identity panel (`identity`), and the DMP badge (visible without a click), the care
//! episodes with the patient's information and opposition for the DMP (`folder_dmp`), and the
//! document list (`document_list`).

use egui::RichText;
use fluent_bundle::FluentValue;

use super::document_list::{DocumentListState, document_list_ui};
use super::folder_dmp::{FolderDmp, consent_ui, dmp_badge_ui, last_known_ui, new_documents_ui};
use super::identity::{IdentityPanel, banner_buttons_ui, identity_panel_ui};
use super::produce::ProduceState;
use super::widgets::{age_years, badge_ui, date_text, datetime_text, identity_badge_ui};
use super::{Command, ScreenCtx};
use crate::domain::dmp::{DmpDocument, DmpEntry};
use crate::domain::outbox::BatchProgress;
use crate::domain::{
    DocumentSummary, Episode, EpisodeConsent, EpisodeId, InsOid, Patient, PatientId,
};
use crate::i18n::I18n;
use crate::worker::{
    AlertRow, DmpFolderStatus, IdentityHistoryEntry, InsSearchOutcome, Operation, Request,
    UserMessage,
};

/// A loaded folder.
pub struct FolderState {
    patient: Patient,
    episodes: Vec<Episode>,
    documents: DocumentListState,
    dmp: FolderDmp,
    /// Degraded mode: the folder shows the cache's copy of this time (UTC, ISO 8601).
    cached_at: Option<String>,
    /// Received documents of this folder not opened yet.
    received_unseen: usize,
    /// The identity panel (identity vigilance), opened from the banner.
    identity: IdentityPanel,
}

impl FolderState {
    pub fn new(patient: Patient, episodes: Vec<Episode>, documents: Vec<DocumentSummary>) -> Self {
        Self {
            documents: DocumentListState::new(patient.id, documents),
            patient,
            episodes,
            dmp: FolderDmp::default(),
            cached_at: None,
            received_unseen: 0,
            identity: IdentityPanel::default(),
        }
    }

    /// `Event::InsSearched`.
    pub fn on_ins_searched(&mut self, outcome: InsSearchOutcome) {
        self.identity.on_ins_searched(outcome);
    }

    /// `Event::IdentityUpdated`: the banner shows the identity as it is now, the panel its
    /// history.
    pub fn on_identity_updated(
        &mut self,
        patient: Patient,
        history: Vec<IdentityHistoryEntry>,
        notice: Option<&'static str>,
    ) {
        if patient.id == self.patient.id {
            self.patient = patient;
            self.identity.on_updated(history, notice);
        }
    }

    /// The same patient's folder read again: its identity panel stays as it was.
    pub fn keep_identity_panel(&mut self, previous: &mut FolderState) {
        if previous.patient.id == self.patient.id {
            std::mem::swap(&mut self.identity, &mut previous.identity);
        }
    }

    /// `Event::IdentityAlerts`: the panel keeps this patient's.
    pub fn on_identity_alerts(&mut self, rows: &[AlertRow]) {
        self.identity.on_alerts(self.patient.id, rows);
    }

    pub fn patient_id(&self) -> PatientId {
        self.patient.id
    }

    /// The production form for this patient.
    pub fn production(&self) -> ProduceState {
        let p = &self.patient;
        ProduceState::new(
            p.id,
            p.display_name(),
            self.episodes.clone(),
            p.identity.status.ins_usable() && p.identity.ins.is_some(),
        )
    }

    /// After a consultation d'annonce report: ask the DMP and offer the worklist.
    pub fn offer_worklist(&mut self) -> Request {
        self.documents.offer_worklist()
    }

    /// `Event::DmpFolder`.
    pub fn on_dmp_status(
        &mut self,
        episode: Option<EpisodeId>,
        consent: Option<EpisodeConsent>,
        status: DmpFolderStatus,
    ) {
        self.dmp.on_status(episode, consent, status);
    }

    /// `Event::DmpLastKnown`.
    pub fn on_dmp_last_known(&mut self, seen_at: String) {
        self.dmp.on_last_known(seen_at);
    }

    /// `Event::DmpNewDocuments`.
    pub fn on_dmp_new_documents(
        &mut self,
        count: usize,
        invisible: usize,
        since: Option<chrono::NaiveDate>,
    ) {
        self.dmp.on_new_documents(count, invisible, since);
    }

    /// `Event::DmpDocuments`.
    pub fn on_dmp_documents(&mut self, documents: Vec<DmpDocument>) {
        self.documents.set_dmp(documents);
    }

    /// `Event::BatchProgress` for this folder: its list shows where the batch stands.
    pub fn on_batch_progress(&mut self, batch: String, progress: BatchProgress) {
        self.documents.on_batch_progress(batch, progress);
    }

    /// `Event::DmpDocumentsFailed`.
    pub fn on_dmp_documents_failed(&mut self, message: UserMessage) {
        self.documents.dmp_failed(message);
    }

    /// `Event::ReceivedBadge`: how many received documents of the folder are not opened yet
    /// (ignored when about another folder).
    pub fn on_received_badge(&mut self, patient: PatientId, unseen: usize) {
        if patient == self.patient.id {
            self.received_unseen = unseen;
        }
    }

    /// `Event::FolderCopy`: this is the cache's copy (degraded mode).
    pub fn on_cached_copy(&mut self, cached_at: String) {
        self.cached_at = Some(cached_at);
    }

    /// `Event::FolderRefreshed`: another workstation changed this folder.
    pub fn on_refreshed(
        &mut self,
        identity: Option<(Patient, Vec<Episode>)>,
        documents: Option<Vec<DocumentSummary>>,
    ) {
        if let Some((patient, episodes)) = identity {
            self.patient = patient;
            self.episodes = episodes;
        }
        if let Some(documents) = documents {
            self.documents.set_local(documents);
        }
    }

    /// `Event::DmpIntegrated`: the folder's documents as they are now.
    pub fn on_dmp_integrated(&mut self, documents: Vec<DocumentSummary>) {
        self.documents.set_local(documents);
        self.documents.clear_dmp_selection();
    }

    /// `Event::DmpVisibilityChanged`.
    pub fn on_dmp_visibility_changed(
        &mut self,
        previous: &DmpEntry,
        document: DmpDocument,
        documents: Vec<DocumentSummary>,
    ) {
        self.documents.set_local(documents);
        self.documents.replace_dmp_row(previous, document);
    }

    /// A document asked from this folder is on screen (or could not be opened).
    pub fn on_document_opened(&mut self) {
        self.documents.opened();
    }

    /// A request failed; only what it was doing shows the failure.
    pub fn on_failed(&mut self, operation: Operation, message: &UserMessage) {
        if self.identity.on_failed(operation, message) {
            return;
        }
        match operation {
            Operation::RecordConsent => self.dmp.on_record_failed(message.id),
            Operation::RefreshDmp => {
                self.dmp.on_refresh_failed(message);
                self.documents.dmp_list_failed(message);
            }
            Operation::SearchDmp => self.documents.dmp_list_failed(message),
            Operation::OpenDocument => self.documents.opened(),
            _ => self.documents.on_sharing_failed(operation),
        }
    }
}

pub fn folder_ui(
    ui: &mut egui::Ui,
    ctx: &ScreenCtx<'_>,
    folder: &mut FolderState,
    commands: &mut Vec<Command>,
) {
    let i18n = ctx.i18n;
    let rights = ctx.rights;
    let patient = folder.patient.id;
    if ui.input_mut(|i| i.consume_key(egui::Modifiers::COMMAND, egui::Key::R)) {
        commands.push(Command::Send(Request::RefreshDmp { patient }));
    }
    let mut identity_commands = Vec::new();
    let beside_ins_ui = |ui: &mut egui::Ui| {
        banner_buttons_ui(
            ui,
            ctx,
            &mut folder.identity,
            patient,
            &mut identity_commands,
        );
    };
    identity_banner_ui(ui, i18n, &folder.patient, beside_ins_ui, |ui| {
        dmp_badge_ui(ui, i18n, &folder.dmp, patient, commands);
        last_known_ui(ui, i18n, &folder.dmp);
        if folder.received_unseen > 0 {
            badge_ui(
                ui,
                &i18n.tr_args(
                    "folder-received-unseen",
                    &[("count", FluentValue::from(folder.received_unseen))],
                ),
                super::inbox::NEW_COLOUR,
            )
            .on_hover_text(i18n.tr("folder-received-unseen-help"));
        }
    });
    commands.append(&mut identity_commands);
    identity_panel_ui(ui, ctx, &mut folder.identity, &folder.patient, commands);
    if let Some(at) = &folder.cached_at {
        let when = super::widgets::local_time_text(at);
        ui.colored_label(
            ui.visuals().warn_fg_color,
            i18n.tr_args("folder-cached-copy", &[("at", FluentValue::from(when))]),
        );
    }
    ui.add_space(6.0);
    egui::Panel::left("episodes")
        .resizable(true)
        .default_size(260.0)
        .show(ui, |ui| {
            egui::ScrollArea::vertical()
                .id_salt("episodes_scroll")
                .show(ui, |ui| {
                    consent_ui(
                        ui,
                        i18n,
                        &mut folder.dmp,
                        patient,
                        rights.record_consent,
                        commands,
                    );
                    ui.separator();
                    episodes_ui(ui, i18n, &folder.episodes);
                });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        ui.horizontal(|ui| {
            if rights.produce_documents && ui.button(i18n.tr("produce-start")).clicked() {
                commands.push(Command::StartProduction);
            }
            if rights.manage_accounts
                && ui
                    .button(i18n.tr("portability-export-folder"))
                    .on_hover_text(i18n.tr("portability-export-folder-help"))
                    .clicked()
            {
                commands.push(Command::Send(Request::ExportFolder { patient }));
            }
            new_documents_ui(ui, i18n, &folder.dmp);
        });
        if rights.read_documents {
            document_list_ui(ui, i18n, &mut folder.documents, rights, commands);
        } else {
            ui.heading(i18n.tr("folder-documents"));
            ui.label(i18n.tr("folder-documents-forbidden"));
        }
    });
}

fn identity_banner_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    p: &Patient,
    beside_ins_ui: impl FnOnce(&mut egui::Ui),
    beside_identity_ui: impl FnOnce(&mut egui::Ui),
) {
    egui::Frame::group(ui.style())
        .fill(ui.visuals().faint_bg_color)
        .show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.heading(RichText::new(p.display_name()).strong());
                identity_badge_ui(ui, i18n, p.identity.status);
                if !p.identity.status.ins_usable() {
                    ui.label(RichText::new(i18n.tr("folder-ins-not-usable")).italics());
                }
                ui.separator();
                beside_identity_ui(ui);
            });
            ui.horizontal_wrapped(|ui| {
                let today = chrono::Local::now().date_naive();
                ui.label(i18n.tr_args(
                    "folder-born",
                    &[
                        (
                            "date",
                            FluentValue::from(date_text(p.identity.traits.birth_date)),
                        ),
                        (
                            "years",
                            FluentValue::from(age_years(p.identity.traits.birth_date, today)),
                        ),
                    ],
                ));
                ui.separator();
                ui.label(i18n.tr(p.identity.traits.sex.label_key()));
                ui.separator();
                ui.label(format!(
                    "{} : {}",
                    i18n.tr("folder-birth-first-names"),
                    p.identity.traits.birth_first_names
                ));
                if let Some(place) = &p.identity.traits.birthplace_insee {
                    ui.separator();
                    ui.label(format!("{} : {place}", i18n.tr("folder-birthplace")));
                }
                ui.separator();
                ui.label(format!("{} : {}", i18n.tr("folder-ipp"), p.identity.ipp));
                ui.separator();
                match &p.identity.ins {
                    Some(ins) => {
                        ui.label(format!(
                            "{} : {} ({})",
                            i18n.tr("folder-ins"),
                            ins.matricule.grouped(),
                            i18n.tr(ins_kind_key(ins.oid))
                        ));
                    }
                    None => {
                        ui.label(format!(
                            "{} : {}",
                            i18n.tr("folder-ins"),
                            i18n.tr("folder-no-ins")
                        ));
                    }
                }
                beside_ins_ui(ui);
            });
        });
}

fn ins_kind_key(oid: InsOid) -> &'static str {
    match oid {
        InsOid::Nir => "folder-ins-nir",
        InsOid::Nia => "folder-ins-nia",
        InsOid::TestNir => "folder-ins-test",
        InsOid::DemoNir => "folder-ins-demo",
    }
}

fn episodes_ui(ui: &mut egui::Ui, i18n: &I18n, episodes: &[Episode]) {
    ui.heading(i18n.tr("folder-episodes"));
    if episodes.is_empty() {
        ui.label(i18n.tr("folder-no-episodes"));
    }
    for e in episodes {
        egui::Frame::group(ui.style()).show(ui, |ui| {
            ui.set_width(ui.available_width());
            ui.horizontal(|ui| {
                ui.label(RichText::new(i18n.tr(e.kind.label_key())).strong());
                if e.is_open() {
                    badge_ui(
                        ui,
                        &i18n.tr("folder-episode-open"),
                        egui::Color32::from_rgb(0x1F, 0x5F, 0xA8),
                    );
                }
            });
            let end = e
                .end
                .map(datetime_text)
                .unwrap_or_else(|| i18n.tr("folder-episode-ongoing"));
            ui.label(format!("{} → {end}", datetime_text(e.start)));
            ui.label(&e.unit);
            ui.label(
                RichText::new(i18n.tr_args(
                    "folder-episode-finess",
                    &[("finess", FluentValue::from(e.finess_geo.as_str()))],
                ))
                .small(),
            );
        });
    }
}
