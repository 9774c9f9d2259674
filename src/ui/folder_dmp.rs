//! The DMP in the patient folder: the badge beside the identity (no click needed), the count
//! of documents others added since the last visit, and the panel where the patient's
//! information and opposition are recorded for the episode in progress (with bris de glace
//! and its reason). When consultation is not allowed, an icon and the reason say why.

use egui::{Color32, RichText};
use fluent_bundle::FluentValue;

use super::Command;
use super::widgets::{badge_ui, date_text};
use crate::domain::consent::Information;
use crate::domain::dmp::{DmpBadge, PortalPage};
use crate::domain::{ConsentChange, EpisodeConsent, EpisodeId, PatientId};
use crate::i18n::I18n;
use crate::worker::{DmpFolderStatus, Request};

/// What the folder knows about the DMP.
#[derive(Debug, Default)]
pub struct FolderDmp {
    /// The episode in progress (where the record applies).
    episode: Option<EpisodeId>,
    consent: Option<EpisodeConsent>,
    /// `None` until the workers said something.
    status: Option<DmpFolderStatus>,
    /// New documents: count, invisible to the patient, since.
    new_documents: Option<(usize, usize, Option<chrono::NaiveDate>)>,
    /// The badge and count shown are the last known ones, of this time (UTC): the DMP is
    /// being asked again.
    known_at: Option<String>,
    form: ConsentForm,
}

/// The consent panel's fields.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ConsentForm {
    choice: Choice,
    opposes_feeding: bool,
    opposes_consultation: bool,
    reason: String,
    /// Why the last submission was refused (Fluent id).
    error: Option<&'static str>,
}

/// The radio buttons of the panel.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub enum Choice {
    #[default]
    NotInformed,
    InformedNotOpposed,
    InformedOpposed,
    BreakGlass,
}

impl ConsentForm {
    fn from_record(c: Option<&EpisodeConsent>) -> Self {
        let Some(c) = c else {
            return Self::default();
        };
        Self {
            choice: match (c.information, c.break_glass.is_some()) {
                (_, true) => Choice::BreakGlass,
                (Information::NotRecorded, false) => Choice::NotInformed,
                (Information::InformedNotOpposed, false) => Choice::InformedNotOpposed,
                (Information::InformedOpposed, false) => Choice::InformedOpposed,
            },
            opposes_feeding: c.opposes_feeding,
            opposes_consultation: c.opposes_consultation,
            reason: c
                .break_glass
                .as_ref()
                .map(|b| b.reason.clone())
                .unwrap_or_default(),
            error: None,
        }
    }

    fn change(&self) -> Result<ConsentChange, &'static str> {
        match self.choice {
            Choice::NotInformed => Ok(ConsentChange::not_informed()),
            Choice::InformedNotOpposed => Ok(ConsentChange::informed_not_opposed()),
            Choice::InformedOpposed => Ok(ConsentChange::informed_opposed(
                self.opposes_feeding,
                self.opposes_consultation,
            )),
            Choice::BreakGlass => {
                ConsentChange::break_glass(&self.reason).map_err(|e| e.message_id())
            }
        }
    }
}

impl FolderDmp {
    /// Applies `Event::DmpFolder`; the form follows the record.
    pub fn on_status(
        &mut self,
        episode: Option<EpisodeId>,
        consent: Option<EpisodeConsent>,
        status: DmpFolderStatus,
    ) {
        if self.consent != consent || self.episode != episode {
            self.form = ConsentForm::from_record(consent.as_ref());
        }
        self.episode = episode;
        self.consent = consent;
        if !matches!(
            status,
            DmpFolderStatus::Badge {
                badge: DmpBadge::Authorized,
                ..
            }
        ) {
            self.new_documents = None;
        }
        self.status = Some(status);
        self.known_at = None;
    }

    /// Applies `Event::DmpLastKnown`: what shows is the last known state, being refreshed.
    pub fn on_last_known(&mut self, seen_at: String) {
        self.known_at = Some(seen_at);
    }

    /// Applies `Event::DmpNewDocuments`.
    pub fn on_new_documents(
        &mut self,
        count: usize,
        invisible: usize,
        since: Option<chrono::NaiveDate>,
    ) {
        self.new_documents = Some((count, invisible, since));
    }

    /// Recording the information failed: the panel says why.
    pub fn on_record_failed(&mut self, message_id: &'static str) {
        self.form.error = Some(message_id);
    }

    /// The folder's DMP sequence failed before the DMP answered: the badge says so.
    pub fn on_refresh_failed(&mut self, message: &crate::worker::UserMessage) {
        self.status = Some(DmpFolderStatus::Failed(message.clone()));
    }
}

/// The badge beside the identity: the DMP's answer, or why nothing was asked.
pub fn dmp_badge_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    dmp: &FolderDmp,
    patient: PatientId,
    commands: &mut Vec<Command>,
) {
    let Some(status) = &dmp.status else {
        return;
    };
    match status {
        DmpFolderStatus::NotAllowed(reason) => {
            ui.label(RichText::new("✖").color(Color32::from_rgb(0xB0, 0x30, 0x30)))
                .on_hover_text(i18n.tr(reason.message_id()));
            ui.label(RichText::new(i18n.tr("dmp-not-consulted")).italics())
                .on_hover_text(i18n.tr(reason.message_id()));
        }
        DmpFolderStatus::NotConfigured => {
            ui.label(RichText::new(i18n.tr("dmp-not-configured")).italics());
        }
        DmpFolderStatus::NoIns => {
            ui.label(RichText::new(i18n.tr("dmp-no-ins")).italics());
        }
        DmpFolderStatus::NoProfessional => {
            ui.label(RichText::new(i18n.tr("dmp-no-professional")).italics());
        }
        DmpFolderStatus::Checking => {
            ui.spinner();
            ui.label(i18n.tr("dmp-checking"));
        }
        DmpFolderStatus::Badge {
            badge,
            break_glass,
            authorized_now,
        } => {
            let (key, colour) = badge_look(*badge);
            let response = badge_ui(ui, &i18n.tr(key), colour);
            if *authorized_now {
                response.on_hover_text(i18n.tr("dmp-badge-authorized-now"));
            }
            if *break_glass {
                badge_ui(
                    ui,
                    &i18n.tr("dmp-badge-break-glass"),
                    Color32::from_rgb(0xB0, 0x30, 0x30),
                );
            }
            if *badge == DmpBadge::Authorized && dmp.new_documents.is_none() {
                let count = ui
                    .small_button(i18n.tr("dmp-count-new"))
                    .on_hover_text(i18n.tr("dmp-count-new-help"));
                if count.clicked() {
                    commands.push(Command::Send(Request::RefreshDmp { patient }));
                }
            }
            if *badge == DmpBadge::Authorized {
                // Ctrl+P: the portal's summary; Ctrl+Shift+P: the vaccination note.
                // (The Shift one first: Ctrl+P also matches Ctrl+Shift+P logically.)
                let (vaccination_key, summary_key) = ui.input_mut(|i| {
                    (
                        i.consume_key(
                            egui::Modifiers::COMMAND | egui::Modifiers::SHIFT,
                            egui::Key::P,
                        ),
                        i.consume_key(egui::Modifiers::COMMAND, egui::Key::P),
                    )
                });
                for (page, key, hint, pressed) in [
                    (
                        PortalPage::Summary,
                        "dmp-portal-open",
                        "dmp-portal-open-key",
                        summary_key,
                    ),
                    (
                        PortalPage::VaccinationNote,
                        "dmp-portal-vaccination",
                        "dmp-portal-vaccination-key",
                        vaccination_key,
                    ),
                ] {
                    let button = ui.small_button(i18n.tr(key)).on_hover_text(i18n.tr(hint));
                    if button.clicked() || pressed {
                        commands.push(Command::Send(Request::OpenDmpPortal { patient, page }));
                    }
                }
            }
        }
        DmpFolderStatus::Failed(message) => {
            ui.colored_label(ui.visuals().error_fg_color, i18n.tr(message.id));
            if message.retryable && ui.button(i18n.tr("dmp-retry")).clicked() {
                commands.push(Command::Send(Request::RefreshDmp { patient }));
            }
        }
    }
}

fn badge_look(badge: DmpBadge) -> (&'static str, Color32) {
    match badge {
        DmpBadge::NoDmp => ("dmp-badge-no-dmp", Color32::from_rgb(0x6B, 0x6B, 0x6B)),
        DmpBadge::Closed => ("dmp-badge-closed", Color32::from_rgb(0x6B, 0x6B, 0x6B)),
        DmpBadge::Authorized => ("dmp-badge-authorized", Color32::from_rgb(0x1E, 0x7B, 0x34)),
        DmpBadge::BlockedThisProfessional => {
            ("dmp-badge-blocked", Color32::from_rgb(0xB0, 0x30, 0x30))
        }
        DmpBadge::PatientOpposed => ("dmp-badge-opposed", Color32::from_rgb(0xB0, 0x30, 0x30)),
        DmpBadge::NotAuthorized => (
            "dmp-badge-not-authorized",
            Color32::from_rgb(0xC0, 0x60, 0x00),
        ),
    }
}

/// "DMP : n nouveaux documents depuis le …" beside the document list's title.
/// Beside a badge that is the last known one: its age, while the DMP is asked again.
pub fn last_known_ui(ui: &mut egui::Ui, i18n: &I18n, dmp: &FolderDmp) {
    let Some(at) = &dmp.known_at else {
        return;
    };
    ui.spinner();
    ui.label(
        RichText::new(i18n.tr_args(
            "dmp-last-known",
            &[("at", FluentValue::from(super::widgets::local_time_text(at)))],
        ))
        .italics(),
    );
}

pub fn new_documents_ui(ui: &mut egui::Ui, i18n: &I18n, dmp: &FolderDmp) {
    let Some((count, invisible, since)) = dmp.new_documents else {
        return;
    };
    let text = match since {
        Some(date) => i18n.tr_args(
            "dmp-new-documents-since",
            &[
                ("count", FluentValue::from(count)),
                ("date", FluentValue::from(date_text(date))),
            ],
        ),
        None => i18n.tr_args("dmp-new-documents", &[("count", FluentValue::from(count))]),
    };
    ui.label(RichText::new(text).strong());
    if invisible > 0 {
        ui.label(i18n.tr_args(
            "dmp-new-documents-invisible",
            &[("count", FluentValue::from(invisible))],
        ));
    }
}

/// The patient's information and opposition for the episode in progress.
pub fn consent_ui(
    ui: &mut egui::Ui,
    i18n: &I18n,
    dmp: &mut FolderDmp,
    patient: PatientId,
    can_record: bool,
    commands: &mut Vec<Command>,
) {
    ui.heading(i18n.tr("dmp-consent-title"));
    ui.label(RichText::new(i18n.tr("dmp-traced-notice")).small().weak());
    let Some(episode) = dmp.episode else {
        ui.label(i18n.tr("dmp-consent-no-episode"));
        return;
    };
    if let Some(c) = &dmp.consent {
        ui.label(
            RichText::new(i18n.tr_args(
                "dmp-consent-recorded",
                &[
                    ("by", FluentValue::from(c.recorded_by.as_str())),
                    ("at", FluentValue::from(local_time_text(&c.recorded_at))),
                ],
            ))
            .small(),
        );
    }
    let form = &mut dmp.form;
    // Alt+1…4 pick a choice, Ctrl+S records it.
    let (picked, save_key) = ui.input_mut(|i| {
        let picked = [
            egui::Key::Num1,
            egui::Key::Num2,
            egui::Key::Num3,
            egui::Key::Num4,
        ]
        .into_iter()
        .position(|k| i.consume_key(egui::Modifiers::ALT, k));
        (
            picked,
            i.consume_key(egui::Modifiers::COMMAND, egui::Key::S),
        )
    });
    if can_record && let Some(n) = picked {
        form.choice = [
            Choice::NotInformed,
            Choice::InformedNotOpposed,
            Choice::InformedOpposed,
            Choice::BreakGlass,
        ][n];
    }
    ui.add_enabled_ui(can_record, |ui| {
        for (choice, key) in [
            (Choice::NotInformed, "dmp-consent-not-informed"),
            (
                Choice::InformedNotOpposed,
                "dmp-consent-informed-not-opposed",
            ),
            (Choice::InformedOpposed, "dmp-consent-informed-opposed"),
            (Choice::BreakGlass, "dmp-consent-break-glass"),
        ] {
            ui.radio_value(&mut form.choice, choice, i18n.tr(key));
        }
        if form.choice == Choice::InformedOpposed {
            ui.indent("oppositions", |ui| {
                ui.checkbox(
                    &mut form.opposes_feeding,
                    i18n.tr("dmp-consent-opposes-feeding"),
                );
                ui.checkbox(
                    &mut form.opposes_consultation,
                    i18n.tr("dmp-consent-opposes-consultation"),
                );
            });
        }
        if form.choice == Choice::BreakGlass {
            let label = ui.label(i18n.tr("dmp-break-glass-reason"));
            ui.add(
                egui::TextEdit::multiline(&mut form.reason)
                    .desired_rows(2)
                    .desired_width(f32::INFINITY),
            )
            .labelled_by(label.id);
        }
        let save = ui
            .button(i18n.tr("dmp-consent-save"))
            .on_hover_text(i18n.tr("dmp-consent-save-key"));
        if save.clicked() || (can_record && save_key) {
            match form.change() {
                Ok(change) => {
                    form.error = None;
                    commands.push(Command::Send(Request::RecordConsent {
                        patient,
                        episode,
                        change,
                    }));
                }
                Err(id) => form.error = Some(id),
            }
        }
    });
    if let Some(error) = form.error {
        ui.colored_label(ui.visuals().error_fg_color, i18n.tr(error));
    }
}

/// A store time (`2026-11-23T17:46:19Z`, UTC) as French users read it, in local time.
fn local_time_text(utc: &str) -> String {
    chrono::NaiveDateTime::parse_from_str(utc, "%Y-%m-%dT%H:%M:%SZ")
        .map(|t| {
            chrono::DateTime::<chrono::Utc>::from_naive_utc_and_offset(t, chrono::Utc)
                .with_timezone(&chrono::Local)
                .format("%d/%m/%Y %H:%M")
                .to_string()
        })
        .unwrap_or_else(|_| utc.to_owned())
}
