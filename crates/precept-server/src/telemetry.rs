//! Logging set-up: built by [`subscriber`], installed once by `main` (tests install none, so
//! their output stays quiet unless `TEST_LOG` asks for it).
//!
//! Log lines carry ids (council, account, request), never personal data.

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::FmtSpan;

/// Log format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// Human-readable lines (the default for `make run`).
    Pretty,
    /// One JSON object per line (production).
    Json,
}

/// Installs the global subscriber; `filter` is an `EnvFilter` directive such as `info`.
pub fn init(filter: &str, format: LogFormat) {
    let filter = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_span_events(FmtSpan::NONE);
    match format {
        LogFormat::Pretty => builder.compact().init(),
        LogFormat::Json => builder.json().init(),
    }
}
