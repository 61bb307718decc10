//! Building the billing query answers from the read model's views.

use chrono::NaiveDate;
use precept_app::council_tax::{AccountSummary, ListedAccount, StatementEntry};
use precept_domain::CouncilCode;
use precept_domain::instalments::PlanLength;
use precept_domain::ledger::{BilledYear, Charged};

use crate::convert;
use crate::proto;

/// Instalments with what has been paid to each and their status on `as_of`.
pub(crate) fn instalments<C: Charged>(year: &BilledYear<C>, as_of: NaiveDate) -> (Vec<proto::Instalment>, i64) {
    let mut arrears = 0;
    let rows = year
        .paid_by_instalment()
        .map(|(instalment, paid)| {
            let (amount, paid) = (instalment.amount.get(), paid.get());
            let status = if paid == amount {
                proto::InstalmentStatus::Paid
            } else if instalment.due <= as_of {
                arrears += amount - paid;
                proto::InstalmentStatus::Overdue
            } else if paid > 0 {
                proto::InstalmentStatus::PartPaid
            } else {
                proto::InstalmentStatus::NotYetDue
            };
            proto::Instalment {
                due: instalment.due.to_string(),
                amount_pence: amount,
                paid_pence: paid,
                status: status.into(),
            }
        })
        .collect();
    (rows, arrears)
}

/// The account summary message.
pub(crate) fn summary(council: &CouncilCode, view: &AccountSummary, as_of: NaiveDate) -> Option<proto::AccountSummary> {
    let account = view.state.as_open()?;
    let mut total_arrears = 0;
    let years = account
        .years
        .iter()
        .map(|(year, billed)| {
            let (rows, arrears) = instalments(billed, as_of);
            total_arrears += arrears;
            proto::AccountYear {
                year: year.to_string(),
                issued_on: billed.issued_on.to_string(),
                charge: Some(convert::charge_to(&billed.charge)),
                paid_pence: billed.paid.get(),
                instalments: rows,
                arrears_pence: arrears,
            }
        })
        .collect();
    Some(proto::AccountSummary {
        council: council.to_string(),
        account_id: account.account_id.to_string(),
        uprn: account.property.get().to_string(),
        band: view.band.clone().unwrap_or_default(),
        liability_start: account.liability_start.to_string(),
        liability_end: account
            .liability_last_day
            .map(|day| day.to_string())
            .unwrap_or_default(),
        liable_party_ids: account.liable_parties.iter().map(ToString::to_string).collect(),
        twelve_instalments: account.plan.length == PlanLength::Twelve,
        instalment_day: account.plan.day,
        balance_owed_pence: account.balance_owed_pence.get(),
        credit_pence: account.credit.get(),
        arrears_pence: total_arrears,
        years,
        as_of_sequence: view.as_of_sequence,
    })
}

/// The statement message, with a running balance.
pub(crate) fn statement(entries: Vec<StatementEntry>) -> proto::Statement {
    let mut balance = 0;
    let lines = entries
        .into_iter()
        .map(|entry| {
            balance += entry.amount_pence;
            proto::StatementLine {
                line_no: u64::try_from(entry.line_no).unwrap_or(0),
                entry_date: entry.entry_date,
                kind: entry.kind,
                year: entry
                    .year
                    .and_then(|start| precept_domain::FinancialYear::starting(start).ok())
                    .map(|year| year.to_string())
                    .unwrap_or_default(),
                amount_pence: entry.amount_pence,
                reference: entry.reference,
                balance_after_pence: balance,
            }
        })
        .collect();
    proto::Statement {
        lines,
        balance_owed_pence: balance,
    }
}

/// One listed account.
pub(crate) fn listed(account: ListedAccount) -> proto::ListedAccount {
    proto::ListedAccount {
        account_id: account.account_id,
        uprn: account.uprn.to_string(),
        band: account.band.unwrap_or_default(),
        balance_owed_pence: account.balance_owed_pence,
        first_unpaid_due: account.first_unpaid_due.unwrap_or_default(),
    }
}
