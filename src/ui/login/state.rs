//! The login and lock screens' state: the chosen way in, the fields typed (secrets cleared as
//! soon as they are sent or refused), the external login under way, the card reader, the
//! local sign-in's second step (the second factor, or the password changed at first use), and
//! the transitions the identity events make.

use zeroize::Zeroizing;

use crate::domain::Role;
use crate::ui::Command;
use crate::worker::{CardStatus, Operation, PinOutcome, ProviderInfo, Request, StoreInfo, TaskId};

/// A demo account the sandbox login screen lists: login, password, role.
pub type DemoLogin = (String, String, Role);

/// The ways in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum LoginTab {
    /// Pro Santé Connect and the other OpenID providers.
    #[default]
    Provider,
    Card,
    Password,
}

/// An external login under way.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExternalFlow {
    /// The system browser shows the provider's page.
    Browser {
        task: TaskId,
        provider: String,
        /// The browser was opened.
        waiting: bool,
    },
    /// CIBA: approve on the e-CPS.
    Ciba {
        task: TaskId,
        binding_message: Option<String>,
        seconds_left: Option<u64>,
    },
    /// Several activities: pick one.
    ChooseActivity { activities: Vec<String> },
    /// First login: link to a local account or create one.
    Link {
        display_name: String,
        suggested_login: Option<String>,
        can_create: bool,
        /// The administrator was asked.
        requested: bool,
    },
}

/// The second step of a local sign-in, once the password was right.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LocalStep {
    /// The code of the authenticator application, or (`recovery`) a recovery code.
    SecondFactor { recovery: bool },
    /// The password was chosen by someone else: the user chooses theirs.
    ChangePassword,
}

/// The message the workers answer a right password with when a second factor is needed.
pub const SECOND_FACTOR_REQUIRED: &str = "login-second-factor-required";
/// The message the workers answer a right password with when it must be changed.
pub const PASSWORD_CHANGE_REQUIRED: &str = "login-password-change-required";

/// What the login and lock screens hold between frames.
#[derive(Default)]
pub struct LoginState {
    pub(in crate::ui) tab: LoginTab,
    /// The OpenID providers configured.
    pub(in crate::ui) providers: Vec<ProviderInfo>,
    /// A virtual card can be inserted (sandbox).
    pub(in crate::ui) virtual_card: bool,
    pub(in crate::ui) flow: Option<ExternalFlow>,
    /// National id typed for CIBA (prefilled from the card).
    pub(in crate::ui) ciba_national_id: String,
    pub(in crate::ui) pin: Zeroizing<String>,
    pub(in crate::ui) pin_outcome: Option<PinOutcome>,
    /// Give the PIN field the focus at the next frame.
    pub(in crate::ui) pin_focus: bool,
    /// What the card reader shows.
    pub(in crate::ui) card: Option<CardStatus>,
    pub(in crate::ui) login: String,
    pub(in crate::ui) password: Zeroizing<String>,
    /// First-administrator form.
    pub(in crate::ui) first_admin: bool,
    pub(in crate::ui) display_name: String,
    pub(in crate::ui) password_confirm: Zeroizing<String>,
    /// Fluent id of the last error.
    pub(in crate::ui) error: Option<&'static str>,
    /// A request is on its way.
    pub(in crate::ui) pending: bool,
    /// The identifier field already got the keyboard focus once.
    pub(in crate::ui) focused_once: bool,
    /// The sandbox's demo accounts, listed under the form.
    pub(in crate::ui) demo_accounts: Vec<DemoLogin>,
    /// The local sign-in's second step under way (the password typed stays until it ends).
    pub(in crate::ui) local_step: Option<LocalStep>,
    /// The second factor typed: six digits, or a recovery code.
    pub(in crate::ui) code: Zeroizing<String>,
    /// The password chosen at first use (confirmed in `password_confirm`).
    pub(in crate::ui) new_password: Zeroizing<String>,
}

impl LoginState {
    /// The login screen, listing these demo accounts (the sandbox's; none in production).
    pub fn new(demo_accounts: Vec<DemoLogin>) -> Self {
        Self {
            demo_accounts,
            ..Self::default()
        }
    }

    pub(in crate::ui) fn clear_secrets(&mut self) {
        self.pin = Zeroizing::new(String::new());
        self.password = Zeroizing::new(String::new());
        self.password_confirm = Zeroizing::new(String::new());
        self.code = Zeroizing::new(String::new());
        self.new_password = Zeroizing::new(String::new());
    }

    /// Leaves the local sign-in's second step (back to the login and password).
    pub(in crate::ui) fn cancel_local_step(&mut self) {
        self.local_step = None;
        self.pending = false;
        self.error = None;
        self.clear_secrets();
    }

    /// What the card reader shows now.
    pub fn card(&self) -> Option<&CardStatus> {
        self.card.as_ref()
    }

    /// Sends a sign-in request; the form waits for its answer.
    pub(in crate::ui) fn sign_in(&mut self, request: Request) -> Command {
        self.pending = true;
        self.error = None;
        Command::Send(request)
    }

    /// Starts an OpenID login: in the browser, or by CIBA with this national id.
    pub(in crate::ui) fn provider_login(
        &mut self,
        provider: String,
        ciba: Option<String>,
    ) -> Command {
        let task = TaskId::next();
        self.error = None;
        self.pending = true;
        match ciba {
            Some(national_id) => {
                self.flow = Some(ExternalFlow::Ciba {
                    task,
                    binding_message: None,
                    seconds_left: None,
                });
                Command::Send(Request::CibaLogin {
                    task,
                    provider,
                    national_id,
                })
            }
            None => {
                self.flow = Some(ExternalFlow::Browser {
                    task,
                    provider: provider.clone(),
                    waiting: false,
                });
                Command::Send(Request::ProviderLogin { task, provider })
            }
        }
    }

    /// Cancels the external login under way.
    pub(in crate::ui) fn cancel_login(&mut self) -> Option<Command> {
        let command = match self.flow.take() {
            Some(ExternalFlow::Browser { task, .. } | ExternalFlow::Ciba { task, .. }) => {
                Some(Command::Send(Request::Cancel { task }))
            }
            Some(_) => Some(Command::Send(Request::AbandonLogin)),
            None => None,
        };
        self.pending = false;
        self.clear_secrets();
        command
    }

    /// Sends the PIN typed on the login or lock screen.
    pub(in crate::ui) fn submit_pin(&mut self) -> Command {
        self.pending = true;
        self.error = None;
        self.pin_outcome = None;
        let pin = std::mem::take(&mut self.pin);
        Command::Send(Request::CardPin { pin })
    }

    /// The store is open: first administrator to create, providers, virtual card.
    pub fn on_store_ready(&mut self, info: &StoreInfo) {
        self.first_admin = info.accounts == Some(0);
        self.providers.clone_from(&info.providers);
        if info.providers.is_empty() {
            self.tab = LoginTab::Password;
        }
        self.virtual_card = info.virtual_card;
    }

    /// Signed in: nothing typed stays.
    pub fn on_logged_in(&mut self) {
        self.flow = None;
        self.local_step = None;
        self.pin_outcome = None;
        self.clear_secrets();
        self.error = None;
        self.pending = false;
    }

    /// Signed out: back to an empty form.
    pub fn on_logged_out(&mut self) {
        self.flow = None;
        self.local_step = None;
        self.clear_secrets();
        self.pending = false;
        self.focused_once = false;
    }

    /// The session locked: the unlock forms start empty.
    pub fn on_locked(&mut self) {
        self.clear_secrets();
        self.pin_outcome = None;
        self.error = None;
    }

    /// The locked session is open again.
    pub fn on_unlocked(&mut self) {
        self.local_step = None;
        self.pending = false;
        self.flow = None;
        self.clear_secrets();
    }

    /// The card reader changed; `pin_wanted`: the PIN field takes the focus (on the card tab
    /// when `to_card_tab`).
    pub fn on_card(&mut self, status: CardStatus, pin_wanted: bool, to_card_tab: bool) {
        self.card = Some(status);
        self.pin_outcome = None;
        if to_card_tab {
            self.tab = LoginTab::Card;
        }
        if pin_wanted {
            self.pin_focus = true;
        }
    }

    pub fn on_pin_refused(&mut self, outcome: PinOutcome) {
        self.pending = false;
        self.clear_secrets();
        self.pin_outcome = Some(outcome);
        self.pin_focus = true;
    }

    pub fn on_browser_waiting(&mut self, task: TaskId) {
        if let Some(ExternalFlow::Browser {
            task: t, waiting, ..
        }) = &mut self.flow
            && *t == task
        {
            *waiting = true;
        }
    }

    pub fn on_ciba_started(&mut self, task: TaskId, binding: String, expires_in_s: u64) {
        if let Some(ExternalFlow::Ciba {
            task: t,
            binding_message,
            seconds_left,
        }) = &mut self.flow
            && *t == task
        {
            *binding_message = Some(binding);
            *seconds_left = Some(expires_in_s);
        }
    }

    pub fn on_ciba_countdown(&mut self, task: TaskId, left: u64) {
        if let Some(ExternalFlow::Ciba {
            task: t,
            seconds_left,
            ..
        }) = &mut self.flow
            && *t == task
        {
            *seconds_left = Some(left);
        }
    }

    /// A login task ended; a flow still waiting on it is over (cancelled or failed). `true`
    /// when that flow was cancelled (the user is told).
    pub fn on_task_finished(&mut self, task: TaskId, cancelled: bool) -> bool {
        let waiting_on_it = matches!(
            &self.flow,
            Some(ExternalFlow::Browser { task: t, .. } | ExternalFlow::Ciba { task: t, .. }) if *t == task
        );
        if !waiting_on_it {
            return false;
        }
        self.flow = None;
        self.pending = false;
        cancelled
    }

    pub fn on_choose_activity(&mut self, activities: Vec<String>) {
        self.pending = false;
        self.flow = Some(ExternalFlow::ChooseActivity { activities });
    }

    pub fn on_needs_link(
        &mut self,
        display_name: String,
        suggested_login: Option<String>,
        can_create: bool,
    ) {
        self.pending = false;
        self.login = suggested_login.clone().unwrap_or_default();
        self.flow = Some(ExternalFlow::Link {
            display_name,
            suggested_login,
            can_create,
            requested: false,
        });
    }

    pub fn on_link_requested(&mut self) {
        self.pending = false;
        self.clear_secrets();
        if let Some(ExternalFlow::Link { requested, .. }) = &mut self.flow {
            *requested = true;
        }
    }

    /// A sign-in, link, card or unlock request failed: the form shows why. `false` when the
    /// failure is not the form's.
    pub fn on_failed(&mut self, operation: Operation, message_id: &'static str) -> bool {
        use Operation as O;
        if self.on_local_step(operation, message_id) {
            return true;
        }
        match operation {
            O::Login
            | O::CreateFirstAdmin
            | O::ProviderLogin
            | O::CibaLogin
            | O::ChooseActivity
            | O::CompleteLink
            | O::AbandonLogin
            | O::CardPin
            | O::VirtualCard
            | O::UnlockWithPassword
            | O::LoginSecondFactor
            | O::ChangeExpiredPassword
            | O::UnlockWithSecondFactor => {
                self.local_step = None;
                self.pending = false;
                self.error = Some(message_id);
                self.clear_secrets();
                if matches!(operation, O::ProviderLogin | O::CibaLogin) {
                    self.flow = None;
                }
                true
            }
            _ => false,
        }
    }

    /// A right password answered with a step to take (second factor, change at first use),
    /// or a step's own refusal (wrong code, password refused by the policy): the form stays
    /// on the step, the password typed kept. `false` when it is neither.
    fn on_local_step(&mut self, operation: Operation, message_id: &'static str) -> bool {
        use Operation as O;
        let step = match (operation, message_id) {
            (O::Login | O::ChangeExpiredPassword, SECOND_FACTOR_REQUIRED) => {
                LocalStep::SecondFactor { recovery: false }
            }
            (O::Login, PASSWORD_CHANGE_REQUIRED) => LocalStep::ChangePassword,
            (O::LoginSecondFactor | O::UnlockWithSecondFactor, "error-second-factor-invalid") => {
                self.local_step
                    .unwrap_or(LocalStep::SecondFactor { recovery: false })
            }
            (O::ChangeExpiredPassword, id) if id.starts_with("error-password-policy") => {
                LocalStep::ChangePassword
            }
            _ => return false,
        };
        let refusal = !matches!(
            message_id,
            SECOND_FACTOR_REQUIRED | PASSWORD_CHANGE_REQUIRED
        );
        self.local_step = Some(step);
        self.pending = false;
        self.error = refusal.then_some(message_id);
        self.code = Zeroizing::new(String::new());
        self.new_password = Zeroizing::new(String::new());
        self.password_confirm = Zeroizing::new(String::new());
        self.focused_once = false;
        true
    }
}
