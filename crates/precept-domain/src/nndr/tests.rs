//! Worked examples with exact figures (REFERENCE §2.2-2.7), one row per case.

use chrono::NaiveDate;

use super::*;
use crate::calendar::FinancialYear;
use crate::money::{Pence, gbp};

fn d(text: &str) -> NaiveDate {
    text.parse().expect("test date")
}

fn year(start: i32) -> NndrYear {
    NndrYear::england(FinancialYear::starting(start).expect("year")).expect("published year")
}

fn whole_year(start: i32, rateable_value: u32, occupation: Occupation, rhl_use: bool) -> PropertyFacts {
    let year = FinancialYear::starting(start).expect("year");
    PropertyFacts {
        rateable_value,
        rhl_use,
        occupation,
        listed_building: false,
        from: year.first_day(),
        to: year.last_day(),
    }
}

/// Given / when / then: a case, the charge expected.
struct Case {
    name: &'static str,
    year: i32,
    facts: PropertyFacts,
    claims: ReliefClaims,
    kind: MultiplierKind,
    gross: Pence,
    /// Supplement and transitional relief.
    adjust: [Pence; 2],
    reliefs: [Pence; 5],
    net: Pence,
}

fn check(case: &Case) {
    let charge = nndr_charge(&year(case.year), &case.facts, &case.claims);
    assert_eq!(charge.multiplier_kind, case.kind, "{}: multiplier", case.name);
    assert_eq!(charge.gross, case.gross, "{}: gross", case.name);
    assert_eq!(
        [charge.supplement, charge.transitional],
        case.adjust,
        "{}: [supplement, transitional]",
        case.name
    );
    let reliefs = [
        charge.empty_relief,
        charge.charity_relief,
        charge.sbrr,
        charge.charity_top_up,
        charge.rhl_relief,
    ];
    assert_eq!(
        reliefs, case.reliefs,
        "{}: [empty, charity, SBRR, top-up, RHL]",
        case.name
    );
    assert_eq!(charge.net, case.net, "{}: net", case.name);
    assert_eq!(
        charge.gross + charge.supplement - charge.transitional - reliefs.iter().copied().sum::<Pence>(),
        charge.net,
        "{}: adds up",
        case.name
    );
}

const NONE: Pence = Pence::ZERO;

#[test]
fn worked_examples() {
    let cases = [
        // §2.4: RV £13,500 on the small multiplier (49.9p): £6,736.50; the taper gives
        // (15,000 - 13,500) / 3,000 = 50% relief.
        Case {
            name: "SBRR taper, RV £13,500, 2025/26",
            year: 2025,
            facts: whole_year(2025, 13_500, Occupation::Occupied, false),
            claims: ReliefClaims {
                sbrr: true,
                ..ReliefClaims::default()
            },
            kind: MultiplierKind::SmallBusiness,
            gross: gbp("6736.50"),
            adjust: [NONE, NONE],
            reliefs: [NONE, NONE, gbp("3368.25"), NONE, NONE],
            net: gbp("3368.25"),
        },
        // §2.4: at or below £12,000, 100%.
        Case {
            name: "SBRR full, RV £12,000",
            year: 2025,
            facts: whole_year(2025, 12_000, Occupation::Occupied, false),
            claims: ReliefClaims {
                sbrr: true,
                ..ReliefClaims::default()
            },
            kind: MultiplierKind::SmallBusiness,
            gross: gbp("5988.00"),
            adjust: [NONE, NONE],
            reliefs: [NONE, NONE, gbp("5988.00"), NONE, NONE],
            net: NONE,
        },
        // §2.5: a charity shop, RV £40,000 × 49.9p = £19,960; 80% mandatory = £15,968; the
        // council tops up 10% of gross (£1,996). SBRR claimed too, but does not combine.
        Case {
            name: "charity with mandatory relief and a top-up",
            year: 2025,
            facts: whole_year(2025, 40_000, Occupation::Occupied, false),
            claims: ReliefClaims {
                charity: true,
                charity_top_up_bp: 1_000,
                sbrr: true,
                ..ReliefClaims::default()
            },
            kind: MultiplierKind::SmallBusiness,
            gross: gbp("19960.00"),
            adjust: [NONE, NONE],
            reliefs: [NONE, gbp("15968.00"), NONE, gbp("1996.00"), NONE],
            net: gbp("1996.00"),
        },
        // §2.6: an industrial unit, RV £60,000 × 55.5p = £33,300 a year, empty since
        // 1 October 2024: its six free months ended on 31 March 2025, so 2025/26 is charged in full.
        Case {
            name: "empty industrial unit past 6 months",
            year: 2025,
            facts: whole_year(
                2025,
                60_000,
                Occupation::Empty {
                    since: d("2024-10-01"),
                    industrial: true,
                },
                false,
            ),
            claims: ReliefClaims::default(),
            kind: MultiplierKind::Standard,
            gross: gbp("33300.00"),
            adjust: [NONE, NONE],
            reliefs: [NONE; 5],
            net: gbp("33300.00"),
        },
        // The same unit empty since 1 January 2025: free to 30 June, charged 1 July to 31 March,
        // 274 of 365 days: £33,300 × 274 / 365 = £24,997.81 (91 free days = £8,302.19).
        Case {
            name: "empty industrial unit inside its 6 months",
            year: 2025,
            facts: whole_year(
                2025,
                60_000,
                Occupation::Empty {
                    since: d("2025-01-01"),
                    industrial: true,
                },
                false,
            ),
            claims: ReliefClaims::default(),
            kind: MultiplierKind::Standard,
            gross: gbp("33300.00"),
            adjust: [NONE, NONE],
            reliefs: [gbp("8302.19"), NONE, NONE, NONE, NONE],
            net: gbp("24997.81"),
        },
        // §2.2 2026/27: RV £600,000 pays the high-value 50.8p whatever its use: £304,800,
        // and, receiving no transitional relief, the 1p supplement: £6,000.
        Case {
            name: "2026/27 property over £500,000 (RHL use)",
            year: 2026,
            facts: whole_year(2026, 600_000, Occupation::Occupied, true),
            claims: ReliefClaims::default(),
            kind: MultiplierKind::HighValue,
            gross: gbp("304800.00"),
            adjust: [gbp("6000.00"), NONE],
            reliefs: [NONE; 5],
            net: gbp("310800.00"),
        },
        // §2.8 2026/27: the same property with last year's bill £250,000: a large property's
        // increase is capped at 30% (no inflation in 2026/27), £325,000, above this bill, so
        // no relief is received and the supplement applies.
        Case {
            name: "2026/27 transitional relief not needed",
            year: 2026,
            facts: whole_year(2026, 600_000, Occupation::Occupied, false),
            claims: ReliefClaims {
                transitional_base: Some(gbp("250000.00")),
                ..ReliefClaims::default()
            },
            kind: MultiplierKind::HighValue,
            gross: gbp("304800.00"),
            adjust: [gbp("6000.00"), NONE],
            reliefs: [NONE; 5],
            net: gbp("310800.00"),
        },
        // §2.8 2026/27: last year's bill £200,000: capped at £260,000, so £44,800 relief and
        // no supplement.
        Case {
            name: "2026/27 large property under transitional relief",
            year: 2026,
            facts: whole_year(2026, 600_000, Occupation::Occupied, false),
            claims: ReliefClaims {
                transitional_base: Some(gbp("200000.00")),
                ..ReliefClaims::default()
            },
            kind: MultiplierKind::HighValue,
            gross: gbp("304800.00"),
            adjust: [NONE, gbp("44800.00")],
            reliefs: [NONE; 5],
            net: gbp("260000.00"),
        },
        // §2.8 2025/26: a medium property (RV £50,000 × 49.9p = £24,950) whose bill was
        // £15,000 last year: cap £15,000 × 1.017 (inflation) × 1.40 = £21,357; relief £3,593.
        Case {
            name: "2025/26 medium property under transitional relief",
            year: 2025,
            facts: whole_year(2025, 50_000, Occupation::Occupied, false),
            claims: ReliefClaims {
                transitional_base: Some(gbp("15000.00")),
                ..ReliefClaims::default()
            },
            kind: MultiplierKind::SmallBusiness,
            gross: gbp("24950.00"),
            adjust: [NONE, gbp("3593.00")],
            reliefs: [NONE; 5],
            net: gbp("21357.00"),
        },
        // A bill that falls passes through (§2.8: only increases are capped).
        Case {
            name: "a falling bill gets no transitional relief",
            year: 2025,
            facts: whole_year(2025, 50_000, Occupation::Occupied, false),
            claims: ReliefClaims {
                transitional_base: Some(gbp("30000.00")),
                ..ReliefClaims::default()
            },
            kind: MultiplierKind::SmallBusiness,
            gross: gbp("24950.00"),
            adjust: [NONE, NONE],
            reliefs: [NONE; 5],
            net: gbp("24950.00"),
        },
        // 2026/27: an RHL shop below £51,000 pays 38.2p; RV £20,000 → £7,640, and the 1p
        // supplement, £200.
        Case {
            name: "2026/27 small RHL shop",
            year: 2026,
            facts: whole_year(2026, 20_000, Occupation::Occupied, true),
            claims: ReliefClaims::default(),
            kind: MultiplierKind::SmallBusinessRhl,
            gross: gbp("7640.00"),
            adjust: [gbp("200.00"), NONE],
            reliefs: [NONE; 5],
            net: gbp("7840.00"),
        },
        // §2.7 2025/26: a retail store, RV £700,000 × 55.5p = £388,500; 40% would be £155,400,
        // capped at £110,000.
        Case {
            name: "retail property hitting the RHL cash cap",
            year: 2025,
            facts: whole_year(2025, 700_000, Occupation::Occupied, true),
            claims: ReliefClaims::default(),
            kind: MultiplierKind::Standard,
            gross: gbp("388500.00"),
            adjust: [NONE, NONE],
            reliefs: [NONE, NONE, NONE, NONE, gbp("110000.00")],
            net: gbp("278500.00"),
        },
        // The cap is per business across its group: £100,000 already granted elsewhere leaves
        // £10,000 here.
        Case {
            name: "RHL cap shared across a group",
            year: 2025,
            facts: whole_year(2025, 700_000, Occupation::Occupied, true),
            claims: ReliefClaims {
                rhl_cap_used: gbp("100000.00"),
                ..ReliefClaims::default()
            },
            kind: MultiplierKind::Standard,
            gross: gbp("388500.00"),
            adjust: [NONE, NONE],
            reliefs: [NONE, NONE, NONE, NONE, gbp("10000.00")],
            net: gbp("378500.00"),
        },
    ];
    for case in &cases {
        check(case);
    }
}

#[test]
fn rhl_rates_need_occupation_and_the_threshold_is_strict() {
    let five = year(2026).multipliers;
    assert_eq!(
        five.applicable(20_000, true, false).0,
        MultiplierKind::SmallBusiness,
        "empty: no RHL rate"
    );
    assert_eq!(
        five.applicable(51_000, false, true).0,
        MultiplierKind::Standard,
        "£51,000 is not below"
    );
    assert_eq!(five.applicable(499_999, true, true).0, MultiplierKind::StandardRhl);
    assert_eq!(five.applicable(500_000, false, true).0, MultiplierKind::HighValue);
    let two = year(2024).multipliers;
    assert_eq!(
        two.applicable(50_999, false, true),
        (MultiplierKind::SmallBusiness, Multiplier(499))
    );
    assert_eq!(
        two.applicable(51_000, false, true),
        (MultiplierKind::Standard, Multiplier(546))
    );
}

#[test]
fn empty_property_below_the_exemption_value_pays_nothing_and_a_shop_gets_three_months() {
    let exempt = whole_year(
        2025,
        2_899,
        Occupation::Empty {
            since: d("2020-01-01"),
            industrial: false,
        },
        false,
    );
    assert_eq!(
        nndr_charge(&year(2025), &exempt, &ReliefClaims::default()).net,
        Pence::ZERO
    );
    // A shop (RV £30,000 × 49.9p = £14,970) empty from 1 April: free to 30 June, 91 of 365 days
    // free: £14,970 × 91 / 365 = £3,732.2466, £3,732.25 relief.
    let shop = whole_year(
        2025,
        30_000,
        Occupation::Empty {
            since: d("2025-04-01"),
            industrial: false,
        },
        true,
    );
    let charge = nndr_charge(
        &year(2025),
        &shop,
        &ReliefClaims {
            sbrr: true,
            ..ReliefClaims::default()
        },
    );
    assert_eq!(
        (charge.empty_relief, charge.sbrr, charge.rhl_relief),
        (gbp("3732.25"), Pence::ZERO, Pence::ZERO)
    );
    assert_eq!(charge.net, gbp("11237.75"));
}

#[test]
fn published_years_are_2023_to_2026_only() {
    assert!(NndrYear::england(FinancialYear::starting(2022).expect("year")).is_none());
    assert!(NndrYear::england(FinancialYear::starting(2027).expect("year")).is_none());
    assert!(year(2026).rhl.is_none(), "RHL relief gives way to the RHL multipliers");
}

proptest::proptest! {
    /// Whatever the facts, the reliefs never exceed the gross, none is negative, and the bill's
    /// lines add up to the net exactly.
    #[test]
    fn reliefs_never_exceed_the_gross_and_the_lines_add_up(
        start in 2023i32..=2026,
        rateable_value in 0u32..2_000_000,
        rhl_use: bool,
        empty_days_before in proptest::option::of(0u64..800),
        industrial: bool,
        first in 0u64..365,
        length in 0u64..365,
        sbrr: bool,
        charity: bool,
        charity_top_up_bp in 0u32..=2_000,
        rhl_cap_used in 0i64..12_000_000,
        transitional_base in proptest::option::of(0i64..200_000_000),
    ) {
        let fy = FinancialYear::starting(start).expect("year");
        let from = fy.first_day() + chrono::Days::new(first.min(363));
        let to = (from + chrono::Days::new(length)).min(fy.last_day());
        let occupation = match empty_days_before {
            None => Occupation::Occupied,
            Some(days) => Occupation::Empty { since: from - chrono::Days::new(days), industrial },
        };
        let facts = PropertyFacts { rateable_value, rhl_use, occupation, listed_building: false, from, to };
        let claims = ReliefClaims {
            sbrr,
            charity,
            charity_top_up_bp,
            rhl_cap_used: Pence::new(rhl_cap_used),
            empty_exempt: false,
            transitional_base: transitional_base.map(Pence::new),
        };
        let charge = nndr_charge(&year(start), &facts, &claims);
        let reliefs = [charge.empty_relief, charge.charity_relief, charge.sbrr, charge.charity_top_up, charge.rhl_relief];
        proptest::prop_assert!(reliefs.iter().all(|relief| *relief >= Pence::ZERO));
        proptest::prop_assert!(charge.net >= Pence::ZERO);
        proptest::prop_assert!(charge.supplement >= Pence::ZERO && charge.transitional >= Pence::ZERO);
        proptest::prop_assert!(charge.transitional <= charge.gross);
        proptest::prop_assert_eq!(
            charge.gross + charge.supplement - charge.transitional - reliefs.iter().copied().sum::<Pence>(),
            charge.net
        );
    }
}

#[test]
fn listed_buildings_and_accepted_exemptions_pay_nothing_while_empty() {
    // §2.6: empty and exempt indefinitely, however long empty.
    let empty = Occupation::Empty {
        since: d("2020-01-01"),
        industrial: false,
    };
    let mut listed = whole_year(2025, 80_000, empty, false);
    listed.listed_building = true;
    assert_eq!(
        nndr_charge(&year(2025), &listed, &ReliefClaims::default()).net,
        Pence::ZERO
    );
    let plain = whole_year(2025, 80_000, empty, false);
    let exempt = ReliefClaims {
        empty_exempt: true,
        ..ReliefClaims::default()
    };
    assert_eq!(nndr_charge(&year(2025), &plain, &exempt).net, Pence::ZERO);
    // Occupied, neither exemption matters: 80,000 × 55.5p.
    let occupied = whole_year(2025, 80_000, Occupation::Occupied, false);
    assert_eq!(nndr_charge(&year(2025), &occupied, &exempt).net, gbp("44400.00"));
}

#[test]
fn settings_out_of_range_are_refused_by_field() {
    let mut national = year(2025);
    assert_eq!(national.validate(), Ok(()));
    national.multipliers = Multipliers::Two {
        standard: Multiplier(0),
        small_business: Multiplier(499),
        small_below: 51_000,
    };
    assert_eq!(national.validate(), Err("multipliers.standard"));
    let mut national = year(2025);
    if let Some(caps) = national.transitional.as_mut() {
        caps.inflation_bp = 4_000_000_000;
    }
    assert_eq!(national.validate(), Err("transitional"));
    let mut national = year(2025);
    national.sbrr.zero_from = national.sbrr.full_up_to;
    assert_eq!(national.validate(), Err("sbrr_zero_from"));
}
