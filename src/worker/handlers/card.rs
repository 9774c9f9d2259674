//! The CPS card requests: insert or pull the virtual card, and the PIN that opens, unlocks or
//! switches the session once the card proved it holds the certificate's key. The reader and
//! its monitor are `worker::card_slot`; where the login ends is `worker::login`.

use std::sync::Arc;

use zeroize::Zeroizing;

use crate::auth::LoginMethod;
use crate::auth::external::{ANS_DOMAIN, ExternalIdentity};
use crate::card::profile::CPS3;
use crate::card::{CardError, CardHolder, cps};
use crate::store::audit::AuditAction;
use crate::worker::context::{Context, WorkerError, blocking};
use crate::worker::{Event, PinOutcome, card_slot, login as logins};

/// Inserts or pulls the virtual card; reported like a real card.
pub(super) async fn virtual_card(ctx: &Arc<Context>, inserted: bool) -> Result<(), WorkerError> {
    let worker = Arc::clone(ctx);
    let status = blocking(move || card_slot::lock(&worker).switch_virtual(inserted))
        .await?
        .ok_or(WorkerError::NotConfigured("error-card-no-virtual"))?;
    ctx.emit(Event::Card(status)).await;
    Ok(())
}

/// Checks the PIN, proves the card holds the certificate's key, then signs the holder in.
pub(super) async fn submit_pin(
    ctx: &Arc<Context>,
    pin: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let worker = Arc::clone(ctx);
    let proven = blocking(move || -> Result<CardHolder, CardError> {
        let mut slot = card_slot::lock(&worker);
        let holder = slot.holder().ok_or(CardError::NoCard)?;
        let channel = slot.channel().ok_or(CardError::NoCard)?;
        cps::verify_pin(channel, &CPS3, &pin)?;
        cps::prove_possession(channel, &CPS3, &holder)?;
        Ok(holder)
    })
    .await?;
    let holder = match proven {
        Ok(holder) => holder,
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
        Err(e) => {
            trace_failure(ctx, e.message_id()).await?;
            return Err(e.into());
        }
    };
    let identity = ExternalIdentity {
        trust_domain: ANS_DOMAIN.to_owned(),
        method: LoginMethod::Card {
            serial: holder.card_serial.clone(),
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
