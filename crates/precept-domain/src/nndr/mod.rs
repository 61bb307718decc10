//! Business rates (NNDR, REFERENCE §2): the yearly parameters, the charge for a hereditament
//! with its reliefs, and the aggregates billing is built on.
//!
//! - `parameters`: multipliers (two-multiplier years and the 2026/27 five-multiplier regime)
//!   and relief figures by year, every one a parameter.
//! - `charge`: gross charge by liable days, then reliefs in one documented order.
//! - `settings` (`nndr-year`): a billing authority's settings for a year.
//! - `hereditament` (`nndr-hereditament`): the rating list entry and its values over time.
//! - `account` (`nndr-account`): a ratepayer's liability, notices and money.
//! - `agency` (`nndr-agency`): another council billing and collecting on the authority's behalf.
//!
//! Not here: ratepayers with several properties (SBRR's "one main property" test is decided by
//! the council and arrives as a relief claim), and supporting small business relief (2026).

pub mod account;
pub mod agency;
pub mod charge;
pub mod hereditament;
pub mod parameters;
pub mod settings;

#[cfg(test)]
mod tests;

pub use charge::{NndrCharge, Occupation, PropertyFacts, ReliefClaims, nndr_charge};
pub use parameters::{
    EmptyRelief, Multiplier, MultiplierKind, Multipliers, NndrYear, RhlRelief, SbrrTaper, TransitionalCaps,
};
