//! The sandbox virtual CPS card.
