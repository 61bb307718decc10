//! Every transition of the recovery stage machine, with its dates (REFERENCE §1.10).

use chrono::NaiveDate;

use super::*;
use crate::council_year::ShortCode;
use crate::instalments::Instalment;
use crate::money::Pence;

fn d(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

fn policy() -> RecoveryPolicy {
    RecoveryPolicy::council_tax(Pence::new(7_000), Pence::new(3_000))
}

/// A year of ten £100 instalments on the 1st, April to January, and what has been paid.
struct Year {
    instalments: Vec<Instalment>,
    paid: Pence,
    recovery: YearRecovery,
    policy: RecoveryPolicy,
}

impl Year {
    fn new() -> Self {
        let instalments = (0..10)
            .map(|month| Instalment {
                due: crate::calendar::month_day(d("2025-04-01"), month, 1),
                amount: Pence::new(10_000),
            })
            .collect();
        Year {
            instalments,
            paid: Pence::ZERO,
            recovery: YearRecovery::default(),
            policy: policy(),
        }
    }

    fn outstanding(&self) -> Pence {
        Pence::new(100_000) + self.recovery.costs - self.paid - self.recovery.written_off
    }

    fn step(&mut self, date: &str, hearing: Option<&str>) -> Option<RecoveryEvent> {
        let debt = DebtView {
            instalments: &self.instalments,
            paid: self.paid,
            outstanding: self.outstanding(),
        };
        let day = RunDay {
            date: d(date),
            hearing: hearing.map(d),
            policy: &self.policy,
        };
        let event = next_step(&self.recovery, &debt, &day);
        if let Some(event) = &event {
            self.recovery.apply(event);
            // The same day again finds nothing more: re-runs are harmless.
            let again = DebtView {
                instalments: &self.instalments,
                paid: self.paid,
                outstanding: self.outstanding(),
            };
            let repeat = next_step(&self.recovery, &again, &day);
            assert!(
                !matches!(
                    repeat,
                    Some(RecoveryEvent::ReminderIssued(_) | RecoveryEvent::FinalNoticeIssued(_))
                ),
                "a second notice on {date}: {repeat:?}"
            );
        }
        event
    }

    fn act(&mut self, action: RecoveryAction) -> Result<RecoveryEvent, RecoveryError> {
        let debt = DebtView {
            instalments: &self.instalments,
            paid: self.paid,
            outstanding: self.outstanding(),
        };
        let event = decide_action(&self.recovery, &debt, &self.policy, action)?;
        self.recovery.apply(&event);
        Ok(event)
    }

    fn pay(&mut self, pounds: i64) {
        self.paid = self.paid + Pence::new(pounds * 100);
    }
}

#[test]
fn an_instalment_missed_brings_a_reminder_after_the_council_s_lag() {
    let mut year = Year::new();
    year.pay(100); // April paid; May missed
    assert_eq!(
        year.step("2025-05-14", None),
        None,
        "13 days after the due date: too soon"
    );
    let Some(RecoveryEvent::ReminderIssued(reminder)) = year.step("2025-05-15", None) else {
        panic!("a reminder 14 days after the missed instalment");
    };
    assert_eq!(reminder.number, 1);
    assert_eq!(reminder.arrears, Pence::new(10_000));
    assert_eq!(reminder.covers_due_through, d("2025-05-01"));
    assert_eq!(reminder.pay_by, d("2025-05-22"), "7 days to pay (reg 23(1))");
    assert_eq!(reminder.balance_due_on, d("2025-05-29"), "a further 7 days (reg 23(3))");
    assert_eq!(year.recovery.stage_name(), "first_reminder");
}

#[test]
fn paying_inside_the_seven_days_keeps_the_instalments() {
    let mut year = Year::new();
    year.pay(100);
    year.step("2025-05-15", None);
    assert_eq!(year.step("2025-05-22", None), None, "the window is still open on day 7");
    year.pay(100);
    assert_eq!(
        year.step("2025-05-23", None),
        Some(RecoveryEvent::ReminderComplied { on: d("2025-05-23") })
    );
    assert_eq!(year.recovery.stage, Stage::Instalments);
}

#[test]
fn an_unmet_reminder_loses_the_instalments_and_the_balance_falls_due_after_14_days() {
    let mut year = Year::new();
    year.pay(100);
    year.step("2025-05-15", None);
    let Some(RecoveryEvent::InstalmentRightLost(lost)) = year.step("2025-05-23", None) else {
        panic!("instalments lost on day 8");
    };
    assert_eq!(lost.balance, Pence::new(90_000));
    assert_eq!(lost.summons_from, d("2025-05-29"));
    assert_eq!(
        year.step("2025-05-28", Some("2025-06-20")),
        None,
        "no summons before the balance is due"
    );
    let Some(RecoveryEvent::SummonsIssued(summons)) = year.step("2025-05-29", Some("2025-06-20")) else {
        panic!("a summons once the balance is due");
    };
    assert_eq!(summons.costs, Pence::new(7_000));
    assert_eq!(summons.amount, Pence::new(97_000));
}

#[test]
fn a_summons_needs_a_hearing_at_least_14_days_away() {
    let mut year = Year::new();
    year.pay(100);
    year.step("2025-05-15", None);
    year.step("2025-05-23", None);
    assert_eq!(year.step("2025-05-29", None), None, "no hearing booked");
    assert_eq!(
        year.step("2025-05-29", Some("2025-06-11")),
        None,
        "13 days' notice is too little"
    );
    assert!(matches!(
        year.step("2025-05-29", Some("2025-06-12")),
        Some(RecoveryEvent::SummonsIssued(_))
    ));
}

#[test]
fn paying_balance_and_costs_before_the_hearing_withdraws_the_summons() {
    let mut year = Year::new();
    year.pay(100);
    year.step("2025-05-15", None);
    year.step("2025-05-23", None);
    year.step("2025-05-29", Some("2025-06-20"));
    year.pay(900);
    assert_eq!(
        year.step("2025-06-10", Some("2025-06-20")),
        None,
        "£70 costs still owed"
    );
    year.pay(70);
    assert_eq!(
        year.step("2025-06-11", None),
        Some(RecoveryEvent::SummonsWithdrawn { on: d("2025-06-11") })
    );
    assert_eq!(year.recovery.stage, Stage::Cleared);
}

#[test]
fn an_unpaid_summons_becomes_a_liability_order_with_its_costs_on_the_hearing_date() {
    let mut year = Year::new();
    year.pay(100);
    year.step("2025-05-15", None);
    year.step("2025-05-23", None);
    year.step("2025-05-29", Some("2025-06-20"));
    assert_eq!(year.step("2025-06-19", None), None);
    let Some(RecoveryEvent::LiabilityOrderGranted(order)) = year.step("2025-06-23", None) else {
        panic!("the order after the hearing");
    };
    assert_eq!(
        order.on,
        d("2025-06-20"),
        "granted at the hearing, recorded by the next run"
    );
    assert_eq!(order.costs, Pence::new(3_000));
    assert_eq!(order.amount, Pence::new(100_000), "£900 + £70 + £30");
    assert_eq!(year.outstanding(), Pence::new(100_000));
}

#[test]
fn the_third_default_after_two_reminders_met_brings_a_final_notice() {
    let mut year = Year::new();
    year.pay(100); // April
    year.step("2025-05-15", None);
    year.pay(100); // May, late but inside the window
    year.step("2025-05-23", None);
    year.pay(100); // June
    assert!(matches!(year.step("2025-07-15", None), Some(RecoveryEvent::ReminderIssued(r)) if r.number == 2));
    year.pay(100); // July
    year.step("2025-07-23", None);
    assert_eq!(year.recovery.stage_name(), "instalments_resumed");
    year.pay(100); // August; September missed
    let Some(RecoveryEvent::FinalNoticeIssued(notice)) = year.step("2025-09-15", None) else {
        panic!("a final notice at the third default");
    };
    assert_eq!(notice.balance, Pence::new(50_000), "the whole balance (reg 23(4))");
    assert_eq!(notice.summons_from, d("2025-09-22"), "7 days before a summons (reg 33)");
    assert_eq!(year.recovery.stage_name(), "final_notice");
}

fn to_liability_order(year: &mut Year) {
    year.pay(100);
    year.step("2025-05-15", None);
    year.step("2025-05-23", None);
    year.step("2025-05-29", Some("2025-06-20"));
    year.step("2025-06-23", None);
    assert_eq!(year.recovery.stage_name(), "liability_order");
}

fn monthly(from: &str, count: u32, pounds: i64) -> Vec<Instalment> {
    (0..count)
        .map(|month| Instalment {
            due: crate::calendar::month_day(d(from), month, 1),
            amount: Pence::new(pounds * 100),
        })
        .collect()
}

#[test]
fn an_arrangement_kept_holds_recovery_until_paid_then_clears() {
    let mut year = Year::new();
    to_liability_order(&mut year);
    year.act(RecoveryAction::MakeArrangement {
        on: d("2025-06-25"),
        instalments: monthly("2025-07-01", 4, 250),
    })
    .expect("an arrangement after a liability order");
    for month in ["2025-07-05", "2025-08-05", "2025-09-05"] {
        year.pay(250);
        assert_eq!(year.step(month, None), None, "kept on {month}, not yet complete");
    }
    year.pay(250);
    assert_eq!(
        year.step("2025-10-06", None),
        Some(RecoveryEvent::ArrangementKept { on: d("2025-10-06") })
    );
    assert_eq!(
        year.step("2025-10-07", None),
        Some(RecoveryEvent::Cleared { on: d("2025-10-07") })
    );
}

#[test]
fn an_arrangement_broken_resumes_recovery() {
    let mut year = Year::new();
    to_liability_order(&mut year);
    year.act(RecoveryAction::MakeArrangement {
        on: d("2025-06-25"),
        instalments: monthly("2025-07-01", 4, 250),
    })
    .expect("arrangement");
    year.pay(250);
    assert_eq!(
        year.step("2025-08-08", None),
        None,
        "August's payment is inside the 7 days' grace"
    );
    assert_eq!(
        year.step("2025-08-09", None),
        Some(RecoveryEvent::ArrangementBroken {
            on: d("2025-08-09"),
            missed: d("2025-08-01")
        })
    );
    assert!(year.recovery.arrangement.is_none());
    let referral = year
        .act(RecoveryAction::ReferToAgent {
            on: d("2025-08-10"),
            firm: ShortCode::parse("bristow-sutor").expect("code"),
        })
        .expect("recovery resumes: the debt can go to an agent");
    let RecoveryEvent::ReferredToAgent(referral) = referral else {
        panic!("referral")
    };
    assert_eq!(referral.debt, Pence::new(75_000));
    assert_eq!(referral.compliance_fee, Pence::new(7_500));
}

#[test]
fn agent_fees_follow_the_2014_scale() {
    let scale = AgentFeeScale::england_2014();
    // REFERENCE §1.10's example: £2,000 at enforcement is £75 + £235 + 7.5% × £500.
    let total = scale.fee(AgentStage::Compliance, Pence::new(200_000))
        + scale.fee(AgentStage::Enforcement, Pence::new(200_000));
    assert_eq!(total, Pence::new(34_750));
    assert_eq!(
        scale.fee(AgentStage::Sale, Pence::new(150_000)),
        Pence::new(11_000),
        "nothing above £1,500"
    );
    assert_eq!(
        scale.fee(AgentStage::Sale, Pence::new(150_001)),
        Pence::new(11_000),
        "7.5% of 1p rounds to nothing"
    );
    assert_eq!(scale.fee(AgentStage::Sale, Pence::new(150_007)), Pence::new(11_001));
}

#[test]
fn attachment_of_earnings_follows_the_table() {
    let table = EarningsTable::england_2007();
    assert_eq!(table.deduction(PayPeriod::Weekly, Pence::new(7_500)), Pence::ZERO);
    assert_eq!(
        table.deduction(PayPeriod::Weekly, Pence::new(30_000)),
        Pence::new(3_600),
        "12% of £300"
    );
    assert_eq!(
        table.deduction(PayPeriod::Weekly, Pence::new(50_500)),
        Pence::new(8_585),
        "17% of £505"
    );
    assert_eq!(
        table.deduction(PayPeriod::Weekly, Pence::new(60_500)),
        Pence::new(8_585 + 5_000),
        "17% of £505 plus half of the £100 above"
    );
    assert_eq!(
        table.deduction(PayPeriod::Monthly, Pence::new(55_001)),
        Pence::new(2_750),
        "5% of £550.01, rounded down"
    );
    assert_eq!(
        table.deduction(PayPeriod::Daily, Pence::new(2_000)),
        Pence::new(60),
        "3% of £20"
    );
}

#[test]
fn remedies_need_a_liability_order_one_at_a_time_and_their_thresholds() {
    let mut year = Year::new();
    let employer = ShortCode::parse("emp-1042").expect("code");
    let attach = |employer: &ShortCode| RecoveryAction::AttachEarnings {
        on: d("2025-07-01"),
        employer: employer.clone(),
        period: PayPeriod::Monthly,
    };
    assert_eq!(year.act(attach(&employer)), Err(RecoveryError::NoLiabilityOrder));
    to_liability_order(&mut year);
    year.act(attach(&employer)).expect("attachment after the order");
    assert_eq!(year.act(attach(&employer)), Err(RecoveryError::RemedyInForce));
    year.act(RecoveryAction::EndRemedy {
        on: d("2025-08-01"),
        outcome: RemedyOutcome::ReturnedUnpaid,
    })
    .expect("employment ended");
    assert_eq!(
        year.act(RecoveryAction::StartRemedy {
            on: d("2025-08-02"),
            remedy: TrackedRemedy::Bankruptcy
        }),
        Err(RecoveryError::BelowThreshold(Pence::new(500_000))),
        "£1,000 owed is not over £5,000"
    );
    year.act(RecoveryAction::StartRemedy {
        on: d("2025-08-02"),
        remedy: TrackedRemedy::ChargingOrder,
    })
    .expect("£1,000 meets the charging order threshold");
}

#[test]
fn a_write_off_reduces_the_debt_and_cannot_exceed_it() {
    let mut year = Year::new();
    to_liability_order(&mut year);
    let too_much = RecoveryAction::WriteOff {
        on: d("2025-09-01"),
        amount: Pence::new(100_001),
        reason: WriteOffReason::GoneAway,
    };
    assert_eq!(
        year.act(too_much),
        Err(RecoveryError::ExceedsOutstanding(Pence::new(100_000)))
    );
    year.act(RecoveryAction::WriteOff {
        on: d("2025-09-01"),
        amount: Pence::new(100_000),
        reason: WriteOffReason::GoneAway,
    })
    .expect("write-off");
    assert_eq!(
        year.step("2025-09-02", None),
        Some(RecoveryEvent::Cleared { on: d("2025-09-02") })
    );
}

#[test]
fn policy_validation_names_the_field() {
    let mut policy = policy();
    policy.validate().expect("the default is valid");
    policy.summons_notice_days = 13;
    assert_eq!(policy.validate(), Err(PolicyOutOfRange("summons_notice_days")));
}
