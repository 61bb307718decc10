//! `precept`: the Revenues and Benefits shared-service back end.

// glibc's malloc spent about a sixth of the annual-billing bench's CPU in its free lists
// (docs/PERFORMANCE.md); mimalloc's per-thread pages suit many small short-lived buffers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::net::SocketAddr;
use std::num::NonZeroU32;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use precept_domain::CouncilCode;
use precept_server::telemetry::{self, LogFormat};
use precept_server::{Application, NatsSettings, Settings};

#[derive(Debug, Parser)]
#[command(
    name = "precept",
    version,
    about = "Event-sourced Revenues and Benefits back end for shared services"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log filter, e.g. `info` or `precept=debug,info`.
    #[arg(long, env = "PRECEPT_LOG", default_value = "info", global = true)]
    log: String,
    /// Log format.
    #[arg(
        long,
        env = "PRECEPT_LOG_FORMAT",
        value_enum,
        default_value = "pretty",
        global = true
    )]
    log_format: LogFormat,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the gRPC API (with projectors) until Ctrl-C.
    Serve(ServeArgs),
    /// Export a finance report as CSV from a running service.
    #[command(subcommand)]
    Report(ReportCommand),
    /// Rebuild read models from the council streams into a fresh database; verify a live read
    /// model against a rebuild (--verify); switch a running service onto a rebuild (--switch).
    Replay(ReplayArgs),
    /// Issue, revoke and list client credentials (written straight to NATS).
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Issue a credential and print its bearer token (shown once; only its digest is kept).
    Issue(TokenIssueArgs),
    /// Revoke a credential: it never authenticates again.
    Revoke(TokenIdArgs),
    /// List every credential, revoked ones included.
    List(TokenNatsArgs),
}

#[derive(Debug, clap::Args)]
struct TokenNatsArgs {
    /// The NATS server holding the credentials (make run's local server by default).
    #[arg(long, env = "PRECEPT_NATS_URL", default_value = "nats://127.0.0.1:4333")]
    nats_url: String,
}

#[derive(Debug, clap::Args)]
struct TokenIdArgs {
    #[command(flatten)]
    nats: TokenNatsArgs,
    /// The credential's id.
    #[arg(long)]
    id: String,
}

#[derive(Debug, clap::Args)]
struct TokenIssueArgs {
    #[command(flatten)]
    nats: TokenNatsArgs,
    /// The new credential's id (3-40 lower-case letters, digits, hyphens), e.g. swale-crm.
    #[arg(long)]
    id: String,
    /// What it is for, e.g. "Swale CRM integration" (never a person's name).
    #[arg(long)]
    label: String,
    /// `partnership` (shared-service staff) or a council code (that council's system).
    #[arg(long)]
    scope: String,
    /// Comma-separated roles: read, write, finance, audit, admin.
    #[arg(long)]
    roles: String,
    /// Register this client certificate (PEM) for mTLS instead of issuing a token.
    #[arg(long)]
    certificate: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ReplayArgs {
    /// NATS server holding the council streams (`make run`'s local server by default).
    #[arg(long, env = "PRECEPT_NATS_URL", default_value = "nats://127.0.0.1:4333")]
    nats_url: String,
    /// The partnership's council codes, comma separated.
    #[arg(
        long,
        env = "PRECEPT_COUNCILS",
        value_delimiter = ',',
        default_value = "swale,maidstone,tunbridge-wells"
    )]
    councils: Vec<String>,
    /// The projector to rebuild (default: every known one).
    #[arg(long)]
    projector: Option<String>,
    /// The database to rebuild into, which must be fresh (sqlite://PATH or postgres://...);
    /// with --verify, the live read model to check (opened read-only).
    #[arg(long)]
    database_url: String,
    /// After replaying, keep folding new commits until Ctrl-C.
    #[arg(long, conflicts_with_all = ["verify", "switch"])]
    follow: bool,
    /// After replaying, switch the running service at --server onto the rebuilt database
    /// (sends PRECEPT_TOKEN as a bearer token; needs the admin role).
    #[arg(long, conflicts_with = "verify")]
    switch: bool,
    /// The running service's gRPC address, for --switch.
    #[arg(long, env = "PRECEPT_SERVER", default_value = "http://127.0.0.1:50051")]
    server: String,
    /// Rebuild into a scratch database up to the live checkpoints and compare it with the
    /// live read model row by row; exits non-zero on any drift.
    #[arg(long)]
    verify: bool,
    /// With --verify: the scratch database, which must be fresh (default: a temporary SQLite file).
    #[arg(long, requires = "verify")]
    scratch_url: Option<String>,
    /// With --verify: differences printed at most (the rest are counted).
    #[arg(long, default_value_t = 1_000)]
    drift_limit: usize,
    /// Commits folded per transaction.
    #[arg(long, default_value_t = 10_000)]
    batch_max: usize,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Subcommand)]
enum ReportCommand {
    /// Every member's share of every cost line of a year, with its driver, then totals.
    Apportionment(ApportionmentArgs),
    /// A council's receipts for a year split between preceptors and retention shares.
    CollectionFund(FinanceArgs),
    /// Collection rates month by month against last year, with the benefits figures.
    Performance(FinanceArgs),
}

#[derive(Debug, clap::Args)]
struct FinanceArgs {
    /// The service's gRPC address.
    #[arg(long, env = "PRECEPT_SERVER", default_value = "http://127.0.0.1:50051")]
    server: String,
    /// The bearer token to call with (a credential with the finance role).
    #[arg(long, env = "PRECEPT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The council (performance: omit for every member and the partnership's total).
    #[arg(long, default_value = "")]
    council: String,
    /// The financial year, e.g. 2025/26.
    #[arg(long)]
    year: String,
    /// Write to this file (with a progress bar) rather than stdout.
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ApportionmentArgs {
    /// The service's gRPC address.
    #[arg(long, env = "PRECEPT_SERVER", default_value = "http://127.0.0.1:50051")]
    server: String,
    /// The bearer token to call with (a credential with the finance role).
    #[arg(long, env = "PRECEPT_TOKEN", hide_env_values = true)]
    token: Option<String>,
    /// The financial year, e.g. 2025/26.
    #[arg(long)]
    year: String,
    /// The day membership and caseloads are measured on (YYYY-MM-DD).
    #[arg(long)]
    on: String,
    /// Share the actual costs rather than the budget.
    #[arg(long)]
    actual: bool,
    /// Count activity from this day (YYYY-MM-DD; with --to, e.g. a quarter).
    #[arg(long, default_value = "")]
    from: String,
    /// Count activity to this day.
    #[arg(long, default_value = "")]
    to: String,
    /// Write to this file (with a progress bar) rather than stdout.
    #[arg(long)]
    output: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct ServeArgs {
    /// gRPC listen address.
    #[arg(long, env = "PRECEPT_GRPC_ADDR", default_value = "127.0.0.1:50051")]
    grpc_addr: SocketAddr,
    /// NATS server or cluster URL; when unset, Precept starts and manages a local nats-server.
    #[arg(long, env = "PRECEPT_NATS_URL")]
    nats_url: Option<String>,
    /// The nats-server binary for the local server.
    #[arg(
        long,
        env = "PRECEPT_NATS_SERVER",
        default_value = ".tools/nats-server-2.15.1/nats-server"
    )]
    nats_server: PathBuf,
    /// Where the local nats-server keeps JetStream data.
    #[arg(long, env = "PRECEPT_NATS_STORE_DIR", default_value = "var/nats")]
    nats_store_dir: PathBuf,
    /// Client port of the local nats-server (0: any free port).
    #[arg(long, env = "PRECEPT_NATS_PORT", default_value_t = 4333)]
    nats_port: u16,
    /// Read-model database: sqlite:PATH or postgres://...
    #[arg(long, env = "PRECEPT_DATABASE_URL", default_value = "sqlite://var/precept.db")]
    database_url: String,
    /// The partnership's council codes, comma separated.
    #[arg(
        long,
        env = "PRECEPT_COUNCILS",
        value_delimiter = ',',
        default_value = "swale,maidstone,tunbridge-wells"
    )]
    councils: Vec<String>,
    /// JetStream duplicate window, seconds.
    #[arg(long, env = "PRECEPT_DUPLICATE_WINDOW_SECS", default_value_t = 120)]
    duplicate_window_secs: u64,
    /// Stream replicas (3 on a production cluster).
    #[arg(long, env = "PRECEPT_REPLICAS", default_value_t = 1)]
    replicas: usize,
    /// Run the projectors in this instance; exactly one instance per read-model database may.
    #[arg(long, env = "PRECEPT_RUN_PROJECTORS", default_value_t = true, action = clap::ArgAction::Set)]
    run_projectors: bool,
    /// The secret NINOs are hashed under (16 bytes or more; never change it once claims exist).
    /// Required: `make run` passes a development key.
    #[arg(long, env = "PRECEPT_NINO_KEY", hide_env_values = true)]
    nino_key: Option<String>,
    /// A token registered at start as a partnership credential with every role, so the
    /// first real credentials can be issued (`make run` passes a development one).
    #[arg(long, env = "PRECEPT_BOOTSTRAP_TOKEN", hide_env_values = true)]
    bootstrap_token: Option<String>,
    /// Requests per second each credential may make.
    #[arg(long, env = "PRECEPT_RATE_PER_SECOND", default_value_t = 1_000)]
    rate_per_second: u32,
    /// Requests a credential may make at once above its rate.
    #[arg(long, env = "PRECEPT_RATE_BURST", default_value_t = 2_000)]
    rate_burst: u32,
    /// Largest request message, bytes.
    #[arg(long, env = "PRECEPT_MESSAGE_BYTES_MAX", default_value_t = 4 * 1024 * 1024)]
    message_bytes_max: usize,
    /// Serve TLS with this certificate chain (PEM); needs --tls-key.
    #[arg(long, env = "PRECEPT_TLS_CERT", requires = "tls_key")]
    tls_cert: Option<PathBuf>,
    /// The TLS private key (PEM).
    #[arg(long, env = "PRECEPT_TLS_KEY", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Require client certificates from this CA (mTLS).
    #[arg(long, env = "PRECEPT_TLS_CLIENT_CA", requires = "tls_cert")]
    tls_client_ca: Option<PathBuf>,
}

impl ServeArgs {
    fn settings(self) -> anyhow::Result<Settings> {
        let councils = parse_councils(&self.councils)?;
        let nats = match self.nats_url {
            Some(url) => NatsSettings::External { url },
            None => NatsSettings::Embedded {
                binary: self.nats_server,
                store_dir: self.nats_store_dir,
                port: (self.nats_port != 0).then_some(self.nats_port),
            },
        };
        if let Some(path) = self.database_url.strip_prefix("sqlite://")
            && let Some(parent) = PathBuf::from(path).parent()
            && !parent.as_os_str().is_empty()
        {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        Ok(Settings {
            grpc_addr: self.grpc_addr,
            duplicate_window: Duration::from_secs(self.duplicate_window_secs),
            replicas: self.replicas,
            run_projectors: self.run_projectors,
            nino_key: self
                .nino_key
                .context(
                    "PRECEPT_NINO_KEY is not set: give the secret NINOs are hashed under (make run sets a development \
                     key; production must set its own and never change it)",
                )?
                .into_bytes(),
            access: precept_server::AccessSettings {
                bootstrap_token: self.bootstrap_token,
                requests_per_second: NonZeroU32::new(self.rate_per_second)
                    .context("PRECEPT_RATE_PER_SECOND must be above 0")?,
                burst: NonZeroU32::new(self.rate_burst).context("PRECEPT_RATE_BURST must be above 0")?,
                message_bytes_max: self.message_bytes_max,
                tls: self
                    .tls_cert
                    .zip(self.tls_key)
                    .map(|(certificate, key)| precept_server::TlsSettings {
                        certificate,
                        key,
                        client_ca: self.tls_client_ca,
                    }),
            },
            ..Settings::new(nats, self.database_url, councils)
        })
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    telemetry::init(&cli.log, cli.log_format);
    match cli.command {
        Command::Serve(args) => {
            let settings = args.settings()?;
            let councils: Vec<String> = settings.councils.iter().map(ToString::to_string).collect();
            let app = Application::build(settings).await?;
            let addr = app.local_addr()?;
            tracing::info!(%addr, nats = app.nats_url(), councils = ?councils, "precept is serving");
            println!(
                "\nPrecept is serving gRPC on {addr} (councils: {}).",
                councils.join(", ")
            );
            println!("  list services:  grpcurl -plaintext {addr} list");
            println!(
                "  every call needs a credential: -H \"authorization: Bearer $PRECEPT_TOKEN\" (make run registers a development token; see README)"
            );
            println!("  health:         grpcurl -plaintext {addr} grpc.health.v1.Health/Check");
            println!(
                "  open account:   grpcurl -plaintext -H \"authorization: Bearer $PRECEPT_TOKEN\" -d '{{\"request_id\":\"open-1\",\"council\":\"{}\",\"uprn\":\"100062557744\",\"liability_start\":\"2025-04-01\",\"liable_party_ids\":[\"6f1c2a4e-0d3b-4c55-9a57-2f1e8b9c0d11\"]}}' {addr} precept.v1.CouncilTaxAccounts/OpenAccount",
                councils.first().map_or("swale", String::as_str)
            );
            println!("Press Ctrl-C to stop.\n");
            app.run_until(shutdown_signal()).await?;
            tracing::info!("stopped cleanly");
            Ok(())
        }
        Command::Report(ReportCommand::Apportionment(args)) => {
            let report = precept_server::report::ApportionmentReport {
                server: args.server,
                year: args.year,
                on: args.on,
                actual: args.actual,
                period: (args.from, args.to),
                token: args.token,
            };
            let rows = match &args.output {
                Some(path) => {
                    let file = std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?;
                    precept_server::report::apportionment(&report, std::io::BufWriter::new(file), true).await?
                }
                None => precept_server::report::apportionment(&report, std::io::stdout().lock(), false).await?,
            };
            tracing::info!(rows, "report written");
            Ok(())
        }
        Command::Token(command) => token(command).await,
        Command::Replay(args) => replay(args).await,
        Command::Report(ReportCommand::CollectionFund(args)) => finance(args, true).await,
        Command::Report(ReportCommand::Performance(args)) => finance(args, false).await,
    }
}

/// Runs a finance report to the file asked for (with a progress bar) or stdout.
async fn finance(args: FinanceArgs, collection_fund: bool) -> anyhow::Result<()> {
    use precept_server::finance_report::{FinanceReport, collection_fund as fund, performance};
    let report = FinanceReport {
        server: args.server,
        council: args.council,
        year: args.year,
        token: args.token,
    };
    let rows = match (&args.output, collection_fund) {
        (Some(path), for_fund) => {
            let file = std::io::BufWriter::new(
                std::fs::File::create(path).with_context(|| format!("creating {}", path.display()))?,
            );
            if for_fund {
                fund(&report, file, true).await?
            } else {
                performance(&report, file, true).await?
            }
        }
        (None, true) => fund(&report, std::io::stdout().lock(), false).await?,
        (None, false) => performance(&report, std::io::stdout().lock(), false).await?,
    };
    tracing::info!(rows, "report written");
    Ok(())
}

/// `precept token ...`.
async fn token(command: TokenCommand) -> anyhow::Result<()> {
    use precept_server::credentials;
    match command {
        TokenCommand::Issue(args) => {
            let store = credentials::open(&args.nats.nats_url).await?;
            let issue = credentials::Issue {
                id: &args.id,
                label: &args.label,
                scope: &args.scope,
                roles: &args.roles,
                certificate: args.certificate.as_deref(),
            };
            match credentials::issue(&store, &issue).await? {
                Some(token) => println!("{token}"),
                None => println!("certificate registered for credential {}", args.id),
            }
        }
        TokenCommand::Revoke(args) => {
            let store = credentials::open(&args.nats.nats_url).await?;
            credentials::revoke(&store, &args.id).await?;
            println!("credential {} revoked", args.id);
        }
        TokenCommand::List(args) => {
            let store = credentials::open(&args.nats_url).await?;
            for line in credentials::list(&store).await? {
                println!("{line}");
            }
        }
    }
    Ok(())
}

/// Runs `precept replay` in the mode asked for.
// The rate printed is a measurement, not money: floating point is right here.
#[allow(clippy::float_arithmetic)]
async fn replay(args: ReplayArgs) -> anyhow::Result<()> {
    use precept_server::replay::{ReplayBar, ReplaySource, VerifyTarget};
    let councils = parse_councils(&args.councils)?;
    let mut source = ReplaySource::new(args.nats_url, councils, args.projector.as_deref())?;
    source.config.batch_max = args.batch_max.max(1);
    let bar = ReplayBar::new(!args.quiet)?;
    if args.verify {
        let target = VerifyTarget {
            live_url: args.database_url,
            scratch_url: args.scratch_url,
            limit: args.drift_limit,
        };
        let report = precept_server::replay::verify(&source, &target, &bar).await;
        bar.finish();
        let report = report?;
        for drift in &report.drifts {
            println!("{drift}");
        }
        if report.more > 0 {
            println!("... and {} more", report.more);
        }
        let found = report.drifts.len() as u64 + report.more;
        println!(
            "compared {} tables, {} live rows: {}",
            report.tables,
            report.live_rows,
            if found == 0 {
                "no drift".to_owned()
            } else {
                format!("{found} differences")
            }
        );
        anyhow::ensure!(
            found == 0,
            "the live read model has drifted from its streams ({found} differences)"
        );
        return Ok(());
    }
    let summary = if args.follow {
        precept_server::replay::replay_and_follow(&source, &args.database_url, &bar, shutdown_signal()).await
    } else {
        precept_server::replay::replay(&source, &args.database_url, &bar).await
    };
    bar.finish();
    let summary = summary?;
    let seconds = summary.elapsed.as_secs_f64().max(f64::EPSILON);
    println!(
        "replayed {} events in {seconds:.1} s ({:.0} events/s)",
        summary.commits,
        summary.commits as f64 / seconds
    );
    for (projector, council, checkpoint) in &summary.checkpoints {
        println!("  {projector} {council}: checkpoint {checkpoint}");
    }
    if args.switch {
        // Only the binary reads the environment: the token goes to the library as a value.
        let token = std::env::var("PRECEPT_TOKEN").ok().filter(|token| !token.is_empty());
        let switched = precept_server::replay::switch(&args.server, &args.database_url, token.as_deref()).await?;
        println!(
            "switched {} to the rebuilt read model ({} events caught up)",
            args.server, switched.caught_up_commits
        );
        for checkpoint in switched.checkpoints {
            println!("  {}: checkpoint {}", checkpoint.council, checkpoint.sequence);
        }
    }
    Ok(())
}

fn parse_councils(codes: &[String]) -> anyhow::Result<Vec<CouncilCode>> {
    codes
        .iter()
        .map(|code| {
            CouncilCode::parse(code.trim()).with_context(|| format!("council code {code:?} in PRECEPT_COUNCILS"))
        })
        .collect()
}
