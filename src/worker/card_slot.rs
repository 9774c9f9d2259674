//! The card in the reader, as the workers hold it: the channel to a PC/SC card or to the virtual
//! card, the holder read at insertion, and the PC/SC monitor — a long blocking task reporting
//! insertions and removals, which stops within one wait slice once the UI's handle is gone.

use std::sync::{Arc, MutexGuard, PoisonError};

use crate::card::profile::CPS3;
use crate::card::reader::{CardEvent, PcscChannel};
use crate::card::{CardChannel, CardHolder, VirtualCard, cps};
use crate::worker::context::Context;
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

    /// Inserts or pulls the virtual card; what to show then. `None`: no virtual card.
    pub(crate) fn switch_virtual(&mut self, inserted: bool) -> Option<CardStatus> {
        let card = self.virtual_card.as_mut()?;
        if inserted {
            card.insert();
        } else {
            card.remove();
        }
        self.virtual_inserted = inserted;
        Some(if inserted {
            self.read_inserted(true)
        } else {
            self.holder = None;
            CardStatus::Removed
        })
    }

    /// Reads the holder of the card just inserted (no PIN needed) and says what to show.
    fn read_inserted(&mut self, virtual_card: bool) -> CardStatus {
        let Some(channel) = self.channel() else {
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
                self.holder = Some(holder);
                status
            }
            Err(e) => {
                self.holder = None;
                CardStatus::Unreadable {
                    message: e.message_id(),
                }
            }
        }
    }
}

/// Locks the slot (a panic while holding it leaves a usable slot).
pub(super) fn lock(ctx: &Context) -> MutexGuard<'_, CardSlot> {
    ctx.card.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Starts watching the PC/SC readers when configured. The monitor blocks on PC/SC in slices
/// and stops once the UI's handle is dropped (the stop flag is set synchronously then).
pub(super) fn start_monitor(ctx: &Arc<Context>) {
    if !ctx.config.card.pcsc {
        return;
    }
    let stop = ctx.stop_flag();
    let worker = Arc::clone(ctx);
    let spawned = std::thread::Builder::new()
        .name("chevet-pcsc-monitor".into())
        .spawn(move || {
            crate::card::reader::monitor(&stop, &mut |event| on_pcsc_event(&worker, event));
            tracing::debug!("PC/SC monitor stopped");
        });
    if let Err(e) = spawned {
        tracing::error!("PC/SC monitor not started: {e}");
    }
}

fn on_pcsc_event(ctx: &Arc<Context>, event: CardEvent) {
    match event {
        CardEvent::Readers(readers) => {
            if lock(ctx).holder.is_none() {
                ctx.emit_blocking(Event::Card(CardStatus::NoCard { readers }));
            }
        }
        CardEvent::Inserted { reader, .. } => {
            let status = match PcscChannel::connect(&reader) {
                Ok(channel) => {
                    let mut slot = lock(ctx);
                    slot.pcsc = Some(channel);
                    slot.read_inserted(false)
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
