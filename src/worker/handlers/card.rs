//! The CPS card requests: insert or pull the virtual card, and the PIN that opens, unlocks or
//! switches the session once the card's certificate is trusted and the card proved it holds
//! its key. The reader, its monitor and the certificate checks are `worker::card_slot`; where
//! the login ends is `worker::login`.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::auth::LoginMethod;
use crate::auth::external::{ANS_DOMAIN, ExternalIdentity};
use crate::card::CardError;
use crate::store::audit::AuditAction;
use crate::worker::card_slot::ProvenCard;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{Event, PinOutcome, card_slot, login as logins};

/// Inserts or pulls the virtual card; reported like a real card.
pub(super) async fn virtual_card(ctx: &Arc<Context>, inserted: bool) -> Result<(), WorkerError> {
    let status = card_slot::switch_virtual(ctx, inserted)
        .await?
        .ok_or(WorkerError::NotConfigured("error-card-no-virtual"))?;
    ctx.emit(Event::Card(status)).await;
    Ok(())
}

/// Checks the certificate again, the PIN, proves the card holds the certificate's key, then
/// signs the holder in, the session bound to that certificate.
pub(super) async fn submit_pin(
    ctx: &Arc<Context>,
    pin: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let proven = card_slot::prove(ctx, pin).await?;
    let ProvenCard { holder, report } = match proven {
        Ok(proven) => proven,
        Err(CardError::WrongPin { attempts_left }) => {
            trace_failure(ctx, "wrong-pin").await?;
            ctx.emit(Event::PinRefused(PinOutcome::Wrong { attempts_left }))
                .await;
            return Ok(());
        }
        Err(CardError::PinBlocked) => {
            trace_failure(ctx, "pin-blocked").await?;
            ctx.emit(Event::PinRefused(PinOutcome::Blocked)).await;
            return Ok(());
        }
        // Already traced, with the certificate's fingerprint.
        Err(e @ CardError::Trust(_)) => return Err(e.into()),
        Err(e) => {
            trace_failure(ctx, e.message_id()).await?;
            return Err(e.into());
        }
    };
    let identity = ExternalIdentity {
        trust_domain: ANS_DOMAIN.to_owned(),
        method: LoginMethod::Card {
            serial: holder.card_serial.clone(),
            certificate_sha256: report.certificate_sha256,
        },
        national_id: holder.national_id.clone(),
        given_name: holder.given_name.clone(),
        family_name: holder.family_name.clone(),
        profession_code: holder.profession_code.clone(),
        category_code: None,
        specialty_code: holder.specialty_code.clone(),
    };
    logins::card_identified(ctx, identity).await
}

async fn trace_failure(ctx: &Arc<Context>, detail: &str) -> Result<(), WorkerError> {
    logins::trace_attempt(ctx, AuditAction::LoginFailed, format!("cps-card:{detail}")).await
}
