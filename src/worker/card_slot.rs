//! The card in the reader, as the workers hold it: the channel to a PC/SC card or to the virtual
//! card, the holder read at insertion and the verdict on its certificate (`card::CardTrust`:
//! chain to the configured IGC-Santé roots, dates, revocation), and the PC/SC monitor — a long
//! blocking task reporting insertions and removals, which stops within one wait slice once the
//! UI's handle is gone.
//!
//! A card whose certificate is refused is reported with the reason and no PIN is asked; the
//! certificate is checked again just before the PIN goes to the card, and the proof of
//! possession after it ties the card to that certificate (`prove`).

use std::sync::{Arc, MutexGuard, PoisonError};

use tokio::runtime::Handle;
use zeroize::Zeroizing;

use crate::card::profile::CPS3;
use crate::card::reader::{CardEvent, PcscChannel};
use crate::card::{
    CardChannel, CardError, CardHolder, RevocationStatus, TrustError, TrustReport, VirtualCard, cps,
};
use crate::store::audit::AuditAction;
use crate::worker::context::{Context, WorkerError, blocking};
use crate::worker::{CardStatus, Event};

/// The card in the reader.
#[derive(Default)]
pub(crate) struct CardSlot {
    /// Channel to the card now in a PC/SC reader.
    pcsc: Option<PcscChannel>,
    /// The virtual card (present or pulled).
    virtual_card: Option<Box<dyn VirtualCard>>,
    virtual_inserted: bool,
    holder: Option<CardHolder>,
}

/// A card that proved its PIN and its key, with the verdict on its certificate.
pub(crate) struct ProvenCard {
    pub holder: CardHolder,
    pub report: TrustReport,
}

impl CardSlot {
    /// A slot with the virtual card, pulled at first, when one is configured.
    pub(crate) fn new(virtual_card: Option<Box<dyn VirtualCard>>) -> Self {
        Self {
            virtual_card: virtual_card.map(|mut card| {
                card.remove();
                card
            }),
            ..Self::default()
        }
    }

    pub(crate) fn has_virtual_card(&self) -> bool {
        self.virtual_card.is_some()
    }

    /// The channel to the card in the reader: PC/SC first, else the inserted virtual card.
    pub(crate) fn channel(&mut self) -> Option<&mut dyn CardChannel> {
        if let Some(c) = self.pcsc.as_mut() {
            return Some(c);
        }
        match self.virtual_card.as_mut() {
            Some(v) if self.virtual_inserted => Some(v.as_mut() as &mut dyn CardChannel),
            _ => None,
        }
    }

    /// The holder read at insertion (no PIN yet).
    pub(crate) fn holder(&self) -> Option<CardHolder> {
        self.holder.clone()
    }

    /// Reads the holder of the card just inserted (no PIN needed) and its PIN tries left.
    fn read_inserted(&mut self) -> Result<(CardHolder, Option<u8>), CardError> {
        self.holder = None;
        let channel = self.channel().ok_or(CardError::Removed)?;
        let holder = cps::read_holder(channel, &CPS3)?;
        let attempts_left = cps::pin_attempts_left(channel, &CPS3).ok();
        self.holder = Some(holder.clone());
        Ok((holder, attempts_left))
    }
}

/// Locks the slot (a panic while holding it leaves a usable slot).
pub(super) fn lock(ctx: &Context) -> MutexGuard<'_, CardSlot> {
    ctx.card.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The verdict on a holder's certificate: chain, dates, revocation (lists fetched with a
/// timeout when the cached ones are not fresh). No configured trust: refused.
pub(crate) async fn check_certificate(
    ctx: &Context,
    holder: &CardHolder,
) -> Result<TrustReport, TrustError> {
    let trust = ctx
        .config
        .card
        .trust
        .as_ref()
        .ok_or(TrustError::NotConfigured)?;
    trust
        .check(&holder.certificate_der, &holder.authority_certificates)
        .await
}

/// Traces a refused certificate: the reason and the certificate's fingerprint, never the
/// names it carries (a forged card names a real doctor).
async fn trace_refusal(ctx: &Arc<Context>, error: &TrustError, holder: &CardHolder) {
    let detail = format!(
        "cps-card:{} certificate-sha256={}",
        error.code(),
        crate::card::certificate_sha256(&holder.certificate_der)
    );
    tracing::warn!(reason = error.code(), "card certificate refused");
    if let Err(e) = super::login::trace_attempt(ctx, AuditAction::LoginFailed, detail).await {
        tracing::warn!("card refusal not traced: {e}");
    }
}

/// Traces a card let in without a current revocation list (grace period, or the policy).
async fn trace_weak_revocation(ctx: &Arc<Context>, report: &TrustReport) {
    let what = match report.revocation {
        RevocationStatus::Checked => return,
        RevocationStatus::StaleList => "revocation-stale-list",
        RevocationStatus::Unchecked => "revocation-unchecked",
    };
    let detail = format!(
        "cps-card:{what} certificate-sha256={}",
        report.certificate_sha256
    );
    if let Err(e) = super::login::trace_attempt(ctx, AuditAction::LoginStarted, detail).await {
        tracing::warn!("card check not traced: {e}");
    }
}

/// Reads the card just inserted, checks its certificate, and says what to show: a refused
/// certificate is reported (and traced) as unreadable with its reason, so no PIN is asked.
/// Runs on a blocking thread (the PC/SC monitor, or a worker's blocking task).
fn read_and_check(ctx: &Arc<Context>, runtime: &Handle, virtual_card: bool) -> CardStatus {
    let read = lock(ctx).read_inserted();
    let (holder, attempts_left) = match read {
        Ok(read) => read,
        Err(e) => {
            return CardStatus::Unreadable {
                message: e.message_id(),
            };
        }
    };
    let verdict = runtime.block_on(check_certificate(ctx, &holder));
    let still_there = lock(ctx)
        .holder
        .as_ref()
        .is_some_and(|h| h.certificate_der == holder.certificate_der);
    if !still_there {
        return CardStatus::Removed;
    }
    match verdict {
        Ok(report) => {
            runtime.block_on(trace_weak_revocation(ctx, &report));
            CardStatus::Inserted {
                serial: holder.card_serial,
                certificate_sha256: report.certificate_sha256,
                holder_name: format!("{} {}", holder.given_name, holder.family_name),
                national_id: holder.national_id,
                attempts_left,
                virtual_card,
            }
        }
        Err(e) => {
            runtime.block_on(trace_refusal(ctx, &e, &holder));
            CardStatus::Unreadable {
                message: e.message_id(),
            }
        }
    }
}

/// Inserts or pulls the virtual card; what to show then. `None`: no virtual card.
pub(crate) async fn switch_virtual(
    ctx: &Arc<Context>,
    inserted: bool,
) -> Result<Option<CardStatus>, WorkerError> {
    let worker = Arc::clone(ctx);
    let runtime = Handle::current();
    blocking(move || {
        {
            let mut slot = lock(&worker);
            let card = slot.virtual_card.as_mut()?;
            if inserted {
                card.insert();
            } else {
                card.remove();
            }
            slot.virtual_inserted = inserted;
            if !inserted {
                slot.holder = None;
                return Some(CardStatus::Removed);
            }
        }
        Some(read_and_check(&worker, &runtime, true))
    })
    .await
}

/// The PIN, then the proof that the card holds its certificate's key. The certificate is
/// checked again first (dates pass, lists change): a refused one never sees the PIN. The outer
/// error is the workers' plumbing; the inner one the card's answer.
pub(crate) async fn prove(
    ctx: &Arc<Context>,
    pin: Zeroizing<String>,
) -> Result<Result<ProvenCard, CardError>, WorkerError> {
    let Some(holder) = lock(ctx).holder() else {
        return Ok(Err(CardError::NoCard));
    };
    let report = match check_certificate(ctx, &holder).await {
        Ok(report) => report,
        Err(e) => {
            trace_refusal(ctx, &e, &holder).await;
            return Ok(Err(CardError::Trust(e)));
        }
    };
    let worker = Arc::clone(ctx);
    let checked = holder.certificate_der;
    let proven = blocking(move || -> Result<CardHolder, CardError> {
        let mut slot = lock(&worker);
        let current = slot.holder().ok_or(CardError::NoCard)?;
        // Another card slipped in since the check: nothing goes to it.
        if current.certificate_der != checked {
            return Err(CardError::Removed);
        }
        let channel = slot.channel().ok_or(CardError::NoCard)?;
        cps::verify_pin(channel, &CPS3, &pin)?;
        cps::prove_possession(channel, &CPS3, &current)?;
        Ok(current)
    })
    .await?;
    if let Ok(proven) = &proven {
        trace_weak_revocation(ctx, &report).await;
        debug_assert_eq!(
            crate::card::certificate_sha256(&proven.certificate_der),
            report.certificate_sha256
        );
    }
    Ok(proven.map(|holder| ProvenCard { holder, report }))
}

/// Starts watching the PC/SC readers when configured. The monitor blocks on PC/SC in slices
/// and stops once the UI's handle is dropped (the stop flag is set synchronously then).
pub(super) fn start_monitor(ctx: &Arc<Context>) {
    if !ctx.config.card.pcsc {
        return;
    }
    let stop = ctx.stop_flag();
    let worker = Arc::clone(ctx);
    let runtime = Handle::current();
    let spawned = std::thread::Builder::new()
        .name("chevet-pcsc-monitor".into())
        .spawn(move || {
            crate::card::reader::monitor(&stop, &mut |event| {
                on_pcsc_event(&worker, &runtime, event);
            });
            tracing::debug!("PC/SC monitor stopped");
        });
    if let Err(e) = spawned {
        tracing::error!("PC/SC monitor not started: {e}");
    }
}

fn on_pcsc_event(ctx: &Arc<Context>, runtime: &Handle, event: CardEvent) {
    match event {
        CardEvent::Readers(readers) => {
            if lock(ctx).holder.is_none() {
                ctx.emit_blocking(Event::Card(CardStatus::NoCard { readers }));
            }
        }
        CardEvent::Inserted { reader, .. } => {
            let status = match PcscChannel::connect(&reader) {
                Ok(channel) => {
                    lock(ctx).pcsc = Some(channel);
                    read_and_check(ctx, runtime, false)
                }
                Err(e) => CardStatus::Unreadable {
                    message: e.message_id(),
                },
            };
            ctx.emit_blocking(Event::Card(status));
        }
        CardEvent::Removed { .. } => {
            {
                let mut slot = lock(ctx);
                slot.pcsc = None;
                slot.holder = None;
            }
            ctx.emit_blocking(Event::Card(CardStatus::Removed));
        }
        CardEvent::ServiceUnavailable => {
            if lock(ctx).virtual_card.is_none() {
                ctx.emit_blocking(Event::Card(CardStatus::NoService));
            }
        }
    }
}
