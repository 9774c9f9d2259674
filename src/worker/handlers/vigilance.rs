//! The identity panel of a folder (identity vigilance, RNIV): the INSi search, accepting or
//! refusing what it returned, an identity document checked, a doubt, the history. Every one
//! needs `Right::VerifyIdentity` (the history, `Right::OpenFolder`); the policy is
//! `worker::identity` and `worker::identity_decisions`.

use std::sync::Arc;

use crate::domain::identity::{DoubtReason, IdentityDocument};
use crate::domain::{PatientId, Right};
use crate::worker::InsComparison;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{identity, identity_decisions};

pub(super) async fn search_ins(ctx: &Arc<Context>, patient: PatientId) -> Result<(), WorkerError> {
    let session = ctx.require(Right::VerifyIdentity)?;
    identity::search(ctx, session.login, patient).await
}

pub(super) async fn accept_ins(
    ctx: &Arc<Context>,
    patient: PatientId,
    comparison: InsComparison,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::VerifyIdentity)?;
    identity::decide(ctx, patient, move |store| {
        identity_decisions::accept_in(store, &session.login, patient, &comparison)
    })
    .await
}

pub(super) async fn refuse_ins(
    ctx: &Arc<Context>,
    patient: PatientId,
    comparison: InsComparison,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::VerifyIdentity)?;
    identity::decide(ctx, patient, move |store| {
        identity_decisions::refuse_in(store, &session.login, patient, &comparison)
    })
    .await
}

pub(super) async fn check_document(
    ctx: &Arc<Context>,
    patient: PatientId,
    document: IdentityDocument,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::VerifyIdentity)?;
    let today = chrono::Local::now().date_naive();
    identity::decide(ctx, patient, move |store| {
        identity_decisions::check_document_in(store, &session.login, patient, document, today)
    })
    .await
}

pub(super) async fn doubt_identity(
    ctx: &Arc<Context>,
    patient: PatientId,
    reason: DoubtReason,
) -> Result<(), WorkerError> {
    let session = ctx.require(Right::VerifyIdentity)?;
    identity::decide(ctx, patient, move |store| {
        identity_decisions::doubt_in(store, &session.login, patient, reason)
    })
    .await
}

pub(super) async fn identity_history(
    ctx: &Arc<Context>,
    patient: PatientId,
) -> Result<(), WorkerError> {
    ctx.require(Right::OpenFolder)?;
    identity::show(ctx, patient, None).await
}
