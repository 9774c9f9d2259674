//! Backups (the « Sauvegardes » screen): the list, a backup now, the backup passphrase.
//! Administrators only (`Right::ManageAccounts`): the passphrase unlocks a copy of every folder,
//! and only the role that manages accounts holds that right (`ChangeSettings` is everyone's).

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::domain::Right;
use crate::worker::TaskId;
use crate::worker::backup as backups;
use crate::worker::context::{Context, WorkerError};

pub(super) async fn list(ctx: &Arc<Context>) -> Result<(), WorkerError> {
    ctx.require(Right::ManageAccounts)?;
    backups::send_list(ctx).await
}

pub(super) async fn create(ctx: &Arc<Context>, task: TaskId) -> Result<(), WorkerError> {
    ctx.require(Right::ManageAccounts)?;
    backups::create(ctx, task).await
}

pub(super) async fn set_passphrase(
    ctx: &Arc<Context>,
    passphrase: Zeroizing<String>,
    confirmation: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let admin = ctx.require(Right::ManageAccounts)?.login;
    backups::set_passphrase(ctx, admin, passphrase, confirmation).await
}
