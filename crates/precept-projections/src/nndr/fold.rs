//! Pure folds for the business rates read model: rows in, commits, rows out.
//!
//! An account row keeps the folded domain state (as Council Tax rows do), so the read model
//! applies the command side's own rules. Statement lines are written once and carry the agent
//! council collecting on the line's date, which attributes the work for cost sharing.

use std::collections::HashMap;

use chrono::NaiveDate;
use precept_app::{FeedCommit, FeedEvents};
use precept_domain::nndr::account::{NndrAccountState, NndrEvent};
use precept_domain::nndr::agency::{Agency, AgencyState};
use precept_domain::nndr::hereditament::{Hereditament, HereditamentState};
use precept_domain::{AggregateKind, Pence};

use crate::activity::ActivityTally;
use crate::billing::fold::{UnexpectedEvent, sql_int};
use precept_domain::partnership::business_rates_activity;

/// An account row.
#[derive(Debug, Clone)]
pub struct NndrAccountRow {
    /// Account id.
    pub account_id: String,
    /// Folded state.
    pub state: NndrAccountState,
    /// Last commit folded.
    pub last_sequence: i64,
}

/// A hereditament row.
#[derive(Debug, Clone)]
pub struct HereditamentRow {
    /// UPRN.
    pub uprn: i64,
    /// Folded state.
    pub state: HereditamentState,
    /// Last commit folded.
    pub last_sequence: i64,
}

/// A statement line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NndrLine {
    /// Account.
    pub account_id: String,
    /// Commit.
    pub sequence: i64,
    /// Event's place in the commit.
    pub position: i64,
    /// Business date.
    pub entry_date: NaiveDate,
    /// `charge`, `adjustment`, `payment`, `reversal`, `refund`, `costs`.
    pub kind: &'static str,
    /// Year, for charges, adjustments and costs.
    pub year: Option<i32>,
    /// Positive adds to what is owed.
    pub amount_pence: i64,
    /// Payment reference or notice number.
    pub reference: String,
    /// The agent council collecting on the date, if any.
    pub collected_by: Option<String>,
}

/// What a batch leaves to write.
#[derive(Debug, Default)]
pub struct NndrFolded {
    /// Touched accounts.
    pub accounts: HashMap<String, NndrAccountRow>,
    /// Touched hereditaments.
    pub hereditaments: HashMap<String, HereditamentRow>,
    /// Every agency of the council (few), touched or not.
    pub agencies: HashMap<String, AgencyState>,
    /// New lines.
    pub lines: Vec<NndrLine>,
    /// An agency started or ended in the batch.
    pub agencies_changed: bool,
}

impl NndrFolded {
    /// The agent acting on `date`, if any.
    pub fn agent_on(&self, date: NaiveDate) -> Option<String> {
        let mut agents: Vec<&String> = self
            .agencies
            .iter()
            .filter(|(_, state)| state.acts_on(date))
            .map(|(agent, _)| agent)
            .collect();
        agents.sort();
        agents.first().map(|agent| (*agent).clone())
    }

    /// The agent with an agency in force now, if any.
    pub fn agent_now(&self) -> Option<String> {
        let mut agents: Vec<&String> = self
            .agencies
            .iter()
            .filter(|(_, state)| state.in_force())
            .map(|(agent, _)| agent)
            .collect();
        agents.sort();
        agents.first().map(|agent| (*agent).clone())
    }

    /// Folds one commit of a business rates kind; other kinds are left alone.
    ///
    /// # Errors
    /// [`UnexpectedEvent`] when history does not fit the row.
    pub fn fold(&mut self, commit: &FeedCommit, activity: &mut ActivityTally) -> Result<(), UnexpectedEvent> {
        let unexpected = |reason: String| UnexpectedEvent {
            sequence: commit.sequence,
            aggregate_id: commit.aggregate_id.clone(),
            reason,
        };
        // Rows remember the last commit folded into them: a commit already in a row (a read
        // model folded again from an earlier checkpoint) is not folded twice.
        let seen = |last: Option<i64>| last.is_some_and(|last| last >= sql_int(commit.sequence));
        match &commit.events {
            FeedEvents::NndrAccount(_)
                if seen(self.accounts.get(&commit.aggregate_id).map(|row| row.last_sequence)) => {}
            FeedEvents::Hereditament(_)
                if seen(
                    self.hereditaments
                        .get(&commit.aggregate_id)
                        .map(|row| row.last_sequence),
                ) => {}
            FeedEvents::NndrAccount(events) => {
                let mut row = self.accounts.remove(&commit.aggregate_id).unwrap_or(NndrAccountRow {
                    account_id: commit.aggregate_id.clone(),
                    state: NndrAccountState::NotOpened,
                    last_sequence: 0,
                });
                for (position, event) in events.iter().enumerate() {
                    let line = line(&row.state, event).map(|(date, kind, year, amount, reference)| NndrLine {
                        account_id: commit.aggregate_id.clone(),
                        sequence: sql_int(commit.sequence),
                        position: sql_int(position as u64),
                        entry_date: date,
                        kind,
                        year,
                        amount_pence: amount.get(),
                        reference,
                        collected_by: self.agent_on(date),
                    });
                    row.state = row.state.apply(event).map_err(|error| unexpected(error.to_string()))?;
                    self.lines.extend(line);
                    if let Some(work) = business_rates_activity(event) {
                        activity.add(self.agent_on(work.1), crate::activity::BUSINESS_RATES, work);
                    }
                }
                row.last_sequence = sql_int(commit.sequence);
                self.accounts.insert(commit.aggregate_id.clone(), row);
            }
            FeedEvents::Hereditament(events) => {
                let uprn = commit
                    .aggregate_id
                    .parse::<i64>()
                    .map_err(|error| unexpected(error.to_string()))?;
                let mut row = self
                    .hereditaments
                    .remove(&commit.aggregate_id)
                    .unwrap_or(HereditamentRow {
                        uprn,
                        state: HereditamentState::default(),
                        last_sequence: 0,
                    });
                row.state = Hereditament::fold(row.state, events).map_err(|error| unexpected(error.to_string()))?;
                row.last_sequence = sql_int(commit.sequence);
                self.hereditaments.insert(commit.aggregate_id.clone(), row);
            }
            FeedEvents::Agency(events) => {
                let state = self.agencies.remove(&commit.aggregate_id).unwrap_or_default();
                let state = Agency::fold(state, events).map_err(|error| unexpected(error.to_string()))?;
                self.agencies.insert(commit.aggregate_id.clone(), state);
                self.agencies_changed = true;
            }
            FeedEvents::CouncilTaxAccount(_)
            | FeedEvents::CouncilYear(_)
            | FeedEvents::Property(_)
            | FeedEvents::NndrYear(_)
            | FeedEvents::BenefitClaim(_)
            | FeedEvents::BenefitYear(_)
            | FeedEvents::UcImport(_) => {}
        }
        Ok(())
    }
}

type Line = (NaiveDate, &'static str, Option<i32>, Pence, String);

/// The statement line an event makes, read against the state before it.
fn line(before: &NndrAccountState, event: &NndrEvent) -> Option<Line> {
    let open = before.as_open();
    match event {
        NndrEvent::BillIssued(bill) => {
            let previous = open
                .and_then(|account| account.years.get(&bill.year))
                .map_or(Pence::ZERO, |year| year.charge.net);
            let kind = if previous == Pence::ZERO && bill.kind == precept_domain::account::NoticeKind::First {
                "charge"
            } else {
                "adjustment"
            };
            let amount = bill.charge.net - previous;
            (amount != Pence::ZERO || kind == "charge").then(|| {
                (
                    bill.issue_date,
                    kind,
                    Some(bill.year.start_year()),
                    amount,
                    format!("notice {}", bill.notice_number),
                )
            })
        }
        NndrEvent::PaymentPosted(posted) => Some((
            posted.received_on,
            "payment",
            None,
            -posted.amount_pence,
            posted.reference.as_str().to_owned(),
        )),
        NndrEvent::PaymentReversed(reversed) => Some((
            reversed.reversed_on,
            "reversal",
            None,
            reversed.amount,
            reversed.payment_id.to_string(),
        )),
        NndrEvent::CreditRefunded(refund) => Some((
            refund.refunded_on,
            "refund",
            None,
            refund.amount,
            refund.refund_id.to_string(),
        )),
        NndrEvent::Recovery(recorded) => {
            let year = open.and_then(|account| account.years.get(&recorded.year))?;
            let mut after = year.recovery.clone();
            after.apply(&recorded.event);
            let costs = after.net_costs() - year.recovery.net_costs();
            (costs != Pence::ZERO).then(|| {
                (
                    recorded.event.date(),
                    "costs",
                    Some(recorded.year.start_year()),
                    costs,
                    "recovery".to_owned(),
                )
            })
        }
        _ => None,
    }
}

/// Whether a commit is of a business rates kind this read model folds.
pub fn is_nndr(kind: &str) -> bool {
    [
        <precept_domain::nndr::account::NndrAccount as AggregateKind>::KIND,
        <Hereditament as AggregateKind>::KIND,
        <Agency as AggregateKind>::KIND,
    ]
    .contains(&kind)
}
