//! Sessions for professionals authenticated outside Chevet — by Pro Santé Connect, by the
//! establishment's OpenID provider, or by the CPS card — and the rules that tie such an
//! identity to a local account:
//! - a linked identity signs in to its account (the provider's claims refresh the
//!   professional identity shown and used for the DMP);
//! - an unknown identity is linked to an existing local account only after proof: that
//!   account's password, or an administrator's approval of a pending request;
//! - otherwise an account is created whose role follows the profession code (TRE_G15) and
//!   the professional category (students become residents).
//!
//! PSC and the card both prove the national id with the agency's means (trust domain `ans`):
//! a link made with one serves the other. Other providers are their own trust domain.

use zeroize::Zeroizing;

use super::local::{self, AuthError, LoginMethod, Session};
use crate::domain::{ProfessionalInfo, Role};
use crate::store::accounts::{self, Account};
use crate::store::audit::{self, AuditAction, AuditObject};
use crate::store::{Store, identity_links};

/// Trust domain of Pro Santé Connect and the CPS card.
pub const ANS_DOMAIN: &str = "ans";

/// Password hash of accounts created from an external identity: not a PHC string, so no
/// password ever matches it.
const NO_PASSWORD: &str = "!external-identity";

/// A professional as an external authority vouches for them.
#[derive(Clone, PartialEq, Eq)]
pub struct ExternalIdentity {
    /// `ans`, or the id of the configured provider.
    pub trust_domain: String,
    pub method: LoginMethod,
    /// idNat_PS.
    pub national_id: String,
    pub given_name: String,
    pub family_name: String,
    /// TRE_G15 code (`10` médecin…), when known.
    pub profession_code: Option<String>,
    /// TRE_R09 category (`C` civil, `E` étudiant…).
    pub category_code: Option<String>,
    /// TRE_R38 savoir-faire (`SM04`…).
    pub specialty_code: Option<String>,
}

impl std::fmt::Debug for ExternalIdentity {
    /// Names no one: identities stay out of logs.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "ExternalIdentity({}, {:?})",
            self.trust_domain, self.method
        )
    }
}

impl ExternalIdentity {
    /// The professional identity that signs documents and feeds the VIHF.
    pub fn professional(&self) -> ProfessionalInfo {
        let profession = self.profession_code.as_deref().unwrap_or("");
        let specialty = self.specialty_code.as_deref().unwrap_or("");
        ProfessionalInfo {
            national_id: self.national_id.clone(),
            given_name: self.given_name.clone(),
            family_name: self.family_name.clone(),
            title: (profession == "10").then(|| "DR".to_owned()),
            specialty_code: match (profession, specialty) {
                ("", _) => String::new(),
                (p, "") => format!("G15_{p}"),
                (p, s) => format!("G15_{p}/{s}"),
            },
            specialty_label: profession_label(profession).to_owned(),
        }
    }

    fn display_name(&self) -> String {
        format!("{} {}", self.given_name, self.family_name)
            .trim()
            .to_owned()
    }
}

/// French label of the professions Chevet gives a role to.
fn profession_label(code: &str) -> &'static str {
    match code {
        "10" => "Médecin",
        "40" => "Chirurgien-dentiste",
        "50" => "Sage-femme",
        "60" => "Infirmier",
        "21" => "Pharmacien",
        _ => "",
    }
}

/// The role an account created at first login gets, from the profession and category.
/// Professions without a clinical role here need an administrator.
pub fn role_for(profession_code: Option<&str>, category_code: Option<&str>) -> Option<Role> {
    let student = category_code == Some("E");
    match profession_code? {
        "10" | "40" | "50" if student => Some(Role::Interne),
        "10" | "40" | "50" => Some(Role::Medecin),
        "60" => Some(Role::Infirmier),
        _ => None,
    }
}

/// What an external login leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// Linked: the session is open.
    Session(Box<Session>),
    /// First login: link to a local account (with proof) or create one. `suggested_login`
    /// is the account that already carries this national id, when there is one.
    NeedsLink { suggested_login: Option<String> },
}

/// Looks the identity up; opens the session when it is linked.
pub fn resolve(store: &mut Store, identity: &ExternalIdentity) -> Result<Resolution, AuthError> {
    let link = identity_links::find(store, &identity.trust_domain, &identity.national_id)?;
    match link {
        Some(link) if link.status == identity_links::LinkStatus::Linked => {
            let account = accounts::by_id(store, link.account_id)?.ok_or(AuthError::Disabled)?;
            open(store, account, identity).map(|s| Resolution::Session(Box::new(s)))
        }
        Some(_) => {
            audit::record(
                store,
                "anonymous",
                AuditAction::LoginFailed,
                AuditObject::Login,
                format!("{}:link-pending", identity.trust_domain),
            )?;
            Err(AuthError::LinkPending)
        }
        None => Ok(Resolution::NeedsLink {
            suggested_login: accounts::by_national_id(store, &identity.national_id)?
                .map(|a| a.login),
        }),
    }
}

/// Links the identity to a local account whose password the user just gave, then opens the
/// session. An account that already carries another national id is refused.
pub fn link_with_password(
    store: &mut Store,
    identity: &ExternalIdentity,
    login: &str,
    password: &Zeroizing<String>,
) -> Result<Session, AuthError> {
    let proven = local::login(store, login, password)?;
    let account = accounts::by_id(store, proven.account_id)?.ok_or(AuthError::Disabled)?;
    if account
        .national_id
        .as_deref()
        .is_some_and(|n| n != identity.national_id)
    {
        audit::record(
            store,
            &account.login,
            AuditAction::LoginFailed,
            AuditObject::Account(account.id.0),
            "link-identity-mismatch",
        )?;
        return Err(AuthError::IdentityMismatch);
    }
    identity_links::link(
        store,
        &identity.trust_domain,
        &identity.national_id,
        account.id,
        &account.login,
    )?;
    audit::record(
        store,
        &account.login,
        AuditAction::IdentityLinked,
        AuditObject::Account(account.id.0),
        format!("{}:password", identity.trust_domain),
    )?;
    open(store, account, identity)
}

/// Asks an administrator to link the identity to the account `login`. Answers the same
/// whether the login exists or not.
pub fn request_link(
    store: &mut Store,
    identity: &ExternalIdentity,
    login: &str,
) -> Result<(), AuthError> {
    if let Some(account) = accounts::by_login(store, login.trim())? {
        identity_links::request(
            store,
            &identity.trust_domain,
            &identity.national_id,
            account.id,
        )?;
        audit::record(
            store,
            "anonymous",
            AuditAction::LinkRequested,
            AuditObject::Account(account.id.0),
            &identity.trust_domain,
        )?;
    }
    Ok(())
}

/// Creates an account for a first login (role from the profession) and opens the session.
pub fn create_account_for(
    store: &mut Store,
    identity: &ExternalIdentity,
) -> Result<Session, AuthError> {
    let role = role_for(
        identity.profession_code.as_deref(),
        identity.category_code.as_deref(),
    )
    .ok_or(AuthError::NoRoleForProfession)?;
    // One account per professional: an existing one is linked, never duplicated.
    if accounts::by_national_id(store, &identity.national_id)?.is_some() {
        return Err(AuthError::LoginTaken);
    }
    let id = match accounts::insert(
        store,
        &identity.national_id,
        &identity.display_name(),
        role,
        NO_PASSWORD,
        Some(&identity.national_id),
    ) {
        Err(crate::store::StoreError::Duplicate) => return Err(AuthError::LoginTaken),
        other => other?,
    };
    accounts::set_professional(store, id, &identity.professional())?;
    identity_links::link(
        store,
        &identity.trust_domain,
        &identity.national_id,
        id,
        "system",
    )?;
    audit::record(
        store,
        "system",
        AuditAction::AccountCreated,
        AuditObject::Account(id.0),
        format!("role={};from={}", role.code(), identity.trust_domain),
    )?;
    let account = accounts::by_id(store, id)?.ok_or(AuthError::Disabled)?;
    open(store, account, identity)
}

/// Approves a pending link (administrators only; the caller checks the role).
pub fn approve_link(store: &mut Store, admin: &str, link_id: i64) -> Result<bool, AuthError> {
    let done = identity_links::approve(store, link_id, admin)?;
    if done {
        audit::record(
            store,
            admin,
            AuditAction::IdentityLinked,
            AuditObject::IdentityLink(link_id),
            "admin-approval",
        )?;
    }
    Ok(done)
}

/// Refuses a pending link.
pub fn refuse_link(store: &mut Store, admin: &str, link_id: i64) -> Result<bool, AuthError> {
    let done = identity_links::refuse(store, link_id)?;
    if done {
        audit::record(
            store,
            admin,
            AuditAction::LinkRefused,
            AuditObject::IdentityLink(link_id),
            "",
        )?;
    }
    Ok(done)
}

fn open(
    store: &mut Store,
    account: Account,
    identity: &ExternalIdentity,
) -> Result<Session, AuthError> {
    local::refuse_disabled(store, &account)?;
    let professional = identity.professional();
    if account.professional.is_none() || account.national_id.is_none() {
        accounts::set_professional(store, account.id, &professional)?;
    }
    accounts::record_success(store, account.id)?;
    audit::record(
        store,
        &account.login,
        AuditAction::LoginSucceeded,
        AuditObject::Account(account.id.0),
        method_detail(&identity.method),
    )?;
    Ok(Session {
        account_id: account.id,
        login: account.login,
        display_name: account.display_name,
        role: account.role,
        // The authority's identity wins over what the account held, except the local
        // specialty label when the provider gives none.
        professional: Some(match account.professional {
            Some(local) if professional.specialty_code.is_empty() => ProfessionalInfo {
                national_id: professional.national_id,
                given_name: professional.given_name,
                family_name: professional.family_name,
                ..local
            },
            _ => professional,
        }),
        method: identity.method.clone(),
        activity: None,
    })
}

/// What the audit trail says about how someone signed in (no identity in it).
pub fn method_detail(method: &LoginMethod) -> String {
    match method {
        LoginMethod::Password => "password".to_owned(),
        LoginMethod::PasswordSecondFactor => "password+second-factor".to_owned(),
        LoginMethod::Provider { id } => format!("oidc:{id}"),
        LoginMethod::Card { .. } => "cps-card".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::DbKey;

    fn identity(national_id: &str, profession: &str) -> ExternalIdentity {
        ExternalIdentity {
            trust_domain: ANS_DOMAIN.into(),
            method: LoginMethod::Provider { id: "psc".into() },
            national_id: national_id.into(),
            given_name: "Claire".into(),
            family_name: "LAMBERT".into(),
            profession_code: Some(profession.into()),
            category_code: Some("C".into()),
            specialty_code: Some("SM04".into()),
        }
    }

    fn store_with(login: &str, national_id: Option<&str>) -> Store {
        let mut store = Store::open_in_memory(&DbKey::generate()).expect("store");
        local::create_account(
            &mut store,
            "system",
            login,
            "Dr Lambert",
            Role::Medecin,
            &Zeroizing::new("correct horse".into()),
        )
        .expect("account");
        if let Some(n) = national_id {
            let id = accounts::by_login(&store, login)
                .expect("read")
                .expect("row")
                .id;
            let mut p = identity(n, "10").professional();
            p.specialty_label = "Cardiologie".into();
            accounts::set_professional(&store, id, &p).expect("professional");
        }
        store
    }

    #[test]
    fn first_login_needs_a_link_and_suggests_the_matching_account() {
        let mut store = store_with("clambert", Some("810101234567"));
        let id = identity("810101234567", "10");
        assert_eq!(
            resolve(&mut store, &id).expect("resolve"),
            Resolution::NeedsLink {
                suggested_login: Some("clambert".into())
            }
        );
        // Wrong password: no link.
        let wrong = link_with_password(&mut store, &id, "clambert", &Zeroizing::new("x".into()));
        assert!(matches!(wrong, Err(AuthError::BadCredentials)));
        assert!(matches!(
            resolve(&mut store, &id).expect("resolve"),
            Resolution::NeedsLink { .. }
        ));
        let session = link_with_password(
            &mut store,
            &id,
            "clambert",
            &Zeroizing::new("correct horse".into()),
        )
        .expect("linked");
        assert_eq!(session.method, LoginMethod::Provider { id: "psc".into() });
        // Next time: straight in, and the card (same trust domain) too.
        let mut by_card = id.clone();
        by_card.method = LoginMethod::Card {
            serial: "1".into(),
            certificate_sha256: "ab".into(),
        };
        let Resolution::Session(s) = resolve(&mut store, &by_card).expect("resolve") else {
            panic!("expected a session");
        };
        assert_eq!(s.login, "clambert");
        let p = s.professional.expect("professional");
        assert_eq!(p.rpps(), Some("10101234567"));
        assert_eq!(p.specialty_code, "G15_10/SM04");
    }

    #[test]
    fn an_account_of_another_professional_is_not_linked() {
        let mut store = store_with("clambert", Some("810101234567"));
        let other = identity("899700366240", "10");
        let refused = link_with_password(
            &mut store,
            &other,
            "clambert",
            &Zeroizing::new("correct horse".into()),
        );
        assert!(matches!(refused, Err(AuthError::IdentityMismatch)));
    }

    #[test]
    fn admin_approval_links_a_pending_request() {
        let mut store = store_with("clambert", None);
        let id = identity("810101234567", "10");
        request_link(&mut store, &id, "clambert").expect("request");
        request_link(&mut store, &id, "nobody").expect("same answer");
        assert!(matches!(
            resolve(&mut store, &id),
            Err(AuthError::LinkPending)
        ));
        let pending = identity_links::pending(&store).expect("pending");
        assert_eq!(pending.len(), 1);
        assert!(approve_link(&mut store, "admin", pending[0].id).expect("approve"));
        assert!(matches!(
            resolve(&mut store, &id).expect("resolve"),
            Resolution::Session(_)
        ));
    }

    #[test]
    fn no_second_account_for_a_professional_who_has_one() {
        let mut store = store_with("clambert", Some("810101234567"));
        assert!(matches!(
            create_account_for(&mut store, &identity("810101234567", "10")),
            Err(AuthError::LoginTaken)
        ));
    }

    #[test]
    fn created_accounts_follow_the_profession() {
        let mut store = store_with("someone", None);
        let s = create_account_for(&mut store, &identity("899700366240", "10")).expect("create");
        assert_eq!(s.role, Role::Medecin);
        assert_eq!(s.login, "899700366240");
        let mut nurse = identity("600000000001", "60");
        nurse.specialty_code = None;
        assert_eq!(
            create_account_for(&mut store, &nurse).expect("nurse").role,
            Role::Infirmier
        );
        let mut student = identity("810100000001", "10");
        student.category_code = Some("E".into());
        assert_eq!(
            create_account_for(&mut store, &student)
                .expect("student")
                .role,
            Role::Interne
        );
        let pharmacist = identity("821000000001", "21");
        assert!(matches!(
            create_account_for(&mut store, &pharmacist),
            Err(AuthError::NoRoleForProfession)
        ));
        // The created account has no usable password.
        assert!(local::login(&mut store, "899700366240", &Zeroizing::new(String::new())).is_err());
    }
}
