//! Partnership cost sharing on three councils (issue 7, so far): the agreement and a year's
//! cost pool stored in the partnership stream, drivers measured from the read models (live
//! Council Tax accounts, payments processed), the lines shared among the members, and the
//! what-if for a fourth council, against counts this test makes itself while driving the
//! commands (REFERENCE §5.3).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use precept_app::council_tax::Stores;
use precept_app::partnership::{Amounts, ApportionmentRequest, PartnershipService};
use precept_app::{CouncilTaxService, HandlerConfig, SystemClock};
use precept_domain::account::{AccountCommand, OpenAccount, PaymentMethod, PaymentReference, PostPayment};
use precept_domain::council_year::Band;
use precept_domain::instalments::InstalmentPlan;
use precept_domain::partnership::{AgreementCommand, Driver, LineBasis, LineSpec, PoolCommand, Proposal, Service};
use precept_domain::property::PropertyCommand;
use precept_domain::{AccountId, CouncilCode, FinancialYear, PartyId, PaymentId, Pence, Uprn};
use precept_eventstore::{EventStoreConfig, JetStreamEventStore, JetStreamFeedSource};
use precept_projections::billing::PROJECTOR;
use precept_projections::drivers::PartnershipDrivers;
use precept_projections::{Projector, ProjectorConfig, ReadStore};
use precept_testkit::{TestDatabase, TestNats, council, request_meta};
use uuid::Uuid;

fn d(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

fn gbp(text: &str) -> Pence {
    precept_domain::money::gbp(text)
}

/// Opens `accounts` accounts at `council` and posts `payments` payments on them; returns the
/// last commit's sequence.
async fn drive<S: Stores>(service: &CouncilTaxService<S>, council: &CouncilCode, accounts: usize, payments: usize) {
    let mut ids = Vec::new();
    for n in 0..accounts {
        let uprn = Uprn::parse(&(30_000_000 + n).to_string()).expect("uprn");
        let register = PropertyCommand::Register {
            address_reference: format!("BLPU-{n}"),
            band: Band::C,
            parish_area: None,
            effective_from: d("1993-04-01"),
        };
        let key = format!("{council}-{n}");
        service
            .register_property(council, uprn, register, &request_meta(&format!("p-{key}")))
            .await
            .expect("property");
        let open = OpenAccount {
            property: uprn,
            liability_start: d("2024-04-01"),
            liable_parties: vec![PartyId::from_uuid(Uuid::new_v4()).expect("id")],
            balance_brought_forward_pence: Pence::new(10_000),
            instalment_plan: InstalmentPlan::default(),
        };
        let id = AccountId::from_uuid(Uuid::new_v4()).expect("id");
        service
            .open_account(council, &id, open, &request_meta(&format!("a-{key}")))
            .await
            .expect("open");
        ids.push(id);
    }
    for (n, id) in ids.iter().cycle().take(payments).enumerate() {
        let pay = AccountCommand::PostPayment(PostPayment {
            payment_id: PaymentId::from_uuid(Uuid::new_v4()).expect("id"),
            amount_pence: Pence::new(1_000),
            method: PaymentMethod::Card,
            reference: PaymentReference::parse("CARD").expect("reference"),
            received_on: d("2025-05-01"),
            appropriate_to: None,
        });
        service
            .accounts()
            .execute(council, id, pay, &request_meta(&format!("pay-{council}-{n}")))
            .await
            .expect("payment");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_councils_share_costs_by_the_drivers_the_system_counted() {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let client = async_nats::connect(nats.url()).await.expect("connect");
    let store = JetStreamEventStore::connect(client, EventStoreConfig::default(), Arc::new(SystemClock))
        .await
        .expect("store");
    let councils = [council("maidstone"), council("swale"), council("tunbridge-wells")];
    store.ensure_streams(&councils).await.expect("streams");
    let read_store = ReadStore::connect(database.url()).await.expect("read store");
    let feeds = Arc::new(JetStreamFeedSource::new(store.clone()));
    let projector = Projector::start(
        Arc::clone(&feeds),
        read_store.clone(),
        &councils,
        ProjectorConfig::new(PROJECTOR),
    )
    .await
    .expect("projector");
    let drivers = PartnershipDrivers::new(
        read_store,
        projector.progress().clone(),
        Arc::clone(&feeds),
        Duration::from_secs(60),
    );
    let council_tax = CouncilTaxService::new(Arc::new(store.clone()), HandlerConfig::default());
    let partnership = PartnershipService::new(Arc::new(store.clone()), HandlerConfig::default());

    // The test's own tally: accounts opened and payments posted per council.
    let tally = [(30, 15), (20, 10), (10, 5)];
    for (code, (accounts, payments)) in councils.iter().zip(tally) {
        drive(&council_tax, code, accounts, payments).await;
    }
    for code in &councils {
        partnership
            .change_agreement(
                AgreementCommand::Join {
                    member: code.clone(),
                    services: vec![Service::CouncilTax],
                    from: d("2025-04-01"),
                },
                &request_meta(&format!("join-{code}")),
            )
            .await
            .expect("joined");
    }
    let year = FinancialYear::starting(2025).expect("year");
    let lines = [
        LineSpec {
            name: "staff".into(),
            service: Service::CouncilTax,
            amount: gbp("100000.00"),
            basis: LineBasis::Driver(Driver::LiveCouncilTaxAccounts),
            limits: Vec::new(),
        },
        LineSpec {
            name: "payment processing".into(),
            service: Service::CouncilTax,
            amount: Pence::ZERO,
            basis: LineBasis::PerUnit {
                rate: gbp("2.00"),
                driver: Driver::PaymentsProcessed,
            },
            limits: Vec::new(),
        },
        LineSpec {
            name: "ICT".into(),
            service: Service::CouncilTax,
            amount: gbp("30000.00"),
            basis: LineBasis::Fixed(vec![
                (councils[0].clone(), 4_000),
                (councils[1].clone(), 3_500),
                (councils[2].clone(), 2_500),
            ]),
            limits: Vec::new(),
        },
    ];
    for line in lines {
        let name = line.name.clone();
        partnership
            .change_pool(
                year,
                PoolCommand::SetLine(line),
                &request_meta(&format!("line-{}", name.replace(' ', "-"))),
            )
            .await
            .expect("line");
    }
    let request = ApportionmentRequest {
        year,
        amounts: Amounts::Budget,
        on: d("2025-06-30"),
        period: (year.first_day(), year.last_day()),
    };
    let view = partnership
        .apportionment(request, &drivers)
        .await
        .expect("apportionment");

    // The drivers the system counted are the ones this test made.
    for (code, (accounts, payments)) in councils.iter().zip(tally) {
        assert_eq!(
            view.drivers.get(Driver::LiveCouncilTaxAccounts, code),
            accounts as u64,
            "{code} accounts"
        );
        assert_eq!(
            view.drivers.get(Driver::PaymentsProcessed, code),
            payments as u64,
            "{code} payments"
        );
    }
    // Staff £100,000 by 30:20:10 accounts: £50,000.00, £33,333.33, £16,666.67 (the penny to
    // the largest remainder); processing at £2 a payment; ICT 40/35/25.
    let totals: BTreeMap<String, Pence> = view.members.iter().map(|(m, total)| (m.to_string(), *total)).collect();
    assert_eq!(
        totals,
        BTreeMap::from([
            ("maidstone".to_owned(), gbp("50000.00") + gbp("30.00") + gbp("12000.00")),
            ("swale".to_owned(), gbp("33333.33") + gbp("20.00") + gbp("10500.00")),
            (
                "tunbridge-wells".to_owned(),
                gbp("16666.67") + gbp("10.00") + gbp("7500.00")
            ),
        ])
    );
    let pool_total: Pence = view.members.iter().map(|(_, total)| *total).sum();
    assert_eq!(
        pool_total,
        gbp("100000.00") + gbp("60.00") + gbp("30000.00"),
        "shares sum to the pool"
    );

    // What-if: Ashford proposes to join with 40 accounts and 20 payments, bringing £20,000 of
    // staff; ICT would be 30/25/20/25.
    let proposal = Proposal {
        member: council("ashford"),
        drivers: BTreeMap::from([("staff".to_owned(), 40), ("payment processing".to_owned(), 20)]),
        fixed: BTreeMap::from([(
            "ICT".to_owned(),
            vec![
                (councils[0].clone(), 3_000),
                (councils[1].clone(), 2_500),
                (councils[2].clone(), 2_000),
                (council("ashford"), 2_500),
            ],
        )]),
        added_cost: BTreeMap::from([("staff".to_owned(), gbp("20000.00"))]),
    };
    let rows = partnership
        .what_if(request, &proposal, &drivers)
        .await
        .expect("what-if");
    let table: Vec<(String, Pence, Pence)> = rows.iter().map(|r| (r.member.to_string(), r.before, r.after)).collect();
    // After: staff £120,000 by 30:20:10:40 = £36,000 / £24,000 / £12,000 / £48,000.
    assert_eq!(
        table,
        [
            (
                "ashford".to_owned(),
                Pence::ZERO,
                gbp("48000.00") + gbp("40.00") + gbp("7500.00")
            ),
            (
                "maidstone".to_owned(),
                gbp("62030.00"),
                gbp("36000.00") + gbp("30.00") + gbp("9000.00")
            ),
            (
                "swale".to_owned(),
                gbp("43853.33"),
                gbp("24000.00") + gbp("20.00") + gbp("7500.00")
            ),
            (
                "tunbridge-wells".to_owned(),
                gbp("24176.67"),
                gbp("12000.00") + gbp("10.00") + gbp("6000.00")
            ),
        ]
    );

    // The tolerance rule (REFERENCE §5.3): the budget's drivers (30:20:10 accounts) are fixed
    // as the estimate; staff's actual cost is £120,000.
    partnership
        .fix_estimate(
            year,
            (d("2025-06-30"), (year.first_day(), year.last_day())),
            &drivers,
            &request_meta("estimate"),
        )
        .await
        .expect("estimate");
    partnership
        .change_pool(
            year,
            PoolCommand::RecordActual {
                name: "staff".into(),
                amount: gbp("120000.00"),
                on: d("2026-03-31"),
            },
            &request_meta("staff-actual"),
        )
        .await
        .expect("actual");
    let outturn = ApportionmentRequest {
        amounts: Amounts::Actual,
        ..request
    };
    let staff = |view: &precept_app::partnership::Apportionment| -> (Vec<Pence>, String) {
        let shares = view.lines.iter().find(|(name, _)| name == "staff").expect("staff");
        let used = view.used.iter().find(|(name, _)| name == "staff").expect("staff used");
        (shares.1.iter().map(|s| s.amount).collect(), format!("{:?}", used.1))
    };
    // One more account at Tunbridge Wells: 11 of 61 is 18.03%, 1.37 points above its estimated
    // 16.67%: within 3 points, so the estimate stands: £60,000 / £40,000 / £20,000.
    open_more(&council_tax, &councils[2], 0, 1).await;
    let view = partnership.apportionment(outturn, &drivers).await.expect("outturn");
    let (amounts, used) = staff(&view);
    assert_eq!(amounts, [gbp("60000.00"), gbp("40000.00"), gbp("20000.00")]);
    assert!(used.starts_with("Estimate"), "{used}");
    // Five more: 16 of 66 is 24.24%, 7.58 points above: shares follow the actual drivers,
    // 30:20:16 of £120,000 = £54,545.45 / £36,363.64 / £29,090.91 (two pennies placed by the
    // largest remainders).
    open_more(&council_tax, &councils[2], 1, 5).await;
    let view = partnership.apportionment(outturn, &drivers).await.expect("outturn");
    let (amounts, used) = staff(&view);
    assert_eq!(amounts, [gbp("54545.45"), gbp("36363.64"), gbp("29090.91")]);
    assert!(used.starts_with("Actual"), "{used}");
    projector.shutdown().await;
}

/// Opens `count` more accounts at `council`, at new properties numbered from `first`.
async fn open_more<S: Stores>(service: &CouncilTaxService<S>, council: &CouncilCode, first: usize, count: usize) {
    for n in first..first + count {
        let uprn = Uprn::parse(&(31_000_000 + n).to_string()).expect("uprn");
        let register = PropertyCommand::Register {
            address_reference: format!("BLPU-MORE-{n}"),
            band: Band::C,
            parish_area: None,
            effective_from: d("1993-04-01"),
        };
        service
            .register_property(council, uprn, register, &request_meta(&format!("p-more-{council}-{n}")))
            .await
            .expect("property");
        let open = OpenAccount {
            property: uprn,
            liability_start: d("2024-04-01"),
            liable_parties: vec![PartyId::from_uuid(Uuid::new_v4()).expect("id")],
            balance_brought_forward_pence: Pence::ZERO,
            instalment_plan: InstalmentPlan::default(),
        };
        let id = AccountId::from_uuid(Uuid::new_v4()).expect("id");
        service
            .open_account(council, &id, open, &request_meta(&format!("a-more-{council}-{n}")))
            .await
            .expect("open");
    }
}

/// The same through gRPC: members join, lines are set, the apportionment and what-if are
/// read, and bad input is refused field by field.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn partnership_views_through_grpc() {
    use precept_api::proto::set_cost_line_request::Basis;
    use precept_api::proto::{
        CostDriver, FixedShare, FixedShares, GetApportionmentRequest, GetRechargeStatementRequest, GetWhatIfRequest,
        JoinPartnershipRequest, PartnershipService as ProtoService, ProposedDriver, RecordActualCostRequest,
        SetCostLineRequest,
    };

    use crate::helpers::{bad_fields, open_request, register_test_property};

    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let codes = ["maidstone", "swale", "tunbridge-wells"];
    let councils: Vec<CouncilCode> = codes.iter().map(|code| council(code)).collect();
    let app = precept_testkit::spawn_app(&nats.url(), database.url(), &councils).await;
    let mut client = app.partnership().await;
    // Accounts: 3, 2 and 1.
    for (index, code) in codes.iter().enumerate() {
        register_test_property(&app, code).await;
        for n in 0..(3 - index) {
            app.council_tax()
                .await
                .open_account(open_request(&format!("open-{code}-{n}"), code, 1))
                .await
                .expect("open");
        }
        client
            .join_partnership(JoinPartnershipRequest {
                request_id: format!("join-{code}"),
                member: (*code).into(),
                services: vec![ProtoService::CouncilTax as i32],
                from: "2025-04-01".into(),
                correlation_id: String::new(),
            })
            .await
            .expect("joined");
    }
    let refused = client
        .join_partnership(JoinPartnershipRequest {
            request_id: "join-bad".into(),
            member: "nowhere".into(),
            services: vec![0],
            from: "2025-13-01".into(),
            correlation_id: String::new(),
        })
        .await
        .expect_err("bad fields");
    assert_eq!(bad_fields(&refused), ["member", "services", "from"]);
    let line = |name: &str, basis: Basis, amount_pence: i64| SetCostLineRequest {
        request_id: format!("line-{name}"),
        year: "2025/26".into(),
        name: name.into(),
        service: ProtoService::CouncilTax as i32,
        amount_pence,
        basis: Some(basis),
        limits: Vec::new(),
        correlation_id: String::new(),
    };
    client
        .set_cost_line(line(
            "staff",
            Basis::Driver(CostDriver::LiveCouncilTaxAccounts as i32),
            600_000,
        ))
        .await
        .expect("line");
    let fixed = FixedShares {
        shares: codes
            .iter()
            .zip([5_000, 3_000, 2_000])
            .map(|(member, bp)| FixedShare {
                member: (*member).into(),
                bp,
            })
            .collect(),
    };
    client
        .set_cost_line(line("ict", Basis::Fixed(fixed), 100_001))
        .await
        .expect("line");
    let view = client
        .get_apportionment(GetApportionmentRequest {
            year: "2025/26".into(),
            on: "2025-06-30".into(),
            actual: false,
            ..GetApportionmentRequest::default()
        })
        .await
        .expect("apportionment")
        .into_inner();
    let staff = view.lines.iter().find(|line| line.name == "staff").expect("staff");
    let drivers: Vec<u64> = staff.shares.iter().map(|share| share.driver).collect();
    assert_eq!(drivers, [3, 2, 1], "accounts counted per council");
    // £6,000 by 3:2:1 and £1,000.01 at 50/30/20 (the penny to the first of the equal remainders).
    let totals: Vec<i64> = view.members.iter().map(|member| member.amount_pence).collect();
    assert_eq!(totals, [300_000 + 50_001, 200_000 + 30_000, 100_000 + 20_000]);
    assert_eq!(staff.drivers_used, "measured");

    // The budget's drivers fixed as the estimate; a quarter's view then shares by it, and a
    // period outside the year is refused.
    client
        .fix_driver_estimate(precept_api::proto::FixDriverEstimateRequest {
            request_id: "estimate".into(),
            year: "2025/26".into(),
            on: "2025-06-30".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("estimate");
    let quarter = client
        .get_apportionment(GetApportionmentRequest {
            year: "2025/26".into(),
            on: "2025-06-30".into(),
            actual: false,
            from: "2025-04-01".into(),
            to: "2025-06-30".into(),
        })
        .await
        .expect("quarter")
        .into_inner();
    let staff = quarter.lines.iter().find(|line| line.name == "staff").expect("staff");
    assert_eq!(
        (staff.drivers_used.as_str(), staff.largest_movement_bp),
        ("estimate", 0)
    );
    let refused = client
        .get_apportionment(GetApportionmentRequest {
            year: "2025/26".into(),
            on: "2025-06-30".into(),
            actual: false,
            from: "2025-01-01".into(),
            to: "2025-06-30".into(),
        })
        .await
        .expect_err("outside the year");
    assert_eq!(bad_fields(&refused), ["from"]);
    let what_if = client
        .get_what_if(GetWhatIfRequest {
            year: "2025/26".into(),
            on: "2025-06-30".into(),
            member: "ashford".into(),
            drivers: vec![ProposedDriver {
                line: "staff".into(),
                value: 6,
            }],
            fixed: Vec::new(),
            added_costs: Vec::new(),
        })
        .await
        .expect("what-if")
        .into_inner();
    let ashford = what_if
        .members
        .iter()
        .find(|row| row.member == "ashford")
        .expect("ashford");
    assert_eq!(
        (ashford.before_pence, ashford.after_pence),
        (0, 300_000),
        "half the staff line"
    );

    // The ICT line's actual comes in at £1,200: Swale's recharge statement shows its budget
    // (£300.00) against its 30% of the actual (£360.00), £60.00 to invoice; staff has no
    // actual yet.
    client
        .record_actual_cost(RecordActualCostRequest {
            request_id: "actual-ict".into(),
            year: "2025/26".into(),
            name: "ict".into(),
            amount_pence: 120_000,
            on: "2026-04-30".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("actual");
    let statement = client
        .get_recharge_statement(GetRechargeStatementRequest {
            year: "2025/26".into(),
            on: "2025-06-30".into(),
            member: "swale".into(),
        })
        .await
        .expect("statement")
        .into_inner();
    let rows: Vec<(&str, i64, Option<i64>, Option<i64>)> = statement
        .lines
        .iter()
        .map(|l| (l.line.as_str(), l.budget_pence, l.actual_pence, l.difference_pence))
        .collect();
    assert_eq!(
        rows,
        [
            ("ict", 30_000, Some(36_000), Some(6_000)),
            ("staff", 200_000, None, None)
        ]
    );
    assert_eq!(
        (
            statement.budget_total_pence,
            statement.actual_total_pence,
            statement.difference_total_pence
        ),
        (230_000, 36_000, 6_000)
    );

    // `precept report apportionment`: the same view as CSV.
    let report = precept_server::report::ApportionmentReport {
        server: app.address.clone(),
        year: "2025/26".into(),
        on: "2025-06-30".into(),
        actual: false,
        period: (String::new(), String::new()),
        token: Some(app.token.clone()),
    };
    let mut csv = Vec::new();
    let rows = precept_server::report::apportionment(&report, &mut csv, false)
        .await
        .expect("report");
    assert_eq!(rows, 3 + 3 + 3, "two lines of three shares, three totals");
    let text = String::from_utf8(csv).expect("utf-8");
    assert!(text.starts_with("line,member,driver,amount_pence,bound\n"), "{text}");
    assert!(text.contains("staff,maidstone,3,300000,false\n"), "{text}");
    assert!(text.contains("TOTAL,maidstone,,350001,\n"), "{text}");
    app.stop().await;
}

/// A Council Tax payment's collection-fund split, worked by hand (REFERENCE §5.4), and the
/// in-year collection rate month by month (REFERENCE §1.12), through gRPC.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn collection_fund_and_performance_views_through_grpc() {
    use precept_api::proto::{
        GetCollectionFundRequest, GetPerformanceRequest, IssueBillRequest, JoinPartnershipRequest, PartnershipService,
        SetYearSettingsRequest,
    };
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let councils = [council("swale"), council("maidstone")];
    let app = precept_testkit::spawn_app(&nats.url(), database.url(), &councils).await;
    app.setup()
        .await
        .set_year_settings(SetYearSettingsRequest {
            request_id: "ct-2025".into(),
            council: "swale".into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            settings: Some(crate::billing::settings()),
            correlation_id: String::new(),
        })
        .await
        .expect("settings");
    crate::helpers::register_test_property(&app, "swale").await;
    let account_id = app
        .council_tax()
        .await
        .open_account(crate::helpers::open_request("open-cf", "swale", 1))
        .await
        .expect("open")
        .into_inner()
        .account_id;
    app.billing()
        .await
        .issue_bill(IssueBillRequest {
            request_id: "bill-cf".into(),
            council: "swale".into(),
            account_id: account_id.clone(),
            year: "2025/26".into(),
            issue_date: "2025-03-10".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("billed");
    // £1,000.00 received 1 May, allocated to 2025/26 (the only debt).
    app.council_tax()
        .await
        .post_payment(crate::helpers::payment_request("pay-cf", "swale", &account_id, 100_000))
        .await
        .expect("paid");
    let mut partnership = app.partnership().await;
    for member in ["maidstone", "swale"] {
        partnership
            .join_partnership(JoinPartnershipRequest {
                request_id: format!("join-{member}"),
                member: member.into(),
                services: vec![PartnershipService::CouncilTax as i32],
                from: "2025-04-01".into(),
                correlation_id: String::new(),
            })
            .await
            .expect("joined");
    }
    let fund = partnership
        .get_collection_fund(GetCollectionFundRequest {
            council: "swale".into(),
            year: "2025/26".into(),
            ..GetCollectionFundRequest::default()
        })
        .await
        .expect("fund")
        .into_inner();
    // Band D precepts billed: £222.32, £1,691.19, £270.15, £94.86 (of £2,278.52). £1,000.00
    // pro rata: 97.5721, 742.2318, 118.5638, 41.6323 -> rounded down 97.57, 742.23, 118.56,
    // 41.63 (£999.99); the penny left goes to the largest remainder (police, .38): 118.57.
    assert_eq!(fund.council_tax_pence, 100_000);
    let split: Vec<(String, i64)> = fund
        .preceptors
        .iter()
        .map(|b| (b.body.clone(), b.amount_pence))
        .collect();
    assert_eq!(
        split,
        [
            ("kcc", 74_223),
            ("kent-fire", 4_163),
            ("kent-pcc", 11_857),
            ("tmbc", 9_757)
        ]
        .map(|(body, pence)| (body.to_owned(), pence))
    );
    assert_eq!(fund.business_rates_pence, 0);

    let performance = partnership
        .get_performance(GetPerformanceRequest {
            council: String::new(),
            year: "2025/26".into(),
            on: "2025-06-30".into(),
        })
        .await
        .expect("performance")
        .into_inner();
    let names: Vec<&str> = performance.councils.iter().map(|c| c.council.as_str()).collect();
    assert_eq!(names, ["maidstone", "swale", "partnership"]);
    let accounts: Vec<u64> = performance
        .councils
        .iter()
        .map(|c| c.live_council_tax_accounts)
        .collect();
    assert_eq!(accounts, [0, 1, 1], "one live account at Swale on 30 June");
    for view in &performance.councils[1..] {
        let ct = view.council_tax.as_ref().expect("council tax");
        assert_eq!(ct.net_debit_pence, 227_852);
        // April nothing; from May £1,000.00 of £2,278.52 = 43.88%.
        let rates: Vec<(String, i64, u32)> = ct
            .months
            .iter()
            .take(3)
            .map(|m| (m.month.clone(), m.collected_pence, m.rate_bp))
            .collect();
        assert_eq!(
            rates,
            [
                ("2025-04", 0, 0),
                ("2025-05", 100_000, 4_388),
                ("2025-06", 100_000, 4_388)
            ]
            .map(|(month, pence, bp)| (month.to_owned(), pence, bp))
        );
        assert!(ct.months.iter().all(|m| m.last_year_rate_bp == 0));
    }

    // The same views as CSV (`precept report collection-fund` / `performance`).
    let report = precept_server::finance_report::FinanceReport {
        server: app.address.clone(),
        council: "swale".into(),
        year: "2025/26".into(),
        token: Some(app.token.clone()),
    };
    let mut csv = Vec::new();
    let rows = precept_server::finance_report::collection_fund(&report, &mut csv, false)
        .await
        .expect("collection fund report");
    assert_eq!(rows, 4 + 4 + 2, "four preceptors, four retention bodies, two totals");
    let text = String::from_utf8(csv).expect("utf-8");
    assert!(text.starts_with("service,body,kind,amount_pence\n"), "{text}");
    assert!(text.contains("council_tax,kent-pcc,police,11857\n"), "{text}");
    assert!(text.contains("council_tax,TOTAL,,100000\n"), "{text}");
    assert!(text.contains("business_rates,central,,0\n"), "{text}");
    let mut csv = Vec::new();
    let rows = precept_server::finance_report::performance(&report, &mut csv, false)
        .await
        .expect("performance report");
    assert_eq!(rows, 12);
    let text = String::from_utf8(csv).expect("utf-8");
    assert!(text.contains("swale,2025-05,100000,4388,0,0,0,0,"), "{text}");
    app.stop().await;
}
