//! Worked apportionment examples to the penny (REFERENCE §5.3, §5.4) and property tests.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::*;
use crate::ids::CouncilCode;
use crate::money::{Pence, gbp};

fn c(code: &str) -> CouncilCode {
    CouncilCode::parse(code).expect("council code")
}

fn line(name: &str, amount: &str, basis: Basis) -> CostLine {
    CostLine {
        name: name.into(),
        amount: gbp(amount),
        basis,
        limits: Vec::new(),
    }
}

fn amounts(shares: &[LineShare]) -> Vec<(String, Pence)> {
    shares.iter().map(|s| (s.member.to_string(), s.amount)).collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, Pence)> {
    expected.iter().map(|(m, a)| ((*m).to_owned(), gbp(a))).collect()
}

/// A case's name, its line, and the shares expected.
type Example = (&'static str, CostLine, Vec<(&'static str, &'static str)>);

#[test]
fn worked_examples() {
    let cases: Vec<Example> = vec![
        // §5.3: HB caseload, new claims + changes: South Hams 299 + 1,805, West Devon 176 +
        // 1,132 (REFERENCE rounds the agreement to 60/40; the exact split is 61.7/38.3). On
        // £100,000: £61,664.71 and £38,335.29 (the penny left goes to the larger remainder).
        (
            "HB caseload",
            line(
                "benefits staff",
                "100000.00",
                Basis::Drivers(vec![(c("south-hams"), 2_104), (c("west-devon"), 1_308)]),
            ),
            vec![("south-hams", "61664.71"), ("west-devon", "38335.29")],
        ),
        // §5.3: Council Tax properties on the list, 46,949 vs 27,112 (63/37), on £1m.
        (
            "CT properties",
            line(
                "council tax staff",
                "1000000.00",
                Basis::Drivers(vec![(c("south-hams"), 46_949), (c("west-devon"), 27_112)]),
            ),
            vec![("south-hams", "633923.39"), ("west-devon", "366076.61")],
        ),
        // §5.3: member services 50/50.
        (
            "fixed 50/50",
            line(
                "member services",
                "12345.67",
                Basis::Fixed(vec![(c("south-hams"), 5_000), (c("west-devon"), 5_000)]),
            ),
            vec![("south-hams", "6172.84"), ("west-devon", "6172.83")],
        ),
        // A remainder to place: £1,000 three ways; the penny goes to the first member.
        (
            "three equal members",
            line(
                "postage",
                "1000.00",
                Basis::Drivers(vec![(c("maidstone"), 1), (c("swale"), 1), (c("tunbridge-wells"), 1)]),
            ),
            vec![
                ("maidstone", "333.34"),
                ("swale", "333.33"),
                ("tunbridge-wells", "333.33"),
            ],
        ),
        // A bought-in service: enforcement at £12.50 a case.
        (
            "per unit",
            CostLine {
                name: "enforcement".into(),
                amount: Pence::ZERO,
                basis: Basis::PerUnit {
                    rate: gbp("12.50"),
                    units: vec![(c("norwich"), 400), (c("south-norfolk"), 100)],
                },
                limits: Vec::new(),
            },
            vec![("norwich", "5000.00"), ("south-norfolk", "1250.00")],
        ),
    ];
    for (name, line, expected) in cases {
        let shares = apportion(&line).expect(name);
        assert_eq!(amounts(&shares), pairs(&expected), "{name}");
        assert_eq!(
            shares.iter().map(|s| s.amount).sum::<Pence>(),
            line.total(),
            "{name}: sums"
        );
    }
}

#[test]
fn caps_and_floors_pass_the_difference_to_the_others() {
    // Drivers 50/30/20 on £10,000; A capped at £4,000: the other £6,000 goes 30:20.
    let mut capped = line(
        "ICT",
        "10000.00",
        Basis::Drivers(vec![(c("aa"), 50), (c("bb"), 30), (c("cc"), 20)]),
    );
    capped.limits = vec![(
        c("aa"),
        Limits {
            cap: Some(gbp("4000.00")),
            floor: None,
        },
    )];
    let shares = apportion(&capped).expect("shared");
    assert_eq!(
        amounts(&shares),
        pairs(&[("aa", "4000.00"), ("bb", "3600.00"), ("cc", "2400.00")])
    );
    assert!(shares[0].bound && !shares[1].bound);
    // C with a floor of £2,500: B and A share the rest 50:30 after A's cap... A's cap still
    // binds: A £4,000, C £2,500, B the remaining £3,500.
    capped.limits.push((
        c("cc"),
        Limits {
            floor: Some(gbp("2500.00")),
            cap: None,
        },
    ));
    let shares = apportion(&capped).expect("shared");
    assert_eq!(
        amounts(&shares),
        pairs(&[("aa", "4000.00"), ("bb", "3500.00"), ("cc", "2500.00")])
    );
    // Caps that cannot hold the whole are refused.
    let mut impossible = capped.clone();
    impossible.limits = vec![
        (
            c("aa"),
            Limits {
                cap: Some(gbp("100.00")),
                floor: None,
            },
        ),
        (
            c("bb"),
            Limits {
                cap: Some(gbp("100.00")),
                floor: None,
            },
        ),
        (
            c("cc"),
            Limits {
                cap: Some(gbp("100.00")),
                floor: None,
            },
        ),
    ];
    assert!(matches!(apportion(&impossible), Err(ApportionError::Bounds(_))));
}

#[test]
fn bad_lines_are_refused() {
    let fixed = line("x", "10.00", Basis::Fixed(vec![(c("aa"), 6_000), (c("bb"), 3_000)]));
    assert_eq!(apportion(&fixed), Err(ApportionError::FixedShares));
    let twice = line("x", "10.00", Basis::Drivers(vec![(c("aa"), 1), (c("aa"), 2)]));
    assert_eq!(apportion(&twice), Err(ApportionError::Members));
    let nothing = line("x", "10.00", Basis::Drivers(vec![(c("aa"), 0), (c("bb"), 0)]));
    assert_eq!(apportion(&nothing), Err(ApportionError::NoDrivers));
}

#[test]
fn shares_are_readjusted_only_beyond_the_tolerance() {
    // §5.3: estimate 60/40; actual 62.5/37.5 moves 2.5 points: within 3, the estimate stands.
    let estimate = [(c("aa"), 60), (c("bb"), 40)];
    assert!(matches!(
        true_up(&estimate, &[(c("aa"), 625), (c("bb"), 375)], 300),
        TrueUp::KeepEstimate { .. }
    ));
    // Actual 64/36 moves 4 points: re-adjust.
    let TrueUp::UseActual { largest } = true_up(&estimate, &[(c("aa"), 64), (c("bb"), 36)], 300) else {
        panic!("beyond tolerance");
    };
    assert_eq!(largest.1, crate::money::ExactPence::from_integer(400));
}

#[test]
fn what_if_a_third_council_joins() {
    // Staff £1m by caseload (A 60,000, B 40,000) and ICT £200,000 fixed 50/50. C proposes to
    // join with 25,000 cases, bringing £150,000 of staff cost; ICT would be split 40/40/20.
    let lines = vec![
        line(
            "staff",
            "1000000.00",
            Basis::Drivers(vec![(c("aa"), 60_000), (c("bb"), 40_000)]),
        ),
        line(
            "ict",
            "200000.00",
            Basis::Fixed(vec![(c("aa"), 5_000), (c("bb"), 5_000)]),
        ),
    ];
    let proposal = Proposal {
        member: c("cc"),
        drivers: BTreeMap::from([("staff".to_owned(), 25_000)]),
        fixed: BTreeMap::from([(
            "ict".to_owned(),
            vec![(c("aa"), 4_000), (c("bb"), 4_000), (c("cc"), 2_000)],
        )]),
        added_cost: BTreeMap::from([("staff".to_owned(), gbp("150000.00"))]),
    };
    let rows = what_if(&lines, &proposal).expect("business case");
    let table: Vec<(String, Pence, Pence, Pence)> = rows
        .iter()
        .map(|r| (r.member.to_string(), r.before, r.after, r.saving()))
        .collect();
    // After: staff £1.15m × 60/125 = £552,000, × 40/125 = £368,000, × 25/125 = £230,000.
    assert_eq!(
        table,
        [
            ("aa".to_owned(), gbp("700000.00"), gbp("632000.00"), gbp("68000.00")),
            ("bb".to_owned(), gbp("500000.00"), gbp("448000.00"), gbp("52000.00")),
            ("cc".to_owned(), Pence::ZERO, gbp("270000.00"), gbp("-270000.00")),
        ]
    );
}

#[test]
fn receipts_split_by_precept_and_by_retention_shares() {
    // §5.4: Council Tax receipts pro rata to precepts (Band D £1,691.19 county, £222.32
    // district): £100,000 → £88,381.56 and £11,618.44.
    let precepts = [("kcc".to_owned(), 169_119), ("district".to_owned(), 22_232)];
    let split = split_receipts(gbp("100000.00"), &precepts);
    assert_eq!(split, [("kcc", gbp("88381.56")), ("district", gbp("11618.44"))]);
    // §2.11: business rates, two-tier shire 50/40/9/1.
    let shares = RetentionShares::two_tier_shire();
    assert!(shares.is_whole() && RetentionShares::two_tier_shire_county_fire().is_whole());
    let weights: Vec<(String, i64)> = shares.0.iter().map(|(b, bp)| (b.clone(), i64::from(*bp))).collect();
    let split = split_receipts(gbp("1000000.00"), &weights);
    let amounts: Vec<Pence> = split.iter().map(|(_, amount)| *amount).collect();
    assert_eq!(
        amounts,
        [gbp("500000.00"), gbp("400000.00"), gbp("90000.00"), gbp("10000.00")]
    );
}

proptest! {
    /// Shares always sum to the line, to the penny, and every bound holds.
    #[test]
    fn shares_always_sum_to_the_pool(
        amount in 0i64..10_000_000_000,
        drivers in proptest::collection::vec(0u64..1_000_000, 1..8),
        cap_first in proptest::option::of(0i64..10_000_000_000),
        floor_last in proptest::option::of(0i64..1_000_000_000),
    ) {
        let members: Vec<(CouncilCode, u64)> = drivers
            .iter()
            .enumerate()
            .map(|(index, driver)| (c(&format!("member-{index}")), *driver))
            .collect();
        let last = members.len() - 1;
        let mut limits = Vec::new();
        if let Some(cap) = cap_first {
            limits.push((members[0].0.clone(), Limits { cap: Some(Pence::new(cap)), floor: None }));
        }
        if let Some(floor) = floor_last.filter(|_| last > 0) {
            limits.push((members[last].0.clone(), Limits { cap: None, floor: Some(Pence::new(floor)) }));
        }
        let line = CostLine { name: "pool".into(), amount: Pence::new(amount), basis: Basis::Drivers(members), limits };
        if let Ok(shares) = apportion(&line) {
            prop_assert_eq!(shares.iter().map(|s| s.amount).sum::<Pence>(), Pence::new(amount));
            prop_assert!(shares.iter().all(|s| s.amount >= Pence::ZERO));
            if let Some(cap) = cap_first {
                // Rounding moves a share by at most a penny.
                prop_assert!(shares[0].amount.get() <= cap + 1);
            }
            if let (Some(floor), true) = (floor_last, last > 0) {
                prop_assert!(shares[last].amount.get() >= floor - 1);
            }
        }
    }
}

mod membership {
    use chrono::NaiveDate;

    use super::c;
    use crate::aggregate::Aggregate;
    use crate::partnership::agreement::{
        Agreement, AgreementCommand, AgreementError, AgreementId, AgreementState, Service,
    };

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn run(commands: Vec<AgreementCommand>) -> Result<AgreementState, AgreementError> {
        let mut state = AgreementState::default();
        for command in commands {
            let events =
                futures::executor::block_on(Agreement.handle(&AgreementId, &state, command))?.unwrap_or_default();
            for event in events {
                state = Agreement::apply(state, event)?;
            }
        }
        Ok(state)
    }

    fn join(member: &str, services: &[Service], from: &str) -> AgreementCommand {
        AgreementCommand::Join {
            member: c(member),
            services: services.to_vec(),
            from: d(from),
        }
    }

    #[test]
    fn shares_are_among_the_members_taking_the_service_on_the_day() {
        use Service::{Benefits, CouncilTax};
        let state = run(vec![
            join("maidstone", &[CouncilTax, Benefits], "2025-04-01"),
            join("tunbridge-wells", &[CouncilTax, Benefits], "2025-04-01"),
            // Swale joins for Council Tax from 1 October (MKS expansion, REFERENCE §5.1).
            join("swale", &[CouncilTax], "2025-10-01"),
            AgreementCommand::Leave {
                member: c("tunbridge-wells"),
                last_day: d("2026-03-31"),
            },
        ])
        .expect("agreed");
        let on = |service, date| state.taking(service, d(date));
        assert_eq!(on(CouncilTax, "2025-06-01"), [c("maidstone"), c("tunbridge-wells")]);
        assert_eq!(
            on(CouncilTax, "2025-11-01"),
            [c("maidstone"), c("swale"), c("tunbridge-wells")]
        );
        assert_eq!(on(Benefits, "2025-11-01"), [c("maidstone"), c("tunbridge-wells")]);
        assert_eq!(on(CouncilTax, "2026-04-01"), [c("maidstone"), c("swale")]);
    }

    #[test]
    fn a_rejoining_council_takes_nothing_in_between_and_bad_changes_are_refused() {
        use Service::CouncilTax;
        let state = run(vec![
            join("swale", &[CouncilTax], "2024-04-01"),
            AgreementCommand::Leave {
                member: c("swale"),
                last_day: d("2024-12-31"),
            },
            join("swale", &[CouncilTax], "2025-06-01"),
        ])
        .expect("agreed");
        assert!(state.taking(CouncilTax, d("2025-03-01")).is_empty());
        assert_eq!(state.taking(CouncilTax, d("2025-07-01")), [c("swale")]);
        assert_eq!(
            run(vec![
                join("swale", &[CouncilTax], "2024-04-01"),
                join("swale", &[CouncilTax], "2025-04-01")
            ]),
            Err(AgreementError::AlreadyMember(c("swale")))
        );
        assert_eq!(
            run(vec![join("swale", &[], "2024-04-01")]),
            Err(AgreementError::Services)
        );
        assert_eq!(
            run(vec![AgreementCommand::Leave {
                member: c("swale"),
                last_day: d("2025-01-01"),
            }]),
            Err(AgreementError::NotMember(c("swale")))
        );
    }
}

mod measured {
    use std::collections::BTreeMap;

    use chrono::NaiveDate;

    use super::c;
    use crate::money::{Pence, gbp};
    use crate::partnership::agreement::{AgreementEvent, AgreementState, Service};
    use crate::partnership::{Driver, DriverValues, LineBasis, LineSpec, apportion};

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn agreement() -> AgreementState {
        let mut state = AgreementState::default();
        for (member, services) in [
            ("maidstone", vec![Service::CouncilTax, Service::BusinessRates]),
            ("swale", vec![Service::CouncilTax]),
        ] {
            let event = AgreementEvent::Joined {
                member: c(member),
                services,
                from: d("2025-04-01"),
            };
            state = <crate::partnership::Agreement as crate::aggregate::Aggregate>::apply(state, event).expect("fits");
        }
        state
    }

    #[test]
    fn a_configured_line_is_shared_by_its_measured_driver_among_its_service_members() {
        let drivers = DriverValues(BTreeMap::from([
            ((Driver::LiveCouncilTaxAccounts, c("maidstone")), 75_000),
            ((Driver::LiveCouncilTaxAccounts, c("swale")), 65_000),
            ((Driver::Hereditaments, c("maidstone")), 6_000),
            ((Driver::Hereditaments, c("swale")), 4_500),
        ]));
        let staff = LineSpec {
            name: "council tax staff".into(),
            service: Service::CouncilTax,
            amount: gbp("1400000.00"),
            basis: LineBasis::Driver(Driver::LiveCouncilTaxAccounts),
            limits: Vec::new(),
        };
        let shares = apportion(&staff.measured(&agreement(), d("2025-12-31"), &drivers)).expect("shared");
        let amounts: Vec<Pence> = shares.iter().map(|s| s.amount).collect();
        assert_eq!(amounts, [gbp("750000.00"), gbp("650000.00")]);
        // Business rates: Swale does not take the service, so Maidstone bears the line.
        let rates = LineSpec {
            name: "rates staff".into(),
            service: Service::BusinessRates,
            amount: gbp("300000.00"),
            basis: LineBasis::Driver(Driver::Hereditaments),
            limits: Vec::new(),
        };
        let shares = apportion(&rates.measured(&agreement(), d("2025-12-31"), &drivers)).expect("shared");
        assert_eq!(shares.len(), 1);
        assert_eq!(
            (shares[0].member.clone(), shares[0].amount),
            (c("maidstone"), gbp("300000.00"))
        );
        // Per unit: £2.50 a payment processed.
        let processing = LineSpec {
            name: "payment processing".into(),
            service: Service::CouncilTax,
            amount: Pence::ZERO,
            basis: LineBasis::PerUnit {
                rate: gbp("2.50"),
                driver: Driver::PaymentsProcessed,
            },
            limits: Vec::new(),
        };
        let mut counted = drivers.clone();
        counted.0.insert((Driver::PaymentsProcessed, c("maidstone")), 1_000);
        counted.0.insert((Driver::PaymentsProcessed, c("swale")), 400);
        let shares = apportion(&processing.measured(&agreement(), d("2025-12-31"), &counted)).expect("shared");
        let amounts: Vec<Pence> = shares.iter().map(|s| s.amount).collect();
        assert_eq!(amounts, [gbp("2500.00"), gbp("1000.00")]);
    }
}

mod activity {
    use chrono::NaiveDate;

    use crate::account::{AccountEvent, PaymentMethod, PaymentPosted, PaymentReference, RecoveryRecorded};
    use crate::calendar::FinancialYear;
    use crate::ids::PaymentId;
    use crate::money::Pence;
    use crate::partnership::ActivityCounts;
    use crate::recovery::{RecoveryEvent, ReminderIssued};

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    fn payment(index: u8, on: &str) -> AccountEvent {
        AccountEvent::PaymentPosted(PaymentPosted {
            payment_id: PaymentId::parse(&format!("00000000-0000-4000-9000-0000000000{index:02}")).expect("id"),
            amount_pence: Pence::new(100),
            method: PaymentMethod::Card,
            reference: PaymentReference::parse("REF").expect("reference"),
            received_on: d(on),
        })
    }

    #[test]
    fn activity_is_counted_by_business_date_within_the_period() {
        let reminder = AccountEvent::Recovery(RecoveryRecorded {
            year: FinancialYear::starting(2025).expect("year"),
            event: RecoveryEvent::ReminderIssued(ReminderIssued {
                number: 1,
                issued: d("2025-05-15"),
                arrears: Pence::new(100),
                covers_due_through: d("2025-05-01"),
                pay_by: d("2025-05-22"),
                balance_due_on: d("2025-05-29"),
            }),
        });
        let events = [
            payment(1, "2025-04-01"),
            payment(2, "2025-06-30"),
            payment(3, "2025-07-01"),
            reminder,
        ];
        let mut counts = ActivityCounts::default();
        counts.add_council_tax(&events, d("2025-04-01"), d("2025-06-30"));
        assert_eq!(
            counts,
            ActivityCounts {
                bills_issued: 0,
                payments_processed: 2,
                recovery_actions: 1,
                uc_records_handled: 0,
                claims_assessed: 0,
            }
        );
    }
}

mod pool {
    use super::c;
    use crate::aggregate::Aggregate;
    use crate::council_year::CouncilYearId;
    use crate::money::gbp;
    use crate::partnership::agreement::Service;
    use crate::partnership::pool::{CostPool, PoolCommand, PoolError, PoolState};
    use crate::partnership::{Driver, LineBasis, LineSpec};

    fn run(state: PoolState, command: PoolCommand) -> Result<PoolState, PoolError> {
        let id = CouncilYearId("2025/26".parse().expect("year"));
        let events = futures::executor::block_on(CostPool.handle(&id, &state, command))?.unwrap_or_default();
        events.into_iter().try_fold(state, CostPool::apply)
    }

    fn staff(amount: &str) -> LineSpec {
        LineSpec {
            name: "staff".into(),
            service: Service::CouncilTax,
            amount: gbp(amount),
            basis: LineBasis::Driver(Driver::LiveCouncilTaxAccounts),
            limits: Vec::new(),
        }
    }

    #[test]
    fn lines_are_budgeted_then_their_actuals_recorded() {
        let state = run(PoolState::default(), PoolCommand::SetLine(staff("1000000.00"))).expect("set");
        let state = run(
            state,
            PoolCommand::RecordActual {
                name: "staff".into(),
                amount: gbp("1030000.00"),
                on: "2026-04-30".parse().expect("date"),
            },
        )
        .expect("actual");
        // Re-budgeting keeps the actual.
        let state = run(state, PoolCommand::SetLine(staff("1010000.00"))).expect("set");
        let line = &state.lines["staff"];
        assert_eq!(
            (line.spec.amount, line.actual),
            (gbp("1010000.00"), Some(gbp("1030000.00")))
        );
        assert_eq!(state.tolerance_bp, 300, "REFERENCE §5.3's 3 points by default");
    }

    #[test]
    fn bad_lines_are_refused_by_field() {
        let mut fixed = staff("10.00");
        fixed.basis = LineBasis::Fixed(vec![(c("maidstone"), 6_000), (c("swale"), 3_000)]);
        assert_eq!(
            run(PoolState::default(), PoolCommand::SetLine(fixed)),
            Err(PoolError::Field("fixed_shares"))
        );
        let mut unnamed = staff("10.00");
        unnamed.name = " ".into();
        assert_eq!(
            run(PoolState::default(), PoolCommand::SetLine(unnamed)),
            Err(PoolError::Field("name"))
        );
        assert_eq!(
            run(PoolState::default(), PoolCommand::RemoveLine { name: "staff".into() }),
            Err(PoolError::NoLine("staff".into()))
        );
        assert_eq!(
            run(PoolState::default(), PoolCommand::SetTolerance(20_000)),
            Err(PoolError::Field("tolerance_bp"))
        );
    }
}
