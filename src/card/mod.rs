//! The CPS card over PC/SC: readers and hot-plug, card events, holder identity, PIN, and the
//! proof of key possession.
