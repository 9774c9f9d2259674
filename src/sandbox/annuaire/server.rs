//! Sandbox FHIR Annuaire server (placeholder until written).
