//! Local accounts on screen. "Comptes" (administrators, `admin`): the list with filters,
//! creating an account (its temporary password shown once), and for the selected one its
//! display name, role, enabled or not, lock, password and second factor reset; the export for
//! review. "Sécurité du compte" in the settings window (`security`): the user's own password
//! and second factor, whose QR code `qr` draws.

mod admin;
pub mod qr;
mod security;

pub use admin::accounts_ui;
pub use security::{AccountSecurityState, security_ui};

use zeroize::Zeroizing;

use crate::domain::Role;
use crate::worker::{AccountId, AccountRow, Operation};

/// Which accounts the list shows, besides the search text and the role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StateFilter {
    #[default]
    All,
    Active,
    Disabled,
    Locked,
    /// Enabled accounts without a second factor.
    NoSecondFactor,
}

impl StateFilter {
    pub const ALL: [Self; 5] = [
        Self::All,
        Self::Active,
        Self::Disabled,
        Self::Locked,
        Self::NoSecondFactor,
    ];

    pub fn label_key(self) -> &'static str {
        match self {
            Self::All => "accounts-filter-all",
            Self::Active => "accounts-filter-active",
            Self::Disabled => "accounts-filter-disabled",
            Self::Locked => "accounts-filter-locked",
            Self::NoSecondFactor => "accounts-filter-no-second-factor",
        }
    }

    fn keeps(self, row: &AccountRow) -> bool {
        match self {
            Self::All => true,
            Self::Active => row.active,
            Self::Disabled => !row.active,
            Self::Locked => row.locked_until.is_some(),
            Self::NoSecondFactor => row.active && !row.second_factor,
        }
    }
}

/// Text as the search compares it.
fn fold(text: &str) -> String {
    text.trim().to_lowercase()
}

/// A change that needs a second click to confirm.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Confirm {
    Disable,
    ResetPassword,
    ResetSecondFactor,
}

/// The administration screen's state.
#[derive(Default)]
pub struct AccountsView {
    rows: Vec<AccountRow>,
    /// The list arrived at least once.
    loaded: bool,
    search: String,
    role: Option<Role>,
    state: StateFilter,
    selected: Option<AccountId>,
    /// The selected account's display name, as edited.
    edit_name: String,
    edit_role: Option<Role>,
    confirm: Option<Confirm>,
    new_login: String,
    new_name: String,
    new_role: Option<Role>,
    /// A temporary password to hand over (login, password), shown until dismissed.
    temporary: Option<(String, Zeroizing<String>)>,
    exported: Option<std::path::PathBuf>,
    pending: bool,
    error: Option<&'static str>,
}

impl AccountsView {
    /// The accounts that pass the filters.
    pub fn visible(&self) -> impl Iterator<Item = &AccountRow> {
        let search = fold(&self.search);
        self.rows.iter().filter(move |r| {
            self.role.is_none_or(|role| r.role == role)
                && self.state.keeps(r)
                && (search.is_empty()
                    || fold(&r.login).contains(&search)
                    || fold(&r.display_name).contains(&search))
        })
    }

    fn selected_row(&self) -> Option<&AccountRow> {
        self.rows.iter().find(|r| Some(r.id) == self.selected)
    }

    /// The screen shows: its list is asked for. A new account's role starts at the least
    /// privileged one; the administrator raises it.
    pub fn on_shown(&mut self) {
        self.pending = true;
        self.error = None;
        self.new_role.get_or_insert(Role::Secretaire);
    }

    /// `Event::Accounts`.
    pub fn on_accounts(&mut self, rows: Vec<AccountRow>) {
        self.rows = rows;
        self.loaded = true;
        self.pending = false;
        self.confirm = None;
        self.load_selected();
    }

    /// The selected account's name and role into the edit fields.
    fn load_selected(&mut self) {
        if let Some((name, role)) = self
            .selected_row()
            .map(|row| (row.display_name.clone(), row.role))
        {
            self.edit_name = name;
            self.edit_role = Some(role);
        }
    }

    /// `Event::TemporaryPassword`.
    pub fn on_temporary_password(&mut self, login: String, password: Zeroizing<String>) {
        self.temporary = Some((login, password));
        self.new_login.clear();
        self.new_name.clear();
    }

    /// `Event::AccountsExported`.
    pub fn on_exported(&mut self, path: std::path::PathBuf) {
        self.pending = false;
        self.exported = Some(path);
    }

    /// A request of this screen failed; `true` when it was one.
    pub fn on_failed(&mut self, operation: Operation, message_id: &'static str) -> bool {
        use Operation as O;
        if !matches!(
            operation,
            O::Accounts | O::CreateAccount | O::ChangeAccount | O::ExportAccounts
        ) {
            return false;
        }
        self.pending = false;
        self.confirm = None;
        self.error = Some(message_id);
        true
    }

    /// Signed out: nothing of the accounts stays.
    pub fn on_logged_out(&mut self) {
        *self = Self::default();
    }
}
