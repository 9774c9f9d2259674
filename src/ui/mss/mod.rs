//! Sending a stored document by MSSanté through the establishment's gateway: the send form
//! (`form`: the treating physician proposed, recipients searched in the directory, the
//! patient's Mon espace santé mailbox, the message) and a document's sends with what each
//! recipient's mailbox answered (`receipts`). The document viewer owns both states.

mod form;
mod receipts;
mod recipients;

pub use form::{MssForm, mss_form_ui};
pub use receipts::{MssReceipts, receipts_ui};
