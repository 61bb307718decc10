//! Housing Benefit worked examples (REFERENCE §3.2).

use super::{couple, single, single_pensioner, with_children};
use crate::benefits::hb::{
    CapitalRules, EarningsDisregardKind, HbAssessment, HbCircumstances, HbParameters, HbRefusal, Household,
    NonDependant, NonDependantBand, NonDependantCircumstance, NonDependantTable, RentFigures, assess_hb,
    earnings_disregard_kind, eligible_rent,
};
use crate::money::{Pence, gbp};

fn rent(contractual: &str, ineligible: &str) -> RentFigures {
    RentFigures {
        contractual_rent: gbp(contractual),
        ineligible_charges: gbp(ineligible),
        lha_cap: None,
        size_criteria_bp: 0,
    }
}

fn non_dependant(circumstance: NonDependantCircumstance, gross: &str) -> NonDependant {
    NonDependant {
        circumstance,
        gross_weekly_income: gbp(gross),
    }
}

/// The worked example's claim: a single pensioner (pension age reached after April 2021),
/// rent £150.00 with £10.00 ineligible charges, £250.00 a week of pensions, £11,200 capital
/// and a non-dependant working 16 hours or more on £300.00 a week gross.
fn worked_claim() -> HbCircumstances {
    HbCircumstances {
        household: single_pensioner(),
        rent: rent("150.00", "10.00"),
        weekly_earnings: Pence::ZERO,
        other_weekly_income: gbp("250.00"),
        capital: gbp("11200.00"),
        passported: false,
        non_dependants: vec![non_dependant(NonDependantCircumstance::Working16Hours, "300.00")],
        non_dependant_exempt: false,
    }
}

#[track_caller]
fn check(given: &HbParameters, when: &HbCircumstances, then: &HbAssessment) {
    assert_eq!(&assess_hb(when, given), then);
}

#[test]
fn a_pensioner_with_a_working_non_dependant_is_tapered_on_income_above_the_applicable_amount() {
    // 2025/26 by hand:
    //   eligible rent      £150.00 − £10.00 ineligible                  = £140.00
    //   non-dependant      working, gross £300.00 (band £266–347.99)    = £62.00
    //   maximum HB         £140.00 − £62.00                             = £78.00
    //   applicable amount  single, pension age reached after April 2021 = £227.10
    //   tariff income      £11,200: £1,200 over £10,000 = 2.4 steps of £500, so 3 = £3.00
    //   assessed income    £250.00 + £3.00                              = £253.00
    //   excess income      £253.00 − £227.10                            = £25.90
    //   taper              65% × £25.90 = £16.835, rounded half up      = £16.84
    //   award              £78.00 − £16.84                              = £61.16
    check(
        &HbParameters::england_2025_26(),
        &worked_claim(),
        &HbAssessment {
            eligible_rent: gbp("140.00"),
            non_dependant_deductions: gbp("62.00"),
            maximum: gbp("78.00"),
            applicable_amount: gbp("227.10"),
            earnings_disregard: Pence::ZERO,
            assessed_income: gbp("253.00"),
            tariff_income: gbp("3.00"),
            excess_income: gbp("25.90"),
            taper: gbp("16.84"),
            weekly_award: gbp("61.16"),
            refusal: None,
        },
    );
}

#[test]
fn a_pensioner_couple_with_earnings_gets_the_couple_disregard() {
    // 2025/26: couple (pension age after April 2021) £346.60; earnings £50.00 less the £10
    // couple disregard = £40.00, plus £330.00 other = £370.00; excess £23.40; 65% = £15.21;
    // eligible rent £120.00 with no non-dependants, so the award is £104.79.
    let claim = HbCircumstances {
        household: Household {
            pension_age: true,
            ..couple()
        },
        rent: rent("120.00", "0"),
        weekly_earnings: gbp("50.00"),
        other_weekly_income: gbp("330.00"),
        capital: Pence::ZERO,
        passported: false,
        non_dependants: vec![],
        non_dependant_exempt: false,
    };
    check(
        &HbParameters::england_2025_26(),
        &claim,
        &HbAssessment {
            eligible_rent: gbp("120.00"),
            non_dependant_deductions: Pence::ZERO,
            maximum: gbp("120.00"),
            applicable_amount: gbp("346.60"),
            earnings_disregard: gbp("10.00"),
            assessed_income: gbp("370.00"),
            tariff_income: Pence::ZERO,
            excess_income: gbp("23.40"),
            taper: gbp("15.21"),
            weekly_award: gbp("104.79"),
            refusal: None,
        },
    );
}

#[test]
fn a_passported_claimant_gets_maximum_benefit_whatever_their_income_and_capital() {
    // Pension Credit guarantee credit: income is not assessed and there is no capital limit.
    let claim = HbCircumstances {
        passported: true,
        capital: gbp("50000.00"),
        ..worked_claim()
    };
    check(
        &HbParameters::england_2025_26(),
        &claim,
        &HbAssessment {
            eligible_rent: gbp("140.00"),
            non_dependant_deductions: gbp("62.00"),
            maximum: gbp("78.00"),
            applicable_amount: gbp("227.10"),
            earnings_disregard: Pence::ZERO,
            assessed_income: Pence::ZERO,
            tariff_income: Pence::ZERO,
            excess_income: Pence::ZERO,
            taper: Pence::ZERO,
            weekly_award: gbp("78.00"),
            refusal: None,
        },
    );
}

#[test]
fn awards_are_refused_for_capital_nil_maximum_high_income_and_below_the_minimum() {
    let parameters = HbParameters::england_2025_26();
    // Rows: (when the claim is, then the award and the refusal).
    // Excess £119.54 gives a taper of £77.70 (77.701) and £0.30 left, under the 50p minimum;
    // excess £119.23 gives £77.50 (77.4995 rounds up) and exactly 50p, which is paid.
    let rows: [(HbCircumstances, &str, Option<HbRefusal>); 6] = [
        (
            HbCircumstances {
                capital: gbp("16000.01"),
                ..worked_claim()
            },
            "0",
            Some(HbRefusal::CapitalAboveLimit),
        ),
        (
            HbCircumstances {
                capital: gbp("16000.00"),
                other_weekly_income: gbp("200.00"),
                ..worked_claim()
            },
            "78.00",
            None,
        ),
        (
            HbCircumstances {
                rent: rent("60.00", "0"),
                ..worked_claim()
            },
            "0",
            Some(HbRefusal::NoMaximumBenefit),
        ),
        (
            HbCircumstances {
                other_weekly_income: gbp("500.00"),
                ..worked_claim()
            },
            "0",
            Some(HbRefusal::IncomeTooHigh),
        ),
        (
            HbCircumstances {
                other_weekly_income: gbp("343.64"),
                ..worked_claim()
            },
            "0",
            Some(HbRefusal::BelowMinimumAward),
        ),
        (
            HbCircumstances {
                other_weekly_income: gbp("343.33"),
                ..worked_claim()
            },
            "0.50",
            None,
        ),
    ];
    for (when, award, refusal) in rows {
        let assessment = assess_hb(&when, &parameters);
        assert_eq!(
            (assessment.weekly_award, assessment.refusal),
            (gbp(award), refusal),
            "{when:?}"
        );
    }
}

#[test]
fn a_claimant_who_is_blind_or_gets_care_benefits_has_no_non_dependant_deduction() {
    let claim = HbCircumstances {
        non_dependant_exempt: true,
        ..worked_claim()
    };
    let assessment = assess_hb(&claim, &HbParameters::england_2025_26());
    assert_eq!(
        (
            assessment.non_dependant_deductions,
            assessment.maximum,
            assessment.weekly_award
        ),
        (Pence::ZERO, gbp("140.00"), gbp("123.16"))
    );
}

#[test]
fn tariff_income_is_a_pound_per_step_or_part_above_the_disregard() {
    let rules = CapitalRules::england();
    // (capital, pension-age tariff, working-age tariff)
    let rows = [
        ("0", "0", "0"),
        ("6000.00", "0", "0"),
        ("6000.01", "0", "1.00"),
        ("7000.00", "0", "4.00"),
        ("10000.00", "0", "16.00"),
        ("10000.01", "1.00", "17.00"),
        ("10500.00", "1.00", "18.00"),
        ("10500.01", "2.00", "19.00"),
        ("11200.00", "3.00", "21.00"),
        ("16000.00", "12.00", "40.00"),
        ("90000.00", "12.00", "40.00"),
    ];
    for (capital, pension, working) in rows {
        let capital = gbp(capital);
        assert_eq!(
            (
                rules.pension_age.tariff_income(capital),
                rules.working_age.tariff_income(capital)
            ),
            (gbp(pension), gbp(working)),
            "capital {capital}"
        );
    }
}

#[test]
fn eligible_rent_takes_off_charges_caps_at_lha_and_applies_size_criteria_to_working_age_only() {
    let with = |lha: Option<&str>, size_criteria_bp| RentFigures {
        lha_cap: lha.map(gbp),
        size_criteria_bp,
        ..rent("100.01", "0")
    };
    // (rent, pension age, eligible rent)
    let rows = [
        (rent("150.00", "10.00"), false, "140.00"),
        (rent("10.00", "15.00"), false, "0"),
        (with(Some("80.00"), 0), false, "80.00"),
        (with(Some("120.00"), 0), false, "100.01"),
        // 86% of £100.01 is £86.0086: the eligible rent is rounded, to £86.01.
        (with(None, 1_400), false, "86.01"),
        (with(None, 2_500), false, "75.01"),
        (with(None, 1_400), true, "100.01"),
    ];
    for (figures, pension_age, eligible) in rows {
        assert_eq!(eligible_rent(&figures, pension_age), gbp(eligible), "{figures:?}");
    }
}

#[test]
fn non_dependant_deductions_follow_the_years_tables() {
    use NonDependantCircumstance::{
        LegacyIncomeBenefit, NotWorking, PensionCreditOrYoungOnBenefit, UniversalCreditNoEarnings, Working16Hours,
    };
    // (table, circumstance, gross weekly income, deduction)
    let rows = [
        (NonDependantTable::hb_england_2025_26(), NotWorking, "0", "19.65"),
        (
            NonDependantTable::hb_england_2025_26(),
            LegacyIncomeBenefit,
            "0",
            "19.65",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            UniversalCreditNoEarnings,
            "0",
            "19.65",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            PensionCreditOrYoungOnBenefit,
            "900.00",
            "0",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            Working16Hours,
            "182.99",
            "19.65",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            Working16Hours,
            "183.00",
            "45.15",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            Working16Hours,
            "265.99",
            "45.15",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            Working16Hours,
            "266.00",
            "62.00",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            Working16Hours,
            "300.00",
            "62.00",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            Working16Hours,
            "348.00",
            "101.35",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            Working16Hours,
            "463.00",
            "115.45",
        ),
        (
            NonDependantTable::hb_england_2025_26(),
            Working16Hours,
            "577.00",
            "126.65",
        ),
        (
            NonDependantTable::hb_england_2024_25(),
            Working16Hours,
            "300.00",
            "60.95",
        ),
        (
            NonDependantTable::hb_england_2024_25(),
            Working16Hours,
            "554.00",
            "124.55",
        ),
        (NonDependantTable::hb_england_2024_25(), NotWorking, "0", "19.30"),
        (
            NonDependantTable::hb_england_2023_24(),
            Working16Hours,
            "161.99",
            "18.10",
        ),
        (
            NonDependantTable::hb_england_2023_24(),
            Working16Hours,
            "162.00",
            "41.60",
        ),
        (
            NonDependantTable::hb_england_2023_24(),
            Working16Hours,
            "511.00",
            "116.75",
        ),
        (NonDependantTable::ctr_england_2025_26(), NotWorking, "0", "5.00"),
        (NonDependantTable::ctr_england_2025_26(), LegacyIncomeBenefit, "0", "0"),
        (
            NonDependantTable::ctr_england_2025_26(),
            UniversalCreditNoEarnings,
            "0",
            "5.00",
        ),
        (
            NonDependantTable::ctr_england_2025_26(),
            Working16Hours,
            "265.99",
            "5.00",
        ),
        (
            NonDependantTable::ctr_england_2025_26(),
            Working16Hours,
            "266.00",
            "10.20",
        ),
        (
            NonDependantTable::ctr_england_2025_26(),
            Working16Hours,
            "463.00",
            "12.80",
        ),
        (
            NonDependantTable::ctr_england_2025_26(),
            Working16Hours,
            "577.00",
            "15.35",
        ),
        (
            NonDependantTable::ctr_england_2024_25(),
            Working16Hours,
            "256.00",
            "10.05",
        ),
        (NonDependantTable::ctr_england_2024_25(), NotWorking, "0", "4.90"),
    ];
    for (table, circumstance, gross, deduction) in rows {
        let nd = non_dependant(circumstance, gross);
        assert_eq!(table.deduction(&nd), gbp(deduction), "{nd:?} {table:?}");
    }
}

#[test]
fn the_earnings_disregard_is_the_most_generous_the_household_qualifies_for() {
    let disabled = |household: Household| Household {
        disabled: true,
        ..household
    };
    let rows = [
        (single(), EarningsDisregardKind::Single),
        (couple(), EarningsDisregardKind::Couple),
        (disabled(single()), EarningsDisregardKind::Disabled),
        (disabled(couple()), EarningsDisregardKind::Disabled),
        (with_children(single(), 1), EarningsDisregardKind::LoneParent),
        (disabled(with_children(single(), 2)), EarningsDisregardKind::LoneParent),
        (with_children(couple(), 2), EarningsDisregardKind::Couple),
    ];
    for (household, kind) in rows {
        let claim = HbCircumstances {
            household,
            ..worked_claim()
        };
        assert_eq!(earnings_disregard_kind(&claim), kind, "{household:?}");
    }
}

#[test]
fn applicable_amounts_add_premiums_to_the_personal_allowance() {
    let amounts = HbParameters::england_2025_26().applicable;
    let rows = [
        (single_pensioner(), "227.10"),
        (
            Household {
                reached_pension_age_before_2021: true,
                ..single_pensioner()
            },
            "244.40",
        ),
        (
            Household {
                partner: true,
                reached_pension_age_before_2021: true,
                ..single_pensioner()
            },
            "366.00",
        ),
        // £346.60 + 2 × £84.66 + £81.37 disabled child + £32.75 enhanced child + £46.40 carer
        // + £30.25 enhanced (couple) = £706.69.
        (
            Household {
                partner: true,
                children: 2,
                carer: true,
                enhanced_disability: true,
                disabled_children: 1,
                enhanced_disability_children: 1,
                ..single_pensioner()
            },
            "706.69",
        ),
        // Counts of disabled children above the number of children are capped.
        (
            Household {
                children: 1,
                disabled_children: 3,
                ..single_pensioner()
            },
            "393.13",
        ),
    ];
    for (household, amount) in rows {
        assert_eq!(amounts.for_household(&household), gbp(amount), "{household:?}");
    }
}

#[test]
fn published_parameters_validate_and_bad_fields_are_named() {
    for parameters in [
        HbParameters::england_2023_24(),
        HbParameters::england_2024_25(),
        HbParameters::england_2025_26(),
    ] {
        assert_eq!(parameters.validate(), Ok(()));
    }
    let base = HbParameters::england_2025_26;
    let mut taper = base();
    taper.taper_bp = 10_001;
    let mut minimum = base();
    minimum.minimum_award = gbp("-0.01");
    let mut bands = base();
    bands.non_dependant.working_bands[0] = NonDependantBand {
        from: gbp("1.00"),
        deduction: gbp("19.65"),
    };
    let mut step = base();
    step.capital.pension_age.step = Pence::ZERO;
    let mut child = base();
    child.applicable.child = gbp("10000.01");
    let mut disregard = base();
    disregard.earnings_disregards.single = gbp("-5.00");
    let rows = [
        (taper, "taper_bp"),
        (minimum, "minimum_award"),
        (bands, "non_dependant.working_bands"),
        (step, "capital.pension_age.step"),
        (child, "applicable.child"),
        (disregard, "earnings_disregards.single"),
    ];
    for (parameters, field) in rows {
        assert_eq!(parameters.validate(), Err(field));
    }
}
