//! Council Tax billing end to end through gRPC: set up a council and year, register 1,000
//! properties, open 1,000 accounts, run annual billing (twice), take payments, change
//! liabilities mid-year, and check every statement against figures this test works out
//! for itself (REFERENCE.md §1.2-1.9), without calling Precept's own calculation code.

use futures::StreamExt;
use precept_api::proto::change_circumstances_request::Change;
use precept_api::proto::{
    AwardDiscount, BandRatio, ChangeCircumstancesRequest, DiscountKind, GetAccountSummaryRequest, GetStatementRequest,
    IssueBillRequest, ListAccountsRequest, LocalPolicy, MoveOut, OpenAccountRequest, PaymentMethod, PostPaymentRequest,
    Preceptor, PreceptorKind, PremiumStep, RegisterPropertyRequest, RunAnnualBillingRequest, SetYearSettingsRequest,
    YearSettings,
};
use precept_testkit::{TestDatabase, TestNats, council, spawn_app};
use uuid::Uuid;

const ACCOUNTS: usize = 1_000;
/// Band D total at the property: Tonbridge & Malling 2025/26 (REFERENCE §1.3), plus a £50
/// parish precept in the parish area.
const BAND_D: i64 = 227_852;
const PARISH: i64 = 5_000;
const NUMERATORS: [i64; 8] = [6, 7, 8, 9, 11, 13, 15, 18];
const DAYS: [u32; 4] = [1, 8, 15, 23];

/// What the test plans for one account, and what it expects.
#[derive(Debug, Clone)]
struct Plan {
    index: usize,
    account_id: String,
    band: usize,
    parished: bool,
    day: u32,
    twelve: bool,
    /// Opened after the annual run, liable from 15 July, billed on 20 July.
    late: bool,
    /// Single person discount from 1 October.
    discount: bool,
    /// Moves out on 11 November.
    moves_out: bool,
}

impl Plan {
    fn new(index: usize) -> Self {
        Plan {
            index,
            account_id: Uuid::new_v4().to_string(),
            band: index % 8,
            parished: index.is_multiple_of(5),
            day: DAYS[index % 4],
            twelve: index.is_multiple_of(7),
            late: index % 10 == 3,
            discount: index % 4 == 1,
            moves_out: index % 9 == 2 && index % 4 != 1,
        }
    }

    fn uprn(&self) -> String {
        (10_000_000 + self.index).to_string()
    }

    fn band_letter(&self) -> String {
        ["A", "B", "C", "D", "E", "F", "G", "H"][self.band].to_owned()
    }

    /// Band D x ratio x weighted days / 365, rounded half up once (REFERENCE §1.4). Weights are
    /// in quarters so a 25% discount stays exact: a full day is 4, a discounted day 3.
    fn charge(&self, quarter_days: i64) -> i64 {
        let band_d = BAND_D + if self.parished { PARISH } else { 0 };
        let numerator = band_d * NUMERATORS[self.band] * quarter_days;
        let denominator = 9 * 365 * 4;
        (2 * numerator + denominator) / (2 * denominator)
    }

    /// Liable days in 2025/26 before and after the change date of 1 October.
    fn first_bill(&self) -> i64 {
        // Late movers: 15 July - 31 March = 260 days; everyone else the whole year.
        self.charge(4 * if self.late { 260 } else { 365 })
    }

    fn after_change(&self) -> i64 {
        let before_october = if self.late { 78 } else { 183 };
        if self.discount {
            self.charge(4 * before_october + 3 * 182)
        } else if self.moves_out {
            // Last liable day 10 November: 1 April - 10 November.
            self.charge(4 * if self.late { 119 } else { 224 })
        } else {
            self.first_bill()
        }
    }

    fn changes(&self) -> bool {
        self.discount || self.moves_out
    }

    /// The first instalment (REFERENCE §1.9): whole pounds, the first takes the difference.
    fn first_instalment(&self) -> i64 {
        let total = self.first_bill();
        // Annual bill on 10 March: 10, or 12 on request. Late bill on 20 July: August to
        // March leaves 8 whole months, so 7 instalments whatever was asked... unless 12 were
        // asked, when the council's default rule gives the 8 whole months remaining.
        let count = match (self.late, self.twelve) {
            (false, false) => 10,
            (false, true) => 12,
            (true, false) => 7,
            (true, true) => 8,
        };
        if total % (100 * count) == 0 {
            return total / count;
        }
        let later = (2 * total + 100 * count) / (200 * count) * 100;
        total - (count - 1) * later
    }
}

pub(crate) fn settings() -> YearSettings {
    let preceptor = |code: &str, kind: PreceptorKind, pence: i64, area: &str| Preceptor {
        code: code.into(),
        kind: kind as i32,
        parish_area: area.into(),
        band_d_pence: pence,
    };
    YearSettings {
        bands: ["A", "B", "C", "D", "E", "F", "G", "H"]
            .iter()
            .zip(NUMERATORS)
            .map(|(band, numerator)| BandRatio {
                band: (*band).into(),
                numerator: u32::try_from(numerator).expect("small"),
                denominator: 9,
            })
            .collect(),
        preceptors: vec![
            preceptor("tmbc", PreceptorKind::BillingAuthority, 22_232, ""),
            preceptor("kcc", PreceptorKind::County, 169_119, ""),
            preceptor("kent-pcc", PreceptorKind::Police, 27_015, ""),
            preceptor("kent-fire", PreceptorKind::Fire, 9_486, ""),
            preceptor("boughton", PreceptorKind::Parish, PARISH, "boughton"),
        ],
        policy: Some(LocalPolicy {
            single_person_discount_bp: 2_500,
            all_disregarded_discount_bp: 5_000,
            long_term_empty_premiums: vec![PremiumStep {
                empty_years_min: 1,
                premium_bp: 10_000,
            }],
            second_home_premium_bp: 0,
            instalment_days: DAYS.to_vec(),
            late_twelve_rule: 0,
            instalment_minimum_pence: 500,
            summons_costs_pence: 7_000,
            liability_order_costs_pence: 3_000,
            recovery: None,
        }),
    }
}

fn open(plan: &Plan) -> OpenAccountRequest {
    OpenAccountRequest {
        request_id: format!("open-{}", plan.index),
        council: "swale".into(),
        account_id: plan.account_id.clone(),
        uprn: plan.uprn(),
        liability_start: if plan.late { "2025-07-15" } else { "2020-06-01" }.into(),
        liable_party_ids: vec![Uuid::new_v4().to_string()],
        twelve_instalments: plan.twelve,
        instalment_day: plan.day,
        ..OpenAccountRequest::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_year_of_billing_for_1000_accounts_matches_an_independent_calculation_on_sqlite() {
    a_year_of_billing(TestDatabase::sqlite()).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_year_of_billing_for_1000_accounts_matches_an_independent_calculation_on_postgres() {
    a_year_of_billing(TestDatabase::postgres().await).await;
}

async fn a_year_of_billing(database: TestDatabase) {
    precept_testkit::init_test_log();
    let nats = TestNats::start().await;
    let app = spawn_app(&nats.url(), database.url(), &[council("swale")]).await;
    let (mut setup, mut billing, accounts) = (app.setup().await, app.billing().await, app.council_tax().await);
    setup
        .set_year_settings(SetYearSettingsRequest {
            request_id: "settings-2025".into(),
            council: "swale".into(),
            year: "2025/26".into(),
            effective_from: "2025-04-01".into(),
            settings: Some(settings()),
            correlation_id: String::new(),
        })
        .await
        .expect("settings");
    let plans: Vec<Plan> = (0..ACCOUNTS).map(Plan::new).collect();

    // Properties and accounts, 32 requests in flight.
    futures::stream::iter(plans.iter().cloned())
        .for_each_concurrent(32, |plan| {
            let (mut setup, mut accounts) = (setup.clone(), accounts.clone());
            async move {
                setup
                    .register_property(RegisterPropertyRequest {
                        request_id: format!("property-{}", plan.index),
                        council: "swale".into(),
                        uprn: plan.uprn(),
                        address_reference: format!("BLPU-{}", plan.index),
                        band: plan.band_letter(),
                        parish_area: if plan.parished { "boughton" } else { "" }.into(),
                        effective_from: "1993-04-01".into(),
                        correlation_id: String::new(),
                    })
                    .await
                    .expect("property");
                if !plan.late {
                    accounts.open_account(open(&plan)).await.expect("open");
                }
            }
        })
        .await;

    // The annual run, streamed; then again with the same id, and with a new one.
    for (request_id, expected_billed) in [("run-2025", 900), ("run-2025", 0), ("run-2025-again", 0)] {
        let mut progress = billing
            .run_annual_billing(RunAnnualBillingRequest {
                request_id: request_id.into(),
                council: "swale".into(),
                year: "2025/26".into(),
                issue_date: "2025-03-10".into(),
                correlation_id: String::new(),
            })
            .await
            .expect("run starts")
            .into_inner();
        let mut last = None;
        while let Some(update) = progress.next().await {
            last = Some(update.expect("progress"));
        }
        let last = last.expect("at least the final report");
        assert!(last.finished);
        assert_eq!(
            (last.examined, last.billed, last.failed),
            (900, expected_billed, 0),
            "{request_id}"
        );
    }

    // Late movers: opened after the run, billed on 20 July with the later-in-year rules.
    futures::stream::iter(plans.iter().filter(|plan| plan.late).cloned())
        .for_each_concurrent(32, |plan| {
            let (mut billing, mut accounts) = (billing.clone(), accounts.clone());
            async move {
                accounts.open_account(open(&plan)).await.expect("open");
                billing
                    .issue_bill(IssueBillRequest {
                        request_id: format!("bill-{}", plan.index),
                        council: "swale".into(),
                        account_id: plan.account_id.clone(),
                        year: "2025/26".into(),
                        issue_date: "2025-07-20".into(),
                        correlation_id: String::new(),
                    })
                    .await
                    .expect("bill");
            }
        })
        .await;

    // Everyone pays their first instalment; then the changes of circumstances.
    let last_sequence = futures::stream::iter(plans.iter().cloned())
        .map(|plan| {
            let (mut billing, mut accounts) = (billing.clone(), accounts.clone());
            async move {
                let paid = accounts
                    .post_payment(PostPaymentRequest {
                        request_id: format!("pay-{}", plan.index),
                        council: "swale".into(),
                        account_id: plan.account_id.clone(),
                        payment_id: Uuid::new_v4().to_string(),
                        amount_pence: plan.first_instalment(),
                        method: PaymentMethod::DirectDebit as i32,
                        reference: format!("DD-{}", plan.index),
                        received_on: if plan.late { "2025-08-01" } else { "2025-04-01" }.into(),
                        ..PostPaymentRequest::default()
                    })
                    .await
                    .expect("payment")
                    .into_inner();
                let mut sequence = paid.commit.expect("receipt").sequence;
                let change = if plan.discount {
                    Some(Change::AwardDiscount(AwardDiscount {
                        kind: DiscountKind::SinglePerson as i32,
                        from: "2025-10-01".into(),
                        to: String::new(),
                    }))
                } else if plan.moves_out {
                    Some(Change::MoveOut(MoveOut {
                        move_out: "2025-11-11".into(),
                    }))
                } else {
                    None
                };
                if let Some(change) = change {
                    let changed = billing
                        .change_circumstances(ChangeCircumstancesRequest {
                            request_id: format!("change-{}", plan.index),
                            council: "swale".into(),
                            account_id: plan.account_id.clone(),
                            notice_date: "2025-09-20".into(),
                            correlation_id: String::new(),
                            change: Some(change),
                        })
                        .await
                        .expect("change")
                        .into_inner();
                    sequence = changed.sequence;
                }
                sequence
            }
        })
        .buffer_unordered(32)
        .fold(0, |last, sequence| async move { last.max(sequence) })
        .await;

    // Every statement, line by line, against the test's own figures.
    for plan in &plans {
        let statement = billing
            .get_statement(GetStatementRequest {
                council: "swale".into(),
                account_id: plan.account_id.clone(),
                min_sequence: last_sequence,
            })
            .await
            .expect("statement")
            .into_inner();
        let mut expected = vec![
            ("charge".to_owned(), plan.first_bill()),
            ("payment".to_owned(), -plan.first_instalment()),
        ];
        if plan.changes() {
            expected.push(("adjustment".to_owned(), plan.after_change() - plan.first_bill()));
        }
        let lines: Vec<(String, i64)> = statement
            .lines
            .iter()
            .map(|l| (l.kind.clone(), l.amount_pence))
            .collect();
        assert_eq!(lines, expected, "account {} ({plan:?})", plan.index);
        assert_eq!(
            statement.balance_owed_pence,
            plan.after_change() - plan.first_instalment()
        );
    }

    // Summaries: the charge breakdown adds up and instalments sum to the charge.
    for plan in plans.iter().step_by(37) {
        let summary = billing
            .get_account_summary(GetAccountSummaryRequest {
                council: "swale".into(),
                account_id: plan.account_id.clone(),
                as_of: "2025-05-31".into(),
                min_sequence: last_sequence,
            })
            .await
            .expect("summary")
            .into_inner();
        assert_eq!(summary.band, plan.band_letter());
        let year = &summary.years[0];
        let charge = year.charge.as_ref().expect("charge");
        assert_eq!(charge.net_pence, plan.after_change());
        assert_eq!(
            charge.preceptors.iter().map(|p| p.amount_pence).sum::<i64>(),
            charge.net_pence
        );
        assert_eq!(charge.preceptors.len(), if plan.parished { 5 } else { 4 });
        assert_eq!(
            year.instalments.iter().map(|i| i.amount_pence).sum::<i64>(),
            charge.net_pence
        );
        assert_eq!(year.paid_pence, plan.first_instalment());
    }

    // Listing with filters, paged: band D, and arrears at 31 May (the May instalment is
    // unpaid for everyone billed in March; late movers owe nothing until August).
    let count = |band: &'static str, in_arrears_on: &'static str| {
        let mut billing = billing.clone();
        async move {
            let (mut total, mut token) = (0, String::new());
            loop {
                let page = billing
                    .list_accounts(ListAccountsRequest {
                        council: "swale".into(),
                        year: "2025/26".into(),
                        in_arrears_on: in_arrears_on.into(),
                        band: band.into(),
                        page_size: 200,
                        page_token: token.clone(),
                    })
                    .await
                    .expect("list")
                    .into_inner();
                total += page.accounts.len();
                if page.next_page_token.is_empty() {
                    return total;
                }
                token = page.next_page_token;
            }
        }
    };
    assert_eq!(count("D", "").await, plans.iter().filter(|p| p.band == 3).count());
    assert_eq!(count("", "2025-05-31").await, plans.iter().filter(|p| !p.late).count());
    assert_eq!(count("", "").await, ACCOUNTS);
    app.stop().await;
}
