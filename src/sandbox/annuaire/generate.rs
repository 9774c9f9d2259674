//! Generated Annuaire extract (placeholder until written).
