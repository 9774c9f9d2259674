//! SOAP Faults in a DMP answer: SOAP 1.2 (`Code/Value`, nested `Subcode/Value`, `Reason/Text`,
//! French preferred) and SOAP 1.1 (`faultcode`, `faultstring`), read into a
//! [`SoapFault`] and turned into a [`DmpError`] by [`DmpError::from_fault`]. Every parser of this
//! module reports a Fault found in place of its payload this way.

use crate::dmp::error::{DmpError, FaultCode, ServerText, SoapFault, SoapVersion, WireCode};
use crate::dmp::soap::{self, SOAP11, is_soap};
use crate::xml::{Element, Limits};

/// Deepest `Subcode` chain read.
const MAX_SUBCODES: usize = 8;

/// The error of the Fault in `body` (a Fault, a Body or an Envelope); `None` when there is none
/// or `body` is not XML.
pub(crate) fn find_fault(body: &str) -> Option<DmpError> {
    let doc = soap::parse(body, &Limits::HL7V3).ok()?;
    let mut node = doc.root();
    if is_soap(&node, "Envelope") {
        node = node.children().find(|c| is_soap(c, "Body"))?;
    }
    if is_soap(&node, "Body") {
        node = node.children().find(|c| is_soap(c, "Fault"))?;
    }
    is_soap(&node, "Fault").then(|| fault_error(&node))
}

/// The error of a `Fault` element.
pub fn fault_error(fault: &Element<'_>) -> DmpError {
    DmpError::from_fault(read_fault(*fault))
}

/// Reads a `Fault` element of either SOAP version.
pub(crate) fn read_fault(fault: Element<'_>) -> SoapFault {
    if fault.child("Code").is_none() && (fault.ns() == SOAP11 || fault.child("faultcode").is_some())
    {
        return SoapFault {
            version: SoapVersion::Soap11,
            code: FaultCode::parse(fault.child_text_trim("faultcode").unwrap_or_default()),
            subcodes: Vec::new(),
            reason: ServerText::new(fault.child_text_trim("faultstring").unwrap_or_default()),
        };
    }
    let code = fault.child("Code");
    let mut subcodes = Vec::new();
    let mut sub = code.and_then(|c| c.child("Subcode"));
    while let Some(s) = sub {
        if subcodes.len() >= MAX_SUBCODES {
            break;
        }
        if let Some(value) = s.child_text_trim("Value") {
            subcodes.push(WireCode::new(value));
        }
        sub = s.child("Subcode");
    }
    SoapFault {
        version: SoapVersion::Soap12,
        code: FaultCode::parse(
            code.and_then(|c| c.child_text_trim("Value"))
                .unwrap_or_default(),
        ),
        subcodes,
        reason: ServerText::new(reason_text(fault).unwrap_or_default()),
    }
}

/// `Reason/Text` in French when there is one, else the first.
fn reason_text(fault: Element<'_>) -> Option<&str> {
    let reason = fault.child("Reason")?;
    let french = reason.children_named("Text").find(|t| {
        t.attr_ns_trim(crate::xml::NS_XML, "lang")
            .is_some_and(|l| l.starts_with("fr"))
    });
    french
        .or_else(|| reason.child("Text"))
        .and_then(|e| e.text_trim())
}

#[cfg(test)]
#[path = "fault_tests.rs"]
mod tests;
