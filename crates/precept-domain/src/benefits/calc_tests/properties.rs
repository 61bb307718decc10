//! Rules that must hold on every input.

use chrono::Days;
use proptest::prelude::*;

use super::date;
use crate::benefits::ctr::{BandedScheme, CtrCircumstances, CtrScheme, PensionAgeScheme, assess_ctr};
use crate::benefits::hb::{
    HbCircumstances, HbParameters, Household, NonDependant, NonDependantCircumstance, RentFigures, assess_hb,
};
use crate::benefits::overpayment::overpaid;
use crate::money::Pence;

fn household() -> impl Strategy<Value = Household> {
    (
        any::<bool>(),
        0u8..6,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        0u8..3,
    )
        .prop_map(
            |(partner, children, pension_age, before_2021, disabled, carer, disabled_children)| Household {
                partner,
                children,
                pension_age,
                reached_pension_age_before_2021: before_2021,
                disabled,
                carer,
                enhanced_disability: disabled && carer,
                disabled_children,
                enhanced_disability_children: disabled_children / 2,
            },
        )
}

fn non_dependant() -> impl Strategy<Value = NonDependant> {
    let circumstance = prop_oneof![
        Just(NonDependantCircumstance::NotWorking),
        Just(NonDependantCircumstance::Working16Hours),
        Just(NonDependantCircumstance::LegacyIncomeBenefit),
        Just(NonDependantCircumstance::UniversalCreditNoEarnings),
        Just(NonDependantCircumstance::PensionCreditOrYoungOnBenefit),
    ];
    (circumstance, 0i64..100_000).prop_map(|(circumstance, gross)| NonDependant {
        circumstance,
        gross_weekly_income: Pence::new(gross),
    })
}

fn rent() -> impl Strategy<Value = RentFigures> {
    (
        0i64..100_000,
        0i64..20_000,
        proptest::option::of(0i64..100_000),
        prop_oneof![Just(0u32), Just(1_400), Just(2_500)],
    )
        .prop_map(|(contractual, ineligible, lha, size_criteria_bp)| RentFigures {
            contractual_rent: Pence::new(contractual),
            ineligible_charges: Pence::new(ineligible),
            lha_cap: lha.map(Pence::new),
            size_criteria_bp,
        })
}

fn banded_scheme() -> impl Strategy<Value = BandedScheme> {
    prop_oneof![
        Just(BandedScheme::swale_2023()),
        Just(BandedScheme::medway_2022()),
        Just(BandedScheme::dorset_2024_25()),
        Just(BandedScheme::tunbridge_wells_2021()),
    ]
}

proptest! {
    #[test]
    fn a_banded_award_never_rises_as_income_rises(
        working_age in banded_scheme(),
        household in household(),
        lower in 0i64..80_000,
        rise in 0i64..40_000,
    ) {
        let scheme = CtrScheme { working_age, pension_age: PensionAgeScheme::england_2025_26() };
        let household = Household { pension_age: false, ..household };
        let percent = |earnings: i64| {
            let circumstances = CtrCircumstances {
                household,
                weekly_earnings: Pence::new(earnings),
                other_weekly_income: Pence::ZERO,
                capital: Pence::ZERO,
                passported: false,
                non_dependants: vec![],
                non_dependant_exempt: false,
            };
            assess_ctr(&scheme, &circumstances).percent_bp
        };
        prop_assert!(percent(lower + rise) <= percent(lower));
    }

    #[test]
    fn an_hb_award_is_never_negative_nor_above_eligible_rent(
        household in household(),
        rent in rent(),
        earnings in 0i64..100_000,
        other in 0i64..100_000,
        capital in 0i64..3_000_000,
        passported in any::<bool>(),
        non_dependants in proptest::collection::vec(non_dependant(), 0..4),
        exempt in any::<bool>(),
    ) {
        let circumstances = HbCircumstances {
            household,
            rent,
            weekly_earnings: Pence::new(earnings),
            other_weekly_income: Pence::new(other),
            capital: Pence::new(capital),
            passported,
            non_dependants,
            non_dependant_exempt: exempt,
        };
        let assessment = assess_hb(&circumstances, &HbParameters::england_2025_26());
        prop_assert!(assessment.weekly_award >= Pence::ZERO);
        prop_assert!(assessment.weekly_award <= assessment.maximum);
        prop_assert!(assessment.maximum <= assessment.eligible_rent);
        prop_assert_eq!(assessment.refusal.is_some(), assessment.weekly_award == Pence::ZERO);
    }

    #[test]
    fn overpaid_is_additive_over_adjacent_date_ranges_within_a_penny(
        paid in 0i64..200_000,
        correct in 0i64..200_000,
        start in 0u64..3_000,
        first_days in 1u64..400,
        second_days in 1u64..400,
    ) {
        let from = date("2020-04-01") + Days::new(start);
        let split = from + Days::new(first_days);
        let through = split + Days::new(second_days - 1);
        let last_of_first = split - Days::new(1);
        let (paid, correct) = (Pence::new(paid), Pence::new(correct));
        let parts = overpaid(paid, correct, from, last_of_first) + overpaid(paid, correct, split, through);
        let whole = overpaid(paid, correct, from, through);
        prop_assert!((parts.get() - whole.get()).abs() <= 1, "{parts} against {whole}");
    }
}
