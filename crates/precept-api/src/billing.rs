//! The `precept.v1.CouncilTaxBilling` service: the billing run, changes, money, and queries.

use std::collections::HashSet;
use std::sync::Arc;

use precept_app::council_tax::{BillingReads, BillingRun, ListFilter, RunProgress, Stores};
use precept_app::{AccountDirectory, CouncilTaxService, ServiceError};
use precept_domain::account::{AccountCommand, CircumstanceChange};
use precept_domain::charge::{DiscountKind, ExemptionClass, PremiumBasis};
use precept_domain::{AccountId, CouncilCode};
use tokio::sync::watch;
use tokio_stream::wrappers::ReceiverStream;
use tonic::{Request, Response, Status};

use crate::billing_reads;
use crate::common::{account_target, command_meta, id, optional_date, reply, required_year, stream_progress};
use crate::council_tax::plan;
use crate::money_requests::{self, Target};
use crate::proto::change_circumstances_request::Change;
use crate::proto::council_tax_billing_server::CouncilTaxBilling;
use crate::proto::{self, BillingRunProgress, CommitReceipt};
use crate::status;
use crate::validate::Violations;

/// The billing service.
pub struct CouncilTaxBillingApi<S: Stores, D, R> {
    app: Arc<CouncilTaxService<S>>,
    directory: Arc<D>,
    reads: Arc<R>,
    councils: Arc<HashSet<CouncilCode>>,
    /// Accounts billed at once by a run.
    pub run_concurrency: usize,
}

impl<S: Stores, D, R> CouncilTaxBillingApi<S, D, R> {
    /// A service for the partnership's `councils`.
    pub fn new(
        app: Arc<CouncilTaxService<S>>,
        directory: Arc<D>,
        reads: Arc<R>,
        councils: Arc<HashSet<CouncilCode>>,
    ) -> Self {
        CouncilTaxBillingApi {
            app,
            directory,
            reads,
            councils,
            // 1,024 in flight keeps JetStream's pipeline full; 256 left about a sixth of the
            // rate unused on the 2-core bench machine (docs/PERFORMANCE.md, annual-billing).
            run_concurrency: 1_024,
        }
    }
}

fn progress_message(progress: &RunProgress) -> BillingRunProgress {
    BillingRunProgress {
        examined: progress.examined,
        billed: progress.billed,
        unchanged: progress.unchanged,
        failed: progress.failed,
        finished: progress.finished,
        failures: progress
            .failures
            .iter()
            .map(|(account, reason)| proto::BillingFailure {
                account_id: account.to_string(),
                reason: reason.clone(),
            })
            .collect(),
    }
}

impl<S: Stores, D, R> CouncilTaxBillingApi<S, D, R> {
    /// Runs an account command that needs nothing but the account.
    async fn account_command(
        &self,
        target: Target,
        command: AccountCommand,
    ) -> Result<Response<CommitReceipt>, Status> {
        let outcome = self
            .app
            .accounts()
            .execute(&target.council, &target.account, command, &target.meta)
            .await;
        reply(outcome.map_err(ServiceError::from))
    }
}

fn change_from(v: &mut Violations, change: Option<&Change>) -> Option<CircumstanceChange> {
    let Some(change) = change else {
        v.add("change", "one change is required");
        return None;
    };
    Some(match change {
        Change::MoveOut(m) => CircumstanceChange::MoveOut {
            move_out: v.date("move_out.move_out", &m.move_out)?,
        },
        Change::AwardDiscount(d) => {
            let kind = match proto::DiscountKind::try_from(d.kind) {
                Ok(proto::DiscountKind::SinglePerson) => Some(DiscountKind::SinglePerson),
                Ok(proto::DiscountKind::AllDisregarded) => Some(DiscountKind::AllDisregarded),
                _ => {
                    v.add("award_discount.kind", "must be a discount kind other than UNSPECIFIED");
                    None
                }
            };
            let from = v.date("award_discount.from", &d.from);
            let to = optional_date(v, "award_discount.to", &d.to);
            CircumstanceChange::AwardDiscount {
                kind: kind?,
                from: from?,
                to: to?,
            }
        }
        Change::AwardExemption(e) => {
            let class = v.check("award_exemption.class_letter", ExemptionClass::parse(&e.class_letter));
            let from = v.date("award_exemption.from", &e.from);
            let to = optional_date(v, "award_exemption.to", &e.to);
            CircumstanceChange::AwardExemption {
                class: class?,
                from: from?,
                to: to?,
            }
        }
        Change::StartPremium(p) => {
            let basis = match proto::PremiumKind::try_from(p.kind) {
                Ok(proto::PremiumKind::LongTermEmpty) => v
                    .date("start_premium.empty_since", &p.empty_since)
                    .map(|empty_since| PremiumBasis::LongTermEmpty { empty_since }),
                Ok(proto::PremiumKind::SecondHome) => Some(PremiumBasis::SecondHome),
                _ => {
                    v.add("start_premium.kind", "must be a premium kind other than UNSPECIFIED");
                    None
                }
            };
            let from = v.date("start_premium.from", &p.from);
            let to = optional_date(v, "start_premium.to", &p.to);
            CircumstanceChange::StartPremium {
                basis: basis?,
                from: from?,
                to: to?,
            }
        }
        Change::EndDiscount(e) => CircumstanceChange::EndDiscount {
            last_day: v.date("end_discount.last_day", &e.last_day)?,
        },
        Change::EndExemption(e) => CircumstanceChange::EndExemption {
            last_day: v.date("end_exemption.last_day", &e.last_day)?,
        },
        Change::EndPremium(e) => CircumstanceChange::EndPremium {
            last_day: v.date("end_premium.last_day", &e.last_day)?,
        },
        Change::Recalculate(_) => CircumstanceChange::Recalculate,
    })
}

#[tonic::async_trait]
impl<S: Stores, D: AccountDirectory, R: BillingReads> CouncilTaxBilling for CouncilTaxBillingApi<S, D, R> {
    type RunAnnualBillingStream = ReceiverStream<Result<BillingRunProgress, Status>>;

    async fn run_annual_billing(
        &self,
        request: Request<proto::RunAnnualBillingRequest>,
    ) -> Result<Response<Self::RunAnnualBillingStream>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let meta = command_meta(
            &mut v,
            &request,
            "RunAnnualBilling",
            &body.request_id,
            &body.correlation_id,
        );
        let council = v.council("council", &body.council, &self.councils);
        let year = required_year(&mut v, "year", &body.year);
        let issue_date = v.date("issue_date", &body.issue_date);
        v.finish()?;
        let (Some(meta), Some(council), Some(year), Some(issue_date)) = (meta, council, year, issue_date) else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let run = BillingRun {
            council,
            year,
            issue_date,
            meta,
            concurrency: self.run_concurrency,
            page_size: 2_000,
        };
        let (app, directory) = (Arc::clone(&self.app), Arc::clone(&self.directory));
        let (progress, updates) = watch::channel(RunProgress::default());
        let running = async move { app.run_annual_billing(&run, directory.as_ref(), &progress).await };
        Ok(Response::new(stream_progress(
            updates,
            running,
            progress_message,
            |progress| progress.finished,
        )))
    }

    async fn issue_bill(&self, request: Request<proto::IssueBillRequest>) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let (meta, council, account) = account_target(
            &mut v,
            &request,
            ("IssueBill", &self.councils),
            (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
        );
        let year = required_year(&mut v, "year", &body.year);
        let issue_date = v.date("issue_date", &body.issue_date);
        v.finish()?;
        let (Some(meta), Some(council), Some(account), Some(year), Some(issue_date)) =
            (meta, council, account, year, issue_date)
        else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        reply(self.app.issue_bill(&council, &account, year, issue_date, &meta).await)
    }

    async fn change_circumstances(
        &self,
        request: Request<proto::ChangeCircumstancesRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let (meta, council, account) = account_target(
            &mut v,
            &request,
            ("ChangeCircumstances", &self.councils),
            (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
        );
        let notice_date = v.date("notice_date", &body.notice_date);
        let change = change_from(&mut v, body.change.as_ref());
        v.finish()?;
        let (Some(meta), Some(council), Some(account), Some(notice_date), Some(change)) =
            (meta, council, account, notice_date, change)
        else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        reply(
            self.app
                .change_circumstances(&council, &account, change, notice_date, &meta)
                .await,
        )
    }

    async fn change_instalment_plan(
        &self,
        request: Request<proto::ChangeInstalmentPlanRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let (meta, council, account) = account_target(
            &mut v,
            &request,
            ("ChangeInstalmentPlan", &self.councils),
            (&body.request_id, &body.council, &body.account_id, &body.correlation_id),
        );
        let plan = plan(&mut v, body.twelve_instalments, body.instalment_day);
        let notice_date = v.date("notice_date", &body.notice_date);
        v.finish()?;
        let (Some(meta), Some(council), Some(account), Some(plan), Some(notice_date)) =
            (meta, council, account, plan, notice_date)
        else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        reply(self.app.change_plan(&council, &account, plan, notice_date, &meta).await)
    }

    async fn reverse_payment(
        &self,
        request: Request<proto::ReversePaymentRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, reversal) = money_requests::reversal(&request, &self.councils)?;
        self.account_command(target, AccountCommand::ReversePayment(reversal))
            .await
    }

    async fn refund_credit(
        &self,
        request: Request<proto::RefundCreditRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, refund) = money_requests::refund(&request, &self.councils)?;
        self.account_command(target, AccountCommand::RefundCredit(refund)).await
    }

    async fn carry_forward_credit(
        &self,
        request: Request<proto::CarryForwardCreditRequest>,
    ) -> Result<Response<CommitReceipt>, Status> {
        let (target, carry) = money_requests::carry_forward(&request, &self.councils)?;
        self.account_command(target, AccountCommand::CarryForwardCredit(carry))
            .await
    }

    async fn get_account_summary(
        &self,
        request: Request<proto::GetAccountSummaryRequest>,
    ) -> Result<Response<proto::AccountSummary>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let account = id(&mut v, "account_id", &body.account_id, AccountId::parse);
        let as_of = optional_date(&mut v, "as_of", &body.as_of);
        v.finish()?;
        let (Some(council), Some(account), Some(as_of)) = (council, account, as_of) else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        // The API edge may read the clock; the domain never does.
        let as_of = as_of.unwrap_or_else(|| chrono::Utc::now().date_naive());
        let view = self
            .reads
            .account(&council, &account, body.min_sequence)
            .await
            .map_err(status::query_error)?;
        view.as_ref()
            .and_then(|view| billing_reads::summary(&council, view, as_of))
            .map(Response::new)
            .ok_or_else(|| Status::not_found(format!("no account {account} in council {council}")))
    }

    async fn get_statement(
        &self,
        request: Request<proto::GetStatementRequest>,
    ) -> Result<Response<proto::Statement>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let account = id(&mut v, "account_id", &body.account_id, AccountId::parse);
        v.finish()?;
        let (Some(council), Some(account)) = (council, account) else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let lines = self
            .reads
            .statement(&council, &account, body.min_sequence)
            .await
            .map_err(status::query_error)?;
        Ok(Response::new(billing_reads::statement(lines)))
    }

    async fn list_accounts(
        &self,
        request: Request<proto::ListAccountsRequest>,
    ) -> Result<Response<proto::ListAccountsResponse>, Status> {
        let mut v = Violations::for_request(&request);
        let body = request.get_ref();
        let council = v.council("council", &body.council, &self.councils);
        let year = crate::council_tax::optional_year(&mut v, "year", &body.year);
        let in_arrears_on = optional_date(&mut v, "in_arrears_on", &body.in_arrears_on);
        let band = if body.band.is_empty() {
            Some(None)
        } else {
            crate::convert::band(&mut v, "band", &body.band).map(|band| Some(band.to_string()))
        };
        let after = if body.page_token.is_empty() {
            Some(None)
        } else {
            v.check("page_token", AccountId::parse(&body.page_token))
                .map(|id| Some(id.to_string()))
        };
        let page_size = if body.page_size == 0 { 100 } else { body.page_size };
        if page_size > 500 {
            v.add("page_size", "must be at most 500");
        }
        v.finish()?;
        let (Some(council), Some(year), Some(in_arrears_on), Some(band), Some(after)) =
            (council, year, in_arrears_on, band, after)
        else {
            unreachable!("every None above recorded a violation, so finish() returned early");
        };
        let filter = ListFilter {
            council,
            year,
            in_arrears_on,
            band,
            after,
            limit: page_size + 1,
        };
        let mut accounts = self.reads.list(&filter).await.map_err(status::query_error)?;
        let more = accounts.len() > page_size as usize;
        accounts.truncate(page_size as usize);
        let next_page_token = if more {
            accounts.last().map(|a| a.account_id.clone()).unwrap_or_default()
        } else {
            String::new()
        };
        Ok(Response::new(proto::ListAccountsResponse {
            accounts: accounts.into_iter().map(billing_reads::listed).collect(),
            next_page_token,
        }))
    }
}
