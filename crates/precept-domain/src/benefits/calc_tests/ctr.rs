//! Council Tax Reduction worked examples (REFERENCE §3.3).

use super::{couple, single, single_pensioner, with_children};
use crate::benefits::ctr::{
    BandedScheme, CtrAssessment, CtrCircumstances, CtrRefusal, CtrScheme, IncomeBasis, PensionAgeScheme, assess_ctr,
    band_for, banded_income,
};
use crate::benefits::hb::{Household, NonDependant, NonDependantCircumstance};
use crate::money::{ExactPence, Pence, gbp};

fn scheme(working_age: BandedScheme) -> CtrScheme {
    CtrScheme {
        working_age,
        pension_age: PensionAgeScheme::england_2025_26(),
    }
}

fn claim(household: Household, other_income: &str) -> CtrCircumstances {
    CtrCircumstances {
        household,
        weekly_earnings: Pence::ZERO,
        other_weekly_income: gbp(other_income),
        capital: Pence::ZERO,
        passported: false,
        non_dependants: vec![],
        non_dependant_exempt: false,
    }
}

fn non_dependant(circumstance: NonDependantCircumstance) -> NonDependant {
    NonDependant {
        circumstance,
        gross_weekly_income: gbp("300.00"),
    }
}

/// Given a working-age scheme, when a household has this weekly income, then this band and
/// percentage (and a refusal exactly when the percentage is nil).
#[track_caller]
fn check_bands(given: &BandedScheme, rows: &[(Household, &str, Option<u8>, u32)]) {
    let scheme = scheme(given.clone());
    for (household, income, band, percent_bp) in rows {
        let assessment = assess_ctr(&scheme, &claim(*household, income));
        let refusal = (*percent_bp == 0).then_some(CtrRefusal::IncomeTooHigh);
        assert_eq!(
            (assessment.band, assessment.percent_bp, assessment.refusal),
            (*band, *percent_bp, refusal),
            "{household:?} on {income}"
        );
    }
}

#[test]
fn swale_places_a_single_person_in_each_of_its_five_bands() {
    let s = single();
    check_bands(
        &BandedScheme::swale_2023(),
        &[
            (s, "0", Some(1), 8_000),
            (s, "80.00", Some(1), 8_000),
            (s, "95.00", Some(1), 8_000),
            (s, "95.01", Some(2), 6_000),
            (s, "120.00", Some(2), 6_000),
            (s, "140.00", Some(2), 6_000),
            (s, "140.01", Some(3), 4_000),
            (s, "160.00", Some(3), 4_000),
            (s, "190.00", Some(3), 4_000),
            (s, "190.01", Some(4), 2_000),
            (s, "220.00", Some(4), 2_000),
            (s, "270.00", Some(4), 2_000),
            (s, "270.01", Some(5), 0),
            (s, "300.00", Some(5), 0),
        ],
    );
}

#[test]
fn medway_bands_each_household_type_on_its_own_grid() {
    check_bands(
        &BandedScheme::medway_2022(),
        &[
            (single(), "113.99", Some(1), 6_500),
            (single(), "114.00", Some(2), 5_500),
            (single(), "321.00", Some(6), 0),
            (couple(), "153.99", Some(1), 6_500),
            (couple(), "200.00", Some(2), 5_500),
            (with_children(single(), 1), "213.99", Some(1), 6_500),
            (with_children(couple(), 1), "214.00", Some(2), 5_500),
            (with_children(single(), 2), "403.99", Some(3), 4_500),
            (with_children(couple(), 3), "534.99", Some(5), 2_000),
            (with_children(couple(), 3), "535.00", Some(6), 0),
        ],
    );
}

#[test]
fn dorset_bands_each_household_type_on_its_own_grid() {
    check_bands(
        &BandedScheme::dorset_2024_25(),
        &[
            (single(), "92.00", Some(1), 10_000),
            (single(), "92.01", Some(2), 8_000),
            (single(), "232.00", Some(5), 2_000),
            (single(), "232.01", Some(6), 0),
            (couple(), "185.00", Some(2), 8_000),
            (with_children(single(), 1), "250.01", Some(4), 4_000),
            (with_children(couple(), 2), "395.00", Some(5), 2_000),
            (with_children(single(), 4), "300.00", Some(1), 10_000),
            (with_children(couple(), 3), "300.01", Some(2), 8_000),
            (with_children(couple(), 3), "460.01", Some(6), 0),
        ],
    );
}

#[test]
fn tunbridge_wells_bands_earnings_only() {
    let scheme = scheme(BandedScheme::tunbridge_wells_2021());
    // (household, earnings, other income, band, percent)
    let rows = [
        (single(), "0", "400.00", Some(1), 8_000),
        (single(), "77.80", "400.00", Some(2), 6_500),
        (single(), "77.81", "0", Some(3), 5_000),
        (with_children(couple(), 2), "95.28", "0", Some(2), 6_500),
        (with_children(single(), 3), "435.09", "0", Some(5), 1_000),
        (with_children(single(), 3), "435.10", "0", Some(6), 0),
    ];
    for (household, earnings, other, band, percent_bp) in rows {
        let when = CtrCircumstances {
            weekly_earnings: gbp(earnings),
            ..claim(household, other)
        };
        let assessment = assess_ctr(&scheme, &when);
        assert_eq!((assessment.band, assessment.percent_bp), (band, percent_bp), "{when:?}");
    }
}

#[test]
fn passported_claimants_go_straight_to_band_one() {
    for (working_age, percent_bp) in [
        (BandedScheme::swale_2023(), 8_000),
        (BandedScheme::medway_2022(), 6_500),
        (BandedScheme::dorset_2024_25(), 10_000),
    ] {
        let when = CtrCircumstances {
            passported: true,
            capital: gbp("20000.00"),
            ..claim(with_children(couple(), 5), "900.00")
        };
        let assessment = assess_ctr(&scheme(working_age), &when);
        assert_eq!(
            (
                assessment.band,
                assessment.percent_bp,
                assessment.weekly_income,
                assessment.refusal
            ),
            (Some(1), percent_bp, Pence::ZERO, None)
        );
    }
}

#[test]
fn capital_over_the_limit_refuses_a_banded_claim() {
    // (scheme, capital, refused)
    let rows = [
        (BandedScheme::swale_2023(), "16000.00", false),
        (BandedScheme::swale_2023(), "16000.01", true),
        (BandedScheme::tunbridge_wells_2021(), "10000.00", false),
        (BandedScheme::tunbridge_wells_2021(), "10000.01", true),
    ];
    for (working_age, capital, refused) in rows {
        let when = CtrCircumstances {
            capital: gbp(capital),
            ..claim(single(), "80.00")
        };
        let assessment = assess_ctr(&scheme(working_age), &when);
        let expected = if refused {
            (None, 0, Some(CtrRefusal::CapitalAboveLimit))
        } else {
            (Some(1), 8_000, None)
        };
        assert_eq!(
            (assessment.band, assessment.percent_bp, assessment.refusal),
            expected,
            "{capital}"
        );
    }
}

#[test]
fn a_scheme_can_apply_its_capital_limit_to_passported_claimants_too() {
    let mut working_age = BandedScheme::swale_2023();
    working_age.capital_limit_applies_to_passported = true;
    let when = CtrCircumstances {
        passported: true,
        capital: gbp("16000.01"),
        ..claim(single(), "0")
    };
    assert_eq!(
        assess_ctr(&scheme(working_age), &when).refusal,
        Some(CtrRefusal::CapitalAboveLimit)
    );
}

#[test]
fn swale_takes_flat_non_dependant_deductions_after_the_percentage() {
    use NonDependantCircumstance::{NotWorking, PensionCreditOrYoungOnBenefit, Working16Hours};
    let scheme = scheme(BandedScheme::swale_2023());
    let disabled = Household {
        disabled: true,
        ..single()
    };
    // (household, non-dependants, exempt, weekly less)
    let rows = [
        (single(), vec![non_dependant(Working16Hours)], false, "10.00"),
        (single(), vec![non_dependant(NotWorking)], false, "5.00"),
        (
            single(),
            vec![non_dependant(PensionCreditOrYoungOnBenefit)],
            false,
            "5.00",
        ),
        (
            single(),
            vec![non_dependant(Working16Hours), non_dependant(NotWorking)],
            false,
            "15.00",
        ),
        (disabled, vec![non_dependant(Working16Hours)], false, "0"),
        (single(), vec![non_dependant(Working16Hours)], true, "0"),
    ];
    for (household, non_dependants, exempt, less) in rows {
        let when = CtrCircumstances {
            non_dependants,
            non_dependant_exempt: exempt,
            ..claim(household, "80.00")
        };
        let assessment = assess_ctr(&scheme, &when);
        assert_eq!(
            (assessment.weekly_less, assessment.non_dependant_deductions),
            (gbp(less), gbp(less)),
            "{when:?}"
        );
    }
}

#[test]
fn the_daily_reduction_is_the_percentage_of_liability_less_a_seventh_of_the_weekly_amount() {
    // Band 1 (80%) on a £4.00 day with a working non-dependant (£10 a week):
    // 320p − 1000p / 7 = 1240/7 pence, kept exact for the charge to round.
    let when = CtrCircumstances {
        non_dependants: vec![non_dependant(NonDependantCircumstance::Working16Hours)],
        ..claim(single(), "80.00")
    };
    let assessment = assess_ctr(&scheme(BandedScheme::swale_2023()), &when);
    assert_eq!(
        assessment.daily_reduction(ExactPence::from_integer(400)),
        ExactPence::new(1_240, 7)
    );
    // A day small enough that the deduction exceeds the share reduces nothing.
    assert_eq!(
        assessment.daily_reduction(ExactPence::from_integer(100)),
        ExactPence::from_integer(0)
    );
}

#[test]
fn banded_income_applies_the_basis_and_the_earnings_disregard() {
    let mut all = BandedScheme::swale_2023();
    all.earnings_disregard = gbp("25.00");
    let mut earnings_only = all.clone();
    earnings_only.income_basis = IncomeBasis::EarningsOnly;
    // (scheme, earnings, other, banded)
    let rows = [
        (&all, "30.00", "50.00", "55.00"),
        (&all, "20.00", "50.00", "50.00"),
        (&earnings_only, "30.00", "50.00", "5.00"),
        (&earnings_only, "0", "50.00", "0"),
    ];
    for (scheme, earnings, other, banded) in rows {
        assert_eq!(banded_income(scheme, gbp(earnings), gbp(other)), gbp(banded));
    }
}

#[test]
fn a_change_of_income_inside_a_band_keeps_the_band() {
    let swale = BandedScheme::swale_2023();
    let band = |income: &str| band_for(&swale, &single(), false, gbp(income));
    assert_eq!(band("120.00"), band("139.99"));
    assert_ne!(band("140.00"), band("140.01"));
    assert_eq!(band_for(&swale, &single(), true, gbp("900.00")), Some(1));
}

#[test]
fn a_household_without_a_grid_is_refused() {
    let mut working_age = BandedScheme::dorset_2024_25();
    working_age.grids.truncate(1);
    let assessment = assess_ctr(&scheme(working_age), &claim(couple(), "50.00"));
    assert_eq!(
        (assessment.band, assessment.percent_bp, assessment.refusal),
        (None, 0, Some(CtrRefusal::NoGridForHousehold))
    );
}

/// Given the 2025/26 pension-age scheme, when a single pensioner (£227.10 applicable amount)
/// has this income, then the whole assessment.
#[track_caller]
fn check_pension(when: &CtrCircumstances, then: &CtrAssessment) {
    let scheme = scheme(BandedScheme::swale_2023());
    assert_eq!(&assess_ctr(&scheme, when), then);
}

#[test]
fn pension_age_class_b_tapers_twenty_percent_of_excess_income() {
    // £260.00 − £227.10 = £32.90 excess; 20% = £6.58; a non-dependant not working takes £5.00:
    // 100% of the liability less £11.58 a week.
    let when = CtrCircumstances {
        non_dependants: vec![non_dependant(NonDependantCircumstance::NotWorking)],
        ..claim(single_pensioner(), "260.00")
    };
    check_pension(
        &when,
        &CtrAssessment {
            band: None,
            percent_bp: 10_000,
            weekly_less: gbp("11.58"),
            weekly_income: gbp("260.00"),
            tariff_income: Pence::ZERO,
            excess_income: gbp("32.90"),
            taper: gbp("6.58"),
            non_dependant_deductions: gbp("5.00"),
            refusal: None,
        },
    );
}

#[test]
fn pension_age_class_b_counts_tariff_income_and_rounds_the_taper_half_up() {
    // £11,200 capital gives £3.00 tariff income: £263.00 − £227.10 = £35.90; 20% = £7.18.
    // £259.93 + £3.00 gives £35.83 excess; 20% is £7.166, rounded to £7.17.
    for (other, capital, taper) in [("260.00", "11200.00", "7.18"), ("259.93", "11200.00", "7.17")] {
        let when = CtrCircumstances {
            capital: gbp(capital),
            ..claim(single_pensioner(), other)
        };
        let assessment = assess_ctr(&scheme(BandedScheme::swale_2023()), &when);
        assert_eq!((assessment.tariff_income, assessment.taper), (gbp("3.00"), gbp(taper)));
    }
}

#[test]
fn pension_age_class_a_and_guarantee_credit_give_maximum_ctr() {
    use NonDependantCircumstance::{LegacyIncomeBenefit, Working16Hours};
    // (claim, weekly less, refusal)
    let rows = [
        (claim(single_pensioner(), "200.00"), "0", None),
        (
            CtrCircumstances {
                non_dependants: vec![non_dependant(Working16Hours), non_dependant(LegacyIncomeBenefit)],
                ..claim(single_pensioner(), "200.00")
            },
            "10.20",
            None,
        ),
        (
            CtrCircumstances {
                passported: true,
                capital: gbp("30000.00"),
                ..claim(single_pensioner(), "900.00")
            },
            "0",
            None,
        ),
        (
            CtrCircumstances {
                capital: gbp("16000.01"),
                ..claim(single_pensioner(), "200.00")
            },
            "0",
            Some(CtrRefusal::CapitalAboveLimit),
        ),
    ];
    for (when, less, refusal) in rows {
        let assessment = assess_ctr(&scheme(BandedScheme::swale_2023()), &when);
        let percent_bp = if refusal.is_some() { 0 } else { 10_000 };
        assert_eq!(
            (assessment.percent_bp, assessment.weekly_less, assessment.refusal),
            (percent_bp, gbp(less), refusal),
            "{when:?}"
        );
    }
}

#[test]
fn published_schemes_validate_and_bad_fields_are_named() {
    for working_age in [
        BandedScheme::swale_2023(),
        BandedScheme::medway_2022(),
        BandedScheme::dorset_2024_25(),
        BandedScheme::tunbridge_wells_2021(),
    ] {
        for pension_age in [PensionAgeScheme::england_2024_25(), PensionAgeScheme::england_2025_26()] {
            let ctr = CtrScheme {
                working_age: working_age.clone(),
                pension_age,
            };
            assert_eq!(ctr.validate(), Ok(()));
        }
    }
    let base = || scheme(BandedScheme::swale_2023());
    let mut rising = base();
    rising.working_age.band_percent_bp = vec![6_000, 8_000, 4_000, 2_000, 0];
    let mut short = base();
    short.working_age.grids[1].upper_limits.pop();
    let mut unordered = base();
    unordered.working_age.grids[0].upper_limits[1] = Some(gbp("90.00"));
    let mut open_early = base();
    open_early.working_age.grids[0].upper_limits[2] = None;
    let mut children = base();
    children.working_age.grids[2].household.children_max = Some(0);
    let mut taper = base();
    taper.pension_age.taper_bp = 10_001;
    let mut table = base();
    table.pension_age.non_dependant.out_of_work = gbp("-1.00");
    let rows = [
        (rising, "working_age.band_percent_bp"),
        (short, "working_age.grids.upper_limits"),
        (unordered, "working_age.grids.upper_limits"),
        (open_early, "working_age.grids.upper_limits"),
        (children, "working_age.grids.household"),
        (taper, "pension_age.taper_bp"),
        (table, "pension_age.non_dependant.out_of_work"),
    ];
    for (ctr, field) in rows {
        assert_eq!(ctr.validate(), Err(field));
    }
}

#[test]
fn a_scheme_may_take_non_dependant_deductions_before_the_percentage() {
    // REFERENCE §3.3 Swale: £5 a week for an out-of-work non-dependant, band 1 (80%). After
    // the percentage (the default) the reduction is 80% of the liability less £5.00 a week;
    // before it, 80% of (liability less £5.00) = 80% of the liability less £4.00.
    let mut working_age = BandedScheme::swale_2023();
    let c = CtrCircumstances {
        non_dependants: vec![non_dependant(NonDependantCircumstance::NotWorking)],
        ..claim(single(), "80.00")
    };
    let after = assess_ctr(&scheme(working_age.clone()), &c);
    working_age.non_dependants_before_percentage = true;
    let before = assess_ctr(&scheme(working_age), &c);
    assert_eq!((after.percent_bp, after.weekly_less), (8_000, gbp("5.00")));
    assert_eq!((before.percent_bp, before.weekly_less), (8_000, gbp("4.00")));
}
