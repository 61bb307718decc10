//! Business rates (NNDR): the yearly parameters and the charge for one hereditament, with its
//! reliefs (REFERENCE §2). Pure; issue 5 builds hereditaments, accounts and billing on it.
//!
//! - `parameters`: multipliers (two-multiplier years and the 2026/27 five-multiplier regime)
//!   and relief figures by year, every one a parameter.
//! - `charge`: gross charge by liable days, then reliefs in one documented order.
//!
//! Not here yet: transitional relief (§2.8), ratepayers with several properties (SBRR's
//! "one main property" test is an input), and the hereditament aggregate.

pub mod charge;
pub mod parameters;

#[cfg(test)]
mod tests;

pub use charge::{NndrCharge, Occupation, PropertyFacts, ReliefClaims, nndr_charge};
pub use parameters::{EmptyRelief, Multiplier, MultiplierKind, Multipliers, NndrYear, RhlRelief, SbrrTaper};
