//! The Council Tax recovery read model: where each account-year stands in recovery
//! (`ct_recovery_years`) and every step taken (`ct_recovery_steps`).
//!
//! It is folded by the `ct-billing` projector in the same batch transaction as the billing
//! rows: both come from the same account events, and a second projector would read the whole
//! stream again for the few commits that carry recovery. [`queries`] reads it for gRPC.

pub mod queries;
pub(crate) mod rows;
pub(crate) mod sql;
