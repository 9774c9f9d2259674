//! The blocking card monitor: readers appearing and leaving (through the
//! `\\?PnP?\Notification` pseudo-reader), cards inserted and removed, pcscd going away and
//! coming back. One `SCardGetStatusChange` wait of at most 250 ms at a time, so the stop flag is
//! seen quickly and a removal is reported as soon as pcscd signals it.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::reader::reader_names;

/// Longest wait before the stop flag is checked again.
const POLL: Duration = Duration::from_millis(250);

/// What the monitor reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CardEvent {
    /// The set of readers (sent first, then on every change).
    Readers(Vec<String>),
    /// A card is in `reader` (also sent at start for cards already there).
    Inserted { reader: String, atr: Vec<u8> },
    /// The card left `reader` (or the reader itself left).
    Removed { reader: String },
    /// pcscd is not reachable; the monitor keeps trying.
    ServiceUnavailable,
}

/// What the monitor knows of one reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Known {
    present: bool,
    event_count: u32,
}

/// Why a watch over one PC/SC context ended.
enum End {
    Stopped,
    ServiceLost,
}

/// Blocks, watching readers (hot-plug through the `\\?PnP?\Notification` pseudo-reader) and
/// cards with SCardGetStatusChange, calling `on_event` for each change, until `stop` is set
/// (checked at least every 250 ms). Survives pcscd restarts: the context is established again,
/// and `ServiceUnavailable` is reported meanwhile (once per outage, after `Removed` for every
/// card that was present).
pub fn monitor(stop: &AtomicBool, on_event: &mut dyn FnMut(CardEvent)) {
    let mut cards: BTreeMap<String, Known> = BTreeMap::new();
    let mut readers: Option<Vec<String>> = None;
    let mut unavailable = false;
    while !stop.load(Ordering::Relaxed) {
        let context = match pcsc::Context::establish(pcsc::Scope::User) {
            Ok(context) => context,
            Err(e) => {
                if !unavailable {
                    tracing::info!(error = %e, "PC/SC service unavailable");
                    on_event(CardEvent::ServiceUnavailable);
                    unavailable = true;
                    readers = None;
                }
                std::thread::sleep(POLL);
                continue;
            }
        };
        match watch(&context, stop, &mut cards, &mut readers, on_event) {
            End::Stopped => return,
            End::ServiceLost => {
                for (reader, known) in std::mem::take(&mut cards) {
                    if known.present {
                        on_event(CardEvent::Removed { reader });
                    }
                }
                tracing::info!("PC/SC service lost");
                on_event(CardEvent::ServiceUnavailable);
                unavailable = true;
                readers = None;
                std::thread::sleep(POLL);
            }
        }
    }
}

fn is_service_loss(error: pcsc::Error) -> bool {
    matches!(
        error,
        pcsc::Error::NoService
            | pcsc::Error::ServiceStopped
            | pcsc::Error::InvalidHandle
            | pcsc::Error::CommError
            | pcsc::Error::Shutdown
    )
}

/// Watches through one context until stopped or the service goes away.
fn watch(
    context: &pcsc::Context,
    stop: &AtomicBool,
    cards: &mut BTreeMap<String, Known>,
    last_readers: &mut Option<Vec<String>>,
    on_event: &mut dyn FnMut(CardEvent),
) -> End {
    let mut states: Vec<pcsc::ReaderState> = Vec::new();
    let mut relist = true;
    loop {
        if stop.load(Ordering::Relaxed) {
            return End::Stopped;
        }
        if relist {
            relist = false;
            let names = match reader_names(context) {
                Ok(names) => names,
                Err(super::error::CardError::ServiceUnavailable) => return End::ServiceLost,
                Err(e) => {
                    tracing::warn!(error = %e, "listing readers failed");
                    return End::ServiceLost;
                }
            };
            // Cards of readers that left are gone too.
            let gone: Vec<String> = cards
                .keys()
                .filter(|r| !names.contains(r))
                .cloned()
                .collect();
            for reader in gone {
                if cards.remove(&reader).is_some_and(|k| k.present) {
                    on_event(CardEvent::Removed { reader });
                }
            }
            if last_readers.as_ref() != Some(&names) {
                on_event(CardEvent::Readers(names.clone()));
                *last_readers = Some(names.clone());
            }
            states = rebuild_states(&names, states);
        }
        match context.get_status_change(POLL, &mut states) {
            Ok(()) => {}
            Err(pcsc::Error::Timeout) => continue,
            Err(pcsc::Error::UnknownReader) => {
                relist = true;
                continue;
            }
            Err(e) if is_service_loss(e) => return End::ServiceLost,
            Err(e) => {
                tracing::warn!(error = %e, "SCardGetStatusChange failed");
                std::thread::sleep(POLL);
                relist = true;
                continue;
            }
        }
        for state in &mut states {
            let name = state.name().to_string_lossy().into_owned();
            let event = state.event_state();
            if state.name() == pcsc::PNP_NOTIFICATION() {
                if event.contains(pcsc::State::CHANGED) {
                    relist = true;
                }
            } else if event.intersects(pcsc::State::UNKNOWN | pcsc::State::IGNORE) {
                relist = true;
            } else if event.contains(pcsc::State::CHANGED) {
                let now = Known {
                    present: event.contains(pcsc::State::PRESENT)
                        && !event.contains(pcsc::State::MUTE),
                    event_count: state.event_count(),
                };
                let before = cards.insert(name.clone(), now).unwrap_or(Known {
                    present: false,
                    event_count: now.event_count,
                });
                // Pulled and put back between two waits: the count moved, report both.
                let swapped =
                    before.present && now.present && before.event_count != now.event_count;
                if before.present && (!now.present || swapped) {
                    on_event(CardEvent::Removed {
                        reader: name.clone(),
                    });
                }
                if now.present && (!before.present || swapped) {
                    on_event(CardEvent::Inserted {
                        reader: name,
                        atr: state.atr().to_vec(),
                    });
                }
            }
            state.sync_current_state();
        }
    }
}

/// Reader states for `names` plus the PnP pseudo-reader, keeping what is known of readers that
/// stay (so their current state is not reported again).
fn rebuild_states(names: &[String], old: Vec<pcsc::ReaderState>) -> Vec<pcsc::ReaderState> {
    let mut kept: BTreeMap<String, pcsc::ReaderState> = old
        .into_iter()
        .map(|s| (s.name().to_string_lossy().into_owned(), s))
        .collect();
    let pnp_name = pcsc::PNP_NOTIFICATION().to_string_lossy().into_owned();
    let mut states = Vec::with_capacity(names.len() + 1);
    states.push(
        kept.remove(&pnp_name).unwrap_or_else(|| {
            pcsc::ReaderState::new(pcsc::PNP_NOTIFICATION(), pcsc::State::UNAWARE)
        }),
    );
    for name in names {
        if let Some(state) = kept.remove(name) {
            states.push(state);
        } else if let Ok(cname) = CString::new(name.as_str()) {
            states.push(pcsc::ReaderState::new(cname, pcsc::State::UNAWARE));
        }
    }
    states
}
