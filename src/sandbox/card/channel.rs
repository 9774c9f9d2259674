//! `VirtualChannel`: the sandbox card in an in-process reader, as a `CardChannel`, for the
//! sandbox "virtual card" option (no PC/SC). Clones share the reader; `remove` and `insert`
//! pull and put back the card. While the card is out every command fails with `Removed`; once
//! back, it answers again as a freshly powered card (PIN to be presented again).

use std::sync::{Arc, Mutex, MutexGuard};

use crate::card::{CardChannel, CardError, VirtualCard};

use super::VirtualCps;

struct Slot {
    card: VirtualCps,
    present: bool,
}

/// A connection to the virtual card in an in-process reader.
#[derive(Clone)]
pub struct VirtualChannel {
    slot: Arc<Mutex<Slot>>,
}

impl std::fmt::Debug for VirtualChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VirtualChannel")
            .field("present", &self.is_present())
            .finish_non_exhaustive()
    }
}

impl VirtualChannel {
    /// The reader with `card` inserted, and a connection to it.
    pub fn new(card: VirtualCps) -> Self {
        Self {
            slot: Arc::new(Mutex::new(Slot {
                card,
                present: true,
            })),
        }
    }

    fn slot(&self) -> MutexGuard<'_, Slot> {
        // A panic while holding the lock leaves a usable card state.
        self.slot
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Pulls the card: every connection answers `Removed`.
    pub fn remove(&mut self) {
        let mut slot = self.slot();
        slot.present = false;
        slot.card.reset();
    }

    /// Puts the card back, powered up afresh (selection and PIN status lost).
    pub fn insert(&mut self) {
        let mut slot = self.slot();
        if !slot.present {
            slot.present = true;
            slot.card.reset();
        }
    }

    /// Whether the card is in the reader.
    pub fn is_present(&self) -> bool {
        self.slot().present
    }

    /// The ATR of the virtual card.
    pub fn atr(&self) -> Vec<u8> {
        super::ATR.to_vec()
    }

    /// Runs `f` on the card (tests, sandbox controls).
    pub fn with_card<R>(&self, f: impl FnOnce(&mut VirtualCps) -> R) -> R {
        f(&mut self.slot().card)
    }
}

impl CardChannel for VirtualChannel {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        let mut slot = self.slot();
        if !slot.present {
            return Err(CardError::Removed);
        }
        Ok(slot.card.process(command))
    }
}

impl VirtualCard for VirtualChannel {
    fn remove(&mut self) {
        VirtualChannel::remove(self);
    }

    fn insert(&mut self) {
        VirtualChannel::insert(self);
    }
}
