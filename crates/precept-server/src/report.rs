//! `precept report`: finance teams' CSV exports, read from a running service over gRPC (so
//! a report needs no database credentials, and sees exactly what the API shows).
//!
//! - `apportionment`: every member's share of every cost line of a year, with the driver
//!   that produced it, then each member's total (REFERENCE §5).
//! - `collection-fund` and `performance` (in `finance_report`): a council's receipts split by
//!   body, and the collection rates month by month with the benefits figures.
//!
//! Rows go to any writer (a file, stdout); a progress bar counts them on the terminal when
//! asked for.

use std::io::Write;

use anyhow::Context as _;
use indicatif::{ProgressBar, ProgressStyle};
use precept_api::proto::GetApportionmentRequest;
use precept_api::proto::partnership_client::PartnershipClient;

/// A bar counting `rows` rows on the terminal, or a hidden one.
pub(crate) fn rows_bar(rows: u64, progress: bool) -> anyhow::Result<ProgressBar> {
    let bar = if progress {
        ProgressBar::new(rows)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{bar:40} {pos}/{len} rows {elapsed}").context("progress bar template")?,
    );
    Ok(bar)
}

/// What `precept report apportionment` exports.
#[derive(Debug, Clone)]
pub struct ApportionmentReport {
    /// The service's gRPC address, `http://host:port`.
    pub server: String,
    /// The year, `2025/26`.
    pub year: String,
    /// The day membership and caseloads are measured on.
    pub on: String,
    /// Actual costs rather than the budget.
    pub actual: bool,
    /// The period activity is counted over (a quarter, say); both empty: the whole year.
    pub period: (String, String),
    /// The bearer token to call with (a `finance` credential).
    pub token: Option<String>,
}

/// A partnership client on `server`, calling with `token`.
pub(crate) async fn partnership_client(
    server: &str,
    token: Option<&str>,
) -> anyhow::Result<PartnershipClient<precept_api::client::AuthChannel>> {
    let channel = precept_api::client::connect(server, token)
        .await
        .map_err(|error| anyhow::anyhow!("connecting to {server}: {error}"))?;
    Ok(PartnershipClient::new(channel))
}

/// Writes the apportionment as CSV: `line,member,driver,amount_pence,bound`, then one
/// `TOTAL` row per member. Returns the rows written.
///
/// # Errors
/// The server cannot be reached, refuses the request (its message says which field), or the
/// writer fails.
pub async fn apportionment(report: &ApportionmentReport, out: impl Write, progress: bool) -> anyhow::Result<u64> {
    let mut client = partnership_client(&report.server, report.token.as_deref()).await?;
    let view = client
        .get_apportionment(GetApportionmentRequest {
            year: report.year.clone(),
            on: report.on.clone(),
            actual: report.actual,
            from: report.period.0.clone(),
            to: report.period.1.clone(),
        })
        .await
        .map_err(|status| anyhow::anyhow!("{}: {}", status.code(), status.message()))?
        .into_inner();
    let rows = view.lines.iter().map(|line| line.shares.len() as u64).sum::<u64>() + view.members.len() as u64;
    let bar = rows_bar(rows, progress)?;
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["line", "member", "driver", "amount_pence", "bound"])?;
    for line in &view.lines {
        for share in &line.shares {
            csv.write_record([
                line.name.as_str(),
                share.member.as_str(),
                &share.driver.to_string(),
                &share.amount_pence.to_string(),
                if share.bound { "true" } else { "false" },
            ])?;
            bar.inc(1);
        }
    }
    for member in &view.members {
        csv.write_record([
            "TOTAL",
            member.member.as_str(),
            "",
            &member.amount_pence.to_string(),
            "",
        ])?;
        bar.inc(1);
    }
    csv.flush()?;
    bar.finish_and_clear();
    Ok(rows)
}
