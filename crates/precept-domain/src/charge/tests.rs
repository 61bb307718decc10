//! Worked examples from REFERENCE.md §1.2-1.8, as tables, and property tests.

use std::sync::Arc;

use proptest::prelude::*;

use super::*;
use crate::council_year::{Preceptor, YearSettings};
use crate::fixtures::{date, single, tonbridge_2025};
use crate::money::gbp;

fn year() -> FinancialYear {
    crate::fixtures::year(2025)
}

fn context(settings: YearSettings, band: Band) -> BillingContext {
    crate::fixtures::context(&[(2025, settings)], band)
}

struct Facts {
    start: &'static str,
    last_day: Option<&'static str>,
    discounts: Vec<Period<DiscountKind>>,
    exemptions: Vec<Period<ExemptionClass>>,
    premiums: Vec<Period<PremiumBasis>>,
}

fn whole_year() -> Facts {
    Facts {
        start: "2020-01-01",
        last_day: None,
        discounts: vec![],
        exemptions: vec![],
        premiums: vec![],
    }
}

fn charge(facts: &Facts, context: &BillingContext) -> YearCharge {
    let liability = Liability {
        start: date(facts.start),
        last_day: facts.last_day.map(date),
        discounts: &facts.discounts,
        exemptions: &facts.exemptions,
        premiums: &facts.premiums,
        reductions: &[],
    };
    year_charge(year(), &liability, context)
        .expect("context is complete")
        .expect("liable in the year")
}

#[test]
fn band_charges_are_band_d_times_the_ratio_rounded_once() {
    // REFERENCE §1.2: Band D £1,447.25 gives A £964.83, E £1,768.86, H £2,894.50.
    for (band, expected) in [
        (Band::A, "964.83"),
        (Band::B, "1125.64"),
        (Band::D, "1447.25"),
        (Band::E, "1768.86"),
        (Band::H, "2894.50"),
    ] {
        let charged = charge(&whole_year(), &context(single("1447.25"), band));
        assert_eq!((band, charged.net, charged.liable_days), (band, gbp(expected), 365));
    }
}

#[test]
fn the_band_d_total_is_the_sum_of_the_preceptors_and_shares_add_up() {
    // REFERENCE §1.3: 222.32 + 1,691.19 + 270.15 + 94.86 = £2,278.52.
    let charged = charge(&whole_year(), &context(tonbridge_2025(), Band::D));
    assert_eq!(charged.net, gbp("2278.52"));
    let shares: Vec<Pence> = charged.preceptors.iter().map(|share| share.amount).collect();
    assert_eq!(shares, vec![gbp("222.32"), gbp("1691.19"), gbp("270.15"), gbp("94.86")]);
    assert_eq!(charged.segments[0].band_d_total, gbp("2278.52"));
}

#[test]
fn a_part_year_liability_ends_the_day_before_move_out() {
    // REFERENCE §1.4: move in 3 May, move out 11 November = 192 liable days.
    // £2,278.52 x 192 / 365 = £1,198.556 -> £1,198.56.
    let facts = Facts {
        start: "2025-05-03",
        last_day: Some("2025-11-10"),
        ..whole_year()
    };
    let charged = charge(&facts, &context(tonbridge_2025(), Band::D));
    assert_eq!((charged.liable_days, charged.net), (192, gbp("1198.56")));
}

#[test]
fn a_band_b_single_person_discount_from_october() {
    // Band B = £2,278.52 x 7/9 = £1,772.1822 -> gross £1,772.18. SPD 25% for 1 Oct - 31 Mar
    // (182 days): £1,772.1822 x 182/365 x 25% = £220.9157; net exact £1,551.2665 -> £1,551.27,
    // so the discount line is £1,772.18 - £1,551.27 = £220.91.
    let facts = Facts {
        discounts: vec![Period {
            from: date("2025-10-01"),
            to: None,
            value: DiscountKind::SinglePerson,
        }],
        ..whole_year()
    };
    let charged = charge(&facts, &context(tonbridge_2025(), Band::B));
    assert_eq!(
        (charged.gross, charged.discount, charged.net),
        (gbp("1772.18"), gbp("220.91"), gbp("1551.27"))
    );
    assert_eq!(charged.segments.len(), 2);
    assert_eq!(charged.segments[1].discount, Some((DiscountKind::SinglePerson, 2_500)));
    // Exact shares 151.36033, 1151.39922, 183.92404, 64.58277 sum to 1,551.27 only after the
    // two largest remainders (KCC, police) take a penny each.
    let shares: Vec<Pence> = charged.preceptors.iter().map(|share| share.amount).collect();
    assert_eq!(shares, vec![gbp("151.36"), gbp("1151.40"), gbp("183.93"), gbp("64.58")]);
}

#[test]
fn an_exemption_removes_the_charge_and_keeps_its_class_letter() {
    let class_n = ExemptionClass::parse("N").expect("N is a class");
    let facts = Facts {
        exemptions: vec![Period {
            from: date("2025-04-01"),
            to: None,
            value: class_n,
        }],
        ..whole_year()
    };
    let charged = charge(&facts, &context(tonbridge_2025(), Band::C));
    assert_eq!(
        (charged.gross, charged.exemption, charged.net),
        (gbp("2025.35"), gbp("2025.35"), Pence::ZERO)
    );
    assert_eq!(charged.segments[0].exemption, Some(class_n));
    assert!(charged.preceptors.iter().all(|share| share.amount == Pence::ZERO));
}

#[test]
fn exemption_classes_a_and_c_were_abolished() {
    for letter in ["A", "C", "X", "b", "", "BB"] {
        assert!(ExemptionClass::parse(letter).is_err(), "{letter}");
    }
    assert!(ExemptionClass::parse("W").is_ok());
}

#[test]
fn the_long_term_empty_premium_steps_up_on_the_anniversary() {
    // Empty since 1 Oct 2020: 4 whole years until 30 Sep 2025 (100% premium), 5 from 1 Oct
    // (200%). £1,447.25 x (183/365 x 2 + 182/365 x 3) = £3,616.14; premium line £2,168.89.
    let facts = Facts {
        premiums: vec![Period {
            from: date("2025-04-01"),
            to: None,
            value: PremiumBasis::LongTermEmpty {
                empty_since: date("2020-10-01"),
            },
        }],
        ..whole_year()
    };
    let charged = charge(&facts, &context(single("1447.25"), Band::D));
    assert_eq!((charged.net, charged.premium), (gbp("3616.14"), gbp("2168.89")));
    let levels: Vec<_> = charged.segments.iter().map(|s| s.premium.map(|p| p.1)).collect();
    assert_eq!(levels, vec![Some(10_000), Some(20_000)]);
}

#[test]
fn a_band_change_splits_the_year_at_its_effective_date() {
    let mut context = context(single("1447.25"), Band::D);
    let mut property = (*context.property).clone();
    property.bands.insert(date("2025-10-01"), Band::C);
    context.property = Arc::new(property);
    let charged = charge(&whole_year(), &context);
    // D for 183 days, C (8/9) for 182: 1447.25 x (183 + 182 x 8/9) / 365 = £1,367.07.
    assert_eq!(charged.net, gbp("1367.07"));
    let bands: Vec<Band> = charged.segments.iter().map(|s| s.band).collect();
    assert_eq!(bands, vec![Band::D, Band::C]);
}

#[test]
fn a_year_without_settings_is_an_error_not_a_zero_bill() {
    let mut context = context(single("1447.25"), Band::D);
    context.years.clear();
    let facts = whole_year();
    let liability = Liability {
        start: date(facts.start),
        last_day: None,
        discounts: &[],
        exemptions: &[],
        premiums: &[],
        reductions: &[],
    };
    assert_eq!(
        year_charge(year(), &liability, &context),
        Err(ChargeError::YearNotSetUp(year()))
    );
}

proptest! {
    #[test]
    fn the_parts_of_any_charge_sum_exactly_to_the_whole(
        start_offset in 0i64..365,
        length in 1i64..400,
        discount_offset in 0i64..365,
        band_d in proptest::collection::vec(0i64..300_000, 1..6),
        band in 0usize..8,
    ) {
        let start = year().first_day() + chrono::Duration::days(start_offset);
        let last = start + chrono::Duration::days(length - 1);
        let preceptors = band_d
            .iter()
            .enumerate()
            .map(|(i, pence)| Preceptor {
                code: ShortCode::parse(&format!("p{i}")).expect("valid"),
                kind: PreceptorKind::Other,
                parish_area: None,
                band_d: Pence::new(*pence),
            })
            .collect();
        let settings = YearSettings { preceptors, ..tonbridge_2025() };
        let context = context(settings, Band::ALL[band]);
        let discounts = vec![Period {
            from: year().first_day() + chrono::Duration::days(discount_offset),
            to: None,
            value: DiscountKind::SinglePerson,
        }];
        let liability = Liability { start, last_day: Some(last), discounts: &discounts, exemptions: &[], premiums: &[], reductions: &[] };
        let charged = year_charge(year(), &liability, &context).expect("complete").expect("liable");
        prop_assert_eq!(charged.gross - charged.exemption - charged.discount + charged.premium, charged.net);
        prop_assert_eq!(charged.preceptors.iter().map(|s| s.amount).sum::<Pence>(), charged.net);
        let days: i64 = charged.segments.iter().map(|s| crate::calendar::days_inclusive(s.from, s.to)).sum();
        prop_assert_eq!(days, charged.liable_days);
    }
}

fn ctr(from: &str, to: Option<&str>, percent_bp: u32, weekly_less: &str) -> Period<Reduction> {
    Period {
        from: date(from),
        to: to.map(date),
        value: Reduction {
            claim: crate::ids::ClaimId::parse("7c9e6679-7425-40de-944b-e07fc1f90ae7").expect("id"),
            percent_bp,
            weekly_less: gbp(weekly_less),
        },
    }
}

fn charge_with_ctr(
    discounts: &[Period<DiscountKind>],
    reductions: &[Period<Reduction>],
    settings: YearSettings,
) -> YearCharge {
    let liability = Liability {
        start: date("2020-01-01"),
        last_day: None,
        discounts,
        exemptions: &[],
        premiums: &[],
        reductions,
    };
    year_charge(year(), &liability, &context(settings, Band::B))
        .expect("context is complete")
        .expect("liable in the year")
}

#[test]
fn council_tax_reduction_comes_off_after_discounts_and_the_shares_still_add_up() {
    // Band B £1,125.64 a year (Band D £1,447.25); single person discount 25% leaves £844.23.
    let spd = [Period {
        from: date("2025-04-01"),
        to: None,
        value: DiscountKind::SinglePerson,
    }];
    // REFERENCE §3.3, Swale band 1: 80% of the liability after discounts, all year:
    // £844.23 x 80% = £675.384 -> £675.38 reduced, £168.85 to pay.
    let charged = charge_with_ctr(&spd, &[ctr("2025-04-01", None, 8_000, "0")], single("1447.25"));
    assert_eq!(
        (charged.discount, charged.reduction, charged.net),
        (gbp("281.41"), gbp("675.38"), gbp("168.85"))
    );
    assert_eq!(charged.gross - charged.discount - charged.reduction, charged.net);
    // With a £5.00 a week non-dependant deduction: 80% less £5 x 365/7 = £675.384 - £260.714
    // = £414.670 -> £414.67 reduced.
    let with_nondep = charge_with_ctr(&spd, &[ctr("2025-04-01", None, 8_000, "5.00")], single("1447.25"));
    assert_eq!(with_nondep.reduction, gbp("414.67"));
    // Half a year at 80% (1 April to 30 September, 183 days): the year splits in two segments.
    let half = charge_with_ctr(
        &[],
        &[ctr("2025-04-01", Some("2025-09-30"), 8_000, "0")],
        single("1447.25"),
    );
    // £1,125.64 x 183/365 x 80% = £451.49... -> reduced £451.49.
    assert_eq!(half.segments.len(), 2);
    assert_eq!(half.reduction, gbp("451.49"));
    // Preceptors' shares still sum to the net after the reduction.
    let shared = charge_with_ctr(&spd, &[ctr("2025-04-01", None, 6_000, "0")], tonbridge_2025());
    assert_eq!(shared.preceptors.iter().map(|s| s.amount).sum::<Pence>(), shared.net);
    // A deduction larger than the reduction leaves nothing reduced, never a surcharge.
    let nothing = charge_with_ctr(&[], &[ctr("2025-04-01", None, 2_000, "100.00")], single("1447.25"));
    assert_eq!((nothing.reduction, nothing.net), (Pence::ZERO, gbp("1125.64")));
}
