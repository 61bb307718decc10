//! REFERENCE §1.9 worked examples, as tables, and property tests.

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;
use crate::money::gbp;

fn date(text: &str) -> NaiveDate {
    text.parse().expect("fixture date is valid")
}

fn year() -> FinancialYear {
    FinancialYear::starting(2025).expect("valid year")
}

fn plan(length: PlanLength, day: u32) -> InstalmentPlan {
    InstalmentPlan { length, day }
}

fn amounts(instalments: &[Instalment]) -> Vec<Pence> {
    instalments.iter().map(|i| i.amount).collect()
}

#[test]
fn whole_pound_instalments_with_the_first_taking_the_difference() {
    // REFERENCE §1.9: £1,234.56 over 10 is £127.56 then 9 x £123.00.
    let mut expected = vec![gbp("127.56")];
    expected.extend([gbp("123.00"); 9]);
    assert_eq!(split_instalments(gbp("1234.56"), 10, gbp("5")), expected);
    // Divisible into whole pounds: equal instalments.
    assert_eq!(split_instalments(gbp("1500.00"), 10, gbp("5")), vec![gbp("150.00"); 10]);
    // Nearest pound, halves up: £1,005 / 10 = £100.50 -> £101, first £96.
    let mut halves = vec![gbp("96.00")];
    halves.extend([gbp("101.00"); 9]);
    assert_eq!(split_instalments(gbp("1005.00"), 10, gbp("5")), halves);
}

#[test]
fn no_instalment_falls_below_the_minimum() {
    // REFERENCE §1.9: n is the greatest whole number with n x £5 <= the aggregate; one
    // instalment below £10.
    for (total, count, expected_count) in [("30.00", 10, 6), ("9.99", 10, 1), ("10.00", 10, 2), ("49.99", 10, 9)] {
        let split = split_instalments(gbp(total), count, gbp("5"));
        assert_eq!(split.len(), expected_count, "{total}");
        assert_eq!(split.iter().copied().sum::<Pence>(), gbp(total));
    }
}

#[test]
fn the_number_of_instalments_depends_on_the_issue_date() {
    let policy = LocalPolicy::england_default();
    let statutory = plan(PlanLength::Statutory, 1);
    let twelve = plan(PlanLength::Twelve, 1);
    // REFERENCE §1.9 table.
    for (issue, plan, expected) in [
        ("2025-03-10", statutory, 10),
        ("2025-04-30", statutory, 10),
        ("2025-05-12", statutory, 9),
        ("2025-06-01", statutory, 8),
        ("2025-12-01", statutory, 2),
        ("2026-01-05", statutory, 1),
        ("2026-03-20", statutory, 1),
        ("2025-03-10", twelve, 12),
        ("2025-04-15", twelve, 12),
        ("2025-04-16", twelve, 11),
        ("2025-09-01", twelve, 6),
    ] {
        assert_eq!(
            instalment_count(year(), date(issue), plan, &policy.instalment_rules()),
            expected,
            "{issue} {plan:?}"
        );
    }
    let statutory_late = LocalPolicy {
        late_twelve_rule: LateTwelveRule::Statutory,
        ..policy
    };
    assert_eq!(
        instalment_count(year(), date("2025-09-01"), twelve, &statutory_late.instalment_rules()),
        5
    );
    assert_eq!(
        instalment_count(year(), date("2025-05-01"), twelve, &statutory_late.instalment_rules()),
        9
    );
}

#[test]
fn an_annual_bill_runs_april_to_january_on_the_chosen_day() {
    let bill = first_notice(
        year(),
        date("2025-03-10"),
        gbp("1234.56"),
        plan(PlanLength::Statutory, 15),
        &LocalPolicy::england_default().instalment_rules(),
    );
    let dues: Vec<NaiveDate> = bill.iter().map(|i| i.due).collect();
    let expected: Vec<NaiveDate> = [
        "2025-04-15",
        "2025-05-15",
        "2025-06-15",
        "2025-07-15",
        "2025-08-15",
        "2025-09-15",
        "2025-10-15",
        "2025-11-15",
        "2025-12-15",
        "2026-01-15",
    ]
    .into_iter()
    .map(date)
    .collect();
    assert_eq!(dues, expected);
    assert_eq!(amounts(&bill)[0], gbp("127.56"));
}

#[test]
fn the_first_instalment_is_at_least_14_days_after_issue() {
    // Issued 25 March: 1 April is only 7 days away, so the plan starts on 1 May.
    let bill = first_notice(
        year(),
        date("2025-03-25"),
        gbp("1000.00"),
        plan(PlanLength::Statutory, 1),
        &LocalPolicy::england_default().instalment_rules(),
    );
    assert_eq!(bill.first().map(|i| i.due), Some(date("2025-05-01")));
    assert_eq!(bill.len(), 10);
    // Twelve requested, but from 1 May only eleven months remain before 31 March.
    let twelve = first_notice(
        year(),
        date("2025-03-25"),
        gbp("1200.00"),
        plan(PlanLength::Twelve, 1),
        &LocalPolicy::england_default().instalment_rules(),
    );
    assert_eq!(
        (twelve.len(), twelve.last().map(|i| i.due)),
        (11, Some(date("2026-03-01")))
    );
    // A bill issued in January is one instalment, 14 days after issue.
    let late = first_notice(
        year(),
        date("2026-01-20"),
        gbp("300.00"),
        plan(PlanLength::Statutory, 1),
        &LocalPolicy::england_default().instalment_rules(),
    );
    assert_eq!(
        late,
        vec![Instalment {
            due: date("2026-02-03"),
            amount: gbp("300.00")
        }]
    );
}

#[test]
fn a_revised_notice_keeps_instalments_already_due_and_respreads_the_rest() {
    let policy = LocalPolicy::england_default();
    let first = first_notice(
        year(),
        date("2025-03-10"),
        gbp("1500.00"),
        plan(PlanLength::Statutory, 1),
        &policy.instalment_rules(),
    );
    // Issued 20 September: October's instalment is only 11 days away, so April-October
    // (7 x £150 = £1,050) stay and £1,200 - £1,050 = £150 is spread over November-January.
    let revised = revised_notice(
        year(),
        &first,
        date("2025-09-20"),
        gbp("1200.00"),
        None,
        &policy.instalment_rules(),
    );
    assert_eq!(revised.len(), 10);
    assert_eq!(amounts(&revised[7..]), vec![gbp("50.00"); 3]);
    // A reduction below what has fallen due caps the kept instalments at the new total.
    let reduced = revised_notice(
        year(),
        &first,
        date("2025-09-20"),
        gbp("400.00"),
        None,
        &policy.instalment_rules(),
    );
    assert_eq!(amounts(&reduced), vec![gbp("150.00"), gbp("150.00"), gbp("100.00")]);
}

proptest! {
    #[test]
    fn instalments_always_sum_to_the_bill(total in 1i64..100_000_000, count in 1usize..13, minimum in 1i64..2_000) {
        let split = split_instalments(Pence::new(total), count, Pence::new(minimum));
        prop_assert_eq!(split.iter().copied().sum::<Pence>(), Pence::new(total));
        prop_assert!(split.len() <= count && !split.is_empty());
        prop_assert!(split.iter().all(|amount| amount.is_positive()));
        prop_assert!(split[1..].iter().all(|amount| amount.get() % 100 == 0));
    }

    #[test]
    fn notices_always_sum_to_the_charge(
        total in 0i64..10_000_000,
        revised_total in 0i64..10_000_000,
        issue_offset in -30i64..365,
        revise_offset in 0i64..365,
        day in prop::sample::select(vec![1u32, 8, 15, 23]),
        twelve in any::<bool>(),
    ) {
        let policy = LocalPolicy::england_default();
        let length = if twelve { PlanLength::Twelve } else { PlanLength::Statutory };
        let issue = year().first_day() + chrono::Duration::days(issue_offset);
        let first = first_notice(year(), issue, Pence::new(total), plan(length, day), &policy.instalment_rules());
        prop_assert_eq!(amounts(&first).into_iter().sum::<Pence>(), Pence::new(total));
        prop_assert!(first.iter().all(|i| i.due >= issue + chrono::Duration::days(14)));
        let revised_on = year().first_day() + chrono::Duration::days(revise_offset);
        let revised = revised_notice(year(), &first, revised_on, Pence::new(revised_total), None, &policy.instalment_rules());
        prop_assert_eq!(amounts(&revised).into_iter().sum::<Pence>(), Pence::new(revised_total));
    }
}
