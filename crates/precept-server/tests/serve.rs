//! `precept serve` as `make run` starts it: the real binary, its own nats-server and SQLite.
//! A reflection client lists the services, the health service says SERVING, and Ctrl-C
//! (SIGINT) stops everything cleanly.

use std::process::Stdio;
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::Command;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;
use tonic_reflection::pb::v1::ServerReflectionRequest;
use tonic_reflection::pb::v1::server_reflection_client::ServerReflectionClient;
use tonic_reflection::pb::v1::server_reflection_request::MessageRequest;
use tonic_reflection::pb::v1::server_reflection_response::MessageResponse;

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .expect("bind")
        .local_addr()
        .expect("addr")
        .port()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_binary_lists_its_services_reports_serving_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().expect("temp dir");
    let grpc_port = free_port();
    let nats_port = free_port();
    let mut child = Command::new(env!("CARGO_BIN_EXE_precept"))
        .arg("serve")
        .args(["--grpc-addr", &format!("127.0.0.1:{grpc_port}")])
        .args(["--nats-port", &nats_port.to_string()])
        .arg("--nats-server")
        .arg(precept_testkit::nats_server_binary())
        .arg("--nats-store-dir")
        .arg(dir.path().join("nats"))
        .args([
            "--database-url",
            &format!("sqlite://{}", dir.path().join("precept.db").display()),
        ])
        .env("PRECEPT_NINO_KEY", "serve-test-nino-key-0123456789")
        .env_remove("PRECEPT_NATS_URL")
        .env_remove("PRECEPT_DATABASE_URL")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("start precept");
    let mut lines = BufReader::new(child.stdout.take().expect("piped")).lines();
    let ready = async {
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if line.contains("Precept is serving gRPC on") {
                return true;
            }
        }
        false
    };
    assert!(
        tokio::time::timeout(Duration::from_secs(60), ready)
            .await
            .expect("ready in time"),
        "precept exited before serving"
    );
    let output = tokio::spawn(async move {
        let mut rest = Vec::new();
        while let Ok(Some(line)) = lines.next_line().await {
            rest.push(line);
        }
        rest
    });

    let channel = tonic::transport::Channel::from_shared(format!("http://127.0.0.1:{grpc_port}"))
        .expect("uri")
        .connect()
        .await
        .expect("connect");
    let mut reflection = ServerReflectionClient::new(channel.clone());
    let request = ServerReflectionRequest {
        host: String::new(),
        message_request: Some(MessageRequest::ListServices(String::new())),
    };
    let mut responses = reflection
        .server_reflection_info(tokio_stream::iter([request]))
        .await
        .expect("reflection")
        .into_inner();
    let response = responses
        .message()
        .await
        .expect("reflection answer")
        .expect("one answer");
    let Some(MessageResponse::ListServicesResponse(list)) = response.message_response else {
        panic!("a service list")
    };
    let names: Vec<String> = list.service.into_iter().map(|service| service.name).collect();
    for expected in [
        "precept.v1.CouncilTaxAccounts",
        "precept.v1.Audit",
        "grpc.health.v1.Health",
        "grpc.reflection.v1.ServerReflection",
    ] {
        assert!(
            names.iter().any(|name| name == expected),
            "{expected} missing from {names:?}"
        );
    }
    let mut health = HealthClient::new(channel);
    for service in ["", "precept.v1.CouncilTaxAccounts", "precept.v1.Audit"] {
        let status = health
            .check(HealthCheckRequest {
                service: service.into(),
            })
            .await
            .expect("health")
            .into_inner()
            .status;
        assert_eq!(status, ServingStatus::Serving as i32, "health of {service:?}");
    }

    let pid = child.id().expect("running").to_string();
    let signalled = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .await
        .expect("kill -INT");
    assert!(signalled.success());
    let status = tokio::time::timeout(Duration::from_secs(30), child.wait())
        .await
        .expect("stops in time")
        .expect("wait");
    assert!(status.success(), "clean exit, got {status:?}");
    let rest = output.await.expect("stdout reader");
    assert!(rest.iter().any(|line| line.contains("stopped cleanly")), "{rest:?}");
    // The local nats-server was stopped too: nothing listens on its port any more.
    assert!(
        tokio::net::TcpStream::connect(("127.0.0.1", nats_port)).await.is_err(),
        "the child nats-server is gone"
    );
}
