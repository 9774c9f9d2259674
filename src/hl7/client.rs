//! An MLLP client: one message out, its ACK frame back, bounded in time.
