//! Access control end to end: the denial matrix (every role and scope against every service),
//! unauthenticated and revoked credentials, the access log, the rate limit, the request size
//! limit, and personal data kept out of errors.

use precept_api::proto;
use precept_testkit::{TestApp, TestDatabase, TestNats, council, spawn_with, test_settings};
use tonic::Code;

/// Who a credential is in the matrix.
struct Who {
    id: &'static str,
    /// `partnership` or a council code.
    scope: &'static str,
    roles: &'static [&'static str],
}

/// What one call needs, as docs/ACCESS.md states it (written out here, not read from the
/// policy table, so the test checks the table).
struct Needs {
    all_of: &'static [&'static str],
    any_of: &'static [&'static str],
    partnership_only: bool,
    /// Whether the call's council must be within a council credential's scope.
    scoped: bool,
}

fn one(role: &str) -> &'static [&'static str] {
    match role {
        "read" => &["read"],
        "write" => &["write"],
        "finance" => &["finance"],
        "audit" => &["audit"],
        "admin" => &["admin"],
        other => panic!("no role {other}"),
    }
}

fn needs(role: &str) -> Needs {
    Needs {
        all_of: one(role),
        any_of: &[],
        partnership_only: false,
        scoped: true,
    }
}

/// The outcome the matrix expects for `who` calling a method with `needs` on `target`, when
/// an allowed call answers `allowed`.
fn expected(who: &Who, needs: &Needs, target: &str, allowed: Code) -> Code {
    let has = |role: &&str| who.roles.contains(role);
    let roles_ok = needs.all_of.iter().all(has) && (needs.any_of.is_empty() || needs.any_of.iter().any(has));
    if !roles_ok || (needs.partnership_only && who.scope != "partnership") {
        return Code::PermissionDenied;
    }
    if needs.scoped && who.scope != "partnership" && who.scope != target {
        return Code::PermissionDenied;
    }
    allowed
}

fn code<T>(result: Result<tonic::Response<T>, tonic::Status>) -> Code {
    match result {
        Ok(_) => Code::Ok,
        Err(status) => status.code(),
    }
}

const NNDR_ACCOUNT: &str = "0b6a5f0e-8f55-4f6e-9a59-2c1c3e4d5f60";

/// Calls one method as `token` on `target`; returns the status code.
async fn call(app: &TestApp, token: Option<&str>, method: &str, target: &str) -> Code {
    let channel = app.channel_as(token).await;
    let council = target.to_owned();
    match method {
        "CouncilTaxAccounts/OpenAccount" => code(
            proto::council_tax_accounts_client::CouncilTaxAccountsClient::new(channel)
                .open_account(proto::OpenAccountRequest {
                    council,
                    ..Default::default()
                })
                .await,
        ),
        "CouncilTaxBilling/GetStatement" => code(
            proto::council_tax_billing_client::CouncilTaxBillingClient::new(channel)
                .get_statement(proto::GetStatementRequest {
                    council,
                    ..Default::default()
                })
                .await,
        ),
        "CouncilTaxSetup/SetYearSettings" => code(
            proto::council_tax_setup_client::CouncilTaxSetupClient::new(channel)
                .set_year_settings(proto::SetYearSettingsRequest {
                    council,
                    ..Default::default()
                })
                .await,
        ),
        "CouncilTaxRecovery/GetCaseload" => code(
            proto::council_tax_recovery_client::CouncilTaxRecoveryClient::new(channel)
                .get_caseload(proto::GetCaseloadRequest {
                    council,
                    ..Default::default()
                })
                .await,
        ),
        "BusinessRates/GetNndrAccount" => code(
            proto::business_rates_client::BusinessRatesClient::new(channel)
                .get_nndr_account(proto::GetNndrAccountRequest {
                    council,
                    account_id: NNDR_ACCOUNT.to_owned(),
                    ..Default::default()
                })
                .await,
        ),
        "Benefits/ReceiveClaim" => code(
            proto::benefits_client::BenefitsClient::new(channel)
                .receive_claim(proto::ReceiveClaimRequest {
                    council,
                    ..Default::default()
                })
                .await,
        ),
        "Partnership/GetApportionment" => code(
            proto::partnership_client::PartnershipClient::new(channel)
                .get_apportionment(proto::GetApportionmentRequest::default())
                .await,
        ),
        "Partnership/SetCostLine" => code(
            proto::partnership_client::PartnershipClient::new(channel)
                .set_cost_line(proto::SetCostLineRequest::default())
                .await,
        ),
        "Partnership/JoinPartnership" => code(
            proto::partnership_client::PartnershipClient::new(channel)
                .join_partnership(proto::JoinPartnershipRequest {
                    member: council,
                    ..Default::default()
                })
                .await,
        ),
        "AccessLog/ListAccessBySubject" => code(
            proto::access_log_client::AccessLogClient::new(channel)
                .list_access_by_subject(proto::ListAccessBySubjectRequest {
                    council,
                    kind: "account".to_owned(),
                    ..Default::default()
                })
                .await,
        ),
        other => panic!("no call written for {other}"),
    }
}

/// Each method in the matrix: what it needs, and what an allowed call answers (the requests
/// are incomplete on purpose, so an allowed call is refused by validation and writes nothing;
/// the business rates read names an account that does not exist).
fn methods() -> Vec<(&'static str, Needs, Code)> {
    let figures = Needs {
        all_of: &[],
        any_of: &["read", "finance"],
        partnership_only: false,
        scoped: true,
    };
    let unscoped = |role: &str| Needs {
        scoped: false,
        ..needs(role)
    };
    vec![
        ("CouncilTaxAccounts/OpenAccount", needs("write"), Code::InvalidArgument),
        ("CouncilTaxBilling/GetStatement", needs("read"), Code::InvalidArgument),
        ("CouncilTaxSetup/SetYearSettings", needs("admin"), Code::InvalidArgument),
        ("CouncilTaxRecovery/GetCaseload", figures, Code::InvalidArgument),
        ("BusinessRates/GetNndrAccount", needs("read"), Code::NotFound),
        ("Benefits/ReceiveClaim", needs("write"), Code::InvalidArgument),
        (
            "Partnership/GetApportionment",
            unscoped("finance"),
            Code::InvalidArgument,
        ),
        (
            "Partnership/SetCostLine",
            Needs {
                all_of: &["finance", "write"],
                any_of: &[],
                partnership_only: true,
                scoped: false,
            },
            Code::InvalidArgument,
        ),
        (
            "Partnership/JoinPartnership",
            Needs {
                partnership_only: true,
                ..needs("admin")
            },
            Code::InvalidArgument,
        ),
        ("AccessLog/ListAccessBySubject", needs("audit"), Code::InvalidArgument),
    ]
}

fn credentials() -> Vec<Who> {
    let mut all = Vec::new();
    for (scope, prefix) in [("swale", "sw"), ("partnership", "pt")] {
        for role in ["read", "write", "finance", "audit", "admin"] {
            let id: &'static str = Box::leak(format!("{prefix}-{role}").into_boxed_str());
            all.push(Who {
                id,
                scope,
                roles: one(role),
            });
        }
    }
    all.push(Who {
        id: "pt-finance-write",
        scope: "partnership",
        roles: &["finance", "write"],
    });
    all
}

async fn service() -> (TestNats, TestDatabase, TestApp) {
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let councils = [council("swale"), council("maidstone")];
    let app = spawn_with(test_settings(&nats.url(), database.url(), &councils)).await;
    (nats, database, app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_and_scope_against_every_service_gets_exactly_the_expected_outcome() {
    let (_nats, _database, app) = service().await;
    let mut failures = Vec::new();
    let mut checked = 0;
    for who in credentials() {
        let token = app.issue_token(who.id, who.scope, &who.roles.join(",")).await;
        for (method, needs, allowed) in methods() {
            for target in ["swale", "maidstone"] {
                let want = expected(&who, &needs, target, allowed);
                let got = call(&app, Some(&token), method, target).await;
                checked += 1;
                if got != want {
                    failures.push(format!(
                        "{} on {method} for {target}: got {got:?}, want {want:?}",
                        who.id
                    ));
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} cells wrong:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(checked, 11 * 10 * 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_malformed_unknown_and_revoked_credentials_are_unauthenticated() {
    let (_nats, _database, app) = service().await;
    let token = app.issue_token("swale-crm", "swale", "read,write").await;
    assert_eq!(
        call(&app, Some(&token), "CouncilTaxBilling/GetStatement", "swale").await,
        Code::InvalidArgument,
        "a live token gets through to validation"
    );
    let last = if token.ends_with('0') { '1' } else { '0' };
    let forged = format!("{}{last}", &token[..token.len() - 1]);
    let unknown = token.replace("swale-crm", "swale-crn");
    for bad in [None, Some("not-a-token"), Some(forged.as_str()), Some(unknown.as_str())] {
        for (method, _, _) in methods() {
            assert_eq!(
                call(&app, bad, method, "swale").await,
                Code::Unauthenticated,
                "{method} with {bad:?}"
            );
        }
    }

    let store = precept_server::credentials::open(&app.nats_url)
        .await
        .expect("credential store");
    precept_server::credentials::revoke(&store, "swale-crm")
        .await
        .expect("revoked");
    // The service learns of the revocation through its watch on the bucket; wait on that
    // outcome, bounded, rather than for a length of time.
    let mut attempts = 0;
    while call(&app, Some(&token), "CouncilTaxBilling/GetStatement", "swale").await != Code::Unauthenticated {
        attempts += 1;
        assert!(attempts < 5_000, "a revoked token still authenticates");
        tokio::task::yield_now().await;
    }
    let listed = precept_server::credentials::list(&store).await.expect("listed");
    assert!(
        listed
            .iter()
            .any(|line| line.starts_with("swale-crm\tswale\tread,write\t") && line.contains("revoked"))
    );

    // Health and reflection stay open for load balancers and tools.
    let mut health = tonic_health::pb::health_client::HealthClient::new(app.raw_channel().await);
    health
        .check(tonic_health::pb::HealthCheckRequest::default())
        .await
        .expect("health needs no credentials");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_access_log_answers_who_read_or_changed_an_account_and_what_a_credential_did() {
    let (_nats, _database, app) = service().await;
    let clerk = app.issue_token("swale-clerk", "swale", "read,write").await;
    let auditor = app.issue_token("swale-auditor", "swale", "audit").await;
    let outsider = app.issue_token("maidstone-clerk", "maidstone", "read").await;

    crate::helpers::register_test_property(&app, "swale").await;
    let account_id = "3f0b1c2d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    let mut accounts =
        proto::council_tax_accounts_client::CouncilTaxAccountsClient::new(app.channel_as(Some(&clerk)).await);
    accounts
        .open_account(proto::OpenAccountRequest {
            request_id: "open-logged".to_owned(),
            council: "swale".to_owned(),
            account_id: account_id.to_owned(),
            uprn: "100062557744".to_owned(),
            liability_start: "2025-04-01".to_owned(),
            liable_party_ids: vec!["6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11".to_owned()],
            ..Default::default()
        })
        .await
        .expect("opened");
    let mut billing =
        proto::council_tax_billing_client::CouncilTaxBillingClient::new(app.channel_as(Some(&clerk)).await);
    let statement = proto::GetStatementRequest {
        council: "swale".to_owned(),
        account_id: account_id.to_owned(),
        min_sequence: 1,
    };
    billing.get_statement(statement.clone()).await.expect("statement");
    let mut outside =
        proto::council_tax_billing_client::CouncilTaxBillingClient::new(app.channel_as(Some(&outsider)).await);
    let refused = outside
        .get_statement(statement)
        .await
        .expect_err("another council's account");
    assert_eq!(refused.code(), Code::PermissionDenied);

    let mut log = proto::access_log_client::AccessLogClient::new(app.channel_as(Some(&auditor)).await);
    let records = log
        .list_access_by_subject(proto::ListAccessBySubjectRequest {
            council: "swale".to_owned(),
            kind: "account".to_owned(),
            id: account_id.to_owned(),
            limit: 0,
        })
        .await
        .expect("subject access")
        .into_inner()
        .records;
    let seen: Vec<(String, String, String)> = records
        .iter()
        .map(|record| {
            (
                record.credential_id.clone(),
                record.method.clone(),
                record.outcome.clone(),
            )
        })
        .collect();
    let expect = |credential: &str, method: &str, outcome: &str| {
        (
            credential.to_owned(),
            format!("/precept.v1.{method}"),
            outcome.to_owned(),
        )
    };
    assert_eq!(
        seen,
        [
            expect("swale-clerk", "CouncilTaxAccounts/OpenAccount", "Ok"),
            expect("swale-clerk", "CouncilTaxBilling/GetStatement", "Ok"),
            expect("maidstone-clerk", "CouncilTaxBilling/GetStatement", "PermissionDenied"),
        ]
    );
    assert!(
        records
            .iter()
            .all(|record| record.council == "swale" && record.kind == "account")
    );

    let by_credential = log
        .list_access_by_credential(proto::ListAccessByCredentialRequest {
            credential_id: "swale-clerk".to_owned(),
            limit: 0,
        })
        .await
        .expect("by credential")
        .into_inner()
        .records;
    let subjects: Vec<(&str, &str)> = by_credential
        .iter()
        .map(|record| (record.kind.as_str(), record.id.as_str()))
        .collect();
    // Opening the account named its property too.
    assert_eq!(
        subjects,
        [
            ("account", account_id),
            ("property", "100062557744"),
            ("account", account_id)
        ]
    );

    // The auditor's own council only: it may not look into Maidstone's subjects.
    let other = log
        .list_access_by_subject(proto::ListAccessBySubjectRequest {
            council: "maidstone".to_owned(),
            kind: "account".to_owned(),
            id: account_id.to_owned(),
            limit: 0,
        })
        .await
        .expect_err("another council");
    assert_eq!(other.code(), Code::PermissionDenied);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_credential_over_its_rate_is_slowed_and_an_oversized_request_is_refused() {
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let mut settings = test_settings(&nats.url(), database.url(), &[council("swale")]);
    settings.access.requests_per_second = std::num::NonZeroU32::new(1).expect("non-zero");
    settings.access.burst = std::num::NonZeroU32::new(3).expect("non-zero");
    settings.access.message_bytes_max = 16 * 1024;
    let app = spawn_with(settings).await;
    let token = app.issue_token("swale-busy", "swale", "read,write").await;

    let started = std::time::Instant::now();
    let mut outcomes = Vec::new();
    for _ in 0..10 {
        outcomes.push(call(&app, Some(&token), "CouncilTaxBilling/GetStatement", "swale").await);
    }
    let allowed = outcomes.iter().filter(|code| **code == Code::InvalidArgument).count();
    let slowed = outcomes.iter().filter(|code| **code == Code::ResourceExhausted).count();
    assert_eq!(allowed + slowed, outcomes.len(), "{outcomes:?}");
    assert!(
        outcomes[..3].iter().all(|code| *code == Code::InvalidArgument),
        "the burst is allowed"
    );
    // One more request per second may have refilled while the calls ran.
    let refill = usize::try_from(started.elapsed().as_secs()).expect("small") + 1;
    assert!(allowed <= 3 + refill, "{outcomes:?}");
    assert!(slowed >= 1, "{outcomes:?}");

    // Another credential has its own allowance.
    let other = app.issue_token("swale-quiet", "swale", "write").await;
    let mut accounts =
        proto::council_tax_accounts_client::CouncilTaxAccountsClient::new(app.channel_as(Some(&other)).await);
    let oversized = accounts
        .open_account(proto::OpenAccountRequest {
            council: "swale".to_owned(),
            liable_party_ids: vec!["6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11".to_owned(); 1_000],
            ..Default::default()
        })
        .await
        .expect_err("too large");
    assert_eq!(oversized.code(), Code::OutOfRange, "{oversized:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn personal_data_in_a_bad_request_is_not_repeated_in_the_error() {
    let (_nats, _database, app) = service().await;
    let mut benefits = app.benefits().await;
    // Eight characters: malformed, and personal data all the same.
    let nino = "QQ123456";
    let refused = benefits
        .receive_claim(proto::ReceiveClaimRequest {
            council: "swale".to_owned(),
            nino: nino.to_owned(),
            ..Default::default()
        })
        .await
        .expect_err("invalid");
    assert_eq!(refused.code(), Code::InvalidArgument);
    assert!(refused.message().contains("nino"), "{}", refused.message());
    assert!(!refused.message().contains("123456"), "{}", refused.message());
    assert!(!format!("{:?}", refused.details()).contains("123456"));
}
