//! Business rates through gRPC on both read-model backends: one council (the agent) bills and
//! collects 1,800 hereditaments for another (the billing authority), as a partner did for a
//! neighbour from 2005 (REFERENCE §2; issue 5).
//!
//! The agent lists the hereditaments, opens the accounts, runs annual billing (twice: the
//! second bills nothing), applies a backdated value change and a split, takes payments,
//! refunds the credit a split leaves, and runs recovery to liability orders. The billing
//! authority's read model (collectable debit and reliefs by type, collection by month, an
//! account and its statement) and the agent's (the councils it serves, its collection) are
//! checked against this test's own tally, computed here from REFERENCE §2's rules rather than
//! read back. The agent's attempts to change the authority's settings or agencies are
//! refused, as is a council that is not an agent, and attachment of earnings (CT only).

use futures::StreamExt;
use precept_api::proto::business_rates_client::BusinessRatesClient;
use precept_api::proto::change_nndr_account_request::Change;
use precept_api::proto::recovery_action_request::Action;
use precept_api::proto::{
    AlterRateableValueRequest, AppointAgentRequest, AttachEarnings, ChangeNndrAccountRequest,
    ChangeNndrInstalmentPlanRequest, GetCollectableDebitRequest, GetCollectionByMonthRequest, GetNndrAccountRequest,
    GetNndrYearRequest, GetServicedCouncilsRequest, ListHereditamentRequest, NewHereditament, NndrReliefs,
    NndrSettings, OpenNndrAccountRequest, PayPeriod, RecoveryActionRequest, RecoveryRunProgress, ReferToAgent,
    RefundCreditRequest, ReliefsChange, ReorganiseHereditamentsRequest, RunAnnualBillingRequest, RunRecoveryRequest,
    SetNndrYearRequest, TwoMultipliers,
};
use precept_testkit::AuthChannel;
use precept_testkit::{TestDatabase, TestNats, council, spawn_app};
use tonic::{Code, Request};

use crate::helpers::{bad_fields, payment_request};

const AUTHORITY: &str = "tunbridge";
const AGENT: &str = "maidstone";
const OUTSIDER: &str = "swale";
const HEREDITAMENTS: usize = 1_800;
/// `NndrSettings::england`'s local defaults for 2025/26: summons and liability order costs.
const SUMMONS_COSTS: i64 = 7_000;
const ORDER_COSTS: i64 = 3_000;
/// The account whose value the VOA reduces from 1 April (a profile 2 account).
const ALTERED: usize = 2;
const ALTERED_VALUE: u32 = 24_000;
/// The account whose hereditament is split from 1 October (a profile 2 account that paid).
const SPLIT: usize = 8;
/// Two profile 2 accounts in recovery whose hereditaments merge from 1 January.
const MERGED: [usize; 2] = [14, 26];
/// A retail account (paid in full) later given transitional relief from 1 April.
const TRANSITIONAL: usize = 4;
/// A retail account (paid in full) that asks for 12 instalments.
const TWELVE: usize = 16;

/// A request as the agent council sends it.
fn as_council<T>(code: &str, message: T) -> Request<T> {
    let mut request = Request::new(message);
    request
        .metadata_mut()
        .insert("x-precept-council", code.parse().expect("an ASCII council code"));
    request
}

fn agent<T>(message: T) -> Request<T> {
    as_council(AGENT, message)
}

fn uprn(index: usize) -> String {
    format!("{}", 200_000_000_000_u64 + index as u64)
}

fn account(index: usize) -> String {
    format!("00000000-0000-4000-8000-{index:012}")
}

/// Six kinds of ratepayer, 300 of each (REFERENCE §2.2-2.7, 2025/26 figures).
#[derive(Debug, Clone, Copy)]
struct Profile {
    rateable_value: u32,
    industrial: bool,
    rhl_use: bool,
    empty_since: Option<&'static str>,
    reliefs: NndrReliefs,
}

fn profile(index: usize) -> Profile {
    let none = NndrReliefs::default();
    let occupied = |rateable_value, rhl_use, reliefs| Profile {
        rateable_value,
        industrial: false,
        rhl_use,
        empty_since: None,
        reliefs,
    };
    match index % 6 {
        // Small business rate relief, 100% (RV at most £12,000).
        0 => occupied(10_000, false, NndrReliefs { sbrr: true, ..none }),
        // SBRR on the taper (RV £13,500: half).
        1 => occupied(13_500, false, NndrReliefs { sbrr: true, ..none }),
        // No relief, small business multiplier.
        2 => occupied(30_000, false, none),
        // A charity: 80% mandatory and a 10% discretionary top-up.
        3 => occupied(
            20_000,
            false,
            NndrReliefs {
                charity: true,
                charity_top_up_bp: 1_000,
                ..none
            },
        ),
        // Retail, standard multiplier, RHL relief at 40%.
        4 => occupied(60_000, true, none),
        // An industrial unit empty since 1 January: six months free, to 30 June.
        _ => Profile {
            rateable_value: 40_000,
            industrial: true,
            rhl_use: false,
            empty_since: Some("2025-01-01"),
            reliefs: none,
        },
    }
}

/// Half-up division of non-negative numbers.
fn div_half_up(numerator: i64, denominator: i64) -> i64 {
    (2 * numerator + denominator) / (2 * denominator)
}

/// The year's charge for a profile, from REFERENCE §2 (2025/26: standard 55.5p, small 49.9p
/// below £51,000; SBRR tapers from £12,000 to £15,000; charity 80%; RHL 40%; six months'
/// empty relief for industrial premises), over `days` liable days from 1 April.
fn expected_net(p: &Profile, days: i64) -> i64 {
    let multiplier = if p.rateable_value < 51_000 { 499 } else { 555 };
    let annual = i64::from(p.rateable_value) * multiplier / 10;
    let gross = div_half_up(annual * days, 365);
    let rv = i64::from(p.rateable_value);
    if p.empty_since.is_some() {
        // 1 April to 30 June: 91 of the year's days free.
        return gross - div_half_up(annual * 91, 365);
    }
    if p.reliefs.charity {
        let mandatory = gross * 8_000 / 10_000;
        let top_up = gross * i64::from(p.reliefs.charity_top_up_bp) / 10_000;
        return gross - mandatory - top_up;
    }
    if p.reliefs.sbrr {
        let relief = if rv <= 12_000 {
            gross
        } else {
            div_half_up(gross * (15_000 - rv), 3_000)
        };
        return gross - relief;
    }
    if p.rhl_use {
        return gross - gross * 4_000 / 10_000;
    }
    gross
}

/// What the test expects of each account.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    net: i64,
    paid: i64,
    refunded: i64,
    costs: i64,
}

fn payer(index: usize) -> bool {
    index.is_multiple_of(4)
}

async fn run_recovery(
    client: &mut BusinessRatesClient<AuthChannel>,
    id: &str,
    date: &str,
    hearing: &str,
) -> RecoveryRunProgress {
    let mut stream = client
        .run_nndr_recovery(agent(RunRecoveryRequest {
            request_id: id.into(),
            council: AUTHORITY.into(),
            run_date: date.into(),
            hearing: hearing.into(),
            correlation_id: String::new(),
        }))
        .await
        .expect("recovery run starts")
        .into_inner();
    let mut last = None;
    while let Some(update) = stream.next().await {
        last = Some(update.expect("progress"));
    }
    let last = last.expect("a final report");
    assert!(last.finished && last.failed == 0, "{date}: {last:?}");
    last
}

async fn bill(client: &mut BusinessRatesClient<AuthChannel>, id: &str) -> (u64, u64) {
    let mut stream = client
        .run_nndr_billing(agent(RunAnnualBillingRequest {
            request_id: id.into(),
            council: AUTHORITY.into(),
            year: "2025/26".into(),
            issue_date: "2025-03-15".into(),
            correlation_id: String::new(),
        }))
        .await
        .expect("billing starts")
        .into_inner();
    let mut last = None;
    while let Some(update) = stream.next().await {
        last = Some(update.expect("progress"));
    }
    let last = last.expect("a final report");
    assert!(last.finished && last.failed == 0, "{last:?}");
    (last.examined, last.billed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn agency_billing_and_collection_on_sqlite() {
    agency_billing_and_collection(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn agency_billing_and_collection_on_postgres() {
    agency_billing_and_collection(TestDatabase::postgres().await).await;
}

async fn set_up_authority(client: &mut BusinessRatesClient<AuthChannel>) {
    client
        .set_nndr_year(SetNndrYearRequest {
            request_id: "nndr-2025".into(),
            council: AUTHORITY.into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            england_defaults: true,
            ..SetNndrYearRequest::default()
        })
        .await
        .expect("the authority sets its year");
    // Before it appoints one, the agent may not even list a hereditament.
    let early = client
        .list_hereditament(agent(ListHereditamentRequest {
            request_id: "early".into(),
            council: AUTHORITY.into(),
            uprn: uprn(0),
            rateable_value: 1_000,
            effective_from: "2025-04-01".into(),
            ..ListHereditamentRequest::default()
        }))
        .await
        .expect_err("not yet an agent");
    assert_eq!(early.code(), Code::PermissionDenied, "{early:?}");
    client
        .appoint_agent(AppointAgentRequest {
            request_id: "agency".into(),
            council: AUTHORITY.into(),
            agent: AGENT.into(),
            from: "2025-03-01".into(),
            correlation_id: String::new(),
        })
        .await
        .expect("the authority appoints its agent");
}

/// The agent, and an outsider, try to govern the authority: refused, nothing stored.
async fn denied_governance(client: &mut BusinessRatesClient<AuthChannel>) {
    let cheaper = SetNndrYearRequest {
        request_id: "agent-multipliers".into(),
        council: AUTHORITY.into(),
        year: "2025/26".into(),
        effective_from: "2025-04-01".into(),
        settings: Some(NndrSettings {
            multipliers: Some(precept_api::proto::nndr_settings::Multipliers::Two(TwoMultipliers {
                standard: 400,
                small_business: 400,
                small_below: 51_000,
            })),
            sbrr_full_up_to: 12_000,
            sbrr_zero_from: 15_000,
            charity_mandatory_bp: 8_000,
            empty_months: 3,
            empty_industrial_months: 6,
            empty_exempt_below: 2_900,
            ..NndrSettings::default()
        }),
        ..SetNndrYearRequest::default()
    };
    let refused = client
        .set_nndr_year(agent(cheaper))
        .await
        .expect_err("an agent cannot set multipliers");
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    let appoint = AppointAgentRequest {
        request_id: "agent-appoints".into(),
        council: AUTHORITY.into(),
        agent: OUTSIDER.into(),
        from: "2025-04-01".into(),
        correlation_id: String::new(),
    };
    let refused = client
        .appoint_agent(agent(appoint))
        .await
        .expect_err("an agent cannot appoint agents");
    assert_eq!(refused.code(), Code::PermissionDenied, "{refused:?}");
    let outsider = client
        .list_hereditament(as_council(
            OUTSIDER,
            ListHereditamentRequest {
                request_id: "outsider".into(),
                council: AUTHORITY.into(),
                uprn: uprn(HEREDITAMENTS + 50),
                rateable_value: 1_000,
                effective_from: "2025-04-01".into(),
                ..ListHereditamentRequest::default()
            },
        ))
        .await
        .expect_err("a council that is not the agent");
    assert_eq!(outsider.code(), Code::PermissionDenied, "{outsider:?}");
    let stored = client
        .get_nndr_year(GetNndrYearRequest {
            council: AUTHORITY.into(),
            year: "2025/26".into(),
            on: String::new(),
        })
        .await
        .expect("settings read back")
        .into_inner();
    let Some(precept_api::proto::nndr_settings::Multipliers::Two(two)) = stored.multipliers else {
        panic!("2025/26 has two multipliers: {stored:?}");
    };
    assert_eq!(
        (two.standard, two.small_business),
        (555, 499),
        "the authority's multipliers stand"
    );
    assert_eq!(stored.recovery.map(|r| r.reminders_per_year), Some(1));
}

/// Bad input is refused field by field, and nothing is stored.
async fn bad_input(client: &mut BusinessRatesClient<AuthChannel>) {
    let refused = client
        .list_hereditament(agent(ListHereditamentRequest {
            request_id: "bad-list".into(),
            council: AUTHORITY.into(),
            uprn: "not-a-uprn".into(),
            rateable_value: 1_000,
            effective_from: "2025-13-01".into(),
            ..ListHereditamentRequest::default()
        }))
        .await
        .expect_err("bad fields");
    assert_eq!(bad_fields(&refused), ["uprn", "effective_from"]);
    let refused = client
        .open_nndr_account(as_council(
            "nowhere",
            OpenNndrAccountRequest {
                request_id: "bad-open".into(),
                council: AUTHORITY.into(),
                account_id: account(0),
                uprn: uprn(0),
                ratepayer_id: "10000000-0000-4000-8000-000000000000".into(),
                liability_start: "2025-04-01".into(),
                reliefs: Some(NndrReliefs {
                    charity: true,
                    charity_top_up_bp: 20_000,
                    ..NndrReliefs::default()
                }),
                ..OpenNndrAccountRequest::default()
            },
        ))
        .await
        .expect_err("bad fields");
    assert_eq!(bad_fields(&refused), ["x-precept-council", "reliefs.charity_top_up_bp"]);
    let refused = client
        .set_nndr_year(SetNndrYearRequest {
            request_id: "bad-year".into(),
            council: AUTHORITY.into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            ..SetNndrYearRequest::default()
        })
        .await
        .expect_err("no settings");
    assert_eq!(bad_fields(&refused), ["settings"]);
}

async fn list_and_open(client: &BusinessRatesClient<AuthChannel>) {
    let chunks: Vec<Vec<usize>> = (0..HEREDITAMENTS)
        .collect::<Vec<_>>()
        .chunks(100)
        .map(<[usize]>::to_vec)
        .collect();
    for chunk in chunks {
        let work = chunk.into_iter().map(|index| {
            let mut client = client.clone();
            async move {
                let p = profile(index);
                client
                    .list_hereditament(agent(ListHereditamentRequest {
                        request_id: format!("list-{index}"),
                        council: AUTHORITY.into(),
                        uprn: uprn(index),
                        rateable_value: p.rateable_value,
                        industrial: p.industrial,
                        rhl_use: p.rhl_use,
                        effective_from: "2023-04-01".into(),
                        correlation_id: String::new(),
                        listed_building: false,
                    }))
                    .await
                    .expect("listed");
                client
                    .open_nndr_account(agent(OpenNndrAccountRequest {
                        request_id: format!("open-{index}"),
                        council: AUTHORITY.into(),
                        account_id: account(index),
                        uprn: uprn(index),
                        ratepayer_id: format!("10000000-0000-4000-8000-{index:012}"),
                        liability_start: "2025-04-01".into(),
                        empty_since: p.empty_since.unwrap_or_default().into(),
                        reliefs: Some(p.reliefs),
                        twelve_instalments: false,
                        correlation_id: String::new(),
                    }))
                    .await
                    .expect("opened");
            }
        });
        futures::future::join_all(work).await;
    }
}

async fn agency_billing_and_collection(database: TestDatabase) {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let councils = [council(AUTHORITY), council(AGENT), council(OUTSIDER)];
    let app = spawn_app(&nats.url(), database.url(), &councils).await;
    let mut client = app.business_rates().await;
    set_up_authority(&mut client).await;
    denied_governance(&mut client).await;
    bad_input(&mut client).await;
    list_and_open(&client).await;

    let mut tally: Vec<Tally> = (0..HEREDITAMENTS)
        .map(|index| Tally {
            net: expected_net(&profile(index), 365),
            ..Tally::default()
        })
        .collect();
    assert_eq!(
        bill(&mut client, "bill-2025").await,
        (HEREDITAMENTS as u64, HEREDITAMENTS as u64)
    );
    assert_eq!(
        bill(&mut client, "bill-2025-again").await.1,
        0,
        "a re-run bills nothing"
    );

    // The VOA lowers one value from 1 April: a revised notice.
    let altered = client
        .alter_rateable_value(agent(AlterRateableValueRequest {
            request_id: "alter".into(),
            council: AUTHORITY.into(),
            uprn: uprn(ALTERED),
            rateable_value: ALTERED_VALUE,
            effective_from: "2025-04-01".into(),
            schedule_reference: "VOA-2025-0042".into(),
            notice_date: "2025-03-20".into(),
            correlation_id: String::new(),
        }))
        .await
        .expect("value altered")
        .into_inner();
    assert_eq!(altered.accounts_rebilled, 1);
    tally[ALTERED].net = expected_net(
        &Profile {
            rateable_value: ALTERED_VALUE,
            ..profile(ALTERED)
        },
        365,
    );

    // A quarter of the ratepayers pay the year in full on 1 April.
    let mut last_sequence = 0;
    for (index, expected) in tally.iter_mut().enumerate() {
        if payer(index) && expected.net > 0 {
            let mut payment = payment_request(&format!("pay-{index}"), AUTHORITY, &account(index), expected.net);
            payment.received_on = "2025-04-01".into();
            let receipt = client.post_nndr_payment(agent(payment)).await.expect("payment");
            last_sequence = last_sequence.max(receipt.into_inner().sequence);
            expected.paid = expected.net;
        }
    }

    // A ratepayer who has paid asks for 12 instalments on 2 April: April's instalment, already
    // due, stands, and the rest is re-spread monthly from 1 May to 1 March (REFERENCE §2.9).
    client
        .change_nndr_instalment_plan(agent(ChangeNndrInstalmentPlanRequest {
            request_id: "twelve".into(),
            council: AUTHORITY.into(),
            account_id: account(TWELVE),
            twelve_instalments: true,
            notice_date: "2025-04-02".into(),
            correlation_id: String::new(),
        }))
        .await
        .expect("12 instalments");

    // The council finds a retailer eligible for transitional relief from 1 April: last year's
    // bill £20,000, a medium property's cap 40% after 1.7% inflation: £28,476 (REFERENCE §2.8);
    // RHL relief, 40%, applies to what is left. The overpayment becomes credit.
    client
        .change_nndr_account(agent(ChangeNndrAccountRequest {
            request_id: "transitional".into(),
            council: AUTHORITY.into(),
            account_id: account(TRANSITIONAL),
            notice_date: "2025-04-10".into(),
            change: Some(Change::Reliefs(ReliefsChange {
                from: "2025-04-01".into(),
                reliefs: Some(NndrReliefs {
                    transitional_base_pence: 2_000_000,
                    ..NndrReliefs::default()
                }),
            })),
            correlation_id: String::new(),
        }))
        .await
        .expect("relief awarded");
    let capped = 2_000_000 * 10_170 / 10_000 * 14_000 / 10_000;
    tally[TRANSITIONAL].net = capped - capped * 4_000 / 10_000;

    // Recovery: reminders, loss of instalments, summonses, liability orders (REFERENCE §2.10).
    let owing = |tally: &[Tally]| tally.iter().filter(|t| t.net > t.paid).count() as u64;
    let reminded = run_recovery(&mut client, "rec-0415", "2025-04-15", "").await;
    assert_eq!(
        reminded.stepped,
        owing(&tally),
        "a reminder for every account in arrears"
    );
    assert_eq!(
        run_recovery(&mut client, "rec-0415-b", "2025-04-15", "").await.stepped,
        0
    );
    assert_eq!(
        run_recovery(&mut client, "rec-0423", "2025-04-23", "").await.stepped,
        owing(&tally)
    );
    let summonsed = run_recovery(&mut client, "rec-0429", "2025-04-29", "2025-05-20").await;
    assert_eq!(
        summonsed.stepped,
        owing(&tally),
        "a summons for every account still owing"
    );
    let ordered = run_recovery(&mut client, "rec-0520", "2025-05-20", "").await;
    assert_eq!(ordered.stepped, owing(&tally), "an order for each summons");
    for expected in tally.iter_mut().filter(|t| t.net > t.paid) {
        expected.costs = SUMMONS_COSTS + ORDER_COSTS;
    }
    let debtor = (0..HEREDITAMENTS)
        .find(|index| tally[*index].costs > 0)
        .expect("a debtor");
    let attach = RecoveryActionRequest {
        request_id: "attach".into(),
        council: AUTHORITY.into(),
        account_id: account(debtor),
        year: "2025/26".into(),
        action: Some(Action::AttachEarnings(AttachEarnings {
            on: "2025-05-21".into(),
            employer: "acme".into(),
            period: PayPeriod::Monthly as i32,
        })),
        correlation_id: String::new(),
    };
    let refused = client
        .take_nndr_recovery_action(agent(attach))
        .await
        .expect_err("no AoE for NNDR");
    assert_eq!(refused.code(), Code::FailedPrecondition, "{refused:?}");
    client
        .take_nndr_recovery_action(agent(RecoveryActionRequest {
            request_id: "refer".into(),
            council: AUTHORITY.into(),
            account_id: account(debtor),
            year: "2025/26".into(),
            action: Some(Action::ReferToAgent(ReferToAgent {
                on: "2025-05-21".into(),
                firm: "bailiff-1".into(),
            })),
            correlation_id: String::new(),
        }))
        .await
        .expect("an enforcement agent referral");
    // The agent's compliance fee is the agent's to collect, not part of the authority's debt.

    // The split: liability on the old hereditament ends on 30 September; the payment it no
    // longer needs becomes credit, which is refunded.
    let split = client
        .reorganise_hereditaments(agent(ReorganiseHereditamentsRequest {
            request_id: "split".into(),
            council: AUTHORITY.into(),
            old_uprns: vec![uprn(SPLIT)],
            new_hereditaments: [HEREDITAMENTS + 1, HEREDITAMENTS + 2]
                .iter()
                .map(|index| NewHereditament {
                    uprn: uprn(*index),
                    rateable_value: 15_000,
                    industrial: false,
                    rhl_use: false,
                    listed_building: false,
                })
                .collect(),
            effective_from: "2025-10-01".into(),
            notice_date: "2025-10-01".into(),
            correlation_id: String::new(),
        }))
        .await
        .expect("split")
        .into_inner();
    assert_eq!(split.accounts_rebilled, 1);
    tally[SPLIT].net = expected_net(&profile(SPLIT), 183);
    let credit = tally[SPLIT].paid - tally[SPLIT].net;
    let refund = client
        .refund_nndr_credit(agent(RefundCreditRequest {
            request_id: "refund".into(),
            council: AUTHORITY.into(),
            account_id: account(SPLIT),
            refund_id: "20000000-0000-4000-8000-000000000008".into(),
            amount_pence: credit,
            refunded_on: "2025-10-05".into(),
            correlation_id: String::new(),
        }))
        .await
        .expect("refund")
        .into_inner();
    tally[SPLIT].refunded = credit;
    last_sequence = last_sequence.max(refund.sequence);

    // Two hereditaments merge from 1 January: both liabilities end on 31 December.
    let merged = client
        .reorganise_hereditaments(agent(ReorganiseHereditamentsRequest {
            request_id: "merge".into(),
            council: AUTHORITY.into(),
            old_uprns: MERGED.iter().map(|index| uprn(*index)).collect(),
            new_hereditaments: vec![NewHereditament {
                uprn: uprn(HEREDITAMENTS + 3),
                rateable_value: 58_000,
                ..NewHereditament::default()
            }],
            effective_from: "2026-01-01".into(),
            notice_date: "2026-01-02".into(),
            correlation_id: String::new(),
        }))
        .await
        .expect("merge")
        .into_inner();
    assert_eq!(merged.accounts_rebilled, 2);
    last_sequence = last_sequence.max(merged.last_sequence);
    for index in MERGED {
        tally[index].net = expected_net(&profile(index), 275);
    }

    check_authority_views(&mut client, &tally, last_sequence).await;
    check_collection_fund(&app, &tally).await;
    check_agent_views(&mut client, &tally).await;
    check_activity(database.url(), &tally).await;
    app.stop().await;
}

/// The business rates collected in respect of 2025/26 split by the two-tier retention shares
/// 50/40/9/1 (REFERENCE §2.11, §5.4), computed here: each share rounded down, the pence left to
/// the largest remainders, earlier bodies first.
async fn check_collection_fund(app: &precept_testkit::TestApp, tally: &[Tally]) {
    let fund = app
        .partnership()
        .await
        .get_collection_fund(precept_api::proto::GetCollectionFundRequest {
            council: AUTHORITY.into(),
            year: "2025/26".into(),
            ..Default::default()
        })
        .await
        .expect("collection fund")
        .into_inner();
    let collected: i64 = tally.iter().map(|t| t.paid.min(t.net + t.costs)).sum();
    assert_eq!(fund.business_rates_pence, collected);
    let shares = [
        ("central", 5_000),
        ("billing_authority", 4_000),
        ("county", 900),
        ("fire", 100),
    ];
    let mut parts: Vec<(i64, i64)> = shares
        .iter()
        .map(|(_, bp)| (collected * bp / 10_000, collected * bp % 10_000))
        .collect();
    let left = collected - parts.iter().map(|(whole, _)| whole).sum::<i64>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by_key(|i| (-parts[*i].1, *i));
    for i in order.into_iter().take(usize::try_from(left).expect("a few pence")) {
        parts[i].0 += 1;
    }
    let got: Vec<(String, i64)> = fund
        .retention
        .iter()
        .map(|b| (b.body.clone(), b.amount_pence))
        .collect();
    let wanted: Vec<(String, i64)> = shares
        .iter()
        .zip(&parts)
        .map(|((body, _), (amount, _))| ((*body).to_owned(), *amount))
        .collect();
    assert_eq!(got, wanted);
    assert_eq!(got.iter().map(|(_, a)| a).sum::<i64>(), collected);
}

async fn check_authority_views(client: &mut BusinessRatesClient<AuthChannel>, tally: &[Tally], min_sequence: u64) {
    let debit = client
        .get_collectable_debit(GetCollectableDebitRequest {
            council: AUTHORITY.into(),
            year: "2025/26".into(),
            min_sequence,
        })
        .await
        .expect("collectable debit")
        .into_inner();
    let total = debit.total.expect("a total");
    assert_eq!(total.accounts, HEREDITAMENTS as u64);
    assert_eq!(
        total.net_pence,
        tally.iter().map(|t| t.net).sum::<i64>(),
        "collectable debit"
    );
    // Paid to the year: payments beyond the charge are credit (or were refunded).
    assert_eq!(
        total.paid_pence,
        tally.iter().map(|t| t.paid.min(t.net + t.costs)).sum::<i64>()
    );
    let of = |kind: usize| HEREDITAMENTS as i64 / 6 * expected_relief(kind);
    assert_eq!(total.sbrr_pence, of(0) + of(1), "small business rate relief");
    assert_eq!(
        total.charity_relief_pence,
        HEREDITAMENTS as i64 / 6 * 798_400,
        "mandatory charitable"
    );
    assert_eq!(
        total.charity_top_up_pence,
        HEREDITAMENTS as i64 / 6 * 99_800,
        "discretionary top-up"
    );
    let capped = 2_000_000 * 10_170 / 10_000 * 14_000 / 10_000;
    assert_eq!(total.transitional_pence, 3_330_000 - capped, "transitional relief");
    assert_eq!(
        total.rhl_relief_pence,
        of(4) - 1_332_000 + capped * 4_000 / 10_000,
        "retail, hospitality and leisure"
    );
    assert_eq!(total.empty_relief_pence, of(5), "empty property");
    let by_multiplier: i64 = debit.by_multiplier.iter().map(|line| line.net_pence).sum();
    assert_eq!(
        by_multiplier, total.net_pence,
        "the split by multiplier adds up to the total"
    );
    let standard: Vec<_> = debit
        .by_multiplier
        .iter()
        .filter(|line| line.multiplier_kind == "standard")
        .collect();
    assert_eq!(standard.len(), 1);
    assert_eq!(
        standard[0].accounts,
        HEREDITAMENTS as u64 / 6,
        "RV £60,000 takes the standard multiplier"
    );

    let months = client
        .get_collection_by_month(GetCollectionByMonthRequest {
            council: AUTHORITY.into(),
            from: "2025-04-01".into(),
            to: "2026-03-31".into(),
            agent: String::new(),
            min_sequence,
        })
        .await
        .expect("collection by month")
        .into_inner()
        .months;
    let april: i64 = tally.iter().map(|t| t.paid).sum();
    let months: Vec<(String, i64)> = months.into_iter().map(|m| (m.month, m.collected_pence)).collect();
    assert_eq!(
        months,
        [
            ("2025-04".to_owned(), april),
            ("2025-10".to_owned(), -tally[SPLIT].refunded)
        ],
        "collection by month"
    );

    let split = client
        .get_nndr_account(GetNndrAccountRequest {
            council: AUTHORITY.into(),
            account_id: account(SPLIT),
            min_sequence,
            as_of: "2025-10-05".into(),
        })
        .await
        .expect("the split account")
        .into_inner();
    assert_eq!(split.collected_by, AGENT);
    assert_eq!(split.liability_end, "2025-09-30");
    assert_eq!((split.balance_pence, split.credit_pence), (0, 0));
    let year = &split.years[0];
    assert_eq!((year.net_pence, year.paid_pence), (tally[SPLIT].net, tally[SPLIT].net));
    let statement = client
        .get_nndr_statement(GetNndrAccountRequest {
            council: AUTHORITY.into(),
            account_id: account(SPLIT),
            min_sequence,
            as_of: String::new(),
        })
        .await
        .expect("statement")
        .into_inner();
    let kinds: Vec<&str> = statement.lines.iter().map(|line| line.kind.as_str()).collect();
    assert_eq!(kinds, ["charge", "payment", "adjustment", "refund"]);
    assert_eq!(statement.balance_pence, 0);
    assert!(statement.lines.iter().all(|line| line.collected_by == AGENT));

    let twelve = client
        .get_nndr_account(GetNndrAccountRequest {
            council: AUTHORITY.into(),
            account_id: account(TWELVE),
            min_sequence,
            as_of: "2025-10-05".into(),
        })
        .await
        .expect("the account on 12 instalments")
        .into_inner();
    let instalments = &twelve.years[0].instalments;
    assert_eq!(instalments.len(), 12, "{instalments:?}");
    assert_eq!(
        (instalments[0].due.as_str(), instalments[1].due.as_str()),
        ("2025-04-01", "2025-05-01")
    );
    assert_eq!(
        instalments.iter().map(|i| i.amount_pence).sum::<i64>(),
        tally[TWELVE].net
    );
    let empty = client
        .get_nndr_account(GetNndrAccountRequest {
            council: AUTHORITY.into(),
            account_id: account(5),
            min_sequence,
            as_of: "2025-10-05".into(),
        })
        .await
        .expect("the empty unit")
        .into_inner();
    let periods: Vec<(i64, i64)> = empty.years[0]
        .periods
        .iter()
        .map(|p| (p.days, p.empty_relief_pence))
        .collect();
    assert_eq!(
        periods,
        [(365, expected_relief(5))],
        "one period, three months of it free"
    );
}

/// Each profile's reliefs for the whole year, by REFERENCE §2's rules: gross less net.
fn expected_relief(kind: usize) -> i64 {
    let p = profile(kind);
    let multiplier = if p.rateable_value < 51_000 { 499 } else { 555 };
    let gross = i64::from(p.rateable_value) * multiplier / 10;
    gross - expected_net(&p, 365)
}

async fn check_agent_views(client: &mut BusinessRatesClient<AuthChannel>, tally: &[Tally]) {
    let serviced = client
        .get_serviced_councils(GetServicedCouncilsRequest { agent: AGENT.into() })
        .await
        .expect("the agent's view")
        .into_inner()
        .councils;
    assert_eq!(serviced.len(), 1);
    let served = &serviced[0];
    assert_eq!(served.council, AUTHORITY);
    assert_eq!(served.accounts, HEREDITAMENTS as u64);
    let collected: i64 = tally.iter().map(|t| t.paid - t.refunded).sum();
    assert_eq!(served.collected_pence, collected, "collected by the agent");
    let balance: i64 = tally.iter().map(|t| t.net + t.costs - t.paid + t.refunded).sum();
    assert_eq!(served.balance_pence, balance, "owed to the authority");
    let payments = tally.iter().filter(|t| t.paid > 0).count() as u64;
    let recovered = tally.iter().filter(|t| t.costs > 0).count() as u64;
    // A line per notice that moved money (1,800 first notices, the alteration, transitional
    // relief, the split, the merge's two), payment, refund, and costs (a summons and an order
    // per debtor).
    let lines = HEREDITAMENTS as u64 + 5 + payments + 1 + 2 * recovered;
    assert_eq!(served.lines, lines, "the agent's work, for cost sharing");

    let outsider = client
        .get_serviced_councils(GetServicedCouncilsRequest { agent: OUTSIDER.into() })
        .await
        .expect("an outsider serves no one")
        .into_inner();
    assert!(outsider.councils.is_empty());
    let prying = client
        .get_serviced_councils(as_council(OUTSIDER, GetServicedCouncilsRequest { agent: AGENT.into() }))
        .await
        .expect_err("one council's view is its own");
    assert_eq!(prying.code(), Code::PermissionDenied);
    let debit = GetCollectableDebitRequest {
        council: AUTHORITY.into(),
        year: "2025/26".into(),
        min_sequence: 0,
    };
    let prying = client
        .get_collectable_debit(as_council(OUTSIDER, debit.clone()))
        .await
        .expect_err("an outsider reads nothing of the authority's");
    assert_eq!(prying.code(), Code::PermissionDenied);
    client
        .get_collectable_debit(agent(debit))
        .await
        .expect("the agent reads the authority's debit");
}

/// The partnership's activity drivers: the agent's work, counted by the projector from the
/// events, equals what this test did (REFERENCE §5.3; issue 7).
async fn check_activity(database_url: &str, tally: &[Tally]) {
    let store = precept_projections::ReadStore::connect(database_url)
        .await
        .expect("read model");
    let (from, to) = ("2025-03-01".parse().expect("date"), "2026-03-31".parse().expect("date"));
    let agent = store
        .activity(AGENT, "business_rates", from, to)
        .await
        .expect("activity");
    let debtors = tally.iter().filter(|t| t.costs > 0).count() as i64;
    let payments = tally.iter().filter(|t| t.paid > 0).count() as i64;
    // 1,800 first notices and six revised ones (the alteration, transitional relief, the
    // 12-instalment plan, the split, the merge's two); per debtor a reminder, the loss of
    // instalments, a summons and an order, and one agent referral.
    let expected = [
        ("bills_issued".to_owned(), HEREDITAMENTS as i64 + 6),
        ("payments_processed".to_owned(), payments),
        ("recovery_actions".to_owned(), 4 * debtors + 1),
    ];
    assert_eq!(agent.into_iter().collect::<Vec<_>>(), expected, "the agent's work");
    let own = store
        .activity(AUTHORITY, "business_rates", from, to)
        .await
        .expect("activity");
    assert!(own.is_empty(), "the authority did none of it: {own:?}");
    store.close().await;
}
