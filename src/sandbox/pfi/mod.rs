//! The sandbox PFI: the hospital gateway that takes Chevet's MDM/ORU, forwards to the sandbox DMP and answers with ZAM business acks.
