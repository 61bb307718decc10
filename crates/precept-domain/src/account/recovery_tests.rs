//! Recovery on the account: costs join the year's debt and balance, payments count against
//! notices, holds stop the run, and a revised bill keeps the year's recovery.

use std::sync::Arc;

use super::tests::{Scenario, bill, open_from, tonbridge};
use super::*;
use crate::council_year::Band;
use crate::fixtures::{date, year};
use crate::money::Pence;
use crate::recovery::{Hold, HoldReason, RecoveryEvent, RecoveryPolicy};

fn run(date_text: &str, hearing: Option<&str>) -> AccountCommand {
    AccountCommand::RunRecovery(RunRecovery {
        date: date(date_text),
        hearing: hearing.map(date),
        policy: Arc::new(RecoveryPolicy::council_tax(Pence::new(7_000), Pence::new(3_000))),
    })
}

fn steps(events: &[AccountEvent]) -> Vec<&RecoveryEvent> {
    events
        .iter()
        .filter_map(|event| match event {
            AccountEvent::Recovery(recorded) => Some(&recorded.event),
            _ => None,
        })
        .collect()
}

/// A Band D account billed for 2025/26 in March with nothing paid.
fn unpaid() -> Scenario {
    let context = tonbridge(Band::D);
    Scenario::given(vec![
        open_from("2025-04-01", &[1], "0"),
        bill(2025, "2025-03-10", &context),
    ])
}

#[test]
fn summons_and_order_costs_join_the_year_s_debt_and_the_balance() {
    let mut account = unpaid();
    let net = account.year(2025).charge.net;
    assert!(matches!(
        steps(&account.when(run("2025-04-15", None)).expect("run"))[..],
        [RecoveryEvent::ReminderIssued(_)]
    ));
    assert!(matches!(
        steps(&account.when(run("2025-04-23", None)).expect("run"))[..],
        [RecoveryEvent::InstalmentRightLost(_)]
    ));
    account.when(run("2025-04-29", Some("2025-05-20"))).expect("summons");
    account.when(run("2025-05-20", None)).expect("order");
    let year = account.year(2025);
    assert_eq!(year.recovery.costs, Pence::new(10_000));
    assert_eq!(year.outstanding(), net + Pence::new(10_000));
    assert_eq!(account.account().balance_owed_pence, net + Pence::new(10_000));
}

#[test]
fn a_payment_pays_costs_after_the_charge_and_clears_the_year() {
    let mut account = unpaid();
    let net = account.year(2025).charge.net;
    account.when(run("2025-04-15", None)).expect("reminder");
    account.when(run("2025-04-23", None)).expect("lost");
    account.when(run("2025-04-29", Some("2025-05-20"))).expect("summons");
    let total = net + Pence::new(7_000);
    account
        .when(AccountCommand::PostPayment(PostPayment {
            payment_id: crate::ids::PaymentId::parse("00000000-0000-4000-9000-000000000001").expect("id"),
            amount_pence: total,
            method: PaymentMethod::Card,
            reference: PaymentReference::parse("CARD 1").expect("reference"),
            received_on: date("2025-04-30"),
            appropriate_to: None,
        }))
        .expect("paid in full");
    assert_eq!(account.year(2025).outstanding(), Pence::ZERO);
    assert_eq!(
        steps(&account.when(run("2025-05-01", None)).expect("run")),
        vec![&RecoveryEvent::SummonsWithdrawn { on: date("2025-05-01") }]
    );
}

#[test]
fn a_hold_stops_the_run_until_it_is_lifted() {
    let mut account = unpaid();
    account
        .when(AccountCommand::PlaceHold(Hold {
            reason: HoldReason::Dispute,
            from: date("2025-04-10"),
        }))
        .expect("hold");
    let again = account.when(AccountCommand::PlaceHold(Hold {
        reason: HoldReason::Dispute,
        from: date("2025-04-11"),
    }));
    assert_eq!(again, Err(AccountError::HoldAlreadyPlaced(HoldReason::Dispute)));
    assert!(
        account.when(run("2025-04-15", None)).expect("run").is_empty(),
        "held: no reminder"
    );
    account
        .when(AccountCommand::LiftHold(HoldLifted {
            reason: HoldReason::Dispute,
            on: date("2025-05-02"),
        }))
        .expect("lift");
    let events = account.when(run("2025-05-02", None)).expect("run");
    let [RecoveryEvent::ReminderIssued(reminder)] = steps(&events)[..] else {
        panic!("the run resumes once lifted: {events:?}");
    };
    assert_eq!(
        reminder.covers_due_through,
        date("2025-05-01"),
        "both missed instalments"
    );
}

#[test]
fn officer_actions_name_the_year_and_check_it_is_billed() {
    let mut account = unpaid();
    let action = AccountCommand::Recovery(YearAction {
        year: year(2024),
        action: crate::recovery::RecoveryAction::WriteOff {
            on: date("2025-06-01"),
            amount: Pence::new(100),
            reason: crate::recovery::WriteOffReason::Uneconomic,
        },
        policy: Arc::new(RecoveryPolicy::council_tax(Pence::ZERO, Pence::ZERO)),
    });
    assert_eq!(account.when(action), Err(AccountError::YearNotBilled(year(2024))));
}
