//! What every export shares: the producer stamp (name and version in each file), CSV for a
//! French spreadsheet, and files written where only their owner can read them.

pub mod csv;
pub mod file;
pub mod stamp;
