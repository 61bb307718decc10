//! `make bench`: Precept's benchmarks. Each one measures Precept and the raw server it sits on
//! in the same run, on the same machine, and prints the ratio: absolute figures on a shared
//! 2-core machine wander, ratios are what we hold ourselves to (docs/PERFORMANCE.md).

// Rates and ratios are measurements, not money: floating point is right here.
#![allow(clippy::float_arithmetic)]

// glibc's malloc spent about a sixth of the annual-billing bench's CPU in its free lists
// (docs/PERFORMANCE.md); mimalloc's per-thread pages suit many small short-lived buffers.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

mod annual_billing;
mod api_calls;
mod eventstore;
mod harness;
mod raw_upsert;
mod recovery_run;
mod replay;
mod uc_import;

use clap::{Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "precept-bench", about = "Precept benchmarks")]
struct Cli {
    #[command(subcommand)]
    bench: Bench,
}

#[derive(Debug, Subcommand)]
enum Bench {
    /// Raw JetStream publish vs Precept's append vs full command handling.
    Eventstore(eventstore::Args),
    /// Authenticated gRPC calls against health checks, and the auth layer's own cost.
    ApiCalls(api_calls::Args),
    /// Annual billing of N accounts end to end, and the billing read model catching up.
    AnnualBilling(annual_billing::Args),
    /// The daily recovery run over N accounts: accounts examined per second.
    RecoveryRun(recovery_run::Args),
    /// A UC notification file of N records imported against N claims: records/s and the
    /// automation rate.
    UcImport(uc_import::Args),
    /// Rebuild a read model from N commits into SQLite and PostgreSQL: commits/s against a raw
    /// multi-row upsert of the same rows.
    Replay(replay::Args),
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    match cli.bench {
        Bench::Eventstore(args) => runtime.block_on(eventstore::run(args)),
        Bench::ApiCalls(args) => runtime.block_on(api_calls::run(args)),
        Bench::AnnualBilling(args) => runtime.block_on(annual_billing::run(args)),
        Bench::RecoveryRun(args) => runtime.block_on(recovery_run::run(args)),
        Bench::UcImport(args) => runtime.block_on(uc_import::run(args)),
        Bench::Replay(args) => runtime.block_on(replay::run(args)),
    }
}
