//! The HL7 v2 message Chevet sends to the PFI (volet CISIS_CDA_HL7_V2 2.1).
