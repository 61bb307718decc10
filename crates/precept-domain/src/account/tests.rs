//! Given a history, when a command, then events or an error. Histories are built by running
//! earlier commands, so every fixture is a state the aggregate can actually reach. Figures
//! come from REFERENCE.md §1 and are worked in the comments.

use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::calendar::FinancialYear;
use crate::charge::{BillingContext, DiscountKind, ExemptionClass};
use crate::council_year::Band;
use crate::fixtures::{context, date, single, tonbridge_2025, year};
use crate::ids::{PartyId, PaymentId, Uprn};
use crate::instalments::{Instalment, InstalmentPlan, PlanLength};
use crate::money::{Pence, gbp};

fn account_id() -> AccountId {
    AccountId::parse("6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11").expect("fixture id is valid")
}

fn party(n: u8) -> PartyId {
    PartyId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).expect("fixture id is valid")
}

fn payment_id(n: u8) -> PaymentId {
    PaymentId::parse(&format!("00000000-0000-4000-9000-0000000000{n:02x}")).expect("fixture id is valid")
}

fn uprn() -> Uprn {
    Uprn::parse("100062557744").expect("fixture UPRN is valid")
}

pub(super) fn open_from(start: &str, parties: &[u8], brought_forward: &str) -> AccountCommand {
    AccountCommand::OpenAccount(OpenAccount {
        property: uprn(),
        liability_start: date(start),
        liable_parties: parties.iter().copied().map(party).collect(),
        balance_brought_forward_pence: gbp(brought_forward),
        instalment_plan: InstalmentPlan::default(),
    })
}

fn pay(n: u8, amount: &str, appropriate_to: Option<i32>) -> AccountCommand {
    AccountCommand::PostPayment(PostPayment {
        payment_id: payment_id(n),
        amount_pence: gbp(amount),
        method: PaymentMethod::DirectDebit,
        reference: PaymentReference::parse("DD 2025-05").expect("fixture reference is valid"),
        received_on: date("2025-05-01"),
        appropriate_to: appropriate_to.map(year),
    })
}

pub(super) fn bill(start: i32, issue: &str, context: &Arc<BillingContext>) -> AccountCommand {
    AccountCommand::IssueBill(IssueBill {
        year: year(start),
        issue_date: date(issue),
        context: Arc::clone(context),
    })
}

fn change(change: CircumstanceChange, notice: &str, context: &Arc<BillingContext>) -> AccountCommand {
    AccountCommand::ChangeCircumstances(ChangeCircumstances {
        change,
        notice_date: date(notice),
        context: Arc::clone(context),
    })
}

/// An account driven command by command.
pub(super) struct Scenario {
    state: AccountState,
}

impl Scenario {
    pub(super) fn given(commands: Vec<AccountCommand>) -> Self {
        let mut scenario = Scenario {
            state: AccountState::default(),
        };
        for command in commands {
            scenario.when(command).expect("given commands are accepted");
        }
        scenario
    }

    pub(super) fn when(&mut self, command: AccountCommand) -> Result<Vec<AccountEvent>, AccountError> {
        let events = self.state.decide(account_id(), command)?;
        self.state = CouncilTaxAccount::fold(self.state.clone(), &events).expect("decided events fold");
        Ok(events)
    }

    pub(super) fn account(&self) -> &OpenAccountState {
        self.state.as_open().expect("account is open")
    }

    pub(super) fn year(&self, start: i32) -> &YearAccount {
        self.account().years.get(&year(start)).expect("year is billed")
    }
}

fn bills(events: &[AccountEvent]) -> Vec<&BillIssued> {
    events
        .iter()
        .filter_map(|event| match event {
            AccountEvent::BillIssued(bill) => Some(bill),
            _ => None,
        })
        .collect()
}

fn amounts(instalments: &[Instalment]) -> Vec<Pence> {
    instalments.iter().map(|i| i.amount).collect()
}

pub(super) fn tonbridge(band: Band) -> Arc<BillingContext> {
    Arc::new(context(&[(2025, tonbridge_2025())], band))
}

fn two_years() -> Arc<BillingContext> {
    // 2024/25 at the national average Band D of £2,171 (REFERENCE §1.3), 2025/26 Tonbridge.
    Arc::new(context(&[(2024, single("2171.00")), (2025, tonbridge_2025())], Band::D))
}

#[test]
fn opening_an_account_records_it_and_each_liable_party_in_one_command() {
    let events = Scenario::given(vec![])
        .when(open_from("2025-04-01", &[1, 2], "0"))
        .expect("opens");
    assert_eq!(
        events,
        vec![
            AccountEvent::AccountOpened(AccountOpened {
                account_id: account_id(),
                property: uprn(),
                liability_start: date("2025-04-01"),
                balance_brought_forward_pence: Pence::ZERO,
            }),
            AccountEvent::LiablePartyAdded(LiablePartyAdded {
                party_id: party(1),
                liable_from: date("2025-04-01")
            }),
            AccountEvent::LiablePartyAdded(LiablePartyAdded {
                party_id: party(2),
                liable_from: date("2025-04-01")
            }),
        ]
    );
}

#[test]
fn opening_rules_refuse_bad_accounts() {
    let parties: Vec<u8> = (1..=17).collect();
    for (given, when, then) in [
        (
            vec![open_from("2025-04-01", &[1], "0")],
            open_from("2025-04-01", &[1], "0"),
            AccountError::AccountAlreadyOpen,
        ),
        (vec![], open_from("2025-04-01", &[], "0"), AccountError::NoLiableParty),
        (
            vec![],
            open_from("2025-04-01", &[3, 3], "0"),
            AccountError::DuplicateLiableParty(party(3)),
        ),
        (
            vec![],
            open_from("2025-04-01", &parties, "0"),
            AccountError::TooManyLiableParties { max: 16 },
        ),
        (vec![], pay(1, "25.50", None), AccountError::AccountNotOpen),
    ] {
        assert_eq!(Scenario::given(given).when(when), Err(then));
    }
}

#[test]
fn the_annual_bill_carries_the_charge_breakdown_and_ten_instalments() {
    // £2,278.52 over 10: £227.852 rounds to £228; the first is £2,278.52 - 9 x £228 = £226.52.
    let context = tonbridge(Band::D);
    let mut account = Scenario::given(vec![open_from("2020-06-01", &[1], "0")]);
    let events = account.when(bill(2025, "2025-03-10", &context)).expect("bills");
    let issued = bills(&events);
    assert_eq!(issued.len(), 1);
    let notice = issued[0];
    assert_eq!(
        (notice.kind, notice.notice_number, notice.charge.net),
        (NoticeKind::First, 1, gbp("2278.52"))
    );
    let mut expected = vec![gbp("226.52")];
    expected.extend([gbp("228.00"); 9]);
    assert_eq!(amounts(&notice.instalments), expected);
    assert_eq!(account.account().balance_owed_pence, gbp("2278.52"));
    // Billing the same year again (a re-run) issues nothing.
    assert_eq!(account.when(bill(2025, "2025-03-12", &context)), Ok(vec![]));
}

#[test]
fn a_first_bill_later_in_the_year_follows_the_issue_date_rules() {
    // Moved in 3 May; billed 12 May: 9 instalments from June (REFERENCE §1.9). 333 liable days
    // of £2,278.52 = £2,078.762 -> £2,078.76.
    let context = tonbridge(Band::D);
    let mut account = Scenario::given(vec![open_from("2025-05-03", &[1], "0")]);
    let events = account.when(bill(2025, "2025-05-12", &context)).expect("bills");
    let notice = bills(&events)[0];
    assert_eq!((notice.charge.liable_days, notice.charge.net), (333, gbp("2078.76")));
    assert_eq!(notice.instalments.len(), 9);
    assert_eq!(notice.instalments[0].due, date("2025-06-01"));
}

#[test]
fn a_band_b_single_person_discount_from_a_mid_year_date_revises_the_bill() {
    // Band B £1,772.18 over 10: £177.218 -> £177, first £179.18. SPD from 1 October gives
    // £1,551.27 (see charge tests). Revised on 20 September, instalments due from 4 October
    // can change: April-October (£179.18 + 6 x £177 = £1,241.18) stay and £310.09 is spread
    // over November-January: £103.36 -> £103, first £104.09.
    let context = tonbridge(Band::B);
    let mut account = Scenario::given(vec![
        open_from("2020-06-01", &[1], "0"),
        bill(2025, "2025-03-10", &context),
    ]);
    let award = CircumstanceChange::AwardDiscount {
        kind: DiscountKind::SinglePerson,
        from: date("2025-10-01"),
        to: None,
    };
    let events = account.when(change(award, "2025-09-20", &context)).expect("awarded");
    assert!(
        matches!(&events[0], AccountEvent::DiscountAwarded(started) if started.value == DiscountKind::SinglePerson)
    );
    let revised = bills(&events)[0];
    assert_eq!(
        (revised.kind, revised.notice_number, revised.charge.net),
        (NoticeKind::Revised, 2, gbp("1551.27"))
    );
    assert_eq!(revised.charge.discount, gbp("220.91"));
    assert_eq!(
        amounts(&revised.instalments[7..]),
        vec![gbp("104.09"), gbp("103.00"), gbp("103.00")]
    );
    assert_eq!(amounts(&revised.instalments).into_iter().sum::<Pence>(), gbp("1551.27"));
}

#[test]
fn an_exemption_keeps_its_class_letter_and_clears_the_charge() {
    let context = tonbridge(Band::C);
    let mut account = Scenario::given(vec![
        open_from("2020-06-01", &[1], "0"),
        bill(2025, "2025-03-10", &context),
    ]);
    let class = ExemptionClass::parse("N").expect("class N");
    let award = CircumstanceChange::AwardExemption {
        class,
        from: date("2025-04-01"),
        to: None,
    };
    let events = account.when(change(award, "2025-04-02", &context)).expect("exempt");
    let revised = bills(&events)[0];
    assert_eq!(
        (revised.charge.net, revised.charge.segments[0].exemption),
        (Pence::ZERO, Some(class))
    );
    assert!(revised.instalments.is_empty());
    assert_eq!(account.account().exemptions[0].value.letter(), 'N');
}

#[test]
fn moving_out_ends_liability_the_day_before() {
    // REFERENCE §1.4: in 3 May, out 11 November: 192 days, £1,198.56 at Band D.
    let context = tonbridge(Band::D);
    let mut account = Scenario::given(vec![
        open_from("2025-05-03", &[1], "0"),
        bill(2025, "2025-05-12", &context),
    ]);
    let events = account
        .when(change(
            CircumstanceChange::MoveOut {
                move_out: date("2025-11-11"),
            },
            "2025-11-12",
            &context,
        ))
        .expect("moved out");
    assert!(matches!(&events[0], AccountEvent::LiabilityEnded(ended) if ended.last_day == date("2025-11-10")));
    let revised = bills(&events)[0];
    assert_eq!((revised.charge.liable_days, revised.charge.net), (192, gbp("1198.56")));
    assert_eq!(
        account.when(change(
            CircumstanceChange::MoveOut {
                move_out: date("2025-12-01")
            },
            "2025-12-01",
            &context
        )),
        Err(AccountError::LiabilityAlreadyEnded)
    );
}

#[test]
fn a_backdated_discount_recalculates_earlier_years() {
    // SPD from 1 October 2024, recorded in June 2025: 2024/25 becomes £2,171 - £2,171 x
    // 182/365 x 25% = £1,900.37; 2025/26 becomes £2,278.52 x 75% = £1,708.89.
    let context = two_years();
    let mut account = Scenario::given(vec![
        open_from("2024-04-01", &[1], "0"),
        bill(2024, "2024-03-11", &context),
        bill(2025, "2025-03-10", &context),
    ]);
    let award = CircumstanceChange::AwardDiscount {
        kind: DiscountKind::SinglePerson,
        from: date("2024-10-01"),
        to: None,
    };
    let events = account.when(change(award, "2025-06-02", &context)).expect("awarded");
    let revised: Vec<(FinancialYear, Pence)> = bills(&events).iter().map(|b| (b.year, b.charge.net)).collect();
    assert_eq!(
        revised,
        vec![(year(2024), gbp("1900.37")), (year(2025), gbp("1708.89"))]
    );
    assert_eq!(account.account().balance_owed_pence, gbp("3609.26"));
}

#[test]
fn periods_of_the_same_kind_may_not_overlap_or_precede_the_liability() {
    let context = tonbridge(Band::D);
    let award = |from: &str| CircumstanceChange::AwardDiscount {
        kind: DiscountKind::AllDisregarded,
        from: date(from),
        to: None,
    };
    let mut account = Scenario::given(vec![
        open_from("2025-04-01", &[1], "0"),
        change(award("2025-06-01"), "2025-06-01", &context),
    ]);
    assert_eq!(
        account.when(change(award("2025-09-01"), "2025-09-01", &context)),
        Err(AccountError::Overlap("discount"))
    );
    assert!(matches!(
        account.when(change(award("2025-01-01"), "2025-09-01", &context)),
        Err(AccountError::BadDate(_))
    ));
    assert_eq!(
        account.when(change(
            CircumstanceChange::EndExemption {
                last_day: date("2025-07-01")
            },
            "2025-07-01",
            &context
        )),
        Err(AccountError::NoOpenPeriod("exemption"))
    );
    let ended = account
        .when(change(
            CircumstanceChange::EndDiscount {
                last_day: date("2025-08-31"),
            },
            "2025-09-01",
            &context,
        ))
        .expect("ended");
    assert_eq!(
        ended,
        vec![AccountEvent::DiscountEnded(PeriodEnded {
            from: date("2025-06-01"),
            last_day: date("2025-08-31")
        })]
    );
}

#[test]
fn payments_pay_the_oldest_debt_first_unless_appropriated() {
    let context = two_years();
    let mut account = Scenario::given(vec![
        open_from("2024-04-01", &[1], "100.00"),
        bill(2024, "2024-03-11", &context),
        bill(2025, "2025-03-10", &context),
    ]);
    let events = account.when(pay(1, "150.00", None)).expect("paid");
    let AccountEvent::PaymentAllocated(allocated) = &events[1] else {
        panic!("allocation follows the payment")
    };
    assert_eq!(
        allocated.allocations,
        vec![
            Allocation {
                debt: Debt::Sundry,
                amount: gbp("100.00")
            },
            Allocation {
                debt: Debt::Year(year(2024)),
                amount: gbp("50.00")
            },
        ]
    );
    account.when(pay(2, "300.00", Some(2025))).expect("paid");
    assert_eq!(
        (account.year(2024).paid, account.year(2025).paid),
        (gbp("50.00"), gbp("300.00"))
    );
    assert_eq!(
        account.when(pay(3, "1.00", Some(2023))),
        Err(AccountError::YearNotBilled(year(2023)))
    );
}

#[test]
fn an_overpayment_becomes_credit_that_can_be_refunded_or_carried_forward() {
    let context = two_years();
    let mut account = Scenario::given(vec![
        open_from("2024-04-01", &[1], "0"),
        bill(2024, "2024-03-11", &context),
        bill(2025, "2025-03-10", &context),
        pay(1, "2200.00", Some(2024)),
    ]);
    // £2,200 to a year owing £2,171 leaves £29 credit.
    assert_eq!(account.account().credit, gbp("29.00"));
    let refund = |n: u8, amount: &str| {
        AccountCommand::RefundCredit(RefundCredit {
            refund_id: payment_id(n),
            amount_pence: gbp(amount),
            refunded_on: date("2025-06-01"),
        })
    };
    assert_eq!(account.when(refund(9, "30.00")), Err(AccountError::CreditInsufficient));
    account.when(refund(9, "4.00")).expect("refunded");
    let carry = |amount: &str| {
        AccountCommand::CarryForwardCredit(CarryForwardCredit {
            year: year(2025),
            amount_pence: gbp(amount),
            on: date("2025-06-01"),
        })
    };
    account.when(carry("25.00")).expect("carried");
    assert_eq!(
        (account.account().credit, account.year(2025).paid),
        (Pence::ZERO, gbp("25.00"))
    );
    assert_eq!(account.account().balance_owed_pence, gbp("2253.52"));
}

#[test]
fn a_bounced_direct_debit_reverses_its_payment() {
    let context = tonbridge(Band::D);
    let mut account = Scenario::given(vec![
        open_from("2020-06-01", &[1], "0"),
        bill(2025, "2025-03-10", &context),
        pay(1, "226.52", None),
    ]);
    let reverse = AccountCommand::ReversePayment(ReversePayment {
        payment_id: payment_id(1),
        reason: ReversalReason::DirectDebitReturned,
        reversed_on: date("2025-04-04"),
    });
    let events = account.when(reverse.clone()).expect("reversed");
    let AccountEvent::PaymentReversed(reversed) = &events[0] else {
        panic!("a reversal")
    };
    assert_eq!(
        reversed.deallocations,
        vec![Allocation {
            debt: Debt::Year(year(2025)),
            amount: gbp("226.52")
        }]
    );
    assert_eq!(
        (account.account().balance_owed_pence, account.year(2025).paid),
        (gbp("2278.52"), Pence::ZERO)
    );
    assert_eq!(
        account.when(reverse),
        Err(AccountError::PaymentAlreadyReversed(payment_id(1)))
    );
}

#[test]
fn a_reduced_charge_below_what_was_paid_releases_the_excess_to_credit() {
    let context = tonbridge(Band::D);
    let mut account = Scenario::given(vec![
        open_from("2025-04-01", &[1], "0"),
        bill(2025, "2025-03-10", &context),
        pay(1, "2278.52", None),
    ]);
    // Exempt from 1 October: the charge halves to 183/365 of £2,278.52 = £1,142.38.
    let award = CircumstanceChange::AwardExemption {
        class: ExemptionClass::parse("F").expect("F"),
        from: date("2025-10-01"),
        to: None,
    };
    let events = account.when(change(award, "2025-10-02", &context)).expect("exempt");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, AccountEvent::AllocationReleased(r) if r.amount == gbp("1136.14")))
    );
    assert_eq!(
        (account.account().credit, account.account().balance_owed_pence),
        (gbp("1136.14"), gbp("-1136.14"))
    );
}

#[test]
fn asking_for_twelve_instalments_mid_year_respreads_to_march() {
    let context = tonbridge(Band::D);
    let mut account = Scenario::given(vec![
        open_from("2020-06-01", &[1], "0"),
        bill(2025, "2025-03-10", &context),
    ]);
    let twelve = AccountCommand::ChangeInstalmentPlan(ChangeInstalmentPlan {
        plan: InstalmentPlan {
            length: PlanLength::Twelve,
            day: 15,
        },
        notice_date: date("2025-06-20"),
        context: Arc::clone(&context),
    });
    let events = account.when(twelve).expect("changed");
    let revised = bills(&events)[0];
    // April-July stay (due before 4 July); the rest falls on the 15th, August to March.
    assert_eq!(revised.instalments.len(), 4 + 8);
    assert_eq!(revised.instalments.last().map(|i| i.due), Some(date("2026-03-15")));
    assert_eq!(amounts(&revised.instalments).into_iter().sum::<Pence>(), gbp("2278.52"));
    let bad_day = AccountCommand::ChangeInstalmentPlan(ChangeInstalmentPlan {
        plan: InstalmentPlan {
            length: PlanLength::Twelve,
            day: 2,
        },
        notice_date: date("2025-06-20"),
        context,
    });
    assert_eq!(account.when(bad_day), Err(AccountError::InstalmentDayNotOffered(2)));
}

#[test]
fn references_are_short_printable_text() {
    assert!(PaymentReference::parse("CT123456").is_ok());
    for bad in ["", "   ", "a\nb", "é", &"x".repeat(36)] {
        assert!(PaymentReference::parse(bad).is_err(), "{bad:?}");
    }
}

/// One step of a random account history.
#[derive(Debug, Clone)]
enum Step {
    Pay(i64, Option<bool>),
    Reverse(usize),
    Refund(i64),
    Carry(i64),
    Discount(i64),
    EndDiscount(i64),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        (1i64..300_000, proptest::option::of(any::<bool>())).prop_map(|(a, y)| Step::Pay(a, y)),
        (0usize..20).prop_map(Step::Reverse),
        (1i64..50_000).prop_map(Step::Refund),
        (1i64..50_000).prop_map(Step::Carry),
        (0i64..700).prop_map(Step::Discount),
        (0i64..700).prop_map(Step::EndDiscount),
    ]
}

fn command(step: &Step, n: u8, context: &Arc<BillingContext>) -> AccountCommand {
    let first = year(2024).first_day();
    match step {
        Step::Pay(amount, year_choice) => AccountCommand::PostPayment(PostPayment {
            payment_id: payment_id(n),
            amount_pence: Pence::new(*amount),
            method: PaymentMethod::Card,
            reference: PaymentReference::parse("REF").expect("valid"),
            received_on: date("2025-06-01"),
            appropriate_to: year_choice.map(|later| year(if later { 2025 } else { 2024 })),
        }),
        Step::Reverse(index) => AccountCommand::ReversePayment(ReversePayment {
            payment_id: payment_id(u8::try_from(*index).expect("small")),
            reason: ReversalReason::DirectDebitReturned,
            reversed_on: date("2025-06-02"),
        }),
        Step::Refund(amount) => AccountCommand::RefundCredit(RefundCredit {
            refund_id: payment_id(n),
            amount_pence: Pence::new(*amount),
            refunded_on: date("2025-06-03"),
        }),
        Step::Carry(amount) => AccountCommand::CarryForwardCredit(CarryForwardCredit {
            year: year(2025),
            amount_pence: Pence::new(*amount),
            on: date("2025-06-03"),
        }),
        Step::Discount(offset) => change(
            CircumstanceChange::AwardDiscount {
                kind: DiscountKind::SinglePerson,
                from: first + chrono::Duration::days(*offset),
                to: None,
            },
            "2025-06-04",
            context,
        ),
        Step::EndDiscount(offset) => change(
            CircumstanceChange::EndDiscount {
                last_day: first + chrono::Duration::days(*offset),
            },
            "2025-06-04",
            context,
        ),
    }
}

fn check_ledger(account: &OpenAccountState) -> Result<(), TestCaseError> {
    let charged: Pence = account.sundry_charged + account.years.values().map(|y| y.charge.net).sum::<Pence>();
    let paid: Pence = account.sundry_paid + account.years.values().map(|y| y.paid).sum::<Pence>();
    prop_assert_eq!(account.balance_owed_pence, charged - paid - account.credit);
    prop_assert!(account.credit.get() >= 0);
    for year in account.years.values() {
        prop_assert!(year.paid.get() >= 0 && year.paid <= year.charge.net.max(Pence::ZERO));
        prop_assert_eq!(amounts(&year.instalments).into_iter().sum::<Pence>(), year.charge.net);
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_history_keeps_the_ledger_whole_and_replays_identically(steps in proptest::collection::vec(step(), 0..25)) {
        let context = two_years();
        let mut scenario = Scenario::given(vec![
            open_from("2024-04-01", &[1], "50.00"),
            bill(2024, "2024-03-11", &context),
            bill(2025, "2025-03-10", &context),
        ]);
        let mut history: Vec<AccountEvent> = Vec::new();
        let opening = CouncilTaxAccount::fold(AccountState::default(), &[]).expect("empty");
        prop_assert_eq!(opening, AccountState::NotOpened);
        for (n, step) in steps.iter().enumerate() {
            // Refused commands change nothing; accepted ones must keep every invariant.
            if let Ok(events) = scenario.when(command(step, u8::try_from(n).expect("small"), &context)) {
                history.extend(events);
            }
            check_ledger(scenario.account())?;
        }
        let replayed = Scenario::given(vec![
            open_from("2024-04-01", &[1], "50.00"),
            bill(2024, "2024-03-11", &context),
            bill(2025, "2025-03-10", &context),
        ]);
        let replayed = CouncilTaxAccount::fold(replayed.state, &history).expect("history folds");
        prop_assert_eq!(replayed, scenario.state.clone());
    }
}
