//! Given/when/then tests of the business rates account: a year cut into periods by value,
//! occupation and relief changes; revisions after backdated changes; money through the
//! shared ledger; NNDR's recovery rules (REFERENCE §2).

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::account::{AccountError, PaymentMethod, PaymentReference, PostPayment, YearAction};
use crate::calendar::FinancialYear;
use crate::ids::{PartyId, PaymentId, Uprn};
use crate::instalments::{InstalmentPlan, PlanLength};
use crate::money::Pence;
use crate::nndr::ReliefClaims;
use crate::nndr::hereditament::{HereditamentState, PropertyClass};
use crate::nndr::settings::{NndrSettings, NndrYearState};
use crate::recovery::{PayPeriod, RecoveryAction};

fn d(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

fn fy(start: i32) -> FinancialYear {
    FinancialYear::starting(start).expect("year")
}

fn hereditament(values: &[(&str, u32)], class: PropertyClass) -> HereditamentState {
    HereditamentState {
        values: values.iter().map(|(from, value)| (d(from), *value)).collect(),
        class,
        removed: None,
    }
}

fn context(hereditament: HereditamentState, years: &[i32]) -> Arc<NndrContext> {
    let years: BTreeMap<_, _> = years
        .iter()
        .map(|start| {
            let settings = NndrSettings::england(fy(*start)).expect("published");
            let history = NndrYearState {
                versions: vec![(fy(*start).first_day(), settings)],
            };
            (fy(*start), Arc::new(history))
        })
        .collect();
    Arc::new(NndrContext {
        hereditament: Arc::new(hereditament),
        years,
    })
}

fn id() -> AccountId {
    AccountId::parse("00000000-0000-4000-8000-000000000001").expect("id")
}

/// Given: an account opened with `open`, then `commands`, each folded in turn.
fn given(open: OpenNndr, commands: Vec<NndrCommand>) -> NndrAccountState {
    let mut state = NndrAccountState::default();
    for command in std::iter::once(NndrCommand::Open(open)).chain(commands) {
        let events = state.decide(id(), command).expect("accepted");
        for event in &events {
            state = state.apply(event).expect("fits");
        }
    }
    state
}

fn open(liability_start: &str, empty_since: Option<&str>, reliefs: ReliefClaims) -> OpenNndr {
    OpenNndr {
        hereditament: Uprn::parse("200000000001").expect("uprn"),
        ratepayer: PartyId::parse("10000000-0000-4000-8000-000000000001").expect("party"),
        liability_start: d(liability_start),
        empty_since: empty_since.map(d),
        reliefs,
        plan: InstalmentPlan::default(),
    }
}

fn bill(year: i32, issue: &str, context: &Arc<NndrContext>) -> NndrCommand {
    NndrCommand::IssueBill {
        year: fy(year),
        issue_date: d(issue),
        context: Arc::clone(context),
    }
}

fn billed(state: &NndrAccountState, year: i32) -> &NndrYearAccount {
    &state.as_open().expect("open").years[&fy(year)]
}

#[test]
fn a_value_change_mid_year_charges_each_value_for_its_days() {
    // Given RV £20,000 until 30 September 2025, then £30,000 (2025/26 small multiplier 49.9p).
    let context = context(
        hereditament(
            &[("2023-04-01", 20_000), ("2025-10-01", 30_000)],
            PropertyClass::default(),
        ),
        &[2025],
    );
    // When the year is billed.
    let state = given(
        open("2025-04-01", None, ReliefClaims::default()),
        vec![bill(2025, "2025-03-15", &context)],
    );
    // Then two periods: 183 days at £9,980 a year and 182 at £14,970.
    let charge = &billed(&state, 2025).charge;
    let periods: Vec<(i64, u32, Pence)> = charge
        .periods
        .iter()
        .map(|p| (p.charge.days, p.rateable_value, p.charge.net))
        .collect();
    // 998,000 × 183/365 = 500,367.12 → 500,367; 1,497,000 × 182/365 = 746,449.32 → 746,449.
    assert_eq!(
        periods,
        [(183, 20_000, Pence::new(500_367)), (182, 30_000, Pence::new(746_449))]
    );
    assert_eq!(charge.net, Pence::new(1_246_816));
    let instalments: Pence = billed(&state, 2025).instalments.iter().map(|i| i.amount).sum();
    assert_eq!(instalments, charge.net, "instalments sum to the bill");
    assert_eq!(
        billed(&state, 2025).instalments.len(),
        10,
        "10 monthly (REFERENCE §2.9)"
    );
}

#[test]
fn an_empty_shop_reoccupied_is_charged_after_its_free_months_and_from_occupation() {
    // Given a shop (RV £18,000) empty since 1 March 2025: free to 31 May (3 months).
    let context = context(
        hereditament(&[("2023-04-01", 18_000)], PropertyClass::default()),
        &[2025],
    );
    let state = given(
        open("2025-04-01", Some("2025-03-01"), ReliefClaims::default()),
        vec![
            bill(2025, "2025-03-20", &context),
            // When it is occupied from 1 September.
            NndrCommand::Change {
                change: NndrChange::Occupation {
                    from: d("2025-09-01"),
                    occupied: true,
                },
                notice_date: d("2025-09-05"),
                context: Arc::clone(&context),
            },
        ],
    );
    // Then April-May are free, June-August charged empty, September-March occupied: the
    // same rate, in two periods.
    let year = billed(&state, 2025);
    let charge = &year.charge;
    let periods: Vec<(bool, i64, Pence)> = charge
        .periods
        .iter()
        .map(|p| (p.occupied, p.charge.days, p.charge.empty_relief))
        .collect();
    // 898,200 × 61/365 = 150,110.3 free.
    assert_eq!(periods, [(false, 153, Pence::new(150_110)), (true, 212, Pence::ZERO)]);
    assert_eq!(charge.gross - charge.empty_relief, charge.net);
    assert_eq!(
        state.as_open().expect("open").notices_issued,
        2,
        "the change revised the notice"
    );
}

#[test]
fn a_backdated_relief_revises_the_bill_and_frees_paid_money_as_credit() {
    // Given RV £12,000 billed in full and paid in full.
    let context = context(
        hereditament(&[("2023-04-01", 12_000)], PropertyClass::default()),
        &[2025],
    );
    let payment = PostPayment {
        payment_id: PaymentId::parse("30000000-0000-4000-8000-000000000001").expect("id"),
        amount_pence: Pence::new(598_800),
        method: PaymentMethod::BankTransfer,
        reference: PaymentReference::parse("RATES-1").expect("reference"),
        received_on: d("2025-04-01"),
        appropriate_to: None,
    };
    let state = given(
        open("2025-04-01", None, ReliefClaims::default()),
        vec![
            bill(2025, "2025-03-15", &context),
            NndrCommand::PostPayment(payment),
            // When SBRR is awarded from 1 April (RV ≤ £12,000: 100%, REFERENCE §2.4).
            NndrCommand::Change {
                change: NndrChange::Reliefs {
                    from: d("2025-04-01"),
                    claims: ReliefClaims {
                        sbrr: true,
                        ..ReliefClaims::default()
                    },
                },
                notice_date: d("2025-06-01"),
                context: Arc::clone(&context),
            },
        ],
    );
    // Then nothing is payable and the payment is credit.
    let account = state.as_open().expect("open");
    assert_eq!(billed(&state, 2025).charge.sbrr, Pence::new(598_800));
    assert_eq!(billed(&state, 2025).charge.net, Pence::ZERO);
    assert_eq!(
        (account.balance, account.credit),
        (Pence::new(-598_800), Pence::new(598_800))
    );
}

#[test]
fn twelve_instalments_on_request_before_15_april() {
    let context = context(
        hereditament(&[("2023-04-01", 30_000)], PropertyClass::default()),
        &[2025],
    );
    let mut twelve = open("2025-04-01", None, ReliefClaims::default());
    twelve.plan = InstalmentPlan {
        length: PlanLength::Twelve,
        day: 1,
    };
    let state = given(twelve, vec![bill(2025, "2025-03-15", &context)]);
    assert_eq!(billed(&state, 2025).instalments.len(), 12);
}

#[test]
fn a_bill_issued_in_january_is_one_instalment() {
    // REFERENCE §2.9: demands issued January-March are payable in one instalment.
    let context = context(
        hereditament(&[("2023-04-01", 30_000)], PropertyClass::default()),
        &[2025],
    );
    let state = given(
        open("2026-01-05", None, ReliefClaims::default()),
        vec![bill(2025, "2026-01-10", &context)],
    );
    assert_eq!(billed(&state, 2025).instalments.len(), 1);
}

#[test]
fn attachment_of_earnings_and_benefit_deductions_are_council_tax_powers_only() {
    let context = context(
        hereditament(&[("2023-04-01", 30_000)], PropertyClass::default()),
        &[2025],
    );
    let state = given(
        open("2025-04-01", None, ReliefClaims::default()),
        vec![bill(2025, "2025-03-15", &context)],
    );
    let policy = Arc::new(NndrSettings::england(fy(2025)).expect("published").recovery);
    let actions = [
        RecoveryAction::AttachEarnings {
            on: d("2025-08-01"),
            employer: crate::council_year::ShortCode::parse("acme").expect("code"),
            period: PayPeriod::Monthly,
        },
        RecoveryAction::RequestBenefitDeduction {
            on: d("2025-08-01"),
            weekly_amount: Pence::new(450),
        },
    ];
    for action in actions {
        let command = NndrCommand::Recovery(YearAction {
            year: fy(2025),
            action,
            policy: Arc::clone(&policy),
        });
        let refused = state.decide(id(), command).expect_err("refused");
        assert!(
            matches!(refused, NndrAccountError::RemedyNotAvailable(_)),
            "{refused:?}"
        );
    }
}

#[test]
fn business_rates_recovery_sends_one_reminder_a_year() {
    // REFERENCE §2.10: only one reminder is required per year.
    assert_eq!(
        NndrSettings::england(fy(2025))
            .expect("published")
            .recovery
            .reminders_per_year,
        1
    );
}

#[test]
fn a_change_outside_the_liability_is_refused() {
    let context = context(
        hereditament(&[("2023-04-01", 30_000)], PropertyClass::default()),
        &[2025],
    );
    let state = given(
        open("2025-04-01", None, ReliefClaims::default()),
        vec![bill(2025, "2025-03-15", &context)],
    );
    let change = NndrCommand::Change {
        change: NndrChange::Occupation {
            from: d("2025-01-01"),
            occupied: false,
        },
        notice_date: d("2025-05-01"),
        context,
    };
    assert_eq!(
        state.decide(id(), change).expect_err("refused"),
        NndrAccountError::BeforeLiability
    );
}

#[test]
fn ending_liability_twice_is_refused_and_the_first_closes_the_year() {
    let context = context(
        hereditament(&[("2023-04-01", 30_000)], PropertyClass::default()),
        &[2025],
    );
    let end = |last_day: &str| NndrCommand::Change {
        change: NndrChange::EndLiability { last_day: d(last_day) },
        notice_date: d("2025-10-01"),
        context: Arc::clone(&context),
    };
    let state = given(
        open("2025-04-01", None, ReliefClaims::default()),
        vec![bill(2025, "2025-03-15", &context), end("2025-09-30")],
    );
    let year = billed(&state, 2025);
    assert_eq!(year.charge.liable_days(), 183);
    // 1,497,000 × 183/365 = 750,550.7 → 750,551.
    assert_eq!(year.charge.net, Pence::new(750_551));
    assert_eq!(
        state.decide(id(), end("2025-12-31")).expect_err("refused"),
        NndrAccountError::Account(AccountError::LiabilityAlreadyEnded)
    );
}

proptest! {
    /// Any mix of values and occupation gives periods that cover the liable days once, whose
    /// charges sum to the year's, and instalments that sum to the net charge.
    #[test]
    fn periods_and_instalments_always_add_up(
        first in 0u32..200_000,
        second in 0u32..200_000,
        change_day in 1u64..364,
        empty_day in 1u64..364,
        industrial in any::<bool>(),
    ) {
        let start = d("2025-04-01");
        let change = start + chrono::Days::new(change_day);
        let class = PropertyClass { industrial, ..PropertyClass::default() };
        let mut state_values = hereditament(&[("2023-04-01", first)], class);
        state_values.values.insert(change, second);
        let context = context(state_values, &[2025]);
        let state = given(
            open("2025-04-01", None, ReliefClaims::default()),
            vec![
                bill(2025, "2025-03-15", &context),
                NndrCommand::Change {
                    change: NndrChange::Occupation { from: start + chrono::Days::new(empty_day), occupied: false },
                    notice_date: d("2025-06-01"),
                    context: Arc::clone(&context),
                },
            ],
        );
        let year = billed(&state, 2025);
        prop_assert_eq!(year.charge.liable_days(), 365);
        let net: Pence = year.charge.periods.iter().map(|p| p.charge.net).sum();
        prop_assert_eq!(net, year.charge.net);
        let instalments: Pence = year.instalments.iter().map(|i| i.amount).sum();
        prop_assert_eq!(instalments, year.charge.net);
        prop_assert!(state.as_open().expect("open").notices_issued <= 2);
        let kinds_ok = year.charge.periods.windows(2).all(|pair| pair[0].to < pair[1].from);
        prop_assert!(kinds_ok);
    }
}

#[test]
fn a_repeated_or_corrected_empty_report_does_not_restart_the_free_months() {
    // Given a shop (RV £18,000) empty from 1 April 2025: free to 30 June.
    let context = context(
        hereditament(&[("2023-04-01", 18_000)], PropertyClass::default()),
        &[2025],
    );
    let state = given(
        open("2025-04-01", Some("2025-04-01"), ReliefClaims::default()),
        vec![
            bill(2025, "2025-03-20", &context),
            // When "empty" is reported again from 1 June.
            NndrCommand::Change {
                change: NndrChange::Occupation {
                    from: d("2025-06-01"),
                    occupied: false,
                },
                notice_date: d("2025-06-05"),
                context: Arc::clone(&context),
            },
        ],
    );
    // Then the free months still run from 1 April: 91 days (898,200 × 91/365 = 223,934.8).
    let empty: Pence = billed(&state, 2025)
        .charge
        .periods
        .iter()
        .map(|p| p.charge.empty_relief)
        .sum();
    assert_eq!(empty, Pence::new(223_935));
    // And an account cannot start empty from after its liability starts.
    let late = open("2025-04-01", Some("2025-05-01"), ReliefClaims::default());
    let refused = NndrAccountState::default().decide(id(), NndrCommand::Open(late));
    assert_eq!(refused.expect_err("refused"), NndrAccountError::EmptySince);
}

#[test]
fn a_mid_year_correction_of_the_settings_applies_from_its_date() {
    // Given 2025/26 billed at 49.9p, then a correction to 45.0p from 1 October 2025.
    let mut corrected = NndrSettings::england(fy(2025)).expect("published");
    corrected.national.multipliers = crate::nndr::Multipliers::Two {
        standard: crate::nndr::Multiplier(555),
        small_business: crate::nndr::Multiplier(450),
        small_below: 51_000,
    };
    let history = NndrYearState {
        versions: vec![
            (d("2025-04-01"), NndrSettings::england(fy(2025)).expect("published")),
            (d("2025-10-01"), corrected),
        ],
    };
    let context = Arc::new(NndrContext {
        hereditament: Arc::new(hereditament(&[("2023-04-01", 20_000)], PropertyClass::default())),
        years: BTreeMap::from([(fy(2025), Arc::new(history))]),
    });
    let state = given(
        open("2025-04-01", None, ReliefClaims::default()),
        vec![bill(2025, "2025-03-15", &context)],
    );
    // Then 183 days at £9,980 a year and 182 at £9,000: 500,367 + 448,767 (448,767.1).
    let periods: Vec<(i64, Pence)> = billed(&state, 2025)
        .charge
        .periods
        .iter()
        .map(|p| (p.charge.days, p.charge.net))
        .collect();
    assert_eq!(periods, [(183, Pence::new(500_367)), (182, Pence::new(448_767))]);
}
