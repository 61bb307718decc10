//! Recovery on a Council Tax account: the run's daily step per billed year, officers'
//! actions on a year, and account-wide holds (REFERENCE §1.10). The stage machine itself is
//! [`crate::recovery`]; this file feeds it the account's ledger.

use super::command::{RunRecovery, YearAction};
use super::error::AccountError;
use super::event::{AccountEvent, HoldLifted, RecoveryRecorded};
use super::state::OpenAccountState;
use crate::recovery::{Hold, RunDay, decide_action, next_step};

/// The day's steps: none while a hold is in force, else at most one per billed year.
pub(super) fn run(account: &OpenAccountState, run: &RunRecovery) -> Vec<AccountEvent> {
    if !account.holds.is_empty() {
        return Vec::new();
    }
    let day = RunDay {
        date: run.date,
        hearing: run.hearing,
        policy: &run.policy,
    };
    account
        .years
        .iter()
        .filter_map(|(year, billed)| {
            next_step(&billed.recovery, &billed.debt_view(), &day)
                .map(|event| AccountEvent::Recovery(RecoveryRecorded { year: *year, event }))
        })
        .collect()
}

pub(super) fn act(account: &OpenAccountState, action: YearAction) -> Result<Vec<AccountEvent>, AccountError> {
    let billed = account
        .years
        .get(&action.year)
        .ok_or(AccountError::YearNotBilled(action.year))?;
    let event = decide_action(&billed.recovery, &billed.debt_view(), &action.policy, action.action)?;
    Ok(vec![AccountEvent::Recovery(RecoveryRecorded {
        year: action.year,
        event,
    })])
}

pub(super) fn place_hold(account: &OpenAccountState, hold: Hold) -> Result<Vec<AccountEvent>, AccountError> {
    if account.holds.iter().any(|held| held.reason == hold.reason) {
        return Err(AccountError::HoldAlreadyPlaced(hold.reason));
    }
    Ok(vec![AccountEvent::HoldPlaced(hold)])
}

pub(super) fn lift_hold(account: &OpenAccountState, lifted: HoldLifted) -> Result<Vec<AccountEvent>, AccountError> {
    if !account.holds.iter().any(|held| held.reason == lifted.reason) {
        return Err(AccountError::HoldNotPlaced(lifted.reason));
    }
    Ok(vec![AccountEvent::HoldLifted(lifted)])
}
