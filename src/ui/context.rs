//! What every screen may read besides its own state, handed down by the app each frame: the
//! language bundle, the session's rights (computed once at sign-in), how Chevet was started,
//! and the app-wide facts a few screens show (the store's state, notices, long tasks).

use std::path::Path;

use crate::domain::{Right, Role};
use crate::i18n::I18n;
use crate::worker::{StoreInfo, TaskId};

/// What the signed-in user may do, as the screens ask it. All false without a session.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Rights {
    /// A session is open (whatever its role).
    pub signed_in: bool,
    /// Open folders and search the directory.
    pub open_folder: bool,
    pub read_documents: bool,
    pub produce_documents: bool,
    pub consult_dmp: bool,
    /// Send documents to the DMP and act on the outbox's jobs.
    pub feed_dmp: bool,
    pub change_dmp_visibility: bool,
    pub record_consent: bool,
    pub read_audit: bool,
    pub change_settings: bool,
    pub manage_accounts: bool,
    /// Correct identities (identity vigilance).
    pub manage_identity: bool,
    /// Look the INS up with INSi, record a document checked, put an identity in doubt.
    pub verify_identity: bool,
    /// See and export the usage indicators.
    pub export_indicators: bool,
}

impl Rights {
    pub fn of(role: Role) -> Self {
        Self {
            signed_in: true,
            open_folder: role.has(Right::OpenFolder),
            read_documents: role.has(Right::ReadDocuments),
            produce_documents: role.has(Right::ProduceDocuments),
            consult_dmp: role.has(Right::ConsultDmp),
            feed_dmp: role.has(Right::FeedDmp),
            change_dmp_visibility: role.has(Right::ChangeDmpVisibility),
            record_consent: role.has(Right::RecordConsent),
            read_audit: role.has(Right::ReadAudit),
            change_settings: role.has(Right::ChangeSettings),
            manage_accounts: role.has(Right::ManageAccounts),
            manage_identity: role.has(Right::ManageIdentity),
            verify_identity: role.has(Right::VerifyIdentity),
            export_indicators: role.has(Right::ExportIndicators),
        }
    }
}

/// The narrow context a screen is drawn with.
#[derive(Clone, Copy)]
pub struct ScreenCtx<'a> {
    pub i18n: &'a I18n,
    pub rights: Rights,
    /// Started on the sandbox (simulated services, demo data).
    pub sandbox: bool,
    pub data_dir: &'a Path,
    pub log_dir: Option<&'a Path>,
    /// The sandbox e-CPS page (approves CIBA requests), in sandbox mode.
    pub sandbox_ecps_url: Option<&'a str>,
    /// Dark visuals.
    pub dark: bool,
}

/// State of the encrypted store as the UI knows it.
#[derive(Debug, Clone)]
pub enum StoreStatus {
    Opening,
    Ready(StoreInfo),
    Failed(&'static str),
}

/// A long task the status bar shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaskProgress {
    pub task: TaskId,
    pub done: usize,
    pub total: usize,
    pub cancellable: bool,
}

/// How serious a notice is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeLevel {
    Info,
    Warning,
    Error,
}

/// A message for the user (Fluent id), shown until dismissed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub id: &'static str,
    pub level: NoticeLevel,
}
