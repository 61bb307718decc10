//! The business rates read model: accounts and statements, each billed year's collectable
//! debit and reliefs by type (the figures NNDR1/NNDR3-style returns need), collection by
//! month, hereditaments, and agencies, with each statement line attributed to the agent
//! council collecting on its date. Folded by the same projector as Council Tax, in the same
//! transaction, because both come from the council's one stream.

pub mod fold;
pub mod queries;
mod rows;
pub(crate) mod sql;
