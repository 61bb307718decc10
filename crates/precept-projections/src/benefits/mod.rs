//! The benefits read model: claims (with the hashed NINO the UC import matches on), the work
//! queue, decisions for speed of processing, imported files for the automation rate, and
//! overpayments. Folded by the same projector as Council Tax, in the same transaction, from
//! the council's one stream.

pub(crate) mod fold;
pub mod queries;
pub(crate) mod sql;

pub use queries::BenefitQueries;
pub use sql::BENEFITS;
