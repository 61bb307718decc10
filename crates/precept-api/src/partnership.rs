//! The `precept.v1.Partnership` service: the agreement, a year's cost lines and actuals, and
//! the apportionment and what-if views (REFERENCE §5). Who may call it (finance roles) is a
//! later issue's; this file parses, validates and maps errors.

use std::collections::{BTreeMap, HashSet};
use std::sync::Arc;

use chrono::NaiveDate;
use precept_app::partnership::{
    Amounts, ApportionmentRequest, DriverReads, FinanceReads, PartnershipService, PartnershipStores,
};
use precept_domain::partnership::drivers::DriversUsed;
use precept_domain::partnership::{
    AgreementCommand, Driver, Limits, LineBasis, LineSpec, PoolCommand, Proposal, Service, TrueUp,
};
use precept_domain::{CouncilCode, FinancialYear, Pence};
use tonic::{Request, Response, Status};

use crate::common::{command_meta, reply, required_year};
use crate::proto::partnership_server::Partnership;
use crate::proto::{self, CommitReceipt};
use crate::status::IntoStatus;
use crate::validate::Violations;

const UNREACHABLE: &str = "every None above recorded a violation, so finish() returned early";

/// The partnership service.
pub struct PartnershipApi<S: PartnershipStores, R> {
    app: Arc<PartnershipService<S>>,
    drivers: Arc<R>,
    councils: Arc<HashSet<CouncilCode>>,
}

impl<S: PartnershipStores, R> PartnershipApi<S, R> {
    /// A service for the partnership's `councils`, reading drivers through `drivers`.
    pub fn new(app: Arc<PartnershipService<S>>, drivers: Arc<R>, councils: Arc<HashSet<CouncilCode>>) -> Self {
        PartnershipApi { app, drivers, councils }
    }
}

fn service(v: &mut Violations, field: &str, value: i32) -> Option<Service> {
    match proto::PartnershipService::try_from(value) {
        Ok(proto::PartnershipService::CouncilTax) => Some(Service::CouncilTax),
        Ok(proto::PartnershipService::BusinessRates) => Some(Service::BusinessRates),
        Ok(proto::PartnershipService::Benefits) => Some(Service::Benefits),
        Ok(proto::PartnershipService::Recovery) => Some(Service::Recovery),
        Ok(proto::PartnershipService::Fraud) => Some(Service::Fraud),
        Ok(proto::PartnershipService::Unspecified) | Err(_) => {
            v.add(field, "must be a service other than UNSPECIFIED");
            None
        }
    }
}

fn driver(v: &mut Violations, field: &str, value: i32) -> Option<Driver> {
    match proto::CostDriver::try_from(value) {
        Ok(proto::CostDriver::LiveCouncilTaxAccounts) => Some(Driver::LiveCouncilTaxAccounts),
        Ok(proto::CostDriver::Hereditaments) => Some(Driver::Hereditaments),
        Ok(proto::CostDriver::BenefitClaims) => Some(Driver::BenefitClaims),
        Ok(proto::CostDriver::RateableValue) => Some(Driver::RateableValue),
        Ok(proto::CostDriver::BillsIssued) => Some(Driver::BillsIssued),
        Ok(proto::CostDriver::PaymentsProcessed) => Some(Driver::PaymentsProcessed),
        Ok(proto::CostDriver::RecoveryActions) => Some(Driver::RecoveryActions),
        Ok(proto::CostDriver::UcRecordsHandled) => Some(Driver::UcRecordsHandled),
        Ok(proto::CostDriver::ClaimsAssessed) => Some(Driver::ClaimsAssessed),
        Ok(proto::CostDriver::Unspecified) | Err(_) => {
            v.add(field, "must be a driver other than UNSPECIFIED");
            None
        }
    }
}

fn code(v: &mut Violations, field: &str, text: &str) -> Option<CouncilCode> {
    v.required(field, text)
        .and_then(|text| v.check(field, CouncilCode::parse(text)))
}

fn shares(v: &mut Violations, field: &str, shares: &[proto::FixedShare]) -> Option<Vec<(CouncilCode, u32)>> {
    shares
        .iter()
        .map(|share| code(v, field, &share.member).map(|member| (member, share.bp)))
        .collect()
}

fn year_and_day(v: &mut Violations, year: &str, on: &str) -> Option<(FinancialYear, NaiveDate)> {
    let year = required_year(v, "year", year);
    let on = v.date("on", on);
    let (year, on) = (year?, on?);
    if !year.contains(on) {
        v.add("on", "must be a day of the year");
        return None;
    }
    Some((year, on))
}

/// An optional period within `year` (`from` and `to` both, or neither: the whole year).
fn period_within(
    v: &mut Violations,
    year: Option<FinancialYear>,
    (from, to): (&str, &str),
) -> Option<(NaiveDate, NaiveDate)> {
    let year = year?;
    if from.is_empty() && to.is_empty() {
        return Some((year.first_day(), year.last_day()));
    }
    let (from, to) = crate::common::date_range(v, from, to);
    let (from, to) = (from?, to?);
    if !year.contains(from) || !year.contains(to) {
        v.add("from", "the period must lie within the year");
        return None;
    }
    Some((from, to))
}

/// How a line's drivers were chosen, and the largest movement (basis points, rounded down).
fn drivers_used(used: &[(String, DriversUsed)], line: &str) -> (&'static str, u32) {
    let movement = |decision: &TrueUp| {
        let largest = match decision {
            TrueUp::KeepEstimate { largest } => largest.as_ref().map(|(_, bp)| *bp),
            TrueUp::UseActual { largest } => Some(largest.1),
        };
        largest.map_or(0, |bp| u32::try_from(bp.to_integer()).unwrap_or(u32::MAX))
    };
    match used.iter().find(|(name, _)| name == line).map(|(_, used)| used) {
        Some(DriversUsed::Estimate(decision)) => ("estimate", movement(decision)),
        Some(DriversUsed::Actual(decision)) => ("actual", movement(decision)),
        Some(DriversUsed::Measured) | None => ("measured", 0),
    }
}

#[tonic::async_trait]
impl<S: PartnershipStores, R: DriverReads + FinanceReads> Partnership for PartnershipApi<S, R> {
    async fn join_partnership(
        &self,
        request: Request<proto::JoinPartnershipRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "JoinPartnership",
            &body.request_id,
            &body.correlation_id,
        );
        let member = v.council("member", &body.member, &self.councils);
        let services: Option<Vec<Service>> = body.services.iter().map(|s| service(&mut v, "services", *s)).collect();
        let from = v.date("from", &body.from);
        v.finish()?;
        let (Some(meta), Some(member), Some(services), Some(from)) = (meta, member, services, from) else {
            unreachable!("{UNREACHABLE}");
        };
        let command = AgreementCommand::Join { member, services, from };
        reply(self.app.change_agreement(command, &meta).await)
    }

    async fn leave_partnership(
        &self,
        request: Request<proto::LeavePartnershipRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "LeavePartnership",
            &body.request_id,
            &body.correlation_id,
        );
        let member = v.council("member", &body.member, &self.councils);
        let last_day = v.date("last_day", &body.last_day);
        v.finish()?;
        let (Some(meta), Some(member), Some(last_day)) = (meta, member, last_day) else {
            unreachable!("{UNREACHABLE}");
        };
        reply(
            self.app
                .change_agreement(AgreementCommand::Leave { member, last_day }, &meta)
                .await,
        )
    }

    async fn set_cost_line(
        &self,
        request: Request<proto::SetCostLineRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        use proto::set_cost_line_request::Basis;
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(&mut v, &request, "SetCostLine", &body.request_id, &body.correlation_id);
        let year = required_year(&mut v, "year", &body.year);
        let name = v.required("name", &body.name).map(str::to_owned);
        let line_service = service(&mut v, "service", body.service);
        let basis = match &body.basis {
            Some(Basis::Fixed(fixed)) => shares(&mut v, "fixed.shares.member", &fixed.shares).map(LineBasis::Fixed),
            Some(Basis::Driver(value)) => driver(&mut v, "driver", *value).map(LineBasis::Driver),
            Some(Basis::PerUnit(per_unit)) => {
                driver(&mut v, "per_unit.driver", per_unit.driver).map(|driver| LineBasis::PerUnit {
                    rate: Pence::new(per_unit.rate_pence),
                    driver,
                })
            }
            None => {
                v.add("basis", "fixed, driver or per_unit is required");
                None
            }
        };
        let limits: Option<Vec<(CouncilCode, Limits)>> = body
            .limits
            .iter()
            .map(|limit| {
                code(&mut v, "limits.member", &limit.member).map(|member| {
                    let bounds = Limits {
                        floor: limit.has_floor.then(|| Pence::new(limit.floor_pence)),
                        cap: limit.has_cap.then(|| Pence::new(limit.cap_pence)),
                    };
                    (member, bounds)
                })
            })
            .collect();
        v.finish()?;
        let (Some(meta), Some(year), Some(name), Some(line_service), Some(basis), Some(limits)) =
            (meta, year, name, line_service, basis, limits)
        else {
            unreachable!("{UNREACHABLE}");
        };
        let line = LineSpec {
            name,
            service: line_service,
            amount: Pence::new(body.amount_pence),
            basis,
            limits,
        };
        reply(self.app.change_pool(year, PoolCommand::SetLine(line), &meta).await)
    }

    async fn record_actual_cost(
        &self,
        request: Request<proto::RecordActualCostRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "RecordActualCost",
            &body.request_id,
            &body.correlation_id,
        );
        let year = required_year(&mut v, "year", &body.year);
        let name = v.required("name", &body.name).map(str::to_owned);
        let on = v.date("on", &body.on);
        v.finish()?;
        let (Some(meta), Some(year), Some(name), Some(on)) = (meta, year, name, on) else {
            unreachable!("{UNREACHABLE}");
        };
        let command = PoolCommand::RecordActual {
            name,
            amount: Pence::new(body.amount_pence),
            on,
        };
        reply(self.app.change_pool(year, command, &meta).await)
    }

    async fn get_apportionment(
        &self,
        request: Request<proto::GetApportionmentRequest>,
    ) -> Result<Response<proto::Apportionment>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let year_and_day = year_and_day(&mut v, &body.year, &body.on);
        let period = period_within(&mut v, year_and_day.map(|(year, _)| year), (&body.from, &body.to));
        v.finish()?;
        let (year, on) = year_and_day.expect(UNREACHABLE);
        let request = ApportionmentRequest {
            year,
            amounts: if body.actual { Amounts::Actual } else { Amounts::Budget },
            on,
            period: period.expect(UNREACHABLE),
        };
        let view = self
            .app
            .apportionment(request, self.drivers.as_ref())
            .await
            .map_err(crate::status::partnership)?;
        let used = view.used;
        Ok(Response::new(proto::Apportionment {
            lines: view
                .lines
                .into_iter()
                .map(|(name, shares)| proto::LineApportionment {
                    drivers_used: drivers_used(&used, &name).0.to_owned(),
                    largest_movement_bp: drivers_used(&used, &name).1,
                    name,
                    shares: shares
                        .into_iter()
                        .map(|share| proto::MemberShare {
                            member: share.member.to_string(),
                            driver: share.driver,
                            amount_pence: share.amount.get(),
                            bound: share.bound,
                        })
                        .collect(),
                })
                .collect(),
            members: view
                .members
                .into_iter()
                .map(|(member, total)| proto::MemberTotal {
                    member: member.to_string(),
                    amount_pence: total.get(),
                })
                .collect(),
        }))
    }

    async fn get_recharge_statement(
        &self,
        request: Request<proto::GetRechargeStatementRequest>,
    ) -> Result<Response<proto::RechargeStatement>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let year_and_day = year_and_day(&mut v, &body.year, &body.on);
        let member = if body.member.is_empty() {
            Some(None)
        } else {
            v.council("member", &body.member, &self.councils).map(Some)
        };
        v.finish()?;
        let (Some((year, on)), Some(member)) = (year_and_day, member) else {
            unreachable!("{UNREACHABLE}");
        };
        let request = ApportionmentRequest {
            year,
            amounts: Amounts::Budget,
            on,
            period: (year.first_day(), year.last_day()),
        };
        let lines: Vec<_> = self
            .app
            .recharges(request, self.drivers.as_ref())
            .await
            .map_err(crate::status::partnership)?
            .into_iter()
            .filter(|line| member.as_ref().is_none_or(|member| &line.member == member))
            .collect();
        let sum = |amounts: &mut dyn Iterator<Item = Pence>| amounts.fold(Pence::ZERO, |a, b| a + b).get();
        Ok(Response::new(proto::RechargeStatement {
            budget_total_pence: sum(&mut lines.iter().map(|line| line.budget)),
            actual_total_pence: sum(&mut lines.iter().filter_map(|line| line.actual)),
            difference_total_pence: sum(&mut lines.iter().filter_map(|line| line.difference())),
            lines: lines
                .into_iter()
                .map(|line| proto::RechargeLine {
                    difference_pence: line.difference().map(Pence::get),
                    line: line.line,
                    member: line.member.to_string(),
                    budget_pence: line.budget.get(),
                    actual_pence: line.actual.map(Pence::get),
                })
                .collect(),
        }))
    }

    async fn fix_driver_estimate(
        &self,
        request: Request<proto::FixDriverEstimateRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "FixDriverEstimate",
            &body.request_id,
            &body.correlation_id,
        );
        let year = required_year(&mut v, "year", &body.year);
        let on = v.date("on", &body.on);
        if let (Some(year), Some(on)) = (year, on)
            && on > year.last_day()
        {
            v.add("on", "must not be after the year");
        }
        v.finish()?;
        let (Some(meta), Some(year), Some(on)) = (meta, year, on) else {
            unreachable!("{UNREACHABLE}");
        };
        // Estimated at budget time (before the year): activity over the year before; during
        // the year: activity so far.
        let period = if on < year.first_day() {
            let previous =
                FinancialYear::starting(year.start_year() - 1).map_err(|_| Status::invalid_argument("year"))?;
            (previous.first_day(), previous.last_day())
        } else {
            (year.first_day(), on)
        };
        reply(
            self.app
                .fix_estimate(year, (on, period), self.drivers.as_ref(), &meta)
                .await,
        )
    }

    async fn get_collection_fund(
        &self,
        request: Request<proto::GetCollectionFundRequest>,
    ) -> Result<Response<proto::CollectionFund>, Status> {
        let view =
            crate::partnership_finance::collection_fund_view(self.drivers.as_ref(), &self.councils, &request).await?;
        Ok(Response::new(view))
    }

    async fn get_performance(
        &self,
        request: Request<proto::GetPerformanceRequest>,
    ) -> Result<Response<proto::Performance>, Status> {
        let agreement = self.app.agreement().await.map_err(IntoStatus::into_status)?;
        let members = agreement.members.keys().cloned().collect();
        let view =
            crate::partnership_finance::performance_view(self.drivers.as_ref(), &self.councils, members, &request)
                .await?;
        Ok(Response::new(view))
    }

    async fn get_what_if(&self, request: Request<proto::GetWhatIfRequest>) -> Result<Response<proto::WhatIf>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let year_and_day = year_and_day(&mut v, &body.year, &body.on);
        let member = code(&mut v, "member", &body.member);
        let fixed: Option<BTreeMap<String, Vec<(CouncilCode, u32)>>> = body
            .fixed
            .iter()
            .map(|split| {
                shares(&mut v, "fixed.shares.member", &split.shares).map(|shares| (split.line.clone(), shares))
            })
            .collect();
        v.finish()?;
        let (Some((year, on)), Some(member), Some(fixed)) = (year_and_day, member, fixed) else {
            unreachable!("{UNREACHABLE}");
        };
        let proposal = Proposal {
            member,
            drivers: body.drivers.iter().map(|d| (d.line.clone(), d.value)).collect(),
            fixed,
            added_cost: body
                .added_costs
                .iter()
                .map(|cost| (cost.line.clone(), Pence::new(cost.amount_pence)))
                .collect(),
        };
        let request = ApportionmentRequest {
            year,
            amounts: Amounts::Budget,
            on,
            period: (year.first_day(), year.last_day()),
        };
        let rows = self
            .app
            .what_if(request, &proposal, self.drivers.as_ref())
            .await
            .map_err(crate::status::partnership)?;
        Ok(Response::new(proto::WhatIf {
            members: rows
                .into_iter()
                .map(|row| proto::MemberComparison {
                    member: row.member.to_string(),
                    before_pence: row.before.get(),
                    after_pence: row.after.get(),
                    saving_pence: row.saving().get(),
                })
                .collect(),
        }))
    }
}
