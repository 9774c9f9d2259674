//! The sandbox: Chevet's embedded default when no configuration is given. It seeds a demo
//! database (`seed`, from the generator in `demo`) and runs simulated national services on
//! 127.0.0.1 (`registry`). Nothing in the clients knows whether they talk to the sandbox.

pub mod annuaire;
pub mod card;
pub mod demo;
pub mod demo_data;
pub mod dmp;
pub mod fault_text;
pub mod identity;
pub mod indicators_load;
pub mod insi;
pub mod mtls;
pub mod outbox_run;
pub mod pfi;
pub mod psc;
pub mod registry;
pub mod seed;

/// The sandbox's fictitious hospital.
pub fn establishment() -> crate::domain::Establishment {
    crate::domain::Establishment {
        name: demo::SANDBOX_SITE_NAMES[0].to_owned(),
        finess: demo::SANDBOX_FINESS_GEO[0].to_owned(),
        ipp_oid: demo::SANDBOX_IPP_OID.to_owned(),
        document_oid: demo::SANDBOX_DOCUMENT_OID.to_owned(),
    }
}

/// The context the command line produces sandbox documents in: the sandbox hospital, its demo
/// physician, and the first demo patient (PAT-TROIS, qualified identity).
pub fn production_context() -> Option<crate::cda::produce::form::ProductionContext> {
    let now = chrono::Local::now().naive_local();
    let patient = demo::demo_patients(now.date()).into_iter().next()?.identity;
    let doctor = seed::DEMO_ACCOUNTS
        .iter()
        .find_map(|a| a.professional.as_ref())?;
    crate::cda::produce::form::ProductionContext::new(
        &doctor.info(),
        &establishment(),
        patient,
        None,
        now,
        now.format("%Y%m%d%H%M%S").to_string(),
    )
}
