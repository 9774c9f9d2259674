//! The XML toolkit: what every XML message Chevet reads or writes goes through.
//!
//! - [`decode`]: bytes to text (BOM, declared ISO-8859-1/15 or Windows-1252, UTF-16, a
//!   Windows-1252 fallback for undeclared non-UTF-8 answers).
//! - `lexer`: one strict, borrowing tokenizer (no DOCTYPE); `entities`: the entity rules
//!   ([`text_content`], [`attribute_value`]: the five predefined entities and character
//!   references, nothing else).
//! - [`parse`] (`reader`): one bounded ([`Limits`]), namespace-aware reader over the lexer into
//!   a compact [`Document`] (`tree`: an arena whose names and texts borrow the source). HL7v3,
//!   XDS, the SOAP envelope and the sandbox DMP read their messages with it.
//! - `writer`: one set of escaping rules ([`escape_text_into`], [`escape_attr_into`]) and
//!   [`XmlWriter`], used by the HL7v3 and XDS builders, the SOAP envelope, the VIHF and CDA
//!   production (and `crate::xml_escape`, kept as its re-export for pages and PDF metadata).
//! - [`XmlError`]: the toolkit's one error; each service maps it to its own.
//!
//! Readers that stay apart, on purpose: the CDA parser (`crate::cda`) streams (a CDA is large
//! and mostly base64; no tree is built) but reads through the same lexer, with the same
//! decoding, entity rules and errors; the XML-DSig tree (`dmp::xmldsig::tree`) keeps
//! byte spans and namespace declarations as written, which canonicalisation needs.
//!
//! This module depends on nothing else in the crate (the fuzz build compiles it beside
//! `src/cda`).

pub mod decode;
mod entities;
mod error;
mod lexer;
mod reader;
mod tree;
mod writer;

#[cfg(test)]
mod tests;

pub use decode::{Decoded, UnknownEncoding, decode_lenient};
pub(crate) use entities::check_attribute_value;
pub use entities::{attribute_value, text_content};
pub use error::{XmlError, XmlProblem};
pub(crate) use lexer::{Lexer, Token, find_attribute};
pub use reader::{Limits, parse};
pub use tree::{Attr, Children, Descendants, Document, Element};
pub use writer::{XmlWriter, escape_attr, escape_attr_into, escape_text, escape_text_into};

/// Namespace of the `xml:` prefix (`xml:lang`), bound by definition.
pub const NS_XML: &str = "http://www.w3.org/XML/1998/namespace";
/// Namespace of namespace declarations (never bound to a prefix by a document).
pub const NS_XMLNS: &str = "http://www.w3.org/2000/xmlns/";
/// XML Schema instance (`xsi:type`, `xsi:nil`).
pub const NS_XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";

/// Test helper: parses a copy of `text` kept for the rest of the test process, and returns the
/// root element (tests then hold elements without holding the document).
#[cfg(test)]
pub(crate) fn parse_leaked(text: &str, limits: &Limits) -> Result<Element<'static>, XmlError> {
    let text: &'static str = Box::leak(text.to_owned().into_boxed_str());
    let doc: &'static Document<'static> = Box::leak(Box::new(parse(text, limits)?));
    Ok(doc.root())
}
