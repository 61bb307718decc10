//! Pure folds for the Council Tax billing read model: rows in, events, rows out.
//!
//! An account row carries the account's folded domain state as a JSON document, so the read
//! model applies exactly the rules the command side applies (allocation, revisions) rather
//! than a second copy of them; the columns beside it are what queries filter on. Statement
//! lines are written once per money event and never updated.

use chrono::NaiveDate;
use precept_app::FeedCommit;
use precept_app::council_tax::RecoveryStepView;
use precept_domain::account::{AccountEvent, AccountState, NoticeKind, OpenAccountState};
use precept_domain::property::{PropertyEvent, PropertyState};
use precept_domain::{Pence, Uprn};

/// An account row as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountRow {
    /// Account id.
    pub account_id: String,
    /// Folded state.
    pub state: AccountState,
    /// Payments posted (reversed ones included).
    pub payments_count: i64,
    /// Statement lines written so far.
    pub lines: i64,
    /// Events folded.
    pub version: i64,
    /// Last commit folded.
    pub last_sequence: i64,
}

/// One line of a statement of account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// Account id.
    pub account_id: String,
    /// Counts the account's lines from 1.
    pub line_no: i64,
    /// Commit it came from.
    pub sequence: i64,
    /// Business date.
    pub entry_date: NaiveDate,
    /// `brought_forward`, `charge`, `adjustment`, `payment`, `reversal`, `refund`.
    pub kind: &'static str,
    /// Year for charges and adjustments.
    pub year: Option<i32>,
    /// Positive adds to what is owed; negative reduces it.
    pub amount_pence: i64,
    /// Payment reference, notice number, or reason.
    pub reference: String,
}

/// A property row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PropertyRow {
    /// UPRN.
    pub uprn: i64,
    /// Folded state.
    pub state: PropertyState,
    /// Last commit folded.
    pub last_sequence: i64,
}

/// History and read model disagree: the projector stops rather than publish a wrong figure.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("event at sequence {sequence} does not fit {aggregate_id}'s row: {reason}")]
pub struct UnexpectedEvent {
    /// Commit.
    pub sequence: u64,
    /// Aggregate.
    pub aggregate_id: String,
    /// Why.
    pub reason: String,
}

pub(crate) fn sql_int(value: u64) -> i64 {
    i64::try_from(value).expect("sequences and versions stay below i64::MAX")
}

/// Rows a batch appends (never updates): statement lines and recovery steps.
#[derive(Debug, Default)]
pub struct Appended {
    /// Statement lines.
    pub lines: Vec<StatementLine>,
    /// Recovery steps, for the recovery read model.
    pub steps: Vec<RecoveryStepView>,
    /// Changes to each year's billed amount per preceptor (collection fund, REFERENCE §5.4).
    pub precepts: crate::collection::PreceptTally,
}

/// Folds one account commit into its row, appending statement lines and recovery steps.
///
/// # Errors
/// [`UnexpectedEvent`].
pub fn apply_account(
    row: Option<AccountRow>,
    commit: &FeedCommit,
    events: &[AccountEvent],
    appended: &mut Appended,
) -> Result<AccountRow, UnexpectedEvent> {
    let mut row = row.unwrap_or_else(|| AccountRow {
        account_id: commit.aggregate_id.clone(),
        state: AccountState::NotOpened,
        payments_count: 0,
        lines: 0,
        version: 0,
        last_sequence: 0,
    });
    let unexpected = |reason: String| UnexpectedEvent {
        sequence: commit.sequence,
        aggregate_id: commit.aggregate_id.clone(),
        reason,
    };
    for (position, event) in events.iter().enumerate() {
        let before = row.state.as_open().map(|open| previous_net(open, event));
        if let AccountEvent::Recovery(recorded) = event {
            let mut step =
                crate::recovery::rows::step_row(&row.account_id, recorded.year.start_year(), &recorded.event);
            step.sequence = commit.sequence;
            step.position = u32::try_from(position).expect("a commit holds far fewer than 2^32 events");
            appended.steps.push(step);
        }
        if let (AccountEvent::BillIssued(bill), Some(open)) = (event, row.state.as_open()) {
            let previous = open.years.get(&bill.year).map(|year| &year.charge);
            appended.precepts.bill(previous, &bill.charge);
        }
        if let Some(line) = statement_line(before.flatten(), event) {
            row.lines += 1;
            appended.lines.push(StatementLine {
                account_id: row.account_id.clone(),
                line_no: row.lines,
                sequence: sql_int(commit.sequence),
                ..line
            });
        }
        if matches!(event, AccountEvent::PaymentPosted(_)) {
            row.payments_count += 1;
        }
        row.state = std::mem::take(&mut row.state)
            .apply(event)
            .map_err(|error| unexpected(error.to_string()))?;
    }
    row.version = sql_int(commit.first_version + events.len() as u64 - 1);
    row.last_sequence = sql_int(commit.sequence);
    Ok(row)
}

fn previous_net(account: &OpenAccountState, event: &AccountEvent) -> Option<Pence> {
    match event {
        AccountEvent::BillIssued(bill) => account.years.get(&bill.year).map(|year| year.charge.net),
        _ => None,
    }
}

fn line(
    entry_date: NaiveDate,
    kind: &'static str,
    year: Option<i32>,
    amount: Pence,
    reference: String,
) -> StatementLine {
    StatementLine {
        account_id: String::new(),
        line_no: 0,
        sequence: 0,
        entry_date,
        kind,
        year,
        amount_pence: amount.get(),
        reference,
    }
}

fn statement_line(previous_net: Option<Pence>, event: &AccountEvent) -> Option<StatementLine> {
    match event {
        AccountEvent::AccountOpened(opened) if opened.balance_brought_forward_pence != Pence::ZERO => Some(line(
            opened.liability_start,
            "brought_forward",
            None,
            opened.balance_brought_forward_pence,
            "balance brought forward".into(),
        )),
        AccountEvent::BillIssued(bill) => {
            let delta = bill.charge.net - previous_net.unwrap_or(Pence::ZERO);
            let kind = match bill.kind {
                NoticeKind::First => "charge",
                NoticeKind::Revised => "adjustment",
            };
            Some(line(
                bill.issue_date,
                kind,
                Some(bill.year.start_year()),
                delta,
                format!("notice {} for {}", bill.notice_number, bill.year),
            ))
        }
        AccountEvent::PaymentPosted(payment) => Some(line(
            payment.received_on,
            "payment",
            None,
            -payment.amount_pence,
            payment.reference.as_str().to_owned(),
        )),
        AccountEvent::PaymentReversed(reversed) => Some(line(
            reversed.reversed_on,
            "reversal",
            None,
            reversed.amount,
            format!("payment {} reversed", reversed.payment_id),
        )),
        AccountEvent::CreditRefunded(refund) => Some(line(
            refund.refunded_on,
            "refund",
            None,
            refund.amount,
            format!("refund {}", refund.refund_id),
        )),
        _ => None,
    }
}

/// Folds one property commit into its row.
///
/// # Errors
/// [`UnexpectedEvent`].
pub fn apply_property(
    row: Option<PropertyRow>,
    commit: &FeedCommit,
    events: &[PropertyEvent],
) -> Result<PropertyRow, UnexpectedEvent> {
    let uprn = Uprn::parse(&commit.aggregate_id).map_err(|error| UnexpectedEvent {
        sequence: commit.sequence,
        aggregate_id: commit.aggregate_id.clone(),
        reason: error.to_string(),
    })?;
    let mut row = row.unwrap_or_else(|| PropertyRow {
        uprn: i64::try_from(uprn.get()).expect("a 12-digit UPRN fits in i64"),
        state: PropertyState::default(),
        last_sequence: 0,
    });
    for event in events {
        row.state = <precept_domain::property::Property as precept_domain::aggregate::Aggregate>::apply(
            std::mem::take(&mut row.state),
            event.clone(),
        )
        .map_err(|error| UnexpectedEvent {
            sequence: commit.sequence,
            aggregate_id: commit.aggregate_id.clone(),
            reason: error.to_string(),
        })?;
    }
    row.last_sequence = sql_int(commit.sequence);
    Ok(row)
}
