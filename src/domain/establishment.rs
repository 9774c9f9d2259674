//! The establishment an installation belongs to: the name and FINESS printed on and written
//! into produced documents, and the OIDs under which it numbers patients (IPP) and documents.

/// Who this installation is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Establishment {
    pub name: String,
    /// FINESS géographique of the site (9 characters with its Luhn key).
    pub finess: String,
    /// OID under which IPPs are assigned.
    pub ipp_oid: String,
    /// OID under which produced documents are numbered.
    pub document_oid: String,
}
