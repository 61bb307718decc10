//! The `eventstore` benchmark.
//!
//! (a) raw: pipelined JetStream publishes of a payload the size of a payment commit, with the
//!     same headers Precept's append sends (`Nats-Msg-Id`, `Nats-Expected-Last-Subject-Sequence`);
//! (b) append: Precept's `AggregateStore::append` (envelope encoding, headers, classification),
//!     with as many appends in flight as (a) has publishes;
//! (c) commands: full command handling (load, decide, append) for accounts × payments with
//!     a fixed number of concurrent callers, with the aggregate cache on (state in hand) and
//!     off (every command loads from snapshot + stream).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_nats::jetstream::message::PublishMessage;
use bytes::Bytes;
use futures::StreamExt;
use precept_app::{
    Actor, AggregateStore, CommandHandler, Fingerprint, HandlerConfig, NewCommit, RequestId, RequestMeta,
    StreamPosition, SystemClock,
};
use precept_domain::account::{
    AccountCommand, AccountEvent, CouncilTaxAccount, OpenAccount, PaymentMethod, PaymentPosted, PaymentReference,
    PostPayment,
};
use precept_domain::{AccountId, CouncilCode, PartyId, PaymentId, Pence, Uprn};
use precept_eventstore::embedded::{NatsServerOptions, NatsServerProcess};
use precept_eventstore::{EventStoreConfig, JetStreamEventStore};
use uuid::Uuid;

/// Options.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Messages (a) and appends (b) per run.
    #[arg(long, default_value_t = 100_000)]
    messages: usize,
    /// Publishes or appends in flight in (a) and (b).
    #[arg(long, default_value_t = 1024)]
    in_flight: usize,
    /// Accounts in (c).
    #[arg(long, default_value_t = 10_000)]
    accounts: usize,
    /// Payments per account in (c).
    #[arg(long, default_value_t = 10)]
    payments: usize,
    /// Concurrent callers in (c).
    #[arg(long, default_value_t = 64)]
    callers: usize,
    /// nats-server binary (default: the pinned one in .tools/).
    #[arg(
        long,
        env = "PRECEPT_NATS_SERVER",
        default_value = ".tools/nats-server-2.15.1/nats-server"
    )]
    nats_server: PathBuf,
    /// Fsync every write on the server (`sync_interval: always`).
    #[arg(long)]
    sync_always: bool,
    /// Rounds of (a) and (b), alternated, each on a fresh stream; the median is reported.
    #[arg(long, default_value_t = 3)]
    rounds: usize,
}

fn council(phase: &str) -> CouncilCode {
    CouncilCode::parse(&format!("bench-{phase}")).expect("a valid council code")
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

fn meta(request: String) -> RequestMeta {
    RequestMeta {
        request_id: RequestId::parse(&request).expect("bench request ids are valid"),
        correlation_id: Uuid::new_v4(),
        causation_id: None,
        actor: Actor::parse("bench").expect("valid actor"),
        fingerprint: Fingerprint("0123456789abcdef0123456789abcdef".into()),
    }
}

fn payment(n: usize) -> PostPayment {
    PostPayment {
        payment_id: PaymentId::from_uuid(Uuid::new_v4()).expect("v4 is never nil"),
        amount_pence: Pence::new(1_234 + i64::try_from(n % 1000).expect("small")),
        method: PaymentMethod::DirectDebit,
        reference: PaymentReference::parse("DD 2025-05 CT000123").expect("valid reference"),
        received_on: "2025-05-01".parse().expect("valid date"),
        appropriate_to: None,
    }
}

fn payment_posted(amount_pence: i64) -> AccountEvent {
    let PostPayment {
        payment_id,
        amount_pence: _,
        method,
        reference,
        received_on,
        appropriate_to: _,
    } = payment(0);
    AccountEvent::PaymentPosted(PaymentPosted {
        payment_id,
        amount_pence: Pence::new(amount_pence),
        method,
        reference,
        received_on,
    })
}

fn rate(count: usize, elapsed: Duration) -> f64 {
    count as f64 / elapsed.as_secs_f64()
}

/// Runs `job(n)` for every `n` in `0..count`, `in_flight` at a time, and returns completions
/// per second; the first failure is returned after all have finished.
async fn per_second<F, Fut>(count: usize, in_flight: usize, job: F) -> anyhow::Result<f64>
where
    F: FnMut(usize) -> Fut,
    Fut: std::future::Future<Output = anyhow::Result<()>>,
{
    let started = Instant::now();
    let results: Vec<anyhow::Result<()>> = futures::stream::iter(0..count)
        .map(job)
        .buffer_unordered(in_flight)
        .collect()
        .await;
    let elapsed = started.elapsed();
    results.into_iter().collect::<anyhow::Result<Vec<()>>>()?;
    Ok(rate(count, elapsed))
}

/// Runs the benchmark and prints its figures.
pub async fn run(args: Args) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let options = NatsServerOptions {
        sync_always: args.sync_always,
        ..NatsServerOptions::new(args.nats_server.clone(), dir.path().to_owned())
    };
    let server = NatsServerProcess::start(options).await?;
    let client = async_nats::connect(server.url()).await?;
    let store =
        JetStreamEventStore::connect(client.clone(), EventStoreConfig::default(), Arc::new(SystemClock)).await?;
    let phases: Vec<CouncilCode> = (0..args.rounds)
        .flat_map(|r| [council(&format!("a{r}")), council(&format!("b{r}"))])
        .chain([council("c"), council("d")])
        .collect();
    store.ensure_streams(&phases).await?;

    let sample = sample_commit_size(&store);
    println!(
        "eventstore benchmark: nats-server {} ({} sync), payload {sample} bytes, median of {} alternating rounds",
        precept_eventstore::embedded::PINNED_VERSION,
        if args.sync_always { "always" } else { "default" },
        args.rounds
    );
    let (mut raws, mut appends) = (Vec::new(), Vec::new());
    for round in 0..args.rounds {
        let raw = raw_publish(&store, &phases[2 * round], args.messages, args.in_flight, sample).await?;
        let append = precept_append(&store, &phases[2 * round + 1], args.messages, args.in_flight).await?;
        println!("  round {round}: raw {raw:.0}/s, append {append:.0}/s");
        raws.push(raw);
        appends.push(append);
    }
    let (raw, append) = (median(raws), median(appends));
    println!(
        "(a) raw JetStream publish      {raw:>10.0} msgs/s   ({} msgs, {} in flight)",
        args.messages, args.in_flight
    );
    println!(
        "(b) Precept append             {append:>10.0} commits/s ({} commits, {} in flight)",
        args.messages, args.in_flight
    );
    let warm = commands(&store, &phases[2 * args.rounds], &args, 100_000).await?;
    println!(
        "(c) command handling, cached   {warm:>10.0} commands/s ({} accounts x {} payments, {} callers)",
        args.accounts, args.payments, args.callers
    );
    let cold = commands(&store, &phases[2 * args.rounds + 1], &args, 0).await?;
    println!("(c') command handling, no cache {cold:>9.0} commands/s (every command loads snapshot + stream)");
    println!();
    println!("ratio (b)/(a) = {:.2}   (target >= 0.70)", append / raw);
    println!("ratio (c)/(a) = {:.2}   (target >= 0.40)", warm / raw);
    println!("ratio (c')/(a) = {:.2}  (cache off, for comparison)", cold / raw);
    drop(client);
    server.stop().await?;
    Ok(())
}

/// The size of a stored payment commit, so the raw publish carries the same bytes.
fn sample_commit_size(store: &JetStreamEventStore) -> usize {
    let id = AccountId::from_uuid(Uuid::new_v4()).expect("v4");
    let event = payment_posted(123_456);
    let meta = meta(Uuid::new_v4().to_string());
    let events = [event];
    let council = council("sample");
    let commit = NewCommit::<CouncilTaxAccount> {
        council: &council,
        aggregate_id: &id,
        events: &events,
        meta: &meta,
        effective_date: None,
        expected: StreamPosition {
            version: 7,
            last_sequence: 12_345,
        },
    };
    serde_json::to_vec(&store.encode_for_benchmark(&commit))
        .expect("encodes")
        .len()
}

async fn raw_publish(
    store: &JetStreamEventStore,
    council: &CouncilCode,
    messages: usize,
    in_flight: usize,
    size: usize,
) -> anyhow::Result<f64> {
    let context = store.context().clone();
    let payload = Bytes::from(vec![b'x'; size]);
    per_second(messages, in_flight, |n| {
        let (context, payload) = (context.clone(), payload.clone());
        async move {
            let publish = PublishMessage::build()
                .payload(payload)
                .message_id(format!("raw-{n}"))
                .expected_last_subject_sequence(0);
            context
                .send_publish(format!("precept.{council}.raw.{}", Uuid::new_v4()), publish)
                .await?
                .await?;
            Ok(())
        }
    })
    .await
}

async fn precept_append(
    store: &JetStreamEventStore,
    council: &CouncilCode,
    appends: usize,
    in_flight: usize,
) -> anyhow::Result<f64> {
    per_second(appends, in_flight, |n| {
        let council = council.clone();
        async move {
            let id = AccountId::from_uuid(Uuid::new_v4()).expect("v4");
            let events = [payment_posted(1_000)];
            let meta = meta(format!("append-{n}"));
            let commit = NewCommit::<CouncilTaxAccount> {
                council: &council,
                aggregate_id: &id,
                events: &events,
                meta: &meta,
                effective_date: None,
                expected: StreamPosition::default(),
            };
            AggregateStore::<CouncilTaxAccount>::append(store, commit).await?;
            Ok(())
        }
    })
    .await
}

/// Opens the accounts (untimed), then times `accounts × payments` payments from `callers`
/// concurrent callers. Payments are dealt round-robin over accounts, so concurrent callers
/// rarely touch the same account, as in a real payment file.
async fn commands(
    store: &JetStreamEventStore,
    council: &CouncilCode,
    args: &Args,
    cache_capacity: usize,
) -> anyhow::Result<f64> {
    let config = HandlerConfig {
        cache_capacity,
        ..HandlerConfig::default()
    };
    let handler = Arc::new(CommandHandler::new(CouncilTaxAccount, Arc::new(store.clone()), config));
    let run = Uuid::new_v4().simple().to_string();
    let accounts: Vec<AccountId> = (0..args.accounts)
        .map(|_| AccountId::from_uuid(Uuid::new_v4()).expect("v4"))
        .collect();
    // Opening is set-up, not measured: its rate is discarded.
    per_second(accounts.len(), args.callers, |n| {
        let (handler, council, run, id) = (Arc::clone(&handler), council.clone(), run.clone(), accounts[n]);
        async move {
            let open = AccountCommand::OpenAccount(OpenAccount {
                property: Uprn::parse(&(100_000 + n).to_string()).expect("valid"),
                liability_start: "2025-04-01".parse().expect("date"),
                liable_parties: vec![PartyId::from_uuid(Uuid::new_v4()).expect("v4")],
                balance_brought_forward_pence: Pence::new(150_000),
                instalment_plan: Default::default(),
            });
            handler
                .execute(&council, &id, open, &meta(format!("open-{run}-{n}")))
                .await?;
            Ok(())
        }
    })
    .await?;

    let total = args.accounts * args.payments;
    per_second(total, args.callers, |n| {
        let (handler, council, run) = (Arc::clone(&handler), council.clone(), run.clone());
        let id = accounts[n % accounts.len()];
        async move {
            let command = AccountCommand::PostPayment(payment(n));
            handler
                .execute(&council, &id, command, &meta(format!("pay-{run}-{n}")))
                .await?;
            Ok(())
        }
    })
    .await
}
