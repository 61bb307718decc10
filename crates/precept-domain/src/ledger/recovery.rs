//! Recovery on any account kind: the run's daily step per billed year, officers' actions on
//! a year, and account-wide holds (REFERENCE §1.10, §2.10). The stage machine itself is
//! [`crate::recovery`]; this file feeds it the ledger.

use super::Ledger;
use crate::account::{AccountError, HoldLifted, RecoveryRecorded, RunRecovery, YearAction};
use crate::recovery::{Hold, RunDay, decide_action, next_step};

/// The day's steps: none while a hold is in force, else at most one per billed year.
pub fn run<L: Ledger>(account: &L, run: &RunRecovery) -> Vec<RecoveryRecorded> {
    if !account.holds().is_empty() {
        return Vec::new();
    }
    let day = RunDay {
        date: run.date,
        hearing: run.hearing,
        policy: &run.policy,
    };
    account
        .years()
        .iter()
        .filter_map(|(year, billed)| {
            next_step(&billed.recovery, &billed.debt_view(), &day).map(|event| RecoveryRecorded { year: *year, event })
        })
        .collect()
}

/// An officer's action on one year.
///
/// # Errors
/// [`AccountError::YearNotBilled`], or the stage machine's refusal.
pub fn act<L: Ledger>(account: &L, action: YearAction) -> Result<RecoveryRecorded, AccountError> {
    let billed = account
        .years()
        .get(&action.year)
        .ok_or(AccountError::YearNotBilled(action.year))?;
    let event = decide_action(&billed.recovery, &billed.debt_view(), &action.policy, action.action)?;
    Ok(RecoveryRecorded {
        year: action.year,
        event,
    })
}

/// Holds recovery on the whole account (one hold per reason).
///
/// # Errors
/// [`AccountError::HoldAlreadyPlaced`].
pub fn place_hold<L: Ledger>(account: &L, hold: Hold) -> Result<Hold, AccountError> {
    if account.holds().iter().any(|held| held.reason == hold.reason) {
        return Err(AccountError::HoldAlreadyPlaced(hold.reason));
    }
    Ok(hold)
}

/// Lifts a hold.
///
/// # Errors
/// [`AccountError::HoldNotPlaced`].
pub fn lift_hold<L: Ledger>(account: &L, lifted: HoldLifted) -> Result<HoldLifted, AccountError> {
    if !account.holds().iter().any(|held| held.reason == lifted.reason) {
        return Err(AccountError::HoldNotPlaced(lifted.reason));
    }
    Ok(lifted)
}
