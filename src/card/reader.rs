//! PC/SC readers: listing them and `PcscChannel`, a connection to the card in a named reader
//! (shared mode, T=0 or T=1) that implements `CardChannel`. The hot-plug monitor lives in
//! `monitor` and is re-exported here.

use std::ffi::CString;

use super::cps::CardChannel;
use super::error::CardError;

pub use super::monitor::{CardEvent, monitor};

/// Maps a PC/SC failure to a card error (the text is pcsc-lite's, never card data).
pub(crate) fn map_pcsc(error: pcsc::Error) -> CardError {
    use pcsc::Error as E;
    match error {
        E::NoService | E::ServiceStopped | E::Shutdown => CardError::ServiceUnavailable,
        E::NoReadersAvailable | E::UnknownReader | E::ReaderUnavailable => CardError::NoReader,
        E::NoSmartcard => CardError::NoCard,
        E::RemovedCard | E::ResetCard | E::UnpoweredCard => CardError::Removed,
        other => CardError::Pcsc(other.to_string()),
    }
}

fn establish() -> Result<pcsc::Context, CardError> {
    pcsc::Context::establish(pcsc::Scope::User).map_err(map_pcsc)
}

/// Names of the connected readers (empty when there are none).
pub fn list_readers() -> Result<Vec<String>, CardError> {
    let context = establish()?;
    reader_names(&context)
}

pub(crate) fn reader_names(context: &pcsc::Context) -> Result<Vec<String>, CardError> {
    match context.list_readers_owned() {
        Ok(names) => Ok(names
            .iter()
            .map(|n| n.to_string_lossy().into_owned())
            .collect()),
        Err(pcsc::Error::NoReadersAvailable) => Ok(Vec::new()),
        Err(e) => Err(map_pcsc(e)),
    }
}

/// A connection to the card in one reader.
pub struct PcscChannel {
    reader: String,
    card: pcsc::Card,
    // Keeps the context alive as long as the card handle.
    _context: pcsc::Context,
}

impl std::fmt::Debug for PcscChannel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PcscChannel")
            .field("reader", &self.reader)
            .finish_non_exhaustive()
    }
}

impl PcscChannel {
    /// Connects to the card in `reader`, shared with other applications, T=0 or T=1.
    pub fn connect(reader: &str) -> Result<Self, CardError> {
        let context = establish()?;
        let name = CString::new(reader).map_err(|_| CardError::NoReader)?;
        let card = context
            .connect(&name, pcsc::ShareMode::Shared, pcsc::Protocols::ANY)
            .map_err(map_pcsc)?;
        Ok(Self {
            reader: reader.to_owned(),
            card,
            _context: context,
        })
    }

    /// The reader this channel talks through.
    pub fn reader(&self) -> &str {
        &self.reader
    }

    /// The ATR of the connected card (from SCardStatus).
    pub fn atr(&self) -> Result<Vec<u8>, CardError> {
        self.card
            .status2_owned()
            .map(|status| status.atr().to_vec())
            .map_err(map_pcsc)
    }
}

impl CardChannel for PcscChannel {
    fn transmit(&mut self, command: &[u8]) -> Result<Vec<u8>, CardError> {
        let mut buffer = zeroize::Zeroizing::new(vec![0u8; pcsc::MAX_BUFFER_SIZE_EXTENDED]);
        let answer = self.card.transmit(command, &mut buffer).map_err(map_pcsc)?;
        Ok(answer.to_vec())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pcsc_errors_map_to_card_errors() {
        assert_eq!(map_pcsc(pcsc::Error::RemovedCard), CardError::Removed);
        assert_eq!(map_pcsc(pcsc::Error::NoSmartcard), CardError::NoCard);
        assert_eq!(
            map_pcsc(pcsc::Error::NoService),
            CardError::ServiceUnavailable
        );
        assert_eq!(map_pcsc(pcsc::Error::UnknownReader), CardError::NoReader);
        assert!(matches!(
            map_pcsc(pcsc::Error::SharingViolation),
            CardError::Pcsc(_)
        ));
    }
}
