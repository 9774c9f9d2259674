//! The CPS card on the worker side: the PC/SC monitor (a long blocking task reporting
//! insertions and removals), the sandbox virtual card, reading the holder at insertion, and
//! the PIN that opens, unlocks or switches the session after the card proved it holds the key.

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, PoisonError};

use zeroize::Zeroizing;

use crate::auth::LoginMethod;
use crate::auth::external::{ANS_DOMAIN, ExternalIdentity};
use crate::card::profile::CPS3;
use crate::card::reader::{CardEvent, PcscChannel};
use crate::card::{CardChannel, CardError, CardHolder, cps};
use crate::sandbox::card::VirtualChannel;
use crate::worker::context::{Context, WorkerError};
use crate::worker::{CardStatus, Event, PinOutcome};

/// The card in the reader, as the workers hold it.
#[derive(Default)]
pub(crate) struct CardSlot {
    /// Channel to the card now in a PC/SC reader.
    pcsc: Option<PcscChannel>,
    /// The sandbox virtual card (present or pulled).
    virtual_card: Option<VirtualChannel>,
    virtual_inserted: bool,
    holder: Option<CardHolder>,
}

impl CardSlot {
    fn channel(&mut self) -> Option<&mut dyn CardChannel> {
        if let Some(c) = self.pcsc.as_mut() {
            return Some(c);
        }
        match self.virtual_card.as_mut() {
            Some(v) if self.virtual_inserted => Some(v),
            _ => None,
        }
    }
}

impl CardSlot {
    /// A slot with the sandbox virtual card, pulled at first, when one is configured.
    pub(crate) fn new(virtual_card: Option<crate::sandbox::card::VirtualCps>) -> Self {
        Self {
            virtual_card: virtual_card.map(|card| {
                let mut channel = VirtualChannel::new(card);
                channel.remove();
                channel
            }),
            ..Self::default()
        }
    }

    pub(crate) fn has_virtual_card(&self) -> bool {
        self.virtual_card.is_some()
    }
}

/// Starts watching the PC/SC readers when configured.
pub(super) fn start(ctx: &Arc<Context>) {
    if ctx.config.card.pcsc {
        // The monitor blocks on PC/SC; it stops once the window is gone.
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = Arc::clone(ctx);
        let flag = Arc::clone(&stop);
        tokio::spawn(async move {
            watcher.ui_gone().await;
            flag.store(true, std::sync::atomic::Ordering::Relaxed);
        });
        let worker = Arc::clone(ctx);
        tokio::task::spawn_blocking(move || {
            crate::card::reader::monitor(&stop, &mut |event| on_pcsc_event(&worker, event));
        });
    }
}

fn lock_slot(ctx: &Context) -> std::sync::MutexGuard<'_, CardSlot> {
    ctx.card.lock().unwrap_or_else(PoisonError::into_inner)
}

fn on_pcsc_event(ctx: &Arc<Context>, event: CardEvent) {
    match event {
        CardEvent::Readers(readers) => {
            if lock_slot(ctx).holder.is_none() {
                ctx.emit_blocking(Event::Card(CardStatus::NoCard { readers }));
            }
        }
        CardEvent::Inserted { reader, .. } => {
            let status = match PcscChannel::connect(&reader) {
                Ok(channel) => {
                    let mut slot = lock_slot(ctx);
                    slot.pcsc = Some(channel);
                    read_inserted(&mut slot, false)
                }
                Err(e) => CardStatus::Unreadable {
                    message: e.message_id(),
                },
            };
            ctx.emit_blocking(Event::Card(status));
        }
        CardEvent::Removed { .. } => {
            {
                let mut slot = lock_slot(ctx);
                slot.pcsc = None;
                slot.holder = None;
            }
            ctx.emit_blocking(Event::Card(CardStatus::Removed));
        }
        CardEvent::ServiceUnavailable => {
            if lock_slot(ctx).virtual_card.is_none() {
                ctx.emit_blocking(Event::Card(CardStatus::NoService));
            }
        }
    }
}

/// Reads the holder of the card just inserted (no PIN needed) and says what to show.
fn read_inserted(slot: &mut CardSlot, virtual_card: bool) -> CardStatus {
    let Some(channel) = slot.channel() else {
        return CardStatus::Removed;
    };
    let read = cps::read_holder(channel, &CPS3)
        .map(|holder| (cps::pin_attempts_left(channel, &CPS3).ok(), holder));
    match read {
        Ok((attempts_left, holder)) => {
            let status = CardStatus::Inserted {
                serial: holder.card_serial.clone(),
                holder_name: format!("{} {}", holder.given_name, holder.family_name),
                national_id: holder.national_id.clone(),
                attempts_left,
                virtual_card,
            };
            slot.holder = Some(holder);
            status
        }
        Err(e) => {
            slot.holder = None;
            CardStatus::Unreadable {
                message: e.message_id(),
            }
        }
    }
}

/// Inserts or pulls the sandbox virtual card; reported like a real card.
pub(super) async fn virtual_card(ctx: &Arc<Context>, inserted: bool) -> Result<(), WorkerError> {
    let worker = Arc::clone(ctx);
    let status = tokio::task::spawn_blocking(move || {
        let mut slot = lock_slot(&worker);
        let Some(channel) = slot.virtual_card.as_mut() else {
            return Err(WorkerError::NotConfigured("error-card-no-virtual"));
        };
        if inserted {
            channel.insert();
        } else {
            channel.remove();
        }
        slot.virtual_inserted = inserted;
        Ok(if inserted {
            read_inserted(&mut slot, true)
        } else {
            slot.holder = None;
            CardStatus::Removed
        })
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))??;
    ctx.emit(Event::Card(status)).await;
    Ok(())
}

/// Checks the PIN, proves the card holds the certificate's key, then opens, unlocks or
/// switches the session for the holder.
pub(super) async fn submit_pin(
    ctx: &Arc<Context>,
    pin: Zeroizing<String>,
) -> Result<(), WorkerError> {
    let worker = Arc::clone(ctx);
    let proven = tokio::task::spawn_blocking(move || -> Result<CardHolder, CardError> {
        let mut slot = lock_slot(&worker);
        let holder = slot.holder.clone().ok_or(CardError::NoCard)?;
        let channel = slot.channel().ok_or(CardError::NoCard)?;
        cps::verify_pin(channel, &CPS3, &pin)?;
        cps::prove_possession(channel, &CPS3, &holder)?;
        Ok(holder)
    })
    .await
    .map_err(|e| WorkerError::Join(e.to_string()))?;
    let holder = match proven {
        Ok(holder) => holder,
        Err(CardError::WrongPin { attempts_left }) => {
            trace_card_failure(ctx, "wrong-pin").await?;
            ctx.emit(Event::PinRefused(PinOutcome::Wrong { attempts_left }))
                .await;
            return Ok(());
        }
        Err(CardError::PinBlocked) => {
            trace_card_failure(ctx, "pin-blocked").await?;
            ctx.emit(Event::PinRefused(PinOutcome::Blocked)).await;
            return Ok(());
        }
        Err(e) => {
            trace_card_failure(ctx, e.message_id()).await?;
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
    super::identity::card_identified(ctx, identity).await
}

async fn trace_card_failure(ctx: &Arc<Context>, detail: &str) -> Result<(), WorkerError> {
    super::identity::trace_attempt(
        ctx,
        crate::store::audit::AuditAction::LoginFailed,
        format!("cps-card:{detail}"),
    )
    .await
}
