//! Worked examples for the benefit calculations, as given/when/then tables whose figures come
//! from REFERENCE §3.2, §3.3 and §3.5, and property tests for the rules that must hold on
//! every input.
//!
//! What this is: tests of `hb`, `ctr` and `overpayment` through their public functions.
//! What this is not: tests of the aggregates that record awards as events.

mod ctr;
mod hb;
mod overpayment;
mod properties;

use chrono::NaiveDate;

use crate::benefits::hb::Household;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture date is valid")
}

fn single() -> Household {
    Household::default()
}

fn couple() -> Household {
    Household {
        partner: true,
        ..Household::default()
    }
}

fn with_children(household: Household, children: u8) -> Household {
    Household { children, ..household }
}

/// A single person who reached pension age on or after 1 April 2021.
fn single_pensioner() -> Household {
    Household {
        pension_age: true,
        ..Household::default()
    }
}
