//! `api-calls`: what a gRPC call costs with authentication, the role rule, the rate limit and
//! the access log in front of it. In one run: health checks (the same transport, no
//! credentials and no access log) against authenticated balance reads and payments, and the
//! layer's own work timed alone (authenticate + rule + rate limit, no network).

use std::sync::Arc;
use std::time::{Duration, Instant};

use hdrhistogram::Histogram;
use precept_api::auth::{Authenticator, policy};
use precept_api::client::{AuthChannel, connect};
use precept_api::proto;
use precept_app::access::{BearerToken, CredentialId};
use precept_domain::CouncilCode;
use precept_eventstore::JetStreamCredentials;
use precept_eventstore::embedded::{NatsServerOptions, NatsServerProcess};
use precept_server::{Application, NatsSettings, Settings};

/// Arguments.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Calls of each kind.
    #[arg(long, default_value_t = 20_000)]
    calls: usize,
    /// Calls in flight at once.
    #[arg(long, default_value_t = 32)]
    concurrency: usize,
    /// nats-server binary (default: the pinned one in .tools/).
    #[arg(
        long,
        env = "PRECEPT_NATS_SERVER",
        default_value = ".tools/nats-server-2.15.1/nats-server"
    )]
    nats_server: std::path::PathBuf,
}

struct Measured {
    per_second: f64,
    p50_us: u64,
    p99_us: u64,
}

/// Runs `calls` calls of `one`, `concurrency` at a time.
async fn measure<F, Fut>(calls: usize, concurrency: usize, one: F) -> anyhow::Result<Measured>
where
    F: Fn(usize) -> Fut + Clone + Send + 'static,
    Fut: std::future::Future<Output = anyhow::Result<()>> + Send,
{
    let started = Instant::now();
    let mut tasks = Vec::new();
    for worker in 0..concurrency {
        let one = one.clone();
        tasks.push(tokio::spawn(async move {
            let mut histogram = Histogram::<u64>::new(3)?;
            let mut n = worker;
            while n < calls {
                let call = Instant::now();
                one(n).await?;
                histogram.record(u64::try_from(call.elapsed().as_micros()).unwrap_or(u64::MAX))?;
                n += concurrency;
            }
            anyhow::Ok(histogram)
        }));
    }
    let mut all = Histogram::<u64>::new(3)?;
    for task in tasks {
        all.add(task.await??)?;
    }
    Ok(Measured {
        per_second: calls as f64 / started.elapsed().as_secs_f64(),
        p50_us: all.value_at_quantile(0.5),
        p99_us: all.value_at_quantile(0.99),
    })
}

fn report(name: &str, measured: &Measured) {
    println!(
        "{name:<28} {:>9.0} calls/s   p50 {:>6} µs   p99 {:>6} µs",
        measured.per_second, measured.p50_us, measured.p99_us
    );
}

/// Runs the benchmark.
///
/// # Errors
/// Any component failing.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let server = NatsServerProcess::start(NatsServerOptions::new(
        args.nats_server.clone(),
        dir.path().join("nats"),
    ))
    .await?;
    let id = CredentialId::parse("bench")?;
    let (token, _) = BearerToken::generate(&id);
    let mut settings = Settings::new(
        NatsSettings::External { url: server.url() },
        format!("sqlite://{}", dir.path().join("read.db").display()),
        vec![CouncilCode::parse("swale")?],
    );
    settings.grpc_addr = "127.0.0.1:0".parse()?;
    settings.access.bootstrap_token = Some(token.clone());
    // The bench measures the calls, not the limiter refusing them.
    settings.access.requests_per_second = std::num::NonZeroU32::new(1_000_000).expect("non-zero");
    settings.access.burst = settings.access.requests_per_second;
    let app = Application::build(settings).await?;
    let address = format!("http://{}", app.local_addr()?);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let serving = tokio::spawn(app.run_until(async {
        let _ = stopped.await;
    }));
    let channel = connect(&address, Some(&token))
        .await
        .map_err(|error| anyhow::anyhow!("{error}"))?;
    let account_id = set_up(&channel).await?;
    println!(
        "api-calls: {} calls of each kind, {} in flight",
        args.calls, args.concurrency
    );

    let health_channel = tonic::transport::Channel::from_shared(address.clone())?
        .connect()
        .await?;
    let health = measure(args.calls, args.concurrency, move |_| {
        let mut client = tonic_health::pb::health_client::HealthClient::new(health_channel.clone());
        async move {
            client.check(tonic_health::pb::HealthCheckRequest::default()).await?;
            Ok(())
        }
    })
    .await?;
    report("health check (no auth)", &health);

    let reads = {
        let channel = channel.clone();
        let account_id = account_id.clone();
        measure(args.calls, args.concurrency, move |_| {
            let mut client = proto::council_tax_accounts_client::CouncilTaxAccountsClient::new(channel.clone());
            let request = proto::GetAccountBalanceRequest {
                council: "swale".to_owned(),
                account_id: account_id.clone(),
                min_sequence: 0,
            };
            async move {
                client.get_account_balance(request).await?;
                Ok(())
            }
        })
        .await?
    };
    report("GetAccountBalance (auth)", &reads);

    let writes = {
        let channel = channel.clone();
        measure(args.calls, args.concurrency, move |n| {
            let mut client = proto::council_tax_accounts_client::CouncilTaxAccountsClient::new(channel.clone());
            let request = proto::PostPaymentRequest {
                request_id: format!("bench-pay-{n}"),
                council: "swale".to_owned(),
                account_id: account_id.clone(),
                payment_id: uuid::Uuid::new_v4().to_string(),
                amount_pence: 100,
                method: proto::PaymentMethod::Card as i32,
                reference: format!("B{n}"),
                received_on: "2025-05-01".to_owned(),
                ..Default::default()
            };
            async move {
                client.post_payment(request).await?;
                Ok(())
            }
        })
        .await?
    };
    report("PostPayment (auth)", &writes);

    let layer = layer_alone(&server.url(), &token, args.calls * 10).await?;
    println!(
        "auth layer alone             {layer:>9.2} µs a call (authenticate + rule + rate limit), {:.1}% of a balance read's p50",
        100.0 * layer / reads.p50_us.max(1) as f64
    );
    let _ = stop.send(());
    serving.await??;
    server.stop().await?;
    Ok(())
}

/// A property and an account to read and pay into; returns the account id.
async fn set_up(channel: &AuthChannel) -> anyhow::Result<String> {
    proto::council_tax_setup_client::CouncilTaxSetupClient::new(channel.clone())
        .register_property(proto::RegisterPropertyRequest {
            request_id: "bench-property".to_owned(),
            council: "swale".to_owned(),
            uprn: "100062557744".to_owned(),
            address_reference: "BLPU-BENCH".to_owned(),
            band: "D".to_owned(),
            effective_from: "1993-04-01".to_owned(),
            ..Default::default()
        })
        .await?;
    let account_id = uuid::Uuid::new_v4().to_string();
    proto::council_tax_accounts_client::CouncilTaxAccountsClient::new(channel.clone())
        .open_account(proto::OpenAccountRequest {
            request_id: "bench-open".to_owned(),
            council: "swale".to_owned(),
            account_id: account_id.clone(),
            uprn: "100062557744".to_owned(),
            liability_start: "2025-04-01".to_owned(),
            liable_party_ids: vec![uuid::Uuid::new_v4().to_string()],
            ..Default::default()
        })
        .await?;
    Ok(account_id)
}

/// The layer's per-call work without the network: microseconds a call.
async fn layer_alone(nats_url: &str, token: &str, calls: usize) -> anyhow::Result<f64> {
    let client = async_nats::connect(nats_url).await?;
    let context = async_nats::jetstream::new(client);
    let credentials =
        JetStreamCredentials::open_watched(&context, &precept_eventstore::EventStoreConfig::default()).await?;
    let authenticator = Authenticator::new(Arc::new(credentials));
    let limit = precept_api::auth::RateLimit::new(
        std::num::NonZeroU32::new(1_000_000).expect("non-zero"),
        std::num::NonZeroU32::new(1_000_000).expect("non-zero"),
    );
    let mut headers = http::HeaderMap::new();
    headers.insert(http::header::AUTHORIZATION, format!("Bearer {token}").parse()?);
    let extensions = http::Extensions::new();
    let started = Instant::now();
    for _ in 0..calls {
        let caller = authenticator
            .authenticate(&headers, &extensions)
            .await
            .map_err(|status| anyhow::anyhow!("{status}"))?;
        let rule = policy::rule("/precept.v1.CouncilTaxAccounts/GetAccountBalance").expect("a rule");
        precept_api::auth::authorise(&rule, &caller).map_err(|status| anyhow::anyhow!("{status}"))?;
        anyhow::ensure!(limit.admit(caller.credential.as_str()), "limited");
    }
    Ok(started.elapsed().as_secs_f64() * 1e6 / calls as f64 + Duration::ZERO.as_secs_f64())
}
