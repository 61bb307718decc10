//! The finance views of `precept.v1.Partnership`: the collection fund split and the
//! performance view (REFERENCE §1.12, §3.4, §5.4). Called from the service in partnership.rs.

use std::collections::HashSet;

use chrono::NaiveDate;
use precept_app::partnership::{
    BenefitsPerformance, CollectionFacts, DriverReads, FinanceReads, YearCollection, collection_fund, collection_rates,
    months,
};
use precept_domain::partnership::Driver;
use precept_domain::partnership::RetentionShares;
use precept_domain::{CouncilCode, FinancialYear};
use tonic::{Request, Status};

use crate::common::{average_tenths, required_year};
use crate::proto;
use crate::status::query_error;
use crate::validate::Violations;
use precept_domain::benefits::uc_import::automation_bp;

const UNREACHABLE: &str = "every None above recorded a violation, so finish() returned early";

fn retention(v: &mut Violations, body: &proto::GetCollectionFundRequest) -> Option<RetentionShares> {
    if !body.shares.is_empty() {
        let shares = RetentionShares(body.shares.iter().map(|s| (s.body.clone(), s.bp)).collect());
        let named = body
            .shares
            .iter()
            .all(|s| !s.body.trim().is_empty() && s.body.len() <= 64 && s.bp > 0);
        let mut bodies: Vec<&str> = body.shares.iter().map(|s| s.body.as_str()).collect();
        bodies.sort_unstable();
        bodies.dedup();
        if !shares.is_whole() || !named || bodies.len() != body.shares.len() {
            v.add(
                "shares",
                "each body named once, with basis points above nothing summing to 10000",
            );
            return None;
        }
        return Some(shares);
    }
    match body.retention.as_str() {
        "" | "two_tier_shire" => Some(RetentionShares::two_tier_shire()),
        "two_tier_shire_county_fire" => Some(RetentionShares::two_tier_shire_county_fire()),
        _ => {
            v.add(
                "retention",
                "must be two_tier_shire or two_tier_shire_county_fire, or give shares",
            );
            None
        }
    }
}

/// `GetCollectionFund`.
pub(crate) async fn collection_fund_view<R: FinanceReads>(
    reads: &R,
    councils: &HashSet<CouncilCode>,
    request: &Request<proto::GetCollectionFundRequest>,
) -> Result<proto::CollectionFund, Status> {
    let mut v = Violations::for_request(request);
    let body = request.get_ref();
    let council = v.council("council", &body.council, councils);
    let year = required_year(&mut v, "year", &body.year);
    let shares = retention(&mut v, body);
    v.finish()?;
    let (Some(council), Some(year), Some(shares)) = (council, year, shares) else {
        unreachable!("{UNREACHABLE}");
    };
    let facts = reads.collection(&council, year).await.map_err(query_error)?;
    let fund = collection_fund(&facts, &shares);
    Ok(proto::CollectionFund {
        council: council.to_string(),
        year: year.to_string(),
        council_tax_pence: fund.council_tax.get(),
        preceptors: fund
            .preceptors
            .into_iter()
            .map(|(body, kind, amount)| proto::BodyAmount {
                body,
                kind,
                amount_pence: amount.get(),
            })
            .collect(),
        business_rates_pence: fund.business_rates.get(),
        retention: fund
            .retention
            .into_iter()
            .map(|(body, amount)| proto::BodyAmount {
                body,
                kind: String::new(),
                amount_pence: amount.get(),
            })
            .collect(),
    })
}

fn service(
    this: &YearCollection,
    last: &YearCollection,
    year: FinancialYear,
    previous: FinancialYear,
) -> proto::ServicePerformance {
    let rates = collection_rates(this, year);
    let last_rates = collection_rates(last, previous);
    let collected = this.cumulative(year);
    proto::ServicePerformance {
        net_debit_pence: this.net_debit.get(),
        months: months(year)
            .into_iter()
            .enumerate()
            .map(|(n, month)| proto::MonthRate {
                month,
                collected_pence: collected[n].get(),
                rate_bp: rates[n],
                last_year_rate_bp: last_rates[n],
            })
            .collect(),
    }
}

fn council_view(
    name: &str,
    (this, last): (&CollectionFacts, &CollectionFacts),
    benefits: &BenefitsPerformance,
    year: FinancialYear,
    previous: FinancialYear,
) -> proto::CouncilPerformance {
    let (automated, officer) = benefits.uc_records;
    proto::CouncilPerformance {
        council: name.to_owned(),
        council_tax: Some(service(&this.council_tax, &last.council_tax, year, previous)),
        business_rates: Some(service(&this.business_rates, &last.business_rates, year, previous)),
        new_claims: benefits.new_claims.0,
        new_claim_days_tenths: average_tenths(benefits.new_claims.1, benefits.new_claims.0),
        changes: benefits.changes.0,
        change_days_tenths: average_tenths(benefits.changes.1, benefits.changes.0),
        live_claims: benefits.live_claims,
        uc_automated: automated,
        uc_needing_officer: officer,
        uc_automation_bp: automation_bp(automated, officer),
        live_council_tax_accounts: 0,
        hereditaments: 0,
    }
}

/// Adds `other`'s collection into `total`, month by month.
fn add_collection(total: &mut YearCollection, other: &YearCollection) {
    total.net_debit = total.net_debit + other.net_debit;
    for (month, pence) in &other.by_month {
        match total.by_month.iter_mut().find(|(m, _)| m == month) {
            Some((_, sum)) => *sum = *sum + *pence,
            None => total.by_month.push((month.clone(), *pence)),
        }
    }
    total.by_month.sort();
}

fn add_facts(total: &mut CollectionFacts, other: &CollectionFacts) {
    add_collection(&mut total.council_tax, &other.council_tax);
    add_collection(&mut total.business_rates, &other.business_rates);
}

fn add_benefits(total: &mut BenefitsPerformance, other: &BenefitsPerformance) {
    let add = |a: (u64, u64), b: (u64, u64)| (a.0 + b.0, a.1 + b.1);
    total.new_claims = add(total.new_claims, other.new_claims);
    total.changes = add(total.changes, other.changes);
    total.uc_records = add(total.uc_records, other.uc_records);
    total.live_claims += other.live_claims;
}

/// `GetPerformance`: for one council, or for `members` and their total.
pub(crate) async fn performance_view<R: FinanceReads + DriverReads>(
    reads: &R,
    councils: &HashSet<CouncilCode>,
    members: Vec<CouncilCode>,
    request: &Request<proto::GetPerformanceRequest>,
) -> Result<proto::Performance, Status> {
    let mut v = Violations::for_request(request);
    let body = request.get_ref();
    let one = if body.council.is_empty() {
        // Every member and the partnership's total: the shared service's own view.
        if let Some(caller) = v.caller()
            && caller.scope != precept_app::access::Scope::Partnership
        {
            return Err(Status::permission_denied(format!(
                "credential {} is scoped to {}: name that council",
                caller.credential, caller.scope
            )));
        }
        Some(None)
    } else {
        v.council("council", &body.council, councils).map(Some)
    };
    let year = required_year(&mut v, "year", &body.year);
    let on = crate::common::optional_date(&mut v, "on", &body.on);
    v.finish()?;
    let (Some(one), Some(year), Some(on)) = (one, year, on) else {
        unreachable!("{UNREACHABLE}");
    };
    let on = on.unwrap_or_else(|| year.last_day());
    let previous = FinancialYear::starting(year.start_year() - 1).map_err(|_| Status::invalid_argument("year"))?;
    let period: (NaiveDate, NaiveDate) = (year.first_day(), year.last_day());
    let list = match &one {
        Some(council) => vec![council.clone()],
        None => members,
    };
    let caseloads = reads.drivers(&list, on, period).await.map_err(query_error)?;
    let caseload = |council: &CouncilCode, driver: Driver| caseloads.get(driver, council);
    let mut views = Vec::new();
    let (mut this_total, mut last_total) = (CollectionFacts::default(), CollectionFacts::default());
    let mut benefits_total = BenefitsPerformance::default();
    for council in &list {
        let this = reads.collection(council, year).await.map_err(query_error)?;
        let last = reads.collection(council, previous).await.map_err(query_error)?;
        let benefits = reads.benefits(council, period).await.map_err(query_error)?;
        let mut view = council_view(council.as_str(), (&this, &last), &benefits, year, previous);
        view.live_council_tax_accounts = caseload(council, Driver::LiveCouncilTaxAccounts);
        view.hereditaments = caseload(council, Driver::Hereditaments);
        views.push(view);
        add_facts(&mut this_total, &this);
        add_facts(&mut last_total, &last);
        add_benefits(&mut benefits_total, &benefits);
    }
    if one.is_none() {
        let mut total = council_view(
            "partnership",
            (&this_total, &last_total),
            &benefits_total,
            year,
            previous,
        );
        total.live_council_tax_accounts = list.iter().map(|c| caseload(c, Driver::LiveCouncilTaxAccounts)).sum();
        total.hereditaments = list.iter().map(|c| caseload(c, Driver::Hereditaments)).sum();
        views.push(total);
    }
    Ok(proto::Performance {
        year: year.to_string(),
        councils: views,
    })
}
