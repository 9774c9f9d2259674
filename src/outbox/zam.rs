//! The business acknowledgements (ZAM) the PFI sends back.
