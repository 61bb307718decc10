//! The Council Tax billing read model: accounts (summary, balance, arrears), years, statement
//! lines and properties, folded by the `ct-billing` projector.
//!
//! [`fold`] holds the pure row folds; `sql` writes a batch in one transaction on either
//! backend; [`queries`] reads it for the gRPC queries and the billing run's directory.

pub mod fold;
pub mod queries;
mod sql;

pub(crate) use sql::{Folded, RowCache, postgres, sqlite};

/// The projector's name, used for its checkpoint and its durable consumer.
pub const PROJECTOR: &str = "ct-billing";
