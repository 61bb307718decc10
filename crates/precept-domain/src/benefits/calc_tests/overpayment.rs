//! Overpayment worked examples (REFERENCE §3.5).

use super::date;
use crate::benefits::hb::EarningsDisregardKind;
use crate::benefits::overpayment::{
    OverpaymentClass, RecoveryRates, SubsidyRates, max_weekly_deduction, next_deduction, overpaid,
};
use crate::money::{Pence, gbp};

#[test]
fn overpaid_is_the_daily_excess_over_the_inclusive_days_rounded_once() {
    // (paid weekly, correct weekly, from, through, overpaid)
    let rows = [
        // Eight weeks, 7 April to 1 June 2025 inclusive (56 days): 8 × £40.00.
        ("100.00", "60.00", "2025-04-07", "2025-06-01", "320.00"),
        // 10 days: £40.00 × 10 / 7 = £57.142857, to £57.14.
        ("100.00", "60.00", "2025-04-07", "2025-04-16", "57.14"),
        // 4 days: £22.857142, rounded up to £22.86.
        ("100.00", "60.00", "2025-04-07", "2025-04-10", "22.86"),
        // One day: £5.714285, to £5.71.
        ("100.00", "60.00", "2025-04-07", "2025-04-07", "5.71"),
        // The leap day counts: 28 Feb to 1 Mar 2024 is 3 days, £1.00 × 3 / 7 = 42.857p, 43p.
        ("1.00", "0", "2024-02-28", "2024-03-01", "0.43"),
        ("60.00", "60.00", "2025-04-07", "2025-06-01", "0"),
        ("50.00", "60.00", "2025-04-07", "2025-06-01", "0"),
        ("100.00", "60.00", "2025-06-01", "2025-04-07", "0"),
    ];
    for (paid, correct, from, through, amount) in rows {
        assert_eq!(
            overpaid(gbp(paid), gbp(correct), date(from), date(through)),
            gbp(amount),
            "{paid} against {correct} from {from} through {through}"
        );
    }
}

#[test]
fn the_maximum_weekly_deduction_adds_half_the_earnings_disregard() {
    let rates_2022 = RecoveryRates::year_2022_23();
    let later = RecoveryRates::later_year_unconfirmed();
    // (rates, class, disregard, maximum)
    let rows = [
        (&rates_2022, OverpaymentClass::ClaimantError, None, "11.55"),
        (
            &rates_2022,
            OverpaymentClass::ClaimantError,
            Some(EarningsDisregardKind::Single),
            "14.05",
        ),
        (
            &rates_2022,
            OverpaymentClass::Other,
            Some(EarningsDisregardKind::Couple),
            "16.55",
        ),
        (
            &rates_2022,
            OverpaymentClass::LocalAuthorityError,
            Some(EarningsDisregardKind::Disabled),
            "21.55",
        ),
        (&rates_2022, OverpaymentClass::Fraud, None, "19.25"),
        (
            &rates_2022,
            OverpaymentClass::Fraud,
            Some(EarningsDisregardKind::LoneParent),
            "31.75",
        ),
        (&later, OverpaymentClass::ClaimantError, None, "12.75"),
        (
            &later,
            OverpaymentClass::Fraud,
            Some(EarningsDisregardKind::Disabled),
            "31.25",
        ),
    ];
    for (rates, class, disregard, maximum) in rows {
        assert_eq!(
            max_weekly_deduction(rates, class, disregard),
            gbp(maximum),
            "{class:?} {disregard:?}"
        );
    }
}

/// Deducts week by week until nothing is outstanding; the schedule of deductions.
fn recovery_schedule(mut outstanding: Pence, weekly_award: Pence, maximum: Pence) -> Vec<Pence> {
    let mut deductions = Vec::new();
    while outstanding.is_positive() {
        let deduction = next_deduction(outstanding, weekly_award, maximum);
        assert!(deduction.is_positive(), "recovery must progress");
        outstanding = outstanding - deduction;
        deductions.push(deduction);
    }
    deductions
}

#[test]
fn a_claimant_error_overpayment_is_recovered_at_the_weekly_maximum_then_the_remainder() {
    // £320.00 claimant error, single earnings disregard, 2022/23 rates: at most £14.05 a week.
    // 22 × £14.05 = £309.10, leaving a final £10.90.
    let maximum = max_weekly_deduction(
        &RecoveryRates::year_2022_23(),
        OverpaymentClass::ClaimantError,
        Some(EarningsDisregardKind::Single),
    );
    let schedule = recovery_schedule(gbp("320.00"), gbp("61.16"), maximum);
    assert_eq!(schedule.len(), 23);
    assert!(schedule[..22].iter().all(|deduction| *deduction == gbp("14.05")));
    assert_eq!(schedule.last(), Some(&gbp("10.90")));
    assert_eq!(schedule.iter().copied().sum::<Pence>(), gbp("320.00"));
}

#[test]
fn a_deduction_never_exceeds_the_outstanding_amount_the_award_or_the_maximum() {
    // (outstanding, award, maximum, deduction)
    let rows = [
        ("320.00", "61.16", "14.05", "14.05"),
        ("320.00", "8.00", "14.05", "8.00"),
        ("3.00", "61.16", "14.05", "3.00"),
        ("0", "61.16", "14.05", "0"),
        ("320.00", "0", "14.05", "0"),
    ];
    for (outstanding, award, maximum, deduction) in rows {
        assert_eq!(
            next_deduction(gbp(outstanding), gbp(award), gbp(maximum)),
            gbp(deduction)
        );
    }
}

#[test]
fn official_error_is_recoverable_only_if_the_claimant_could_have_realised() {
    use OverpaymentClass::{ClaimantError, DwpError, Fraud, LocalAuthorityError, Other, Technical};
    // (class, recoverable if they could not have realised, if they could)
    let rows = [
        (ClaimantError, true, true),
        (Fraud, true, true),
        (Other, true, true),
        (Technical, true, true),
        (LocalAuthorityError, false, true),
        (DwpError, false, true),
    ];
    for (class, unaware, aware) in rows {
        assert_eq!(
            (
                class.recoverable_by_default(),
                class.recoverable(false),
                class.recoverable(true)
            ),
            (unaware, unaware, aware),
            "{class:?}"
        );
    }
}

#[test]
fn class_codes_round_trip() {
    let codes = ["la_error", "dwp_error", "claimant_error", "fraud", "other", "technical"];
    for code in codes {
        let class = OverpaymentClass::parse(code).expect("a known code parses");
        assert_eq!(class.code(), code);
    }
    for class in OverpaymentClass::ALL {
        assert_eq!(OverpaymentClass::parse(class.code()), Some(class));
    }
    assert_eq!(OverpaymentClass::parse("LA_ERROR"), None);
    assert_eq!(OverpaymentClass::parse(""), None);
}

#[test]
fn subsidy_follows_the_class_and_for_la_error_the_years_level() {
    let rates = SubsidyRates::reference_figures();
    assert_eq!(rates.validate(), Ok(()));
    let expenditure = gbp("1000000.00");
    // REFERENCE §3.5: claimant error £200 overpaid attracts £80 subsidy.
    assert_eq!(
        rates.subsidy(OverpaymentClass::ClaimantError, gbp("200.00"), Pence::ZERO, expenditure),
        gbp("80.00")
    );
    // (LA-error total against £1m correct expenditure, subsidy rate)
    let rows = [
        ("4800.00", 10_000),
        ("4800.01", 4_000),
        ("5400.00", 4_000),
        ("5400.01", 0),
    ];
    for (total, bp) in rows {
        assert_eq!(
            rates.subsidy_bp(OverpaymentClass::LocalAuthorityError, gbp(total), expenditure),
            bp,
            "{total}"
        );
    }
    assert_eq!(
        rates.subsidy_bp(OverpaymentClass::DwpError, gbp("9999.00"), expenditure),
        10_000
    );
}

#[test]
fn recovery_rates_validate() {
    assert_eq!(RecoveryRates::year_2022_23().validate(), Ok(()));
    assert_eq!(RecoveryRates::later_year_unconfirmed().validate(), Ok(()));
    let bad = RecoveryRates {
        standard: gbp("11.55"),
        fraud: gbp("-1.00"),
    };
    assert_eq!(bad.validate(), Err("fraud"));
}
