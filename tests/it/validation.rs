//! Bad input is refused with INVALID_ARGUMENT naming the field, and nothing is written.

use precept_api::proto::{OpenAccountRequest, PostPaymentRequest};
use precept_testkit::{TestDatabase, TestNats, council, spawn_app};
use tonic_types::StatusExt;

use crate::helpers::{bad_fields, commits, open_request, payment_request, register_test_property};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_is_refused_field_by_field_and_nothing_is_written() {
    let nats = TestNats::start().await;
    let database = TestDatabase::sqlite();
    let app = spawn_app(&nats.url(), database.url(), &[council("swale")]).await;
    register_test_property(&app, "swale").await;
    let mut client = app.council_tax().await;
    let account_id = client
        .open_account(open_request("open-v", "swale", 1))
        .await
        .expect("open")
        .into_inner()
        .account_id;
    let client_nats = nats.client().await;
    let before = commits(&client_nats, "swale").await.len();

    let good = || payment_request("pay-v", "swale", &account_id, 500);
    let payment_cases: Vec<(PostPaymentRequest, &str)> = vec![
        (
            PostPaymentRequest {
                council: "atlantis".into(),
                ..good()
            },
            "council",
        ),
        (
            PostPaymentRequest {
                council: "Not A Code".into(),
                ..good()
            },
            "council",
        ),
        (
            PostPaymentRequest {
                account_id: "not-a-uuid".into(),
                ..good()
            },
            "account_id",
        ),
        (
            PostPaymentRequest {
                payment_id: "".into(),
                ..good()
            },
            "payment_id",
        ),
        (
            PostPaymentRequest {
                amount_pence: 0,
                ..good()
            },
            "amount_pence",
        ),
        (
            PostPaymentRequest {
                amount_pence: -250,
                ..good()
            },
            "amount_pence",
        ),
        (
            PostPaymentRequest {
                request_id: "".into(),
                ..good()
            },
            "request_id",
        ),
        (
            PostPaymentRequest {
                request_id: "has spaces".into(),
                ..good()
            },
            "request_id",
        ),
        (PostPaymentRequest { method: 0, ..good() }, "method"),
        (
            PostPaymentRequest {
                reference: "".into(),
                ..good()
            },
            "reference",
        ),
        (
            PostPaymentRequest {
                received_on: "1/5/2025".into(),
                ..good()
            },
            "received_on",
        ),
    ];
    for (request, field) in payment_cases {
        let status = client.post_payment(request).await.expect_err("refused");
        assert_eq!(bad_fields(&status), [field], "{field}");
    }
    let open = || open_request("open-bad", "swale", 1);
    let open_cases: Vec<(OpenAccountRequest, &str)> = vec![
        (
            OpenAccountRequest {
                uprn: "12ab".into(),
                ..open()
            },
            "uprn",
        ),
        (
            OpenAccountRequest {
                liable_party_ids: vec![],
                ..open()
            },
            "liable_party_ids",
        ),
        (
            OpenAccountRequest {
                liable_party_ids: vec!["nope".into()],
                ..open()
            },
            "liable_party_ids[0]",
        ),
        (
            OpenAccountRequest {
                account_id: "00000000-0000-0000-0000-000000000000".into(),
                ..open()
            },
            "account_id",
        ),
        (
            OpenAccountRequest {
                liability_start: "2025-13-01".into(),
                ..open()
            },
            "liability_start",
        ),
        (
            OpenAccountRequest {
                council: "".into(),
                ..open()
            },
            "council",
        ),
    ];
    for (request, field) in open_cases {
        let status = client.open_account(request).await.expect_err("refused");
        assert_eq!(bad_fields(&status), [field], "{field}");
    }
    // A well-formed UPRN the council has not registered is refused by the service.
    let status = client
        .open_account(OpenAccountRequest {
            uprn: "100062999999".into(),
            ..open()
        })
        .await
        .expect_err("refused");
    assert_eq!(status.code(), tonic::Code::FailedPrecondition, "{status:?}");
    let violations = status.get_details_bad_request().expect("details").field_violations;
    assert_eq!(
        violations.iter().map(|v| v.field.as_str()).collect::<Vec<_>>(),
        ["uprn"]
    );
    // Several bad fields are all named at once.
    let status = client
        .post_payment(PostPaymentRequest {
            amount_pence: -1,
            request_id: "".into(),
            ..good()
        })
        .await
        .expect_err("refused");
    assert_eq!(bad_fields(&status), ["request_id", "amount_pence"]);

    assert_eq!(
        commits(&client_nats, "swale").await.len(),
        before,
        "no refused request wrote anything"
    );
    app.stop().await;
}
