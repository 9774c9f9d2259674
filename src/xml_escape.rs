//! Escaping of values written into generated markup outside the XML writer (PDF metadata, the
//! sandbox's HTML pages): a re-export of the toolkit's one rule set (`crate::xml::writer`).
//! [`escape`] uses the attribute rules, safe in text and in attribute values alike.

pub use crate::xml::{escape_attr as escape, escape_attr_into as escape_into};
