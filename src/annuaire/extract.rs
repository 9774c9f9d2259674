//! The bulk extract `Extraction_Correspondance_MSSante` (placeholder until written).
