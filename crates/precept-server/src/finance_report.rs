//! `precept report collection-fund` and `precept report performance`: the partnership's
//! finance views as CSV, read from a running service over gRPC.

use std::io::Write;

use precept_api::proto::partnership_client::PartnershipClient;
use precept_api::proto::{GetCollectionFundRequest, GetPerformanceRequest};

use crate::report::rows_bar;

/// Which view, for whom.
#[derive(Debug, Clone)]
pub struct FinanceReport {
    /// The service's gRPC address, `http://host:port`.
    pub server: String,
    /// The council (for performance, empty: every member and the partnership's total).
    pub council: String,
    /// The year, `2025/26`.
    pub year: String,
    /// The bearer token to call with (a `finance` credential).
    pub token: Option<String>,
}

async fn client(report: &FinanceReport) -> anyhow::Result<PartnershipClient<precept_api::client::AuthChannel>> {
    crate::report::partnership_client(&report.server, report.token.as_deref()).await
}

fn refused(status: &tonic::Status) -> anyhow::Error {
    anyhow::anyhow!("{}: {}", status.code(), status.message())
}

/// Writes the collection fund split as CSV: `service,body,kind,amount_pence`, a `TOTAL` row
/// per service. Returns the rows written.
///
/// # Errors
/// The server cannot be reached, refuses the request, or the writer fails.
pub async fn collection_fund(report: &FinanceReport, out: impl Write, progress: bool) -> anyhow::Result<u64> {
    let fund = client(report)
        .await?
        .get_collection_fund(GetCollectionFundRequest {
            council: report.council.clone(),
            year: report.year.clone(),
            ..GetCollectionFundRequest::default()
        })
        .await
        .map_err(|status| refused(&status))?
        .into_inner();
    let rows = (fund.preceptors.len() + fund.retention.len() + 2) as u64;
    let bar = rows_bar(rows, progress)?;
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record(["service", "body", "kind", "amount_pence"])?;
    for (service, total, bodies) in [
        ("council_tax", fund.council_tax_pence, &fund.preceptors),
        ("business_rates", fund.business_rates_pence, &fund.retention),
    ] {
        for body in bodies {
            csv.write_record([service, &body.body, &body.kind, &body.amount_pence.to_string()])?;
            bar.inc(1);
        }
        csv.write_record([service, "TOTAL", "", &total.to_string()])?;
        bar.inc(1);
    }
    csv.flush()?;
    bar.finish_and_clear();
    Ok(rows)
}

/// Writes the performance view as CSV: one row per council and month with both services'
/// collection and rates against last year, and the benefits figures. Returns the rows written.
///
/// # Errors
/// The server cannot be reached, refuses the request, or the writer fails.
pub async fn performance(report: &FinanceReport, out: impl Write, progress: bool) -> anyhow::Result<u64> {
    let view = client(report)
        .await?
        .get_performance(GetPerformanceRequest {
            council: report.council.clone(),
            year: report.year.clone(),
            on: String::new(),
        })
        .await
        .map_err(|status| refused(&status))?
        .into_inner();
    let rows = (view.councils.len() * 12) as u64;
    let bar = rows_bar(rows, progress)?;
    let mut csv = csv::Writer::from_writer(out);
    csv.write_record([
        "council",
        "month",
        "ct_collected_pence",
        "ct_rate_bp",
        "ct_last_year_rate_bp",
        "nndr_collected_pence",
        "nndr_rate_bp",
        "nndr_last_year_rate_bp",
        "new_claim_days_tenths",
        "change_days_tenths",
        "live_claims",
        "uc_automation_bp",
        "live_council_tax_accounts",
        "hereditaments",
    ])?;
    for council in &view.councils {
        let (ct, nndr) = (
            council.council_tax.clone().unwrap_or_default(),
            council.business_rates.clone().unwrap_or_default(),
        );
        for (month, rates) in ct.months.iter().zip(&nndr.months) {
            csv.write_record([
                council.council.clone(),
                month.month.clone(),
                month.collected_pence.to_string(),
                month.rate_bp.to_string(),
                month.last_year_rate_bp.to_string(),
                rates.collected_pence.to_string(),
                rates.rate_bp.to_string(),
                rates.last_year_rate_bp.to_string(),
                council.new_claim_days_tenths.to_string(),
                council.change_days_tenths.to_string(),
                council.live_claims.to_string(),
                council.uc_automation_bp.to_string(),
                council.live_council_tax_accounts.to_string(),
                council.hereditaments.to_string(),
            ])?;
            bar.inc(1);
        }
    }
    csv.flush()?;
    bar.finish_and_clear();
    Ok(rows)
}
