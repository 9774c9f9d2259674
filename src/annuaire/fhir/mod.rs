//! The Annuaire Santé FHIR R4 API (placeholder until written).
